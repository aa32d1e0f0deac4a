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

pub use super::filter::{Filter, FilterValues, Filters};
use super::disclosure::{publish, suppress_together, DisclosureError, Policy, PolicyError, SuppressedTable};
use super::period::{Audience, Period};
use super::table::{Dimension, Table, TableError};
use crate::directory::ReferralStatus;
use crate::intake::status::IntakeStatus;
use crate::training::{ComplianceStatus, Population};
use crate::reference::codes::{Agency, AgeGroup, Citizenship, CodeList, ConcernType, IncidentStatus, Service, Sex, TraffickingType, Venue};
use crate::reference::geo;
use crate::{ErrorCode, ValidationError};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use thiserror::Error;

/// Most dimensions one request may group by (a table has at most three).
pub const MAX_GROUP_BY: usize = 3;

/// The public dimensions published by year for the whole state (see
/// [`GroupBy::is_public_detail`]), each counted by its own plan.
const PUBLIC_DETAILS: [GroupBy; 2] = [GroupBy::AgeBand, GroupBy::TraffickingType];

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
    Victims,
    /// Partner intake submissions (`POST /v1/intake`).
    Intake,
    /// The directory's referrals: a person sent to a service, and the outcome.
    Referrals,
    /// The active workforce by training status as of a day.
    Training,
    /// Minors known to DCF's queue (Sec. 10(a): DCF "shall" serve "a minor child ... who the
    /// Department of Children and Families reasonably believes may be a victim of trafficking"):
    /// a partner's submission about a minor until it becomes an incident, and every incident
    /// involving a minor, dated by the day received, grouped by DCF's response (`outcome`,
    /// `none` for a minor without one).
    DcfResponses,
}

impl Subject {
    pub fn code(self) -> &'static str {
        match self {
            Subject::Incidents => "incidents",
            Subject::Victims => "victims",
            Subject::Intake => "intake",
            Subject::Referrals => "referrals",
            Subject::Training => "training",
            Subject::DcfResponses => "dcf_responses",
        }
    }

    /// What each cell counts. A table of victims by sex counts victims only:
    /// an incident with a woman and a man would sit in both columns, and a
    /// column that does not add up invites subtraction.
    pub fn measures(self) -> &'static [Measure] {
        match self {
            Subject::Incidents => &[Measure::Incidents, Measure::Victims],
            Subject::Victims => &[Measure::Victims],
            Subject::Intake | Subject::Referrals | Subject::Training | Subject::DcfResponses => &[Measure::Incidents],
        }
    }

    /// Whether each count of the subject carries the median days from a
    /// referral's sending to the provider's answer beside it
    /// (`median_days_to_outcome`, see [`StatsQuery::median_plans`]).
    pub fn has_median_days(self) -> bool {
        self == Subject::Referrals
    }

    /// Whether a record of the subject may lack a town (an intake form's
    /// town is optional): its geography tables then carry an `unknown`
    /// region rather than dropping the record.
    fn town_may_be_unknown(self) -> bool {
        matches!(self, Subject::Intake | Subject::Training | Subject::DcfResponses)
    }

    /// Whether the subject is a state on a day rather than events over a
    /// period (training status is as of a day: the request's period is that day).
    pub fn is_snapshot(self) -> bool {
        matches!(self, Subject::Training)
    }
}

/// One number per cell: incidents, or the victims they involve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The subject's records: incidents, intake submissions or referrals
    /// (published under the subject's name, see [`Measure::name`]).
    Incidents,
    Victims,
}

impl Measure {
    /// The published name: a subject's records are named after it.
    pub fn name(self, subject: Subject) -> &'static str {
        match (self, subject) {
            (Measure::Victims, _) => "victims",
            (Measure::Incidents, Subject::Incidents | Subject::Victims) => "incidents",
            (Measure::Incidents, Subject::Training) => "people",
            (Measure::Incidents, Subject::DcfResponses) => "minors",
            (Measure::Incidents, other) => other.code(),
        }
    }

    /// The measure's number in a count row: a subject with one measure
    /// counts its records in [`GroupCount::incidents`].
    fn of(self, row_incidents: u64, row_victims: u64) -> u64 {
        match self {
            Measure::Victims => row_victims,
            Measure::Incidents => row_incidents,
        }
    }
}

/// A dimension a request may group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Year,
    Quarter,
    Month,
    /// One of the 169 towns: the finest geography, for the coordinator only.
    Town,
    County,
    PlanningRegion,
    JudicialDistrict,
    DcfRegion,
    Status,
    Venue,
    Sex,
    AgeBand,
    Citizenship,
    /// Multi-valued: an incident may be of several types.
    TraffickingType,
    /// Multi-valued: an intake may name several concerns.
    ConcernType,
    /// The account that submitted an intake (an organisation, never a person).
    Partner,
    /// The service category a referral was for.
    Service,
    /// What came of a referral.
    Outcome,
    /// The agency a workforce member works for.
    Agency,
    /// The training population (`dcf_employee`, …).
    Population,
    /// The state agency that reported an incident (Sec. 1(d)).
    ReportingAgency,
}

impl GroupBy {
    pub const ALL: [GroupBy; 21] = [
        GroupBy::Year,
        GroupBy::Quarter,
        GroupBy::Month,
        GroupBy::Town,
        GroupBy::County,
        GroupBy::PlanningRegion,
        GroupBy::JudicialDistrict,
        GroupBy::DcfRegion,
        GroupBy::Status,
        GroupBy::Venue,
        GroupBy::Sex,
        GroupBy::AgeBand,
        GroupBy::Citizenship,
        GroupBy::TraffickingType,
        GroupBy::ConcernType,
        GroupBy::Partner,
        GroupBy::Service,
        GroupBy::Outcome,
        GroupBy::Agency,
        GroupBy::Population,
        GroupBy::ReportingAgency,
    ];

