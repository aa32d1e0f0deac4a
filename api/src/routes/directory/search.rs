//! Referral matching: the services a person can be sent to, nearest first.
//!
//! The directory is thousands of services, not millions, so the services of
//! the asked status are loaded and filtered here in Rust, where the distance
//! (same town, county, adjacent county, statewide) is computed from the
//! compiled town table anyway; only the matches' locations, areas and phones
//! are loaded.

use crate::clock::Clock;
use crate::db::directory::{self as store, OrganizationRow, ServiceRow};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::query::{flag, Page, Paging};
use crate::http::region::region_towns;
use crate::hsds::{location, HsdsLocation};
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::directory::search::{admits, distance, rank, Candidate, Distance, Filters, RankKey};
use beacon_core::directory::service::age;
use beacon_core::directory::vetting;
use beacon_core::directory::{ServedPopulation, ServiceStatus};
use beacon_core::fields;
use beacon_core::reference::codes::{CodeList, Service};
use beacon_core::{ErrorCode, ValidationError};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const DEFAULT_PER_PAGE: i64 = 20;
const MAX_PER_PAGE: i64 = 100;

// Every parameter is read as text and parsed here, so that one bad value
// is reported at its path along with the others instead of failing the
// whole query string with no detail.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// A Foundation service code (GET /v1/codes, list `service`): services
    /// offering it.
    #[param(value_type = Option<beacon_core::reference::codes::Service>, inline)]
    pub service: Option<String>,
    /// The Connecticut town the person is in (any case). Orders the results
    /// by distance from it; without it `distance` is `null`.
    #[param(max_length = 500)]
    pub town: Option<String>,
    /// The person's age, 0–120: services whose minimum and maximum age admit it.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 120)]
    pub age: Option<String>,
    /// A code of the list `served_population`: services listing it.
    #[param(value_type = Option<beacon_core::directory::ServedPopulation>, inline)]
    pub population: Option<String>,
    /// An ISO 639-1 language code (`es`): services listing it (or, for
    /// services stored before languages were ISO 639-1, a regional form of it).
    #[param(max_length = 500)]
    pub language: Option<String>,
    /// `true`: only vetted services; `false`: only services not vetted.
    #[param(value_type = Option<bool>)]
    pub vetted: Option<String>,
    /// `true`: only services with a place free now (`capacity_available` >
    /// 0); `false` or absent: no filter.
    #[param(value_type = Option<bool>)]
    pub capacity_available: Option<String>,
    /// Only services serving a town of this region (by service area or
    /// location): its name as in the reference data, or a DCF region's number.
    #[param(max_length = 500)]
    pub region: Option<String>,
    /// The kind of `region`: `dcf_region` (default), `planning_region`,
    /// `county` or `judicial_district`.
    #[param(value_type = Option<beacon_core::reference::regions::RegionType>, inline)]
    pub region_type: Option<String>,
    /// Service status (default `active`).
    #[param(value_type = Option<beacon_core::directory::ServiceStatus>, inline)]
    pub status: Option<String>,
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// The service, as a referrer needs it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchService {
    pub id: Uuid,
    pub name: String,
    pub organization_id: Uuid,
    pub organization_name: String,
    /// Foundation service codes.
    pub categories: Vec<String>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub populations: Vec<String>,
    pub languages: Vec<String>,
    pub capacity_unit: Option<String>,
    pub capacity_available: Option<i32>,
    pub capacity_total: Option<i32>,
    /// Verified within the last 12 months and training attested.
    pub vetted: bool,
    /// `null`: never verified.
    pub next_verification_due: Option<DateTime<Utc>>,
}

/// A phone number of the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPhone {
    pub number: String,
    /// `text voice fax cell video pager textphone`.
    #[serde(rename = "type")]
    pub phone_type: String,
    pub extension: Option<String>,
    pub description: Option<String>,
}

/// One match.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchItem {
    pub service: SearchService,
    /// From the `town` asked about; `null` without one.
    pub distance: Option<Distance>,
    /// Its service areas and the towns of its locations, alphabetical: the
    /// towns the distance is measured by.
    pub towns_served: Vec<String>,
    /// As the public sees them: a confidential location (a shelter) shows
    /// its town and planning region, never its street address or coordinates.
    pub locations: Vec<HsdsLocation>,
    pub phones: Vec<SearchPhone>,
}

/// What the parameters ask for, parsed.
#[derive(Debug)]
struct Query {
    filters: Filters,
    town: Option<String>,
    /// The towns of the region asked for.
    region: Option<BTreeSet<String>>,
    status: ServiceStatus,
    paging: Paging,
}

