use crate::clock::Clock;
use beacon_core::ValidationError;
use crate::db::training::{self as store, AgencyScope, NewCompletion, IMPORT_CHUNK};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use beacon_core::fields::{agency_code, date, reference};
use crate::http::body::{csv_text, is_csv, not_csv};
use crate::import::{read_csv_rows, dry_run_param, import_rejected, report_progress, row_error, without_bom, ImportParams, ImportProblem, ImportStage, Importer, OnProgress, RowError};
use crate::security::scope::scope_of;
use crate::security::audit;
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::ErrorCode;
use chrono::NaiveDate;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

const REQUIRED: [&str; 4] = ["employee_ref", "agency", "course_code", "completed_on"];

/// What a completions import did (or, with `dry_run`, would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionImportReport {
    pub dry_run: bool,
    /// Data rows in the file.
    pub rows: usize,
    /// Completions recorded.
    pub recorded: usize,
    /// Rows already on file (same person, course and date): skipped, so a
    /// file can be sent again safely.
    pub already_recorded: usize,
}

/// A checked row, before the person and course are looked up.
struct Row {
    line: u64,
    agency: String,
    employee_ref: String,
    course_code: String,
    completed_on: NaiveDate,
}

/// The rows that read well, and the errors of the others; `Err` for a header that cannot be used.
fn parse(text: &str, scope: &AgencyScope, today: NaiveDate, progress: &mut OnProgress<'_>) -> Result<(Vec<Row>, Vec<RowError>), Vec<RowError>> {
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, String, String, NaiveDate), u64> = HashMap::new();
    let (errors, _) = read_csv_rows(text, &REQUIRED, &[], "employee_ref,agency,course_code,completed_on", progress, |line, cells| {
        let mut row_errors = Vec::new();
        let agency = agency_code("/agency", cells.cell("agency"), &mut row_errors);
        let employee_ref = reference("/employee_ref", cells.cell("employee_ref"), &mut row_errors);
        let course_code = reference("/course_code", cells.cell("course_code"), &mut row_errors);
        let completed_on = date("/completed_on", cells.cell("completed_on"), &mut row_errors);
        if completed_on.is_some_and(|d| d > today) {
            row_errors.push(ValidationError::new("/completed_on", ErrorCode::FutureDate, "Must not be after today."));
        }
        if agency.as_deref().is_some_and(|a| !scope.covers(a)) {
            row_errors.push(ValidationError::new("/agency", ErrorCode::NotAllowed, "A reporter records only its own agency's completions."));
        }
        if let (Some(agency), Some(employee_ref), Some(course_code), Some(completed_on), true) =
            (agency, employee_ref, course_code, completed_on, row_errors.is_empty())
        {
            let key = (agency.clone(), employee_ref.clone(), course_code.clone(), completed_on);
            if let Some(first) = seen.get(&key) {
                row_errors.push(ValidationError::new("", ErrorCode::Duplicate, format!("The same completion already appears on row {first}.")));
            } else {
                seen.insert(key, line);
                rows.push(Row { line, agency, employee_ref, course_code, completed_on });
            }
        }
        row_errors
    })?;
    Ok((rows, errors))
}

/// Import completions (CSV) exported from a learning management system.
///
/// The body is `text/csv` (UTF-8, at most 16 MiB) with the header
/// `employee_ref,agency,course_code,completed_on` (any column order). Every row
/// is checked first — the person must be on the agency's roster, the course
/// must exist, the date must be real and not after today — and when any row is
/// wrong the answer is a 422 listing every error as `{row, path, code,
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
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A reporter whose account has no agency", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
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
    params: web::Query<ImportParams>,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let dry_run = dry_run_param(params.dry_run.as_deref())?;
    if !is_csv(&req) {
        return Ok(not_csv());
    }
    let text = csv_text(&req, payload).await?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let scope = scope_of(conn, &principal).await?;
    if scope == AgencyScope::Nothing {
        return Err(ApiError::Forbidden);
    }
    let importer = Importer::http(&principal, &request_id);
    match import_completion_file(conn, &text, &scope, clock.today(), dry_run, &importer, None).await? {
        Ok(report) => Ok(HttpResponse::Ok().json(report)),
        Err(errors) => Ok(import_rejected(errors)),
    }
}

