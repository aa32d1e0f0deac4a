//! API keys: 256-bit random secrets shown once, stored only as SHA-256 hashes.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::Role;
use crate::db;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// A key as issued: its id, its organisation, and the secret shown once.
pub struct IssuedKey {
    pub key_id: Uuid,
    pub organisation_id: Uuid,
    pub secret: String,
}

/// Mints a key for the organisation called `org` (created when new) and stores its hash.
pub async fn issue(
    conn: &mut AsyncPgConnection,
    org: &str,
    role: Role,
    origins: &[String],
) -> diesel::QueryResult<IssuedKey> {
    let minted = mint(role);
    let organisation_id = db::keys::ensure_organisation(conn, org).await?;
    let key_id = db::keys::insert_key(
        conn,
        db::keys::NewKey {
            organisation_id,
            role: role.as_str(),
            key_hash: &minted.hash,
            prefix: &minted.prefix,
            origins,
        },
    )
    .await?;
    Ok(IssuedKey {
        key_id,
        organisation_id,
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
    let kind = if role == Role::Partner { "bpk_" } else { "bk_" };
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
