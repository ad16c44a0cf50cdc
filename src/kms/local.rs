//! [`LocalKms`]: the in-process [`KeyService`] over per-partition key rings.
//!
//! AWS managed keys (`aws/secretsmanager`) are created lazily on first use in each
//! (account, region), as AWS does. Every access to a ring first deletes the keys whose
//! deletion window has ended (see `deletion.rs`), so no request sees an expired key.
//!
//! Invariant: `rotation_hint` is never later than the earliest `next` rotation of any key, so
//! the scheduler's due-check ([`LocalKms::rotate_due_keys`]) can return without scanning.

use parking_lot::Mutex;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::import_token::{TokenKey, TokenSealer};
use super::keys::{Alias, Key, KeyManager};
use super::last_usage::{LastUse, UsageLog};
use super::managed_key::{MANAGED_KEY_DESCRIPTION, managed_key_policy};
use super::ring::KeyRing;
use super::root_key::RootKey;
use super::sealed_journal::SealedJournal;
use super::stored;
use super::{
    DataKey, EncryptionContext, KeyService, KmsCaller, KmsError, SECRETS_MANAGER_ALIAS, arn, crypto,
};
use crate::api::ctx::RequestCtx;
use crate::crypto::{Sensitive, aead};
use crate::storage::{Journal, PartitionKey, Partitions, RecordKind, StoreError, Tracked};

/// The emulated KMS.
#[derive(Debug, Default)]
pub struct LocalKms {
    pub(super) rings: Partitions<KeyRing>,
    /// Where changes are stored (nowhere beyond memory without a data dir), with the root key
    /// that seals key material.
    pub(super) journal: SealedJournal,
    /// No key rotates automatically before this time (`None`: no key rotates at all).
    rotation_hint: Mutex<Option<OffsetDateTime>>,
    /// The last cryptographic use of each key (GetKeyLastUsage), in memory only.
    pub(super) last_usage: UsageLog,
    /// Seals import tokens when there is no root key.
    import_token_key: TokenKey,
}

/// Which identifier forms an operation accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// Key id, key ARN, alias name or alias ARN (Encrypt, Decrypt, GenerateDataKey, DescribeKey...).
    KeyOrAlias,
    /// Key id or key ARN only (EnableKey, TagResource, key policies, rotation, grants...).
    KeyOnly,
}

impl LocalKms {
    /// An empty KMS that keeps nothing beyond process memory.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty KMS whose every change is committed to `journal` before it is acknowledged,
    /// its key material sealed with `root_key`.
    pub fn durable(journal: Journal, root_key: RootKey) -> Self {
        LocalKms {
            journal: SealedJournal::durable(journal, root_key),
            ..Self::default()
        }
    }

    /// The root key key material is sealed with (durable state only), shared with the other
    /// services that seal secrets at rest.
    pub fn shared_root_key(&self) -> Option<std::sync::Arc<RootKey>> {
        self.journal.shared_root_key()
    }

    /// Rebuilds keys and aliases from the journal's store (start-up with a data dir), opening
    /// key material with the root key; returns how many keys were loaded. Deletion windows
    /// and rotation schedules resume from their stored dates.
    pub fn load(&self) -> Result<usize, StoreError> {
        let (Some(store), Some(root_key)) =
            (self.journal.journal().store(), self.journal.root_key())
        else {
            return Ok(0);
        };
        let keys = store.load(RecordKind::KmsKey)?;
        for record in &keys {
            let key = stored::decode_key(&record.value, root_key)?;
            let ring = self
                .rings
                .get_or_create(&record.partition.account, &record.partition.region);
            if let Some(next) = key.rotation.next {
                self.schedule_rotation(next);
            }
            ring.restore_key(key);
        }
        for record in store.load(RecordKind::KmsAlias)? {
            let alias = stored::decode_alias(&record.value)?;
            let ring = self
                .rings
                .get_or_create(&record.partition.account, &record.partition.region);
            ring.restore_alias(record.id, alias);
        }
        self.relink_all_sets(OffsetDateTime::now_utc());
        Ok(keys.len())
    }

