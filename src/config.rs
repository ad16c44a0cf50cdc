//! Every knob Lockbox has, from three layers: command-line flag, `LOCKBOX_*` environment
//! variable (clap reads both), then an optional TOML file (`--config` / `LOCKBOX_CONFIG`),
//! then built-in defaults. [`Config::validate`] rejects nonsense before anything starts.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::crypto::Sensitive;

mod oidc;

pub use oidc::OidcProvider;
pub mod vpc_endpoints;

pub use vpc_endpoints::VpcEndpoint;

/// The account used by the built-in `test` access key unless configured otherwise.
pub const DEFAULT_ACCOUNT: &str = "000000000000";
/// Default listen address: loopback only, the port LocalStack users already point at.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4566";
/// Default cap on a request body. Secret values are at most 65,536 bytes, which is at most
/// ~87 KiB of base64 or ~393 KiB of fully `\u`-escaped JSON; 1 MiB leaves room and bounds memory.
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 1024 * 1024;
/// How long a stopping server waits for requests in flight, in seconds, by default.
pub const DEFAULT_SHUTDOWN_GRACE_SECONDS: u64 = 10;
/// Shortest admin token accepted: a guessable token would make the admin surface guessable.
pub const MIN_ADMIN_TOKEN_CHARS: usize = 16;

/// The bearer token of the admin endpoints: never printed (`Debug` is redacted) and wiped on
/// drop.
pub type AdminToken = Sensitive<Zeroizing<String>>;
/// How long a client has to send a request's head (request line and headers), in seconds, by
/// default: from the first byte of the head, or from the accept for a new connection. SDKs
/// send a head in one write, so only a stalled or hostile client ever comes near it.
pub const DEFAULT_HEADER_TIMEOUT_SECONDS: u64 = 30;
/// How long a client has to send a request's whole body once its head arrived, in seconds, by
/// default. A 1 MiB API request or a default-sized import arrives in well under a second on a
/// local link; a minute also covers a slow remote one.
pub const DEFAULT_BODY_TIMEOUT_SECONDS: u64 = 60;
/// How long a keep-alive connection may sit idle between requests, in seconds, by default.
///
/// Closing an idle connection races with a client that picks it from its pool at that moment:
/// the request then meets a closed socket. The SDKs retry such failures (a request that met a
/// closed idle connection was never processed), but the race is avoided where the client
/// gives up on idle connections first, so the default sits above the pools that have a limit:
/// the Rust and Go SDKs drop idle connections after 90 s, the Java SDK after 60 s. Python
/// (urllib3) and JavaScript (Node's agent) pools keep them indefinitely; they see the server's
/// close well before reuse and retry in the rare exact race. Under connection pressure (at
/// `max_connections`, or out of file descriptors) idle connections are closed at once instead.
pub const DEFAULT_IDLE_TIMEOUT_SECONDS: u64 = 120;
/// Connections served at once by default. Above what a test suite's SDK clients open together
/// (the JavaScript and Java SDKs pool at most 50 per client, Python 10), well below the common
/// 1024 file-descriptor limit, and a bound on what held partial bodies can cost (256 x the
/// 1 MiB request cap). Past the cap, new connections wait in the listen backlog (and idle
/// keep-alive connections are closed to make room) rather than being refused.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// Default cap on a `POST /_lockbox/import` body: 32 MiB. An exported instance with thousands
/// of ordinary secrets is a few MiB; the cap bounds what one slow import can make the server
/// buffer. Larger instances raise it with `--max-import-bytes`.
pub const DEFAULT_MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;
/// Largest accepted value of the three connection timeouts, in seconds (one day).
pub const MAX_TIMEOUT_SECONDS: u64 = 24 * 60 * 60;
/// Largest accepted `max_connections`.
pub const MAX_CONNECTIONS_LIMIT: usize = 1_000_000;

/// Whether SigV4 signatures are verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// Verify every signature as AWS does (default).
    #[default]
    Verify,
    /// Skip verification; account and region are still read from the credential.
    Off,
}

