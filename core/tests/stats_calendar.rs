#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The statutory calendar of Raised Bill 5476 as of a few days.

use beacon_core::stats::{calendar, DutyStatus};
use chrono::NaiveDate;

fn day(s: &str) -> NaiveDate {
    beacon_core::reference::dates::parse_iso_date(s).unwrap()
}

/// (id, due, status) of every duty as of `today`, in the calendar's order.
fn rows(today: &str) -> Vec<(&'static str, String, DutyStatus)> {
    calendar(day(today)).into_iter().map(|d| (d.id, d.due.to_string(), d.status)).collect()
}

use DutyStatus::{DueSoon, Past, Upcoming};

#[test]
fn on_2026_12_02_the_january_reports_are_due_soon() {
    // 2027-01-01 is 30 days away: the last day of "soon".
    assert_eq!(
        rows("2026-12-02"),
        vec![
            ("child_advocate_advisory_reports", "2026-12-31".into(), DueSoon),
            ("coordinator_annual_report", "2027-01-01".into(), DueSoon),
            ("dcf_caseload_training_rule", "2027-01-01".into(), DueSoon),
            ("task_force_annual_report", "2027-01-01".into(), DueSoon),
            ("child_advocate_confinement_report", "2027-03-01".into(), Upcoming),
            ("cssd_initial_training", "2027-07-01".into(), Upcoming),
            ("dcf_initial_training", "2027-07-01".into(), Upcoming),
            ("placement_security_assessment", "2027-07-01".into(), Upcoming),
            ("placement_security_report", "2027-08-01".into(), Upcoming),
            ("cssd_refresher_training", "2030-07-01".into(), Upcoming),
            ("dcf_refresher_training", "2030-07-01".into(), Upcoming),
        ]
    );
}

#[test]
fn on_2027_01_02_the_annual_reports_roll_to_2028_and_the_caseload_rule_is_past() {
    assert_eq!(
        rows("2027-01-02"),
        vec![
            ("dcf_caseload_training_rule", "2027-01-01".into(), Past),
            ("child_advocate_confinement_report", "2027-03-01".into(), Upcoming),
            ("cssd_initial_training", "2027-07-01".into(), Upcoming),
            ("dcf_initial_training", "2027-07-01".into(), Upcoming),
            ("placement_security_assessment", "2027-07-01".into(), Upcoming),
            ("placement_security_report", "2027-08-01".into(), Upcoming),
            ("child_advocate_advisory_reports", "2027-12-31".into(), Upcoming),
            ("coordinator_annual_report", "2028-01-01".into(), Upcoming),
            ("task_force_annual_report", "2028-01-01".into(), Upcoming),
            ("cssd_refresher_training", "2030-07-01".into(), Upcoming),
            ("dcf_refresher_training", "2030-07-01".into(), Upcoming),
        ]
    );
}

#[test]
fn on_2027_06_15_the_july_deadlines_are_due_soon() {
    assert_eq!(
        rows("2027-06-15"),
        vec![
            ("dcf_caseload_training_rule", "2027-01-01".into(), Past),
            ("cssd_initial_training", "2027-07-01".into(), DueSoon),
            ("dcf_initial_training", "2027-07-01".into(), DueSoon),
            ("placement_security_assessment", "2027-07-01".into(), DueSoon),
            ("placement_security_report", "2027-08-01".into(), Upcoming),
            ("child_advocate_advisory_reports", "2027-12-31".into(), Upcoming),
            ("coordinator_annual_report", "2028-01-01".into(), Upcoming),
            ("task_force_annual_report", "2028-01-01".into(), Upcoming),
            ("child_advocate_confinement_report", "2029-03-01".into(), Upcoming),
            ("cssd_refresher_training", "2030-07-01".into(), Upcoming),
            ("dcf_refresher_training", "2030-07-01".into(), Upcoming),
        ]
    );
}

#[test]
fn on_2027_07_02_the_july_deadlines_are_past_and_the_august_report_due_soon() {
    assert_eq!(
        rows("2027-07-02"),
        vec![
            ("dcf_caseload_training_rule", "2027-01-01".into(), Past),
            ("cssd_initial_training", "2027-07-01".into(), Past),
            ("dcf_initial_training", "2027-07-01".into(), Past),
            ("placement_security_assessment", "2027-07-01".into(), Past),
            ("placement_security_report", "2027-08-01".into(), DueSoon),
            ("child_advocate_advisory_reports", "2027-12-31".into(), Upcoming),
            ("coordinator_annual_report", "2028-01-01".into(), Upcoming),
            ("task_force_annual_report", "2028-01-01".into(), Upcoming),
            ("child_advocate_confinement_report", "2029-03-01".into(), Upcoming),
            ("cssd_refresher_training", "2030-07-01".into(), Upcoming),
            ("dcf_refresher_training", "2030-07-01".into(), Upcoming),
        ]
    );
}

#[test]
fn a_recurring_duty_due_today_is_due_soon_with_zero_days() {
    let d = calendar(day("2028-01-01")).into_iter().find(|d| d.id == "coordinator_annual_report").unwrap();
    assert_eq!((d.due, d.days_until, d.status), (day("2028-01-01"), 0, DueSoon));
}

#[test]
fn refreshers_roll_every_three_years() {
    let d = calendar(day("2030-07-02")).into_iter().find(|d| d.id == "dcf_refresher_training").unwrap();
    assert_eq!(d.due, day("2033-07-01"));
}

#[test]
fn every_duty_names_its_section() {
    for d in calendar(day("2027-01-01")) {
        assert!(d.section.starts_with("Sec. "), "{}", d.id);
    }
}
