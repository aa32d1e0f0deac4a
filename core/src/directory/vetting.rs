//! Vetting: when a service's verification falls due, and whether it counts as vetted.
//!
//! The coordinator supports "a vetted state-wide resource directory" by "mapping and verifying
//! existing providers" (Sec. 8(b)(5)). Beacon reads that as: verified by the coordinator's staff
//! within the last [`VERIFICATION_MONTHS`] months, with the provider attesting that its staff
//! completed trafficking training. The bill sets no period; twelve months matches the annual
//! report cycle of Sec. 1(f).
//!
//! `now` is always a parameter: the rule never reads a clock.

use chrono::{DateTime, Months, Utc};

/// How long a verification stays current.
pub const VERIFICATION_MONTHS: u32 = 12;

/// When a verification made at `verified_at` falls due; `None` when never verified.
pub fn next_due(verified_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    verified_at.and_then(|v| v.checked_add_months(Months::new(VERIFICATION_MONTHS)))
}

/// Verified within the last 12 months (the due instant itself is too late) and training attested.
pub fn is_vetted(training_attested: bool, verified_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    training_attested && next_due(verified_at).is_some_and(|d| d > now)
}

/// Due now: never verified, or the verification has run out.
pub fn is_overdue(verified_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    next_due(verified_at).is_none_or(|d| d <= now)
}

/// Verified once, but longer ago than 12 months: not vetted however the training stands.
pub fn is_stale(verified_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    next_due(verified_at).is_some_and(|d| d <= now)
}

/// Services verified on or before this instant (or never) fall due by `by`.
pub fn due_by_cutoff(by: DateTime<Utc>) -> DateTime<Utc> {
    by.checked_sub_months(Months::new(VERIFICATION_MONTHS)).unwrap_or(by)
}

/// The widest look-ahead of the list of verifications due, in days.
pub const MAX_WITHIN_DAYS: i64 = 366;
/// The look-ahead when none is asked for, in days.
pub const DEFAULT_WITHIN_DAYS: i64 = 30;
