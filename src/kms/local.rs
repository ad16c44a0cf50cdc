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

use super::keys::{Alias, Key, KeyManager, KeyPlace, KeyRing};
use super::managed_key::{MANAGED_KEY_DESCRIPTION, managed_key_policy};
use super::{
    DataKey, EncryptionContext, KeyService, KmsCaller, KmsError, SECRETS_MANAGER_ALIAS, aead,
    crypto,
};
use crate::storage::Partitions;

/// The emulated KMS.
#[derive(Debug, Default)]
pub struct LocalKms {
    pub(super) rings: Partitions<KeyRing>,
    /// No key rotates automatically before this time (`None`: no key rotates at all).
    rotation_hint: Mutex<Option<OffsetDateTime>>,
}

/// Which identifier forms an operation accepts (reference §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// Key id, key ARN, alias name or alias ARN (Encrypt, Decrypt, GenerateDataKey, DescribeKey...).
    KeyOrAlias,
    /// Key id or key ARN only (EnableKey, TagResource, key policies, rotation, grants...).
    KeyOnly,
}

fn place(caller: KmsCaller<'_>) -> KeyPlace<'_> {
    KeyPlace {
        account: caller.account,
        region: caller.region,
        now: caller.now,
    }
}

impl LocalKms {
    /// An empty KMS.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates an enabled symmetric customer managed key in the caller's partition and
    /// returns its ARN (the in-process core of KMS CreateKey).
    pub fn create_customer_key(&self, caller: KmsCaller<'_>) -> String {
        let ring = self.ring(caller);
        let key = Key::new(place(caller), KeyManager::Customer, String::new(), None);
        let arn = key.arn.clone();
        ring.keys.write().insert(key.id.clone(), key);
        arn
    }

    /// Points `alias` (`alias/<name>`) at the key `key_id` in the caller's partition.
    pub fn create_alias(&self, caller: KmsCaller<'_>, alias: &str, key_id: &str) {
        let ring = self.ring(caller);
        ring.aliases
            .write()
            .insert(alias.to_owned(), Alias::new(key_id.to_owned(), caller.now));
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
        let alias_prefix = format!("arn:aws:kms:{}:{}:alias/", caller.region, caller.account);
        let key_prefix = format!("arn:aws:kms:{}:{}:key/", caller.region, caller.account);
        if let Some(rest) = key_id.strip_prefix("arn:aws:kms:") {
            let region = rest.split(':').next().unwrap_or_default();
            if region != caller.region {
                return Err(KmsError::NotFound(format!("Invalid arn {region}")));
            }
        }
        let alias = if let Some(name) = key_id.strip_prefix(&alias_prefix) {
            Some(format!("alias/{name}"))
        } else if key_id.starts_with("alias/") {
            Some(key_id.to_owned())
        } else {
            None
        };
        if let Some(alias) = alias {
            if accepts == Accepts::KeyOnly {
                return Err(KmsError::InvalidKeyId(key_id.to_owned()));
            }
            if alias == SECRETS_MANAGER_ALIAS {
                return Ok(self.managed_key(caller, ring));
            }
            return ring
                .aliases
                .read()
                .get(&alias)
                .map(|found| found.key_id.clone())
                .ok_or_else(|| alias_not_found(caller, &alias));
        }
        let id = key_id.strip_prefix(&key_prefix).unwrap_or(key_id);
        // Key ids are hyphenated UUIDs; KMS calls the 32-hex-digit form malformed too [S].
        if id.len() != 36 || uuid::Uuid::try_parse(id).is_err() {
            return Err(KmsError::InvalidKeyId(key_id.to_owned()));
        }
        if ring.keys.read().contains_key(id) {
            Ok(id.to_owned())
        } else {
            Err(KmsError::NotFound(format!(
                "Key '{key_prefix}{id}' does not exist"
            )))
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
        for ring in self.rings.all() {
            let mut keys = ring.keys.write();
            for key in keys.values_mut() {
                key.run_due_rotation(now);
                if let Some(next) = key.rotation.next {
                    earliest = Some(earliest.map_or(next, |e| e.min(next)));
                }
            }
        }
        *hint = earliest;
    }

    /// The caller's key ring, after deleting its keys whose deletion window has ended.
    pub(crate) fn ring(&self, caller: KmsCaller<'_>) -> std::sync::Arc<KeyRing> {
        let ring = self.rings.get_or_create(caller.account, caller.region);
        ring.delete_due(caller.now);
        ring
    }

    /// Deletes, in every partition, the keys whose deletion window has ended at `now` (and
    /// their aliases); returns how many keys were deleted. Run by the scheduler and after the
    /// clock moves.
    pub fn delete_expired(&self, now: OffsetDateTime) -> usize {
        let deleted: usize = self.rings.all().iter().map(|r| r.delete_due(now)).sum();
        if deleted > 0 {
            tracing::info!(deleted, "KMS keys past their deletion window deleted");
        }
        deleted
    }

    /// The id of `aws/secretsmanager` in this partition, created on first use.
    fn managed_key(&self, caller: KmsCaller<'_>, ring: &KeyRing) -> String {
        if let Some(alias) = ring.aliases.read().get(SECRETS_MANAGER_ALIAS) {
            return alias.key_id.clone();
        }
        let mut aliases = ring.aliases.write();
        if let Some(alias) = aliases.get(SECRETS_MANAGER_ALIAS) {
            return alias.key_id.clone();
        }
        let mut key = Key::new(
            place(caller),
            KeyManager::Aws,
            MANAGED_KEY_DESCRIPTION.to_owned(),
            Some(managed_key_policy(caller.account, caller.region)),
        );
        // AWS managed keys always rotate, every year (reference §4).
        key.rotation
            .enable(super::rotation::DEFAULT_PERIOD_DAYS, caller.now);
        let next = key.rotation.next;
        let id = key.id.clone();
        ring.keys.write().insert(id.clone(), key);
        aliases.insert(
            SECRETS_MANAGER_ALIAS.to_owned(),
            Alias::new(id.clone(), caller.now),
        );
        drop(aliases);
        if let Some(next) = next {
            self.schedule_rotation(next);
        }
        id
    }
}

/// `NotFoundException: Alias <alias ARN> is not found.` for `alias` (`alias/<name>`).
pub(crate) fn alias_not_found(caller: KmsCaller<'_>, alias: &str) -> KmsError {
    KmsError::NotFound(format!("Alias {} is not found.", alias_arn(caller, alias)))
}

/// The ARN of `alias` (`alias/<name>`) in the caller's partition.
pub(crate) fn alias_arn(caller: KmsCaller<'_>, alias: &str) -> String {
    format!("arn:aws:kms:{}:{}:{alias}", caller.region, caller.account)
}

impl KeyService for LocalKms {
    fn resolve_key_arn(
        &self,
        caller: KmsCaller<'_>,
        key_id: Option<&str>,
    ) -> Result<String, KmsError> {
        let ring = self.ring(caller);
        let id = self.resolve_id(caller, &ring, key_id)?;
        let keys = ring.keys.read();
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
        let keys = ring.keys.read();
        let key = keys.get(&id).ok_or(KmsError::Internal)?;
        let plaintext = aead::random_key();
        let sealed = crypto::seal(key, plaintext.as_slice(), context)?;
        Ok(DataKey {
            plaintext,
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
        let keys = ring.keys.read();
        crypto::open(&keys, ciphertext_blob, context).map(|opened| opened.plaintext)
    }

    fn reset_all(&self) {
        self.rings.clear();
    }

    fn reset_account(&self, account: &str) {
        self.rings.clear_account(account);
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
        // Another account cannot tell whether the key exists (reference §2.5 Decrypt).
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
