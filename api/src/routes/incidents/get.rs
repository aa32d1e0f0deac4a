use super::view::IncidentView;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::security::{Principal, Role};
use actix_web::{get, web, HttpResponse};
use uuid::Uuid;

pub const ALLOWED: &[Role] = &[Role::Reporter, Role::Coordinator];

/// One incident, de-identified. A reporter sees only its own organisation's
/// incidents; another organisation's is a 404, so existence is not revealed.
#[utoipa::path(
    tag = "incidents",
    params(("id" = Uuid, Path, description = "Incident id")),
    responses(
        (status = 200, body = IncidentView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/incidents/{id}")]
pub async fn get_incident(
    principal: Principal,
    id: web::Path<String>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    principal.require(ALLOWED)?;
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let scope = (principal.role == Role::Reporter).then_some(principal.organisation_id);
    let mut conn = pool.get().await?;
    let (row, victims) = db::incidents::get(&mut conn, id, scope)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(IncidentView::from_rows(row, Some(victims))))
}
