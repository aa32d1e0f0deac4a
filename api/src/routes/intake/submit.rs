use crate::clock::Clock;
use crate::db::intake::{NewSubmission, Receipt};
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::{self, Event};
use crate::security::crypto::{field_aad, Envelope};
use crate::security::Principal;
use crate::edge::intake_budget::{self, IntakeBudgets};
use crate::edge::rate_limit::{ClientIp, Refusal};
use actix_web::http::header;
use actix_web::{post, web, HttpMessage, HttpRequest, HttpResponse};
use std::net::{IpAddr, Ipv4Addr};
use beacon_core::reference::codes::{code_strings, CodeList};
use beacon_core::intake::IntakeSubmissionWire;
use beacon_core::{check_intake, Intake};
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

/// All a partner's page gets back: nothing of the submission is echoed.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntakeReceipt {
    pub id: Uuid,
    /// A short code a person can read over the phone (no ambiguous characters).
    pub reference: String,
    pub received_at: DateTime<Utc>,
    /// The submission involves someone under 18: it joins the DCF notification queue.
    pub minor_involved: bool,
}

impl From<Receipt> for IntakeReceipt {
    fn from(r: Receipt) -> Self {
        IntakeReceipt {
            id: r.id,
            reference: r.reference,
            received_at: r.received_at,
            minor_involved: r.minor_involved,
        }
    }
}

fn idempotency_key(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().trim_matches('"').to_string())
        .unwrap_or_default();
    let visible = value.chars().all(|c| c.is_ascii_graphic());
    if value.is_empty() || value.len() > 255 || !visible {
        return Err(ApiError::IdempotencyKeyRequired);
    }
    Ok(value)
}

/// The request's `Origin` (lower-cased) when it is one bound to the presenting key
/// (`edge::intake_cors` adds the CORS answer headers). A missing or unbound one is a 403, unless
/// `BEACON_INTAKE_ORIGIN_TOLERANT` accepts it: then it is pushed onto `marks` for triage, and
/// `None` is answered, so every origin a script invents shares one per-origin budget.
fn bound_origin(
    req: &HttpRequest,
    principal: &Principal,
    tolerant: bool,
    marks: &mut Vec<String>,
) -> Result<Option<String>, ApiError> {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .map(|v| v.to_str().map(|o| o.trim_end_matches('/').to_ascii_lowercase()).unwrap_or_default());
    let Some(origin) = origin else {
        if !tolerant {
            return Err(ApiError::OriginNotAllowed);
        }
        marks.push(intake_budget::NO_ORIGIN.to_string());
        return Ok(None);
    };
    if !principal.origins.iter().any(|o| o.eq_ignore_ascii_case(&origin)) {
        if !tolerant {
            return Err(ApiError::OriginNotAllowed);
        }
        marks.push(intake_budget::ORIGIN_MISMATCH.to_string());
        return Ok(None);
    }
    Ok(Some(origin))
}

