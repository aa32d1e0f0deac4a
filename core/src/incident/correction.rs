//! Correcting and withdrawing a filed report.
//!
//! Raised Bill 5476, Sec. 1(d): "The coordinator shall create a database for state agencies to
//! report incidents of human trafficking in the state", and Sec. 8(b)(3): "a unified state-wide
//! data collection process based on shared definitions, standardized reporting fields". A report
//! its agency cannot correct keeps every count built on it wrong, so a correction is the stored
//! report patched (an RFC 7396 JSON merge patch) and checked again by [`check_incident`] exactly
//! as a new report would be; and a report that should never have been one (a duplicate, not
//! trafficking, entered in error) is withdrawn with its reason: kept, marked, and out of every
//! statistic (`beacon_core::stats::query::counts` and the rollups never see it).
//!
//! Sec. 1(d) also says the database "shall protect the personal information of any victims":
//! a correction's history names the fields that changed, and of a sealed field (the narrative,
//! a victim's identity) only that it changed, never a value.

use crate::contract::problem::{ErrorCode, ValidationError};
use crate::incident::filing::{check_filer, Filer};
use crate::incident::{check_incident, Identity, Incident, Victim};
use crate::reference::codes::{code_list, CodeList};
use chrono::NaiveDate;
use serde_json::{Map, Value};

code_list!(
    /// Why a report was withdrawn. A withdrawn report stays on file, marked, and counts nowhere.
    WithdrawalReason, "withdrawal_reason" {
        Duplicate => "duplicate", "A duplicate of another report";
        NotTrafficking => "not_trafficking", "Found not to be human trafficking";
        EnteredInError => "entered_in_error", "Entered in error";
    }
);

/// What a patch does to the report's withdrawal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawalChange {
    /// The patch has no `withdrawn` member.
    Unchanged,
    /// `"withdrawn": {"reason": …}`.
    Withdraw(WithdrawalReason),
    /// `"withdrawn": null`: the report counts again.
    Reinstate,
}

/// A `PATCH /v1/incidents/{id}` body, read: the merge patch of the report and the
/// `withdrawn` member, which is the record's state and not a field of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub report: Map<String, Value>,
    pub withdrawn: WithdrawalChange,
}

/// The member of a patch that withdraws or reinstates the report.
pub const WITHDRAWN: &str = "withdrawn";

/// Reads a PATCH body: a JSON object whose members patch the report, except `withdrawn`
/// (`{"reason": code}` withdraws, `null` reinstates).
pub fn read_patch(body: &str) -> Result<Patch, Vec<ValidationError>> {
    let value: Value = serde_json::from_str(body).map_err(|_| {
        vec![ValidationError::new("", ErrorCode::InvalidJson, "The request body is not valid JSON.")]
    })?;
    let Value::Object(mut report) = value else {
        return Err(vec![ValidationError::new("", ErrorCode::InvalidType, "Must be an object: a JSON merge patch of the report.")]);
    };
    let withdrawn = match report.remove(WITHDRAWN) {
        None => WithdrawalChange::Unchanged,
        Some(Value::Null) => WithdrawalChange::Reinstate,
        Some(member) => WithdrawalChange::Withdraw(withdrawal_reason(&member)?),
    };
    Ok(Patch { report, withdrawn })
}

fn withdrawal_reason(member: &Value) -> Result<WithdrawalReason, Vec<ValidationError>> {
    let codes = || WithdrawalReason::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ");
    let Value::Object(fields) = member else {
        return Err(vec![ValidationError::new(
            "/withdrawn",
            ErrorCode::InvalidType,
            "Must be an object with the reason (`{\"reason\": \"duplicate\"}`), or null to reinstate the report.",
        )]);
    };
    let mut errors: Vec<ValidationError> = fields
        .keys()
        .filter(|k| k.as_str() != "reason")
        .map(|k| ValidationError::new(format!("/withdrawn/{}", k.replace('~', "~0").replace('/', "~1")), ErrorCode::UnknownField, "Is not a member of a withdrawal."))
        .collect();
    let reason = match fields.get("reason") {
        None => {
            errors.push(ValidationError::new("/withdrawn/reason", ErrorCode::Required, format!("Give the reason: one of {}.", codes())));
            None
        }
        Some(Value::String(code)) => {
            let found = code.parse::<WithdrawalReason>().ok();
            if found.is_none() {
                errors.push(ValidationError::new("/withdrawn/reason", ErrorCode::UnknownCode, format!("Must be one of {}.", codes())));
            }
            found
        }
        Some(_) => {
            errors.push(ValidationError::new("/withdrawn/reason", ErrorCode::InvalidType, format!("Must be a string: one of {}.", codes())));
            None
        }
    };
    match reason {
        Some(reason) if errors.is_empty() => Ok(reason),
        _ => {
            errors.sort();
            Err(errors)
        }
    }
}

