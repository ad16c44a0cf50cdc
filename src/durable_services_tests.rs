//! The journal as services see it: a change the store refuses is undone and answered with the
//! service's internal error; what the store accepted is what a restarted service loads.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::api::ctx::RequestCtx;
use crate::api::error::WireError as _;
use crate::audit::AuditLog;
use crate::kms::RootKey;
use crate::kms::{KmsCaller, KmsError, LocalKms};
use crate::secretsmanager::{Operation, SecretsManager};
use crate::storage::{
    Journal, MemoryStore, Mutation, PartitionKey, Record, RecordKind, Store, StoreError,
};

/// A memory store that refuses every batch while `failing` is set.
#[derive(Debug, Default)]
struct FlakyStore {
    inner: MemoryStore,
    failing: AtomicBool,
}

impl Store for FlakyStore {
    fn apply(&self, batch: &[Mutation]) -> Result<(), StoreError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(StoreError::Backend {
                context: "writing",
                source: "disk full".into(),
            });
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

fn journal(store: &Arc<FlakyStore>) -> Journal {
    let store: Arc<dyn Store> = store.clone();
    Journal::durable(store)
}

fn services(journal: &Journal) -> (Arc<LocalKms>, SecretsManager) {
    let kms = Arc::new(LocalKms::durable(
        journal.clone(),
        RootKey::from_bytes(&[9; 32]),
    ));
    kms.load().unwrap();
    let sm = SecretsManager::with_journal(kms.clone(), Arc::new(AuditLog::new()), journal.clone());
    sm.load().unwrap();
    (kms, sm)
}

fn ctx() -> RequestCtx {
    RequestCtx::for_tests(OffsetDateTime::now_utc())
}

fn call(sm: &SecretsManager, op: Operation, body: Value) -> Result<Value, String> {
    crate::protocol::dispatch::call(sm, op, &ctx(), body.to_string().as_bytes())
        .map(|out| serde_json::from_slice(&out).unwrap_or(Value::Null))
        .map_err(|e| e.code().to_owned())
}

fn value_of(sm: &SecretsManager, name: &str) -> Result<Value, String> {
    call(sm, Operation::GetSecretValue, json!({"SecretId": name}))
        .map(|out| out["SecretString"].clone())
}

#[test]
fn a_refused_write_is_undone_and_answered_with_an_internal_error() {
    let store = Arc::new(FlakyStore::default());
    let journal = journal(&store);
    let (_, sm) = services(&journal);
    let create = json!({"Name": "a", "SecretString": "one", "ClientRequestToken": "t".repeat(32)});
    call(&sm, Operation::CreateSecret, create).unwrap();

    store.failing.store(true, Ordering::SeqCst);
    let put = json!({"SecretId": "a", "SecretString": "two", "ClientRequestToken": "u".repeat(32)});
    assert_eq!(
        call(&sm, Operation::PutSecretValue, put.clone()),
        Err("InternalServiceError".into())
    );
    let other = json!({"Name": "b", "SecretString": "x", "ClientRequestToken": "v".repeat(32)});
    assert_eq!(
        call(&sm, Operation::CreateSecret, other),
        Err("InternalServiceError".into())
    );
    store.failing.store(false, Ordering::SeqCst);

    assert_eq!(value_of(&sm, "a"), Ok(json!("one")));
    assert_eq!(value_of(&sm, "b"), Err("ResourceNotFoundException".into()));
    // The refused token left no trace: the same request now succeeds as a new version.
    call(&sm, Operation::PutSecretValue, put).unwrap();
    assert_eq!(value_of(&sm, "a"), Ok(json!("two")));
}

#[test]
fn a_refused_kms_change_is_undone() {
    let store = Arc::new(FlakyStore::default());
    let journal = journal(&store);
    let (kms, _) = services(&journal);
    let caller = KmsCaller {
        account: "111111111111",
        region: "us-east-1",
        now: OffsetDateTime::now_utc(),
    };
    store.failing.store(true, Ordering::SeqCst);
    assert_eq!(kms.create_customer_key(caller), Err(KmsError::Internal));
    store.failing.store(false, Ordering::SeqCst);
    assert!(store.load(RecordKind::KmsKey).unwrap().is_empty());
    let arn = kms.create_customer_key(caller).unwrap();
    assert_eq!(store.load(RecordKind::KmsKey).unwrap().len(), 1);
    assert!(arn.contains(":key/"));
}

#[test]
fn services_loaded_from_the_store_answer_as_before() {
    let store = Arc::new(FlakyStore::default());
    let journal = journal(&store);
    let (_, sm) = services(&journal);
    for (name, value) in [("x", "1"), ("y", "2")] {
        let body = json!({"Name": name, "SecretString": value, "ClientRequestToken": format!("{name:0<32}")});
        call(&sm, Operation::CreateSecret, body).unwrap();
    }
    call(
        &sm,
        Operation::DeleteSecret,
        json!({"SecretId": "y", "ForceDeleteWithoutRecovery": true}),
    )
    .unwrap();
    let described = call(&sm, Operation::DescribeSecret, json!({"SecretId": "x"})).unwrap();

    let (_, reloaded) = services(&journal);
    assert_eq!(value_of(&reloaded, "x"), Ok(json!("1")));
    assert_eq!(
        value_of(&reloaded, "y"),
        Err("ResourceNotFoundException".into())
    );
    let again = call(
        &reloaded,
        Operation::DescribeSecret,
        json!({"SecretId": "x"}),
    )
    .unwrap();
    assert_eq!(again["ARN"], described["ARN"]);
    assert_eq!(again["CreatedDate"], described["CreatedDate"]);
    assert_eq!(again["VersionIdsToStages"], described["VersionIdsToStages"]);
}

#[test]
fn a_purge_the_store_refused_is_retried() {
    let store = Arc::new(FlakyStore::default());
    let journal = journal(&store);
    let (_, sm) = services(&journal);
    let create = json!({"Name": "old", "SecretString": "v", "ClientRequestToken": "t".repeat(32)});
    call(&sm, Operation::CreateSecret, create).unwrap();
    let delete = json!({"SecretId": "old", "RecoveryWindowInDays": 7});
    call(&sm, Operation::DeleteSecret, delete).unwrap();
    let later = OffsetDateTime::now_utc() + time::Duration::days(8);
    store.failing.store(true, Ordering::SeqCst);
    assert_eq!(sm.purge_expired(later), 0);
    assert_eq!(sm.secret_count(), 1);
    store.failing.store(false, Ordering::SeqCst);
    assert_eq!(sm.purge_expired(later), 1);
    assert!(store.load(RecordKind::Secret).unwrap().is_empty());
}