    /// The geographies, each a grouping of the same 169 towns.
    pub const GEOGRAPHIES: [GroupBy; 4] =
        [GroupBy::County, GroupBy::PlanningRegion, GroupBy::JudicialDistrict, GroupBy::DcfRegion];

    pub fn code(self) -> &'static str {
        match self {
            GroupBy::Year => "year",
            GroupBy::Quarter => "quarter",
            GroupBy::Month => "month",
            GroupBy::Town => "town",
            GroupBy::County => "county",
            GroupBy::PlanningRegion => "planning_region",
            GroupBy::JudicialDistrict => "judicial_district",
            GroupBy::DcfRegion => "dcf_region",
            GroupBy::Status => "status",
            GroupBy::Venue => "venue",
            GroupBy::Sex => "sex",
            GroupBy::AgeBand => "age_band",
            GroupBy::Citizenship => "citizenship",
            GroupBy::TraffickingType => "trafficking_type",
            GroupBy::ConcernType => "concern_type",
            GroupBy::Partner => "partner",
            GroupBy::Service => "service",
            GroupBy::Outcome => "outcome",
            GroupBy::Agency => "agency",
            GroupBy::Population => "population",
            GroupBy::ReportingAgency => "reporting_agency",
        }
    }

    /// Whether `subject` can be grouped by it: a victim's traits classify
    /// victims, not incidents (see [`Subject::measures`]); each other
    /// subject has the columns its own records carry.
    pub fn allows(self, subject: Subject) -> bool {
        use GroupBy as G;
        let time = matches!(self, G::Year | G::Quarter | G::Month);
        if subject.is_snapshot() {
            return self.is_geography() || matches!(self, G::Agency | G::Population | G::Status);
        }
        time || self.is_geography()
            || match subject {
                Subject::Incidents => matches!(self, G::Status | G::Venue | G::TraffickingType | G::ReportingAgency),
                Subject::Victims => matches!(
                    self,
                    G::Status | G::Venue | G::TraffickingType | G::Sex | G::AgeBand | G::Citizenship | G::ReportingAgency
                ),
                Subject::Intake => matches!(self, G::Status | G::AgeBand | G::ConcernType | G::Partner),
                Subject::Referrals => matches!(self, G::Service | G::Outcome),
                Subject::Training => false,
                Subject::DcfResponses => matches!(self, G::Outcome),
            }
    }

    /// A day, month, quarter or year: the period says which are counted.
    pub fn is_time(self) -> bool {
        matches!(self, GroupBy::Year | GroupBy::Quarter | GroupBy::Month)
    }

    /// Whether the coordinator may filter `subject` by it: by any dimension
    /// its records are grouped by but time (the period is that filter). A
    /// referral's outcome is its lifecycle status now.
    pub fn filters(self, subject: Subject) -> bool {
        !self.is_time() && self.allows(subject)
    }

    /// Whether one record may fall in several of its categories. Such a
    /// dimension is published as has / has-not per category (see
    /// [`super::multi`]), never as a column with a total.
    pub fn is_multi_valued(self) -> bool {
        matches!(self, GroupBy::TraffickingType | GroupBy::ConcernType)
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
                | GroupBy::AgeBand
                | GroupBy::TraffickingType
        )
    }

    /// A public dimension published for the whole state and year only: a
    /// quarter or a region split by age band or trafficking type would be a
    /// table of ones and twos, all withheld.
    pub fn is_public_detail(self) -> bool {
        PUBLIC_DETAILS.contains(&self)
    }

    /// A grouping of towns: the four region types, and the towns themselves.
    /// Only the region types are public (see [`GroupBy::is_public`]) and
    /// make the year's public model ([`GroupBy::GEOGRAPHIES`]).
    pub fn is_geography(self) -> bool {
        self == GroupBy::Town || Self::GEOGRAPHIES.contains(&self)
    }

    /// The geography as a grouping of towns, so two geographies of one
    /// period are seen by disclosure control as cutting the same units.
    pub(super) fn towns_dimension(self) -> Result<Option<Dimension>, TableError> {
        let group: fn(&geo::Town) -> Option<&'static str> = match self {
            GroupBy::Town => |t| Some(t.town),
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

pub(super) fn dcf_region_label(region: u8) -> Option<&'static str> {
    DCF_REGIONS.get(usize::from(region).checked_sub(1)?).copied()
}

/// Whether an incident of this status counts in statistics. Written as a
/// match so that a new status cannot be added without deciding here. A
/// withdrawn report is not a status (it keeps the one its agency gave it) but
/// a mark beside it (`crate::incident::correction`): it was never an incident
/// and never counts, which the API's queries and the rollups see to.
pub fn counts(status: IncidentStatus) -> bool {
    match status {
        IncidentStatus::Suspected | IncidentStatus::Confirmed => true,
    }
}

/// The statuses that count, as stored codes, for the query's filter.
pub fn counted_statuses() -> Vec<&'static str> {
    IncidentStatus::ALL.iter().copied().filter(|s| counts(*s)).map(CodeList::code).collect()
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
    /// The filters (see [`RawParams::filter`]): each a comma-separated list.
    pub status: Option<&'a str>,
    pub venue: Option<&'a str>,
    pub town: Option<&'a str>,
    pub county: Option<&'a str>,
    pub planning_region: Option<&'a str>,
    pub judicial_district: Option<&'a str>,
    pub dcf_region: Option<&'a str>,
    pub sex: Option<&'a str>,
    pub age_band: Option<&'a str>,
    pub citizenship: Option<&'a str>,
    pub trafficking_type: Option<&'a str>,
    pub concern_type: Option<&'a str>,
    pub partner: Option<&'a str>,
    pub service: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub agency: Option<&'a str>,
    pub population: Option<&'a str>,
    pub reporting_agency: Option<&'a str>,
}

