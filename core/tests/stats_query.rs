#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The statistics request: parsing (each error names its parameter), the
//! policy, and the tables built from grouped counts.

use beacon_core::stats::period::Period;
use beacon_core::stats::query::*;
use beacon_core::stats::{recoverable_together, Policy, SuppressedTable};
use beacon_core::ErrorCode;

fn raw<'a>(pairs: &[(&str, &'a str)]) -> RawParams<'a> {
    let mut r = RawParams::default();
    for &(k, v) in pairs {
        let slot = match k {
            "period" => &mut r.period,
            "from" => &mut r.from,
            "to" => &mut r.to,
            "group_by" => &mut r.group_by,
            "internal" => &mut r.internal,
            "reason" => &mut r.reason,
            filter => GroupBy::parse(filter).and_then(|g| r.filter_mut(g)).unwrap_or_else(|| panic!("no parameter {filter}")),
        };
        *slot = Some(v);
    }
    r
}

fn parse(pairs: &[(&str, &str)], endpoint: Endpoint) -> Result<StatsQuery, Vec<(String, ErrorCode)>> {
    StatsQuery::parse(Subject::Incidents, &raw(pairs), endpoint)
        .map_err(|errors| errors.into_iter().map(|e| (e.path.clone(), e.code)).collect())
}

const REASON: &str = "Quarterly review for the task force";

/// Parameters, where they are sent, and the error expected: its path and code.
type Refusal = (&'static [(&'static str, &'static str)], Endpoint, &'static str, ErrorCode);

#[test]
fn refused_requests_name_their_parameter() {
    use Endpoint::{Coordinator, Public};
    let cases: &[Refusal] = &[
        (&[], Public, "/period", ErrorCode::Required),
        (&[("period", "2026-07-15")], Public, "/period", ErrorCode::NotAllowed),
        (&[("period", "2026-07-01/2026-07-31")], Public, "/period", ErrorCode::NotAllowed),
        (&[("period", "last year")], Public, "/period", ErrorCode::Format),
        (&[("from", "2026-01-01"), ("to", "2026-03-31")], Public, "/from", ErrorCode::NotAllowed),
        (&[("period", "2026"), ("internal", "true")], Public, "/internal", ErrorCode::NotAllowed),
        (&[("period", "2026"), ("internal", "yes")], Coordinator, "/internal", ErrorCode::InvalidType),
        (&[("period", "2026"), ("group_by", "month")], Public, "/group_by", ErrorCode::NotAllowed),
        (&[("period", "2026"), ("group_by", "year,venue")], Public, "/group_by", ErrorCode::NotAllowed),
        (&[("period", "2026"), ("group_by", "status")], Public, "/group_by", ErrorCode::NotAllowed),
        (&[("period", "2026"), ("group_by", "hamlet")], Coordinator, "/group_by", ErrorCode::UnknownCode),
        (&[("period", "2026"), ("group_by", "town")], Public, "/group_by", ErrorCode::NotAllowed),
        (&[("period", "2026"), ("group_by", "reporting_agency")], Public, "/group_by", ErrorCode::NotAllowed),
        (&[("period", "2026"), ("group_by", "year,year")], Coordinator, "/group_by", ErrorCode::Duplicate),
        (&[("period", "2026"), ("group_by", "year,quarter,month,status")], Coordinator, "/group_by", ErrorCode::Length),
        (&[("period", "2026"), ("county", "Hartford")], Public, "/county", ErrorCode::NotAllowed),
        (&[("period", "2026"), ("venue", "casino")], Coordinator, "/venue", ErrorCode::UnknownCode),
        (&[("period", "2026"), ("status", "withdrawn")], Coordinator, "/status", ErrorCode::UnknownCode),
        (&[("period", "2026"), ("county", "Gotham")], Coordinator, "/county", ErrorCode::UnknownCode),
        (&[("period", "2026"), ("dcf_region", "7")], Coordinator, "/dcf_region", ErrorCode::UnknownCode),
        (&[("period", "2026"), ("internal", "true")], Coordinator, "/reason", ErrorCode::Required),
        (&[("period", "2026"), ("internal", "true"), ("reason", "why")], Coordinator, "/reason", ErrorCode::Length),
        (&[("period", "2026"), ("from", "2026-01-01"), ("to", "2026-02-01")], Coordinator, "/from", ErrorCode::NotAllowed),
        (&[("from", "2026-01-01")], Coordinator, "/to", ErrorCode::Required),
        (&[("from", "2026-03-01"), ("to", "2026-01-01")], Coordinator, "/to", ErrorCode::DateOrder),
        (&[("from", "2026-02-30"), ("to", "2026-03-01")], Coordinator, "/from", ErrorCode::Format),
    ];
    for (pairs, endpoint, path, code) in cases {
        let errors = parse(pairs, *endpoint).expect_err(&format!("{pairs:?} should be refused"));
        assert!(
            errors.iter().any(|(p, c)| p == path && c == code),
            "{pairs:?} on {endpoint:?}: expected {path} {code:?}, got {errors:?}"
        );
    }
}

