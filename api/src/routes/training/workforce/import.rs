use crate::db::training::AgencyScope;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::csv_body;
use crate::import::workforce::{parse_roster, write_roster, ImportReport};
use crate::import::{dry_run_param, ImportParams, ImportProblem, Importer};
use crate::security::scope::scope_of;
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use diesel_async::AsyncPgConnection;
use tracing_actix_web::RequestId;

/// Import a roster (CSV): add or update people by agency and `employee_ref`.
///
/// The body is `text/csv` (UTF-8, at most 16 MiB) with the header
/// `agency,population,employee_ref,name,role,start_date` (any column order;
/// an optional `active` column of `true`/`false` and an optional `town`
/// column, the Connecticut town of the office the person works from; without
/// such a column an existing person's value is kept). Empty `name`/`role`/`town`
/// cells clear them. Every row is checked first: when any row is invalid the
/// answer is a 422 listing the errors (checking stops at 1,000; at most 100,000 rows) as `{row, path, code, message}` (`row`
/// is the line number, the header being row 1) and nothing is written. Otherwise all rows are written in one
/// transaction. A reporter imports only its own agency's people (other rows
/// are errors, `not_allowed`).
#[utoipa::path(
    tag = "workforce",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "agency,population,employee_ref,name,role,start_date"),
    responses(
        (status = 200, body = ImportReport),
        (status = 400, description = "A bad query parameter, or a body that is not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A reporter whose account has no agency", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not text/csv", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every row error; nothing written", body = ImportProblem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[post("/workforce/import")]
pub async fn import_people(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    params: crate::http::query::Query<ImportParams>,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let dry_run = dry_run_param(params.dry_run.as_deref())?;
    let text = csv_body(&req, payload).await?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let scope = scope_of(conn, &principal).await?;
    if scope == AgencyScope::Nothing {
        return Err(ApiError::Forbidden);
    }
    // Reading and checking is CPU work on up to 16 MiB: off the async workers.
    let parse_scope = scope.clone();
    let parsed = web::block(move || parse_roster(&text, &parse_scope, &mut None)).await.map_err(ApiError::internal)?;
    let outcome = match parsed {
        Ok(parsed) => write_roster(conn, parsed, dry_run, &Importer::http(&principal, &request_id), None).await?,
        Err(errors) => Err(errors),
    };
    match outcome {
        Ok(report) => Ok(HttpResponse::Ok().json(report)),
        Err(errors) => Err(ApiError::RejectedRows(errors)),
    }
}

