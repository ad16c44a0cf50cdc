//! One file per operation; each validates its input against the model, then acts.

mod batch_get_secret_value;
mod create_secret;
mod delete_secret;
mod describe_secret;
mod get_random_password;
mod get_secret_value;
mod list_secret_version_ids;
mod list_secrets;
mod new_version;
mod put_secret_value;
mod resource_policy;
mod restore_secret;
mod tag_resource;
mod update_secret;
mod update_secret_version_stage;
mod validate_resource_policy;

pub use batch_get_secret_value::batch_get_secret_value;
pub use create_secret::create_secret;
pub use delete_secret::delete_secret;
pub use describe_secret::describe_secret;
pub use get_random_password::get_random_password;
pub use get_secret_value::get_secret_value;
pub use list_secret_version_ids::list_secret_version_ids;
pub use list_secrets::list_secrets;
pub use put_secret_value::put_secret_value;
pub use resource_policy::{delete_resource_policy, get_resource_policy, put_resource_policy};
pub use restore_secret::restore_secret;
pub use tag_resource::{tag_resource, untag_resource};
pub use update_secret::update_secret;
pub use update_secret_version_stage::update_secret_version_stage;
pub use validate_resource_policy::validate_resource_policy;

use crate::api::validate::{Echo, Validator};

/// Adds the model's `SecretIdType` constraints (required, 1-2048).
fn validate_secret_id(v: &mut Validator, secret_id: Option<&String>) {
    v.required("SecretId", secret_id);
    v.length(
        "SecretId",
        secret_id.map(String::as_str),
        1,
        2048,
        Echo::Value,
    );
}

/// Adds the model's `ClientRequestTokenType` constraint (32-64).
fn validate_token(v: &mut Validator, token: Option<&String>) {
    v.length(
        "ClientRequestToken",
        token.map(String::as_str),
        32,
        64,
        Echo::Value,
    );
}

/// Adds the constraints shared by CreateSecret and UpdateSecret: `Description` (0-2048),
/// `KmsKeyId` (0-2048) and `Type` (0-256).
fn validate_metadata(
    v: &mut Validator,
    description: Option<&String>,
    kms_key_id: Option<&String>,
    secret_type: Option<&String>,
) {
    v.length(
        "Description",
        description.map(String::as_str),
        0,
        2048,
        Echo::Value,
    );
    v.length(
        "KmsKeyId",
        kms_key_id.map(String::as_str),
        0,
        2048,
        Echo::Value,
    );
    v.length("Type", secret_type.map(String::as_str), 0, 256, Echo::Value);
}

#[cfg(test)]
mod access_tests;
#[cfg(test)]
mod listing_tests;
