#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The statistics subjects beyond incidents: multi-valued dimensions
//! (trafficking type, concern type) as has / has-not, intake and referrals,
//! and the dimensions and filters each subject allows.

use beacon_core::stats::query::*;
use beacon_core::stats::{recoverable_together, Policy, SuppressedTable};
use beacon_core::ErrorCode;

const REASON: &str = "Quarterly review for the task force";

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

fn parse(subject: Subject, pairs: &[(&str, &str)]) -> Result<StatsQuery, Vec<(String, ErrorCode)>> {
    StatsQuery::parse(subject, &raw(pairs), Endpoint::Coordinator)
        .map_err(|errors| errors.into_iter().map(|e| (e.path.clone(), e.code)).collect())
}

fn row(keys: &[&str], town: Option<&str>, incidents: u64, victims: u64) -> GroupCount {
    GroupCount { keys: keys.iter().map(|k| k.to_string()).collect(), town: town.map(str::to_string), incidents, victims, plan: 0 }
}

fn at(t: &SuppressedTable, labels: &[&str]) -> Option<u64> {
    let key: Vec<usize> = labels
        .iter()
        .zip(t.dimensions())
        .map(|(l, d)| d.labels().iter().position(|x| x == l).unwrap())
        .collect();
    t.cell(&key).unwrap().get()
}

fn named<'a>(out: &'a StatsOutput, name: &str) -> &'a SuppressedTable {
    let names: Vec<&str> = out.tables.iter().map(|t| t.table.name()).collect();
    &out.tables.iter().find(|t| t.table.name() == name).unwrap_or_else(|| panic!("no {name} in {names:?}")).table
}

/// Victims of 2026 by trafficking type and age band: 40 victims 18–24 (30 in
/// sex trafficking, 15 in labor: 5 in both), 20 victims 25–59 (20 labor).
fn victims_by_type_and_band() -> Vec<GroupCount> {
    vec![
        row(&["sex", "18_24"], None, 20, 30),
        row(&["labor", "18_24"], None, 10, 15),
        row(&["labor", "25_59"], None, 12, 20),
        row(&[ALL_RECORDS, "18_24"], None, 25, 40),
        row(&[ALL_RECORDS, "25_59"], None, 12, 20),
    ]
}

#[test]
fn a_multi_valued_dimension_is_published_as_has_and_has_not_per_category() {
    let q = parse(Subject::Victims, &[("period", "2026"), ("group_by", "trafficking_type,age_band"), ("internal", "true"), ("reason", REASON)]).unwrap();
    let out = build(&q, &victims_by_type_and_band(), &Policy::internal()).unwrap();
    // One table per category, each with has / has-not; none sums the categories.
    let names: Vec<&str> = out.tables.iter().map(|t| t.table.name()).collect();
    assert_eq!(names, ["victims by age_band, trafficking_type: sex", "victims by age_band, trafficking_type: labor"]);
    let sex = named(&out, "victims by age_band, trafficking_type: sex");
    assert_eq!(at(sex, &["18_24", "has"]), Some(30));
    assert_eq!(at(sex, &["18_24", "has_not"]), Some(10));
    assert_eq!(at(sex, &["25_59", "has"]), Some(0));
    assert_eq!(at(sex, &["25_59", "has_not"]), Some(20));
    let labor = named(&out, "victims by age_band, trafficking_type: labor");
    assert_eq!(at(labor, &["18_24", "has"]), Some(15));
    assert_eq!(at(labor, &["18_24", "has_not"]), Some(25));
    // The margin of has and has-not is the band's victims, the same in every
    // category's table: 45 (30 + 15) is never published for 40 victims.
    for t in [sex, labor] {
        let band = t.dimensions()[0].labels().iter().position(|l| *l == "18_24").unwrap();
        assert_eq!(t.get(&[Some(band), None]).unwrap().get(), Some(40));
        assert_eq!(t.get(&[None, None]).unwrap().get(), Some(60));
    }
    let csv = out.to_csv();
    assert!(csv.starts_with("measure,table,age_band,trafficking_type: sex,trafficking_type: labor,count\n"), "{csv}");
}

