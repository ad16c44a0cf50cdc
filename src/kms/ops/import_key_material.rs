//! ImportKeyMaterial: unwraps `EncryptedKeyMaterial` with the wrapping key of the import
//! token (outside any lock), checks it fits the key, and imports it (`key_import.rs`). Key id
//! or key ARN only, a customer managed key of origin `EXTERNAL` not pending deletion.
//!
//! KMS's order: the model's constraints; the expiration rules (`ValidTo` required with
//! `KEY_MATERIAL_EXPIRES`, the default, and refused with `KEY_MATERIAL_DOES_NOT_EXPIRE`; in
//! the future and at most 365 days ahead; `KeyMaterialId` not with `NEW_KEY_MATERIAL`: all
//! `ValidationException`); the key (existence, AWS managed, origin, state); `ImportType`,
//! `KeyMaterialDescription` and `KeyMaterialId` only for symmetric keys
//! (`ValidationException`); the token (`InvalidImportTokenException`,
//! `ExpiredImportTokenException`); the unwrapping (`InvalidCiphertextException`); the
//! material (`IncorrectKeyMaterialException`). AWS's texts for these are not documented; the
//! ones here are unverified. Output: `KeyId` (the ARN) and, for symmetric keys,
//! `KeyMaterialId`.
//!
//! A multi-Region replica accepts only material its primary has (`EXISTING_KEY_MATERIAL`;
//! other bytes are `IncorrectKeyMaterialException`, `NEW_KEY_MATERIAL` is
//! `UnsupportedOperationException`, unverified); see `multi_region_imported.rs`.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::super::envelope::MATERIAL_ID_LEN;
use super::super::import_token::ImportToken;
use super::super::import_wrap::{check_fits, unwrap};
use super::super::imported::Expiry;
use super::super::key_import::{Import, ImportType};
use super::super::local::Accepts;
use super::super::{KmsError, LocalKms};
use super::input::{finish, validate_key_id};
use super::key_op::{AwsManaged, KeyRule, KeyStates, Partition};
use super::related_op::write_key_or_set;
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::{Echo, Validator};

/// What the import operations require of the key (origin, then state, are checked inside).
pub const IMPORT_RULE: KeyRule = KeyRule::new(
    Accepts::KeyOnly,
    KeyStates::Any,
    AwsManaged::Refused("kms:ImportKeyMaterial"),
);

const EXPIRATION_MODELS: [&str; 2] = ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"];
const IMPORT_TYPES: [&str; 2] = ["NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"];
/// The model's `KeyMaterialDescriptionType` pattern.
const DESCRIPTION_PATTERN: &str = r"^[a-zA-Z0-9:/_\s.-]+$";
/// The model's `BackingKeyIdType` pattern.
pub const MATERIAL_ID_PATTERN: &str = "^[a-f0-9]+$";
/// The furthest `ValidTo` may be.
const MAX_VALIDITY: Duration = Duration::days(365);

/// ImportKeyMaterial input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportKeyMaterialInput {
    key_id: Option<String>,
    import_token: Option<SecretBlob>,
    encrypted_key_material: Option<SecretBlob>,
    /// Epoch seconds, as timestamps travel in awsJson.
    valid_to: Option<f64>,
    expiration_model: Option<String>,
    import_type: Option<String>,
    key_material_description: Option<String>,
    key_material_id: Option<String>,
}

/// ImportKeyMaterial output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportKeyMaterialOutput {
    key_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_material_id: Option<String>,
}

/// A valid request, before the key is looked at.
struct ValidImport {
    key_id: String,
    token: SecretBlob,
    encrypted: SecretBlob,
    expiry: Expiry,
    import_type: Option<ImportType>,
    description: Option<String>,
    material_id: Option<[u8; MATERIAL_ID_LEN]>,
}

fn is_description(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || ":/_.-".contains(c))
}

/// Whether `value` matches [`MATERIAL_ID_PATTERN`].
pub fn is_material_id(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| matches!(b, b'a'..=b'f' | b'0'..=b'9'))
}

/// The material id `hex` names (valid per the model once [`is_material_id`] and its length
/// hold).
pub fn material_id(hex_id: &str) -> Result<[u8; MATERIAL_ID_LEN], KmsError> {
    let mut id = [0u8; MATERIAL_ID_LEN];
    hex::decode_to_slice(hex_id, &mut id).map_err(|_| KmsError::Internal)?;
    Ok(id)
}

fn validation(text: &str) -> KmsError {
    KmsError::Validation(text.to_owned())
}

