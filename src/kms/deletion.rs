//! Key deletion windows: a key scheduled for deletion (ScheduleKeyDeletion) is deleted for
//! good once its `DeletionDate` has passed on the (virtual) clock, together with every alias
//! that points at it. Afterwards the key is `NotFoundException` to every operation, and
//! ciphertexts made under it fail to decrypt with AWS's "ciphertext refers to a customer
//! master key that does not exist" `AccessDeniedException`.
//!
//! Deletion runs lazily before any request touches a key ring (`LocalKms::ring`), from the
//! server's background scheduler and right after the admin API moves the clock
//! (`LocalKms::delete_expired` via `AppState::run_due_work`), like Secrets Manager's purge.
//!
//! Invariant: a ring's [`DeletionHint`] is never later than the earliest deletion date of any
//! of its keys (whole seconds, rounded down), so a check that finds `now` before the hint may
//! skip the scan; the hint is lowered when a deletion is scheduled and recomputed only while
//! the ring's locks are held for writing.

use time::OffsetDateTime;

use crate::clock::DueHint;

use super::keys::KeyRing;
use super::sealed_journal::SealedJournal;
use crate::storage::PartitionKey;

/// A lower bound of the earliest deletion date in one key ring (see [`DueHint`]).
pub type DeletionHint = DueHint;

impl KeyRing {
    /// Deletes every key whose deletion date is not after `now`, and the aliases pointing at
    /// them; returns how many keys were deleted. Cheap (one atomic load) when nothing is due.
    /// The deletions are stored through `journal`; when the store refuses, nothing is
    /// deleted (the next sweep retries).
    pub fn delete_due(
        &self,
        journal: &SealedJournal,
        partition: &PartitionKey,
        now: OffsetDateTime,
    ) -> usize {
        if !self.deletion_hint.may_be_due(now) {
            return 0;
        }
        self.write(journal, partition, |aliases, keys| {
            let due: Vec<String> = keys
                .values()
                .filter(|key| key.deletion_due(now))
                .map(|key| key.id.clone())
                .collect();
            for id in &due {
                keys.remove(id);
            }
            aliases.retain(|_, alias| !due.contains(&alias.key_id));
            let earliest = keys.values().filter_map(|key| key.deletion_date).min();
            self.deletion_hint.reset_to(earliest);
            Ok(due.len())
        })
        .unwrap_or_else(|_| {
            // Undone: keep the hint due so the next sweep retries.
            self.deletion_hint.note(now);
            0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kms::keys::{Alias, Key, KeyManager, KeyPlace, KeyState};
    use time::Duration;

    fn partition() -> PartitionKey {
        PartitionKey::new("000000000000", "us-east-1")
    }

    fn key(now: OffsetDateTime) -> Key {
        let place = KeyPlace {
            account: "000000000000",
            region: "us-east-1",
            now,
        };
        Key::new(place, KeyManager::Customer, String::new(), None)
    }

    #[test]
    fn only_keys_past_their_window_go_and_their_aliases_with_them() {
        let ring = KeyRing::default();
        let start = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let mut ids = Vec::new();
        for days in [Some(7), Some(30), None] {
            let mut k = key(start);
            if let Some(days) = days {
                ring.deletion_hint.note(k.schedule_deletion(start, days));
            }
            ring.aliases
                .write()
                .insert(format!("alias/{}", k.id), Alias::new(k.id.clone(), start));
            ids.push(k.id.clone());
            ring.keys.write().insert(k.id.clone(), k);
            ring.keys.write().settle();
            ring.aliases.write().settle();
        }
        assert_eq!(
            ring.delete_due(
                &SealedJournal::in_memory(),
                &partition(),
                start + Duration::days(6)
            ),
            0
        );
        assert_eq!(
            ring.delete_due(
                &SealedJournal::in_memory(),
                &partition(),
                start + Duration::days(7)
            ),
            1
        );
        assert!(!ring.keys.read().contains_key(&ids[0]));
        assert!(
            !ring
                .aliases
                .read()
                .contains_key(&format!("alias/{}", ids[0]))
        );
        assert_eq!(ring.aliases.read().len(), 2);
        assert_eq!(
            ring.delete_due(
                &SealedJournal::in_memory(),
                &partition(),
                start + Duration::days(31)
            ),
            1
        );
        assert_eq!(ring.keys.read().len(), 1);
        assert!(ring.keys.read().contains_key(&ids[2]));
        assert!(
            !ring
                .deletion_hint
                .may_be_due(start + Duration::days(10_000))
        );
    }

    #[test]
    fn a_cancelled_deletion_keeps_the_key_disabled() {
        let ring = KeyRing::default();
        let start = OffsetDateTime::UNIX_EPOCH;
        let mut k = key(start);
        ring.deletion_hint.note(k.schedule_deletion(start, 7));
        k.cancel_deletion();
        assert_eq!(k.state, KeyState::Disabled);
        let id = k.id.clone();
        ring.keys.write().insert(id.clone(), k);
        ring.keys.write().settle();
        assert_eq!(
            ring.delete_due(
                &SealedJournal::in_memory(),
                &partition(),
                start + Duration::days(8)
            ),
            0
        );
        assert!(ring.keys.read().contains_key(&id));
    }

    #[test]
    fn ciphertexts_of_a_deleted_key_fail_as_aws_says() {
        use crate::kms::{EncryptionContext, KeyService, KmsCaller, KmsError, LocalKms, crypto};
        let start = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let caller = KmsCaller {
            account: "000000000000",
            region: "us-east-1",
            now: start,
        };
        let kms = LocalKms::new();
        let arn = kms.create_customer_key(caller).unwrap();
        let context = EncryptionContext::new();
        let data_key = kms.generate_data_key(caller, Some(&arn), &context).unwrap();
        let ring = kms.ring(caller);
        {
            let mut keys = ring.keys.write();
            let id = arn.rsplit('/').next().unwrap();
            let key = keys.get_mut(id).unwrap();
            ring.deletion_hint.note(key.schedule_deletion(start, 7));
            keys.settle();
        }
        assert_eq!(
            kms.decrypt(caller, &data_key.ciphertext_blob, &context),
            Err(KmsError::pending_deletion(&arn))
        );
        assert_eq!(kms.delete_expired(start + Duration::days(7)), 1);
        let later = KmsCaller {
            now: start + Duration::days(7),
            ..caller
        };
        assert_eq!(
            kms.decrypt(later, &data_key.ciphertext_blob, &context),
            Err(KmsError::AccessDenied(
                crypto::UNKNOWN_KEY_IN_CIPHERTEXT.to_owned()
            ))
        );
    }
}
