//! Grouped counts for the statistics endpoints. Only whitelisted column
//! expressions go into the SQL text; every value the caller gave is a bind.

use beacon_core::stats::median_days::{MedianPlan, MedianRow};
use beacon_core::stats::query::{counted_statuses, CountPlan, Filter, Filters, GroupBy, GroupCount, StatsQuery, Subject, ALL_RECORDS};
use chrono::{Datelike, Months, NaiveDate};
use diesel::pg::Pg;
use diesel::sql_types::{Array, BigInt, Date, Double, Integer, Nullable, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

/// Where a subject's records are and how each dimension reads them. Only
/// these fixed strings reach the SQL text.
struct Source {
    /// The rows counted.
    from: &'static str,
    /// The day a record falls on (a timestamp is dated in the state's day).
    day: &'static str,
    /// The two measures (`incidents`, `victims`); a subject with one measure
    /// counts its records as `incidents`.
    measures: &'static str,
    /// The rows that count: `$3` is the incident statuses that count; a withdrawn incident
    /// (`beacon_core::incident::correction`) never counts, nor its victims.
    counted: &'static str,
    /// The town a record is in: what every geography groups and filters by.
    town: &'static str,
    /// The array a multi-valued dimension unnests.
    multi: &'static str,
    /// Whether that array holds each category at most once (a rollup's,
    /// made canonical by `stats_types`), so it needs no DISTINCT.
    multi_is_set: bool,
}

/// The minors of DCF's queue (`db::dcf`), one row each, de-identified: a partner's submission
/// about a minor until it is converted, then its incident (dated by the submission's receipt);
/// every other incident involving a minor. A withdrawn incident is no one's minor.
const DCF_MINORS: &str = "(SELECT (s.received_at AT TIME ZONE 'America/New_York')::date AS received_on, \
        s.town, s.county, s.planning_region, s.judicial_district, s.dcf_region, r.response \
      FROM intake_submissions s LEFT JOIN dcf_responses r ON r.submission_id = s.id \
      WHERE s.minor_involved AND s.converted_incident_id IS NULL \
    UNION ALL \
    SELECT (COALESCE(s.received_at, i.received_at) AT TIME ZONE 'America/New_York')::date, \
        i.town, i.county, i.planning_region, i.judicial_district, i.dcf_region, r.response \
      FROM incidents i LEFT JOIN intake_submissions s ON s.converted_incident_id = i.id \
      LEFT JOIN dcf_responses r ON r.incident_id = i.id \
      WHERE i.minor_involved AND i.withdrawn_at IS NULL) AS dcf_minors";

fn source(subject: Subject) -> Source {
    match subject {
        Subject::Incidents => Source {
            from: "incidents",
            day: "incidents.incident_date",
            measures: "count(*) AS incidents, COALESCE(sum(incidents.victim_count), 0)::int8 AS victims",
            counted: "incidents.status = ANY($3) AND incidents.withdrawn_at IS NULL",
            town: "incidents.town",
            multi: "incidents.trafficking_types",
            multi_is_set: false,
        },
        Subject::Victims => Source {
            from: "victims JOIN incidents ON incidents.id = victims.incident_id",
            day: "incidents.incident_date",
            // One measure, victims (`Subject::measures`): an incident split by
            // a victim's trait would count twice, so it is not counted at all.
            measures: "0::int8 AS incidents, count(*) AS victims",
            counted: "incidents.status = ANY($3) AND incidents.withdrawn_at IS NULL",
            town: "incidents.town",
            multi: "incidents.trafficking_types",
            multi_is_set: false,
        },
        Subject::Intake => Source {
            from: "intake_submissions JOIN accounts ON accounts.id = intake_submissions.account_id",
            day: "(intake_submissions.received_at AT TIME ZONE 'America/New_York')::date",
            measures: "count(*) AS incidents, 0::int8 AS victims",
            // Every submission counts: none is withdrawn.
            counted: "$3::text[] IS NOT NULL",
            town: "intake_submissions.town",
            multi: "intake_submissions.concern_types",
            multi_is_set: false,
        },
        // Counted by `training_counts`, never through this source.
        Subject::Training => Source {
            from: "classified",
            day: "$1::date",
            measures: "count(*) AS incidents, 0::int8 AS victims",
            counted: "$2::date IS NOT NULL",
            town: "classified.town",
            multi: "ARRAY[]::text[]",
            multi_is_set: false,
        },
        Subject::DcfResponses => Source {
            from: DCF_MINORS,
            day: "dcf_minors.received_on",
            measures: "count(*) AS incidents, 0::int8 AS victims",
            counted: "$3::text[] IS NOT NULL",
            town: "dcf_minors.town",
            multi: "ARRAY[]::text[]",
            multi_is_set: false,
        },
        Subject::Referrals => Source {
            from: "directory_referrals",
            day: "directory_referrals.referred_on",
            measures: "count(*) AS incidents, 0::int8 AS victims",
            counted: "$3::text[] IS NOT NULL",
            town: "directory_referrals.town",
            multi: "ARRAY[]::text[]",
            multi_is_set: false,
        },
    }
}

/// A monthly rollup (migration `2026-12-03-000015_stats_rollups`): counts by
/// month and a fixed set of dimensions, kept exact by triggers on every write
/// to `incidents` and `victims` (withdrawn incidents left out, migration 000017). Counting from one instead of the raw rows
/// gives the same numbers (the suite's `stats_rollups` tests compare them) in
/// a fraction of the time: a year of a statewide database is a few hundred
/// thousand rows, its months a few tens of thousands.
struct Rollup {
    subject: Subject,
    source: Source,
    /// The dimensions it can group by besides time (it has the month) and place.
    keys: &'static [GroupBy],
    /// Whether it is split by town (so the place filters too).
    by_town: bool,
}

/// The rollups, smallest first: the first that covers a request is used.
fn rollups() -> [Rollup; 4] {
    let source = |from, measures| Source {
        from,
        day: "month",
        measures,
        counted: "status = ANY($3)",
        town: "town",
        multi: "trafficking_types",
        multi_is_set: true,
    };
    let victims = "0::int8 AS incidents, COALESCE(sum(victims), 0)::int8 AS victims";
    let incidents = "COALESCE(sum(incidents), 0)::int8 AS incidents, COALESCE(sum(victims), 0)::int8 AS victims";
    [
        Rollup {
            subject: Subject::Victims,
            source: source("stats_victim_months", victims),
            keys: &[GroupBy::Status, GroupBy::Sex, GroupBy::AgeBand, GroupBy::Citizenship, GroupBy::TraffickingType],
            by_town: false,
        },
        Rollup {
            subject: Subject::Incidents,
            source: source("stats_incident_months", incidents),
            keys: &[GroupBy::Status, GroupBy::TraffickingType],
            by_town: true,
        },
        Rollup {
            subject: Subject::Victims,
            source: source("stats_victim_town_months", victims),
            keys: &[GroupBy::Status, GroupBy::AgeBand, GroupBy::TraffickingType],
            by_town: true,
        },
        Rollup {
            subject: Subject::Incidents,
            source: source("stats_incident_venue_months", incidents),
            keys: &[GroupBy::Status, GroupBy::Venue, GroupBy::TraffickingType],
            by_town: true,
        },
    ]
}

/// The whole months of `from..=to` (a rollup's share of the period), as
/// their first and last days; when there are none, an empty range just past
/// `to`. The days outside it (before its first, after its last) are counted
/// from the raw rows.
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = if from.day() == 1 { Some(from) } else { from.with_day(1).and_then(|d| d.checked_add_months(Months::new(1))) };
    let last = match to.succ_opt() {
        Some(next) if next.day() == 1 => Some(to),
        _ => to.with_day(1).and_then(|d| d.pred_opt()),
    };
    match (first, last) {
        (Some(first), Some(last)) if first <= last => (first, last),
        _ => (to.succ_opt().unwrap_or(to), to),
    }
}

