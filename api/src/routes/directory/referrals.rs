//! Referrals: a person sent to a directory service, and what came of it.
//! They carry no personal information — the town the person is in, the
//! service category and where the referral stands — and feed the gap
//! analysis: every referral is demand, and one declined for capacity is
//! unmet demand. The referrer proposes, sends and withdraws; the provider,
//! through its own `provider` key, answers (`beacon_core::directory::lifecycle`).

use super::view::Referral;
use crate::clock::Clock;
use crate::db::directory::{self as store, NewReferral, ReferralFilter, Visible};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::http::query::{flag, uuid_param, Page, Paging};
use crate::security::audit::{self, Event};
use crate::security::{Principal, Role};
use beacon_core::{ErrorCode, ValidationError};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use beacon_core::directory::codes::ReferralStatus;
use beacon_core::directory::lifecycle::{self, Party, Refusal, TransitionInput};
use beacon_core::directory::referral::{self, ReferralInput};
use beacon_core::fields::date;
use beacon_core::reference::codes::{CodeList, Service};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use std::str::FromStr;
use tracing_actix_web::RequestId;
use utoipa::IntoParams;
use uuid::Uuid;

/// Record a referral, `sent` (default) or `proposed`. A reporter's referrals
/// are its account's; the service must offer the category.
#[utoipa::path(
    tag = "directory",
    request_body = ReferralInput,
    responses(
        (status = 201, body = Referral),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[post("/directory/referrals")]
pub async fn create_referral(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let body = json_text(&req, payload).await?;
    let input: ReferralInput = beacon_core::contract::read::read_json_objects(&body, &[""]).map_err(|e| rejected(vec![e]))?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let offered: Option<Vec<Service>> = store::get_service(conn, input.service_id)
        .await?
        .map(|s| s.categories.iter().filter_map(|c| Service::from_str(c).ok()).collect());
    let checked = referral::check(&input, clock.today(), offered.as_deref()).map_err(ApiError::Invalid)?;
    let new = NewReferral {
        id: Uuid::new_v4(),
        service_id: checked.service_id,
        category: checked.category.code().to_string(),
        town: checked.town,
        referred_on: checked.referred_on,
        status: checked.status.code().to_string(),
        sent_at: (checked.status == ReferralStatus::Sent).then(|| clock.now()),
        account_id: principal.account_id,
        created_at: clock.now(),
        updated_at: clock.now(),
    };
    let row = conn
        .transaction(async |conn| {
            let row = store::insert_referral(conn, &new).await?;
            audit::append(conn, Event::by(&principal, &request_id, "directory.referral.create", "directory_referral", row.id)).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(Referral::at(row, clock.now())))
}

/// Move a referral along its lifecycle: `{to, reason?}`. The referrer (the
/// account that made it, or the coordinator) sends and withdraws; the
/// provider key bound to the directory organization the referral was made
/// to accepts, declines (with a reason), starts and closes. A referral the
/// caller does not see is a 404; a legal move that is the other party's is a
/// 403; a move the lifecycle does not allow from the referral's status is a
/// 409 `illegal_transition` whose `allowed` lists the statuses it may move to.
/// Each move is stamped with the time and audited.
#[utoipa::path(
    tag = "directory",
    params(("id" = Uuid, Path, description = "Referral id")),
    request_body = TransitionInput,
    responses(
        (status = 200, description = "The referral as it now stands", body = Referral),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The other party's move (`errors` names `/to`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`illegal_transition`: not a move from the referral's status; `allowed` lists those that are", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter", "provider"]))
)]
#[post("/directory/referrals/{id}/transitions")]
pub async fn transition_referral(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let body = json_text(&req, payload).await?;
    let input: TransitionInput = beacon_core::contract::read::read_json_objects(&body, &[""]).map_err(|e| rejected(vec![e]))?;
    let requested = lifecycle::check_input(&input).map_err(ApiError::Invalid)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let Some((visible, party)) = party_of(conn, &principal).await? else {
        return Err(ApiError::NotFound);
    };
    let now = clock.now();
    let row = conn
        .transaction(async |conn| {
            let row = store::lock_referral(conn, id, visible).await?.ok_or(ApiError::NotFound)?;
            let from = ReferralStatus::from_str(&row.status).map_err(|()| ApiError::internal(format!("stored referral status `{}`", row.status)))?;
            let to = lifecycle::check_move(from, requested, party).map_err(|refusal| match refusal {
                Refusal::Illegal { from, allowed } => ApiError::IllegalTransition {
                    from: from.code().to_string(),
                    to: requested.to.code().to_string(),
                    allowed: allowed.iter().map(|s| s.code().to_string()).collect(),
                },
                Refusal::OtherParty(Party::Provider) => ApiError::NotYours(vec![ValidationError::new(
                    "/to",
                    ErrorCode::NotAllowed,
                    "Only the provider the referral was made to answers it: accepted, declined, service_started and closed are its moves.",
                )]),
                Refusal::OtherParty(Party::Referrer) => ApiError::NotYours(vec![ValidationError::new(
                    "/to",
                    ErrorCode::NotAllowed,
                    "Only the referrer sends or withdraws a referral.",
                )]),
            })?;
            let mut stamps = row.stamps.clone();
            stamps.stamp(to.code(), now);
            let reason = requested.reason.map(|r| r.code());
            let row = store::set_referral_status(conn, row.id, to.code(), reason, &stamps, now).await?;
            let mut event = Event::by(&principal, &request_id, &format!("directory.referral.{}", to.code()), "directory_referral", row.id);
            if let Some(reason) = reason {
                event = event.because(reason);
            }
            audit::append(conn, event).await?;
            Ok::<_, ApiError>(row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Referral::at(row, now)))
}

/// Which referrals the caller sees and which party it acts as: the coordinator every referral
/// as referrer, a reporter its account's, a provider key those made to its directory
/// organization. `None`: a provider key bound to no organization, which sees none.
async fn party_of(conn: &mut AsyncPgConnection, principal: &Principal) -> Result<Option<(Visible, Party)>, ApiError> {
    Ok(match principal.role {
        Role::Coordinator => Some((Visible::All, Party::Referrer)),
        Role::Provider => store::account_organization(conn, principal.account_id).await?.map(|org| (Visible::MadeTo(org), Party::Provider)),
        _ => Some((Visible::MadeBy(principal.account_id), Party::Referrer)),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralParams {
    #[param(value_type = Option<uuid::Uuid>)]
    pub service_id: Option<String>,
    /// One status (list `referral_status`).
    #[param(value_type = Option<beacon_core::directory::ReferralStatus>, inline)]
    pub status: Option<String>,
    /// Referrals made to this directory organization's services.
    #[param(value_type = Option<uuid::Uuid>)]
    pub provider: Option<String>,
    /// `true`: only overdue referrals — sent, and unanswered for more than 72 hours.
    #[param(value_type = Option<bool>)]
    pub overdue: Option<String>,
    /// Referred on or after, `YYYY-MM-DD`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<String>,
    /// Referred on or before, `YYYY-MM-DD`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<String>,
    /// `true`: only the caller account's referrals (a reporter always sees only its own, a
    /// provider those made to it).
    #[param(value_type = Option<bool>)]
    pub mine: Option<String>,
    /// From 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// Referrals, newest first. A reporter sees its own account's only, a
/// provider key those made to its directory organization.
#[utoipa::path(
    tag = "directory",
    params(ReferralParams),
    responses(
        (status = 200, description = "A page of referrals, newest first", body = Page<Referral>),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter", "provider"]))
)]
#[get("/directory/referrals")]
pub async fn list_referrals(
    principal: Principal,
    params: crate::http::query::Query<ReferralParams>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let service_id = uuid_param("service_id", params.service_id.as_deref(), &mut errors);
    let status = params.status.as_deref().and_then(|v| beacon_core::fields::code::<ReferralStatus>("/status", v, &mut errors)).map(|s| s.code().to_string());
    let provider = uuid_param("provider", params.provider.as_deref(), &mut errors);
    let overdue = flag("overdue", params.overdue.as_deref(), &mut errors).unwrap_or(false);
    let from = params.from.as_deref().and_then(|v| date("/from", v, &mut errors));
    let to = params.to.as_deref().and_then(|v| date("/to", v, &mut errors));
    let mine = flag("mine", params.mine.as_deref(), &mut errors).unwrap_or(false);
    let paging = Paging::parse(params.page, params.per_page, 50, 500, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let visible = match party_of(conn, &principal).await? {
        Some((Visible::All, _)) if mine => Visible::MadeBy(principal.account_id),
        Some((visible, _)) => visible,
        None => return Ok(HttpResponse::Ok().json(Page::<Referral>::new(paging, 0, Vec::new()))),
    };
    let now = clock.now();
    let filter = ReferralFilter {
        visible,
        service_id,
        status,
        provider,
        sent_before: overdue.then(|| lifecycle::overdue_cutoff(now)),
        from,
        to,
    };
    let (total_items, items) = store::page_referrals(conn, &filter, paging.offset(), paging.per_page).await?;
    let items = items.into_iter().map(|r| Referral::at(r, now)).collect();
    Ok(HttpResponse::Ok().json(Page::new(paging, total_items, items)))
}