/// RFC 7396 JSON merge patch: members of an object patch merge recursively, `null` removes a
/// member, and anything else (an array included) replaces the target whole. So a patch of
/// `victims` replaces the list of victims, identities and all.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(into) = target {
        for (key, value) in members {
            if value.is_null() {
                into.remove(key);
            } else {
                merge_patch(into.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// The report as its canonical wire body (contract v1): what a correction patches and what two
/// versions are compared by. Sealed values are in it, so it never leaves the server; only
/// [`changed_fields`] of it does.
pub fn canonical_report(incident: &Incident) -> Value {
    let mut out = Map::new();
    out.insert("reporting_agency".into(), incident.reporting_agency.code().into());
    put(&mut out, "agency_case_ref", incident.agency_case_ref.clone().map(Value::from));
    out.insert("status".into(), incident.status.code().into());
    out.insert("incident_date".into(), date(incident.incident_date));
    out.insert("reported_date".into(), date(incident.reported_date));
    out.insert("town".into(), incident.town.town.into());
    out.insert("trafficking_types".into(), codes(&incident.trafficking_types));
    put(&mut out, "venue", incident.venue.map(|v| v.code().into()));
    out.insert("control_methods".into(), codes(&incident.control_methods));
    out.insert("victims".into(), Value::Array(incident.victims.iter().map(canonical_victim).collect()));
    out.insert("dcf_notified".into(), incident.dcf_notified.into());
    put(&mut out, "law_enforcement_agency", incident.law_enforcement_agency.clone().map(Value::from));
    put(&mut out, "narrative", incident.narrative.as_ref().map(|n| n.expose().clone().into()));
    Value::Object(out)
}

fn canonical_victim(v: &Victim) -> Value {
    let mut out = Map::new();
    put(&mut out, "age", v.age.map(Value::from));
    put(&mut out, "age_band", v.age_band.map(|b| b.code().into()));
    out.insert("sex".into(), v.sex.code().into());
    put(&mut out, "citizenship", v.citizenship.map(|c| c.code().into()));
    put(&mut out, "language", v.language.clone().map(Value::from));
    put(&mut out, "relationship_to_trafficker", v.relationship_to_trafficker.map(|r| r.code().into()));
    out.insert("services_needed".into(), codes(&v.services_needed));
    put(&mut out, "identity", v.identity.as_ref().map(|i| canonical_identity(i.expose())));
    Value::Object(out)
}

fn canonical_identity(i: &Identity) -> Value {
    let mut out = Map::new();
    put(&mut out, "given_name", i.given_name.clone().map(Value::from));
    put(&mut out, "family_name", i.family_name.clone().map(Value::from));
    put(&mut out, "date_of_birth", i.date_of_birth.map(date));
    put(&mut out, "phone", i.phone.clone().map(Value::from));
    put(&mut out, "email", i.email.clone().map(Value::from));
    Value::Object(out)
}

fn put(out: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        out.insert(key.into(), v);
    }
}

fn date(d: NaiveDate) -> Value {
    d.format("%Y-%m-%d").to_string().into()
}

fn codes<T: CodeList>(items: &[T]) -> Value {
    Value::Array(items.iter().map(|c| Value::from(c.code())).collect())
}

/// Members whose value is sealed: a change is named, never shown or looked into.
const SEALED: [&str; 2] = ["narrative", "identity"];

/// The fields that differ between two canonical reports, as JSON Pointers in document order:
/// a member's own path (a list of codes whole), each victim's by index (`/victims/1/age`; a
/// victim added or removed as `/victims/2`), and a sealed member (`/narrative`,
/// `/victims/0/identity`) only as a whole, so the history says that it changed and nothing of
/// what it holds.
pub fn changed_fields(before: &Value, after: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff(before, after, "", &mut out);
    out
}

fn diff(before: &Value, after: &Value, path: &str, out: &mut Vec<String>) {
    if before == after {
        return;
    }
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))).collect();
            keys.sort_by_key(|k| order(k));
            for key in keys {
                let at = format!("{path}/{key}");
                let (x, y) = (a.get(key).unwrap_or(&Value::Null), b.get(key).unwrap_or(&Value::Null));
                if SEALED.contains(&key.as_str()) {
                    if x != y {
                        out.push(at);
                    }
                } else {
                    diff(x, y, &at, out);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if path == "/victims" => {
            for i in 0..a.len().max(b.len()) {
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) => diff(x, y, &format!("{path}/{i}"), out),
                    _ => out.push(format!("{path}/{i}")),
                }
            }
        }
        _ => out.push(path.to_string()),
    }
}

