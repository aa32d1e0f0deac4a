//! The `beacon` command: serve, migrate, keys, audit, purge, import, openapi.

use crate::clock::Clock;
use crate::config::{self, Config, ConfigError};
use crate::db;
use crate::import_cli::{self, ImportCommand};
use crate::routes::admin::keys::key_event;
use crate::security::audit;
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
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exit 1 and name the first broken entry if tampered with.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key; the key itself is the last line printed. Only its hash is stored.
    Create {
        /// Account name (created when new).
        #[arg(long)]
        account: String,
        /// reporter, partner, coordinator, auditor or admin.
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
    Import(#[from] import_cli::ImportError),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Config(_) | CliError::Usage(_) => ExitCode::from(2),
            CliError::Import(e) => e.exit_code(),
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
        Command::Keys { command: KeysCommand::RotateDataKey } => rotate_data_key().await,
        Command::Keys { command } => keys_command(command).await,
        Command::Audit { command: AuditCommand::Verify } => {
            let (_, url) = connect().await?;
            if audit::verify_command(&url).await? {
                Ok(())
            } else {
                Err(CliError::AuditBroken)
            }
        }
        Command::Purge { older_than, dry_run } => purge(&older_than, dry_run).await,
        Command::Import { command } => import_cli::run(command).await,
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
            envelope: Envelope::with_previous(
                config.data_key.clone(),
                config.previous_data_keys.clone(),
                config.index_key.clone(),
            ),
            clock: Clock::system(),
            limits: config.limits,
        },
        listener,
    )
    .await?;
    tracing::info!(addr = %config.addr, port = app.port(), "beacon listening");
    app.run_until_stopped().await?;
    Ok(())
}

pub(crate) async fn connect() -> Result<(db::DbPool, String), CliError> {
    let url = config::database_url()?;
    db::migrate(&url).await?;
    Ok((db::pool(&url)?, url))
}

async fn keys_command(command: KeysCommand) -> Result<(), CliError> {
    let (pool, _) = connect().await?;
    let mut conn = pool
        .get()
        .await
        .map_err(|e| db::DbError::Connect(e.to_string()))?;
    match command {
        KeysCommand::Create { account, role, origins, expires_in_days, agency } => {
            let agency = agency
                .map(|a| {
                    a.parse::<beacon_core::reference::codes::Agency>()
                        .map_err(|_| CliError::Usage(format!("--agency `{a}` is not an agency code (see GET /v1/codes)")))
                })
                .transpose()?;
            let role: Role = role.parse().map_err(CliError::Usage)?;
            let account = account.trim();
            if account.is_empty() || account.chars().count() > 200 {
                return Err(CliError::Usage("--account must be 1 to 200 characters".into()));
            }
            if role != Role::Partner && !origins.is_empty() {
                return Err(CliError::Usage("--origin applies only to partner keys".into()));
            }
            let expires_at = expires_in_days
                .map(|d| chrono::Utc::now() + chrono::Duration::days(i64::from(d)));
            let issued = keys::issue_expiring(&mut conn, account, role, &origins, expires_at).await?;
            if let Some(agency) = agency {
                db::training::set_account_agency(&mut conn, issued.account_id, Some(&agency.to_string())).await?;
            }
            audit::append(&mut conn, key_event(None, "key.create", issued.key_id, None)).await?;
            println!(
                "created {} key {} for account \"{account}\" ({})",
                role.as_str(),
                issued.key_id,
                issued.account_id
            );
            println!("store it now: it is shown only once");
            println!("{}", issued.secret);
        }
        KeysCommand::List => {
            println!("{:<36}  {:<11}  {:<12}  {:<8}  {:<20}  account", "id", "role", "prefix", "state", "last used");
            for k in db::keys::list(&mut conn).await? {
                let state = if k.revoked_at.is_some() {
                    "revoked"
                } else if k.expires_at.is_some_and(|e| e <= chrono::Utc::now()) {
                    "expired"
                } else {
                    "active"
                };
                let used = k.last_used_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "never".into());
                println!("{:<36}  {:<11}  {:<12}  {:<8}  {:<20}  {}", k.id, k.role, k.prefix, state, used, k.account);
            }
        }
        KeysCommand::Revoke { id } => {
            if !db::keys::revoke(&mut conn, id).await? {
                return Err(CliError::Usage(format!("no key {id}")));
            }
            audit::append(&mut conn, key_event(None, "key.revoke", id, None)).await?;
            println!("revoked {id}");
        }
        KeysCommand::RotateDataKey => return rotate_data_key().await,
        KeysCommand::Rotate { id } => {
            let issued = keys::rotate(&mut conn, id).await?.ok_or_else(|| CliError::Usage(format!("no key {id}")))?;
            audit::append(&mut conn, key_event(None, "key.rotate", id, None)).await?;
            println!("revoked {id}; new key {} — store it now: it is shown only once", issued.key_id);
            println!("{}", issued.secret);
        }
    }
    Ok(())
}

