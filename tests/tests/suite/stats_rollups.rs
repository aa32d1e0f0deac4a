//! The statistics rollups (migration `2026-12-03-000015_stats_rollups`) give
//! the answers the raw rows give. Incidents and victims are written every way
//! the database allows — inserted, counted status changed to one that does
//! not count, withdrawn and reinstated (migration 000017), moved to another
//! town, month and set of types while withdrawn or not, victims changed,
//! added and deleted, incidents deleted — and then every grouped count the
//! planner sends to a rollup is compared with the same count from the raw
//! rows, and the rollups with a rebuild from scratch.

use beacon_api::db::stats::{incident_counts, raw_counts, rollup_of};
use beacon_api::security::Role;
use beacon_api::db::directory::gaps::{victim_demand, RegionColumn};
use beacon_api::db::report_sections::incident_minors;
use beacon_core::reference::codes::{AgeGroup, Citizenship, CodeList, Service, Sex, TraffickingType, Venue};
use beacon_core::reference::regions::RegionType;
use beacon_core::reference::geo;
use beacon_core::stats::query::{age_band, build, Endpoint, GroupBy, GroupCount, RawParams, StatsQuery, Subject};
use beacon_core::stats::Policy;
use beacon_tests::app::TestApp;
use diesel::sql_types::{Nullable, SmallInt, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::json;

const REASON: &str = "Checking the rollups against the raw rows";

async fn exec(conn: &mut AsyncPgConnection, sql: &str) {
    diesel::sql_query(sql).execute(conn).await.unwrap_or_else(|e| panic!("{e}: {sql}"));
}

fn array(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
    format!("ARRAY[{}]::text[]", quoted.join(", "))
}

fn lit(v: Option<&str>) -> String {
    v.map_or("NULL".to_string(), |v| format!("'{}'", v.replace('\'', "''")))
}

/// Twelve towns across the state, with the regions the API derives.
fn towns_sql() -> String {
    let rows: Vec<String> = geo::towns()
        .iter()
        .step_by(14)
        .take(12)
        .enumerate()
        .map(|(i, t)| {
            format!(
                "({i}, {}, {}, {}, {}, {})",
                lit(Some(t.town)),
                lit(t.county),
                lit(t.planning_region),
                lit(t.judicial_district),
                t.dcf_region.map_or("NULL".to_string(), |r| r.to_string())
            )
        })
        .collect();
    format!("INSERT INTO t_towns VALUES {}", rows.join(", "))
}

/// 600 incidents over 2025 and 2026, each of 1–3 victims, every choice a hash
/// of the incident's number (kept in `agency_case_ref` to pick them out later).
async fn write_incidents(conn: &mut AsyncPgConnection) {
    let types: Vec<&str> = TraffickingType::ALL.iter().map(|c| c.code()).collect();
    let venues: Vec<&str> = Venue::ALL.iter().map(|c| c.code()).collect();
    let sexes: Vec<&str> = Sex::ALL.iter().map(|c| c.code()).collect();
    let citizenships: Vec<&str> = Citizenship::ALL.iter().map(|c| c.code()).collect();
    let bands: Vec<&str> = AgeGroup::ALL.iter().filter_map(|a| a.as_band()).map(|a| a.code()).collect();
    let services: Vec<&str> = Service::ALL.iter().map(|c| c.code()).collect();
    exec(
        conn,
        "CREATE TEMP TABLE t_towns (idx int, town text, county text, planning_region text, judicial_district text, dcf_region smallint)",
    )
    .await;
    exec(conn, &towns_sql()).await;
    exec(
        conn,
        "CREATE FUNCTION pg_temp.r(bigint, int) RETURNS float8 IMMUTABLE LANGUAGE sql AS \
         $$ SELECT ('x' || substr(md5($1::text || ':' || $2::text), 1, 8))::bit(32)::bigint / 4294967296.0 $$",
    )
    .await;
    exec(
        conn,
        &format!(
            "INSERT INTO incidents (id, account_id, schema_version, reporting_agency, agency_case_ref, status, incident_date, reported_date, \
               town, county, planning_region, judicial_district, dcf_region, trafficking_types, nibrs_offenses, venue, \
               control_methods, dcf_notified, minor_involved, victim_count, key_id, wrapped_data_key) \
             SELECT md5('t:' || g)::uuid, (SELECT id FROM accounts ORDER BY id LIMIT 1), 'v1', 'dcf', g::text, \
               CASE WHEN pg_temp.r(g, 1) < 0.4 THEN 'confirmed' ELSE 'suspected' END, \
               DATE '2025-01-01' + floor(pg_temp.r(g, 2) * 730)::int, DATE '2025-01-01', \
               t.town, t.county, t.planning_region, t.judicial_district, t.dcf_region, \
               CASE WHEN pg_temp.r(g, 4) < 0.2 THEN ({types})[1 + floor(pg_temp.r(g, 5) * {nt})::int : {nt}] \
                    ELSE ARRAY[({types})[1 + floor(pg_temp.r(g, 5) * {nt})::int]] END, \
               ARRAY[]::text[], \
               CASE WHEN pg_temp.r(g, 6) < 0.2 THEN NULL ELSE ({venues})[1 + floor(pg_temp.r(g, 7) * {nv})::int] END, \
               ARRAY[]::text[], pg_temp.r(g, 9) < 0.4, pg_temp.r(g, 9) < 0.3, 1 + floor(pg_temp.r(g, 8) * 3)::int, 'test', '\\x00'::bytea \
             FROM generate_series(1, 600) g JOIN t_towns t ON t.idx = floor(pg_temp.r(g, 3) * 12)::int",
            types = array(&types),
            nt = types.len(),
            venues = array(&venues),
            nv = venues.len(),
        ),
    )
    .await;
    exec(
        conn,
        &format!(
            "INSERT INTO victims (id, incident_id, ordinal, age, sex, citizenship, services_needed, minor, age_band) \
             SELECT gen_random_uuid(), i.id, o, \
               CASE WHEN pg_temp.r(g, 10 + o) < 0.15 THEN NULL ELSE floor(pg_temp.r(g, 13 + o) * 90)::int2 END, \
               ({sexes})[1 + floor(pg_temp.r(g, 16 + o) * {ns})::int], \
               CASE WHEN pg_temp.r(g, 19 + o) < 0.2 THEN NULL ELSE ({cit})[1 + floor(pg_temp.r(g, 22 + o) * {nc})::int] END, \
               CASE WHEN pg_temp.r(g, 31 + o) < 0.3 THEN ARRAY[]::text[] \
                    ELSE ({services})[1 + floor(pg_temp.r(g, 34 + o) * {nsv})::int : {nsv}] END, false, \
               CASE WHEN pg_temp.r(g, 25 + o) < 0.5 THEN NULL ELSE ({bands})[1 + floor(pg_temp.r(g, 28 + o) * {nb})::int] END \
             FROM incidents i, LATERAL (SELECT i.agency_case_ref::bigint AS g) n, generate_series(1, i.victim_count) o \
             WHERE i.key_id = 'test'",
            sexes = array(&sexes),
            ns = sexes.len(),
            cit = array(&citizenships),
            nc = citizenships.len(),
            bands = array(&bands),
            nb = bands.len(),
            services = array(&services),
            nsv = services.len(),
        ),
    )
    .await;
}

/// Every kind of write the rollups must follow.
async fn change_incidents(conn: &mut AsyncPgConnection) {
    let n = "agency_case_ref::bigint";
    // A status that does not count (a report withdrawn): out of every count.
    exec(conn, &format!("UPDATE incidents SET status = 'withdrawn' WHERE key_id = 'test' AND {n} % 7 = 0")).await;
    // Withdrawn reports (`PATCH /v1/incidents/{id}`): out of every count with their victims;
    // half of them reinstated. The writes below move some while withdrawn, change and add
    // their victims, and delete some.
    exec(conn, &format!("UPDATE incidents SET withdrawn_reason = 'duplicate', withdrawn_at = now() WHERE key_id = 'test' AND {n} % 9 = 3")).await;
    exec(conn, &format!("UPDATE incidents SET withdrawn_reason = NULL, withdrawn_at = NULL WHERE key_id = 'test' AND {n} % 18 = 3")).await;
    // Moved to another town, with its regions.
    exec(
        conn,
        &format!(
            "UPDATE incidents i SET town = t.town, county = t.county, planning_region = t.planning_region, \
               judicial_district = t.judicial_district, dcf_region = t.dcf_region \
             FROM t_towns t WHERE i.key_id = 'test' AND i.{n} % 11 = 0 AND t.idx = (i.{n} / 11) % 12"
        ),
    )
    .await;
    // Into another month (some into another quarter or year).
    exec(conn, &format!("UPDATE incidents SET incident_date = incident_date + 40 WHERE key_id = 'test' AND {n} % 13 = 0")).await;
    // Another set of types, one repeated.
    exec(conn, &format!("UPDATE incidents SET trafficking_types = ARRAY['labor', 'sex', 'labor'] WHERE key_id = 'test' AND {n} % 17 = 0")).await;
    exec(conn, &format!("UPDATE incidents SET venue = NULL WHERE key_id = 'test' AND {n} % 29 = 0")).await;
    exec(conn, &format!("UPDATE incidents SET victim_count = victim_count + 1 WHERE key_id = 'test' AND {n} % 23 = 0")).await;
    // An incident and its victims changed in one transaction.
    exec(conn, "BEGIN").await;
    exec(conn, &format!("UPDATE incidents SET status = 'confirmed', incident_date = DATE '2026-03-15' WHERE key_id = 'test' AND {n} % 31 = 0")).await;
    exec(conn, "UPDATE victims SET sex = 'male' WHERE incident_id IN (SELECT id FROM incidents WHERE key_id = 'test' AND agency_case_ref::bigint % 31 = 0)").await;
    exec(conn, "COMMIT").await;
    // Victims: an age becomes unknown with a band, a band lost, citizenship lost.
    let victims_of = |m: u32| format!("incident_id IN (SELECT id FROM incidents WHERE key_id = 'test' AND agency_case_ref::bigint % {m} = 0)");
    exec(conn, &format!("UPDATE victims SET age = NULL, age_band = '12_17' WHERE ordinal = 1 AND {}", victims_of(3))).await;
    exec(conn, &format!("UPDATE victims SET age = 64, age_band = NULL WHERE ordinal = 1 AND {}", victims_of(5))).await;
    exec(conn, &format!("UPDATE victims SET citizenship = NULL WHERE {}", victims_of(9))).await;
    exec(conn, &format!("UPDATE victims SET services_needed = ARRAY['shelter', 'legal'] WHERE {}", victims_of(8))).await;
    exec(conn, &format!("UPDATE incidents SET minor_involved = NOT minor_involved, dcf_notified = true WHERE key_id = 'test' AND {n} % 10 = 0")).await;
    // A victim deleted, a victim added, incidents deleted with their victims.
    exec(conn, &format!("DELETE FROM victims WHERE ordinal = 2 AND {}", victims_of(4))).await;
    exec(
        conn,
        &format!(
            "INSERT INTO victims (id, incident_id, ordinal, age, sex, citizenship, services_needed, minor, age_band) \
             SELECT gen_random_uuid(), id, 9, 15, 'female', NULL, ARRAY[]::text[], true, NULL FROM incidents \
             WHERE key_id = 'test' AND {n} % 6 = 0"
        ),
    )
    .await;
    exec(conn, &format!("DELETE FROM incidents WHERE key_id = 'test' AND {n} % 19 = 0")).await;
}

fn query(subject: Subject, endpoint: Endpoint, period: (&str, &str, &str), group_by: &str, filter: (&str, &str)) -> StatsQuery {
    let (period, from, to) = period;
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let (period, from, to) = (opt(period), opt(from), opt(to));
    let value = |name: &str| (filter.0 == name).then_some(filter.1);
    let internal = endpoint == Endpoint::Coordinator;
    let raw = RawParams {
        period: period.as_deref(),
        from: from.as_deref(),
        to: to.as_deref(),
        group_by: Some(group_by),
        internal: internal.then_some("true"),
        reason: internal.then_some(REASON),
        status: value("status"),
        venue: value("venue"),
        county: value("county"),
        planning_region: value("planning_region"),
        judicial_district: value("judicial_district"),
        dcf_region: value("dcf_region"),
        town: value("town"),
        sex: value("sex"),
        age_band: value("age_band"),
        citizenship: value("citizenship"),
        trafficking_type: value("trafficking_type"),
        ..RawParams::default()
    };
    StatsQuery::parse(subject, &raw, endpoint).unwrap_or_else(|e| panic!("{group_by}: {e:?}"))
}

fn sorted(mut rows: Vec<GroupCount>) -> Vec<GroupCount> {
    rows.sort_by(|a, b| (&a.keys, &a.town, a.incidents, a.victims).cmp(&(&b.keys, &b.town, b.incidents, b.victims)));
    rows
}

/// The requests the rollups answer, each with the rollup that should.
fn cases() -> Vec<(StatsQuery, &'static str)> {
    use Subject::{Incidents, Victims};
    let year = ("2026", "", "");
    let years = ("", "2025-01-01", "2026-12-31");
    let quarter = ("2026-Q3", "", "");
    let none = ("", "");
    let county = geo::towns().first().and_then(|t| t.county).unwrap_or("Hartford County");
    let region = geo::towns().get(14).and_then(|t| t.planning_region).unwrap_or_default();
    // Two of the towns `write_incidents` writes to (every 14th), one in another case.
    let towns = format!("{},{}", geo::towns()[0].town, geo::towns()[28].town.to_uppercase());
    let c = Endpoint::Coordinator;
    vec![
        (query(Incidents, c, year, "month,planning_region", none), "stats_incident_months"),
        (query(Incidents, c, years, "trafficking_type,county", none), "stats_incident_months"),
        (query(Incidents, c, year, "status,venue", none), "stats_incident_venue_months"),
        (query(Incidents, c, years, "quarter,dcf_region", ("venue", "hotel_motel")), "stats_incident_venue_months"),
        (query(Incidents, c, year, "month", ("county", county)), "stats_incident_months"),
        (query(Incidents, c, quarter, "trafficking_type,venue,judicial_district", ("status", "confirmed")), "stats_incident_venue_months"),
        (query(Incidents, Endpoint::Public, quarter, "county", none), "stats_incident_months"),
        (query(Victims, c, years, "citizenship,quarter", none), "stats_victim_months"),
        (query(Victims, c, year, "sex,age_band,trafficking_type", none), "stats_victim_months"),
        (query(Victims, c, year, "status,month", ("status", "suspected")), "stats_victim_months"),
        (query(Victims, c, year, "trafficking_type,age_band,county", none), "stats_victim_town_months"),
        (query(Victims, c, years, "age_band,planning_region", none), "stats_victim_town_months"),
        (query(Victims, c, year, "quarter,age_band", ("planning_region", region)), "stats_victim_town_months"),
        // Filters on the rollups' own columns: the same predicate over the rollup's key text.
        (query(Incidents, c, year, "county", ("trafficking_type", "labor")), "stats_incident_months"),
        (query(Incidents, c, years, "trafficking_type", ("trafficking_type", "sex")), "stats_incident_months"),
        (query(Incidents, c, year, "status,county", ("venue", "unknown,hotel_motel")), "stats_incident_venue_months"),
        (query(Incidents, c, years, "month", ("town", towns.as_str())), "stats_incident_months"),
        (query(Victims, c, year, "sex,quarter", ("age_band", "12_17,60_plus,unknown")), "stats_victim_months"),
        (query(Victims, c, years, "citizenship", ("sex", "female")), "stats_victim_months"),
        (query(Victims, c, year, "sex", ("citizenship", "unknown")), "stats_victim_months"),
        (query(Victims, c, year, "county", ("age_band", "under_12,18_24")), "stats_victim_town_months"),
    ]
}

#[tokio::test]
async fn rollup_counts_equal_raw_counts_after_every_kind_of_write() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let reporter = app.reporter("DCF", "dcf").await.unwrap();
    let mut conn = app.conn().await.unwrap();
    write_incidents(&mut conn).await;
    // One through the API as well, the way reports arrive.
    let body = json!({
        "reporting_agency": "dcf", "status": "confirmed", "incident_date": "2026-05-09", "reported_date": "2026-05-10",
        "town": "Hartford", "trafficking_types": ["sex", "labor"], "venue": "hotel_motel", "control_methods": ["threats"],
        "dcf_notified": true,
        "victims": [{"sex": "female", "age": 16, "services_needed": ["shelter"]}, {"sex": "male", "age_band": "18_24", "services_needed": []}],
    });
    let r = app.post_json("/v1/incidents", &reporter, body.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());

    let before: Vec<Vec<GroupCount>> = {
        let mut out = Vec::new();
        for (q, _) in cases() {
            out.push(sorted(raw_counts(&mut conn, &q).await.unwrap()));
        }
        out
    };
    change_incidents(&mut conn).await;

    let mut changed = false;
    for ((q, rollup), before) in cases().into_iter().zip(before) {
        assert_eq!(rollup_of(&q), Some(rollup), "{:?} {:?}", q.subject(), q.group_by());
        let raw = sorted(raw_counts(&mut conn, &q).await.unwrap());
        let rolled = sorted(incident_counts(&mut conn, &q).await.unwrap());
        assert!(!raw.is_empty(), "{:?} {:?} counted nothing", q.subject(), q.group_by());
        // The raw rows key a victim by age (core bands it), a rollup by band:
        // compared as the tables core builds from them, exact and suppressed.
        for policy in [Policy::internal(), Policy::default()] {
            let policy = if q.is_internal() || policy.is_public() { policy } else { continue };
            assert_eq!(
                build(&q, &rolled, &policy).unwrap(),
                build(&q, &raw, &policy).unwrap(),
                "{:?} {:?} from {rollup}",
                q.subject(),
                q.group_by()
            );
        }
        if !q.group_by().contains(&GroupBy::AgeBand) {
            assert_eq!(rolled, raw, "{:?} {:?} from {rollup}", q.subject(), q.group_by());
        }
        changed |= raw != before;
    }
    assert!(changed, "the writes changed the counts");
    drop(coordinator);
}