    /// What seals import tokens: the root key when there is one, else this process's key.
    pub(crate) fn import_token_sealer(&self) -> TokenSealer<'_> {
        match self.journal.root_key() {
            Some(root_key) => TokenSealer::Root(root_key),
            None => TokenSealer::Process(&self.import_token_key),
        }
    }

    /// Runs `section` on the caller's key ring under its write locks and stores what it
    /// changed before they are released (see [`KeyRing::write`]).
    pub(crate) fn write_ring<T>(
        &self,
        caller: KmsCaller<'_>,
        ring: &KeyRing,
        section: impl FnOnce(&mut Tracked<Alias>, &mut Tracked<Key>) -> Result<T, KmsError>,
    ) -> Result<T, KmsError> {
        let partition = PartitionKey::new(caller.account, caller.region);
        ring.write(&self.journal, &partition, section)
    }

    /// Creates an enabled symmetric customer managed key in the caller's partition and
    /// returns its ARN (the in-process core of KMS CreateKey).
    pub fn create_customer_key(&self, caller: KmsCaller<'_>) -> Result<String, KmsError> {
        let ring = self.ring(caller);
        let key = Key::new(caller, KeyManager::Customer, String::new(), None);
        let arn = key.arn.clone();
        self.write_ring(caller, &ring, |_, keys| {
            keys.insert(key.id.clone(), key);
            Ok(())
        })
        .map(|()| arn)
    }

    /// Points `alias` (`alias/<name>`) at the key `key_id` in the caller's partition.
    pub fn create_alias(
        &self,
        caller: KmsCaller<'_>,
        alias: &str,
        key_id: &str,
    ) -> Result<(), KmsError> {
        let ring = self.ring(caller);
        self.write_ring(caller, &ring, |aliases, _| {
            aliases.insert(alias.to_owned(), Alias::new(key_id.to_owned(), caller.now));
            Ok(())
        })
    }

    /// The key id an identifier names, creating the managed key if that is what it names.
    /// `None` or `""` means the AWS managed `aws/secretsmanager` key (Secrets Manager's default).
    fn resolve_id(
        &self,
        caller: KmsCaller<'_>,
        ring: &KeyRing,
        key_id: Option<&str>,
    ) -> Result<String, KmsError> {
        let key_id = key_id
            .filter(|id| !id.is_empty())
            .unwrap_or(SECRETS_MANAGER_ALIAS);
        self.resolve(caller, ring, key_id, Accepts::KeyOrAlias)
    }

    /// The key id `key_id` names in the caller's partition, with KMS's errors: a malformed id
    /// (or an alias where only keys are accepted) is `Invalid keyId '<id>'`, an unknown key is
    /// `Key '<arn>' does not exist`, an unknown alias `Alias <alias arn> is not found.`, and an
    /// ARN of another region `Invalid arn <region>`.
    pub(crate) fn resolve(
        &self,
        caller: KmsCaller<'_>,
        ring: &KeyRing,
        key_id: &str,
        accepts: Accepts,
    ) -> Result<String, KmsError> {
        if let Some(rest) = key_id.strip_prefix("arn:aws:kms:") {
            let region = rest.split(':').next().unwrap_or_default();
            if region != caller.region {
                return Err(KmsError::NotFound(format!("Invalid arn {region}")));
            }
        }
        // What follows `arn:aws:kms:<region>:<account>:` in an ARN of the caller's partition.
        let in_partition =
            key_id.strip_prefix(&arn::partition_prefix(caller.region, caller.account));
        let alias = match in_partition {
            Some(rest) if rest.starts_with("alias/") => Some(rest.to_owned()),
            _ if key_id.starts_with("alias/") => Some(key_id.to_owned()),
            _ => None,
        };
        if let Some(alias) = alias {
            if accepts == Accepts::KeyOnly {
                return Err(KmsError::InvalidKeyId(key_id.to_owned()));
            }
            if alias == SECRETS_MANAGER_ALIAS {
                return self.managed_key(caller, ring);
            }
            return ring
                .aliases()
                .get(&alias)
                .map(|found| found.key_id.clone())
                .ok_or_else(|| alias_not_found(caller, &alias));
        }
        let id = in_partition
            .and_then(|rest| rest.strip_prefix("key/"))
            .unwrap_or(key_id);
        // Key ids are hyphenated UUIDs (or `mrk-` ids); KMS calls the 32-hex-digit form
        // malformed too.
        let uuid = id.len() == 36 && uuid::Uuid::try_parse(id).is_ok();
        if !uuid && !super::multi_region::is_id(id) {
            return Err(KmsError::InvalidKeyId(key_id.to_owned()));
        }
        if ring.keys().contains_key(id) {
            Ok(id.to_owned())
        } else {
            Err(key_not_found(caller, id))
        }
    }

    /// Notes that some key's automatic rotation is due at `at`. Call without holding a key
    /// ring lock (the scan takes the hint first, then the rings).
    pub(crate) fn schedule_rotation(&self, at: OffsetDateTime) {
        let mut hint = self.rotation_hint.lock();
        if hint.is_none_or(|earliest| at < earliest) {
            *hint = Some(at);
        }
    }

    /// Rotates every key whose automatic rotation is due at `now`. Cheap when nothing is due:
    /// one comparison against the earliest scheduled rotation.
    pub fn rotate_due_keys(&self, now: OffsetDateTime) {
        let mut hint = self.rotation_hint.lock();
        if hint.is_none_or(|earliest| earliest > now) {
            return;
        }
        let mut earliest: Option<OffsetDateTime> = None;
        for (partition, ring) in self.rings.entries() {
            let rotated = ring.write(&self.journal, &partition, |_, keys| {
                // Multi-Region keys rotate with their set (`rotate_due_sets`).
                let due: Vec<String> = keys
                    .values()
                    .filter(|key| key.multi_region.is_none() && key.rotation_would_change(now))
                    .map(|key| key.id.clone())
                    .collect();
                for id in due {
                    if let Some(key) = keys.get_mut(&id) {
                        key.run_due_rotation(now);
                    }
                }
                Ok(())
            });
            if rotated.is_err() || !self.rotate_due_sets(&partition, &ring, now) {
                // Not stored, so not done: retry at the next tick.
                earliest = Some(now);
            }
            for key in ring.keys().values() {
                if let Some(next) = key.rotation.next {
                    earliest = Some(earliest.map_or(next, |e| e.min(next)));
                }
            }
        }
        *hint = earliest;
    }

    /// The caller's key ring, after deleting its keys whose deletion window has ended.
    pub(crate) fn ring(&self, caller: KmsCaller<'_>) -> std::sync::Arc<KeyRing> {
        self.last_usage.start_tracking(caller.now);
        let ring = self.rings.get_or_create(caller.account, caller.region);
        let partition = PartitionKey::new(caller.account, caller.region);
        ring.delete_due(&self.journal, &partition, caller.now);
        self.relink_swept(caller, &ring);
        ring
    }

    /// Deletes, in every partition, the keys whose deletion window has ended at `now` (and
    /// their aliases); returns how many keys were deleted. Run by the scheduler and after the
    /// clock moves.
    pub fn delete_expired(&self, now: OffsetDateTime) -> usize {
        let deleted: usize = self
            .rings
            .entries()
            .iter()
            .map(|(partition, ring)| {
                let deleted = ring.delete_due(&self.journal, partition, now);
                let caller = KmsCaller {
                    account: &partition.account,
                    region: &partition.region,
                    now,
                };
                self.relink_swept(caller, ring);
                deleted
            })
            .sum();
        if deleted > 0 {
            tracing::info!(deleted, "KMS keys past their deletion window deleted");
        }
        deleted
    }

    /// The id of `aws/secretsmanager` in this partition, created on first use.
    fn managed_key(&self, caller: KmsCaller<'_>, ring: &KeyRing) -> Result<String, KmsError> {
        if let Some(alias) = ring.aliases().get(SECRETS_MANAGER_ALIAS) {
            return Ok(alias.key_id.clone());
        }
        let mut next = None;
        let id = self.write_ring(caller, ring, |aliases, keys| {
            if let Some(alias) = aliases.get(SECRETS_MANAGER_ALIAS) {
                return Ok(alias.key_id.clone());
            }
            let mut key = Key::new(
                caller,
                KeyManager::Aws,
                MANAGED_KEY_DESCRIPTION.to_owned(),
                Some(managed_key_policy(caller.account, caller.region)),
            );
            // AWS managed keys always rotate, every year.
            key.rotation
                .enable(super::rotation::DEFAULT_PERIOD_DAYS, caller.now);
            next = key.rotation.next;
            let id = key.id.clone();
            keys.insert(id.clone(), key);
            aliases.insert(
                SECRETS_MANAGER_ALIAS.to_owned(),
                Alias::new(id.clone(), caller.now),
            );
            Ok(id)
        })?;
        if let Some(next) = next {
            self.schedule_rotation(next);
        }
        Ok(id)
    }
}

