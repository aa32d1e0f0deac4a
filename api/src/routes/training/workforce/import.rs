use super::create::{check_person, PersonFields};
use beacon_core::ValidationError;
use crate::db::training::{self as store, AgencyScope, NewPerson, RosterColumns, IMPORT_CHUNK};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{csv_text, is_csv, not_csv};
use crate::import::{read_csv_rows, dry_run_param, import_rejected, report_progress, without_bom, ImportParams, ImportProblem, ImportStage, Importer, OnProgress, RowError};
use crate::security::scope::scope_of;
use crate::security::audit;
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::ErrorCode;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

/// Columns every roster must have.
const REQUIRED: [&str; 4] = ["agency", "population", "employee_ref", "start_date"];
/// Columns a roster may have.
const OPTIONAL: [&str; 4] = ["name", "role", "active", "town"];

/// What an import did (or, with `dry_run`, would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows in the file.
    pub rows: usize,
    /// People added.
    pub created: usize,
    /// People already on file (same agency and `employee_ref`), updated from their row.
    pub updated: usize,
}

struct Parsed {
    people: Vec<NewPerson>,
    carried: RosterColumns,
}

/// Every row checked; all errors, or the rows to write.
fn parse(text: &str, scope: &AgencyScope, progress: &mut OnProgress<'_>) -> Result<Parsed, Vec<RowError>> {
    let mut people = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    let (errors, columns) = read_csv_rows(text, &REQUIRED, &OPTIONAL, "agency,population,employee_ref,name,role,start_date", progress, |row, cells| {
        let mut row_errors = Vec::new();
        let active = match cells.optional("active") {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => {
                row_errors.push(ValidationError::new("/active", ErrorCode::InvalidType, "Must be `true` or `false` (or empty)."));
                None
            }
        };
        let checked = check_person(&PersonFields {
            agency: cells.cell("agency"),
            population: cells.cell("population"),
            employee_ref: cells.cell("employee_ref"),
            name: cells.optional("name"),
            role: cells.optional("role"),
            start_date: cells.cell("start_date"),
            active,
            town: cells.optional("town"),
        });
        match checked {
            Err(e) => row_errors.extend(e),
            Ok(person) => {
                if !scope.covers(&person.agency) {
                    row_errors.push(ValidationError::new("/agency", ErrorCode::NotAllowed, "A reporter imports only its own agency's workforce."));
                }
                let key = (person.agency.clone(), person.employee_ref.clone());
                if let Some(first) = seen.get(&key) {
                    row_errors.push(ValidationError::new("/employee_ref", ErrorCode::Duplicate,
                        format!("The agency's employee_ref already appears on row {first}.")));
                } else {
                    seen.insert(key, row);
                }
                if row_errors.is_empty() {
                    people.push(person);
                }
            }
        }
        row_errors
    })?;
    if errors.is_empty() {
        Ok(Parsed {
            people,
            carried: RosterColumns { active: columns.contains_key("active"), town: columns.contains_key("town") },
        })
    } else {
        Err(errors)
    }
}

/// Import a roster (CSV): add or update people by agency and `employee_ref`.
///
/// The body is `text/csv` (UTF-8, at most 16 MiB) with the header
/// `agency,population,employee_ref,name,role,start_date` (any column order;
/// an optional `active` column of `true`/`false` and an optional `town`
/// column, the Connecticut town of the office the person works from; without
/// such a column an existing person's value is kept). Empty `name`/`role`/`town`
/// cells clear them. Every row is checked first: when any row is invalid the
/// answer is a 422 listing every error as `{row, path, code, message}` (`row`
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
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A reporter whose account has no agency", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
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
    params: web::Query<ImportParams>,
    payload: web::Payload,
    pool: web::Data<DbPool>,
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
    match import_roster(conn, &text, &scope, dry_run, &Importer::http(&principal, &request_id), None).await? {
        Ok(report) => Ok(HttpResponse::Ok().json(report)),
        Err(errors) => Ok(import_rejected(errors)),
    }
}

/// The roster import of both `POST /v1/workforce/import` and `beacon import
/// workforce`: every row of `text` checked against `scope`, then (unless
/// `dry_run` or any row is wrong) every row written in one transaction with
/// its audit entry. `Ok(Err(_))` lists every row error; nothing was written.
pub async fn import_roster(
    conn: &mut AsyncPgConnection,
    text: &str,
    scope: &AgencyScope,
    dry_run: bool,
    importer: &Importer,
    mut progress: OnProgress<'_>,
) -> Result<Result<ImportReport, Vec<RowError>>, diesel::result::Error> {
    let parsed = match parse(without_bom(text), scope, &mut progress) {
        Ok(p) => p,
        Err(errors) => return Ok(Err(errors)),
    };
    conn.transaction(async |conn| {
        let agencies: Vec<String> = parsed.people.iter().map(|p| p.agency.clone()).collect::<HashSet<_>>().into_iter().collect();
        let existing = store::existing_refs(conn, &agencies).await?;
        let updated = parsed
            .people
            .iter()
            .filter(|p| existing.contains(&(p.agency.clone(), p.employee_ref.clone())))
            .count();
        let report = ImportReport {
            dry_run,
            rows: parsed.people.len(),
            created: parsed.people.len() - updated,
            updated,
        };
        if dry_run || parsed.people.is_empty() {
            return Ok(Ok(report));
        }
        let mut written = 0;
        for chunk in parsed.people.chunks(IMPORT_CHUNK) {
            store::upsert_people(conn, chunk, parsed.carried).await?;
            written += chunk.len();
            report_progress(&mut progress, ImportStage::Written, written, parsed.people.len());
        }
        let mut agencies = agencies;
        agencies.sort();
        let reason = format!("rows={} created={} updated={}", report.rows, report.created, report.updated);
        audit::append(conn, importer.event("workforce.import", "workforce", agencies.join(","), reason)).await?;
        Ok::<_, diesel::result::Error>(Ok(report))
    })
    .await
}

