//! Incidents and their victims.

use super::schema::{incident_versions, incidents, victims};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// Also the changeset of a correction: every column the report determines, `None` written as
/// NULL (a correction that removes the venue removes it).
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = incidents, treat_none_as_null = true)]
pub struct NewIncident {
    pub id: Uuid,
    pub account_id: Uuid,
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
    pub identity_index: Option<Vec<u8>>,
    pub age_band: Option<String>,
}

/// The de-identified columns of an incident; sealed columns are never selected here.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = incidents)]
pub struct IncidentRow {
    pub id: Uuid,
    pub account_id: Uuid,
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
    pub version: i32,
    pub withdrawn_reason: Option<String>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Set when `beacon purge` removed the sealed fields.
    pub sealed_purged_at: Option<DateTime<Utc>>,
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
    pub age_band: Option<String>,
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

/// `account`: restrict to one account's incidents (reporters).
pub async fn get(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    account: Option<Uuid>,
) -> QueryResult<Option<(IncidentRow, Vec<VictimRow>)>> {
    let mut query = incidents::table
        .filter(incidents::id.eq(id))
        .select(IncidentRow::as_select())
        .into_boxed();
    if let Some(org) = account {
        query = query.filter(incidents::account_id.eq(org));
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
    pub account: Option<Uuid>,
    pub town: Option<String>,
    /// The towns of a region.
    pub towns: Option<Vec<String>>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Withdrawn incidents too (they are left out unless asked for).
    pub include_withdrawn: bool,
}

fn filtered(filter: &ListFilter) -> incidents::BoxedQuery<'static, diesel::pg::Pg> {
    let mut query = incidents::table.into_boxed();
    if let Some(org) = filter.account {
        query = query.filter(incidents::account_id.eq(org));
    }
    if let Some(town) = &filter.town {
        query = query.filter(incidents::town.eq(town.clone()));
    }
    if let Some(towns) = &filter.towns {
        query = query.filter(incidents::town.eq_any(towns.clone()));
    }
    if !filter.include_withdrawn {
        query = query.filter(incidents::withdrawn_at.is_null());
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

/// The sealed columns of one incident, still encrypted.
pub struct SealedColumns {
    pub key_id: String,
    /// `None` once purged: the key was destroyed with the fields it opened.
    pub wrapped_data_key: Option<Vec<u8>>,
    pub narrative: Option<Vec<u8>>,
    /// `(victim id, ordinal, identity ciphertext)` in ordinal order.
    pub identities: Vec<(Uuid, i32, Option<Vec<u8>>)>,
}

pub async fn sealed_columns(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<SealedColumns> {
    let (key_id, wrapped_data_key, narrative) = incidents::table
        .filter(incidents::id.eq(id))
        .select((incidents::key_id, incidents::wrapped_data_key, incidents::narrative_sealed))
        .first(conn)
        .await?;
    let identities = victims::table
        .filter(victims::incident_id.eq(id))
        .order(victims::ordinal.asc())
        .select((victims::id, victims::ordinal, victims::identity_sealed))
        .load(conn)
        .await?;
    Ok(SealedColumns {
        key_id,
        wrapped_data_key,
        narrative,
        identities,
    })
}

/// Moves the incident to the next version if it is still at `expected`: the compare-and-set
/// of a correction or withdrawal. `None`: it has moved on (or is gone) since it was read.
pub async fn next_version(conn: &mut AsyncPgConnection, id: Uuid, expected: i32) -> QueryResult<Option<i32>> {
    diesel::update(incidents::table.filter(incidents::id.eq(id)).filter(incidents::version.eq(expected)))
        .set(incidents::version.eq(incidents::version + 1))
        .returning(incidents::version)
        .get_result(conn)
        .await
        .optional()
}

/// Stores a corrected report over the incident's: its columns, and its victims anew (a merge
/// patch replaces the list of victims whole). The rollup triggers move the counts.
pub async fn replace_report(conn: &mut AsyncPgConnection, id: Uuid, row: &NewIncident, new_victims: &[NewVictim]) -> QueryResult<()> {
    diesel::update(incidents::table.filter(incidents::id.eq(id))).set(row).execute(conn).await?;
    diesel::delete(victims::table.filter(victims::incident_id.eq(id))).execute(conn).await?;
    diesel::insert_into(victims::table).values(new_victims).execute(conn).await?;
    Ok(())
}

/// Withdraws the incident (`Some((reason, when))`) or reinstates it (`None`).
pub async fn set_withdrawn(conn: &mut AsyncPgConnection, id: Uuid, withdrawn: Option<(&str, DateTime<Utc>)>) -> QueryResult<()> {
    diesel::update(incidents::table.filter(incidents::id.eq(id)))
        .set((
            incidents::withdrawn_reason.eq(withdrawn.map(|(r, _)| r.to_string())),
            incidents::withdrawn_at.eq(withdrawn.map(|(_, at)| at)),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// One entry of an incident's history: who changed it, when, how, and which fields (by name).
#[derive(Debug, Insertable, Queryable, Selectable)]
#[diesel(table_name = incident_versions)]
pub struct VersionRow {
    pub incident_id: Uuid,
    pub version: i32,
    pub changed_at: DateTime<Utc>,
    pub key_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub role: String,
    pub action: String,
    pub changed_fields: Vec<String>,
    pub withdrawn_reason: Option<String>,
}

pub async fn insert_version(conn: &mut AsyncPgConnection, row: &VersionRow) -> QueryResult<()> {
    diesel::insert_into(incident_versions::table).values(row).execute(conn).await.map(|_| ())
}

/// The changes after the report was received, oldest first.
pub async fn versions(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<VersionRow>> {
    incident_versions::table
        .filter(incident_versions::incident_id.eq(id))
        .order(incident_versions::version.asc())
        .select(VersionRow::as_select())
        .load(conn)
        .await
}

/// Marks an incident closed; `account` restricts to one account's (reporters).
pub async fn close(conn: &mut AsyncPgConnection, id: Uuid, account: Option<Uuid>, now: DateTime<Utc>) -> QueryResult<bool> {
    let mut query = diesel::update(incidents::table)
        .filter(incidents::id.eq(id))
        .filter(incidents::closed_at.is_null())
        .into_boxed();
    if let Some(org) = account {
        query = query.filter(incidents::account_id.eq(org));
    }
    let updated = query.set(incidents::closed_at.eq(now)).execute(conn).await?;
    if updated > 0 {
        return Ok(true);
    }
    Ok(get(conn, id, account).await?.is_some())
}

/// Closed incidents past `cutoff` whose sealed fields are still stored.
fn purgeable(cutoff: DateTime<Utc>) -> incidents::BoxedQuery<'static, diesel::pg::Pg> {
    incidents::table
        .filter(incidents::closed_at.lt(cutoff))
        .filter(incidents::sealed_purged_at.is_null())
        .into_boxed()
}

pub async fn count_purgeable(conn: &mut AsyncPgConnection, cutoff: DateTime<Utc>) -> QueryResult<i64> {
    purgeable(cutoff).count().get_result(conn).await
}

/// Removes the sealed fields (and the blind index derived from them) of
/// incidents closed before `cutoff`, keeping every de-identified column.
pub async fn purge_sealed(conn: &mut AsyncPgConnection, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> QueryResult<usize> {
    let ids: Vec<Uuid> = purgeable(cutoff).select(incidents::id).load(conn).await?;
    diesel::update(victims::table.filter(victims::incident_id.eq_any(&ids)))
        .set((victims::identity_sealed.eq(None::<Vec<u8>>), victims::identity_index.eq(None::<Vec<u8>>)))
        .execute(conn)
        .await?;
    diesel::update(incidents::table.filter(incidents::id.eq_any(&ids)))
        .set((
            incidents::narrative_sealed.eq(None::<Vec<u8>>),
            // Crypto-shredding: without its wrapped key no copy of the ciphertext opens again.
            incidents::wrapped_data_key.eq(None::<Vec<u8>>),
            incidents::sealed_purged_at.eq(now),
        ))
        .execute(conn)
        .await
}

/// A batch of records whose data key is wrapped by a master key other than `current`.
pub async fn wrapped_keys_not_under(
    conn: &mut AsyncPgConnection,
    current: &str,
    limit: i64,
) -> QueryResult<Vec<(Uuid, String, Vec<u8>)>> {
    // A purged record has no key left to rewrap.
    incidents::table
        .filter(incidents::key_id.ne(current))
        .filter(incidents::wrapped_data_key.is_not_null())
        .select((incidents::id, incidents::key_id, incidents::wrapped_data_key.assume_not_null()))
        .order(incidents::id)
        .limit(limit)
        .load(conn)
        .await
}

pub async fn count_wrapped_not_under(conn: &mut AsyncPgConnection, current: &str) -> QueryResult<i64> {
    incidents::table
        .filter(incidents::key_id.ne(current))
        .filter(incidents::wrapped_data_key.is_not_null())
        .count()
        .get_result(conn)
        .await
}

pub async fn set_wrapped_key(conn: &mut AsyncPgConnection, id: Uuid, key_id: &str, wrapped: &[u8]) -> QueryResult<()> {
    diesel::update(incidents::table.filter(incidents::id.eq(id)))
        .set((incidents::key_id.eq(key_id), incidents::wrapped_data_key.eq(wrapped)))
        .execute(conn)
        .await
        .map(|_| ())
}