/// `NotFoundException: Alias <alias ARN> is not found.` for `alias` (`alias/<name>`).
pub(crate) fn alias_not_found(caller: KmsCaller<'_>, alias: &str) -> KmsError {
    KmsError::NotFound(format!("Alias {} is not found.", caller.alias_arn(alias)))
}

/// `NotFoundException: Key '<key ARN>' does not exist` for key `id` of the caller's partition
/// (also the answer when a key is deleted between resolving its identifier and using it).
pub(crate) fn key_not_found(caller: KmsCaller<'_>, id: &str) -> KmsError {
    KmsError::NotFound(format!("Key '{}' does not exist", caller.key_arn(id)))
}

impl LocalKms {
    /// What authorization knows of the key `key_arn` (any account and region) for `action` by
    /// `ctx`'s caller, without authorizing anything; for the admin `explain` endpoint.
    pub fn resource_facts(
        &self,
        ctx: &RequestCtx,
        key_arn: &str,
        action: &str,
    ) -> Option<crate::api::access::ResourceFacts> {
        let mut parts = key_arn.split(':');
        let (region, account) = (parts.nth(3)?, parts.next()?);
        let id = key_arn.rsplit_once(":key/")?.1;
        let caller = KmsCaller {
            account,
            region,
            now: ctx.now,
        };
        let ring = self.ring(caller);
        let keys = ring.keys();
        keys.get(id)
            .filter(|key| key.arn == key_arn)
            .map(|key| super::access::key_facts(ctx, key, action))
    }
}

