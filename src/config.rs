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
    data_dir: Option<PathBuf>,
    log_level: Option<String>,
    log_format: Option<LogFormat>,
    max_request_bytes: Option<usize>,
    shutdown_grace_seconds: Option<u64>,
    seed: Option<PathBuf>,
    admin_token: Option<Zeroizing<String>>,
    admin_hosts: Option<Vec<String>>,
    #[serde(default)]
    credentials: Vec<CredentialConfig>,
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
    /// Access keys from the config file.
    pub credentials: Vec<CredentialConfig>,
    /// Seed document applied when the server binds, if any.
    pub seed: Option<PathBuf>,
    /// Bearer token of the admin endpoints, if one is configured.
    pub admin_token: Option<AdminToken>,
    /// Host names admin requests may name besides loopback names and IP addresses.
    pub admin_hosts: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: DEFAULT_LISTEN
                .parse()
                .unwrap_or_else(|_| unreachable_listen()),
            default_account: DEFAULT_ACCOUNT.to_owned(),
            auth: AuthMode::Verify,
            data_dir: None,
            log_level: "info".to_owned(),
            log_format: LogFormat::Pretty,
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
            shutdown_grace: std::time::Duration::from_secs(DEFAULT_SHUTDOWN_GRACE_SECONDS),
            credentials: Vec::new(),
            seed: None,
            admin_token: None,
            admin_hosts: Vec::new(),
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
        let config = Config {
            listen: args.listen.or(file.listen).unwrap_or(defaults.listen),
            default_account: args
                .default_account
                .or(file.default_account)
                .unwrap_or(defaults.default_account),
            auth: args.auth.or(file.auth).unwrap_or(defaults.auth),
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
            "listen = \"127.0.0.1:5000\"\ndefault_account = \"111111111111\"\nauth = \"off\"\nseed = \"seed.yaml\"\n\
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
    fn rejects_a_malformed_account() {
        let config = Config {
            default_account: "12345".into(),
            ..Config::default()
        };
        assert!(config.validate().unwrap_err().contains("12 digits"));
    }
}
