//! GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncrypt and GenerateRandom through the
//! official Rust SDK: a data key decrypts with plain Decrypt, ReEncrypt round trips, and
//! AWS's exact errors.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::kms::{NO_MESSAGE, encrypt, new_key};

use aws_sdk_kms::types::{DataKeySpec, EncryptionAlgorithmSpec};
use common::{assert_error, kms_client, start};

#[tokio::test]
async fn data_keys_decrypt_with_plain_decrypt() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let out = kms
        .generate_data_key()
        .key_id(&id)
        .key_spec(DataKeySpec::Aes256)
        .encryption_context("purpose", "test")
        .send()
        .await
        .unwrap();
    assert_eq!(out.key_id(), Some(arn.as_str()));
    assert_eq!(out.key_material_id().unwrap().len(), 64);
    let plaintext = out.plaintext().unwrap().as_ref().to_vec();
    assert_eq!(plaintext.len(), 32);
    let decrypted = kms
        .decrypt()
        .ciphertext_blob(out.ciphertext_blob.unwrap())
        .encryption_context("purpose", "test")
        .send()
        .await
        .unwrap();
    assert_eq!(
        decrypted.plaintext().unwrap().as_ref(),
        plaintext.as_slice()
    );
    assert_eq!(decrypted.key_material_id(), out.key_material_id.as_deref());

    let aes128 = kms
        .generate_data_key()
        .key_id(&arn)
        .key_spec(DataKeySpec::Aes128)
        .send()
        .await
        .unwrap();
    assert_eq!(aes128.plaintext().unwrap().as_ref().len(), 16);
    let bytes = kms
        .generate_data_key()
        .key_id(&id)
        .number_of_bytes(1024)
        .send()
        .await
        .unwrap();
    assert_eq!(bytes.plaintext().unwrap().as_ref().len(), 1024);

    let without = kms
        .generate_data_key_without_plaintext()
        .key_id(&id)
        .number_of_bytes(7)
        .send()
        .await
        .unwrap();
    assert_eq!(without.key_id(), Some(arn.as_str()));
    assert_eq!(without.key_material_id().unwrap().len(), 64);
    let hidden = kms
        .decrypt()
        .ciphertext_blob(without.ciphertext_blob.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.plaintext().unwrap().as_ref().len(), 7);
}

#[tokio::test]
async fn data_key_size_must_be_given_exactly_once() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    // moto's wording (AWS's is not known), pinned.
    let either = "Please specify either number of bytes or key spec.";
    assert_error(
        kms.generate_data_key().key_id(&id).send().await,
        "ValidationException",
        either,
    );
    assert_error(
        kms.generate_data_key()
            .key_id(&id)
            .number_of_bytes(32)
            .key_spec(DataKeySpec::Aes256)
            .send()
            .await,
        "ValidationException",
        either,
    );
    assert_error(
        kms.generate_data_key_without_plaintext()
            .key_id(&id)
            .send()
            .await,
        "ValidationException",
        either,
    );
    assert_error(
        kms.generate_data_key()
            .key_id(&id)
            .number_of_bytes(1025)
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
    assert_error(
        kms.generate_data_key()
            .key_id(&id)
            .number_of_bytes(0)
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    assert_error(
        kms.generate_data_key()
            .key_id(&id)
            .key_spec(DataKeySpec::Aes256)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
}

#[tokio::test]
async fn re_encrypt_moves_a_ciphertext_between_keys_and_contexts() {
    let server = start().await;
    let kms = kms_client(&server);
    let (source, source_arn) = new_key(&kms).await;
    let (destination, destination_arn) = new_key(&kms).await;
    let blob = encrypt(&kms, &source, b"moving", &[("from", "a")]).await;
    let out = kms
        .re_encrypt()
        .ciphertext_blob(blob.clone())
        .source_encryption_context("from", "a")
        .destination_key_id(&destination)
        .destination_encryption_context("to", "b")
        .send()
        .await
        .unwrap();
    assert_eq!(out.source_key_id(), Some(source_arn.as_str()));
    assert_eq!(out.key_id(), Some(destination_arn.as_str()));
    assert_eq!(
        out.source_encryption_algorithm(),
        Some(&EncryptionAlgorithmSpec::SymmetricDefault)
    );
    assert_eq!(
        out.destination_encryption_algorithm(),
        Some(&EncryptionAlgorithmSpec::SymmetricDefault)
    );
    assert_eq!(out.source_key_material_id().unwrap().len(), 64);
    assert_eq!(out.destination_key_material_id().unwrap().len(), 64);
    assert_ne!(
        out.source_key_material_id(),
        out.destination_key_material_id()
    );
    let moved = out.ciphertext_blob.unwrap();
    let plain = kms
        .decrypt()
        .ciphertext_blob(moved.clone())
        .encryption_context("to", "b")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.plaintext().unwrap().as_ref(), b"moving");
    assert_eq!(plain.key_id(), Some(destination_arn.as_str()));
    // And back again, round trip.
    let back = kms
        .re_encrypt()
        .ciphertext_blob(moved)
        .source_encryption_context("to", "b")
        .source_key_id(&destination_arn)
        .destination_key_id(&source)
        .send()
        .await
        .unwrap();
    let plain = kms
        .decrypt()
        .ciphertext_blob(back.ciphertext_blob.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(plain.plaintext().unwrap().as_ref(), b"moving");

    assert_error(
        kms.re_encrypt()
            .ciphertext_blob(blob.clone())
            .source_encryption_context("from", "a")
            .source_key_id(&destination)
            .destination_key_id(&destination)
            .send()
            .await,
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
    );
    assert_error(
        kms.re_encrypt()
            .ciphertext_blob(blob.clone())
            .destination_key_id(&destination)
            .send()
            .await,
        "InvalidCiphertextException",
        NO_MESSAGE,
    );
    assert_error(
        kms.re_encrypt()
            .ciphertext_blob(blob)
            .source_encryption_context("from", "a")
            .destination_key_id(&destination)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
}

#[tokio::test]
async fn generate_random_returns_the_bytes_asked_for() {
    let server = start().await;
    let kms = kms_client(&server);
    let out = kms
        .generate_random()
        .number_of_bytes(1024)
        .send()
        .await
        .unwrap();
    assert_eq!(out.plaintext().unwrap().as_ref().len(), 1024);
    let one = kms
        .generate_random()
        .number_of_bytes(1)
        .send()
        .await
        .unwrap();
    assert_eq!(one.plaintext().unwrap().as_ref().len(), 1);
    assert_error(
        kms.generate_random().send().await,
        "ValidationException",
        "NumberOfBytes is required.",
    );
    assert_error(
        kms.generate_random().number_of_bytes(0).send().await,
        "ValidationException",
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    assert_error(
        kms.generate_random().number_of_bytes(1025).send().await,
        "ValidationException",
        "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
    // No custom key stores exist; the wording is Lockbox's (AWS's is not known).
    assert_error(
        kms.generate_random()
            .number_of_bytes(8)
            .custom_key_store_id("cks-1")
            .send()
            .await,
        "CustomKeyStoreNotFoundException",
        "Custom key store 'cks-1' does not exist.",
    );
}
