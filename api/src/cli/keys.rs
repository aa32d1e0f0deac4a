//! `beacon keys …`: issue, list, revoke and rotate API keys, and re-wrap data keys.

use super::{connection, CliError, KeysCommand};
use crate::config;
use crate::db;
use crate::security::audit;
use crate::security::crypto::Envelope;
use crate::security::keys;
use crate::security::Role;
use beacon_core::keys::{check_new_key, NewKey};
use beacon_core::ValidationError;
use chrono::{DateTime, Utc};

/// The core's errors in the command's terms: a body member becomes its flag.
fn usage(errors: &[ValidationError]) -> String {
    errors
        .iter()
        .map(|e| {
            let flag = match e.path.split('/').nth(1).unwrap_or_default() {
                "account" => "--account",
                "origins" => "--origin",
                "expires_at" => "--expires-in-days",
                other => other,
            };
            let which = e.path.split('/').nth(2).map(|i| format!(" #{}", i.parse::<usize>().map_or(0, |i| i + 1))).unwrap_or_default();
            format!("{flag}{which}: {}", e.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) async fn run(command: KeysCommand, now: DateTime<Utc>) -> Result<(), CliError> {
    let mut conn = connection().await?;
    match command {
        KeysCommand::Create { account, role, origins, expires_in_days, agency, organization } => {
            let agency = agency
                .map(|a| {
                    a.parse::<beacon_core::reference::codes::Agency>()
                        .map_err(|_| CliError::Usage(format!("--agency `{a}` is not an agency code (see GET /v1/codes)")))
                })
                .transpose()?;
            let role: Role = role.parse().map_err(CliError::Usage)?;
            if organization.is_some() && role != Role::Provider {
                return Err(CliError::Usage("--organization binds only a provider key (--role provider)".into()));
            }
            if let Some(org) = organization {
                if db::directory::get_organization(&mut conn, org).await?.is_none() {
                    return Err(CliError::Usage(format!("--organization {org}: no directory organization has this id")));
                }
            }
            let expires_at = expires_in_days.map(|d| now + chrono::Duration::days(i64::from(d)));
            let key = NewKey { account: &account, role, origins: &origins, expires_at };
            let checked = check_new_key(&key, now).map_err(|errors| CliError::Usage(usage(&errors)))?;
            let account = checked.account.as_str();
            let issued = keys::issue_expiring(&mut conn, account, role, &checked.origins, checked.expires_at).await?;
            if let Some(agency) = agency {
                db::training::set_account_agency(&mut conn, issued.account_id, Some(&agency.to_string())).await?;
            }
            if let Some(org) = organization {
                db::directory::set_account_organization(&mut conn, issued.account_id, Some(org)).await?;
            }
            audit::append(&mut conn, audit::Event::cli(now, "key.create", "api_key", Some(issued.key_id.to_string()))).await?;
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
                } else if k.expires_at.is_some_and(|e| e <= now) {
                    "expired"
                } else {
                    "active"
                };
                let used = k.last_used_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "never".into());
                println!("{:<36}  {:<11}  {:<12}  {:<8}  {:<20}  {}", k.id, k.role, k.prefix, state, used, k.account);
            }
        }
        KeysCommand::Revoke { id } => {
            if !db::keys::revoke(&mut conn, id, now).await? {
                return Err(CliError::Usage(format!("no key {id}")));
            }
            audit::append(&mut conn, audit::Event::cli(now, "key.revoke", "api_key", Some(id.to_string()))).await?;
            println!("revoked {id}");
        }
        KeysCommand::RotateDataKey => return rotate_data_key(now).await,
        KeysCommand::Reindex => return reindex(now).await,
        KeysCommand::Rotate { id } => {
            let issued = match keys::rotate(&mut conn, id, now).await? {
                keys::Rotation::Rotated(issued) => issued,
                keys::Rotation::NoSuchKey => return Err(CliError::Usage(format!("no key {id}"))),
                keys::Rotation::Revoked => return Err(CliError::Usage(format!("key {id} is revoked and cannot be rotated; issue a new key"))),
            };
            audit::append(&mut conn, audit::Event::cli(now, "key.rotate", "api_key", Some(id.to_string()))).await?;
            println!("revoked {id}; new key {} — store it now: it is shown only once", issued.key_id);
            println!("{}", issued.secret);
        }
    }
    Ok(())
}

