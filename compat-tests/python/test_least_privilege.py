"""Least privilege end to end through boto3 and aws CLI v1, with identities the root user
creates through IAM: a user reads only the secret its policy names (and only while its key is
active), a Deny in the secret's resource policy wins, tag and encryption-context conditions
narrow its rights, a customer managed key also needs kms:Decrypt, an assumed role's
credentials expire on the virtual clock, an MFA-required policy is met with GetSessionToken
credentials proven by a virtual device's code, another account needs a key it may use,
GetCallerIdentity names every kind of caller, and the README's aws CLI example runs as shown."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import subprocess
from datetime import datetime

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import assert_client_error, uniq

ACCOUNT = h.DEFAULT_ACCOUNT
EXPIRED = "The security token included in the request is expired"


def client(server, service, keys=("test", "test", None)):
    key, secret, token = keys
    session = boto3.session.Session(
        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
        region_name=h.REGION,
    )
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    return session.client(service, endpoint_url=server.url, config=cfg)


def allow(actions, resource, condition=None) -> str:
    statement = {"Effect": "Allow", "Action": actions, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def user_with_policy(server, name, document=None):
    """Creates IAM user `name` as root with an optional inline policy; returns its new key."""
    iam = client(server, "iam")
    iam.create_user(UserName=name)
    if document:
        iam.put_user_policy(UserName=name, PolicyName="least-privilege", PolicyDocument=document)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"], None


def issued(answer):
    creds = answer["Credentials"]
    return creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]


def denied(user_arn, action, resource, why="because no identity-based policy allows the {action} action"):
    return (f"User: {user_arn} is not authorized to perform: {action} on resource: {resource} "
            + why.format(action=action))


def totp(seed: bytes, unix: int) -> str:
    """RFC 6238 with HMAC-SHA1, 30-second steps, 6 digits."""
    mac = hmac.new(seed, struct.pack(">Q", unix // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def virtual_now(server) -> int:
    now = h.clock_now(server)["now"]
    return int(datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp())


@pytest.fixture()
def server(server_factory):
    """A fresh server per test: several tests move the virtual clock."""
    return server_factory(label="least-privilege")


def test_a_user_reads_only_its_secret_while_its_key_is_active(server):
    root = client(server, "secretsmanager")
    mine = root.create_secret(Name="app/db", SecretString="mine")["ARN"]
    root.create_secret(Name="app/other", SecretString="not mine")
    name = uniq("reader")
    keys = user_with_policy(server, name, allow("secretsmanager:GetSecretValue", mine))
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/{name}"
    sm = client(server, "secretsmanager", keys)

    assert sm.get_secret_value(SecretId=mine)["SecretString"] == "mine"
    with pytest.raises(ClientError) as excinfo:
        sm.get_secret_value(SecretId="app/other")
    assert_client_error(excinfo, "AccessDeniedException",
                        denied(user_arn, "secretsmanager:GetSecretValue", "app/other"))

    client(server, "iam").update_access_key(UserName=name, AccessKeyId=keys[0], Status="Inactive")
    with pytest.raises(ClientError) as excinfo:
        sm.get_secret_value(SecretId=mine)
    assert_client_error(excinfo, "UnrecognizedClientException", h.MSG_UNRECOGNIZED)


def test_cli_user_is_refused_another_secret(cli, server):
    root = client(server, "secretsmanager")
    mine = root.create_secret(Name="cli/db", SecretString="mine")["ARN"]
    root.create_secret(Name="cli/other", SecretString="not mine")
    name = uniq("cli-reader")
    key, secret, _ = user_with_policy(server, name, allow("secretsmanager:GetSecretValue", mine))
    read = cli.ok(server, "secretsmanager", "get-secret-value", "--secret-id", mine, key=key, secret=secret)
    assert read["SecretString"] == "mine"
    cli.fails(server, "AccessDeniedException", "GetSecretValue",
              denied(f"arn:aws:iam::{ACCOUNT}:user/{name}", "secretsmanager:GetSecretValue", "cli/other"),
              "secretsmanager", "get-secret-value", "--secret-id", "cli/other", key=key, secret=secret)


def test_a_resource_policy_deny_beats_the_users_allow(server):
    root = client(server, "secretsmanager")
    arn = root.create_secret(Name="app/db", SecretString="v")["ARN"]
    name = uniq("reader")
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/{name}"
    sm = client(server, "secretsmanager",
                user_with_policy(server, name, allow("secretsmanager:GetSecretValue", "*")))
    sm.get_secret_value(SecretId="app/db")
    root.put_resource_policy(SecretId=arn, ResourcePolicy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Principal": {"AWS": user_arn},
                       "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}))
    with pytest.raises(ClientError) as excinfo:
        sm.get_secret_value(SecretId="app/db")
    assert_client_error(excinfo, "AccessDeniedException", denied(
        user_arn, "secretsmanager:GetSecretValue", "app/db",
        "with an explicit deny in a resource-based policy"))
    root.get_secret_value(SecretId="app/db")


def test_tag_and_encryption_context_conditions(server):
    root = client(server, "secretsmanager")
    root.create_secret(Name="blue/db", SecretString="blue", Tags=[{"Key": "team", "Value": "blue"}])
    root.create_secret(Name="green/db", SecretString="green", Tags=[{"Key": "team", "Value": "green"}])
    key_arn = client(server, "kms").create_key()["KeyMetadata"]["Arn"]
    name = uniq("reader")
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/{name}"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}},
        {"Effect": "Allow", "Action": "secretsmanager:DescribeSecret", "Resource": "*",
         "Condition": {"StringEquals": {"secretsmanager:ResourceTag/team": "green"}}},
        {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": key_arn,
         "Condition": {"StringEquals": {"kms:EncryptionContext:app": "billing"}}},
    ]})
    keys = user_with_policy(server, name, policy)
    sm = client(server, "secretsmanager", keys)
    kms = client(server, "kms", keys)

    assert sm.get_secret_value(SecretId="blue/db")["SecretString"] == "blue"
    with pytest.raises(ClientError) as excinfo:
        sm.get_secret_value(SecretId="green/db")
    assert_client_error(excinfo, "AccessDeniedException",
                        denied(user_arn, "secretsmanager:GetSecretValue", "green/db"))
    sm.describe_secret(SecretId="green/db")

    blob = kms.encrypt(KeyId=key_arn, Plaintext=b"card",
                       EncryptionContext={"app": "billing"})["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "billing"})["Plaintext"] == b"card"
    with pytest.raises(ClientError) as excinfo:
        kms.encrypt(KeyId=key_arn, Plaintext=b"card", EncryptionContext={"app": "payroll"})
    assert_client_error(excinfo, "AccessDeniedException", denied(user_arn, "kms:Encrypt", key_arn))


def test_a_customer_key_also_needs_kms_decrypt(server):
    key_arn = client(server, "kms").create_key()["KeyMetadata"]["Arn"]
    arn = client(server, "secretsmanager").create_secret(
        Name="app/db", SecretString="cmk", KmsKeyId=key_arn)["ARN"]
    name = uniq("reader")
    sm = client(server, "secretsmanager",
                user_with_policy(server, name, allow("secretsmanager:GetSecretValue", arn)))
    with pytest.raises(ClientError) as excinfo:
        sm.get_secret_value(SecretId=arn)
    assert_client_error(excinfo, "AccessDeniedException", "Access to KMS is not allowed")
    client(server, "iam").put_user_policy(UserName=name, PolicyName="decrypt",
                                          PolicyDocument=allow("kms:Decrypt", key_arn))
    assert sm.get_secret_value(SecretId=arn)["SecretString"] == "cmk"


def test_an_assumed_roles_credentials_expire_on_the_virtual_clock(server):
    root = client(server, "secretsmanager")
    arn = root.create_secret(Name="app/db", SecretString="role-readable")["ARN"]
    name = uniq("deployer")
    keys = user_with_policy(server, name)
    iam = client(server, "iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{name}"},
        "Action": "sts:AssumeRole"}]})
    role_arn = iam.create_role(RoleName="app-reader", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName="app-reader", PolicyName="read-one",
                        PolicyDocument=allow("secretsmanager:GetSecretValue", arn))
    role = issued(client(server, "sts", keys).assume_role(
        RoleArn=role_arn, RoleSessionName="release", DurationSeconds=900))
    sm = client(server, "secretsmanager", role)
    assert sm.get_secret_value(SecretId=arn)["SecretString"] == "role-readable"

    h.clock_advance(server, "16m")
    with pytest.raises(ClientError) as excinfo:
        sm.get_secret_value(SecretId=arn)
    assert_client_error(excinfo, "ExpiredTokenException", EXPIRED, status=403)
    with pytest.raises(ClientError) as excinfo:
        client(server, "sts", role).get_caller_identity()
    assert_client_error(excinfo, "ExpiredToken", EXPIRED, status=403)


def test_an_mfa_required_policy_needs_session_credentials_with_a_code(server):
    arn = client(server, "secretsmanager").create_secret(Name="app/db", SecretString="mfa")["ARN"]
    name = uniq("careful")
    keys = user_with_policy(server, name, allow(
        "secretsmanager:GetSecretValue", arn, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    with pytest.raises(ClientError) as excinfo:
        client(server, "secretsmanager", keys).get_secret_value(SecretId=arn)
    assert_client_error(excinfo, "AccessDeniedException", denied(
        f"arn:aws:iam::{ACCOUNT}:user/{name}", "secretsmanager:GetSecretValue", arn))

    iam = client(server, "iam")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{name}-phone")["VirtualMFADevice"]
    seed = base64.b32decode(device["Base32StringSeed"])
    h.clock_advance(server, "1h")
    now = virtual_now(server)
    iam.enable_mfa_device(UserName=name, SerialNumber=device["SerialNumber"],
                          AuthenticationCode1=totp(seed, now - 60),
                          AuthenticationCode2=totp(seed, now - 30))
    proven = issued(client(server, "sts", keys).get_session_token(
        SerialNumber=device["SerialNumber"], TokenCode=totp(seed, now)))
    assert client(server, "secretsmanager", proven).get_secret_value(SecretId=arn)["SecretString"] == "mfa"


def test_cli_another_account_needs_a_key_it_may_use(cli, server):
    partner = "222222222222"
    kms = client(server, "kms")
    key_id = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
         "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": partner}, "Action": "kms:Decrypt", "Resource": "*"},
    ]}))["KeyMetadata"]["KeyId"]
    sm = client(server, "secretsmanager")
    shared = sm.create_secret(Name="shared", SecretString="cross", KmsKeyId=key_id)["ARN"]
    managed = sm.create_secret(Name="managed", SecretString="aws-key")["ARN"]
    for arn in (shared, managed):
        sm.put_resource_policy(SecretId=arn, ResourcePolicy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{partner}:root"},
                "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}))
    read = cli.ok(server, "secretsmanager", "get-secret-value", "--secret-id", shared, key=partner)
    assert read["SecretString"] == "cross"
    cli.fails(server, "AccessDeniedException", "GetSecretValue", "Access to KMS is not allowed",
              "secretsmanager", "get-secret-value", "--secret-id", managed, key=partner)


def test_get_caller_identity_names_each_kind_of_credentials(cli, server):
    name = uniq("someone")
    keys = user_with_policy(server, name)
    iam = client(server, "iam")
    user_id = iam.get_user(UserName=name)["User"]["UserId"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{name}"},
        "Action": "sts:AssumeRole"}]})
    role = iam.create_role(RoleName="worker", AssumeRolePolicyDocument=trust)["Role"]
    sts = client(server, "sts", keys)
    role_keys = issued(sts.assume_role(RoleArn=role["Arn"], RoleSessionName="job-7"))
    session_keys = issued(sts.get_session_token())
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/{name}"
    cases = [
        (("test", "test", None), f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT),
        (keys, user_arn, user_id),
        (role_keys, f"arn:aws:sts::{ACCOUNT}:assumed-role/worker/job-7", f"{role['RoleId']}:job-7"),
        (session_keys, user_arn, user_id),
    ]
    for creds, arn, uid in cases:
        who = client(server, "sts", creds).get_caller_identity()
        assert (who["Account"], who["Arn"], who["UserId"]) == (ACCOUNT, arn, uid)
        key, secret, token = creds
        extra = {"AWS_SESSION_TOKEN": token} if token else None
        assert cli.ok(server, "sts", "get-caller-identity", key=key, secret=secret, extra=extra) == {
            "UserId": uid, "Account": ACCOUNT, "Arn": arn}


def test_the_readme_recipe_runs_as_written(server, tmp_path):
    """README "Principals, policies and MFA": the block prints the user's ARN and secret, then
    the refusal, as the README shows."""
    text = (h.REPO / "README.md").read_text("utf-8")
    block = re.search(r"<!-- recipe: least-privilege -->\n```sh\n(.*?)\n```", text, re.S).group(1)
    shown = re.search(r"<!-- recipe: least-privilege -->.*?\nprints\n\n```text\n(.*?)\n```", text, re.S).group(1)
    script = block.replace("http://127.0.0.1:4566", server.url)
    empty = tmp_path / "aws-config"
    empty.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PATH=f"{h.AWS_EXE.parent}{os.pathsep}{env.get('PATH', '')}", AWS_CONFIG_FILE=str(empty),
               AWS_SHARED_CREDENTIALS_FILE=str(empty), AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="")
    done = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert done.returncode == 255, done.stderr
    assert done.stdout + done.stderr == shown + "\n"
