//! One file per KMS operation (or tight group); each validates its input against the botocore
//! model (Coral messages via `protocol::validate`), resolves the key as the operation allows
//! (see `Accepts`), checks the key state, then acts.

mod create_grant;
mod create_key;
mod decrypt;
mod describe_key;
mod encrypt;
mod generate_data_key;
mod generate_random;
mod key_rotation;
mod list_grants;
mod re_encrypt;
mod retire_grant;
mod rotate_key_on_demand;
#[cfg(test)]
mod state_tests;
mod support;

pub use create_grant::create_grant;
pub use create_key::create_key;
pub use decrypt::decrypt;
pub use describe_key::describe_key;
pub use encrypt::encrypt;
pub use generate_data_key::{generate_data_key, generate_data_key_without_plaintext};
pub use generate_random::generate_random;
pub use key_rotation::{disable_key_rotation, enable_key_rotation, get_key_rotation_status};
pub use list_grants::list_grants;
pub use re_encrypt::re_encrypt;
pub use retire_grant::{retire_grant, revoke_grant};
pub use rotate_key_on_demand::{list_key_rotations, rotate_key_on_demand};

use crate::protocol::validate::{Echo, Validator};

/// Adds the model's `KeyIdType` constraints (required, 1-2048).
fn validate_key_id(v: &mut Validator, key_id: Option<&String>) {
    v.required("KeyId", key_id);
    v.length("KeyId", key_id.map(String::as_str), 1, 2048, Echo::Value);
}
