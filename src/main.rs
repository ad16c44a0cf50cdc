//! The `lockbox` command: parse flags, resolve configuration, start serving; or, with
//! `export` / `import`, move state to or from a running server through its admin endpoints;
//! or, with `healthcheck`, probe a running server (for container health checks); or, with
//! `explain`, ask one why a call would be allowed or denied.

use std::io::Write as _;
use std::process::ExitCode;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use lockbox::config::{Config, ServeArgs};
use lockbox::explain_command::ExplainArgs;
use lockbox::healthcheck::HealthcheckArgs;
use lockbox::readiness::{ReadinessArgs, ReadyFile};
use lockbox::seed::remote::AdminCredential;
use lockbox::server::{Server, shutdown_signal};

/// A local emulator of AWS Secrets Manager and KMS for tests, laptops and CI.
#[derive(Debug, Parser)]
#[command(name = "lockbox", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
    #[command(flatten)]
    readiness: ReadinessArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the emulator (the default when no sub-command is given).
    Serve {
        #[command(flatten)]
        serve: Box<ServeArgs>,
        #[command(flatten)]
        readiness: ReadinessArgs,
    },
    /// Write a running server's state as a seed document (GET /_lockbox/export).
    ///
    /// Secret values stay encrypted (as stored, with the KMS keys' material so another
    /// instance can import them) unless --plaintext is given. Treat the file as secret either way.
    Export(ExportArgs),
    /// Apply a seed document (JSON, or YAML for .yaml/.yml) to a running server
    /// (POST /_lockbox/import). Idempotent; a conflicting existing object is an error.
    Import(ImportArgs),
    /// Exit 0 if a running server answers GET /_lockbox/health with 200, else 1 with the
    /// reason (for container health checks: needs no shell or curl).
    Healthcheck(HealthcheckArgs),
    /// Ask a running server why a call would be allowed or denied (POST /_lockbox/explain):
    /// the decision, the statements that decided and the denial text AWS would send.
    Explain(ExplainArgs),
    /// Re-seal a stopped server's data dir under a new root key.
    ///
    /// The current key is LOCKBOX_ROOT_KEY or DIR/root.key; the new one is
    /// LOCKBOX_NEW_ROOT_KEY, or, when the current one is the file, a fresh key that replaces
    /// the file. Crash-safe: the data is sealed with either key, never a mix.
    Rekey(RekeyArgs),
}

#[derive(Debug, Args)]
struct RekeyArgs {
    /// The data dir of a stopped server.
    #[arg(long, env = "LOCKBOX_DATA_DIR", value_name = "DIR")]
    data_dir: PathBuf,
}

/// Where a running server is, for the commands that talk to one.
#[derive(Debug, Args)]
struct ServerArgs {
    /// The server, e.g. http://127.0.0.1:4566.
    #[arg(
        long,
        env = "LOCKBOX_ENDPOINT",
        default_value = "http://127.0.0.1:4566"
    )]
    endpoint: String,
}