impl<'a> RawParams<'a> {
    /// The filter parameter named after `g` (the dimension's code), as it
    /// arrived; a time dimension filters nothing (the period does).
    pub fn filter(&self, g: GroupBy) -> Option<&'a str> {
        let mut copy = *self;
        copy.filter_mut(g).and_then(|slot| *slot)
    }

    /// Where the filter parameter named after `g` goes (`None` for time).
    pub fn filter_mut(&mut self, g: GroupBy) -> Option<&mut Option<&'a str>> {
        Some(match g {
            GroupBy::Year | GroupBy::Quarter | GroupBy::Month => return None,
            GroupBy::Status => &mut self.status,
            GroupBy::Venue => &mut self.venue,
            GroupBy::Town => &mut self.town,
            GroupBy::County => &mut self.county,
            GroupBy::PlanningRegion => &mut self.planning_region,
            GroupBy::JudicialDistrict => &mut self.judicial_district,
            GroupBy::DcfRegion => &mut self.dcf_region,
            GroupBy::Sex => &mut self.sex,
            GroupBy::AgeBand => &mut self.age_band,
            GroupBy::Citizenship => &mut self.citizenship,
            GroupBy::TraffickingType => &mut self.trafficking_type,
            GroupBy::ConcernType => &mut self.concern_type,
            GroupBy::Partner => &mut self.partner,
            GroupBy::Service => &mut self.service,
            GroupBy::Outcome => &mut self.outcome,
            GroupBy::Agency => &mut self.agency,
            GroupBy::Population => &mut self.population,
            GroupBy::ReportingAgency => &mut self.reporting_agency,
        })
    }
}

/// A parsed request: every value checked. Built only by [`StatsQuery::parse`],
/// so an internal read always carries its reason and never comes from the
/// public endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsQuery {
    subject: Subject,
    period: Period,
    group_by: Vec<GroupBy>,
    filters: Filters,
    reason: Option<String>,
    endpoint: Endpoint,
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
        let group_by = parse_group_by(raw.group_by, subject, endpoint, &mut errors);
        let filters = super::filter::parse_filters(raw, subject, endpoint, &mut errors);
        if endpoint == Endpoint::Public {
            check_public_detail(period.as_ref(), &group_by, &mut errors);
        }
        match period {
            Some(period) if errors.is_empty() => Ok(StatsQuery { subject, period, group_by, filters, reason, endpoint }),
            _ => Err(errors),
        }
    }

    pub fn subject(&self) -> Subject {
        self.subject
    }

    pub fn period(&self) -> Period {
        self.period
    }

    /// As requested, in order, without repeats.
    pub fn group_by(&self) -> &[GroupBy] {
        &self.group_by
    }

    pub fn filters(&self) -> &Filters {
        &self.filters
    }

    /// `Some` only for an internal (exact) read: why it is needed.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
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

    /// The geographies asked for, suppressed together. The coordinator's own
    /// view does not model the others: the joint audit grows from a
    /// millisecond for one geography by months to seconds for three, and what
    /// is published comes from the public endpoint, whose answers are all cut
    /// from one model of their year (see `public_tables`).
    fn requested_geographies(&self) -> Vec<GroupBy> {
        self.group_by.iter().copied().filter(|g| g.is_geography()).collect()
    }
}

