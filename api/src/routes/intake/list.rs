use super::view::SubmissionView;
use crate::db::intake::Filter;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::security::{Principal, Role};
use actix_web::{get, web, HttpResponse};
use beacon_core::fields;
use beacon_core::intake::status::IntakeStatus;
use beacon_core::reference::codes::CodeList;
use serde::Deserialize;
use utoipa::IntoParams;
use crate::http::query::{flag, uuid_param, Page, Paging, Query};


#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IntakeParams {
    /// `new`, `triaged`, `converted` or `closed`.
    #[param(value_type = Option<beacon_core::intake::status::IntakeStatus>, inline)]
    pub status: Option<String>,
    /// The partner account's id.
    #[param(value_type = Option<uuid::Uuid>)]
    pub partner: Option<String>,
    /// `true` or `false`: involving someone under 18.
    #[param(value_type = Option<bool>)]
    pub minor: Option<String>,
    /// `true`: the Sec. 10 queue — minors whose DCF notification is not yet recorded.
    #[param(value_type = Option<bool>)]
    pub awaiting_dcf: Option<String>,
    /// `true`: the review queue — submissions whose age group is `unknown` until a coordinator
    /// records it (`PATCH /v1/intake/{id}` with `age_group`); an unknown age is not an adult one.
    #[param(value_type = Option<bool>)]
    pub age_unknown: Option<String>,
    /// `true`: only submissions whose request looked scripted (`scripted_reasons` not empty), for
    /// triage; `false`: only the others.
    #[param(value_type = Option<bool>)]
    pub scripted: Option<String>,
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}


/// Intake submissions, newest first, de-identified (contact details and notes stay sealed).
///
/// The coordinator lists every partner's; without the person's consent in force an item holds
/// only the de-identified facts (`reference` and `safe_to_contact` are `null`). A `partner_staff`
/// key lists only its own organization's submissions.
#[utoipa::path(
    tag = "intake",
    params(IntakeParams),
    responses(
        (status = 200, body = Page<SubmissionView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "partner_staff"]))
)]
#[get("/intake")]
pub async fn list_intake(
    principal: Principal,
    params: Query<IntakeParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let status = params
        .status
        .as_deref()
        .and_then(|s| fields::code::<IntakeStatus>("/status", s, &mut errors))
        .map(|s| s.code().to_string());
    let partner = uuid_param("partner", params.partner.as_deref(), &mut errors);
    let minor = flag("minor", params.minor.as_deref(), &mut errors);
    let awaiting_dcf = flag("awaiting_dcf", params.awaiting_dcf.as_deref(), &mut errors).unwrap_or(false);
    let age_unknown = flag("age_unknown", params.age_unknown.as_deref(), &mut errors);
    let scripted = flag("scripted", params.scripted.as_deref(), &mut errors);
    let paging = Paging::parse(params.page, params.per_page, 20, 100, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let only_account = (principal.role == Role::PartnerStaff).then_some(principal.account_id);
    let filter = Filter { status, partner, minor, awaiting_dcf, age_unknown, only_account, scripted };
    let mut conn = pool.get().await?;
    let (items, total_items) = db::intake::list(&mut conn, &filter, paging.per_page, paging.offset()).await?;
    let items = items.into_iter().map(|row| SubmissionView::for_principal(&principal, row)).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(Page::new(paging, total_items, items)))
}
