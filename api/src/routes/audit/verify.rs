use crate::db::DbPool;
use crate::error::ApiError;
use crate::security::audit::{self, VerifyReport};
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};

/// Recomputes the whole hash chain and names the first broken entry, if any.
#[utoipa::path(
    tag = "audit",
    responses(
        (status = 200, body = VerifyReport),
    ),
    security(("bearer" = ["auditor"]))
)]
#[get("/audit/verify")]
pub async fn verify_audit(principal: Principal, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    tracing::debug!(key_id = %principal.key_id, "verifying the audit trail");
    let mut conn = pool.get().await?;
    let report = audit::verify(&mut conn).await?;
    if let Some(broken) = &report.first_broken {
        tracing::warn!(seq = broken.seq, id = %broken.id, problem = %broken.problem, "audit trail broken");
    }
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(report))
}
