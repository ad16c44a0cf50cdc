#!/usr/bin/env python3
"""Start-up benchmark: time from exec to the readiness line, and idle memory; in memory, and
with a data dir holding SECRETS secrets (loaded from SQLite before the ready line).

Usage: cargo build --release && python3 benches/startup.py [RUNS] [SECRETS]
Prints figures; asserts nothing (the target — ready in under 10 ms — is read off the output).
"""
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BIN = Path(__file__).resolve().parent.parent / "target" / "release" / "lockbox"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def start(extra: list[str]):
    """Starts the server; returns (process, ready line, seconds to the ready line)."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN), "--listen", "127.0.0.1:0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - began
    if "ready:" not in line:
        sys.exit(f"unexpected first line: {line!r}")
    return proc, line, elapsed


def measure(label: str, runs: int, extra: list[str]) -> None:
    times, rss = [], []
    for _ in range(runs):
        proc, _, elapsed = start(extra)
        times.append(elapsed * 1000)
        rss.append(rss_kib(proc.pid))
        proc.terminate()
        proc.wait()
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label}: time to ready over {runs} runs: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms")
    print(f"{label}: idle RSS after ready: median {statistics.median(rss) / 1024:.1f} MiB")


def fill(data_dir: str, secrets: int) -> None:
    """Creates `secrets` secrets (one version each) in the data dir, unsigned (--auth off)."""
    proc, line, _ = start(["--auth", "off", "--data-dir", data_dir])
    host = line.split("http://", 1)[1].split()[0]
    conn = http.client.HTTPConnection(host)
    for i in range(secrets):
        body = json.dumps({
            "Name": f"startup/{i:06}",
            "SecretString": f"value {i}",
            "ClientRequestToken": str(uuid.uuid4()),
        })
        conn.request("POST", "/", body, {
            "X-Amz-Target": "secretsmanager.CreateSecret",
            "Content-Type": "application/x-amz-json-1.1",
        })
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            sys.exit(f"CreateSecret failed with {response.status}")
    proc.terminate()
    proc.wait()


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    secrets = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    if not BIN.exists():
        sys.exit(f"{BIN} not found: run `cargo build --release` first")
    print(f"binary: {BIN.stat().st_size / 1e6:.1f} MB")
    measure("memory", runs, [])
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = str(Path(tmp) / "data")
        began = time.perf_counter()
        fill(data_dir, secrets)
        print(f"data dir: {secrets} secrets written in {time.perf_counter() - began:.1f} s (one request at a time)")
        size = sum(f.stat().st_size for f in Path(data_dir).iterdir())
        print(f"data dir: {size / 1e6:.1f} MB on disk")
        measure(f"data dir with {secrets} secrets", max(3, runs // 10), ["--data-dir", data_dir])


if __name__ == "__main__":
    main()
