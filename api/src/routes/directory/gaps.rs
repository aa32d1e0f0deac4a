use crate::clock::Clock;
use beacon_core::ValidationError;
use crate::db::directory::{self as store, Demand, ServiceView};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::region::RegionType;
use beacon_core::fields::date;
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::reference::codes::{CodeList, Service};
use beacon_core::reference::geo::towns;
use beacon_core::ErrorCode;
use chrono::{Duration, NaiveDate};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GapParams {
    /// `county`, `planning_region`, `dcf_region` or `judicial_district` (required).
    pub region_type: Option<String>,
    /// First day of the demand period, `YYYY-MM-DD` (default: a year before `to`).
    pub from: Option<String>,
    /// Last day of the demand period, `YYYY-MM-DD` (default: today).
    pub to: Option<String>,
    /// `json` (default), `csv` or `svg` (a heat map of regions × categories);
    /// `Accept: text/csv` or `image/svg+xml` select them too.
    pub format: Option<String>,
}

/// A flag on a region × category, with why it was raised.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapFlag {
    /// `no_provider`, `below_state_rate`, `demand_exceeds_capacity`,
    /// `funding_concentration` or `stale_verification`.
    pub flag: String,
    pub reason: String,
}

/// One region × service category.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapRow {
    pub region: String,
    /// A Foundation service code.
    pub category: String,
    /// Active, vetted services of this category serving a town of the region
    /// (by service area or location).
    pub vetted_providers: i64,
    /// Summed over those services (services without capacity add nothing).
    pub capacity_available: i64,
    pub capacity_total: i64,
    /// 2020 census population; `null` when any town's population is unknown.
    pub population: Option<u64>,
    /// Some town of the region has no population in the reference data: no
    /// rate is given (never guessed).
    pub population_unknown: bool,
    pub providers_per_100k: Option<f64>,
    /// Victims needing the service in incidents that occurred in the period.
    pub demand_victims: i64,
    /// Intake submissions received in the period naming the need.
    pub demand_intake: i64,
    /// Referrals made in the period for this category, by the town the
    /// person is in.
    pub demand_referrals: i64,
    /// Those of them declined for lack of capacity.
    pub unmet_demand: i64,
    /// Funding of the counted providers whose period overlaps the period and
    /// whose amount is known, by source (a provider serving several regions
    /// counts whole in each).
    pub funding_cents_by_source: BTreeMap<String, i64>,
    pub funding_total_cents: i64,
    /// Active providers of the category serving the region whose last
    /// verification is more than 12 months old (so not vetted).
    pub stale_providers: i64,
    pub flags: Vec<GapFlag>,
}

/// The gap analysis.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapReport {
    pub region_type: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Per category: distinct vetted providers per 100,000 residents over the
    /// regions whose population is known (the basis of `below_state_rate`).
    pub state_rate_per_100k: BTreeMap<String, Option<f64>>,
    /// Towns the reference data assigns to no region of this type: their
    /// providers and demand are not in any row.
    pub towns_without_region: Vec<String>,
    pub rows: Vec<GapRow>,
}

fn rate(providers: usize, population: u64) -> Option<f64> {
    (population > 0).then(|| providers as f64 * 100_000.0 / population as f64)
}

fn demand_map(rows: Vec<Demand>) -> HashMap<(String, String), i64> {
    rows.into_iter().map(|d| ((d.region, d.code), d.n)).collect()
}

/// Counts by (region, service code).
type Counts = HashMap<(String, String), i64>;

/// Share of the largest source above which funding is `funding_concentration`.
const CONCENTRATION: f64 = 0.8;

/// Referrals (all, and declined for capacity) by region and category.
fn referral_maps(
    rows: Vec<store::ReferralCount>,
    region_of_town: &HashMap<&str, String>,
) -> (Counts, Counts) {
    let mut all = Counts::new();
    let mut declined = Counts::new();
    for r in rows {
        let Some(region) = region_of_town.get(r.town.as_str()) else { continue };
        let key = (region.clone(), r.category.clone());
        *all.entry(key.clone()).or_default() += r.n;
        if r.outcome == "declined_capacity" {
            *declined.entry(key).or_default() += r.n;
        }
    }
    (all, declined)
}

