use super::get::visible_person;
use crate::clock::Clock;
use crate::db::training as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::facts::{person_facts, records};
use crate::http::body::{json_text, rejected};
use crate::security::audit;
use crate::security::audit::Event;
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::training::provider::{check_assignment, NewAssignmentRequest};
use beacon_core::training::{caseload_eligibility, counting, CaseloadEligibility};
use chrono::NaiveDate;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

/// A caseload assignment as recorded, and whether the person was eligible for
/// it that day (Sec. 3(7)).
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub id: Uuid,
    pub person_id: Uuid,
    pub assigned_on: NaiveDate,
    /// The caseload gate on `assigned_on`, from the completions on file now.
    pub eligibility: CaseloadEligibility,
}

/// Record that the person was assigned a caseload on `assigned_on`. Recorded
/// whether or not they were eligible (the record is what the caseload-gaps
/// list finds); the answer says which. The same day again is answered `200`
/// with the assignment already on file.
#[utoipa::path(
    tag = "workforce",
    params(("id" = Uuid, Path, description = "Person id")),
    request_body = NewAssignmentRequest,
    responses(
        (status = 201, body = AssignmentView),
        (status = 200, description = "Already on file for that day", body = AssignmentView),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule (`future_date` at `/assigned_on`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[post("/workforce/{id}/caseload-assignments")]
pub async fn create_assignment(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let body: NewAssignmentRequest = beacon_core::contract::read::read_json_objects(&text, &[""]).map_err(|e| rejected(vec![e]))?;
    let assigned_on = check_assignment(&body, clock.today()).map_err(ApiError::Invalid)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let person = visible_person(conn, &principal, id).await?;
    let (row, created) = conn
        .transaction(async |conn| {
            let (row, created) = store::insert_assignment(conn, person.id, assigned_on).await?;
            if created {
                audit::append(conn, Event::by(&principal, &request_id, "caseload.assign", "workforce", person.id.to_string())).await?;
            }
            Ok::<_, diesel::result::Error>((row, created))
        })
        .await?;
    let completions = counting(&records(&store::completions_of(conn, person.id).await?));
    let contract_start = store::contract_start_of(conn, &person).await?;
    let eligibility = caseload_eligibility(&person_facts(&person, contract_start)?, &completions, assigned_on);
    let view = AssignmentView { id: row.id, person_id: row.person_id, assigned_on: row.assigned_on, eligibility };
    Ok(if created { HttpResponse::Created().json(view) } else { HttpResponse::Ok().json(view) })
}
