use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::security::audit::{self, Event};
use crate::security::{Principal, Role};
use actix_web::{post, web, HttpResponse};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;

/// Close an incident. Closing starts its retention clock: `beacon purge`
/// removes the sealed fields of incidents closed longer ago than the retention period.
#[utoipa::path(
    tag = "incidents",
    params(("id" = Uuid, Path, description = "Incident id")),
    responses(
        (status = 204, description = "Closed (or already closed)"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["reporter", "coordinator"]))
)]
#[post("/incidents/{id}/close")]
pub async fn close_incident(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let scope = (principal.role == Role::Reporter).then_some(principal.account_id);
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let found = conn
        .transaction(async |conn| {
            if !db::incidents::close(conn, id, scope, principal.now).await? {
                return Ok(false);
            }
            let event = Event::by(&principal, &request_id, "incident.close", "incident", id);
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(true)
        })
        .await?;
    if found {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound)
    }
}