#[test]
fn accepted_requests_keep_what_was_asked() {
    use Endpoint::{Coordinator, Public};
    let q = parse(&[("period", "2026-Q3"), ("group_by", "quarter, county,planning_region")], Public).unwrap();
    assert_eq!(q.period(), Period::Quarter { year: 2026, quarter: 3 });
    assert_eq!(q.group_by(), vec![GroupBy::Quarter, GroupBy::County, GroupBy::PlanningRegion]);
    assert!(!q.is_internal());
    assert_eq!(q.key_dimensions(), vec![GroupBy::Quarter]);
    assert!(q.by_town());

    let q = parse(&[("period", "2026")], Public).unwrap();
    assert_eq!(q.group_by(), vec![GroupBy::Year], "group_by defaults to year");

    let q = parse(
        &[
            ("from", "2026-07-01"),
            ("to", "2026-07-31"),
            ("group_by", "month,status,venue"),
            ("internal", "true"),
            ("reason", REASON),
            ("status", "confirmed"),
            ("county", "new london"),
            ("dcf_region", "3"),
        ],
        Coordinator,
    )
    .unwrap();
    assert!(q.is_internal());
    assert_eq!(q.reason(), Some(REASON));
    assert_eq!(q.filters().get(GroupBy::County), Some(&["New London".to_string()][..]), "region names are matched without case");
    assert_eq!(q.filters().get(GroupBy::DcfRegion), Some(&["3".to_string()][..]));
    assert!(!q.by_town());
}

#[test]
fn only_an_internal_read_shows_exact_counts_and_k_is_never_below_11() {
    let public = parse(&[("period", "2026")], Endpoint::Coordinator).unwrap();
    assert_eq!(public.policy(11).unwrap().k(), Some(11));
    assert_eq!(public.policy(20).unwrap().k(), Some(20));
    assert!(public.policy(10).is_err());
    let internal = parse(&[("period", "2026"), ("internal", "true"), ("reason", REASON)], Endpoint::Coordinator).unwrap();
    assert_eq!(internal.policy(11).unwrap().k(), None);
}

#[test]
fn every_current_status_counts() {
    assert_eq!(counted_statuses(), vec!["suspected", "confirmed"]);
}

fn row(keys: &[&str], town: Option<&str>, incidents: u64, victims: u64) -> GroupCount {
    GroupCount { keys: keys.iter().map(|k| k.to_string()).collect(), town: town.map(str::to_string), incidents, victims, plan: 0 }
}

