"""Shared helpers for the Lockbox Python compatibility suites.

Starts the lockbox binary, builds boto3 clients, sends raw SigV4 requests and
runs the aws CLI v1 from the same virtualenv.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
READY_RE = re.compile(r"ready: (http://\S+)")
DEFAULT_ACCOUNT = "000000000000"
REGION = "us-east-1"
SERVICE = "secretsmanager"
JSON_CT = "application/x-amz-json-1.1"

MSG_NOT_FOUND = "Secrets Manager can't find the specified secret."
MSG_INVALID_NAME = (
    "Invalid name. Must be a valid name containing alphanumeric characters, "
    "or any of the following: -/_+=.@!"
)
MSG_BOTH_VALUES = (
    "You can't specify both a binary secret value and a string secret value "
    "in the same secret."
)
MSG_STAGE_NOT_ON_VERSION = (
    "You provided a VersionStage that is not associated to the provided VersionId."
)
MSG_NEED_TOKEN = "You must provide a ClientRequestToken value. We recommend a UUID-type value."
MSG_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you "
    "provided. Check your AWS Secret Access Key and signing method. Consult "
    "the service documentation for details."
)
MSG_MISSING_TOKEN = "Missing Authentication Token"
MSG_UNRECOGNIZED = "The security token included in the request is invalid."
SIG_EXPIRED_RE = re.compile(
    r"^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) "
    r"\((\d{8}T\d{6}Z) - 5 min\.\)$"
)
# Non-UTF-8 payload used for binary round trips.
BINARY_VALUE = bytes([0x00, 0xFF, 0xFE, 0x80, 0xC3, 0x28, 0x0A, 0x0D, 0x7F, 0x01]) + bytes(range(256))


def msg_no_value_for_stage(stage: str = "AWSCURRENT") -> str:
    return f"Secrets Manager can't find the specified secret value for staging label: {stage}"


def msg_no_value_for_version(version_id: str) -> str:
    return f"Secrets Manager can't find the specified secret value for VersionId: {version_id}"


def msg_exists(name: str) -> str:
    return f"The operation failed because the secret {name} already exists."


def msg_token_in_use(token: str, arn: str) -> str:
    return (
        f"You can't use ClientRequestToken {token} because that value is already "
        f"in use for a version of secret {arn}."
    )


def arn_re(name: str, account: str = DEFAULT_ACCOUNT, region: str = REGION) -> re.Pattern:
    return re.compile(
        rf"^arn:aws:secretsmanager:{re.escape(region)}:{account}:secret:{re.escape(name)}-[A-Za-z0-9]{{6}}$"
    )


def partial_arn(arn: str) -> str:
    assert re.search(r"-[A-Za-z0-9]{6}$", arn), arn
    return arn[:-7]


def uniq(prefix: str = "compat") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def check_signature_expired(message: str, skew_seconds: float) -> None:
    """Assert the exact AWS 'Signature expired' text and that its three
    timestamps are consistent with a request signed `skew_seconds` ago."""
    m = SIG_EXPIRED_RE.match(message)
    assert m, f"unexpected message: {message!r}"
    fmt = "%Y%m%dT%H%M%SZ"
    signed, limit, now = (dt.datetime.strptime(g, fmt).replace(tzinfo=dt.timezone.utc) for g in m.groups())
    real_now = dt.datetime.now(dt.timezone.utc)
    assert now - limit == dt.timedelta(minutes=5), message
    assert abs((real_now - now).total_seconds()) < 60, message
    assert abs((real_now - signed).total_seconds() - skew_seconds) < 60, message


def epoch(value) -> float:
    """Timestamps as returned by boto3 (datetime) or the CLI (number/ISO string)."""
    if isinstance(value, dt.datetime):
        return value.timestamp()
    if isinstance(value, (int, float)):
        return float(value)
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


# ------------------------------------------------------------------ server
def lockbox_bin() -> Path:
    return Path(os.environ.get("LOCKBOX_BIN") or REPO / "target" / "debug" / "lockbox")


@dataclass
class LockboxServer:
    args: list[str]
    label: str = "lockbox"
    config_text: str | None = None
    proc: subprocess.Popen | None = None
    url: str = ""
    log_path: Path | None = None
    _tmpdir: Path | None = None
    _threads: list = field(default_factory=list)

    def start(self, timeout: float = 30.0) -> "LockboxServer":
        binary = lockbox_bin()
        if not binary.exists():
            raise RuntimeError(
                f"lockbox binary not found at {binary} (build it with `cargo build --bin lockbox` or set LOCKBOX_BIN)"
            )
        self._tmpdir = Path(tempfile.mkdtemp(prefix="lockbox-compat-"))
        self.log_path = self._tmpdir / "lockbox.stderr.log"
        args = [str(binary), "--listen", "127.0.0.1:0", *self.args]
        if self.config_text is not None:
            cfg = self._tmpdir / "lockbox.toml"
            cfg.write_text(self.config_text)
            args += ["--config", str(cfg)]
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log
        )
        lines: queue.Queue = queue.Queue()

        def pump():
            assert self.proc and self.proc.stdout
            for raw in iter(self.proc.stdout.readline, b""):
                lines.put(raw.decode("utf-8", "replace"))
            lines.put(None)

        t = threading.Thread(target=pump, daemon=True)
        t.start()
        self._threads.append(t)
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise RuntimeError(f"lockbox did not print its ready line within {timeout}s; stdout={seen!r}\n{self.log_tail()}")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                rc = self.proc.wait()
                raise RuntimeError(f"lockbox exited (rc={rc}) before ready; stdout={seen!r}\n{self.log_tail()}")
            seen.append(line)
            m = READY_RE.search(line)
            if m:
                self.url = m.group(1).rstrip("/")
                self.ready_line = line.rstrip("\n")
                return self

    def stop(self, timeout: float = 10.0) -> int | None:
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path or not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text("utf-8", "replace").splitlines()
        return f"[{self.log_path}]\n" + "\n".join(text[-lines:])

    # -- admin helpers (plain HTTP, unsigned)
    def admin(self, method: str, path: str, body: bytes | None = None, *, key: str | None = "test",
              secret: str = "test", headers: dict | None = None):
        """An admin call, signed with SigV4 for the service name `lockbox` by `key`/`secret`
        (the default account's root key test/test) unless `key` is None; `headers` are added
        (and signed)."""
        extra = dict(headers or {})
        if body is not None and not any(k.lower() == "content-type" for k in extra):
            extra["Content-Type"] = "application/json"
        req = AWSRequest(method=method, url=self.url + path, data=body or b"", headers=extra)
        if key is not None:
            SigV4Auth(Credentials(key, secret), "lockbox", REGION).add_auth(req)
        prepared = req.prepare()
        ureq = urllib.request.Request(prepared.url, data=body, method=method)
        for k, v in prepared.headers.items():
            ureq.add_header(k, v)
        try:
            with urllib.request.urlopen(ureq, timeout=10) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()


# ------------------------------------------------------------------ boto3
def boto_client(server: LockboxServer, key: str = "test", secret: str = "test", region: str = REGION, **config):
    session = boto3.session.Session(
        aws_access_key_id=key, aws_secret_access_key=secret, region_name=region
    )
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"}, **config)
    return session.client("secretsmanager", endpoint_url=server.url, config=cfg)


def assert_client_error(excinfo, code: str, message: str | None = None, status: int = 400):
    resp = excinfo.value.response
    assert resp["Error"]["Code"] == code, resp
    if message is not None:
        assert resp["Error"]["Message"] == message, resp
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == status, resp
    assert resp["ResponseMetadata"].get("RequestId"), resp
    return resp


def payload(resp: dict) -> dict:
    return {k: v for k, v in resp.items() if k != "ResponseMetadata"}


# ------------------------------------------------------------------ raw HTTP
@dataclass
class RawResponse:
    status: int
    headers: dict
    body: bytes

    def header(self, name: str):
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None

    @property
    def json(self):
        return json.loads(self.body)


def raw_call(
    server: LockboxServer,
    target: str | None,
    body,
    *,
    sign: bool = True,
    key: str = "test",
    secret: str = "test",
    region: str = REGION,
    extra_headers: dict | None = None,
    service: str = SERVICE,
    target_prefix: str = "secretsmanager.",
) -> RawResponse:
    """POST / with an awsJson1_1 body. `target` is the operation name (the
    `secretsmanager.` prefix is added) or None for no X-Amz-Target header.
    `service`/`target_prefix` select another service (KMS: "kms", "TrentService.")."""
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    if isinstance(data, str):
        data = data.encode()
    headers = {"Content-Type": JSON_CT}
    if target is not None:
        headers["X-Amz-Target"] = f"{target_prefix}{target}"
    headers.update(extra_headers or {})
    req = AWSRequest(method="POST", url=server.url + "/", data=data, headers=headers)
    if sign:
        SigV4Auth(Credentials(key, secret), service, region).add_auth(req)
    prepared = req.prepare()
    ureq = urllib.request.Request(prepared.url, data=prepared.body, method="POST")
    for k, v in prepared.headers.items():
        ureq.add_header(k, v)
    try:
        with urllib.request.urlopen(ureq, timeout=30) as r:
            return RawResponse(r.status, dict(r.headers), r.read())
    except urllib.error.HTTPError as e:
        return RawResponse(e.code, dict(e.headers), e.read())


def assert_no_nulls(obj, path="$"):
    if obj is None:
        raise AssertionError(f"null at {path}")
    if isinstance(obj, dict):
        for k, v in obj.items():
            assert_no_nulls(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            assert_no_nulls(v, f"{path}[{i}]")


# ------------------------------------------------------------------ aws CLI v1
AWS_EXE = Path(sys.executable).parent / "aws"
CLI_PLUGIN_DIR = HERE / "cli_plugin"


class AwsCli:
    """Runs `aws` (CLI v1 from this virtualenv) fully isolated from the
    user's configuration."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.config = workdir / "config"
        self.config.write_text("[default]\nregion = us-east-1\noutput = json\n")
        self.plugin_config = workdir / "config-with-plugin"
        self.plugin_config.write_text(
            "[default]\nregion = us-east-1\noutput = json\n\n"
            "[plugins]\nlockbox_compat = lockbox_cli_plugin\n"
        )
        self.credentials = workdir / "credentials"
        self.credentials.write_text("")

    def env(self, *, key="test", secret="test", region=REGION, plugin_mode=None, extra=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.pop("PYTHONPATH", None)
        env.update(
            AWS_CONFIG_FILE=str(self.plugin_config if plugin_mode else self.config),
            AWS_SHARED_CREDENTIALS_FILE=str(self.credentials),
            AWS_ACCESS_KEY_ID=key,
            AWS_SECRET_ACCESS_KEY=secret,
            AWS_DEFAULT_REGION=region,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_PAGER="",
        )
        if plugin_mode:
            env["PYTHONPATH"] = str(CLI_PLUGIN_DIR)
            env["LOCKBOX_CLI_PLUGIN_MODE"] = plugin_mode
        env.update(extra or {})
        return env

    def run(self, server: LockboxServer | None, *args: str, endpoint: bool = True, **env_kw):
        cmd = [str(AWS_EXE), *args]
        if endpoint and server is not None:
            cmd += ["--endpoint-url", server.url]
        return subprocess.run(
            cmd, env=self.env(**env_kw), capture_output=True, text=True, timeout=120,
            stdin=subprocess.DEVNULL, cwd=self.workdir,
        )

    def ok(self, server, *args, **kw) -> dict:
        p = self.run(server, *args, **kw)
        assert p.returncode == 0, f"rc={p.returncode}\nstdout={p.stdout}\nstderr={p.stderr}"
        return json.loads(p.stdout) if p.stdout.strip() else {}

    def fails(self, server, code: str, op: str, message: str | None, *args, rc: int = 255, **kw):
        """Run a command expected to fail with a service error; return its message."""
        p = self.run(server, *args, **kw)
        assert p.returncode == rc, f"rc={p.returncode}\nstdout={p.stdout}\nstderr={p.stderr}"
        m = re.search(
            rf"^An error occurred \({re.escape(code)}\) when calling the {re.escape(op)} operation: (.*)$",
            p.stderr, re.M,
        )
        assert m, f"expected error line for {code}/{op} in stderr:\n{p.stderr}"
        if message is not None:
            assert m.group(1) == message, f"message mismatch:\n got: {m.group(1)!r}\nwant: {message!r}"
        return m.group(1)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# ------------------------------------------------------------------ issue 3: versions, listing, lifecycle
MSG_MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion."
MSG_SCHEDULED_FOR_DELETION = (
    "You can't create this secret because a secret with this name is already scheduled for deletion."
)
DEFAULT_KMS_KEY_IDS = ["DefaultEncryptionKey"]
SHARED = HERE.parent / "shared"


def msg_remove_from_version_id(label: str, holder_version_id: str) -> str:
    return (
        f"The parameter RemoveFromVersionId can't be empty. Staging label {label} is currently "
        f"attached to version {holder_version_id}, so you must explicitly reference that version "
        "in RemoveFromVersionId."
    )


def msg_system_tag(key: str) -> str:
    return f"You can't modify system tags. Tag key: '{key}'."


def coral_range_max(member: str, value: int, maximum: int) -> str:
    return (
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
        f"Member must have value less than or equal to {maximum}"
    )


def load_shared(name: str):
    """JSON fixtures shared with the JS suite (compat-tests/shared/)."""
    return json.loads((SHARED / name).read_text())


def reset_server(server: LockboxServer) -> None:
    status, _, body = server.admin("POST", "/_lockbox/reset")
    assert status == 200, body


def clock_now(server: LockboxServer) -> dict:
    """GET /_lockbox/clock -> {"now": RFC3339, "offset_seconds": N}."""
    status, _, body = server.admin("GET", "/_lockbox/clock")
    assert status == 200, body
    return json.loads(body)


def clock_advance(server: LockboxServer, amount: str) -> dict:
    """POST /_lockbox/clock {"advance": "8d"}; returns the clock document afterwards."""
    status, _, body = server.admin("POST", "/_lockbox/clock", json.dumps({"advance": amount}).encode())
    assert status == 200, body
    return clock_now(server)


def rfc3339_epoch(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def stages_map(versions: list) -> tuple[dict, list]:
    """ListSecretVersionIds `Versions` -> ({VersionId: sorted labels}, [deprecated ids]).
    A deprecated entry must have no VersionStages key at all."""
    labelled, deprecated = {}, []
    for v in versions:
        if "VersionStages" in v:
            assert v["VersionStages"], f"empty VersionStages list instead of an absent key: {v}"
            labelled[v["VersionId"]] = sorted(v["VersionStages"])
        else:
            deprecated.append(v["VersionId"])
    return labelled, sorted(deprecated)


def raw_ok(server: LockboxServer, target: str, body) -> dict:
    """A signed raw call that must succeed with a JSON body free of nulls."""
    resp = raw_call(server, target, body)
    assert resp.status == 200, (resp.status, resp.body)
    assert resp.header("x-amzn-RequestId"), resp.headers
    assert (resp.header("Content-Type") or "").split(";")[0].strip() == JSON_CT, resp.headers
    doc = resp.json
    assert_no_nulls(doc)
    return doc


def raw_error(server: LockboxServer, target: str, body, code: str, message: str | None = None) -> dict:
    resp = raw_call(server, target, body)
    assert resp.status == 400, (resp.status, resp.body)
    doc = resp.json
    assert doc.get("__type") == code, doc
    if message is not None:
        assert doc.get("message", doc.get("Message")) == message, doc
    return doc


class LabelTraceRunner:
    """Plays a staging-label trace from shared/label-traces.json through one client.
    `client` implements create(name, token, value|None), put(name, token, value, stages|None),
    update(name, token, value), move(name, label, to_id, from_id), remove(name, label, from_id),
    versions(name, include_deprecated) -> Versions list, describe_stages(name) -> dict|None,
    current_value(name) -> str."""

    def __init__(self, client, name: str):
        self.c = client
        self.name = name
        self.ids: dict[str, str] = {}

    def vid(self, alias: str) -> str:
        return self.ids.setdefault(alias, str(uuid.uuid4()))

    @staticmethod
    def value(alias: str) -> str:
        return f"value-of-{alias}"

    def step(self, step: dict):
        op, *args = step["do"]
        if op == "create":
            return self.c.create(self.name, self.vid(args[0]), self.value(args[0]))
        if op == "create_empty":
            return self.c.create(self.name, None, None)
        if op == "put":
            alias, stages = args
            return self.c.put(self.name, self.vid(alias), self.value(alias), stages)
        if op == "update":
            return self.c.update(self.name, self.vid(args[0]), self.value(args[0]))
        if op == "move":
            label, to_alias, from_alias = args
            return self.c.move(self.name, label, self.vid(to_alias), self.vid(from_alias))
        if op == "remove":
            label, from_alias = args
            return self.c.remove(self.name, label, self.vid(from_alias))
        raise AssertionError(f"unknown trace op {op}")

    def expected(self, step: dict) -> tuple[dict, list]:
        labelled = {self.vid(a): sorted(ls) for a, ls in step["labels"].items()}
        deprecated = sorted(self.vid(a) for a in step.get("deprecated", []))
        return labelled, deprecated

    def check(self, step: dict, where: str):
        labelled, deprecated = self.expected(step)
        alias_of = {v: k for k, v in self.ids.items()}
        readable = lambda m: {alias_of.get(k, k): v for k, v in m.items()}  # noqa: E731
        got_all = stages_map(self.c.versions(self.name, True))
        assert got_all == (labelled, deprecated), (
            f"{where}: IncludeDeprecated listing\n got: {readable(got_all[0])} deprecated={[alias_of.get(d) for d in got_all[1]]}\n"
            f"want: {step['labels']} deprecated={step.get('deprecated', [])}"
        )
        got_default = stages_map(self.c.versions(self.name, False))
        assert got_default == (labelled, []), f"{where}: default listing {readable(got_default[0])} {got_default[1]}"
        desc = self.c.describe_stages(self.name)
        assert {k: sorted(v) for k, v in (desc or {}).items()} == labelled, f"{where}: VersionIdsToStages {desc}"
        if labelled:
            current = [alias_of[v] for v, ls in labelled.items() if "AWSCURRENT" in ls]
            assert len(current) == 1, labelled
            assert self.c.current_value(self.name) == self.value(current[0]), f"{where}: GetSecretValue()"

    def run(self, trace: dict, check_every_step: bool = True):
        for i, step in enumerate(trace["steps"]):
            out = self.step(step)
            op = step["do"][0]
            if op == "put" and out is not None:
                alias = step["do"][1]
                assert out["VersionId"] == self.vid(alias), out
                assert sorted(out["VersionStages"]) == sorted(step["labels"][alias]), (
                    f"{trace['id']} step {i}: PutSecretValue VersionStages {out['VersionStages']}"
                )
            if op in ("move", "remove") and out is not None:
                assert set(out) == {"ARN", "Name"}, f"UpdateSecretVersionStage output {out}"
            if check_every_step or i == len(trace["steps"]) - 1:
                self.check(step, f"{trace['id']} step {i} {step['do']}")


# ------------------------------------------------------------------ issue 4: KMS
# Texts and shapes of real KMS; the comment after each constant says where it is known from
# ("AWS" = recorded against real AWS).
KMS_SERVICE = "kms"
KMS_TARGET_PREFIX = "TrentService."
# CreateKey (AWS): exactly these members for a default symmetric key.
KMS_SYMMETRIC_METADATA_FIELDS = frozenset({
    "AWSAccountId", "Arn", "CreationDate", "CurrentKeyMaterialId", "CustomerMasterKeySpec",
    "Description", "Enabled", "EncryptionAlgorithms", "KeyId", "KeyManager", "KeySpec",
    "KeyState", "KeyUsage", "MultiRegion", "Origin",
})
KMS_KEY_ID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
KMS_MATERIAL_ID_RE = re.compile(r"^[0-9a-f]{64}$")
KMS_GRANT_ID_RE = re.compile(r"^[0-9a-f]{64}$")
MSG_KMS_MANAGED_SM_DESCRIPTION = "Default key that protects my Secrets Manager data when no other key is defined"  # the AWS managed key's description
MSG_KMS_INCORRECT_KEY = "The key ID in the request does not identify a CMK that can perform this operation."  # AWS
MSG_KMS_DRY_RUN = "The request would have succeeded, but the DryRun option is set."  # AWS
MSG_KMS_FOREIGN_CIPHERTEXT = (  # seen from real AWS in public logs; moto and local-kms use it too
    "The ciphertext refers to a customer master key that does not exist, does not exist in this "
    "region, or you are not allowed to access."
)
MSG_KMS_ALIAS_PREFIX = (  # AWS
    'Alias must start with the prefix "alias/". Please see '
    "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
)
MSG_KMS_TOO_MANY_TAGS = "Too many tags"  # AWS
MSG_KMS_DUPLICATE_TAG_KEYS = "Duplicate tag keys"  # AWS
MSG_KMS_RESERVED_TAGS = "Tags beginning with aws: are reserved"  # AWS
MSG_KMS_NUMBER_OF_BYTES_REQUIRED = "NumberOfBytes is required."  # AWS


def kms_key_arn(key_id: str, account: str = DEFAULT_ACCOUNT, region: str = REGION) -> str:
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def kms_alias_arn(alias_name: str, account: str = DEFAULT_ACCOUNT, region: str = REGION) -> str:
    """`alias/x` -> `arn:aws:kms:<region>:<account>:alias/x`."""
    assert alias_name.startswith("alias/"), alias_name
    return f"arn:aws:kms:{region}:{account}:{alias_name}"


def msg_kms_invalid_key_id(key_id: str) -> str:  # key identifiers (AWS)
    return f"Invalid keyId '{key_id}'"


def msg_kms_key_missing(key_arn: str) -> str:  # key identifiers (AWS): always the ARN
    return f"Key '{key_arn}' does not exist"


def msg_kms_invalid_arn(region: str) -> str:  # key identifiers (AWS)
    return f"Invalid arn {region}"


def msg_kms_disabled(key_arn: str) -> str:  # key states: a disabled key
    return f"{key_arn} is disabled."


def msg_kms_pending_deletion(key_arn: str) -> str:  # key states: a key pending deletion
    return f"{key_arn} is pending deletion."


def msg_kms_not_pending_deletion(key_arn: str) -> str:  # key states: CancelKeyDeletion, other keys
    return f"{key_arn} is not pending deletion."


def msg_kms_rotation_limit(key_arn: str) -> str:  # RotateKeyOnDemand (AWS)
    return (
        "The on-demand rotations limit has been reached for the given keyId. "
        f"No more on-demand rotations can be performed for this key: {key_arn}"
    )


def kms_default_policy(account: str = DEFAULT_ACCOUNT) -> str:
    """The default key policy exactly as the API returns it (" : " separators, 2-space indent)."""
    return (
        "{\n"
        '  "Version" : "2012-10-17",\n'
        '  "Id" : "key-default-1",\n'
        '  "Statement" : [ {\n'
        '    "Sid" : "Enable IAM User Permissions",\n'
        '    "Effect" : "Allow",\n'
        '    "Principal" : {\n'
        f'      "AWS" : "arn:aws:iam::{account}:root"\n'
        "    },\n"
        '    "Action" : "kms:*",\n'
        '    "Resource" : "*"\n'
        "  } ]\n"
        "}"
    )


def coral_range_min(member: str, value: int, minimum: int) -> str:
    return (
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
        f"Member must have value greater than or equal to {minimum}"
    )


def coral_length_max(member: str, value: str | None, maximum: int) -> str:
    """Coral length text; `value=None` for sensitive members (Coral omits the value)."""
    shown = "Value" if value is None else f"Value '{value}'"
    return (
        f"1 validation error detected: {shown} at '{member}' failed to satisfy constraint: "
        f"Member must have length less than or equal to {maximum}"
    )


def kms_client(server: LockboxServer, key: str = "test", secret: str = "test", region: str = REGION, **config):
    """boto3 KMS client; pass parameter_validation=False to let the server see what botocore refuses."""
    session = boto3.session.Session(
        aws_access_key_id=key, aws_secret_access_key=secret, region_name=region
    )
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"}, **config)
    return session.client("kms", endpoint_url=server.url, config=cfg)


def raw_kms_call(server: LockboxServer, op: str, body, **kw) -> RawResponse:
    """Signed awsJson1_1 call with `X-Amz-Target: TrentService.<op>` (service `kms`)."""
    return raw_call(server, op, body, service=KMS_SERVICE, target_prefix=KMS_TARGET_PREFIX, **kw)


def near_epoch(value, expected: float, tolerance: float = 120.0) -> bool:
    return abs(epoch(value) - expected) < tolerance


def server_epoch(server: LockboxServer) -> float:
    """The server's virtual clock as epoch seconds."""
    return rfc3339_epoch(clock_now(server)["now"])