#[derive(QueryableByName)]
struct RollupText {
    #[diesel(sql_type = Text)]
    t: String,
}

/// Every row of every rollup, as text (also compared with a rebuild by `incident_corrections`).
pub(crate) async fn rollup_contents(conn: &mut AsyncPgConnection) -> Vec<String> {
    let mut out = Vec::new();
    for table in [
        "stats_incident_months",
        "stats_incident_venue_months",
        "stats_incident_minor_months",
        "stats_victim_months",
        "stats_victim_town_months",
        "stats_victim_need_months",
    ] {
        let rows: Vec<RollupText> = diesel::sql_query(format!("SELECT r::text AS t FROM {table} r ORDER BY 1")).load(conn).await.unwrap();
        out.push(format!("{table}: {}", rows.into_iter().map(|r| r.t).collect::<Vec<_>>().join("\n")));
    }
    out
}

#[tokio::test]
async fn the_rollups_kept_by_triggers_equal_a_rebuild_from_the_rows() {
    let app = TestApp::spawn().await.unwrap();
    let _coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let mut conn = app.conn().await.unwrap();
    write_incidents(&mut conn).await;
    change_incidents(&mut conn).await;
    let kept = rollup_contents(&mut conn).await;
    // The rebuild is the schema owner's tool (it truncates the rollups); the runtime role may not.
    exec(&mut app.owner_conn().await.unwrap(), "SELECT stats_rollups_rebuild()").await;
    let rebuilt = rollup_contents(&mut conn).await;
    assert!(kept.iter().all(|t| t.contains('\n')), "the rollups are filled");
    assert_eq!(kept, rebuilt);
}