/// The counts of a public year's other plans, as the database gives them:
/// incidents by trafficking type (plan 1: each type, and `*` for all).
fn with_types(mut rows: Vec<GroupCount>) -> Vec<GroupCount> {
    let (i, v) = rows.iter().fold((0, 0), |(i, v), r| (i + r.incidents, v + r.victims));
    for (key, share) in [("*", 1.0), ("sex", 0.7), ("labor", 0.4)] {
        let part = |n: u64| (n as f64 * share).round() as u64;
        rows.push(GroupCount { plan: 1, ..row(&[key], None, part(i), part(v)) });
    }
    rows
}

fn index_of(table: &SuppressedTable, dim: usize, label: &str) -> usize {
    table.dimensions()[dim].labels().iter().position(|l| *l == label).unwrap()
}

/// Twenty incidents in Hartford (Hartford County, Capitol region), fifteen in
/// New Haven, three in Norwich: Norwich's count is below k.
/// Keyed by year, as the coordinator's `group_by=year,county` is counted.
fn three_towns() -> Vec<GroupCount> {
    vec![
        row(&["2026"], Some("Hartford"), 20, 25),
        row(&["2026"], Some("New Haven"), 15, 15),
        row(&["2026"], Some("Norwich"), 3, 4),
    ]
}

/// Keyed by quarter, as every public request of 2026 is counted.
fn three_towns_by_quarter() -> Vec<GroupCount> {
    with_types(vec![
        row(&["2026-Q1"], Some("Hartford"), 20, 25),
        row(&["2026-Q2"], Some("New Haven"), 15, 15),
        row(&["2026-Q3"], Some("Norwich"), 3, 4),
    ])
}

#[test]
fn internal_tables_hold_the_exact_counts_and_victims() {
    let q = parse(&[("period", "2026"), ("group_by", "year,county")], Endpoint::Coordinator).unwrap();
    let out = build(&q, &three_towns(), &Policy::internal()).unwrap();
    assert!(out.internal);
    assert_eq!(out.tables.len(), 2, "one county table per measure");
    let incidents = out.table(Measure::Incidents, "county").unwrap();
    let victims = out.table(Measure::Victims, "county").unwrap();
    let hartford = index_of(incidents, 1, "Hartford");
    let new_london = index_of(incidents, 1, "New London");
    assert_eq!(incidents.cell(&[0, hartford]).unwrap().get(), Some(20));
    assert_eq!(incidents.cell(&[0, new_london]).unwrap().get(), Some(3));
    assert_eq!(victims.cell(&[0, hartford]).unwrap().get(), Some(25));
    assert_eq!(incidents.get(&[None, None]).unwrap().get(), Some(38));
    assert_eq!(victims.get(&[None, None]).unwrap().get(), Some(44));
}

#[test]
fn a_count_below_k_is_withheld_and_cannot_be_worked_out() {
    let q = parse(&[("period", "2026"), ("group_by", "county")], Endpoint::Public).unwrap();
    let out = build(&q, &three_towns_by_quarter(), &Policy::public(11).unwrap()).unwrap();
    assert_eq!(out.k, Some(11));
    assert!(!out.internal);
    let t = out.table(Measure::Incidents, "county").unwrap();
    let new_london = index_of(t, 0, "New London");
    let cell = t.cell(&[new_london]).unwrap();
    assert!(cell.suppressed && cell.value.is_none());
    assert!(recoverable_together(std::slice::from_ref(t)).unwrap().is_empty());
    let csv = out.to_csv();
    assert!(csv.starts_with("measure,table,county,count\n"), "{csv}");
    assert!(csv.contains("incidents,incidents by county,New London,*\n"), "{csv}");
}

