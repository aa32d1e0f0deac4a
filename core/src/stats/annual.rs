//! The coordinator's annual report, as sections.
//!
//! Raised Bill 5476, Sec. 1(f): "Not later than January 1, 2027, and annually
//! thereafter, the coordinator shall submit a report, in accordance with the
//! provisions of section 11-4a of the general statutes, to the joint standing
//! committees of the General Assembly having cognizance of matters relating
//! to government oversight, the judiciary and appropriations and the budgets
//! of state agencies. Such report shall include, but need not be limited to,
//! the activities of the coordinator during the prior year, any
//! recommendations and any recommendations for legislation to implement the
//! coordinator's recommendations."
//!
//! The model is built here from the registers, the year's grouped incident
//! counts and "today"; the API fetches those and renders the result. A report
//! is laid before the General Assembly and is a public record, so its tables
//! are the public statistics of the year, cut from the same suppressed model
//! as `/public/stats/incidents`: nothing the report shows can be differenced
//! against a public table into a withheld count.

use super::calendar::{calendar, Duty};
use super::disclosure::{Policy, PolicyError};
use super::query::{build, BuildError, Endpoint, GroupCount, MeasureTable, RawParams, StatsQuery, Subject};
use super::report::{
    Activity, ActivityKind, Committee, Recommendation, RecommendationKind, RecommendationStatus, FIRST_REPORT_YEAR,
};
use crate::reference::codes::{Agency, CodeList};
use crate::ValidationError;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use thiserror::Error;

/// The words of Sec. 1(f) that say what the report must hold.
pub const BASIS: &str = "Raised Bill 5476, Sec. 1(f): \"Such report shall include, but need not be limited to, \
     the activities of the coordinator during the prior year, any recommendations and any recommendations for \
     legislation to implement the coordinator's recommendations.\"";

pub const ACTIVITIES_TITLE: &str = "Activities of the coordinator";
pub const TRENDS_TITLE: &str = "Incident trends";
pub const RECOMMENDATIONS_TITLE: &str = "Recommendations";
pub const CALENDAR_TITLE: &str = "Statutory calendar";
pub const METHODOLOGY_TITLE: &str = "Methodology";

/// The trend tables, in the order the report shows them.
const TREND_GROUPINGS: [&str; 2] = ["quarter", "county"];

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AnnualError {
    #[error("no report covers {0}: reports cover {FIRST_REPORT_YEAR} up to the current year")]
    Year(i32),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error("a trend query does not parse: {0:?}")]
    Query(Vec<ValidationError>),
}

/// Whether a report on `year` can exist as of `today`: the first covers 2026
/// (Sec. 1 takes effect July 1, 2026), and a year not yet begun has nothing
/// to report.
pub fn is_report_year(year: i32, today: NaiveDate) -> bool {
    (FIRST_REPORT_YEAR..=today.year()).contains(&year)
}

/// The public statistics requests behind the trend tables: incidents by
/// quarter and by county over the whole year. Public requests of one year
/// share one count (the year by quarter and town; see
/// [`StatsQuery::count_plan`]), so the caller counts once with any of them.
pub fn trend_queries(year: i32) -> Result<Vec<StatsQuery>, AnnualError> {
    let period = year.to_string();
    TREND_GROUPINGS
        .iter()
        .map(|g| {
            let raw = RawParams { period: Some(&period), group_by: Some(g), ..RawParams::default() };
            StatsQuery::parse(Subject::Incidents, &raw, Endpoint::Public).map_err(AnnualError::Query)
        })
        .collect()
}

/// What the report is built from.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The year reported on; the report is due January 1 of the next.
    pub year: i32,
    pub today: NaiveDate,
    /// The activity register (any years: the report keeps its own).
    pub activities: &'a [Activity],
    /// The recommendation register (any years).
    pub recommendations: &'a [Recommendation],
    /// The grouped counts of [`trend_queries`]' count plan.
    pub counts: &'a [GroupCount],
    /// The server's disclosure threshold (at least 11).
    pub k: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoordinatorReport {
    /// The year reported on.
    pub year: i32,
    pub title: String,
    /// January 1 of the following year.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due: NaiveDate,
    /// The day the report was built; counts and registers are as of then.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: NaiveDate,
    /// `false` while the year reported on is not over.
    pub complete: bool,
    /// The committees Sec. 1(f) names.
    pub submitted_to: Vec<Committee>,
    pub basis: &'static str,
    pub sections: Sections,
}

/// The report's sections, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sections {
    pub activities: ActivitiesSection,
    pub incident_trends: TrendsSection,
    pub recommendations: RecommendationsSection,
    pub calendar: CalendarSection,
    pub methodology: MethodologySection,
}

