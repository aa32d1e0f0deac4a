//! Incidents and their victims.

use super::schema::{incidents, victims};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Insertable)]
#[diesel(table_name = incidents)]
pub struct NewIncident {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub schema_version: String,
    pub reporting_agency: String,
    pub agency_case_ref: Option<String>,
    pub status: String,
    pub incident_date: NaiveDate,
    pub reported_date: NaiveDate,
    pub town: String,
    pub county: Option<String>,
    pub planning_region: Option<String>,
    pub judicial_district: Option<String>,
    pub dcf_region: Option<i16>,
    pub trafficking_types: Vec<String>,
    pub nibrs_offenses: Vec<String>,
    pub venue: Option<String>,
    pub control_methods: Vec<String>,
    pub dcf_notified: bool,
    pub law_enforcement_agency: Option<String>,
    pub minor_involved: bool,
    pub victim_count: i32,
    pub key_id: String,
    pub wrapped_data_key: Vec<u8>,
    pub narrative_sealed: Option<Vec<u8>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = victims)]
pub struct NewVictim {
    pub id: Uuid,
    pub incident_id: Uuid,
    pub ordinal: i32,
    pub age: Option<i16>,
    pub sex: String,
    pub citizenship: Option<String>,
    pub language: Option<String>,
    pub relationship_to_trafficker: Option<String>,
    pub services_needed: Vec<String>,
    pub minor: bool,
    pub identity_sealed: Option<Vec<u8>>,
}

/// The de-identified columns of an incident; sealed columns are never selected here.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = incidents)]
pub struct IncidentRow {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub schema_version: String,
    pub reporting_agency: String,
    pub agency_case_ref: Option<String>,
    pub status: String,
    pub incident_date: NaiveDate,
    pub reported_date: NaiveDate,
    pub town: String,
    pub county: Option<String>,
    pub planning_region: Option<String>,
    pub judicial_district: Option<String>,
    pub dcf_region: Option<i16>,
    pub trafficking_types: Vec<String>,
    pub nibrs_offenses: Vec<String>,
    pub venue: Option<String>,
    pub control_methods: Vec<String>,
    pub dcf_notified: bool,
    pub law_enforcement_agency: Option<String>,
    pub minor_involved: bool,
    pub victim_count: i32,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = victims)]
pub struct VictimRow {
    pub ordinal: i32,
    pub age: Option<i16>,
    pub sex: String,
    pub citizenship: Option<String>,
    pub language: Option<String>,
    pub relationship_to_trafficker: Option<String>,
    pub services_needed: Vec<String>,
    pub minor: bool,
}

/// Writes the incident and all its victims in one transaction: all or nothing.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    incident: NewIncident,
    new_victims: Vec<NewVictim>,
) -> QueryResult<DateTime<Utc>> {
    conn.transaction(async |conn| {
        let received_at = diesel::insert_into(incidents::table)
            .values(&incident)
            .returning(incidents::received_at)
            .get_result(conn)
            .await?;
        diesel::insert_into(victims::table)
            .values(&new_victims)
            .execute(conn)
            .await?;
        Ok::<_, diesel::result::Error>(received_at)
    })
    .await
}

/// `organisation`: restrict to one organisation's incidents (reporters).
pub async fn get(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    organisation: Option<Uuid>,
) -> QueryResult<Option<(IncidentRow, Vec<VictimRow>)>> {
    let mut query = incidents::table
        .filter(incidents::id.eq(id))
        .select(IncidentRow::as_select())
        .into_boxed();
    if let Some(org) = organisation {
        query = query.filter(incidents::organisation_id.eq(org));
    }
    let Some(row) = query.first(conn).await.optional()? else {
        return Ok(None);
    };
    let victim_rows = victims::table
        .filter(victims::incident_id.eq(id))
        .order(victims::ordinal.asc())
        .select(VictimRow::as_select())
        .load(conn)
        .await?;
    Ok(Some((row, victim_rows)))
}

#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub organisation: Option<Uuid>,
    pub town: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

fn filtered(filter: &ListFilter) -> incidents::BoxedQuery<'static, diesel::pg::Pg> {
    let mut query = incidents::table.into_boxed();
    if let Some(org) = filter.organisation {
        query = query.filter(incidents::organisation_id.eq(org));
    }
    if let Some(town) = &filter.town {
        query = query.filter(incidents::town.eq(town.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(incidents::incident_date.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(incidents::incident_date.le(to));
    }
    query
}

/// One page, newest first, and the total count of matches.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<IncidentRow>, i64)> {
    let total = filtered(filter).count().get_result(conn).await?;
    let rows = filtered(filter)
        .order((incidents::received_at.desc(), incidents::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(IncidentRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}
