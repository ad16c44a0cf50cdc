"""Imported key material (Origin EXTERNAL) with boto3 and the aws CLI v1: material wrapped
offline with pyca/cryptography (RSAES-OAEP SHA-256 directly, and RSA_AES_KEY_WRAP_SHA_256 =
OAEP of an AES key followed by `aes_key_wrap_with_padding`) imports; a symmetric ciphertext
then round-trips; an imported HMAC key MACs as Python's `hmac` does offline; an imported
key pair signs so that its own public key verifies; a multi-Region replica of imported
material takes only its primary's material. An export carries every EXTERNAL key's import
record to a fresh instance. Errors are pinned by code and message.
The expiry test moves the virtual clock, so it runs last in this module."""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import os

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding

import lockbox_harness as h
from lockbox_harness import assert_client_error

KMS = "kms"
NO_EXPIRY = "KEY_MATERIAL_DOES_NOT_EXPIRE"


def oaep(algorithm: str):
    chosen = hashes.SHA1() if algorithm.endswith("SHA_1") else hashes.SHA256()
    return padding.OAEP(mgf=padding.MGF1(algorithm=chosen), algorithm=chosen, label=None)


def wrap(public_der: bytes, algorithm: str, material: bytes) -> bytes:
    """`material` wrapped as AWS's docs wrap it with OpenSSL."""
    public = serialization.load_der_public_key(public_der)
    if algorithm.startswith("RSAES_OAEP"):
        return public.encrypt(material, oaep(algorithm))
    aes_key = os.urandom(32)
    return public.encrypt(aes_key, oaep(algorithm)) + aes_key_wrap_with_padding(aes_key, material)


def external_key(kms, **kw) -> dict:
    return kms.create_key(Origin="EXTERNAL", **kw)["KeyMetadata"]


def import_material(kms, key_id: str, material: bytes, algorithm: str = "RSAES_OAEP_SHA_256",
                    spec: str = "RSA_2048", **kw) -> dict:
    params = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec=spec)
    kw.setdefault("ExpirationModel", NO_EXPIRY)
    return kms.import_key_material(KeyId=key_id, ImportToken=params["ImportToken"],
                                   EncryptedKeyMaterial=wrap(params["PublicKey"], algorithm, material), **kw)


def test_symmetric_material_wrapped_offline_imports_and_round_trips(kms):
    meta = external_key(kms, Description="byok")
    assert (meta["Origin"], meta["KeyState"], meta["Enabled"]) == ("EXTERNAL", "PendingImport", False)
    assert "ExpirationModel" not in meta and "CurrentKeyMaterialId" not in meta
    with pytest.raises(ClientError) as e:
        kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"x")
    assert_client_error(e, "KMSInvalidStateException", f"{meta['Arn']} is pending import.")
    params = kms.get_parameters_for_import(KeyId=meta["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                           WrappingKeySpec="RSA_3072")
    assert params["KeyId"] == meta["Arn"]
    public = serialization.load_der_public_key(params["PublicKey"])
    assert public.key_size == 3072
    valid_to = params["ParametersValidTo"]
    delta = valid_to - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(hours=23, minutes=59) < delta <= datetime.timedelta(hours=24), delta
    material = os.urandom(32)
    out = kms.import_key_material(KeyId=meta["KeyId"], ImportToken=params["ImportToken"],
                                  EncryptedKeyMaterial=wrap(params["PublicKey"], "RSAES_OAEP_SHA_256", material),
                                  ExpirationModel=NO_EXPIRY)
    assert out["KeyId"] == meta["Arn"] and h.KMS_MATERIAL_ID_RE.match(out["KeyMaterialId"])
    described = kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["ExpirationModel"]) == ("Enabled", NO_EXPIRY)
    assert described["CurrentKeyMaterialId"] == out["KeyMaterialId"] and "ValidTo" not in described
    blob = kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"bring your own key")["CiphertextBlob"]
    decrypted = kms.decrypt(CiphertextBlob=blob)
    assert decrypted["Plaintext"] == b"bring your own key"
    assert decrypted["KeyMaterialId"] == out["KeyMaterialId"]
    # Deleted: unusable; the same bytes reimported (another wrapping): usable again.
    deleted = kms.delete_imported_key_material(KeyId=meta["KeyId"])
    assert deleted["KeyMaterialId"] == out["KeyMaterialId"]
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob)
    assert_client_error(e, "KMSInvalidStateException", f"{meta['Arn']} is pending import.")
    import_material(kms, meta["KeyId"], material, "RSAES_OAEP_SHA_1", "RSA_4096")
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"bring your own key"
    # Different bytes are refused.
    with pytest.raises(ClientError) as e:
        import_material(kms, meta["KeyId"], os.urandom(32))
    assert_client_error(e, "IncorrectKeyMaterialException",
                        f"The key material does not match the key material previously imported into {meta['Arn']}.")


