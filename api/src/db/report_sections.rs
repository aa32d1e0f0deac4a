//! Grouped counts for the annual report's sections on minors and referrals:
//! one aggregate each, no record leaves the database.

use beacon_core::stats::query::counted_statuses;
use diesel::sql_types::{Array, BigInt, Bool, Date, Nullable, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use chrono::NaiveDate;

/// One cell of minor involved × DCF notified.
#[derive(Debug, QueryableByName)]
pub struct MinorRow {
    #[diesel(sql_type = Bool)]
    pub minor: bool,
    #[diesel(sql_type = Bool)]
    pub notified: bool,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Counted incidents (the statistics' statuses, never a withdrawn one) dated
/// `from..=to`, by minor involved × DCF notified.
pub async fn incident_minors(conn: &mut AsyncPgConnection, from: NaiveDate, to: NaiveDate) -> diesel::QueryResult<Vec<MinorRow>> {
    // Whole months from the rollup (migration 000015), the days either side
    // of them from the rows.
    let (months_from, months_to) = super::stats::whole_months(from, to);
    diesel::sql_query(
        "SELECT minor, notified, sum(n)::int8 AS n FROM ( \
           SELECT minor_involved AS minor, dcf_notified AS notified, sum(incidents) AS n FROM stats_incident_minor_months \
           WHERE month BETWEEN $4 AND $5 AND status = ANY($3) GROUP BY 1, 2 \
           UNION ALL \
           SELECT minor_involved, dcf_notified, count(*) FROM incidents \
           WHERE (incident_date BETWEEN $1 AND $4::date - 1 OR incident_date BETWEEN $5::date + 1 AND $2) AND status = ANY($3) \
             AND withdrawn_at IS NULL \
           GROUP BY 1, 2) AS parts GROUP BY 1, 2",
    )
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<Array<Text>, _>(counted_statuses())
    .bind::<Date, _>(months_from)
    .bind::<Date, _>(months_to)
    .load(conn)
    .await
}

/// Intake submissions received `from..=to` (days in Connecticut), by minor
/// involved × DCF notified.
pub async fn intake_minors(conn: &mut AsyncPgConnection, from: NaiveDate, to: NaiveDate) -> diesel::QueryResult<Vec<MinorRow>> {
    diesel::sql_query(
        "SELECT minor_involved AS minor, dcf_notified_at IS NOT NULL AS notified, count(*) AS n FROM intake_submissions \
         WHERE (received_at AT TIME ZONE 'America/New_York')::date BETWEEN $1 AND $2 GROUP BY 1, 2",
    )
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .load(conn)
    .await
}

/// Referrals made `from..=to` now in one lifecycle status, and the median days from sending to
/// the provider's answer (accepted or declined) among those answered (`null` when none was).
#[derive(Debug, QueryableByName)]
pub struct OutcomeRow {
    #[diesel(sql_type = Text)]
    pub outcome: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = Nullable<diesel::sql_types::Double>)]
    pub median_days: Option<f64>,
}

pub async fn referral_outcomes(conn: &mut AsyncPgConnection, from: NaiveDate, to: NaiveDate) -> diesel::QueryResult<Vec<OutcomeRow>> {
    diesel::sql_query(format!(
        "SELECT status AS outcome, count(*) AS n, {} AS median_days \
         FROM directory_referrals WHERE referred_on BETWEEN $1 AND $2 GROUP BY 1",
        super::stats::median_days_sql()
    ))
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .load(conn)
    .await
}