/// Whether Secrets Manager and KMS calls are authorized against IAM policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum IamMode {
    /// Evaluate identity, resource and key policies (and grants) as AWS does (default).
    #[default]
    Enforce,
    /// Allow every authenticated call.
    Off,
}

impl fmt::Display for IamMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IamMode::Enforce => "enforce",
            IamMode::Off => "off",
        })
    }
}

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Pretty,
    /// One JSON object per line.
    Json,
}

impl fmt::Display for AuthMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthMode::Verify => "verify",
            AuthMode::Off => "off",
        })
    }
}

/// An extra access key declared in the config file.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialConfig {
    /// The access key id clients sign with.
    pub access_key_id: String,
    /// The secret access key; kept in a zeroizing buffer and never printed.
    pub secret_access_key: Zeroizing<String>,
    /// The 12-digit account this key belongs to.
    pub account_id: String,
    /// IAM user name; the principal is `arn:aws:iam::<account>:user/<name>`.
    pub user_name: Option<String>,
    /// Full principal ARN, overriding `user_name`.
    pub arn: Option<String>,
}

impl fmt::Debug for CredentialConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialConfig")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"**redacted**")
            .field("account_id", &self.account_id)
            .field("user_name", &self.user_name)
            .field("arn", &self.arn)
            .finish()
    }
}

/// Flags of `lockbox serve` (also accepted with no sub-command).
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// TOML file with any of the settings below plus `[[credentials]]` tables.
    #[arg(long, env = "LOCKBOX_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on [default: 127.0.0.1:4566]; port 0 picks a free port.
    #[arg(long, env = "LOCKBOX_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// Account id of the built-in `test` access key [default: 000000000000].
    #[arg(long, env = "LOCKBOX_DEFAULT_ACCOUNT", value_name = "ID")]
    pub default_account: Option<String>,
    /// `verify` checks SigV4 signatures as AWS does; `off` accepts any signature [default: verify].
    #[arg(long, env = "LOCKBOX_AUTH", value_enum)]
    pub auth: Option<AuthMode>,
    /// `enforce` authorizes every call against identity, resource and key policies as AWS
    /// does; `off` allows every authenticated call [default: enforce].
    #[arg(long, env = "LOCKBOX_IAM", value_enum)]
    pub iam: Option<IamMode>,
    /// Directory for durable state. Without it, state lives in memory only.
    #[arg(long, env = "LOCKBOX_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Log filter, e.g. `info`, `debug`, `lockbox=debug` [default: info].
    #[arg(long, env = "LOCKBOX_LOG_LEVEL", value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// Log line format on stderr [default: pretty].
    #[arg(long, env = "LOCKBOX_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Largest request body accepted, in bytes [default: 1048576].
    #[arg(long, env = "LOCKBOX_MAX_REQUEST_BYTES", value_name = "BYTES")]
    pub max_request_bytes: Option<usize>,
    /// On SIGTERM/SIGINT, how long requests in flight may still finish before the server
    /// exits anyway, in seconds [default: 10].
    #[arg(long, env = "LOCKBOX_SHUTDOWN_GRACE_SECONDS", value_name = "SECONDS")]
    pub shutdown_grace_seconds: Option<u64>,
    /// How long a client has to send a request's headers, from their first byte (or from the
    /// connect, for a new connection), before the connection is closed, in seconds [default: 30].
    #[arg(long, env = "LOCKBOX_HEADER_TIMEOUT_SECONDS", value_name = "SECONDS")]
    pub header_timeout_seconds: Option<u64>,
    /// How long a client has to send a request's whole body once the headers arrived, in
    /// seconds; a late body is answered 408 and the connection closed [default: 60].
    #[arg(long, env = "LOCKBOX_BODY_TIMEOUT_SECONDS", value_name = "SECONDS")]
    pub body_timeout_seconds: Option<u64>,
    /// How long a keep-alive connection may stay idle between requests before the server
    /// closes it, in seconds [default: 120].
    #[arg(long, env = "LOCKBOX_IDLE_TIMEOUT_SECONDS", value_name = "SECONDS")]
    pub idle_timeout_seconds: Option<u64>,
    /// Most connections served at once; more wait to be accepted, and idle keep-alive
    /// connections are closed to make room [default: 256].
    #[arg(long, env = "LOCKBOX_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<usize>,
    /// Largest `POST /_lockbox/import` body accepted, in bytes [default: 33554432].
    #[arg(long, env = "LOCKBOX_MAX_IMPORT_BYTES", value_name = "BYTES")]
    pub max_import_bytes: Option<usize>,
    /// Seed document (JSON, or YAML for .yaml/.yml) applied at start-up before serving:
    /// KMS keys with fixed ids/material, aliases, secrets with fixed versions. Idempotent.
    #[arg(long, env = "LOCKBOX_SEED", value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Bearer token that also opens the admin endpoints (`Authorization: Bearer <token>`), at
    /// least 16 visible ASCII characters. Prefer the environment variable: a flag is visible
    /// to other local users in the process list.
    #[arg(
        long,
        env = "LOCKBOX_ADMIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub admin_token: Option<String>,
    /// Extra host names admin requests may carry in `Host`, comma-separated (loopback names and
    /// IP addresses are always accepted), e.g. the service name in a compose network.
    #[arg(
        long,
        env = "LOCKBOX_ADMIN_HOSTS",
        value_name = "NAMES",
        value_delimiter = ','
    )]
    pub admin_hosts: Vec<String>,
}