/// The smallest rollup that holds everything the count needs: its period in
/// whole months (a rollup has no days), each key dimension, the town when the
/// count is split by place, and the column of each filter given (a place's,
/// the town). None: count the raw rows.
fn rollup_for(subject: Subject, plan: &CountPlan, filters: &Filters) -> Option<Rollup> {
    let whole_months = plan.from <= plan.to
        && plan.from.day() == 1
        && plan.to.succ_opt().is_some_and(|next| next.day() == 1);
    if !whole_months {
        return None;
    }
    let by_place = filters.iter().any(|f| f.dimension().is_geography());
    rollups().into_iter().find(|r| {
        r.subject == subject
            && plan.keys.iter().all(|g| g.is_time() || r.keys.contains(g))
            && filters.iter().all(|f| f.dimension().is_geography() || r.keys.contains(&f.dimension()))
            && (r.by_town || !(plan.by_town || by_place))
    })
}

/// A key dimension's text in a rollup: the same labels as [`key_expression`]
/// gives from the raw rows (the age band is stored banded, see the migration).
fn rollup_key_expression(g: GroupBy) -> String {
    match g {
        GroupBy::Year => "to_char(month, 'YYYY')",
        GroupBy::Quarter => "to_char(month, 'YYYY-\"Q\"Q')",
        GroupBy::Month => "to_char(month, 'YYYY-MM')",
        GroupBy::Venue => "COALESCE(venue, 'unknown')",
        GroupBy::Sex => "sex",
        GroupBy::AgeBand => "age_band",
        GroupBy::Citizenship => "COALESCE(citizenship, 'unknown')",
        GroupBy::TraffickingType | GroupBy::ConcernType => "mv.category",
        GroupBy::Town | GroupBy::County | GroupBy::PlanningRegion | GroupBy::JudicialDistrict | GroupBy::DcfRegion => "town",
        GroupBy::Status => "status",
        // No rollup has these: `rollup_for` never picks one for them.
        GroupBy::Partner
        | GroupBy::Service
        | GroupBy::Outcome
        | GroupBy::Agency
        | GroupBy::Population
        | GroupBy::ReportingAgency => "NULL::text",
    }
    .into()
}

