//! Importing providers: a CSV (one service per row) or HSDS 3.1 JSON (an
//! array of services, or an HSDS page with `contents`, so another
//! directory's `GET /hsds/services` can be fed straight in).
//!
//! Every row is turned into the same [`ServiceInput`] / [`OrganizationInput`]
//! the JSON endpoints take and checked by the same functions, so an import
//! accepts exactly what the endpoints accept. Every row is checked before
//! anything is written; one bad row and nothing is written, with every
//! error listed by row. The HTTP route and `beacon import providers` share
//! [`import_providers`] (the handler is `routes::directory::import`).

use beacon_core::directory::location::LocationInput;
use beacon_core::directory::organization::{self, OrganizationInput};
use beacon_core::directory::service::{self, CapacityInput, FundingInput, PhoneInput, ServiceInput};
use crate::db::directory::{self as store, NewOrganization, ServiceRows};
use super::{read_csv_rows, report_progress, row_error, without_bom, ImportStage, Importer, OnProgress, RowError};
use crate::security::audit;
use beacon_core::{ErrorCode, ValidationError};
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use uuid::Uuid;

/// What a provider file is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderFormat {
    Csv,
    Hsds,
}

/// Columns every provider CSV must have.
pub const REQUIRED: [&str; 3] = ["organization_name", "service_name", "categories"];
/// Columns a provider CSV may have. List cells (`categories`, `populations`,
/// `languages`, `service_areas`, `phones`) separate their items with `;`.
pub const OPTIONAL: [&str; 28] = [
    "id",
    "organization_description",
    "organization_email",
    "organization_url",
    "description",
    "status",
    "min_age",
    "max_age",
    "populations",
    "languages",
    "capacity_unit",
    "capacity_available",
    "capacity_total",
    "service_areas",
    "location_name",
    "location_confidential",
    "address_1",
    "city",
    "postal_code",
    "town",
    "latitude",
    "longitude",
    "phones",
    "phone_type",
    "funding_source",
    "funding_amount_cents",
    "funding_period_start",
    "funding_period_end",
];

/// What an import did (or, with `dry_run`, would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderImportReport {
    pub dry_run: bool,
    /// Services in the file.
    pub rows: usize,
    pub services_created: usize,
    /// Organizations added (a name not yet in the directory).
    pub organizations_created: usize,
    /// Rows whose organization was already in the directory (same name,
    /// ignoring case), linked to it unchanged.
    pub organizations_matched: usize,
}

/// One service as read from a file, before the rules.
struct Item {
    row: u64,
    organization: OrganizationInput,
    service_id: Option<Uuid>,
    service: ServiceInput,
    /// Paths of the reader (`/min_age` not a number, …), already mapped.
    errors: Vec<ValidationError>,
}

// ---------------------------------------------------------------- CSV

