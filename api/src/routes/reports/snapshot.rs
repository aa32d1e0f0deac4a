//! Freezing the coordinator's report: the copy on file is what was
//! submitted, in both forms, however the registers and counts change later.

use super::coordinator::{build, ReportParams};
use super::{forms, html};
use crate::clock::Clock;
use crate::config::StatsConfig;
use crate::db::reports as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::negotiate::Document;
use crate::pdf::Printer;
use crate::http::path::PathId;
use crate::http::query::{Page, Paging, Query};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use beacon_core::stats::annual::CoordinatorReport;
use beacon_core::stats::bundle::ReportKind;
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use super::view::{DEFAULT_PER_PAGE, MAX_PER_PAGE};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

/// A frozen report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportSnapshot {
    pub id: Uuid,
    pub year: i32,
    /// The day the report was built.
    pub as_of: NaiveDate,
    pub created_at: DateTime<Utc>,
    #[schema(value_type = CoordinatorReport)]
    pub report: serde_json::Value,
}

impl From<store::SnapshotRow> for ReportSnapshot {
    fn from(r: store::SnapshotRow) -> Self {
        ReportSnapshot { id: r.id, year: r.year, as_of: r.as_of, created_at: r.created_at, report: r.report }
    }
}

/// A snapshot in a listing: when it was filed and where to read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SnapshotSummary {
    pub id: Uuid,
    pub year: i32,
    /// The day the report was built.
    pub as_of: NaiveDate,
    pub created_at: DateTime<Utc>,
    /// Where the snapshot is read (JSON, HTML, PDF or zip).
    pub url: String,
}

/// Paging of a snapshot listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SnapshotListParams {
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// The snapshots of the report of `kind` on the path's year, newest first.
/// A year no report can cover is a 404, as for the report itself; a year
/// with none filed is an empty page.
pub(super) async fn list(kind: ReportKind, req: &HttpRequest, params: &SnapshotListParams, today: NaiveDate, pool: &DbPool) -> Result<HttpResponse, ApiError> {
    let year = req
        .match_info()
        .get("year")
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| beacon_core::stats::annual::is_report_year(*y, today))
        .ok_or(ApiError::NotFound)?;
    let mut errors = Vec::new();
    let paging = Paging::parse(params.page, params.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut pooled = pool.get().await?;
    let (rows, total) = store::list_snapshots_of(&mut pooled, kind.code(), year, paging.per_page, paging.offset()).await?;
    let items = rows
        .into_iter()
        .map(|r| SnapshotSummary {
            url: format!("/v1/reports/{}/{}/snapshots/{}", kind.code(), r.year, r.id),
            id: r.id,
            year: r.year,
            as_of: r.as_of,
            created_at: r.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(paging, total, items)))
}

/// The coordinator report's snapshots on `year`, newest first, a page at a
/// time: each with the day it was built, when it was filed and its URL.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_coordinator_report_snapshots",
    params(("year" = i32, Path, description = "The year reported on, from 2026"), SnapshotListParams),
    responses(
        (status = 200, body = Page<SnapshotSummary>),
        (status = 400, description = "A bad query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No report covers that year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/reports/coordinator/{year}/snapshots")]
pub async fn list_snapshots(
    _principal: Principal,
    req: HttpRequest,
    params: Query<SnapshotListParams>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    list(ReportKind::Coordinator, &req, &params, clock.today(), &pool).await
}

/// Freeze the coordinator's report on `year` as built today: its JSON and
/// its HTML are filed unchanged, and the freeze is audited
/// (`report.coordinator.freeze`). Freezing again files another copy.
#[utoipa::path(
    tag = "reports",
    operation_id = "freeze_coordinator_report",
    params(("year" = i32, Path, description = "The year reported on, from 2026")),
    responses(
        (status = 201, body = ReportSnapshot, headers(("Location" = String, description = "URL of the snapshot"))),
        (status = 404, description = "No report covers that year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/reports/coordinator/{year}")]
pub async fn freeze_report(
    principal: Principal,
    request_id: RequestId,
    year: web::Path<String>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    let today = clock.today();
    let report = build(&year, today, &pool, config.k).await?;
    let page = html::render(&report);
    let json = serde_json::to_value(&report).map_err(ApiError::internal)?;
    let now = clock.now();
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let row = store::insert_snapshot(conn, report.year, today, json, page, now).await?;
            audit::append(conn, Event::by(&principal, &request_id, "report.coordinator.freeze", "report_snapshot", row.id)).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/reports/coordinator/{}/snapshots/{}", row.year, row.id)))
        .json(ReportSnapshot::from(row)))
}

/// A frozen report exactly as filed: JSON, or its HTML with `format=html`
/// or `Accept: text/html`, or that HTML printed to PDF with `format=pdf` or
/// `Accept: application/pdf`, or the CSV bundle of the JSON filed with
/// `format=zip` or `Accept: application/zip`.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_coordinator_report_snapshot",
    params(
        ("year" = i32, Path, description = "The year reported on"),
        ("id" = Uuid, Path, description = "Snapshot id"),
        ReportParams,
    ),
    responses(
        (status = 200, description = "The snapshot; with `format=html` or `Accept: text/html`, the HTML filed; with `format=pdf`, that page printed; with `format=zip`, the tables filed as CSV files",
            content((ReportSnapshot = "application/json"), (String = "text/html"), (crate::pdf::PdfFile = "application/pdf"),
                (forms::ZipFile = "application/zip"))),
        (status = 400, description = "A bad query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "PDF asked for and no Chromium is installed (`pdf_unavailable`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/reports/coordinator/{year}/snapshots/{id}")]
pub async fn get_snapshot(
    _principal: Principal,
    PathId(id): PathId,
    req: HttpRequest,
    params: Query<ReportParams>,
    pool: web::Data<DbPool>,
    printer: web::Data<Printer>,
) -> Result<HttpResponse, ApiError> {
    let document = forms::asked(&req, params.format.as_deref(), &printer)?;
    let year = req.match_info().get("year").and_then(|y| y.parse::<i32>().ok()).ok_or(ApiError::NotFound)?;
    let mut pooled = pool.get().await?;
    let row = store::get_snapshot(&mut pooled, year, id).await?.ok_or(ApiError::NotFound)?;
    let mut response = HttpResponse::Ok();
    response.insert_header((header::VARY, "Accept"));
    let stem = format!("coordinator-report-{}-{}", row.year, row.id);
    match document {
        Some(Document::Html) => Ok(response.content_type("text/html; charset=utf-8").body(row.html)),
        Some(Document::Pdf) => forms::pdf(response, &printer, &row.html, &stem).await,
        Some(Document::Zip) => forms::zip(response, ReportKind::Coordinator, &row.report, &stem),
        None => Ok(response.json(ReportSnapshot::from(row))),
    }
}