/// The contract's order of members, so a history reads like the report.
fn order(key: &str) -> usize {
    const MEMBERS: [&str; 21] = [
        "reporting_agency", "agency_case_ref", "status", "incident_date", "reported_date", "town", "trafficking_types",
        "venue", "control_methods", "victims", "dcf_notified", "law_enforcement_agency", "narrative",
        "age", "age_band", "sex", "citizenship", "language", "relationship_to_trafficker", "services_needed", "identity",
    ];
    MEMBERS.iter().position(|m| *m == key).unwrap_or(MEMBERS.len())
}

/// A closed incident whose sealed fields `beacon purge` removed after the retention period keeps
/// none: Sec. 1(d) says the database "shall protect the personal information of any victims",
/// and a value stored again after the purge would never be purged (the incident is marked
/// purged). So a correction of such an incident may not bring back a narrative or an identity.
pub fn check_purged(incident: &Incident) -> Result<(), Vec<ValidationError>> {
    const WHY: &str = "This incident's sealed fields were removed at the end of its retention period; none may be stored again.";
    let mut errors = Vec::new();
    for (i, v) in incident.victims.iter().enumerate() {
        if v.identity.is_some() {
            errors.push(ValidationError::new(format!("/victims/{i}/identity"), ErrorCode::NotAllowed, WHY));
        }
    }
    if incident.narrative.is_some() {
        errors.push(ValidationError::new("/narrative", ErrorCode::NotAllowed, WHY));
    }
    errors.sort();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A correction that passed: the report as corrected, and what changed.
#[derive(Debug, Clone)]
pub struct Corrected {
    pub incident: Incident,
    /// The changed fields ([`changed_fields`]); empty when the patch changes nothing.
    pub changed: Vec<String>,
}

/// Why a correction is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The corrected report breaks the contract (422), every error listed as for a new report.
    Invalid(Vec<ValidationError>),
    /// A valid report this filer may not make: it names another agency (403).
    NotYours(ValidationError),
    /// The stored report no longer passes the contract (our problem, not the client's).
    Stored(Vec<ValidationError>),
}

/// Applies `patch` to the stored report (its canonical body, sealed values included, as
/// [`canonical_report`] gives it) and checks the result as a new report as of `today`. A change
/// of `reporting_agency` is held to the filing rule ([`check_filer`]): a reporter moves a report
/// only to its own agency; the coordinator to any.
pub fn correct(stored: &Value, patch: &Map<String, Value>, filer: Filer<'_>, today: NaiveDate) -> Result<Corrected, Refused> {
    let before = check_incident(&stored.to_string(), today).map_err(Refused::Stored)?;
    let before = canonical_report(&before);
    let mut merged = before.clone();
    merge_patch(&mut merged, &Value::Object(patch.clone()));
    let incident = check_incident(&merged.to_string(), today).map_err(Refused::Invalid)?;
    let after = canonical_report(&incident);
    if after.get("reporting_agency") != before.get("reporting_agency") {
        check_filer(filer, incident.reporting_agency).map_err(Refused::NotYours)?;
    }
    Ok(Corrected { changed: changed_fields(&before, &after), incident })
}
