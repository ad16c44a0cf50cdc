//! Related multi-Region keys are interchangeable: what one makes (ciphertexts, data keys,
//! signatures, MACs) the others open or verify, in their own Regions.
#![allow(clippy::unwrap_used)]

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{
    KeySpec, KeyUsageType, MacAlgorithmSpec, MessageType, SigningAlgorithmSpec,
};

use super::support::{EAST, WEST, arn_in, kms_in, new_primary, replicate};
use crate::common::start;

#[tokio::test]
async fn a_ciphertext_made_in_one_region_decrypts_in_another() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let id = new_primary(&east, None).await.key_id().to_owned();
    let blob = east
        .encrypt()
        .key_id(&id)
        .plaintext(Blob::new("cross-region"))
        .encryption_context("app", "x")
        .send()
        .await
        .unwrap()
        .ciphertext_blob
        .unwrap();
    replicate(&east, &id, WEST).await;
    let opened = west
        .decrypt()
        .ciphertext_blob(blob.clone())
        .encryption_context("app", "x")
        .send()
        .await
        .unwrap();
    assert_eq!(opened.plaintext().unwrap().as_ref(), b"cross-region");
    assert_eq!(opened.key_id(), Some(arn_in(WEST, &id).as_str()));

    // And back: a data key made under the replica opens through the primary.
    let data_key = west
        .generate_data_key()
        .key_id(&id)
        .number_of_bytes(32)
        .send()
        .await
        .unwrap();
    let opened = east
        .decrypt()
        .ciphertext_blob(data_key.ciphertext_blob.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(opened.plaintext(), data_key.plaintext.as_ref());
    assert_eq!(opened.key_id(), Some(arn_in(EAST, &id).as_str()));

    // A Region without a related key cannot open it.
    let eu = kms_in(&server, "eu-west-1");
    let refused = eu
        .decrypt()
        .ciphertext_blob(blob)
        .encryption_context("app", "x")
        .send()
        .await;
    assert_eq!(crate::common::error_of(refused).0, "AccessDeniedException");
}

#[tokio::test]
async fn signatures_and_macs_verify_with_a_related_key() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let signing = new_primary(
        &east,
        Some((KeySpec::EccNistP256, KeyUsageType::SignVerify)),
    )
    .await;
    let signing = signing.key_id().to_owned();
    replicate(&east, &signing, WEST).await;
    let signature = east
        .sign()
        .key_id(&signing)
        .message(Blob::new("document"))
        .message_type(MessageType::Raw)
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
        .send()
        .await
        .unwrap()
        .signature
        .unwrap();
    let verified = west
        .verify()
        .key_id(&signing)
        .message(Blob::new("document"))
        .message_type(MessageType::Raw)
        .signature(signature)
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
        .send()
        .await
        .unwrap();
    assert!(verified.signature_valid());
    let east_public = east.get_public_key().key_id(&signing).send().await.unwrap();
    let west_public = west.get_public_key().key_id(&signing).send().await.unwrap();
    assert_eq!(east_public.public_key(), west_public.public_key());

    let hmac = new_primary(
        &east,
        Some((KeySpec::Hmac256, KeyUsageType::GenerateVerifyMac)),
    )
    .await;
    let hmac = hmac.key_id().to_owned();
    replicate(&east, &hmac, WEST).await;
    let mac = west
        .generate_mac()
        .key_id(&hmac)
        .message(Blob::new("token"))
        .mac_algorithm(MacAlgorithmSpec::HmacSha256)
        .send()
        .await
        .unwrap()
        .mac
        .unwrap();
    let checked = east
        .verify_mac()
        .key_id(&hmac)
        .message(Blob::new("token"))
        .mac(mac)
        .mac_algorithm(MacAlgorithmSpec::HmacSha256)
        .send()
        .await
        .unwrap();
    assert!(checked.mac_valid());
}

#[tokio::test]
async fn rsa_ciphertexts_decrypt_with_a_related_key() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let rsa = new_primary(
        &east,
        Some((KeySpec::Rsa2048, KeyUsageType::EncryptDecrypt)),
    )
    .await;
    let id = rsa.key_id().to_owned();
    replicate(&east, &id, WEST).await;
    let blob = west
        .encrypt()
        .key_id(&id)
        .plaintext(Blob::new("oaep"))
        .encryption_algorithm(aws_sdk_kms::types::EncryptionAlgorithmSpec::RsaesOaepSha256)
        .send()
        .await
        .unwrap()
        .ciphertext_blob
        .unwrap();
    let opened = east
        .decrypt()
        .key_id(&id)
        .ciphertext_blob(blob)
        .encryption_algorithm(aws_sdk_kms::types::EncryptionAlgorithmSpec::RsaesOaepSha256)
        .send()
        .await
        .unwrap();
    assert_eq!(opened.plaintext().unwrap().as_ref(), b"oaep");
}
