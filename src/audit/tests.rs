//! The trail's bounds: per account and kind, over all accounts (records and estimated
//! memory), in memory and in the store.

use super::*;

fn record(account: &str) -> AuditRecord {
    AuditRecord::kms_call_via_secrets_manager(record::KmsCall {
        event_name: "Decrypt",
        key_arn: "arn:aws:kms:us-east-1:000000000000:key/k".into(),
        encryption_context: Default::default(),
        identity: UserIdentity::root(account, "test"),
        region: "us-east-1".into(),
        request_id: "r".into(),
        event_id: "e".into(),
        at: time::OffsetDateTime::UNIX_EPOCH,
        error_code: None,
    })
}

#[test]
fn keeps_at_most_capacity_and_filters_by_account() {
    let log = AuditLog::new();
    for _ in 0..CAPACITY + 5 {
        log.record(record("111111111111"));
    }
    log.record(record("222222222222"));
    assert_eq!(log.records(None, Calls::Relayed).len(), CAPACITY + 1);
    assert_eq!(
        log.records(Some("111111111111"), Calls::Relayed).len(),
        CAPACITY
    );
    assert_eq!(log.records(Some("222222222222"), Calls::Relayed).len(), 1);
    log.reset(Some("111111111111"));
    assert_eq!(log.records(None, Calls::Relayed).len(), 1);
}

fn direct_call(account: &str) -> AuditRecord {
    AuditRecord::api_call(ApiCall {
        event_source: "secretsmanager.amazonaws.com",
        event_name: "GetSecretValue",
        read_only: true,
        identity: UserIdentity::root(account, "test"),
        region: "us-east-1".into(),
        request_id: "r".into(),
        event_id: "e".into(),
        at: time::OffsetDateTime::UNIX_EPOCH,
        source_ip_address: None,
        user_agent: None,
        request_parameters: serde_json::Value::Null,
        response_elements: serde_json::Value::Null,
        error: None,
    })
}

#[test]
fn direct_and_relayed_calls_are_kept_and_bounded_apart() {
    let log = AuditLog::new();
    let account = "111111111111";
    log.record(direct_call(account));
    log.record(record(account));
    log.record(direct_call(account));
    let kinds = |calls| -> Vec<bool> {
        log.records(Some(account), calls)
            .iter()
            .map(AuditRecord::is_relayed)
            .collect()
    };
    assert_eq!(kinds(Calls::Relayed), [true]);
    assert_eq!(kinds(Calls::Direct), [false, false]);
    assert_eq!(kinds(Calls::All), [false, true, false]);
    for _ in 0..CAPACITY {
        log.record(direct_call(account));
    }
    assert_eq!(log.records(Some(account), Calls::Direct).len(), CAPACITY);
    assert_eq!(log.records(Some(account), Calls::Relayed).len(), 1);
    assert_eq!(log.len(), CAPACITY + 1);
}

#[test]
fn a_durable_trail_reloads_and_drops_old_records_from_the_store_too() {
    let store: std::sync::Arc<dyn Store> = std::sync::Arc::new(crate::storage::MemoryStore::new());
    let log = AuditLog::durable(std::sync::Arc::clone(&store)).unwrap();
    for _ in 0..CAPACITY + 3 {
        log.record(record("111111111111"));
    }
    log.record(record("222222222222"));
    log.flush();
    assert_eq!(
        store.load(RecordKind::AuditRecord).unwrap().len(),
        CAPACITY + 1
    );
    let first = log.records(Some("111111111111"), Calls::Relayed)[0]
        .event_time
        .clone();
    drop(log);
    let reloaded = AuditLog::durable(store).unwrap();
    assert_eq!(reloaded.len(), CAPACITY + 1);
    assert_eq!(
        reloaded.records(Some("111111111111"), Calls::Relayed)[0].event_time,
        first
    );
    reloaded.record(record("222222222222"));
    assert_eq!(
        reloaded.records(Some("222222222222"), Calls::Relayed).len(),
        2
    );
}

/// A relayed record of `account` whose `requestID` is `id`.
fn numbered(account: &str, id: usize) -> AuditRecord {
    AuditRecord::kms_call_via_secrets_manager(record::KmsCall {
        request_id: id.to_string(),
        ..relayed_call(account)
    })
}

fn relayed_call(account: &str) -> record::KmsCall {
    record::KmsCall {
        event_name: "Decrypt",
        key_arn: "arn:aws:kms:us-east-1:000000000000:key/k".into(),
        encryption_context: Default::default(),
        identity: UserIdentity::root(account, "test"),
        region: "us-east-1".into(),
        request_id: "r".into(),
        event_id: "e".into(),
        at: time::OffsetDateTime::UNIX_EPOCH,
        error_code: None,
    }
}

