use super::view::MinorView;
use crate::clock::Clock;
use crate::config::DcfConfig;
use crate::db::dcf::QueueFilter;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::query::{flag, Page, Paging, Query};
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::intake::dcf::overdue_if_received_before;
use beacon_core::{ErrorCode, ValidationError};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MinorsParams {
    /// `true`: only minors with DCF's response recorded; `false`: only those still waiting.
    #[param(value_type = Option<bool>)]
    pub responded: Option<String>,
    /// `true`: only minors without a response past their due day.
    #[param(value_type = Option<bool>)]
    pub overdue: Option<String>,
    /// `submission` or `incident`.
    #[param(pattern = "^(submission|incident)$")]
    pub kind: Option<String>,
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// The minors queue (Sec. 10), longest wait first.
///
/// Sec. 10(a): the Commissioner of Children and Families "shall" serve any minor child identified
/// or reasonably believed to be a victim of trafficking. Every partner submission about a minor
/// (whatever the person's consent: the law requires it; not yet converted) and every incident
/// involving one, de-identified, naming the partner to follow up through, with DCF's response
/// and whether it is overdue (`BEACON_DCF_RESPONSE_DAYS` calendar days after receipt, default 5).
#[utoipa::path(
    tag = "dcf",
    params(MinorsParams),
    responses(
        (status = 200, body = Page<MinorView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["dcf", "coordinator"]))
)]
#[get("/dcf/minors")]
pub async fn list_minors(
    _principal: Principal,
    params: Query<MinorsParams>,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
    config: web::Data<DcfConfig>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let responded = flag("responded", params.responded.as_deref(), &mut errors);
    let overdue = flag("overdue", params.overdue.as_deref(), &mut errors);
    let kind = match params.kind.as_deref() {
        None => None,
        Some(k @ ("submission" | "incident")) => Some(k.to_string()),
        Some(_) => {
            errors.push(ValidationError::new("/kind", ErrorCode::UnknownCode, "Must be submission or incident."));
            None
        }
    };
    if overdue == Some(false) {
        errors.push(ValidationError::new("/overdue", ErrorCode::NotAllowed, "Only `overdue=true` filters; leave it out for every minor."));
    }
    let paging = Paging::parse(params.page, params.per_page, 20, 100, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let today = clock.today();
    let days = config.response_days;
    let filter = QueueFilter {
        responded,
        received_before: (overdue == Some(true)).then(|| overdue_if_received_before(today, days)),
        kind,
    };
    let mut conn = pool.get().await?;
    let (rows, total) = db::dcf::queue(&mut conn, &filter, paging.per_page, paging.offset()).await?;
    let items = rows.into_iter().map(|r| MinorView::of(r, days, today)).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(Page::new(paging, total, items)))
}