#[test]
fn geography_tables_of_one_period_are_suppressed_as_one_model() {
    // Windham's 2 is below k in both its county and its region. Bristol is in
    // Hartford County but the Naugatuck Valley region, Stafford in Tolland
    // County but the Capitol region with Hartford: the two tables cut these
    // towns differently, which is what a difference of them would exploit.
    let rows = with_types(vec![
        row(&["2026-Q1"], Some("Hartford"), 30, 30),
        row(&["2026-Q1"], Some("New Britain"), 12, 12),
        row(&["2026-Q2"], Some("Bristol"), 14, 14),
        row(&["2026-Q3"], Some("Windham"), 2, 2),
        row(&["2026-Q4"], Some("Stafford"), 13, 13),
    ]);
    let policy = Policy::public(11).unwrap();
    let both = parse(&[("period", "2026"), ("group_by", "county,planning_region")], Endpoint::Public).unwrap();
    let out = build(&both, &rows, &policy).unwrap();
    let published: Vec<SuppressedTable> = out
        .tables
        .iter()
        .filter(|t| t.measure == Measure::Incidents)
        .map(|t| t.table.clone())
        .collect();
    assert_eq!(published.len(), 2);
    assert!(published.iter().all(|t| !t.withheld().is_empty()), "Windham's 2 is withheld in both tables");
    assert!(recoverable_together(&published).unwrap().is_empty());

    // Asked for one at a time, each withholds the same cells as when asked
    // together, so two requests difference to nothing either.
    for g in ["county", "planning_region"] {
        let alone = parse(&[("period", "2026"), ("group_by", g)], Endpoint::Public).unwrap();
        let one = build(&alone, &rows, &policy).unwrap();
        assert_eq!(one.table(Measure::Incidents, g).unwrap(), out.table(Measure::Incidents, g).unwrap(), "{g}");
    }
}

#[test]
fn quarters_and_months_cover_the_period() {
    let q = parse(
        &[("from", "2026-11-15"), ("to", "2027-02-01"), ("group_by", "quarter,month"), ("internal", "true"), ("reason", REASON)],
        Endpoint::Coordinator,
    )
    .unwrap();
    let out = build(&q, &[row(&["2026-Q4", "2026-12"], None, 2, 3)], &Policy::internal()).unwrap();
    let t = out.table(Measure::Incidents, "incidents by quarter, month").unwrap();
    assert_eq!(t.dimensions()[0].labels(), vec!["2026-Q4", "2027-Q1"]);
    assert_eq!(t.dimensions()[1].labels(), vec!["2026-11", "2026-12", "2027-01", "2027-02"]);
    assert_eq!(t.cell(&[0, 1]).unwrap().get(), Some(2));
}

#[test]
fn a_count_outside_the_categories_is_an_error_not_a_dropped_count() {
    let q = parse(&[("period", "2026"), ("group_by", "year")], Endpoint::Coordinator).unwrap();
    assert!(matches!(build(&q, &[row(&["2025"], None, 1, 1)], &Policy::internal()), Err(BuildError::UnknownKey(_))));
}

#[test]
fn a_public_request_counts_the_whole_year_by_quarter_and_town() {
    let q = parse(&[("period", "2026-Q3"), ("group_by", "county")], Endpoint::Public).unwrap();
    let plan = q.count_plan();
    assert_eq!((plan.from.to_string(), plan.to.to_string()), ("2026-01-01".into(), "2026-12-31".into()));
    assert_eq!((plan.keys, plan.by_town), (vec![GroupBy::Quarter], true));
    let q = parse(&[("period", "2026-Q3"), ("group_by", "month,status")], Endpoint::Coordinator).unwrap();
    let plan = q.count_plan();
    assert_eq!((plan.from.to_string(), plan.to.to_string()), ("2026-07-01".into(), "2026-09-30".into()));
    assert_eq!((plan.keys, plan.by_town), (vec![GroupBy::Month, GroupBy::Status], false));
}

// ---------------------------------------------------------------------------
// Public answers of one year, differenced: checked independently over the
// year's finest cells (quarter × town), by rank modulo a large prime.

const P: u128 = (1 << 61) - 1;

fn pow(mut b: u128, mut e: u128) -> u128 {
    let mut r = 1;
    while e > 0 {
        if e & 1 == 1 {
            r = r * b % P;
        }
        b = b * b % P;
        e >>= 1;
    }
    r
}

