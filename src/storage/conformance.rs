//! The one conformance suite every [`Store`] backend must pass (test-only).
//!
//! Each check is a plain function over `&dyn Store`; `store_conformance_tests!(factory)`
//! expands to one `#[test]` per check for a backend, where `factory()` returns a fresh empty
//! store plus a guard (e.g. its temporary directory) kept alive for the test's duration.

use super::PartitionKey;
use super::store::{MAX_VALUE_BYTES, Mutation, RecordKind, Store, StoreError};

fn east() -> PartitionKey {
    PartitionKey::new("111111111111", "us-east-1")
}

fn west() -> PartitionKey {
    PartitionKey::new("111111111111", "eu-west-1")
}

fn other_account() -> PartitionKey {
    PartitionKey::new("222222222222", "us-east-1")
}

fn put(kind: RecordKind, partition: &PartitionKey, id: &str, value: &[u8]) -> Mutation {
    Mutation::put(kind, partition, id, value)
}

fn value_of(
    store: &dyn Store,
    kind: RecordKind,
    partition: &PartitionKey,
    id: &str,
) -> Option<Vec<u8>> {
    store.get(kind, partition, id).expect("get")
}

fn ids(store: &dyn Store, kind: RecordKind) -> Vec<(String, String, String)> {
    store
        .load(kind)
        .expect("load")
        .into_iter()
        .map(|record| {
            assert_eq!(record.kind, kind);
            (record.partition.account, record.partition.region, record.id)
        })
        .collect()
}

pub fn empty_store_has_nothing(store: &dyn Store) {
    for kind in RecordKind::ALL {
        assert!(store.load(kind).expect("load").is_empty(), "{kind}");
    }
    assert_eq!(value_of(store, RecordKind::Secret, &east(), "a"), None);
    assert!(store.schema_version() >= 1);
    store.apply(&[]).expect("an empty batch is a no-op");
}

pub fn put_then_get(store: &dyn Store) {
    store
        .apply(&[put(RecordKind::Secret, &east(), "alpha", b"one")])
        .expect("apply");
    assert_eq!(
        value_of(store, RecordKind::Secret, &east(), "alpha").as_deref(),
        Some(&b"one"[..])
    );
    let loaded = store.load(RecordKind::Secret).expect("load");
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].partition, east());
    assert_eq!(loaded[0].id, "alpha");
    assert_eq!(loaded[0].value, b"one");
}

pub fn overwrite_replaces(store: &dyn Store) {
    store
        .apply(&[put(RecordKind::KmsKey, &east(), "k", b"first")])
        .expect("apply");
    store
        .apply(&[put(RecordKind::KmsKey, &east(), "k", b"second, longer")])
        .expect("apply");
    assert_eq!(
        value_of(store, RecordKind::KmsKey, &east(), "k").as_deref(),
        Some(&b"second, longer"[..])
    );
    assert_eq!(store.load(RecordKind::KmsKey).expect("load").len(), 1);
}

pub fn delete_removes_and_missing_is_fine(store: &dyn Store) {
    store
        .apply(&[
            put(RecordKind::KmsAlias, &east(), "a", b"1"),
            put(RecordKind::KmsAlias, &east(), "b", b"2"),
        ])
        .expect("apply");
    store
        .apply(&[
            Mutation::delete(RecordKind::KmsAlias, &east(), "a"),
            Mutation::delete(RecordKind::KmsAlias, &east(), "never-existed"),
        ])
        .expect("deleting a missing record is not an error");
    assert_eq!(value_of(store, RecordKind::KmsAlias, &east(), "a"), None);
    assert_eq!(ids(store, RecordKind::KmsAlias).len(), 1);
}

pub fn empty_value_round_trips(store: &dyn Store) {
    store
        .apply(&[put(RecordKind::Meta, &east(), "empty", b"")])
        .expect("apply");
    assert_eq!(
        value_of(store, RecordKind::Meta, &east(), "empty"),
        Some(Vec::new())
    );
}

