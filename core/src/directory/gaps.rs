//! The gap analysis. The coordinator "shall evaluate the availability of such services and
//! identify any gaps in funding or geographic regions where services are lacking" (Sec. 1(e)),
//! "identifying service and funding gaps" (Sec. 8(b)(5)).
//!
//! [`analyse`] turns the facts the database holds (services, demand, referrals, funding) into one
//! row per region × service category, each flag with its reason in words. Every threshold is a
//! named constant here, so the numbers in the reasons and in the tests are the same numbers.

use super::codes::{DeclineReason, ReferralStatus};
use crate::reference::codes::{CodeList, Service as Category};
use crate::reference::geo::towns;
use crate::reference::regions::RegionType;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// A region's rate under this share of the state's is `below_state_rate`.
pub const BELOW_STATE_RATE: f64 = 0.5;
/// One source giving more than this share of the known funding is `funding_concentration`.
pub const CONCENTRATION: f64 = 0.8;
/// The demand period when only its end is given, in days.
pub const DEFAULT_PERIOD_DAYS: i64 = 365;

/// Why a region × category is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GapFlagCode {
    /// No vetted provider serves any town of the region.
    NoProvider,
    /// Vetted providers per 100,000 residents under half the state's rate.
    BelowStateRate,
    /// Referrals were declined for lack of capacity.
    DemandExceedsCapacity,
    /// One source gives more than 80 % of the known funding.
    FundingConcentration,
    /// A provider's verification is more than 12 months old.
    StaleVerification,
}

impl GapFlagCode {
    pub const ALL: [GapFlagCode; 5] =
        [Self::NoProvider, Self::BelowStateRate, Self::DemandExceedsCapacity, Self::FundingConcentration, Self::StaleVerification];

    /// The wire code, as the JSON, the CSV and the heat map write it.
    pub fn code(self) -> &'static str {
        match self {
            Self::NoProvider => "no_provider",
            Self::BelowStateRate => "below_state_rate",
            Self::DemandExceedsCapacity => "demand_exceeds_capacity",
            Self::FundingConcentration => "funding_concentration",
            Self::StaleVerification => "stale_verification",
        }
    }
}

/// A flag on a region × category, with why it was raised.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapFlag {
    pub flag: GapFlagCode,
    pub reason: String,
}

/// One region × service category.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapRow {
    pub region: String,
    /// A Foundation service code.
    pub category: String,
    /// Active, vetted services of this category serving a town of the region (by service area
    /// or location).
    pub vetted_providers: i64,
    /// Summed over those services (services without capacity add nothing).
    pub capacity_available: i64,
    pub capacity_total: i64,
    /// 2020 census population; `null` when any town's population is unknown.
    pub population: Option<u64>,
    /// Some town of the region has no population in the reference data: no rate is given
    /// (never guessed).
    pub population_unknown: bool,
    pub providers_per_100k: Option<f64>,
    /// Victims needing the service in incidents that occurred in the period.
    pub demand_victims: i64,
    /// Intake submissions received in the period naming the need.
    pub demand_intake: i64,
    /// Referrals made in the period for this category, by the town the person is in.
    pub demand_referrals: i64,
    /// Those of them declined for lack of capacity.
    pub unmet_demand: i64,
    /// Funding of the counted providers whose period overlaps the period and whose amount is
    /// known, by source (a provider serving several regions counts whole in each).
    pub funding_cents_by_source: BTreeMap<String, i64>,
    pub funding_total_cents: i64,
    /// Active providers of the category serving the region whose last verification is more than
    /// 12 months old (so not vetted).
    pub stale_providers: i64,
    pub flags: Vec<GapFlag>,
}

/// How bad a row is, by its worst flag: what the heat map colours its cell by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// No flag.
    None,
    /// Funding concentrated or a verification stale: watch it.
    Watch,
    /// Under half the state's rate, or referrals declined for capacity.
    Gap,
    /// No vetted provider at all.
    Missing,
}

impl GapRow {
    pub fn severity(&self) -> Severity {
        let has = |f: GapFlagCode| self.flags.iter().any(|g| g.flag == f);
        if has(GapFlagCode::NoProvider) {
            Severity::Missing
        } else if has(GapFlagCode::BelowStateRate) || has(GapFlagCode::DemandExceedsCapacity) {
            Severity::Gap
        } else if self.flags.is_empty() {
            Severity::None
        } else {
            Severity::Watch
        }
    }
}

/// The gap analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapReport {
    pub region_type: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Per category: distinct vetted providers per 100,000 residents over the regions whose
    /// population is known (the basis of `below_state_rate`).
    pub state_rate_per_100k: BTreeMap<String, Option<f64>>,
    /// Towns the reference data assigns to no region of this type: their providers and demand
    /// are not in any row.
    pub towns_without_region: Vec<String>,
    pub rows: Vec<GapRow>,
}

