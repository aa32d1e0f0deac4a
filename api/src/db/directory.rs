//! The provider directory: organisations, services, locations, service areas
//! and funding (Raised Bill 5476, Sec. 1(e), 8(b)(5)), after Open Referral HSDS 3.1.
//!
//! A service's `version` is its ETag: every write bumps it, and a write that
//! names a stale version changes nothing.

use super::schema::{
    directory_funding, directory_locations, directory_organizations, directory_service_areas,
    directory_service_at_location, directory_services,
};
use chrono::{DateTime, Months, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// How long a verification stays current.
pub const VERIFICATION_MONTHS: u32 = 12;

// ---------------------------------------------------------------- organizations

#[derive(Debug, Insertable)]
#[diesel(table_name = directory_organizations)]
pub struct NewOrganization {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub email: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = directory_organizations)]
pub struct OrganizationRow {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub email: Option<String>,
    pub url: Option<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert_organization(conn: &mut AsyncPgConnection, new: &NewOrganization) -> QueryResult<OrganizationRow> {
    diesel::insert_into(directory_organizations::table)
        .values(new)
        .returning(OrganizationRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn organization_exists(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(directory_organizations::table.find(id)))
        .get_result(conn)
        .await
}

// ---------------------------------------------------------------- services

#[derive(Debug, Insertable)]
#[diesel(table_name = directory_services)]
pub struct NewService {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub description: String,
    pub status: String,
    pub categories: Vec<String>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub populations: Vec<String>,
    pub languages: Vec<String>,
    pub capacity_unit: Option<String>,
    pub capacity_available: Option<i32>,
    pub capacity_total: Option<i32>,
    pub capacity_updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = directory_locations)]
pub struct NewLocation {
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

#[derive(Debug, Insertable)]
#[diesel(table_name = directory_funding)]
pub struct NewFunding {
    pub id: Uuid,
    pub service_id: Uuid,
    pub source: String,
    pub amount_cents: i64,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = directory_services)]
pub struct ServiceRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub description: String,
    /// `active inactive defunct temporarily_closed`.
    pub status: String,
    /// Foundation service codes (GET /v1/codes, list `service`).
    pub categories: Vec<String>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub populations: Vec<String>,
    pub languages: Vec<String>,
    pub capacity_unit: Option<String>,
    pub capacity_available: Option<i32>,
    pub capacity_total: Option<i32>,
    pub capacity_updated_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    pub verified_by: Option<String>,
    /// `site_visit phone document_review`.
    pub verification_method: Option<String>,
    /// The provider attests its staff completed trafficking training.
    pub training_attested: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The ETag (`"<version>"`); bumped by every write.
    pub version: i32,
}

/// When a verification made at `verified_at` falls due.
pub fn next_verification_due(verified_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    verified_at.and_then(|v| v.checked_add_months(Months::new(VERIFICATION_MONTHS)))
}

/// A service with its vetting state as of `now`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceView {
    #[serde(flatten)]
    pub service: ServiceRow,
    /// Verified within the last 12 months and training attested.
    pub vetted: bool,
    /// `verified_at` + 12 months; `null` when never verified.
    pub next_verification_due: Option<DateTime<Utc>>,
}

impl ServiceView {
    pub fn new(service: ServiceRow, now: DateTime<Utc>) -> Self {
        let due = next_verification_due(service.verified_at);
        let vetted = service.training_attested && due.is_some_and(|d| d > now);
        Self { service, vetted, next_verification_due: due }
    }
}

/// Writes a service with its locations, service areas and funding.
pub async fn insert_service(
    conn: &mut AsyncPgConnection,
    service: &NewService,
    locations: &[NewLocation],
    areas: &[String],
    funding: &[NewFunding],
) -> QueryResult<ServiceRow> {
    let row = diesel::insert_into(directory_services::table)
        .values(service)
        .returning(ServiceRow::as_returning())
        .get_result(conn)
        .await?;
    if !locations.is_empty() {
        diesel::insert_into(directory_locations::table).values(locations).execute(conn).await?;
        let links: Vec<_> = locations
            .iter()
            .map(|l| {
                (
                    directory_service_at_location::id.eq(Uuid::new_v4()),
                    directory_service_at_location::service_id.eq(service.id),
                    directory_service_at_location::location_id.eq(l.id),
                )
            })
            .collect();
        diesel::insert_into(directory_service_at_location::table).values(links).execute(conn).await?;
    }
    if !areas.is_empty() {
        let rows: Vec<_> = areas
            .iter()
            .map(|t| (directory_service_areas::service_id.eq(service.id), directory_service_areas::town.eq(t)))
            .collect();
        diesel::insert_into(directory_service_areas::table).values(rows).execute(conn).await?;
    }
    if !funding.is_empty() {
        diesel::insert_into(directory_funding::table).values(funding).execute(conn).await?;
    }
    Ok(row)
}

pub async fn get_service(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<ServiceRow>> {
    directory_services::table
        .find(id)
        .select(ServiceRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Changes to a service; `None` leaves a column alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = directory_services)]
pub struct ServiceChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub status: Option<String>,
    pub categories: Option<Vec<String>>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub populations: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub capacity_unit: Option<String>,
    pub capacity_available: Option<i32>,
    pub capacity_total: Option<i32>,
    pub capacity_updated_at: Option<DateTime<Utc>>,
}

