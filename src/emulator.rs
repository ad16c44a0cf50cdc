//! Lockbox inside a Rust test suite: no container, no binary, no fixed port.
//!
//! [`Emulator::builder`] configures a server, [`EmulatorBuilder::start`] binds it to
//! `127.0.0.1:0` on the current Tokio runtime and returns once it accepts connections;
//! the [`Emulator`] hands out what an AWS SDK needs (endpoint URL, credentials, region) and
//! stops the server when dropped. Each emulator has its own state, so tests running in
//! parallel never see each other's secrets. Nothing here depends on the AWS SDKs.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use aws_sdk_secretsmanager::config::{Credentials, Region};
//!
//! let lockbox = lockbox::Emulator::builder().region("eu-west-1").start().await?;
//!
//! let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
//!     .endpoint_url(lockbox.endpoint_url())
//!     .region(Region::new(lockbox.region().to_owned()))
//!     .credentials_provider(Credentials::new(
//!         lockbox.access_key_id(),
//!         lockbox.secret_access_key(),
//!         None,
//!         None,
//!         "lockbox",
//!     ))
//!     .load()
//!     .await;
//! let secrets = aws_sdk_secretsmanager::Client::new(&config);
//!
//! let created = secrets
//!     .create_secret()
//!     .name("app/db-password")
//!     .secret_string("correct horse battery staple")
//!     .send()
//!     .await?;
//! assert!(created.arn().unwrap_or_default().starts_with(
//!     "arn:aws:secretsmanager:eu-west-1:000000000000:secret:app/db-password-"
//! ));
//!
//! let read = secrets
//!     .get_secret_value()
//!     .secret_id("app/db-password")
//!     .send()
//!     .await?;
//! assert_eq!(read.secret_string(), Some("correct horse battery staple"));
//! # Ok(())
//! # }
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::config::vpc_endpoints::{VpcEndpointEntry, resolve_all};
use crate::config::{AuthMode, Config, CredentialConfig, IamMode};
use crate::server::{Server, ServerHandle};

/// The access key id of the built-in test credentials.
pub const TEST_ACCESS_KEY_ID: &str = "test";
/// The secret access key of the built-in test credentials.
pub const TEST_SECRET_ACCESS_KEY: &str = "test";
/// The region handed to clients unless [`EmulatorBuilder::region`] says otherwise.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Why an emulator did not start.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// A setting was rejected (the message names it).
    #[error("invalid Lockbox configuration: {0}")]
    Config(String),
    /// The seed document could not be read, parsed or applied, or the data dir could not be
    /// opened (wrong root key, held by another server, newer schema...).
    #[error("{0}")]
    Seed(std::io::Error),
    /// Binding or spawning failed (e.g. called outside a Tokio runtime's context).
    #[error("cannot start Lockbox: {0}")]
    Start(std::io::Error),
}

/// Settings of an in-process emulator; see [`Emulator::builder`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    config: Config,
    region: String,
    vpc_endpoints: Vec<VpcEndpointEntry>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            config: Config {
                listen: SocketAddr::from(([127, 0, 0, 1], 0)),
                ..Config::default()
            },
            region: DEFAULT_REGION.to_owned(),
            vpc_endpoints: Vec::new(),
        }
    }
}

impl EmulatorBuilder {
    /// The 12-digit account the built-in `test` key acts as [default: `000000000000`].
    pub fn account(mut self, account_id: impl Into<String>) -> Self {
        self.config.default_account = account_id.into();
        self
    }

