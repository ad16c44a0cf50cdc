//! Sign and Verify with every signing algorithm of every spec, RAW and DIGEST interchangeable,
//! and their errors with AWS's codes and texts.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{KeyState, MessageType, SigningAlgorithmSpec};

use super::support::{SIGNING_SPECS, digest_for, new_key};
use crate::common::kms::NO_MESSAGE;
use crate::common::{assert_error, error_of, kms_client, start};

const MESSAGE: &[u8] = b"{\"sub\":\"lockbox\",\"iat\":1700000000}";

/// The message type and message an algorithm signs `MESSAGE` as.
fn signed_form(algorithm: &str) -> (MessageType, Vec<u8>) {
    match algorithm {
        "ED25519_PH_SHA_512" => (MessageType::Digest, digest_for(algorithm, MESSAGE)),
        _ => (MessageType::Raw, MESSAGE.to_vec()),
    }
}

#[tokio::test]
async fn every_algorithm_signs_and_verifies_and_refuses_a_changed_message() {
    let server = start().await;
    let kms = kms_client(&server);
    for (spec, algorithms) in SIGNING_SPECS {
        let arn = new_key(&kms, spec, "SIGN_VERIFY").await;
        for &algorithm in algorithms {
            let (message_type, message) = signed_form(algorithm);
            let signed = kms
                .sign()
                .key_id(&arn)
                .message(Blob::new(message.clone()))
                .message_type(message_type.clone())
                .signing_algorithm(SigningAlgorithmSpec::from(algorithm))
                .send()
                .await
                .unwrap_or_else(|e| panic!("Sign {spec} {algorithm}: {e:?}"));
            assert_eq!(signed.key_id(), Some(arn.as_str()));
            assert_eq!(
                signed.signing_algorithm().map(|a| a.as_str()),
                Some(algorithm)
            );
            let signature = signed.signature().unwrap().clone();
            let verify = |message: Vec<u8>, message_type: MessageType, signature: Blob| {
                kms.verify()
                    .key_id(&arn)
                    .message(Blob::new(message))
                    .message_type(message_type)
                    .signature(signature)
                    .signing_algorithm(SigningAlgorithmSpec::from(algorithm))
                    .send()
            };
            let verified = verify(message.clone(), message_type.clone(), signature.clone())
                .await
                .unwrap_or_else(|e| panic!("Verify {spec} {algorithm}: {e:?}"));
            assert!(verified.signature_valid());
            assert_eq!(verified.key_id(), Some(arn.as_str()));
            // RSA and ECDSA: a RAW signature verifies as the DIGEST of the message.
            if algorithm.starts_with("RSA") || algorithm.starts_with("ECDSA") {
                let digest = digest_for(algorithm, MESSAGE);
                verify(digest, MessageType::Digest, signature.clone())
                    .await
                    .unwrap_or_else(|e| panic!("Verify DIGEST {spec} {algorithm}: {e:?}"));
            }
            let mut changed = message.clone();
            changed[0] ^= 1;
            assert_error(
                verify(changed, message_type.clone(), signature.clone()).await,
                "KMSInvalidSignatureException",
                NO_MESSAGE,
            );
            let mut bad = signature.into_inner();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            assert_error(
                verify(message, message_type, Blob::new(bad)).await,
                "KMSInvalidSignatureException",
                NO_MESSAGE,
            );
        }
    }
}

