//! A partner submission → the draft of an incident report, which the coordinator
//! completes (at least `reporting_agency`) and which is then checked exactly as
//! `POST /v1/incidents` is.
//!
//! Sealed contact details stay with the submission: the report is shared more
//! widely, and the person gave them to be reached, not to be recorded.

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

/// What the draft takes from a stored submission.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubmissionFacts {
    pub concern_types: Vec<String>,
    pub needs: Vec<String>,
    pub town: Option<String>,
    pub preferred_language: Option<String>,
    pub dcf_notified: bool,
}

/// The draft report: `status` `suspected`; dated `today`; the concern types
/// other than `unsure` as trafficking types; one victim of unknown sex with the
/// needs and preferred language; the town; whether DCF was notified. The
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
    if let Some(language) = &submission.preferred_language {
        report["victims"][0]["language"] = json!(language);
    }
    if let Value::Object(map) = &mut report {
        map.extend(overrides);
    }
    report
}
