//! AWS Secrets Manager (`X-Amz-Target: secretsmanager.*`).
//!
//! [`Operation`] (the table in `operations.rs`) lists what is served and which handler in
//! `ops/` serves it; handlers take typed input, act on the caller's (account, region)
//! partition and return typed output. Nothing here knows about HTTP or JSON bodies; values are
//! only ever stored sealed by `value.rs` through the KeyService.

mod access;
pub mod error;
mod filter;
mod kms_calls;
pub mod labels;
mod listing;
pub mod model;
mod names;
mod operations;
mod ops;
mod password;
mod policy;
pub mod secret;
mod seed_rules;
mod seeding;
pub mod stored;
mod table;
mod tags;
mod value;

pub use operations::Operation;
pub use seeding::{SecretExport, SecretSeed, SeedValue, ValueKind, VersionSeed};
pub use value::SecretValue;

use std::sync::Arc;

use time::OffsetDateTime;

use crate::api::ctx::RequestCtx;
use crate::audit::AuditLog;
use crate::kms::KeyService;
use crate::storage::{Journal, PartitionKey, Partitions, RecordKind, StoreError};
use error::SmError;
use kms_calls::KmsOnBehalf;
use secret::Secret;
use table::{SecretTable, Secrets};

/// The Secrets Manager service state.
pub struct SecretsManager {
    tables: Partitions<SecretTable>,
    kms: KmsOnBehalf,
    journal: Journal,
}

impl std::fmt::Debug for SecretsManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsManager").finish_non_exhaustive()
    }
}

impl SecretsManager {
    /// A service with no secrets, encrypting through `kms` and recording its KMS calls in `audit`.
    /// Nothing is stored beyond process memory.
    pub fn new(kms: Arc<dyn KeyService>, audit: Arc<AuditLog>) -> Self {
        SecretsManager::with_journal(kms, audit, Journal::in_memory())
    }

    /// A service with no secrets whose every change is committed to `journal` before it is
    /// acknowledged.
    pub fn with_journal(kms: Arc<dyn KeyService>, audit: Arc<AuditLog>, journal: Journal) -> Self {
        SecretsManager {
            tables: Partitions::default(),
            kms: KmsOnBehalf::new(kms, audit),
            journal,
        }
    }

    /// Rebuilds the secrets from the journal's store (start-up with a data dir); returns how
    /// many were loaded. Deletion windows resume from their stored dates.
    pub fn load(&self) -> Result<usize, StoreError> {
        let Some(store) = self.journal.store() else {
            return Ok(0);
        };
        let records = store.load(RecordKind::Secret)?;
        for record in &records {
            let secret = stored::decode(&record.value)?;
            self.tables
                .get_or_create(&record.partition.account, &record.partition.region)
                .restore(&record.partition, secret);
        }
        Ok(records.len())
    }

    /// The caller's partition, after purging its secrets whose recovery window has ended
    /// (so no request ever sees an expired secret).
    fn table(&self, ctx: &RequestCtx) -> Arc<SecretTable> {
        self.table_of(ctx, ctx.account())
    }

    /// The partition of `account` in the caller's region (the caller's, or the owner of a
    /// secret another account names by ARN), purged like [`SecretsManager::table`].
    fn table_of(&self, ctx: &RequestCtx, account: &str) -> Arc<SecretTable> {
        let table = self.tables.get_or_create(account, &ctx.region);
        let partition = PartitionKey::new(account, ctx.region.as_str());
        table.purge_due(&self.journal, &partition, ctx.now);
        table
    }

    /// Runs `section` on the caller's partition under its exclusive lock and stores what it
    /// changed before the lock is released (see [`SecretTable::write`]).
    fn write_table<T>(
        &self,
        ctx: &RequestCtx,
        section: impl FnOnce(&mut Secrets) -> Result<T, SmError>,
    ) -> Result<T, SmError> {
        self.write_table_of(ctx, ctx.account(), section)
    }

    /// [`SecretsManager::write_table`] on the partition of `account` in the caller's region.
    fn write_table_of<T>(
        &self,
        ctx: &RequestCtx,
        account: &str,
        section: impl FnOnce(&mut Secrets) -> Result<T, SmError>,
    ) -> Result<T, SmError> {
        let partition = PartitionKey::new(account, ctx.region.as_str());
        self.table_of(ctx, account)
            .write(&self.journal, &partition, section)
    }

