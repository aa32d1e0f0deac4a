use crate::db::training::{self as store, PeopleFilter};
use crate::routes::training::view::{views, PersonView};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use beacon_core::fields::{agency_code, population_code};
use crate::security::scope::scope_of;
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use crate::http::query::{flag, Page, Paging, Query};

const DEFAULT_PER_PAGE: i64 = 20;
const MAX_PER_PAGE: i64 = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkforceParams {
    /// Only this agency (agency code).
    #[param(value_type = Option<beacon_core::reference::codes::Agency>, inline)]
    pub agency: Option<String>,
    /// Only this population (population code).
    #[param(value_type = Option<beacon_core::training::Population>, inline)]
    pub population: Option<String>,
    /// `true` or `false`: only active / inactive people.
    #[param(value_type = Option<bool>)]
    pub active: Option<String>,
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// The workforce, by agency then `employee_ref`, with a pagination envelope.
/// A reporter sees only its own agency's (nothing while its account has no agency).
#[utoipa::path(
    tag = "workforce",
    params(WorkforceParams),
    responses(
        (status = 200, body = Page<PersonView>),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/workforce")]
pub async fn list_people(
    principal: Principal,
    params: Query<WorkforceParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let filter = PeopleFilter {
        agency: params.agency.as_deref().and_then(|a| agency_code("/agency", a, &mut errors)),
        population: params
            .population
            .as_deref()
            .and_then(|p| population_code("/population", p, &mut errors))
            .map(|p| p.to_string()),
        active: flag("active", params.active.as_deref(), &mut errors),
        towns: None,
    };
    let paging = Paging::parse(params.page, params.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut conn = pool.get().await?;
    let scope = scope_of(&mut conn, &principal).await?;
    let (items, total_items) = store::list_people(&mut conn, &scope, &filter, paging.per_page, paging.offset()).await?;
    Ok(HttpResponse::Ok().json(Page::new(paging, total_items, views::<_, PersonView>(items))))
}
