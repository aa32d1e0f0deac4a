use crate::db::training::{self as store, CourseRow, NewCourse};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use beacon_core::fields::{agency_code, reference, text};
use crate::security::audit::event;
use crate::security::audit;
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::training::{CourseFormat, TrainingTopic};
use beacon_core::{ErrorCode, ValidationError};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

/// A course of the curriculum (Sec. 1(c)).
#[derive(Debug, Deserialize, ToSchema)]
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
    /// The curriculum topics it covers: 1–4, no repeats.
    pub topics: Vec<TrainingTopic>,
    /// `http://` or `https://` URL of the recording, at most 2,000 characters.
    #[serde(default)]
    pub recording_url: Option<String>,
    /// How agencies adapt the course; at most 50.
    #[serde(default)]
    pub adaptations: Vec<Adaptation>,
}

/// An agency's adaptation of a course.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Adaptation {
    /// Agency code.
    pub agency: String,
    /// 1–2,000 characters.
    pub description: String,
}

fn check(body: &NewCourseRequest) -> Result<NewCourse, ApiError> {
    let mut errors: Vec<ValidationError> = Vec::new();
    let code = reference("/code", &body.code, &mut errors);
    let title = text("/title", &body.title, 200, &mut errors);
    let version = text("/version", &body.version, 32, &mut errors);
    if !(1..=600).contains(&body.duration_minutes) {
        errors.push(ValidationError::new("/duration_minutes", ErrorCode::Range, "Must be between 1 and 600."));
    }
    if body.topics.is_empty() || body.topics.len() > 4 {
        errors.push(ValidationError::new("/topics", ErrorCode::Length, "Must list between 1 and 4 topics."));
    }
    for (i, t) in body.topics.iter().enumerate() {
        if body.topics[..i].contains(t) {
            errors.push(ValidationError::new(format!("/topics/{i}"), ErrorCode::Duplicate, "Lists the same code more than once."));
        }
    }
    if let Some(url) = &body.recording_url {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() > "https://".len()
            && url.chars().count() <= 2000
            && !url.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            errors.push(ValidationError::new("/recording_url", ErrorCode::Format, "Must be an http:// or https:// URL of at most 2,000 characters."));
        }
    }
    if body.adaptations.len() > 50 {
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
    let (Some(code), Some(title), Some(version), true) = (code, title, version, errors.is_empty()) else {
        return Err(ApiError::Invalid(errors));
    };
    Ok(NewCourse {
        id: Uuid::new_v4(),
        code,
        title,
        version,
        format: body.format.to_string(),
        duration_minutes: i32::try_from(body.duration_minutes).map_err(ApiError::internal)?,
        recording_url: body.recording_url.clone(),
        topics: body.topics.iter().map(ToString::to_string).collect(),
        adaptations: serde_json::to_value(adaptations).map_err(ApiError::internal)?,
    })
}

/// Add a course to the curriculum.
///
/// A body that cannot be read reports its first structural error (an unknown
/// member, a `format` or topic that is not a code); otherwise every broken rule
/// is listed. A course code already in use is a 409.
#[utoipa::path(
    tag = "training",
    request_body = NewCourseRequest,
    responses(
        (status = 201, body = CourseRow),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The course code is taken (`duplicate_course_code`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/training/courses")]
pub async fn create_course(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let body: NewCourseRequest =
        beacon_core::contract::read::read_json_objects(&text, &["", "/adaptations/*"]).map_err(|e| rejected(vec![e]))?;
    let new = check(&body)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let Some(row) = store::insert_course(conn, &new).await? else {
                return Ok(None);
            };
            audit::append(conn, event(&principal, &request_id, "course.create", "course", Some(row.id.to_string()))).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?
        .ok_or(ApiError::Conflict(crate::error::Conflict::DuplicateCourseCode))?;
    Ok(HttpResponse::Created().json(row))
}
