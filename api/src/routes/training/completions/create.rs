use crate::db::training::{self as store, NewCompletion};
use crate::routes::training::view::CompletionView;
use beacon_core::ValidationError;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::routes::training::workforce::get::visible_person;
use beacon_core::fields::reference;
use beacon_core::training::completion::completed_on;
use crate::security::audit::Event;
use crate::clock::Clock;
use crate::security::audit;
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::ErrorCode;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

/// A course completed by a workforce member. Name the course by `course_code`
/// or by `course_id` (exactly one).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCompletionRequest {
    /// The workforce member.
    #[schema(value_type = Uuid)]
    pub person_id: String,
    /// The course's code.
    #[serde(default)]
    pub course_code: Option<String>,
    /// The course's id.
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    pub course_id: Option<String>,
    /// `YYYY-MM-DD`, not after today.
    pub completed_on: String,
}

/// Record a completion. Its topics are the course's. A person the caller may
/// not manage (another agency's, for a reporter) is a 404.
#[utoipa::path(
    tag = "training",
    request_body = NewCompletionRequest,
    responses(
        (status = 201, body = CompletionView),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person the caller manages", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule; an unknown course is `unknown_code`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[post("/training/completions")]
pub async fn create_completion(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let body: NewCompletionRequest = beacon_core::contract::read::read_json_objects(&text, &[""]).map_err(|e| rejected(vec![e]))?;
    let mut errors = Vec::new();
    if Uuid::parse_str(&body.person_id).is_err() {
        errors.push(ValidationError::new("/person_id", ErrorCode::Format, "Must be a workforce member's id (a UUID)."));
    }
    match (&body.course_code, &body.course_id) {
        (Some(code), None) => {
            reference("/course_code", code, &mut errors);
        }
        (None, Some(id)) => {
            if Uuid::parse_str(id).is_err() {
                errors.push(ValidationError::new("/course_id", ErrorCode::Format, "Must be a course id (a UUID)."));
            }
        }
        (None, None) => errors.push(ValidationError::new("/course_code", ErrorCode::Required, "`course_code` (or `course_id`) is required.")),
        (Some(_), Some(_)) => errors.push(ValidationError::new("/course_id", ErrorCode::NotAllowed, "Give course_code or course_id, not both.")),
    }
    let completed_on = completed_on("/completed_on", &body.completed_on, clock.today(), &mut errors);
    let Some(completed_on) = completed_on.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Invalid(errors));
    };
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let person = visible_person(conn, &principal, Uuid::parse_str(&body.person_id).map_err(ApiError::internal)?).await?;
    let course = match (&body.course_code, &body.course_id) {
        (Some(code), _) => store::course_by_code(conn, code).await?,
        (_, Some(id)) => store::course_by_id(conn, Uuid::parse_str(id).map_err(ApiError::internal)?).await?,
        (None, None) => None,
    };
    let Some(course) = course else {
        let path = if body.course_code.is_some() { "/course_code" } else { "/course_id" };
        return Err(ApiError::Invalid(vec![ValidationError::new(path, ErrorCode::UnknownCode, "No such course (see GET /v1/training/courses).")]));
    };
    let new = NewCompletion {
        id: Uuid::new_v4(),
        person_id: person.id,
        course_id: Some(course.id),
        completed_on,
        topics: course.topics.clone(),
        source: "api".into(),
        statement_id: None,
        voided: false,
    };
    let row = conn
        .transaction(async |conn| {
            let row = store::insert_completion(conn, &new).await?;
            audit::append(conn, Event::by(&principal, &request_id, "completion.create", "completion", row.id.to_string())).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(CompletionView::from(row)))
}
