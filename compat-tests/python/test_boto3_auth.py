"""boto3 against lockbox: SigV4 verification, accounts, regions, --auth off."""
from __future__ import annotations

import datetime as dt
from unittest import mock

import botocore
import botocore.auth
import pytest
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import assert_client_error, uniq


@pytest.fixture(scope="module")
def existing(sm):
    name = uniq("b3-auth")
    created = sm.create_secret(Name=name, SecretString="auth-target")
    return name, created


def test_wrong_secret_key(lockbox, existing):
    bad = h.boto_client(lockbox, secret="not-the-secret")
    with pytest.raises(ClientError) as ei:
        bad.get_secret_value(SecretId=existing[0])
    assert_client_error(ei, "InvalidSignatureException", h.MSG_BAD_SIGNATURE)


def test_stale_signature_date(lockbox, existing):
    client = h.boto_client(lockbox)
    real = botocore.auth.get_current_datetime
    with mock.patch.object(
        botocore.auth, "get_current_datetime",
        lambda *a, **k: real(*a, **k) - dt.timedelta(minutes=10),
    ):
        with pytest.raises(ClientError) as ei:
            client.get_secret_value(SecretId=existing[0])
    resp = assert_client_error(ei, "InvalidSignatureException")
    h.check_signature_expired(resp["Error"]["Message"], 600)


def test_slightly_skewed_date_is_accepted(lockbox, existing):
    client = h.boto_client(lockbox)
    real = botocore.auth.get_current_datetime
    with mock.patch.object(
        botocore.auth, "get_current_datetime",
        lambda *a, **k: real(*a, **k) - dt.timedelta(minutes=3),
    ):
        assert client.get_secret_value(SecretId=existing[0])["SecretString"] == "auth-target"


def _tamper(request, **kwargs):
    body = request.body if isinstance(request.body, bytes) else request.body.encode()
    # Same length, still valid JSON: flip the last character of the SecretId.
    new = body.replace(b'-tamper"', b'-tampeR"', 1)
    assert new != body and len(new) == len(body)
    request.body = new


def test_tampered_body_after_signing(lockbox, sm):
    name = uniq("b3") + "-tamper"
    sm.create_secret(Name=name, SecretString="v")
    client = h.boto_client(lockbox)
    client.meta.events.register("before-send.secrets-manager.GetSecretValue", _tamper)
    with pytest.raises(ClientError) as ei:
        client.get_secret_value(SecretId=name)
    assert_client_error(ei, "InvalidSignatureException", h.MSG_BAD_SIGNATURE)


def test_missing_authorization(lockbox, existing):
    client = h.boto_client(lockbox, signature_version=botocore.UNSIGNED)
    with pytest.raises(ClientError) as ei:
        client.get_secret_value(SecretId=existing[0])
    assert_client_error(ei, "MissingAuthenticationTokenException", h.MSG_MISSING_TOKEN)


@pytest.mark.parametrize("key", ["AKIAUNKNOWNKEY000000", "12345678901", "1234567890123", "notakey"])
def test_unknown_access_key(lockbox, key):
    client = h.boto_client(lockbox, key=key)
    with pytest.raises(ClientError) as ei:
        client.create_secret(Name=uniq("b3-unk"), SecretString="v")
    assert_client_error(ei, "UnrecognizedClientException", h.MSG_UNRECOGNIZED)


def test_twelve_digit_key_selects_account(lockbox, sm, existing):
    acct = h.boto_client(lockbox, key="111111111111")
    name = uniq("b3-acct")
    created = acct.create_secret(Name=name, SecretString="in-111")
    assert h.arn_re(name, account="111111111111").match(created["ARN"]), created["ARN"]
    got = acct.get_secret_value(SecretId=name)
    assert got["ARN"] == created["ARN"] and got["SecretString"] == "in-111"
    assert acct.describe_secret(SecretId=created["ARN"])["Name"] == name
    # accounts are isolated in both directions
    with pytest.raises(ClientError) as ei:
        sm.get_secret_value(SecretId=name)
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)
    with pytest.raises(ClientError) as ei:
        acct.get_secret_value(SecretId=existing[0])
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)
    # a 12-digit key with a wrong secret is still rejected
    with pytest.raises(ClientError) as ei:
        h.boto_client(lockbox, key="111111111111", secret="wrong").get_secret_value(SecretId=name)
    assert_client_error(ei, "InvalidSignatureException", h.MSG_BAD_SIGNATURE)


def test_same_name_in_two_accounts(lockbox, sm):
    name = uniq("b3-two-accts")
    a = sm.create_secret(Name=name, SecretString="default")
    b = h.boto_client(lockbox, key="222222222222").create_secret(Name=name, SecretString="other")
    assert ":000000000000:" in a["ARN"] and ":222222222222:" in b["ARN"]


