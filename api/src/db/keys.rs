//! Accounts and API keys.

use super::schema::{api_keys, accounts};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// Resolves a key hash to `(key id, account, role)` when the key is live,
/// and records its use in the same statement.
pub async fn authenticate(
    conn: &mut AsyncPgConnection,
    key_hash: &[u8],
    now: chrono::DateTime<chrono::Utc>,
) -> QueryResult<Option<(Uuid, Uuid, String, Vec<String>)>> {
    diesel::update(api_keys::table)
        .filter(api_keys::key_hash.eq(key_hash))
        .filter(api_keys::revoked_at.is_null())
        .filter(
            api_keys::expires_at
                .is_null()
                .or(api_keys::expires_at.gt(now)),
        )
        .set(api_keys::last_used_at.eq(now))
        .returning((api_keys::id, api_keys::account_id, api_keys::role, api_keys::origins))
        .get_result(conn)
        .await
        .optional()
}

/// Finds or creates the account called `name`.
pub async fn ensure_account(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<Uuid> {
    diesel::insert_into(accounts::table)
        .values((accounts::id.eq(Uuid::new_v4()), accounts::name.eq(name)))
        .on_conflict(accounts::name)
        .do_update()
        .set(accounts::name.eq(excluded(accounts::name)))
        .returning(accounts::id)
        .get_result(conn)
        .await
}

pub struct NewKey<'a> {
    pub account_id: Uuid,
    pub role: &'a str,
    pub key_hash: &'a [u8],
    pub prefix: &'a str,
    pub origins: &'a [String],
}

pub async fn insert_key(conn: &mut AsyncPgConnection, key: NewKey<'_>) -> QueryResult<Uuid> {
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::id.eq(Uuid::new_v4()),
            api_keys::account_id.eq(key.account_id),
            api_keys::role.eq(key.role),
            api_keys::key_hash.eq(key.key_hash),
            api_keys::prefix.eq(key.prefix),
            api_keys::origins.eq(key.origins),
        ))
        .returning(api_keys::id)
        .get_result(conn)
        .await
}

/// A key as listed: never its hash.
#[derive(Debug, Queryable)]
pub struct KeyInfo {
    pub id: Uuid,
    pub account_id: Uuid,
    pub account: String,
    pub role: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    pub origins: Vec<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

type KeyInfoColumns = (
    api_keys::id,
    api_keys::account_id,
    accounts::name,
    api_keys::role,
    api_keys::prefix,
    api_keys::origins,
    api_keys::created_at,
    api_keys::expires_at,
    api_keys::revoked_at,
    api_keys::last_used_at,
);

const KEY_INFO: KeyInfoColumns = (
    api_keys::id,
    api_keys::account_id,
    accounts::name,
    api_keys::role,
    api_keys::prefix,
    api_keys::origins,
    api_keys::created_at,
    api_keys::expires_at,
    api_keys::revoked_at,
    api_keys::last_used_at,
);

pub async fn list(conn: &mut AsyncPgConnection) -> QueryResult<Vec<KeyInfo>> {
    api_keys::table
        .inner_join(accounts::table)
        .order(api_keys::created_at.asc())
        .select(KEY_INFO)
        .load(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<KeyInfo>> {
    api_keys::table
        .inner_join(accounts::table)
        .filter(api_keys::id.eq(id))
        .select(KEY_INFO)
        .first(conn)
        .await
        .optional()
}

/// Revokes a key; it fails authentication from the very next request.
/// Returns false when there is no such key (revoking twice is not an error).
pub async fn revoke(conn: &mut AsyncPgConnection, id: Uuid, now: chrono::DateTime<chrono::Utc>) -> QueryResult<bool> {
    let updated = diesel::update(api_keys::table.filter(api_keys::id.eq(id)))
        .set(api_keys::revoked_at.eq(now))
        .filter(api_keys::revoked_at.is_null())
        .execute(conn)
        .await?;
    if updated > 0 {
        return Ok(true);
    }
    Ok(find(conn, id).await?.is_some())
}

pub async fn set_expiry(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
) -> QueryResult<()> {
    diesel::update(api_keys::table.filter(api_keys::id.eq(id)))
        .set(api_keys::expires_at.eq(expires_at))
        .execute(conn)
        .await
        .map(|_| ())
}
