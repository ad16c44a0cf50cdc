"""boto3 and the aws CLI v1 against lockbox multi-Region KMS keys: CreateKey with MultiRegion,
ReplicateKey, UpdatePrimaryRegion, cross-Region decrypt, verify and MAC checks, rotation shared
from the primary, and PendingReplicaDeletion. AWS documents the shapes and the exception codes
here but not every message: messages AWS does not document are Lockbox's own (their texts are
pinned in the Rust tests), so only their codes are asserted here, except where the text is
AWS's known form (`<arn> is disabled.`, `Invalid keyId '...'`). Each test uses its own keys."""
from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import assert_client_error, payload

EAST, WEST, EU = "us-east-1", "us-west-2", "eu-west-1"
MRK_RE = re.compile(r"^mrk-[0-9a-f]{32}$")
KMS = "kms"


@pytest.fixture(scope="module")
def east(lockbox):
    return h.kms_client(lockbox, region=EAST)


@pytest.fixture(scope="module")
def west(lockbox):
    return h.kms_client(lockbox, region=WEST)


def fails(code, message, fn, **kw):
    with pytest.raises(ClientError) as ei:
        fn(**kw)
    return assert_client_error(ei, code, message)


def primary(kms, **kw) -> dict:
    return kms.create_key(MultiRegion=True, **kw)["KeyMetadata"]


def entry(region: str, key_id: str) -> dict:
    return {"Arn": h.kms_key_arn(key_id, region=region), "Region": region}


# ---------------------------------------------------------------- boto3
def test_create_key_multi_region_shows_the_configuration(east):
    meta = primary(east)
    assert MRK_RE.match(meta["KeyId"]), meta
    assert meta["Arn"] == h.kms_key_arn(meta["KeyId"], region=EAST)
    assert meta["MultiRegion"] is True
    assert meta["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY", "PrimaryKey": entry(EAST, meta["KeyId"]), "ReplicaKeys": [],
    }
    assert "PendingDeletionWindowInDays" not in meta
    single = east.create_key()["KeyMetadata"]
    assert single["MultiRegion"] is False and "MultiRegionConfiguration" not in single


def test_replicate_key_output_and_shared_configuration(east, west):
    key_id = primary(east)["KeyId"]
    out = east.replicate_key(
        KeyId=key_id, ReplicaRegion=WEST, Description="west",
        Tags=[{"TagKey": "env", "TagValue": "test"}],
    )
    assert set(payload(out)) == {"ReplicaKeyMetadata", "ReplicaPolicy", "ReplicaTags"}, out
    replica = out["ReplicaKeyMetadata"]
    assert (replica["KeyId"], replica["Arn"], replica["Description"], replica["KeyState"]) == (
        key_id, h.kms_key_arn(key_id, region=WEST), "west", "Enabled")
    assert out["ReplicaTags"] == [{"TagKey": "env", "TagValue": "test"}]
    assert '"Id" : "key-default-1"' in out["ReplicaPolicy"]
    expected = {
        "PrimaryKey": entry(EAST, key_id), "ReplicaKeys": [entry(WEST, key_id)],
    }
    assert replica["MultiRegionConfiguration"] == {"MultiRegionKeyType": "REPLICA", **expected}
    described = east.describe_key(KeyId=key_id)["KeyMetadata"]
    assert described["MultiRegionConfiguration"] == {"MultiRegionKeyType": "PRIMARY", **expected}
    assert west.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "env", "TagValue": "test"}]
    assert east.list_resource_tags(KeyId=key_id)["Tags"] == []


