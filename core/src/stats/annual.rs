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
use super::sections::{
    gaps_section, minors_section, referrals_section, training_section, GapsSection, MinorsSection, ReferralsSection,
    SectionError, SectionFacts, TrainingSection, DCF_RESPONSES_UNKNOWN,
};
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

/// Why the report's trends are quarters: said among the unknowns.
pub const QUARTERS_NOT_MONTHS: &str = "Trends are shown by quarter, not by month. Published periods are whole \
     quarters or years, all cut from one suppression model of the year, so that no two published tables can be \
     subtracted to reveal a withheld count; a monthly table would have to join that model, which at a year's \
     realistic counts multiplies the work of every public answer by more than ten. The coordinator reviews \
     monthly series, with the change from a year earlier and rolling 12-month totals, suppressed, in the \
     statistics (GET /v1/stats/trends) and the dashboard.";

/// The trend tables, in the order the report shows them.
const TREND_GROUPINGS: [&str; 3] = ["quarter", "county", "trafficking_type"];

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AnnualError {
    #[error("no report covers {0}: reports cover {FIRST_REPORT_YEAR} up to the current year")]
    Year(i32),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Section(#[from] SectionError),
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
/// quarter, by county and by trafficking type (has / has-not per type) over
/// the whole year. Public requests of one year
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
    /// Minors, training, the directory and referrals (see [`SectionFacts`]).
    pub facts: &'a SectionFacts,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// The report's sections, in the order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sections {
    pub activities: ActivitiesSection,
    pub incident_trends: TrendsSection,
    pub minors_and_dcf: MinorsSection,
    pub training: TrainingSection,
    pub directory_gaps: GapsSection,
    pub referrals: ReferralsSection,
    pub recommendations: RecommendationsSection,
    pub calendar: CalendarSection,
    pub methodology: MethodologySection,
}

impl Sections {
    pub fn titles(&self) -> [&str; 9] {
        [
            self.activities.title,
            self.incident_trends.title,
            self.minors_and_dcf.title,
            self.training.title,
            self.directory_gaps.title,
            self.referrals.title,
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

#[derive(Debug, Clone, PartialEq, Serialize)]
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
                  suspected and confirmed incidents count, as last corrected; a report its agency withdrew (a \
                  duplicate, not trafficking, or entered in error) never counts.",
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

/// The measures of the minors, training, directory and referral sections.
const SECTION_DEFINITIONS: [Definition; 9] = [
    Definition {
        term: "Minor involved",
        meaning: "An incident the reporting agency marked as involving a person under eighteen (Sec. 10(a): \
                  \"minor child\" means any person under eighteen years of age), or an intake submission recorded as \
                  involving a minor.",
    },
    Definition {
        term: "DCF notified",
        meaning: "For an incident, the reporting agency recorded that the Department of Children and Families was \
                  notified; for an intake submission, the coordinator recorded the day DCF was notified.",
    },
    Definition {
        term: "DCF response",
        meaning: "What DCF recorded about a minor Beacon made known to it in the year (an intake submission about a \
                  minor, or an incident involving one that its agency has not withdrawn, by the day Beacon received it): accepted for services, \
                  assessed and not accepted, or already an open DCF case; a minor with none is counted as no \
                  response recorded.",
    },
    Definition {
        term: "Training status",
        meaning: "Each active member of an agency's workforce as of the report's day, by the rules of Sec. 3, 4 and \
                  5: compliant (trained within the last three years), due within 60 days, overdue, not yet trained \
                  and not yet due, or not required (law enforcement and others without a deadline).",
    },
    Definition {
        term: "Completed late",
        meaning: "The person's latest qualifying training was completed after the deadline that was running when \
                  it was taken (initial training by July 1, 2027 or six months after starting; a refresher every \
                  three years).",
    },
    Definition {
        term: "Vetted provider",
        meaning: "An active directory service, verified within the last 12 months, serving a town of the county \
                  by its service area or a location.",
    },
    Definition {
        term: "Gap severity",
        meaning: "By the worst flag of the gap analysis: missing (no vetted provider), gap (under half the state's \
                  providers per 100,000 residents, or referrals declined for lack of capacity), watch (one source \
                  gives over 80 % of the known funding, or a verification is over 12 months old), or none.",
    },
    Definition {
        term: "Referral outcome",
        meaning: "Where a referral to a directory service made in the year stands: proposed, sent to the \
                  provider, accepted or declined by the provider (no capacity, not eligible, the person declined, \
                  other reason), service started, closed, or withdrawn by the referrer.",
    },
    Definition {
        term: "Days to outcome",
        meaning: "From the referral's sending to the provider's answer (accepted or declined); the median is \
                  given only for a status whose count is shown.",
    },
];

const SOURCES: [&str; 7] = [
    "Incident reports entered by state agencies into the coordinator's database (Sec. 1(d)).",
    "The coordinator's registers of activities and recommendations.",
    "Connecticut's 169 towns with their counties: U.S. Census Bureau, 2020 census; see ct-towns.SOURCES.md.",
    "Intake submissions received from partners, with the coordinator's record of DCF notification.",
    "The training records of each agency's workforce: people, their start dates and completed courses (Sec. 3, 4, 5).",
    "The provider directory (Sec. 1(e)): services, their service areas, locations, verification and funding.",
    "Referrals to directory services recorded by agencies and partners, with their outcomes.",
];

/// What the new sections cannot know, for the methodology.
fn section_unknowns(facts: &SectionFacts) -> Vec<String> {
    let mut out = vec![
        DCF_RESPONSES_UNKNOWN.to_string(),
        "Staff are not victims, but their counts are withheld by the same rule as every other count of people, so \
         that one rule governs the whole report."
            .to_string(),
        "The training tables show nothing for agencies whose workforce is not recorded in Beacon.".to_string(),
        "Whether a completion was late is published by agency alone; it is not audited against the status tables \
         for bounds (a late completion is always by someone trained)."
            .to_string(),
        "For referrals recorded before providers answered in Beacon, days to outcome run to the day the outcome \
         was last recorded, which may be later than the day it happened."
            .to_string(),
        "The gap map counts providers listed in the directory; services that are not listed are not counted.".to_string(),
    ];
    if facts.funding.is_empty() {
        out.push("The directory holds no funding amounts for the year: the funding of providers is unknown.".to_string());
    } else {
        out.push(
            "Funding is known only where the directory records an amount and a period; services without one are \
             not in the funding totals."
                .to_string(),
        );
    }
    out
}

/// Builds the report on `input.year` as of `input.today`.
pub fn coordinator_report(input: ReportInput<'_>) -> Result<CoordinatorReport, AnnualError> {
    let ReportInput { year, today, activities, recommendations, counts, k, facts } = input;
    if !is_report_year(year, today) {
        return Err(AnnualError::Year(year));
    }
    // The report is public whoever asks for it, so its tables are never exact.
    let policy = Policy::public(k)?;
    let mut tables = Vec::new();
    for query in trend_queries(year)? {
        tables.extend(build(&query, counts, &policy)?.tables);
    }
    // The minors table counts the trend tables' incidents: its total is
    // shown exactly when theirs is.
    let total_shown = tables
        .iter()
        .find(|t| t.measure == super::query::Measure::Incidents)
        .and_then(|t| t.table.entries().last())
        .is_some_and(|e| !e.cell.suppressed);
    let minors_and_dcf = minors_section(facts, &policy, total_shown)?;
    let training = training_section(facts, &policy, today)?;
    let directory_gaps = gaps_section(facts);
    let referrals = referrals_section(facts, &policy)?;
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
    unknowns.push(QUARTERS_NOT_MONTHS.to_string());
    unknowns.extend(section_unknowns(facts));

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
            minors_and_dcf,
            training,
            directory_gaps,
            referrals,
            recommendations: RecommendationsSection {
                title: RECOMMENDATIONS_TITLE,
                administrative: of_kind(RecommendationKind::Administrative),
                legislative: of_kind(RecommendationKind::Legislative),
            },
            calendar: CalendarSection { title: CALENDAR_TITLE, duties: calendar(today) },
            methodology: MethodologySection {
                title: METHODOLOGY_TITLE,
                definitions: DEFINITIONS.iter().chain(&SECTION_DEFINITIONS).cloned().collect(),
                suppression_rule: policy.rule(),
                k: policy.k(),
                unknowns,
                sources: SOURCES.to_vec(),
            },
        },
    })
}