/// The key text of a non-geographic dimension, as `beacon_core::stats::query`
/// labels its categories. Geographies group by town instead (see below).
fn key_expression(g: GroupBy, subject: Subject) -> String {
    let s = source(subject);
    match g {
        GroupBy::Year => format!("to_char({}, 'YYYY')", s.day),
        GroupBy::Quarter => format!("to_char({}, 'YYYY-\"Q\"Q')", s.day),
        GroupBy::Month => format!("to_char({}, 'YYYY-MM')", s.day),
        GroupBy::Status if subject == Subject::Intake => "intake_submissions.status".into(),
        GroupBy::Status if subject == Subject::Training => "classified.status".into(),
        GroupBy::Agency => "classified.agency".into(),
        GroupBy::Population => "classified.population".into(),
        GroupBy::Status => "incidents.status".into(),
        GroupBy::ReportingAgency => "incidents.reporting_agency".into(),
        GroupBy::Venue => "COALESCE(incidents.venue, 'unknown')".into(),
        GroupBy::Sex => "victims.sex".into(),
        // The raw age, else the band: core bands it (`beacon_core::stats::query::age_band`).
        GroupBy::AgeBand if subject == Subject::Intake => "intake_submissions.age_group".into(),
        GroupBy::AgeBand => "COALESCE(victims.age::text, victims.age_band, '')".into(),
        GroupBy::Citizenship => "COALESCE(victims.citizenship, 'unknown')".into(),
        // The partner is an organisation; its name is its label.
        GroupBy::Partner => "accounts.name".into(),
        GroupBy::Service => "directory_referrals.category".into(),
        GroupBy::Outcome if subject == Subject::DcfResponses => {
            format!("COALESCE(dcf_minors.response, '{}')", beacon_core::stats::query::NO_DCF_RESPONSE)
        }
        GroupBy::Outcome => "directory_referrals.status".into(),
        // One row per category the record has (see `counts`).
        GroupBy::TraffickingType | GroupBy::ConcernType => "mv.category".into(),
        // Regions are derived from the town by core, so that every geography
        // of one period cuts the same units.
        GroupBy::Town | GroupBy::County | GroupBy::PlanningRegion | GroupBy::JudicialDistrict | GroupBy::DcfRegion => s.town.into(),
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

/// The one place a request's filters become SQL: a predicate per filter
/// over the same key text the counts group by (a geography over the town,
/// a multi-valued dimension over its array: any category in common; a
/// partner over the account's id), its values bound as `$first`, `$first + 1`,
/// … in the order of `filters` (see [`filter_binds`]). Only the fixed
/// expressions of a [`Source`] reach the text; `TRUE` when there is none.
fn filter_sql(s: &Source, key: &dyn Fn(GroupBy) -> String, filters: &Filters, first: usize) -> String {
    let predicates: Vec<String> = filters
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let n = first + i;
            match f.dimension() {
                g if g.is_geography() => format!("{} = ANY(${n}::text[])", s.town),
                g if g.is_multi_valued() => format!("{} && ${n}::text[]", s.multi),
                // Only intake has partners; core refuses the filter elsewhere.
                GroupBy::Partner => format!("intake_submissions.account_id = ANY(${n}::uuid[])"),
                g => format!("{} = ANY(${n}::text[])", key(g)),
            }
        })
        .collect();
    if predicates.is_empty() {
        "TRUE".into()
    } else {
        predicates.join(" AND ")
    }
}

