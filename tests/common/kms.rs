//! KMS helpers shared by the KMS integration tests.

use aws_sdk_kms::primitives::Blob;

/// What `error_of` reports for an error without a message (InvalidCiphertextException).
pub const NO_MESSAGE: &str = "<no message>";

/// Creates a symmetric key; returns (key id, key ARN).
pub async fn new_key(kms: &aws_sdk_kms::Client) -> (String, String) {
    let created = kms.create_key().send().await.expect("CreateKey");
    let meta = created.key_metadata().expect("KeyMetadata");
    (
        meta.key_id().to_owned(),
        meta.arn().expect("Arn").to_owned(),
    )
}

/// Encrypts `plaintext` under `key` with the encryption context `ctx`.
pub async fn encrypt(
    kms: &aws_sdk_kms::Client,
    key: &str,
    plaintext: &[u8],
    ctx: &[(&str, &str)],
) -> Blob {
    let mut call = kms.encrypt().key_id(key).plaintext(Blob::new(plaintext));
    for (k, v) in ctx {
        call = call.encryption_context(*k, *v);
    }
    call.send()
        .await
        .expect("Encrypt")
        .ciphertext_blob
        .expect("CiphertextBlob")
}
