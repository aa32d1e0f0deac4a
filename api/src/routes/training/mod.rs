//! Training compliance over HTTP (Raised Bill 5476, Sec. 1(c), 3(7), 4, 5, 10(b)):
//! the curriculum, each agency's workforce, completions, and compliance.
//!
//! The rules themselves are `beacon_core::training`; these handlers only load
//! the facts, scope them to the caller's agency and call the core.
//!
//! Scope: a coordinator manages every agency; a reporter manages only the
//! workforce of the agency its organisation reports for
//! (`organisations.agency`). Another agency's person is a 404, so existence is
//! not revealed; creating for another agency is a 403.

pub mod completions;
pub mod courses;
pub mod report;
pub mod workforce;

use crate::db::training::{self as store, AgencyScope, CompletionRow, PersonRow};
use crate::error::{ApiError, PROBLEM_JSON};
use crate::security::audit::{Actor, Event};
use crate::security::{Principal, Role};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use beacon_core::codes::{Agency, CodeList};
use beacon_core::dates::parse_iso_date;
use beacon_core::training::{Completion, Person, Population, TrainingTopic};
use beacon_core::{ErrorCode, ValidationError};
use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use futures_util::StreamExt;
use serde::Serialize;
use std::str::FromStr;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

/// The role that puts a person under the caseload rule (Sec. 3(7)).
pub const SOCIAL_WORKER_TRAINEE: &str = "social_worker_trainee";

/// Largest CSV body accepted (about 200,000 roster rows).
pub const MAX_CSV_BYTES: usize = 16 * 1024 * 1024;

/// Dates before this are refused as typing mistakes.
fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Dates after this are refused as typing mistakes.
fn latest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2199, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// What the caller may see and manage.
pub async fn scope_of(conn: &mut AsyncPgConnection, principal: &Principal) -> Result<AgencyScope, ApiError> {
    if principal.role == Role::Coordinator {
        return Ok(AgencyScope::All);
    }
    Ok(match store::organisation_agency(conn, principal.organisation_id).await? {
        Some(agency) => AgencyScope::Only(agency),
        None => AgencyScope::Nothing,
    })
}

