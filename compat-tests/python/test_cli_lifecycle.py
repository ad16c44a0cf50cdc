"""aws CLI v1 against lockbox: delete-secret / restore-secret and the deletion lifecycle,
resource policies and get-random-password. State is set up through boto3 where the CLI
is not the subject."""
from __future__ import annotations

import json
import string

import lockbox_harness as h
from lockbox_harness import uniq

SM = "secretsmanager"


def test_delete_restore_and_scheduled_errors(cli, lockbox, sm):
    name = uniq("cli-del")
    created = sm.create_secret(Name=name, SecretString="v")
    out = cli.ok(lockbox, SM, "delete-secret", "--secret-id", name, "--recovery-window-in-days", "7")
    assert set(out) == {"ARN", "Name", "DeletionDate"} and out["ARN"] == created["ARN"], out
    now = h.rfc3339_epoch(h.clock_now(lockbox)["now"])
    assert abs(h.epoch(out["DeletionDate"]) - (now + 7 * 86400)) < 120, out
    cli.fails(lockbox, "InvalidRequestException", "GetSecretValue", h.MSG_MARKED_FOR_DELETION,
              SM, "get-secret-value", "--secret-id", name)
    cli.fails(lockbox, "InvalidRequestException", "CreateSecret", h.MSG_SCHEDULED_FOR_DELETION,
              SM, "create-secret", "--name", name, "--secret-string", "again")
    out = cli.ok(lockbox, SM, "restore-secret", "--secret-id", name)
    assert set(out) == {"ARN", "Name"}, out
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v"


def test_force_delete_missing_secret(cli, lockbox):
    name = uniq("cli-force-missing")
    out = cli.ok(lockbox, SM, "delete-secret", "--secret-id", name, "--force-delete-without-recovery")
    assert out["Name"] == name and out["ARN"] and out["DeletionDate"], out


def test_window_end_purges_secret(cli, lockbox, sm):
    name = uniq("cli-purge")
    created = sm.create_secret(Name=name, SecretString="v")
    sm.delete_secret(SecretId=name)
    h.clock_advance(lockbox, "31d")
    cli.fails(lockbox, "ResourceNotFoundException", "DescribeSecret", h.MSG_NOT_FOUND,
              SM, "describe-secret", "--secret-id", name)
    again = cli.ok(lockbox, SM, "create-secret", "--name", name, "--secret-string", "reborn")
    assert again["ARN"] != created["ARN"] and h.arn_re(name).match(again["ARN"])


def test_resource_policy(cli, lockbox, sm, tmp_path):
    name = uniq("cli-pol")
    sm.create_secret(Name=name, SecretString="v")
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                   "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(doc))
    cli.fails(lockbox, "PublicPolicyException", "PutResourcePolicy", None,
              SM, "put-resource-policy", "--secret-id", name, "--resource-policy", f"file://{path}", "--block-public-policy")
    out = cli.ok(lockbox, SM, "put-resource-policy", "--secret-id", name, "--resource-policy", f"file://{path}")
    assert set(out) == {"ARN", "Name"}, out
    got = cli.ok(lockbox, SM, "get-resource-policy", "--secret-id", name)
    assert json.loads(got["ResourcePolicy"]) == doc
    narrow = dict(doc, Statement=[dict(doc["Statement"][0], Principal={"AWS": "arn:aws:iam::123456789012:root"})])
    out = cli.ok(lockbox, SM, "validate-resource-policy", "--resource-policy", json.dumps(narrow))
    assert out == {"PolicyValidationPassed": True, "ValidationErrors": []}, out
    assert cli.ok(lockbox, SM, "delete-resource-policy", "--secret-id", name)["Name"] == name
    assert "ResourcePolicy" not in cli.ok(lockbox, SM, "get-resource-policy", "--secret-id", name)


def test_random_password(cli, lockbox):
    out = cli.ok(lockbox, SM, "get-random-password")
    assert set(out) == {"RandomPassword"} and len(out["RandomPassword"]) == 32, out
    pw = cli.ok(lockbox, SM, "get-random-password", "--password-length", "120",
                "--exclude-characters", "xyzDje@?!.", "--exclude-numbers")["RandomPassword"]
    assert len(pw) == 120 and not set(pw) & set("xyzDje@?!." + string.digits), pw