#[test]
fn a_small_has_or_has_not_is_withheld_and_cannot_be_worked_out_across_categories() {
    // 25–59: 20 victims, 20 labor → sex has 0, has-not 20; labor has-not 0.
    // 18–24: sex has-not 10, labor has 15: 10 is below k.
    let q = parse(Subject::Victims, &[("period", "2026"), ("group_by", "trafficking_type,age_band")]).unwrap();
    let policy = Policy::public(11).unwrap();
    let out = build(&q, &victims_by_type_and_band(), &policy).unwrap();
    let tables: Vec<SuppressedTable> = out.tables.iter().map(|t| t.table.clone()).collect();
    let sex = named(&out, "victims by age_band, trafficking_type: sex");
    assert_eq!(at(sex, &["18_24", "has_not"]), None, "10 is below k");
    assert_eq!(at(sex, &["18_24", "has"]), None, "else 40 − 30 gives it back");
    for t in &tables {
        for e in t.entries() {
            if let Some(n) = e.cell.get() {
                assert!(n == 0 || n >= 11, "{} shows {n}", t.name());
            }
        }
    }
    assert!(recoverable_together(&tables).unwrap().is_empty());
}

#[test]
fn a_multi_valued_dimension_crosses_age_band_and_a_geography() {
    // The benchmark's "victims by trafficking type × age band × county".
    let q = parse(
        Subject::Victims,
        &[("period", "2026"), ("group_by", "trafficking_type,age_band,county"), ("internal", "true"), ("reason", REASON)],
    )
    .unwrap();
    let rows = vec![
        row(&["sex", "18_24"], Some("Hartford"), 3, 4),
        row(&["labor", "18_24"], Some("New Haven"), 2, 2),
        row(&[ALL_RECORDS, "18_24"], Some("Hartford"), 3, 5),
        row(&[ALL_RECORDS, "18_24"], Some("New Haven"), 2, 2),
    ];
    let out = build(&q, &rows, &Policy::internal()).unwrap();
    let sex = named(&out, "victims by age_band, county, trafficking_type: sex");
    assert_eq!(at(sex, &["18_24", "Hartford", "has"]), Some(4));
    assert_eq!(at(sex, &["18_24", "Hartford", "has_not"]), Some(1));
    assert_eq!(at(sex, &["18_24", "New Haven", "has_not"]), Some(2));
    let labor = named(&out, "victims by age_band, county, trafficking_type: labor");
    assert_eq!(at(labor, &["18_24", "New Haven", "has"]), Some(2));
}

#[test]
fn a_category_counted_more_often_than_its_records_is_an_error() {
    let q = parse(Subject::Incidents, &[("period", "2026"), ("group_by", "trafficking_type"), ("internal", "true"), ("reason", REASON)]).unwrap();
    let rows = vec![row(&["sex"], None, 5, 5), row(&[ALL_RECORDS], None, 4, 4)];
    assert!(build(&q, &rows, &Policy::internal()).is_err());
    let unknown = vec![row(&["arson"], None, 1, 1), row(&[ALL_RECORDS], None, 4, 4)];
    assert!(build(&q, &unknown, &Policy::internal()).is_err());
}

