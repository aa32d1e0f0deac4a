//! The period a statistic covers.
//!
//! Public outputs cover a whole quarter or a whole year only. With arbitrary
//! ranges, two requests a day apart differ by the incidents of that one day,
//! and no per-table suppression can see that difference; fixed, non-
//! overlapping periods leave nothing to subtract. Internal outputs may take
//! any `from`/`to`.

use crate::{ErrorCode, ValidationError};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Who the output is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Public,
    Internal,
}

/// A reporting period, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Period {
    Year { year: i32 },
    Quarter { year: i32, quarter: u8 },
    /// Internal outputs only.
    Range { from: NaiveDate, to: NaiveDate },
}

fn pointer(param: &str) -> String {
    format!("/{}", param.replace('~', "~0").replace('/', "~1"))
}

const PUBLIC_ONLY: &str =
    "Public statistics cover a whole year (such as 2026) or a whole quarter (such as 2026-Q3), not a day or a range of days.";

fn year(text: &str) -> Option<i32> {
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
        .filter(|&y| y >= 1000)
}

fn day(text: &str) -> Option<NaiveDate> {
    crate::reference::dates::parse_iso_date(text)
}

impl Period {
    /// Parses `2026` or `2026-Q3` for any audience; for internal outputs also
    /// `YYYY-MM-DD` (one day) and `YYYY-MM-DD/YYYY-MM-DD` (a range). `param`
    /// names the query parameter in the error's path.
    pub fn parse(text: &str, param: &str, audience: Audience) -> Result<Period, ValidationError> {
        if let Some(y) = year(text) {
            return Ok(Period::Year { year: y });
        }
        let b = text.as_bytes();
        if b.len() == 7 && b[4] == b'-' && b[5] == b'Q' && (b'1'..=b'4').contains(&b[6]) {
            if let Some(y) = text.get(..4).and_then(year) {
                return Ok(Period::Quarter { year: y, quarter: b[6] - b'0' });
            }
        }
        let range = match text.split_once('/') {
            Some((a, b)) => day(a).zip(day(b)),
            None => day(text).map(|d| (d, d)),
        };
        match (range, audience) {
            (Some(_), Audience::Public) => Err(ValidationError::new(pointer(param), ErrorCode::NotAllowed, PUBLIC_ONLY)),
            (Some((from, to)), Audience::Internal) => Self::ordered(from, to, param),
            (None, _) => Err(ValidationError::new(
                pointer(param),
                ErrorCode::Format,
                match audience {
                    Audience::Public => "Must be a year (2026) or a quarter (2026-Q3).",
                    Audience::Internal => {
                        "Must be a year (2026), a quarter (2026-Q3), a date (2026-07-15) or two dates joined by / (2026-07-01/2026-09-30)."
                    }
                },
            )),
        }
    }

    /// A `from`/`to` range given as two parameters. Refused for public
    /// outputs (the error names `from_param`); internal outputs need
    /// `from <= to`.
    pub fn between(
        from: &str,
        to: &str,
        (from_param, to_param): (&str, &str),
        audience: Audience,
    ) -> Result<Period, Vec<ValidationError>> {
        if audience == Audience::Public {
            return Err(vec![ValidationError::new(pointer(from_param), ErrorCode::NotAllowed, PUBLIC_ONLY)]);
        }
        let bad = |param: &str| ValidationError::new(pointer(param), ErrorCode::Format, "Must be a real date written YYYY-MM-DD.");
        match (day(from), day(to)) {
            (Some(f), Some(t)) => Self::ordered(f, t, to_param).map_err(|e| vec![e]),
            (f, t) => Err(f
                .is_none()
                .then(|| bad(from_param))
                .into_iter()
                .chain(t.is_none().then(|| bad(to_param)))
                .collect()),
        }
    }

    fn ordered(from: NaiveDate, to: NaiveDate, param: &str) -> Result<Period, ValidationError> {
        if to < from {
            return Err(ValidationError::new(pointer(param), ErrorCode::DateOrder, "The period must not end before it starts."));
        }
        Ok(Period::Range { from, to })
    }

    /// The first day of the period.
    pub fn first_day(&self) -> Option<NaiveDate> {
        match *self {
            Period::Year { year } => NaiveDate::from_ymd_opt(year, 1, 1),
            Period::Quarter { year, quarter } => NaiveDate::from_ymd_opt(year, u32::from(quarter) * 3 - 2, 1),
            Period::Range { from, .. } => Some(from),
        }
    }

    /// The last day of the period.
    pub fn last_day(&self) -> Option<NaiveDate> {
        match *self {
            Period::Year { year } => NaiveDate::from_ymd_opt(year, 12, 31),
            Period::Quarter { year, quarter } => {
                let next = if quarter == 4 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(year, u32::from(quarter) * 3 + 1, 1)
                };
                next.and_then(|d| d.pred_opt())
            }
            Period::Range { to, .. } => Some(to),
        }
    }

    /// Whether `date` falls in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first_day().is_some_and(|f| f <= date) && self.last_day().is_some_and(|l| date <= l)
    }

    /// Whether a public output may cover this period.
    pub fn is_public(&self) -> bool {
        !matches!(self, Period::Range { .. })
    }

    /// `2026`, `2026-Q3`, or `2026-07-01/2026-09-30`.
    pub fn label(&self) -> String {
        match *self {
            Period::Year { year } => year.to_string(),
            Period::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
            Period::Range { from, to } => format!("{from}/{to}"),
        }
    }

    /// The quarter holding `date`.
    pub fn quarter_of(date: NaiveDate) -> Period {
        Period::Quarter { year: date.year(), quarter: (date.month0() / 3 + 1) as u8 }
    }
}