pub fn error(path: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> ValidationError {
    ValidationError::new(path, code, message)
}

/// An agency code, or an `unknown_code` error at `path`.
pub fn agency_code(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    match Agency::from_str(value) {
        Ok(a) => Some(a.code().to_string()),
        Err(()) => {
            errors.push(error(path, ErrorCode::UnknownCode, "Is not an agency code (see GET /v1/codes, list `agency`)."));
            None
        }
    }
}

pub fn population_code(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<Population> {
    let found = Population::from_str(value).ok();
    if found.is_none() {
        errors.push(error(
            path,
            ErrorCode::UnknownCode,
            "Is not a population code: dcf_employee, dcf_contracted_provider, cssd_employee, law_enforcement or other.",
        ));
    }
    found
}

/// A reference code (`employee_ref`, course `code`): 1–64 characters, letters,
/// digits and `. _ / -`, starting with a letter or digit (so that no exported
/// cell can start a spreadsheet formula).
pub fn reference(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    let n = value.chars().count();
    if !(1..=64).contains(&n) {
        errors.push(error(path, ErrorCode::Length, "Must have between 1 and 64 characters."));
        return None;
    }
    let ok = value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
        && value.starts_with(|c: char| c.is_ascii_alphanumeric());
    if !ok {
        errors.push(error(
            path,
            ErrorCode::Format,
            "Only letters, digits and . _ / - are allowed, starting with a letter or a digit.",
        ));
        return None;
    }
    Some(value.to_string())
}

/// Free text, trimmed, 1..=`max` characters.
pub fn text(path: &str, value: &str, max: usize, errors: &mut Vec<ValidationError>) -> Option<String> {
    let trimmed = value.trim();
    let n = trimmed.chars().count();
    if n == 0 || n > max || trimmed.chars().any(char::is_control) {
        errors.push(error(
            path,
            ErrorCode::Length,
            format!("Must have between 1 and {max} characters (no control characters)."),
        ));
        return None;
    }
    Some(trimmed.to_string())
}

/// The canonical name of a Connecticut town, or an `unknown_code` error at `path`.
pub fn town(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    match beacon_core::geo::find_town(value.trim()) {
        Some(t) => Some(t.town.to_string()),
        None => {
            errors.push(error(path, ErrorCode::UnknownCode, "Is not a Connecticut town (see GET /v1/codes)."));
            None
        }
    }
}

/// A `YYYY-MM-DD` date between 1900-01-01 and 2199-12-31.
pub fn date(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<NaiveDate> {
    let Some(d) = parse_iso_date(value) else {
        errors.push(error(path, ErrorCode::Format, "Must be a real date written YYYY-MM-DD."));
        return None;
    };
    if d < earliest_date() || d > latest_date() {
        errors.push(error(path, ErrorCode::Range, "Must be between 1900-01-01 and 2199-12-31."));
        return None;
    }
    Some(d)
}

/// A date query parameter, defaulting to `today`.
pub fn date_param(name: &str, value: Option<&str>, today: NaiveDate, errors: &mut Vec<ValidationError>) -> NaiveDate {
    match value {
        None => today,
        Some(v) => date(&format!("/{name}"), v, errors).unwrap_or(today),
    }
}

/// The facts the core rules need about a person.
pub fn person_facts(row: &PersonRow) -> Result<Person, ApiError> {
    let population = Population::from_str(&row.population)
        .map_err(|()| ApiError::internal(format!("stored population `{}` is not a code", row.population)))?;
    Ok(Person {
        population,
        start_date: row.start_date,
        social_worker_trainee: row.role.as_deref() == Some(SOCIAL_WORKER_TRAINEE),
    })
}

/// A stored completion as the core sees it (unknown stored topics are dropped).
pub fn core_completion(completed_on: NaiveDate, topics: &[String]) -> Completion {
    Completion {
        date: completed_on,
        topics: topics.iter().filter_map(|t| TrainingTopic::from_str(t).ok()).collect(),
    }
}

/// The completions that count: not voided.
pub fn counting(rows: &[CompletionRow]) -> Vec<Completion> {
    rows.iter()
        .filter(|r| !r.voided)
        .map(|r| core_completion(r.completed_on, &r.topics))
        .collect()
}

/// An audit entry for a write by `principal`.
pub fn event(principal: &Principal, request_id: &RequestId, action: &str, resource: &str, id: Option<String>) -> Event {
    Event {
        actor: Actor::from(principal),
        action: action.to_string(),
        resource: resource.to_string(),
        resource_id: id,
        reason: None,
        outcome: "success".to_string(),
        request_id: Some(request_id.to_string()),
    }
}

/// Who runs an import, for its audit entry: a caller of the API, or the
/// `beacon import` command.
#[derive(Debug, Clone)]
pub struct Importer {
    pub actor: Actor,
    pub request_id: Option<String>,
}

impl Importer {
    pub fn http(principal: &Principal, request_id: &RequestId) -> Self {
        Self { actor: Actor::from(principal), request_id: Some(request_id.to_string()) }
    }

    /// The command line acts for no key or organisation; the entry says so.
    pub fn cli() -> Self {
        Self { actor: Actor { key_id: None, organisation_id: None, role: Some("cli".into()) }, request_id: None }
    }

    pub fn event(&self, action: &str, resource: &str, id: String, reason: String) -> Event {
        Event {
            actor: self.actor.clone(),
            action: action.to_string(),
            resource: resource.to_string(),
            resource_id: Some(id),
            reason: Some(reason),
            outcome: "success".to_string(),
            request_id: self.request_id.clone(),
        }
    }
}

/// Which part of an import a progress report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStage {
    /// Rows read and checked.
    Checked,
    /// Rows written.
    Written,
}

impl ImportStage {
    pub fn verb(self) -> &'static str {
        match self {
            ImportStage::Checked => "checked",
            ImportStage::Written => "wrote",
        }
    }
}

/// Told `(stage, done, total)` as an import goes. `Send` because it is
/// called inside a database transaction's future.
pub type OnProgress<'a> = Option<&'a mut (dyn FnMut(ImportStage, usize, usize) + Send)>;

/// Reports progress, when someone listens.
pub fn report_progress(on: &mut OnProgress<'_>, stage: ImportStage, done: usize, total: usize) {
    if let Some(f) = on {
        f(stage, done, total);
    }
}

/// The data rows of a CSV text (records after the header), counted only for
/// a progress display's total.
pub fn csv_row_count(text: &str) -> usize {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while let Ok(true) = reader.read_byte_record(&mut record) {
        n += 1;
    }
    n
}

/// The text of a CSV file or body with its leading byte-order mark (which
/// spreadsheet programs write) removed.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A problem+json answer with Beacon's shape, for the cases `ApiError` words
/// for JSON bodies (a CSV body's media type, per-row import errors).
pub fn problem<E: Serialize>(status: StatusCode, code: &str, detail: &str, errors: Option<E>) -> HttpResponse {
    #[derive(Serialize)]
    struct Body<'a, E> {
        #[serde(rename = "type")]
        kind: String,
        title: &'a str,
        status: u16,
        code: &'a str,
        detail: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        errors: Option<E>,
    }
    HttpResponse::build(status).content_type(PROBLEM_JSON).json(Body {
        kind: format!("https://beacon.ct.gov/problems/{code}"),
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        code,
        detail,
        errors,
    })
}

