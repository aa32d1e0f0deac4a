//! Table tests of vetting: the 12-month verification period, at and around its edge.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

use beacon_core::directory::vetting::{due_by_cutoff, is_overdue, is_stale, is_vetted, next_due};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

#[test]
fn a_verification_falls_due_twelve_months_later() {
    assert_eq!(next_due(Some(at(2026, 3, 15))), Some(at(2027, 3, 15)));
    assert_eq!(next_due(None), None);
}

#[test]
fn a_leap_day_verification_falls_due_on_the_last_of_february() {
    assert_eq!(next_due(Some(at(2028, 2, 29))), Some(at(2029, 2, 28)));
}

#[test]
fn vetted_needs_training_attested_and_a_verification_under_twelve_months_old() {
    let verified = Some(at(2026, 3, 15));
    let table = [
        (true, verified, at(2027, 3, 15) - Duration::seconds(1), true),
        (true, verified, at(2027, 3, 15), false),
        (true, verified, at(2027, 3, 16), false),
        (false, verified, at(2026, 4, 1), false),
        (true, None, at(2026, 4, 1), false),
    ];
    for (attested, verified_at, now, want) in table {
        assert_eq!(is_vetted(attested, verified_at, now), want, "{attested} {verified_at:?} {now}");
    }
}

#[test]
fn overdue_is_never_verified_or_past_due_and_stale_needs_a_verification() {
    let verified = Some(at(2026, 3, 15));
    assert!(is_overdue(None, at(2026, 1, 1)));
    assert!(!is_stale(None, at(2026, 1, 1)));
    assert!(!is_overdue(verified, at(2027, 3, 15) - Duration::seconds(1)));
    assert!(is_overdue(verified, at(2027, 3, 15)));
    assert!(is_stale(verified, at(2027, 3, 15)));
    assert!(!is_stale(verified, at(2027, 3, 14)));
}

#[test]
fn services_verified_on_or_before_the_cutoff_fall_due_by_then() {
    let by = at(2027, 1, 31);
    assert_eq!(due_by_cutoff(by), at(2026, 1, 31));
    assert!(is_overdue(Some(due_by_cutoff(by)), by));
}
