#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The task force's annual report (Sec. 8(d)): its committees, its sections
//! in order with their statute quotes, and tables identical to the
//! coordinator's report of the same year (so the two cannot be differenced).

use beacon_core::stats::annual::{coordinator_report, ReportInput};
use beacon_core::stats::query::GroupCount;
use beacon_core::stats::sections::{MinorCounts, SectionFacts};
use beacon_core::stats::task_force::{task_force_report, NOT_RECORDED};
use chrono::NaiveDate;
use serde_json::json;

fn input<'a>(counts: &'a [GroupCount], facts: &'a SectionFacts, today: NaiveDate) -> ReportInput<'a> {
    ReportInput { year: 2026, today, activities: &[], recommendations: &[], counts, k: 11, facts }
}

#[test]
fn the_task_force_reports_to_two_committees_with_its_own_sections() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let count = |q: &str, town: &str, n: u64| GroupCount { keys: vec![q.into()], town: Some(town.into()), incidents: n, victims: n, plan: 0 };
    let ty = |k: &str, n: u64| GroupCount { keys: vec![k.into()], town: None, incidents: n, victims: n, plan: 1 };
    let counts = [count("2026-Q1", "Hartford", 30), count("2026-Q2", "Norwich", 2), count("2026-Q4", "Stamford", 14), ty("*", 46), ty("sex", 40), ty("labor", 6)];
    let facts = SectionFacts {
        incidents: MinorCounts { minor_notified: 12, minor_not_notified: 4, adult_notified: 0, adult_not_notified: 30 },
        ..SectionFacts::default()
    };
    let r = task_force_report(input(&counts, &facts, today)).unwrap();
    assert_eq!(serde_json::to_value(&r.submitted_to).unwrap(), json!(["government_oversight", "judiciary"]));
    assert_eq!(r.due, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    assert!(r.basis.contains("any activities of the task force"));
    assert_eq!(
        r.sections.titles(),
        [
            "Activities of the task force",
            "Review of trafficking trends",
            "Minors and DCF responses",
            "Training framework: compliance by agency",
            "Screening and referral pathways",
            "Service capacity, gaps and funding",
            "Permanent state-wide governing body",
            "Methodology"
        ]
    );
    let quotes = [
        (r.sections.trends.basis, "Sec. 8(b)(6)"),
        (r.sections.training.basis, "Sec. 8(b)(2)"),
        (r.sections.referrals.basis, "Sec. 8(b)(4)"),
        (r.sections.service_capacity.basis, "Sec. 8(b)(5)"),
        (r.sections.governing_body.basis, "Sec. 8(b)(1)"),
    ];
    for (basis, section) in quotes {
        assert!(basis.contains(section), "{basis}");
    }
    assert_eq!(r.sections.activities.note, NOT_RECORDED);
    assert_eq!(r.sections.methodology.unknowns[0], NOT_RECORDED);

    // The same suppressed tables as the coordinator's report.
    let c = coordinator_report(input(&counts, &facts, today)).unwrap();
    assert_eq!(r.sections.trends.tables, c.sections.incident_trends.tables);
    assert_eq!(r.sections.minors_and_dcf, c.sections.minors_and_dcf);
    assert_eq!(r.sections.training.tables, c.sections.training.tables);
    assert_eq!(r.sections.referrals.table, c.sections.referrals.table);
    assert!(r.sections.trends.tables.iter().flat_map(|t| t.table.entries()).any(|e| e.cell.suppressed));
}

#[test]
fn a_year_without_a_coordinator_report_has_no_task_force_report_either() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let facts = SectionFacts::default();
    for year in [2025, 2027] {
        assert!(task_force_report(ReportInput { year, ..input(&[], &facts, today) }).is_err(), "{year}");
    }
}