/// Submit an intake from a partner's embedded form.
///
/// Needs a partner's publishable key, used from an origin bound to it, and an
/// `Idempotency-Key`: a retry with the same key and body returns the same
/// receipt and writes nothing new; the same key with another body is a 422
/// `idempotency_key_reused`. Contact details and notes are sealed.
///
/// Intake has its own budgets, per client IP, per origin and per key, in stored submissions
/// per hour (`BEACON_INTAKE_PER_*`): a refused request spends none of them. Past one: 429 with
/// `Retry-After`, nothing stored. A submission whose request looked scripted is stored with
/// `scripted_reasons` for the coordinator's triage.
#[utoipa::path(
    tag = "intake",
    request_body(content = IntakeSubmissionWire, content_type = "application/json"),
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 255, description = "A fresh unique value per submission (1–255 visible ASCII characters), reused on retries")),
    responses(
        (status = 201, body = IntakeReceipt, headers(("Idempotent-Replayed" = String, description = "`true` when this answers a retry"))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a partner key, or an origin not bound to it", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["partner"]))
)]
#[post("/intake")]
#[allow(clippy::too_many_arguments)]
pub async fn submit_intake(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    envelope: web::Data<Envelope>,
    clock: web::Data<Clock>,
    budgets: web::Data<IntakeBudgets>,
) -> Result<HttpResponse, ApiError> {
    let mut marks = Vec::new();
    let origin = bound_origin(&req, &principal, budgets.origin_tolerant, &mut marks)?;
    let idempotency_key = idempotency_key(&req)?;
    let text = json_text(&req, payload).await?;
    let intake = check_intake(&text, clock.today()).map_err(rejected)?;
    let request_hash = Sha256::digest(text.as_bytes()).to_vec();
    let id = Uuid::new_v4();
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let mut reference = super::reference::new_reference();
    while db::intake::reference_taken(conn, &reference).await? {
        reference = super::reference::new_reference();
    }
    let client = req
        .extensions()
        .get::<ClientIp>()
        .map(|c| c.0)
        .or_else(|| req.peer_addr().map(|a| a.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if budgets.burst(client, principal.key_id) {
        marks.push(intake_budget::BURST.to_string());
    }
    let mut row = sealed_row(id, &principal, reference, idempotency_key, request_hash.clone(), &intake, &envelope)?;
    row.scripted_reasons = marks;
    let (receipt, inserted) = conn
        .transaction(async |conn| {
            let (receipt, inserted) = db::intake::insert_or_existing(conn, &row).await?;
            if inserted {
                // Charged only now that it is stored; a refusal rolls the row back.
                budgets.charge(client, origin.as_deref(), principal.key_id).map_err(Refusal::error)?;
                let event = Event::by(&principal, &request_id, "intake.submit", "intake", receipt.id);
                audit::append(conn, event).await?;
            }
            Ok::<_, ApiError>((receipt, inserted))
        })
        .await?;
    if !inserted && receipt.request_hash != request_hash {
        return Err(ApiError::IdempotencyKeyReused);
    }
    Ok(HttpResponse::Created()
        .insert_header(("Idempotent-Replayed", if inserted { "false" } else { "true" }))
        .json(IntakeReceipt::from(receipt)))
}


fn sealed_row(
    id: Uuid,
    principal: &Principal,
    reference: String,
    idempotency_key: String,
    request_hash: Vec<u8>,
    intake: &Intake,
    envelope: &Envelope,
) -> Result<NewSubmission, ApiError> {
    let (key, wrapped) = envelope.new_record_key(id).map_err(ApiError::internal)?;
    let contact_sealed = match &intake.contact {
        Some(contact) => {
            let plain = serde_json::to_vec(contact.expose()).map_err(ApiError::internal)?;
            Some(key.seal(&field_aad("intake_submissions", id, "contact"), &plain).map_err(ApiError::internal)?)
        }
        None => None,
    };
    let notes_sealed = intake
        .notes
        .as_ref()
        .map(|n| key.seal(&field_aad("intake_submissions", id, "notes"), n.expose().as_bytes()))
        .transpose()
        .map_err(ApiError::internal)?;
    let d = &intake.derived;
    Ok(NewSubmission {
        id,
        account_id: principal.account_id,
        api_key_id: principal.key_id,
        reference,
        idempotency_key,
        request_hash,
        received_at: principal.now,
        town: d.town.clone(),
        county: d.county.clone(),
        planning_region: d.planning_region.clone(),
        judicial_district: d.judicial_district.clone(),
        dcf_region: d.dcf_region.map(i16::from),
        concern_types: code_strings(&intake.concern_types),
        age_group: intake.age_group.code().to_string(),
        needs: code_strings(&intake.needs),
        safe_to_contact: intake.safe_to_contact,
        consent_to_share: intake.consent_to_share,
        preferred_language: intake.preferred_language.clone(),
        minor_involved: intake.minor_involved,
        key_id: envelope.key_id().to_string(),
        wrapped_data_key: wrapped,
        contact_sealed,
        notes_sealed,
        scripted_reasons: Vec::new(),
    })
}