def test_an_imported_hmac_key_macs_as_python_does(kms):
    meta = external_key(kms, KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")
    material = os.urandom(48)
    out = import_material(kms, meta["KeyId"], material, "RSAES_OAEP_SHA_256", "RSA_4096")
    assert "KeyMaterialId" not in out
    mac = kms.generate_mac(KeyId=meta["KeyId"], MacAlgorithm="HMAC_SHA_384", Message=b"session=42")["Mac"]
    assert mac == hmac.new(material, b"session=42", hashlib.sha384).digest()


def test_an_ecc_key_pair_wrapped_with_rsa_aes_key_wrap_signs_with_its_key(kms):
    private = ec.generate_private_key(ec.SECP384R1())
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    meta = external_key(kms, KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")
    import_material(kms, meta["KeyId"], der, "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048")
    public = kms.get_public_key(KeyId=meta["KeyId"])["PublicKey"]
    assert public == private.public_key().public_bytes(serialization.Encoding.DER,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    signature = kms.sign(KeyId=meta["KeyId"], Message=b"doc", SigningAlgorithm="ECDSA_SHA_384")["Signature"]
    private.public_key().verify(signature, b"doc", ec.ECDSA(hashes.SHA384()))


def test_import_errors(kms):
    plain = kms.create_key()["KeyMetadata"]
    with pytest.raises(ClientError) as e:
        kms.get_parameters_for_import(KeyId=plain["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                      WrappingKeySpec="RSA_2048")
    assert_client_error(e, "UnsupportedOperationException",
                        f"{plain['Arn']} origin is AWS_KMS which is not valid for this operation.")
    meta = external_key(kms)
    other = external_key(kms)
    theirs = kms.get_parameters_for_import(KeyId=other["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                           WrappingKeySpec="RSA_2048")
    with pytest.raises(ClientError) as e:
        kms.import_key_material(KeyId=meta["KeyId"], ImportToken=theirs["ImportToken"],
                                EncryptedKeyMaterial=wrap(theirs["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(32)),
                                ExpirationModel=NO_EXPIRY)
    assert_client_error(e, "InvalidImportTokenException",
                        "Import token is invalid or is associated with a different KMS key.")
    mine = kms.get_parameters_for_import(KeyId=meta["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                         WrappingKeySpec="RSA_2048")
    with pytest.raises(ClientError) as e:
        kms.import_key_material(KeyId=meta["KeyId"], ImportToken=mine["ImportToken"],
                                EncryptedKeyMaterial=os.urandom(256), ExpirationModel=NO_EXPIRY)
    assert_client_error(e, "InvalidCiphertextException")
    with pytest.raises(ClientError) as e:
        kms.import_key_material(KeyId=meta["KeyId"], ImportToken=mine["ImportToken"],
                                EncryptedKeyMaterial=wrap(mine["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(32)))
    assert_client_error(e, "ValidationException", "ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES.")
    with pytest.raises(ClientError) as e:
        kms.get_parameters_for_import(KeyId=meta["KeyId"], WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256",
                                      WrappingKeySpec="RSA_2048")
    assert_client_error(e, "UnsupportedOperationException",
                        "The wrapping algorithm RSA_AES_KEY_WRAP_SHA_256 with wrapping key spec RSA_2048 "
                        "is not supported for key spec SYMMETRIC_DEFAULT.")


def test_cli_get_parameters_import_and_delete(cli, lockbox, kms, tmp_path):
    meta = external_key(kms)
    params = cli.ok(lockbox, KMS, "get-parameters-for-import", "--key-id", meta["KeyId"],
                    "--wrapping-algorithm", "RSAES_OAEP_SHA_256", "--wrapping-key-spec", "RSA_2048")
    assert params["KeyId"] == meta["Arn"]
    token = tmp_path / "token.bin"
    token.write_bytes(base64.b64decode(params["ImportToken"]))
    material = os.urandom(32)
    wrapped = tmp_path / "material.bin"
    wrapped.write_bytes(wrap(base64.b64decode(params["PublicKey"]), "RSAES_OAEP_SHA_256", material))
    out = cli.ok(lockbox, KMS, "import-key-material", "--key-id", meta["KeyId"],
                 "--import-token", f"fileb://{token}", "--encrypted-key-material", f"fileb://{wrapped}",
                 "--expiration-model", NO_EXPIRY)
    assert out["KeyId"] == meta["Arn"] and h.KMS_MATERIAL_ID_RE.match(out["KeyMaterialId"])
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    cli.fails(lockbox, "IncorrectKeyMaterialException", "ImportKeyMaterial",
              f"The key material is already associated with {meta['Arn']}. Import it with ImportType EXISTING_KEY_MATERIAL.",
              KMS, "import-key-material", "--key-id", meta["KeyId"], "--import-token", f"fileb://{token}",
              "--encrypted-key-material", f"fileb://{wrapped}", "--expiration-model", NO_EXPIRY,
              "--import-type", "NEW_KEY_MATERIAL")
    deleted = cli.ok(lockbox, KMS, "delete-imported-key-material", "--key-id", meta["KeyId"])
    assert deleted == {"KeyId": meta["Arn"], "KeyMaterialId": out["KeyMaterialId"]}
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    plain = kms.create_key()["KeyMetadata"]
    cli.fails(lockbox, "UnsupportedOperationException", "DeleteImportedKeyMaterial",
              f"{plain['Arn']} origin is AWS_KMS which is not valid for this operation.",
              KMS, "delete-imported-key-material", "--key-id", plain["KeyId"])


# ---------------------------------------------------------------- multi-Region keys of imported material
EAST, WEST = "us-east-1", "us-west-2"


def test_a_multi_region_replica_of_imported_material_takes_only_the_primary_material(lockbox):
    east = h.kms_client(lockbox, region=EAST)
    west = h.kms_client(lockbox, region=WEST)
    meta = external_key(east, MultiRegion=True)
    key_id = meta["KeyId"]
    assert key_id.startswith("mrk-") and meta["KeyState"] == "PendingImport"
    material = os.urandom(32)
    first = import_material(east, key_id, material)["KeyMaterialId"]
    replica = east.replicate_key(KeyId=key_id, ReplicaRegion=WEST)["ReplicaKeyMetadata"]
    assert (replica["KeyState"], replica["Origin"], replica["Enabled"]) == ("PendingImport", "EXTERNAL", False)
    assert replica["CurrentKeyMaterialId"] == first and "ExpirationModel" not in replica
    blob = east.encrypt(KeyId=key_id, Plaintext=b"across")["CiphertextBlob"]
    with pytest.raises(ClientError) as e:
        west.decrypt(CiphertextBlob=blob)
    assert_client_error(e, "KMSInvalidStateException", f"{replica['Arn']} is pending import.")
    with pytest.raises(ClientError) as e:
        import_material(west, key_id, os.urandom(32))
    assert_client_error(e, "IncorrectKeyMaterialException",
                        f"The key material does not match the key material previously imported into {replica['Arn']}.")
    assert import_material(west, key_id, material)["KeyMaterialId"] == first
    assert west.decrypt(CiphertextBlob=blob)["Plaintext"] == b"across"
    # New material waits for the replica before the primary can rotate to it.
    newer = os.urandom(32)
    pending = import_material(east, key_id, newer, ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
    states = {r["KeyMaterialId"]: r["KeyMaterialState"] for r in
              east.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]}
    assert states == {first: "CURRENT", pending: "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"}
    with pytest.raises(ClientError) as e:
        east.rotate_key_on_demand(KeyId=key_id)
    assert_client_error(e, "KMSInvalidStateException")
    import_material(west, key_id, newer, ImportType="EXISTING_KEY_MATERIAL")
    east.rotate_key_on_demand(KeyId=key_id)
    assert west.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"] == pending
    made = west.encrypt(KeyId=key_id, Plaintext=b"rotated")["CiphertextBlob"]
    assert east.decrypt(CiphertextBlob=made)["Plaintext"] == b"rotated"
    # Deleting a replica's material leaves the primary alone.
    west.delete_imported_key_material(KeyId=key_id)
    assert west.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
    assert east.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"


def test_cli_imports_the_primary_material_into_a_replica(cli, lockbox, tmp_path):
    east = h.kms_client(lockbox, region=EAST)
    meta = external_key(east, MultiRegion=True)
    material = os.urandom(32)
    first = import_material(east, meta["KeyId"], material)["KeyMaterialId"]
    east.replicate_key(KeyId=meta["KeyId"], ReplicaRegion=WEST)
    replica_arn = h.kms_key_arn(meta["KeyId"], region=WEST)
    params = cli.ok(lockbox, KMS, "get-parameters-for-import", "--key-id", meta["KeyId"],
                    "--wrapping-algorithm", "RSAES_OAEP_SHA_256", "--wrapping-key-spec", "RSA_2048",
                    region=WEST)
    token = tmp_path / "token.bin"
    token.write_bytes(base64.b64decode(params["ImportToken"]))
    wrong = tmp_path / "wrong.bin"
    wrong.write_bytes(wrap(base64.b64decode(params["PublicKey"]), "RSAES_OAEP_SHA_256", os.urandom(32)))
    cli.fails(lockbox, "IncorrectKeyMaterialException", "ImportKeyMaterial",
              f"The key material does not match the key material previously imported into {replica_arn}.",
              KMS, "import-key-material", "--key-id", meta["KeyId"], "--import-token", f"fileb://{token}",
              "--encrypted-key-material", f"fileb://{wrong}", "--expiration-model", NO_EXPIRY, region=WEST)
    right = tmp_path / "right.bin"
    right.write_bytes(wrap(base64.b64decode(params["PublicKey"]), "RSAES_OAEP_SHA_256", material))
    out = cli.ok(lockbox, KMS, "import-key-material", "--key-id", meta["KeyId"], "--import-token",
                 f"fileb://{token}", "--encrypted-key-material", f"fileb://{right}",
                 "--expiration-model", NO_EXPIRY, region=WEST)
    assert out == {"KeyId": replica_arn, "KeyMaterialId": first}
    described = cli.ok(lockbox, KMS, "describe-key", "--key-id", meta["KeyId"], region=WEST)["KeyMetadata"]
    assert described["KeyState"] == "Enabled"
    assert described["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"


# ---------------------------------------------------------------- moves the clock: last
def _observed(kms, key_id: str) -> tuple[dict, list]:
    """DescribeKey (creation date aside: exports carry no key timestamps) and every entry of
    ListKeyRotations."""
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    meta.pop("CreationDate")
    rotations = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    return meta, rotations


def test_an_export_reproduces_external_keys_and_reapplies_unchanged(kms, lockbox, server_factory):
    now = datetime.datetime.fromisoformat(h.clock_now(lockbox)["now"].replace("Z", "+00:00"))
    rotated = external_key(kms)["KeyId"]
    import_material(kms, rotated, os.urandom(32), ImportType="NEW_KEY_MATERIAL",
                    ExpirationModel="KEY_MATERIAL_EXPIRES", ValidTo=now + datetime.timedelta(days=30),
                    KeyMaterialDescription="first")
    import_material(kms, rotated, os.urandom(32), ImportType="NEW_KEY_MATERIAL", KeyMaterialDescription="second")
    kms.rotate_key_on_demand(KeyId=rotated)
    import_material(kms, rotated, os.urandom(32), ImportType="NEW_KEY_MATERIAL", KeyMaterialDescription="pending")
    blob = kms.encrypt(KeyId=rotated, Plaintext=b"exported")["CiphertextBlob"]
    missing = external_key(kms)["KeyId"]
    gone = import_material(kms, missing, os.urandom(32))["KeyMaterialId"]
    kms.delete_imported_key_material(KeyId=missing, KeyMaterialId=gone)
    before = {key: _observed(kms, key) for key in (rotated, missing)}
    states = [r["KeyMaterialState"] for r in before[rotated][1]]
    assert states == ["NON_CURRENT", "CURRENT", "PENDING_ROTATION"]
    assert before[missing][0]["KeyState"] == "PendingImport"
    assert before[missing][1][0]["ImportState"] == "PENDING_IMPORT"

    status, _, exported = lockbox.admin("GET", "/_lockbox/export")
    assert status == 200
    fresh = server_factory(label="fresh")
    status, _, answer = fresh.admin("POST", "/_lockbox/import", exported)
    assert status == 200, answer
    copy = h.kms_client(fresh)
    for key, seen in before.items():
        assert _observed(copy, key) == seen
    assert copy.decrypt(CiphertextBlob=blob)["Plaintext"] == b"exported"

    status, _, answer = lockbox.admin("POST", "/_lockbox/import", exported)
    assert status == 200, answer
    assert json.loads(answer)["keys_created"] == 0
    for key, seen in before.items():
        assert _observed(kms, key) == seen


def test_tokens_and_material_expire_on_the_virtual_clock(kms, lockbox):
    meta = external_key(kms)
    stale = kms.get_parameters_for_import(KeyId=meta["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                          WrappingKeySpec="RSA_2048")
    material = os.urandom(32)
    now = datetime.datetime.fromisoformat(h.clock_now(lockbox)["now"].replace("Z", "+00:00"))
    import_material(kms, meta["KeyId"], material, ExpirationModel="KEY_MATERIAL_EXPIRES",
                    ValidTo=now + datetime.timedelta(hours=12))
    described = kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]
    assert described["ExpirationModel"] == "KEY_MATERIAL_EXPIRES" and "ValidTo" in described
    h.clock_advance(lockbox, "25h")
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    with pytest.raises(ClientError) as e:
        kms.import_key_material(KeyId=meta["KeyId"], ImportToken=stale["ImportToken"],
                                EncryptedKeyMaterial=wrap(stale["PublicKey"], "RSAES_OAEP_SHA_256", material),
                                ExpirationModel=NO_EXPIRY)
    assert_client_error(e, "ExpiredImportTokenException",
                        "Import token has expired. Call GetParametersForImport to get a new import token and public key.")
    import_material(kms, meta["KeyId"], material)
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
