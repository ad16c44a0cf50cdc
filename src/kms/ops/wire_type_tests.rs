//! Members of the wrong JSON type are `SerializationException`s, as on AWS, including members
//! Lockbox never uses (custom key stores, Nitro Enclaves recipients).

use super::create_key::CreateKeyInput;
use super::decrypt::DecryptInput;
use super::generate_data_key::GenerateDataKeyInput;
use super::generate_random::GenerateRandomInput;
use crate::api::error::CommonError;
use crate::api::json::decode;

fn is_serialization_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> bool {
    matches!(
        decode::<T>(body.as_bytes()),
        Err(CommonError::Serialization(_))
    )
}

#[test]
fn create_key_types_its_custom_key_store_members() {
    assert!(is_serialization_error::<CreateKeyInput>(
        r#"{"CustomKeyStoreId": 7}"#
    ));
    assert!(is_serialization_error::<CreateKeyInput>(
        r#"{"XksKeyId": ["x"]}"#
    ));
    assert!(decode::<CreateKeyInput>(br#"{"CustomKeyStoreId": "cks-1", "XksKeyId": "k"}"#).is_ok());
}

#[test]
fn a_recipient_of_the_wrong_type_is_a_serialization_error() {
    for body in [
        r#"{"CiphertextBlob": "AA==", "Recipient": "enclave"}"#,
        r#"{"CiphertextBlob": "AA==", "Recipient": {"AttestationDocument": "not base64!"}}"#,
        r#"{"CiphertextBlob": "AA==", "Recipient": {"KeyEncryptionAlgorithm": 1}}"#,
    ] {
        assert!(is_serialization_error::<DecryptInput>(body), "{body}");
    }
    assert!(is_serialization_error::<GenerateDataKeyInput>(
        r#"{"KeyId": "k", "Recipient": 3}"#
    ));
    assert!(is_serialization_error::<GenerateRandomInput>(
        r#"{"Recipient": []}"#
    ));
    let typed = r#"{"CiphertextBlob": "AA==", "Recipient": {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": "AAEC"}}"#;
    assert!(decode::<DecryptInput>(typed.as_bytes()).is_ok());
}