/// The completions import of both `POST /v1/training/completions/import`
/// and `beacon import completions`: every row of `text` checked against
/// `scope`, the roster and the curriculum, then (unless `dry_run` or any row
/// is wrong) the new completions recorded in one transaction with its audit
/// entry. `Ok(Err(_))` lists every row error; nothing was written.
pub async fn import_completion_file(
    conn: &mut AsyncPgConnection,
    text: &str,
    scope: &AgencyScope,
    today: NaiveDate,
    dry_run: bool,
    importer: &Importer,
    mut progress: OnProgress<'_>,
) -> Result<Result<CompletionImportReport, Vec<RowError>>, diesel::result::Error> {
    let (rows, mut errors) = match parse(without_bom(text), scope, today, &mut progress) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Err(errors)),
    };
    conn.transaction(async |conn| {
        let agencies: Vec<String> = rows.iter().map(|r| r.agency.clone()).collect::<HashSet<_>>().into_iter().collect();
        let people = store::people_ids(conn, &agencies).await?;
        let courses: HashMap<String, (Uuid, Vec<String>)> = store::list_courses(conn)
            .await?
            .into_iter()
            .map(|c| (c.code, (c.id, c.topics)))
            .collect();
        let mut new = Vec::with_capacity(rows.len());
        for r in &rows {
            let person = people.get(&(r.agency.clone(), r.employee_ref.clone()));
            let course = courses.get(&r.course_code);
            if person.is_none() {
                errors.push(row_error(r.line, ValidationError::new("/employee_ref", ErrorCode::UnknownCode,
                    "No workforce member of this agency has this employee_ref (import the roster first).")));
            }
            if course.is_none() {
                errors.push(row_error(r.line, ValidationError::new("/course_code", ErrorCode::UnknownCode, "No course has this code (see GET /v1/training/courses).")));
            }
            if let (Some(person), Some((course_id, topics))) = (person, course) {
                new.push(NewCompletion {
                    id: Uuid::new_v4(),
                    person_id: *person,
                    course_id: Some(*course_id),
                    completed_on: r.completed_on,
                    topics: topics.clone(),
                    source: "csv".into(),
                    statement_id: None,
                    voided: false,
                });
            }
        }
        if !errors.is_empty() {
            // Every error of the file at once, in file order.
            errors.sort_by_key(|e| e.row);
            return Ok(Err(std::mem::take(&mut errors)));
        }
        let ids: Vec<Uuid> = new.iter().map(|c| c.person_id).collect::<HashSet<_>>().into_iter().collect();
        let on_file = store::recorded(conn, &ids).await?;
        let before = new.len();
        new.retain(|c| !on_file.contains(&(c.person_id, c.course_id, c.completed_on)));
        let report = CompletionImportReport {
            dry_run,
            rows: rows.len(),
            recorded: new.len(),
            already_recorded: before - new.len(),
        };
        if dry_run || new.is_empty() {
            return Ok(Ok(report));
        }
        let mut written = 0;
        for chunk in new.chunks(IMPORT_CHUNK) {
            store::insert_completions(conn, chunk).await?;
            written += chunk.len();
            report_progress(&mut progress, ImportStage::Written, written, new.len());
        }
        let mut agencies = agencies;
        agencies.sort();
        let reason = format!("rows={} recorded={} already_recorded={}", report.rows, report.recorded, report.already_recorded);
        audit::append(conn, importer.event("completion.import", "completion", agencies.join(","), reason)).await?;
        Ok::<_, diesel::result::Error>(Ok(report))
    })
    .await
}

