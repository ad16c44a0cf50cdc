"""aws CLI v1 (from the venv) against lockbox: secrets operations and errors."""
from __future__ import annotations

import base64
import time
import uuid

import pytest

import lockbox_harness as h
from lockbox_harness import uniq

GSV = "GetSecretValue"


def test_string_secret_create_and_get(cli, lockbox):
    name = uniq("cli-str")
    created = cli.ok(lockbox, "secretsmanager", "create-secret", "--name", name, "--secret-string", "hello from cli ✓")
    assert set(created) == {"ARN", "Name", "VersionId"}
    assert h.arn_re(name).match(created["ARN"]), created
    uuid.UUID(created["VersionId"])
    got = cli.ok(lockbox, "secretsmanager", "get-secret-value", "--secret-id", name)
    assert set(got) == {"ARN", "Name", "VersionId", "SecretString", "VersionStages", "CreatedDate"}, got
    assert got["SecretString"] == "hello from cli ✓"
    assert got["VersionId"] == created["VersionId"] and got["ARN"] == created["ARN"]
    assert got["VersionStages"] == ["AWSCURRENT"]
    assert abs(h.epoch(got["CreatedDate"]) - time.time()) < 120


def test_endpoint_from_aws_endpoint_url_env(cli, lockbox):
    name = uniq("cli-envurl")
    created = cli.ok(
        None, "secretsmanager", "create-secret", "--name", name, "--secret-string", "via-env",
        extra={"AWS_ENDPOINT_URL": lockbox.url},
    )
    assert h.arn_re(name).match(created["ARN"])
    got = cli.ok(None, "secretsmanager", "get-secret-value", "--secret-id", name, extra={"AWS_ENDPOINT_URL": lockbox.url})
    assert got["SecretString"] == "via-env"


def test_binary_secret_round_trip(cli, lockbox, tmp_path):
    name = uniq("cli-bin")
    blob = tmp_path / "secret.bin"
    blob.write_bytes(h.BINARY_VALUE)
    created = cli.ok(lockbox, "secretsmanager", "create-secret", "--name", name, "--secret-binary", f"fileb://{blob}")
    assert set(created) == {"ARN", "Name", "VersionId"}
    got = cli.ok(lockbox, "secretsmanager", "get-secret-value", "--secret-id", name)
    assert "SecretString" not in got
    # the CLI prints blobs base64-encoded (once)
    assert base64.b64decode(got["SecretBinary"]) == h.BINARY_VALUE
    # and --query/--output text gives the same encoding
    p = cli.run(lockbox, "secretsmanager", "get-secret-value", "--secret-id", name, "--query", "SecretBinary", "--output", "text")
    assert p.returncode == 0, p.stderr
    assert base64.b64decode(p.stdout.strip()) == h.BINARY_VALUE


@pytest.mark.parametrize("how", ["name", "full_arn", "partial_arn"])
def test_lookup_forms(cli, lockbox, how):
    name = uniq("cli-lookup")
    created = cli.ok(lockbox, "secretsmanager", "create-secret", "--name", name, "--secret-string", "v")
    sid = {"name": name, "full_arn": created["ARN"], "partial_arn": h.partial_arn(created["ARN"])}[how]
    assert cli.ok(lockbox, "secretsmanager", "get-secret-value", "--secret-id", sid)["ARN"] == created["ARN"]
    assert cli.ok(lockbox, "secretsmanager", "describe-secret", "--secret-id", sid)["Name"] == name