/// One error of a CSV row: `row` is the line number in the file (the header is row 1).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowError {
    pub row: u64,
    /// The column, as a JSON Pointer (`/start_date`); empty for the whole row.
    pub path: String,
    pub code: ErrorCode,
    pub message: String,
}

/// The 422 of a CSV import: every broken rule, by row. Nothing was written.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// `validation_failed`.
    pub code: String,
    pub detail: String,
    pub errors: Vec<RowError>,
}

/// At most this many row errors are listed.
const MAX_ROW_ERRORS: usize = 1000;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `true`: check every row and report what would change, writing nothing.
    pub dry_run: Option<String>,
}

/// `?dry_run=`: `true` or `false` (default).
pub fn dry_run_param(value: Option<&str>) -> Result<bool, ApiError> {
    match value {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::BadQuery(vec![error("/dry_run", ErrorCode::InvalidType, "Must be `true` or `false`.")])),
    }
}

pub fn row_error(row: u64, e: ValidationError) -> RowError {
    RowError { row, path: e.path, code: e.code, message: e.message }
}

/// The header's columns (trimmed, lower-cased) → their index, or the header's errors (row 1).
pub fn csv_columns(
    headers: &csv::StringRecord,
    required: &[&str],
    optional: &[&str],
) -> Result<std::collections::HashMap<String, usize>, Vec<RowError>> {
    let mut columns = std::collections::HashMap::new();
    let mut errors = Vec::new();
    let known = || {
        let mut all: Vec<&str> = required.to_vec();
        all.extend(optional);
        all.join(", ")
    };
    for (i, name) in headers.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        if !required.contains(&name.as_str()) && !optional.contains(&name.as_str()) {
            errors.push(row_error(1, error(format!("/{name}"), ErrorCode::UnknownField, format!("Is not a column of this import: {}.", known()))));
        } else if columns.insert(name.clone(), i).is_some() {
            errors.push(row_error(1, error(format!("/{name}"), ErrorCode::Duplicate, "The column appears more than once.")));
        }
    }
    for name in required {
        if !columns.contains_key(*name) {
            errors.push(row_error(1, error(format!("/{name}"), ErrorCode::Required, format!("The header must have a `{name}` column."))));
        }
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(errors)
    }
}

/// The 415 of an import whose body is not `text/csv`.
pub fn not_csv() -> HttpResponse {
    problem::<()>(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "the body must be text/csv", None)
}

/// The 422 of an import: every row error (the first 1,000), nothing written.
pub fn import_rejected(mut errors: Vec<RowError>) -> HttpResponse {
    let total = errors.len();
    errors.truncate(MAX_ROW_ERRORS);
    let detail = if total > MAX_ROW_ERRORS {
        format!("{total} errors (the first {MAX_ROW_ERRORS} listed); nothing was written")
    } else {
        format!("{total} error(s); nothing was written")
    };
    HttpResponse::UnprocessableEntity().content_type(PROBLEM_JSON).json(ImportProblem {
        kind: "https://beacon.ct.gov/problems/validation_failed".into(),
        title: "Unprocessable Entity".into(),
        status: 422,
        code: "validation_failed".into(),
        detail,
        errors,
    })
}

/// Whether the request's `Content-Type` is `text/csv`.
pub fn is_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "text/csv")
}

