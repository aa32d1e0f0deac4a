use super::view::{sight_of, ContactView, SealedIntakeView, SubmissionView};
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::security::audit::{self, Event};
use crate::security::crypto::{field_aad, Envelope};
use crate::security::{Principal, Role};
use actix_web::{get, web, HttpResponse};
use beacon_core::intake::access::ContactRead;
use beacon_core::{ErrorCode, ValidationError};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::IntoParams;
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IntakeReadParams {
    /// `contact`: also return the sealed contact details and notes. The partner's own staff, or
    /// the coordinator when the person's consent is in force (with a `reason`).
    #[param(value_type = Option<crate::http::query::IntakeInclude>, inline)]
    pub include: Option<String>,
    /// Why the contact details are needed (10–500 characters); recorded in the audit trail.
    /// Required of the coordinator; the partner's staff may give one.
    #[param(max_length = 500)]
    pub reason: Option<String>,
}

/// One intake submission, as the caller may see it.
///
/// The partner's own staff (`partner_staff`) read their organization's submissions whole;
/// another partner's is a 404. The coordinator reads every submission's de-identified facts, and
/// with `include=contact&reason=…` the person's contact details and notes, only while the person's
/// consent to share is in force (otherwise 403). DCF reads a minor's de-identified facts. Every
/// read of the sealed fields is written to the audit trail in the same transaction.
#[utoipa::path(
    tag = "intake",
    params(("id" = Uuid, Path, description = "Submission id"), IntakeReadParams),
    responses(
        (status = 200, body = SubmissionView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The contact details may not be read: no consent, or not this role's", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` missing or of the wrong length", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "partner_staff", "dcf"]))
)]
#[get("/intake/{id}")]
pub async fn get_intake(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    params: crate::http::query::Query<IntakeReadParams>,
    pool: web::Data<DbPool>,
    envelope: web::Data<Envelope>,
) -> Result<HttpResponse, ApiError> {
    let wants_contact = match params.include.as_deref() {
        None => false,
        Some("contact") => true,
        Some(_) => return Err(ApiError::BadQuery(vec![ValidationError::new("/include", ErrorCode::UnknownCode, "The only value is `contact`.")])),
    };
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let view = conn
        .transaction(async |conn| {
            let row = db::intake::get(conn, id).await?.ok_or(ApiError::NotFound)?;
            let sight = sight_of(&principal, &row);
            if !sight.visible {
                return Err(ApiError::NotFound);
            }
            let mut view = SubmissionView::seen(row, sight)?;
            if wants_contact {
                let reason = contact_reason(&principal, sight.contact, params.reason.as_deref())?;
                view.sealed = Some(open(&envelope, id, db::intake::sealed_columns(conn, id).await?)?);
                let mut event = Event::by(&principal, &request_id, "intake.read_contact", "intake", id);
                if let Some(reason) = reason {
                    event = event.because(reason);
                }
                audit::append(conn, event).await?;
            }
            Ok::<_, ApiError>(view)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(view))
}

/// The reason to record for a contact read the caller may make, or why it may not.
fn contact_reason(principal: &Principal, read: ContactRead, reason: Option<&str>) -> Result<Option<String>, ApiError> {
    let mut errors = Vec::new();
    match read {
        ContactRead::Never => {
            let message = if principal.role == Role::Coordinator {
                "The person did not consent to share (or withdrew consent): only the partner organization reads the contact details."
            } else {
                "This role reads the de-identified facts only; the partner organization holds the contact details."
            };
            Err(ApiError::NotYours(vec![ValidationError::new("/include", ErrorCode::NotAllowed, message)]))
        }
        ContactRead::WithReason => match beacon_core::fields::reason("/reason", reason, "A reason is required to read the contact details.", &mut errors) {
            Some(reason) => Ok(Some(reason)),
            None => Err(ApiError::Invalid(errors)),
        },
        ContactRead::Audited => match reason {
            None => Ok(None),
            Some(_) => match beacon_core::fields::reason("/reason", reason, "", &mut errors) {
                Some(reason) => Ok(Some(reason)),
                None => Err(ApiError::Invalid(errors)),
            },
        },
    }
}

fn open(envelope: &Envelope, id: Uuid, columns: db::intake::SealedColumns) -> Result<SealedIntakeView, ApiError> {
    // Purged: the fields and the key that opened them are gone; there is nothing to open.
    let Some(wrapped) = columns.wrapped_data_key.as_deref() else {
        return Ok(SealedIntakeView { contact: None, notes: None });
    };
    let key = envelope.unwrap_record_key(id, &columns.key_id, wrapped).map_err(ApiError::internal)?;
    let contact = columns
        .contact
        .map(|c| key.open(&field_aad("intake_submissions", id, "contact"), &c))
        .transpose()
        .map_err(ApiError::internal)?
        .map(|plain| serde_json::from_slice::<ContactView>(&plain))
        .transpose()
        .map_err(ApiError::internal)?;
    let notes = columns
        .notes
        .map(|c| key.open(&field_aad("intake_submissions", id, "notes"), &c))
        .transpose()
        .map_err(ApiError::internal)?
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    Ok(SealedIntakeView { contact, notes })
}
