"""aws CLI v1 against lockbox KMS: keys,
identifiers, key states, aliases, policies, tags, crypto, rotation, grants, CLI auto-pagination
and Secrets Manager on a customer key. State the CLI is not the subject of is set up with boto3.
Messages known from real AWS or its documentation are exact; elsewhere only the code is pinned.
The CLI prints blobs base64-encoded and reads raw bytes from fileb:// paths."""
from __future__ import annotations

import base64
import json

import pytest

import lockbox_harness as h
from lockbox_harness import uniq

KMS = "kms"
FIELDS = h.KMS_SYMMETRIC_METADATA_FIELDS
PRINCIPAL = f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:role/compat-cli"


@pytest.fixture(scope="module")
def blobs(tmp_path_factory):
    """Writes bytes to a file and returns a fileb:// argument."""
    root = tmp_path_factory.mktemp("kms-blobs")
    counter = iter(range(10**6))

    def write(data: bytes) -> str:
        path = root / f"blob-{next(counter)}.bin"
        path.write_bytes(data)
        return f"fileb://{path}"

    return write


def new_key(kms, **kw) -> dict:
    return kms.create_key(**kw)["KeyMetadata"]


def new_alias(kms, key_id: str) -> str:
    alias = f"alias/{uniq('cli')}"
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    return alias


def test_create_key_and_describe_by_every_identifier(cli, lockbox, kms):
    meta = cli.ok(lockbox, KMS, "create-key", "--description", "from the cli")["KeyMetadata"]
    assert set(meta) == FIELDS, sorted(set(meta) ^ FIELDS)
    assert meta["Arn"] == h.kms_key_arn(meta["KeyId"]) and meta["Description"] == "from the cli"
    assert (meta["KeyManager"], meta["KeyState"], meta["Enabled"], meta["KeySpec"], meta["MultiRegion"]) == (
        "CUSTOMER", "Enabled", True, "SYMMETRIC_DEFAULT", False)
    alias = new_alias(kms, meta["KeyId"])
    for ident in (meta["KeyId"], meta["Arn"], alias, h.kms_alias_arn(alias)):
        assert cli.ok(lockbox, KMS, "describe-key", "--key-id", ident)["KeyMetadata"] == meta, ident


def test_update_key_description(cli, lockbox, kms):
    key_id = new_key(kms, Description="before")["KeyId"]
    out = cli.run(lockbox, KMS, "update-key-description", "--key-id", key_id, "--description", "after")
    assert out.returncode == 0 and out.stdout.strip() == "", out.stderr
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "after"
    unknown = h.kms_key_arn("1234abcd-12ab-34cd-56ef-1234567890ab")
    cli.fails(lockbox, "NotFoundException", "UpdateKeyDescription", h.msg_kms_key_missing(unknown),
              KMS, "update-key-description", "--key-id", unknown, "--description", "x")


def test_identifier_errors(cli, lockbox):
    unknown = "1234abcd-12ab-34cd-56ef-1234567890ab"
    cli.fails(lockbox, "NotFoundException", "DescribeKey", h.msg_kms_invalid_key_id("fake-key-id"),
              KMS, "describe-key", "--key-id", "fake-key-id")
    cli.fails(lockbox, "NotFoundException", "DescribeKey", h.msg_kms_key_missing(h.kms_key_arn(unknown)),
              KMS, "describe-key", "--key-id", unknown)
    cli.fails(lockbox, "NotFoundException", "DescribeKey", h.msg_kms_invalid_arn("eu-west-1"),
              KMS, "describe-key", "--key-id", h.kms_key_arn(unknown, region="eu-west-1"))
    cli.fails(lockbox, "NotFoundException", "DescribeKey", None,  # alias text: moto's, local-kms's and LocalStack's; AWS's not known
              KMS, "describe-key", "--key-id", "alias/cli-does-not-exist")


def test_managed_secretsmanager_key(cli, lockbox):
    meta = cli.ok(lockbox, KMS, "describe-key", "--key-id", "alias/aws/secretsmanager")["KeyMetadata"]
    assert set(meta) == FIELDS and meta["KeyManager"] == "AWS", meta
    assert meta["Description"] == h.MSG_KMS_MANAGED_SM_DESCRIPTION


