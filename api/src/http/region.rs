//! Regions of the reference data (`core/data/ct-towns.csv`) named in query
//! parameters: `region_type` and `region` turned into the region's towns.
//! The training report and the directory search select by them.

use beacon_core::reference::geo::{towns, Town};
use beacon_core::{ErrorCode, ValidationError};
use std::collections::BTreeSet;

/// The region kinds of the reference data (`core/data/ct-towns.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionType {
    DcfRegion,
    PlanningRegion,
    County,
    JudicialDistrict,
}

impl RegionType {
    /// The column incidents and intake submissions store this kind of region in.
    pub fn column(self) -> crate::db::directory::RegionColumn {
        use crate::db::directory::RegionColumn;
        match self {
            Self::DcfRegion => RegionColumn::DcfRegion,
            Self::PlanningRegion => RegionColumn::PlanningRegion,
            Self::County => RegionColumn::County,
            Self::JudicialDistrict => RegionColumn::JudicialDistrict,
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "dcf_region" => Some(Self::DcfRegion),
            "planning_region" => Some(Self::PlanningRegion),
            "county" => Some(Self::County),
            "judicial_district" => Some(Self::JudicialDistrict),
            _ => None,
        }
    }

    /// The town's region of this kind, as the reference data names it; `None`
    /// where the data has none (never guessed).
    pub fn of(self, town: &Town) -> Option<String> {
        match self {
            Self::DcfRegion => town.dcf_region.map(|r| r.to_string()),
            Self::PlanningRegion => town.planning_region.map(str::to_string),
            Self::County => town.county.map(str::to_string),
            Self::JudicialDistrict => town.judicial_district.map(str::to_string),
        }
    }
}

/// The towns of the region `region` of kind `region_type`, or `None` with no
/// region asked for. A region the kind does not have is an `unknown_code`
/// error at `/region` naming the ones it has.
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
        errors.push(ValidationError::new("/region", ErrorCode::UnknownCode, format!("Is not a region of this region_type: {}.", known.join(", "))));
        return None;
    }
    Some(in_region)
}

