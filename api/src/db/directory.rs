//! The provider directory: organizations, services, locations, service areas
//! and funding (Raised Bill 5476, Sec. 1(e), 8(b)(5)), after Open Referral HSDS 3.1.
//!
//! A service's `version` is its ETag: every write bumps it, and a write that
//! names a stale version changes nothing.

use super::schema::{
    directory_funding, directory_locations, directory_organizations, directory_phones, directory_referrals,
    directory_service_areas, directory_service_at_location, directory_services,
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
    /// The ETag (`"<version>"`); bumped by every write.
    pub version: i32,
}

/// Changes to an organization; `None` leaves a column alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = directory_organizations)]
pub struct OrganizationChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub status: Option<String>,
}

/// Applies `changes` if the organization is still at `version`; `None` when
/// it is not (stale, or gone).
pub async fn update_organization(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    version: i32,
    changes: &OrganizationChanges,
    now: DateTime<Utc>,
) -> QueryResult<Option<OrganizationRow>> {
    diesel::update(
        directory_organizations::table
            .filter(directory_organizations::id.eq(id))
            .filter(directory_organizations::version.eq(version)),
    )
    .set((
        changes,
        directory_organizations::version.eq(directory_organizations::version + 1),
        directory_organizations::updated_at.eq(now),
    ))
    .returning(OrganizationRow::as_returning())
    .get_result(conn)
    .await
    .optional()
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
    pub amount_cents: Option<i64>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = directory_phones)]
pub struct NewPhone {
    pub id: Uuid,
    pub service_id: Uuid,
    pub number: String,
    pub phone_type: String,
    pub extension: Option<String>,
    pub description: Option<String>,
}

