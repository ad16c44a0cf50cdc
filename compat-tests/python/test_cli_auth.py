"""aws CLI v1 against lockbox: SigV4 failures, accounts, regions, --auth off.

Tampering and back-dating use the awscli v1 plugin in cli_plugin/, enabled
through a [plugins] section of the temporary AWS_CONFIG_FILE."""
from __future__ import annotations

import pytest

import lockbox_harness as h
from lockbox_harness import uniq

GSV = "GetSecretValue"


@pytest.fixture(scope="module")
def existing(cli, lockbox):
    name = uniq("cli-auth")
    cli.ok(lockbox, "secretsmanager", "create-secret", "--name", name, "--secret-string", "auth-target")
    return name


def test_plugin_control_zero_backdate_succeeds(cli, lockbox, existing):
    # control for test_stale_date: the plugin machinery itself does not break signing
    got = cli.ok(lockbox, "secretsmanager", "get-secret-value", "--secret-id", existing,
                 plugin_mode="backdate", extra={"LOCKBOX_CLI_BACKDATE_SECONDS": "0"})
    assert got["SecretString"] == "auth-target"


def test_wrong_secret_key(cli, lockbox, existing):
    cli.fails(lockbox, "InvalidSignatureException", GSV, h.MSG_BAD_SIGNATURE,
              "secretsmanager", "get-secret-value", "--secret-id", existing, secret="wrong-secret")


def test_stale_date(cli, lockbox, existing):
    msg = cli.fails(lockbox, "InvalidSignatureException", GSV, None,
                    "secretsmanager", "get-secret-value", "--secret-id", existing, plugin_mode="backdate")
    h.check_signature_expired(msg, 600)


def test_tampered_body(cli, lockbox, existing):
    cli.fails(lockbox, "InvalidSignatureException", GSV, h.MSG_BAD_SIGNATURE,
              "secretsmanager", "get-secret-value", "--secret-id", existing, plugin_mode="tamper")


def test_no_sign_request(cli, lockbox, existing):
    cli.fails(lockbox, "MissingAuthenticationTokenException", GSV, h.MSG_MISSING_TOKEN,
              "secretsmanager", "get-secret-value", "--secret-id", existing, "--no-sign-request")


def test_unknown_access_key(cli, lockbox):
    cli.fails(lockbox, "UnrecognizedClientException", "CreateSecret", h.MSG_UNRECOGNIZED,
              "secretsmanager", "create-secret", "--name", uniq("cli-unk"), "--secret-string", "v",
              key="AKIAUNKNOWNKEY000000")


def test_twelve_digit_key_account(cli, lockbox, existing):
    name = uniq("cli-acct")
    created = cli.ok(lockbox, "secretsmanager", "create-secret", "--name", name, "--secret-string", "v", key="111111111111")
    assert h.arn_re(name, account="111111111111").match(created["ARN"]), created
    assert cli.ok(lockbox, "secretsmanager", "describe-secret", "--secret-id", name, key="111111111111")["ARN"] == created["ARN"]
    cli.fails(lockbox, "ResourceNotFoundException", GSV, h.MSG_NOT_FOUND,
              "secretsmanager", "get-secret-value", "--secret-id", name)
    cli.fails(lockbox, "ResourceNotFoundException", GSV, h.MSG_NOT_FOUND,
              "secretsmanager", "get-secret-value", "--secret-id", existing, key="111111111111")


def test_region_isolation(cli, lockbox):
    name = uniq("cli-region")
    created = cli.ok(lockbox, "secretsmanager", "create-secret", "--name", name, "--secret-string", "v", region="eu-central-1")
    assert h.arn_re(name, region="eu-central-1").match(created["ARN"]), created
    cli.fails(lockbox, "ResourceNotFoundException", GSV, h.MSG_NOT_FOUND,
              "secretsmanager", "get-secret-value", "--secret-id", name)
    # --region on the command line overrides AWS_DEFAULT_REGION
    assert cli.ok(lockbox, "secretsmanager", "get-secret-value", "--secret-id", name, "--region", "eu-central-1")["ARN"] == created["ARN"]


def test_auth_off(cli, server_factory):
    off = server_factory("--auth", "off", label="auth-off")
    name = uniq("cli-off")
    created = cli.ok(off, "secretsmanager", "create-secret", "--name", name, "--secret-string", "v",
                     key="666666666666", secret="anything", region="sa-east-1")
    assert h.arn_re(name, account="666666666666", region="sa-east-1").match(created["ARN"]), created
    got = cli.ok(off, "secretsmanager", "get-secret-value", "--secret-id", name,
                 key="666666666666", secret="something-else", region="sa-east-1")
    assert got["SecretString"] == "v"