/// The settings file: the same names as the flags, in snake_case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    default_account: Option<String>,
    auth: Option<AuthMode>,
    iam: Option<IamMode>,
    data_dir: Option<PathBuf>,
    log_level: Option<String>,
    log_format: Option<LogFormat>,
    max_request_bytes: Option<usize>,
    shutdown_grace_seconds: Option<u64>,
    header_timeout_seconds: Option<u64>,
    body_timeout_seconds: Option<u64>,
    idle_timeout_seconds: Option<u64>,
    max_connections: Option<usize>,
    max_import_bytes: Option<usize>,
    seed: Option<PathBuf>,
    admin_token: Option<Zeroizing<String>>,
    admin_hosts: Option<Vec<String>>,
    #[serde(default)]
    credentials: Vec<CredentialConfig>,
    #[serde(default)]
    oidc_providers: Vec<oidc::OidcProviderFile>,
    #[serde(default)]
    vpc_endpoints: Vec<vpc_endpoints::VpcEndpointEntry>,
}

/// The resolved configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Listen address.
    pub listen: SocketAddr,
    /// Account of the built-in `test` key.
    pub default_account: String,
    /// Signature verification mode.
    pub auth: AuthMode,
    /// Policy enforcement mode.
    pub iam: IamMode,
    /// Durable state directory, if any.
    pub data_dir: Option<PathBuf>,
    /// Log filter directive.
    pub log_level: String,
    /// Log format.
    pub log_format: LogFormat,
    /// Request body cap in bytes.
    pub max_request_bytes: usize,
    /// How long a stopping server waits for requests in flight before it exits anyway.
    pub shutdown_grace: std::time::Duration,
    /// How long a client has to send a request's head.
    pub header_timeout: std::time::Duration,
    /// How long a client has to send a request's body once its head arrived.
    pub body_timeout: std::time::Duration,
    /// How long a keep-alive connection may stay idle between requests.
    pub idle_timeout: std::time::Duration,
    /// Most connections served at once.
    pub max_connections: usize,
    /// `POST /_lockbox/import` body cap in bytes.
    pub max_import_bytes: usize,
    /// Access keys from the config file.
    pub credentials: Vec<CredentialConfig>,
    /// Seed document applied when the server binds, if any.
    pub seed: Option<PathBuf>,
    /// Bearer token of the admin endpoints, if one is configured.
    pub admin_token: Option<AdminToken>,
    /// Host names admin requests may name besides loopback names and IP addresses.
    pub admin_hosts: Vec<String>,
    /// OpenID Connect providers `AssumeRoleWithWebIdentity` trusts (config file only).
    pub oidc_providers: Vec<OidcProvider>,
    /// Extra listeners standing for VPC interface endpoints (config file only).
    pub vpc_endpoints: Vec<VpcEndpoint>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: DEFAULT_LISTEN
                .parse()
                .unwrap_or_else(|_| unreachable_listen()),
            default_account: DEFAULT_ACCOUNT.to_owned(),
            auth: AuthMode::Verify,
            iam: IamMode::Enforce,
            data_dir: None,
            log_level: "info".to_owned(),
            log_format: LogFormat::Pretty,
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
            shutdown_grace: std::time::Duration::from_secs(DEFAULT_SHUTDOWN_GRACE_SECONDS),
            header_timeout: std::time::Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECONDS),
            body_timeout: std::time::Duration::from_secs(DEFAULT_BODY_TIMEOUT_SECONDS),
            idle_timeout: std::time::Duration::from_secs(DEFAULT_IDLE_TIMEOUT_SECONDS),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_import_bytes: DEFAULT_MAX_IMPORT_BYTES,
            credentials: Vec::new(),
            seed: None,
            admin_token: None,
            admin_hosts: Vec::new(),
            oidc_providers: Vec::new(),
            vpc_endpoints: Vec::new(),
        }
    }
}

