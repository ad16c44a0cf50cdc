#!/usr/bin/env python3
"""Soak test: runs the release binary under a mixed load for N minutes and watches its memory
and file descriptors.

Usage:   cargo build --release && python3 benches/soak.py [--minutes 3] [--workers 4]
         (LOCKBOX_BIN=path/to/lockbox to test another binary; python3 standard library only)

Load, all at once for the whole run:
- WORKERS threads, each on one keep-alive connection, signing with SigV4 (test/test) as the
  SDKs do: CreateSecret, PutSecretValue (with and without VersionStages), GetSecretValue,
  DescribeSecret, ListSecretVersionIds, ListSecrets, UpdateSecretVersionStage, DeleteSecret
  (recovery window + RestoreSecret, or forced), KMS Encrypt / Decrypt / GenerateDataKey under a
  key of its own. Each worker keeps at most 20 live secrets of at most 20 versions (the oldest
  is force-deleted), so the server's state stays bounded and growth means a leak;
- one thread sending malformed requests: bad JSON, wrong member types, unknown or missing
  X-Amz-Target, unsigned or wrongly signed requests, a body over the size cap, garbage
  instead of HTTP, truncated bodies, GET on the API path, deep JSON nesting;
- SLOW slow or idle clients at a time, each for up to 20 s: a connection that sends nothing,
  one that sends its headers a byte a second, one that announces a body and trickles it;
  they are replaced as they end (by the server closing them or by their own deadline).

Every second it samples the server's RSS (VmRSS) and open fds (/proc/PID/fd). At the end it
prints start (after a warm-up of max(10 s, 10 % of the run)), peak and end figures, requests
served and answers by status and __type, and exits 1 when:
- any answer had a 5xx status, or the server died or did not stop cleanly on SIGTERM;
- RSS at the end (median of the last 5 samples) exceeds the start by more than --rss-bound-mib
  (default 32 MiB), or open fds at the end exceed the start by more than --fd-bound (default
  16): the load is steady, so state, caches and connection counts must level off.
"""
import argparse
import datetime
import hashlib
import hmac
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("LOCKBOX_BIN", ROOT / "target" / "release" / "lockbox"))
REGION = "us-east-1"
LIVE_SECRETS = 20
VERSIONS_PER_SECRET = 20


# ---------------------------------------------------------------- SigV4 (as the SDKs sign)

def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signed_headers(host: str, target: str, body: bytes, secret: str = "test",
                   when: datetime.datetime | None = None) -> dict:
    """Headers of a POST / with `target`, signed with SigV4 for access key `test`."""
    service = "kms" if target.startswith("TrentService.") else "secretsmanager"
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    headers = {
        "content-type": "application/x-amz-json-1.1",
        "host": host,
        "x-amz-date": amz_date,
        "x-amz-target": target,
    }
    names = sorted(headers)
    canonical = "\n".join([
        "POST", "/", "",
        "".join(f"{name}:{headers[name]}\n" for name in names),
        ";".join(names),
        hashlib.sha256(body).hexdigest(),
    ])
    scope = f"{amz_date[:8]}/{REGION}/{service}/aws4_request"
    to_sign = "\n".join([
        "AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest(),
    ])
    key = _hmac(("AWS4" + secret).encode(), amz_date[:8])
    for part in (REGION, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential=test/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return headers


# ---------------------------------------------------------------- tallies shared by threads

class Tally:
    """Answers by status and __type, per operation, and transport errors."""

    def __init__(self):
        self.lock = threading.Lock()
        self.answers = Counter()
        self.operations = Counter()
        self.transport = Counter()
        self.server_errors = []
        self.slow = Counter()
        self.case = ""  # the malformed case being sent (one thread sends them)
        self.cases = Counter()

    def answer(self, operation: str, status: int, body: bytes) -> None:
        kind = ""
        if status != 200:
            try:
                kind = json.loads(body).get("__type", "")
            except (ValueError, AttributeError):
                kind = "(no JSON)"
        with self.lock:
            self.answers[(status, kind)] += 1
            self.operations[operation] += 1
            if operation.startswith("malformed"):
                self.cases[(self.case, status, kind)] += 1
            if status >= 500:
                self.server_errors.append(f"{operation}: {status} {body[:200]!r}")

    def total(self) -> int:
        with self.lock:
            return sum(self.answers.values())

    def count_5xx(self) -> int:
        with self.lock:
            return len(self.server_errors)


class Connection:
    """One keep-alive connection that reconnects (and counts it) when the server closed it."""

    def __init__(self, host: str, tally: Tally):
        self.host, self.tally = host, tally
        self.conn = http.client.HTTPConnection(host, timeout=30)

    def call(self, target: str, payload, sign: bool = True, raw: bytes | None = None,
             headers: dict | None = None, label: str | None = None):
        body = raw if raw is not None else json.dumps(payload).encode()
        if headers is None:
            headers = signed_headers(self.host, target, body) if sign else {
                "content-type": "application/x-amz-json-1.1", "x-amz-target": target}
        for attempt in range(2):
            try:
                self.conn.request("POST", "/", body, headers)
                response = self.conn.getresponse()
                data = response.read()
                self.tally.answer(label or target.split(".")[-1], response.status, data)
                if response.status == 200:
                    return json.loads(data or b"{}")
                return None
            except (OSError, http.client.HTTPException) as error:
                with self.tally.lock:
                    self.tally.transport[type(error).__name__] += 1
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, timeout=30)
                if attempt == 1:
                    return None
        return None


