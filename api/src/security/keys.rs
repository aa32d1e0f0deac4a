//! API keys: 256-bit random secrets shown once, stored only as SHA-256 hashes.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::Role;
use crate::db;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// A key as issued: its id, its account, and the secret shown once.
pub struct IssuedKey {
    pub key_id: Uuid,
    pub account_id: Uuid,
    pub secret: String,
}

/// Mints a key for the account called `org` (created when new) and stores its hash.
pub async fn issue(
    conn: &mut AsyncPgConnection,
    org: &str,
    role: Role,
    origins: &[String],
) -> diesel::QueryResult<IssuedKey> {
    issue_expiring(conn, org, role, origins, None).await
}

/// As [`issue`], with an expiry after which the key stops working.
pub async fn issue_expiring(
    conn: &mut AsyncPgConnection,
    org: &str,
    role: Role,
    origins: &[String],
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
) -> diesel::QueryResult<IssuedKey> {
    let minted = mint(role);
    let account_id = db::keys::ensure_account(conn, org).await?;
    let key_id = db::keys::insert_key(
        conn,
        db::keys::NewKey {
            account_id,
            role: role.as_str(),
            key_hash: &minted.hash,
            prefix: &minted.prefix,
            origins,
        },
    )
    .await?;
    if expires_at.is_some() {
        db::keys::set_expiry(conn, key_id, expires_at).await?;
    }
    Ok(IssuedKey {
        key_id,
        account_id,
        secret: minted.secret,
    })
}

/// A newly minted key: the secret (shown once) and what is stored.
pub struct MintedKey {
    pub secret: String,
    pub hash: Vec<u8>,
    pub prefix: String,
}

/// `bk_` for secret keys, `bpk_` for a partner's publishable form key.
pub fn mint(role: Role) -> MintedKey {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let kind = if role.publishable() { "bpk_" } else { "bk_" };
    let secret = format!(
        "{kind}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let prefix = secret.chars().take(kind.len() + 6).collect();
    MintedKey {
        hash: hash(&secret),
        prefix,
        secret,
    }
}

pub fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Replaces key `id` with a new one for the same account, role, origins
/// and expiry, and revokes the old one, in one transaction.
pub async fn rotate(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> diesel::QueryResult<Rotation> {
    use diesel_async::AsyncConnection;
    conn.transaction(async |conn| {
        let Some(old) = db::keys::find(conn, id).await? else {
            return Ok(Rotation::NoSuchKey);
        };
        if old.revoked_at.is_some() {
            return Ok(Rotation::Revoked);
        }
        let role: Role = old
            .role
            .parse()
            .map_err(|e: String| diesel::result::Error::QueryBuilderError(e.into()))?;
        let new = issue_expiring(conn, &old.account, role, &old.origins, old.expires_at).await?;
        db::keys::revoke(conn, id, now).await?;
        Ok(Rotation::Rotated(new))
    })
    .await
}

/// What [`rotate`] did. Not `Debug`: it may hold a new secret.
pub enum Rotation {
    Rotated(IssuedKey),
    NoSuchKey,
    /// Refused: the key was revoked, and rotating it would bring its holder back.
    Revoked,
}