def test_list_keys_auto_pagination(cli, lockbox, kms):
    mine = {new_key(kms)["KeyId"] for _ in range(5)}
    every = [k["KeyId"] for p in kms.get_paginator("list_keys").paginate() for k in p["Keys"]]
    out = cli.ok(lockbox, KMS, "list-keys", "--page-size", "2")
    got = [k["KeyId"] for k in out["Keys"]]
    assert sorted(got) == sorted(every) and mine <= set(got), out
    assert "NextMarker" not in out and "NextToken" not in out, out
    first = cli.ok(lockbox, KMS, "list-keys", "--page-size", "2", "--max-items", "3")
    assert len(first["Keys"]) == 3 and first["NextToken"], first
    rest = cli.ok(lockbox, KMS, "list-keys", "--page-size", "2", "--starting-token", first["NextToken"])
    assert [k["KeyId"] for k in first["Keys"] + rest["Keys"]] == got
    page = cli.ok(lockbox, KMS, "list-keys", "--no-paginate", "--limit", "2")
    assert page["Truncated"] is True and page["NextMarker"] and len(page["Keys"]) == 2, page


def test_disable_enable_and_deletion_states(cli, lockbox, kms):
    meta = new_key(kms)
    kid, arn = meta["KeyId"], meta["Arn"]
    assert cli.ok(lockbox, KMS, "disable-key", "--key-id", kid) == {}
    cli.fails(lockbox, "DisabledException", "Encrypt", h.msg_kms_disabled(arn),
              KMS, "encrypt", "--key-id", kid, "--plaintext", "x")
    assert cli.ok(lockbox, KMS, "enable-key", "--key-id", arn) == {}
    out = cli.ok(lockbox, KMS, "schedule-key-deletion", "--key-id", kid, "--pending-window-in-days", "7")
    assert set(out) == {"KeyId", "DeletionDate", "KeyState", "PendingWindowInDays"}, out
    assert (out["KeyId"], out["KeyState"], out["PendingWindowInDays"]) == (arn, "PendingDeletion", 7)
    cli.fails(lockbox, "KMSInvalidStateException", "Encrypt", h.msg_kms_pending_deletion(arn),
              KMS, "encrypt", "--key-id", kid, "--plaintext", "x")
    assert cli.ok(lockbox, KMS, "cancel-key-deletion", "--key-id", kid) == {"KeyId": arn}
    cli.fails(lockbox, "KMSInvalidStateException", "CancelKeyDeletion", h.msg_kms_not_pending_deletion(arn),
              KMS, "cancel-key-deletion", "--key-id", kid)
    assert kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"] == "Disabled"


def test_aliases(cli, lockbox, kms):
    k1, k2 = new_key(kms), new_key(kms)
    alias = f"alias/{uniq('cli-alias')}"
    assert cli.ok(lockbox, KMS, "create-alias", "--alias-name", alias, "--target-key-id", k1["KeyId"]) == {}
    listed = cli.ok(lockbox, KMS, "list-aliases", "--key-id", k1["KeyId"])["Aliases"]
    assert [(a["AliasName"], a["AliasArn"], a["TargetKeyId"]) for a in listed] == [
        (alias, h.kms_alias_arn(alias), k1["KeyId"])], listed
    cli.fails(lockbox, "AlreadyExistsException", "CreateAlias", None,  # LocalStack's text: code only
              KMS, "create-alias", "--alias-name", alias, "--target-key-id", k2["KeyId"])
    cli.fails(lockbox, "ValidationException", "CreateAlias", h.MSG_KMS_ALIAS_PREFIX,
              KMS, "create-alias", "--alias-name", uniq("noprefix"), "--target-key-id", k2["KeyId"])
    assert cli.ok(lockbox, KMS, "update-alias", "--alias-name", alias, "--target-key-id", k2["Arn"]) == {}
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"] == k2["KeyId"]
    assert cli.ok(lockbox, KMS, "delete-alias", "--alias-name", alias) == {}
    assert alias not in [a["AliasName"] for a in cli.ok(lockbox, KMS, "list-aliases")["Aliases"]]


def test_key_policy(cli, lockbox, kms, tmp_path):
    kid = new_key(kms)["KeyId"]
    out = cli.ok(lockbox, KMS, "get-key-policy", "--key-id", kid, "--policy-name", "default")
    assert out == {"Policy": h.kms_default_policy(), "PolicyName": "default"}, out
    policy = ('{"Version":"2012-10-17","Id":"cli-custom","Statement":[{"Sid":"Root","Effect":"Allow",'
              f'"Principal":{{"AWS":"arn:aws:iam::{h.DEFAULT_ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}}]}}')
    path = tmp_path / "policy.json"
    path.write_text(policy)
    assert cli.ok(lockbox, KMS, "put-key-policy", "--key-id", kid, "--policy-name", "default",
                  "--policy", f"file://{path}") == {}
    assert kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"] == policy
    # --no-paginate shows the raw page (auto-pagination drops the Truncated flag)
    assert cli.ok(lockbox, KMS, "list-key-policies", "--key-id", kid, "--no-paginate") == {
        "PolicyNames": ["default"], "Truncated": False}


