//! AWS IAM, the slice Lockbox serves (awsQuery `Action=...`, service `iam`): users and their
//! access keys, roles, groups, inline and managed policies with versions, attachments, and
//! virtual MFA devices with RFC 6238 codes (and the QR code PNG apps are set up with).
//!
//! IAM is global: each account has one store (`AccountIam`), whatever the Region a request was
//! signed for. [`Operation`] (the table in `operations.rs`) lists the served operations and
//! their handlers in `ops/`; handlers take typed input and return typed output, and every
//! change runs in `IamService::write`, which undoes it when the handler fails or the store
//! refuses it. The service is also the [`crate::identity::IdentityDirectory`] authentication,
//! STS and authorization ask (`directory.rs`). Secret access keys and MFA seeds are never
//! logged or audited, and are sealed by the root key at rest (`stored.rs`).

mod directory;
mod documents;
pub mod error;
mod ids;
mod input;
mod model;
mod operations;
mod ops;
mod paging;
mod qr_png;
mod resources;
mod stored;
mod totp;
mod wire;

pub use error::IamError;
pub use operations::Operation;
pub use stored::{Sealer, reseal as reseal_record};
pub use totp::{base32_decode, device_code, time_step};

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::RwLock;

use crate::storage::{Journal, StoreError};
use model::AccountIam;

/// The IAM service state: one store per account.
pub struct IamService {
    accounts: RwLock<HashMap<String, Arc<RwLock<AccountIam>>>>,
    journal: Journal,
    sealer: Option<Sealer>,
}

impl std::fmt::Debug for IamService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IamService").finish_non_exhaustive()
    }
}

impl Default for IamService {
    fn default() -> Self {
        IamService::new()
    }
}

impl IamService {
    /// A service with no entities, kept in memory only.
    pub fn new() -> IamService {
        IamService {
            accounts: RwLock::new(HashMap::new()),
            journal: Journal::in_memory(),
            sealer: None,
        }
    }

    /// A service with no entities whose every change is stored through `journal` before it is
    /// answered, secrets sealed by `sealer`.
    pub fn durable(journal: Journal, sealer: Sealer) -> IamService {
        IamService {
            accounts: RwLock::new(HashMap::new()),
            journal,
            sealer: Some(sealer),
        }
    }

    /// Rebuilds every account's entities from the store (start-up with a data dir); returns how
    /// many accounts were loaded.
    pub fn load(&self) -> Result<usize, StoreError> {
        let (Some(store), Some(sealer)) = (self.journal.store(), &self.sealer) else {
            return Ok(0);
        };
        let loaded = stored::load(&**store, sealer)?;
        let count = loaded.len();
        let mut accounts = self.accounts.write();
        for (account, state) in loaded {
            accounts.insert(account, Arc::new(RwLock::new(state)));
        }
        Ok(count)
    }

    fn account(&self, account: &str) -> Arc<RwLock<AccountIam>> {
        if let Some(state) = self.accounts.read().get(account) {
            return Arc::clone(state);
        }
        Arc::clone(self.accounts.write().entry(account.to_owned()).or_default())
    }

    /// Every account that has IAM state.
    fn all_accounts(&self) -> Vec<(String, Arc<RwLock<AccountIam>>)> {
        self.accounts
            .read()
            .iter()
            .map(|(account, state)| (account.clone(), Arc::clone(state)))
            .collect()
    }

    /// Runs `read` on `account`'s entities under its shared lock.
    fn read<T>(&self, account: &str, read: impl FnOnce(&AccountIam) -> T) -> T {
        let state = self.account(account);
        let guard = state.read();
        read(&guard)
    }

    /// Runs `write` on `account`'s entities under its exclusive lock; the change is kept only
    /// when `write` succeeds and (with a data dir) the account's record is stored.
    fn write<T>(
        &self,
        account: &str,
        write: impl FnOnce(&mut AccountIam) -> Result<T, IamError>,
    ) -> Result<T, IamError> {
        let state = self.account(account);
        let mut guard = state.write();
        let before = guard.clone();
        let value = match write(&mut guard) {
            Ok(value) => value,
            Err(error) => {
                *guard = before;
                return Err(error);
            }
        };
        if let (Some(_), Some(sealer)) = (self.journal.store(), &self.sealer) {
            let stored = stored::record(account, &guard, sealer)
                .and_then(|mutation| self.journal.apply(&[mutation]));
            if let Err(error) = stored {
                tracing::error!(%error, "an IAM change could not be stored; it was undone");
                *guard = before;
                return Err(IamError::ServiceFailure);
            }
        }
        Ok(value)
    }

    /// Forgets every entity (the caller clears the store).
    pub fn reset_all(&self) {
        self.accounts.write().clear();
    }

    /// Forgets every entity of one account (the caller clears the store).
    pub fn reset_account(&self, account: &str) {
        self.accounts.write().remove(account);
    }
}

#[cfg(test)]
mod tests;
