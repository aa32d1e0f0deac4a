//! Referral matching: which services a person can be sent to, how far each is, and in what
//! order they are offered. The directory identifies "providers of services for victims of human
//! trafficking" and is "organized by region" (Sec. 1(e)): distance is measured by town, county
//! and neighbouring county from the compiled town table.

use super::codes::ServedPopulation;
use crate::reference::codes::{CodeList, Service as Category};
use crate::reference::geo::{counties_adjacent, find_town};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::BTreeSet;
use uuid::Uuid;

/// How far a service is from the person's town, nearest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Distance {
    /// It serves the town itself (a service area or a location there).
    SameTown,
    /// It serves a town in the same county.
    SameRegion,
    /// It serves a town in a neighbouring county.
    AdjacentRegion,
    /// Anything else, including services that name no town.
    Statewide,
}

/// What a referrer asks for; `None` asks nothing of that field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub service: Option<Category>,
    pub age: Option<i32>,
    pub population: Option<ServedPopulation>,
    /// An ISO 639-1 code.
    pub language: Option<String>,
    pub vetted: Option<bool>,
    /// Only services with a place free now.
    pub capacity_available: bool,
}

/// The fields of a stored service the filters look at.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub categories: &'a [String],
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub populations: &'a [String],
    pub languages: &'a [String],
    pub vetted: bool,
    pub capacity_available: Option<i32>,
}

/// One language is the other or a more specific form of it (RFC 4647 basic filtering, both
/// ways), ignoring case: a service stored before languages were ISO 639-1 may list `es-MX`, and
/// it serves a person asking for `es`.
pub fn language_matches(wanted: &str, listed: &str) -> bool {
    let (a, b) = (wanted.to_ascii_lowercase(), listed.to_ascii_lowercase());
    let narrower = |long: &str, short: &str| long.strip_prefix(short).is_some_and(|rest| rest.starts_with('-'));
    a == b || narrower(&a, &b) || narrower(&b, &a)
}

/// Whether the service's own fields pass the filters. An age limit the service does not state
/// excludes nobody; a service that reports no capacity has no place free.
pub fn admits(f: &Filters, c: &Candidate<'_>) -> bool {
    f.service.is_none_or(|s| c.categories.iter().any(|x| x == s.code()))
        && f.age.is_none_or(|a| c.min_age.is_none_or(|m| m <= a) && c.max_age.is_none_or(|m| a <= m))
        && f.population.is_none_or(|p| c.populations.iter().any(|x| x == p.code()))
        && f.language.as_ref().is_none_or(|l| c.languages.iter().any(|t| language_matches(l, t)))
        && f.vetted.is_none_or(|want| c.vetted == want)
        && (!f.capacity_available || c.capacity_available.is_some_and(|n| n > 0))
}

/// How far a service serving the towns `served` is from the town `from`.
pub fn distance(from: &str, served: &BTreeSet<String>) -> Distance {
    if served.contains(from) {
        return Distance::SameTown;
    }
    let Some(county) = find_town(from).and_then(|t| t.county) else {
        // No county for the person's town in the reference data: nothing nearer than the
        // state can be claimed.
        return Distance::Statewide;
    };
    let counties: BTreeSet<&str> = served.iter().filter_map(|t| find_town(t).and_then(|t| t.county)).collect();
    if counties.contains(county) {
        Distance::SameRegion
    } else if counties.iter().any(|c| counties_adjacent(county, c)) {
        Distance::AdjacentRegion
    } else {
        Distance::Statewide
    }
}

/// The order matches are offered in: nearest first, then vetted, then most places free (a
/// service reporting no capacity counts as none free), then name ignoring case; the id breaks
/// the last ties so that pages never overlap.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RankKey {
    distance: Option<Distance>,
    not_vetted: bool,
    free: Reverse<i32>,
    folded_name: String,
    name: String,
    id: Uuid,
}

impl RankKey {
    pub fn new(distance: Option<Distance>, vetted: bool, capacity_available: Option<i32>, name: &str, id: Uuid) -> Self {
        Self {
            distance,
            not_vetted: !vetted,
            free: Reverse(capacity_available.unwrap_or(0)),
            folded_name: name.to_lowercase(),
            name: name.to_string(),
            id,
        }
    }
}

/// Sorts matches into the order of [`RankKey`].
pub fn rank<T>(items: &mut [T], key: impl Fn(&T) -> RankKey) {
    items.sort_by_cached_key(key);
}