fn rank(rows: &[Vec<u128>]) -> usize {
    let mut m = rows.to_vec();
    let columns = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    for c in 0..columns {
        let Some(p) = (rank..m.len()).find(|&r| m[r][c] != 0) else { continue };
        m.swap(rank, p);
        let inv = pow(m[rank][c], P - 2);
        let pivot: Vec<u128> = m[rank].iter().map(|x| x * inv % P).collect();
        for (r, row) in m.iter_mut().enumerate() {
            if r != rank && row[c] != 0 {
                let f = row[c];
                for (x, y) in row.iter_mut().zip(&pivot) {
                    *x = (*x + P - f * y % P) % P;
                }
            }
        }
        m[rank] = pivot;
        rank += 1;
    }
    rank
}

/// Every entry of every table of `outputs` as (name, indicator over quarter
/// × town, shown?).
fn equations(outputs: &[StatsOutput]) -> Vec<(String, Vec<u128>, bool)> {
    let towns = beacon_core::reference::geo::towns();
    let mut out = Vec::new();
    for o in outputs {
        // The period's quarters: all four, or the one named.
        let base: Vec<usize> = match o.period.split_once("-Q") {
            Some((_, q)) => vec![q.parse::<usize>().unwrap() - 1],
            None => (0..4).collect(),
        };
        for t in o.tables.iter().filter(|t| t.measure == Measure::Incidents) {
            let dims = t.table.dimensions();
            for e in t.table.entries() {
                let mut quarters = base.clone();
                let mut places: Vec<&str> = towns.iter().map(|t| t.town).collect();
                for (d, c) in dims.iter().zip(&e.at) {
                    let Some(c) = c else { continue };
                    match d.name() {
                        "year" => {}
                        "quarter" => {
                            let q = d.labels()[*c].rsplit_once('Q').unwrap().1.parse::<usize>().unwrap() - 1;
                            quarters.retain(|x| *x == q);
                        }
                        _ => {
                            let members = d.members(*c).unwrap();
                            places.retain(|p| members.contains(p));
                        }
                    }
                }
                let vector = (0..4)
                    .flat_map(|q| towns.iter().map(move |t| (q, t.town)))
                    .map(|(q, town)| u128::from(quarters.contains(&q) && places.contains(&town)))
                    .collect();
                out.push((format!("{} {} {:?}", o.period, t.table.name(), e.at), vector, !e.cell.suppressed));
            }
        }
    }
    out
}

fn recovered(outputs: &[StatsOutput]) -> Vec<String> {
    let eqs = equations(outputs);
    let shown: Vec<Vec<u128>> = eqs.iter().filter(|e| e.2).map(|e| e.1.clone()).collect();
    let base = rank(&shown);
    eqs.iter()
        .filter(|e| !e.2)
        .filter(|e| {
            let mut with = shown.clone();
            with.push(e.1.clone());
            rank(&with) == base
        })
        .map(|e| e.0.clone())
        .collect()
}

/// A year with small counts in the east and in the first quarter.
fn a_year() -> Vec<GroupCount> {
    let mut rows = Vec::new();
    for (town, by_quarter) in [
        ("Hartford", [3, 15, 14, 12]),
        ("New Haven", [20, 2, 16, 18]),
        ("Norwich", [12, 13, 4, 11]),
        ("Putnam", [1, 0, 5, 2]),
        ("Windham", [0, 3, 0, 1]),
        ("Bristol", [11, 12, 13, 2]),
        ("Stafford", [6, 0, 0, 7]),
    ] {
        for (q, n) in by_quarter.into_iter().enumerate().filter(|(_, n)| *n > 0) {
            rows.push(row(&[&format!("2026-Q{}", q + 1)], Some(town), n, n));
        }
    }
    with_types(rows)
}

