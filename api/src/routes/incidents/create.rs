use super::view::IncidentCreated;
use crate::clock::Clock;
use crate::db::incidents::{NewIncident, NewVictim};
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::crypto::{field_aad, Envelope};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::reference::codes::CodeList;
use beacon_core::incident::IncidentReportWire;
use beacon_core::{check_incident, Incident};
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
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks the contract: every error listed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["reporter"]))
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
    let id = Uuid::new_v4();
    let (row, victims) = seal_rows(id, principal.account_id, &incident, &envelope)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let received_at = conn
        .transaction(async |conn| {
            let received_at = db::incidents::insert(conn, row, victims).await?;
            let event = Event::success(&principal, "incident.create", "incident", id, &request_id);
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

fn codes<T: CodeList>(items: &[T]) -> Vec<String> {
    items.iter().map(|c| c.code().to_string()).collect()
}

pub(crate) fn seal_rows(
    id: Uuid,
    account_id: Uuid,
    incident: &Incident,
    envelope: &Envelope,
) -> Result<(NewIncident, Vec<NewVictim>), ApiError> {
    let (key, wrapped) = envelope.new_record_key(id).map_err(ApiError::internal)?;
    let narrative_sealed = incident
        .narrative
        .as_ref()
        .map(|n| key.seal(&field_aad("incidents", id, "narrative"), n.expose().as_bytes()))
        .transpose()
        .map_err(ApiError::internal)?;
    let mut victims = Vec::with_capacity(incident.victims.len());
    for (ordinal, v) in incident.victims.iter().enumerate() {
        let victim_id = Uuid::new_v4();
        let identity_index = v.identity.as_ref().and_then(|i| envelope.identity_index(i.expose()));
        let identity_sealed = match &v.identity {
            Some(identity) => {
                let plain = serde_json::to_vec(identity.expose()).map_err(ApiError::internal)?;
                Some(
                    key.seal(&field_aad("victims", victim_id, "identity"), &plain)
                        .map_err(ApiError::internal)?,
                )
            }
            None => None,
        };
        victims.push(NewVictim {
            id: victim_id,
            incident_id: id,
            ordinal: i32::try_from(ordinal).map_err(ApiError::internal)?,
            age: v.age.map(i16::from),
            sex: v.sex.code().to_string(),
            citizenship: v.citizenship.map(|c| c.code().to_string()),
            language: v.language.clone(),
            relationship_to_trafficker: v.relationship_to_trafficker.map(|r| r.code().to_string()),
            services_needed: codes(&v.services_needed),
            minor: v.minor,
            identity_sealed,
            identity_index,
        });
    }
    let d = &incident.derived;
    let row = NewIncident {
        id,
        account_id,
        schema_version: beacon_core::SCHEMA_VERSION.to_string(),
        reporting_agency: incident.reporting_agency.code().to_string(),
        agency_case_ref: incident.agency_case_ref.clone(),
        status: incident.status.code().to_string(),
        incident_date: incident.incident_date,
        reported_date: incident.reported_date,
        town: d.town.clone(),
        county: d.county.clone(),
        planning_region: d.planning_region.clone(),
        judicial_district: d.judicial_district.clone(),
        dcf_region: d.dcf_region.map(i16::from),
        trafficking_types: codes(&incident.trafficking_types),
        nibrs_offenses: d.nibrs_offenses.clone(),
        venue: incident.venue.map(|v| v.code().to_string()),
        control_methods: codes(&incident.control_methods),
        dcf_notified: incident.dcf_notified,
        law_enforcement_agency: incident.law_enforcement_agency.clone(),
        minor_involved: d.minor_involved,
        victim_count: i32::try_from(incident.victims.len()).map_err(ApiError::internal)?,
        key_id: envelope.key_id().to_string(),
        wrapped_data_key: wrapped,
        narrative_sealed,
    };
    Ok((row, victims))
}
