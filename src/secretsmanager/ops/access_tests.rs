//! Unit tests of last-access days: a read moves them through the write section (stored like
//! every other change), at most once per UTC day, and never onto a secret a newer write
//! replaced.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::super::SecretsManager;
use super::{create_secret, describe_secret, get_secret_value};
use crate::api::Principal;
use crate::api::ctx::RequestCtx;
use crate::api::json::decode;
use crate::audit::AuditLog;
use crate::kms::LocalKms;
use crate::storage::{
    Journal, MemoryStore, Mutation, PartitionKey, Record, RecordKind, RootKey, Store, StoreError,
};

/// Noon UTC on 2023-01-11.
const NOON: i64 = 1_673_438_400;
/// Midnight UTC of that day.
const MIDNIGHT: i64 = 1_673_395_200;

/// A memory store that counts the batches carrying a secret record.
#[derive(Debug, Default)]
struct CountingStore {
    inner: MemoryStore,
    secret_batches: AtomicUsize,
}

impl CountingStore {
    fn secret_batches(&self) -> usize {
        self.secret_batches.load(Ordering::SeqCst)
    }
}

impl Store for CountingStore {
    fn apply(&self, batch: &[Mutation]) -> Result<(), StoreError> {
        let secret = |m: &Mutation| matches!(m, Mutation::Put { kind, .. } | Mutation::Delete { kind, .. } if *kind == RecordKind::Secret);
        if batch.iter().any(secret) {
            self.secret_batches.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.apply(batch)
    }

    fn load(&self, kind: RecordKind) -> Result<Vec<Record>, StoreError> {
        self.inner.load(kind)
    }

    fn get(
        &self,
        kind: RecordKind,
        partition: &PartitionKey,
        id: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get(kind, partition, id)
    }

    fn schema_version(&self) -> u32 {
        self.inner.schema_version()
    }
}

fn ctx_at(now: OffsetDateTime) -> RequestCtx {
    RequestCtx {
        request_id: "r".into(),
        principal: Principal {
            account_id: "111111111111".into(),
            arn: "arn:aws:iam::111111111111:root".into(),
            access_key_id: "test".into(),
        },
        region: "us-east-1".into(),
        now,
    }
}

fn noon() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(NOON).unwrap()
}

/// A service over `journal`, loaded from its store.
fn service(journal: &Journal) -> SecretsManager {
    let kms = Arc::new(LocalKms::with_journal(journal.clone()));
    kms.load().unwrap();
    let sm = SecretsManager::with_journal(kms, Arc::new(AuditLog::new()), journal.clone());
    sm.load().unwrap();
    sm
}

fn create(sm: &SecretsManager, now: OffsetDateTime, name: &str) -> Value {
    let body =
        json!({"Name": name, "SecretString": "v", "ClientRequestToken": format!("{name:0<32}")});
    let input = decode(body.to_string().as_bytes()).unwrap();
    serde_json::to_value(create_secret(sm, &ctx_at(now), input).unwrap()).unwrap()
}

fn read(sm: &SecretsManager, now: OffsetDateTime, name: &str) {
    let input = decode(json!({"SecretId": name}).to_string().as_bytes()).unwrap();
    get_secret_value(sm, &ctx_at(now), input).unwrap();
}

/// DescribeSecret's `LastAccessedDate` in whole epoch seconds.
fn last_accessed(sm: &SecretsManager, name: &str) -> Option<i64> {
    let input = decode(json!({"SecretId": name}).to_string().as_bytes()).unwrap();
    let described = describe_secret(sm, &ctx_at(noon()), input).unwrap();
    let seconds = serde_json::to_value(described).unwrap()["LastAccessedDate"].as_f64();
    seconds.map(|s| s as i64)
}

#[test]
fn a_read_stores_the_access_day_once_a_day() {
    let store = Arc::new(CountingStore::default());
    let durable: Arc<dyn Store> = store.clone();
    let journal = Journal::durable(durable, RootKey::from_bytes(&[7; 32]));
    let sm = service(&journal);
    create(&sm, noon(), "s");
    let created = store.secret_batches();

    read(&sm, noon(), "s");
    read(&sm, noon() + Duration::hours(3), "s");
    assert_eq!(store.secret_batches(), created + 1, "one write per day");
    assert_eq!(last_accessed(&sm, "s"), Some(MIDNIGHT));
    assert_eq!(last_accessed(&service(&journal), "s"), Some(MIDNIGHT));

    read(&sm, noon() + Duration::days(1), "s");
    assert_eq!(store.secret_batches(), created + 2);
    assert_eq!(
        last_accessed(&service(&journal), "s"),
        Some(MIDNIGHT + 86_400)
    );
    // A read stamped with an earlier day does not move the day back.
    read(&sm, noon(), "s");
    assert_eq!(store.secret_batches(), created + 2);
    assert_eq!(last_accessed(&sm, "s"), Some(MIDNIGHT + 86_400));
}

#[test]
fn an_access_never_lands_on_a_secret_created_again_since_the_read() {
    let sm = service(&Journal::in_memory());
    let first = create(&sm, noon(), "s");
    let version_id = first["VersionId"].as_str().unwrap().to_owned();
    let old_arn = first["ARN"].as_str().unwrap().to_owned();
    sm.write_table(&ctx_at(noon()), |secrets| {
        secrets.remove("s");
        Ok(())
    })
    .unwrap();
    create(&sm, noon(), "s");

    sm.record_access(&ctx_at(noon()), "s", &old_arn, &version_id);
    assert_eq!(last_accessed(&sm, "s"), None);
}
