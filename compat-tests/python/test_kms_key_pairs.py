"""Data key pairs, ECDH, key last usage and custom key stores through boto3 and the aws CLI,
checked offline with pyca/cryptography where there is something to check:

- a GenerateDataKeyPair private key (the plaintext one, and the one Decrypt opens from
  PrivateKeyCiphertextBlob) loads as PKCS#8, its public half is PublicKey, and a signature made
  with it verifies with PublicKey;
- the shared secret DeriveSharedSecret returns equals the one cryptography derives from the
  peer's private key and Lockbox's GetPublicKey;
- GetKeyLastUsage names the last successful call by its request id;
- the custom key store operations answer as for an account that has none;
- an unknown operation is named in UnknownOperationException's message."""
from __future__ import annotations

import base64

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

import lockbox_harness as h
from lockbox_harness import assert_client_error

DRY_RUN = "The request would have succeeded, but the DryRun option is set."
PAIR_SPECS = [
    "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
    "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519",
]
CURVES = {"ECC_NIST_P256": ec.SECP256R1, "ECC_NIST_P384": ec.SECP384R1, "ECC_NIST_P521": ec.SECP521R1}
STORE = "cks-1234567890abcdef0"


def public_der(key) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def sign_and_verify(private, public: bytes) -> None:
    """Signs with `private` and verifies with the DER SPKI `public` (raises if it does not)."""
    message = b"signed with a data key pair"
    verifier = serialization.load_der_public_key(public)
    if isinstance(private, rsa.RSAPrivateKey):
        pad = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        verifier.verify(private.sign(message, pad, hashes.SHA256()), message, pad, hashes.SHA256())
    elif isinstance(private, ec.EllipticCurvePrivateKey):
        verifier.verify(private.sign(message, ec.ECDSA(hashes.SHA256())), message, ec.ECDSA(hashes.SHA256()))
    else:
        assert isinstance(private, ed25519.Ed25519PrivateKey)
        verifier.verify(private.sign(message), message)


def symmetric_key(kms) -> str:
    return kms.create_key()["KeyMetadata"]["Arn"]


def new_key(kms, spec: str, usage: str) -> str:
    return kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["Arn"]


# ---------------------------------------------------------------- GenerateDataKeyPair
@pytest.mark.parametrize("spec", PAIR_SPECS)
def test_data_key_pairs_load_offline_and_their_blob_decrypts_to_the_same_key(kms, spec):
    arn = symmetric_key(kms)
    context = {"purpose": "interop", "spec": spec}
    out = kms.generate_data_key_pair(KeyId=arn, KeyPairSpec=spec, EncryptionContext=context)
    assert out["KeyId"] == arn and out["KeyPairSpec"] == spec
    assert len(out["KeyMaterialId"]) == 64
    private = serialization.load_der_private_key(out["PrivateKeyPlaintext"], password=None)
    assert public_der(private) == out["PublicKey"]
    sign_and_verify(private, out["PublicKey"])
    opened = kms.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"], EncryptionContext=context)
    assert opened["Plaintext"] == out["PrivateKeyPlaintext"]
    assert opened["KeyId"] == arn
    with pytest.raises(ClientError) as ei:
        kms.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"])
    assert_client_error(ei, "InvalidCiphertextException", None)


def test_without_plaintext_the_private_key_comes_only_from_decrypt(kms):
    arn = symmetric_key(kms)
    out = kms.generate_data_key_pair_without_plaintext(KeyId=arn, KeyPairSpec="ECC_NIST_P256")
    assert "PrivateKeyPlaintext" not in out
    assert out["KeyId"] == arn and out["KeyPairSpec"] == "ECC_NIST_P256"
    opened = kms.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"])
    private = serialization.load_der_private_key(opened["Plaintext"], password=None)
    assert isinstance(private.curve, ec.SECP256R1)
    assert public_der(private) == out["PublicKey"]
    sign_and_verify(private, out["PublicKey"])