fn parse_reason(reason: Option<&str>, needed: bool, errors: &mut Vec<ValidationError>) -> Option<String> {
    if !needed {
        return None;
    }
    crate::fields::reason("/reason", reason, "A reason is required for exact counts (internal=true).", errors)
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

fn parse_group_by(text: Option<&str>, subject: Subject, endpoint: Endpoint, errors: &mut Vec<ValidationError>) -> Vec<GroupBy> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return vec![if subject.is_snapshot() { GroupBy::Status } else { GroupBy::Year }];
    };
    let allowed = |g: &GroupBy| g.allows(subject) && (endpoint == Endpoint::Coordinator || g.is_public());
    let mut out = Vec::new();
    for code in text.split(',').map(str::trim) {
        match GroupBy::parse(code) {
            Some(g) if !g.allows(subject) => {
                let hint = if matches!(g, GroupBy::Sex | GroupBy::AgeBand | GroupBy::Citizenship) && subject == Subject::Incidents {
                    " It classifies victims: ask /stats/victims.".to_string()
                } else {
                    let own: Vec<&str> = GroupBy::ALL.iter().filter(|g| g.allows(subject)).map(|g| g.code()).collect();
                    format!(" It may be one of {}.", own.join(", "))
                };
                errors.push(error("group_by", ErrorCode::NotAllowed, format!("`{code}` does not classify {}.{hint}", subject.code())));
            }
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
    // Two multi-valued dimensions would cross has / has-not of each: a
    // table per pair of categories, for little the two tables apart do not say.
    if out.iter().filter(|g| g.is_multi_valued()).count() > 1 {
        errors.push(error("group_by", ErrorCode::NotAllowed, "At most one multi-valued dimension (trafficking_type, concern_type)."));
    }
    out
}

/// An age band or trafficking type in a public request stands alone (or
/// with `year`) over a whole year: every public table of the year is cut
/// from one model, and in it these are the state's year (see `public_tables`).
fn check_public_detail(period: Option<&Period>, group_by: &[GroupBy], errors: &mut Vec<ValidationError>) {
    let Some(detail) = group_by.iter().find(|g| g.is_public_detail()) else {
        return;
    };
    if group_by.iter().any(|g| g != detail && *g != GroupBy::Year) {
        errors.push(error(
            "group_by",
            ErrorCode::NotAllowed,
            format!("`{}` is published for the whole state by year: group by it alone, or with `year`.", detail.code()),
        ));
    }
    if period.is_some_and(|p| !matches!(p, Period::Year { .. })) {
        errors.push(error(
            "period",
            ErrorCode::NotAllowed,
            format!("`{}` is published for whole years only: give a year (2026).", detail.code()),
        ));
    }
}

/// One row of the grouped SQL count: a key per [`CountPlan::keys`]
/// (the same text the key expression yields: `2026`, `2026-Q3`, `2026-07`,
/// a status or venue code, `unknown` for no venue), the town when grouped by
/// place, and the two measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    pub keys: Vec<String>,
    pub town: Option<String>,
    pub incidents: u64,
    pub victims: u64,
    /// Which of the request's [`StatsQuery::count_plans`] the row answers
    /// (0: the first, the only one of a coordinator's request).
    pub plan: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BuildError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Disclosure(#[from] DisclosureError),
    #[error("a count row has no category `{0}`")]
    UnknownKey(String),
    /// A public year was given without the counts of one of its plans.
    #[error("the counts by `{0}` are missing")]
    MissingCounts(&'static str),
}

impl BuildError {
    /// The request asked for more cells than a table may have; the caller's
    /// fault, so a 400 on `group_by` (or the period) rather than a 500.
    pub fn too_large(&self) -> bool {
        matches!(self, BuildError::Table(TableError::TooLarge) | BuildError::Disclosure(DisclosureError::TooLarge))
    }
}

/// A published table and what it counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureTable {
    #[serde(skip)]
    pub measure: Measure,
    /// What each count counts: `incidents`, `victims`, `intake` or `referrals`.
    #[serde(rename = "measure")]
    pub counts: String,
    #[serde(flatten)]
    pub table: SuppressedTable,
}

/// The answer to a statistics request.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// The filters that applied, each dimension with the values any of which
    /// a record had (`{}` when none did): `{"county": ["Hartford"]}`.
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, Vec<String>>))]
    pub filters: Filters,
    /// Per measure, one table per geography asked for (or one table).
    pub tables: Vec<MeasureTable>,
}

/// The categories of a key dimension over `period`, as the SQL key text.
/// A partner is whoever submitted in the period: their names come with the
/// counts (`seen`), not from a code list.
/// The `outcome` of a minor DCF has not responded to (`dcf_responses`).
pub const NO_DCF_RESPONSE: &str = "none";

fn key_labels(g: GroupBy, subject: Subject, period: &Period, seen: &[&str]) -> Vec<String> {
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
        GroupBy::Partner | GroupBy::Agency => {
            let mut names: Vec<String> = seen.iter().map(|s| s.to_string()).collect();
            names.sort();
            names
        }
        other => categories(other, subject),
    };
    labels.dedup();
    labels
}

/// The categories of a dimension that has a code list, for `subject`, as the
/// SQL key text: what a table by it shows and what a filter on it accepts.
/// Time, place and partner have none (their categories are days, towns and
/// whoever submitted); an agency is one of the agency codes.
pub(super) fn categories(g: GroupBy, subject: Subject) -> Vec<String> {
    let codes = |all: &[&'static str]| all.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    fn of<T: CodeList>() -> Vec<&'static str> {
        T::ALL.iter().map(|v| v.code()).collect()
    }
    match g {
        GroupBy::Status if subject == Subject::Training => codes(&of::<ComplianceStatus>()),
        GroupBy::Status if subject == Subject::Intake => codes(&of::<IntakeStatus>()),
        GroupBy::Status => codes(&counted_statuses()),
        GroupBy::Population => codes(&of::<Population>()),
        GroupBy::TraffickingType => codes(&of::<TraffickingType>()),
        GroupBy::ConcernType => codes(&of::<ConcernType>()),
        GroupBy::Service => codes(&of::<Service>()),
        GroupBy::Outcome if subject == Subject::DcfResponses => {
            codes(&of::<crate::intake::dcf::DcfResponse>()).into_iter().chain(std::iter::once(NO_DCF_RESPONSE.to_string())).collect()
        }
        GroupBy::Outcome => codes(&of::<ReferralStatus>()),
        GroupBy::Venue => codes(&of::<Venue>()).into_iter().chain(std::iter::once("unknown".into())).collect(),
        GroupBy::Sex => codes(&of::<Sex>()),
        GroupBy::AgeBand => codes(&of::<AgeGroup>()),
        GroupBy::Citizenship => codes(&of::<Citizenship>()),
        GroupBy::ReportingAgency | GroupBy::Agency => codes(&of::<Agency>()),
        GroupBy::Year
        | GroupBy::Quarter
        | GroupBy::Month
        | GroupBy::Partner
        | GroupBy::Town
        | GroupBy::County
        | GroupBy::PlanningRegion
        | GroupBy::JudicialDistrict
        | GroupBy::DcfRegion => Vec::new(),
    }
}

/// What the database is asked to count: the days, the key dimensions (see
/// [`GroupCount`]) and whether to split by town.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountPlan {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub keys: Vec<GroupBy>,
    pub by_town: bool,
}

impl StatsQuery {
    /// The year whose public tables this request is cut from, for a public
    /// request. Public periods overlap (a year holds its quarters), so the
    /// public answers of one year are all cut from one model of it.
    fn public_year(&self) -> Option<i32> {
        match (self.endpoint, self.period) {
            (Endpoint::Public, Period::Year { year } | Period::Quarter { year, .. }) => Some(year),
            _ => None,
        }
    }

