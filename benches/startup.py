#!/usr/bin/env python3
"""Start-up benchmark: time from exec to the readiness line, and idle memory.

Usage: cargo build --release && python3 benches/startup.py [RUNS]
Prints figures; asserts nothing (the target — ready in under 10 ms — is read off the output).
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(__file__).resolve().parent.parent / "target" / "release" / "lockbox"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    if not BIN.exists():
        sys.exit(f"{BIN} not found: run `cargo build --release` first")
    times, rss = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(BIN), "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = proc.stdout.readline()
        times.append((time.perf_counter() - start) * 1000)
        if "ready:" not in line:
            sys.exit(f"unexpected first line: {line!r}")
        rss.append(rss_kib(proc.pid))
        proc.terminate()
        proc.wait()
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"binary: {BIN.stat().st_size / 1e6:.1f} MB")
    print(f"time to ready over {runs} runs: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms")
    print(f"idle RSS after ready: median {statistics.median(rss) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