pub fn batch_applies_in_order(store: &dyn Store) {
    store
        .apply(&[
            put(RecordKind::Secret, &east(), "a", b"1"),
            Mutation::delete(RecordKind::Secret, &east(), "a"),
            put(RecordKind::Secret, &east(), "b", b"1"),
            put(RecordKind::Secret, &east(), "b", b"2"),
        ])
        .expect("apply");
    assert_eq!(value_of(store, RecordKind::Secret, &east(), "a"), None);
    assert_eq!(
        value_of(store, RecordKind::Secret, &east(), "b").as_deref(),
        Some(&b"2"[..])
    );
}

pub fn failed_batch_changes_nothing(store: &dyn Store) {
    store
        .apply(&[put(RecordKind::Secret, &east(), "kept", b"before")])
        .expect("apply");
    let bad_batches = [
        vec![
            put(RecordKind::Secret, &east(), "kept", b"after"),
            put(RecordKind::Secret, &east(), "new", b"x"),
            put(RecordKind::Secret, &east(), "", b"empty id"),
        ],
        vec![
            Mutation::DeleteAll,
            Mutation::put(
                RecordKind::Secret,
                &east(),
                "big",
                vec![0u8; MAX_VALUE_BYTES + 1],
            ),
        ],
        vec![
            Mutation::delete(RecordKind::Secret, &east(), "kept"),
            Mutation::DeletePartition {
                partition: PartitionKey::new("", "us-east-1"),
            },
        ],
    ];
    for batch in bad_batches {
        let error = store
            .apply(&batch)
            .expect_err("an invalid batch is refused");
        assert!(matches!(error, StoreError::Invalid(_)), "{error:?}");
        assert_eq!(
            value_of(store, RecordKind::Secret, &east(), "kept").as_deref(),
            Some(&b"before"[..])
        );
        assert_eq!(value_of(store, RecordKind::Secret, &east(), "new"), None);
        assert_eq!(ids(store, RecordKind::Secret).len(), 1);
    }
}

pub fn partitions_and_kinds_are_isolated(store: &dyn Store) {
    store
        .apply(&[
            put(RecordKind::Secret, &east(), "same", b"east"),
            put(RecordKind::Secret, &west(), "same", b"west"),
            put(RecordKind::Secret, &other_account(), "same", b"other"),
            put(RecordKind::KmsKey, &east(), "same", b"key"),
        ])
        .expect("apply");
    assert_eq!(
        value_of(store, RecordKind::Secret, &east(), "same").as_deref(),
        Some(&b"east"[..])
    );
    assert_eq!(
        value_of(store, RecordKind::Secret, &west(), "same").as_deref(),
        Some(&b"west"[..])
    );
    assert_eq!(
        value_of(store, RecordKind::KmsKey, &east(), "same").as_deref(),
        Some(&b"key"[..])
    );
    assert_eq!(value_of(store, RecordKind::KmsKey, &west(), "same"), None);

    store
        .apply(&[Mutation::DeletePartition { partition: east() }])
        .expect("apply");
    assert_eq!(value_of(store, RecordKind::Secret, &east(), "same"), None);
    assert_eq!(value_of(store, RecordKind::KmsKey, &east(), "same"), None);
    assert_eq!(ids(store, RecordKind::Secret).len(), 2);

    store
        .apply(&[Mutation::DeleteAccount {
            account: "111111111111".into(),
        }])
        .expect("apply");
    assert_eq!(
        ids(store, RecordKind::Secret),
        vec![("222222222222".into(), "us-east-1".into(), "same".into())]
    );

    store.apply(&[Mutation::DeleteAll]).expect("apply");
    for kind in RecordKind::ALL {
        assert!(store.load(kind).expect("load").is_empty());
    }
}