    /// The grouped count this request needs: for a public request, the whole
    /// year by quarter and town (the model every public answer of the year is
    /// cut from); otherwise the period by the requested dimensions.
    pub fn count_plan(&self) -> CountPlan {
        match self.public_year().map(|year| Period::Year { year }) {
            Some(year) => CountPlan {
                from: year.first_day().unwrap_or_default(),
                to: year.last_day().unwrap_or_default(),
                keys: vec![GroupBy::Quarter],
                by_town: true,
            },
            None => CountPlan {
                from: self.period.first_day().unwrap_or_default(),
                to: self.period.last_day().unwrap_or_default(),
                keys: self.key_dimensions(),
                by_town: self.by_town(),
            },
        }
    }

    /// Every grouped count the request needs, the first being
    /// [`Self::count_plan`]; a row of the counts carries the index of its
    /// plan ([`GroupCount::plan`]). A public request also counts the year by
    /// each public detail its subject has (age band, trafficking type), as
    /// the year's model holds them whatever the request shows.
    pub fn count_plans(&self) -> Vec<CountPlan> {
        let mut plans = vec![self.count_plan()];
        if let Some(year) = self.public_year().map(|year| Period::Year { year }) {
            plans.extend(PUBLIC_DETAILS.iter().filter(|g| g.allows(self.subject)).map(|g| CountPlan {
                from: year.first_day().unwrap_or_default(),
                to: year.last_day().unwrap_or_default(),
                keys: vec![*g],
                by_town: false,
            }));
        }
        plans
    }
}

/// The age band of an age: the intake form's age groups, so the two sources
/// count alike. No age on file is `unknown`, never a guess.
pub fn age_band(age: Option<u8>) -> AgeGroup {
    match age {
        None => AgeGroup::Unknown,
        Some(0..=11) => AgeGroup::Under12,
        Some(12..=17) => AgeGroup::From12To17,
        Some(18..=24) => AgeGroup::From18To24,
        Some(25..=59) => AgeGroup::From25To59,
        Some(_) => AgeGroup::From60,
    }
}

/// A count row's key as a category label. The database groups by the raw
/// age (an empty key for none) so that banding stays a rule here; where no
/// age is known but a band is (an intake's age group, a converted minor's
/// band), the key is the band's code.
pub(super) fn category_of_key(g: GroupBy, key: &str) -> String {
    match g {
        GroupBy::AgeBand => {
            let key = key.trim();
            match AgeGroup::ALL.iter().find(|a| a.code() == key) {
                Some(band) => band.code().to_string(),
                None => age_band(key.parse().ok()).code().to_string(),
            }
        }
        _ => key.to_string(),
    }
}

/// The key a count row carries in a multi-valued dimension's place when it
/// counts every record of its cell, whatever categories they have.
pub const ALL_RECORDS: &str = "*";

/// A geography over the towns, with an `unknown` region (its own unit) when
/// the subject's records may lack a town.
fn geography_dimension(g: GroupBy, with_unknown: bool) -> Result<Option<Dimension>, TableError> {
    let Some(dim) = g.towns_dimension()? else {
        return Ok(None);
    };
    if !with_unknown {
        return Ok(Some(dim));
    }
    let mut units = dim.units().to_vec();
    units.push(UNKNOWN_TOWN.to_string());
    let mut groups: Vec<(String, Vec<String>)> = (0..dim.len())
        .map(|c| (dim.labels()[c].to_string(), dim.members(c).unwrap_or_default().into_iter().map(str::to_string).collect()))
        .collect();
    groups.push((UNKNOWN_TOWN.to_string(), vec![UNKNOWN_TOWN.to_string()]));
    Dimension::grouped(g.code(), dim.variable().to_string(), units, groups).map(Some)
}

/// The region of a record without a town.
const UNKNOWN_TOWN: &str = "unknown";

/// Count rows placed in a set of tables: key coordinates and town unit.
struct Shaped {
    subject: Subject,
    keys: Vec<GroupBy>,
    key_dims: Vec<Dimension>,
    geographies: Vec<GroupBy>,
    geo_dims: Vec<Dimension>,
    located: Vec<(Vec<usize>, Option<usize>, u64, u64)>,
}

impl Shaped {
    fn new(
        subject: Subject,
        keys: Vec<GroupBy>,
        period: &Period,
        geographies: Vec<GroupBy>,
        rows: &[GroupCount],
        labels_from: &[GroupCount],
    ) -> Result<Self, BuildError> {
        let key_dims = keys
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let seen: Vec<&str> = labels_from.iter().filter_map(|r| r.keys.get(i).map(String::as_str)).collect();
                let mut labels = key_labels(*g, subject, period, &seen);
                labels.dedup();
                Dimension::new(g.code(), labels)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let geo_dims = geographies
            .iter()
            .filter_map(|g| geography_dimension(*g, subject.town_may_be_unknown()).transpose())
            .collect::<Result<Vec<_>, _>>()?;
        let town_units: &[String] = geo_dims.first().map(Dimension::units).unwrap_or_default();
        let mut located = Vec::with_capacity(rows.len());
        for row in rows {
            if row.keys.len() != key_dims.len() {
                return Err(BuildError::UnknownKey(row.keys.join(",")));
            }
            let mut at = Vec::with_capacity(keys.len());
            for ((g, d), key) in keys.iter().zip(&key_dims).zip(&row.keys) {
                let key = category_of_key(*g, key);
                let i = d.labels().iter().position(|l| *l == key).ok_or_else(|| BuildError::UnknownKey(key.clone()))?;
                at.push(i);
            }
            let unit = match (&row.town, geo_dims.is_empty()) {
                (_, true) => None,
                (Some(town), false) => {
                    Some(town_units.iter().position(|u| u == town).ok_or_else(|| BuildError::UnknownKey(town.clone()))?)
                }
                (None, false) => town_units.iter().position(|u| u == UNKNOWN_TOWN),
            };
            located.push((at, unit, row.incidents, row.victims));
        }
        Ok(Self { subject, keys, key_dims, geographies, geo_dims, located })
    }