/// The values [`filter_sql`]'s predicates compare with, in its order.
fn filter_binds(filters: &Filters) -> Vec<Vec<String>> {
    filters.iter().map(Filter::sql_values).collect()
}

/// The first bind of a count's filters: `$1`–`$3` are its days and the statuses that count.
const FIRST_FILTER: usize = 4;

/// One grouped SELECT: `keys` are the key columns' SQL, `lateral` any join
/// after the source, `filters` its [`filter_sql`].
fn select(s: &Source, keys: &[String], town: &str, lateral: &str, filters: &str) -> String {
    let mut keys = keys.to_vec();
    keys.resize(3, "NULL::text".into());
    format!(
        "SELECT {} AS k1, {} AS k2, {} AS k3, {town} AS town, {} \
         FROM {}{lateral} \
         WHERE {} BETWEEN $1 AND $2 AND {} AND {filters} \
         GROUP BY 1, 2, 3, 4",
        keys[0], keys[1], keys[2], s.measures, s.from, s.day, s.counted
    )
}

/// The SQL of the query's [`CountPlan`]. With a multi-valued dimension the
/// records are counted twice in one statement: once per category they have
/// (each category once, however often the array repeats it), and once all
/// together, keyed [`ALL_RECORDS`], so core can publish has / has-not.
fn count_sql(s: &Source, key: impl Fn(GroupBy) -> String, plan: &CountPlan, filters: &Filters) -> String {
    let keys: Vec<String> = plan.keys.iter().map(|g| key(*g)).collect();
    let town = if plan.by_town { s.town } else { "NULL::text" };
    let filters = filter_sql(s, &key, filters, FIRST_FILTER);
    if !plan.keys.iter().any(|g| g.is_multi_valued()) {
        return select(s, &keys, town, "", &filters);
    }
    if s.multi_is_set {
        return set_count_sql(s, plan, &keys, town, &filters);
    }
    let lateral = format!(" CROSS JOIN LATERAL (SELECT DISTINCT unnest({})) AS mv(category)", s.multi);
    let all: Vec<String> = plan
        .keys
        .iter()
        .zip(&keys)
        .map(|(g, k)| if g.is_multi_valued() { format!("'{ALL_RECORDS}'::text") } else { k.clone() })
        .collect();
    format!("{} UNION ALL {}", select(s, &keys, town, &lateral, &filters), select(s, &all, town, "", &filters))
}

