//! [`UsageLog`]: the last successful cryptographic use of each key, for GetKeyLastUsage.
//!
//! KMS tracks twelve operations (the model's `KeyLastUsageTrackingOperation`): a successful
//! call of one of them records, for every key it used (ReEncrypt: both), the operation, the
//! virtual time, the request id and the CloudTrail event id of its audit record; so do the
//! GenerateDataKey and Decrypt calls Secrets Manager makes for a caller. DryRun
//! calls and failures record nothing, nor do GetPublicKey and DescribeKey.
//!
//! The log is kept in memory only, beside the keys (one map lookup and a short lock per
//! call, never a store write on the cryptographic path). What a restart loses is described
//! the way KMS describes a key it has not tracked since its creation: tracking starts when
//! this process first serves a KMS request ([`UsageLog::start_tracking`]), and a key's
//! `TrackingStartDate` is that moment or its creation, whichever is later. So a key created
//! before a restart and not used since reports an empty `KeyLastUsage` with a
//! `TrackingStartDate` after its `KeyCreationDate`: "may have been used before tracking
//! began", which is true.
//!
//! Invariant: entries are keyed by key ARN, which names the account and Region, so a reset of
//! one account drops exactly its entries.

use std::collections::HashMap;
use std::sync::OnceLock;

use parking_lot::Mutex;
use time::OffsetDateTime;

/// The operations whose successful calls count as a use (`KeyLastUsageTrackingOperation`).
pub const TRACKED_OPERATIONS: [&str; 12] = [
    "Decrypt",
    "DeriveSharedSecret",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "ReEncrypt",
    "Sign",
    "Verify",
    "VerifyMac",
];

/// One recorded use of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastUse {
    /// The operation, one of [`TRACKED_OPERATIONS`].
    pub operation: &'static str,
    /// When (virtual clock).
    pub at: OffsetDateTime,
    /// The request id of the call.
    pub request_id: String,
    /// The `eventID` of the call's audit record.
    pub event_id: String,
}

/// The last use of every key used since tracking started.
#[derive(Debug, Default)]
pub struct UsageLog {
    /// By key ARN.
    uses: Mutex<HashMap<String, LastUse>>,
    /// When this process started tracking (the first KMS request it served).
    since: OnceLock<OffsetDateTime>,
}

impl UsageLog {
    /// Starts tracking at `now` unless it has started already (one atomic load after the
    /// first call).
    pub fn start_tracking(&self, now: OffsetDateTime) {
        self.since.get_or_init(|| now);
    }

    /// Records `used` as the last use of the key `key_arn`; an older use than the one
    /// recorded (a call that finished out of order) is ignored.
    pub fn record(&self, key_arn: &str, used: LastUse) {
        debug_assert!(TRACKED_OPERATIONS.contains(&used.operation));
        let mut uses = self.uses.lock();
        match uses.get_mut(key_arn) {
            Some(last) if last.at > used.at => {}
            Some(last) => *last = used,
            None => {
                uses.insert(key_arn.to_owned(), used);
            }
        }
    }

    /// The last use of `key_arn`, if it was used since tracking started.
    pub fn last_use(&self, key_arn: &str) -> Option<LastUse> {
        self.uses.lock().get(key_arn).cloned()
    }

    /// When tracking started for a key created at `created`: the later of the two.
    pub fn tracking_start(&self, created: OffsetDateTime) -> OffsetDateTime {
        match self.since.get() {
            Some(&since) if since > created => since,
            _ => created,
        }
    }

    /// Forgets every use (a reset of the emulator).
    pub fn clear(&self) {
        self.uses.lock().clear();
    }

    /// Forgets the uses of `account`'s keys (a reset of one account).
    pub fn clear_account(&self, account: &str) {
        let infix = format!(":{account}:key/");
        self.uses.lock().retain(|arn, _| !arn.contains(&infix));
    }
}

#[cfg(test)]
mod tests {
    use time::Duration;

    use super::*;

    fn used(operation: &'static str, at: OffsetDateTime) -> LastUse {
        LastUse {
            operation,
            at,
            request_id: "r".into(),
            event_id: "e".into(),
        }
    }

    const A: &str = "arn:aws:kms:us-east-1:111111111111:key/a";
    const B: &str = "arn:aws:kms:us-east-1:222222222222:key/b";

    #[test]
    fn the_latest_use_wins_and_resets_forget() {
        let log = UsageLog::default();
        let t0 = OffsetDateTime::UNIX_EPOCH;
        log.record(A, used("Encrypt", t0 + Duration::seconds(2)));
        log.record(A, used("Decrypt", t0 + Duration::seconds(1)));
        assert_eq!(log.last_use(A).map(|u| u.operation), Some("Encrypt"));
        log.record(A, used("Sign", t0 + Duration::seconds(2)));
        assert_eq!(log.last_use(A).map(|u| u.operation), Some("Sign"));
        log.record(B, used("Verify", t0));
        log.clear_account("111111111111");
        assert_eq!(log.last_use(A), None);
        assert!(log.last_use(B).is_some());
        log.clear();
        assert_eq!(log.last_use(B), None);
    }

    #[test]
    fn tracking_starts_at_the_first_request_or_the_key_creation() {
        let log = UsageLog::default();
        let t0 = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(log.tracking_start(t0), t0);
        log.start_tracking(t0 + Duration::days(1));
        log.start_tracking(t0 + Duration::days(5));
        assert_eq!(log.tracking_start(t0), t0 + Duration::days(1));
        assert_eq!(
            log.tracking_start(t0 + Duration::days(3)),
            t0 + Duration::days(3)
        );
    }
}
