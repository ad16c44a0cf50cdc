//! GetRandomPassword: a random password (default 32 characters) from AWS's alphabet; see
//! [`crate::secretsmanager::password`] for the rules. The password is sensitive: it travels
//! as a [`SecretText`] and never reaches a log.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::super::error::SmError;
use super::super::password::{self, Infeasible, PasswordSpec};
use crate::api::json::SecretText;
use crate::api::validate::{Echo, Validator};

/// The length when the caller gives none.
const DEFAULT_LENGTH: i64 = 32;
/// The model's `PasswordLengthType` maximum.
const MAX_LENGTH: i64 = 4096;

/// Decision (AWS text unverified; moto's wording): fewer characters than required classes.
pub const TOO_SHORT: &str = "Password length is too short based on the required types.";
/// Decision (AWS text unverified): every character is excluded.
pub const NOTHING_LEFT: &str = "You can't exclude every character type from the password.";

/// GetRandomPassword input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRandomPasswordInput {
    password_length: Option<i64>,
    exclude_characters: Option<String>,
    exclude_numbers: Option<bool>,
    exclude_punctuation: Option<bool>,
    exclude_uppercase: Option<bool>,
    exclude_lowercase: Option<bool>,
    include_space: Option<bool>,
    require_each_included_type: Option<bool>,
}

/// GetRandomPassword output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRandomPasswordOutput {
    random_password: SecretText,
}

/// Serves GetRandomPassword.
pub fn get_random_password(
    input: GetRandomPasswordInput,
) -> Result<GetRandomPasswordOutput, SmError> {
    let mut v = Validator::new();
    v.range("PasswordLength", input.password_length, 1, MAX_LENGTH);
    v.length(
        "ExcludeCharacters",
        input.exclude_characters.as_deref(),
        0,
        4096,
        Echo::Value,
    );
    v.finish()?;

    let length = input.password_length.unwrap_or(DEFAULT_LENGTH);
    let spec = PasswordSpec {
        length: usize::try_from(length).map_err(|_| SmError::Internal)?,
        exclude_characters: input.exclude_characters.as_deref().unwrap_or_default(),
        exclude_numbers: input.exclude_numbers.unwrap_or(false),
        exclude_punctuation: input.exclude_punctuation.unwrap_or(false),
        exclude_uppercase: input.exclude_uppercase.unwrap_or(false),
        exclude_lowercase: input.exclude_lowercase.unwrap_or(false),
        include_space: input.include_space.unwrap_or(false),
        require_each_included_type: input.require_each_included_type.unwrap_or(true),
    };
    let password: Zeroizing<String> =
        password::generate(&spec, &mut rand::rng()).map_err(|infeasible| {
            SmError::InvalidParameter(
                match infeasible {
                    Infeasible::TooShort => TOO_SHORT,
                    Infeasible::NoCharacters => NOTHING_LEFT,
                }
                .to_owned(),
            )
        })?;
    Ok(GetRandomPasswordOutput {
        random_password: SecretText::new(password),
    })
}