impl ImportKeyMaterialInput {
    fn validate(self, now: OffsetDateTime) -> Result<ValidImport, KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.required("ImportToken", self.import_token.as_ref());
        v.blob_length(
            "ImportToken",
            self.import_token.as_ref().map(|b| b.0.as_slice()),
            1,
            6144,
        );
        v.required("EncryptedKeyMaterial", self.encrypted_key_material.as_ref());
        v.blob_length(
            "EncryptedKeyMaterial",
            self.encrypted_key_material.as_ref().map(|b| b.0.as_slice()),
            1,
            6144,
        );
        v.one_of(
            "ExpirationModel",
            self.expiration_model.as_deref(),
            &EXPIRATION_MODELS,
        );
        v.one_of("ImportType", self.import_type.as_deref(), &IMPORT_TYPES);
        let description = self.key_material_description.as_deref();
        v.length("KeyMaterialDescription", description, 0, 256, Echo::Value);
        v.pattern(
            "KeyMaterialDescription",
            description,
            DESCRIPTION_PATTERN,
            is_description,
        );
        let id = self.key_material_id.as_deref();
        v.length("KeyMaterialId", id, 64, 64, Echo::Value);
        v.pattern("KeyMaterialId", id, MATERIAL_ID_PATTERN, is_material_id);
        let (key_id, token, encrypted) = finish(
            v,
            (self.key_id, self.import_token, self.encrypted_key_material),
        )?;

        let expiry = match (self.expiration_model.as_deref(), self.valid_to) {
            (Some("KEY_MATERIAL_DOES_NOT_EXPIRE"), None) => Expiry::Never,
            (Some("KEY_MATERIAL_DOES_NOT_EXPIRE"), Some(_)) => {
                return Err(validation(
                    "ValidTo must not be specified when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.",
                ));
            }
            (_, None) => {
                return Err(validation(
                    "ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES.",
                ));
            }
            (_, Some(seconds)) => Expiry::At(valid_to(seconds, now)?),
        };
        let import_type = match self.import_type.as_deref() {
            Some("NEW_KEY_MATERIAL") => Some(ImportType::New),
            Some(_) => Some(ImportType::Existing),
            None => None,
        };
        if import_type == Some(ImportType::New) && id.is_some() {
            return Err(validation(
                "KeyMaterialId cannot be specified when ImportType is NEW_KEY_MATERIAL.",
            ));
        }
        Ok(ValidImport {
            key_id,
            token,
            encrypted,
            expiry,
            import_type,
            description: self.key_material_description,
            material_id: id.map(material_id).transpose()?,
        })
    }
}

/// `ValidTo` from its epoch seconds: after `now`, and at most 365 days ahead.
fn valid_to(seconds: f64, now: OffsetDateTime) -> Result<OffsetDateTime, KmsError> {
    let out_of_range =
        || validation("ValidTo must be in the future and no more than 365 days from now.");
    if !seconds.is_finite() || seconds.abs() > 1e12 {
        return Err(out_of_range());
    }
    // Millisecond precision, as the wire has it; |seconds| is bounded above.
    #[allow(clippy::cast_possible_truncation)]
    let millis = (seconds * 1000.0).round() as i64;
    let date = OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .map_err(|_| out_of_range())?;
    match date > now && date <= now.saturating_add(MAX_VALIDITY) {
        true => Ok(date),
        false => Err(out_of_range()),
    }
}

/// Serves ImportKeyMaterial.
pub fn import_key_material(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ImportKeyMaterialInput,
) -> Result<ImportKeyMaterialOutput, KmsError> {
    let request = input.validate(ctx.now)?;
    let partition = Partition::open(kms, ctx);
    let symmetric_only = request.import_type.is_some()
        || request.description.is_some()
        || request.material_id.is_some();
    let (id, spec) = partition.read_key(&request.key_id, IMPORT_RULE, |key| {
        key.check_external()?;
        key.check_not_pending_deletion()?;
        if symmetric_only && !key.key_type.is_symmetric() {
            return Err(validation(
                "ImportType, KeyMaterialDescription and KeyMaterialId are supported only for symmetric encryption keys.",
            ));
        }
        Ok((key.id.clone(), key.key_type.spec()))
    })?;
    let token = ImportToken::open(kms.import_token_sealer(), &request.token.0)?;
    token.check(&id, ctx.now)?;
    check_fits(spec, token.algorithm, token.wrapping_key.spec())?;
    // The RSA private operation takes a moment: no lock is held here.
    let material = unwrap(&token.wrapping_key, token.algorithm, &request.encrypted.0)?;
    let import = Import {
        material,
        expiry: request.expiry,
        import_type: request.import_type,
        description: request.description,
        material_id: request.material_id,
    };
    // A multi-Region key is changed with its related keys, so the set's expected materials
    // and pending states follow (`multi_region_imported.rs`).
    write_key_or_set(kms, ctx, &id, IMPORT_RULE, |key| {
        key.check_external()?;
        key.check_not_pending_deletion()?;
        if key.is_multi_region_replica(&ctx.region) && import.import_type == Some(ImportType::New) {
            // AWS's wording is not documented (unverified).
            return Err(KmsError::UnsupportedOperation(format!(
                "{} is a multi-Region replica key. Import new key material into its primary key, then import the same key material into this key with ImportType EXISTING_KEY_MATERIAL.",
                key.arn
            )));
        }
        let material_id = key.import_material(import)?;
        Ok(ImportKeyMaterialOutput {
            key_id: key.arn.clone(),
            key_material_id: key
                .key_type
                .is_symmetric()
                .then(|| hex::encode(material_id)),
        })
    })
}
