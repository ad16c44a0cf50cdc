//! PutSecretValue, UpdateSecret, UpdateSecretVersionStage and ListSecretVersionIds through
//! the official Rust SDK: the Appendix C label traces end to end, the ClientRequestToken
//! idempotency table (§3.3), every error with its exact code and message, pruning, and
//! transparent re-encryption when a secret's KMS key changes.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;
#[path = "secretsmanager_versions/support.rs"]
mod support;

#[path = "secretsmanager_versions/idempotency.rs"]
mod idempotency;
#[path = "secretsmanager_versions/kms_keys.rs"]
mod kms_keys;
#[path = "secretsmanager_versions/listing.rs"]
mod listing;
#[path = "secretsmanager_versions/put_and_update.rs"]
mod put_and_update;
#[path = "secretsmanager_versions/stages.rs"]
mod stages;
#[path = "secretsmanager_versions/traces.rs"]
mod traces;
