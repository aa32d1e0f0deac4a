use crate::db::training::{self as store, NewCompletion};
use crate::routes::training::view::CompletionView;
use beacon_core::ValidationError;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::routes::training::workforce::get::visible_person;
use beacon_core::training::completion::{check_request, CourseRef, NewCompletionRequest};
use crate::security::audit::Event;
use crate::clock::Clock;
use crate::security::audit;
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::ErrorCode;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;
use uuid::Uuid;

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
    let checked = check_request(&body, clock.today()).map_err(ApiError::Invalid)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let person = visible_person(conn, &principal, checked.person_id).await?;
    let course = match &checked.course {
        CourseRef::Code(code) => store::course_by_code(conn, code).await?,
        CourseRef::Id(id) => store::course_by_id(conn, *id).await?,
    };
    let Some(course) = course else {
        return Err(ApiError::Invalid(vec![ValidationError::new(checked.course.path(), ErrorCode::UnknownCode, "No such course (see GET /v1/training/courses).")]));
    };
    let new = NewCompletion {
        id: Uuid::new_v4(),
        person_id: person.id,
        course_id: Some(course.id),
        completed_on: checked.completed_on,
        topics: course.topics.clone(),
        source: "api".into(),
        statement_id: None,
        voided: false,
        subject: course.subject.clone(),
        kind: course.kind.clone(),
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