def test_tags(cli, lockbox, kms):
    kid = new_key(kms)["KeyId"]
    assert cli.ok(lockbox, KMS, "tag-resource", "--key-id", kid, "--tags",
                  "TagKey=env,TagValue=dev", "TagKey=team,TagValue=a") == {}
    out = cli.ok(lockbox, KMS, "list-resource-tags", "--key-id", kid)
    assert sorted((t["TagKey"], t["TagValue"]) for t in out["Tags"]) == [("env", "dev"), ("team", "a")], out
    assert cli.ok(lockbox, KMS, "untag-resource", "--key-id", kid, "--tag-keys", "team") == {}
    assert kms.list_resource_tags(KeyId=kid)["Tags"] == [{"TagKey": "env", "TagValue": "dev"}]
    cli.fails(lockbox, "TagException", "TagResource", h.MSG_KMS_RESERVED_TAGS,
              KMS, "tag-resource", "--key-id", kid, "--tags", "TagKey=aws:x,TagValue=v")
    cli.fails(lockbox, "TagException", "TagResource", h.MSG_KMS_DUPLICATE_TAG_KEYS,
              KMS, "tag-resource", "--key-id", kid, "--tags", "TagKey=k,TagValue=1", "TagKey=k,TagValue=2")
    many = [f"TagKey=k{i},TagValue=v" for i in range(51)]
    cli.fails(lockbox, "TagException", "TagResource", h.MSG_KMS_TOO_MANY_TAGS,
              KMS, "tag-resource", "--key-id", kid, "--tags", *many)


def test_encrypt_decrypt(cli, lockbox, kms, blobs):
    k1, k2 = new_key(kms), new_key(kms)
    out = cli.ok(lockbox, KMS, "encrypt", "--key-id", k1["KeyId"], "--plaintext", "hello kms")
    assert set(out) == {"CiphertextBlob", "KeyId", "EncryptionAlgorithm"} and out["KeyId"] == k1["Arn"], out
    blob = base64.b64decode(out["CiphertextBlob"])
    dec = cli.ok(lockbox, KMS, "decrypt", "--ciphertext-blob", blobs(blob))
    assert set(dec) == {"KeyId", "Plaintext", "EncryptionAlgorithm", "KeyMaterialId"}, dec
    assert base64.b64decode(dec["Plaintext"]) == b"hello kms" and dec["KeyId"] == k1["Arn"]
    ctx = "purpose=compat,Tenant=a"
    with_ctx = base64.b64decode(cli.ok(lockbox, KMS, "encrypt", "--key-id", k1["Arn"], "--plaintext", "ctx",
                                       "--encryption-context", ctx)["CiphertextBlob"])
    dec = cli.ok(lockbox, KMS, "decrypt", "--ciphertext-blob", blobs(with_ctx), "--encryption-context", "Tenant=a,purpose=compat")
    assert base64.b64decode(dec["Plaintext"]) == b"ctx"
    cli.fails(lockbox, "InvalidCiphertextException", "Decrypt", "",
              KMS, "decrypt", "--ciphertext-blob", blobs(with_ctx), "--encryption-context", "Tenant=b,purpose=compat")
    cli.fails(lockbox, "InvalidCiphertextException", "Decrypt", "", KMS, "decrypt", "--ciphertext-blob", blobs(with_ctx))
    tampered = bytearray(blob)
    tampered[-1] ^= 0x01
    cli.fails(lockbox, "InvalidCiphertextException", "Decrypt", "", KMS, "decrypt", "--ciphertext-blob", blobs(bytes(tampered)))
    cli.fails(lockbox, "IncorrectKeyException", "Decrypt", h.MSG_KMS_INCORRECT_KEY,
              KMS, "decrypt", "--ciphertext-blob", blobs(blob), "--key-id", k2["KeyId"])


