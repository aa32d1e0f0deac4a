//! Correcting and withdrawing an incident: the stored report patched and checked again by core
//! (`beacon_core::incident::correction`), stored under `If-Match`, its history and audit entry
//! written in the same transaction.

use super::get::open;
use super::view::{IncidentView, SealedView};
use crate::clock::Clock;
use crate::db::incidents::{IncidentRow, VersionRow, VictimRow};
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::http::precondition::{etag, expected_version, still_current};
use crate::security::audit::{self, Event};
use crate::security::crypto::Envelope;
use crate::security::seal::incident_rows;
use crate::security::{Principal, Role};
use actix_web::http::header;
use actix_web::{patch, web, HttpRequest, HttpResponse};
use beacon_core::incident::correction::{check_purged, correct, read_patch, Refused, WithdrawalChange};
use beacon_core::incident::filing::Filer;
use beacon_core::reference::codes::CodeList;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::{Map, Value};
use tracing_actix_web::RequestId;

/// Correct or withdraw an incident.
///
/// The body is a JSON merge patch (RFC 7396) of the report as filed (contract v1): the members
/// sent replace the report's, `null` removes an optional one, and a list (`victims` too) is
/// replaced whole. The corrected report must pass every rule a new report does (422, every
/// error listed, nothing changed). One more member, `withdrawn`, is the record's state rather
/// than the report's: `{"reason": "duplicate" | "not_trafficking" | "entered_in_error"}`
/// withdraws the report (kept, marked, counted in no statistic), `null` reinstates it.
///
/// `If-Match` must carry the `ETag` of `GET /v1/incidents/{id}`: a stale one is a 412, none a
/// 428. A reporter corrects only its own account's incidents (another's is a 404) and may not
/// move one to another agency (403 naming `/reporting_agency`). Every change is audited and
/// added to the history (`GET /v1/incidents/{id}/versions`) by the names of the fields that
/// changed; of a sealed field, only that it changed.
#[utoipa::path(
    tag = "incidents",
    params(
        ("id" = Uuid, Path, description = "Incident id"),
        ("If-Match" = String, Header, description = "The incident's ETag, e.g. \"1\""),
    ),
    request_body(content = serde_json::Value, description = "Any members of the report (contract v1); `null` removes an optional one; \
        `withdrawn`: `{\"reason\": code}` or `null`", content_type = "application/merge-patch+json"),
    responses(
        (status = 200, body = IncidentView, headers(("ETag" = String, description = "The incident's new version"))),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A reporter moving the report to another agency (`errors` names `/reporting_agency`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match is not the current ETag", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The corrected report breaks the contract: every error listed; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["reporter", "coordinator"]))
)]
#[patch("/incidents/{id}")]
#[allow(clippy::too_many_arguments)] // actix extractors, one per thing the handler needs
pub async fn correct_incident(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    envelope: web::Data<Envelope>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let expected = expected_version(&req)?;
    let patch = read_patch(&json_text(&req, payload).await?).map_err(rejected)?;
    let scope = (principal.role == Role::Reporter).then_some(principal.account_id);
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let (row, victims) = db::incidents::get(conn, id, scope).await?.ok_or(ApiError::NotFound)?;
    still_current(row.version, expected)?;
    let filer_agency = match principal.role {
        Role::Coordinator => None,
        _ => db::training::account_agency(conn, principal.account_id).await?,
    };
    let filer = match principal.role {
        Role::Coordinator => Filer::Coordinator,
        _ => Filer::Reporter(filer_agency.as_deref()),
    };
    // The stored report with its sealed fields, opened only to be checked again and sealed
    // anew; it never leaves this function, and the audit entry below records the change.
    let sealed = open(&envelope, id, db::incidents::sealed_columns(conn, id).await?)?;
    let stored = stored_report(&row, &victims, &sealed);
    let corrected = correct(&stored, &patch.report, filer, clock.today()).map_err(|refused| match refused {
        Refused::Invalid(errors) => rejected(errors),
        Refused::NotYours(e) => ApiError::NotYours(vec![e]),
        Refused::Stored(_) => ApiError::internal(format!("stored incident {id} no longer passes the contract")),
    })?;
    if row.sealed_purged_at.is_some() {
        check_purged(&corrected.incident).map_err(ApiError::Invalid)?;
    }
    let withdrawal = match patch.withdrawn {
        WithdrawalChange::Withdraw(reason) if row.withdrawn_reason.as_deref() != Some(reason.code()) => Some(Some(reason)),
        WithdrawalChange::Reinstate if row.withdrawn_at.is_some() => Some(None),
        _ => None,
    };
    if corrected.changed.is_empty() && withdrawal.is_none() {
        return respond(row, victims);
    }
    let now = clock.now();
    let action = match withdrawal {
        Some(Some(_)) => "withdrawn",
        Some(None) => "reinstated",
        None => "corrected",
    };
    let report = if corrected.changed.is_empty() {
        None
    } else {
        Some(incident_rows(id, row.account_id, &corrected.incident, &envelope)?)
    };
    let changed = corrected.changed;
    let updated = conn
        .transaction(async |conn| {
            let Some(version) = db::incidents::next_version(conn, id, expected).await? else {
                return Ok(None);
            };
            if let Some((incident, new_victims)) = &report {
                db::incidents::replace_report(conn, id, incident, new_victims).await?;
            }
            if let Some(w) = withdrawal {
                db::incidents::set_withdrawn(conn, id, w.map(|reason| (reason.code(), now))).await?;
            }
            let entry = VersionRow {
                incident_id: id,
                version,
                changed_at: now,
                key_id: Some(principal.key_id),
                account_id: Some(principal.account_id),
                role: principal.role.as_str().to_string(),
                action: action.to_string(),
                changed_fields: changed.clone(),
                withdrawn_reason: withdrawal.flatten().map(|r| r.code().to_string()),
            };
            db::incidents::insert_version(conn, &entry).await?;
            let mut why = Vec::new();
            if let Some(Some(reason)) = withdrawal {
                why.push(format!("reason {}", reason.code()));
            }
            if !changed.is_empty() {
                why.push(format!("changed {}", changed.join(", ")));
            }
            let mut event = Event::by(&principal, &request_id, &format!("incident.{}", audit_action(action)), "incident", id);
            if !why.is_empty() {
                event = event.because(why.join("; "));
            }
            audit::append(conn, event).await?;
            db::incidents::get(conn, id, None).await
        })
        .await?;
    let (row, victims) = updated.ok_or(ApiError::PreconditionFailed)?;
    tracing::info!(incident = %id, action, "incident changed");
    respond(row, victims)
}