def test_describe_fields(cli, lockbox):
    name = uniq("cli-desc")
    created = cli.ok(lockbox, "secretsmanager", "create-secret", "--name", name, "--secret-string", "v")
    d = cli.ok(lockbox, "secretsmanager", "describe-secret", "--secret-id", name)
    assert set(d) == {"ARN", "Name", "CreatedDate", "LastChangedDate", "VersionIdsToStages"}, d
    assert d["VersionIdsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    cli.ok(lockbox, "secretsmanager", "get-secret-value", "--secret-id", name)
    d = cli.ok(lockbox, "secretsmanager", "describe-secret", "--secret-id", name)
    assert set(d) == {"ARN", "Name", "CreatedDate", "LastChangedDate", "LastAccessedDate", "VersionIdsToStages"}, d
    assert h.epoch(d["LastAccessedDate"]) % 86400 == 0, d


def test_describe_description_and_tags(cli, lockbox):
    name = uniq("cli-tags")
    cli.ok(
        lockbox, "secretsmanager", "create-secret", "--name", name, "--secret-string", "v",
        "--description", "cli description",
        "--tags", '[{"Key":"zz","Value":"1"},{"Key":"aa","Value":"2"}]',
    )
    d = cli.ok(lockbox, "secretsmanager", "describe-secret", "--secret-id", name)
    assert d["Description"] == "cli description"
    assert d["Tags"] == [{"Key": "zz", "Value": "1"}, {"Key": "aa", "Value": "2"}]


def test_create_without_value(cli, lockbox):
    name = uniq("cli-novalue")
    created = cli.ok(lockbox, "secretsmanager", "create-secret", "--name", name)
    assert set(created) == {"ARN", "Name"}, created
    d = cli.ok(lockbox, "secretsmanager", "describe-secret", "--secret-id", name)
    assert "VersionIdsToStages" not in d
    cli.fails(lockbox, "ResourceNotFoundException", GSV, h.msg_no_value_for_stage("AWSCURRENT"),
              "secretsmanager", "get-secret-value", "--secret-id", name)


def test_unknown_secret(cli, lockbox):
    name = uniq("cli-missing")
    cli.fails(lockbox, "ResourceNotFoundException", GSV, h.MSG_NOT_FOUND, "secretsmanager", "get-secret-value", "--secret-id", name)
    cli.fails(lockbox, "ResourceNotFoundException", "DescribeSecret", h.MSG_NOT_FOUND, "secretsmanager", "describe-secret", "--secret-id", name)


def test_selectors(cli, lockbox):
    name = uniq("cli-sel")
    created = cli.ok(lockbox, "secretsmanager", "create-secret", "--name", name, "--secret-string", "v")
    vid = created["VersionId"]
    assert cli.ok(lockbox, "secretsmanager", "get-secret-value", "--secret-id", name, "--version-id", vid)["VersionId"] == vid
    assert cli.ok(lockbox, "secretsmanager", "get-secret-value", "--secret-id", name, "--version-stage", "AWSCURRENT")["VersionId"] == vid
    assert cli.ok(lockbox, "secretsmanager", "get-secret-value", "--secret-id", name, "--version-id", vid,
                  "--version-stage", "AWSCURRENT")["VersionId"] == vid
    cli.fails(lockbox, "ResourceNotFoundException", GSV, h.msg_no_value_for_stage("AWSPREVIOUS"),
              "secretsmanager", "get-secret-value", "--secret-id", name, "--version-stage", "AWSPREVIOUS")
    unknown = str(uuid.uuid4())
    cli.fails(lockbox, "ResourceNotFoundException", GSV, h.msg_no_value_for_version(unknown),
              "secretsmanager", "get-secret-value", "--secret-id", name, "--version-id", unknown)
    cli.fails(lockbox, "InvalidRequestException", GSV, h.MSG_STAGE_NOT_ON_VERSION,
              "secretsmanager", "get-secret-value", "--secret-id", name, "--version-id", vid, "--version-stage", "AWSPREVIOUS")


def test_duplicate_name(cli, lockbox):
    name = uniq("cli-dup")
    cli.ok(lockbox, "secretsmanager", "create-secret", "--name", name, "--secret-string", "one")
    cli.fails(lockbox, "ResourceExistsException", "CreateSecret", h.msg_exists(name),
              "secretsmanager", "create-secret", "--name", name, "--secret-string", "two")


def test_idempotent_replay(cli, lockbox):
    name = uniq("cli-idem")
    token = str(uuid.uuid4())
    args = ["secretsmanager", "create-secret", "--name", name, "--client-request-token", token]
    first = cli.ok(lockbox, *args, "--secret-string", "same")
    again = cli.ok(lockbox, *args, "--secret-string", "same")
    assert again == first and first["VersionId"] == token
    cli.fails(lockbox, "ResourceExistsException", "CreateSecret", h.msg_token_in_use(token, first["ARN"]),
              *args, "--secret-string", "different")


def test_both_values(cli, lockbox, tmp_path):
    blob = tmp_path / "b.bin"
    blob.write_bytes(b"\x01\x02")
    cli.fails(lockbox, "InvalidParameterException", "CreateSecret", h.MSG_BOTH_VALUES,
              "secretsmanager", "create-secret", "--name", uniq("cli-both"), "--secret-string", "s",
              "--secret-binary", f"fileb://{blob}")


def test_invalid_name(cli, lockbox):
    cli.fails(lockbox, "ValidationException", "CreateSecret", h.MSG_INVALID_NAME,
              "secretsmanager", "create-secret", "--name", "bad name!#", "--secret-string", "v")
    cli.fails(lockbox, "ValidationException", GSV, h.MSG_INVALID_NAME,
              "secretsmanager", "get-secret-value", "--secret-id", "bad name!#")


def test_max_length_violations(cli, lockbox):
    name = "n" * 513
    cli.fails(lockbox, "ValidationException", "CreateSecret",
              f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
              "Member must have length less than or equal to 512",
              "secretsmanager", "create-secret", "--name", name)
    secret = "s" * 65537
    cli.fails(lockbox, "ValidationException", "CreateSecret",
              "1 validation error detected: Value at 'secretString' failed to satisfy constraint: "
              "Member must have length less than or equal to 65536",
              "secretsmanager", "create-secret", "--name", uniq("cli-long"), "--secret-string", secret)
    stage = "S" * 257
    cli.fails(lockbox, "ValidationException", GSV,
              f"1 validation error detected: Value '{stage}' at 'versionStage' failed to satisfy constraint: "
              "Member must have length less than or equal to 256",
              "secretsmanager", "get-secret-value", "--secret-id", "whatever", "--version-stage", stage)
