//! A statistics request: what the caller may ask for, how the counts become
//! tables, and which disclosure policy applies.
//!
//! The coordinator "shall create a database for state agencies to report
//! incidents of human trafficking in the state. Such database shall protect
//! the personal information of any victims of human trafficking" (Raised Bill
//! 5476, Sec. 1(d)); the task force's duty of "Reviewing trafficking trends"
//! (Sec. 8(b)(6)) and the coordinator's annual report (Sec. 1(f)) need counts
//! out of it. So every request is parsed here, its counts are shaped into
//! [`Table`]s here, and the policy that suppresses them is decided here; the
//! API only runs the one grouped count this module asks for.

use super::disclosure::{suppress_together, DisclosureError, Policy, PolicyError, SuppressedTable};
use super::period::{Audience, Period};
use super::table::{Dimension, Table, TableError};
use crate::reference::codes::{CodeList, IncidentStatus, Venue};
use crate::reference::geo;
use crate::{ErrorCode, ValidationError};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use thiserror::Error;

/// Most dimensions one request may group by (a table has at most three).
pub const MAX_GROUP_BY: usize = 3;

/// A reason for exact counts is as long as a reason for a sealed read.
pub const REASON_CHARS: std::ops::RangeInclusive<usize> = 10..=500;

/// Who is asking, which decides what may be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/public/stats/…`: no key, always suppressed.
    Public,
    /// `/v1/stats/…`: the coordinator; suppressed unless `internal=true`.
    Coordinator,
}

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Incidents,
}

/// One number per cell: incidents, or the victims they involve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Incidents,
    Victims,
}

/// A dimension a request may group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Year,
    Quarter,
    Month,
    County,
    PlanningRegion,
    JudicialDistrict,
    DcfRegion,
    Status,
    Venue,
}

impl GroupBy {
    pub const ALL: [GroupBy; 9] = [
        GroupBy::Year,
        GroupBy::Quarter,
        GroupBy::Month,
        GroupBy::County,
        GroupBy::PlanningRegion,
        GroupBy::JudicialDistrict,
        GroupBy::DcfRegion,
        GroupBy::Status,
        GroupBy::Venue,
    ];

    /// The geographies, each a grouping of the same 169 towns.
    pub const GEOGRAPHIES: [GroupBy; 4] =
        [GroupBy::County, GroupBy::PlanningRegion, GroupBy::JudicialDistrict, GroupBy::DcfRegion];

    pub fn code(self) -> &'static str {
        match self {
            GroupBy::Year => "year",
            GroupBy::Quarter => "quarter",
            GroupBy::Month => "month",
            GroupBy::County => "county",
            GroupBy::PlanningRegion => "planning_region",
            GroupBy::JudicialDistrict => "judicial_district",
            GroupBy::DcfRegion => "dcf_region",
            GroupBy::Status => "status",
            GroupBy::Venue => "venue",
        }
    }

    pub fn parse(code: &str) -> Option<GroupBy> {
        Self::ALL.into_iter().find(|g| g.code() == code)
    }

    /// Whether the public may group by it. A month of a few incidents, or a
    /// venue within a region, narrows a count to a handful of people faster
    /// than suppression can keep up; years, quarters and regions do not.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            GroupBy::Year
                | GroupBy::Quarter
                | GroupBy::County
                | GroupBy::PlanningRegion
                | GroupBy::JudicialDistrict
                | GroupBy::DcfRegion
        )
    }

    pub fn is_geography(self) -> bool {
        Self::GEOGRAPHIES.contains(&self)
    }

    /// The geography as a grouping of towns, so two geographies of one
    /// period are seen by disclosure control as cutting the same units.
    fn towns_dimension(self) -> Result<Option<Dimension>, TableError> {
        let group: fn(&geo::Town) -> Option<&'static str> = match self {
            GroupBy::County => |t| t.county,
            GroupBy::PlanningRegion => |t| t.planning_region,
            GroupBy::JudicialDistrict => |t| t.judicial_district,
            GroupBy::DcfRegion => |t| t.dcf_region.and_then(dcf_region_label),
            _ => return Ok(None),
        };
        Dimension::towns_by(self.code(), group).map(Some)
    }
}

