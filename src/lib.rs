//! Lockbox: a local, faithful emulator of AWS Secrets Manager and AWS KMS.
//!
//! Request flow (one module per hop, arrows point down only):
//! `server` (bind, serve, shutdown) -> `app` (state, router) -> `protocol` (awsJson1_1 edge:
//! body limit, `X-Amz-Target`, SigV4 via `auth`/`sigv4`, decode, dispatch, encode, audit
//! record, error envelope) -> services (`secretsmanager`, `kms`, `audit`) -> `api` (request
//! context, JSON codec, validation, wire errors) -> `storage`, `crypto`, `clock`, `sigv4`.
//! The README's ARCHITECTURE section maps every module.
//!
//! To run Lockbox inside a Rust test suite, start an [`Emulator`]: it serves on a free
//! loopback port until dropped (see the [`emulator`] module for an example with the AWS SDK).

#![warn(missing_docs)]

pub mod admin;
pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod data_dir;
#[cfg(test)]
mod durable_services_tests;
pub mod emulator;
pub mod explain_command;
#[doc(hidden)]
pub mod fuzzing;
pub mod healthcheck;
pub mod iam;
pub mod iam_policy;
pub mod identity;
pub mod kms;
#[cfg(test)]
mod layering_tests;
pub mod protocol;
pub mod readiness;
pub mod rekey;
pub mod secretsmanager;
pub mod seed;
pub mod server;
pub mod sigv4;
pub mod storage;
pub mod sts;
pub mod telemetry;

pub use app::AppState;
pub use config::Config;
pub use emulator::{Emulator, EmulatorBuilder, EmulatorError};
pub use server::{Server, ServerHandle, router};