def test_data_keys_and_random(cli, lockbox, kms, blobs, tmp_path):
    meta = new_key(kms)
    alias = new_alias(kms, meta["KeyId"])
    out = cli.ok(lockbox, KMS, "generate-data-key", "--key-id", alias, "--key-spec", "AES_256")
    assert set(out) == {"CiphertextBlob", "Plaintext", "KeyId", "KeyMaterialId"} and out["KeyId"] == meta["Arn"], out
    plain = base64.b64decode(out["Plaintext"])
    assert len(plain) == 32
    dec = cli.ok(lockbox, KMS, "decrypt", "--ciphertext-blob", blobs(base64.b64decode(out["CiphertextBlob"])))
    assert base64.b64decode(dec["Plaintext"]) == plain
    out = cli.ok(lockbox, KMS, "generate-data-key-without-plaintext", "--key-id", meta["KeyId"], "--key-spec", "AES_128")
    assert set(out) == {"CiphertextBlob", "KeyId", "KeyMaterialId"}, out
    assert len(kms.decrypt(CiphertextBlob=base64.b64decode(out["CiphertextBlob"]))["Plaintext"]) == 16
    rnd = cli.ok(lockbox, KMS, "generate-random", "--number-of-bytes", "32")
    assert set(rnd) == {"Plaintext"} and len(base64.b64decode(rnd["Plaintext"])) == 32, rnd
    cli.fails(lockbox, "ValidationException", "GenerateRandom", h.MSG_KMS_NUMBER_OF_BYTES_REQUIRED, KMS, "generate-random")
    cli.fails(lockbox, "ValidationException", "GenerateRandom", h.coral_range_max("numberOfBytes", 1025, 1024),
              KMS, "generate-random", "--number-of-bytes", "1025")
    # the CLI checks the model's min itself unless parameter_validation is off in the profile
    unchecked = tmp_path / "config-unchecked"
    unchecked.write_text(cli.config.read_text() + "parameter_validation = false\n")
    cli.fails(lockbox, "ValidationException", "GenerateRandom", h.coral_range_min("numberOfBytes", 0, 1),
              KMS, "generate-random", "--number-of-bytes", "0", extra={"AWS_CONFIG_FILE": str(unchecked)})


def test_re_encrypt(cli, lockbox, kms, blobs):
    src, dst = new_key(kms), new_key(kms)
    blob = kms.encrypt(KeyId=src["KeyId"], Plaintext=b"move", EncryptionContext={"a": "1"})["CiphertextBlob"]
    out = cli.ok(lockbox, KMS, "re-encrypt", "--ciphertext-blob", blobs(blob), "--source-encryption-context", "a=1",
                 "--destination-key-id", dst["KeyId"])
    assert (out["SourceKeyId"], out["KeyId"]) == (src["Arn"], dst["Arn"]), out
    assert out["SourceEncryptionAlgorithm"] == out["DestinationEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert kms.decrypt(CiphertextBlob=base64.b64decode(out["CiphertextBlob"]))["Plaintext"] == b"move"
    cli.fails(lockbox, "IncorrectKeyException", "ReEncrypt", h.MSG_KMS_INCORRECT_KEY,
              KMS, "re-encrypt", "--ciphertext-blob", blobs(blob), "--source-encryption-context", "a=1",
              "--source-key-id", dst["KeyId"], "--destination-key-id", dst["KeyId"])


def test_rotation(cli, lockbox, kms, blobs):
    meta = new_key(kms)
    kid, arn = meta["KeyId"], meta["Arn"]
    old = kms.encrypt(KeyId=kid, Plaintext=b"old")["CiphertextBlob"]
    assert cli.ok(lockbox, KMS, "enable-key-rotation", "--key-id", kid, "--rotation-period-in-days", "90") == {}
    status = cli.ok(lockbox, KMS, "get-key-rotation-status", "--key-id", kid)
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 90) and "NextRotationDate" in status, status
    assert cli.ok(lockbox, KMS, "rotate-key-on-demand", "--key-id", kid) == {"KeyId": arn}
    rotations = cli.ok(lockbox, KMS, "list-key-rotations", "--key-id", kid)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"], rotations
    dec = cli.ok(lockbox, KMS, "decrypt", "--ciphertext-blob", blobs(old))
    assert base64.b64decode(dec["Plaintext"]) == b"old" and dec["KeyMaterialId"] == meta["CurrentKeyMaterialId"]
    assert kms.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"] != meta["CurrentKeyMaterialId"]
    assert cli.ok(lockbox, KMS, "disable-key-rotation", "--key-id", kid) == {}
    kms.disable_key(KeyId=kid)
    cli.fails(lockbox, "DisabledException", "RotateKeyOnDemand", h.msg_kms_disabled(arn),
              KMS, "rotate-key-on-demand", "--key-id", kid)


