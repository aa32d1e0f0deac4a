//! Training (Raised Bill 5476, Sec. 1(c), 3(7), 4, 5, 10(b)): the rules of the
//! curriculum's records, in one place for the HTTP API, the CLI and xAPI.
//!
//! * [`person`]: a workforce member as typed (JSON body or roster row).
//! * [`course`]: a course of the curriculum and its agency adaptations.
//! * [`completion`]: a recorded completion (date, CSV row) and which ones count.
//! * [`compliance`]: who is due when, and the caseload gate.
//! * [`xapi`]: the subset of xAPI 1.0.3 statements Beacon reads.
//!
//! Pure like the rest of the core: "today" and the "as of" date are parameters.

pub mod completion;
pub mod compliance;
pub mod course;
pub mod person;
pub mod provider;
pub mod tally;
pub mod topics;
pub mod xapi;

pub use completion::{counting, CompletionRecord};
pub use compliance::{
    caseload_eligibility, caseload_rule_start, completed_late, compliance, has_deadline, initial_deadline, initial_due,
    initial_due_of, latest_qualifying_date, required_topics, training_history, CaseloadEligibility, Completion, Compliance,
    DueBasis, Person, TrainingEvent, DUE_SOON_DAYS, WINDOW_DAYS,
};
pub use topics::{topic_label, topic_labels, TopicLabel};

use crate::reference::codes::{CodeEntry, CodeList};

use crate::reference::codes::code_list;

code_list!(
    /// The four topics of the curriculum (Sec. 1(c)).
    TrainingTopic, "training_topic" {
        LawsProtocols => "laws_protocols", "Laws and protocols on the trafficking of minors";
        IdentificationServices => "identification_services", "Identifying victims and access to services";
        DeescalationHarmReduction => "deescalation_harm_reduction", "De-escalation and harm reduction";
        TraumaDisclosures => "trauma_disclosures", "Trauma-informed response to disclosures";
    }
);

code_list!(
    /// Who a workforce member is, for the training mandate.
    Population, "population" {
        DcfEmployee => "dcf_employee", "DCF employee";
        DcfContractedProvider => "dcf_contracted_provider", "Employee of a DCF-contracted provider";
        CssdEmployee => "cssd_employee", "Court Support Services Division employee";
        LawEnforcement => "law_enforcement", "Law enforcement";
        Other => "other", "Other";
    }
);

code_list!(
    /// How a course is delivered.
    CourseFormat, "course_format" {
        Recorded => "recorded", "Recorded";
        InPerson => "in_person", "In person";
        LiveOnline => "live_online", "Live online";
    }
);

code_list!(
    /// What a course trains: Sec. 3(7) asks a social worker trainee for two
    /// trainings, "the training in the prevention, identification and effects
    /// of family violence" and "the training on human trafficking".
    CourseSubject, "course_subject" {
        HumanTrafficking => "human_trafficking", "Human trafficking (Sec. 1(c), 4, 5, 10(b))";
        FamilyViolence => "family_violence", "Prevention, identification and effects of family violence (section 17a-3(b)(6))";
    }
);

/// Courses recorded before subjects existed were all the curriculum's.
impl Default for CourseSubject {
    fn default() -> Self {
        CourseSubject::HumanTrafficking
    }
}

code_list!(
    /// Which program of Sec. 4(b) / 5(b) a course is: "the initial
    /// educational training program" or "the refresher training program".
    CourseKind, "course_kind" {
        Initial => "initial", "Initial educational training program";
        Refresher => "refresher", "Refresher training program";
        Either => "either", "Initial or refresher";
    }
);

/// Courses recorded before kinds existed served either purpose.
impl Default for CourseKind {
    fn default() -> Self {
        CourseKind::Either
    }
}

code_list!(
    /// A person's training status as of a date.
    ComplianceStatus, "compliance_status" {
        Compliant => "compliant", "Compliant";
        DueSoon => "due_soon", "Due within 60 days";
        Overdue => "overdue", "Overdue";
        NotYetDue => "not_yet_due", "Not yet trained, not yet due";
        NotRequired => "not_required", "Not required";
    }
);

/// The training code lists, keyed by their published names (for `GET /v1/codes`).
pub fn training_lists() -> Vec<(&'static str, Vec<CodeEntry>)> {
    vec![
        (TrainingTopic::NAME, TrainingTopic::entries()),
        (Population::NAME, Population::entries()),
        (CourseFormat::NAME, CourseFormat::entries()),
        (CourseSubject::NAME, CourseSubject::entries()),
        (CourseKind::NAME, CourseKind::entries()),
        (ComplianceStatus::NAME, ComplianceStatus::entries()),
    ]
}

