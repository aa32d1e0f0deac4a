//! Grouped counts for the statistics endpoints. Only whitelisted column
//! expressions go into the SQL text; every value the caller gave is a bind.

use beacon_core::stats::query::{counted_statuses, CountPlan, GroupBy, GroupCount, StatsQuery, Subject};
use diesel::sql_types::{Array, BigInt, Date, Nullable, SmallInt, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The key text of a non-geographic dimension, as `beacon_core::stats::query`
/// labels its categories. Geographies group by town instead (see below).
fn key_expression(g: GroupBy) -> &'static str {
    match g {
        GroupBy::Year => "to_char(incident_date, 'YYYY')",
        GroupBy::Quarter => "to_char(incident_date, 'YYYY-\"Q\"Q')",
        GroupBy::Month => "to_char(incident_date, 'YYYY-MM')",
        GroupBy::Status => "status",
        GroupBy::Venue => "COALESCE(venue, 'unknown')",
        GroupBy::Sex => "victims.sex",
        // The raw age: core bands it (`beacon_core::stats::query::age_band`).
        GroupBy::AgeBand => "COALESCE(victims.age::text, '')",
        GroupBy::Citizenship => "COALESCE(victims.citizenship, 'unknown')",
        // Regions are derived from the town by core, so that every geography
        // of one period cuts the same units.
        GroupBy::County | GroupBy::PlanningRegion | GroupBy::JudicialDistrict | GroupBy::DcfRegion => "town",
    }
}

#[derive(Debug, QueryableByName)]
struct Row {
    #[diesel(sql_type = Nullable<Text>)]
    k1: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    k2: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    k3: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    town: Option<String>,
    #[diesel(sql_type = BigInt)]
    incidents: i64,
    #[diesel(sql_type = BigInt)]
    victims: i64,
}

/// What is counted, from where: the subject decides the rows, never the caller's text.
fn source(subject: Subject) -> (&'static str, &'static str) {
    match subject {
        Subject::Incidents => ("incidents", "count(*) AS incidents, COALESCE(sum(victim_count), 0)::int8 AS victims"),
        Subject::Victims => (
            "victims JOIN incidents ON incidents.id = victims.incident_id",
            "count(DISTINCT incidents.id) AS incidents, count(*) AS victims",
        ),
    }
}

/// Incidents and victims (the sum of `victim_count`; for the victims
/// subject, victim records) as the query's
/// [`CountPlan`] asks: its days and filters, grouped by its key dimensions
/// and, when it splits by place, by town. One aggregate in the database; no
/// incident row leaves it.
pub async fn incident_counts(conn: &mut AsyncPgConnection, query: &StatsQuery) -> diesel::QueryResult<Vec<GroupCount>> {
    let plan: CountPlan = query.count_plan();
    let keys = &plan.keys;
    let mut select: Vec<&str> = keys.iter().map(|g| key_expression(*g)).collect();
    select.resize(3, "NULL::text");
    let town = if plan.by_town { "town" } else { "NULL::text" };
    let (from, measures) = source(query.subject());
    let sql = format!(
        "SELECT {} AS k1, {} AS k2, {} AS k3, {town} AS town, {measures} \
         FROM {from} \
         WHERE incident_date BETWEEN $1 AND $2 AND status = ANY($3) \
           AND ($4::text IS NULL OR status = $4) \
           AND ($5::text IS NULL OR venue = $5) \
           AND ($6::text IS NULL OR county = $6) \
           AND ($7::text IS NULL OR planning_region = $7) \
           AND ($8::text IS NULL OR judicial_district = $8) \
           AND ($9::int2 IS NULL OR dcf_region = $9) \
         GROUP BY 1, 2, 3, 4",
        select[0], select[1], select[2]
    );
    let f = query.filters();
    let rows: Vec<Row> = diesel::sql_query(sql)
        .bind::<Date, _>(plan.from)
        .bind::<Date, _>(plan.to)
        .bind::<Array<Text>, _>(counted_statuses())
        .bind::<Nullable<Text>, _>(f.status.map(|s| s.to_string()))
        .bind::<Nullable<Text>, _>(f.venue.map(|v| v.to_string()))
        .bind::<Nullable<Text>, _>(f.county)
        .bind::<Nullable<Text>, _>(f.planning_region)
        .bind::<Nullable<Text>, _>(f.judicial_district)
        .bind::<Nullable<SmallInt>, _>(f.dcf_region.map(i16::from))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| GroupCount {
            keys: [r.k1, r.k2, r.k3].into_iter().take(keys.len()).map(Option::unwrap_or_default).collect(),
            town: r.town,
            incidents: u64::try_from(r.incidents).unwrap_or_default(),
            victims: u64::try_from(r.victims).unwrap_or_default(),
        })
        .collect())
}