const DCF_REGIONS: [&str; 6] = ["Region 1", "Region 2", "Region 3", "Region 4", "Region 5", "Region 6"];

fn dcf_region_label(region: u8) -> Option<&'static str> {
    DCF_REGIONS.get(usize::from(region).checked_sub(1)?).copied()
}

/// Whether an incident of this status counts in statistics. Written as a
/// match so that a new status (the fidelity issue's `withdrawn`) cannot be
/// added without deciding here: a withdrawn report was never an incident
/// and must never count.
pub fn counts(status: IncidentStatus) -> bool {
    match status {
        IncidentStatus::Suspected | IncidentStatus::Confirmed => true,
    }
}

/// The statuses that count, as stored codes, for the query's filter.
pub fn counted_statuses() -> Vec<&'static str> {
    IncidentStatus::ALL.iter().copied().filter(|s| counts(*s)).map(CodeList::code).collect()
}

/// Restrictions on which incidents are counted (coordinator only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub status: Option<IncidentStatus>,
    pub venue: Option<Venue>,
    pub county: Option<&'static str>,
    pub planning_region: Option<&'static str>,
    pub judicial_district: Option<&'static str>,
    pub dcf_region: Option<u8>,
}

/// The query parameters as they arrived, before any is trusted.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawParams<'a> {
    pub period: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub group_by: Option<&'a str>,
    pub internal: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub status: Option<&'a str>,
    pub venue: Option<&'a str>,
    pub county: Option<&'a str>,
    pub planning_region: Option<&'a str>,
    pub judicial_district: Option<&'a str>,
    pub dcf_region: Option<&'a str>,
}

/// A parsed request: every value checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsQuery {
    pub subject: Subject,
    pub period: Period,
    /// As requested, in order, without repeats.
    pub group_by: Vec<GroupBy>,
    pub filters: Filters,
    /// `Some` only for an internal (exact) read: why it is needed.
    pub reason: Option<String>,
}

fn error(param: &str, code: ErrorCode, message: impl Into<String>) -> ValidationError {
    ValidationError::new(format!("/{param}"), code, message)
}

impl StatsQuery {
    /// Parses a request to `endpoint`. Every broken parameter is reported,
    /// each naming its parameter.
    pub fn parse(subject: Subject, raw: &RawParams<'_>, endpoint: Endpoint) -> Result<StatsQuery, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let internal = match raw.internal {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                errors.push(error("internal", ErrorCode::InvalidType, "Must be `true` or `false`."));
                false
            }
        };
        if internal && endpoint == Endpoint::Public {
            errors.push(error(
                "internal",
                ErrorCode::NotAllowed,
                "Public statistics are always suppressed; exact counts are for the coordinator (GET /v1/stats/…).",
            ));
        }
        let reason = parse_reason(raw.reason, internal && endpoint == Endpoint::Coordinator, &mut errors);
        let period = parse_period(raw, endpoint, &mut errors);
        let group_by = parse_group_by(raw.group_by, endpoint, &mut errors);
        let filters = parse_filters(raw, endpoint, &mut errors);
        match period {
            Some(period) if errors.is_empty() => Ok(StatsQuery { subject, period, group_by, filters, reason }),
            _ => Err(errors),
        }
    }

    /// Whether the counts are shown exactly.
    pub fn is_internal(&self) -> bool {
        self.reason.is_some()
    }

    /// The policy for this request. `k` is the server's threshold and is
    /// never a request parameter; anything not internal is suppressed with
    /// it, and `Policy::public` refuses a k below 11.
    pub fn policy(&self, k: u64) -> Result<Policy, PolicyError> {
        if self.is_internal() {
            Ok(Policy::internal())
        } else {
            Policy::public(k)
        }
    }

    /// The dimensions the SQL count groups by, other than place: each count
    /// row carries one key per entry here, in this order.
    pub fn key_dimensions(&self) -> Vec<GroupBy> {
        self.group_by.iter().copied().filter(|g| !g.is_geography()).collect()
    }

    /// Whether the SQL count must also group by town (some table is split by place).
    pub fn by_town(&self) -> bool {
        self.group_by.iter().any(|g| g.is_geography())
    }

    /// The geographies of the tables built and suppressed together: every
    /// geography when the output is suppressed and any is asked for, so that
    /// a county table and a planning-region table of one period, fetched in
    /// one request or in two, withhold the same cells; the ones asked for
    /// otherwise.
    fn modelled_geographies(&self, suppressed: bool) -> Vec<GroupBy> {
        if !self.by_town() {
            Vec::new()
        } else if suppressed {
            GroupBy::GEOGRAPHIES.to_vec()
        } else {
            self.group_by.iter().copied().filter(|g| g.is_geography()).collect()
        }
    }
}

