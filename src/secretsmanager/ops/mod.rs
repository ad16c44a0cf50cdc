//! One file per operation; each validates its input against the model, then acts.

mod batch_get_secret_value;
mod create_secret;
mod describe_secret;
mod get_secret_value;
mod list_secrets;
mod tag_resource;

pub use batch_get_secret_value::batch_get_secret_value;
pub use create_secret::create_secret;
pub use describe_secret::describe_secret;
pub use get_secret_value::get_secret_value;
pub use list_secrets::list_secrets;
pub use tag_resource::{tag_resource, untag_resource};

use crate::protocol::validate::{Echo, Validator};

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

#[cfg(test)]
mod listing_tests;
