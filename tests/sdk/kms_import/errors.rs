//! The errors of the import operations, with their `__type` and message: keys of another
//! origin, wrapping choices AWS refuses, tokens that are forged, for another key or expired,
//! material that does not unwrap or does not fit, expiry rules, and the key states.

use aws_sdk_kms::primitives::{Blob, DateTime};
use aws_sdk_kms::types::{ExpirationModelType, ImportType, KeySpec, OriginType};

use super::support::{import, new_external, params, wrap};
use crate::common::kms::{NO_MESSAGE, new_key};
use crate::common::{advance_clock, assert_error, error_of, kms_client, start};

#[tokio::test]
async fn a_key_of_origin_aws_kms_refuses_every_import_operation() {
    let server = start().await;
    let kms = kms_client(&server);
    let (_, arn) = new_key(&kms).await;
    let expected = format!("{arn} origin is AWS_KMS which is not valid for this operation.");
    let got = kms
        .get_parameters_for_import()
        .key_id(&arn)
        .wrapping_algorithm("RSAES_OAEP_SHA_256".into())
        .wrapping_key_spec("RSA_2048".into())
        .send()
        .await;
    assert_error(got, "UnsupportedOperationException", &expected);
    let imported = kms
        .import_key_material()
        .key_id(&arn)
        .import_token(Blob::new(vec![1; 16]))
        .encrypted_key_material(Blob::new(vec![1; 16]))
        .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
        .send()
        .await;
    assert_error(imported, "UnsupportedOperationException", &expected);
    let deleted = kms.delete_imported_key_material().key_id(&arn).send().await;
    assert_error(deleted, "UnsupportedOperationException", &expected);
    // An alias is not accepted.
    let by_alias = kms
        .get_parameters_for_import()
        .key_id("alias/whatever")
        .wrapping_algorithm("RSAES_OAEP_SHA_256".into())
        .wrapping_key_spec("RSA_2048".into())
        .send()
        .await;
    assert_error(
        by_alias,
        "NotFoundException",
        "Invalid keyId 'alias/whatever'",
    );
}