#[test]
fn intake_counts_by_partner_age_group_and_place_with_an_unknown_town() {
    let q = parse(Subject::Intake, &[("period", "2026"), ("group_by", "partner,age_band,county"), ("internal", "true"), ("reason", REASON)]).unwrap();
    let rows = vec![
        row(&["Safe Harbor", "12_17"], Some("Hartford"), 4, 0),
        row(&["Safe Harbor", "18_24"], None, 2, 0),
        row(&["Beacon Partners", "unknown"], Some("New Haven"), 1, 0),
    ];
    let out = build(&q, &rows, &Policy::internal()).unwrap();
    assert_eq!(out.tables.len(), 1);
    assert_eq!(out.tables[0].counts, "intake");
    let t = &out.tables[0].table;
    assert_eq!(t.name(), "intake by partner, age_band, county");
    assert_eq!(t.dimensions()[0].labels(), ["Beacon Partners", "Safe Harbor"], "partners as seen, sorted");
    assert_eq!(at(t, &["Safe Harbor", "12_17", "Hartford"]), Some(4));
    assert_eq!(at(t, &["Safe Harbor", "18_24", "unknown"]), Some(2), "no town: the unknown region");
    assert_eq!(at(t, &["Beacon Partners", "unknown", "New Haven"]), Some(1));
    assert!(out.to_csv().lines().skip(1).all(|l| l.starts_with("intake,")));
}

#[test]
fn intake_concern_types_are_multi_valued() {
    let q = parse(Subject::Intake, &[("period", "2026"), ("group_by", "concern_type"), ("internal", "true"), ("reason", REASON)]).unwrap();
    let rows = vec![row(&["sex"], None, 3, 0), row(&["unsure"], None, 1, 0), row(&[ALL_RECORDS], None, 4, 0)];
    let out = build(&q, &rows, &Policy::internal()).unwrap();
    let names: Vec<&str> = out.tables.iter().map(|t| t.table.name()).collect();
    assert_eq!(names, ["intake by concern_type: sex", "intake by concern_type: labor", "intake by concern_type: unsure"]);
    assert_eq!(at(named(&out, "intake by concern_type: labor"), &["has_not"]), Some(4));
}

#[test]
fn referrals_count_by_outcome_and_service() {
    let q = parse(Subject::Referrals, &[("period", "2026"), ("group_by", "outcome,month"), ("internal", "true"), ("reason", REASON)]).unwrap();
    let rows = vec![row(&["accepted", "2026-03"], None, 7, 0), row(&["declined", "2026-03"], None, 2, 0)];
    let out = build(&q, &rows, &Policy::internal()).unwrap();
    let t = &out.tables[0].table;
    assert_eq!(out.tables[0].counts, "referrals");
    assert_eq!(at(t, &["accepted", "2026-03"]), Some(7));
    assert_eq!(at(t, &["declined", "2026-03"]), Some(2));
    assert_eq!(at(t, &["withdrawn", "2026-03"]), Some(0));
    assert_eq!(at(t, &["service_started", "2026-03"]), Some(0), "every lifecycle status is a category");
}

/// A subject, its parameters, and the error expected: its path and code.
type Refusal = (Subject, &'static [(&'static str, &'static str)], &'static str, ErrorCode);

#[test]
fn each_subject_is_grouped_and_filtered_only_by_what_its_records_carry() {
    let refused: &[Refusal] = &[
        (Subject::Incidents, &[("period", "2026"), ("group_by", "partner")], "/group_by", ErrorCode::NotAllowed),
        (Subject::Incidents, &[("period", "2026"), ("group_by", "age_band")], "/group_by", ErrorCode::NotAllowed),
        (Subject::Intake, &[("period", "2026"), ("group_by", "venue")], "/group_by", ErrorCode::NotAllowed),
        (Subject::Intake, &[("period", "2026"), ("group_by", "trafficking_type")], "/group_by", ErrorCode::NotAllowed),
        (Subject::Referrals, &[("period", "2026"), ("group_by", "status")], "/group_by", ErrorCode::NotAllowed),
        (Subject::Victims, &[("period", "2026"), ("group_by", "concern_type")], "/group_by", ErrorCode::NotAllowed),
        (Subject::Intake, &[("period", "2026"), ("sex", "female")], "/sex", ErrorCode::NotAllowed),
        (Subject::Intake, &[("period", "2026"), ("venue", "residence")], "/venue", ErrorCode::NotAllowed),
        (Subject::Referrals, &[("period", "2026"), ("outcome", "pending")], "/outcome", ErrorCode::UnknownCode),
    ];
    for (subject, pairs, path, code) in refused {
        let errors = parse(*subject, pairs).unwrap_err();
        assert!(errors.iter().any(|(p, c)| p == path && c == code), "{subject:?} {pairs:?}: {errors:?}");
    }
    assert!(parse(Subject::Intake, &[("period", "2026"), ("county", "Hartford")]).is_ok());
    assert!(parse(Subject::Intake, &[("period", "2026"), ("status", "new")]).is_ok());
    assert!(parse(Subject::Referrals, &[("period", "2026"), ("county", "Hartford")]).is_ok());
    assert!(parse(Subject::Referrals, &[("period", "2026"), ("outcome", "accepted,service_started")]).is_ok());
    assert!(parse(Subject::Intake, &[("period", "2026"), ("group_by", "partner,status,concern_type")]).is_ok());
    assert!(parse(Subject::Referrals, &[("period", "2026"), ("group_by", "service,outcome,planning_region")]).is_ok());
    assert!(parse(Subject::Incidents, &[("period", "2026"), ("group_by", "trafficking_type,venue,county")]).is_ok());
}