fn parse(p: &SearchParams) -> Result<Query, ApiError> {
    let mut errors = Vec::new();
    let service = p.service.as_deref().and_then(|v| fields::code::<Service>("/service", v.trim(), &mut errors));
    let town = p.town.as_deref().and_then(|v| fields::town("/town", v, &mut errors));
    let age = p.age.as_deref().and_then(|v| match v.trim().parse::<i64>() {
        Ok(n) => age("/age", Some(n), &mut errors),
        Err(_) => {
            errors.push(ValidationError::new("/age", ErrorCode::InvalidType, "Must be a whole number of years."));
            None
        }
    });
    let population = p.population.as_deref().and_then(|v| fields::code::<ServedPopulation>("/population", v.trim(), &mut errors));
    let language = p.language.as_deref().and_then(|v| fields::language("/language", v.trim(), &mut errors));
    let vetted = flag("vetted", p.vetted.as_deref(), &mut errors);
    let capacity_available = flag("capacity_available", p.capacity_available.as_deref(), &mut errors).unwrap_or(false);
    let region = region_towns(p.region_type.as_deref(), p.region.as_deref(), &mut errors).map(|ts| ts.into_iter().collect());
    let status = fields::code::<ServiceStatus>("/status", p.status.as_deref().unwrap_or("active"), &mut errors);
    let paging = Paging::parse(p.page, p.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, &mut errors);
    match status {
        Some(status) if errors.is_empty() => Ok(Query {
            filters: Filters { service, age, population, language, vetted, capacity_available },
            town,
            region,
            status,
            paging,
        }),
        _ => Err(ApiError::BadQuery(errors)),
    }
}

/// A service that passed the filters, with the towns it serves.
struct Match {
    distance: Option<Distance>,
    service: ServiceRow,
    vetted: bool,
    towns: BTreeSet<String>,
}

fn candidate(s: &ServiceRow, vetted: bool) -> Candidate<'_> {
    Candidate {
        categories: &s.categories,
        min_age: s.min_age,
        max_age: s.max_age,
        populations: &s.populations,
        languages: &s.languages,
        vetted,
        capacity_available: s.capacity_available,
    }
}

/// Search the directory for referral matching: services offering `service`
/// to a person of `age`, in a `population`, speaking `language`, vetted or
/// not, with a place free — each with how far it is from the person's
/// `town` (`same_town`, `same_region` = same county, `adjacent_region` = a
/// neighbouring county, `statewide`), the towns it serves, its locations as
/// the public may see them (no street address of a confidential shelter)
/// and its phones. Ordered by distance, then vetted first, then most places
/// free (a service that reports no capacity counts as none free), then
/// name. Every bad parameter is listed in one 400.
#[utoipa::path(
    tag = "directory",
    params(SearchParams),
    responses(
        (status = 200, body = Page<SearchItem>),
        (status = 400, description = "Bad query parameters, each at its path", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/directory/search")]
pub async fn search(
    _principal: Principal,
    params: crate::http::query::Query<SearchParams>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let q = parse(&params)?;
    let now = clock.now();
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let rows: Vec<(ServiceRow, bool)> = store::services_with_status(conn, q.status.code())
        .await?
        .into_iter()
        .map(|s| {
            let vetted = s.is_vetted(now);
            (s, vetted)
        })
        .filter(|(s, vetted)| admits(&q.filters, &candidate(s, *vetted)))
        .collect();
    let services: Vec<ServiceRow> = rows.iter().map(|(s, _)| s.clone()).collect();
    let linked = store::linked(conn, &services).await?;

    let orgs: HashMap<Uuid, &OrganizationRow> = linked.organizations.iter().map(|o| (o.id, o)).collect();
    let mut served: HashMap<Uuid, BTreeSet<String>> = HashMap::new();
    for (id, town) in &linked.areas {
        served.entry(*id).or_default().insert(town.clone());
    }
    for (link, loc) in &linked.at_locations {
        served.entry(link.service_id).or_default().insert(loc.town.clone());
    }

    let mut ranked: Vec<Match> = rows
        .into_iter()
        .map(|(service, vetted)| {
            let towns = served.remove(&service.id).unwrap_or_default();
            Match { distance: q.town.as_deref().map(|t| distance(t, &towns)), service, vetted, towns }
        })
        .filter(|m| q.region.as_ref().is_none_or(|r| m.towns.iter().any(|t| r.contains(t))))
        .collect();
    rank(&mut ranked, |m| RankKey::new(m.distance, m.vetted, m.service.capacity_available, &m.service.name, m.service.id));

    let total_items = i64::try_from(ranked.len()).unwrap_or(i64::MAX);
    let skip = usize::try_from(q.paging.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(q.paging.per_page).unwrap_or(usize::MAX);
    let items = ranked
        .into_iter()
        .skip(skip)
        .take(take)
        .map(|Match { distance, service: s, vetted, towns }| {
            let id = s.id;
            let next_verification_due = vetting::next_due(s.verified_at);
            SearchItem {
                service: SearchService {
                    id,
                    organization_name: orgs.get(&s.organization_id).map(|o| o.name.clone()).unwrap_or_default(),
                    name: s.name,
                    organization_id: s.organization_id,
                    categories: s.categories,
                    min_age: s.min_age,
                    max_age: s.max_age,
                    populations: s.populations,
                    languages: s.languages,
                    capacity_unit: s.capacity_unit,
                    capacity_available: s.capacity_available,
                    capacity_total: s.capacity_total,
                    vetted,
                    next_verification_due,
                },
                distance,
                towns_served: towns.into_iter().collect(),
                locations: linked
                    .at_locations
                    .iter()
                    .filter(|(l, _)| l.service_id == id)
                    .map(|(_, loc)| location(loc))
                    .collect(),
                phones: linked
                    .phones
                    .iter()
                    .filter(|p| p.service_id == id)
                    .map(|p| SearchPhone {
                        number: p.number.clone(),
                        phone_type: p.phone_type.clone(),
                        extension: p.extension.clone(),
                        description: p.description.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(q.paging, total_items, items)))
}