/// An active service, as the analysis sees it.
#[derive(Debug, Clone, Default)]
pub struct GapService {
    pub id: Uuid,
    pub categories: Vec<String>,
    /// As [`super::vetting::is_vetted`] decides as of the analysis.
    pub vetted: bool,
    /// As [`super::vetting::is_stale`] decides as of the analysis.
    pub stale: bool,
    pub capacity_available: Option<i32>,
    pub capacity_total: Option<i32>,
    /// Its service areas and the towns of its locations.
    pub towns: Vec<String>,
}

/// Needs for one service code in one region.
#[derive(Debug, Clone)]
pub struct Demand {
    pub region: String,
    pub code: String,
    pub n: i64,
}

/// Referrals made in the period by town, category, lifecycle status and decline reason.
#[derive(Debug, Clone)]
pub struct ReferralCount {
    pub town: String,
    pub category: String,
    /// A code of the list `referral_status`.
    pub status: String,
    /// A code of the list `referral_decline_reason`, for a declined referral.
    pub decline_reason: Option<String>,
    pub n: i64,
}

impl ReferralCount {
    /// Declined by the provider for lack of capacity: unmet demand.
    pub fn declined_for_capacity(&self) -> bool {
        self.status == ReferralStatus::Declined.code() && self.decline_reason.as_deref() == Some(DeclineReason::Capacity.code())
    }
}

/// A known amount of funding of a service whose period overlaps the analysis period.
#[derive(Debug, Clone)]
pub struct FundingAmount {
    pub service_id: Uuid,
    pub source: String,
    pub amount_cents: i64,
}

/// What the analysis is computed from.
#[derive(Debug, Clone)]
pub struct GapFacts {
    pub region_type: RegionType,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub services: Vec<GapService>,
    /// Victims in incidents that occurred in the period, by region of the incident.
    pub victims: Vec<Demand>,
    /// Intake submissions received in the period, by region.
    pub intake: Vec<Demand>,
    pub referrals: Vec<ReferralCount>,
    pub funding: Vec<FundingAmount>,
}

/// The period asked for: `to` defaults to `today`, `from` to [`DEFAULT_PERIOD_DAYS`] before
/// `to`; `from` after `to` is a `date_order` error at `/from`.
pub fn period(from: Option<&str>, to: Option<&str>, today: NaiveDate, errors: &mut Vec<crate::ValidationError>) -> Option<(NaiveDate, NaiveDate)> {
    let to = match to {
        Some(v) => crate::fields::date("/to", v, errors),
        None => Some(today),
    };
    let from = match from {
        Some(v) => crate::fields::date("/from", v, errors),
        None => to.map(|t| t - Duration::days(DEFAULT_PERIOD_DAYS)),
    };
    let (from, to) = (from?, to?);
    if from > to {
        errors.push(crate::ValidationError::new("/from", crate::ErrorCode::DateOrder, "Must not be after `to`."));
        return None;
    }
    Some((from, to))
}

fn rate(providers: usize, population: u64) -> Option<f64> {
    (population > 0).then(|| providers as f64 * 100_000.0 / population as f64)
}

fn plural(n: impl Into<i64>, one: &'static str, many: &'static str) -> &'static str {
    if n.into() == 1 { one } else { many }
}

type Counts = HashMap<(String, String), i64>;

fn counts(rows: &[Demand]) -> Counts {
    let mut out = Counts::new();
    for d in rows {
        *out.entry((d.region.clone(), d.code.clone())).or_default() += d.n;
    }
    out
}

/// Whether `mine` is under the share [`BELOW_STATE_RATE`] of `state`.
pub fn below_state_rate(mine: f64, state: f64) -> bool {
    mine < state * BELOW_STATE_RATE
}

/// The largest source's share, when it is over [`CONCENTRATION`] of a positive total.
pub fn concentrated(by_source: &BTreeMap<String, i64>) -> Option<(&str, f64)> {
    let total: i64 = by_source.values().sum();
    let (source, top) = by_source.iter().max_by_key(|(_, v)| **v)?;
    let share = *top as f64 / total as f64;
    (total > 0 && share > CONCENTRATION).then_some((source.as_str(), share))
}

