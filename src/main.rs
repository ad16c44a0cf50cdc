//! The `lockbox` command: parse flags, resolve configuration, start serving.

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use lockbox::config::{Config, ServeArgs};
use lockbox::server::{Server, shutdown_signal};

/// A local emulator of AWS Secrets Manager and KMS for tests, laptops and CI.
#[derive(Debug, Parser)]
#[command(name = "lockbox", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the emulator (the default when no sub-command is given).
    Serve(ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Serve(args)) => args,
        None => cli.serve,
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
    runtime.block_on(run(config))
}

async fn run(config: Config) -> ExitCode {
    let listen = config.listen;
    let auth = config.auth;
    let server = match Server::bind(config).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("lockbox: cannot listen on {listen}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let addr = server.local_addr().unwrap_or(listen);
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "lockbox ready: http://{addr} (auth: {auth}, store: memory)"
    )
    .ok();
    stdout.flush().ok();
    drop(stdout);
    tracing::info!(%addr, %auth, store = "memory", "serving");
    match server.serve(shutdown_signal()).await {
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
