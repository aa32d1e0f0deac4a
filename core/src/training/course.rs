//! A course of the curriculum. Sec. 1(c): the coordinator "shall develop and
//! implement a training curriculum which may consist of recorded trainings,
//! which can be adapted for specific state agencies".

use serde::{Deserialize, Serialize};

use super::{CourseFormat, CourseKind, CourseSubject, TrainingTopic};
use crate::contract::problem::{ErrorCode, ValidationError};
use crate::fields::{agency_code, reference, text};
use crate::reference::formats::is_url;

/// The most topics a course can cover: the curriculum has four.
pub const MAX_TOPICS: usize = 4;
/// The most adaptations one course lists.
pub const MAX_ADAPTATIONS: usize = 50;
/// A course's length, in minutes.
pub const DURATION_MINUTES: std::ops::RangeInclusive<i64> = 1..=600;

/// A course of the curriculum (Sec. 1(c)).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCourseRequest {
    /// Unique course code: 1–64 letters, digits, `. _ / -`, starting with a letter or digit.
    /// xAPI statements name the course `urn:beacon:course:<code>`.
    pub code: String,
    /// 1–200 characters.
    pub title: String,
    /// 1–32 characters, e.g. `2027.1`.
    pub version: String,
    pub format: CourseFormat,
    /// 1–600.
    pub duration_minutes: i64,
    /// The curriculum topics it covers: 1–4, no repeats, for a
    /// `human_trafficking` course; none for a `family_violence` course.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeSet<TrainingTopic>))]
    pub topics: Vec<TrainingTopic>,
    /// `human_trafficking` (default) or `family_violence` (Sec. 3(7)).
    #[serde(default)]
    pub subject: CourseSubject,
    /// `initial`, `refresher` or `either` (default): the initial deadline is
    /// met by `initial` or `either` courses, a refresher by any kind.
    #[serde(default)]
    pub kind: CourseKind,
    /// `http://` or `https://` URL of the recording, at most 2,000 characters.
    #[serde(default)]
    pub recording_url: Option<String>,
    /// How agencies adapt the course; at most 50.
    #[serde(default)]
    pub adaptations: Vec<Adaptation>,
}

/// An agency's adaptation of a course.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Adaptation {
    /// Agency code.
    pub agency: String,
    /// 1–2,000 characters.
    pub description: String,
}

/// A course whose every field passed; ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCourse {
    pub code: String,
    pub title: String,
    pub version: String,
    pub format: CourseFormat,
    pub duration_minutes: i32,
    pub recording_url: Option<String>,
    pub topics: Vec<TrainingTopic>,
    pub subject: CourseSubject,
    pub kind: CourseKind,
    pub adaptations: Vec<Adaptation>,
}

/// Every broken rule of a new course, or the course.
pub fn check_course(body: &NewCourseRequest) -> Result<CheckedCourse, Vec<ValidationError>> {
    let mut errors: Vec<ValidationError> = Vec::new();
    let code = reference("/code", &body.code, &mut errors);
    let title = text("/title", &body.title, 200, &mut errors);
    let version = text("/version", &body.version, 32, &mut errors);
    let duration_minutes = i32::try_from(body.duration_minutes).ok().filter(|_| DURATION_MINUTES.contains(&body.duration_minutes));
    if duration_minutes.is_none() {
        errors.push(ValidationError::new("/duration_minutes", ErrorCode::Range, "Must be between 1 and 600."));
    }
    match body.subject {
        CourseSubject::HumanTrafficking if body.topics.is_empty() || body.topics.len() > MAX_TOPICS => {
            errors.push(ValidationError::new("/topics", ErrorCode::Length, "Must list between 1 and 4 topics."));
        }
        // The four topics are the human-trafficking curriculum's (Sec. 1(c));
        // a family-violence course covering them would count as trafficking training.
        CourseSubject::FamilyViolence if !body.topics.is_empty() => {
            errors.push(ValidationError::new("/topics", ErrorCode::NotAllowed, "A family_violence course lists no human-trafficking topics."));
        }
        _ => {}
    }
    for (i, t) in body.topics.iter().enumerate() {
        if body.topics[..i].contains(t) {
            errors.push(ValidationError::new(format!("/topics/{i}"), ErrorCode::Duplicate, "Lists the same code more than once."));
        }
    }
    if let Some(url) = &body.recording_url {
        if !is_url(url) {
            errors.push(ValidationError::new("/recording_url", ErrorCode::Format, "Must be an http:// or https:// URL of at most 2,000 characters."));
        }
    }
    if body.adaptations.len() > MAX_ADAPTATIONS {
        errors.push(ValidationError::new("/adaptations", ErrorCode::Length, "Must list at most 50 adaptations."));
    }
    let mut adaptations = Vec::new();
    for (i, a) in body.adaptations.iter().enumerate() {
        let agency = agency_code(&format!("/adaptations/{i}/agency"), &a.agency, &mut errors);
        let description = text(&format!("/adaptations/{i}/description"), &a.description, 2000, &mut errors);
        if let (Some(agency), Some(description)) = (agency, description) {
            adaptations.push(Adaptation { agency, description });
        }
    }
    match (code, title, version, duration_minutes) {
        (Some(code), Some(title), Some(version), Some(duration_minutes)) if errors.is_empty() => Ok(CheckedCourse {
            code,
            title,
            version,
            format: body.format,
            duration_minutes,
            recording_url: body.recording_url.clone(),
            topics: body.topics.clone(),
            subject: body.subject,
            kind: body.kind,
            adaptations,
        }),
        _ => Err(errors),
    }
}
