use crate::clock::Clock;
use crate::error::ApiError;
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::stats::{calendar, Duty};

/// Every dated duty of Raised Bill 5476 as of today, soonest first: what is
/// due within 30 days (`due_soon`), later (`upcoming`), or whose date has passed
/// (`past`). A recurring duty (the January 1 reports, refreshers every three
/// years, the Child Advocate's reports three times a year) shows its next
/// occurrence. Whether a duty was met is not recorded here. The same table is
/// in the annual report and on the dashboard.
#[utoipa::path(
    tag = "reports",
    operation_id = "statutory_calendar",
    responses((status = 200, description = "The duties, by due date", body = Vec<Duty>)),
    security(("bearer" = ["coordinator"]))
)]
#[get("/calendar")]
pub async fn statutory_calendar(_principal: Principal, clock: web::Data<Clock>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(calendar(clock.today())))
}
