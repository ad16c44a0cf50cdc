//! DeriveSharedSecret through the official Rust SDK: two `KEY_AGREEMENT` keys on the same
//! curve derive the same secret from each other's GetPublicKey (and it equals the secret a
//! peer computes offline with the curve crate), with the curve's size; and AWS's errors for
//! peer keys that do not fit, keys of other usages, disabled keys, DryRun and Recipient.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{KeyAgreementAlgorithmSpec, KeySpec, KeyUsageType, RecipientInfo};
use p256::elliptic_curve::Generate as _;
use spki::{DecodePublicKey as _, EncodePublicKey as _};

use crate::common::kms::new_key as new_symmetric_key;
use crate::common::{assert_error, kms_client, start};

async fn new_key(kms: &aws_sdk_kms::Client, spec: &str, usage: &str) -> String {
    let created = kms
        .create_key()
        .key_spec(KeySpec::from(spec))
        .key_usage(KeyUsageType::from(usage))
        .send()
        .await
        .unwrap();
    created.key_metadata().unwrap().arn().unwrap().to_owned()
}

async fn public_key(kms: &aws_sdk_kms::Client, key: &str) -> Vec<u8> {
    let out = kms.get_public_key().key_id(key).send().await.unwrap();
    out.public_key().unwrap().as_ref().to_vec()
}

fn derive<'a>(
    kms: &'a aws_sdk_kms::Client,
    key: &'a str,
    peer: &'a [u8],
) -> aws_sdk_kms::operation::derive_shared_secret::builders::DeriveSharedSecretFluentBuilder {
    kms.derive_shared_secret()
        .key_id(key)
        .key_agreement_algorithm(KeyAgreementAlgorithmSpec::Ecdh)
        .public_key(Blob::new(peer.to_vec()))
}

#[tokio::test]
async fn two_keys_on_a_curve_agree_on_a_secret_of_its_size() {
    let server = start().await;
    let kms = kms_client(&server);
    for (spec, len) in [
        ("ECC_NIST_P256", 32),
        ("ECC_NIST_P384", 48),
        ("ECC_NIST_P521", 66),
    ] {
        let alice = new_key(&kms, spec, "KEY_AGREEMENT").await;
        let bob = new_key(&kms, spec, "KEY_AGREEMENT").await;
        let (alice_public, bob_public) =
            (public_key(&kms, &alice).await, public_key(&kms, &bob).await);
        let ours = derive(&kms, &alice, &bob_public).send().await.unwrap();
        let theirs = derive(&kms, &bob, &alice_public).send().await.unwrap();
        let secret = ours.shared_secret().unwrap().as_ref();
        assert_eq!(secret.len(), len, "{spec}");
        assert_eq!(Some(secret), theirs.shared_secret().map(|s| s.as_ref()));
        assert_eq!(ours.key_id(), Some(alice.as_str()));
        assert_eq!(
            ours.key_agreement_algorithm(),
            Some(&KeyAgreementAlgorithmSpec::Ecdh)
        );
        assert_eq!(ours.key_origin().map(|o| o.as_str()), Some("AWS_KMS"));
    }
}

#[tokio::test]
async fn the_secret_is_the_ecdh_x_coordinate_an_offline_peer_computes() {
    use p256::elliptic_curve::point::AffineCoordinates as _;
    let server = start().await;
    let kms = kms_client(&server);
    let key = new_key(&kms, "ECC_NIST_P256", "KEY_AGREEMENT").await;
    let peer = p256::SecretKey::generate();
    let peer_spki = peer.public_key().to_public_key_der().unwrap();
    let out = derive(&kms, &key, peer_spki.as_bytes())
        .send()
        .await
        .unwrap();
    let kms_public = p256::PublicKey::from_public_key_der(&public_key(&kms, &key).await).unwrap();
    let offline = (kms_public.to_projective() * *peer.to_nonzero_scalar()).to_affine();
    assert_eq!(
        out.shared_secret().unwrap().as_ref(),
        offline.x().as_slice()
    );
}

#[tokio::test]
async fn peer_keys_and_keys_that_do_not_fit_are_refused() {
    let server = start().await;
    let kms = kms_client(&server);
    let key = new_key(&kms, "ECC_NIST_P256", "KEY_AGREEMENT").await;
    let p384 = public_key(&kms, &new_key(&kms, "ECC_NIST_P384", "KEY_AGREEMENT").await).await;
    let signing = new_key(&kms, "ECC_NIST_P256", "SIGN_VERIFY").await;
    let own = public_key(&kms, &key).await;
    assert_error(
        derive(&kms, &key, b"not a key").send().await,
        "ValidationException",
        "PublicKey must be a DER-encoded X.509 SubjectPublicKeyInfo (RFC 5280).",
    );
    assert_error(
        derive(&kms, &key, &p384).send().await,
        "ValidationException",
        "PublicKey must be an elliptic curve public key of key spec ECC_NIST_P256.",
    );
    // A signing key's public key on the same curve is a valid peer key.
    let peer = public_key(&kms, &signing).await;
    assert_eq!(
        derive(&kms, &key, &peer)
            .send()
            .await
            .unwrap()
            .shared_secret()
            .map(|s| s.as_ref().len()),
        Some(32)
    );
    let rsa = public_key(&kms, &new_key(&kms, "RSA_2048", "SIGN_VERIFY").await).await;
    assert_error(
        derive(&kms, &key, &rsa).send().await,
        "ValidationException",
        "PublicKey must be an elliptic curve public key of key spec ECC_NIST_P256.",
    );
    let mut off_curve = own.clone();
    *off_curve.last_mut().unwrap() ^= 1;
    assert_error(
        derive(&kms, &key, &off_curve).send().await,
        "ValidationException",
        "PublicKey is not a valid point on the curve of key spec ECC_NIST_P256.",
    );
    assert_error(
        derive(&kms, &signing, &own).send().await,
        "InvalidKeyUsageException",
        format!("{signing} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret."),
    );
    let (_, symmetric) = new_symmetric_key(&kms).await;
    assert_error(
        derive(&kms, &symmetric, &own).send().await,
        "InvalidKeyUsageException",
        format!(
            "{symmetric} key usage is ENCRYPT_DECRYPT which is not valid for DeriveSharedSecret."
        ),
    );
    assert_error(
        derive(&kms, &key, &own).dry_run(true).send().await,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
    assert_error(
        derive(&kms, &key, &own)
            .recipient(
                RecipientInfo::builder()
                    .attestation_document(Blob::new(b"doc".to_vec()))
                    .build(),
            )
            .send()
            .await,
        "ValidationException",
        "Lockbox does not support Recipient (Nitro Enclaves attestation).",
    );
    assert_error(
        derive(&kms, &key, &own)
            .key_agreement_algorithm(KeyAgreementAlgorithmSpec::from("DH"))
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value 'DH' at 'keyAgreementAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [ECDH]",
    );
    kms.disable_key().key_id(&key).send().await.unwrap();
    assert_error(
        derive(&kms, &key, &own).send().await,
        "DisabledException",
        format!("{key} is disabled."),
    );
}