    /// The exact tables of `measure`: one per geography, or one without.
    fn tables(&self, measure: Measure) -> Result<Vec<Table>, BuildError> {
        let value = |inc: u64, vic: u64| measure.of(inc, vic);
        if self.geo_dims.is_empty() {
            let cells = sum_cells(self.located.iter().map(|(at, _, i, v)| (at.clone(), value(*i, *v))));
            return Ok(vec![Table::new(table_name(self.subject, measure, &self.keys, None), self.key_dims.clone(), cells)?]);
        }
        let mut out = Vec::with_capacity(self.geo_dims.len());
        for (g, dim) in self.geographies.iter().zip(&self.geo_dims) {
            let mut cells = Vec::with_capacity(self.located.len());
            for (at, unit, i, v) in &self.located {
                let c = unit.and_then(|u| dim.category_of(u)).ok_or_else(|| BuildError::UnknownKey(g.code().into()))?;
                let mut at = at.clone();
                at.push(c);
                cells.push((at, value(*i, *v)));
            }
            let mut dims = self.key_dims.clone();
            dims.push(dim.clone());
            out.push(Table::new(table_name(self.subject, measure, &self.keys, Some(*g)), dims, sum_cells(cells))?);
        }
        Ok(out)
    }
}

/// Builds the tables the request asks for from the grouped counts of its
/// [`StatsQuery::count_plan`], with `policy` applied.
pub fn build(query: &StatsQuery, rows: &[GroupCount], policy: &Policy) -> Result<StatsOutput, BuildError> {
    let tables = match query.public_year() {
        Some(year) if policy.is_public() => public_tables(query, year, rows, policy)?,
        _ => {
            // One plan only: any other row is not this request's.
            let own: Vec<GroupCount> = rows.iter().filter(|r| r.plan == 0).cloned().collect();
            direct_tables(query, &own, policy)?
        }
    };
    Ok(StatsOutput {
        subject: query.subject,
        period: query.period.label(),
        from: query.period.first_day().unwrap_or_default(),
        to: query.period.last_day().unwrap_or_default(),
        internal: !policy.is_public(),
        k: policy.k(),
        rule: policy.rule(),
        filters: query.filters.clone(),
        tables,
    })
}

/// The coordinator's tables: the requested ones, suppressed together
/// (unless internal).
fn direct_tables(query: &StatsQuery, rows: &[GroupCount], policy: &Policy) -> Result<Vec<MeasureTable>, BuildError> {
    let keys = query.key_dimensions();
    if let Some(at) = keys.iter().position(|g| g.is_multi_valued()) {
        return multi_valued_tables(query, at, rows, policy);
    }
    let shaped = Shaped::new(query.subject, keys, &query.period, query.requested_geographies(), rows, rows)?;
    let mut out = Vec::new();
    for &measure in query.subject.measures() {
        let suppressed = suppress_together(&shaped.tables(measure)?, policy)?;
        out.extend(suppressed.into_iter().map(|table| MeasureTable { measure, counts: measure.name(query.subject).to_string(), table }));
    }
    Ok(out)
}

/// The other dimensions of one table and its inner cells.
type Part = (Vec<Dimension>, Vec<(Vec<usize>, u64)>);