/// [`count_sql`] for a source whose arrays hold each category once (a
/// rollup's): its rows are first summed by the other keys, the town and the
/// set of categories (a year of a rollup is tens of thousands of rows, the
/// sums a few thousand), then each sum counts once per category it has and
/// once keyed [`ALL_RECORDS`] — one pass instead of two.
fn set_count_sql(s: &Source, plan: &CountPlan, keys: &[String], town: &str, filters: &str) -> String {
    let mut inner = Vec::new();
    let mut outer = Vec::new();
    for (i, (g, k)) in plan.keys.iter().zip(keys).enumerate() {
        if g.is_multi_valued() {
            outer.push("mv.category".to_string());
        } else {
            inner.push(format!("{k} AS g{i}"));
            outer.push(format!("g.g{i}"));
        }
    }
    outer.resize(3, "NULL::text".into());
    let groups: Vec<String> = (1..=inner.len() + 2).map(|i| i.to_string()).collect();
    inner.push(format!("{town} AS town"));
    inner.push(format!("{} AS mv_set", s.multi));
    format!(
        "SELECT {} AS k1, {} AS k2, {} AS k3, g.town AS town, sum(g.incidents)::int8 AS incidents, sum(g.victims)::int8 AS victims \
         FROM (SELECT {}, {} FROM {} WHERE {} BETWEEN $1 AND $2 AND {} AND {filters} GROUP BY {}) AS g \
         CROSS JOIN LATERAL unnest(g.mv_set || ARRAY['{ALL_RECORDS}']::text[]) AS mv(category) \
         GROUP BY 1, 2, 3, 4",
        outer[0],
        outer[1],
        outer[2],
        inner.join(", "),
        s.measures,
        s.from,
        s.day,
        s.counted,
        groups.join(", ")
    )
}

/// The subject's records (for incidents also the sum of `victim_count`; for
/// the victims subject, victim records) as the query's [`CountPlan`] asks:
/// its days and filters, grouped by its key dimensions and, when it splits
/// by place, by town. One aggregate in the database; no row leaves it.
pub async fn incident_counts(conn: &mut AsyncPgConnection, query: &StatsQuery) -> diesel::QueryResult<Vec<GroupCount>> {
    counts(conn, query, true).await
}

/// As [`incident_counts`], always from the raw rows: what the rollups must
/// agree with (the suite compares the two).
pub async fn raw_counts(conn: &mut AsyncPgConnection, query: &StatsQuery) -> diesel::QueryResult<Vec<GroupCount>> {
    counts(conn, query, false).await
}

/// The rollup table [`incident_counts`] counts `query` from, if any.
pub fn rollup_of(query: &StatsQuery) -> Option<&'static str> {
    rollup_for(query.subject(), &query.count_plan(), query.filters()).map(|r| r.source.from)
}

/// A request may need several counts ([`StatsQuery::count_plans`]: a public
/// year also counts its details); each row says which it answers.
async fn counts(conn: &mut AsyncPgConnection, query: &StatsQuery, rollups: bool) -> diesel::QueryResult<Vec<GroupCount>> {
    let mut out = Vec::new();
    for (i, plan) in query.count_plans().iter().enumerate() {
        let rows = if query.subject() == Subject::Training {
            training_counts(conn, plan, query.filters()).await?
        } else {
            plan_counts(conn, query, plan, rollups).await?
        };
        out.extend(rows.into_iter().map(|r| GroupCount { plan: i, ..r }));
    }
    Ok(out)
}

