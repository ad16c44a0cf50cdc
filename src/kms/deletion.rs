//! Key deletion windows: a key scheduled for deletion (ScheduleKeyDeletion) is deleted for
//! good once its `DeletionDate` has passed on the (virtual) clock, together with every alias
//! that points at it. Afterwards the key is `NotFoundException` to every operation, and
//! ciphertexts made under it fail to decrypt with AWS's "ciphertext refers to a customer
//! master key that does not exist" `AccessDeniedException`.
//!
//! Deletion runs lazily before any request touches a key ring (`LocalKms::ring`), from the
//! server's background scheduler and right after the admin API moves the clock
//! (`LocalKms::delete_expired` via `AppState::run_due_work`), like Secrets Manager's purge.
//! [`KeyRing::delete_due`](super::ring::KeyRing::delete_due) runs the [`sweep`] under the
//! ring's write locks when its [`DeletionHint`] says a deletion may be due.

use time::OffsetDateTime;

use super::keys::{Alias, Key};
use crate::clock::DueHint;
use crate::storage::Tracked;

/// A lower bound of the earliest deletion date in one key ring (see [`DueHint`]).
pub type DeletionHint = DueHint;

/// What a sweep did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swept {
    /// How many keys were deleted.
    pub deleted: usize,
    /// The earliest deletion date of the keys still pending deletion.
    pub earliest_remaining: Option<OffsetDateTime>,
    /// The multi-Region keys deleted, with their deletion dates: their related keys in other
    /// Regions must be relinked (`related.rs`).
    pub multi_region: Vec<(String, OffsetDateTime)>,
}

/// Deletes every key whose deletion date is not after `now`, and the aliases pointing at them.
pub fn sweep(aliases: &mut Tracked<Alias>, keys: &mut Tracked<Key>, now: OffsetDateTime) -> Swept {
    let due: Vec<String> = keys
        .values()
        .filter(|key| key.deletion_due(now))
        .map(|key| key.id.clone())
        .collect();
    let mut multi_region = Vec::new();
    for id in &due {
        if let Some(key) = keys.remove(id) {
            if let (Some(_), Some(date)) = (&key.multi_region, key.deletion_date) {
                multi_region.push((key.id, date));
            }
        }
    }
    aliases.retain(|_, alias| !due.contains(&alias.key_id));
    Swept {
        deleted: due.len(),
        earliest_remaining: keys.values().filter_map(|key| key.deletion_date).min(),
        multi_region,
    }
}

#[cfg(test)]
mod tests {
    use time::{Duration, OffsetDateTime};

    use crate::kms::{EncryptionContext, KeyService, KmsCaller, KmsError, LocalKms, crypto};

    #[test]
    fn ciphertexts_of_a_deleted_key_fail_as_aws_says() {
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
        kms.write_ring(caller, &ring, |_, keys| {
            let id = arn.rsplit('/').next().unwrap();
            keys.get_mut(id).unwrap().schedule_deletion(start, 7);
            Ok(())
        })
        .unwrap();
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
