use crate::clock::Clock;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::seal::incident_rows;
use beacon_core::incident::IncidentCreated;
use crate::security::audit::{self, Event};
use crate::security::crypto::Envelope;
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::{ErrorCode, ValidationError};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use beacon_core::intake::access::{identifying_overrides, Convert};
use beacon_core::intake::convert::{convert_submission, SubmissionFacts};
use serde_json::{Map, Value};
use tracing_actix_web::RequestId;
use uuid::Uuid;

/// Turn an intake submission into an incident report.
///
/// The body is a JSON object of incident (contract v1) members; they override
/// what is taken from the submission: `town`, `trafficking_types` (its concern
/// types other than `unsure`), one victim of unknown sex with its `needs` and
/// `preferred_language` and its age group as `age_band` (none for `unknown`),
/// `dcf_notified` (recorded notification), `status`
/// `suspected`, and `incident_date`/`reported_date` (today). At least
/// `reporting_agency` must be given. The result is validated exactly like
/// `POST /v1/incidents`; errors point into the merged report. Overrides that
/// drop or change the submission's age band, or turn a recorded DCF
/// notification false, are refused (`contradicts_submission`). Sealed contact
/// details stay with the submission and are not copied. Without the person's
/// consent to share in force, the conversion may not name them: a `narrative`
/// or a victim's `identity` is refused (403). DCF's response recorded on the
/// submission goes with it to the incident.
#[utoipa::path(
    tag = "intake",
    params(("id" = Uuid, Path, description = "Submission id")),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 201, body = IncidentCreated),
        (status = 403, description = "Identity given without the person's consent", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already converted", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/intake/{id}/convert")]
#[allow(clippy::too_many_arguments)]
pub async fn convert_intake(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    envelope: web::Data<Envelope>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let overrides: Map<String, Value> = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            return Err(rejected(vec![ValidationError::new("", ErrorCode::InvalidType, "Has the wrong type: expected an object of incident members.")]))
        }
        Err(_) => return Err(rejected(vec![ValidationError::new("", ErrorCode::InvalidJson, "The request body is not valid JSON.")])),
    };
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let submission = db::intake::get(conn, id).await?.ok_or(ApiError::NotFound)?;
    match super::view::sight_of(&principal, &submission).convert {
        Convert::Never => return Err(ApiError::NotFound),
        Convert::DeIdentified => {
            let named = identifying_overrides(&overrides);
            if !named.is_empty() {
                return Err(ApiError::NotYours(named));
            }
        }
        Convert::WithIdentity => {}
    }
    if submission.converted_incident_id.is_some() {
        return Err(ApiError::Conflict(crate::error::Conflict::AlreadyConverted));
    }
    // A stored age group we cannot read is our bug, not "unknown": reading it
    // as unknown would drop a minor silently.
    let age_group = submission
        .age_group
        .parse()
        .map_err(|()| ApiError::internal("stored intake age_group is not a code"))?;
    let today = clock.today();
    let facts = SubmissionFacts {
        dcf_notified: submission.dcf_notified_at.is_some(),
        age_group,
        concern_types: submission.concern_types,
        needs: submission.needs,
        town: submission.town,
        preferred_language: submission.preferred_language,
    };
    let incident = convert_submission(&facts, overrides, today).map_err(rejected)?;
    let incident_id = Uuid::new_v4();
    let (row, victims) = incident_rows(incident_id, principal.account_id, &incident, &envelope)?;
    let converted = conn
        .transaction(async |conn| {
            let received_at = db::incidents::insert(conn, row, victims).await?;
            // Another conversion committed since the read above: this one's incident goes.
            if db::intake::mark_converted(conn, id, incident_id, principal.now).await? == 0 {
                return Err(diesel::result::Error::RollbackTransaction);
            }
            db::dcf::copy_to_incident(conn, id, incident_id).await?;
            for (action, resource, rid) in [("incident.create", "incident", incident_id), ("intake.convert", "intake", id)] {
                let event = Event::by(&principal, &request_id, action, resource, rid);
                audit::append(conn, event).await?;
            }
            Ok::<_, diesel::result::Error>(received_at)
        })
        .await;
    let received_at = match converted {
        Err(diesel::result::Error::RollbackTransaction) => return Err(ApiError::Conflict(crate::error::Conflict::AlreadyConverted)),
        other => other?,
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/incidents/{incident_id}")))
        .json(IncidentCreated {
            id: incident_id,
            received_at,
            derived: incident.derived,
        }))
}