# ---------------------------------------------------------------- the load

def worker(host: str, index: int, tally: Tally, stop: threading.Event) -> None:
    conn = Connection(host, tally)
    rng = random.Random(index)
    sm = lambda op, body: conn.call(f"secretsmanager.{op}", body)  # noqa: E731
    kms = lambda op, body: conn.call(f"TrentService.{op}", body)  # noqa: E731
    key = (kms("CreateKey", {"Description": f"soak {index}"}) or {}).get("KeyMetadata", {}).get("KeyId")
    blobs: list[tuple[str, str]] = []
    live: list[list] = []  # [name, versions written]
    serial = 0
    while not stop.is_set():
        if len(live) < 3 or rng.random() < 0.05:
            serial += 1
            name = f"soak/{index}/{serial}"
            if sm("CreateSecret", {"Name": name, "SecretString": "v0",
                                   "ClientRequestToken": str(uuid.uuid4())}):
                live.append([name, 1])
        name_versions = rng.choice(live) if live else None
        if name_versions is None:
            continue
        name = name_versions[0]
        roll = rng.random()
        if roll < 0.2 and name_versions[1] < VERSIONS_PER_SECRET:
            stages = rng.choice([None, ["AWSPENDING"], ["A", "AWSCURRENT"]])
            body = {"SecretId": name, "SecretString": f"value {rng.random()}",
                    "ClientRequestToken": str(uuid.uuid4())}
            if stages:
                body["VersionStages"] = stages
            if sm("PutSecretValue", body):
                name_versions[1] += 1
        elif roll < 0.45:
            sm("GetSecretValue", {"SecretId": name})
        elif roll < 0.5:
            sm("DescribeSecret", {"SecretId": name})
        elif roll < 0.55:
            listed = sm("ListSecretVersionIds", {"SecretId": name, "IncludeDeprecated": True})
            versions = [v["VersionId"] for v in (listed or {}).get("Versions", [])]
            current = [v["VersionId"] for v in (listed or {}).get("Versions", [])
                       if "AWSCURRENT" in v.get("VersionStages", [])]
            if versions and current:
                sm("UpdateSecretVersionStage", {"SecretId": name, "VersionStage": "AWSCURRENT",
                                                "MoveToVersionId": rng.choice(versions),
                                                "RemoveFromVersionId": current[0]})
        elif roll < 0.58:
            sm("ListSecrets", {"MaxResults": 10, "Filters": [{"Key": "name", "Values": [f"soak/{index}/"]}]})
        elif roll < 0.61:
            sm("DeleteSecret", {"SecretId": name, "RecoveryWindowInDays": 7})
            sm("GetSecretValue", {"SecretId": name})  # refused while scheduled
            sm("RestoreSecret", {"SecretId": name})
        elif roll < 0.75 and key:
            context = {"worker": str(index)}
            out = kms("Encrypt", {"KeyId": key, "Plaintext": "c29hayBwbGFpbnRleHQ=",
                                  "EncryptionContext": context})
            if out:
                blobs = (blobs + [(out["CiphertextBlob"], str(index))])[-50:]
        elif roll < 0.85 and blobs:
            blob, owner = rng.choice(blobs)
            kms("Decrypt", {"CiphertextBlob": blob, "EncryptionContext": {"worker": owner}})
        elif roll < 0.92 and key:
            kms("GenerateDataKey", {"KeyId": key, "KeySpec": "AES_256"})
        retire = name_versions if name_versions[1] >= VERSIONS_PER_SECRET else (
            live[0] if len(live) > LIVE_SECRETS else None)
        if retire is not None:
            live.remove(retire)
            sm("DeleteSecret", {"SecretId": retire[0], "ForceDeleteWithoutRecovery": True})