async fn plan_counts(conn: &mut AsyncPgConnection, query: &StatsQuery, plan: &CountPlan, rollups: bool) -> diesel::QueryResult<Vec<GroupCount>> {
    let f = query.filters();
    let sql = match rollup_for(query.subject(), plan, f).filter(|_| rollups) {
        Some(rollup) => count_sql(&rollup.source, rollup_key_expression, plan, f),
        None => count_sql(&source(query.subject()), |g| key_expression(g, query.subject()), plan, f),
    };
    let rows: Vec<Row> = conn
        .transaction(async |conn| {
            // How many rows a count reads depends on its period and filters.
            // After five runs of one statement PostgreSQL may settle on a
            // generic plan that guesses (a rollup's year as one row) and runs
            // two to three times slower than the plan for the binds given.
            diesel::sql_query("SET LOCAL plan_cache_mode = force_custom_plan").execute(conn).await?;
            let mut statement = diesel::sql_query(sql.as_str())
                .into_boxed::<Pg>()
                .bind::<Date, _>(plan.from)
                .bind::<Date, _>(plan.to)
                .bind::<Array<Text>, _>(counted_statuses());
            for values in filter_binds(f) {
                statement = statement.bind::<Array<Text>, _>(values);
            }
            statement.load(conn).await
        })
        .await?;
    Ok(group_counts(rows, plan.keys.len()))
}

fn group_counts(rows: Vec<Row>, n: usize) -> Vec<GroupCount> {
    rows
        .into_iter()
        .map(|r| GroupCount {
            keys: [r.k1, r.k2, r.k3].into_iter().take(n).map(Option::unwrap_or_default).collect(),
            town: r.town,
            incidents: u64::try_from(r.incidents).unwrap_or_default(),
            victims: u64::try_from(r.victims).unwrap_or_default(),
            plan: 0,
        })
        .collect()
}

/// The active workforce classified as `beacon_core::training::compliance`
/// classifies a person as of the plan's day, in the database: a person's
/// qualifying date is the latest completion date (not voided, on or before
/// the day, covering a required topic) whose window of completions covers
/// every topic the population requires; the due date is three years after
/// it, else the initial due date (from a linked provider's contract start for
/// its staff); the status follows from the due date. A qualifying date counts
/// only once a set of non-refresher courses has qualified (the initial
/// training); family-violence courses cover no topic, so never qualify. The
/// rule's inputs come from core (`rule_inputs`), and a test compares these
/// counts with core's classification of the same people.
const TRAINING_CLASSIFIED: &str = "WITH req AS (SELECT * FROM unnest($3::text[], $4::text[]) AS r(population, topic)), need AS (SELECT population, count(*) AS n FROM req GROUP BY population), cand AS (   SELECT DISTINCT c.person_id, c.completed_on AS d, w.population   FROM completions c JOIN workforce w ON w.id = c.person_id   WHERE w.active AND NOT c.voided AND c.completed_on <= $2     AND EXISTS (SELECT 1 FROM req WHERE req.population = w.population AND req.topic = ANY(c.topics))), init AS (   SELECT DISTINCT cand.person_id FROM cand JOIN need ON need.population = cand.population   WHERE EXISTS (SELECT 1 FROM completions c0 WHERE c0.person_id = cand.person_id AND c0.completed_on = cand.d AND NOT c0.voided AND c0.kind <> $11 AND EXISTS (SELECT 1 FROM req WHERE req.population = cand.population AND req.topic = ANY(c0.topics)))     AND (SELECT count(DISTINCT t.topic) FROM completions c2 CROSS JOIN LATERAL unnest(c2.topics) AS t(topic)          JOIN req r ON r.population = cand.population AND r.topic = t.topic          WHERE c2.person_id = cand.person_id AND NOT c2.voided AND c2.kind <> $11            AND c2.completed_on BETWEEN cand.d - $5::int AND cand.d) = need.n), qual AS (   SELECT cand.person_id, max(cand.d) AS q FROM cand JOIN need ON need.population = cand.population   WHERE cand.person_id IN (SELECT person_id FROM init) AND (SELECT count(DISTINCT t.topic) FROM completions c2 CROSS JOIN LATERAL unnest(c2.topics) AS t(topic)          JOIN req r ON r.population = cand.population AND r.topic = t.topic          WHERE c2.person_id = cand.person_id AND NOT c2.voided            AND c2.completed_on BETWEEN cand.d - $5::int AND cand.d) = need.n   GROUP BY cand.person_id), classified AS (   SELECT w.agency, w.population, w.town,     CASE WHEN NOT (w.population = ANY($6::text[])) THEN 'not_required'          WHEN $2 > dd.due THEN 'overdue'          WHEN dd.due - $2 <= $7::int THEN 'due_soon'          WHEN qual.q IS NOT NULL THEN 'compliant'          ELSE 'not_yet_due' END AS status   FROM workforce w LEFT JOIN qual ON qual.person_id = w.id   LEFT JOIN contracted_providers cp ON cp.id = w.provider_id AND w.population = $12   CROSS JOIN LATERAL (SELECT CASE WHEN qual.q IS NOT NULL THEN (qual.q + make_interval(months => $8::int))::date        ELSE greatest($9::date, (coalesce(cp.contract_start, w.start_date) + make_interval(months => $10::int))::date) END AS due) AS dd   WHERE w.active) ";

