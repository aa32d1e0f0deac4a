//! `POST /v1/directory/import`: the providers import; the reading and checking live in
//! `crate::import::providers`, shared with `beacon import providers`.

use crate::clock::Clock;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{csv_text, media_type};
use crate::import::providers::{parse_providers, write_providers, ProviderFormat, ProviderImportReport};
use crate::import::{dry_run_param, ImportParams, ImportProblem, Importer};
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use tracing_actix_web::RequestId;

/// Import providers from CSV (`Content-Type: text/csv`) or HSDS JSON
/// (`application/json`: an array of HSDS services or an HSDS page).
///
/// CSV: one service per row; header `organization_name,service_name,categories`
/// plus any of `id, organization_description, organization_email,
/// organization_url, description, status, min_age, max_age, populations,
/// languages, capacity_unit, capacity_available, capacity_total,
/// service_areas, location_name, location_confidential, address_1, city,
/// postal_code, town, latitude, longitude, phones, phone_type,
/// funding_source, funding_amount_cents, funding_period_start,
/// funding_period_end` (list cells separated by `;`). Organizations are
/// matched by name, ignoring case; new ones are created. Every row is checked
/// by the rules of `POST /v1/directory/services` first: any error and the
/// answer is a 422 listing the errors (checking stops at 1,000) as `{row, path, code, message}` (CSV:
/// `row` is the line, the header being 1; HSDS: the item's position from 1)
/// and nothing is written. `?dry_run=true` checks and reports only.
#[utoipa::path(
    tag = "directory",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "organization_name,service_name,categories,…; or application/json: HSDS services"),
    responses(
        (status = 200, body = ProviderImportReport),
        (status = 400, description = "A bad query parameter, or a body that is not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither text/csv nor application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every row error; nothing written", body = ImportProblem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/directory/import")]
pub async fn import(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    params: crate::http::query::Query<ImportParams>,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let dry_run = dry_run_param(params.dry_run.as_deref())?;
    let format = match media_type(&req).as_str() {
        "text/csv" => ProviderFormat::Csv,
        "application/json" => ProviderFormat::Hsds,
        _ => return Err(ApiError::UnsupportedMediaType("`text/csv` or `application/json` (HSDS services)")),
    };
    let text = csv_text(&req, payload).await?;
    // Reading and checking is CPU work on up to 16 MiB: off the async workers, before a
    // connection is taken.
    let now = clock.now();
    let parsed = web::block(move || parse_providers(&text, format, now, &mut None)).await.map_err(ApiError::internal)?;
    let outcome = match parsed {
        Ok(checked) => {
            let mut pooled = pool.get().await?;
            write_providers(&mut pooled, checked, dry_run, &Importer::http(&principal, &request_id), None).await?
        }
        Err(errors) => Err(errors),
    };
    match outcome {
        Ok(report) => Ok(HttpResponse::Ok().json(report)),
        Err(errors) => Err(ApiError::RejectedRows(errors)),
    }
}
