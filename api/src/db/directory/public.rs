//! Reads for the public HSDS routes, the search and the export: services with everything linked to them.

use crate::db::schema::{directory_funding, directory_locations, directory_organizations, directory_phones, directory_service_areas, directory_service_at_location, directory_services};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;
use beacon_core::directory::location::Location;
use super::{OrganizationRow, ServiceRow};


#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = directory_locations)]
pub struct LocationRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub confidential: bool,
    pub address_1: Option<String>,
    pub city: String,
    pub postal_code: Option<String>,
    pub town: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = directory_service_at_location)]
pub struct ServiceAtLocationRow {
    pub id: Uuid,
    pub service_id: Uuid,
    pub location_id: Uuid,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = directory_funding)]
pub struct FundingRow {
    pub id: Uuid,
    pub service_id: Uuid,
    pub source: String,
    pub amount_cents: Option<i64>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
}

/// Filters on services, ANDed.
#[derive(Debug, Clone, Default)]
pub struct ServiceFilter {
    /// Matched against name and description, ignoring case.
    pub search: Option<String>,
    /// A service category code; `Some(None)` matches nothing (an unknown term).
    pub category: Option<Option<String>>,
    pub organization_id: Option<Uuid>,
    pub modified_after: Option<DateTime<Utc>>,
}

/// `value` as a `LIKE` pattern matching it anywhere.
pub fn contains_pattern(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

fn filtered(f: &ServiceFilter) -> directory_services::BoxedQuery<'static, diesel::pg::Pg> {
    use directory_services::dsl as s;
    let mut q = directory_services::table.into_boxed();
    if let Some(search) = &f.search {
        let p = contains_pattern(search);
        q = q.filter(s::name.ilike(p.clone()).or(s::description.ilike(p)));
    }
    match &f.category {
        None => {}
        Some(Some(code)) => q = q.filter(s::categories.contains(vec![code.clone()])),
        Some(None) => q = q.filter(s::id.is_null()),
    }
    if let Some(org) = f.organization_id {
        q = q.filter(s::organization_id.eq(org));
    }
    if let Some(after) = f.modified_after {
        q = q.filter(s::updated_at.gt(after));
    }
    q
}

pub async fn count_services(conn: &mut AsyncPgConnection, f: &ServiceFilter) -> QueryResult<i64> {
    filtered(f).count().get_result(conn).await
}

pub async fn page_services(conn: &mut AsyncPgConnection, f: &ServiceFilter, offset: i64, limit: i64) -> QueryResult<Vec<ServiceRow>> {
    filtered(f)
        .order((directory_services::name, directory_services::id))
        .offset(offset)
        .limit(limit)
        .select(ServiceRow::as_select())
        .load(conn)
        .await
}

/// The ids of every service the filter matches.
pub async fn service_ids(conn: &mut AsyncPgConnection, f: &ServiceFilter) -> QueryResult<Vec<Uuid>> {
    filtered(f).select(directory_services::id).load(conn).await
}

pub async fn services_by_id(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<ServiceRow>> {
    directory_services::table
        .filter(directory_services::id.eq_any(ids))
        .select(ServiceRow::as_select())
        .load(conn)
        .await
}

/// Everything linked to a set of services.
#[derive(Debug, Default)]
pub struct Linked {
    pub organizations: Vec<OrganizationRow>,
    pub at_locations: Vec<(ServiceAtLocationRow, LocationRow)>,
    pub areas: Vec<(Uuid, String)>,
    pub funding: Vec<FundingRow>,
    pub phones: Vec<PhoneRow>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = directory_phones)]
pub struct PhoneRow {
    pub id: Uuid,
    pub service_id: Uuid,
    pub number: String,
    pub phone_type: String,
    pub extension: Option<String>,
    pub description: Option<String>,
}

pub async fn linked(conn: &mut AsyncPgConnection, services: &[ServiceRow]) -> QueryResult<Linked> {
    let ids: Vec<Uuid> = services.iter().map(|s| s.id).collect();
    let org_ids: Vec<Uuid> = services.iter().map(|s| s.organization_id).collect();
    let organizations = directory_organizations::table
        .filter(directory_organizations::id.eq_any(&org_ids))
        .select(OrganizationRow::as_select())
        .load(conn)
        .await?;
    let at_locations = directory_service_at_location::table
        .inner_join(directory_locations::table)
        .filter(directory_service_at_location::service_id.eq_any(&ids))
        .order((directory_locations::name, directory_service_at_location::id))
        .select((ServiceAtLocationRow::as_select(), LocationRow::as_select()))
        .load(conn)
        .await?;
    let areas = directory_service_areas::table
        .filter(directory_service_areas::service_id.eq_any(&ids))
        .order(directory_service_areas::town)
        .load(conn)
        .await?;
    let funding = directory_funding::table
        .filter(directory_funding::service_id.eq_any(&ids))
        .order(directory_funding::period_start)
        .select(FundingRow::as_select())
        .load(conn)
        .await?;
    let mut phones: Vec<PhoneRow> = directory_phones::table
        .filter(directory_phones::service_id.eq_any(&ids))
        .select(PhoneRow::as_select())
        .load(conn)
        .await?;
    // In Rust, not SQL: the database's collation may ignore punctuation.
    phones.sort_by(|a, b| (a.service_id, &a.number).cmp(&(b.service_id, &b.number)));
    Ok(Linked { organizations, at_locations, areas, funding, phones })
}

/// Service-at-location links of the given services, a page of them.
pub async fn page_at_locations(
    conn: &mut AsyncPgConnection,
    service_ids: &[Uuid],
    offset: i64,
    limit: i64,
) -> QueryResult<(i64, Vec<ServiceAtLocationRow>)> {
    use directory_service_at_location::dsl as l;
    let total = l::directory_service_at_location
        .filter(l::service_id.eq_any(service_ids))
        .count()
        .get_result(conn)
        .await?;
    let rows = l::directory_service_at_location
        .filter(l::service_id.eq_any(service_ids))
        .order(l::id)
        .offset(offset)
        .limit(limit)
        .select(ServiceAtLocationRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

pub async fn get_at_location(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<ServiceAtLocationRow>> {
    directory_service_at_location::table
        .find(id)
        .select(ServiceAtLocationRow::as_select())
        .first(conn)
        .await
        .optional()
}

// ---------------------------------------------------------------- gap analysis

impl From<&LocationRow> for Location {
    fn from(row: &LocationRow) -> Self {
        Location {
            name: row.name.clone(),
            confidential: row.confidential,
            address_1: row.address_1.clone(),
            city: row.city.clone(),
            postal_code: row.postal_code.clone(),
            town: row.town.clone(),
            latitude: row.latitude,
            longitude: row.longitude,
        }
    }
}
