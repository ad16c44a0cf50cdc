//! Service tests: failed writes are undone, state is per account, and the stored form keeps
//! secrets sealed and reloads them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use super::model::{AccessKey, KeyStatus, MfaDevice, User};
use super::*;
use crate::crypto::Sensitive;
use crate::identity::{AccessKeyLookup, IdentityDirectory};
use crate::kms::RootKey;
use crate::storage::{MemoryStore, RecordKind, Store};

fn user_with_key(name: &str, key_id: &str, secret: &str) -> User {
    User {
        path: "/".into(),
        name: name.into(),
        id: "AIDAEXAMPLEEXAMPLE1".into(),
        arn: format!("arn:aws:iam::111111111111:user/{name}"),
        created: time::macros::datetime!(2026-01-01 0:00 UTC),
        tags: Vec::new(),
        access_keys: vec![AccessKey {
            id: key_id.into(),
            secret: Sensitive::new(secret.into()),
            status: KeyStatus::Active,
            created: time::macros::datetime!(2026-01-01 0:00 UTC),
        }],
        inline_policies: Default::default(),
        attached: Vec::new(),
    }
}

#[test]
fn a_failed_write_is_undone() {
    let iam = IamService::new();
    let result: Result<(), IamError> = iam.write("111111111111", |state| {
        state
            .users
            .insert("alice".into(), user_with_key("alice", "AKIAONE", "s"));
        Err(IamError::InvalidInput("no".into()))
    });
    assert!(result.is_err());
    assert!(iam.read("111111111111", |state| state.users.is_empty()));
    assert!(iam.access_key("AKIAONE").is_none());
}

#[test]
fn accounts_are_apart_and_resets_forget() {
    let iam = IamService::new();
    iam.write("111111111111", |state| {
        state
            .users
            .insert("alice".into(), user_with_key("alice", "AKIAONE", "s"));
        Ok(())
    })
    .unwrap();
    assert!(iam.read("222222222222", |state| state.users.is_empty()));
    assert!(iam.access_key("AKIAONE").is_some());
    iam.reset_account("111111111111");
    assert!(iam.access_key("AKIAONE").is_none());
}

#[test]
fn secrets_are_sealed_at_rest_and_come_back_after_a_restart() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let root = Arc::new(RootKey::from_bytes(&[7; 32]));
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let iam = IamService::durable(Journal::durable(Arc::clone(&store)), Arc::clone(&root));
    let seed = b"0123456789abcdefghij".to_vec();
    let serial = "arn:aws:iam::111111111111:mfa/phone";
    iam.write("111111111111", |state| {
        state
            .users
            .insert("alice".into(), user_with_key("alice", "AKIAONE", secret));
        state.mfa_devices.insert(
            serial.into(),
            MfaDevice {
                serial: serial.into(),
                seed: Sensitive::new(seed.clone()),
                user: None,
                enabled: None,
                last_step: None,
                tags: Vec::new(),
            },
        );
        Ok(())
    })
    .unwrap();

    let records = store.load(RecordKind::Principal).unwrap();
    assert_eq!(records.len(), 1);
    let raw = String::from_utf8_lossy(&records[0].value);
    assert!(raw.contains("AKIAONE") && !raw.contains(secret), "{raw}");
    let base32 = totp::base32_encode(&seed);
    assert!(
        !raw.contains("0123456789abcdefghij") && !raw.contains(&base32),
        "{raw}"
    );

    let reopened = IamService::durable(Journal::durable(Arc::clone(&store)), Arc::clone(&root));
    assert_eq!(reopened.load().unwrap(), 1);
    let Some(AccessKeyLookup::Active { secret: found, .. }) = reopened.access_key("AKIAONE") else {
        panic!("the key came back");
    };
    assert_eq!(
        format!("{:?}", found),
        format!("{:?}", crate::sigv4::SecretKey::new(secret))
    );

    // Under another root key nothing opens; after a re-seal it does.
    let other = Arc::new(RootKey::from_bytes(&[9; 32]));
    let wrong = IamService::durable(Journal::durable(Arc::clone(&store)), Arc::clone(&other));
    assert!(wrong.load().is_err());
    let resealed = reseal_record("111111111111", &records[0].value, &root, &other).unwrap();
    let moved: Arc<dyn Store> = Arc::new(MemoryStore::new());
    moved
        .apply(&[crate::storage::Mutation::put(
            RecordKind::Principal,
            &records[0].partition,
            records[0].id.clone(),
            resealed,
        )])
        .unwrap();
    let rekeyed = IamService::durable(Journal::durable(moved), other);
    assert_eq!(rekeyed.load().unwrap(), 1);
    assert!(rekeyed.access_key("AKIAONE").is_some());
}

/// A store that refuses every batch.
#[derive(Debug, Default)]
struct RefusingStore(MemoryStore);

impl Store for RefusingStore {
    fn apply(&self, _: &[crate::storage::Mutation]) -> Result<(), crate::storage::StoreError> {
        Err(crate::storage::StoreError::Backend {
            context: "writing",
            source: "disk full".into(),
        })
    }

    fn load(
        &self,
        kind: RecordKind,
    ) -> Result<Vec<crate::storage::Record>, crate::storage::StoreError> {
        self.0.load(kind)
    }

    fn get(
        &self,
        kind: RecordKind,
        partition: &crate::storage::PartitionKey,
        id: &str,
    ) -> Result<Option<Vec<u8>>, crate::storage::StoreError> {
        self.0.get(kind, partition, id)
    }

    fn schema_version(&self) -> u32 {
        self.0.schema_version()
    }
}

#[test]
fn a_change_the_store_refuses_is_undone_and_answered_with_service_failure() {
    let store: Arc<dyn Store> = Arc::new(RefusingStore::default());
    let iam = IamService::durable(
        Journal::durable(store),
        Arc::new(RootKey::from_bytes(&[7; 32])),
    );
    let result = iam.write("111111111111", |state| {
        state
            .users
            .insert("alice".into(), user_with_key("alice", "AKIAONE", "s"));
        Ok(())
    });
    assert_eq!(result, Err(IamError::ServiceFailure));
    assert!(iam.access_key("AKIAONE").is_none());
}
