use super::view::{IncidentView, SealedView, VictimIdentity};
use crate::db::incidents::SealedColumns;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::security::audit::{self, Event};
use crate::security::crypto::{field_aad, Envelope};
use crate::security::{Principal, Role};
use actix_web::{get, web, HttpResponse};
use beacon_core::{ErrorCode, Identity, ValidationError};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::IntoParams;
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadParams {
    /// `identity`: also return the sealed fields (narrative, victims' identities). Coordinators only.
    #[param(value_type = Option<crate::http::query::Include>, inline)]
    pub include: Option<String>,
    /// Why the sealed fields are needed (10–500 characters); recorded in the audit trail.
    #[param(max_length = 500)]
    pub reason: Option<String>,
}

/// One incident, de-identified, with its `ETag` (its version) for the `If-Match` of a
/// correction. A reporter sees only its own account's incidents; another account's is a 404,
/// so existence is not revealed. A withdrawn incident is shown, marked `withdrawn`.
///
/// With `include=identity&reason=…` a coordinator also receives the sealed
/// fields, decrypted; the read is written to the audit trail in the same
/// transaction, so there is no read without its record.
#[utoipa::path(
    tag = "incidents",
    params(("id" = Uuid, Path, description = "Incident id"), ReadParams),
    responses(
        (status = 200, body = IncidentView, headers(("ETag" = String, description = "The incident's version, for If-Match"))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` missing or of the wrong length", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["reporter", "coordinator"]))
)]
#[get("/incidents/{id}")]
pub async fn get_incident(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    params: crate::http::query::Query<ReadParams>,
    pool: web::Data<DbPool>,
    envelope: web::Data<Envelope>,
) -> Result<HttpResponse, ApiError> {
    let sealed_reason = sealed_request(&principal, &params)?;
    let scope = (principal.role == Role::Reporter).then_some(principal.account_id);
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let view = conn
        .transaction(async |conn| {
            let Some((row, victims)) = db::incidents::get(conn, id, scope).await? else {
                return Ok(None);
            };
            let mut view = IncidentView::from_rows(row, Some(victims));
            if let Some(reason) = &sealed_reason {
                let columns = db::incidents::sealed_columns(conn, id).await?;
                view.sealed = Some(open(&envelope, id, columns)?);
                let event = Event::by(&principal, &request_id, "incident.read_sealed", "incident", id).because(reason.clone());
                audit::append(conn, event).await?;
            }
            Ok::<_, ApiError>(Some(view))
        })
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((actix_web::http::header::ETAG, crate::http::precondition::etag(view.version)))
        .json(view))
}

/// `Some(reason)` when the caller asks for sealed fields and may have them.
fn sealed_request(principal: &Principal, params: &ReadParams) -> Result<Option<String>, ApiError> {
    match params.include.as_deref() {
        None => return Ok(None),
        Some("identity") => {}
        Some(_) => {
            return Err(ApiError::BadQuery(vec![ValidationError::new(
                "/include",
                ErrorCode::UnknownCode,
                "The only value is `identity`.",
            )]))
        }
    }
    if principal.role != Role::Coordinator {
        return Err(ApiError::Forbidden);
    }
    let mut errors = Vec::new();
    match beacon_core::fields::reason("/reason", params.reason.as_deref(), "A reason is required to read sealed fields.", &mut errors) {
        Some(reason) => Ok(Some(reason)),
        None => Err(ApiError::Invalid(errors)),
    }
}

/// The sealed columns decrypted. Only for a read that is audited in its transaction (a sealed
/// read, a correction).
pub(super) fn open(envelope: &Envelope, id: Uuid, columns: SealedColumns) -> Result<SealedView, ApiError> {
    // Purged: the fields and the key that opened them are gone; there is nothing to open.
    let Some(wrapped) = columns.wrapped_data_key.as_deref() else {
        let victims = columns.identities.iter().map(|(_, ordinal, _)| VictimIdentity { ordinal: *ordinal, identity: None }).collect();
        return Ok(SealedView { narrative: None, victims });
    };
    let key = envelope.unwrap_record_key(id, &columns.key_id, wrapped).map_err(ApiError::internal)?;
    let narrative = columns
        .narrative
        .map(|c| key.open(&field_aad("incidents", id, "narrative"), &c))
        .transpose()
        .map_err(ApiError::internal)?
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    let mut victims = Vec::new();
    for (victim_id, ordinal, sealed) in columns.identities {
        let identity = match sealed {
            None => None,
            Some(c) => {
                let plain = key
                    .open(&field_aad("victims", victim_id, "identity"), &c)
                    .map_err(ApiError::internal)?;
                Some(serde_json::from_slice::<Identity>(&plain).map_err(ApiError::internal)?)
            }
        };
        victims.push(VictimIdentity { ordinal, identity });
    }
    Ok(SealedView { narrative, victims })
}
