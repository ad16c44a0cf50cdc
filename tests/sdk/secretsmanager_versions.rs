//! PutSecretValue, UpdateSecret, UpdateSecretVersionStage and ListSecretVersionIds through
//! the official Rust SDK: the staging-label traces recorded against real AWS end to end, the
//! ClientRequestToken idempotency rules, every error with its exact code and message, pruning,
//! and transparent re-encryption when a secret's KMS key changes.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

mod idempotency;
mod kms_keys;
mod listing;
mod put_and_update;
mod stages;
mod traces;
