//! Key pairs and HMAC keys outlive a restart with `--data-dir`, and can be seeded with fixed
//! material (PKCS#8 PEM, base64 DER, raw HMAC bytes) so every instance signs with the same key;
//! an export carries them to another instance.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{MacAlgorithmSpec, SigningAlgorithmSpec};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::Mac as _;
use lockbox::Config;

use super::support::new_key;
use crate::common::seed::{export, import, temp_file};
use crate::common::{assert_error, kms_client, start, start_with};

/// A P-256 test key (generated for this test only) and its public key as DER SPKI, base64.
const P256_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgWzfsl8Q3jxPyOhgs
az+V6BKRJOg9S6HVnEzqrB6Af/ahRANCAARoedra1enRT4ksSXaG4P/fFY0+gXah
lgWk+QkEm6r6/cj5ZJYMWsila7DpHVLuVaAcy2CNYIRjkaFnasl7aDIQ
-----END PRIVATE KEY-----";
const P256_SPKI: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEaHna2tXp0U+JLEl2huD/3xWNPoF2oZYFpPkJBJuq+v3I+WSWDFrIpWuw6R1S7lWgHMtgjWCEY5GhZ2rJe2gyEA==";
/// An Ed25519 test key as base64 PKCS#8 DER.
const ED25519_DER: &str = "MC4CAQAwBQYDK2VwBCIEIKmGKJUKJYLmRaJYVIq2iPyLME2TdekarOMvI6ssvncX";
const SIGNER: &str = "7f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const EDWARDS: &str = "8a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const MACS: &str = "9b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e";
const HMAC_KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

fn seed_document() -> String {
    let pem = P256_PEM.replace('\n', "\\n");
    let hmac = STANDARD.encode(HMAC_KEY);
    format!(
        r#"{{"version": 1, "partitions": [{{"account": "000000000000", "region": "us-east-1", "kms_keys": [
            {{"key_id": "{SIGNER}", "key_spec": "ECC_NIST_P256", "key_usage": "SIGN_VERIFY", "key_material": "{pem}", "aliases": ["alias/signer"]}},
            {{"key_id": "{EDWARDS}", "key_spec": "ECC_NIST_EDWARDS25519", "key_usage": "SIGN_VERIFY", "key_material": "{ED25519_DER}"}},
            {{"key_id": "{MACS}", "key_spec": "HMAC_256", "key_usage": "GENERATE_VERIFY_MAC", "key_material": "{hmac}"}}
        ]}}]}}"#
    )
}

#[tokio::test]
async fn seeded_material_gives_the_same_public_key_and_macs_on_every_instance() {
    let path = temp_file("asymmetric-seed.json", &seed_document());
    for _ in 0..2 {
        let server = start_with(Config {
            seed: Some(path.clone()),
            ..Config::for_tests()
        })
        .await;
        let kms = kms_client(&server);
        let public = kms
            .get_public_key()
            .key_id("alias/signer")
            .send()
            .await
            .unwrap();
        assert_eq!(STANDARD.encode(public.public_key().unwrap()), P256_SPKI);
        let ed = kms.get_public_key().key_id(EDWARDS).send().await.unwrap();
        assert_eq!(ed.public_key().unwrap().as_ref().len(), 44);
        let generated = kms
            .generate_mac()
            .key_id(MACS)
            .message(Blob::new(b"payload".to_vec()))
            .mac_algorithm(MacAlgorithmSpec::HmacSha256)
            .send()
            .await
            .unwrap();
        let mut offline = hmac::Hmac::<sha2::Sha256>::new_from_slice(HMAC_KEY).unwrap();
        offline.update(b"payload");
        assert_eq!(
            generated.mac().unwrap().as_ref(),
            offline.finalize().into_bytes().as_slice()
        );
    }
}

