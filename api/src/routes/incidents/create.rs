use crate::clock::Clock;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::crypto::Envelope;
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::incident::IncidentReportWire;
use beacon_core::incident::IncidentCreated;
use beacon_core::check_incident;
use beacon_core::incident::filing::{check_filer, Filer, Filing};
use beacon_core::reference::codes::CodeList;
use crate::security::Role;
use crate::security::seal::incident_rows;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;
use uuid::Uuid;
use crate::security::audit::{self, Event};

/// Report a trafficking incident (contract v1).
///
/// The body is validated by the same compiled rules as the wasm module. A body
/// that cannot be read reports its first structural error; otherwise every
/// broken rule is listed. Sealed fields are encrypted before they are stored.
#[utoipa::path(
    tag = "incidents",
    request_body(content = IncidentReportWire, content_type = "application/json"),
    responses(
        (status = 201, body = IncidentCreated, headers(("Location" = String, description = "URL of the new incident"))),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A valid report for an agency this key does not report for (`errors` names `/reporting_agency`), or a role that may not report", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks the contract: every error listed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["reporter", "coordinator"]))
)]
#[post("/incidents")]
pub async fn create_incident(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    envelope: web::Data<Envelope>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let incident = check_incident(&text, clock.today()).map_err(rejected)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let own_agency = match principal.role {
        Role::Coordinator => None,
        _ => db::training::account_agency(conn, principal.account_id).await?,
    };
    let filer = match principal.role {
        Role::Coordinator => Filer::Coordinator,
        _ => Filer::Reporter(own_agency.as_deref()),
    };
    let filing = check_filer(filer, incident.reporting_agency).map_err(|e| ApiError::NotYours(vec![e]))?;
    let id = Uuid::new_v4();
    let (row, victims) = incident_rows(id, principal.account_id, &incident, &envelope)?;
    let received_at = conn
        .transaction(async |conn| {
            let received_at = db::incidents::insert(conn, row, victims).await?;
            let mut event = Event::by(&principal, &request_id, "incident.create", "incident", id);
            if filing == Filing::OnBehalf {
                event = event.because(format!("filed on behalf of {}", incident.reporting_agency.code()));
            }
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(received_at)
        })
        .await?;
    tracing::info!(incident = %id, account = %principal.account_id, "incident reported");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/incidents/{id}")))
        .json(IncidentCreated {
            id,
            received_at,
            derived: incident.derived,
        }))
}