pub(super) async fn rotate_data_key(now: DateTime<Utc>) -> Result<(), CliError> {
    let envelope = Envelope::with_previous(config::data_key()?, config::previous_data_keys()?, config::index_key()?);
    let mut conn = connection().await?;
    let current = envelope.key_id().to_string();
    // Incidents and intake submissions each wrap their own record keys under the master key.
    for table in [Sealed::Incidents, Sealed::Intake] {
        rewrap(&mut conn, &envelope, &current, table, now).await?;
    }
    println!("done: every record's data key is wrapped by {current}");
    Ok(())
}

/// The tables whose records carry a wrapped data key.
#[derive(Debug, Clone, Copy)]
enum Sealed {
    Incidents,
    Intake,
}

impl Sealed {
    fn name(self) -> &'static str {
        match self {
            Sealed::Incidents => "incidents",
            Sealed::Intake => "intake_submissions",
        }
    }
}

async fn rewrap(conn: &mut diesel_async::AsyncPgConnection, envelope: &Envelope, current: &str, table: Sealed, now: DateTime<Utc>) -> Result<(), CliError> {
    let total = match table {
        Sealed::Incidents => db::incidents::count_wrapped_not_under(conn, current).await?,
        Sealed::Intake => db::intake::count_wrapped_not_under(conn, current).await?,
    };
    println!("{total} {} records to re-wrap under master key {current}", table.name());
    let mut done = 0;
    loop {
        let batch = match table {
            Sealed::Incidents => db::incidents::wrapped_keys_not_under(conn, current, 500).await?,
            Sealed::Intake => db::intake::wrapped_keys_not_under(conn, current, 500).await?,
        };
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
        diesel_async::AsyncConnection::transaction(conn, async |conn| {
            for (id, wrapped) in &rewrapped {
                match table {
                    Sealed::Incidents => db::incidents::set_wrapped_key(conn, *id, current, wrapped).await?,
                    Sealed::Intake => db::intake::set_wrapped_key(conn, *id, current, wrapped).await?,
                }
            }
            let event = audit::Event::cli(now, "data_key.rewrap", table.name(), None)
                .because(format!("{} records re-wrapped under {current}", rewrapped.len()));
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(())
        })
        .await?;
        done += rewrapped.len();
        println!("re-wrapped {done}/{total} {}", table.name());
    }
    Ok(())
}

/// `beacon keys reindex`: every sealed identity opened and indexed again under the current index
/// key, a batch per transaction with one audit entry each (never a name). Between batches the
/// duplicates report mixes old and new values, so run it in a quiet hour; a rerun recomputes
/// everything, so an interrupted run is finished by running it again.
pub(super) async fn reindex(now: DateTime<Utc>) -> Result<(), CliError> {
    use crate::security::crypto::field_aad;
    let envelope = Envelope::with_previous(config::data_key()?, config::previous_data_keys()?, config::index_key()?);
    let mut conn = connection().await?;
    let total = db::victims::count_sealed_identities(&mut conn).await?;
    println!("{total} sealed identities to index");
    let (mut after, mut done) = (uuid::Uuid::nil(), 0);
    loop {
        let batch = db::victims::sealed_identities_after(&mut conn, after, 500).await?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.victim_id;
        let mut indexed = Vec::with_capacity(batch.len());
        for row in &batch {
            let unreadable = |e: crate::security::crypto::CryptoError| {
                CliError::Usage(format!("victim {}: {e} — add the old data key to BEACON_DATA_KEY_PREVIOUS", row.victim_id))
            };
            let key = envelope.unwrap_record_key(row.incident_id, &row.key_id, &row.wrapped_data_key).map_err(unreadable)?;
            let plain = key.open(&field_aad("victims", row.victim_id, "identity"), &row.identity_sealed).map_err(unreadable)?;
            let identity: beacon_core::Identity =
                serde_json::from_slice(&plain).map_err(|_| CliError::Usage(format!("victim {}: the sealed identity is not an identity", row.victim_id)))?;
            indexed.push((row.victim_id, envelope.identity_index(&identity)));
        }
        diesel_async::AsyncConnection::transaction(&mut conn, async |conn| {
            for (id, index) in &indexed {
                db::victims::set_index(conn, *id, index.as_deref()).await?;
            }
            let event = audit::Event::cli(now, "index_key.reindex", "victims", None).because(format!("{} identities indexed", indexed.len()));
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(())
        })
        .await?;
        done += indexed.len();
        println!("indexed {done}/{total} victims");
    }
    println!("done: every sealed identity is indexed under the current index key");
    Ok(())
}