def raw_exchange(host: str, data: bytes, tally: Tally, label: str, half_close: bool = False) -> None:
    """Sends bytes on a fresh socket (then ends its sending side if `half_close`) and tallies
    the status line of whatever comes back before the server closes the connection."""
    address, port = host.rsplit(":", 1)
    reply = b""
    try:
        with socket.create_connection((address, int(port)), timeout=10) as sock:
            try:
                sock.sendall(data)
                if half_close:
                    sock.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass  # answered and closed before reading everything (a body over the cap)
            while chunk := sock.recv(65536):
                reply += chunk
    except OSError as error:
        if not reply:
            with tally.lock:
                tally.transport[f"{label} {tally.case}: {type(error).__name__}"] += 1
            return
    status_line = reply.split(b"\r\n", 1)[0].split()
    status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
    body = reply.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in reply else b""
    tally.answer(label, status, body)


def malformed(host: str, tally: Tally, stop: threading.Event, max_bytes: int) -> None:
    conn = Connection(host, tally)
    get = "secretsmanager.GetSecretValue"
    big = b'{"SecretId":"' + b"a" * max_bytes + b'"}'
    oversized = b"".join(f"{k}: {v}\r\n".encode() for k, v in signed_headers(host, get, big).items())
    oversized = (b"POST / HTTP/1.1\r\nconnection: close\r\n" + oversized
                 + f"content-length: {len(big)}\r\n\r\n".encode() + big)
    cases = [
        ("bad JSON", lambda: conn.call(get, None, raw=b"{not json", label="malformed")),
        ("JSON array", lambda: conn.call(get, None, raw=b"[1,2]", label="malformed")),
        ("wrong type", lambda: conn.call(get, {"SecretId": 5}, label="malformed")),
        ("long name", lambda: conn.call(get, {"SecretId": "x" * 5000}, label="malformed")),
        ("invalid UTF-8", lambda: conn.call(get, None, raw=b'{"SecretId":"\xff\xfe"}', label="malformed")),
        ("deep nesting", lambda: conn.call(get, None, raw=b"[" * 5000 + b"]" * 5000, label="malformed")),
        ("unknown operation", lambda: conn.call("secretsmanager.Nope", {}, label="malformed")),
        ("unknown service", lambda: conn.call("Nope.GetSecretValue", {}, label="malformed")),
        ("unsigned", lambda: conn.call(get, {"SecretId": "x"}, sign=False, label="malformed")),
        ("wrong secret key", lambda: conn.call(get, None, raw=b'{"SecretId":"x"}', label="malformed",
                                               headers=signed_headers(host, get, b'{"SecretId":"x"}', secret="nope"))),
        ("expired signature", lambda: conn.call(get, None, raw=b'{"SecretId":"x"}', label="malformed",
                                                headers=signed_headers(host, get, b'{"SecretId":"x"}',
                                                                       when=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)))),
        ("garbage blob", lambda: conn.call("TrentService.Decrypt", {"CiphertextBlob": "AAAA"}, label="malformed")),
        ("oversized body", lambda: raw_exchange(host, oversized, tally, "malformed")),
        ("not HTTP", lambda: raw_exchange(host, b"HELLO THERE\r\n\r\n", tally, "malformed")),
        ("truncated body", lambda: raw_exchange(
            host, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\"", tally, "malformed",
            half_close=True)),
        ("GET on the API", lambda: raw_exchange(host, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                                tally, "malformed")),
        ("bad header", lambda: raw_exchange(host, b"POST / HTTP/1.1\r\nHost x\r\n\r\n", tally, "malformed")),
    ]
    while not stop.is_set():
        for name, send in cases:
            if stop.is_set():
                break
            tally.case = name
            send()
            time.sleep(0.01)


