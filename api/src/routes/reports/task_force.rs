//! The task force's annual report (Raised Bill 5476, Sec. 8(d)): built from
//! the same fetched pieces as the coordinator's (`coordinator::fetch`), by
//! `beacon_core::stats::task_force`; read live, frozen, and read as frozen.

use super::coordinator::{fetch, ReportParams};
use super::snapshot::{self, ReportSnapshot, SnapshotListParams, SnapshotSummary};
use super::{forms, task_force_html};
use crate::clock::Clock;
use crate::config::StatsConfig;
use crate::db::reports as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::negotiate::Document;
use crate::pdf::Printer;
use crate::http::path::PathId;
use crate::http::query::{Page, Query};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use beacon_core::stats::bundle::ReportKind;
use beacon_core::stats::task_force::{task_force_report as build_report, TaskForceReport};
use chrono::NaiveDate;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;

const KIND: &str = "task_force";

async fn build(year_text: &str, today: NaiveDate, pool: &DbPool, k: u64) -> Result<TaskForceReport, ApiError> {
    let inputs = fetch(year_text, today, pool).await?;
    web::block(move || build_report(inputs.input(today, k))).await.map_err(ApiError::internal)?.map_err(ApiError::internal)
}

/// The task force's annual report on `year` (Sec. 8(d)), due January 1 of
/// the next year to the Government Oversight and Judiciary committees, built
/// as of today from the coordinator report's pieces: the review of
/// trafficking trends (Sec. 8(b)(6)), minors and DCF, training compliance
/// (8(b)(2)), referral outcomes (8(b)(4)), service capacity, gaps and funding
/// (8(b)(5)) and the methodology, every count of people under disclosure
/// control. Beacon keeps no register of the task force's own activities; the
/// report says so. JSON, or HTML with `format=html` or `Accept: text/html`,
/// or that page printed to PDF with `format=pdf` or `Accept: application/pdf`
/// (503 `pdf_unavailable` without Chromium), or its tables as a zip of CSV
/// files with `format=zip` or `Accept: application/zip`.
#[utoipa::path(
    tag = "reports",
    operation_id = "task_force_report",
    params(("year" = i32, Path, description = "The year reported on, from 2026"), ReportParams),
    responses(
        (status = 200, description = "The report; with `format=html` or `Accept: text/html`, one HTML page; with `format=pdf`, that page printed; with `format=zip`, its tables as CSV files",
            content((TaskForceReport = "application/json"), (String = "text/html"), (crate::pdf::PdfFile = "application/pdf"),
                (forms::ZipFile = "application/zip"))),
        (status = 400, description = "A bad query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No report covers that year", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "PDF asked for and no Chromium is installed (`pdf_unavailable`); the detail says what to install",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/reports/task_force/{year}")]
pub async fn task_force_report(
    _principal: Principal,
    year: web::Path<String>,
    req: HttpRequest,
    params: Query<ReportParams>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    // From the request rather than one more extractor (clippy's argument limit).
    let printer = req.app_data::<web::Data<Printer>>().cloned().ok_or_else(|| ApiError::internal("no printer"))?;
    let document = forms::asked(&req, params.format.as_deref(), &printer)?;
    let report = build(&year, clock.today(), &pool, config.k).await?;
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "no-store")).insert_header((header::VARY, "Accept"));
    let stem = format!("task-force-report-{}", report.year);
    match document {
        Some(Document::Html) => Ok(response.content_type("text/html; charset=utf-8").body(task_force_html::render(&report))),
        Some(Document::Pdf) => forms::pdf(response, &printer, &task_force_html::render(&report), &stem).await,
        Some(Document::Zip) => {
            let json = serde_json::to_value(&report).map_err(ApiError::internal)?;
            forms::zip(response, ReportKind::TaskForce, &json, &stem)
        }
        None => Ok(response.json(&report)),
    }
}

/// Freeze the task force's report on `year` as built today: its JSON and
/// HTML are filed unchanged and the freeze is audited
/// (`report.task_force.freeze`).
#[utoipa::path(
    tag = "reports",
    operation_id = "freeze_task_force_report",
    params(("year" = i32, Path, description = "The year reported on, from 2026")),
    responses(
        (status = 201, body = ReportSnapshot, headers(("Location" = String, description = "URL of the snapshot"))),
        (status = 404, description = "No report covers that year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/reports/task_force/{year}")]
pub async fn freeze_task_force_report(
    principal: Principal,
    request_id: RequestId,
    year: web::Path<String>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    let today = clock.today();
    let report = build(&year, today, &pool, config.k).await?;
    let page = task_force_html::render(&report);
    let json = serde_json::to_value(&report).map_err(ApiError::internal)?;
    let now = clock.now();
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let row = store::insert_snapshot_of(conn, KIND, report.year, today, json, page, now).await?;
            audit::append(conn, Event::by(&principal, &request_id, "report.task_force.freeze", "report_snapshot", row.id)).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/reports/task_force/{}/snapshots/{}", row.year, row.id)))
        .json(ReportSnapshot::from(row)))
}

/// A frozen task force report exactly as filed: JSON, or its HTML with
/// `format=html` or `Accept: text/html`, or that HTML printed to PDF with
/// `format=pdf` or `Accept: application/pdf`, or the CSV bundle of the JSON
/// filed with `format=zip` or `Accept: application/zip`.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_task_force_report_snapshot",
    params(
        ("year" = i32, Path, description = "The year reported on"),
        ("id" = uuid::Uuid, Path, description = "Snapshot id"),
        ReportParams,
    ),
    responses(
        (status = 200, description = "The snapshot (its `report` is a task force report); with `format=html` or `Accept: text/html`, the HTML filed; with `format=pdf`, that page printed; with `format=zip`, the tables filed as CSV files",
            content((ReportSnapshot = "application/json"), (String = "text/html"), (crate::pdf::PdfFile = "application/pdf"),
                (forms::ZipFile = "application/zip"))),
        (status = 400, description = "A bad query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "PDF asked for and no Chromium is installed (`pdf_unavailable`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/reports/task_force/{year}/snapshots/{id}")]
pub async fn get_task_force_snapshot(
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
    let row = store::get_snapshot_of(&mut pooled, KIND, year, id).await?.ok_or(ApiError::NotFound)?;
    let mut response = HttpResponse::Ok();
    response.insert_header((header::VARY, "Accept"));
    let stem = format!("task-force-report-{}-{}", row.year, row.id);
    match document {
        Some(Document::Html) => Ok(response.content_type("text/html; charset=utf-8").body(row.html)),
        Some(Document::Pdf) => forms::pdf(response, &printer, &row.html, &stem).await,
        Some(Document::Zip) => forms::zip(response, ReportKind::TaskForce, &row.report, &stem),
        None => Ok(response.json(ReportSnapshot::from(row))),
    }
}

/// The task force report's snapshots on `year`, newest first, a page at a
/// time: each with the day it was built, when it was filed and its URL.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_task_force_report_snapshots",
    params(("year" = i32, Path, description = "The year reported on, from 2026"), SnapshotListParams),
    responses(
        (status = 200, body = Page<SnapshotSummary>),
        (status = 400, description = "A bad query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No report covers that year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/reports/task_force/{year}/snapshots")]
pub async fn list_task_force_snapshots(
    _principal: Principal,
    req: HttpRequest,
    params: Query<SnapshotListParams>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    snapshot::list(ReportKind::TaskForce, &req, &params, clock.today(), &pool).await
}
