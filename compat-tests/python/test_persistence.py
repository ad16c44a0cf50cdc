"""`--data-dir` through boto3 and the aws CLI v1: what one server process wrote, a second
process started on the same directory serves (secret values, labels, KMS keys, aliases and
ciphertexts, the virtual clock), and the data dir holds no secret value in clear. Stops are
SIGTERM (the harness's) and SIGKILL."""
from __future__ import annotations

import base64
import signal
from pathlib import Path

import boto3
from botocore.config import Config

import lockbox_harness as h
from lockbox_harness import uniq

VALUE = "compat persistence value 7d3f"


def kms_client(server: h.LockboxServer):
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=h.REGION
    )
    return session.client(
        "kms", endpoint_url=server.url, config=Config(retries={"total_max_attempts": 1})
    )


def every_byte(directory: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in sorted(directory.rglob("*")) if p.is_file()]


def test_a_second_process_serves_what_the_first_wrote(server_factory, tmp_path, tmp_path_factory):
    data = tmp_path / "data"
    cli = h.AwsCli(tmp_path_factory.mktemp("awscli-persistence"))
    first = server_factory("--data-dir", str(data), label="first")
    name = uniq("persist")
    cli.ok(first, "secretsmanager", "create-secret", "--name", name, "--secret-string", VALUE)
    sm = h.boto_client(first)
    sm.put_secret_value(SecretId=name, SecretString="pending", VersionStages=["AWSPENDING"])
    kms = kms_client(first)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/persisted", TargetKeyId=key_id)
    blob = kms.encrypt(KeyId="alias/persisted", Plaintext=b"kept")["CiphertextBlob"]
    h.clock_advance(first, "3d")
    assert first.stop() == 0

    for path, content in every_byte(data):
        assert VALUE.encode() not in content, f"{path} holds the value in clear"
        assert base64.b64encode(VALUE.encode()) not in content, f"{path} holds it in base64"

    second = server_factory("--data-dir", str(data), label="second")
    got = cli.ok(second, "secretsmanager", "get-secret-value", "--secret-id", name)
    assert got["SecretString"] == VALUE
    sm = h.boto_client(second)
    pending = sm.get_secret_value(SecretId=name, VersionStage="AWSPENDING")
    assert pending["SecretString"] == "pending"
    kms = kms_client(second)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"
    assert kms.describe_key(KeyId="alias/persisted")["KeyMetadata"]["KeyId"] == key_id
    assert h.clock_now(second)["offset_seconds"] >= 3 * 86400
    status, _, body = second.admin("GET", "/_lockbox/health")
    assert status == 200 and b'"store":"sqlite"' in body

    # SIGKILL: an acknowledged write is there after the next start.
    later = uniq("after-kill")
    sm.create_secret(Name=later, SecretString="acknowledged")
    second.proc.send_signal(signal.SIGKILL)
    second.proc.wait()
    third = server_factory("--data-dir", str(data), label="third")
    assert h.boto_client(third).get_secret_value(SecretId=later)["SecretString"] == "acknowledged"
