//! Key rotation: the automatic schedule of a key, its rotation history, and the scan the
//! scheduler runs (`LocalKms::rotate_due_keys`).
//!
//! Invariants: `next` is set exactly while automatic rotation is enabled; every rotation adds
//! one material generation to the key and one record here (oldest first), and old material is
//! never dropped, so every ciphertext ever made keeps decrypting. As AWS documents, a key that
//! is not Enabled is not rotated; if its rotation fell due meanwhile, it rotates as soon as it
//! is usable again, and every period after that. A sweep does bounded work per key: a key
//! that missed many periods (a large clock move) rotates once, not once per period.

use time::{Duration, OffsetDateTime};

use super::envelope::MATERIAL_ID_LEN;
use super::keys::{Key, KeyState, Material};

/// Automatic rotation period when `RotationPeriodInDays` is not given.
pub const DEFAULT_PERIOD_DAYS: i64 = 365;
/// Most automatic rotations one sweep makes for a key that missed several periods; a key
/// overdue by more rotates once (see [`Key::run_due_rotation`]).
pub const CATCH_UP_PERIODS: i64 = 3;
/// Most on-demand rotations one key may have (KMS quota).
pub const ON_DEMAND_LIMIT: usize = 25;

/// How a rotation happened (`RotationType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotationType {
    /// On the automatic schedule.
    Automatic,
    /// RotateKeyOnDemand.
    OnDemand,
}

impl RotationType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RotationType::Automatic => "AUTOMATIC",
            RotationType::OnDemand => "ON_DEMAND",
        }
    }
}

/// One completed rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationRecord {
    /// The material the rotation made.
    pub material_id: [u8; MATERIAL_ID_LEN],
    /// When it completed.
    pub date: OffsetDateTime,
    /// Automatic or on demand.
    pub kind: RotationType,
}

/// A key's rotation settings and history.
#[derive(Debug, Clone, Default)]
pub struct KeyRotation {
    /// `RotationPeriodInDays` while automatic rotation is enabled.
    pub period_days: Option<i64>,
    /// The next automatic rotation; set exactly while enabled.
    pub next: Option<OffsetDateTime>,
    /// Where the current schedule counts from (enable date or last automatic rotation).
    pub(super) anchor: Option<OffsetDateTime>,
    /// A rotation fell due while the key was not usable: rotate once it is.
    pub(super) overdue: bool,
    /// Completed rotations, oldest first.
    pub history: Vec<RotationRecord>,
}

impl KeyRotation {
    /// Enables automatic rotation every `period_days`. Enabling from off schedules the first
    /// rotation `period_days` from `now`; changing the period of an enabled schedule counts
    /// from the last automatic rotation (or the enable date), and a date already passed
    /// becomes `now` (KMS rotates at once).
    pub fn enable(&mut self, period_days: i64, now: OffsetDateTime) {
        let anchor = match (self.period_days, self.anchor) {
            (Some(_), Some(anchor)) => anchor,
            _ => now,
        };
        self.anchor = Some(anchor);
        self.period_days = Some(period_days);
        self.next = Some(anchor.saturating_add(Duration::days(period_days)).max(now));
    }

    /// Turns automatic rotation off (the history stays).
    pub fn disable(&mut self) {
        self.period_days = None;
        self.next = None;
        self.anchor = None;
        self.overdue = false;
    }

    /// How many on-demand rotations the key has had.
    pub fn on_demand_count(&self) -> usize {
        self.history
            .iter()
            .filter(|r| r.kind == RotationType::OnDemand)
            .count()
    }
}

impl Key {
    /// Adds a material generation (the newest encrypts from now on) and records the rotation.
    pub fn rotate(&mut self, kind: RotationType, date: OffsetDateTime) {
        let material = Material::generate();
        self.rotation.history.push(RotationRecord {
            material_id: material.id,
            date,
            kind,
        });
        self.materials.push(material);
    }

    /// Whether [`Key::run_due_rotation`] at `now` would change the key (rotate it, or mark a
    /// key that is not usable as overdue for the first time), so sweeps store only real changes.
    pub fn rotation_would_change(&self, now: OffsetDateTime) -> bool {
        let due = self.rotation.period_days.is_some()
            && self.rotation.next.is_some_and(|next| next <= now);
        due && (self.state == KeyState::Enabled || !self.rotation.overdue)
    }

