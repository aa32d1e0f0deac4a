//! The roster import of `POST /v1/workforce/import` and `beacon import workforce`.

use super::{read_csv_rows, report_progress, without_bom, ImportStage, Importer, OnProgress, RowError};
use crate::db::training::{self as store, AgencyScope, NewPerson, RosterColumns, IMPORT_CHUNK};
use crate::security::audit;
use beacon_core::training::person::{check_provider_link, check_roster_row, PersonFields, RosterFile};
use beacon_core::{ErrorCode, ValidationError};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use std::collections::HashSet;
use utoipa::ToSchema;

/// Columns every roster must have.
const REQUIRED: [&str; 4] = ["agency", "population", "employee_ref", "start_date"];
/// Columns a roster may have.
/// `provider` names a DCF-contracted provider on file (`GET /v1/training/providers`)
/// for a `dcf_contracted_provider` row; empty unlinks.
const OPTIONAL: [&str; 5] = ["name", "role", "active", "town", "provider"];

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

/// A roster's rows, checked and ready to write ([`parse_roster`]).
pub struct Parsed {
    people: Vec<NewPerson>,
    /// Each person's file row and `provider` cell, in `people`'s order.
    providers: Vec<(u64, Option<String>)>,
    carried: RosterColumns,
}

/// Every row checked; all errors, or the rows to write.
fn parse(text: &str, scope: &AgencyScope, progress: &mut OnProgress<'_>) -> Result<Parsed, Vec<RowError>> {
    let mut people = Vec::new();
    let mut providers = Vec::new();
    let mut file = RosterFile::default();
    let (errors, columns) = read_csv_rows(text, &REQUIRED, &OPTIONAL, "agency,population,employee_ref,name,role,start_date", progress, |row, cells| {
        let mut row_errors = Vec::new();
        let checked = check_roster_row(
            PersonFields {
                agency: cells.cell("agency"),
                population: cells.cell("population"),
                employee_ref: cells.cell("employee_ref"),
                name: cells.optional("name"),
                role: cells.optional("role"),
                start_date: cells.cell("start_date"),
                active: None,
                town: cells.optional("town"),
            },
            cells.optional("active"),
        );
        match checked {
            Err(e) => row_errors.extend(e),
            Ok(person) => {
                if !scope.covers(&person.agency) {
                    row_errors.push(ValidationError::new("/agency", ErrorCode::NotAllowed, "A reporter imports only its own agency's workforce."));
                }
                if let Err(e) = file.admit(&person, row) {
                    row_errors.push(e);
                }
                let provider = cells.optional("provider").map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
                if provider.is_some() {
                    check_provider_link(person.population, true, &mut row_errors);
                }
                if row_errors.is_empty() {
                    people.push(NewPerson::new(person));
                    providers.push((row, provider));
                }
            }
        }
        row_errors
    })?;
    if errors.is_empty() {
        Ok(Parsed {
            people,
            providers,
            carried: RosterColumns {
                active: columns.contains_key("active"),
                town: columns.contains_key("town"),
                provider: columns.contains_key("provider"),
            },
        })
    } else {
        Err(errors)
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
    match parse_roster(text, scope, &mut progress) {
        Ok(parsed) => write_roster(conn, parsed, dry_run, importer, progress).await,
        Err(errors) => Ok(Err(errors)),
    }
}

/// The CPU-bound half of [`import_roster`]: reads and checks every row, touching no database,
/// so the HTTP route runs it on the blocking pool (`web::block`) rather than on an async worker.
pub fn parse_roster(text: &str, scope: &AgencyScope, progress: &mut OnProgress<'_>) -> Result<Parsed, Vec<RowError>> {
    parse(without_bom(text), scope, progress)
}

/// The database half of [`import_roster`], given [`parse_roster`]'s rows.
pub async fn write_roster(
    conn: &mut AsyncPgConnection,
    mut parsed: Parsed,
    dry_run: bool,
    importer: &Importer,
    mut progress: OnProgress<'_>,
) -> Result<Result<ImportReport, Vec<RowError>>, diesel::result::Error> {
    conn.transaction(async |conn| {
        if parsed.carried.provider {
            let known: std::collections::HashMap<String, uuid::Uuid> =
                store::list_providers(conn).await?.into_iter().map(|p| (p.name, p.id)).collect();
            let mut errors = Vec::new();
            for (person, (row, name)) in parsed.people.iter_mut().zip(&parsed.providers) {
                person.provider_id = match name {
                    None => None,
                    Some(name) => match known.get(name) {
                        Some(id) => Some(*id),
                        None => {
                            errors.push(super::row_error(*row, ValidationError::new("/provider", ErrorCode::UnknownCode,
                                "No contracted provider has this name (see GET /v1/training/providers).")));
                            None
                        }
                    },
                };
            }
            if !errors.is_empty() {
                return Ok(Err(super::capped(errors)));
            }
        }
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
            store::upsert_people(conn, chunk, parsed.carried, importer.at).await?;
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