    /// Records that a read at `ctx.now` returned version `version_id` of the secret `name`
    /// (still the one with `arn`): moves the last-access days of the secret and the version,
    /// through the write section like every other change. Called only after a read under
    /// the shared lock found a day behind, with no lock held; the days are checked again under
    /// the exclusive lock, so concurrent readers store a day once and a newer write is never
    /// overwritten. Best effort: the read has succeeded either way.
    fn record_access(&self, ctx: &RequestCtx, name: &str, arn: &str, version_id: &str) {
        let owner = names::owner_account(ctx, arn);
        let recorded = self.write_table_of(ctx, owner, |secrets| {
            let stale = secrets
                .get(name)
                .is_some_and(|s| s.arn == arn && s.access_is_stale(version_id, ctx.now));
            // `get_mut` marks the secret as changed: only call it when a day moves.
            if stale {
                if let Some(secret) = secrets.get_mut(name) {
                    secret.record_access(version_id, ctx.now);
                }
            }
            Ok(())
        });
        if let Err(error) = recorded {
            tracing::warn!(
                code = crate::api::error::WireError::code(&error),
                "a secret's last-access day could not be stored"
            );
        }
    }

    /// Removes, in every partition, the secrets whose deletion date is not after `now`;
    /// returns how many were removed. Run by the scheduler and after the clock moves.
    pub fn purge_expired(&self, now: OffsetDateTime) -> usize {
        let purged: usize = self
            .tables
            .entries()
            .iter()
            .map(|(partition, table)| table.purge_due(&self.journal, partition, now))
            .sum();
        if purged > 0 {
            tracing::info!(purged, "secrets past their recovery window deleted");
        }
        purged
    }

    /// How many secrets exist in all partitions, including those scheduled for deletion.
    pub fn secret_count(&self) -> usize {
        self.tables
            .all()
            .iter()
            .map(|table| table.read().len())
            .sum()
    }

    /// Every byte string the store keeps for secret values — value ciphertexts and encrypted
    /// data keys — in all partitions. For tests proving that nothing plaintext is stored.
    #[doc(hidden)]
    pub fn stored_value_bytes(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for table in self.tables.all() {
            for secret in table.read().iter() {
                for sealed in secret.versions.iter().filter_map(|v| v.value.as_ref()) {
                    out.push(sealed.ciphertext.clone());
                    out.push(sealed.encrypted_data_key.clone());
                }
            }
        }
        out
    }

    /// Runs `read` on the secret `secret_id` names, under the partition's shared lock.
    fn read_secret<T>(
        &self,
        ctx: &RequestCtx,
        secret_id: &str,
        read: impl FnOnce(&Secret) -> Result<T, SmError>,
    ) -> Result<T, SmError> {
        let table = self.table_of(ctx, names::owner_account(ctx, secret_id));
        let secrets = table.read();
        let secret = names::resolve(&secrets, ctx, secret_id)?;
        access::authorize_secret(ctx, secret, secret_id)?;
        read(secret)
    }

    /// Runs `write` on the secret `secret_id` names, under the partition's exclusive lock.
    /// Keep the closure short: do KMS work (sealing values) before calling this.
    fn write_secret<T>(
        &self,
        ctx: &RequestCtx,
        secret_id: &str,
        write: impl FnOnce(&mut Secret) -> Result<T, SmError>,
    ) -> Result<T, SmError> {
        self.write_table_of(ctx, names::owner_account(ctx, secret_id), |secrets| {
            let name = names::resolve_name(secrets, ctx, secret_id)?.to_owned();
            let secret = secrets
                .get_mut(&name)
                .ok_or_else(SmError::secret_not_found)?;
            access::authorize_secret(ctx, secret, secret_id)?;
            write(secret)
        })
    }

    /// What authorization knows of the secret `secret_arn` names (an ARN of any account in
    /// `ctx`'s region), without authorizing anything; for the admin `explain` endpoint.
    pub fn resource_facts(
        &self,
        ctx: &RequestCtx,
        secret_arn: &str,
    ) -> Option<crate::api::access::ResourceFacts> {
        let table = self.table_of(ctx, names::owner_account(ctx, secret_arn));
        let secrets = table.read();
        names::resolve(&secrets, ctx, secret_arn)
            .ok()
            .map(access::secret_facts)
    }

    /// Forgets every secret (the caller clears the store).
    pub fn reset_all(&self) {
        self.tables.clear();
    }

    /// Forgets every secret of one account (the caller clears the store).
    pub fn reset_account(&self, account: &str) {
        self.tables.clear_account(account);
    }
}