/// The CSV body as text (a leading byte-order mark removed), or the 413 / 400.
pub async fn csv_text(req: &HttpRequest, mut payload: web::Payload) -> Result<String, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_CSV_BYTES) {
        return Err(ApiError::PayloadTooLarge(MAX_CSV_BYTES));
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0).min(MAX_CSV_BYTES));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| not_utf8())?;
        if body.len() + chunk.len() > MAX_CSV_BYTES {
            return Err(ApiError::PayloadTooLarge(MAX_CSV_BYTES));
        }
        body.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(body.to_vec()).map_err(|_| not_utf8())?;
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

fn not_utf8() -> ApiError {
    ApiError::BadQuery(vec![error("", ErrorCode::Format, "The CSV body is not UTF-8 text.")])
}

/// Whether the client asked for CSV: `?format=csv` or an `Accept` naming `text/csv`
/// before (or instead of) JSON.
pub fn wants_csv(req: &HttpRequest, format: Option<&str>, errors: &mut Vec<ValidationError>) -> bool {
    match format {
        Some("csv") => return true,
        Some("json") => return false,
        Some(_) => {
            errors.push(error("/format", ErrorCode::UnknownCode, "Must be `json` or `csv`."));
            return false;
        }
        None => {}
    }
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    for item in accept.split(',') {
        let essence = item.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/csv" => return true,
            "application/json" | "application/*" | "*/*" => return false,
            _ => {}
        }
    }
    false
}

/// A CSV file's columns by name (lower-cased) → their index.
pub type CsvColumns = std::collections::HashMap<String, usize>;

/// The cells of one CSV row, by column name (trimmed; `""` for a column the
/// file lacks).
pub struct CsvRow<'r> {
    columns: &'r CsvColumns,
    record: &'r csv::StringRecord,
}

impl<'r> CsvRow<'r> {
    pub fn cell(&self, name: &str) -> &'r str {
        self.columns.get(name).and_then(|&i| self.record.get(i)).unwrap_or("")
    }

    /// `None` for an empty cell.
    pub fn optional(&self, name: &str) -> Option<&'r str> {
        Some(self.cell(name)).filter(|v| !v.is_empty())
    }
}

/// Reads a CSV import the way every import reads one: a header naming the
/// `required` (and any `optional`) columns, then each data row handed to
/// `each` with its line number (the header is line 1), which returns that
/// row's errors. Unreadable rows, blank lines and rows with the wrong number
/// of fields are handled here. `Err`: the header cannot be used; `Ok`: every
/// row's errors (empty when all rows are good) and the file's columns.
pub fn read_csv_rows(
    text: &str,
    required: &[&str],
    optional: &[&str],
    header_hint: &str,
    progress: &mut OnProgress<'_>,
    mut each: impl FnMut(u64, &CsvRow<'_>) -> Vec<ValidationError>,
) -> Result<(Vec<RowError>, CsvColumns), Vec<RowError>> {
    let total = if progress.is_some() { csv_row_count(text) } else { 0 };
    let mut done = 0;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) if h.iter().any(|name| !name.is_empty()) => h.clone(),
        Ok(_) => return Err(vec![row_error(1, error("", ErrorCode::Required, format!("The file must start with the header {header_hint}.")))]),
        Err(_) => return Err(vec![row_error(1, error("", ErrorCode::Format, "The header is not readable CSV."))]),
    };
    let columns = csv_columns(&headers, required, optional)?;
    let mut errors = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => {
                errors.push(row_error(line, error("", ErrorCode::Format, "The row is not readable CSV (check its quotes).")));
                break;
            }
        }
        let row = record.position().map_or(line, |p| p.line());
        done += 1;
        report_progress(progress, ImportStage::Checked, done, total.max(done));
        if record.len() == 1 && record.get(0).is_some_and(str::is_empty) {
            continue; // a blank line
        }
        if record.len() != headers.len() {
            errors.push(row_error(row, error("", ErrorCode::Length, format!("Has {} fields; the header has {}.", record.len(), headers.len()))));
            continue;
        }
        let cells = CsvRow { columns: &columns, record: &record };
        errors.extend(each(row, &cells).into_iter().map(|e| row_error(row, e)));
    }
    Ok((errors, columns))
}
