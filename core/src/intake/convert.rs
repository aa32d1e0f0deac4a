//! A partner submission → the draft of an incident report, which the coordinator
//! completes (at least `reporting_agency`) and which is then checked exactly as
//! `POST /v1/incidents` is.
//!
//! Sealed contact details stay with the submission: the report is shared more
//! widely, and the person gave them to be reached, not to be recorded.

use crate::contract::problem::{ErrorCode, Pointer, ValidationError};
use crate::contract::read::rule;
use crate::incident::{check_incident, Incident};
use crate::reference::codes::{AgeGroup, CodeList};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

/// What the draft takes from a stored submission.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubmissionFacts {
    pub concern_types: Vec<String>,
    pub needs: Vec<String>,
    pub town: Option<String>,
    pub preferred_language: Option<String>,
    pub age_group: AgeGroup,
    pub dcf_notified: bool,
}


/// The draft report: `status` `suspected`; dated `today`; the concern types
/// other than `unsure` as trafficking types; one victim of unknown sex with the
/// needs, preferred language and age group as `age_band` (none for
/// `unknown`); the town; whether DCF was notified. The
/// coordinator's `overrides` (incident members) replace any of these.
pub fn draft_incident(submission: &SubmissionFacts, overrides: Map<String, Value>, today: NaiveDate) -> Value {
    let mut report = json!({
        "status": "suspected",
        "incident_date": today.to_string(),
        "reported_date": today.to_string(),
        "trafficking_types": submission.concern_types.iter().filter(|c| *c != "unsure").collect::<Vec<_>>(),
        "victims": [{"sex": "unknown", "services_needed": submission.needs}],
        "dcf_notified": submission.dcf_notified,
    });
    if let Some(town) = &submission.town {
        report["town"] = json!(town);
    }
    if let Some(band) = submission.age_group.as_band() {
        report["victims"][0]["age_band"] = json!(band.code());
    }
    if let Some(language) = &submission.preferred_language {
        report["victims"][0]["language"] = json!(language);
    }
    if let Value::Object(map) = &mut report {
        map.extend(overrides);
    }
    report
}

/// The draft, completed by `overrides`, checked exactly as `POST /v1/incidents`
/// checks a report — and refused when the overrides drop what the submission
/// recorded about a minor.
///
/// Sec. 10(a): the Commissioner "shall" provide services to "a minor child
/// ... who the Department of Children and Families reasonably believes may
/// be a victim of trafficking". The person's age group and DCF's notification
/// are how the submission carries that belief; an incident that lost them
/// would count the child as an adult and hide the duty, so the conversion
/// keeps them or does not happen. A wrong age group is corrected on the
/// submission, where the person's own answer is kept.
pub fn convert_submission(
    submission: &SubmissionFacts,
    overrides: Map<String, Value>,
    today: NaiveDate,
) -> Result<Incident, Vec<ValidationError>> {
    let report = draft_incident(submission, overrides, today);
    let mut errors = Vec::new();
    let victim = Pointer::root().key("victims").index(0);
    if let Some(band) = submission.age_group.as_band() {
        if report.pointer("/victims/0/age_band").and_then(Value::as_str) != Some(band.code()) {
            errors.push(rule(victim.key("age_band"), ErrorCode::ContradictsSubmission));
        }
    }
    if submission.dcf_notified && report.get("dcf_notified") != Some(&Value::Bool(true)) {
        errors.push(rule(Pointer::root().key("dcf_notified"), ErrorCode::ContradictsSubmission));
    }
    match check_incident(&report.to_string(), today) {
        Ok(incident) if errors.is_empty() => Ok(incident),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            errors.sort();
            errors.dedup();
            Err(errors)
        }
    }
}