def test_region_isolation(lockbox):
    east = h.boto_client(lockbox, region="us-east-1")
    west = h.boto_client(lockbox, region="eu-west-1")
    name = uniq("b3-region")
    created = west.create_secret(Name=name, SecretString="west")
    assert h.arn_re(name, region="eu-west-1").match(created["ARN"]), created["ARN"]
    assert west.get_secret_value(SecretId=name)["SecretString"] == "west"
    with pytest.raises(ClientError) as ei:
        east.get_secret_value(SecretId=name)
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)
    with pytest.raises(ClientError) as ei:
        east.describe_secret(SecretId=name)
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)
    # same name may exist independently in the other region
    e = east.create_secret(Name=name, SecretString="east")
    assert h.arn_re(name, region="us-east-1").match(e["ARN"])
    assert west.get_secret_value(SecretId=name)["SecretString"] == "west"


# ---------------------------------------------------------------- other servers
@pytest.fixture(scope="module")
def auth_off(server_factory):
    return server_factory("--auth", "off", label="auth-off")


def test_auth_off_ready_line(auth_off):
    assert "(auth: off" in auth_off.ready_line, auth_off.ready_line


def test_auth_off_wrong_secret_succeeds(auth_off):
    client = h.boto_client(auth_off, secret="definitely-wrong")
    name = uniq("b3-off")
    created = client.create_secret(Name=name, SecretString="v")
    assert h.arn_re(name).match(created["ARN"]), created["ARN"]
    assert client.get_secret_value(SecretId=name)["SecretString"] == "v"


def test_auth_off_account_and_region_from_credential(auth_off):
    client = h.boto_client(auth_off, key="444444444444", secret="whatever", region="ap-southeast-2")
    name = uniq("b3-off-acct")
    created = client.create_secret(Name=name, SecretString="v")
    assert h.arn_re(name, account="444444444444", region="ap-southeast-2").match(created["ARN"]), created["ARN"]
    other_region = h.boto_client(auth_off, key="444444444444", secret="whatever", region="us-east-1")
    with pytest.raises(ClientError) as ei:
        other_region.get_secret_value(SecretId=name)
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)
    default_acct = h.boto_client(auth_off, secret="x", region="ap-southeast-2")
    with pytest.raises(ClientError) as ei:
        default_acct.get_secret_value(SecretId=name)
    assert_client_error(ei, "ResourceNotFoundException", h.MSG_NOT_FOUND)


def test_default_account_flag(server_factory):
    srv = server_factory("--default-account", "123456789012", label="default-account")
    client = h.boto_client(srv)
    name = uniq("b3-defacct")
    created = client.create_secret(Name=name, SecretString="v")
    assert h.arn_re(name, account="123456789012").match(created["ARN"]), created["ARN"]


CONFIG = """\
# compat-user is an IAM user without policies; authorization is off so it may act.
iam = "off"

[[credentials]]
access_key_id = "AKIALOCKBOXCOMPAT001"
secret_access_key = "compat-secret-one"
account_id = "333333333333"
user_name = "compat-user"

[[credentials]]
access_key_id = "AKIALOCKBOXCOMPAT002"
secret_access_key = "compat-secret-two"
account_id = "555555555555"
"""


def test_config_file_credentials(server_factory):
    srv = server_factory(label="config", config_text=CONFIG)
    one = h.boto_client(srv, key="AKIALOCKBOXCOMPAT001", secret="compat-secret-one")
    two = h.boto_client(srv, key="AKIALOCKBOXCOMPAT002", secret="compat-secret-two")
    name = uniq("b3-cfg")
    a = one.create_secret(Name=name, SecretString="one")
    b = two.create_secret(Name=name, SecretString="two")
    assert h.arn_re(name, account="333333333333").match(a["ARN"]), a["ARN"]
    assert h.arn_re(name, account="555555555555").match(b["ARN"]), b["ARN"]
    assert one.get_secret_value(SecretId=name)["SecretString"] == "one"
    with pytest.raises(ClientError) as ei:
        h.boto_client(srv, key="AKIALOCKBOXCOMPAT001", secret="compat-secret-two").get_secret_value(SecretId=name)
    assert_client_error(ei, "InvalidSignatureException", h.MSG_BAD_SIGNATURE)
    # the built-in test/test credential keeps working next to configured ones
    t = h.boto_client(srv).create_secret(Name=name, SecretString="default")
    assert h.arn_re(name).match(t["ARN"]), t["ARN"]