pub fn load_is_ordered_by_partition_then_id(store: &dyn Store) {
    // Written in scrambled order; ids compare byte-wise ("B" < "a" < "z" < "é").
    let writes = [
        (other_account(), "a"),
        (east(), "z"),
        (west(), "a"),
        (east(), "é"),
        (east(), "B"),
        (east(), "a"),
    ];
    for (partition, id) in &writes {
        store
            .apply(&[put(RecordKind::AuditRecord, partition, id, id.as_bytes())])
            .expect("apply");
    }
    store
        .apply(&[put(RecordKind::Principal, &east(), "not-audit", b"x")])
        .expect("apply");
    let expected: Vec<(String, String, String)> = [
        ("111111111111", "eu-west-1", "a"),
        ("111111111111", "us-east-1", "B"),
        ("111111111111", "us-east-1", "a"),
        ("111111111111", "us-east-1", "z"),
        ("111111111111", "us-east-1", "é"),
        ("222222222222", "us-east-1", "a"),
    ]
    .iter()
    .map(|(account, region, id)| (account.to_string(), region.to_string(), id.to_string()))
    .collect();
    assert_eq!(ids(store, RecordKind::AuditRecord), expected);
    for record in store.load(RecordKind::AuditRecord).expect("load") {
        assert_eq!(record.value, record.id.as_bytes());
    }
}

pub fn large_values_round_trip(store: &dyn Store) {
    let mut big = Vec::with_capacity(256 * 1024);
    let mut state: u32 = 0x1234_5678;
    while big.len() < 256 * 1024 {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        big.extend_from_slice(&state.to_le_bytes());
    }
    big[0] = 0;
    let smaller = big[..100_000].to_vec();
    store
        .apply(&[
            Mutation::put(RecordKind::Secret, &east(), "big", big.clone()),
            Mutation::put(RecordKind::Secret, &east(), "smaller", smaller.clone()),
        ])
        .expect("apply");
    assert_eq!(
        value_of(store, RecordKind::Secret, &east(), "big"),
        Some(big.clone())
    );
    let loaded = store.load(RecordKind::Secret).expect("load");
    assert_eq!(loaded.len(), 2);
    assert_eq!(loaded[0].value, big);
    assert_eq!(loaded[1].value, smaller);
}

pub fn concurrent_batches_all_land(store: &dyn Store) {
    std::thread::scope(|scope| {
        for thread in 0..4 {
            scope.spawn(move || {
                for n in 0..25 {
                    let id = format!("t{thread}-{n:02}");
                    store
                        .apply(&[
                            put(RecordKind::Secret, &east(), &id, id.as_bytes()),
                            put(
                                RecordKind::Meta,
                                &east(),
                                &format!("last-{thread}"),
                                id.as_bytes(),
                            ),
                        ])
                        .expect("apply");
                }
            });
        }
    });
    let secrets = store.load(RecordKind::Secret).expect("load");
    assert_eq!(secrets.len(), 100);
    assert!(
        secrets
            .iter()
            .all(|record| record.value == record.id.as_bytes())
    );
    for thread in 0..4 {
        assert_eq!(
            value_of(store, RecordKind::Meta, &east(), &format!("last-{thread}")),
            Some(format!("t{thread}-24").into_bytes())
        );
    }
}

/// Expands to one `#[test]` per conformance check for the backend `factory()` makes.
macro_rules! store_conformance_tests {
    ($factory:expr) => {
        $crate::storage::conformance::store_conformance_tests!(@tests $factory;
            empty_store_has_nothing,
            put_then_get,
            overwrite_replaces,
            delete_removes_and_missing_is_fine,
            empty_value_round_trips,
            batch_applies_in_order,
            failed_batch_changes_nothing,
            partitions_and_kinds_are_isolated,
            load_is_ordered_by_partition_then_id,
            large_values_round_trip,
            concurrent_batches_all_land,
        );
    };
    (@tests $factory:expr; $($check:ident),+ $(,)?) => {
        mod conformance {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $check() {
                    let (store, _guard) = ($factory)();
                    $crate::storage::conformance::$check(store.as_ref());
                }
            )+
        }
    };
}

pub(crate) use store_conformance_tests;
