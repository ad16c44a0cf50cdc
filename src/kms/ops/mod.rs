//! One file per KMS operation (or tight group); each validates its input against the botocore
//! model (Coral messages via `protocol::validate`), resolves the key as the operation allows
//! (see `Accepts`), refuses changes to AWS managed keys, checks the key state, then acts —
//! in that order (reference §2.2 "check order").

mod aliases;
mod create_grant;
mod create_key;
mod decrypt;
mod describe_key;
mod key_deletion;
mod key_policy;
mod key_state;
mod list_aliases;
mod list_keys;
mod tags;

pub use aliases::{create_alias, delete_alias, update_alias};
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
pub use key_deletion::{cancel_key_deletion, schedule_key_deletion};
pub use key_policy::{get_key_policy, list_key_policies, put_key_policy};
pub use key_rotation::{disable_key_rotation, enable_key_rotation, get_key_rotation_status};
pub use key_state::{disable_key, enable_key, update_key_description};
pub use list_aliases::list_aliases;
pub use list_grants::{list_grants, list_retirable_grants};
pub use list_keys::list_keys;
pub use re_encrypt::re_encrypt;
pub use retire_grant::{retire_grant, revoke_grant};
pub use rotate_key_on_demand::{list_key_rotations, rotate_key_on_demand};
pub use tags::{list_resource_tags, tag_resource, untag_resource};

use super::keys::{Key, KeyManager};
use super::local::Accepts;
use super::{KmsCaller, KmsError, LocalKms};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// Adds the model's `KeyIdType` constraints (required, 1-2048).
fn validate_key_id(v: &mut Validator, key_id: Option<&String>) {
    v.required("KeyId", key_id);
    v.length("KeyId", key_id.map(String::as_str), 1, 2048, Echo::Value);
}

/// Resolves `key_id` (key id or key ARN only) in the caller's partition and runs `act` on the
/// key under the ring's write locks; what it changes is stored before they are released.
fn with_key<R>(
    kms: &LocalKms,
    ctx: &RequestCtx,
    key_id: &str,
    act: impl FnOnce(&mut Key) -> Result<R, KmsError>,
) -> Result<R, KmsError> {
    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    let id = kms.resolve(caller, &ring, key_id, Accepts::KeyOnly)?;
    kms.write_ring(caller, &ring, |_, keys| {
        let key = keys.get_mut(&id).ok_or_else(|| gone(caller, &id))?;
        act(key)
    })
}

/// Resolves `key_id` (in the forms `accepts` allows) in the caller's partition and runs `read`
/// on the key under the ring's read lock.
fn read_key<R>(
    kms: &LocalKms,
    ctx: &RequestCtx,
    key_id: &str,
    accepts: Accepts,
    read: impl FnOnce(&Key) -> Result<R, KmsError>,
) -> Result<R, KmsError> {
    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    let id = kms.resolve(caller, &ring, key_id, accepts)?;
    let keys = ring.keys.read();
    let key = keys.get(&id).ok_or_else(|| gone(caller, &id))?;
    read(key)
}

/// The NotFound of a key deleted between resolution and use.
fn gone(caller: KmsCaller<'_>, id: &str) -> KmsError {
    KmsError::NotFound(format!(
        "Key 'arn:aws:kms:{}:{}:key/{id}' does not exist",
        caller.region, caller.account
    ))
}

/// AWS managed keys cannot be changed by callers: their key policy (`auto-secretsmanager-2`)
/// allows the account only `kms:Describe*`, `kms:Get*`, `kms:List*` and `kms:RevokeGrant`, so
/// AWS answers with its standard key-policy denial (reference §4, §7.9). Hard-coded until key
/// policies are evaluated.
fn refuse_aws_managed(ctx: &RequestCtx, key: &Key, operation: &str) -> Result<(), KmsError> {
    if key.manager != KeyManager::Aws {
        return Ok(());
    }
    Err(KmsError::AccessDenied(format!(
        "User: {} is not authorized to perform: kms:{operation} on resource: {} because no resource-based policy allows the kms:{operation} action",
        ctx.principal.arn, key.arn
    )))
}
