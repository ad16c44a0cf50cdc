"""Authorization as AWS answers it, through boto3 and aws CLI v1: an explicit deny in a
secret's resource policy refuses even the root user, a conditional deny in a key policy
refuses only the matching decrypts, Secrets Manager's KMS calls obey the key policy, another
account needs a resource policy (and a key it may use), and --iam off lets everything through."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import assert_client_error, uniq

ROOT = f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:root"
PARTNER = "222222222222"


def deny_reads(condition: dict | None = None) -> str:
    statement = {
        "Sid": "NoReads",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "secretsmanager:GetSecretValue",
        "Resource": "*",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def key_policy(*extra: dict) -> str:
    root = {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": ROOT},
        "Action": "kms:*",
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [root, *extra]})


def kms_client(server):
    import boto3

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=h.REGION)
    return session.client("kms", endpoint_url=server.url)


def test_explicit_deny_refuses_the_root_user(sm):
    name = uniq("authz-deny")
    sm.create_secret(Name=name, SecretString="v")
    sm.put_resource_policy(SecretId=name, ResourcePolicy=deny_reads())
    with pytest.raises(ClientError) as ei:
        sm.get_secret_value(SecretId=name)
    assert_client_error(
        ei,
        "AccessDeniedException",
        f"User: {ROOT} is not authorized to perform: secretsmanager:GetSecretValue on resource: {name} "
        "with an explicit deny in a resource-based policy",
    )
    assert sm.describe_secret(SecretId=name)["Name"] == name


def test_explicit_deny_through_the_cli(cli, lockbox, sm):
    name = uniq("authz-cli")
    sm.create_secret(Name=name, SecretString="v")
    sm.put_resource_policy(SecretId=name, ResourcePolicy=deny_reads())
    cli.fails(
        lockbox, "AccessDeniedException", "GetSecretValue",
        f"User: {ROOT} is not authorized to perform: secretsmanager:GetSecretValue on resource: {name} "
        "with an explicit deny in a resource-based policy",
        "secretsmanager", "get-secret-value", "--secret-id", name,
    )


def test_conditional_deny_on_a_resource_tag(sm):
    prod, dev = uniq("authz-prod"), uniq("authz-dev")
    policy = deny_reads({"StringEquals": {"aws:ResourceTag/env": "prod"}})
    for name, env in [(prod, "prod"), (dev, "dev")]:
        sm.create_secret(Name=name, SecretString="v", Tags=[{"Key": "env", "Value": env}])
        sm.put_resource_policy(SecretId=name, ResourcePolicy=policy)
    with pytest.raises(ClientError) as ei:
        sm.get_secret_value(SecretId=prod)
    assert_client_error(ei, "AccessDeniedException")
    assert sm.get_secret_value(SecretId=dev)["SecretString"] == "v"


def test_key_policy_deny_on_an_encryption_context(lockbox):
    kms = kms_client(lockbox)
    key = kms.create_key()["KeyMetadata"]
    kms.put_key_policy(
        KeyId=key["KeyId"],
        PolicyName="default",
        Policy=key_policy({
            "Sid": "NoBlocked",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:EncryptionContext:purpose": "blocked"}},
        }),
    )
    blocked = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"purpose": "blocked"})
    fine = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"purpose": "fine"})
    with pytest.raises(ClientError) as ei:
        kms.decrypt(CiphertextBlob=blocked["CiphertextBlob"], EncryptionContext={"purpose": "blocked"})
    assert_client_error(
        ei,
        "AccessDeniedException",
        f"User: {ROOT} is not authorized to perform: kms:Decrypt on resource: {key['Arn']} "
        "with an explicit deny in a resource-based policy",
    )
    assert kms.decrypt(CiphertextBlob=fine["CiphertextBlob"], EncryptionContext={"purpose": "fine"})["Plaintext"] == b"x"


def test_secrets_manager_obeys_the_key_policy(lockbox, sm):
    kms = kms_client(lockbox)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    name = uniq("authz-via")
    sm.create_secret(Name=name, SecretString="v", KmsKeyId=key_id)
    kms.put_key_policy(
        KeyId=key_id,
        PolicyName="default",
        Policy=key_policy({
            "Sid": "NotViaSecretsManager",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}},
        }),
    )
    with pytest.raises(ClientError) as ei:
        sm.get_secret_value(SecretId=name)
    assert_client_error(ei, "AccessDeniedException", "Access to KMS is not allowed")


def test_another_account_needs_a_resource_policy_and_a_usable_key(lockbox, sm):
    kms = kms_client(lockbox)
    key_id = kms.create_key(Policy=key_policy({
        "Sid": "PartnerDecrypts",
        "Effect": "Allow",
        "Principal": {"AWS": PARTNER},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }))["KeyMetadata"]["KeyId"]
    shared = sm.create_secret(Name=uniq("authz-shared"), SecretString="cross", KmsKeyId=key_id)["ARN"]
    managed = sm.create_secret(Name=uniq("authz-managed"), SecretString="v")["ARN"]
    partner = h.boto_client(lockbox, key=PARTNER, secret="test")
    with pytest.raises(ClientError) as ei:
        partner.get_secret_value(SecretId=shared)
    assert_client_error(
        ei,
        "AccessDeniedException",
        f"User: arn:aws:iam::{PARTNER}:root is not authorized to perform: secretsmanager:GetSecretValue "
        f"on resource: {shared} because no resource-based policy allows the secretsmanager:GetSecretValue action",
    )
    allow_partner = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
        "Action": "secretsmanager:GetSecretValue",
        "Resource": "*",
    }]})
    for arn in (shared, managed):
        sm.put_resource_policy(SecretId=arn, ResourcePolicy=allow_partner)
    assert partner.get_secret_value(SecretId=shared)["SecretString"] == "cross"
    with pytest.raises(ClientError) as ei:
        partner.get_secret_value(SecretId=managed)
    assert_client_error(ei, "AccessDeniedException", "Access to KMS is not allowed")


def test_iam_off_lets_everything_through(server_factory):
    srv = server_factory("--iam", "off", label="iam-off")
    client = h.boto_client(srv)
    name = uniq("authz-off")
    client.create_secret(Name=name, SecretString="v")
    client.put_resource_policy(SecretId=name, ResourcePolicy=deny_reads())
    assert client.get_secret_value(SecretId=name)["SecretString"] == "v"