#[test]
fn training_is_a_state_on_a_day_counted_by_status_agency_and_population() {
    let q = parse(Subject::Training, &[("period", "2027-09-01")]).unwrap();
    assert_eq!(q.group_by(), [GroupBy::Status], "status by default: no year of a snapshot");
    for g in ["month", "year", "partner", "venue"] {
        let errors = parse(Subject::Training, &[("period", "2027-09-01"), ("group_by", g)]).unwrap_err();
        assert!(errors.iter().any(|(p, _)| p == "/group_by"), "{g}");
    }
    let q = parse(Subject::Training, &[("period", "2027-09-01"), ("group_by", "agency,status,dcf_region"), ("internal", "true"), ("reason", REASON)]).unwrap();
    let rows = vec![row(&["dcf", "overdue"], Some("Hartford"), 4, 0), row(&["dcf", "compliant"], None, 9, 0)];
    let out = build(&q, &rows, &Policy::internal()).unwrap();
    assert_eq!(out.tables[0].counts, "people");
    let t = &out.tables[0].table;
    assert_eq!(t.dimensions()[1].labels(), ["compliant", "due_soon", "overdue", "not_yet_due", "not_required"]);
    assert_eq!(at(t, &["dcf", "compliant", "unknown"]), Some(9));
}

#[test]
fn the_training_rule_inputs_are_the_rules() {
    use beacon_core::training::compliance::{rule_inputs, DUE_SOON_DAYS, WINDOW_DAYS};
    let r = rule_inputs();
    assert_eq!(r.with_deadline, ["dcf_employee", "dcf_contracted_provider", "cssd_employee"]);
    assert_eq!(r.required.iter().filter(|(p, _)| *p == "dcf_employee").count(), 4);
    assert_eq!(r.required.iter().filter(|(p, _)| *p == "law_enforcement").count(), 2);
    assert!(!r.required.iter().any(|(p, _)| *p == "other"));
    assert_eq!((r.window_back_days, r.due_soon_days), (WINDOW_DAYS - 1, DUE_SOON_DAYS));
    assert_eq!((r.initial_months, r.refresh_months), (6, 36));
}

#[test]
fn a_victim_without_an_age_counts_in_the_band_kept_on_the_victim() {
    let q = parse(Subject::Victims, &[("period", "2026"), ("group_by", "age_band"), ("internal", "true"), ("reason", REASON)]).unwrap();
    // Keys as the SQL gives them: the age, else the band kept on the victim, else empty.
    let rows = vec![row(&["15"], None, 1, 1), row(&["12_17"], None, 1, 2), row(&[""], None, 1, 3)];
    let out = build(&q, &rows, &Policy::internal()).unwrap();
    let t = &out.tables[0].table;
    assert_eq!(at(t, &["12_17"]), Some(3));
    assert_eq!(at(t, &["unknown"]), Some(3));
}