fn parse_reason(reason: Option<&str>, needed: bool, errors: &mut Vec<ValidationError>) -> Option<String> {
    if !needed {
        return None;
    }
    let reason = reason.map(str::trim).unwrap_or_default();
    let length = reason.chars().count();
    if length == 0 {
        errors.push(error("reason", ErrorCode::Required, "A reason is required for exact counts (internal=true)."));
        None
    } else if !REASON_CHARS.contains(&length) {
        errors.push(error("reason", ErrorCode::Length, "Must have between 10 and 500 characters."));
        None
    } else {
        Some(reason.to_string())
    }
}

fn parse_period(raw: &RawParams<'_>, endpoint: Endpoint, errors: &mut Vec<ValidationError>) -> Option<Period> {
    // The coordinator may count any range; only a public output needs the
    // fixed periods that leave nothing to subtract between two requests.
    let audience = match endpoint {
        Endpoint::Public => Audience::Public,
        Endpoint::Coordinator => Audience::Internal,
    };
    match (raw.period, raw.from, raw.to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            let param = if raw.from.is_some() { "from" } else { "to" };
            errors.push(error(param, ErrorCode::NotAllowed, "Give either `period` or `from` and `to`, not both."));
            None
        }
        (Some(text), None, None) => Period::parse(text, "period", audience).map_err(|e| errors.push(e)).ok(),
        (None, Some(from), Some(to)) => Period::between(from, to, ("from", "to"), audience).map_err(|e| errors.extend(e)).ok(),
        (None, Some(_), None) => {
            errors.push(error("to", ErrorCode::Required, "`from` needs `to`."));
            None
        }
        (None, None, Some(_)) => {
            errors.push(error("from", ErrorCode::Required, "`to` needs `from`."));
            None
        }
        (None, None, None) => {
            errors.push(error("period", ErrorCode::Required, "Give a period (2026 or 2026-Q3)."));
            None
        }
    }
}

fn parse_group_by(text: Option<&str>, endpoint: Endpoint, errors: &mut Vec<ValidationError>) -> Vec<GroupBy> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return vec![GroupBy::Year];
    };
    let allowed = |g: &GroupBy| endpoint == Endpoint::Coordinator || g.is_public();
    let mut out = Vec::new();
    for code in text.split(',').map(str::trim) {
        match GroupBy::parse(code) {
            Some(g) if !allowed(&g) => {
                let coarse: Vec<&str> = GroupBy::ALL.iter().filter(|g| g.is_public()).map(|g| g.code()).collect();
                errors.push(error(
                    "group_by",
                    ErrorCode::NotAllowed,
                    format!("`{code}` is not published; public statistics group by {}.", coarse.join(", ")),
                ));
            }
            Some(g) if out.contains(&g) => {
                errors.push(error("group_by", ErrorCode::Duplicate, format!("`{code}` is given twice.")));
            }
            Some(g) => out.push(g),
            None => {
                let all: Vec<&str> = GroupBy::ALL.iter().filter(|g| allowed(g)).map(|g| g.code()).collect();
                errors.push(error("group_by", ErrorCode::UnknownCode, format!("`{code}` is not one of {}.", all.join(", "))));
            }
        }
    }
    if out.len() > MAX_GROUP_BY {
        errors.push(error("group_by", ErrorCode::Length, format!("At most {MAX_GROUP_BY} dimensions.")));
    }
    out
}