#[tokio::test]
async fn seeds_with_material_of_the_wrong_kind_are_refused() {
    let server = start().await;
    let bad = |spec: &str, usage: &str, material: &str| {
        format!(
            r#"{{"version": 1, "partitions": [{{"account": "000000000000", "region": "us-east-1", "kms_keys": [
                {{"key_id": "{SIGNER}", "key_spec": "{spec}", "key_usage": "{usage}", "key_material": "{material}"}}]}}]}}"#
        )
    };
    for (spec, usage, material, expected) in [
        (
            "ECC_NIST_P384",
            "SIGN_VERIFY",
            ED25519_DER,
            "key material must be a PKCS#8 private key of the key spec",
        ),
        (
            "HMAC_512",
            "GENERATE_VERIFY_MAC",
            "AAAA",
            "HMAC key material must be from the digest length up to 128 bytes",
        ),
        (
            "ECC_NIST_P256",
            "ENCRYPT_DECRYPT",
            ED25519_DER,
            "key_usage ENCRYPT_DECRYPT is not compatible with key_spec ECC_NIST_P256",
        ),
    ] {
        let (status, body) = import(&server, "application/json", bad(spec, usage, material)).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains(expected), "{body}");
    }
}

#[tokio::test]
async fn an_export_carries_key_pairs_to_another_instance() {
    let first = start().await;
    let kms = kms_client(&first);
    let arn = new_key(&kms, "ML_DSA_44", "SIGN_VERIFY").await;
    let hmac = new_key(&kms, "HMAC_512", "GENERATE_VERIFY_MAC").await;
    let public = kms.get_public_key().key_id(&arn).send().await.unwrap();
    let tag = kms
        .generate_mac()
        .key_id(&hmac)
        .message(Blob::new(b"m".to_vec()))
        .mac_algorithm(MacAlgorithmSpec::HmacSha512)
        .send()
        .await
        .unwrap();
    let document = export(&first, "").await;
    assert!(document.contains("ML_DSA_44") && document.contains("HMAC_512"));

    let second = start().await;
    let (status, body) = import(&second, "application/json", document).await;
    assert_eq!(status, 200, "{body}");
    let kms = kms_client(&second);
    let again = kms.get_public_key().key_id(&arn).send().await.unwrap();
    assert_eq!(again.public_key(), public.public_key());
    kms.verify_mac()
        .key_id(&hmac)
        .message(Blob::new(b"m".to_vec()))
        .mac(tag.mac().unwrap().clone())
        .mac_algorithm(MacAlgorithmSpec::HmacSha512)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_key_pair_survives_a_restart_and_still_signs_verifiably() {
    let dir = tempfile::tempdir().unwrap();
    let config = || Config {
        data_dir: Some(dir.path().join("data")),
        ..Config::for_tests()
    };
    let server = start_with(config()).await;
    let kms = kms_client(&server);
    let arn = new_key(&kms, "ECC_NIST_P384", "SIGN_VERIFY").await;
    let rsa = new_key(&kms, "RSA_2048", "SIGN_VERIFY").await;
    let public = kms.get_public_key().key_id(&arn).send().await.unwrap();
    let rsa_public = kms.get_public_key().key_id(&rsa).send().await.unwrap();
    let before = kms
        .sign()
        .key_id(&arn)
        .message(Blob::new(b"m".to_vec()))
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha384)
        .send()
        .await
        .unwrap();
    server.shutdown().await.unwrap();

    let server = start_with(config()).await;
    let kms = kms_client(&server);
    let after = kms.get_public_key().key_id(&arn).send().await.unwrap();
    assert_eq!(after.public_key(), public.public_key());
    let rsa_after = kms.get_public_key().key_id(&rsa).send().await.unwrap();
    assert_eq!(rsa_after.public_key(), rsa_public.public_key());
    kms.verify()
        .key_id(&arn)
        .message(Blob::new(b"m".to_vec()))
        .signature(before.signature().unwrap().clone())
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha384)
        .send()
        .await
        .unwrap();
    let fresh = kms
        .sign()
        .key_id(&rsa)
        .message(Blob::new(b"m".to_vec()))
        .signing_algorithm(SigningAlgorithmSpec::RsassaPssSha256)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.signature().unwrap().as_ref().len(), 256);
    assert_error(
        kms.verify()
            .key_id(&arn)
            .message(Blob::new(b"other".to_vec()))
            .signature(before.signature().unwrap().clone())
            .signing_algorithm(SigningAlgorithmSpec::EcdsaSha384)
            .send()
            .await,
        "KMSInvalidSignatureException",
        crate::common::kms::NO_MESSAGE,
    );
    server.shutdown().await.unwrap();
}