    /// The region [`Emulator::region`] reports for clients [default: `us-east-1`]. The
    /// server itself serves every region: each request's region comes from its signature.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// A seed document (JSON, or YAML for `.yaml`/`.yml`) applied before `start` returns.
    pub fn seed_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.seed = Some(path.into());
        self
    }

    /// Keeps state in `dir` (created if missing), so it outlives the emulator: a later
    /// emulator with the same dir starts where this one stopped. Default: memory only.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config.data_dir = Some(dir.into());
        self
    }

    /// Signature verification [default: [`AuthMode::Verify`], as on AWS].
    pub fn auth(mut self, mode: AuthMode) -> Self {
        self.config.auth = mode;
        self
    }

    /// Authorization of calls against IAM policies [default: [`IamMode::Enforce`], as on
    /// AWS]. Declared IAM users have no policies yet, so they need `IamMode::Off`.
    pub fn iam(mut self, mode: IamMode) -> Self {
        self.config.iam = mode;
        self
    }

    /// Declares one more access key (as a `[[credentials]]` table of the config file would).
    pub fn credential(mut self, credential: CredentialConfig) -> Self {
        self.config.credentials.push(credential);
        self
    }

    /// The largest request body accepted, in bytes [default: 1 MiB].
    pub fn max_request_bytes(mut self, bytes: usize) -> Self {
        self.config.max_request_bytes = bytes;
        self
    }

    /// Adds a listener standing for the VPC interface endpoint `id` (`vpce-` + 17 hex digits)
    /// of VPC `vpc`, with an optional endpoint policy (JSON text); requests through it carry
    /// `aws:SourceVpce` / `aws:SourceVpc`. Reach it with [`Emulator::vpc_endpoint_url`].
    pub fn vpc_endpoint(
        mut self,
        id: impl Into<String>,
        vpc: impl Into<String>,
        policy: Option<&str>,
    ) -> Self {
        self.vpc_endpoints.push(VpcEndpointEntry {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            id: id.into(),
            vpc: vpc.into(),
            policy: policy.map(str::to_owned),
        });
        self
    }

    /// Validates the settings, binds `127.0.0.1:0`, applies the seed document and starts
    /// serving in a task of the current Tokio runtime.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let mut config = self.config;
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config.vpc_endpoints = resolve_all(self.vpc_endpoints).map_err(EmulatorError::Config)?;
        config.validate().map_err(EmulatorError::Config)?;
        let account_id = config.default_account.clone();
        let server = Server::bind(config).await.map_err(|error| {
            if error.kind() == std::io::ErrorKind::InvalidData {
                EmulatorError::Seed(error)
            } else {
                EmulatorError::Start(error)
            }
        })?;
        let handle = server.spawn().map_err(EmulatorError::Start)?;
        Ok(Emulator {
            handle,
            region: self.region,
            account_id,
        })
    }
}

/// A running in-process Lockbox; dropping it stops the server.
#[derive(Debug)]
pub struct Emulator {
    handle: ServerHandle,
    region: String,
    account_id: String,
}

impl Emulator {
    /// Starts configuring an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// `http://127.0.0.1:<port>`, for an SDK's `endpoint_url` or `AWS_ENDPOINT_URL`.
    pub fn endpoint_url(&self) -> String {
        self.handle.endpoint_url()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.handle.addr()
    }

    /// The access key id of the built-in test credentials (`test`).
    pub fn access_key_id(&self) -> &str {
        TEST_ACCESS_KEY_ID
    }

    /// The secret access key of the built-in test credentials (`test`).
    pub fn secret_access_key(&self) -> &str {
        TEST_SECRET_ACCESS_KEY
    }

    /// The region clients should sign for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The account the built-in test credentials act as.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The standard environment variables that point an AWS SDK or the aws CLI (in a child
    /// process, say) at this emulator: `AWS_ENDPOINT_URL`, the credentials, and the region
    /// as both `AWS_REGION` and `AWS_DEFAULT_REGION`.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint_url()),
            ("AWS_ACCESS_KEY_ID", TEST_ACCESS_KEY_ID.to_owned()),
            ("AWS_SECRET_ACCESS_KEY", TEST_SECRET_ACCESS_KEY.to_owned()),
            ("AWS_REGION", self.region.clone()),
            ("AWS_DEFAULT_REGION", self.region.clone()),
        ]
    }

    /// `http://<addr>` of the listener of VPC endpoint `id`, if one was added.
    pub fn vpc_endpoint_url(&self, id: &str) -> Option<String> {
        self.handle.endpoint_url_of(id)
    }

    /// The underlying server handle (its state, for white-box tests).
    pub fn server(&self) -> &ServerHandle {
        &self.handle
    }

    /// Stops accepting, drains in-flight requests and waits until the server has stopped
    /// (dropping the emulator stops it too, without waiting).
    pub async fn stop(self) -> std::io::Result<()> {
        self.handle.shutdown().await
    }
}

/// The Rust examples of the README, compiled with the doc-tests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
