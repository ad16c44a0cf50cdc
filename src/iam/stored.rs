//! IAM at rest: one `Principal` record per account (partition `(<account>, global)`, id
//! `iam`) holding every entity of the account, rewritten by each change. Secret access keys
//! and MFA seeds are not in the entities' stored form; they sit beside it sealed by the root
//! key, each bound to its account and entity (the AEAD's associated data), so neither a clear
//! secret nor a swapped one can come back from the store.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::crypto::Sensitive;
use crate::kms::RootKey;
use crate::storage::codec::b64;
use crate::storage::{
    Mutation, PartitionKey, RecordKind, Store, StoreError, decode_json, encode_json,
};

use super::model::AccountIam;

/// What seals IAM secrets at rest: the data dir's root key.
pub type Sealer = Arc<RootKey>;

/// The region of every IAM record (IAM is global).
const GLOBAL: &str = "global";
/// The id of an account's IAM record.
const RECORD_ID: &str = "iam";

/// A sealed secret.
#[derive(Debug, Serialize, Deserialize)]
struct SealedSecret(#[serde(with = "b64")] Vec<u8>);

/// The stored form of one account.
#[derive(Debug, Serialize, Deserialize)]
struct StoredAccount {
    /// The entities, without their secrets.
    entities: AccountIam,
    /// Sealed secrets by slot (`key:<access key id>`, `mfa:<serial>`).
    sealed: BTreeMap<String, SealedSecret>,
}

fn aad(account: &str, slot: &str) -> Vec<u8> {
    format!("iam/{account}/{slot}").into_bytes()
}

fn sealing_failed(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend {
        context: "sealing an IAM secret",
        source: Box::new(error),
    }
}

/// The record of `account`'s entities, secrets sealed with `sealer`.
pub fn record(account: &str, state: &AccountIam, sealer: &RootKey) -> Result<Mutation, StoreError> {
    let mut sealed = BTreeMap::new();
    for user in state.users.values() {
        for key in &user.access_keys {
            let slot = format!("key:{}", key.id);
            let bytes = sealer
                .seal(key.secret.expose().as_bytes(), &aad(account, &slot))
                .map_err(sealing_failed)?;
            sealed.insert(slot, SealedSecret(bytes));
        }
    }
    for device in state.mfa_devices.values() {
        let slot = format!("mfa:{}", device.serial);
        let bytes = sealer
            .seal(device.seed.expose(), &aad(account, &slot))
            .map_err(sealing_failed)?;
        sealed.insert(slot, SealedSecret(bytes));
    }
    let stored = StoredAccount {
        entities: state.clone(),
        sealed,
    };
    Ok(Mutation::put(
        RecordKind::Principal,
        &PartitionKey::new(account, GLOBAL),
        RECORD_ID,
        encode_json(&stored)?,
    ))
}

/// Every account's entities in `store`, secrets opened with `sealer`.
pub fn load(store: &dyn Store, sealer: &Sealer) -> Result<Vec<(String, AccountIam)>, StoreError> {
    let mut accounts = Vec::new();
    for record in store.load(RecordKind::Principal)? {
        if record.id != RECORD_ID || record.partition.region != GLOBAL {
            continue;
        }
        let account = record.partition.account.clone();
        accounts.push((account.clone(), decode(&account, &record.value, sealer)?));
    }
    Ok(accounts)
}

fn decode(account: &str, bytes: &[u8], sealer: &RootKey) -> Result<AccountIam, StoreError> {
    let StoredAccount {
        mut entities,
        sealed,
    } = decode_json(bytes, "IAM account")?;
    let open = |slot: String| -> Result<Vec<u8>, StoreError> {
        let sealed = sealed
            .get(&slot)
            .ok_or_else(|| StoreError::Corrupt(format!("IAM secret {slot} is missing")))?;
        sealer
            .open(&sealed.0, &aad(account, &slot))
            .map(|plain| plain.to_vec())
            .map_err(|_| StoreError::Corrupt(format!("IAM secret {slot} does not open")))
    };
    for user in entities.users.values_mut() {
        for key in &mut user.access_keys {
            let secret = String::from_utf8(open(format!("key:{}", key.id))?)
                .map_err(|_| StoreError::Corrupt("an IAM secret is not text".into()))?;
            key.secret = Sensitive::new(secret);
        }
    }
    for device in entities.mfa_devices.values_mut() {
        device.seed = Sensitive::new(open(format!("mfa:{}", device.serial))?);
    }
    Ok(entities)
}

/// `value` (an IAM record) with its secrets re-sealed from `current` to `new` (for
/// `lockbox rekey`).
pub fn reseal(
    account: &str,
    value: &[u8],
    current: &RootKey,
    new: &RootKey,
) -> Result<Vec<u8>, StoreError> {
    let entities = decode(account, value, current)?;
    match record(account, &entities, new)? {
        Mutation::Put { value, .. } => Ok(value),
        _ => Err(StoreError::Invalid("an IAM record is a put".into())),
    }
}