async fn rotate_data_key() -> Result<(), CliError> {
    let envelope = Envelope::with_previous(config::data_key()?, config::previous_data_keys()?, config::index_key()?);
    let (pool, _) = connect().await?;
    let mut conn = pool
        .get()
        .await
        .map_err(|e| db::DbError::Connect(e.to_string()))?;
    let current = envelope.key_id().to_string();
    let total = db::incidents::count_wrapped_not_under(&mut conn, &current).await?;
    println!("{total} records to re-wrap under master key {current}");
    let mut done = 0;
    loop {
        let batch = db::incidents::wrapped_keys_not_under(&mut conn, &current, 500).await?;
        if batch.is_empty() {
            break;
        }
        // Each batch commits on its own, so a long rotation never holds locks
        // for long and can be resumed after an interruption.
        let rewrapped = batch
            .iter()
            .map(|(id, key_id, wrapped)| envelope.rewrap(*id, key_id, wrapped).map(|w| (*id, w)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CliError::Usage(format!("{e} — add the old key to BEACON_DATA_KEY_PREVIOUS")))?;
        let conn_ref: &mut diesel_async::AsyncPgConnection = &mut conn;
        diesel_async::AsyncConnection::transaction(conn_ref, async |conn| {
            for (id, wrapped) in &rewrapped {
                db::incidents::set_wrapped_key(conn, *id, &current, wrapped).await?;
            }
            let event = audit::Event {
                actor: audit::Actor { key_id: None, account_id: None, role: Some("cli".into()) },
                action: "data_key.rewrap".into(),
                resource: "incidents".into(),
                resource_id: None,
                reason: Some(format!("{} records re-wrapped under {current}", rewrapped.len())),
                outcome: "success".into(),
                request_id: None,
            };
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(())
        })
        .await?;
        done += rewrapped.len();
        println!("re-wrapped {done}/{total}");
    }
    println!("done: every record's data key is wrapped by {current}");
    Ok(())
}

/// `7y`, `18m`, `90d` → the cut-off instant that long before now.
fn cutoff(older_than: &str) -> Result<chrono::DateTime<chrono::Utc>, CliError> {
    let bad = || CliError::Usage(format!("--older-than `{older_than}`: expected a number and y, m or d, e.g. 7y"));
    let (number, unit) = older_than.split_at(older_than.len().saturating_sub(1));
    let n: u32 = number.parse().map_err(|_| bad())?;
    let now = chrono::Utc::now();
    match unit {
        "y" => now.checked_sub_months(chrono::Months::new(n.saturating_mul(12))),
        "m" => now.checked_sub_months(chrono::Months::new(n)),
        "d" => now.checked_sub_signed(chrono::Duration::days(i64::from(n))),
        _ => None,
    }
    .ok_or_else(bad)
}

async fn purge(older_than: &str, dry_run: bool) -> Result<(), CliError> {
    let cutoff = cutoff(older_than)?;
    let (pool, _) = connect().await?;
    let mut pooled = pool
        .get()
        .await
        .map_err(|e| db::DbError::Connect(e.to_string()))?;
    let conn: &mut diesel_async::AsyncPgConnection = &mut pooled;
    if dry_run {
        let n = db::incidents::count_purgeable(conn, cutoff).await?;
        println!("dry run: {n} closed incidents before {} would lose their sealed fields", cutoff.format("%Y-%m-%d"));
        return Ok(());
    }
    let purged = diesel_async::AsyncConnection::transaction(conn, async |conn| {
        let purged = db::incidents::purge_sealed(conn, cutoff).await?;
        let event = audit::Event {
            actor: audit::Actor { key_id: None, account_id: None, role: Some("cli".into()) },
            action: "retention.purge".into(),
            resource: "incidents".into(),
            resource_id: None,
            reason: Some(format!("closed before {}: {purged} incidents", cutoff.format("%Y-%m-%d"))),
            outcome: "success".into(),
            request_id: None,
        };
        audit::append(conn, event).await?;
        Ok::<_, diesel::result::Error>(purged)
    })
    .await?;
    println!("purged the sealed fields of {purged} closed incidents (closed before {})", cutoff.format("%Y-%m-%d"));
    Ok(())
}
