//! HMAC and asymmetric material: imported HMAC keys MAC as the `hmac` crate does offline with
//! the same bytes; imported key pairs (PKCS#8, wrapped with RSA + AES key wrap, or OAEP for
//! elliptic curves) sign so that their own public key verifies, and GetPublicKey returns it;
//! the one material they take cannot change, and symmetric-only members are refused.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{ImportType, MacAlgorithmSpec, MessageType, SigningAlgorithmSpec};
use getrandom::SysRng;
use hmac::Mac as _;
use p256::elliptic_curve::Generate as _;
use pkcs8::EncodePrivateKey as _;
use signature::Verifier as _;
use spki::EncodePublicKey as _;

use super::support::{import, new_external, params, state_of, wrap};
use crate::common::{assert_error, kms_client, start};

#[tokio::test]
async fn an_imported_hmac_key_macs_as_the_same_bytes_do_offline() {
    let server = start().await;
    let kms = kms_client(&server);
    let arn = new_external(&kms, "HMAC_256", "GENERATE_VERIFY_MAC").await;
    let refused = kms
        .generate_mac()
        .key_id(&arn)
        .mac_algorithm(MacAlgorithmSpec::HmacSha256)
        .message(Blob::new(b"m".to_vec()))
        .send()
        .await;
    assert_error(
        refused,
        "KMSInvalidStateException",
        format!("{arn} is pending import."),
    );
    let material = [0x17u8; 48];
    let imported = import(&kms, &arn, "RSAES_OAEP_SHA_1", &material).await;
    // Only symmetric encryption keys show a KeyMaterialId.
    assert_eq!(imported.key_material_id(), None);
    let mac = kms
        .generate_mac()
        .key_id(&arn)
        .mac_algorithm(MacAlgorithmSpec::HmacSha256)
        .message(Blob::new(b"token payload".to_vec()))
        .send()
        .await
        .unwrap();
    let mut offline = hmac::Hmac::<sha2::Sha256>::new_from_slice(&material).unwrap();
    offline.update(b"token payload");
    assert_eq!(
        mac.mac().unwrap().as_ref(),
        offline.finalize().into_bytes().as_slice()
    );

    // Symmetric-only members are refused; other material is refused; deletion answers "".
    let p = params(&kms, &arn, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    let typed = kms
        .import_key_material()
        .key_id(&arn)
        .import_token(p.token.clone())
        .encrypted_key_material(Blob::new(wrap(
            &p.public_key,
            "RSAES_OAEP_SHA_256",
            &material,
        )))
        .expiration_model("KEY_MATERIAL_DOES_NOT_EXPIRE".into())
        .import_type(ImportType::ExistingKeyMaterial)
        .send()
        .await;
    assert_error(
        typed,
        "ValidationException",
        "ImportType, KeyMaterialDescription and KeyMaterialId are supported only for symmetric encryption keys.",
    );
    let other = kms
        .import_key_material()
        .key_id(&arn)
        .import_token(p.token)
        .encrypted_key_material(Blob::new(wrap(
            &p.public_key,
            "RSAES_OAEP_SHA_256",
            &[1; 32],
        )))
        .expiration_model("KEY_MATERIAL_DOES_NOT_EXPIRE".into())
        .send()
        .await;
    assert_error(
        other,
        "IncorrectKeyMaterialException",
        format!("The key material does not match the key material previously imported into {arn}."),
    );
    let deleted = kms
        .delete_imported_key_material()
        .key_id(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.key_material_id(), Some(""));
    assert_eq!(state_of(&kms, &arn).await, "PendingImport");
    import(&kms, &arn, "RSAES_OAEP_SHA_256", &material).await;
    assert_eq!(state_of(&kms, &arn).await, "Enabled");
}

#[tokio::test]
async fn hmac_material_lengths_follow_the_spec() {
    let server = start().await;
    let kms = kms_client(&server);
    let arn = new_external(&kms, "HMAC_512", "GENERATE_VERIFY_MAC").await;
    let p = params(&kms, &arn, "RSAES_OAEP_SHA_256", "RSA_4096").await;
    let short = kms
        .import_key_material()
        .key_id(&arn)
        .import_token(p.token)
        .encrypted_key_material(Blob::new(wrap(
            &p.public_key,
            "RSAES_OAEP_SHA_256",
            &[1; 63],
        )))
        .expiration_model("KEY_MATERIAL_DOES_NOT_EXPIRE".into())
        .send()
        .await;
    assert_error(
        short,
        "IncorrectKeyMaterialException",
        "The key material is not valid for a KMS key with key spec HMAC_512.",
    );
    import(&kms, &arn, "RSAES_OAEP_SHA_256", &[1; 128]).await;
}

/// Signs `message` with `key` through KMS.
async fn kms_sign(
    kms: &aws_sdk_kms::Client,
    key: &str,
    algorithm: &str,
    message: &[u8],
) -> Vec<u8> {
    kms.sign()
        .key_id(key)
        .message(Blob::new(message.to_vec()))
        .message_type(MessageType::Raw)
        .signing_algorithm(SigningAlgorithmSpec::from(algorithm))
        .send()
        .await
        .unwrap()
        .signature()
        .unwrap()
        .as_ref()
        .to_vec()
}

async fn public_key(kms: &aws_sdk_kms::Client, key: &str) -> Vec<u8> {
    let out = kms.get_public_key().key_id(key).send().await.unwrap();
    out.public_key().unwrap().as_ref().to_vec()
}

#[tokio::test]
async fn imported_elliptic_curve_keys_sign_with_the_imported_key() {
    let server = start().await;
    let kms = kms_client(&server);
    for algorithm in ["RSA_AES_KEY_WRAP_SHA_256", "RSAES_OAEP_SHA_256"] {
        let arn = new_external(&kms, "ECC_NIST_P256", "SIGN_VERIFY").await;
        let signing = p256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng).unwrap();
        let der = signing.to_pkcs8_der().unwrap();
        import(&kms, &arn, algorithm, der.as_bytes()).await;
        let expected = signing.verifying_key().to_public_key_der().unwrap();
        assert_eq!(public_key(&kms, &arn).await, expected.as_bytes());
        let signature = kms_sign(&kms, &arn, "ECDSA_SHA_256", b"document").await;
        let signature = p256::ecdsa::DerSignature::try_from(signature.as_slice()).unwrap();
        signing
            .verifying_key()
            .verify(b"document", &signature)
            .unwrap();
    }
    // A key pair of another curve does not fit.
    let arn = new_external(&kms, "ECC_NIST_P384", "SIGN_VERIFY").await;
    let p = params(&kms, &arn, "RSA_AES_KEY_WRAP_SHA_1", "RSA_2048").await;
    let p256_der = p256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng)
        .unwrap()
        .to_pkcs8_der()
        .unwrap();
    let wrong = kms
        .import_key_material()
        .key_id(&arn)
        .import_token(p.token)
        .encrypted_key_material(Blob::new(wrap(
            &p.public_key,
            "RSA_AES_KEY_WRAP_SHA_1",
            p256_der.as_bytes(),
        )))
        .expiration_model("KEY_MATERIAL_DOES_NOT_EXPIRE".into())
        .send()
        .await;
    assert_error(
        wrong,
        "IncorrectKeyMaterialException",
        "The key material is not valid for a KMS key with key spec ECC_NIST_P384.",
    );
}

