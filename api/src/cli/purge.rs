//! `beacon purge`: the retention period's end for sealed fields — a closed incident's narrative
//! and victims' identities, and an intake submission's contact details and notes (counted from
//! its receipt: the person gave them to be reached, not to be kept). Each purged record's wrapped
//! data key goes with its fields (crypto-shredding: a backup's copy opens no more), and the tables
//! are vacuumed afterwards.

use super::{connection, CliError};
use crate::db;
use crate::security::audit;
use chrono::{DateTime, Utc};

/// The purged ciphertexts stay on disk as dead row versions until PostgreSQL vacuums them;
/// vacuum now rather than whenever autovacuum gets there. Outside the purge's transaction
/// (VACUUM cannot run in one), as the schema owner when one is configured: only a table's owner
/// may vacuum it. The wrapped keys are already gone, so this shortens how long unreadable bytes
/// linger; it is not what makes them unreadable.
async fn vacuum() -> Result<(), CliError> {
    use diesel_async::{AsyncConnection, RunQueryDsl};
    let url = match crate::config::migration_database_url()? {
        Some(owner) => owner,
        None => crate::config::database_url()?,
    };
    let mut conn = diesel_async::AsyncPgConnection::establish(&url).await.map_err(|e| db::DbError::Connect(e.to_string()))?;
    diesel::sql_query("VACUUM (ANALYZE) incidents, victims, intake_submissions").execute(&mut conn).await?;
    Ok(())
}

/// `7y`, `18m`, `90d` → the cut-off instant that long before now.
fn cutoff(older_than: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, CliError> {
    let bad = || CliError::Usage(format!("--older-than `{older_than}`: expected a number and y, m or d, e.g. 7y"));
    let (number, unit) = older_than.split_at(older_than.len().saturating_sub(1));
    let n: u32 = number.parse().map_err(|_| bad())?;
    match unit {
        "y" => now.checked_sub_months(chrono::Months::new(n.saturating_mul(12))),
        "m" => now.checked_sub_months(chrono::Months::new(n)),
        "d" => now.checked_sub_signed(chrono::Duration::days(i64::from(n))),
        _ => None,
    }
    .ok_or_else(bad)
}

pub(super) async fn run(older_than: &str, dry_run: bool, now: DateTime<Utc>) -> Result<(), CliError> {
    let cutoff = cutoff(older_than, now)?;
    let mut pooled = connection().await?;
    let conn: &mut diesel_async::AsyncPgConnection = &mut pooled;
    if dry_run {
        let n = db::incidents::count_purgeable(conn, cutoff).await?;
        let intake = db::intake::count_purgeable(conn, cutoff).await?;
        println!("dry run: {n} closed incidents before {} would lose their sealed fields", cutoff.format("%Y-%m-%d"));
        println!("dry run: {intake} intake submissions received before {} would lose their contact details and notes", cutoff.format("%Y-%m-%d"));
        return Ok(());
    }
    let (purged, intake) = diesel_async::AsyncConnection::transaction(conn, async |conn| {
        let purged = db::incidents::purge_sealed(conn, cutoff, now).await?;
        let event = audit::Event::cli(now, "retention.purge", "incidents", None)
            .because(format!("closed before {}: {purged} incidents", cutoff.format("%Y-%m-%d")));
        audit::append(conn, event).await?;
        let intake = db::intake::purge_sealed(conn, cutoff, now).await?;
        let event = audit::Event::cli(now, "retention.purge", "intake", None)
            .because(format!("received before {}: {intake} submissions", cutoff.format("%Y-%m-%d")));
        audit::append(conn, event).await?;
        Ok::<_, diesel::result::Error>((purged, intake))
    })
    .await?;
    vacuum().await?;
    println!("purged the sealed fields of {purged} closed incidents (closed before {})", cutoff.format("%Y-%m-%d"));
    println!("purged the contact details and notes of {intake} intake submissions (received before {})", cutoff.format("%Y-%m-%d"));
    Ok(())
}
