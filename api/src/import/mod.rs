//! Imports of CSV (and HSDS JSON) files, shared by the HTTP imports and `beacon import`: who
//! imports (for the audit entry), progress, reading rows under a header, row errors, and the 422
//! that lists them. Nothing is written unless every row is good.

pub mod completions;
pub mod providers;
pub mod workforce;

use crate::error::ApiError;
use crate::security::audit::{Actor, Event};
use crate::security::Principal;
use beacon_core::contract::text;
use beacon_core::{ErrorCode, ValidationError};
use serde::Serialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

fn error(path: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> ValidationError {
    ValidationError::new(path, code, message)
}

/// Who runs an import, for its audit entry: a caller of the API, or the
/// `beacon import` command.
#[derive(Debug, Clone)]
pub struct Importer {
    pub actor: Actor,
    pub request_id: Option<String>,
    /// The instant the import's audit entries record.
    pub at: chrono::DateTime<chrono::Utc>,
}

impl Importer {
    pub fn http(principal: &Principal, request_id: &RequestId) -> Self {
        Self { actor: Actor::from(principal), request_id: Some(request_id.to_string()), at: principal.now }
    }

    /// The command line acts for no key or account; the entry says so.
    pub fn cli(at: chrono::DateTime<chrono::Utc>) -> Self {
        Self { actor: Actor::cli(), request_id: None, at }
    }

    pub fn event(&self, action: &str, resource: &str, id: String, reason: String) -> Event {
        Event::as_actor(&self.actor, self.at, self.request_id.clone(), action, resource, Some(id)).because(reason)
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

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `true`: check every row and report what would change, writing nothing.
    #[param(value_type = Option<bool>)]
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
        Ok(h) if h.iter().any(text::has_control) => return Err(vec![row_error(1, text::refused(""))]),
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
        // The body's character rule holds for every cell (a NUL would reach PostgreSQL as a 500).
        let mut refused: Vec<RowError> = columns
            .iter()
            .filter(|&(_, &i)| record.get(i).is_some_and(text::has_control))
            .map(|(name, _)| row_error(row, text::refused(format!("/{name}"))))
            .collect();
        refused.sort_by(|a, b| a.path.cmp(&b.path));
        if !refused.is_empty() {
            errors.extend(refused);
            continue;
        }
        let cells = CsvRow { columns: &columns, record: &record };
        errors.extend(each(row, &cells).into_iter().map(|e| row_error(row, e)));
    }
    Ok((errors, columns))
}