def test_grants(cli, lockbox, kms):
    meta = new_key(kms)
    kid, arn = meta["KeyId"], meta["Arn"]
    g1 = cli.ok(lockbox, KMS, "create-grant", "--key-id", kid, "--grantee-principal", PRINCIPAL,
                "--retiring-principal", PRINCIPAL, "--operations", "Encrypt", "Decrypt", "--name", "cli-grant")
    assert set(g1) == {"GrantToken", "GrantId"} and h.KMS_GRANT_ID_RE.match(g1["GrantId"]), g1
    g2 = kms.create_grant(KeyId=kid, GranteePrincipal=PRINCIPAL, Operations=["Decrypt"])
    listed = cli.ok(lockbox, KMS, "list-grants", "--key-id", kid)["Grants"]
    by_id = {g["GrantId"]: g for g in listed}
    assert sorted(by_id) == sorted([g1["GrantId"], g2["GrantId"]]), listed
    assert by_id[g1["GrantId"]]["KeyId"] == arn and by_id[g1["GrantId"]]["Name"] == "cli-grant"
    assert by_id[g1["GrantId"]]["IssuingAccount"] == f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:root"
    assert cli.ok(lockbox, KMS, "retire-grant", "--grant-token", g1["GrantToken"]) == {}
    assert cli.ok(lockbox, KMS, "revoke-grant", "--key-id", kid, "--grant-id", g2["GrantId"]) == {}
    assert kms.list_grants(KeyId=kid)["Grants"] == []


def test_list_retirable_grants(cli, lockbox, kms):
    retirer = f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:role/{uniq('cli-retirer')}"
    meta = new_key(kms)
    g = kms.create_grant(KeyId=meta["KeyId"], GranteePrincipal=PRINCIPAL, Operations=["Decrypt"],
                         RetiringPrincipal=retirer)
    out = cli.ok(lockbox, KMS, "list-retirable-grants", "--retiring-principal", retirer)
    assert [(x["KeyId"], x["GrantId"]) for x in out["Grants"]] == [(meta["Arn"], g["GrantId"])], out
    cli.fails(lockbox, "ValidationException", "ListRetirableGrants",
              "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
              "Member must have value less than or equal to 100",
              KMS, "list-retirable-grants", "--retiring-principal", retirer, "--limit", "101")


def test_secret_on_a_customer_key_follows_the_key_state(cli, lockbox, kms):
    meta = new_key(kms)
    alias = new_alias(kms, meta["KeyId"])
    name = uniq("cli-kms-secret")
    cli.ok(lockbox, "secretsmanager", "create-secret", "--name", name, "--secret-string", "cmk", "--kms-key-id", alias)
    assert cli.ok(lockbox, "secretsmanager", "get-secret-value", "--secret-id", name)["SecretString"] == "cmk"
    cli.ok(lockbox, KMS, "disable-key", "--key-id", meta["KeyId"])
    # DecryptionFailure is the natural mapping, unverified against AWS: code only
    cli.fails(lockbox, "DecryptionFailure", "GetSecretValue", None,
              "secretsmanager", "get-secret-value", "--secret-id", name)
    cli.ok(lockbox, KMS, "enable-key", "--key-id", meta["KeyId"])
    assert cli.ok(lockbox, "secretsmanager", "get-secret-value", "--secret-id", name)["SecretString"] == "cmk"


def test_key_disappears_when_the_window_ends(cli, lockbox, kms, blobs):
    """Moves the virtual clock: keep last in this module."""
    meta = new_key(kms)
    blob = kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"gone")["CiphertextBlob"]
    cli.ok(lockbox, KMS, "schedule-key-deletion", "--key-id", meta["KeyId"], "--pending-window-in-days", "7")
    h.clock_advance(lockbox, "8d")
    cli.fails(lockbox, "NotFoundException", "DescribeKey", h.msg_kms_key_missing(meta["Arn"]),
              KMS, "describe-key", "--key-id", meta["KeyId"])
    cli.fails(lockbox, "AccessDeniedException", "Decrypt", h.MSG_KMS_FOREIGN_CIPHERTEXT,
              KMS, "decrypt", "--ciphertext-blob", blobs(blob))
    assert meta["KeyId"] not in json.dumps(cli.ok(lockbox, KMS, "list-keys"))
