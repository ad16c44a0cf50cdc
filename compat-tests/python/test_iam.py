"""IAM through boto3 and the aws CLI v1 over awsQuery: users and access keys (a new key
signs at once; Inactive or deleted keys are refused), inline and managed policies with
versions, roles, groups, and a virtual MFA device enabled with TOTP codes computed here."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
import time
import zlib

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import uniq

ALLOW = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:root"},
        "Action": "sts:AssumeRole",
    }],
}


def iam_client(server, key="test", secret="test", region="eu-west-1"):
    """IAM is global; with a custom endpoint botocore signs for the client's Region."""
    session = boto3.session.Session(
        aws_access_key_id=key, aws_secret_access_key=secret, region_name=region
    )
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    return session.client("iam", endpoint_url=server.url, config=cfg)


def totp(seed: bytes, unix: float) -> str:
    """RFC 6238 with HMAC-SHA1, 30-second steps, 6 digits."""
    mac = hmac.new(seed, struct.pack(">Q", int(unix) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def png_size(png: bytes) -> tuple[int, int]:
    """Reads a PNG with the standard zlib, checking every chunk's CRC; returns its size."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, size = 8, b"", None
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        if kind == b"IHDR":
            size = struct.unpack(">II", data[:8])
        elif kind == b"IDAT":
            idat += data
        at += 12 + length
    width, height = size
    assert len(zlib.decompress(idat)) == height * (width + 1)
    return width, height


def error(excinfo):
    err = excinfo.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture(scope="module")
def iam(lockbox):
    return iam_client(lockbox)


LIST_SECRETS = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "secretsmanager:ListSecrets", "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::*:user/${aws:username}"}]})


def test_a_new_access_key_signs_at_once_and_stops_when_inactive_or_deleted(lockbox, iam):
    name = uniq("ci-reader")
    user = iam.create_user(UserName=name)["User"]
    assert user["UserId"].startswith("AIDA")
    assert user["Arn"] == f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:user/{name}"
    # Calls are authorized: the user may list secrets and read its own user, nothing else.
    iam.put_user_policy(UserName=name, PolicyName="list", PolicyDocument=LIST_SECRETS)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["SecretAccessKey"]) == 40

    sm = h.boto_client(lockbox, key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    sm.list_secrets()
    me = iam_client(lockbox, key["AccessKeyId"], key["SecretAccessKey"]).get_user()["User"]
    assert me["UserName"] == name

    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as excinfo:
        sm.list_secrets()
    h.assert_client_error(excinfo, "UnrecognizedClientException", h.MSG_UNRECOGNIZED)
    listed = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [k["Status"] for k in listed] == ["Inactive"]
    assert "SecretAccessKey" not in listed[0]

    iam.create_access_key(UserName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.create_access_key(UserName=name)
    assert error(excinfo) == ("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409)

    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Active")
    sm.list_secrets()
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as excinfo:
        sm.list_secrets()
    h.assert_client_error(excinfo, "UnrecognizedClientException", h.MSG_UNRECOGNIZED)

    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName=name)
    assert error(excinfo) == (
        "DeleteConflict", "Cannot delete entity, must delete access keys first.", 409)
    with pytest.raises(ClientError) as excinfo:
        iam.get_user(UserName=uniq("nobody"))
    assert error(excinfo)[0::2] == ("NoSuchEntity", 404)


def test_policy_documents_come_back_as_json_and_versions_are_limited(iam):
    name = uniq("alice")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=json.dumps(ALLOW))
    # botocore URL-decodes and parses every policy document IAM returns.
    assert iam.get_user_policy(UserName=name, PolicyName="inline")["PolicyDocument"] == ALLOW
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName=name, PolicyName="bad", PolicyDocument="{not json")
    assert error(excinfo) == ("MalformedPolicyDocument", "Syntax errors in policy.", 400)

    policy = iam.create_policy(PolicyName=uniq("read"), PolicyDocument=json.dumps(ALLOW))["Policy"]
    arn = policy["Arn"]
    assert policy["DefaultVersionId"] == "v1" and policy["PolicyId"].startswith("ANPA")
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(ALLOW))
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(ALLOW))
    assert error(excinfo)[0::2] == ("LimitExceeded", 409)
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v4")
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v4")["PolicyVersion"]
    assert version["IsDefaultVersion"] and version["Document"] == ALLOW
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v4")
    assert error(excinfo) == ("DeleteConflict", "Cannot delete the default version of a policy.", 409)

    iam.attach_user_policy(UserName=name, PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    attached = iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [arn]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=arn)
    assert error(excinfo) == ("DeleteConflict", "Cannot delete a policy attached to entities.", 409)


def test_roles_keep_their_trust_policy_and_session_limit(iam):
    name = uniq("app")
    role = iam.create_role(RoleName=name, Path="/svc/", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    assert role["RoleId"].startswith("AROA")
    assert role["Arn"] == f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:role/svc/{name}"
    assert role["AssumeRolePolicyDocument"] == TRUST
    iam.update_role(RoleName=name, MaxSessionDuration=7200, Description="d")
    got = iam.get_role(RoleName=name)["Role"]
    assert got["MaxSessionDuration"] == 7200 and got["Description"] == "d"
    with pytest.raises(ClientError) as excinfo:
        iam.update_role(RoleName=name, MaxSessionDuration=50000)
    assert error(excinfo)[0::2] == ("ValidationError", 400)
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName=name.upper(), AssumeRolePolicyDocument=json.dumps(TRUST))
    assert error(excinfo) == ("EntityAlreadyExists", f"Role with name {name.upper()} already exists.", 409)


def test_a_virtual_mfa_device_is_enabled_with_two_consecutive_codes(iam):
    user = uniq("mfa-user")
    iam.create_user(UserName=user)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=uniq("phone"))["VirtualMFADevice"]
    serial = device["SerialNumber"]
    assert serial.startswith(f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:mfa/")
    width, height = png_size(device["QRCodePNG"])
    assert width == height and width >= 21 * 4
    seed = base64.b32decode(device["Base32StringSeed"] + b"=" * (-len(device["Base32StringSeed"]) % 8))
    now = time.time()
    with pytest.raises(ClientError) as excinfo:
        iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                              AuthenticationCode1=totp(seed, now), AuthenticationCode2=totp(seed, now - 30))
    assert error(excinfo)[0::2] == ("InvalidAuthenticationCode", 403)
    iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                          AuthenticationCode1=totp(seed, now - 30), AuthenticationCode2=totp(seed, now))
    devices = iam.list_mfa_devices(UserName=user)["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [serial]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName=user)
    assert error(excinfo) == ("DeleteConflict", "Cannot delete entity, must delete MFA device first.", 409)
    iam.deactivate_mfa_device(UserName=user, SerialNumber=serial)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    iam.delete_user(UserName=user)


def test_cli_creates_users_groups_and_keys(cli, lockbox):
    user = uniq("cli-user")
    group = uniq("cli-group")
    created = cli.ok(lockbox, "iam", "create-user", "--user-name", user)
    assert created["User"]["UserName"] == user
    cli.ok(lockbox, "iam", "create-group", "--group-name", group)
    cli.ok(lockbox, "iam", "add-user-to-group", "--group-name", group, "--user-name", user)
    # The group's policy lets its members list secrets.
    cli.ok(lockbox, "iam", "put-group-policy", "--group-name", group, "--policy-name", "list",
           "--policy-document", LIST_SECRETS)
    got = cli.ok(lockbox, "iam", "get-group", "--group-name", group)
    assert [u["UserName"] for u in got["Users"]] == [user]
    key = cli.ok(lockbox, "iam", "create-access-key", "--user-name", user)["AccessKey"]
    listed = cli.ok(lockbox, "secretsmanager", "list-secrets",
                    key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert "SecretList" in listed
    cli.fails(lockbox, "NoSuchEntity", "GetUser", f"The user with name {user}x cannot be found.",
              "iam", "get-user", "--user-name", user + "x")