#[tokio::test]
async fn a_period_of_days_is_counted_from_the_raw_rows() {
    let q = query(Subject::Incidents, Endpoint::Coordinator, ("", "2026-01-01", "2026-02-15"), "county", ("", ""));
    assert_eq!(rollup_of(&q), None);
    let q = query(Subject::Victims, Endpoint::Coordinator, ("2026", "", ""), "venue", ("", ""));
    assert_eq!(rollup_of(&q), None, "no victims rollup has the venue");
    let q = query(Subject::Victims, Endpoint::Coordinator, ("2026", "", ""), "sex,county", ("", ""));
    assert_eq!(rollup_of(&q), None, "no victims rollup has both sex and town");
}

#[derive(QueryableByName)]
struct Band {
    #[diesel(sql_type = Nullable<SmallInt>)]
    age: Option<i16>,
    #[diesel(sql_type = Nullable<Text>)]
    stored: Option<String>,
    #[diesel(sql_type = Text)]
    band: String,
}

/// The rollups band ages in SQL (`stats_age_band`); the rule is core's.
#[tokio::test]
async fn sql_age_band_is_cores() {
    let app = TestApp::spawn().await.unwrap();
    let mut conn = app.conn().await.unwrap();
    let rows: Vec<Band> = diesel::sql_query(
        "SELECT a::int2 AS age, NULL::text AS stored, stats_age_band(a::int2, NULL) AS band FROM generate_series(0, 130) a \
         UNION ALL SELECT NULL::int2, b, stats_age_band(NULL, b) FROM unnest(ARRAY['under_12', '12_17', '18_24', '25_59', '60_plus', NULL]) b \
         UNION ALL SELECT 40::int2, '12_17', stats_age_band(40::int2, '12_17')",
    )
    .load(&mut conn)
    .await
    .unwrap();
    assert_eq!(rows.len(), 131 + 6 + 1);
    for r in rows {
        let core = match (r.age, r.stored.as_deref()) {
            (Some(age), _) => age_band(u8::try_from(age).ok()),
            (None, Some(stored)) => AgeGroup::ALL.iter().copied().find(|a| a.code() == stored).unwrap(),
            (None, None) => age_band(None),
        };
        assert_eq!(r.band, core.code(), "age {:?}, stored band {:?}", r.age, r.stored);
    }
}

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct DemandRow {
    #[diesel(sql_type = Text)]
    region: String,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct MinorsRow {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    minor: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    notified: bool,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The report's section counts take whole months from a rollup and the days
/// either side from the rows: the same as counting every row.
#[tokio::test]
async fn demand_and_minors_from_rollups_and_days_equal_the_raw_counts() {
    let app = TestApp::spawn().await.unwrap();
    let _coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let mut conn = app.conn().await.unwrap();
    write_incidents(&mut conn).await;
    change_incidents(&mut conn).await;
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let periods = [("2026-01-01", "2026-12-31"), ("2025-03-10", "2026-06-20"), ("2026-02-03", "2026-02-20"), ("2025-12-15", "2026-01-10")];
    for (from, to) in periods {
        for region in [RegionType::County, RegionType::DcfRegion] {
            let col = if region == RegionType::County { "county" } else { "dcf_region::text" };
            let mut rolled: Vec<DemandRow> = victim_demand(&mut conn, RegionColumn::from(region), day(from), day(to))
                .await
                .unwrap()
                .into_iter()
                .map(|d| DemandRow { region: d.region, code: d.code, n: d.n })
                .collect();
            let mut raw: Vec<DemandRow> = diesel::sql_query(format!(
                "SELECT i.{col} AS region, need AS code, count(*) AS n \
                 FROM victims v JOIN incidents i ON i.id = v.incident_id, unnest(v.services_needed) AS need \
                 WHERE i.incident_date BETWEEN '{from}' AND '{to}' AND i.{col} IS NOT NULL AND i.withdrawn_at IS NULL GROUP BY 1, 2"
            ))
            .load(&mut conn)
            .await
            .unwrap();
            rolled.sort();
            raw.sort();
            assert!(!raw.is_empty(), "{from}..{to}");
            assert_eq!(rolled, raw, "demand {from}..{to} by {col}");
        }
        let mut rolled: Vec<MinorsRow> = incident_minors(&mut conn, day(from), day(to))
            .await
            .unwrap()
            .into_iter()
            .map(|r| MinorsRow { minor: r.minor, notified: r.notified, n: r.n })
            .collect();
        let mut raw: Vec<MinorsRow> = diesel::sql_query(format!(
            "SELECT minor_involved AS minor, dcf_notified AS notified, count(*) AS n FROM incidents \
             WHERE incident_date BETWEEN '{from}' AND '{to}' AND status IN ('suspected', 'confirmed') AND withdrawn_at IS NULL GROUP BY 1, 2"
        ))
        .load(&mut conn)
        .await
        .unwrap();
        rolled.sort();
        raw.sort();
        assert_eq!(rolled, raw, "minors {from}..{to}");
    }
}
