"""boto3 against lockbox KMS: cryptographic operations, rotation, grants and Secrets Manager on a
customer key. Messages known from real AWS or its documentation are asserted exactly; where
AWS's text is not known (only other emulators' wording or Lockbox's own), only the error code
is pinned. InvalidCiphertextException carries no message at all on the wire."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import assert_client_error, payload, uniq

DAY = 86400.0
CTX = {"purpose": "compat", "Tenant": "a"}
PRINCIPAL = f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:role/compat-app"
INVALID_MARKER = ("The request was rejected because the marker that specifies where pagination "
                  "should next begin is not valid.")


def fails(code, message, fn, **kw):
    with pytest.raises(ClientError) as ei:
        fn(**kw)
    return assert_client_error(ei, code, message)


def new_key(kms, **kw) -> dict:
    return kms.create_key(**kw)["KeyMetadata"]


def bad_ciphertext(fn, **kw):
    fails("InvalidCiphertextException", "", fn, **kw)


# ---------------------------------------------------------------- Encrypt / Decrypt
def test_encrypt_decrypt_round_trip_without_context(kms):
    meta = new_key(kms)
    out = kms.encrypt(KeyId=meta["KeyId"], Plaintext=h.BINARY_VALUE)
    assert set(payload(out)) == {"CiphertextBlob", "KeyId", "EncryptionAlgorithm"}, out
    assert (out["KeyId"], out["EncryptionAlgorithm"]) == (meta["Arn"], "SYMMETRIC_DEFAULT")
    assert 1 <= len(out["CiphertextBlob"]) <= 6144 and h.BINARY_VALUE not in out["CiphertextBlob"]
    dec = kms.decrypt(CiphertextBlob=out["CiphertextBlob"])
    assert set(payload(dec)) == {"KeyId", "Plaintext", "EncryptionAlgorithm", "KeyMaterialId"}, dec
    assert dec["Plaintext"] == h.BINARY_VALUE
    assert (dec["KeyId"], dec["EncryptionAlgorithm"]) == (meta["Arn"], "SYMMETRIC_DEFAULT")
    assert dec["KeyMaterialId"] == meta["CurrentKeyMaterialId"]
    assert kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"x")["CiphertextBlob"] != kms.encrypt(
        KeyId=meta["KeyId"], Plaintext=b"x")["CiphertextBlob"]


def test_encrypt_with_every_identifier_and_decrypt_with_key_id(kms):
    meta = new_key(kms)
    alias = f"alias/{uniq('b3-enc')}"
    kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    for ident in (meta["KeyId"], meta["Arn"], alias, h.kms_alias_arn(alias)):
        blob = kms.encrypt(KeyId=ident, Plaintext=ident.encode())["CiphertextBlob"]
        for dec_id in (ident, meta["Arn"]):
            assert kms.decrypt(CiphertextBlob=blob, KeyId=dec_id)["Plaintext"] == ident.encode()


def test_encryption_context_must_match_exactly(kms):
    kid = new_key(kms)["KeyId"]
    blob = kms.encrypt(KeyId=kid, Plaintext=b"ctx", EncryptionContext=CTX)["CiphertextBlob"]
    reordered = dict(reversed(list(CTX.items())))
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=reordered)["Plaintext"] == b"ctx"
    for wrong in ({}, {"purpose": "compat"}, {**CTX, "extra": "1"}, {**CTX, "Tenant": "b"},
                  {"Purpose": "compat", "Tenant": "a"}):
        bad_ciphertext(kms.decrypt, CiphertextBlob=blob, EncryptionContext=wrong)
    bad_ciphertext(kms.decrypt, CiphertextBlob=blob)
    plain = kms.encrypt(KeyId=kid, Plaintext=b"none")["CiphertextBlob"]
    bad_ciphertext(kms.decrypt, CiphertextBlob=plain, EncryptionContext={"a": "b"})
    assert kms.decrypt(CiphertextBlob=plain, EncryptionContext={})["Plaintext"] == b"none"


def test_tampered_and_garbage_ciphertext(kms, lockbox):
    blob = kms.encrypt(KeyId=new_key(kms)["KeyId"], Plaintext=b"tamper me" * 4)["CiphertextBlob"]
    # the sealed payload and tag sit at the end of any AEAD blob; byte 0 is a format/version byte
    for i in (len(blob) - 1, len(blob) - 20, 0):
        tampered = bytearray(blob)
        tampered[i] ^= 0x01
        bad_ciphertext(kms.decrypt, CiphertextBlob=bytes(tampered))
    bad_ciphertext(kms.decrypt, CiphertextBlob=blob[:-1])
    bad_ciphertext(kms.decrypt, CiphertextBlob=b"definitely not a ciphertext blob")
    raw = h.raw_kms_call(lockbox, "Decrypt", {"CiphertextBlob": h.b64(b"\x00" * 40)})
    assert raw.status == 400 and raw.json == {"__type": "InvalidCiphertextException"}, raw.body


def test_incorrect_key(kms):
    k1, k2 = new_key(kms), new_key(kms)
    blob = kms.encrypt(KeyId=k1["KeyId"], Plaintext=b"k1")["CiphertextBlob"]
    fails("IncorrectKeyException", h.MSG_KMS_INCORRECT_KEY, kms.decrypt, CiphertextBlob=blob, KeyId=k2["KeyId"])
    fails("IncorrectKeyException", h.MSG_KMS_INCORRECT_KEY, kms.decrypt, CiphertextBlob=blob, KeyId=k2["Arn"])


def test_encrypt_limits_dry_run_and_unknown_key(kms):
    kid = new_key(kms)["KeyId"]
    fails("ValidationException", h.coral_length_max("plaintext", None, 4096), kms.encrypt, KeyId=kid, Plaintext=b"x" * 4097)
    assert kms.encrypt(KeyId=kid, Plaintext=b"x" * 4096)["CiphertextBlob"]
    fails("DryRunOperationException", h.MSG_KMS_DRY_RUN, kms.encrypt, KeyId=kid, Plaintext=b"x", DryRun=True)
    fails("NotFoundException", h.msg_kms_key_missing(h.kms_key_arn("1234abcd-12ab-34cd-56ef-1234567890ab")),
          kms.encrypt, KeyId="1234abcd-12ab-34cd-56ef-1234567890ab", Plaintext=b"x")


# ---------------------------------------------------------------- data keys / random
@pytest.mark.parametrize("kw,size", [({"KeySpec": "AES_256"}, 32), ({"KeySpec": "AES_128"}, 16), ({"NumberOfBytes": 64}, 64)])
def test_generate_data_key(kms, kw, size):
    meta = new_key(kms)
    out = kms.generate_data_key(KeyId=meta["KeyId"], EncryptionContext=CTX, **kw)
    assert set(payload(out)) == {"CiphertextBlob", "Plaintext", "KeyId", "KeyMaterialId"}, out
    assert len(out["Plaintext"]) == size
    assert (out["KeyId"], out["KeyMaterialId"]) == (meta["Arn"], meta["CurrentKeyMaterialId"])
    dec = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext=CTX)
    assert dec["Plaintext"] == out["Plaintext"] and dec["KeyId"] == meta["Arn"]
    bad_ciphertext(kms.decrypt, CiphertextBlob=out["CiphertextBlob"])


def test_generate_data_key_without_plaintext(kms):
    meta = new_key(kms)
    alias = f"alias/{uniq('b3-gdk')}"
    kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    out = kms.generate_data_key_without_plaintext(KeyId=alias, KeySpec="AES_256")
    assert set(payload(out)) == {"CiphertextBlob", "KeyId", "KeyMaterialId"}, out
    assert out["KeyId"] == meta["Arn"]
    assert len(kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"]) == 32


def test_generate_data_key_argument_errors(kms):
    kid = new_key(kms)["KeyId"]
    # "Please specify either number of bytes or key spec." is moto's wording: code only
    fails("ValidationException", None, kms.generate_data_key, KeyId=kid)
    fails("ValidationException", None, kms.generate_data_key, KeyId=kid, KeySpec="AES_256", NumberOfBytes=32)
    fails("ValidationException", h.coral_range_max("numberOfBytes", 1025, 1024), kms.generate_data_key,
          KeyId=kid, NumberOfBytes=1025)


def test_generate_random(kms, kms_unchecked):
    out = kms.generate_random(NumberOfBytes=32)
    assert set(payload(out)) == {"Plaintext"} and len(out["Plaintext"]) == 32, out
    assert kms.generate_random(NumberOfBytes=32)["Plaintext"] != out["Plaintext"]
    assert len(kms.generate_random(NumberOfBytes=1)["Plaintext"]) == 1
    assert len(kms.generate_random(NumberOfBytes=1024)["Plaintext"]) == 1024
    fails("ValidationException", h.MSG_KMS_NUMBER_OF_BYTES_REQUIRED, kms.generate_random)
    fails("ValidationException", h.coral_range_min("numberOfBytes", 0, 1), kms_unchecked.generate_random, NumberOfBytes=0)
    fails("ValidationException", h.coral_range_max("numberOfBytes", 1025, 1024), kms.generate_random, NumberOfBytes=1025)


# ---------------------------------------------------------------- ReEncrypt
def test_re_encrypt(kms):
    src, dst = new_key(kms), new_key(kms)
    blob = kms.encrypt(KeyId=src["KeyId"], Plaintext=b"move me", EncryptionContext=CTX)["CiphertextBlob"]
    out = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=CTX, DestinationKeyId=dst["KeyId"],
                         DestinationEncryptionContext={"new": "ctx"})
    assert set(payload(out)) == {"CiphertextBlob", "SourceKeyId", "KeyId", "SourceEncryptionAlgorithm",
                                 "DestinationEncryptionAlgorithm", "SourceKeyMaterialId", "DestinationKeyMaterialId"}, out
    assert (out["SourceKeyId"], out["KeyId"]) == (src["Arn"], dst["Arn"])
    assert out["SourceEncryptionAlgorithm"] == out["DestinationEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert (out["SourceKeyMaterialId"], out["DestinationKeyMaterialId"]) == (
        src["CurrentKeyMaterialId"], dst["CurrentKeyMaterialId"])
    dec = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"new": "ctx"})
    assert (dec["Plaintext"], dec["KeyId"]) == (b"move me", dst["Arn"])
    bad_ciphertext(kms.decrypt, CiphertextBlob=out["CiphertextBlob"], EncryptionContext=CTX)
    bad_ciphertext(kms.re_encrypt, CiphertextBlob=blob, DestinationKeyId=dst["KeyId"])
    fails("IncorrectKeyException", h.MSG_KMS_INCORRECT_KEY, kms.re_encrypt, CiphertextBlob=blob,
          SourceEncryptionContext=CTX, SourceKeyId=dst["KeyId"], DestinationKeyId=dst["KeyId"])
    same = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=CTX, SourceKeyId=src["Arn"],
                          DestinationKeyId=src["KeyId"])
    assert kms.decrypt(CiphertextBlob=same["CiphertextBlob"])["Plaintext"] == b"move me"


# ---------------------------------------------------------------- key states for crypto
def test_disabled_key_refuses_cryptographic_operations(kms):
    meta, other = new_key(kms), new_key(kms)
    kid, arn = meta["KeyId"], meta["Arn"]
    blob = kms.encrypt(KeyId=kid, Plaintext=b"before")["CiphertextBlob"]
    kms.disable_key(KeyId=kid)
    disabled = h.msg_kms_disabled(arn)
    fails("DisabledException", disabled, kms.encrypt, KeyId=kid, Plaintext=b"x")
    fails("DisabledException", disabled, kms.decrypt, CiphertextBlob=blob)
    fails("DisabledException", disabled, kms.generate_data_key, KeyId=kid, KeySpec="AES_256")
    fails("DisabledException", disabled, kms.generate_data_key_without_plaintext, KeyId=arn, KeySpec="AES_256")
    fails("DisabledException", disabled, kms.re_encrypt, CiphertextBlob=blob, DestinationKeyId=other["KeyId"])
    fails("DisabledException", disabled, kms.create_grant, KeyId=kid, GranteePrincipal=PRINCIPAL, Operations=["Decrypt"])
    fails("DisabledException", disabled, kms.enable_key_rotation, KeyId=kid)
    fails("DisabledException", disabled, kms.rotate_key_on_demand, KeyId=kid)  # recorded against real AWS
    kms.enable_key(KeyId=kid)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"before"


# ---------------------------------------------------------------- rotation
def test_automatic_rotation_status(kms, kms_unchecked, lockbox):
    meta = new_key(kms)
    kid = meta["KeyId"]
    status = kms.get_key_rotation_status(KeyId=kid)
    assert set(payload(status)) == {"KeyId", "KeyRotationEnabled"} and status["KeyRotationEnabled"] is False, status
    assert status["KeyId"] in (kid, meta["Arn"]), status  # id or ARN: which one AWS returns is not known
    assert payload(kms.enable_key_rotation(KeyId=kid)) == {}
    status = kms.get_key_rotation_status(KeyId=meta["Arn"])
    assert set(payload(status)) == {"KeyId", "KeyRotationEnabled", "RotationPeriodInDays", "NextRotationDate"}, status
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 365)
    assert h.near_epoch(status["NextRotationDate"], h.server_epoch(lockbox) + 365 * DAY, DAY + 120), status
    kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=180)
    assert kms.get_key_rotation_status(KeyId=kid)["RotationPeriodInDays"] == 180
    fails("ValidationException", h.coral_range_min("rotationPeriodInDays", 89, 90), kms_unchecked.enable_key_rotation,
          KeyId=kid, RotationPeriodInDays=89)
    fails("ValidationException", h.coral_range_max("rotationPeriodInDays", 2561, 2560), kms.enable_key_rotation,
          KeyId=kid, RotationPeriodInDays=2561)
    assert payload(kms.disable_key_rotation(KeyId=kid)) == {}
    assert kms.get_key_rotation_status(KeyId=kid)["KeyRotationEnabled"] is False


def test_managed_key_reports_rotation_enabled(kms):
    kid = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]["KeyId"]
    assert kms.get_key_rotation_status(KeyId=kid)["KeyRotationEnabled"] is True


def test_rotate_on_demand_keeps_old_ciphertexts(kms, lockbox):
    meta = new_key(kms)
    kid, arn, m1 = meta["KeyId"], meta["Arn"], meta["CurrentKeyMaterialId"]
    old = kms.encrypt(KeyId=kid, Plaintext=b"old", EncryptionContext=CTX)["CiphertextBlob"]
    out = kms.rotate_key_on_demand(KeyId=kid)
    assert payload(out) == {"KeyId": arn}, out
    m2 = kms.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert h.KMS_MATERIAL_ID_RE.match(m2) and m2 != m1
    new = kms.encrypt(KeyId=kid, Plaintext=b"new")["CiphertextBlob"]
    dec_old = kms.decrypt(CiphertextBlob=old, EncryptionContext=CTX)
    assert (dec_old["Plaintext"], dec_old["KeyMaterialId"]) == (b"old", m1)
    dec_new = kms.decrypt(CiphertextBlob=new)
    assert (dec_new["Plaintext"], dec_new["KeyMaterialId"]) == (b"new", m2)
    # recorded against real AWS: after an on-demand rotation with automatic rotation off, only
    # these two members
    status = kms.get_key_rotation_status(KeyId=kid)
    assert set(payload(status)) == {"KeyId", "KeyRotationEnabled"} and status["KeyRotationEnabled"] is False, status
    rotations = kms.list_key_rotations(KeyId=kid)
    assert rotations["Truncated"] is False and "NextMarker" not in rotations, rotations
    (entry,) = rotations["Rotations"]
    assert entry["RotationType"] == "ON_DEMAND" and entry["KeyId"] in (kid, arn), entry
    assert h.near_epoch(entry["RotationDate"], h.server_epoch(lockbox)), entry
    h.assert_no_nulls(h.raw_kms_call(lockbox, "ListKeyRotations", {"KeyId": kid}).json)


def test_on_demand_rotation_limit(kms):
    """25 on-demand rotations per key (AWS documentation); the 26th fails with the text recorded
    against real AWS."""
    meta = new_key(kms)
    for _ in range(25):
        kms.rotate_key_on_demand(KeyId=meta["KeyId"])
    fails("LimitExceededException", h.msg_kms_rotation_limit(meta["Arn"]), kms.rotate_key_on_demand, KeyId=meta["KeyId"])


# ---------------------------------------------------------------- grants
def grant_ids(kms, key_id):
    out = kms.list_grants(KeyId=key_id)
    assert out["Truncated"] is False and "NextMarker" not in out, out
    return sorted(g["GrantId"] for g in out["Grants"])


def test_create_and_list_grants(kms, lockbox):
    meta = new_key(kms)
    kid, arn = meta["KeyId"], meta["Arn"]
    name = uniq("grant")
    out = kms.create_grant(KeyId=kid, GranteePrincipal=PRINCIPAL, Operations=["Encrypt", "Decrypt"],
                           RetiringPrincipal=PRINCIPAL, Name=name)
    assert set(payload(out)) == {"GrantToken", "GrantId"}, out
    assert h.KMS_GRANT_ID_RE.match(out["GrantId"]) and out["GrantToken"], out
    again = kms.create_grant(KeyId=kid, GranteePrincipal=PRINCIPAL, Operations=["Encrypt", "Decrypt"],
                             RetiringPrincipal=PRINCIPAL, Name=name)
    assert again["GrantId"] == out["GrantId"] and again["GrantToken"] != out["GrantToken"], (out, again)
    constrained = kms.create_grant(KeyId=arn, GranteePrincipal=PRINCIPAL, Operations=["Decrypt"],
                                   Constraints={"EncryptionContextSubset": {"Tenant": "a"}})["GrantId"]
    listed = kms.list_grants(KeyId=kid)
    assert listed["Truncated"] is False
    by_id = {g["GrantId"]: g for g in listed["Grants"]}
    assert sorted(by_id) == sorted([out["GrantId"], constrained]), listed
    g = by_id[out["GrantId"]]
    assert set(g) == {"KeyId", "GrantId", "Name", "CreationDate", "GranteePrincipal", "RetiringPrincipal",
                      "IssuingAccount", "Operations"}, g
    assert (g["KeyId"], g["Name"], g["GranteePrincipal"], g["RetiringPrincipal"], g["IssuingAccount"]) == (
        arn, name, PRINCIPAL, PRINCIPAL, f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:root")
    assert sorted(g["Operations"]) == ["Decrypt", "Encrypt"]
    assert h.near_epoch(g["CreationDate"], h.server_epoch(lockbox))
    c = by_id[constrained]
    assert c["Constraints"] == {"EncryptionContextSubset": {"Tenant": "a"}} and "Name" not in c and "RetiringPrincipal" not in c, c
    only = kms.list_grants(KeyId=kid, GrantId=constrained)["Grants"]
    assert [x["GrantId"] for x in only] == [constrained]
    fails("InvalidGrantIdException", None, kms.list_grants, KeyId=kid, GrantId="0" * 64)


def test_retire_and_revoke_grants(kms):
    meta = new_key(kms)
    kid, arn = meta["KeyId"], meta["Arn"]
    g1, g2, g3 = (kms.create_grant(KeyId=kid, GranteePrincipal=PRINCIPAL, Operations=["Decrypt"],
                                   RetiringPrincipal=PRINCIPAL) for _ in range(3))
    assert payload(kms.retire_grant(GrantToken=g1["GrantToken"])) == {}
    assert grant_ids(kms, kid) == sorted([g2["GrantId"], g3["GrantId"]])
    kms.disable_key(KeyId=kid)  # retire/revoke work in every key state
    assert payload(kms.retire_grant(KeyId=arn, GrantId=g2["GrantId"])) == {}
    assert payload(kms.revoke_grant(KeyId=kid, GrantId=g3["GrantId"])) == {}
    assert grant_ids(kms, kid) == []


def test_list_retirable_grants(kms):
    retirer = f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:role/{uniq('retirer')}"
    expected = []
    for _ in range(2):
        meta = new_key(kms)
        g = kms.create_grant(KeyId=meta["KeyId"], GranteePrincipal=PRINCIPAL, Operations=["Decrypt"],
                             RetiringPrincipal=retirer)
        expected.append((meta["Arn"], g["GrantId"]))
        kms.create_grant(KeyId=meta["KeyId"], GranteePrincipal=PRINCIPAL, Operations=["Decrypt"])
    out = kms.list_retirable_grants(RetiringPrincipal=retirer)
    assert out["Truncated"] is False and "NextMarker" not in out, out
    assert sorted((g["KeyId"], g["GrantId"]) for g in out["Grants"]) == sorted(expected)
    assert all(g["RetiringPrincipal"] == retirer for g in out["Grants"])
    first = kms.list_retirable_grants(RetiringPrincipal=retirer, Limit=1)
    assert first["Truncated"] is True and len(first["Grants"]) == 1, first
    rest = kms.list_retirable_grants(RetiringPrincipal=retirer, Limit=1, Marker=first["NextMarker"])
    assert rest["Truncated"] is False and rest["Grants"][0]["GrantId"] != first["Grants"][0]["GrantId"]
    fails("InvalidMarkerException", INVALID_MARKER, kms.list_retirable_grants,
          RetiringPrincipal=retirer, Marker="bogus")


# ---------------------------------------------------------------- Secrets Manager on a customer key
def test_secret_on_a_customer_key_follows_the_key_state(kms, sm):
    meta = new_key(kms)
    name = uniq("b3-kms-secret")
    sm.create_secret(Name=name, SecretString="under a CMK", KmsKeyId=meta["KeyId"])
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "under a CMK"
    kms.disable_key(KeyId=meta["KeyId"])
    # DecryptionFailure / EncryptionFailure are the natural mapping, unverified against AWS: code only
    fails("DecryptionFailure", None, sm.get_secret_value, SecretId=name)
    fails("EncryptionFailure", None, sm.put_secret_value, SecretId=name, SecretString="while disabled")
    kms.enable_key(KeyId=meta["KeyId"])
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "under a CMK"
    sm.put_secret_value(SecretId=name, SecretString="v2")
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v2"
