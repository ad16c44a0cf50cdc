//! KMS cryptographic operations through the official Rust SDK: Encrypt, Decrypt, ReEncrypt,
//! GenerateDataKey, GenerateDataKeyWithoutPlaintext and GenerateRandom, with AWS's exact
//! errors, encryption-context binding, and the AWS managed key's refusal of direct use.
#![allow(clippy::unwrap_used)]

mod common;

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{DataKeySpec, EncryptionAlgorithmSpec};
use common::{assert_error, client, kms_client, kms_client_as, start};

const NO_MESSAGE: &str = "<no message>";

async fn new_key(kms: &aws_sdk_kms::Client) -> (String, String) {
    let created = kms.create_key().send().await.unwrap();
    let meta = created.key_metadata().unwrap();
    (meta.key_id().to_owned(), meta.arn().unwrap().to_owned())
}

async fn encrypt(
    kms: &aws_sdk_kms::Client,
    key: &str,
    plaintext: &[u8],
    ctx: &[(&str, &str)],
) -> Blob {
    let mut call = kms.encrypt().key_id(key).plaintext(Blob::new(plaintext));
    for (k, v) in ctx {
        call = call.encryption_context(*k, *v);
    }
    call.send().await.unwrap().ciphertext_blob.unwrap()
}

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
    // [LS] wording for an algorithm a symmetric key does not have.
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
    // [I] grant tokens Lockbox did not issue are refused; pinned here.
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
    // [Mo] wording (AWS's is unverified), pinned.
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
    // [I] No custom key stores exist; the wording is Lockbox's.
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
    // [I] What its key policy (auto-secretsmanager-2) makes AWS answer: the cryptographic
    // actions are allowed only via Secrets Manager (kms:ViaService).
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