/// Per region × service category: the vetted providers, their capacity, providers per 100,000
/// residents, the demand in the period, the unmet demand and the funding by source, each flag
/// with its reason.
pub fn analyse(facts: &GapFacts) -> GapReport {
    let kind = facts.region_type;
    let (from, to) = (facts.from, facts.to);

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

    let victims = counts(&facts.victims);
    let intake = counts(&facts.intake);
    let mut referred = Counts::new();
    let mut declined = Counts::new();
    for r in &facts.referrals {
        let Some(region) = region_of_town.get(r.town.as_str()) else { continue };
        let key = (region.clone(), r.category.clone());
        *referred.entry(key.clone()).or_default() += r.n;
        if r.declined_for_capacity() {
            *declined.entry(key).or_default() += r.n;
        }
    }
    let mut funding_of: HashMap<Uuid, Vec<(&str, i64)>> = HashMap::new();
    for f in &facts.funding {
        funding_of.entry(f.service_id).or_default().push((&f.source, f.amount_cents));
    }

    // The regions each service serves.
    let served: HashMap<Uuid, BTreeSet<&String>> = facts
        .services
        .iter()
        .map(|s| (s.id, s.towns.iter().filter_map(|t| region_of_town.get(t.as_str())).collect()))
        .collect();
    let offers = |s: &GapService, c: Category| s.categories.iter().any(|x| x == c.code());
    let serves = |s: &GapService, region: &String| served.get(&s.id).is_some_and(|rs| rs.contains(region));

    // The state's rate per category, over the regions with a known population.
    let known_population: u64 = population.values().flatten().sum();
    let known_regions: BTreeSet<&String> = population.iter().filter(|(_, p)| p.is_some()).map(|(r, _)| r).collect();
    let mut state_rate = BTreeMap::new();
    for c in Category::ALL.iter().copied() {
        let n = facts
            .services
            .iter()
            .filter(|s| s.vetted && offers(s, c))
            .filter(|s| served.get(&s.id).is_some_and(|rs| rs.iter().any(|r| known_regions.contains(r))))
            .count();
        state_rate.insert(c.code().to_string(), rate(n, known_population));
    }

    let mut rows = Vec::new();
    for (region, pop) in &population {
        for c in Category::ALL.iter().copied() {
            let label = c.label().to_lowercase();
            let providers: Vec<&GapService> = facts.services.iter().filter(|s| s.vetted && offers(s, c) && serves(s, region)).collect();
            let per_100k = pop.and_then(|p| rate(providers.len(), p));
            let state = state_rate.get(c.code()).copied().flatten();
            let mut flags = Vec::new();
            if providers.is_empty() {
                flags.push(GapFlag {
                    flag: GapFlagCode::NoProvider,
                    reason: format!("No vetted provider of {label} serves any town in {region}."),
                });
            } else if let (Some(mine), Some(state)) = (per_100k, state) {
                if below_state_rate(mine, state) {
                    flags.push(GapFlag {
                        flag: GapFlagCode::BelowStateRate,
                        reason: format!("{region} has {mine:.2} vetted providers of {label} per 100,000 residents, under half the state's {state:.2}."),
                    });
                }
            }
            let key = (region.clone(), c.code().to_string());
            let unmet = declined.get(&key).copied().unwrap_or(0);
            if unmet > 0 {
                flags.push(GapFlag {
                    flag: GapFlagCode::DemandExceedsCapacity,
                    reason: format!(
                        "{unmet} referral{} for {label} from {region} {} declined for lack of capacity between {from} and {to}.",
                        plural(unmet, "", "s"),
                        plural(unmet, "was", "were")
                    ),
                });
            }
            let mut by_source: BTreeMap<String, i64> = BTreeMap::new();
            for p in &providers {
                for (source, cents) in funding_of.get(&p.id).into_iter().flatten() {
                    *by_source.entry((*source).to_string()).or_default() += cents;
                }
            }
            let total: i64 = by_source.values().sum();
            if let Some((source, share)) = concentrated(&by_source) {
                flags.push(GapFlag {
                    flag: GapFlagCode::FundingConcentration,
                    reason: format!(
                        "{source} gives {:.0} % of the known funding of {label} in {region}: losing it would leave the region without most of it.",
                        share * 100.0
                    ),
                });
            }
            let stale_here = facts.services.iter().filter(|s| s.stale && offers(s, c) && serves(s, region)).count();
            let stale_n = i64::try_from(stale_here).unwrap_or(i64::MAX);
            if stale_here > 0 {
                flags.push(GapFlag {
                    flag: GapFlagCode::StaleVerification,
                    reason: format!(
                        "{stale_here} provider{} of {label} serving {region} {} last verified more than 12 months ago, so not counted as vetted.",
                        plural(stale_n, "", "s"),
                        plural(stale_n, "was", "were")
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
                stale_providers: stale_n,
                flags,
            });
        }
    }
    GapReport {
        region_type: kind.code().to_string(),
        from,
        to,
        state_rate_per_100k: state_rate,
        towns_without_region,
        rows,
    }
}