#[tokio::test]
async fn an_imported_rsa_key_pair_signs_and_decrypts() {
    let server = start().await;
    let kms = kms_client(&server);
    let private = rsa::PrivateKey::new(&mut SysRng, 2048).unwrap();
    let der = private.to_pkcs8_der().unwrap();
    let signer = new_external(&kms, "RSA_2048", "SIGN_VERIFY").await;
    import(&kms, &signer, "RSA_AES_KEY_WRAP_SHA_1", der.as_bytes()).await;
    let expected = private.to_public_key().to_public_key_der().unwrap();
    assert_eq!(public_key(&kms, &signer).await, expected.as_bytes());
    let signature = kms_sign(&kms, &signer, "RSASSA_PKCS1_V1_5_SHA_256", b"release").await;
    let verifying = rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(private.to_public_key());
    let signature = rsa::pkcs1v15::Signature::try_from(signature.as_slice()).unwrap();
    verifying.verify(b"release", &signature).unwrap();

    let decrypter = new_external(&kms, "RSA_2048", "ENCRYPT_DECRYPT").await;
    import(&kms, &decrypter, "RSA_AES_KEY_WRAP_SHA_256", der.as_bytes()).await;
    let ciphertext = private
        .to_public_key()
        .encrypt(
            &mut SysRng,
            rsa::Oaep::<rsa::sha2::Sha256>::new(),
            b"for kms",
        )
        .unwrap();
    let decrypted = kms
        .decrypt()
        .key_id(&decrypter)
        .ciphertext_blob(Blob::new(ciphertext))
        .encryption_algorithm("RSAES_OAEP_SHA_256".into())
        .send()
        .await
        .unwrap();
    assert_eq!(decrypted.plaintext().unwrap().as_ref(), b"for kms");
}