/// The `requestID`s of `records`, in order.
fn ids(records: &[AuditRecord]) -> Vec<usize> {
    records
        .iter()
        .map(|record| {
            serde_json::to_value(record).unwrap()["requestID"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect()
}

/// The 12-digit account id number `n`: any such id signs as its own account.
fn account(n: usize) -> String {
    format!("{n:012}")
}

const FEW: Limits = Limits {
    per_account: 10,
    records: 50,
    retained_bytes: usize::MAX,
};

/// Asserts that `log` holds the newest of the records numbered `0..recorded`, as many as
/// its global capacity allows after a sweep (between 90% and 100% of it).
#[track_caller]
fn assert_holds_the_newest(log: &AuditLog, recorded: usize, capacity: usize) {
    let held = log.len();
    assert!(
        (capacity - capacity / 10..=capacity).contains(&held),
        "{held} records held, capacity {capacity}"
    );
    let mut kept = ids(&log.records(None, Calls::All));
    kept.sort_unstable();
    assert_eq!(kept, (recorded - held..recorded).collect::<Vec<_>>());
}

#[test]
fn many_accounts_never_hold_more_than_the_global_capacity_and_the_oldest_go_first() {
    let log = AuditLog::with_limits(FEW);
    for n in 0..200 {
        log.record(numbered(&account(n), n));
        assert!(log.len() <= FEW.records, "{} records after {n}", log.len());
    }
    assert_holds_the_newest(&log, 200, FEW.records);
    assert_eq!(
        log.by_account.len(),
        log.len(),
        "emptied accounts are forgotten"
    );
    assert!(log.records(Some(&account(0)), Calls::All).is_empty());
}

#[test]
fn the_global_capacity_drops_the_oldest_of_busy_accounts_too() {
    let log = AuditLog::with_limits(FEW);
    for n in 0..40 {
        log.record(numbered(&account(n % 4), n));
    }
    assert_eq!(log.len(), 40, "4 accounts x per-account capacity 10");
    for n in 40..60 {
        log.record(numbered(&account(100 + n), n));
    }
    assert_holds_the_newest(&log, 60, FEW.records);
}

#[test]
fn the_estimated_memory_of_all_accounts_is_bounded() {
    let limits = Limits {
        retained_bytes: 64 * 1024,
        ..Limits::default()
    };
    let log = AuditLog::with_limits(limits);
    let big = |n: usize| {
        let mut call = relayed_call(&account(n));
        call.encryption_context
            .insert("padding".into(), "x".repeat(4096));
        call.request_id = n.to_string();
        AuditRecord::kms_call_via_secrets_manager(call)
    };
    for n in 0..100 {
        log.record(big(n));
        assert!(log.retained_bytes() <= limits.retained_bytes);
    }
    let held = log.records(None, Calls::All);
    assert!(held.len() < 16, "{} records of over 4 KB each", held.len());
    assert_eq!(
        log.retained_bytes(),
        held.iter().map(AuditRecord::retained_bytes).sum::<usize>()
    );
    assert_eq!(*ids(&held).iter().max().unwrap(), 99, "the newest are kept");
}

#[test]
fn totals_follow_every_drop_and_reset() {
    let log = AuditLog::with_limits(FEW);
    let total = |log: &AuditLog| -> usize {
        log.records(None, Calls::All)
            .iter()
            .map(AuditRecord::retained_bytes)
            .sum()
    };
    for n in 0..70 {
        log.record(numbered(&account(n % 7), n));
        assert_eq!(log.retained_bytes(), total(&log));
    }
    assert!(log.len() <= FEW.records);
    log.reset(Some(&account(3)));
    assert_eq!(log.len(), log.records(None, Calls::All).len());
    assert_eq!(log.retained_bytes(), total(&log));
    log.reset(None);
    assert_eq!((log.len(), log.retained_bytes()), (0, 0));
}

#[test]
fn records_dropped_beyond_the_global_capacity_are_deleted_from_the_store() {
    let store: std::sync::Arc<dyn Store> = std::sync::Arc::new(crate::storage::MemoryStore::new());
    let log = AuditLog::durable_with_limits(std::sync::Arc::clone(&store), FEW).unwrap();
    for n in 0..80 {
        log.record(numbered(&account(n), n));
    }
    assert_holds_the_newest(&log, 80, FEW.records);
    log.flush();
    let stored = |store: &std::sync::Arc<dyn Store>| store.load(RecordKind::AuditRecord).unwrap();
    assert_eq!(stored(&store).len(), log.len());
    drop(log);

    let smaller = Limits { records: 20, ..FEW };
    let reloaded = AuditLog::durable_with_limits(std::sync::Arc::clone(&store), smaller).unwrap();
    assert_holds_the_newest(&reloaded, 80, smaller.records);
    reloaded.flush();
    assert_eq!(stored(&store).len(), reloaded.len());
}

#[test]
fn the_last_record_to_drop_leaves_the_newest_within_both_limits() {
    let held = [(1, 10), (2, 10), (3, 100), (4, 10)];
    assert_eq!(last_to_drop(&held, 4, 1000), None);
    assert_eq!(last_to_drop(&held, 3, 1000), Some(1));
    assert_eq!(last_to_drop(&held, 4, 110), Some(2));
    assert_eq!(last_to_drop(&held, 4, 100), Some(3));
    assert_eq!(last_to_drop(&held, 0, 1000), Some(4));
}
