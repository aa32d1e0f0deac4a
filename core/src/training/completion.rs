//! A recorded completion: the date it may carry, the roster-file row that
//! records it, and which records count towards the training duties.

use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

use super::{Completion, CourseKind, CourseSubject, TrainingTopic};
use crate::contract::problem::{ErrorCode, ValidationError};
use crate::fields::{agency_code, date, reference};

/// A completion as stored: a retracted one stays on file, flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionRecord {
    pub date: NaiveDate,
    pub topics: Vec<TrainingTopic>,
    /// The course's subject and kind, copied when recorded.
    pub subject: CourseSubject,
    pub kind: CourseKind,
    /// Retracted by an xAPI `voided` statement (or any later correction).
    pub voided: bool,
}

/// The completions that count. A voided completion never counts: the learning
/// system that reported it has taken it back, so it is no evidence that the
/// employee did "complete the initial educational training program" (Sec. 4(b), 5(b)).
pub fn counting(records: &[CompletionRecord]) -> Vec<Completion> {
    records
        .iter()
        .filter(|r| !r.voided)
        .map(|r| Completion { date: r.date, topics: r.topics.clone(), subject: r.subject, kind: r.kind })
        .collect()
}

/// A completion date: a real `YYYY-MM-DD` date, not after `today` (a
/// training not yet taken cannot be recorded as done).
pub fn completed_on(path: &str, value: &str, today: NaiveDate, errors: &mut Vec<ValidationError>) -> Option<NaiveDate> {
    let on = date(path, value, errors)?;
    if on > today {
        errors.push(ValidationError::new(path, ErrorCode::FutureDate, "Must not be after today."));
        return None;
    }
    Some(on)
}

/// One row of a completions file, as text.
#[derive(Debug, Clone, Copy)]
pub struct CompletionRowFields<'a> {
    pub agency: &'a str,
    pub employee_ref: &'a str,
    pub course_code: &'a str,
    pub completed_on: &'a str,
}

/// A row that read well; the person and the course are looked up next.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CompletionRow {
    pub agency: String,
    pub employee_ref: String,
    pub course_code: String,
    pub completed_on: NaiveDate,
}

/// Every broken rule of a completions-file row (`employee_ref,agency,course_code,completed_on`).
pub fn check_completion_row(f: &CompletionRowFields<'_>, today: NaiveDate) -> Result<CompletionRow, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let agency = agency_code("/agency", f.agency, &mut errors);
    let employee_ref = reference("/employee_ref", f.employee_ref, &mut errors);
    let course_code = reference("/course_code", f.course_code, &mut errors);
    let completed_on = completed_on("/completed_on", f.completed_on, today, &mut errors);
    match (agency, employee_ref, course_code, completed_on) {
        (Some(agency), Some(employee_ref), Some(course_code), Some(completed_on)) if errors.is_empty() => {
            Ok(CompletionRow { agency, employee_ref, course_code, completed_on })
        }
        _ => Err(errors),
    }
}

/// The rows of one completions file: the same completion (person, course,
/// date) once, so a file's count of what it records is honest.
#[derive(Debug, Default)]
pub struct CompletionFile {
    seen: HashMap<CompletionRow, u64>,
}

impl CompletionFile {
    /// Admits `row` from file row `line`, or names the row it repeats.
    pub fn admit(&mut self, row: &CompletionRow, line: u64) -> Result<(), ValidationError> {
        match self.seen.get(row) {
            Some(first) => Err(ValidationError::new("", ErrorCode::Duplicate, format!("The same completion already appears on row {first}."))),
            None => {
                self.seen.insert(row.clone(), line);
                Ok(())
            }
        }
    }
}

/// Body of `POST /v1/training/completions`: a course completed by a workforce member. Name the
/// course by `course_code` or by `course_id` (exactly one).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCompletionRequest {
    /// The workforce member.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub person_id: String,
    /// The course's code.
    #[serde(default)]
    pub course_code: Option<String>,
    /// The course's id.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub course_id: Option<String>,
    /// `YYYY-MM-DD`, not after today.
    pub completed_on: String,
}

/// How a completion names its course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CourseRef {
    Code(String),
    Id(Uuid),
}

impl CourseRef {
    /// The field it came from, for an "unknown course" error.
    pub fn path(&self) -> &'static str {
        match self {
            CourseRef::Code(_) => "/course_code",
            CourseRef::Id(_) => "/course_id",
        }
    }
}

/// A completion request that keeps the rules: whose, which course, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCompletion {
    pub person_id: Uuid,
    pub course: CourseRef,
    pub completed_on: NaiveDate,
}

/// Every broken rule of a completion request at once: the person is an id, the course is named
/// one way only, and the date is real and not after `today`.
pub fn check_request(request: &NewCompletionRequest, today: NaiveDate) -> Result<CheckedCompletion, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let person_id = Uuid::parse_str(&request.person_id).ok();
    if person_id.is_none() {
        errors.push(ValidationError::new("/person_id", ErrorCode::Format, "Must be a workforce member's id (a UUID)."));
    }
    let course = match (&request.course_code, &request.course_id) {
        (Some(code), None) => reference("/course_code", code, &mut errors).map(CourseRef::Code),
        (None, Some(id)) => {
            let id = Uuid::parse_str(id).ok();
            if id.is_none() {
                errors.push(ValidationError::new("/course_id", ErrorCode::Format, "Must be a course id (a UUID)."));
            }
            id.map(CourseRef::Id)
        }
        (None, None) => {
            errors.push(ValidationError::new("/course_code", ErrorCode::Required, "`course_code` (or `course_id`) is required."));
            None
        }
        (Some(_), Some(_)) => {
            errors.push(ValidationError::new("/course_id", ErrorCode::NotAllowed, "Give course_code or course_id, not both."));
            None
        }
    };
    let completed_on = completed_on("/completed_on", &request.completed_on, today, &mut errors);
    match (person_id, course, completed_on) {
        (Some(person_id), Some(course), Some(completed_on)) if errors.is_empty() => Ok(CheckedCompletion { person_id, course, completed_on }),
        _ => Err(errors),
    }
}