    /// Performs the automatic rotations due at `now`; returns how many were made. A key that
    /// missed at most [`CATCH_UP_PERIODS`] rotations gets one per missed period, each dated
    /// when it fell due; one overdue by more (a large clock move) rotates once, now, and is
    /// next due one period later, so a sweep does constant work per key whatever the move.
    pub fn run_due_rotation(&mut self, now: OffsetDateTime) -> usize {
        let (Some(period), Some(mut next)) = (self.rotation.period_days, self.rotation.next) else {
            return 0;
        };
        if next > now {
            return 0;
        }
        if self.state != KeyState::Enabled {
            self.rotation.overdue = true;
            return 0;
        }
        let period = Duration::days(period.max(1));
        let missed = 1 + (now - next).whole_seconds() / period.whole_seconds().max(1);
        if self.rotation.overdue || missed > CATCH_UP_PERIODS {
            // Due while disabled or pending deletion, or many periods ago: rotate now, once.
            next = now;
            self.rotation.overdue = false;
        }
        let mut made = 0;
        while next <= now {
            self.rotate(RotationType::Automatic, next);
            self.rotation.anchor = Some(next);
            let after = next.saturating_add(period);
            made += 1;
            if after == next || made >= CATCH_UP_PERIODS as usize {
                // Saturated at the end of representable time, or caught up as far as allowed.
                next = after;
                break;
            }
            next = after;
        }
        if next <= now {
            next = now.saturating_add(period);
        }
        self.rotation.next = Some(next);
        made
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kms::KmsCaller;
    use crate::kms::keys::KeyManager;

    fn at(days: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::days(days)
    }

    fn key() -> Key {
        let caller = KmsCaller {
            account: "111122223333",
            region: "us-east-1",
            now: at(0),
        };
        Key::new(caller, KeyManager::Customer, String::new(), None)
    }

    #[test]
    fn due_rotations_are_dated_on_schedule_and_keep_old_material() {
        let mut key = key();
        key.rotation.enable(90, at(0));
        assert_eq!(key.run_due_rotation(at(89)), 0);
        assert_eq!(key.run_due_rotation(at(200)), 2);
        let dates: Vec<_> = key.rotation.history.iter().map(|r| r.date).collect();
        assert_eq!(dates, vec![at(90), at(180)]);
        assert_eq!(key.rotation.next, Some(at(270)));
        assert_eq!(key.materials.len(), 3);
    }

    #[test]
    fn a_key_not_usable_when_due_rotates_once_usable_again() {
        let mut key = key();
        key.rotation.enable(90, at(0));
        key.state = KeyState::Disabled;
        assert!(!key.rotation_would_change(at(89)));
        assert!(key.rotation_would_change(at(100)));
        assert_eq!(key.run_due_rotation(at(100)), 0);
        // Marked overdue once: later sweeps while it stays disabled change (and store) nothing.
        assert!(!key.rotation_would_change(at(120)));
        key.state = KeyState::Enabled;
        assert!(key.rotation_would_change(at(150)));
        assert_eq!(key.run_due_rotation(at(150)), 1);
        assert_eq!(key.rotation.history[0].date, at(150));
        assert_eq!(key.rotation.next, Some(at(240)));
    }

    #[test]
    fn changing_the_period_counts_from_the_last_rotation() {
        let mut key = key();
        key.rotation.enable(365, at(0));
        key.rotation.enable(90, at(10));
        assert_eq!(key.rotation.next, Some(at(90)));
        key.rotation.enable(90, at(100));
        assert_eq!(key.rotation.next, Some(at(100)));
        key.rotation.disable();
        key.rotation.enable(365, at(120));
        assert_eq!(key.rotation.next, Some(at(485)));
    }

    #[test]
    fn a_key_overdue_by_many_periods_rotates_once_and_counts_from_now() {
        let mut key = key();
        key.rotation.enable(90, at(0));
        let ten_years = at(3_652);
        assert!(key.rotation_would_change(ten_years));
        assert_eq!(key.run_due_rotation(ten_years), 1);
        assert_eq!(key.rotation.history.len(), 1);
        assert_eq!(key.rotation.history[0].date, ten_years);
        assert_eq!(key.rotation.next, Some(at(3_652 + 90)));
        assert_eq!(key.materials.len(), 2);
        assert!(!key.rotation_would_change(at(3_652 + 89)));
    }

    #[test]
    fn a_rotation_date_near_the_end_of_time_saturates_instead_of_panicking() {
        let mut key = key();
        let end = time::PrimitiveDateTime::MAX.assume_utc();
        key.rotation.enable(2_560, end - Duration::days(1));
        assert_eq!(key.rotation.next, Some(end));
        assert_eq!(key.run_due_rotation(end), 1);
        assert_eq!(key.rotation.next, Some(end));
    }
}