/// A service and everything written with it.
#[derive(Debug)]
pub struct ServiceRows {
    pub service: NewService,
    pub locations: Vec<NewLocation>,
    pub areas: Vec<String>,
    pub funding: Vec<NewFunding>,
    pub phones: Vec<NewPhone>,
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

/// Writes a service with its locations, service areas, funding and phones.
pub async fn insert_service(conn: &mut AsyncPgConnection, rows: &ServiceRows) -> QueryResult<ServiceRow> {
    let row = diesel::insert_into(directory_services::table)
        .values(&rows.service)
        .returning(ServiceRow::as_returning())
        .get_result(conn)
        .await?;
    insert_parts(conn, rows).await?;
    Ok(row)
}

/// Many services at once (an import): a few statements per table, not per row.
pub async fn insert_services(conn: &mut AsyncPgConnection, all: &[ServiceRows]) -> QueryResult<()> {
    // PostgreSQL takes at most 65,535 bind parameters per statement.
    for chunk in all.chunks(1000) {
        let services: Vec<&NewService> = chunk.iter().map(|r| &r.service).collect();
        diesel::insert_into(directory_services::table).values(services).execute(conn).await?;
        let locations: Vec<&NewLocation> = chunk.iter().flat_map(|r| &r.locations).collect();
        for part in locations.chunks(2000) {
            diesel::insert_into(directory_locations::table).values(part.to_vec()).execute(conn).await?;
        }
        let links: Vec<_> = chunk
            .iter()
            .flat_map(|r| r.locations.iter().map(|l| link(r.service.id, l.id)))
            .collect();
        for part in links.chunks(5000) {
            diesel::insert_into(directory_service_at_location::table).values(part.to_vec()).execute(conn).await?;
        }
        let areas: Vec<_> = chunk
            .iter()
            .flat_map(|r| r.areas.iter().map(|t| area(r.service.id, t)))
            .collect();
        for part in areas.chunks(10000) {
            diesel::insert_into(directory_service_areas::table).values(part.to_vec()).execute(conn).await?;
        }
        let funding: Vec<&NewFunding> = chunk.iter().flat_map(|r| &r.funding).collect();
        for part in funding.chunks(5000) {
            diesel::insert_into(directory_funding::table).values(part.to_vec()).execute(conn).await?;
        }
        let phones: Vec<&NewPhone> = chunk.iter().flat_map(|r| &r.phones).collect();
        for part in phones.chunks(5000) {
            diesel::insert_into(directory_phones::table).values(part.to_vec()).execute(conn).await?;
        }
    }
    Ok(())
}

type LinkValues = (
    diesel::dsl::Eq<directory_service_at_location::id, Uuid>,
    diesel::dsl::Eq<directory_service_at_location::service_id, Uuid>,
    diesel::dsl::Eq<directory_service_at_location::location_id, Uuid>,
);

fn link(service_id: Uuid, location_id: Uuid) -> LinkValues {
    (
        directory_service_at_location::id.eq(Uuid::new_v4()),
        directory_service_at_location::service_id.eq(service_id),
        directory_service_at_location::location_id.eq(location_id),
    )
}

type AreaValues = (
    diesel::dsl::Eq<directory_service_areas::service_id, Uuid>,
    diesel::dsl::Eq<directory_service_areas::town, String>,
);

fn area(service_id: Uuid, town: &str) -> AreaValues {
    (directory_service_areas::service_id.eq(service_id), directory_service_areas::town.eq(town.to_string()))
}

/// Writes the parts of one service (locations, areas, funding, phones).
async fn insert_parts(conn: &mut AsyncPgConnection, rows: &ServiceRows) -> QueryResult<()> {
    let id = rows.service.id;
    if !rows.locations.is_empty() {
        diesel::insert_into(directory_locations::table).values(&rows.locations).execute(conn).await?;
        let links: Vec<_> = rows.locations.iter().map(|l| link(id, l.id)).collect();
        diesel::insert_into(directory_service_at_location::table).values(links).execute(conn).await?;
    }
    if !rows.areas.is_empty() {
        let areas: Vec<_> = rows.areas.iter().map(|t| area(id, t)).collect();
        diesel::insert_into(directory_service_areas::table).values(areas).execute(conn).await?;
    }
    if !rows.funding.is_empty() {
        diesel::insert_into(directory_funding::table).values(&rows.funding).execute(conn).await?;
    }
    if !rows.phones.is_empty() {
        diesel::insert_into(directory_phones::table).values(&rows.phones).execute(conn).await?;
    }
    Ok(())
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

/// Lists of a service replaced wholesale by an update; `None` keeps a list.
#[derive(Debug, Default)]
pub struct PartsReplacement {
    pub locations: Option<Vec<NewLocation>>,
    pub areas: Option<Vec<String>>,
    pub funding: Option<Vec<NewFunding>>,
    pub phones: Option<Vec<NewPhone>>,
}

impl PartsReplacement {
    pub fn is_empty(&self) -> bool {
        self.locations.is_none() && self.areas.is_none() && self.funding.is_none() && self.phones.is_none()
    }
}

/// Replaces the lists `parts` names. A location no other service uses goes
/// with its last link (locations are written per service).
pub async fn replace_parts(conn: &mut AsyncPgConnection, service_id: Uuid, parts: &PartsReplacement) -> QueryResult<()> {
    if let Some(locations) = &parts.locations {
        let old: Vec<Uuid> = directory_service_at_location::table
            .filter(directory_service_at_location::service_id.eq(service_id))
            .select(directory_service_at_location::location_id)
            .load(conn)
            .await?;
        diesel::delete(directory_service_at_location::table.filter(directory_service_at_location::service_id.eq(service_id)))
            .execute(conn)
            .await?;
        let still_used = directory_service_at_location::table
            .filter(directory_service_at_location::location_id.eq(directory_locations::id))
            .select(directory_service_at_location::id);
        diesel::delete(
            directory_locations::table
                .filter(directory_locations::id.eq_any(&old))
                .filter(diesel::dsl::not(diesel::dsl::exists(still_used))),
        )
        .execute(conn)
        .await?;
        if !locations.is_empty() {
            diesel::insert_into(directory_locations::table).values(locations).execute(conn).await?;
            let links: Vec<_> = locations.iter().map(|l| link(service_id, l.id)).collect();
            diesel::insert_into(directory_service_at_location::table).values(links).execute(conn).await?;
        }
    }
    if let Some(areas) = &parts.areas {
        diesel::delete(directory_service_areas::table.filter(directory_service_areas::service_id.eq(service_id)))
            .execute(conn)
            .await?;
        let rows: Vec<_> = areas.iter().map(|t| area(service_id, t)).collect();
        diesel::insert_into(directory_service_areas::table).values(rows).execute(conn).await?;
    }
    if let Some(funding) = &parts.funding {
        diesel::delete(directory_funding::table.filter(directory_funding::service_id.eq(service_id)))
            .execute(conn)
            .await?;
        diesel::insert_into(directory_funding::table).values(funding).execute(conn).await?;
    }
    if let Some(phones) = &parts.phones {
        diesel::delete(directory_phones::table.filter(directory_phones::service_id.eq(service_id)))
            .execute(conn)
            .await?;
        diesel::insert_into(directory_phones::table).values(phones).execute(conn).await?;
    }
    Ok(())
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

/// Organizations, filtered by name/description and modification time.
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
    let rows = services_with_status(conn, "active").await?;
    let linked = linked(conn, &rows).await?;
    Ok((rows, linked))
}

/// Every service with the given status (the referral search filters the
/// rest in Rust).
pub async fn services_with_status(conn: &mut AsyncPgConnection, status: &str) -> QueryResult<Vec<ServiceRow>> {
    directory_services::table
        .filter(directory_services::status.eq(status.to_string()))
        .select(ServiceRow::as_select())
        .load(conn)
        .await
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

// ---------------------------------------------------------------- referrals

#[derive(Debug, Insertable)]
#[diesel(table_name = directory_referrals)]
pub struct NewReferral {
    pub id: Uuid,
    pub service_id: Uuid,
    pub category: String,
    pub town: String,
    pub referred_on: NaiveDate,
    pub outcome: String,
    pub account_id: Uuid,
}

/// A referral: no personal information, only the town, category and outcome.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = directory_referrals)]
pub struct ReferralRow {
    pub id: Uuid,
    pub service_id: Uuid,
    /// A Foundation service code.
    pub category: String,
    /// The Connecticut town the person is in.
    pub town: String,
    pub referred_on: NaiveDate,
    /// `pending accepted declined_capacity declined_eligibility declined_other withdrawn`.
    pub outcome: String,
    /// The account that made the referral.
    pub account_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert_referral(conn: &mut AsyncPgConnection, new: &NewReferral) -> QueryResult<ReferralRow> {
    diesel::insert_into(directory_referrals::table)
        .values(new)
        .returning(ReferralRow::as_returning())
        .get_result(conn)
        .await
}

/// Sets the outcome; `None` when there is no such referral (of `owner`, when given).
pub async fn set_referral_outcome(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    owner: Option<Uuid>,
    outcome: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<ReferralRow>> {
    let mut q = diesel::update(directory_referrals::table).filter(directory_referrals::id.eq(id)).into_boxed();
    if let Some(org) = owner {
        q = q.filter(directory_referrals::account_id.eq(org));
    }
    q.set((directory_referrals::outcome.eq(outcome), directory_referrals::updated_at.eq(now)))
        .returning(ReferralRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

#[derive(Debug, Default)]
pub struct ReferralFilter {
    pub service_id: Option<Uuid>,
    pub outcome: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub account_id: Option<Uuid>,
}

pub async fn page_referrals(
    conn: &mut AsyncPgConnection,
    f: &ReferralFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(i64, Vec<ReferralRow>)> {
    use directory_referrals::dsl as r;
    let build = || {
        let mut q = directory_referrals::table.into_boxed();
        if let Some(s) = f.service_id {
            q = q.filter(r::service_id.eq(s));
        }
        if let Some(o) = &f.outcome {
            q = q.filter(r::outcome.eq(o.clone()));
        }
        if let Some(d) = f.from {
            q = q.filter(r::referred_on.ge(d));
        }
        if let Some(d) = f.to {
            q = q.filter(r::referred_on.le(d));
        }
        if let Some(o) = f.account_id {
            q = q.filter(r::account_id.eq(o));
        }
        q
    };
    let total = build().count().get_result(conn).await?;
    let rows = build()
        .order((r::referred_on.desc(), r::created_at.desc(), r::id))
        .offset(offset)
        .limit(limit)
        .select(ReferralRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// Referrals made between `from` and `to` (inclusive), counted by town,
/// category and outcome; the caller maps towns to regions.
#[derive(Debug, Clone, QueryableByName)]
pub struct ReferralCount {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub town: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub category: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub outcome: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

pub async fn referral_counts(conn: &mut AsyncPgConnection, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<ReferralCount>> {
    diesel::sql_query(
        "SELECT town, category, outcome, count(*) AS n FROM directory_referrals \
         WHERE referred_on BETWEEN $1 AND $2 GROUP BY 1, 2, 3",
    )
    .bind::<diesel::sql_types::Date, _>(from)
    .bind::<diesel::sql_types::Date, _>(to)
    .load(conn)
    .await
}

/// Funding of the given services whose period overlaps `from`..`to` and
/// whose amount is known.
#[derive(Debug, Clone, Queryable)]
pub struct FundingAmount {
    pub service_id: Uuid,
    pub source: String,
    pub amount_cents: Option<i64>,
}

pub async fn funding_amounts(conn: &mut AsyncPgConnection, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<FundingAmount>> {
    directory_funding::table
        .filter(directory_funding::amount_cents.is_not_null())
        .filter(directory_funding::period_start.le(to))
        .filter(directory_funding::period_end.ge(from))
        .select((directory_funding::service_id, directory_funding::source, directory_funding::amount_cents))
        .load(conn)
        .await
}

// ---------------------------------------------------------------- imports

/// Services written per batch of an import.
pub const IMPORT_CHUNK: usize = 500;

/// Which of `ids` are already services.
pub async fn existing_service_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(10_000) {
        found.extend(
            directory_services::table
                .filter(directory_services::id.eq_any(chunk))
                .select(directory_services::id)
                .load::<Uuid>(conn)
                .await?,
        );
    }
    Ok(found)
}

/// Organizations whose lower-cased name is one of `names` → their id (the
/// oldest, when two share a name).
pub async fn organizations_by_lower_name(
    conn: &mut AsyncPgConnection,
    names: &[String],
) -> QueryResult<std::collections::HashMap<String, Uuid>> {
    let rows: Vec<(String, Uuid)> = directory_organizations::table
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>("lower(name) = ANY(").bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(names).sql(")"))
        .order(directory_organizations::created_at.desc())
        .select((directory_organizations::name, directory_organizations::id))
        .load(conn)
        .await?;
    // Oldest last, so it wins.
    Ok(rows.into_iter().map(|(n, id)| (n.to_lowercase(), id)).collect())
}

pub async fn insert_organizations(conn: &mut AsyncPgConnection, new: &[&NewOrganization]) -> QueryResult<()> {
    for chunk in new.chunks(5_000) {
        diesel::insert_into(directory_organizations::table).values(chunk.to_vec()).execute(conn).await?;
    }
    Ok(())
}
