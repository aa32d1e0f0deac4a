//! Calendar rules shared by every contract: ISO dates and full years of age.

use chrono::{Datelike, NaiveDate};

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