const PUBLIC_REQUESTS: &[(&str, &str)] = &[
    ("2026", "year,county"),
    ("2026", "quarter,county"),
    ("2026", "quarter,planning_region"),
    ("2026", "year,judicial_district,dcf_region"),
    ("2026", "quarter"),
    ("2026-Q1", "county"),
    ("2026-Q1", "county,planning_region"),
    ("2026-Q2", "year,dcf_region"),
    ("2026-Q3", "quarter,planning_region"),
    ("2026-Q4", "year"),
];

#[test]
fn public_answers_of_one_year_difference_to_nothing() {
    let rows = a_year();
    let policy = Policy::public(11).unwrap();
    let outputs: Vec<StatsOutput> = PUBLIC_REQUESTS
        .iter()
        .map(|(period, group_by)| {
            let q = parse(&[("period", period), ("group_by", group_by)], Endpoint::Public).unwrap();
            build(&q, &rows, &policy).unwrap()
        })
        .collect();
    let withheld = equations(&outputs).iter().filter(|e| !e.2).count();
    assert!(withheld > 0, "the example should exercise suppression");
    assert_eq!(recovered(&outputs), Vec::<String>::new());
}

#[test]
fn public_answers_show_the_exact_counts_they_do_not_withhold() {
    let q = parse(&[("period", "2026-Q2"), ("group_by", "county")], Endpoint::Public).unwrap();
    let out = build(&q, &a_year(), &Policy::public(11).unwrap()).unwrap();
    let t = out.table(Measure::Incidents, "county").unwrap();
    let total = t.get(&[None]).unwrap();
    assert_eq!(total.get(), Some(15 + 2 + 13 + 3 + 12), "the quarter's total, shown");
    for e in t.entries() {
        assert!(e.cell.suppressed || e.cell.value.is_some_and(|v| v == 0 || v >= 11), "{e:?}");
    }
}

#[test]
fn a_victims_trait_classifies_victims_not_incidents() {
    let errors = parse(&[("period", "2026"), ("group_by", "sex")], Endpoint::Coordinator).unwrap_err();
    assert_eq!(errors, vec![("/group_by".to_string(), ErrorCode::NotAllowed)]);
    let q = StatsQuery::parse(
        Subject::Victims,
        &raw(&[("period", "2026"), ("group_by", "sex,age_band,citizenship")]),
        Endpoint::Coordinator,
    )
    .unwrap();
    assert_eq!(q.group_by(), vec![GroupBy::Sex, GroupBy::AgeBand, GroupBy::Citizenship]);
    assert_eq!(Subject::Victims.measures(), &[Measure::Victims]);
}

#[test]
fn ages_fall_in_the_intake_forms_age_groups() {
    use beacon_core::reference::codes::CodeList;
    let cases = [(None, "unknown"), (Some(0), "under_12"), (Some(11), "under_12"), (Some(12), "12_17"), (Some(17), "12_17"),
        (Some(18), "18_24"), (Some(24), "18_24"), (Some(25), "25_59"), (Some(59), "25_59"), (Some(60), "60_plus"), (Some(120), "60_plus")];
    for (age, band) in cases {
        assert_eq!(age_band(age).code(), band, "{age:?}");
    }
}

#[test]
fn victims_are_counted_by_age_band_from_their_ages() {
    let q = StatsQuery::parse(
        Subject::Victims,
        &raw(&[("period", "2026"), ("group_by", "age_band"), ("internal", "true"), ("reason", REASON)]),
        Endpoint::Coordinator,
    )
    .unwrap();
    let rows = vec![row(&["15"], None, 1, 2), row(&["16"], None, 1, 3), row(&["40"], None, 1, 1), row(&[""], None, 1, 4)];
    let out = build(&q, &rows, &Policy::internal()).unwrap();
    assert_eq!(out.tables.len(), 1);
    let t = out.table(Measure::Victims, "victims by age_band").unwrap();
    let at = |band: &str| t.cell(&[index_of(t, 0, band)]).unwrap().get();
    assert_eq!((at("12_17"), at("25_59"), at("unknown"), at("under_12")), (Some(5), Some(1), Some(4), Some(0)));
}