fn parse_code<T: CodeList>(param: &str, text: Option<&str>, errors: &mut Vec<ValidationError>) -> Option<T> {
    let text = text?;
    let found = T::ALL.iter().copied().find(|c| c.code() == text);
    if found.is_none() {
        let codes: Vec<&str> = T::ALL.iter().map(|c| c.code()).collect();
        errors.push(error(param, ErrorCode::UnknownCode, format!("Must be one of {}.", codes.join(", "))));
    }
    found
}

/// A region name as the town table spells it, matched without regard to case.
fn parse_region(
    param: &str,
    text: Option<&str>,
    of: fn(&geo::Town) -> Option<&'static str>,
    errors: &mut Vec<ValidationError>,
) -> Option<&'static str> {
    let text = text?.trim();
    let found = geo::towns().iter().filter_map(of).find(|r| r.eq_ignore_ascii_case(text));
    if found.is_none() {
        let mut names: Vec<&str> = geo::towns().iter().filter_map(of).collect();
        names.sort_unstable();
        names.dedup();
        errors.push(error(param, ErrorCode::UnknownCode, format!("Must be one of {}.", names.join(", "))));
    }
    found
}

fn parse_filters(raw: &RawParams<'_>, endpoint: Endpoint, errors: &mut Vec<ValidationError>) -> Filters {
    let given = [
        ("status", raw.status),
        ("venue", raw.venue),
        ("county", raw.county),
        ("planning_region", raw.planning_region),
        ("judicial_district", raw.judicial_district),
        ("dcf_region", raw.dcf_region),
    ];
    if endpoint == Endpoint::Public {
        // A filtered table, suppressed on its own, differenced with the
        // unfiltered one, would give back what each withholds.
        for (param, _) in given.iter().filter(|(_, v)| v.is_some()) {
            errors.push(error(param, ErrorCode::NotAllowed, "Public statistics take no filters; group by the dimension instead."));
        }
        return Filters::default();
    }
    let dcf_region = raw.dcf_region.and_then(|text| {
        let region = text.trim().parse::<u8>().ok().filter(|r| dcf_region_label(*r).is_some());
        if region.is_none() {
            errors.push(error("dcf_region", ErrorCode::UnknownCode, "Must be a DCF region from 1 to 6."));
        }
        region
    });
    Filters {
        status: parse_code("status", raw.status, errors),
        venue: parse_code("venue", raw.venue, errors),
        county: parse_region("county", raw.county, |t| t.county, errors),
        planning_region: parse_region("planning_region", raw.planning_region, |t| t.planning_region, errors),
        judicial_district: parse_region("judicial_district", raw.judicial_district, |t| t.judicial_district, errors),
        dcf_region,
    }
}

/// One row of the grouped SQL count: a key per [`StatsQuery::key_dimensions`]
/// (the same text the key expression yields: `2026`, `2026-Q3`, `2026-07`,
/// a status or venue code, `unknown` for no venue), the town when grouped by
/// place, and the two measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    pub keys: Vec<String>,
    pub town: Option<String>,
    pub incidents: u64,
    pub victims: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BuildError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Disclosure(#[from] DisclosureError),
    #[error("a count row has no category `{0}`")]
    UnknownKey(String),
}

impl BuildError {
    /// The request asked for more cells than a table may have; the caller's
    /// fault, so a 400 on `group_by` (or the period) rather than a 500.
    pub fn too_large(&self) -> bool {
        matches!(self, BuildError::Table(TableError::TooLarge) | BuildError::Disclosure(DisclosureError::TooLarge))
    }
}

/// A published table and what it counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureTable {
    pub measure: Measure,
    #[serde(flatten)]
    pub table: SuppressedTable,
}

