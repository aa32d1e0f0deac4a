//! The completions import of `POST /v1/training/completions/import` and `beacon import completions`.

use super::{read_csv_rows, report_progress, row_error, without_bom, ImportStage, Importer, OnProgress, RowError};
use crate::db::training::{self as store, AgencyScope, NewCompletion, IMPORT_CHUNK};
use crate::security::audit;
use beacon_core::fields::agency_code;
use beacon_core::training::completion::{check_completion_row, CompletionFile, CompletionRow, CompletionRowFields};
use beacon_core::{ErrorCode, ValidationError};
use chrono::NaiveDate;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
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
/// One checked row of a completion file ([`parse_completions`]).
pub struct Row {
    line: u64,
    row: CompletionRow,
}

/// The rows that read well, and the errors of the others; `Err` for a header that cannot be used.
fn parse(text: &str, scope: &AgencyScope, today: NaiveDate, progress: &mut OnProgress<'_>) -> Result<(Vec<Row>, Vec<RowError>), Vec<RowError>> {
    let mut rows = Vec::new();
    let mut file = CompletionFile::default();
    let (errors, _) = read_csv_rows(text, &REQUIRED, &[], "employee_ref,agency,course_code,completed_on", progress, |line, cells| {
        let fields = CompletionRowFields {
            agency: cells.cell("agency"),
            employee_ref: cells.cell("employee_ref"),
            course_code: cells.cell("course_code"),
            completed_on: cells.cell("completed_on"),
        };
        let checked = check_completion_row(&fields, today);
        // Out of scope is said even beside the row's other errors, as long as its agency reads.
        let agency = match &checked {
            Ok(row) => Some(row.agency.clone()),
            Err(_) => agency_code("/agency", fields.agency, &mut Vec::new()),
        };
        let mut row_errors = Vec::new();
        if agency.is_some_and(|a| !scope.covers(&a)) {
            row_errors.push(ValidationError::new("/agency", ErrorCode::NotAllowed, "A reporter records only its own agency's completions."));
        }
        match checked {
            Err(errors) => {
                let mut errors = errors;
                errors.extend(row_errors);
                errors
            }
            Ok(_) if !row_errors.is_empty() => row_errors,
            Ok(row) => match file.admit(&row, line) {
                Err(e) => vec![e],
                Ok(()) => {
                    rows.push(Row { line, row });
                    Vec::new()
                }
            },
        }
    })?;
    Ok((rows, errors))
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
    match parse_completions(text, scope, today, &mut progress) {
        Ok(parsed) => write_completions(conn, parsed, dry_run, importer, progress).await,
        Err(errors) => Ok(Err(errors)),
    }
}

/// A completion file's good rows and the errors of the others.
pub type ParsedCompletions = (Vec<Row>, Vec<RowError>);

/// The CPU-bound half of [`import_completion_file`]: reads and checks every row, touching no
/// database, so the HTTP route runs it on the blocking pool (`web::block`).
pub fn parse_completions(
    text: &str,
    scope: &AgencyScope,
    today: NaiveDate,
    progress: &mut OnProgress<'_>,
) -> Result<ParsedCompletions, Vec<RowError>> {
    parse(without_bom(text), scope, today, progress)
}

/// The database half of [`import_completion_file`], given [`parse_completions`]' rows.
pub async fn write_completions(
    conn: &mut AsyncPgConnection,
    (rows, mut errors): ParsedCompletions,
    dry_run: bool,
    importer: &Importer,
    mut progress: OnProgress<'_>,
) -> Result<Result<CompletionImportReport, Vec<RowError>>, diesel::result::Error> {
    conn.transaction(async |conn| {
        let agencies: Vec<String> = rows.iter().map(|r| r.row.agency.clone()).collect::<HashSet<_>>().into_iter().collect();
        let people = store::people_ids(conn, &agencies).await?;
        let courses: HashMap<String, store::CourseRow> = store::list_courses(conn)
            .await?
            .into_iter()
            .map(|c| (c.code.clone(), c))
            .collect();
        let mut new = Vec::with_capacity(rows.len());
        for r in &rows {
            let person = people.get(&(r.row.agency.clone(), r.row.employee_ref.clone()));
            let course = courses.get(&r.row.course_code);
            if person.is_none() {
                errors.push(row_error(r.line, ValidationError::new("/employee_ref", ErrorCode::UnknownCode,
                    "No workforce member of this agency has this employee_ref (import the roster first).")));
            }
            if course.is_none() {
                errors.push(row_error(r.line, ValidationError::new("/course_code", ErrorCode::UnknownCode, "No course has this code (see GET /v1/training/courses).")));
            }
            if let (Some(person), Some(course)) = (person, course) {
                new.push(NewCompletion {
                    id: Uuid::new_v4(),
                    person_id: *person,
                    course_id: Some(course.id),
                    completed_on: r.row.completed_on,
                    topics: course.topics.clone(),
                    source: "csv".into(),
                    statement_id: None,
                    voided: false,
                    subject: course.subject.clone(),
                    kind: course.kind.clone(),
                });
            }
        }
        if !errors.is_empty() {
            // Every error of the file at once, in file order.
            errors.sort_by_key(|e| e.row);
            return Ok(Err(super::capped(std::mem::take(&mut errors))));
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

