//! GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext through the official Rust SDK:
//! every `KeyPairSpec` yields a PKCS#8 private key whose public half is `PublicKey`, sealed
//! under the symmetric key with its encryption context so that plain Decrypt opens it; and
//! AWS's errors for keys of other kinds, disabled keys, DryRun and SM2.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use aws_sdk_kms::types::{DataKeyPairSpec, KeySpec, KeyUsageType};
use pkcs8::DecodePrivateKey as _;
use spki::EncodePublicKey as _;

use crate::common::kms::{NO_MESSAGE, new_key};
use crate::common::{assert_error, kms_client, start};

/// The DER SubjectPublicKeyInfo of the PKCS#8 DER private key `der` of `spec`.
fn public_half(spec: &str, der: &[u8]) -> Vec<u8> {
    let document = match spec {
        "RSA_2048" | "RSA_3072" | "RSA_4096" => rsa::PrivateKey::from_pkcs8_der(der)
            .unwrap()
            .to_public_key()
            .to_public_key_der(),
        "ECC_NIST_P256" => p256::SecretKey::from_pkcs8_der(der)
            .unwrap()
            .public_key()
            .to_public_key_der(),
        "ECC_NIST_P384" => p384::SecretKey::from_pkcs8_der(der)
            .unwrap()
            .public_key()
            .to_public_key_der(),
        "ECC_NIST_P521" => p521::SecretKey::from_pkcs8_der(der)
            .unwrap()
            .public_key()
            .to_public_key_der(),
        "ECC_SECG_P256K1" => k256::SecretKey::from_pkcs8_der(der)
            .unwrap()
            .public_key()
            .to_public_key_der(),
        "ECC_NIST_EDWARDS25519" => ed25519_dalek::SigningKey::from_pkcs8_der(der)
            .unwrap()
            .verifying_key()
            .to_public_key_der(),
        other => panic!("no such spec {other}"),
    };
    document.unwrap().as_bytes().to_vec()
}

/// `KeyPairSpec` values with the DER SubjectPublicKeyInfo size of each.
const SPECS: [(&str, usize); 8] = [
    ("RSA_2048", 294),
    ("RSA_3072", 422),
    ("RSA_4096", 550),
    ("ECC_NIST_P256", 91),
    ("ECC_NIST_P384", 120),
    ("ECC_NIST_P521", 158),
    ("ECC_SECG_P256K1", 88),
    ("ECC_NIST_EDWARDS25519", 44),
];

#[tokio::test]
async fn every_spec_yields_a_pkcs8_pair_sealed_under_the_key() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let described = kms.describe_key().key_id(&id).send().await.unwrap();
    let material_id = described
        .key_metadata()
        .unwrap()
        .current_key_material_id()
        .unwrap()
        .to_owned();
    for (spec, spki_len) in SPECS {
        let out = kms
            .generate_data_key_pair()
            .key_id(&id)
            .key_pair_spec(DataKeyPairSpec::from(spec))
            .encryption_context("purpose", spec)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{spec}: {e:?}"));
        assert_eq!(out.key_id(), Some(arn.as_str()));
        assert_eq!(out.key_pair_spec().map(|s| s.as_str()), Some(spec));
        assert_eq!(out.key_material_id(), Some(material_id.as_str()));
        let private = out.private_key_plaintext().unwrap().as_ref().to_vec();
        let public = out.public_key().unwrap().as_ref().to_vec();
        assert_eq!(public.len(), spki_len, "{spec}");
        assert_eq!(public_half(spec, &private), public, "{spec}");
        // A PKCS#8 version-0 PrivateKeyInfo: SEQUENCE { INTEGER 0, ... }.
        let info = pkcs8::PrivateKeyInfoRef::try_from(private.as_slice()).unwrap();
        assert_eq!(info.version(), pkcs8::Version::V1, "{spec}");

        let opened = kms
            .decrypt()
            .ciphertext_blob(out.private_key_ciphertext_blob().unwrap().clone())
            .encryption_context("purpose", spec)
            .send()
            .await
            .unwrap();
        assert_eq!(opened.plaintext().unwrap().as_ref(), private.as_slice());
        assert_eq!(opened.key_id(), Some(arn.as_str()));
        assert_error(
            kms.decrypt()
                .ciphertext_blob(out.private_key_ciphertext_blob().unwrap().clone())
                .encryption_context("purpose", "other")
                .send()
                .await,
            "InvalidCiphertextException",
            NO_MESSAGE,
        );
    }
}