/// The answer to a statistics request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsOutput {
    pub subject: Subject,
    /// `2026`, `2026-Q3`, or `2026-07-01/2026-09-30`.
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `true`: exact counts, not for publication.
    pub internal: bool,
    /// The threshold: counts from 1 to k − 1 are withheld; `null` when nothing is.
    pub k: Option<u64>,
    /// The disclosure rule that applied, in words.
    pub rule: String,
    /// Per measure, one table per geography asked for (or one table).
    pub tables: Vec<MeasureTable>,
}

/// The categories of a key dimension over `period`, as the SQL key text.
fn key_labels(g: GroupBy, period: &Period) -> Vec<String> {
    let (Some(first), Some(last)) = (period.first_day(), period.last_day()) else {
        return Vec::new();
    };
    let months = || {
        let mut out = Vec::new();
        let mut at = NaiveDate::from_ymd_opt(first.year(), first.month(), 1);
        while let Some(m) = at.filter(|m| *m <= last) {
            out.push(m);
            at = m.checked_add_months(chrono::Months::new(1));
        }
        out
    };
    let mut labels: Vec<String> = match g {
        GroupBy::Year => (first.year()..=last.year()).map(|y| y.to_string()).collect(),
        GroupBy::Quarter => months().into_iter().map(|m| Period::quarter_of(m).label()).collect(),
        GroupBy::Month => months().into_iter().map(|m| m.format("%Y-%m").to_string()).collect(),
        GroupBy::Status => counted_statuses().into_iter().map(str::to_string).collect(),
        GroupBy::Venue => Venue::ALL.iter().map(|v| v.code().to_string()).chain(std::iter::once("unknown".into())).collect(),
        GroupBy::County | GroupBy::PlanningRegion | GroupBy::JudicialDistrict | GroupBy::DcfRegion => Vec::new(),
    };
    labels.dedup();
    labels
}

/// Builds every table the request models from the grouped counts, applies
/// `policy` to each measure's tables together, and keeps the ones asked for.
pub fn build(query: &StatsQuery, rows: &[GroupCount], policy: &Policy) -> Result<StatsOutput, BuildError> {
    let keys = query.key_dimensions();
    let key_dims = keys
        .iter()
        .map(|g| Dimension::new(g.code(), key_labels(*g, &query.period)))
        .collect::<Result<Vec<_>, _>>()?;
    let geographies = query.modelled_geographies(policy.is_public());
    let geo_dims = geographies
        .iter()
        .filter_map(|g| g.towns_dimension().transpose())
        .collect::<Result<Vec<_>, _>>()?;
    let town_units: Vec<String> = geo::towns().iter().map(|t| t.town.to_string()).collect();

    // Each row's place in the key dimensions, and its town's unit.
    let mut located = Vec::with_capacity(rows.len());
    for row in rows {
        let mut at = Vec::with_capacity(keys.len());
        for (d, key) in key_dims.iter().zip(&row.keys) {
            let i = d.labels().iter().position(|l| l == key).ok_or_else(|| BuildError::UnknownKey(key.clone()))?;
            at.push(i);
        }
        if at.len() != key_dims.len() {
            return Err(BuildError::UnknownKey(String::new()));
        }
        let unit = match &row.town {
            Some(town) if !geo_dims.is_empty() => {
                Some(town_units.iter().position(|u| u == town).ok_or_else(|| BuildError::UnknownKey(town.clone()))?)
            }
            _ => None,
        };
        located.push((at, unit, row));
    }

    let mut tables = Vec::new();
    for measure in [Measure::Incidents, Measure::Victims] {
        let value = |row: &GroupCount| match measure {
            Measure::Incidents => row.incidents,
            Measure::Victims => row.victims,
        };
        let mut built = Vec::new();
        if geo_dims.is_empty() {
            let cells = sum_cells(located.iter().map(|(at, _, row)| (at.clone(), value(row))));
            built.push(Table::new(table_name(measure, &keys, None), key_dims.clone(), cells)?);
        } else {
            for (g, dim) in geographies.iter().zip(&geo_dims) {
                let mut cells = Vec::with_capacity(located.len());
                for (at, unit, row) in &located {
                    let c = unit.and_then(|u| dim.category_of(u)).ok_or_else(|| BuildError::UnknownKey(g.code().into()))?;
                    let mut at = at.clone();
                    at.push(c);
                    cells.push((at, value(row)));
                }
                let mut dims = key_dims.clone();
                dims.push(dim.clone());
                built.push(Table::new(table_name(measure, &keys, Some(*g)), dims, sum_cells(cells))?);
            }
        }
        let suppressed = suppress_together(&built, policy)?;
        let wanted = |t: &SuppressedTable| {
            geographies.is_empty()
                || t.dimensions().last().is_some_and(|d| query.group_by.iter().any(|g| g.code() == d.name()))
        };
        tables.extend(suppressed.into_iter().filter(|t| wanted(t)).map(|table| MeasureTable { measure, table }));
    }
    Ok(StatsOutput {
        subject: query.subject,
        period: query.period.label(),
        from: query.period.first_day().unwrap_or_default(),
        to: query.period.last_day().unwrap_or_default(),
        internal: !policy.is_public(),
        k: policy.k(),
        rule: policy.rule(),
        tables,
    })
}