def slow_client(host: str, tally: Tally, stop: threading.Event, kind: str) -> None:
    """Holds one connection for up to 20 s: idle, headers a byte a second, or a trickled body."""
    address, port = host.rsplit(":", 1)
    deadline = time.monotonic() + 20
    plan = {
        "idle": b"",
        "slow headers": b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: secretsmanager.ListSecrets\r\n",
        "slow body": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"{" * 1000,
    }[kind]
    try:
        with socket.create_connection((address, int(port)), timeout=1) as sock:
            with tally.lock:
                tally.slow[f"{kind}: opened"] += 1
            sent = 0
            head = plan.find(b"\r\n\r\n") + 4 if kind == "slow body" else 0
            if head:
                sock.sendall(plan[:head])
                sent = head
            while time.monotonic() < deadline and not stop.is_set():
                if sent < len(plan):
                    sock.sendall(plan[sent:sent + 1])
                    sent += 1
                try:
                    if sock.recv(4096) == b"":
                        with tally.lock:
                            tally.slow[f"{kind}: closed by the server"] += 1
                        return
                except socket.timeout:
                    pass
            with tally.lock:
                tally.slow[f"{kind}: still open at 20 s"] += 1
    except OSError as error:
        with tally.lock:
            tally.slow[f"{kind}: {type(error).__name__}"] += 1


def slow_clients(host: str, tally: Tally, stop: threading.Event, count: int) -> None:
    kinds = ["idle", "slow headers", "slow body"]
    running: list[threading.Thread] = []
    n = 0
    while not stop.is_set():
        running = [t for t in running if t.is_alive()]
        while len(running) < count:
            thread = threading.Thread(target=slow_client, args=(host, tally, stop, kinds[n % 3]), daemon=True)
            thread.start()
            running.append(thread)
            n += 1
        time.sleep(0.2)
    for thread in running:
        thread.join()


# ---------------------------------------------------------------- sampling and verdict

