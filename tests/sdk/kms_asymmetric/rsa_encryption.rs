//! Encrypt, Decrypt and ReEncrypt with RSA `ENCRYPT_DECRYPT` keys: both OAEP algorithms on
//! every size, the plaintext limits, ciphertexts crossing between RSA and symmetric keys, and
//! the errors.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::EncryptionAlgorithmSpec as Algorithm;

use super::support::new_key;
use crate::common::kms::NO_MESSAGE;
use crate::common::{assert_error, error_of, kms_client, start};

const LIMITS: [(&str, usize, usize); 3] = [
    ("RSA_2048", 214, 190),
    ("RSA_3072", 342, 318),
    ("RSA_4096", 470, 446),
];

#[tokio::test]
async fn both_algorithms_round_trip_up_to_each_size_limit() {
    let server = start().await;
    let kms = kms_client(&server);
    for (spec, sha1_limit, sha256_limit) in LIMITS {
        let arn = new_key(&kms, spec, "ENCRYPT_DECRYPT").await;
        for (algorithm, limit) in [
            (Algorithm::RsaesOaepSha1, sha1_limit),
            (Algorithm::RsaesOaepSha256, sha256_limit),
        ] {
            let plaintext = vec![0x5a; limit];
            let encrypted = kms
                .encrypt()
                .key_id(&arn)
                .plaintext(Blob::new(plaintext.clone()))
                .encryption_algorithm(algorithm.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(encrypted.key_id(), Some(arn.as_str()));
            assert_eq!(encrypted.encryption_algorithm(), Some(&algorithm));
            let blob = encrypted.ciphertext_blob().unwrap().clone();
            assert_eq!(blob.as_ref().len() * 8, spec[4..].parse::<usize>().unwrap());
            let decrypted = kms
                .decrypt()
                .key_id(&arn)
                .ciphertext_blob(blob.clone())
                .encryption_algorithm(algorithm.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(
                decrypted.plaintext().unwrap().as_ref(),
                plaintext.as_slice()
            );
            assert_eq!(decrypted.encryption_algorithm(), Some(&algorithm));
            assert_eq!(decrypted.key_id(), Some(arn.as_str()));
            assert!(decrypted.key_material_id().is_none());
            let (code, message) = error_of(
                kms.encrypt()
                    .key_id(&arn)
                    .plaintext(Blob::new(vec![0x5a; limit + 1]))
                    .encryption_algorithm(algorithm.clone())
                    .send()
                    .await,
            );
            assert_eq!(code, "ValidationException");
            assert_eq!(
                message,
                format!(
                    "Algorithm {} with key spec {spec} can encrypt at most {limit} bytes.",
                    algorithm.as_str()
                )
            );
        }
    }
}

#[tokio::test]
async fn rsa_ciphertexts_need_their_key_algorithm_and_no_context() {
    let server = start().await;
    let kms = kms_client(&server);
    let arn = new_key(&kms, "RSA_2048", "ENCRYPT_DECRYPT").await;
    let blob = kms
        .encrypt()
        .key_id(&arn)
        .plaintext(Blob::new(b"wrapped".to_vec()))
        .encryption_algorithm(Algorithm::RsaesOaepSha256)
        .send()
        .await
        .unwrap()
        .ciphertext_blob
        .unwrap();
    let decrypt = |algorithm: Option<Algorithm>, blob: Blob| {
        kms.decrypt()
            .key_id(&arn)
            .ciphertext_blob(blob)
            .set_encryption_algorithm(algorithm)
            .send()
    };
    assert_error(
        decrypt(None, blob.clone()).await,
        "InvalidKeyUsageException",
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
    );
    assert_error(
        decrypt(Some(Algorithm::RsaesOaepSha1), blob.clone()).await,
        "InvalidCiphertextException",
        NO_MESSAGE,
    );
    let mut tampered = blob.clone().into_inner();
    tampered[10] ^= 1;
    assert_error(
        decrypt(Some(Algorithm::RsaesOaepSha256), Blob::new(tampered)).await,
        "InvalidCiphertextException",
        NO_MESSAGE,
    );
    let context_refusal =
        "EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.";
    assert_error(
        kms.encrypt()
            .key_id(&arn)
            .plaintext(Blob::new(b"x".to_vec()))
            .encryption_algorithm(Algorithm::RsaesOaepSha256)
            .encryption_context("k", "v")
            .send()
            .await,
        "ValidationException",
        context_refusal,
    );
    assert_error(
        kms.decrypt()
            .key_id(&arn)
            .ciphertext_blob(blob.clone())
            .encryption_algorithm(Algorithm::RsaesOaepSha256)
            .encryption_context("k", "v")
            .send()
            .await,
        "ValidationException",
        context_refusal,
    );
    assert_error(
        kms.encrypt()
            .key_id(&arn)
            .plaintext(Blob::new(b"x".to_vec()))
            .encryption_algorithm(Algorithm::RsaesOaepSha256)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
    assert_error(
        kms.decrypt()
            .key_id(&arn)
            .ciphertext_blob(blob)
            .encryption_algorithm(Algorithm::RsaesOaepSha256)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
    let signing = new_key(&kms, "RSA_2048", "SIGN_VERIFY").await;
    assert_error(
        kms.encrypt()
            .key_id(&signing)
            .plaintext(Blob::new(b"x".to_vec()))
            .encryption_algorithm(Algorithm::RsaesOaepSha256)
            .send()
            .await,
        "InvalidKeyUsageException",
        format!("{signing} key usage is SIGN_VERIFY which is not valid for Encrypt."),
    );
}

#[tokio::test]
async fn re_encrypt_crosses_between_rsa_and_symmetric_keys() {
    let server = start().await;
    let kms = kms_client(&server);
    let rsa = new_key(&kms, "RSA_3072", "ENCRYPT_DECRYPT").await;
    let (_, symmetric) = crate::common::kms::new_key(&kms).await;
    let symmetric_blob = kms
        .encrypt()
        .key_id(&symmetric)
        .plaintext(Blob::new(b"moving".to_vec()))
        .encryption_context("app", "x")
        .send()
        .await
        .unwrap()
        .ciphertext_blob
        .unwrap();
    let to_rsa = kms
        .re_encrypt()
        .ciphertext_blob(symmetric_blob)
        .source_encryption_context("app", "x")
        .destination_key_id(&rsa)
        .destination_encryption_algorithm(Algorithm::RsaesOaepSha1)
        .send()
        .await
        .unwrap();
    assert_eq!(to_rsa.key_id(), Some(rsa.as_str()));
    assert_eq!(to_rsa.source_key_id(), Some(symmetric.as_str()));
    assert_eq!(
        to_rsa.destination_encryption_algorithm(),
        Some(&Algorithm::RsaesOaepSha1)
    );
    assert!(to_rsa.source_key_material_id().is_some());
    assert!(to_rsa.destination_key_material_id().is_none());
    let back = kms
        .re_encrypt()
        .ciphertext_blob(to_rsa.ciphertext_blob().unwrap().clone())
        .source_key_id(&rsa)
        .source_encryption_algorithm(Algorithm::RsaesOaepSha1)
        .destination_key_id(&symmetric)
        .send()
        .await
        .unwrap();
    assert_eq!(
        back.source_encryption_algorithm(),
        Some(&Algorithm::RsaesOaepSha1)
    );
    assert!(back.source_key_material_id().is_none());
    assert!(back.destination_key_material_id().is_some());
    let plain = kms
        .decrypt()
        .ciphertext_blob(back.ciphertext_blob().unwrap().clone())
        .send()
        .await
        .unwrap();
    assert_eq!(plain.plaintext().unwrap().as_ref(), b"moving");
    assert_error(
        kms.re_encrypt()
            .ciphertext_blob(to_rsa.ciphertext_blob().unwrap().clone())
            .source_key_id(&rsa)
            .destination_key_id(&symmetric)
            .send()
            .await,
        "InvalidKeyUsageException",
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_3072.",
    );
}