fn unreachable_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 4566))
}

impl Config {
    /// A configuration for tests: loopback, port 0 (a free port), everything else default.
    pub fn for_tests() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..Config::default()
        }
    }

    /// Merges flags/env over the optional file over defaults, then validates.
    pub fn resolve(args: ServeArgs) -> Result<Config, String> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let defaults = Config::default();
        let default_account = args
            .default_account
            .or(file.default_account)
            .unwrap_or(defaults.default_account);
        let config_dir = args
            .config
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let oidc_providers = file
            .oidc_providers
            .into_iter()
            .enumerate()
            .map(|(index, provider)| provider.resolve(index, &config_dir, &default_account))
            .collect::<Result<Vec<_>, String>>()?;
        let config = Config {
            listen: args.listen.or(file.listen).unwrap_or(defaults.listen),
            default_account,
            auth: args.auth.or(file.auth).unwrap_or(defaults.auth),
            iam: args.iam.or(file.iam).unwrap_or(defaults.iam),
            data_dir: args.data_dir.or(file.data_dir),
            log_level: args
                .log_level
                .or(file.log_level)
                .unwrap_or(defaults.log_level),
            log_format: args
                .log_format
                .or(file.log_format)
                .unwrap_or(defaults.log_format),
            max_request_bytes: args
                .max_request_bytes
                .or(file.max_request_bytes)
                .unwrap_or(defaults.max_request_bytes),
            shutdown_grace: args
                .shutdown_grace_seconds
                .or(file.shutdown_grace_seconds)
                .map_or(defaults.shutdown_grace, std::time::Duration::from_secs),
            header_timeout: args
                .header_timeout_seconds
                .or(file.header_timeout_seconds)
                .map_or(defaults.header_timeout, std::time::Duration::from_secs),
            body_timeout: args
                .body_timeout_seconds
                .or(file.body_timeout_seconds)
                .map_or(defaults.body_timeout, std::time::Duration::from_secs),
            idle_timeout: args
                .idle_timeout_seconds
                .or(file.idle_timeout_seconds)
                .map_or(defaults.idle_timeout, std::time::Duration::from_secs),
            max_connections: args
                .max_connections
                .or(file.max_connections)
                .unwrap_or(defaults.max_connections),
            max_import_bytes: args
                .max_import_bytes
                .or(file.max_import_bytes)
                .unwrap_or(defaults.max_import_bytes),
            credentials: file.credentials,
            seed: args.seed.or(file.seed),
            admin_token: args
                .admin_token
                .map(Zeroizing::new)
                .or(file.admin_token)
                .map(Sensitive::new),
            admin_hosts: if args.admin_hosts.is_empty() {
                file.admin_hosts.unwrap_or_default()
            } else {
                args.admin_hosts
            },
            oidc_providers,
            vpc_endpoints: vpc_endpoints::resolve_all(file.vpc_endpoints)?,
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks every value that could otherwise fail later, with a message naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if !is_account_id(&self.default_account) {
            return Err(format!(
                "default_account must be 12 digits, got '{}'",
                self.default_account
            ));
        }
        if self.max_request_bytes < 64 * 1024 + 1024 {
            return Err("max_request_bytes must be at least 66560 so a 64 KiB secret fits".into());
        }
        if let Some(token) = &self.admin_token {
            let token = token.expose();
            if token.chars().count() < MIN_ADMIN_TOKEN_CHARS
                || !token.bytes().all(|b| b.is_ascii_graphic())
            {
                return Err(format!(
                    "admin_token must be at least {MIN_ADMIN_TOKEN_CHARS} visible ASCII characters (no spaces)"
                ));
            }
        }
        if let Some(host) = self.admin_hosts.iter().find(|host| !is_host_name(host)) {
            return Err(format!(
                "admin_hosts: '{host}' is not a host name (letters, digits, '-' and '.', without a port)"
            ));
        }
        for (name, timeout) in [
            ("header_timeout_seconds", self.header_timeout),
            ("body_timeout_seconds", self.body_timeout),
            ("idle_timeout_seconds", self.idle_timeout),
        ] {
            if timeout.is_zero() || timeout.as_secs() > MAX_TIMEOUT_SECONDS {
                return Err(format!(
                    "{name} must be between 1 and {MAX_TIMEOUT_SECONDS}, got {}",
                    timeout.as_secs_f64()
                ));
            }
        }
        if !(1..=MAX_CONNECTIONS_LIMIT).contains(&self.max_connections) {
            return Err(format!(
                "max_connections must be between 1 and {MAX_CONNECTIONS_LIMIT}, got {}",
                self.max_connections
            ));
        }
        if self.max_import_bytes < 1024 {
            return Err("max_import_bytes must be at least 1024".into());
        }
        for (index, cred) in self.credentials.iter().enumerate() {
            if cred.access_key_id.is_empty() || cred.secret_access_key.is_empty() {
                return Err(format!(
                    "credentials[{index}]: access_key_id and secret_access_key must not be empty"
                ));
            }
            if !is_account_id(&cred.account_id) {
                return Err(format!(
                    "credentials[{index}] ({}): account_id must be 12 digits",
                    cred.access_key_id
                ));
            }
        }
        Ok(())
    }
}

