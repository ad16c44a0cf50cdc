//! The AWS managed key `aws/secretsmanager` through the official Rust SDK: callers cannot use
//! it directly for cryptographic operations or grants (AccessDeniedException as its key policy
//! makes AWS answer) while Secrets Manager keeps using it; and Decrypt's DryRun modifiers.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::kms::{NO_MESSAGE, encrypt, new_key};

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{DataKeySpec, GrantOperation};
use common::{assert_error, client, kms_client, start};

#[tokio::test]
async fn the_secrets_manager_key_is_not_for_direct_use_but_secrets_manager_uses_it() {
    let server = start().await;
    let kms = kms_client(&server);
    let sm = client(&server);
    sm.create_secret()
        .name("s")
        .secret_string("value")
        .send()
        .await
        .unwrap();
    let meta = kms
        .describe_key()
        .key_id("alias/aws/secretsmanager")
        .send()
        .await
        .unwrap();
    let arn = meta.key_metadata().unwrap().arn().unwrap().to_owned();
    // What we expect its key policy (auto-secretsmanager-2) to make AWS answer (not recorded;
    // pinned here): the cryptographic actions are allowed only via Secrets Manager
    // (kms:ViaService).
    let denied = |action: &str| {
        format!(
            "User: arn:aws:iam::000000000000:root is not authorized to perform: {action} on resource: {arn} because no resource-based policy allows the {action} action"
        )
    };
    for key in ["alias/aws/secretsmanager", arn.as_str()] {
        assert_error(
            kms.encrypt()
                .key_id(key)
                .plaintext(Blob::new("x"))
                .send()
                .await,
            "AccessDeniedException",
            denied("kms:Encrypt"),
        );
        assert_error(
            kms.generate_data_key()
                .key_id(key)
                .key_spec(DataKeySpec::Aes256)
                .send()
                .await,
            "AccessDeniedException",
            denied("kms:GenerateDataKey"),
        );
        assert_error(
            kms.generate_data_key_without_plaintext()
                .key_id(key)
                .key_spec(DataKeySpec::Aes256)
                .send()
                .await,
            "AccessDeniedException",
            denied("kms:GenerateDataKeyWithoutPlaintext"),
        );
        // This SDK predates DryRunModifiers: a signed raw call checks Decrypt's refusal
        // (a blob of this key never leaves Secrets Manager).
        let (status, body) = kms_raw(
            &server,
            "Decrypt",
            serde_json::json!({"CiphertextBlob": "AAAA", "KeyId": key, "DryRun": true,
                "DryRunModifiers": ["IGNORE_CIPHERTEXT"]}),
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(
            body,
            serde_json::json!({"__type": "AccessDeniedException", "message": denied("kms:Decrypt")})
        );
    }
    let (own, _) = new_key(&kms).await;
    let blob = encrypt(&kms, &own, b"x", &[]).await;
    assert_error(
        kms.re_encrypt()
            .ciphertext_blob(blob)
            .destination_key_id("alias/aws/secretsmanager")
            .send()
            .await,
        "AccessDeniedException",
        denied("kms:ReEncryptTo"),
    );
    // Secrets Manager still encrypts and decrypts with it in-process.
    let value = sm.get_secret_value().secret_id("s").send().await.unwrap();
    assert_eq!(value.secret_string(), Some("value"));
    sm.put_secret_value()
        .secret_id("s")
        .secret_string("v2")
        .send()
        .await
        .unwrap();
    let value = sm.get_secret_value().secret_id("s").send().await.unwrap();
    assert_eq!(value.secret_string(), Some("v2"));
}

#[tokio::test]
async fn decrypt_dry_run_checks_the_ciphertext_unless_told_to_ignore_it() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    let blob = encrypt(&kms, &id, b"x", &[]).await;
    let dry = "The request would have succeeded, but the DryRun option is set.";
    assert_error(
        kms.decrypt()
            .ciphertext_blob(blob)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        dry,
    );
    assert_error(
        kms.decrypt()
            .ciphertext_blob(Blob::new(b"junk".to_vec()))
            .dry_run(true)
            .send()
            .await,
        "InvalidCiphertextException",
        NO_MESSAGE,
    );
    let (status, body) = kms_raw(
        &server,
        "Decrypt",
        serde_json::json!({"CiphertextBlob": "anVuaw==", "KeyId": id, "DryRun": true,
            "DryRunModifiers": ["IGNORE_CIPHERTEXT"]}),
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("DryRunOperationException"))
    );
    assert_eq!(body["message"], dry);
}

/// A KMS call as `test`/`test` in us-east-1, signed for `kms`, with a raw JSON body (for
/// members this SDK version does not have): (status, JSON body).
async fn kms_raw(
    server: &lockbox::ServerHandle,
    operation: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    let body = body.to_string();
    let host = server.addr().to_string();
    let headers = [
        ("host".to_owned(), host.clone()),
        (
            "content-type".to_owned(),
            "application/x-amz-json-1.1".to_owned(),
        ),
        (
            "x-amz-target".to_owned(),
            format!("TrentService.{operation}"),
        ),
    ];
    let identity = aws_credential_types::Credentials::new("test", "test", None, None, "raw").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("kms")
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("http://{host}/");
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = reqwest::Client::new()
        .post(format!("{}/", server.endpoint_url()))
        .body(body);
    for (name, value) in headers.iter().skip(1) {
        request = request.header(name.as_str(), value.as_str());
    }
    for (name, value) in instructions.headers() {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap())
}

#[tokio::test]
async fn grants_on_the_secrets_manager_key_are_refused() {
    let server = start().await;
    let kms = kms_client(&server);
    let meta = kms
        .describe_key()
        .key_id("alias/aws/secretsmanager")
        .send()
        .await
        .unwrap();
    let arn = meta.key_metadata().unwrap().arn().unwrap().to_owned();
    assert_error(
        kms.create_grant()
            .key_id(&arn)
            .grantee_principal("arn:aws:iam::000000000000:role/app")
            .operations(GrantOperation::Decrypt)
            .send()
            .await,
        "AccessDeniedException",
        format!(
            "User: arn:aws:iam::000000000000:root is not authorized to perform: kms:CreateGrant on resource: {arn} because no resource-based policy allows the kms:CreateGrant action"
        ),
    );
    // Listing is allowed (kms:List* for the account).
    let listed = kms.list_grants().key_id(&arn).send().await.unwrap();
    assert!(listed.grants().is_empty());
}