/// The tables of a request with a multi-valued dimension (key `at`): per
/// category, the other dimensions by has / has-not, the category's own
/// dimension (`trafficking_type: labor`). Within one category has and
/// has-not add up to the records of their cell; across categories nothing
/// is added, and no table sums the categories. All are suppressed together
/// (they share the records' totals), so no pair differences into another's
/// withheld count. The count rows give, per cell of the other dimensions,
/// the records having each category and (keyed [`ALL_RECORDS`]) all records.
fn multi_valued_tables(query: &StatsQuery, at: usize, rows: &[GroupCount], policy: &Policy) -> Result<Vec<MeasureTable>, BuildError> {
    let mut keys = query.key_dimensions();
    let multi = keys.remove(at);
    let without = |row: &GroupCount| {
        let mut keys = row.keys.clone();
        let category = if at < keys.len() { keys.remove(at) } else { String::new() };
        (category, GroupCount { keys, ..row.clone() })
    };
    let split: Vec<(String, GroupCount)> = rows.iter().map(without).collect();
    let pick = |category: &str| split.iter().filter(|(c, _)| c == category).map(|(_, r)| r.clone()).collect::<Vec<_>>();
    let known = key_labels(multi, query.subject, &query.period, &[]);
    if let Some((c, _)) = split.iter().find(|(c, _)| c != ALL_RECORDS && !known.contains(c)) {
        return Err(BuildError::UnknownKey(c.clone()));
    }
    let geographies = query.requested_geographies();
    let all_records = pick(ALL_RECORDS);
    // Each part: the other dimensions of one table, and its inner cells.
    let parts = |rows: &[GroupCount], measure: Measure| -> Result<Vec<Part>, BuildError> {
        if keys.is_empty() && geographies.is_empty() {
            let n = rows.iter().map(|r| measure.of(r.incidents, r.victims)).sum();
            return Ok(vec![(Vec::new(), vec![(Vec::new(), n)])]);
        }
        let shaped = Shaped::new(query.subject, keys.clone(), &query.period, geographies.clone(), rows, &all_records)?;
        Ok(shaped
            .tables(measure)?
            .into_iter()
            .map(|t| {
                let inner = t.keys().into_iter().filter(|k| k.iter().all(Option::is_some));
                let cells = inner.map(|k| (k.iter().flatten().copied().collect(), t.count(&k).unwrap_or(0))).collect();
                (t.dimensions().to_vec(), cells)
            })
            .collect())
    };
    let mut out = Vec::new();
    for &measure in query.subject.measures() {
        let totals = parts(&all_records, measure)?;
        let mut tables = Vec::new();
        for category in &known {
            let has = parts(&pick(category), measure)?;
            let flag = Dimension::new(format!("{}: {category}", multi.code()), ["has", "has_not"])?;
            for ((dims, total), (_, has)) in totals.iter().zip(&has) {
                let mut cells = Vec::new();
                for ((inner, n), (_, h)) in total.iter().zip(has) {
                    // A category counted more often than there are records is a
                    // broken count, not something to publish.
                    let not = n.checked_sub(*h).ok_or_else(|| BuildError::UnknownKey(format!("{}: {category}", multi.code())))?;
                    cells.push((inner.iter().copied().chain([0]).collect(), *h));
                    cells.push((inner.iter().copied().chain([1]).collect(), not));
                }
                let geography = dims.last().and_then(|d| GroupBy::parse(d.name())).filter(|g| g.is_geography());
                let mut by: Vec<String> = keys.iter().chain(geography.as_ref()).map(|g| g.code().to_string()).collect();
                by.push(format!("{}: {category}", multi.code()));
                let name = format!("{} by {}", measure.name(query.subject), by.join(", "));
                let mut dims = dims.clone();
                dims.push(flag.clone());
                tables.push(Table::new(name, dims, cells)?);
            }
        }
        let suppressed = suppress_together(&tables, policy)?;
        out.extend(suppressed.into_iter().map(|table| MeasureTable { measure, counts: measure.name(query.subject).to_string(), table }));
    }
    Ok(out)
}

/// Where an entry sits in the year's public model: a quarter (`None`: the
/// whole year) and a region of one geography (`None`: the whole state).
type ModelKey = (Option<usize>, Option<(GroupBy, usize)>);

/// A public answer, cut from the year's model.
///
/// Every count a public table can show is the count of a quarter or the
/// year in a region of some geography or the state, so one model of the
/// year (quarter × each geography, suppressed together) holds them all.
/// Each entry the request shows takes the model's verdict: withheld only
/// where every copy of it in the model is withheld. Whatever is published
/// for the year, in one request or many, is then a part of one publication
/// that the audit found safe, so no difference of two public answers (a
/// year and its quarter, a county and a region) recovers a withheld count.
///
/// The model also holds the state's year by each public detail of the
/// subject (age band; trafficking type as has / has-not per type). Those
/// tables share no variable with the quarters and towns, so they meet the
/// rest only in the year's total, which the joint audit accounts for.
fn public_tables(query: &StatsQuery, year: i32, all_rows: &[GroupCount], policy: &Policy) -> Result<Vec<MeasureTable>, BuildError> {
    let whole = Period::Year { year };
    let base: Vec<GroupCount> = all_rows.iter().filter(|r| r.plan == 0).cloned().collect();
    let rows = base.as_slice();
    let model = Shaped::new(query.subject, vec![GroupBy::Quarter], &whole, GroupBy::GEOGRAPHIES.to_vec(), rows, rows)?;
    let detail = query.group_by.iter().copied().find(|g| g.is_public_detail());
    let quarter_of = |label: &str| label.strip_prefix(&format!("{year}-Q")).and_then(|q| q.parse::<usize>().ok()).and_then(|q| q.checked_sub(1));
    let period_quarter = match query.period {
        Period::Quarter { quarter, .. } => Some(usize::from(quarter).saturating_sub(1)),
        _ => None,
    };

    // The request's own rows: the model's, inside the period, keyed as asked.
    let keys: Vec<GroupBy> = if detail.is_some() { Vec::new() } else { query.key_dimensions() };
    let mut asked = Vec::with_capacity(rows.len());
    for row in rows {
        let label = row.keys.first().ok_or_else(|| BuildError::UnknownKey(String::new()))?;
        let quarter = quarter_of(label).ok_or_else(|| BuildError::UnknownKey(label.clone()))?;
        if period_quarter.is_some_and(|q| q != quarter) {
            continue;
        }
        let keyed = keys
            .iter()
            .map(|g| match g {
                GroupBy::Year => Ok(year.to_string()),
                GroupBy::Quarter => Ok(label.clone()),
                other => Err(BuildError::UnknownKey(other.code().into())),
            })
            .collect::<Result<Vec<_>, _>>()?;
        asked.push(GroupCount { keys: keyed, ..row.clone() });
    }
    let geographies: Vec<GroupBy> = query.group_by.iter().copied().filter(|g| g.is_geography()).collect();
    let request = Shaped::new(query.subject, keys.clone(), &query.period, geographies, &asked, &asked)?;
    // The request's quarter categories as the model's quarters (0–3).
    let quarters: Option<(usize, Vec<Option<usize>>)> = keys.iter().position(|g| *g == GroupBy::Quarter).map(|i| {
        let labels = request.key_dims.get(i).map(Dimension::labels).unwrap_or_default();
        (i, labels.into_iter().map(quarter_of).collect())
    });

    let mut out = Vec::new();
    for &measure in query.subject.measures() {
        let mut tables = model.tables(measure)?;
        let geographies = tables.len();
        let details = detail_tables(query, &whole, all_rows, measure)?;
        tables.extend(details.iter().map(|(_, t)| t.clone()));
        let mut suppressed = suppress_together(&tables, policy)?;
        let detail_suppressed = suppressed.split_off(geographies);
        if let Some(d) = detail {
            let shown = details.iter().zip(detail_suppressed).filter(|((g, _), _)| *g == d);
            out.extend(shown.map(|(_, table)| MeasureTable { measure, counts: measure.name(query.subject).to_string(), table }));
            continue;
        }
        let mut withheld: std::collections::HashMap<ModelKey, bool> = std::collections::HashMap::new();
        for (g, t) in GroupBy::GEOGRAPHIES.iter().zip(suppressed) {
            for e in t.entries() {
                let key = (e.at.first().copied().flatten(), e.at.get(1).copied().flatten().map(|c| (*g, c)));
                let w = withheld.entry(key).or_insert(true);
                *w = *w && e.cell.suppressed;
            }
        }
        for table in request.tables(measure)? {
            let geography = table_geography(&table);
            let flags: Vec<bool> = table
                .keys()
                .iter()
                .map(|at| {
                    // A quarter category names its quarter; a quarter margin, or
                    // no quarter dimension, means the whole period.
                    let time = match quarters.as_ref().and_then(|(i, map)| Some((at.get(*i).copied().flatten()?, map))) {
                        Some((c, map)) => map.get(c).copied().flatten().map(Some),
                        None => Some(period_quarter),
                    };
                    let place = geography.zip(at.get(keys.len()).copied().flatten());
                    // An entry the model does not hold is withheld, never guessed.
                    time.and_then(|time| withheld.get(&(time, place)).copied()).unwrap_or(true)
                })
                .collect();
            out.push(MeasureTable { measure, counts: measure.name(query.subject).to_string(), table: publish(&table, &flags, policy) });
        }
    }
    Ok(out)
}

