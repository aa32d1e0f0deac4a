use crate::clock::Clock;
use crate::db::training::AgencyScope;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::csv_body;
use crate::import::completions::{parse_completions, write_completions, CompletionImportReport};
use crate::import::{dry_run_param, ImportParams, ImportProblem, Importer};
use crate::security::scope::scope_of;
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use diesel_async::AsyncPgConnection;
use tracing_actix_web::RequestId;

/// Import completions (CSV) exported from a learning management system.
///
/// The body is `text/csv` (UTF-8, at most 16 MiB) with the header
/// `employee_ref,agency,course_code,completed_on` (any column order). Every row
/// is checked first — the person must be on the agency's roster, the course
/// must exist, the date must be real and not after today — and when any row is
/// wrong the answer is a 422 listing the errors (checking stops at 1,000) as `{row, path, code,
/// message}` (`row` is the line number, the header being row 1) and nothing is
/// written. Otherwise all rows are recorded in one transaction, with the
/// course's topics. A row already on file (same person, course and date) is
/// skipped, so sending a file again records nothing twice. A reporter records
/// only its own agency's completions.
#[utoipa::path(
    tag = "training",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "employee_ref,agency,course_code,completed_on"),
    responses(
        (status = 200, body = CompletionImportReport),
        (status = 400, description = "A bad query parameter, or a body that is not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A reporter whose account has no agency", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not text/csv", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every row error; nothing written", body = ImportProblem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[post("/training/completions/import")]
pub async fn import_completions(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    params: crate::http::query::Query<ImportParams>,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let dry_run = dry_run_param(params.dry_run.as_deref())?;
    let text = csv_body(&req, payload).await?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let scope = scope_of(conn, &principal).await?;
    if scope == AgencyScope::Nothing {
        return Err(ApiError::Forbidden);
    }
    let importer = Importer::http(&principal, &request_id);
    // Reading and checking is CPU work on up to 16 MiB: off the async workers.
    let (parse_scope, today) = (scope.clone(), clock.today());
    let parsed = web::block(move || parse_completions(&text, &parse_scope, today, &mut None)).await.map_err(ApiError::internal)?;
    let outcome = match parsed {
        Ok(parsed) => write_completions(conn, parsed, dry_run, &importer, None).await?,
        Err(errors) => Err(errors),
    };
    match outcome {
        Ok(report) => Ok(HttpResponse::Ok().json(report)),
        Err(errors) => Err(ApiError::RejectedRows(errors)),
    }
}

