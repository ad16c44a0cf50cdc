//! Unit tests of last-access days: a read moves them through the write section, so they are
//! stored like every other change, only forward, and never onto a secret a newer write
//! replaced.

use std::sync::Arc;

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::super::SecretsManager;
use super::listing_tests::ctx_at;
use super::{create_secret, describe_secret, get_secret_value};
use crate::api::json::decode;
use crate::audit::AuditLog;
use crate::kms::LocalKms;
use crate::kms::RootKey;
use crate::storage::{Journal, MemoryStore, Store};

/// Noon UTC on 2023-01-11.
const NOON: i64 = 1_673_438_400;
/// Midnight UTC of that day.
const MIDNIGHT: i64 = 1_673_395_200;
const DAY: i64 = 86_400;

fn noon() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(NOON).unwrap()
}

/// A service over `journal`, loaded from its store (a restart when the store has data).
fn service(journal: &Journal) -> SecretsManager {
    let kms = Arc::new(LocalKms::durable(
        journal.clone(),
        RootKey::from_bytes(&[7; 32]),
    ));
    kms.load().unwrap();
    let sm = SecretsManager::with_journal(kms, Arc::new(AuditLog::new()), journal.clone());
    sm.load().unwrap();
    sm
}

fn create(sm: &SecretsManager, name: &str) -> Value {
    let body =
        json!({"Name": name, "SecretString": "v", "ClientRequestToken": format!("{name:0<32}")});
    let input = decode(body.to_string().as_bytes()).unwrap();
    serde_json::to_value(create_secret(sm, &ctx_at(noon()), input).unwrap()).unwrap()
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
fn a_read_stores_the_access_day_and_only_moves_it_forward() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let journal = Journal::durable(store);
    let sm = service(&journal);
    create(&sm, "s");
    assert_eq!(last_accessed(&sm, "s"), None);

    read(&sm, noon(), "s");
    assert_eq!(last_accessed(&sm, "s"), Some(MIDNIGHT));
    assert_eq!(last_accessed(&service(&journal), "s"), Some(MIDNIGHT));

    read(&sm, noon() + Duration::days(1), "s");
    assert_eq!(last_accessed(&service(&journal), "s"), Some(MIDNIGHT + DAY));
    // A read stamped with an earlier day does not move the day back.
    read(&sm, noon(), "s");
    assert_eq!(last_accessed(&service(&journal), "s"), Some(MIDNIGHT + DAY));
}

#[test]
fn an_access_never_lands_on_a_secret_created_again_since_the_read() {
    let sm = service(&Journal::in_memory());
    let first = create(&sm, "s");
    let version_id = first["VersionId"].as_str().unwrap().to_owned();
    let old_arn = first["ARN"].as_str().unwrap().to_owned();
    sm.write_table(&ctx_at(noon()), |secrets| {
        secrets.remove("s");
        Ok(())
    })
    .unwrap();
    create(&sm, "s");

    sm.record_access(&ctx_at(noon()), "s", &old_arn, &version_id);
    assert_eq!(last_accessed(&sm, "s"), None);
}