/// The year's tables by each public detail of the subject, for `measure`,
/// from the rows of the detail's own plan: the age bands as one table; a
/// trafficking type as has / has-not, one table per type and none summing
/// the types (an incident may have several).
fn detail_tables(query: &StatsQuery, whole: &Period, rows: &[GroupCount], measure: Measure) -> Result<Vec<(GroupBy, Table)>, BuildError> {
    let mut out = Vec::new();
    for (i, plan) in query.count_plans().iter().enumerate().skip(1) {
        let Some(&g) = plan.keys.first() else { continue };
        let mine: Vec<GroupCount> = rows.iter().filter(|r| r.plan == i).map(|r| GroupCount { plan: 0, ..r.clone() }).collect();
        // Left out, the model would not be the year's model every other
        // public answer of the year was cut from.
        if mine.is_empty() && rows.iter().any(|r| r.plan == 0 && measure.of(r.incidents, r.victims) > 0) {
            return Err(BuildError::MissingCounts(g.code()));
        }
        if !g.is_multi_valued() {
            let shaped = Shaped::new(query.subject, vec![g], whole, Vec::new(), &mine, &mine)?;
            out.extend(shaped.tables(measure)?.into_iter().map(|t| (g, t)));
            continue;
        }
        let known = key_labels(g, query.subject, whole, &[]);
        let count = |key: &str| -> u64 { mine.iter().filter(|r| r.keys.first().is_some_and(|k| k == key)).map(|r| measure.of(r.incidents, r.victims)).sum() };
        if let Some(r) = mine.iter().find(|r| r.keys.first().is_none_or(|k| k != ALL_RECORDS && !known.contains(k))) {
            return Err(BuildError::UnknownKey(r.keys.join(",")));
        }
        let all = count(ALL_RECORDS);
        for category in &known {
            let has = count(category);
            let name = format!("{}: {category}", g.code());
            // A category counted more often than there are records is a broken count.
            let not = all.checked_sub(has).ok_or_else(|| BuildError::UnknownKey(name.clone()))?;
            let flag = Dimension::new(name.clone(), ["has", "has_not"])?;
            let table = Table::new(format!("{} by {name}", measure.name(query.subject)), vec![flag], vec![(vec![0], has), (vec![1], not)])?;
            out.push((g, table));
        }
    }
    Ok(out)
}

/// The geography a table is split by (its last dimension), if any.
fn table_geography(table: &Table) -> Option<GroupBy> {
    table.dimensions().last().and_then(|d| GroupBy::parse(d.name())).filter(|g| g.is_geography())
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

fn table_name(subject: Subject, measure: Measure, keys: &[GroupBy], geography: Option<GroupBy>) -> String {
    let by: Vec<&str> = keys.iter().chain(geography.as_ref()).map(|g| g.code()).collect();
    format!("{} by {}", measure.name(subject), by.join(", "))
}

impl StatsOutput {
    /// Long-format CSV of every table: `measure`, `table`, one column per
    /// dimension that appears in any table (empty where a table lacks it,
    /// `Total` for a margin), then `count` with `*` for a withheld count;
    /// for referrals then `median_days_to_outcome` (`*` withheld, empty where
    /// no referral of the row was answered).
    pub fn to_csv(&self) -> String {
        let medians = self.tables.iter().any(|t| t.table.entries().iter().any(|e| e.median_days_to_outcome.is_some()));
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
            .chain(medians.then(|| "median_days_to_outcome".to_string()))
            .collect();
        out.push_str(&header.join(","));
        out.push('\n');
        for t in &self.tables {
            let dims = t.table.dimensions();
            let measure = t.counts.as_str();
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
                if medians {
                    row.push(e.median_days_to_outcome.map(|f| f.to_csv()).unwrap_or_default());
                }
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
