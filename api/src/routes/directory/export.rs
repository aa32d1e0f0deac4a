//! Exporting the directory: the import's CSV (so a file can be edited and
//! fed into another Beacon) or HSDS 3.1 JSON (for 211 and any HSDS tool).

use beacon_core::ValidationError;
use super::gap_outputs::safe_cell;
use crate::import::providers::{OPTIONAL, REQUIRED};
use crate::db::directory::{self as store, Linked, OrganizationRow, ServiceFilter};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::hsds::hsds_services;
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use beacon_core::ErrorCode;
use diesel_async::AsyncPgConnection;
use serde::Deserialize;
use std::collections::HashMap;
use tracing_actix_web::RequestId;
use utoipa::IntoParams;
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` (default; the import's columns, confidential addresses included)
    /// or `hsds` (HSDS 3.1 services, confidential addresses withheld).
    #[param(value_type = Option<crate::http::query::ExportFormat>, inline)]
    pub format: Option<String>,
}

/// The import's columns, in order.
fn columns() -> Vec<&'static str> {
    REQUIRED.iter().chain(OPTIONAL.iter()).copied().collect()
}

fn csv(rows: &[store::ServiceRow], linked: &Linked) -> Result<String, ApiError> {
    let orgs: HashMap<Uuid, &OrganizationRow> = linked.organizations.iter().map(|o| (o.id, o)).collect();
    let cols = columns();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&cols).map_err(ApiError::internal)?;
    for s in rows {
        let org = orgs.get(&s.organization_id);
        let location = linked.at_locations.iter().find(|(l, _)| l.service_id == s.id).map(|(_, loc)| loc);
        let funding = linked.funding.iter().find(|f| f.service_id == s.id);
        let phones: Vec<&store::PhoneRow> = linked.phones.iter().filter(|p| p.service_id == s.id).collect();
        let areas: Vec<&str> = linked.areas.iter().filter(|(id, _)| *id == s.id).map(|(_, t)| t.as_str()).collect();
        let opt = |v: Option<String>| v.unwrap_or_default();
        let cell = |name: &str| -> String {
            match name {
                "organization_name" => org.map(|o| o.name.clone()).unwrap_or_default(),
                "service_name" => s.name.clone(),
                "categories" => s.categories.join(";"),
                "id" => s.id.to_string(),
                "organization_description" => org.map(|o| o.description.clone()).unwrap_or_default(),
                "organization_email" => opt(org.and_then(|o| o.email.clone())),
                "organization_url" => opt(org.and_then(|o| o.url.clone())),
                "description" => s.description.clone(),
                "status" => s.status.clone(),
                "min_age" => opt(s.min_age.map(|v| v.to_string())),
                "max_age" => opt(s.max_age.map(|v| v.to_string())),
                "populations" => s.populations.join(";"),
                "languages" => s.languages.join(";"),
                "capacity_unit" => opt(s.capacity_unit.clone()),
                "capacity_available" => opt(s.capacity_available.map(|v| v.to_string())),
                "capacity_total" => opt(s.capacity_total.map(|v| v.to_string())),
                "service_areas" => areas.join(";"),
                "location_name" => opt(location.map(|l| l.name.clone())),
                "location_confidential" => opt(location.map(|l| l.confidential.to_string())),
                "address_1" => opt(location.and_then(|l| l.address_1.clone())),
                "city" => opt(location.map(|l| l.city.clone())),
                "postal_code" => opt(location.and_then(|l| l.postal_code.clone())),
                "town" => opt(location.map(|l| l.town.clone())),
                "latitude" => opt(location.and_then(|l| l.latitude).map(|v| v.to_string())),
                "longitude" => opt(location.and_then(|l| l.longitude).map(|v| v.to_string())),
                "phones" => phones.iter().map(|p| p.number.as_str()).collect::<Vec<_>>().join(";"),
                "phone_type" => opt(phones.first().map(|p| p.phone_type.clone())),
                "funding_source" => opt(funding.map(|f| f.source.clone())),
                "funding_amount_cents" => opt(funding.and_then(|f| f.amount_cents).map(|v| v.to_string())),
                "funding_period_start" => opt(funding.and_then(|f| f.period_start).map(|v| v.to_string())),
                "funding_period_end" => opt(funding.and_then(|f| f.period_end).map(|v| v.to_string())),
                _ => String::new(),
            }
        };
        w.write_record(cols.iter().map(|c| safe_cell(&cell(c)))).map_err(ApiError::internal)?;
    }
    String::from_utf8(w.into_inner().map_err(ApiError::internal)?).map_err(ApiError::internal)
}

/// Export every service of the directory, as the import's CSV (one row per
/// service: its first location and first funding line, all its phones;
/// confidential addresses included, so the export is audited) or as an
/// array of HSDS 3.1 services (the public rendering: confidential addresses
/// withheld).
#[utoipa::path(
    tag = "directory",
    params(ExportParams),
    responses(
        (status = 200, description = "The import's CSV (the default); with `format=hsds`, HSDS services as JSON",
            content((String = "text/csv"), (Vec<crate::hsds::HsdsService> = "application/json"))),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/directory/export")]
pub async fn export(
    principal: Principal,
    request_id: RequestId,
    params: crate::http::query::Query<ExportParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let hsds = match params.format.as_deref() {
        None | Some("csv") => false,
        Some("hsds") => true,
        Some(_) => return Err(ApiError::BadQuery(vec![ValidationError::new("/format", ErrorCode::UnknownCode, "Must be `csv` or `hsds`.")])),
    };
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let rows = store::page_services(conn, &ServiceFilter::default(), 0, i64::MAX).await?;
    if hsds {
        let services = hsds_services(conn, rows).await?;
        return Ok(HttpResponse::Ok().json(services));
    }
    let linked = store::linked(conn, &rows).await?;
    let body = csv(&rows, &linked)?;
    let mut event = Event::by(&principal, &request_id, "directory.export", "directory_service", Uuid::nil());
    event.resource_id = None;
    event.reason = Some(format!("format=csv services={}", rows.len()));
    audit::append(conn, event).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"directory.csv\""))
        .body(body))
}
