//! The audit trail's table: append, read in chain order, filter for auditors.
//! The hash chain itself is computed in `security::audit`.

use super::schema::audit_log;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// Key of the transaction-scoped advisory lock that serialises writers
/// (migrations use 7273721, the test harness 7273722).
pub const APPEND_LOCK: i64 = 7_273_723;

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub request_id: Option<String>,
    pub key_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub role: Option<String>,
    pub action: String,
    pub resource: String,
    pub resource_id: Option<String>,
    pub reason: Option<String>,
    pub outcome: String,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct EntryRow {
    pub seq: i64,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub request_id: Option<String>,
    pub key_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub role: Option<String>,
    pub action: String,
    pub resource: String,
    pub resource_id: Option<String>,
    pub reason: Option<String>,
    pub outcome: String,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

/// Waits for, then holds until the transaction ends, the writers' lock.
pub async fn lock_for_append(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<diesel::sql_types::BigInt, _>(APPEND_LOCK)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The hash of the newest entry, `None` while the trail is empty.
pub async fn last_hash(conn: &mut AsyncPgConnection) -> QueryResult<Option<Vec<u8>>> {
    audit_log::table
        .order(audit_log::seq.desc())
        .select(audit_log::hash)
        .first(conn)
        .await
        .optional()
}

/// The newest entry's seq, id and hash, `None` while the trail is empty.
pub async fn head(conn: &mut AsyncPgConnection) -> QueryResult<Option<(i64, Uuid, Vec<u8>)>> {
    audit_log::table
        .order(audit_log::seq.desc())
        .select((audit_log::seq, audit_log::id, audit_log::hash))
        .first(conn)
        .await
        .optional()
}

/// The id and hash of the entry at `seq`, if it is there.
pub async fn hash_at(conn: &mut AsyncPgConnection, seq: i64) -> QueryResult<Option<(Uuid, Vec<u8>)>> {
    audit_log::table
        .filter(audit_log::seq.eq(seq))
        .select((audit_log::id, audit_log::hash))
        .first(conn)
        .await
        .optional()
}

pub async fn insert(conn: &mut AsyncPgConnection, entry: &NewEntry) -> QueryResult<i64> {
    diesel::insert_into(audit_log::table)
        .values(entry)
        .returning(audit_log::seq)
        .get_result(conn)
        .await
}

/// Up to `limit` entries with `seq > after`, in chain order.
pub async fn page_after(conn: &mut AsyncPgConnection, after: i64, limit: i64) -> QueryResult<Vec<EntryRow>> {
    audit_log::table
        .filter(audit_log::seq.gt(after))
        .order(audit_log::seq.asc())
        .limit(limit)
        .select(EntryRow::as_select())
        .load(conn)
        .await
}

#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    /// The acting key.
    pub actor: Option<Uuid>,
    pub action: Option<String>,
    pub resource_id: Option<String>,
    /// Inclusive lower bound.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound.
    pub before: Option<DateTime<Utc>>,
}

fn filtered(filter: &ListFilter) -> audit_log::BoxedQuery<'static, diesel::pg::Pg> {
    let mut query = audit_log::table.into_boxed();
    if let Some(actor) = filter.actor {
        query = query.filter(audit_log::key_id.eq(actor));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(resource_id) = &filter.resource_id {
        query = query.filter(audit_log::resource_id.eq(resource_id.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::at.ge(from));
    }
    if let Some(before) = filter.before {
        query = query.filter(audit_log::at.lt(before));
    }
    query
}

/// One page, newest first, and the total count of matches.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<EntryRow>, i64)> {
    let total = filtered(filter).count().get_result(conn).await?;
    let rows = filtered(filter)
        .order(audit_log::seq.desc())
        .limit(limit)
        .offset(offset)
        .select(EntryRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}
