//! GenerateRandom: 1-1024 random bytes. A missing `NumberOfBytes` is KMS's own
//! `ValidationException: NumberOfBytes is required.`; out of range is Coral's text. There are
//! no custom key stores, so any `CustomKeyStoreId` names one that does not exist.

use serde::{Deserialize, Serialize};

use super::super::KmsError;
use super::decrypt::{RecipientInfo, refuse_recipient};
use super::generate_data_key::random_bytes;
use crate::api::json::SecretBlob;
use crate::api::validate::{Echo, Validator};

/// GenerateRandom input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateRandomInput {
    number_of_bytes: Option<i64>,
    custom_key_store_id: Option<String>,
    recipient: Option<RecipientInfo>,
}

/// GenerateRandom output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateRandomOutput {
    plaintext: SecretBlob,
}

/// Serves GenerateRandom.
pub fn generate_random(input: GenerateRandomInput) -> Result<GenerateRandomOutput, KmsError> {
    let mut v = Validator::new();
    v.range("NumberOfBytes", input.number_of_bytes, 1, 1024);
    v.length(
        "CustomKeyStoreId",
        input.custom_key_store_id.as_deref(),
        1,
        64,
        Echo::Value,
    );
    v.finish()?;
    let Some(length) = input.number_of_bytes else {
        return Err(KmsError::Validation("NumberOfBytes is required.".into()));
    };
    if let Some(store) = input.custom_key_store_id {
        // AWS's wording is not documented; this text is pinned in tests/kms_crypto.rs.
        return Err(KmsError::CustomKeyStoreNotFound(format!(
            "Custom key store '{store}' does not exist."
        )));
    }
    refuse_recipient(input.recipient.as_ref())?;
    let length = usize::try_from(length).map_err(|_| KmsError::Internal)?;
    Ok(GenerateRandomOutput {
        plaintext: SecretBlob::new(random_bytes(length)),
    })
}
