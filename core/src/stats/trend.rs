//! Trends: a monthly series per region or category, with the change from the
//! same month a year earlier and a rolling 12-month total — the task force's
//! duty of "Reviewing trafficking trends" (Raised Bill 5476, Sec. 8(b)(6)).
//!
//! Every figure here is computed from *shown* monthly counts only. A rolling
//! total that included a withheld month would publish it: two consecutive
//! rolling totals differ by the month entering and the month leaving the
//! window (R(m) − R(m−1) = c(m) − c(m−12)), and a year-over-year change is a
//! difference outright. So a rolling total is published only when all twelve
//! of its months are shown, and a change only when both its months are. Each
//! published figure is then a sum or difference of shown counts, and no
//! combination of them says more than the shown counts already do (the
//! property test in `core/tests/stats_trend.rs` checks this by linear
//! algebra).

use super::derived::{change, percent_change};
use super::disclosure::Cell;
use super::query::{Endpoint, GroupBy, Measure, RawParams, StatsOutput, StatsQuery, Subject};
use super::table::Dimension;
use crate::{ErrorCode, ValidationError};
use chrono::{Months, NaiveDate};
use serde::Serialize;

/// Months in a rolling total, and between a month and the one a year earlier.
pub const WINDOW: usize = 12;

/// One month of a series.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    /// `YYYY-MM`.
    pub month: String,
    pub count: Cell,
    /// The count minus that of 12 months earlier; `null` when either is
    /// withheld or the earlier month is before the series.
    pub yoy_change: Option<i128>,
    /// The change in percent of the earlier count; `null` as above or when that count is zero.
    pub yoy_percent: Option<f64>,
    /// The total of this month and the 11 before it; `null` unless all 12
    /// are in the series and shown.
    pub rolling_12: Option<u64>,
}

/// A monthly series: a region, a category (has), or the whole state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendSeries {
    /// The region or category; `all` for the whole state.
    pub name: String,
    pub points: Vec<TrendPoint>,
}

/// The points of one series of consecutive months, `cells[i]` the count of
/// `months[i]`.
pub fn points(months: &[String], cells: &[Cell]) -> Vec<TrendPoint> {
    months
        .iter()
        .zip(cells)
        .enumerate()
        .map(|(i, (month, cell))| {
            let earlier = i.checked_sub(WINDOW).and_then(|j| cells.get(j));
            let rolling = i
                .checked_sub(WINDOW - 1)
                .and_then(|start| cells.get(start..=i))
                .and_then(|window| window.iter().map(Cell::get).sum::<Option<u64>>());
            TrendPoint {
                month: month.clone(),
                count: *cell,
                yoy_change: earlier.and_then(|e| change(e, cell)),
                yoy_percent: earlier.and_then(|e| percent_change(e, cell)),
                rolling_12: rolling,
            }
        })
        .collect()
}

/// The series of a statistics answer grouped by month first: one per
/// category of its other dimension and one for their margin (`all`), or —
/// for a multi-valued dimension, whose tables are has / has-not per
/// category — one per category (its *has* counts) and none summing them.
pub fn series(output: &StatsOutput, measure: Measure) -> Vec<TrendSeries> {
    let tables: Vec<_> = output.tables.iter().filter(|t| t.measure == measure).map(|t| &t.table).collect();
    let mut out = Vec::new();
    for (n, t) in tables.iter().enumerate() {
        let dims = t.dimensions();
        let Some(months) = dims.first().filter(|d| d.name() == GroupBy::Month.code()).map(labels) else {
            continue;
        };
        let month_keys = (0..months.len()).map(Some);
        match dims.get(1) {
            None => out.push(TrendSeries { name: "all".into(), points: column(t, &months, month_keys, &[]) }),
            // A has / has-not dimension (`trafficking_type: labor`): the has column.
            Some(flag) if is_flag(flag) => {
                let name = flag.name().split_once(": ").map_or(flag.name(), |(_, c)| c).to_string();
                out.push(TrendSeries { name, points: column(t, &months, month_keys, &[Some(0)]) });
            }
            Some(by) => {
                // The statewide margin once, from the first table.
                for c in (0..by.len()).map(Some).chain((n == 0).then_some(None)) {
                    let name = c.and_then(|c| by.labels().get(c).map(|l| l.to_string())).unwrap_or_else(|| "all".into());
                    out.push(TrendSeries { name, points: column(t, &months, month_keys.clone(), &[c]) });
                }
            }
        }
    }
    out
}

fn labels(d: &Dimension) -> Vec<String> {
    d.labels().into_iter().map(str::to_string).collect()
}

fn is_flag(d: &Dimension) -> bool {
    d.labels() == ["has", "has_not"] && d.name().contains(": ")
}

fn column(
    t: &super::disclosure::SuppressedTable,
    months: &[String],
    month_keys: impl Iterator<Item = Option<usize>>,
    rest: &[Option<usize>],
) -> Vec<TrendPoint> {
    let cells: Vec<Cell> = month_keys
        .map(|m| {
            let key: Vec<Option<usize>> = std::iter::once(m).chain(rest.iter().copied()).collect();
            // An entry the table does not hold is withheld, never guessed.
            t.get(&key).unwrap_or_else(Cell::withheld)
        })
        .collect();
    points(months, &cells)
}