/// Towns of one region fall in one cell: their counts add.
fn sum_cells(cells: impl IntoIterator<Item = (Vec<usize>, u64)>) -> Vec<(Vec<usize>, u64)> {
    let mut out: Vec<(Vec<usize>, u64)> = Vec::new();
    for (at, n) in cells {
        match out.iter_mut().find(|(a, _)| *a == at) {
            Some((_, sum)) => *sum = sum.saturating_add(n),
            None => out.push((at, n)),
        }
    }
    out
}

fn table_name(measure: Measure, keys: &[GroupBy], geography: Option<GroupBy>) -> String {
    let by: Vec<&str> = keys.iter().chain(geography.as_ref()).map(|g| g.code()).collect();
    let what = match measure {
        Measure::Incidents => "incidents",
        Measure::Victims => "victims",
    };
    format!("{what} by {}", by.join(", "))
}

impl StatsOutput {
    /// Long-format CSV of every table: `measure`, `table`, one column per
    /// dimension that appears in any table (empty where a table lacks it,
    /// `Total` for a margin), then `count` with `*` for a withheld count.
    pub fn to_csv(&self) -> String {
        let mut columns: Vec<String> = Vec::new();
        for t in &self.tables {
            for d in t.table.dimensions() {
                if !columns.iter().any(|c| c == d.name()) {
                    columns.push(d.name().to_string());
                }
            }
        }
        let mut out = String::new();
        let header: Vec<String> = ["measure", "table"]
            .iter()
            .map(|s| s.to_string())
            .chain(columns.iter().cloned())
            .chain(std::iter::once("count".to_string()))
            .collect();
        out.push_str(&header.join(","));
        out.push('\n');
        for t in &self.tables {
            let dims = t.table.dimensions();
            let measure = match t.measure {
                Measure::Incidents => "incidents",
                Measure::Victims => "victims",
            };
            for e in t.table.entries() {
                let mut row = vec![measure.to_string(), csv_field(t.table.name())];
                for column in &columns {
                    let cell = dims.iter().position(|d| d.name() == column).map(|i| {
                        match e.at.get(i).copied().flatten().and_then(|c| dims.get(i)?.labels().get(c).map(|l| l.to_string())) {
                            Some(label) => csv_field(&label),
                            None => "Total".to_string(),
                        }
                    });
                    row.push(cell.unwrap_or_default());
                }
                row.push(e.cell.to_csv());
                out.push_str(&row.join(","));
                out.push('\n');
            }
        }
        out
    }

    /// The table of `measure` whose last dimension is `name`, or the only one.
    pub fn table(&self, measure: Measure, name: &str) -> Option<&SuppressedTable> {
        self.tables
            .iter()
            .filter(|t| t.measure == measure)
            .map(|t| &t.table)
            .find(|t| t.name() == name || t.dimensions().last().is_some_and(|d| d.name() == name))
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
