//! Where a partner submission stands, and how a coordinator may move it.
//!
//! `new` → `triaged` → `closed` in any order the coordinator needs (a closed
//! submission can be reopened), but `converted` is reached only by turning the
//! submission into an incident report, and is final: the incident now carries
//! the case, and a converted submission sent back to `new` would be worked twice.
//! A recorded DCF notification cannot be withdrawn: for a minor, the
//! department's duty to be told has been met, and the record must say so.

use crate::contract::problem::{ErrorCode, ValidationError};
use crate::reference::codes::{code_list, AgeGroup, CodeList};

code_list!(
    /// A submission's place in the coordinator's queue.
    IntakeStatus, "intake_status" {
        New => "new", "New";
        Triaged => "triaged", "Triaged";
        Converted => "converted", "Converted to an incident report";
        Closed => "closed", "Closed";
    }
);

/// What a coordinator's update changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntakeChange {
    pub status: Option<IntakeStatus>,
    /// Record that DCF was notified (now).
    pub record_dcf_notified: bool,
}

/// Every broken rule of an update (`status`, `dcf_notified`) to a submission now `current`.
pub fn check_update(current: IntakeStatus, status: Option<&str>, dcf_notified: Option<bool>) -> Result<IntakeChange, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let status = match status.map(str::parse::<IntakeStatus>) {
        None => None,
        Some(Ok(IntakeStatus::Converted)) | Some(Err(())) => {
            errors.push(ValidationError::new("/status", ErrorCode::UnknownCode, "Must be new, triaged or closed (convert to make it converted)."));
            None
        }
        Some(Ok(_)) if current == IntakeStatus::Converted => {
            errors.push(ValidationError::new("/status", ErrorCode::NotAllowed, "A converted submission keeps its status: the incident report carries the case."));
            None
        }
        Some(Ok(s)) => Some(s),
    };
    if dcf_notified == Some(false) {
        errors.push(ValidationError::new("/dcf_notified", ErrorCode::Range, "A recorded DCF notification cannot be withdrawn."));
    }
    if errors.is_empty() {
        Ok(IntakeChange { status, record_dcf_notified: dcf_notified == Some(true) })
    } else {
        Err(errors)
    }
}

/// The age group a coordinator records for a submission whose person's age was `unknown`.
///
/// Sec. 10(a) puts on DCF the duty to serve "any person under eighteen years of age" it
/// "reasonably believes may be a victim of trafficking": an unknown age must not pass as an adult
/// one, so such a submission waits in a review queue until its age group is recorded. Only an
/// unknown age is recorded this way (a known one came from the person), never back to
/// `unknown`, and not once the submission became an incident (the incident carries it then).
pub fn check_age_group(status: IntakeStatus, current: AgeGroup, value: &str) -> Result<AgeGroup, ValidationError> {
    const PATH: &str = "/age_group";
    let Ok(group) = value.parse::<AgeGroup>() else {
        return Err(ValidationError::new(PATH, ErrorCode::UnknownCode, "Is not a code of the list `age_group` (see GET /v1/codes)."));
    };
    if group == AgeGroup::Unknown {
        return Err(ValidationError::new(PATH, ErrorCode::NotAllowed, "Record a known age group; `unknown` is what the review settles."));
    }
    if status == IntakeStatus::Converted {
        return Err(ValidationError::new(PATH, ErrorCode::NotAllowed, "A converted submission's age group is the incident's now."));
    }
    if current != AgeGroup::Unknown {
        return Err(ValidationError::new(PATH, ErrorCode::NotAllowed, format!("The age group is already recorded as `{}`.", current.code())));
    }
    Ok(group)
}