#[tokio::test]
async fn wrapping_choices_aws_refuses() {
    let server = start().await;
    let kms = kms_client(&server);
    let arn = new_external(&kms, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT").await;
    let ask = |algorithm: &'static str, spec: &'static str| {
        kms.get_parameters_for_import()
            .key_id(&arn)
            .wrapping_algorithm(algorithm.into())
            .wrapping_key_spec(spec.into())
            .send()
    };
    assert_error(
        ask("RSAES_PKCS1_V1_5", "RSA_2048").await,
        "ValidationException",
        "The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported. Use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.",
    );
    assert_error(
        ask("SM2PKE", "RSA_2048").await,
        "UnsupportedOperationException",
        "WrappingAlgorithm SM2PKE is not supported in this region.",
    );
    assert_error(
        ask("RSAES_OAEP_SHA_256", "SM2").await,
        "UnsupportedOperationException",
        "WrappingKeySpec SM2 is not supported in this region.",
    );
    assert_error(
        ask("RSA_AES_KEY_WRAP_SHA_256", "RSA_4096").await,
        "UnsupportedOperationException",
        "The wrapping algorithm RSA_AES_KEY_WRAP_SHA_256 with wrapping key spec RSA_4096 is not supported for key spec SYMMETRIC_DEFAULT.",
    );
    let (code, message) = error_of(ask("RSAES_OAEP_SHA_512", "RSA_2048").await);
    assert_eq!(code, "ValidationException");
    assert!(message.contains("'wrappingAlgorithm'"), "{message}");
    let p521 = new_external(&kms, "ECC_NIST_P521", "SIGN_VERIFY").await;
    let too_small = kms
        .get_parameters_for_import()
        .key_id(&p521)
        .wrapping_algorithm("RSAES_OAEP_SHA_256".into())
        .wrapping_key_spec("RSA_2048".into())
        .send()
        .await;
    assert_error(
        too_small,
        "UnsupportedOperationException",
        "The wrapping algorithm RSAES_OAEP_SHA_256 with wrapping key spec RSA_2048 is not supported for key spec ECC_NIST_P521.",
    );
    // ML-DSA material cannot be imported at all.
    let ml_dsa = kms
        .create_key()
        .origin(OriginType::External)
        .key_spec(KeySpec::MlDsa44)
        .key_usage("SIGN_VERIFY".into())
        .send()
        .await;
    assert_error(
        ml_dsa,
        "UnsupportedOperationException",
        "KeySpec ML_DSA_44 is not supported for Origin EXTERNAL.",
    );
}

#[tokio::test]
async fn tokens_must_be_ours_for_this_key_and_fresh() {
    let server = start().await;
    let kms = kms_client(&server);
    let arn = new_external(&kms, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT").await;
    let other = new_external(&kms, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT").await;
    let theirs = params(&kms, &other, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    let material = wrap(&theirs.public_key, "RSAES_OAEP_SHA_256", &[1; 32]);
    let send = |token: Blob, material: Vec<u8>| {
        kms.import_key_material()
            .key_id(&arn)
            .import_token(token)
            .encrypted_key_material(Blob::new(material))
            .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
            .send()
    };
    let invalid = "Import token is invalid or is associated with a different KMS key.";
    assert_error(
        send(theirs.token.clone(), material.clone()).await,
        "InvalidImportTokenException",
        invalid,
    );
    assert_error(
        send(Blob::new(vec![9; 300]), material).await,
        "InvalidImportTokenException",
        invalid,
    );
    let mine = params(&kms, &arn, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    // Material that does not unwrap with this token's key.
    assert_error(
        send(mine.token.clone(), vec![3; 256]).await,
        "InvalidCiphertextException",
        NO_MESSAGE,
    );
    // Material of the wrong size for the key.
    let short = wrap(&mine.public_key, "RSAES_OAEP_SHA_256", &[1; 16]);
    assert_error(
        send(mine.token.clone(), short).await,
        "IncorrectKeyMaterialException",
        "The key material is not valid for a KMS key with key spec SYMMETRIC_DEFAULT.",
    );
    advance_clock(&server, "24h").await;
    let late = wrap(&mine.public_key, "RSAES_OAEP_SHA_256", &[1; 32]);
    assert_error(
        send(mine.token, late).await,
        "ExpiredImportTokenException",
        "Import token has expired. Call GetParametersForImport to get a new import token and public key.",
    );
}

#[tokio::test]
async fn expiry_rules_and_import_types() {
    let server = start().await;
    let kms = kms_client(&server);
    let arn = new_external(&kms, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT").await;
    let p = params(&kms, &arn, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    let material = wrap(&p.public_key, "RSAES_OAEP_SHA_256", &[1; 32]);
    let base = || {
        kms.import_key_material()
            .key_id(&arn)
            .import_token(p.token.clone())
            .encrypted_key_material(Blob::new(material.clone()))
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert_error(
        base().send().await,
        "ValidationException",
        "ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES.",
    );
    assert_error(
        base()
            .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
            .valid_to(DateTime::from_secs(now + 60))
            .send()
            .await,
        "ValidationException",
        "ValidTo must not be specified when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.",
    );
    for bad in [now - 60, now + 366 * 86_400] {
        assert_error(
            base().valid_to(DateTime::from_secs(bad)).send().await,
            "ValidationException",
            "ValidTo must be in the future and no more than 365 days from now.",
        );
    }
    assert_error(
        base()
            .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
            .import_type(ImportType::NewKeyMaterial)
            .key_material_id("a".repeat(64))
            .send()
            .await,
        "ValidationException",
        "KeyMaterialId cannot be specified when ImportType is NEW_KEY_MATERIAL.",
    );
    let (code, message) = error_of(
        base()
            .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
            .key_material_id("XYZ")
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert!(message.contains("'keyMaterialId'"), "{message}");
    // EXISTING before anything was imported: nothing to match.
    assert_error(
        base()
            .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
            .import_type(ImportType::ExistingKeyMaterial)
            .send()
            .await,
        "IncorrectKeyMaterialException",
        format!("The key material does not match the key material previously imported into {arn}."),
    );
    let first = base()
        .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
        .key_material_description("first batch")
        .send()
        .await
        .unwrap();
    // The same bytes as NEW material: already associated.
    assert_error(
        import_new(&kms, &arn, &[1; 32]).await,
        "IncorrectKeyMaterialException",
        format!(
            "The key material is already associated with {arn}. Import it with ImportType EXISTING_KEY_MATERIAL."
        ),
    );
    // Other bytes as EXISTING (the default now): refused.
    let other = params(&kms, &arn, "RSAES_OAEP_SHA_1", "RSA_2048").await;
    let different = kms
        .import_key_material()
        .key_id(&arn)
        .import_token(other.token)
        .encrypted_key_material(Blob::new(wrap(
            &other.public_key,
            "RSAES_OAEP_SHA_1",
            &[2; 32],
        )))
        .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
        .send()
        .await;
    assert_error(
        different,
        "IncorrectKeyMaterialException",
        format!("The key material does not match the key material previously imported into {arn}."),
    );
    // Reimport naming the material id works.
    let again = params(&kms, &arn, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    kms.import_key_material()
        .key_id(&arn)
        .import_token(again.token)
        .encrypted_key_material(Blob::new(wrap(
            &again.public_key,
            "RSAES_OAEP_SHA_256",
            &[1; 32],
        )))
        .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
        .key_material_id(first.key_material_id().unwrap())
        .send()
        .await
        .unwrap();
}

async fn import_new(
    kms: &aws_sdk_kms::Client,
    arn: &str,
    material: &[u8],
) -> Result<
    aws_sdk_kms::operation::import_key_material::ImportKeyMaterialOutput,
    aws_sdk_kms::error::SdkError<
        aws_sdk_kms::operation::import_key_material::ImportKeyMaterialError,
    >,
> {
    let p = params(kms, arn, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    kms.import_key_material()
        .key_id(arn)
        .import_token(p.token)
        .encrypted_key_material(Blob::new(wrap(
            &p.public_key,
            "RSAES_OAEP_SHA_256",
            material,
        )))
        .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
        .import_type(ImportType::NewKeyMaterial)
        .send()
        .await
}

#[tokio::test]
async fn key_states_around_imports() {
    let server = start().await;
    let kms = kms_client(&server);
    let arn = new_external(&kms, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT").await;
    let pending = format!("{arn} is pending import.");
    assert_error(
        kms.enable_key().key_id(&arn).send().await,
        "KMSInvalidStateException",
        &pending,
    );
    assert_error(
        kms.disable_key().key_id(&arn).send().await,
        "KMSInvalidStateException",
        &pending,
    );
    let origin = format!("{arn} origin is EXTERNAL which is not valid for this operation.");
    assert_error(
        kms.enable_key_rotation().key_id(&arn).send().await,
        "UnsupportedOperationException",
        &origin,
    );
    let status = kms
        .get_key_rotation_status()
        .key_id(&arn)
        .send()
        .await
        .unwrap();
    assert!(!status.key_rotation_enabled());
    // Management works while pending import.
    kms.update_key_description()
        .key_id(&arn)
        .description("waiting")
        .send()
        .await
        .unwrap();
    import(&kms, &arn, "RSAES_OAEP_SHA_256", &[1; 32]).await;
    kms.disable_key().key_id(&arn).send().await.unwrap();
    assert_error(
        kms.enable_key_rotation().key_id(&arn).send().await,
        "UnsupportedOperationException",
        &origin,
    );
    // Pending deletion: no parameters, no import; deleting material keeps the state;
    // cancelling leaves the key pending import.
    kms.schedule_key_deletion()
        .key_id(&arn)
        .send()
        .await
        .unwrap();
    let p = kms
        .get_parameters_for_import()
        .key_id(&arn)
        .wrapping_algorithm("RSAES_OAEP_SHA_256".into())
        .wrapping_key_spec("RSA_2048".into())
        .send()
        .await;
    assert_error(
        p,
        "KMSInvalidStateException",
        format!("{arn} is pending deletion."),
    );
    kms.delete_imported_key_material()
        .key_id(&arn)
        .send()
        .await
        .unwrap();
    let described = kms.describe_key().key_id(&arn).send().await.unwrap();
    assert_eq!(
        described
            .key_metadata()
            .unwrap()
            .key_state()
            .unwrap()
            .as_str(),
        "PendingDeletion"
    );
    kms.cancel_key_deletion().key_id(&arn).send().await.unwrap();
    let described = kms.describe_key().key_id(&arn).send().await.unwrap();
    assert_eq!(
        described
            .key_metadata()
            .unwrap()
            .key_state()
            .unwrap()
            .as_str(),
        "PendingImport"
    );
}