/// Where services are missing: per region × service category, the vetted
/// providers, their capacity, providers per 100,000 residents, the demand in
/// the period (victims in incidents, intake needs, referrals), the unmet
/// demand (referrals declined for capacity) and the funding by source,
/// flagged with the reason in words: `no_provider`, `below_state_rate`
/// (under half the state's rate), `demand_exceeds_capacity` (referrals were
/// declined for capacity), `funding_concentration` (one source gives more
/// than 80 %) and `stale_verification` (a provider's verification is more
/// than 12 months old). As JSON, CSV or an SVG heat map.
#[utoipa::path(
    tag = "directory",
    params(GapParams),
    responses(
        (status = 200, body = GapReport, content_type = "application/json"),
        (status = 200, description = "With `format=csv` or `Accept: text/csv`: one line per row", body = String, content_type = "text/csv"),
        (status = 200, description = "With `format=svg` or `Accept: image/svg+xml`: the heat map", body = String, content_type = "image/svg+xml"),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/directory/gaps")]
pub async fn gaps(
    _principal: Principal,
    req: HttpRequest,
    params: web::Query<GapParams>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let region_type = params.region_type.clone().unwrap_or_default();
    let kind = match RegionType::parse(&region_type) {
        Some(kind) => Some(kind),
        None => {
            errors.push(ValidationError::new(
                "/region_type",
                ErrorCode::UnknownCode,
                "Must be county, planning_region, dcf_region or judicial_district.",
            ));
            None
        }
    };
    let to = match params.to.as_deref() {
        Some(v) => date("/to", v, &mut errors),
        None => Some(clock.today()),
    };
    let from = match params.from.as_deref() {
        Some(v) => date("/from", v, &mut errors),
        None => to.map(|t| t - Duration::days(365)),
    };
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            errors.push(ValidationError::new("/from", ErrorCode::DateOrder, "Must not be after `to`."));
        }
    }
    let format = output_format(&req, params.format.as_deref(), &mut errors);
    let (Some(kind), Some(from), Some(to), true) = (kind, from, to, errors.is_empty()) else {
        return Err(ApiError::BadQuery(errors));
    };

    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let (services, linked) = store::active_services(conn).await?;
    let victims = demand_map(store::victim_demand(conn, kind.column(), from, to).await?);
    let intake = demand_map(store::intake_demand(conn, kind.column(), from, to).await?);
    let referrals = store::referral_counts(conn, from, to).await?;
    let mut funding_of: HashMap<Uuid, Vec<(String, i64)>> = HashMap::new();
    for f in store::funding_amounts(conn, from, to).await? {
        funding_of.entry(f.service_id).or_default().push((f.source, f.amount_cents.unwrap_or(0)));
    }
    let now = clock.now();

    // Regions, their towns and population (None when any town's is unknown).
    let mut region_of_town: HashMap<&str, String> = HashMap::new();
    let mut population: BTreeMap<String, Option<u64>> = BTreeMap::new();
    let mut towns_without_region = Vec::new();
    for t in towns() {
        match kind.of(t) {
            Some(r) => {
                let entry = population.entry(r.clone()).or_insert(Some(0));
                *entry = entry.and_then(|p| t.population_2020.map(|n| p + u64::from(n)));
                region_of_town.insert(t.town, r);
            }
            None => towns_without_region.push(t.town.to_string()),
        }
    }

    let (referred, declined) = referral_maps(referrals, &region_of_town);

    // The regions each service serves.
    let mut served: HashMap<Uuid, BTreeSet<String>> = HashMap::new();
    for (id, town) in &linked.areas {
        if let Some(r) = region_of_town.get(town.as_str()) {
            served.entry(*id).or_default().insert(r.clone());
        }
    }
    for (link, loc) in &linked.at_locations {
        if let Some(r) = region_of_town.get(loc.town.as_str()) {
            served.entry(link.service_id).or_default().insert(r.clone());
        }
    }
    let views: Vec<ServiceView> = services.iter().map(|s| ServiceView::new(s.clone(), now)).collect();
    let vetted: Vec<&store::ServiceRow> = views.iter().filter(|v| v.vetted).map(|v| &v.service).collect();
    // Verified once, but longer ago than 12 months.
    let stale: Vec<&store::ServiceRow> = views
        .iter()
        .filter(|v| v.next_verification_due.is_some_and(|d| d <= now))
        .map(|v| &v.service)
        .collect();

    // The state's rate per category, over the regions with a known population.
    let known_population: u64 = population.values().flatten().sum();
    let known_regions: BTreeSet<&String> = population.iter().filter(|(_, p)| p.is_some()).map(|(r, _)| r).collect();
    let mut state_rate = BTreeMap::new();
    for c in Service::ALL {
        let n = vetted
            .iter()
            .filter(|s| s.categories.iter().any(|x| x == c.code()))
            .filter(|s| served.get(&s.id).is_some_and(|rs| rs.iter().any(|r| known_regions.contains(r))))
            .count();
        state_rate.insert(c.code().to_string(), rate(n, known_population));
    }

    let mut rows = Vec::new();
    for (region, pop) in &population {
        for c in Service::ALL {
            let providers: Vec<&&store::ServiceRow> = vetted
                .iter()
                .filter(|s| s.categories.iter().any(|x| x == c.code()))
                .filter(|s| served.get(&s.id).is_some_and(|rs| rs.contains(region)))
                .collect();
            let per_100k = pop.and_then(|p| rate(providers.len(), p));
            let state = state_rate.get(c.code()).copied().flatten();
            let mut flags = Vec::new();
            if providers.is_empty() {
                flags.push(GapFlag {
                    flag: "no_provider".to_string(),
                    reason: format!("No vetted provider of {} serves any town in {region}.", c.label().to_lowercase()),
                });
            } else if let (Some(mine), Some(state)) = (per_100k, state) {
                if mine < state / 2.0 {
                    flags.push(GapFlag {
                        flag: "below_state_rate".to_string(),
                        reason: format!(
                            "{region} has {mine:.2} vetted providers of {} per 100,000 residents, under half the state's {state:.2}.",
                            c.label().to_lowercase()
                        ),
                    });
                }
            }
            let key = (region.clone(), c.code().to_string());
            let label = c.label().to_lowercase();
            let unmet = declined.get(&key).copied().unwrap_or(0);
            if unmet > 0 {
                flags.push(GapFlag {
                    flag: "demand_exceeds_capacity".to_string(),
                    reason: format!(
                        "{unmet} referral{} for {label} from {region} {} declined for lack of capacity between {from} and {to}.",
                        if unmet == 1 { "" } else { "s" },
                        if unmet == 1 { "was" } else { "were" }
                    ),
                });
            }
            let mut by_source: BTreeMap<String, i64> = BTreeMap::new();
            for p in &providers {
                for (source, cents) in funding_of.get(&p.id).into_iter().flatten() {
                    *by_source.entry(source.clone()).or_default() += cents;
                }
            }
            let total: i64 = by_source.values().sum();
            if let Some((source, top)) = by_source.iter().max_by_key(|(_, v)| **v) {
                if total > 0 && *top as f64 > CONCENTRATION * total as f64 {
                    flags.push(GapFlag {
                        flag: "funding_concentration".to_string(),
                        reason: format!(
                            "{source} gives {:.0} % of the known funding of {label} in {region}: losing it would leave the region without most of it.",
                            *top as f64 * 100.0 / total as f64
                        ),
                    });
                }
            }
            let stale_here = stale
                .iter()
                .filter(|s| s.categories.iter().any(|x| x == c.code()))
                .filter(|s| served.get(&s.id).is_some_and(|rs| rs.contains(region)))
                .count();
            if stale_here > 0 {
                flags.push(GapFlag {
                    flag: "stale_verification".to_string(),
                    reason: format!(
                        "{stale_here} provider{} of {label} serving {region} {} last verified more than 12 months ago, so not counted as vetted.",
                        if stale_here == 1 { "" } else { "s" },
                        if stale_here == 1 { "was" } else { "were" }
                    ),
                });
            }
            rows.push(GapRow {
                region: region.clone(),
                category: c.code().to_string(),
                vetted_providers: i64::try_from(providers.len()).unwrap_or(i64::MAX),
                capacity_available: providers.iter().filter_map(|s| s.capacity_available).map(i64::from).sum(),
                capacity_total: providers.iter().filter_map(|s| s.capacity_total).map(i64::from).sum(),
                population: *pop,
                population_unknown: pop.is_none(),
                providers_per_100k: per_100k,
                demand_victims: victims.get(&key).copied().unwrap_or(0),
                demand_intake: intake.get(&key).copied().unwrap_or(0),
                demand_referrals: referred.get(&key).copied().unwrap_or(0),
                unmet_demand: unmet,
                funding_total_cents: total,
                funding_cents_by_source: by_source,
                stale_providers: i64::try_from(stale_here).unwrap_or(i64::MAX),
                flags,
            });
        }
    }
    let report = GapReport {
        region_type,
        from,
        to,
        state_rate_per_100k: state_rate,
        towns_without_region,
        rows,
    };
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(report),
        Format::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"gaps.csv\""))
            .body(super::gap_outputs::csv(&report)?),
        Format::Svg => HttpResponse::Ok()
            .content_type("image/svg+xml; charset=utf-8")
            .body(super::gap_outputs::svg(&report)),
    })
}

/// What the response is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Svg,
}

/// `format` wins; else the first of `Accept`'s types that names one.
fn output_format(req: &HttpRequest, format: Option<&str>, errors: &mut Vec<beacon_core::ValidationError>) -> Format {
    match format {
        Some("json") => return Format::Json,
        Some("csv") => return Format::Csv,
        Some("svg") => return Format::Svg,
        Some(_) => {
            errors.push(ValidationError::new("/format", ErrorCode::UnknownCode, "Must be `json`, `csv` or `svg`."));
            return Format::Json;
        }
        None => {}
    }
    let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    for item in accept.split(',') {
        match item.split(';').next().unwrap_or_default().trim().to_ascii_lowercase().as_str() {
            "text/csv" => return Format::Csv,
            "image/svg+xml" => return Format::Svg,
            "application/json" | "application/*" | "*/*" => return Format::Json,
            _ => {}
        }
    }
    Format::Json
}
