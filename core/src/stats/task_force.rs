//! The task force's annual report, from the same pieces as the coordinator's.
//!
//! Raised Bill 5476, Sec. 8(d): "Not later than January 1, 2027, and
//! annually thereafter until three years after the effective date of this
//! section or the submission of a final report, whichever is later, the task
//! force shall submit a report, in accordance with the provisions of section
//! 11-4a of the general statutes, to the joint standing committees of the
//! General Assembly having cognizance of matters relating to government
//! oversight and the judiciary. Such report shall include any activities of
//! the task force during the year preceding the report, and the final report
//! shall detail the proposed structure, authority and funding of the
//! permanent state-wide governing body described in subdivision (1) of
//! subsection (b) of this section."
//!
//! Its sections follow the implementation duties of Sec. 8(b) that Beacon
//! holds data for; each section is the coordinator report's section of the
//! same name (the same suppressed tables, so the two reports cannot be
//! differenced against each other), under the task force's own heading and
//! statute quote.

use super::annual::{coordinator_report, AnnualError, MethodologySection, ReportInput};
use super::query::MeasureTable;
use super::report::Committee;
use super::sections::{GapsSection, MinorsSection, ReferralsSection, TrainingSection};
use chrono::NaiveDate;
use serde::Serialize;

pub const BASIS: &str = "Raised Bill 5476, Sec. 8(d): \"Such report shall include any activities of the task force \
     during the year preceding the report, and the final report shall detail the proposed structure, authority and \
     funding of the permanent state-wide governing body described in subdivision (1) of subsection (b) of this \
     section.\"";

pub const ACTIVITIES_TITLE: &str = "Activities of the task force";
pub const TRENDS_TITLE: &str = "Review of trafficking trends";
pub const TRAINING_TITLE: &str = "Training framework: compliance by agency";
pub const REFERRALS_TITLE: &str = "Screening and referral pathways";
pub const CAPACITY_TITLE: &str = "Service capacity, gaps and funding";
pub const GOVERNING_BODY_TITLE: &str = "Permanent state-wide governing body";

pub const TRENDS_BASIS: &str = "Raised Bill 5476, Sec. 8(b)(6): \"Reviewing trafficking trends, identifying systemic \
     gaps and developing policy recommendations to be submitted to the Trafficking in Persons Council established \
     pursuant to section 46a-170 of the general statutes, as amended by this act, consistent with the work \
     undertaken pursuant to this subsection.\"";
pub const TRAINING_BASIS: &str = "Raised Bill 5476, Sec. 8(b)(2): \"Creating and implementing a standardized, \
     cross-disciplinary human trafficking training framework and centralized learning management system\".";
pub const REFERRALS_BASIS: &str = "Raised Bill 5476, Sec. 8(b)(4): \"Designing and implementing standardized, \
     trauma-informed screening questions and referral pathways to ensure consistent identification of and response \
     to victims of human trafficking across systems\".";
pub const CAPACITY_BASIS: &str = "Raised Bill 5476, Sec. 8(b)(5): \"Expanding and strengthening state-wide service \
     capacity by mapping and verifying existing providers, identifying service and funding gaps and supporting \
     development of a vetted state-wide resource directory\".";
pub const GOVERNING_BODY_BASIS: &str = "Raised Bill 5476, Sec. 8(b)(1): \"Advancing development of a permanent \
     state-wide governing body to coordinate the state's anti-trafficking response across agencies and service \
     providers and to create state-wide standards related to such coordination\".";

/// Said where the task force's own records would go: Beacon keeps the
/// coordinator's registers, not the task force's.
pub const NOT_RECORDED: &str = "Beacon keeps no register of the task force's activities, nor of its work on the \
     permanent governing body; the task force supplies these itself.";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskForceReport {
    pub year: i32,
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: NaiveDate,
    pub complete: bool,
    /// The committees Sec. 8(d) names: government oversight and the judiciary.
    pub submitted_to: Vec<Committee>,
    pub basis: &'static str,
    pub sections: TaskForceSections,
}

/// The task force report's sections, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskForceSections {
    pub activities: NotRecordedSection,
    pub trends: TrendsReview,
    pub minors_and_dcf: MinorsSection,
    pub training: TrainingSection,
    pub referrals: ReferralsSection,
    pub service_capacity: GapsSection,
    pub governing_body: NotRecordedSection,
    pub methodology: MethodologySection,
}

impl TaskForceSections {
    pub fn titles(&self) -> [&str; 8] {
        [
            self.activities.title,
            self.trends.title,
            self.minors_and_dcf.title,
            self.training.title,
            self.referrals.title,
            self.service_capacity.title,
            self.governing_body.title,
            self.methodology.title,
        ]
    }
}

/// The coordinator report's trend tables, under Sec. 8(b)(6).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendsReview {
    pub title: &'static str,
    pub basis: &'static str,
    pub period: String,
    pub k: Option<u64>,
    pub rule: String,
    /// Incidents and victims by quarter, then by county.
    pub tables: Vec<MeasureTable>,
}

/// A section whose content Beacon does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotRecordedSection {
    pub title: &'static str,
    pub basis: &'static str,
    pub note: &'static str,
}

/// Builds the task force's report on `input.year` from the coordinator
/// report's pieces.
pub fn task_force_report(input: ReportInput<'_>) -> Result<TaskForceReport, AnnualError> {
    let c = coordinator_report(input)?;
    let s = c.sections;
    let mut methodology = s.methodology;
    methodology.unknowns.insert(0, NOT_RECORDED.to_string());
    methodology.sources.retain(|src| !src.contains("registers of activities"));
    Ok(TaskForceReport {
        year: c.year,
        title: format!("Human Trafficking Prevention and Response Task Force: Annual Report on {}", c.year),
        due: c.due,
        as_of: c.as_of,
        complete: c.complete,
        submitted_to: vec![Committee::GovernmentOversight, Committee::Judiciary],
        basis: BASIS,
        sections: TaskForceSections {
            activities: NotRecordedSection { title: ACTIVITIES_TITLE, basis: BASIS, note: NOT_RECORDED },
            trends: TrendsReview {
                title: TRENDS_TITLE,
                basis: TRENDS_BASIS,
                period: s.incident_trends.period,
                k: s.incident_trends.k,
                rule: s.incident_trends.rule,
                tables: s.incident_trends.tables,
            },
            minors_and_dcf: s.minors_and_dcf,
            training: TrainingSection { title: TRAINING_TITLE, basis: TRAINING_BASIS, ..s.training },
            referrals: ReferralsSection { title: REFERRALS_TITLE, basis: REFERRALS_BASIS, ..s.referrals },
            service_capacity: GapsSection { title: CAPACITY_TITLE, basis: CAPACITY_BASIS, ..s.directory_gaps },
            governing_body: NotRecordedSection { title: GOVERNING_BODY_TITLE, basis: GOVERNING_BODY_BASIS, note: NOT_RECORDED },
            methodology,
        },
    })
}
