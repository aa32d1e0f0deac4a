//! What the training routes answer: views of the stored rows, so a column
//! added to a table does not silently become part of the API.

use crate::db::training::{CompletionRow, CourseRow, PersonRow};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A workforce member.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    pub id: Uuid,
    /// The Foundation agency code of the agency the person works for or is contracted by.
    #[schema(value_type = beacon_core::reference::codes::Agency)]
    pub agency: String,
    #[schema(value_type = beacon_core::training::Population)]
    pub population: String,
    /// The agency's own reference for the person; unique within the agency.
    pub employee_ref: String,
    pub name: Option<String>,
    /// `social_worker_trainee` (the caseload rule applies) or free text.
    pub role: Option<String>,
    /// The day the six-month clock starts.
    pub start_date: NaiveDate,
    pub active: bool,
    /// The Connecticut town of the office the person works from (its name as
    /// in `GET /v1/codes`); places the person in the report's regions.
    pub town: Option<String>,
    /// The DCF-contracted provider the person works for: their six months run
    /// from its contract start (Sec. 4(b)).
    pub provider_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PersonRow> for PersonView {
    fn from(r: PersonRow) -> Self {
        Self {
            id: r.id,
            agency: r.agency,
            population: r.population,
            employee_ref: r.employee_ref,
            name: r.name,
            role: r.role,
            start_date: r.start_date,
            active: r.active,
            town: r.town,
            provider_id: r.provider_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A course of the curriculum.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CourseView {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub version: String,
    #[schema(value_type = beacon_core::training::CourseFormat)]
    pub format: String,
    pub duration_minutes: i32,
    pub recording_url: Option<String>,
    /// The curriculum topics it covers.
    #[schema(value_type = Vec<beacon_core::training::TrainingTopic>)]
    pub topics: Vec<String>,
    /// Agencies' adaptations of the course.
    #[schema(value_type = Vec<beacon_core::training::course::Adaptation>)]
    pub adaptations: serde_json::Value,
    #[schema(value_type = beacon_core::training::CourseSubject)]
    pub subject: String,
    #[schema(value_type = beacon_core::training::CourseKind)]
    pub kind: String,
    pub created_at: DateTime<Utc>,
}

impl From<CourseRow> for CourseView {
    fn from(r: CourseRow) -> Self {
        Self {
            id: r.id,
            code: r.code,
            title: r.title,
            version: r.version,
            format: r.format,
            duration_minutes: r.duration_minutes,
            recording_url: r.recording_url,
            topics: r.topics,
            adaptations: r.adaptations,
            subject: r.subject,
            kind: r.kind,
            created_at: r.created_at,
        }
    }
}

/// A recorded completion.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompletionView {
    pub id: Uuid,
    pub person_id: Uuid,
    pub course_id: Option<Uuid>,
    pub completed_on: NaiveDate,
    /// The topics it covers, copied from the course when recorded.
    #[schema(value_type = Vec<beacon_core::training::TrainingTopic>)]
    pub topics: Vec<String>,
    /// `api`, `csv` or `xapi`.
    pub source: String,
    /// The xAPI statement that recorded it.
    pub statement_id: Option<String>,
    /// Retracted by an xAPI `voided` statement: no longer counts.
    pub voided: bool,
    /// The course's subject and kind, copied when recorded.
    #[schema(value_type = beacon_core::training::CourseSubject)]
    pub subject: String,
    #[schema(value_type = beacon_core::training::CourseKind)]
    pub kind: String,
    pub created_at: DateTime<Utc>,
}

impl From<CompletionRow> for CompletionView {
    fn from(r: CompletionRow) -> Self {
        Self {
            id: r.id,
            person_id: r.person_id,
            course_id: r.course_id,
            completed_on: r.completed_on,
            topics: r.topics,
            source: r.source,
            statement_id: r.statement_id,
            voided: r.voided,
            subject: r.subject,
            kind: r.kind,
            created_at: r.created_at,
        }
    }
}

/// Rows as their views.
pub fn views<R, V: From<R>>(rows: Vec<R>) -> Vec<V> {
    rows.into_iter().map(V::from).collect()
}