/// Applies `changes` if the service is still at `version`; `None` when it is
/// not (stale, or gone).
pub async fn update_service(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    version: i32,
    changes: &ServiceChanges,
    now: DateTime<Utc>,
) -> QueryResult<Option<ServiceRow>> {
    diesel::update(
        directory_services::table
            .filter(directory_services::id.eq(id))
            .filter(directory_services::version.eq(version)),
    )
    .set((
        changes,
        directory_services::version.eq(directory_services::version + 1),
        directory_services::updated_at.eq(now),
    ))
    .returning(ServiceRow::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Records a verification. `None` when the service does not exist.
pub async fn verify_service(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    method: &str,
    training_attested: bool,
    verified_by: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<ServiceRow>> {
    diesel::update(directory_services::table.find(id))
        .set((
            directory_services::verified_at.eq(now),
            directory_services::verified_by.eq(verified_by),
            directory_services::verification_method.eq(method),
            directory_services::training_attested.eq(training_attested),
            directory_services::version.eq(directory_services::version + 1),
            directory_services::updated_at.eq(now),
        ))
        .returning(ServiceRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Services not defunct whose verification is due by `by` (never verified,
/// or verified on or before `by` − 12 months), the longest overdue first.
pub async fn verification_due(conn: &mut AsyncPgConnection, by: DateTime<Utc>) -> QueryResult<Vec<(ServiceRow, String)>> {
    let cutoff = by.checked_sub_months(Months::new(VERIFICATION_MONTHS)).unwrap_or(by);
    directory_services::table
        .inner_join(directory_organizations::table)
        .filter(directory_services::status.ne("defunct"))
        .filter(
            directory_services::verified_at
                .is_null()
                .or(directory_services::verified_at.le(cutoff)),
        )
        .order((directory_services::verified_at.asc().nulls_first(), directory_services::id))
        .select((ServiceRow::as_select(), directory_organizations::name))
        .load(conn)
        .await
}

// ---------------------------------------------------------------- public reads (HSDS)

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
    Ok(Linked { organizations, at_locations, areas, funding })
}

/// Organisations, filtered by name/description and modification time.
pub async fn page_organizations(
    conn: &mut AsyncPgConnection,
    search: Option<&str>,
    modified_after: Option<DateTime<Utc>>,
    offset: i64,
    limit: i64,
) -> QueryResult<(i64, Vec<OrganizationRow>)> {
    use directory_organizations::dsl as o;
    let build = || {
        let mut q = directory_organizations::table.into_boxed();
        if let Some(search) = search {
            let p = contains_pattern(search);
            q = q.filter(o::name.ilike(p.clone()).or(o::description.ilike(p)));
        }
        if let Some(after) = modified_after {
            q = q.filter(o::updated_at.gt(after));
        }
        q
    };
    let total = build().count().get_result(conn).await?;
    let rows = build()
        .order((o::name, o::id))
        .offset(offset)
        .limit(limit)
        .select(OrganizationRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

pub async fn get_organization(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<OrganizationRow>> {
    directory_organizations::table
        .find(id)
        .select(OrganizationRow::as_select())
        .first(conn)
        .await
        .optional()
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

/// Every service that is `active`, with everything linked to it.
pub async fn active_services(conn: &mut AsyncPgConnection) -> QueryResult<(Vec<ServiceRow>, Linked)> {
    let rows = directory_services::table
        .filter(directory_services::status.eq("active"))
        .select(ServiceRow::as_select())
        .load(conn)
        .await?;
    let linked = linked(conn, &rows).await?;
    Ok((rows, linked))
}

/// Regions the demand is counted by: the region columns that incidents and
/// intake submissions store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionColumn {
    County,
    PlanningRegion,
    DcfRegion,
    JudicialDistrict,
}

impl RegionColumn {
    fn sql(self) -> &'static str {
        match self {
            RegionColumn::County => "county",
            RegionColumn::PlanningRegion => "planning_region",
            RegionColumn::DcfRegion => "dcf_region::text",
            RegionColumn::JudicialDistrict => "judicial_district",
        }
    }
}

/// A count of needs for one service code in one region.
#[derive(Debug, Clone, QueryableByName)]
pub struct Demand {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub region: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub code: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// Victims needing each service, in incidents that occurred between `from`
/// and `to` (inclusive), by region.
pub async fn victim_demand(conn: &mut AsyncPgConnection, region: RegionColumn, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<Demand>> {
    let col = region.sql();
    diesel::sql_query(format!(
        "SELECT i.{col} AS region, need AS code, count(*) AS n \
         FROM victims v JOIN incidents i ON i.id = v.incident_id, unnest(v.services_needed) AS need \
         WHERE i.incident_date BETWEEN $1 AND $2 AND i.{col} IS NOT NULL GROUP BY 1, 2"
    ))
    .bind::<diesel::sql_types::Date, _>(from)
    .bind::<diesel::sql_types::Date, _>(to)
    .load(conn)
    .await
}

/// Needs named in intake submissions received between `from` and `to`
/// (inclusive, UTC days), by region.
pub async fn intake_demand(conn: &mut AsyncPgConnection, region: RegionColumn, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<Demand>> {
    let col = region.sql();
    diesel::sql_query(format!(
        "SELECT s.{col} AS region, need AS code, count(*) AS n \
         FROM intake_submissions s, unnest(s.needs) AS need \
         WHERE s.received_at >= $1::date AND s.received_at < ($2::date + 1) AND s.{col} IS NOT NULL GROUP BY 1, 2"
    ))
    .bind::<diesel::sql_types::Date, _>(from)
    .bind::<diesel::sql_types::Date, _>(to)
    .load(conn)
    .await
}
