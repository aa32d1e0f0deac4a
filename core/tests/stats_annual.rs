#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The coordinator's annual report model (Sec. 1(f)): what each section holds.

use beacon_core::stats::annual::{coordinator_report, is_report_year, trend_queries, AnnualError, CoordinatorReport, ReportInput};
use beacon_core::stats::query::{GroupCount, Measure};
use beacon_core::stats::report::RecommendationStatus;
use beacon_core::stats::sections::SectionFacts;
use beacon_core::stats::{check_activity, check_recommendation, Activity, Recommendation};
use chrono::NaiveDate;
use serde_json::json;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(2026, 12, 3)
}

fn activity(date: &str, kind: &str) -> Activity {
    let body = json!({"date": date, "kind": kind, "agencies": ["dcf"], "description": format!("{kind} on {date}")});
    check_activity(&body.to_string(), today()).unwrap()
}

fn recommendation(year: i32, kind: &str, status: &str, text: &str) -> Recommendation {
    let body = json!({"year": year, "kind": kind, "status": status, "text": text});
    check_recommendation(&body.to_string(), today()).unwrap()
}

fn count(quarter: &str, town: &str, incidents: u64) -> GroupCount {
    GroupCount { keys: vec![quarter.into()], town: Some(town.into()), incidents, victims: incidents, plan: 0 }
}

/// The counts with the year's incidents by trafficking type (plan 1), as the
/// database adds them for the public model: about two thirds sex, a third labor.
fn typed(counts: &[GroupCount]) -> Vec<GroupCount> {
    let total: u64 = counts.iter().map(|c| c.incidents).sum();
    let mut out = counts.to_vec();
    for (key, n) in [("*", total), ("sex", total * 2 / 3), ("labor", total - total * 2 / 3)] {
        out.push(GroupCount { keys: vec![key.into()], town: None, incidents: n, victims: n, plan: 1 });
    }
    out
}

fn report(activities: &[Activity], recommendations: &[Recommendation], counts: &[GroupCount]) -> CoordinatorReport {
    let counts = &typed(counts);
    coordinator_report(ReportInput { year: 2026, today: today(), activities, recommendations, counts, k: 11, facts: &SectionFacts::default() }).unwrap()
}

#[test]
fn the_sections_come_in_order_with_their_titles() {
    let r = report(&[], &[], &[]);
    assert_eq!(
        r.sections.titles(),
        [
            "Activities of the coordinator",
            "Incident trends",
            "Minors and DCF responses",
            "Training compliance by agency",
            "Directory gaps and funding",
            "Referral outcomes",
            "Recommendations",
            "Statutory calendar",
            "Methodology"
        ]
    );
}

#[test]
fn the_report_on_a_year_is_due_the_next_first_of_january_to_the_three_committees() {
    let r = report(&[], &[], &[]);
    assert_eq!(r.due, day(2027, 1, 1));
    let committees = serde_json::to_value(&r.submitted_to).unwrap();
    assert_eq!(committees, json!(["government_oversight", "judiciary", "appropriations"]));
}

#[test]
fn only_the_years_activities_appear_by_date() {
    let all = [activity("2026-11-02", "meeting"), activity("2025-12-31", "outreach"), activity("2026-08-15", "policy")];
    let dates: Vec<NaiveDate> = report(&all, &[], &[]).sections.activities.entries.iter().map(|a| a.date).collect();
    assert_eq!(dates, vec![day(2026, 8, 15), day(2026, 11, 2)]);
}

#[test]
fn recommendations_are_split_by_kind_without_withdrawn_ones_or_other_years() {
    let all = [
        recommendation(2026, "administrative", "adopted", "a"),
        recommendation(2026, "legislative", "proposed", "b"),
        recommendation(2026, "legislative", "withdrawn", "c"),
        recommendation(2026, "administrative", "in_progress", "d"),
    ];
    let r = report(&[], &all, &[]).sections.recommendations;
    let texts = |list: &[beacon_core::stats::annual::ReportRecommendation]| list.iter().map(|r| r.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&r.administrative), vec!["a", "d"]);
    assert_eq!(texts(&r.legislative), vec!["b"]);
    assert!(r.legislative.iter().all(|r| r.status != RecommendationStatus::Withdrawn));
}

#[test]
fn which_years_have_a_report() {
    let cases = [(2025, false), (2026, true), (2027, false)];
    for (year, exists) in cases {
        assert_eq!(is_report_year(year, today()), exists, "{year}");
        let built = coordinator_report(ReportInput { year, today: today(), activities: &[], recommendations: &[], counts: &[], k: 11, facts: &SectionFacts::default() });
        assert_eq!(built.is_ok(), exists, "{year}");
    }
}

#[test]
fn a_threshold_below_eleven_is_refused() {
    let built = coordinator_report(ReportInput { year: 2026, today: today(), activities: &[], recommendations: &[], counts: &[], k: 5, facts: &SectionFacts::default() });
    assert!(matches!(built, Err(AnnualError::Policy(_))));
}

#[test]
fn a_year_not_over_says_so_and_a_past_year_does_not() {
    let open = report(&[], &[], &[]);
    assert!(!open.complete);
    assert!(open.sections.methodology.unknowns[0].contains("2026 is not over"));
    let closed = coordinator_report(ReportInput { year: 2026, today: day(2027, 1, 1), activities: &[], recommendations: &[], counts: &[], k: 11, facts: &SectionFacts::default() }).unwrap();
    assert!(closed.complete);
    assert!(!closed.sections.methodology.unknowns.iter().any(|u| u.contains("not over")));
}

#[test]
fn the_trend_tables_are_incidents_and_victims_by_quarter_then_by_county_then_by_type() {
    let r = report(&[], &[], &[count("2026-Q1", "Hartford", 40)]);
    let names: Vec<(Measure, &str)> = r.sections.incident_trends.tables.iter().map(|t| (t.measure, t.table.name())).collect();
    assert_eq!(
        names,
        vec![
            (Measure::Incidents, "incidents by quarter"),
            (Measure::Victims, "victims by quarter"),
            (Measure::Incidents, "incidents by county"),
            (Measure::Victims, "victims by county"),
            (Measure::Incidents, "incidents by trafficking_type: sex"),
            (Measure::Incidents, "incidents by trafficking_type: labor"),
            (Measure::Victims, "victims by trafficking_type: sex"),
            (Measure::Victims, "victims by trafficking_type: labor"),
        ]
    );
}

#[test]
fn no_trend_cell_below_k_is_shown_and_the_rule_is_stated() {
    let counts = [
        count("2026-Q1", "Hartford", 40),
        count("2026-Q2", "Hartford", 3),
        count("2026-Q2", "New Haven", 25),
        count("2026-Q3", "Norwich", 1),
        count("2026-Q4", "Stamford", 12),
    ];
    let r = report(&[], &[], &counts);
    let trends = &r.sections.incident_trends;
    let mut withheld = 0;
    for t in &trends.tables {
        for e in t.table.entries() {
            if let Some(v) = e.cell.value {
                assert!(v == 0 || v >= 11, "{} shows {v}", t.table.name());
            } else {
                withheld += 1;
            }
        }
    }
    assert!(withheld > 0);
    assert_eq!(trends.k, Some(11));
    assert!(trends.rule.contains("1 to 10"));
    assert_eq!(r.sections.methodology.suppression_rule, trends.rule);
}

#[test]
fn the_trend_queries_share_one_count() {
    let queries = trend_queries(2026).unwrap();
    assert_eq!(queries.len(), 3);
    assert!(queries.iter().all(|q| q.count_plans() == queries[0].count_plans()));
}