impl TrendSeries {
    /// CSV rows `series,month,count,yoy_change,yoy_percent,rolling_12`: `*`
    /// for a withheld count, empty for a figure not published.
    pub fn csv_rows(&self, out: &mut String) {
        let name = if self.name.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", self.name.replace('"', "\"\""))
        } else {
            self.name.clone()
        };
        for p in &self.points {
            let opt = |v: Option<String>| v.unwrap_or_default();
            out.push_str(&format!(
                "{name},{},{},{},{},{}\n",
                p.month,
                p.count.to_csv(),
                opt(p.yoy_change.map(|v| v.to_string())),
                opt(p.yoy_percent.map(|v| format!("{v:.1}"))),
                opt(p.rolling_12.map(|v| v.to_string())),
            ));
        }
    }
}

/// The CSV header of [`TrendSeries::csv_rows`].
pub const CSV_HEADER: &str = "series,month,count,yoy_change,yoy_percent,rolling_12\n";

/// The parameters of a trend request as they arrived.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrendParams<'a> {
    pub subject: Option<&'a str>,
    pub by: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub internal: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// Subjects a trend may follow.
const SUBJECTS: [Subject; 4] = [Subject::Incidents, Subject::Victims, Subject::Intake, Subject::Referrals];

/// Parses a trend request into the statistics request behind it: the
/// subject by month and `by`, from the first day of `from` to the last of
/// `to` (`YYYY-MM`). Months are finer than anything public, so this is the
/// coordinator's only. Errors name the trend's own parameters.
pub fn parse(raw: &TrendParams<'_>) -> Result<StatsQuery, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let subject = match raw.subject {
        None => Some(Subject::Incidents),
        Some(text) => {
            let found = SUBJECTS.into_iter().find(|s| s.code() == text);
            if found.is_none() {
                let codes: Vec<&str> = SUBJECTS.iter().map(|s| s.code()).collect();
                errors.push(ValidationError::new("/subject", ErrorCode::UnknownCode, format!("Must be one of {}.", codes.join(", "))));
            }
            found
        }
    };
    let by = raw.by.map(str::trim).filter(|b| !b.is_empty());
    if let Some(b) = by {
        if b.contains(',') || matches!(GroupBy::parse(b), Some(GroupBy::Year | GroupBy::Quarter | GroupBy::Month)) {
            errors.push(ValidationError::new("/by", ErrorCode::NotAllowed, "One dimension other than time: a geography, or a type."));
        }
    }
    let month = |param: &str, text: Option<&str>, last: bool, errors: &mut Vec<ValidationError>| -> Option<String> {
        let Some(text) = text else {
            errors.push(ValidationError::new(format!("/{param}"), ErrorCode::Required, "A month, YYYY-MM."));
            return None;
        };
        let first = NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").ok().filter(|_| text.trim().len() == 7);
        let Some(first) = first else {
            errors.push(ValidationError::new(format!("/{param}"), ErrorCode::Format, "A month, YYYY-MM."));
            return None;
        };
        let day = if last { first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()) } else { Some(first) };
        day.map(|d| d.format("%Y-%m-%d").to_string())
    };
    let from = month("from", raw.from, false, &mut errors);
    let to = month("to", raw.to, true, &mut errors);
    let (Some(subject), Some(from), Some(to)) = (subject, from, to) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let group_by = match by {
        Some(b) => format!("month,{b}"),
        None => "month".to_string(),
    };
    let stats = RawParams {
        from: Some(&from),
        to: Some(&to),
        group_by: Some(&group_by),
        internal: raw.internal,
        reason: raw.reason,
        ..RawParams::default()
    };
    StatsQuery::parse(subject, &stats, Endpoint::Coordinator).map_err(|errors| {
        errors
            .into_iter()
            .map(|mut e| {
                if e.path == "/group_by" {
                    e.path = "/by".into();
                }
                e
            })
            .collect()
    })
}

/// A trend answer: the monthly series and the rule that suppressed their counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendOutput {
    pub subject: Subject,
    /// What the counts count: `incidents`, `victims`, `intake` or `referrals`.
    pub measure: String,
    /// The dimension of the series; `null`: the whole state only.
    pub by: Option<GroupBy>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub internal: bool,
    pub k: Option<u64>,
    pub rule: String,
    pub series: Vec<TrendSeries>,
}

impl TrendOutput {
    /// The trend of `output` (an answer to a query from [`parse`]), for the
    /// subject's first measure.
    pub fn of(query: &StatsQuery, output: &StatsOutput) -> TrendOutput {
        let measure = query.subject().measures().first().copied().unwrap_or(Measure::Incidents);
        TrendOutput {
            subject: query.subject(),
            measure: measure.name(query.subject()).to_string(),
            by: query.group_by().get(1).copied(),
            from: output.from,
            to: output.to,
            internal: output.internal,
            k: output.k,
            rule: output.rule.clone(),
            series: series(output, measure),
        }
    }

    pub fn to_csv(&self) -> String {
        let mut out = CSV_HEADER.to_string();
        for s in &self.series {
            s.csv_rows(&mut out);
        }
        out
    }
}
