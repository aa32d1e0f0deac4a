//! The `beacon` command: serve, migrate, keys, audit, purge, import, openapi.
//!
//! `run` reads the wall clock once ([`Clock::system`]) and hands that instant
//! to every subcommand, so each timestamp a command writes is the same one.

mod audit;
pub mod import;
mod keys;
mod purge;
mod report;

use crate::clock::Clock;
use crate::config::{self, Config, ConfigError};
use import::ImportCommand;
use crate::db;
use crate::security::crypto::Envelope;
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
    /// Serve the API on BEACON_ADDR (migrating first through BEACON_MIGRATION_DATABASE_URL when it is set).
    Serve,
    /// Apply pending migrations as the schema owner (BEACON_MIGRATION_DATABASE_URL, else DATABASE_URL) and exit.
    Migrate,
    /// Manage API keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Remove the sealed fields of incidents closed longer ago than the
    /// retention period, keeping the de-identified rest.
    Purge {
        /// Retention period: a number and a unit, `y` (years), `m` (months) or `d` (days), e.g. `7y`.
        #[arg(long)]
        older_than: String,
        /// Only count what would be purged.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import a CSV file, as the API's imports do, with progress on stderr.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Write a report as the API serves it, straight from the database.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The coordinator's annual report (Sec. 1(f)) on a year, as of today. PDF needs
    /// Chromium (`apt install chromium`, or BEACON_CHROMIUM); exit 2 without it.
    Coordinator {
        /// The year reported on, from 2026.
        #[arg(long)]
        year: i32,
        /// The file to write.
        #[arg(long)]
        out: std::path::PathBuf,
        /// json, html or pdf; by default, from the extension of --out.
        #[arg(long, value_enum)]
        format: Option<report::Format>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the HMAC chain; exit 1 and name the first broken entry if tampered with.
    Verify {
        /// A checkpoint written by `beacon audit checkpoint`: the trail must still hold its entry
        /// unchanged, so deleting the newest entries is found too.
        #[arg(long)]
        checkpoint: Option<std::path::PathBuf>,
    },
    /// Write the trail's head, signed with BEACON_AUDIT_KEY, as JSON: keep it outside the
    /// database and verify against it later.
    Checkpoint {
        /// The file to write (created new; default: stdout).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key; the key itself is the last line printed. Only its hash is stored.
    Create {
        /// Account name (created when new).
        #[arg(long)]
        account: String,
        /// reporter, partner, coordinator, auditor, admin, dcf, partner_staff, provider or child_advocate (README: "Roles").
        #[arg(long)]
        role: String,
        /// An origin allowed to use a partner key (repeatable).
        #[arg(long = "origin")]
        origins: Vec<String>,
        /// Days until the key expires (default: never).
        #[arg(long)]
        expires_in_days: Option<u32>,
        /// The agency code the account reports for (e.g. `dcf`): scopes a
        /// reporter's workforce and training records to that agency.
        #[arg(long)]
        agency: Option<String>,
        /// The directory organization (its id) a `provider` key answers referrals for; only
        /// with `--role provider`.
        #[arg(long)]
        organization: Option<uuid::Uuid>,
    },
    /// List every key (never the key itself).
    List,
    /// Revoke a key: it fails from its very next request.
    Revoke { id: uuid::Uuid },
    /// Replace a key with a new one and revoke the old; prints the new key last.
    Rotate { id: uuid::Uuid },
    /// Re-wrap every record's data key under BEACON_DATA_KEY. Run with the old
    /// key(s) in BEACON_DATA_KEY_PREVIOUS; servers given both keys keep working throughout.
    RotateDataKey,
    /// Recompute every victim's blind index under BEACON_INDEX_KEY (after rotating that key, or
    /// after the index's name rule changes). Opens each sealed identity with the data keys
    /// (BEACON_DATA_KEY and BEACON_DATA_KEY_PREVIOUS); commits in batches, and may be rerun.
    Reindex,
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
    #[error("the audit trail failed verification")]
    AuditBroken,
    #[error("cannot render the OpenAPI document: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Import(#[from] import::ImportError),
    #[error(transparent)]
    Pdf(#[from] crate::pdf::PdfError),
    #[error("cannot build the report: {0}")]
    Report(String),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Config(_) | CliError::Usage(_) | CliError::Pdf(crate::pdf::PdfError::NoBrowser) => ExitCode::from(2),
            CliError::Import(e) => e.exit_code(),
            _ => ExitCode::FAILURE,
        }
    }
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    // The command's one read of the wall clock: every timestamp it writes is this instant.
    let clock = Clock::system();
    match cli.command {
        Command::Serve => serve().await,
        Command::Migrate => {
            db::migrate(&config::owner_database_url()?).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Keys { command: KeysCommand::RotateDataKey } => keys::rotate_data_key(clock.now()).await,
        Command::Keys { command: KeysCommand::Reindex } => keys::reindex(clock.now()).await,
        Command::Keys { command } => keys::run(command, clock.now()).await,
        Command::Audit { command: AuditCommand::Verify { checkpoint } } => audit::verify(checkpoint).await,
        Command::Audit { command: AuditCommand::Checkpoint { out } } => audit::checkpoint(out, clock.now()).await,
        Command::Purge { older_than, dry_run } => purge::run(&older_than, dry_run, clock.now()).await,
        Command::Import { command } => import::run(command, clock.now()).await,
        Command::Report { command: ReportCommand::Coordinator { year, out, format } } => {
            report::coordinator(year, out, format, clock.today()).await
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
            migration_database_url: config.migration_database_url.clone(),
            audit_key: config.audit_key.clone(),
            db: config.db,
            envelope: Envelope::with_previous(
                config.data_key.clone(),
                config.previous_data_keys.clone(),
                config.index_key.clone(),
            ),
            clock: Clock::system(),
            limits: config.limits,
            stats: config.stats,
        },
        listener,
    )
    .await?;
    tracing::info!(addr = %config.addr, port = app.port(), "beacon listening");
    app.run_until_stopped().await?;
    Ok(())
}

/// A pool the way every command gets one: on DATABASE_URL (the runtime role),
/// after migrating through BEACON_MIGRATION_DATABASE_URL when it is set, with
/// the audit key installed (every command may append to the trail).
pub(crate) async fn connect() -> Result<db::DbPool, CliError> {
    let url = config::database_url()?;
    crate::security::audit::install_key(config::audit_key()?).map_err(CliError::Usage)?;
    if let Some(owner) = config::migration_database_url()? {
        db::migrate(&owner).await?;
    }
    Ok(db::pool(&url, &config::DbConfig::from_env()?)?)
}

/// One connection from [`connect`]'s pool.
pub(crate) async fn connection() -> Result<db::PooledConnection, CliError> {
    let pool = connect().await?;
    Ok(pool.get().await.map_err(|e| db::DbError::Connect(e.to_string()))?)
}