fn audit_action(action: &str) -> &'static str {
    match action {
        "withdrawn" => "withdraw",
        "reinstated" => "reinstate",
        _ => "correct",
    }
}

fn respond(row: IncidentRow, victims: Vec<VictimRow>) -> Result<HttpResponse, ApiError> {
    let version = row.version;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((header::ETAG, etag(version)))
        .json(IncidentView::from_rows(row, Some(victims))))
}

/// The report as stored, in the contract's wire form (core makes it canonical).
fn stored_report(row: &IncidentRow, victims: &[VictimRow], sealed: &SealedView) -> Value {
    let mut out = Map::new();
    out.insert("reporting_agency".into(), row.reporting_agency.clone().into());
    put(&mut out, "agency_case_ref", row.agency_case_ref.clone().map(Value::from));
    out.insert("status".into(), row.status.clone().into());
    out.insert("incident_date".into(), row.incident_date.format("%Y-%m-%d").to_string().into());
    out.insert("reported_date".into(), row.reported_date.format("%Y-%m-%d").to_string().into());
    out.insert("town".into(), row.town.clone().into());
    out.insert("trafficking_types".into(), row.trafficking_types.clone().into());
    put(&mut out, "venue", row.venue.clone().map(Value::from));
    out.insert("control_methods".into(), row.control_methods.clone().into());
    let victims: Vec<Value> = victims
        .iter()
        .map(|v| {
            let mut victim = Map::new();
            put(&mut victim, "age", v.age.map(Value::from));
            put(&mut victim, "age_band", v.age_band.clone().map(Value::from));
            victim.insert("sex".into(), v.sex.clone().into());
            put(&mut victim, "citizenship", v.citizenship.clone().map(Value::from));
            put(&mut victim, "language", v.language.clone().map(Value::from));
            put(&mut victim, "relationship_to_trafficker", v.relationship_to_trafficker.clone().map(Value::from));
            victim.insert("services_needed".into(), v.services_needed.clone().into());
            let identity = sealed
                .victims
                .iter()
                .find(|s| s.ordinal == v.ordinal)
                .and_then(|s| s.identity.as_ref())
                .and_then(|i| serde_json::to_value(i).ok())
                .map(without_nulls);
            put(&mut victim, "identity", identity);
            Value::Object(victim)
        })
        .collect();
    out.insert("victims".into(), Value::Array(victims));
    out.insert("dcf_notified".into(), row.dcf_notified.into());
    put(&mut out, "law_enforcement_agency", row.law_enforcement_agency.clone().map(Value::from));
    put(&mut out, "narrative", sealed.narrative.clone().map(Value::from));
    Value::Object(out)
}

fn put(out: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        out.insert(key.into(), v);
    }
}

fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        other => other,
    }
}