/// The first bind of the training count's filters, after the rule's inputs (`$1`–`$12`).
const FIRST_TRAINING_FILTER: usize = 13;

async fn training_counts(conn: &mut AsyncPgConnection, plan: &CountPlan, filters: &Filters) -> diesel::QueryResult<Vec<GroupCount>> {
    let rule = beacon_core::training::compliance::rule_inputs();
    let mut keys: Vec<String> = plan.keys.iter().map(|g| key_expression(*g, Subject::Training)).collect();
    keys.resize(3, "NULL::text".into());
    let town = if plan.by_town { "classified.town" } else { "NULL::text" };
    let filter = filter_sql(&source(Subject::Training), &|g| key_expression(g, Subject::Training), filters, FIRST_TRAINING_FILTER);
    let sql = format!(
        "{TRAINING_CLASSIFIED} SELECT {} AS k1, {} AS k2, {} AS k3, {town} AS town, count(*) AS incidents, 0::int8 AS victims          FROM classified WHERE $1::date <= $2 AND {filter} GROUP BY 1, 2, 3, 4",
        keys[0], keys[1], keys[2]
    );
    let (populations, topics): (Vec<&str>, Vec<&str>) = rule.required.iter().copied().unzip();
    let int = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
    let mut statement = diesel::sql_query(sql)
        .into_boxed::<Pg>()
        .bind::<Date, _>(plan.from)
        .bind::<Date, _>(plan.to)
        .bind::<Array<Text>, _>(populations)
        .bind::<Array<Text>, _>(topics)
        .bind::<Integer, _>(int(rule.window_back_days))
        .bind::<Array<Text>, _>(rule.with_deadline)
        .bind::<Integer, _>(int(u64::try_from(rule.due_soon_days).unwrap_or_default()))
        .bind::<Integer, _>(int(u64::from(rule.refresh_months)))
        .bind::<Date, _>(rule.initial_deadline)
        .bind::<Integer, _>(int(u64::from(rule.initial_months)))
        .bind::<Text, _>(rule.refresher_kind)
        .bind::<Text, _>(rule.contract_clock_population);
    for values in filter_binds(filters) {
        statement = statement.bind::<Array<Text>, _>(values);
    }
    let rows: Vec<Row> = statement.load(conn).await?;
    Ok(group_counts(rows, plan.keys.len()))
}

/// Days from a referral's sending to the provider's answer (accepted or
/// declined); `NULL` for a referral not answered, which a median skips.
pub const DAYS_TO_ANSWER: &str = "extract(epoch FROM (COALESCE(directory_referrals.accepted_at, \
    directory_referrals.declined_at) - directory_referrals.sent_at)) / 86400";

/// The median of [`DAYS_TO_ANSWER`] over a group, to a tenth of a day: the
/// annual report's figure and the statistics' `median_days_to_outcome`.
pub fn median_days_sql() -> String {
    format!("round((percentile_cont(0.5) WITHIN GROUP (ORDER BY {DAYS_TO_ANSWER}))::numeric, 1)::float8")
}