def test_data_key_pairs_refuse_other_keys_dry_runs_and_sm2(kms):
    rsa_arn = new_key(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    with pytest.raises(ClientError) as ei:
        kms.generate_data_key_pair(KeyId=rsa_arn, KeyPairSpec="RSA_2048")
    assert_client_error(ei, "InvalidKeyUsageException",
                        f"{rsa_arn} key KeySpec is RSA_2048 which is not valid for GenerateDataKeyPair.")
    hmac_arn = new_key(kms, "HMAC_256", "GENERATE_VERIFY_MAC")
    with pytest.raises(ClientError) as ei:
        kms.generate_data_key_pair_without_plaintext(KeyId=hmac_arn, KeyPairSpec="RSA_2048")
    assert_client_error(
        ei, "InvalidKeyUsageException",
        f"{hmac_arn} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKeyPairWithoutPlaintext.")
    arn = symmetric_key(kms)
    with pytest.raises(ClientError) as ei:
        kms.generate_data_key_pair(KeyId=arn, KeyPairSpec="ECC_NIST_P256", DryRun=True)
    assert_client_error(ei, "DryRunOperationException", DRY_RUN)
    with pytest.raises(ClientError) as ei:
        kms.generate_data_key_pair(KeyId=arn, KeyPairSpec="SM2")
    assert_client_error(ei, "UnsupportedOperationException", "KeyPairSpec SM2 is not supported in this region.")
    kms.disable_key(KeyId=arn)
    with pytest.raises(ClientError) as ei:
        kms.generate_data_key_pair(KeyId=arn, KeyPairSpec="ECC_NIST_P256")
    assert_client_error(ei, "DisabledException", f"{arn} is disabled.")


# ---------------------------------------------------------------- DeriveSharedSecret
@pytest.mark.parametrize("spec", sorted(CURVES))
def test_lockbox_shared_secret_equals_the_one_derived_offline(kms, spec):
    arn = new_key(kms, spec, "KEY_AGREEMENT")
    peer = ec.generate_private_key(CURVES[spec]())
    out = kms.derive_shared_secret(KeyId=arn, KeyAgreementAlgorithm="ECDH", PublicKey=public_der(peer))
    assert out["KeyId"] == arn and out["KeyAgreementAlgorithm"] == "ECDH" and out["KeyOrigin"] == "AWS_KMS"
    lockbox_public = serialization.load_der_public_key(kms.get_public_key(KeyId=arn)["PublicKey"])
    assert out["SharedSecret"] == peer.exchange(ec.ECDH(), lockbox_public)
    assert len(out["SharedSecret"]) == {"ECC_NIST_P256": 32, "ECC_NIST_P384": 48, "ECC_NIST_P521": 66}[spec]


def test_derive_shared_secret_refuses_peer_keys_and_keys_that_do_not_fit(kms):
    arn = new_key(kms, "ECC_NIST_P256", "KEY_AGREEMENT")
    other_curve = public_der(ec.generate_private_key(ec.SECP384R1()))
    with pytest.raises(ClientError) as ei:
        kms.derive_shared_secret(KeyId=arn, KeyAgreementAlgorithm="ECDH", PublicKey=other_curve)
    assert_client_error(ei, "ValidationException",
                        "PublicKey must be an elliptic curve public key of key spec ECC_NIST_P256.")
    with pytest.raises(ClientError) as ei:
        kms.derive_shared_secret(KeyId=arn, KeyAgreementAlgorithm="ECDH", PublicKey=b"\x30\x03garbage")
    assert_client_error(ei, "ValidationException",
                        "PublicKey must be a DER-encoded X.509 SubjectPublicKeyInfo (RFC 5280).")
    peer = public_der(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(ClientError) as ei:
        kms.derive_shared_secret(KeyId=arn, KeyAgreementAlgorithm="ECDH", PublicKey=peer, DryRun=True)
    assert_client_error(ei, "DryRunOperationException", DRY_RUN)
    signing = new_key(kms, "ECC_NIST_P256", "SIGN_VERIFY")
    with pytest.raises(ClientError) as ei:
        kms.derive_shared_secret(KeyId=signing, KeyAgreementAlgorithm="ECDH", PublicKey=peer)
    assert_client_error(ei, "InvalidKeyUsageException",
                        f"{signing} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.")


# ---------------------------------------------------------------- GetKeyLastUsage
def test_key_last_usage_names_the_last_successful_call(kms):
    arn = symmetric_key(kms)
    fresh = kms.get_key_last_usage(KeyId=arn)
    assert fresh["KeyId"] == arn.rsplit("/", 1)[1]
    assert not fresh.get("KeyLastUsage")
    assert fresh["TrackingStartDate"] == fresh["KeyCreationDate"]
    encrypted = kms.encrypt(KeyId=arn, Plaintext=b"x")
    with pytest.raises(ClientError):
        kms.encrypt(KeyId=arn, Plaintext=b"x", DryRun=True)
    usage = kms.get_key_last_usage(KeyId=arn)["KeyLastUsage"]
    assert usage["Operation"] == "Encrypt"
    assert usage["KmsRequestId"] == encrypted["ResponseMetadata"]["RequestId"]
    assert len(usage["CloudTrailEventId"]) == 36
    with pytest.raises(ClientError) as ei:
        kms.get_key_last_usage(KeyId="alias/aws/secretsmanager")
    assert_client_error(ei, "NotFoundException", "Invalid keyId 'alias/aws/secretsmanager'")


# ---------------------------------------------------------------- custom key stores
def test_custom_key_stores_are_answered_as_for_an_account_without_any(kms):
    listed = kms.describe_custom_key_stores()
    assert listed["CustomKeyStores"] == [] and listed["Truncated"] is False
    not_found = f"Custom key store '{STORE}' does not exist."
    for call in (kms.connect_custom_key_store, kms.disconnect_custom_key_store, kms.delete_custom_key_store,
                 kms.update_custom_key_store):
        with pytest.raises(ClientError) as ei:
            call(CustomKeyStoreId=STORE)
        assert_client_error(ei, "CustomKeyStoreNotFoundException", not_found)
    with pytest.raises(ClientError) as ei:
        kms.create_custom_key_store(CustomKeyStoreName="ExampleKeyStore", CloudHsmClusterId="cluster-abcdefghijk",
                                    KeyStorePassword="kmsPswd", TrustAnchorCertificate="<certificate>")
    assert_client_error(ei, "CloudHsmClusterNotFoundException",
                        "The CloudHSM cluster cluster-abcdefghijk was not found.")
    with pytest.raises(ClientError) as ei:
        kms.create_custom_key_store(
            CustomKeyStoreName="ExampleExternalKeyStore", CustomKeyStoreType="EXTERNAL_KEY_STORE",
            XksProxyUriEndpoint="https://myproxy-private.xks.example.com", XksProxyUriPath="/kms/xks/v1",
            XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
            XksProxyVpcEndpointServiceName="com.amazonaws.vpce.us-east-1.vpce-svc-example1",
            XksProxyAuthenticationCredential={"AccessKeyId": "ABCDE12345670EXAMPLE",
                                              "RawSecretAccessKey": "DXjSUawnel2fr6SKC7G25CNxTyWKE5PF9XX6H/u9pSo="})
    assert_client_error(ei, "XksProxyVpcEndpointServiceNotFoundException",
                        "The VPC endpoint service com.amazonaws.vpce.us-east-1.vpce-svc-example1 was not found.")
    with pytest.raises(ClientError) as ei:
        kms.create_key(CustomKeyStoreId=STORE)
    assert_client_error(ei, "CustomKeyStoreNotFoundException", not_found)
    with pytest.raises(ClientError) as ei:
        kms.create_key(Origin="EXTERNAL_KEY_STORE")
    assert_client_error(ei, "ValidationException",
                        "A CustomKeyStoreId is required to create a KMS key with Origin EXTERNAL_KEY_STORE.")


def test_an_unknown_operation_is_named_in_the_message(lockbox):
    resp = h.raw_call(lockbox, "NoSuchOperation", {}, service="kms", target_prefix="TrentService.")
    assert resp.status == 400
    assert resp.json == {"__type": "UnknownOperationException",
                         "message": "Unknown operation NoSuchOperation for service TrentService."}
    resp = h.raw_call(lockbox, "NoSuchOperation", {})
    assert resp.json == {"__type": "UnknownOperationException",
                         "message": "Unknown operation NoSuchOperation for service secretsmanager."}


# ---------------------------------------------------------------- aws CLI
def test_cli_generates_data_key_pairs_that_load_offline(kms, lockbox, cli):
    arn = symmetric_key(kms)
    out = cli.ok(lockbox, "kms", "generate-data-key-pair", "--key-id", arn, "--key-pair-spec", "ECC_NIST_P384",
                 "--encryption-context", "purpose=cli")
    private = serialization.load_der_private_key(base64.b64decode(out["PrivateKeyPlaintext"]), password=None)
    assert public_der(private) == base64.b64decode(out["PublicKey"])
    opened = kms.decrypt(CiphertextBlob=base64.b64decode(out["PrivateKeyCiphertextBlob"]),
                         EncryptionContext={"purpose": "cli"})
    assert opened["Plaintext"] == base64.b64decode(out["PrivateKeyPlaintext"])
    without = cli.ok(lockbox, "kms", "generate-data-key-pair-without-plaintext", "--key-id", arn,
                     "--key-pair-spec", "ECC_NIST_EDWARDS25519")
    assert "PrivateKeyPlaintext" not in without and without["KeyPairSpec"] == "ECC_NIST_EDWARDS25519"
    cli.fails(lockbox, "DryRunOperationException", "GenerateDataKeyPairWithoutPlaintext", DRY_RUN,
              "kms", "generate-data-key-pair-without-plaintext", "--key-id", arn,
              "--key-pair-spec", "RSA_2048", "--dry-run")


def test_cli_derives_shared_secrets_and_reports_last_usage(kms, lockbox, cli, tmp_path):
    arn = new_key(kms, "ECC_NIST_P521", "KEY_AGREEMENT")
    peer = ec.generate_private_key(ec.SECP521R1())
    peer_file = tmp_path / "peer.der"
    peer_file.write_bytes(public_der(peer))
    out = cli.ok(lockbox, "kms", "derive-shared-secret", "--key-id", arn, "--key-agreement-algorithm", "ECDH",
                 "--public-key", f"fileb://{peer_file}")
    lockbox_public = serialization.load_der_public_key(kms.get_public_key(KeyId=arn)["PublicKey"])
    assert base64.b64decode(out["SharedSecret"]) == peer.exchange(ec.ECDH(), lockbox_public)
    usage = cli.ok(lockbox, "kms", "get-key-last-usage", "--key-id", arn)
    assert usage["KeyLastUsage"]["Operation"] == "DeriveSharedSecret"
    assert usage["KeyId"] == arn.rsplit("/", 1)[1]
    # Inline, CLI v1 base64-encodes the (already base64) key again, as AWS's docs warn: the
    # bytes that arrive are not DER.
    cli.fails(lockbox, "ValidationException", "DeriveSharedSecret",
              "PublicKey must be a DER-encoded X.509 SubjectPublicKeyInfo (RFC 5280).",
              "kms", "derive-shared-secret", "--key-id", arn, "--key-agreement-algorithm", "ECDH",
              "--public-key", base64.b64encode(public_der(ec.generate_private_key(ec.SECP256R1()))).decode())


def test_cli_custom_key_store_commands(lockbox, cli):
    # The CLI pages through the listing and prints the stores only.
    assert cli.ok(lockbox, "kms", "describe-custom-key-stores")["CustomKeyStores"] == []
    not_found = f"Custom key store '{STORE}' does not exist."
    for command, op in (("connect-custom-key-store", "ConnectCustomKeyStore"),
                        ("disconnect-custom-key-store", "DisconnectCustomKeyStore"),
                        ("delete-custom-key-store", "DeleteCustomKeyStore"),
                        ("update-custom-key-store", "UpdateCustomKeyStore")):
        cli.fails(lockbox, "CustomKeyStoreNotFoundException", op, not_found,
                  "kms", command, "--custom-key-store-id", STORE)
    # (An https:// parameter value would be fetched by CLI v1 itself: the CloudHSM form.)
    cli.fails(lockbox, "CloudHsmClusterNotFoundException", "CreateCustomKeyStore",
              "The CloudHSM cluster cluster-abcdefghijk was not found.",
              "kms", "create-custom-key-store", "--custom-key-store-name", "ExampleKeyStore",
              "--cloud-hsm-cluster-id", "cluster-abcdefghijk", "--key-store-password", "kmsPswd",
              "--trust-anchor-certificate", "certificate")