#[tokio::test]
async fn pairs_are_fresh_and_the_variant_without_plaintext_omits_it() {
    let server = start().await;
    let kms = kms_client(&server);
    let (_, arn) = new_key(&kms).await;
    let alias = "alias/pairs";
    kms.create_alias()
        .alias_name(alias)
        .target_key_id(&arn)
        .send()
        .await
        .unwrap();
    let first = kms
        .generate_data_key_pair()
        .key_id(alias)
        .key_pair_spec(DataKeyPairSpec::EccNistP256)
        .send()
        .await
        .unwrap();
    let second = kms
        .generate_data_key_pair()
        .key_id(alias)
        .key_pair_spec(DataKeyPairSpec::EccNistP256)
        .send()
        .await
        .unwrap();
    assert_ne!(first.public_key(), second.public_key());
    assert_eq!(first.key_id(), Some(arn.as_str()));

    let without = kms
        .generate_data_key_pair_without_plaintext()
        .key_id(&arn)
        .key_pair_spec(DataKeyPairSpec::EccNistP384)
        .send()
        .await
        .unwrap();
    assert_eq!(without.key_id(), Some(arn.as_str()));
    assert_eq!(without.key_pair_spec(), Some(&DataKeyPairSpec::EccNistP384));
    assert_eq!(without.key_material_id().map(str::len), Some(64));
    let opened = kms
        .decrypt()
        .ciphertext_blob(without.private_key_ciphertext_blob().unwrap().clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        public_half("ECC_NIST_P384", opened.plaintext().unwrap().as_ref()),
        without.public_key().unwrap().as_ref()
    );
}

#[tokio::test]
async fn only_an_enabled_symmetric_encryption_key_seals_a_pair() {
    let server = start().await;
    let kms = kms_client(&server);
    let asymmetric = |spec: &'static str, usage: &'static str| {
        let kms = kms.clone();
        async move {
            let created = kms
                .create_key()
                .key_spec(KeySpec::from(spec))
                .key_usage(KeyUsageType::from(usage))
                .send()
                .await
                .unwrap();
            created.key_metadata().unwrap().arn().unwrap().to_owned()
        }
    };
    let rsa = asymmetric("RSA_2048", "ENCRYPT_DECRYPT").await;
    let signing = asymmetric("ECC_NIST_P256", "SIGN_VERIFY").await;
    let hmac = asymmetric("HMAC_256", "GENERATE_VERIFY_MAC").await;
    let pair = |key: &str| {
        kms.generate_data_key_pair()
            .key_id(key)
            .key_pair_spec(DataKeyPairSpec::EccNistP256)
            .send()
    };
    assert_error(
        pair(&rsa).await,
        "InvalidKeyUsageException",
        format!("{rsa} key KeySpec is RSA_2048 which is not valid for GenerateDataKeyPair."),
    );
    assert_error(
        pair(&signing).await,
        "InvalidKeyUsageException",
        format!("{signing} key usage is SIGN_VERIFY which is not valid for GenerateDataKeyPair."),
    );
    assert_error(
        kms.generate_data_key_pair_without_plaintext()
            .key_id(&hmac)
            .key_pair_spec(DataKeyPairSpec::Rsa2048)
            .send()
            .await,
        "InvalidKeyUsageException",
        format!(
            "{hmac} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKeyPairWithoutPlaintext."
        ),
    );

    let (id, arn) = new_key(&kms).await;
    assert_error(
        kms.generate_data_key_pair()
            .key_id(&id)
            .key_pair_spec(DataKeyPairSpec::Rsa2048)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
    assert_error(
        kms.generate_data_key_pair()
            .key_id(&id)
            .key_pair_spec(DataKeyPairSpec::Sm2)
            .send()
            .await,
        "UnsupportedOperationException",
        "KeyPairSpec SM2 is not supported in this region.",
    );
    assert_error(
        kms.generate_data_key_pair()
            .key_id(&id)
            .key_pair_spec(DataKeyPairSpec::from("RSA_1024"))
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value 'RSA_1024' at 'keyPairSpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SM2, ECC_NIST_EDWARDS25519]",
    );
    kms.disable_key().key_id(&id).send().await.unwrap();
    assert_error(
        kms.generate_data_key_pair_without_plaintext()
            .key_id(&id)
            .key_pair_spec(DataKeyPairSpec::EccNistP256)
            .send()
            .await,
        "DisabledException",
        format!("{arn} is disabled."),
    );
    assert_error(
        kms.generate_data_key_pair()
            .key_id("alias/none")
            .key_pair_spec(DataKeyPairSpec::EccNistP256)
            .send()
            .await,
        "NotFoundException",
        "Alias arn:aws:kms:us-east-1:000000000000:alias/none is not found.",
    );
}