impl KeyService for LocalKms {
    fn resolve_key_arn(
        &self,
        caller: KmsCaller<'_>,
        key_id: Option<&str>,
    ) -> Result<String, KmsError> {
        let ring = self.ring(caller);
        let id = self.resolve_id(caller, &ring, key_id)?;
        let keys = ring.keys();
        keys.get(&id)
            .map(|key| key.arn.clone())
            .ok_or(KmsError::Internal)
    }

    fn generate_data_key(
        &self,
        caller: KmsCaller<'_>,
        key_id: Option<&str>,
        context: &EncryptionContext,
    ) -> Result<DataKey, KmsError> {
        let ring = self.ring(caller);
        let id = self.resolve_id(caller, &ring, key_id)?;
        let keys = ring.keys();
        let key = keys.get(&id).ok_or(KmsError::Internal)?;
        key.check_symmetric("GenerateDataKey")?;
        let plaintext = aead::random_key();
        let sealed = crypto::seal(key, plaintext.as_slice(), context)?;
        Ok(DataKey {
            plaintext: Sensitive::new(plaintext),
            ciphertext_blob: sealed.blob,
            key_arn: key.arn.clone(),
        })
    }

    fn decrypt(
        &self,
        caller: KmsCaller<'_>,
        ciphertext_blob: &[u8],
        context: &EncryptionContext,
    ) -> Result<Zeroizing<Vec<u8>>, KmsError> {
        let ring = self.ring(caller);
        let keys = ring.keys();
        crypto::open(&keys, ciphertext_blob, context).map(|opened| opened.plaintext)
    }