#[tokio::test]
async fn sign_checks_usage_algorithm_message_type_and_length_with_aws_texts() {
    let server = start().await;
    let kms = kms_client(&server);
    let p521 = new_key(&kms, "ECC_NIST_P521", "SIGN_VERIFY").await;
    let ml_dsa = new_key(&kms, "ML_DSA_44", "SIGN_VERIFY").await;
    let ed25519 = new_key(&kms, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY").await;
    let agreement = new_key(&kms, "ECC_NIST_P256", "KEY_AGREEMENT").await;
    let (_, symmetric) = crate::common::kms::new_key(&kms).await;
    let sign = |key: &str, algorithm: &str, message_type: MessageType, message: &[u8]| {
        kms.sign()
            .key_id(key)
            .message(Blob::new(message.to_vec()))
            .message_type(message_type)
            .signing_algorithm(SigningAlgorithmSpec::from(algorithm))
            .send()
    };
    assert_error(
        sign(&p521, "ECDSA_SHA_256", MessageType::Raw, b"m").await,
        "InvalidKeyUsageException",
        "Algorithm ECDSA_SHA_256 is incompatible with key spec ECC_NIST_P521.",
    );
    assert_error(
        sign(&p521, "SM2DSA", MessageType::Raw, b"m").await,
        "InvalidKeyUsageException",
        "Algorithm SM2DSA is incompatible with key spec ECC_NIST_P521.",
    );
    assert_error(
        sign(&symmetric, "ECDSA_SHA_256", MessageType::Raw, b"m").await,
        "InvalidKeyUsageException",
        format!("{symmetric} key usage is ENCRYPT_DECRYPT which is not valid for Sign."),
    );
    assert_error(
        sign(&agreement, "ECDSA_SHA_256", MessageType::Raw, b"m").await,
        "InvalidKeyUsageException",
        format!("{agreement} key usage is KEY_AGREEMENT which is not valid for Sign."),
    );
    assert_error(
        sign(&p521, "ECDSA_SHA_512", MessageType::Digest, &[0; 32]).await,
        "ValidationException",
        "Digest is invalid length for algorithm ECDSA_SHA_512.",
    );
    assert_error(
        sign(&ml_dsa, "ML_DSA_SHAKE_256", MessageType::Digest, &[0; 64]).await,
        "ValidationException",
        "Message type DIGEST is incompatible with key spec ML_DSA_44.",
    );
    assert_error(
        sign(&p521, "ECDSA_SHA_512", MessageType::ExternalMu, &[0; 64]).await,
        "ValidationException",
        "Message type EXTERNAL_MU is incompatible with key spec ECC_NIST_P521.",
    );
    assert_error(
        sign(
            &ml_dsa,
            "ML_DSA_SHAKE_256",
            MessageType::ExternalMu,
            &[0; 63],
        )
        .await,
        "ValidationException",
        "Digest is invalid length for algorithm ML_DSA_SHAKE_256.",
    );
    assert_error(
        sign(&ed25519, "ED25519_SHA_512", MessageType::Digest, &[0; 64]).await,
        "ValidationException",
        "Message type DIGEST is incompatible with signing algorithm ED25519_SHA_512.",
    );
    assert_error(
        sign(&ed25519, "ED25519_PH_SHA_512", MessageType::Raw, b"m").await,
        "ValidationException",
        "Message type RAW is incompatible with signing algorithm ED25519_PH_SHA_512.",
    );
    // EXTERNAL_MU signs a caller-computed 64-byte mu.
    let mu = sign(
        &ml_dsa,
        "ML_DSA_SHAKE_256",
        MessageType::ExternalMu,
        &[7; 64],
    )
    .await
    .unwrap();
    assert_eq!(mu.signature().unwrap().as_ref().len(), 2420);
    let (code, message) =
        error_of(sign(&p521, "ECDSA_SHA_512", MessageType::Raw, &[0; 4097]).await);
    assert_eq!(code, "ValidationException");
    assert!(message.contains("4096"), "{message}");
    assert_error(
        kms.sign()
            .key_id(&p521)
            .message(Blob::new(b"m".to_vec()))
            .signing_algorithm(SigningAlgorithmSpec::EcdsaSha512)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
    assert_error(
        kms.verify()
            .key_id(&p521)
            .message(Blob::new(b"m".to_vec()))
            .signature(Blob::new(vec![1; 8]))
            .signing_algorithm(SigningAlgorithmSpec::EcdsaSha512)
            .dry_run(true)
            .send()
            .await,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
    kms.disable_key().key_id(&p521).send().await.unwrap();
    assert_error(
        sign(&p521, "ECDSA_SHA_512", MessageType::Raw, b"m").await,
        "DisabledException",
        format!("{p521} is disabled."),
    );
    assert_error(
        kms.get_public_key().key_id(&p521).send().await,
        "DisabledException",
        format!("{p521} is disabled."),
    );
    let described = kms.describe_key().key_id(&p521).send().await.unwrap();
    assert_eq!(
        described.key_metadata().unwrap().key_state(),
        Some(&KeyState::Disabled)
    );
}

#[tokio::test]
async fn keys_are_found_by_alias_and_signatures_name_the_key_arn() {
    let server = start().await;
    let kms = kms_client(&server);
    let arn = new_key(&kms, "ECC_NIST_P256", "SIGN_VERIFY").await;
    kms.create_alias()
        .alias_name("alias/jwt-signer")
        .target_key_id(&arn)
        .send()
        .await
        .unwrap();
    let signed = kms
        .sign()
        .key_id("alias/jwt-signer")
        .message(Blob::new(MESSAGE.to_vec()))
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
        .send()
        .await
        .unwrap();
    assert_eq!(signed.key_id(), Some(arn.as_str()));
    let public = kms
        .get_public_key()
        .key_id("alias/jwt-signer")
        .send()
        .await
        .unwrap();
    assert_eq!(public.key_id(), Some(arn.as_str()));
}

#[tokio::test]
async fn cloudtrail_records_name_the_algorithms_but_never_messages_signatures_or_macs() {
    let server = start().await;
    let kms = kms_client(&server);
    let arn = new_key(&kms, "ECC_NIST_P256", "SIGN_VERIFY").await;
    let hmac = new_key(&kms, "HMAC_256", "GENERATE_VERIFY_MAC").await;
    let signed = kms
        .sign()
        .key_id(&arn)
        .message(Blob::new(b"audit-probe-message".to_vec()))
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
        .send()
        .await
        .unwrap();
    let mac = kms
        .generate_mac()
        .key_id(&hmac)
        .message(Blob::new(b"audit-probe-message".to_vec()))
        .mac_algorithm(aws_sdk_kms::types::MacAlgorithmSpec::HmacSha256)
        .send()
        .await
        .unwrap();
    let body =
        crate::common::admin::admin_call(&server, "GET", "/_lockbox/events?calls=direct", None)
            .await
            .text;
    let records: serde_json::Value = serde_json::from_str(&body).unwrap();
    let records = records["Records"].as_array().unwrap();
    let sign = records.iter().find(|r| r["eventName"] == "Sign").unwrap();
    assert_eq!(
        sign["requestParameters"]["signingAlgorithm"],
        "ECDSA_SHA_256"
    );
    assert_eq!(sign["requestParameters"]["keyId"], arn.as_str());
    let generate = records
        .iter()
        .find(|r| r["eventName"] == "GenerateMac")
        .unwrap();
    assert_eq!(
        generate["requestParameters"]["macAlgorithm"],
        "HMAC_SHA_256"
    );
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    for secret in [
        b64(b"audit-probe-message"),
        b64(signed.signature().unwrap().as_ref()),
        b64(mac.mac().unwrap().as_ref()),
    ] {
        assert!(!body.contains(&secret), "{secret} in {body}");
    }
    assert!(!body.contains("audit-probe-message"));
}