fn list(cell: &str) -> Vec<String> {
    cell.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn int(cell: &str, path: &str, errors: &mut Vec<ValidationError>) -> Option<i64> {
    if cell.is_empty() {
        return None;
    }
    let parsed = cell.parse::<i64>().ok();
    if parsed.is_none() {
        errors.push(ValidationError::new(path, ErrorCode::InvalidType, "Must be a whole number."));
    }
    parsed
}

fn float(cell: &str, path: &str, errors: &mut Vec<ValidationError>) -> Option<f64> {
    if cell.is_empty() {
        return None;
    }
    let parsed = cell.parse::<f64>().ok().filter(|v| v.is_finite());
    if parsed.is_none() {
        errors.push(ValidationError::new(path, ErrorCode::InvalidType, "Must be a number."));
    }
    parsed
}

/// A service path of [`service::check`] as the CSV column it came from.
fn csv_path(path: &str) -> String {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let column = match parts.as_slice() {
        ["capacity", field] => format!("capacity_{field}"),
        ["locations", _, "name"] => "location_name".into(),
        ["locations", _, "confidential"] => "location_confidential".into(),
        ["locations", _, field] => (*field).to_string(),
        ["funding", _, "source"] => "funding_source".into(),
        ["funding", _, field] => format!("funding_{field}"),
        ["phones", _, "type"] => "phone_type".into(),
        ["phones", ..] => "phones".into(),
        ["organization", field] => format!("organization_{field}"),
        [first, ..] => (*first).to_string(),
        [] => String::new(),
    };
    if column.is_empty() { String::new() } else { format!("/{column}") }
}

/// A leading `'` before `= + - @` is the export's guard against spreadsheet
/// formulas (and what a spreadsheet writes for "text"): not part of the value.
fn unguarded(v: &str) -> &str {
    v.strip_prefix('\'').filter(|rest| rest.starts_with(['=', '+', '-', '@'])).unwrap_or(v)
}

fn read_csv(text: &str, progress: &mut OnProgress<'_>) -> Result<Vec<Item>, Vec<RowError>> {
    let mut items = Vec::new();
    let (errors, _) = read_csv_rows(text, &REQUIRED, &OPTIONAL, "organization_name,service_name,categories,…", progress, |row, cells| {
        let cell = |name: &str| unguarded(cells.cell(name));
        let optional = |name: &str| -> Option<String> { cells.optional(name).map(|v| unguarded(v).to_string()) };
        let mut read_errors = Vec::new();
        let service_id = optional("id").and_then(|v| {
            let id = Uuid::parse_str(&v).ok();
            if id.is_none() {
                read_errors.push(ValidationError::new("/id", ErrorCode::Format, "Must be a UUID (or empty for a new one)."));
            }
            id
        });
        let confidential = match cell("location_confidential") {
            "" | "false" => false,
            "true" => true,
            _ => {
                read_errors.push(ValidationError::new("/location_confidential", ErrorCode::InvalidType, "Must be `true` or `false` (or empty)."));
                false
            }
        };
        let location = optional("town").map(|town| LocationInput {
            name: optional("location_name").unwrap_or_else(|| cell("service_name").to_string()),
            confidential,
            address_1: optional("address_1"),
            city: optional("city"),
            postal_code: optional("postal_code"),
            town,
            latitude: float(cell("latitude"), "/latitude", &mut read_errors),
            longitude: float(cell("longitude"), "/longitude", &mut read_errors),
        });
        if location.is_none() && ["location_name", "address_1", "city", "postal_code"].iter().any(|c| !cell(c).is_empty()) {
            read_errors.push(ValidationError::new("/town", ErrorCode::Required, "A location needs its Connecticut town."));
        }
        let capacity = match (optional("capacity_unit"), int(cell("capacity_available"), "/capacity_available", &mut read_errors)) {
            (Some(unit), Some(available)) => Some(CapacityInput {
                unit,
                available,
                total: int(cell("capacity_total"), "/capacity_total", &mut read_errors),
            }),
            (None, None) if cell("capacity_total").is_empty() => None,
            _ => {
                read_errors.push(ValidationError::new("/capacity_unit", ErrorCode::Required, "Capacity needs capacity_unit and capacity_available together."));
                None
            }
        };
        let funding = optional("funding_source").map(|source| FundingInput {
            source,
            amount_cents: int(cell("funding_amount_cents"), "/funding_amount_cents", &mut read_errors),
            period_start: optional("funding_period_start"),
            period_end: optional("funding_period_end"),
        });
        let phone_type = optional("phone_type");
        let phones = list(cell("phones"))
            .into_iter()
            .map(|number| PhoneInput { number, phone_type: phone_type.clone(), extension: None, description: None })
            .collect();
        let service = ServiceInput {
            organization_id: Uuid::nil(),
            name: cell("service_name").to_string(),
            description: optional("description"),
            status: optional("status"),
            categories: list(cell("categories")),
            min_age: int(cell("min_age"), "/min_age", &mut read_errors),
            max_age: int(cell("max_age"), "/max_age", &mut read_errors),
            populations: list(cell("populations")),
            languages: list(cell("languages")),
            capacity,
            locations: location.into_iter().collect(),
            service_areas: list(cell("service_areas")),
            funding: funding.into_iter().collect(),
            phones,
        };
        let organization = OrganizationInput {
            name: cell("organization_name").to_string(),
            description: optional("organization_description"),
            email: optional("organization_email"),
            url: optional("organization_url"),
        };
        items.push(Item { row, organization, service_id, service, errors: read_errors });
        // This row's errors join the rules' in `check`, so they are listed together.
        Vec::new()
    })?;
    if errors.is_empty() { Ok(items) } else { Err(errors) }
}

// ---------------------------------------------------------------- HSDS JSON

/// The parts of an HSDS 3.1 service Beacon stores; other members are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HsdsIn {
    id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    status: Option<String>,
    minimum_age: Option<f64>,
    maximum_age: Option<f64>,
    organization: Option<HsdsOrgIn>,
    service_areas: Vec<HsdsNamed>,
    service_at_locations: Vec<HsdsSalIn>,
    languages: Vec<HsdsLanguageIn>,
    funding: Vec<HsdsFundingIn>,
    phones: Vec<HsdsPhoneIn>,
    attributes: Vec<HsdsAttributeIn>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HsdsOrgIn {
    name: Option<String>,
    description: Option<String>,
    email: Option<String>,
    website: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HsdsNamed {
    name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HsdsSalIn {
    location: Option<HsdsLocationIn>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HsdsLocationIn {
    name: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    addresses: Vec<HsdsAddressIn>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HsdsAddressIn {
    address_1: Option<String>,
    city: Option<String>,
    postal_code: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HsdsLanguageIn {
    code: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HsdsFundingIn {
    source: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HsdsPhoneIn {
    number: Option<String>,
    #[serde(rename = "type")]
    phone_type: Option<String>,
    extension: Option<f64>,
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HsdsAttributeIn {
    value: Option<String>,
    taxonomy_term: Option<HsdsTermIn>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HsdsTermIn {
    code: Option<String>,
}

/// A service path of [`service::check`] as the HSDS member it came from.
fn hsds_path(path: &str) -> String {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["min_age"] => "/minimum_age".into(),
        ["max_age"] => "/maximum_age".into(),
        ["categories", rest @ ..] => format!("/attributes{}", rest.iter().map(|r| format!("/{r}")).collect::<String>()),
        ["locations", i, "town" | "city" | "address_1" | "postal_code"] => format!("/service_at_locations/{i}/location/addresses/0/city"),
        ["locations", i, field] => format!("/service_at_locations/{i}/location/{field}"),
        ["organization", field] => format!("/organization/{}", if *field == "url" { "website" } else { field }),
        _ => path.to_string(),
    }
}

fn read_hsds(text: &str, progress: &mut OnProgress<'_>) -> Result<Vec<Item>, Vec<RowError>> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| vec![row_error(1, ValidationError::new("", ErrorCode::InvalidJson, format!("Not valid JSON (line {}, column {}).", e.line(), e.column())))])?;
    let list = match value {
        Value::Array(items) => items,
        Value::Object(mut page) => match page.remove("contents") {
            Some(Value::Array(items)) => items,
            _ => return Err(vec![row_error(1, ValidationError::new("", ErrorCode::InvalidType, "Must be an array of HSDS services, or an HSDS page with `contents`."))]),
        },
        _ => return Err(vec![row_error(1, ValidationError::new("", ErrorCode::InvalidType, "Must be an array of HSDS services, or an HSDS page with `contents`."))]),
    };
    let total = list.len();
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (i, v) in list.into_iter().enumerate() {
        let row = i as u64 + 1;
        if let Some(at) = beacon_core::contract::text::first_control(&v) {
            errors.push(row_error(row, beacon_core::contract::text::refused(at.as_str())));
            continue;
        }
        let s: HsdsIn = match serde_json::from_value(v) {
            Ok(s) => s,
            Err(e) => {
                errors.push(row_error(row, ValidationError::new("", ErrorCode::InvalidType, format!("Not an HSDS service: {e}."))));
                continue;
            }
        };
        let mut read_errors = Vec::new();
        let service_id = s.id.as_deref().and_then(|v| {
            let id = Uuid::parse_str(v).ok();
            if id.is_none() {
                read_errors.push(ValidationError::new("/id", ErrorCode::Format, "Must be a UUID."));
            }
            id
        });
        let whole = |v: Option<f64>, path: &str, errors: &mut Vec<ValidationError>| {
            v.and_then(|n| {
                if n.fract() == 0.0 && n.abs() < 1e12 {
                    Some(n as i64)
                } else {
                    errors.push(ValidationError::new(path, ErrorCode::InvalidType, "Must be a whole number."));
                    None
                }
            })
        };
        let min_age = whole(s.minimum_age, "/minimum_age", &mut read_errors);
        let max_age = whole(s.maximum_age, "/maximum_age", &mut read_errors);
        let org = s.organization.unwrap_or_default();
        if org.name.is_none() {
            read_errors.push(ValidationError::new("/organization/name", ErrorCode::Required, "Each service needs its organization (with a name)."));
        }
        let locations = s
            .service_at_locations
            .into_iter()
            .map(|sal| {
                let loc = sal.location.unwrap_or_default();
                let address = loc.addresses.into_iter().next().unwrap_or_default();
                // HSDS has no town; a Connecticut address's city is its town.
                let town = address.city.clone().unwrap_or_default();
                LocationInput {
                    name: loc.name.unwrap_or_else(|| town.clone()),
                    confidential: false,
                    address_1: address.address_1.filter(|a| !a.is_empty()),
                    city: address.city,
                    postal_code: address.postal_code.filter(|p| !p.is_empty()),
                    town,
                    latitude: loc.latitude,
                    longitude: loc.longitude,
                }
            })
            .collect();
        let categories = s
            .attributes
            .into_iter()
            .filter_map(|a| a.taxonomy_term.and_then(|t| t.code).or(a.value))
            .collect();
        let status = s.status.map(|st| if st == "temporarily closed" { "temporarily_closed".to_string() } else { st });
        let service = ServiceInput {
            organization_id: Uuid::nil(),
            name: s.name.unwrap_or_default(),
            description: s.description.filter(|d| !d.is_empty()),
            status,
            categories,
            min_age,
            max_age,
            populations: Vec::new(),
            languages: s.languages.into_iter().filter_map(|l| l.code).collect(),
            capacity: None,
            locations,
            service_areas: s.service_areas.into_iter().filter_map(|a| a.name).collect(),
            funding: s
                .funding
                .into_iter()
                .filter_map(|f| f.source)
                .map(|source| FundingInput { source, amount_cents: None, period_start: None, period_end: None })
                .collect(),
            phones: s
                .phones
                .into_iter()
                .map(|p| PhoneInput {
                    number: p.number.unwrap_or_default(),
                    phone_type: p.phone_type,
                    extension: p.extension.map(|e| format!("{e:.0}")),
                    description: p.description,
                })
                .collect(),
        };
        let organization = OrganizationInput {
            name: org.name.unwrap_or_default(),
            description: org.description.filter(|d| !d.is_empty()),
            email: org.email,
            url: org.website,
        };
        items.push(Item { row, organization, service_id, service, errors: read_errors });
        report_progress(progress, ImportStage::Checked, items.len(), total);
    }
    if errors.is_empty() { Ok(items) } else { Err(errors) }
}

// ---------------------------------------------------------------- checking and writing

/// A provider file's services, checked and ready to write ([`parse_providers`]).
pub struct Checked {
    organizations: Vec<NewOrganization>,
    /// Per service: its row in the file, its rows, and the lower-cased organization name.
    services: Vec<(u64, ServiceRows, String)>,
}

fn check(items: Vec<Item>, format: ProviderFormat, now: DateTime<Utc>) -> Result<Checked, Vec<RowError>> {
    let map = |p: &str| match format {
        ProviderFormat::Csv => csv_path(p),
        ProviderFormat::Hsds => hsds_path(p),
    };
    let mut errors = Vec::new();
    let mut organizations: HashMap<String, NewOrganization> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut services = Vec::new();
    let mut seen_ids: HashMap<Uuid, u64> = HashMap::new();
    for item in items {
        let mut row_errors = item.errors;
        if let Some(id) = item.service_id {
            if let Some(first) = seen_ids.insert(id, item.row) {
                row_errors.push(ValidationError::new("/id", ErrorCode::Duplicate, format!("The id already appears on row {first}.")));
            }
        }
        let org = organization::check(&item.organization).map(|o| NewOrganization::new(Uuid::new_v4(), &o, now)).map_err(|es| {
            es.into_iter()
                .map(|e| ValidationError { path: map(&format!("/organization{}", e.path)), ..e })
                .collect::<Vec<_>>()
        });
        let id = item.service_id.unwrap_or_else(Uuid::new_v4);
        let service = service::check(&item.service, now).map(|s| ServiceRows::new(id, &s, now));
        match (org, service) {
            (Ok(org), Ok(rows)) if row_errors.is_empty() => {
                let key = org.name.to_lowercase();
                if !organizations.contains_key(&key) {
                    order.push(key.clone());
                    organizations.insert(key.clone(), org);
                }
                services.push((item.row, rows, key));
            }
            (org, service) => {
                row_errors.extend(org.err().into_iter().flatten());
                row_errors.extend(
                    service
                        .err()
                        .into_iter()
                        .flatten()
                        .map(|e| ValidationError { path: map(&e.path), ..e }),
                );
                errors.extend(row_errors.into_iter().map(|e| row_error(item.row, e)));
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(errors);
    }
    Ok(Checked {
        organizations: order.into_iter().filter_map(|k| organizations.remove(&k)).collect(),
        services,
    })
}

/// Checks every row of `text`, then (unless `dry_run`) writes it all in one
/// transaction. `Ok(Err(_))`: the rows' errors, nothing written.
pub async fn import_providers(
    conn: &mut AsyncPgConnection,
    text: &str,
    format: ProviderFormat,
    dry_run: bool,
    now: DateTime<Utc>,
    importer: &Importer,
    mut progress: OnProgress<'_>,
) -> Result<Result<ProviderImportReport, Vec<RowError>>, diesel::result::Error> {
    match parse_providers(text, format, now, &mut progress) {
        Ok(checked) => write_providers(conn, checked, dry_run, importer, progress).await,
        Err(errors) => Ok(Err(errors)),
    }
}

/// The CPU-bound half of [`import_providers`]: reads and checks every service, touching no
/// database, so the HTTP route runs it on the blocking pool (`web::block`). At most
/// [`super::MAX_ROW_ERRORS`] errors.
pub fn parse_providers(
    text: &str,
    format: ProviderFormat,
    now: DateTime<Utc>,
    progress: &mut OnProgress<'_>,
) -> Result<Checked, Vec<RowError>> {
    let text = without_bom(text);
    let items = match format {
        ProviderFormat::Csv => read_csv(text, progress),
        ProviderFormat::Hsds => read_hsds(text, progress),
    };
    items.and_then(|items| check(items, format, now)).map_err(super::capped)
}

/// The database half of [`import_providers`], given [`parse_providers`]' services.
pub async fn write_providers(
    conn: &mut AsyncPgConnection,
    checked: Checked,
    dry_run: bool,
    importer: &Importer,
    mut progress: OnProgress<'_>,
) -> Result<Result<ProviderImportReport, Vec<RowError>>, diesel::result::Error> {
    conn.transaction(async |conn| {
        // Ids already in the directory: an import adds services, it does not overwrite them.
        let ids: Vec<Uuid> = checked.services.iter().map(|(_, r, _)| r.service.id).collect();
        let taken: HashSet<Uuid> = store::existing_service_ids(conn, &ids).await?.into_iter().collect();
        if !taken.is_empty() {
            let errors = checked
                .services
                .iter()
                .filter(|(_, r, _)| taken.contains(&r.service.id))
                .map(|(row, _, _)| {
                    row_error(*row, ValidationError::new("/id", ErrorCode::Duplicate, "A service with this id is already in the directory; change it with PATCH /v1/directory/services/{id}."))
                })
                .collect();
            return Ok(Err(super::capped(errors)));
        }
        let names: Vec<String> = checked.organizations.iter().map(|o| o.name.to_lowercase()).collect();
        let existing: HashMap<String, Uuid> = store::organizations_by_lower_name(conn, &names).await?;
        let new_orgs: Vec<&NewOrganization> = checked
            .organizations
            .iter()
            .filter(|o| !existing.contains_key(&o.name.to_lowercase()))
            .collect();
        let mut org_of: HashMap<String, Uuid> = existing.clone();
        for o in &new_orgs {
            org_of.insert(o.name.to_lowercase(), o.id);
        }
        let report = ProviderImportReport {
            dry_run,
            rows: checked.services.len(),
            services_created: checked.services.len(),
            organizations_created: new_orgs.len(),
            organizations_matched: checked.services.iter().filter(|(_, _, k)| existing.contains_key(k)).count(),
        };
        if dry_run || checked.services.is_empty() {
            return Ok(Ok(report));
        }
        store::insert_organizations(conn, &new_orgs).await?;
        let mut services: Vec<ServiceRows> = Vec::with_capacity(checked.services.len());
        for (_, mut rows, key) in checked.services {
            let org = org_of.get(&key).copied().unwrap_or_default();
            rows.service.organization_id = org;
            for l in &mut rows.locations {
                l.organization_id = org;
            }
            services.push(rows);
        }
        let total = services.len();
        let mut written = 0;
        for chunk in services.chunks(store::IMPORT_CHUNK) {
            store::insert_services(conn, chunk).await?;
            written += chunk.len();
            report_progress(&mut progress, ImportStage::Written, written, total);
        }
        let reason = format!(
            "rows={} services_created={} organizations_created={}",
            report.rows, report.services_created, report.organizations_created
        );
        audit::append(conn, importer.event("directory.import", "directory_service", format!("{} services", report.rows), reason)).await?;
        Ok::<_, diesel::result::Error>(Ok(report))
    })
    .await
}
