//! The facts the gap analysis is computed from: active services, demand by region, funding amounts.

use crate::db::schema::{directory_funding, directory_services};
use super::{linked, Linked, ServiceRow};
use chrono::{NaiveDate};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;
use beacon_core::reference::regions::RegionType;


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

impl From<RegionType> for RegionColumn {
    fn from(kind: RegionType) -> Self {
        match kind {
            RegionType::DcfRegion => RegionColumn::DcfRegion,
            RegionType::PlanningRegion => RegionColumn::PlanningRegion,
            RegionType::County => RegionColumn::County,
            RegionType::JudicialDistrict => RegionColumn::JudicialDistrict,
        }
    }
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
/// and `to` (inclusive), by region; a withdrawn incident's victims need nothing.
pub async fn victim_demand(conn: &mut AsyncPgConnection, region: RegionColumn, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<Demand>> {
    let col = region.sql();
    // Whole months from the rollup (migration 000015), the days either side
    // of them from the rows.
    let (months_from, months_to) = crate::db::stats::whole_months(from, to);
    diesel::sql_query(format!(
        "SELECT region, code, sum(n)::int8 AS n FROM ( \
           SELECT r.{col} AS region, r.need AS code, sum(r.victims) AS n FROM stats_victim_need_months r \
           WHERE r.month BETWEEN $3 AND $4 AND r.{col} IS NOT NULL GROUP BY 1, 2 \
           UNION ALL \
           SELECT i.{col}, need, count(*) \
           FROM victims v JOIN incidents i ON i.id = v.incident_id, unnest(v.services_needed) AS need \
           WHERE (i.incident_date BETWEEN $1 AND $3::date - 1 OR i.incident_date BETWEEN $4::date + 1 AND $2) \
             AND i.{col} IS NOT NULL AND i.withdrawn_at IS NULL GROUP BY 1, 2) AS parts GROUP BY 1, 2"
    ))
    .bind::<diesel::sql_types::Date, _>(from)
    .bind::<diesel::sql_types::Date, _>(to)
    .bind::<diesel::sql_types::Date, _>(months_from)
    .bind::<diesel::sql_types::Date, _>(months_to)
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