// Age bands and trafficking types for the public: the state's whole year,
// in the year's one model.

fn parse_subject(subject: Subject, pairs: &[(&str, &str)], endpoint: Endpoint) -> Result<StatsQuery, Vec<(String, ErrorCode)>> {
    StatsQuery::parse(subject, &raw(pairs), endpoint).map_err(|errors| errors.into_iter().map(|e| (e.path.clone(), e.code)).collect())
}

#[test]
fn public_age_bands_and_types_are_the_states_whole_year_only() {
    let refused: &[(Subject, &str, &str, &str)] = &[
        (Subject::Victims, "2026-Q1", "age_band", "/period"),
        (Subject::Victims, "2026", "quarter,age_band", "/group_by"),
        (Subject::Victims, "2026", "county,age_band", "/group_by"),
        (Subject::Incidents, "2026", "planning_region,trafficking_type", "/group_by"),
        (Subject::Incidents, "2026-Q4", "year,trafficking_type", "/period"),
        // Incidents have no age; intake has no trafficking type.
        (Subject::Incidents, "2026", "age_band", "/group_by"),
        (Subject::Intake, "2026", "trafficking_type", "/group_by"),
    ];
    for (subject, period, group_by, path) in refused {
        let errors = parse_subject(*subject, &[("period", period), ("group_by", group_by)], Endpoint::Public).unwrap_err();
        assert!(errors.iter().any(|(p, c)| p == path && *c == ErrorCode::NotAllowed), "{subject:?} {period} {group_by}: {errors:?}");
    }
    for (subject, group_by) in [(Subject::Victims, "age_band"), (Subject::Victims, "year,trafficking_type"), (Subject::Intake, "age_band"), (Subject::Incidents, "trafficking_type")] {
        assert!(parse_subject(subject, &[("period", "2026"), ("group_by", group_by)], Endpoint::Public).is_ok(), "{subject:?} {group_by}");
    }
}

#[test]
fn a_public_year_counts_its_details_by_plans_of_their_own() {
    let q = parse_subject(Subject::Victims, &[("period", "2026-Q2"), ("group_by", "county")], Endpoint::Public).unwrap();
    let plans = q.count_plans();
    assert_eq!(plans.iter().map(|p| (p.keys.clone(), p.by_town)).collect::<Vec<_>>(), vec![
        (vec![GroupBy::Quarter], true),
        (vec![GroupBy::AgeBand], false),
        (vec![GroupBy::TraffickingType], false),
    ]);
    assert!(plans.iter().all(|p| p.from.to_string() == "2026-01-01" && p.to.to_string() == "2026-12-31"));
    let coordinator = parse_subject(Subject::Victims, &[("period", "2026"), ("group_by", "age_band")], Endpoint::Coordinator).unwrap();
    assert_eq!(coordinator.count_plans().len(), 1);
}

/// 110 victims of 2026 in Hartford; by age band (plan 1) 2 under 12, 14 aged
/// 12–17, 30 aged 18–24, 60 aged 25–59, none 60 or over, 4 unknown; by type
/// (plan 2) 80 sex, 40 labor (some both).
fn victims_2026() -> Vec<GroupCount> {
    let mut rows = vec![row(&["2026-Q1"], Some("Hartford"), 50, 60), row(&["2026-Q3"], Some("Hartford"), 40, 50)];
    for (age, n) in [("5", 2), ("15", 14), ("20", 30), ("40", 60), ("unknown", 4)] {
        rows.push(GroupCount { plan: 1, ..row(&[age], None, n, n) });
    }
    for (t, n) in [("*", 110), ("sex", 80), ("labor", 40)] {
        rows.push(GroupCount { plan: 2, ..row(&[t], None, n, n) });
    }
    rows
}

