//! The integration tests driven through the official Rust SDKs (aws-sdk-secretsmanager,
//! aws-sdk-kms) or raw HTTP against an in-process server, gathered into one test binary so the
//! SDKs are linked once: one module per area. Tests that run the `lockbox` binary as a process
//! are in `tests/process/`, the pure property and conformance suites in `tests/props/`.

#[path = "../common/mod.rs"]
mod common;

mod admin_access;
mod admin_clock;
mod auth;
mod authz;
mod authz_iam;
mod authz_iam_actions;
mod authz_session_policies;
mod durability;
mod emulator;
mod history_checker;
mod iam;
mod iam_durability;
mod iam_sts;
mod kms_aliases;
mod kms_asymmetric;
mod kms_crypto;
mod kms_data_keys;
mod kms_grants;
mod kms_import;
mod kms_key_agreement;
mod kms_key_last_usage;
mod kms_key_pairs;
mod kms_key_states;
mod kms_key_stores;
mod kms_keys;
mod kms_managed_key;
mod kms_managed_key_crypto;
mod kms_management;
mod kms_multi_region;
mod kms_policies_tags;
mod kms_rotation;
mod label_props;
mod least_privilege;
mod least_privilege_sessions;
mod protocol_edge;
mod secretsmanager_batch;
mod secretsmanager_first_ops;
mod secretsmanager_kms;
mod secretsmanager_lifecycle;
mod secretsmanager_listing;
mod secretsmanager_listing_filters;
mod secretsmanager_passwords;
mod secretsmanager_policies;
mod secretsmanager_scheduled;
mod secretsmanager_tags;
mod secretsmanager_versions;
mod seed;
mod seed_transfer;
mod structures_as_arrays;
mod sts;
mod sts_web_identity;
mod vpc_endpoints;
mod wire_hardening;
