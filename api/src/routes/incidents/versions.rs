use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::security::{Principal, Role};
use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One version of an incident: who made it, when, how, and which fields changed. Values are
/// never kept here: a sealed field (the narrative, a victim's identity) is named when it changed,
/// as every other field is.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    /// 1 is the report as received; the current one is the incident's `ETag`.
    pub version: i32,
    /// `received`, `corrected`, `withdrawn` or `reinstated`.
    pub action: String,
    pub at: DateTime<Utc>,
    /// The account that made the change (for version 1, the account that filed the report).
    pub account_id: Option<Uuid>,
    /// The key that made the change (not recorded for version 1).
    pub key_id: Option<Uuid>,
    /// The role of that key (not recorded for version 1).
    pub role: Option<String>,
    /// JSON Pointers into the report (contract v1), e.g. `/town`, `/victims/0/identity`.
    pub changed_fields: Vec<String>,
    /// The withdrawal's reason, on a `withdrawn` version.
    #[schema(value_type = Option<beacon_core::incident::correction::WithdrawalReason>)]
    pub withdrawn_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionList {
    /// Oldest first.
    pub items: Vec<VersionView>,
}

/// An incident's history: the report as received, then each correction, withdrawal and
/// reinstatement, oldest first. A reporter reads only its own account's incidents (another's is
/// a 404).
#[utoipa::path(
    tag = "incidents",
    params(("id" = Uuid, Path, description = "Incident id")),
    responses(
        (status = 200, body = VersionList),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["reporter", "coordinator"]))
)]
#[get("/incidents/{id}/versions")]
pub async fn incident_versions(
    principal: Principal,
    crate::http::path::PathId(id): crate::http::path::PathId,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let scope = (principal.role == Role::Reporter).then_some(principal.account_id);
    let mut conn = pool.get().await?;
    let (row, _) = db::incidents::get(&mut conn, id, scope).await?.ok_or(ApiError::NotFound)?;
    let received = VersionView {
        version: 1,
        action: "received".into(),
        at: row.received_at,
        account_id: Some(row.account_id),
        key_id: None,
        role: None,
        changed_fields: Vec::new(),
        withdrawn_reason: None,
    };
    let later = db::incidents::versions(&mut conn, id).await?.into_iter().map(|v| VersionView {
        version: v.version,
        action: v.action,
        at: v.changed_at,
        account_id: v.account_id,
        key_id: v.key_id,
        role: Some(v.role),
        changed_fields: v.changed_fields,
        withdrawn_reason: v.withdrawn_reason,
    });
    let items = std::iter::once(received).chain(later).collect();
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(VersionList { items }))
}
