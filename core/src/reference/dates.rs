//! Calendar rules shared by every contract: ISO dates and full years of age.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// Parses a strict `YYYY-MM-DD` calendar date.
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Full years from `born` to `on` (a person born on 29 February turns a year
/// older on 1 March in common years). Negative when `on` is before `born`.
pub fn full_years(born: NaiveDate, on: NaiveDate) -> i64 {
    let mut years = i64::from(on.year()) - i64::from(born.year());
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

/// The instant `day` begins in Connecticut (America/New_York): the state's business day, which
/// is what a date means when someone asks for "the entries of 2 March".
pub fn start_of_day(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.and_hms_opt(0, 0, 0)?
        .and_local_timezone(chrono_tz::America::New_York)
        .earliest()
        .map(|t| t.to_utc())
}

/// The state's date at `instant`.
pub fn date_in_state(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&chrono_tz::America::New_York).date_naive()
}
