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

/// An import stops checking at this many row errors: a file this wrong is fixed
/// from the first ones, and a hostile file of millions of bad rows must not
/// hold millions of errors in memory (a 16 MiB roster of empty rows once took
/// the server to 1.9 GB).
pub const MAX_ROW_ERRORS: usize = 1000;

/// The most data rows one import file may have; a larger file is refused at
/// the first row past it (split it). Holds the parsed rows, not only the
/// errors, within bounds.
pub const MAX_IMPORT_ROWS: u64 = 100_000;

/// `errors` cut to [`MAX_ROW_ERRORS`], for the imports that add errors of
/// their own after reading.
pub fn capped(mut errors: Vec<RowError>) -> Vec<RowError> {
    errors.truncate(MAX_ROW_ERRORS);
    errors
}

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
/// of fields are handled here. Reading stops at [`MAX_ROW_ERRORS`] errors
/// and at the first row past [`MAX_IMPORT_ROWS`]. `Err`: the header cannot be
/// used; `Ok`: the rows' errors (empty when all rows are good; at most
/// [`MAX_ROW_ERRORS`]) and the file's columns.
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
    let mut data_rows: u64 = 0;
    loop {
        if errors.len() >= MAX_ROW_ERRORS {
            errors.truncate(MAX_ROW_ERRORS);
            break;
        }
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
        data_rows += 1;
        if data_rows > MAX_IMPORT_ROWS {
            errors.push(row_error(row, error("", ErrorCode::Length, format!("The file has more than {MAX_IMPORT_ROWS} data rows; split it and import each part."))));
            break;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reading_stops_at_the_thousandth_error() {
        let mut text = String::from("a,b\n");
        for _ in 0..5000 {
            text.push_str("x,y\n");
        }
        let mut seen = 0;
        let (errors, _) = read_csv_rows(&text, &["a", "b"], &[], "a,b", &mut None, |_, _| {
            seen += 1;
            vec![error("/a", ErrorCode::Required, "one"), error("/b", ErrorCode::Required, "two")]
        })
        .unwrap();
        assert_eq!(errors.len(), MAX_ROW_ERRORS);
        assert_eq!(seen, MAX_ROW_ERRORS / 2, "no row is read past the limit");
        assert_eq!(errors.last().unwrap().row, 501);
    }

    #[test]
    fn a_file_past_the_row_cap_is_refused_at_the_first_row_past_it() {
        let mut text = String::from("a\n");
        for _ in 0..=MAX_IMPORT_ROWS {
            text.push_str("x\n");
        }
        let (errors, _) = read_csv_rows(&text, &["a"], &[], "a", &mut None, |_, _| Vec::new()).unwrap();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].row, MAX_IMPORT_ROWS + 2);
        assert_eq!(errors[0].code, ErrorCode::Length);
        // Exactly the cap is accepted.
        let at_cap = &text[..text.len() - 2];
        let (errors, _) = read_csv_rows(at_cap, &["a"], &[], "a", &mut None, |_, _| Vec::new()).unwrap();
        assert!(errors.is_empty());
    }
}
