//! One file per KMS operation (or tight group); each validates its input against the botocore
//! model (Coral messages via `protocol::validate`), resolves the key as the operation allows
//! (see `Accepts`), checks the key state, then acts.

mod create_key;
mod describe_key;

pub use create_key::create_key;
pub use describe_key::describe_key;

use crate::protocol::validate::{Echo, Validator};

/// Adds the model's `KeyIdType` constraints (required, 1-2048).
fn validate_key_id(v: &mut Validator, key_id: Option<&String>) {
    v.required("KeyId", key_id);
    v.length("KeyId", key_id.map(String::as_str), 1, 2048, Echo::Value);
}
