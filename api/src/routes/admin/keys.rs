//! Key administration (`admin` role): list, create, revoke, rotate.
//! Every key event is written to the audit trail in the same transaction.

use crate::db::keys::KeyInfo;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::{self, Actor, Event};
use crate::security::keys::{self as keyring, IssuedKey};
use crate::security::{Principal, Role};
use actix_web::{get, post, web, HttpResponse};
use beacon_core::{ErrorCode, ValidationError};
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
    /// Origins a partner's publishable key may be used from.
    #[serde(default)]
    pub origins: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A newly issued key: `key` is shown this once and never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedKeyView {
    pub id: Uuid,
    pub account_id: Uuid,
    pub key: String,
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

pub fn key_event(principal: Option<&Principal>, action: &str, key: Uuid, request_id: Option<&RequestId>) -> Event {
    Event {
        actor: principal.map(Actor::from).unwrap_or(Actor {
            key_id: None,
            account_id: None,
            role: Some("cli".to_string()),
        }),
        action: action.to_string(),
        resource: "api_key".to_string(),
        resource_id: Some(key.to_string()),
        reason: None,
        outcome: "success".to_string(),
        request_id: request_id.map(ToString::to_string),
    }
}

fn key_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::NotFound)
}

/// Every API key (never its hash).
#[utoipa::path(
    tag = "admin",
    responses(
        (status = 200, body = Vec<KeyInfo>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["admin"]))
)]
#[get("/admin/keys")]
pub async fn list_keys(_principal: Principal, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    Ok(HttpResponse::Ok().json(db::keys::list(&mut conn).await?))
}

fn check_new_key(body: &NewKeyRequest) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let org = body.account.trim();
    if org.is_empty() || org.chars().count() > 200 {
        errors.push(ValidationError::new("/account", ErrorCode::Length, "Must have between 1 and 200 characters."));
    }
    if body.role != Role::Partner && !body.origins.is_empty() {
        errors.push(ValidationError::new("/origins", ErrorCode::Length, "Only partner keys are bound to origins."));
    }
    for (i, origin) in body.origins.iter().enumerate() {
        let ok = (origin.starts_with("https://") || origin.starts_with("http://")) && !origin.trim_end_matches('/').contains(['?', '#', ' ']);
        if !ok {
            errors.push(ValidationError::new(format!("/origins/{i}"), ErrorCode::Format, "Must be an origin such as https://example.org."));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Invalid(errors)) }
}

/// Issue a key. The response holds the key itself, once.
#[utoipa::path(
    tag = "admin",
    request_body = NewKeyRequest,
    responses(
        (status = 201, body = IssuedKeyView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
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
    check_new_key(&body)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let issued = conn
        .transaction(async |conn| {
            let origins: Vec<String> = body.origins.iter().map(|o| o.trim_end_matches('/').to_string()).collect();
            let issued = keyring::issue_expiring(conn, body.account.trim(), body.role, &origins, body.expires_at).await?;
            audit::append(conn, key_event(Some(&principal), "key.create", issued.key_id, Some(&request_id))).await?;
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
        (status = 200, body = KeyInfo),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/admin/keys/{id}/revoke")]
pub async fn revoke_key(
    principal: Principal,
    request_id: RequestId,
    id: web::Path<String>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let id = key_id(&id)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let info = conn
        .transaction(async |conn| {
            if !db::keys::revoke(conn, id).await? {
                return Ok(None);
            }
            audit::append(conn, key_event(Some(&principal), "key.revoke", id, Some(&request_id))).await?;
            db::keys::find(conn, id).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(info.ok_or(ApiError::NotFound)?))
}

/// Replace a key with a new one (same account, role, origins, expiry); the old one is revoked.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path, description = "Key id")),
    responses(
        (status = 201, body = IssuedKeyView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/admin/keys/{id}/rotate")]
pub async fn rotate_key(
    principal: Principal,
    request_id: RequestId,
    id: web::Path<String>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let id = key_id(&id)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let issued = conn
        .transaction(async |conn| {
            let Some(issued) = keyring::rotate(conn, id).await? else {
                return Ok(None);
            };
            audit::append(conn, key_event(Some(&principal), "key.rotate", id, Some(&request_id))).await?;
            Ok::<_, diesel::result::Error>(Some(issued))
        })
        .await?;
    Ok(HttpResponse::Created().json(IssuedKeyView::from(issued.ok_or(ApiError::NotFound)?)))
}
