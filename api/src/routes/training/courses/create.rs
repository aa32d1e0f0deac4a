use crate::db::training::{self as store, NewCourse};
use crate::routes::training::view::CourseView;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::Event;
use crate::security::audit;
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::training::course::{check_course, CheckedCourse, NewCourseRequest};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;
use uuid::Uuid;

/// The row of a course the core accepted, under a new id.
fn new_course(c: CheckedCourse) -> Result<NewCourse, ApiError> {
    Ok(NewCourse {
        id: Uuid::new_v4(),
        code: c.code,
        title: c.title,
        version: c.version,
        format: c.format.to_string(),
        duration_minutes: c.duration_minutes,
        recording_url: c.recording_url,
        topics: c.topics.iter().map(ToString::to_string).collect(),
        adaptations: serde_json::to_value(c.adaptations).map_err(ApiError::internal)?,
        subject: c.subject.to_string(),
        kind: c.kind.to_string(),
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
        (status = 201, body = CourseView),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The course code is taken (`duplicate_course_code`)", body = Problem, content_type = "application/problem+json"),
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
    let new = new_course(check_course(&body).map_err(ApiError::Invalid)?)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let Some(row) = store::insert_course(conn, &new).await? else {
                return Ok(None);
            };
            audit::append(conn, Event::by(&principal, &request_id, "course.create", "course", row.id.to_string())).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?
        .ok_or(ApiError::Conflict(crate::error::Conflict::DuplicateCourseCode))?;
    Ok(HttpResponse::Created().json(CourseView::from(row)))
}
