//! The `beacon` command: serve, migrate, keys, openapi.

use crate::clock::Clock;
use crate::config::{self, Config, ConfigError};
use crate::db;
use crate::security::keys;
use crate::security::{crypto::Envelope, Role};
use crate::startup::{Application, Settings};
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use thiserror::Error;

#[derive(Debug, Parser)]
#[command(name = "beacon", version, about = "Beacon: trafficking incident reporting for Connecticut")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, then serve the API on BEACON_ADDR.
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Manage API keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key; the key itself is the last line printed. Only its hash is stored.
    Create {
        /// Organisation name (created when new).
        #[arg(long)]
        org: String,
        /// reporter, partner, coordinator, auditor or admin.
        #[arg(long)]
        role: String,
        /// An origin allowed to use a partner key (repeatable).
        #[arg(long = "origin")]
        origins: Vec<String>,
    },
}

#[derive(Debug, Error)]
pub enum CliError {
    /// Bad configuration: one line naming the variable, exit code 2.
    #[error("configuration error: {0}")]
    Config(#[from] ConfigError),
    #[error("invalid argument: {0}")]
    Usage(String),
    #[error(transparent)]
    Startup(#[from] crate::startup::StartupError),
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("cannot render the OpenAPI document: {0}")]
    Json(#[from] serde_json::Error),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Config(_) | CliError::Usage(_) => ExitCode::from(2),
            _ => ExitCode::FAILURE,
        }
    }
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve => serve().await,
        Command::Migrate => {
            db::migrate(&config::database_url()?).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Keys { command: KeysCommand::Create { org, role, origins } } => {
            create_key(&org, &role, origins).await
        }
        Command::Openapi => {
            print!("{}", crate::openapi::document_json()?);
            Ok(())
        }
    }
}

async fn serve() -> Result<(), CliError> {
    let config = Config::from_env()?;
    crate::telemetry::init(&config.log);
    let listener = std::net::TcpListener::bind(config.addr)?;
    let app = Application::build(
        Settings {
            database_url: config.database_url.clone(),
            envelope: Envelope::new(config.data_key.clone()),
            clock: Clock::system(),
        },
        listener,
    )
    .await?;
    tracing::info!(addr = %config.addr, port = app.port(), "beacon listening");
    app.run_until_stopped().await?;
    Ok(())
}

async fn create_key(org: &str, role: &str, origins: Vec<String>) -> Result<(), CliError> {
    let role: Role = role.parse().map_err(CliError::Usage)?;
    let org = org.trim();
    if org.is_empty() || org.chars().count() > 200 {
        return Err(CliError::Usage("--org must be 1 to 200 characters".into()));
    }
    if role != Role::Partner && !origins.is_empty() {
        return Err(CliError::Usage("--origin applies only to partner keys".into()));
    }
    let url = config::database_url()?;
    db::migrate(&url).await?;
    let pool = db::pool(&url)?;
    let mut conn = pool
        .get()
        .await
        .map_err(|e| db::DbError::Connect(e.to_string()))?;
    let issued = keys::issue(&mut conn, org, role, &origins).await?;
    println!(
        "created {} key {} for organisation \"{org}\" ({})",
        role.as_str(),
        issued.key_id,
        issued.organisation_id
    );
    println!("store it now: it is shown only once");
    println!("{}", issued.secret);
    Ok(())
}