#[derive(Debug, QueryableByName)]
struct MedianSqlRow {
    #[diesel(sql_type = Nullable<Text>)]
    k1: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    k2: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    k3: Option<String>,
    /// `GROUPING(…)` of the row's expressions: a bit set where the row is that dimension's total.
    #[diesel(sql_type = Integer)]
    grouping: i32,
    #[diesel(sql_type = BigInt)]
    answered: i64,
    #[diesel(sql_type = Nullable<Double>)]
    median_days: Option<f64>,
}

/// The median days to outcome of every entry of every table of `query`
/// ([`StatsQuery::median_plans`]; none for a subject without them): one
/// aggregate per table, grouped by every combination of its dimensions
/// (`CUBE`, so totals too: a median does not add up), over the same records
/// and filters as its counts. A region is the town's, from core's mapping
/// (bound, like every value). No row leaves the database.
pub async fn medians(conn: &mut AsyncPgConnection, query: &StatsQuery) -> diesel::QueryResult<Vec<MedianRow>> {
    let mut out = Vec::new();
    for (i, plan) in query.median_plans().iter().enumerate() {
        out.extend(plan_medians(conn, query, plan).await?.into_iter().map(|r| MedianRow { plan: i, ..r }));
    }
    Ok(out)
}

async fn plan_medians(conn: &mut AsyncPgConnection, query: &StatsQuery, plan: &MedianPlan) -> diesel::QueryResult<Vec<MedianRow>> {
    let subject = query.subject();
    let s = source(subject);
    let key = |g: GroupBy| key_expression(g, subject);
    let f = query.filters();
    let filters = filter_sql(&s, &key, f, FIRST_FILTER);
    let mut exprs: Vec<String> = plan.keys.iter().map(|g| key(*g)).collect();
    let mut join = String::new();
    if plan.regions.is_some() {
        let towns = FIRST_FILTER + f.iter().count();
        let regions = towns + 1;
        join = format!(" JOIN unnest(${towns}::text[], ${regions}::text[]) AS geo(town, region) ON geo.town = {}", s.town);
        exprs.push("geo.region".into());
    }
    let (grouping, group_by) = if exprs.is_empty() {
        ("0".to_string(), String::new())
    } else {
        (format!("GROUPING({})", exprs.join(", ")), format!(" GROUP BY CUBE ({})", exprs.join(", ")))
    };
    let n = exprs.len();
    let mut columns = exprs.clone();
    columns.resize(3, "NULL::text".into());
    let sql = format!(
        "SELECT {} AS k1, {} AS k2, {} AS k3, {grouping} AS grouping, count({DAYS_TO_ANSWER}) AS answered, {} AS median_days \
         FROM {}{join} WHERE {} BETWEEN $1 AND $2 AND {} AND {filters}{group_by}",
        columns[0],
        columns[1],
        columns[2],
        median_days_sql(),
        s.from,
        s.day,
        s.counted
    );
    let mut statement = diesel::sql_query(sql)
        .into_boxed::<Pg>()
        .bind::<Date, _>(plan.from)
        .bind::<Date, _>(plan.to)
        .bind::<Array<Text>, _>(counted_statuses());
    for values in filter_binds(f) {
        statement = statement.bind::<Array<Text>, _>(values);
    }
    if let Some(regions) = &plan.regions {
        let (towns, labels): (Vec<&str>, Vec<&str>) = regions.iter().map(|(t, r)| (t.as_str(), r.as_str())).unzip();
        statement = statement.bind::<Array<Text>, _>(towns).bind::<Array<Text>, _>(labels);
    }
    let rows: Vec<MedianSqlRow> = statement.load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            // GROUPING's leftmost argument is its highest bit.
            let total = |j: usize| n.checked_sub(j + 1).is_some_and(|shift| r.grouping >> shift & 1 == 1);
            let at = [r.k1, r.k2, r.k3].into_iter().take(n).enumerate().map(|(j, k)| if total(j) { None } else { k }).collect();
            MedianRow { plan: 0, at, answered: u64::try_from(r.answered).unwrap_or_default(), median_days: r.median_days }
        })
        .collect())
}