impl Sections {
    pub fn titles(&self) -> [&str; 5] {
        [
            self.activities.title,
            self.incident_trends.title,
            self.recommendations.title,
            self.calendar.title,
            self.methodology.title,
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivitiesSection {
    pub title: &'static str,
    /// The year's activities, by date.
    pub entries: Vec<ReportActivity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportActivity {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    pub kind: ActivityKind,
    pub agencies: Vec<Agency>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendsSection {
    pub title: &'static str,
    /// The period counted: the year.
    pub period: String,
    /// Counts from 1 to k − 1 are withheld.
    pub k: Option<u64>,
    /// The disclosure rule that applied, in words.
    pub rule: String,
    /// Incidents and victims by quarter, then by county.
    pub tables: Vec<MeasureTable>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecommendationsSection {
    pub title: &'static str,
    /// "any recommendations": for the agencies.
    pub administrative: Vec<ReportRecommendation>,
    /// "any recommendations for legislation".
    pub legislative: Vec<ReportRecommendation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRecommendation {
    pub status: RecommendationStatus,
    pub text: String,
    pub finding: Option<String>,
    pub committee: Option<Committee>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarSection {
    pub title: &'static str,
    /// Every dated duty of the bill, as of the report's day.
    pub duties: Vec<Duty>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodologySection {
    pub title: &'static str,
    pub definitions: Vec<Definition>,
    /// The disclosure rule, in words.
    pub suppression_rule: String,
    pub k: Option<u64>,
    /// What the counts do not know.
    pub unknowns: Vec<String>,
    pub sources: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Definition {
    pub term: &'static str,
    pub meaning: &'static str,
}

const DEFINITIONS: [Definition; 5] = [
    Definition {
        term: "Incident",
        meaning: "A suspected or confirmed case of human trafficking reported to the coordinator's database by a \
                  state agency (Sec. 1(d)), counted in the year and quarter of its incident date. Only \
                  suspected and confirmed incidents count.",
    },
    Definition { term: "Victims", meaning: "The number of victims the reporting agency recorded on each incident." },
    Definition { term: "Quarter", meaning: "Calendar quarters: Q1 is January to March, and so on." },
    Definition {
        term: "County",
        meaning: "The county of the town where the incident took place, from the state's reference list of its \
                  169 towns.",
    },
    Definition {
        term: "Withheld (*)",
        meaning: "A count not shown, either because it is small enough to identify people or because it could \
                  otherwise be worked out from the totals shown.",
    },
];

const SOURCES: [&str; 3] = [
    "Incident reports entered by state agencies into the coordinator's database (Sec. 1(d)).",
    "The coordinator's registers of activities and recommendations.",
    "Connecticut's 169 towns with their counties: U.S. Census Bureau, 2020 census; see ct-towns.SOURCES.md.",
];

/// Builds the report on `input.year` as of `input.today`.
pub fn coordinator_report(input: ReportInput<'_>) -> Result<CoordinatorReport, AnnualError> {
    let ReportInput { year, today, activities, recommendations, counts, k } = input;
    if !is_report_year(year, today) {
        return Err(AnnualError::Year(year));
    }
    // The report is public whoever asks for it, so its tables are never exact.
    let policy = Policy::public(k)?;
    let mut tables = Vec::new();
    for query in trend_queries(year)? {
        tables.extend(build(&query, counts, &policy)?.tables);
    }
    let due = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or(AnnualError::Year(year))?;
    let complete = today.year() > year;

    // "the activities of the coordinator during the prior year": the year's only.
    let mut entries: Vec<ReportActivity> = activities
        .iter()
        .filter(|a| a.date.year() == year)
        .map(|a| ReportActivity { date: a.date, kind: a.kind, agencies: a.agencies.clone(), description: a.description.clone() })
        .collect();
    entries.sort_by(|a, b| a.date.cmp(&b.date).then(a.kind.cmp(&b.kind)));

    // A withdrawn recommendation is no longer the coordinator's: the report
    // carries what the coordinator still recommends, and what came of it.
    let of_kind = |kind: RecommendationKind| -> Vec<ReportRecommendation> {
        recommendations
            .iter()
            .filter(|r| r.year == year && r.kind == kind && r.status != RecommendationStatus::Withdrawn)
            .map(|r| ReportRecommendation {
                status: r.status,
                text: r.text.clone(),
                finding: r.finding.clone(),
                committee: r.committee,
            })
            .collect()
    };

    let mut unknowns = vec![
        "Only incidents that agencies reported to the database are counted; trafficking that is never \
         identified or reported is not."
            .to_string(),
        "An incident is placed in the town the reporting agency entered; the report does not check it \
         against other sources."
            .to_string(),
    ];
    if !complete {
        unknowns.insert(
            0,
            format!("{year} is not over: the counts and registers run to {today} and will change."),
        );
    } else {
        unknowns.push(format!("Reports of {year} incidents that arrive after {today} are not in these counts."));
    }

    Ok(CoordinatorReport {
        year,
        title: format!("Human Trafficking Prevention Coordinator: Annual Report on {year}"),
        due,
        as_of: today,
        complete,
        submitted_to: Committee::ALL.to_vec(),
        basis: BASIS,
        sections: Sections {
            activities: ActivitiesSection { title: ACTIVITIES_TITLE, entries },
            incident_trends: TrendsSection {
                title: TRENDS_TITLE,
                period: year.to_string(),
                k: policy.k(),
                rule: policy.rule(),
                tables,
            },
            recommendations: RecommendationsSection {
                title: RECOMMENDATIONS_TITLE,
                administrative: of_kind(RecommendationKind::Administrative),
                legislative: of_kind(RecommendationKind::Legislative),
            },
            calendar: CalendarSection { title: CALENDAR_TITLE, duties: calendar(today) },
            methodology: MethodologySection {
                title: METHODOLOGY_TITLE,
                definitions: DEFINITIONS.to_vec(),
                suppression_rule: policy.rule(),
                k: policy.k(),
                unknowns,
                sources: SOURCES.to_vec(),
            },
        },
    })
}
