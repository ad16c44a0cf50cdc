//! Encrypt and Decrypt through the official Rust SDK: identifiers, AWS's exact errors
//! (InvalidCiphertextException without a message), and encryption-context binding. Data keys,
//! ReEncrypt and GenerateRandom are in kms_data_keys.rs; the AWS managed key in
//! kms_managed_key.rs.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::kms::{NO_MESSAGE, encrypt, new_key};

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::EncryptionAlgorithmSpec;
use common::{assert_error, kms_client, kms_client_as, start};

#[tokio::test]
async fn encrypt_then_decrypt_with_and_without_key_id() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let described = kms.describe_key().key_id(&id).send().await.unwrap();
    let material = described
        .key_metadata()
        .unwrap()
        .current_key_material_id()
        .unwrap()
        .to_owned();
    for form in [id.as_str(), arn.as_str()] {
        let out = kms
            .encrypt()
            .key_id(form)
            .plaintext(Blob::new("hello"))
            .send()
            .await
            .unwrap();
        assert_eq!(out.key_id(), Some(arn.as_str()));
        assert_eq!(
            out.encryption_algorithm(),
            Some(&EncryptionAlgorithmSpec::SymmetricDefault)
        );
        let blob = out.ciphertext_blob.unwrap();
        let plain = kms
            .decrypt()
            .ciphertext_blob(blob.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(plain.plaintext().unwrap().as_ref(), b"hello");
        assert_eq!(plain.key_id(), Some(arn.as_str()));
        assert_eq!(
            plain.encryption_algorithm(),
            Some(&EncryptionAlgorithmSpec::SymmetricDefault)
        );
        assert_eq!(plain.key_material_id(), Some(material.as_str()));
        let with_key = kms
            .decrypt()
            .ciphertext_blob(blob)
            .key_id(form)
            .send()
            .await
            .unwrap();
        assert_eq!(with_key.plaintext().unwrap().as_ref(), b"hello");
    }
}

#[tokio::test]
async fn aliases_name_the_key_for_encrypt_and_decrypt() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    // CreateAlias is not served on this branch; the managed alias is the alias we have, and
    // an unknown alias answers as KMS does.
    assert_error(
        kms.encrypt()
            .key_id("alias/missing")
            .plaintext(Blob::new("x"))
            .send()
            .await,
        "NotFoundException",
        "Alias arn:aws:kms:us-east-1:000000000000:alias/missing is not found.",
    );
    let blob = encrypt(&kms, &id, b"x", &[]).await;
    assert_error(
        kms.decrypt()
            .ciphertext_blob(blob)
            .key_id("alias/missing")
            .send()
            .await,
        "NotFoundException",
        "Alias arn:aws:kms:us-east-1:000000000000:alias/missing is not found.",
    );
    assert!(arn.ends_with(&id));
}

#[tokio::test]
async fn the_encryption_context_is_bound_exactly() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    let blob = encrypt(&kms, &id, b"secret", &[("ab", "c")]).await;
    let ok = kms
        .decrypt()
        .ciphertext_blob(blob.clone())
        .encryption_context("ab", "c")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.plaintext().unwrap().as_ref(), b"secret");
    // {"ab":"c"} and {"a":"bc"} must not collide; missing, superset and case changes fail.
    for ctx in [
        vec![("a", "bc")],
        vec![],
        vec![("ab", "c"), ("x", "y")],
        vec![("AB", "c")],
        vec![("ab", "C")],
    ] {
        let mut call = kms.decrypt().ciphertext_blob(blob.clone());
        for (k, v) in ctx {
            call = call.encryption_context(k, v);
        }
        assert_error(call.send().await, "InvalidCiphertextException", NO_MESSAGE);
    }
    // Pair order does not matter.
    let two = encrypt(&kms, &id, b"s", &[("k1", "v1"), ("k2", "v2")]).await;
    let out = kms
        .decrypt()
        .ciphertext_blob(two)
        .encryption_context("k2", "v2")
        .encryption_context("k1", "v1")
        .send()
        .await
        .unwrap();
    assert_eq!(out.plaintext().unwrap().as_ref(), b"s");
}