#[derive(Debug, Args)]
struct ExportArgs {
    #[command(flatten)]
    server: ServerArgs,
    /// Write secret values in plaintext instead of encrypted.
    #[arg(long)]
    plaintext: bool,
    /// Write to FILE (YAML when it ends in .yaml/.yml) instead of JSON on stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ImportArgs {
    #[command(flatten)]
    server: ServerArgs,
    /// The seed document to apply.
    file: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (args, readiness) = match cli.command {
        Some(Command::Serve { serve, readiness }) => (*serve, readiness),
        None => (cli.serve, cli.readiness),
        Some(Command::Export(args)) => return client_command(export(args)),
        Some(Command::Import(args)) => return client_command(import(args)),
        Some(Command::Healthcheck(args)) => {
            return client_command(lockbox::healthcheck::run(args));
        }
        Some(Command::Explain(args)) => {
            return client_command(lockbox::explain_command::run(args));
        }
        Some(Command::Rekey(args)) => return rekey(&args),
    };
    let config = match Config::resolve(args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("lockbox: {message}");
            return ExitCode::from(2);
        }
    };
    lockbox::telemetry::init(&config.log_level, config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("lockbox: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(config, readiness))
}

async fn run(config: Config, readiness: ReadinessArgs) -> ExitCode {
    let listen = config.listen;
    let auth = config.auth;
    let store = config
        .data_dir
        .as_ref()
        .map_or_else(|| "memory".to_owned(), |dir| dir.display().to_string());
    let mut ready_file = match ReadyFile::new(readiness.ready_file) {
        Ok(ready_file) => ready_file,
        Err(message) => {
            eprintln!("lockbox: {message}");
            return ExitCode::FAILURE;
        }
    };
    let server = match Server::bind(config).await {
        Ok(server) => server,
        Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
            eprintln!("lockbox: {error}");
            return ExitCode::from(2);
        }
        Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
            eprintln!(
                "lockbox: cannot listen on {listen}: the address is already in use (is another Lockbox or emulator running?); choose another with --listen or LOCKBOX_LISTEN"
            );
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("lockbox: cannot listen on {listen}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let addr = server.local_addr().unwrap_or(listen);
    // Installed before the ready line: a SIGTERM right after it still drains and exits 0.
    let shutdown = shutdown_signal();
    if let Err(message) = ready_file.publish(&lockbox::readiness::endpoint_url(addr)) {
        eprintln!("lockbox: {message}");
        return ExitCode::FAILURE;
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "lockbox ready: http://{addr} (auth: {auth}, store: {store})"
    )
    .ok();
    stdout.flush().ok();
    drop(stdout);
    tracing::info!(%addr, %auth, %store, "serving");
    match server.serve(shutdown).await {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("lockbox: server error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `lockbox rekey`: the keys come from the environment only, never from flags (which other
/// users could read in the process list).
fn rekey(args: &RekeyArgs) -> ExitCode {
    let current = std::env::var(lockbox::kms::ROOT_KEY_ENV).ok();
    let new = std::env::var(lockbox::rekey::NEW_ROOT_KEY_ENV).ok();
    match lockbox::rekey::rekey(&args.data_dir, current.as_deref(), new.as_deref()) {
        Ok(report) => {
            println!(
                "re-sealed {} KMS keys; the root key is now {}",
                report.keys, report.new_key_at
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("lockbox: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs an admin-client sub-command on a small single-threaded runtime.
fn client_command(work: impl std::future::Future<Output = Result<(), String>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("lockbox: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(work) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lockbox: {message}");
            ExitCode::FAILURE
        }
    }
}

fn server_error(status: u16, body: &[u8]) -> String {
    let detail = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    format!("the server answered {status}: {detail}")
}

async fn export(args: ExportArgs) -> Result<(), String> {
    let yaml = args
        .output
        .as_deref()
        .is_some_and(|path| lockbox::seed::Format::of_path(path) == lockbox::seed::Format::Yaml);
    let path = format!(
        "/_lockbox/export?plaintext={}&format={}",
        args.plaintext,
        if yaml { "yaml" } else { "json" }
    );
    let credential = AdminCredential::from_env(|name| std::env::var(name).ok());
    let response = lockbox::seed::remote::request(
        &args.server.endpoint,
        Some(&credential),
        "GET",
        &path,
        None,
    )
    .await?;
    if response.status != 200 {
        return Err(server_error(response.status, &response.body));
    }
    match args.output {
        Some(file) => std::fs::write(&file, &response.body)
            .map_err(|e| format!("cannot write {}: {e}", file.display())),
        None => std::io::stdout()
            .lock()
            .write_all(&response.body)
            .map_err(|e| format!("cannot write to stdout: {e}")),
    }
}

async fn import(args: ImportArgs) -> Result<(), String> {
    let body = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let content_type = match lockbox::seed::Format::of_path(&args.file) {
        lockbox::seed::Format::Yaml => "application/yaml",
        lockbox::seed::Format::Json => "application/json",
    };
    let credential = AdminCredential::from_env(|name| std::env::var(name).ok());
    let response = lockbox::seed::remote::request(
        &args.server.endpoint,
        Some(&credential),
        "POST",
        "/_lockbox/import",
        Some((content_type, &body)),
    )
    .await?;
    if response.status != 200 {
        return Err(server_error(response.status, &response.body));
    }
    println!("{}", String::from_utf8_lossy(&response.body));
    Ok(())
}
