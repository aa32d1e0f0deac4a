//! Services with their locations, service areas, funding and phones; verification.

use crate::db::schema::{directory_funding, directory_locations, directory_organizations, directory_phones, directory_service_areas, directory_service_at_location, directory_services};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;
use beacon_core::directory::location::Location;
use beacon_core::directory::service::{Current, Funding, Phone, Service, ServicePatch};
use beacon_core::directory::vetting;
use beacon_core::reference::codes::{code_strings, CodeList};


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
    /// From the injected clock, never the database's `now()`.
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
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

#[derive(Debug, Clone, Queryable, Selectable)]
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
    let cutoff = beacon_core::directory::vetting::due_by_cutoff(by);
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


fn location_row(organization_id: Uuid, l: &Location) -> NewLocation {
    NewLocation {
        id: Uuid::new_v4(),
        organization_id,
        name: l.name.clone(),
        confidential: l.confidential,
        address_1: l.address_1.clone(),
        city: l.city.clone(),
        postal_code: l.postal_code.clone(),
        town: l.town.clone(),
        latitude: l.latitude,
        longitude: l.longitude,
    }
}

fn funding_row(service_id: Uuid, f: &Funding) -> NewFunding {
    NewFunding {
        id: Uuid::new_v4(),
        service_id,
        source: f.source.clone(),
        amount_cents: f.amount_cents,
        period_start: f.period_start,
        period_end: f.period_end,
    }
}

fn phone_row(service_id: Uuid, p: &Phone) -> NewPhone {
    NewPhone {
        id: Uuid::new_v4(),
        service_id,
        number: p.number.clone(),
        phone_type: p.phone_type.code().to_string(),
        extension: p.extension.clone(),
        description: p.description.clone(),
    }
}


impl ServiceRows {
    /// The rows of a checked service written at `now`; every part gets a fresh id.
    pub fn new(id: Uuid, s: &Service, now: DateTime<Utc>) -> Self {
        let capacity = s.capacity.as_ref();
        ServiceRows {
            service: NewService {
                id,
                organization_id: s.organization_id,
                name: s.name.clone(),
                description: s.description.clone(),
                status: s.status.code().to_string(),
                categories: code_strings(&s.categories),
                min_age: s.min_age,
                max_age: s.max_age,
                populations: code_strings(&s.populations),
                languages: s.languages.clone(),
                capacity_unit: capacity.map(|c| c.unit.clone()),
                capacity_available: capacity.map(|c| c.available),
                capacity_total: capacity.and_then(|c| c.total),
                capacity_updated_at: capacity.map(|c| c.updated_at),
                created_at: now,
                updated_at: now,
            },
            locations: s.locations.iter().map(|l| location_row(s.organization_id, l)).collect(),
            areas: s.service_areas.clone(),
            funding: s.funding.iter().map(|f| funding_row(id, f)).collect(),
            phones: s.phones.iter().map(|p| phone_row(id, p)).collect(),
        }
    }
}

impl From<&ServicePatch> for ServiceChanges {
    fn from(p: &ServicePatch) -> Self {
        ServiceChanges {
            name: p.name.clone(),
            description: p.description.clone(),
            status: p.status.map(|s| s.code().to_string()),
            categories: p.categories.as_deref().map(code_strings),
            min_age: p.min_age,
            max_age: p.max_age,
            populations: p.populations.as_deref().map(code_strings),
            languages: p.languages.clone(),
            capacity_unit: p.capacity_unit.clone(),
            capacity_available: p.capacity_available,
            capacity_total: p.capacity_total,
            capacity_updated_at: p.capacity_updated_at,
        }
    }
}

impl PartsReplacement {
    /// The lists a patch replaces, as rows of the service `service_id` of `organization_id`.
    pub fn new(service_id: Uuid, organization_id: Uuid, p: &ServicePatch) -> Self {
        PartsReplacement {
            locations: p.locations.as_ref().map(|ls| ls.iter().map(|l| location_row(organization_id, l)).collect()),
            areas: p.service_areas.clone(),
            funding: p.funding.as_ref().map(|fs| fs.iter().map(|f| funding_row(service_id, f)).collect()),
            phones: p.phones.as_ref().map(|ps| ps.iter().map(|ph| phone_row(service_id, ph)).collect()),
        }
    }
}

impl ServiceRow {
    /// The stored values an update's cross-field rules compare with.
    pub fn current(&self) -> Current {
        Current {
            min_age: self.min_age,
            max_age: self.max_age,
            capacity_available: self.capacity_available,
            capacity_total: self.capacity_total,
        }
    }

    /// Vetted as of `now` (one rule: `beacon_core::directory::vetting`).
    pub fn is_vetted(&self, now: DateTime<Utc>) -> bool {
        vetting::is_vetted(self.training_attested, self.verified_at, now)
    }
}
