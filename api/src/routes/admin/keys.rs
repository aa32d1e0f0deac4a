//! Key administration (`admin` role): list, create, revoke, rotate.
//! Every key event is written to the audit trail in the same transaction.

use crate::db::keys::KeyInfo;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::{self, Event};
use crate::security::keys::{self as keyring, IssuedKey};
use crate::security::{Principal, Role};
use actix_web::{get, post, web, HttpResponse};
use beacon_core::keys::{check_new_key, NewKey};
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyRequest {
    /// Account name; created when new.
    pub account: String,
    pub role: Role,
    /// Origins a partner's publishable key may be used from: `https://host[:port]`
    /// (`http://` only for localhost), each once, at most 20.
    #[serde(default)]
    #[schema(value_type = std::collections::BTreeSet<String>)]
    pub origins: Vec<String>,
    /// When the key stops working; must be in the future.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A newly issued key: `key` is shown this once and never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedKeyView {
    pub id: Uuid,
    pub account_id: Uuid,
    pub key: String,
}

/// A key as listed: never the key itself nor its hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    pub id: Uuid,
    pub account_id: Uuid,
    pub account: String,
    #[schema(value_type = Role)]
    pub role: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    pub origins: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<KeyInfo> for KeyView {
    fn from(k: KeyInfo) -> Self {
        Self {
            id: k.id,
            account_id: k.account_id,
            account: k.account,
            role: k.role,
            prefix: k.prefix,
            origins: k.origins,
            created_at: k.created_at,
            expires_at: k.expires_at,
            revoked_at: k.revoked_at,
            last_used_at: k.last_used_at,
        }
    }
}

impl From<IssuedKey> for IssuedKeyView {
    fn from(k: IssuedKey) -> Self {
        IssuedKeyView {
            id: k.key_id,
            account_id: k.account_id,
            key: k.secret,
        }
    }
}

/// Every API key (never its hash).
#[utoipa::path(
    tag = "admin",
    responses(
        (status = 200, body = Vec<KeyView>),
    ),
    security(("bearer" = ["admin"]))
)]
#[get("/admin/keys")]
pub async fn list_keys(_principal: Principal, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    Ok(HttpResponse::Ok().json(db::keys::list(&mut conn).await?.into_iter().map(KeyView::from).collect::<Vec<_>>()))
}

/// Issue a key. The response holds the key itself, once.
#[utoipa::path(
    tag = "admin",
    request_body = NewKeyRequest,
    responses(
        (status = 201, body = IssuedKeyView),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/admin/keys")]
pub async fn create_key(
    principal: Principal,
    request_id: RequestId,
    req: actix_web::HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let body: NewKeyRequest = beacon_core::contract::read::read_json(&text).map_err(|e| rejected(vec![e]))?;
    let key = NewKey { account: &body.account, role: body.role, origins: &body.origins, expires_at: body.expires_at };
    let checked = check_new_key(&key, principal.now).map_err(ApiError::Invalid)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let issued = conn
        .transaction(async |conn| {
            let issued = keyring::issue_expiring(conn, &checked.account, body.role, &checked.origins, checked.expires_at).await?;
            audit::append(conn, Event::by(&principal, &request_id, "key.create", "api_key", issued.key_id)).await?;
            Ok::<_, diesel::result::Error>(issued)
        })
        .await?;
    Ok(HttpResponse::Created().json(IssuedKeyView::from(issued)))
}

/// Revoke a key: it gets 401 from its very next request.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path, description = "Key id")),
    responses(
        (status = 200, body = KeyView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/admin/keys/{id}/revoke")]
pub async fn revoke_key(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let info = conn
        .transaction(async |conn| {
            if !db::keys::revoke(conn, id, principal.now).await? {
                return Ok(None);
            }
            audit::append(conn, Event::by(&principal, &request_id, "key.revoke", "api_key", id)).await?;
            db::keys::find(conn, id).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(KeyView::from(info.ok_or(ApiError::NotFound)?)))
}

/// Replace a key with a new one (same account, role, origins, expiry); the old one is revoked.
/// A revoked key is not rotated (409 `key_revoked`): its successor would undo the revocation.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path, description = "Key id")),
    responses(
        (status = 201, body = IssuedKeyView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key is revoked (code `key_revoked`): issue a new one", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/admin/keys/{id}/rotate")]
pub async fn rotate_key(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let issued = conn
        .transaction(async |conn| {
            let rotation = keyring::rotate(conn, id, principal.now).await?;
            if matches!(rotation, keyring::Rotation::Rotated(_)) {
                audit::append(conn, Event::by(&principal, &request_id, "key.rotate", "api_key", id)).await?;
            }
            Ok::<_, diesel::result::Error>(rotation)
        })
        .await?;
    match issued {
        keyring::Rotation::Rotated(issued) => Ok(HttpResponse::Created().json(IssuedKeyView::from(issued))),
        keyring::Rotation::NoSuchKey => Err(ApiError::NotFound),
        keyring::Rotation::Revoked => Err(ApiError::Conflict(crate::error::Conflict::KeyRevoked)),
    }
}