def sample(pid: int) -> tuple[float, int, int]:
    """(RSS in MiB, open fds, threads) of the server."""
    rss = threads = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
        elif line.startswith("Threads:"):
            threads = int(line.split()[1])
    return rss, len(os.listdir(f"/proc/{pid}/fd")), threads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--slow", type=int, default=6, help="slow or idle clients at a time")
    parser.add_argument("--rss-bound-mib", type=float, default=32.0)
    parser.add_argument("--fd-bound", type=int, default=16)
    args = parser.parse_args()
    if not BIN.exists():
        print(f"{BIN} not found: run `cargo build --release` first", file=sys.stderr)
        return 2
    max_bytes = 1_048_576
    log = tempfile.NamedTemporaryFile(prefix="lockbox-soak-", suffix=".log", delete=False)
    server = subprocess.Popen([str(BIN), "--listen", "127.0.0.1:0", "--log-level", "warn"],
                              stdout=subprocess.PIPE, stderr=log, text=True)
    ready = server.stdout.readline()
    if "ready:" not in ready:
        print(f"no ready line: {ready!r}; log in {log.name}", file=sys.stderr)
        return 2
    host = ready.split("http://", 1)[1].split()[0]
    print(f"soak: {BIN} at {host}, {args.minutes} min, {args.workers} workers, "
          f"{args.slow} slow clients, malformed requests; server log {log.name}")

    tally, stop = Tally(), threading.Event()
    threads = [threading.Thread(target=worker, args=(host, i, tally, stop)) for i in range(args.workers)]
    threads.append(threading.Thread(target=malformed, args=(host, tally, stop, max_bytes)))
    threads.append(threading.Thread(target=slow_clients, args=(host, tally, stop, args.slow)))
    for thread in threads:
        thread.start()

    duration = args.minutes * 60
    warmup = max(10.0, duration * 0.1)
    samples: list[tuple[float, float, int, int, int]] = []  # (t, rss, fds, threads, requests)
    began = time.monotonic()
    died = None
    while (elapsed := time.monotonic() - began) < duration:
        if server.poll() is not None:
            died = f"the server exited with {server.returncode} after {elapsed:.0f} s"
            break
        rss, fds, nthreads = sample(server.pid)
        samples.append((elapsed, rss, fds, nthreads, tally.total()))
        if len(samples) % 15 == 0:
            rate = (samples[-1][4] - samples[-15][4]) / (samples[-1][0] - samples[-15][0])
            print(f"  t={elapsed:5.0f} s  RSS {rss:6.1f} MiB  fds {fds:4}  threads {nthreads:3}  "
                  f"requests {samples[-1][4]:>9,} ({rate:,.0f}/s)  5xx {tally.count_5xx()}", flush=True)
        time.sleep(max(0.0, began + len(samples) - time.monotonic()))
    stop.set()
    for thread in threads:
        thread.join()

    healthy = False
    if died is None:
        try:
            conn = http.client.HTTPConnection(host, timeout=5)
            conn.request("GET", "/_lockbox/health")
            healthy = conn.getresponse().status == 200
        except OSError:
            pass
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            code = "killed after 30 s"
    else:
        code = server.returncode

    after = [s for s in samples if s[0] >= warmup] or samples
    start, end_window = after[0], after[-5:]
    end_rss = statistics.median(s[1] for s in end_window)
    end_fds = int(statistics.median(s[2] for s in end_window))
    total, seconds = tally.total(), samples[-1][0] if samples else 0
    print()
    print(f"{'':22}{'start':>10}{'peak':>10}{'end':>10}   (start = {start[0]:.0f} s, after the warm-up)")
    print(f"{'RSS (MiB)':22}{start[1]:>10.1f}{max(s[1] for s in samples):>10.1f}{end_rss:>10.1f}")
    print(f"{'open fds':22}{start[2]:>10}{max(s[2] for s in samples):>10}{end_fds:>10}")
    print(f"{'threads':22}{start[3]:>10}{max(s[3] for s in samples):>10}{samples[-1][3]:>10}")
    print(f"\nrequests answered: {total:,} in {seconds:.0f} s ({total / max(seconds, 1):,.0f}/s)")
    print("by operation: " + ", ".join(f"{op} {n:,}" for op, n in tally.operations.most_common()))
    print("answers by status and __type:")
    for (status, kind), n in sorted(tally.answers.items(), key=lambda item: (item[0][0], -item[1])):
        print(f"  {status} {kind or ''}".rstrip() + f": {n:,}")
    print("malformed requests, answers per case (0 = closed without an answer):")
    for case in dict.fromkeys(case for case, _, _ in tally.cases):
        answers = [f"{status} {kind}".rstrip() + f" x{n}" for (c, status, kind), n in tally.cases.items() if c == case]
        print(f"  {case}: {', '.join(answers)}")
    if tally.transport:
        print("transport errors: " + ", ".join(f"{k} {n}" for k, n in tally.transport.most_common()))
    print("slow/idle clients: " + ", ".join(f"{k} {n}" for k, n in sorted(tally.slow.items())))
    log.close()
    log_lines = Path(log.name).read_text(errors="replace").splitlines()
    warnings = sum(" WARN " in line for line in log_lines)
    errors = [line for line in log_lines if " ERROR " in line]
    print(f"server log: {warnings} WARN and {len(errors)} ERROR entries; exit status on SIGTERM: {code}")
    for line in errors[:5]:
        print(f"  {line[:200]}")

    failures = []
    if tally.server_errors:
        failures.append(f"{len(tally.server_errors)} answers with a 5xx, e.g. {tally.server_errors[0]}")
    if died:
        failures.append(died)
    elif not healthy:
        failures.append("the health endpoint did not answer 200 at the end")
    if code != 0:
        failures.append(f"exit status {code} on SIGTERM")
    if end_rss > start[1] + args.rss_bound_mib:
        failures.append(f"RSS grew from {start[1]:.1f} to {end_rss:.1f} MiB (bound +{args.rss_bound_mib} MiB)")
    if end_fds > start[2] + args.fd_bound:
        failures.append(f"open fds grew from {start[2]} to {end_fds} (bound +{args.fd_bound})")
    print()
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print(f"PASS: no 5xx; RSS within +{args.rss_bound_mib} MiB and fds within +{args.fd_bound} of the start")
    return 0


if __name__ == "__main__":
    sys.exit(main())
