//! Regions of the reference data (`core/data/ct-towns.csv`): the kinds of region and the towns of
//! each. The directory is "organized by region" (Sec. 1(e)); the training report, the directory
//! search and the gap analysis all select by these.

use crate::reference::geo::{towns, Town};
use crate::{ErrorCode, ValidationError};
use std::collections::BTreeSet;

/// The region kinds of the reference data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(rename_all = "snake_case"))]
pub enum RegionType {
    DcfRegion,
    PlanningRegion,
    County,
    JudicialDistrict,
}

impl RegionType {
    pub const ALL: [RegionType; 4] = [Self::DcfRegion, Self::PlanningRegion, Self::County, Self::JudicialDistrict];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == value)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::DcfRegion => "dcf_region",
            Self::PlanningRegion => "planning_region",
            Self::County => "county",
            Self::JudicialDistrict => "judicial_district",
        }
    }

    /// The town's region of this kind, as the reference data names it; `None` where the data has
    /// none (never guessed).
    pub fn of(self, town: &Town) -> Option<String> {
        match self {
            Self::DcfRegion => town.dcf_region.map(|r| r.to_string()),
            Self::PlanningRegion => town.planning_region.map(str::to_string),
            Self::County => town.county.map(str::to_string),
            Self::JudicialDistrict => town.judicial_district.map(str::to_string),
        }
    }
}

/// The towns of the region `region` of kind `region_type` (default `dcf_region`), or `None` with
/// no region asked for. A region the kind does not have is an `unknown_code` error at `/region`
/// naming the ones it has.
pub fn region_towns(region_type: Option<&str>, region: Option<&str>, errors: &mut Vec<ValidationError>) -> Option<Vec<String>> {
    let kind = match region_type.map(RegionType::parse) {
        None => RegionType::DcfRegion,
        Some(Some(kind)) => kind,
        Some(None) => {
            errors.push(ValidationError::new("/region_type", ErrorCode::UnknownCode, "Must be dcf_region, planning_region, county or judicial_district."));
            return None;
        }
    };
    let Some(wanted) = region.map(str::trim) else {
        if region_type.is_some() {
            errors.push(ValidationError::new("/region", ErrorCode::Required, "Give the region to select with `region_type`."));
        }
        return None;
    };
    towns_in(kind, wanted, "/region", "Is not a region of this region_type", errors)
}

/// The towns of the region named by a parameter of its own kind's name (`county=Hartford`,
/// `dcf_region=4`), as [`region_towns`] finds them; an unknown region is an `unknown_code`
/// error at `/<kind>`.
pub fn towns_of(kind: RegionType, region: &str, errors: &mut Vec<ValidationError>) -> Option<Vec<String>> {
    let path = format!("/{}", kind.code());
    towns_in(kind, region.trim(), &path, &format!("Is not a {}", kind.code().replace('_', " ")), errors)
}

fn towns_in(kind: RegionType, wanted: &str, path: &str, unknown: &str, errors: &mut Vec<ValidationError>) -> Option<Vec<String>> {
    // `region=04` is DCF Region 4 too.
    let wanted = match (kind, wanted.parse::<u8>()) {
        (RegionType::DcfRegion, Ok(n)) => n.to_string(),
        _ => wanted.to_string(),
    };
    let in_region: Vec<String> = towns()
        .iter()
        .filter(|t| kind.of(t).is_some_and(|name| name.eq_ignore_ascii_case(&wanted)))
        .map(|t| t.town.to_string())
        .collect();
    if in_region.is_empty() {
        let known: BTreeSet<String> = towns().iter().filter_map(|t| kind.of(t)).collect();
        let mut known: Vec<String> = known.into_iter().collect();
        if kind == RegionType::DcfRegion {
            known.sort_by_key(|r| r.parse::<u8>().unwrap_or(u8::MAX));
        }
        errors.push(ValidationError::new(path, ErrorCode::UnknownCode, format!("{unknown}: {}.", known.join(", "))));
        return None;
    }
    Some(in_region)
}

/// The towns in every one of `selections` (each a region's or a town's towns); `None` when
/// nothing selects, so every town is in.
pub fn towns_in_all(selections: impl IntoIterator<Item = Vec<String>>) -> Option<Vec<String>> {
    selections.into_iter().reduce(|kept, next| kept.into_iter().filter(|t| next.contains(t)).collect())
}