    fn authorize_on_behalf(
        &self,
        ctx: &RequestCtx,
        key_arn: &str,
        action: &'static str,
        context: &EncryptionContext,
    ) -> Result<(), KmsError> {
        // The key lives in the partition its ARN names.
        let mut parts = key_arn.split(':');
        let (region, account) = match (parts.nth(3), parts.next()) {
            (Some(region), Some(account)) => (region, account),
            _ => return Err(KmsError::Internal),
        };
        let caller = KmsCaller {
            account,
            region,
            now: ctx.now,
        };
        let ring = self.ring(caller);
        let keys = ring.keys();
        let id = key_arn.rsplit_once(":key/").map_or("", |(_, id)| id);
        let Some(key) = keys.get(id).filter(|key| key.arn == key_arn) else {
            return Err(KmsError::NotFound(format!(
                "Key '{key_arn}' does not exist"
            )));
        };
        let mut relayed = ctx.clone();
        relayed.access.via_service = Some(format!("secretsmanager.{}.amazonaws.com", ctx.region));
        relayed.access.request_keys = super::access::on_behalf_keys(context);
        super::access::authorize_key(&relayed, key, action)
    }

    fn record_use(
        &self,
        key_arn: &str,
        operation: &'static str,
        at: OffsetDateTime,
        request_id: &str,
        event_id: &str,
    ) {
        self.last_usage.record(
            key_arn,
            LastUse {
                operation,
                at,
                request_id: request_id.to_owned(),
                event_id: event_id.to_owned(),
            },
        );
    }

    fn reset_all(&self) {
        self.rings.clear();
        self.last_usage.clear();
    }

    fn reset_account(&self, account: &str) {
        self.rings.clear_account(account);
        self.last_usage.clear_account(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALLER: KmsCaller<'static> = KmsCaller {
        account: "000000000000",
        region: "us-east-1",
        now: time::OffsetDateTime::UNIX_EPOCH,
    };

    fn ctx(value: &str) -> EncryptionContext {
        [("SecretARN".to_owned(), value.to_owned())]
            .into_iter()
            .collect()
    }

    #[test]
    fn data_keys_decrypt_only_with_their_context() {
        let kms = LocalKms::new();
        let key = kms.generate_data_key(CALLER, None, &ctx("a")).unwrap();
        assert!(
            key.key_arn
                .starts_with("arn:aws:kms:us-east-1:000000000000:key/")
        );
        let plain = kms
            .decrypt(CALLER, &key.ciphertext_blob, &ctx("a"))
            .unwrap();
        assert_eq!(plain.as_slice(), key.plaintext.as_slice());
        assert_eq!(
            kms.decrypt(CALLER, &key.ciphertext_blob, &ctx("b")),
            Err(KmsError::InvalidCiphertext)
        );
        let other = KmsCaller {
            account: "111111111111",
            region: "us-east-1",
            now: time::OffsetDateTime::UNIX_EPOCH,
        };
        // Another account cannot tell whether the key exists.
        assert_eq!(
            kms.decrypt(other, &key.ciphertext_blob, &ctx("a")),
            Err(KmsError::AccessDenied(
                crypto::UNKNOWN_KEY_IN_CIPHERTEXT.to_owned()
            ))
        );
    }

    #[test]
    fn the_managed_key_is_created_once_per_partition() {
        let kms = LocalKms::new();
        let first = kms.resolve_key_arn(CALLER, None).unwrap();
        assert_eq!(
            kms.resolve_key_arn(CALLER, Some(SECRETS_MANAGER_ALIAS))
                .unwrap(),
            first
        );
        let west = KmsCaller {
            account: "000000000000",
            region: "eu-west-1",
            now: time::OffsetDateTime::UNIX_EPOCH,
        };
        assert_ne!(kms.resolve_key_arn(west, None).unwrap(), first);
    }

    #[test]
    fn unknown_identifiers_are_reported_as_kms_does() {
        let kms = LocalKms::new();
        assert!(
            matches!(kms.resolve_key_arn(CALLER, Some("alias/nope")), Err(KmsError::NotFound(m)) if m == "Alias arn:aws:kms:us-east-1:000000000000:alias/nope is not found.")
        );
        assert!(matches!(
            kms.resolve_key_arn(CALLER, Some("1234abcd-12ab-34cd-56ef-1234567890ab")),
            Err(KmsError::NotFound(_))
        ));
        assert!(matches!(
            kms.resolve_key_arn(CALLER, Some("nope")),
            Err(KmsError::InvalidKeyId(_))
        ));
    }
}