/// True for exactly twelve ASCII digits, the shape of an AWS account id.
pub fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

/// True for a DNS host name without a port: labels of letters, digits and `-`, joined by `.`.
fn is_host_name(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 253
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn read_file(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("invalid config file {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("lockbox-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lockbox.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:5000\"\ndefault_account = \"111111111111\"\nauth = \"off\"\niam = \"off\"\nseed = \"seed.yaml\"\n\
             [[credentials]]\naccess_key_id = \"AKIDEXAMPLE\"\nsecret_access_key = \"s3cr3t\"\naccount_id = \"222222222222\"\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(path),
            listen: Some("127.0.0.1:6000".parse().unwrap()),
            ..ServeArgs::default()
        };
        let config = Config::resolve(args).unwrap();
        assert_eq!(config.listen.port(), 6000);
        assert_eq!(config.default_account, "111111111111");
        assert_eq!(config.auth, AuthMode::Off);
        assert_eq!(config.iam, IamMode::Off);
        assert_eq!(Config::default().iam, IamMode::Enforce);
        assert_eq!(config.credentials.len(), 1);
        assert_eq!(config.seed, Some(PathBuf::from("seed.yaml")));
        assert!(!format!("{config:?}").contains("s3cr3t"));
    }

    #[test]
    fn the_admin_token_must_be_long_and_is_never_printed() {
        let token = |value: &str| Config {
            admin_token: Some(AdminToken::new(Zeroizing::new(value.to_owned()))),
            ..Config::default()
        };
        assert!(
            token("short")
                .validate()
                .unwrap_err()
                .contains("at least 16")
        );
        assert!(
            token("sixteen chars ok").validate().is_err(),
            "spaces refused"
        );
        let config = token("a-long-admin-token-value");
        config.validate().unwrap();
        assert!(!format!("{config:?}").contains("a-long-admin-token-value"));
        let hosts = Config {
            admin_hosts: vec!["lockbox:4566".into()],
            ..Config::default()
        };
        assert!(hosts.validate().unwrap_err().contains("admin_hosts"));
    }

    #[test]
    fn connection_limits_come_from_flags_then_the_file_then_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lockbox.toml");
        std::fs::write(
            &path,
            "header_timeout_seconds = 5\nbody_timeout_seconds = 6\nidle_timeout_seconds = 7\n\
             max_connections = 8\nmax_import_bytes = 9000\n",
        )
        .unwrap();
        let from_file = Config::resolve(ServeArgs {
            config: Some(path.clone()),
            ..ServeArgs::default()
        })
        .unwrap();
        assert_eq!(from_file.header_timeout.as_secs(), 5);
        assert_eq!(from_file.body_timeout.as_secs(), 6);
        assert_eq!(from_file.idle_timeout.as_secs(), 7);
        assert_eq!(from_file.max_connections, 8);
        assert_eq!(from_file.max_import_bytes, 9000);

        let from_flags = Config::resolve(ServeArgs {
            config: Some(path),
            header_timeout_seconds: Some(15),
            body_timeout_seconds: Some(16),
            idle_timeout_seconds: Some(17),
            max_connections: Some(18),
            max_import_bytes: Some(19000),
            ..ServeArgs::default()
        })
        .unwrap();
        assert_eq!(from_flags.header_timeout.as_secs(), 15);
        assert_eq!(from_flags.body_timeout.as_secs(), 16);
        assert_eq!(from_flags.idle_timeout.as_secs(), 17);
        assert_eq!(from_flags.max_connections, 18);
        assert_eq!(from_flags.max_import_bytes, 19000);

        let defaults = Config::resolve(ServeArgs::default()).unwrap();
        assert_eq!(
            defaults.header_timeout.as_secs(),
            DEFAULT_HEADER_TIMEOUT_SECONDS
        );
        assert_eq!(
            defaults.body_timeout.as_secs(),
            DEFAULT_BODY_TIMEOUT_SECONDS
        );
        assert_eq!(
            defaults.idle_timeout.as_secs(),
            DEFAULT_IDLE_TIMEOUT_SECONDS
        );
        assert_eq!(defaults.max_connections, DEFAULT_MAX_CONNECTIONS);
        assert_eq!(defaults.max_import_bytes, DEFAULT_MAX_IMPORT_BYTES);
    }

    #[test]
    fn rejects_connection_limits_that_would_lock_everyone_out() {
        let zero = std::time::Duration::ZERO;
        let too_long = std::time::Duration::from_secs(MAX_TIMEOUT_SECONDS + 1);
        let cases = [
            (
                Config {
                    header_timeout: zero,
                    ..Config::default()
                },
                "header_timeout_seconds",
            ),
            (
                Config {
                    body_timeout: zero,
                    ..Config::default()
                },
                "body_timeout_seconds",
            ),
            (
                Config {
                    idle_timeout: too_long,
                    ..Config::default()
                },
                "idle_timeout_seconds",
            ),
            (
                Config {
                    max_connections: 0,
                    ..Config::default()
                },
                "max_connections",
            ),
            (
                Config {
                    max_import_bytes: 10,
                    ..Config::default()
                },
                "max_import_bytes",
            ),
        ];
        for (config, setting) in cases {
            let message = config.validate().unwrap_err();
            assert!(message.starts_with(setting), "{message}");
        }
        assert!(Config::default().validate().is_ok());
    }

    #[test]
    fn rejects_a_malformed_account() {
        let config = Config {
            default_account: "12345".into(),
            ..Config::default()
        };
        assert!(config.validate().unwrap_err().contains("12 digits"));
    }
}
