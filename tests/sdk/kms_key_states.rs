//! The KMS key-state rules through the official Rust SDK: a disabled key refuses
//! cryptography with DisabledException, a key pending deletion with KMSInvalidStateException,
//! both naming the key ARN; enabling (or cancelling the deletion and enabling) restores it.
#![allow(clippy::unwrap_used)]

use crate::common;

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::DataKeySpec;
use common::{assert_error, kms_client, start};

#[tokio::test]
async fn disabled_and_pending_deletion_keys_refuse_cryptography() {
    let server = start().await;
    let kms = kms_client(&server);
    let meta = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .clone();
    let (id, arn) = (meta.key_id().to_owned(), meta.arn().unwrap().to_owned());
    let blob = kms
        .encrypt()
        .key_id(&id)
        .plaintext(Blob::new(b"x".to_vec()))
        .send()
        .await
        .unwrap();
    let blob = blob.ciphertext_blob().unwrap().clone();

    kms.disable_key().key_id(&id).send().await.unwrap();
    let disabled = format!("{arn} is disabled.");
    assert_error(
        kms.encrypt()
            .key_id(&id)
            .plaintext(Blob::new(b"x".to_vec()))
            .send()
            .await,
        "DisabledException",
        &disabled,
    );
    assert_error(
        kms.decrypt().ciphertext_blob(blob.clone()).send().await,
        "DisabledException",
        &disabled,
    );
    assert_error(
        kms.generate_data_key()
            .key_id(&id)
            .key_spec(DataKeySpec::Aes256)
            .send()
            .await,
        "DisabledException",
        &disabled,
    );
    let described = kms.describe_key().key_id(&id).send().await.unwrap();
    assert!(!described.key_metadata().unwrap().enabled());

    kms.schedule_key_deletion()
        .key_id(&id)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    let pending = format!("{arn} is pending deletion.");
    assert_error(
        kms.encrypt()
            .key_id(&id)
            .plaintext(Blob::new(b"x".to_vec()))
            .send()
            .await,
        "KMSInvalidStateException",
        &pending,
    );
    assert_error(
        kms.decrypt().ciphertext_blob(blob.clone()).send().await,
        "KMSInvalidStateException",
        &pending,
    );
    assert_error(
        kms.enable_key().key_id(&id).send().await,
        "KMSInvalidStateException",
        &pending,
    );

    kms.cancel_key_deletion().key_id(&id).send().await.unwrap();
    kms.enable_key().key_id(&id).send().await.unwrap();
    let plain = kms.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(plain.plaintext().unwrap().as_ref(), b"x");
}
