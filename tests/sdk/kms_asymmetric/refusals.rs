//! Operations of other kinds refusing a key with AWS's errors: the symmetric operations on
//! key pairs and HMAC keys, rotation of keys that cannot rotate, and grants of operations or
//! constraints a key's kind does not support.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{DataKeySpec, EncryptionAlgorithmSpec, GrantOperation};

use super::support::new_key;
use crate::common::{assert_error, kms_client, start};

#[tokio::test]
async fn symmetric_operations_refuse_other_kinds_with_aws_texts() {
    let server = start().await;
    let kms = kms_client(&server);
    let signing = new_key(&kms, "ECC_NIST_P256", "SIGN_VERIFY").await;
    let hmac = new_key(&kms, "HMAC_256", "GENERATE_VERIFY_MAC").await;
    let rsa = new_key(&kms, "RSA_2048", "ENCRYPT_DECRYPT").await;
    let encrypt = |key: &str| {
        kms.encrypt()
            .key_id(key)
            .plaintext(Blob::new(b"x".to_vec()))
            .send()
    };
    assert_error(
        encrypt(&signing).await,
        "InvalidKeyUsageException",
        format!("{signing} key usage is SIGN_VERIFY which is not valid for Encrypt."),
    );
    assert_error(
        encrypt(&hmac).await,
        "InvalidKeyUsageException",
        format!("{hmac} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt."),
    );
    assert_error(
        encrypt(&rsa).await,
        "InvalidKeyUsageException",
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
    );
    let (_, symmetric) = crate::common::kms::new_key(&kms).await;
    assert_error(
        kms.encrypt()
            .key_id(&symmetric)
            .plaintext(Blob::new(b"x".to_vec()))
            .encryption_algorithm(EncryptionAlgorithmSpec::RsaesOaepSha256)
            .send()
            .await,
        "InvalidKeyUsageException",
        "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.",
    );
    let data_key = |key: &str| {
        kms.generate_data_key()
            .key_id(key)
            .key_spec(DataKeySpec::Aes256)
            .send()
    };
    assert_error(
        data_key(&signing).await,
        "InvalidKeyUsageException",
        format!("{signing} key usage is SIGN_VERIFY which is not valid for GenerateDataKey."),
    );
    assert_error(
        data_key(&rsa).await,
        "InvalidKeyUsageException",
        format!("{rsa} key KeySpec is RSA_2048 which is not valid for GenerateDataKey."),
    );
    assert_error(
        kms.generate_data_key_without_plaintext()
            .key_id(&hmac)
            .key_spec(DataKeySpec::Aes256)
            .send()
            .await,
        "InvalidKeyUsageException",
        format!(
            "{hmac} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKeyWithoutPlaintext."
        ),
    );
    // A symmetric blob re-encrypted towards a signing key.
    let blob = kms
        .encrypt()
        .key_id(&symmetric)
        .plaintext(Blob::new(b"x".to_vec()))
        .send()
        .await
        .unwrap()
        .ciphertext_blob
        .unwrap();
    assert_error(
        kms.re_encrypt()
            .ciphertext_blob(blob)
            .destination_key_id(&signing)
            .send()
            .await,
        "InvalidKeyUsageException",
        format!("{signing} key usage is SIGN_VERIFY which is not valid for ReEncrypt."),
    );
}

#[tokio::test]
async fn only_symmetric_keys_rotate_and_grants_follow_the_kind() {
    let server = start().await;
    let kms = kms_client(&server);
    for (spec, usage) in [
        ("ECC_NIST_P384", "SIGN_VERIFY"),
        ("HMAC_512", "GENERATE_VERIFY_MAC"),
    ] {
        let arn = new_key(&kms, spec, usage).await;
        let refusal = format!("{arn} key spec is {spec} which is not valid for this operation.");
        assert_error(
            kms.enable_key_rotation().key_id(&arn).send().await,
            "UnsupportedOperationException",
            &refusal,
        );
        assert_error(
            kms.disable_key_rotation().key_id(&arn).send().await,
            "UnsupportedOperationException",
            &refusal,
        );
        assert_error(
            kms.rotate_key_on_demand().key_id(&arn).send().await,
            "UnsupportedOperationException",
            &refusal,
        );
        assert_error(
            kms.list_key_rotations().key_id(&arn).send().await,
            "UnsupportedOperationException",
            &refusal,
        );
        let status = kms
            .get_key_rotation_status()
            .key_id(&arn)
            .send()
            .await
            .unwrap();
        assert!(!status.key_rotation_enabled());
    }
    let signing = new_key(&kms, "ECC_NIST_P256", "SIGN_VERIFY").await;
    let grant = |key: &str, ops: &[GrantOperation]| {
        let mut call = kms
            .create_grant()
            .key_id(key)
            .grantee_principal("arn:aws:iam::000000000000:role/signer");
        for op in ops {
            call = call.operations(op.clone());
        }
        call.send()
    };
    grant(
        &signing,
        &[
            GrantOperation::Sign,
            GrantOperation::Verify,
            GrantOperation::GetPublicKey,
        ],
    )
    .await
    .unwrap();
    assert_error(
        grant(&signing, &[GrantOperation::Sign, GrantOperation::Encrypt]).await,
        "ValidationException",
        "Grant operations [Encrypt] are not supported by a KMS key with KeySpec ECC_NIST_P256 and KeyUsage SIGN_VERIFY.",
    );
    let hmac = new_key(&kms, "HMAC_256", "GENERATE_VERIFY_MAC").await;
    grant(&hmac, &[GrantOperation::GenerateMac]).await.unwrap();
    assert_error(
        kms.create_grant()
            .key_id(&hmac)
            .grantee_principal("arn:aws:iam::000000000000:role/signer")
            .operations(GrantOperation::VerifyMac)
            .constraints(
                aws_sdk_kms::types::GrantConstraints::builder()
                    .encryption_context_subset("a", "b")
                    .build(),
            )
            .send()
            .await,
        "ValidationException",
        "Grant constraints are not supported by a KMS key with KeySpec HMAC_256 and KeyUsage GENERATE_VERIFY_MAC.",
    );
}
