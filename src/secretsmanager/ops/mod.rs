//! One file per operation; each validates its input against the model, then acts.

mod create_secret;
mod describe_secret;
mod get_secret_value;
mod list_secret_version_ids;
mod new_version;
mod put_secret_value;
#[cfg(test)]
mod scheduled_for_deletion_tests;
mod update_secret;
mod update_secret_version_stage;

pub use create_secret::create_secret;
pub use describe_secret::describe_secret;
pub use get_secret_value::get_secret_value;
pub use list_secret_version_ids::list_secret_version_ids;
pub use put_secret_value::put_secret_value;
pub use update_secret::update_secret;
pub use update_secret_version_stage::update_secret_version_stage;

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