#[test]
fn public_victims_by_age_band_worked_by_hand() {
    let policy = Policy::public(11).unwrap();
    let q = parse_subject(Subject::Victims, &[("period", "2026"), ("group_by", "age_band")], Endpoint::Public).unwrap();
    let out = build(&q, &victims_2026(), &policy).unwrap();
    assert_eq!(out.tables.len(), 1);
    let t = &out.tables[0].table;
    assert_eq!(t.name(), "victims by age_band");
    let cell = |band: &str| t.get(&[Some(index_of(t, 0, band))]).unwrap().get();
    // Two cells below k, withheld; together they are 6 of 110, neither alone.
    assert_eq!(cell("under_12"), None);
    assert_eq!(cell("unknown"), None);
    assert_eq!((cell("12_17"), cell("18_24"), cell("25_59"), cell("60_plus")), (Some(14), Some(30), Some(60), Some(0)));
    assert_eq!(t.get(&[None]).unwrap().get(), Some(110));
    assert!(recoverable_together(&out.tables.iter().map(|m| m.table.clone()).collect::<Vec<_>>()).unwrap().is_empty());
}

#[test]
fn public_types_are_has_and_has_not_with_no_total_across_types() {
    let policy = Policy::public(11).unwrap();
    let q = parse_subject(Subject::Victims, &[("period", "2026"), ("group_by", "trafficking_type")], Endpoint::Public).unwrap();
    let out = build(&q, &victims_2026(), &policy).unwrap();
    let names: Vec<&str> = out.tables.iter().map(|m| m.table.name()).collect();
    assert_eq!(names, ["victims by trafficking_type: sex", "victims by trafficking_type: labor"]);
    for m in &out.tables {
        // has, has-not and the year's total (110): nothing sums the types.
        assert_eq!(m.table.dimensions().len(), 1);
        assert_eq!(m.table.get(&[None]).unwrap().get(), Some(110));
    }
    let sex = &out.tables[0].table;
    assert_eq!((sex.get(&[Some(0)]).unwrap().get(), sex.get(&[Some(1)]).unwrap().get()), (Some(80), Some(30)));
}

#[test]
fn every_public_table_of_a_year_takes_the_same_verdict_on_its_total() {
    // 8 victims in the year: the total is withheld everywhere it appears.
    let mut rows = vec![row(&["2026-Q2"], Some("Hartford"), 8, 8)];
    rows.push(GroupCount { plan: 1, ..row(&["30"], None, 8, 8) });
    for (t, n) in [("*", 8), ("sex", 8)] {
        rows.push(GroupCount { plan: 2, ..row(&[t], None, n, n) });
    }
    let policy = Policy::public(11).unwrap();
    let mut published = Vec::new();
    for group_by in ["year", "quarter,county", "age_band", "trafficking_type"] {
        let q = parse_subject(Subject::Victims, &[("period", "2026"), ("group_by", group_by)], Endpoint::Public).unwrap();
        for m in build(&q, &rows, &policy).unwrap().tables {
            let total = m.table.entries().last().unwrap();
            assert!(total.at.iter().all(Option::is_none) && total.cell.suppressed, "{group_by}: {}", m.table.name());
            assert!(m.table.entries().iter().all(|e| e.cell.get().is_none_or(|v| v == 0)), "{group_by}: {:?}", m.table);
            published.push(m.table);
        }
    }
    assert!(!published.is_empty());
}

#[test]
fn a_public_year_without_its_detail_counts_is_refused() {
    let q = parse_subject(Subject::Victims, &[("period", "2026"), ("group_by", "county")], Endpoint::Public).unwrap();
    let only_places = vec![row(&["2026-Q1"], Some("Hartford"), 50, 60)];
    assert!(matches!(build(&q, &only_places, &Policy::public(11).unwrap()), Err(BuildError::MissingCounts("age_band"))));
}
