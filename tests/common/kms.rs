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

/// A raw request to `server` with `X-Amz-Target: <target>` and the JSON `body`, signed (as
/// `test`/`test`, us-east-1) for the signing name `service`: (status, JSON answer). For the
/// operations the Rust SDK in use does not have yet (GetKeyLastUsage).
pub async fn signed_call(
    server: &lockbox::ServerHandle,
    target: &str,
    service: &str,
    body: &[u8],
) -> (u16, serde_json::Value) {
    let host = server.addr().to_string();
    let headers = vec![
        ("host".to_owned(), host.clone()),
        (
            "content-type".to_owned(),
            "application/x-amz-json-1.1".to_owned(),
        ),
        ("x-amz-target".to_owned(), target.to_owned()),
    ];
    let headers =
        super::sign_headers_for(&host, headers, body, std::time::SystemTime::now(), service);
    let mut request = reqwest::Client::new()
        .post(format!("{}/", server.endpoint_url()))
        .body(body.to_vec());
    for (name, value) in headers.iter().filter(|(name, _)| name != "host") {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let value = match text.is_empty() {
        true => serde_json::Value::Null,
        false => serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    };
    (status, value)
}

/// Calls the KMS operation `operation` with the JSON `body` through [`signed_call`].
pub async fn kms_call(
    server: &lockbox::ServerHandle,
    operation: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    signed_call(
        server,
        &format!("TrentService.{operation}"),
        "kms",
        body.to_string().as_bytes(),
    )
    .await
}
