"""KMS key pairs and HMAC keys interoperate offline: for every signing key spec and algorithm,
a signature Lockbox makes verifies with pyca/cryptography using the public key GetPublicKey
returns, and a signature made offline with seeded key material verifies in Lockbox; data
encrypted offline with an RSA public key decrypts in Lockbox and back; HMACs of a seeded key
equal the ones computed offline. A few cases go through the aws CLI (`aws kms
sign`, `get-public-key`, `generate-mac`) with the blobs it prints.

ED25519_PH_SHA_512 (Ed25519ph) has no offline check here: pyca/cryptography does not offer
the pre-hashed variant; its signatures are checked by Lockbox's Verify only."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid

import pytest
from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, padding, rsa, utils

import lockbox_harness as h
from lockbox_harness import assert_client_error

MESSAGE = b'{"iss":"lockbox","sub":"interop","iat":1700000000}'
HASHES = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}
RSA_ALGORITHMS = [
    f"RSASSA_{scheme}_SHA_{bits}" for scheme in ("PKCS1_V1_5", "PSS") for bits in (256, 384, 512)
]
SIGNING = [
    ("RSA_2048", RSA_ALGORITHMS),
    ("RSA_3072", ["RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384"]),
    ("RSA_4096", ["RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256"]),
    ("ECC_NIST_P256", ["ECDSA_SHA_256"]),
    ("ECC_NIST_P384", ["ECDSA_SHA_384"]),
    ("ECC_NIST_P521", ["ECDSA_SHA_512"]),
    ("ECC_SECG_P256K1", ["ECDSA_SHA_256"]),
    ("ECC_NIST_EDWARDS25519", ["ED25519_SHA_512"]),
    ("ML_DSA_44", ["ML_DSA_SHAKE_256"]),
    ("ML_DSA_65", ["ML_DSA_SHAKE_256"]),
    ("ML_DSA_87", ["ML_DSA_SHAKE_256"]),
]
CURVES = {
    "ECC_NIST_P256": ec.SECP256R1,
    "ECC_NIST_P384": ec.SECP384R1,
    "ECC_NIST_P521": ec.SECP521R1,
    "ECC_SECG_P256K1": ec.SECP256K1,
}


def hash_of(algorithm: str):
    return HASHES[algorithm.rsplit("_", 1)[1]]


def digest(algorithm: str, message: bytes) -> bytes:
    h_ = hashes.Hash(hash_of(algorithm))
    h_.update(message)
    return h_.finalize()


def verify_offline(public_der: bytes, algorithm: str, message: bytes, signature: bytes,
                   prehashed: bool = False) -> None:
    """Raises InvalidSignature unless `signature` verifies with the public key."""
    public = serialization.load_der_public_key(public_der)
    if algorithm.startswith("RSASSA") or algorithm.startswith("ECDSA"):
        chosen = hash_of(algorithm)
        hash_arg = utils.Prehashed(chosen) if prehashed else chosen
        if algorithm.startswith("RSASSA_PSS"):
            pad = padding.PSS(mgf=padding.MGF1(chosen), salt_length=chosen.digest_size)
            public.verify(signature, message, pad, hash_arg)
        elif algorithm.startswith("RSASSA_PKCS1"):
            public.verify(signature, message, padding.PKCS1v15(), hash_arg)
        else:
            public.verify(signature, message, ec.ECDSA(hash_arg))
    else:
        public.verify(signature, message)


def new_key(kms, spec: str, usage: str) -> str:
    return kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["Arn"]


@pytest.mark.parametrize("spec,algorithms", SIGNING, ids=[s for s, _ in SIGNING])
def test_lockbox_signatures_verify_offline_with_the_public_key(kms, spec, algorithms):
    arn = new_key(kms, spec, "SIGN_VERIFY")
    public = kms.get_public_key(KeyId=arn)
    assert public["KeyId"] == arn and public["KeySpec"] == spec
    public_der = public["PublicKey"]
    # The key really is of its spec.
    loaded = serialization.load_der_public_key(public_der)
    if spec in CURVES:
        assert isinstance(loaded.curve, CURVES[spec])
    elif spec.startswith("RSA"):
        assert loaded.key_size == int(spec.split("_")[1])
    for algorithm in algorithms:
        signed = kms.sign(KeyId=arn, Message=MESSAGE, MessageType="RAW", SigningAlgorithm=algorithm)
        assert signed["SigningAlgorithm"] == algorithm
        signature = signed["Signature"]
        verify_offline(public_der, algorithm, MESSAGE, signature)
        with pytest.raises(InvalidSignature):
            verify_offline(public_der, algorithm, MESSAGE + b" ", signature)
        if algorithm.startswith(("RSASSA", "ECDSA")):
            # A DIGEST signature is the same signature scheme over the caller's digest.
            d = digest(algorithm, MESSAGE)
            by_digest = kms.sign(KeyId=arn, Message=d, MessageType="DIGEST", SigningAlgorithm=algorithm)
            verify_offline(public_der, algorithm, d, by_digest["Signature"], prehashed=True)
            verify_offline(public_der, algorithm, MESSAGE, by_digest["Signature"])


@pytest.mark.parametrize("spec", ["ML_DSA_44", "ML_DSA_65", "ML_DSA_87"])
def test_external_mu_signatures_verify_offline_as_signatures_of_the_message(kms, spec):
    arn = new_key(kms, spec, "SIGN_VERIFY")
    public_der = kms.get_public_key(KeyId=arn)["PublicKey"]
    raw_public = serialization.load_der_public_key(public_der).public_bytes_raw()
    # FIPS 204: tr = H(pk), mu = H(tr || 0 || len(ctx)=0 || M), H = SHAKE256 with 64 bytes out.
    tr = hashlib.shake_256(raw_public).digest(64)
    mu = hashlib.shake_256(tr + b"\x00\x00" + MESSAGE).digest(64)
    signed = kms.sign(KeyId=arn, Message=mu, MessageType="EXTERNAL_MU", SigningAlgorithm="ML_DSA_SHAKE_256")
    verify_offline(public_der, "ML_DSA_SHAKE_256", MESSAGE, signed["Signature"])
    kms.verify(KeyId=arn, Message=MESSAGE, Signature=signed["Signature"], SigningAlgorithm="ML_DSA_SHAKE_256")


def test_ed25519ph_signs_digests_and_refuses_raw_messages(kms):
    arn = new_key(kms, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY")
    d = hashlib.sha512(MESSAGE).digest()
    signed = kms.sign(KeyId=arn, Message=d, MessageType="DIGEST", SigningAlgorithm="ED25519_PH_SHA_512")
    assert len(signed["Signature"]) == 64
    ok = kms.verify(KeyId=arn, Message=d, MessageType="DIGEST", Signature=signed["Signature"],
                    SigningAlgorithm="ED25519_PH_SHA_512")
    assert ok["SignatureValid"] is True
    with pytest.raises(ClientError) as ei:
        kms.sign(KeyId=arn, Message=MESSAGE, SigningAlgorithm="ED25519_PH_SHA_512")
    assert_client_error(ei, "ValidationException",
                        "Message type RAW is incompatible with signing algorithm ED25519_PH_SHA_512.")


# ---------------------------------------------------------------- seeded material
def pkcs8_pem(private) -> str:
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def seed(server: h.LockboxServer, keys: list[dict]) -> None:
    document = {"version": 1, "partitions": [
        {"account": h.DEFAULT_ACCOUNT, "region": h.REGION, "kms_keys": keys}
    ]}
    status, _, body = server.admin("POST", "/_lockbox/import", json.dumps(document).encode())
    assert status == 200, body


OFFLINE_SIGNERS = [
    ("ECC_NIST_P256", "ECDSA_SHA_256", lambda: ec.generate_private_key(ec.SECP256R1())),
    ("ECC_SECG_P256K1", "ECDSA_SHA_256", lambda: ec.generate_private_key(ec.SECP256K1())),
    ("ECC_NIST_P521", "ECDSA_SHA_512", lambda: ec.generate_private_key(ec.SECP521R1())),
    ("RSA_2048", "RSASSA_PSS_SHA_384", lambda: rsa.generate_private_key(65537, 2048)),
    ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256", lambda: rsa.generate_private_key(65537, 2048)),
    ("ECC_NIST_EDWARDS25519", "ED25519_SHA_512", ed25519.Ed25519PrivateKey.generate),
    ("ML_DSA_65", "ML_DSA_SHAKE_256", mldsa.MLDSA65PrivateKey.generate),
]


def sign_offline(private, algorithm: str, message: bytes) -> bytes:
    if algorithm.startswith("RSASSA_PSS"):
        chosen = hash_of(algorithm)
        return private.sign(message, padding.PSS(mgf=padding.MGF1(chosen), salt_length=chosen.digest_size), chosen)
    if algorithm.startswith("RSASSA_PKCS1"):
        return private.sign(message, padding.PKCS1v15(), hash_of(algorithm))
    if algorithm.startswith("ECDSA"):
        return private.sign(message, ec.ECDSA(hash_of(algorithm)))
    return private.sign(message)


@pytest.mark.parametrize("spec,algorithm,make", OFFLINE_SIGNERS, ids=[f"{s}-{a}" for s, a, _ in OFFLINE_SIGNERS])
def test_offline_signatures_of_seeded_keys_verify_in_lockbox(kms, lockbox, spec, algorithm, make):
    private = make()
    key_id = str(uuid.uuid4())
    # PEM for some, base64 DER for the others: both forms are accepted.
    material = pkcs8_pem(private)
    if spec.startswith("RSA") or spec.startswith("ML_DSA"):
        material = base64.b64encode(private.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )).decode()
    seed(lockbox, [{"key_id": key_id, "key_spec": spec, "key_usage": "SIGN_VERIFY", "key_material": material}])
    expected_der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert kms.get_public_key(KeyId=key_id)["PublicKey"] == expected_der
    # ECDSA signatures come with high and low s alike; several cover both.
    for n in range(8 if algorithm.startswith("ECDSA") else 1):
        message = MESSAGE + bytes([n])
        signature = sign_offline(private, algorithm, message)
        ok = kms.verify(KeyId=key_id, Message=message, Signature=signature, SigningAlgorithm=algorithm)
        assert ok["SignatureValid"] is True
        with pytest.raises(ClientError) as ei:
            kms.verify(KeyId=key_id, Message=message + b"!", Signature=signature, SigningAlgorithm=algorithm)
        assert_client_error(ei, "KMSInvalidSignatureException", None)
        assert "Message" not in ei.value.response["Error"] or not ei.value.response["Error"]["Message"]
    # And Lockbox's own signature verifies offline with the offline key.
    signed = kms.sign(KeyId=key_id, Message=MESSAGE, SigningAlgorithm=algorithm)
    verify_offline(expected_der, algorithm, MESSAGE, signed["Signature"])


@pytest.mark.parametrize("spec,algorithm,name,length", [
    ("HMAC_224", "HMAC_SHA_224", "sha224", 28),
    ("HMAC_256", "HMAC_SHA_256", "sha256", 32),
    ("HMAC_384", "HMAC_SHA_384", "sha384", 48),
    ("HMAC_512", "HMAC_SHA_512", "sha512", 128),
])
def test_macs_of_seeded_hmac_keys_match_offline_ones(kms, lockbox, spec, algorithm, name, length):
    material = os.urandom(length)
    key_id = str(uuid.uuid4())
    seed(lockbox, [{"key_id": key_id, "key_spec": spec, "key_usage": "GENERATE_VERIFY_MAC",
                    "key_material": base64.b64encode(material).decode()}])
    for message in (b"a", MESSAGE, bytes(range(256)) * 16):
        offline = hmac.new(material, message, name).digest()
        out = kms.generate_mac(KeyId=key_id, Message=message, MacAlgorithm=algorithm)
        assert out["Mac"] == offline and out["MacAlgorithm"] == algorithm
        assert kms.verify_mac(KeyId=key_id, Message=message, Mac=offline, MacAlgorithm=algorithm)["MacValid"]
    with pytest.raises(ClientError) as ei:
        kms.verify_mac(KeyId=key_id, Message=b"b", Mac=hmac.new(material, b"a", name).digest(),
                       MacAlgorithm=algorithm)
    assert_client_error(ei, "KMSInvalidMacException", None)


# ---------------------------------------------------------------- RSA encryption
def oaep(algorithm: str):
    chosen = hashes.SHA1() if algorithm == "RSAES_OAEP_SHA_1" else hashes.SHA256()
    return padding.OAEP(mgf=padding.MGF1(chosen), algorithm=chosen, label=None)


@pytest.mark.parametrize("spec", ["RSA_2048", "RSA_3072", "RSA_4096"])
@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
def test_data_encrypted_offline_with_the_public_key_decrypts_in_lockbox(kms, spec, algorithm):
    arn = new_key(kms, spec, "ENCRYPT_DECRYPT")
    public = kms.get_public_key(KeyId=arn)
    assert public["EncryptionAlgorithms"] == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    loaded = serialization.load_der_public_key(public["PublicKey"])
    plaintext = os.urandom(loaded.key_size // 8 - 2 * oaep(algorithm).algorithm.digest_size - 2)
    ciphertext = loaded.encrypt(plaintext, oaep(algorithm))
    out = kms.decrypt(KeyId=arn, CiphertextBlob=ciphertext, EncryptionAlgorithm=algorithm)
    assert out["Plaintext"] == plaintext and out["EncryptionAlgorithm"] == algorithm
    assert "KeyMaterialId" not in out


def test_lockbox_rsa_ciphertexts_decrypt_offline_with_the_seeded_key(kms, lockbox):
    private = rsa.generate_private_key(65537, 2048)
    key_id = str(uuid.uuid4())
    seed(lockbox, [{"key_id": key_id, "key_spec": "RSA_2048", "key_usage": "ENCRYPT_DECRYPT",
                    "key_material": pkcs8_pem(private)}])
    for algorithm in ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"):
        out = kms.encrypt(KeyId=key_id, Plaintext=b"data key bytes", EncryptionAlgorithm=algorithm)
        assert private.decrypt(out["CiphertextBlob"], oaep(algorithm)) == b"data key bytes"
    with pytest.raises(ClientError) as ei:
        kms.decrypt(KeyId=key_id, CiphertextBlob=os.urandom(256), EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert_client_error(ei, "InvalidCiphertextException", None)


# ---------------------------------------------------------------- aws CLI
def test_cli_signs_and_macs_and_prints_blobs_that_verify_offline(kms, lockbox, cli, tmp_path):
    arn = new_key(kms, "ECC_NIST_P384", "SIGN_VERIFY")
    message = tmp_path / "message.json"
    message.write_bytes(MESSAGE)
    signed = cli.ok(lockbox, "kms", "sign", "--key-id", arn, "--message", f"fileb://{message}",
                    "--message-type", "RAW", "--signing-algorithm", "ECDSA_SHA_384")
    assert signed["KeyId"] == arn and signed["SigningAlgorithm"] == "ECDSA_SHA_384"
    public = cli.ok(lockbox, "kms", "get-public-key", "--key-id", arn)
    assert public["SigningAlgorithms"] == ["ECDSA_SHA_384"] and "EncryptionAlgorithms" not in public
    verify_offline(base64.b64decode(public["PublicKey"]), "ECDSA_SHA_384", MESSAGE,
                   base64.b64decode(signed["Signature"]))
    signature = tmp_path / "signature.bin"
    signature.write_bytes(base64.b64decode(signed["Signature"]))
    verified = cli.ok(lockbox, "kms", "verify", "--key-id", arn, "--message", f"fileb://{message}",
                      "--signature", f"fileb://{signature}", "--signing-algorithm", "ECDSA_SHA_384")
    assert verified["SignatureValid"] is True
    cli.fails(lockbox, "InvalidKeyUsageException", "Sign",
              "Algorithm ECDSA_SHA_256 is incompatible with key spec ECC_NIST_P384.",
              "kms", "sign", "--key-id", arn, "--message", f"fileb://{message}",
              "--signing-algorithm", "ECDSA_SHA_256")

    material = os.urandom(32)
    key_id = str(uuid.uuid4())
    seed(lockbox, [{"key_id": key_id, "key_spec": "HMAC_256", "key_usage": "GENERATE_VERIFY_MAC",
                    "key_material": base64.b64encode(material).decode()}])
    out = cli.ok(lockbox, "kms", "generate-mac", "--key-id", key_id, "--message", f"fileb://{message}",
                 "--mac-algorithm", "HMAC_SHA_256")
    assert base64.b64decode(out["Mac"]) == hmac.new(material, MESSAGE, "sha256").digest()
    described = cli.ok(lockbox, "kms", "describe-key", "--key-id", key_id)["KeyMetadata"]
    assert described["MacAlgorithms"] == ["HMAC_SHA_256"] and "CurrentKeyMaterialId" not in described
    mac = tmp_path / "mac.bin"
    mac.write_bytes(base64.b64decode(out["Mac"]))
    checked = cli.ok(lockbox, "kms", "verify-mac", "--key-id", key_id, "--message", f"fileb://{message}",
                     "--mac-algorithm", "HMAC_SHA_256", "--mac", f"fileb://{mac}")
    assert checked["MacValid"] is True and checked["MacAlgorithm"] == "HMAC_SHA_256"
    mac.write_bytes(hmac.new(material, MESSAGE + b"!", "sha256").digest())
    cli.fails(lockbox, "KMSInvalidMacException", "VerifyMac", None,
              "kms", "verify-mac", "--key-id", key_id, "--message", f"fileb://{message}",
              "--mac-algorithm", "HMAC_SHA_256", "--mac", f"fileb://{mac}")