def test_ciphertexts_signatures_and_macs_cross_regions(east, west):
    key_id = primary(east)["KeyId"]
    east.replicate_key(KeyId=key_id, ReplicaRegion=WEST)
    blob = east.encrypt(KeyId=key_id, Plaintext=b"across", EncryptionContext={"a": "b"})["CiphertextBlob"]
    opened = west.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})
    assert opened["Plaintext"] == b"across"
    assert opened["KeyId"] == h.kms_key_arn(key_id, region=WEST)

    signer = primary(east, KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")["KeyId"]
    east.replicate_key(KeyId=signer, ReplicaRegion=WEST)
    signature = west.sign(KeyId=signer, Message=b"m", SigningAlgorithm="ECDSA_SHA_384")["Signature"]
    assert east.verify(KeyId=signer, Message=b"m", Signature=signature,
                       SigningAlgorithm="ECDSA_SHA_384")["SignatureValid"] is True

    hmac = primary(east, KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
    east.replicate_key(KeyId=hmac, ReplicaRegion=WEST)
    mac = east.generate_mac(KeyId=hmac, Message=b"m", MacAlgorithm="HMAC_SHA_384")["Mac"]
    assert west.verify_mac(KeyId=hmac, Message=b"m", Mac=mac, MacAlgorithm="HMAC_SHA_384")["MacValid"] is True


def test_replicate_key_errors(east, west):
    meta = primary(east)
    key_id = meta["KeyId"]
    single = east.create_key()["KeyMetadata"]["KeyId"]
    fails("UnsupportedOperationException", None, east.replicate_key, KeyId=single, ReplicaRegion=WEST)
    fails("AlreadyExistsException", None, east.replicate_key, KeyId=key_id, ReplicaRegion=EAST)
    east.replicate_key(KeyId=key_id, ReplicaRegion=WEST)
    fails("AlreadyExistsException", None, east.replicate_key, KeyId=key_id, ReplicaRegion=WEST)
    fails("UnsupportedOperationException", None, west.replicate_key, KeyId=key_id, ReplicaRegion=EU)
    fails("ValidationException",
          "1 validation error detected: Value 'moon' at 'replicaRegion' failed to satisfy constraint: "
          "Member must satisfy regular expression pattern: ^([a-z]+-){2,3}\\d+$",
          east.replicate_key, KeyId=key_id, ReplicaRegion="moon")
    fails("NotFoundException", h.msg_kms_invalid_key_id("alias/nope"),
          east.replicate_key, KeyId="alias/nope", ReplicaRegion=EU)
    east.disable_key(KeyId=key_id)
    fails("DisabledException", f"{meta['Arn']} is disabled.", east.replicate_key, KeyId=key_id, ReplicaRegion=EU)


def test_rotation_is_the_primarys_and_reaches_replicas(east, west):
    key_id = primary(east)["KeyId"]
    east.replicate_key(KeyId=key_id, ReplicaRegion=WEST)
    east.rotate_key_on_demand(KeyId=key_id)
    current = east.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert west.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"] == current
    east.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)
    status = west.get_key_rotation_status(KeyId=key_id)
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 180)
    for call in (west.rotate_key_on_demand, west.enable_key_rotation, west.disable_key_rotation):
        fails("UnsupportedOperationException", None, call, KeyId=key_id)


def test_update_primary_region_swaps_roles(east, west):
    key_id = primary(east)["KeyId"]
    east.replicate_key(KeyId=key_id, ReplicaRegion=WEST)
    out = east.update_primary_region(KeyId=key_id, PrimaryRegion=WEST)
    assert payload(out) == {}, out
    config = east.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]
    assert config == {
        "MultiRegionKeyType": "REPLICA", "PrimaryKey": entry(WEST, key_id), "ReplicaKeys": [entry(EAST, key_id)],
    }
    assert west.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"
    fails("UnsupportedOperationException", None, east.update_primary_region, KeyId=key_id, PrimaryRegion=WEST)
    fails("NotFoundException", None, west.update_primary_region, KeyId=key_id, PrimaryRegion=EU)


def test_a_primary_with_replicas_awaits_their_deletion(east, west):
    meta = primary(east)
    key_id = meta["KeyId"]
    east.replicate_key(KeyId=key_id, ReplicaRegion=WEST)
    out = east.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert payload(out) == {
        "KeyId": meta["Arn"], "KeyState": "PendingReplicaDeletion", "PendingWindowInDays": 7,
    }, out
    described = east.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (described["KeyState"], described["PendingDeletionWindowInDays"], described["Enabled"]) == (
        "PendingReplicaDeletion", 7, False)
    assert "DeletionDate" not in described
    fails("KMSInvalidStateException", None, east.encrypt, KeyId=key_id, Plaintext=b"x")
    assert west.encrypt(KeyId=key_id, Plaintext=b"x")["KeyId"] == h.kms_key_arn(key_id, region=WEST)
    assert east.cancel_key_deletion(KeyId=key_id)["KeyId"] == meta["Arn"]
    assert east.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"


# ---------------------------------------------------------------- aws CLI
def test_cli_create_replicate_update_and_errors(cli, lockbox):
    meta = cli.ok(lockbox, KMS, "create-key", "--multi-region")["KeyMetadata"]
    key_id = meta["KeyId"]
    assert MRK_RE.match(key_id) and meta["MultiRegion"] is True
    out = cli.ok(lockbox, KMS, "replicate-key", "--key-id", key_id, "--replica-region", WEST,
                 "--description", "cli replica")
    assert out["ReplicaKeyMetadata"]["Arn"] == h.kms_key_arn(key_id, region=WEST)
    assert out["ReplicaKeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert out["ReplicaTags"] == []
    cli.fails(lockbox, "AlreadyExistsException", "ReplicateKey", None,
              KMS, "replicate-key", "--key-id", key_id, "--replica-region", WEST)
    assert cli.ok(lockbox, KMS, "update-primary-region", "--key-id", key_id, "--primary-region", WEST) == {}
    described = cli.ok(lockbox, KMS, "describe-key", "--key-id", key_id, region=WEST)["KeyMetadata"]
    assert described["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"
    cli.fails(lockbox, "UnsupportedOperationException", "UpdatePrimaryRegion", None,
              KMS, "update-primary-region", "--key-id", key_id, "--primary-region", WEST)