#[tokio::test]
async fn tampered_and_garbage_blobs_are_invalid_ciphertext_without_message() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    let blob = encrypt(&kms, &id, b"payload", &[]).await.into_inner();
    for index in [0, 1, 10, 40, blob.len() / 2, blob.len() - 1] {
        let mut tampered = blob.clone();
        tampered[index] ^= 0x01;
        let result = kms
            .decrypt()
            .ciphertext_blob(Blob::new(tampered))
            .send()
            .await;
        let (code, message) = common::error_of(result);
        // Flipping a key-id byte may name a key that does not exist: AWS then answers with
        // AccessDenied (it hides whether the key exists); everything else is InvalidCiphertext.
        assert!(
            (code == "InvalidCiphertextException" && message == NO_MESSAGE)
                || code == "AccessDeniedException",
            "byte {index}: {code} {message}"
        );
    }
    assert_error(
        kms.decrypt()
            .ciphertext_blob(Blob::new(b"garbage".to_vec()))
            .send()
            .await,
        "InvalidCiphertextException",
        NO_MESSAGE,
    );
    assert_error(
        kms.decrypt()
            .ciphertext_blob(Blob::new(blob[..blob.len() - 1].to_vec()))
            .send()
            .await,
        "InvalidCiphertextException",
        NO_MESSAGE,
    );
}

#[tokio::test]
async fn decrypt_refuses_the_wrong_key_and_foreign_blobs() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    let (other, _) = new_key(&kms).await;
    let blob = encrypt(&kms, &id, b"x", &[]).await;
    assert_error(
        kms.decrypt()
            .ciphertext_blob(blob.clone())
            .key_id(&other)
            .send()
            .await,
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
    );
    let unknown = "1234abcd-12ab-34cd-56ef-1234567890ab";
    assert_error(
        kms.decrypt()
            .ciphertext_blob(blob.clone())
            .key_id(unknown)
            .send()
            .await,
        "NotFoundException",
        format!("Key 'arn:aws:kms:us-east-1:000000000000:key/{unknown}' does not exist"),
    );
    let stranger = kms_client_as(&server, "111111111111", "test", "us-east-1");
    assert_error(
        stranger.decrypt().ciphertext_blob(blob).send().await,
        "AccessDeniedException",
        "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.",
    );
}

#[tokio::test]
async fn encrypt_validates_like_kms() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    assert_error(
        kms.encrypt()
            .key_id(&id)
            .plaintext(Blob::new(vec![0u8; 4097]))
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
    assert_error(
        kms.encrypt()
            .key_id(&id)
            .plaintext(Blob::new(Vec::new()))
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    let max = kms
        .encrypt()
        .key_id(&id)
        .plaintext(Blob::new(vec![7u8; 4096]))
        .send()
        .await
        .unwrap();
    assert!(max.ciphertext_blob().unwrap().as_ref().len() <= 6144);
    assert_error(
        kms.encrypt()
            .key_id(&id)
            .plaintext(Blob::new("x"))
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
    // LocalStack's wording for an algorithm a symmetric key does not have (AWS's is not known).
    assert_error(
        kms.encrypt()
            .key_id(&id)
            .plaintext(Blob::new("x"))
            .encryption_algorithm(EncryptionAlgorithmSpec::RsaesOaepSha256)
            .send()
            .await,
        "InvalidKeyUsageException",
        "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.",
    );
    assert_error(
        kms.encrypt()
            .key_id("nope")
            .plaintext(Blob::new("x"))
            .send()
            .await,
        "NotFoundException",
        "Invalid keyId 'nope'",
    );
    // Lockbox's choice (AWS's behaviour is not known): grant tokens Lockbox did not issue are
    // refused; pinned here.
    assert_error(
        kms.encrypt()
            .key_id(&id)
            .plaintext(Blob::new("x"))
            .grant_tokens("bogus")
            .send()
            .await,
        "InvalidGrantTokenException",
        "Invalid grant token.",
    );
    assert!(arn.contains(&id));
}
