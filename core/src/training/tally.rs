//! The compliance report's tallies beyond the status counts: law enforcement
//! trained or not (Sec. 10(b)), and each contracted provider's staff by
//! status (Sec. 4(b)).

use serde::Serialize;
use std::collections::BTreeMap;

use super::ComplianceStatus;
use crate::reference::codes::CodeList;
use crate::reference::geo::find_town;
use crate::reference::regions::RegionType;

/// Trained and not-trained counts of one group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainedCount {
    /// The agency code or region name; `null` for people with no town on file.
    pub key: Option<String>,
    pub trained: u64,
    pub not_trained: u64,
}

/// Sec. 10(b): the Commissioner "shall, within available appropriations,
/// provide training to law enforcement officials regarding the trafficking of
/// minor children". The bill sets police no deadline, so they are not
/// `overdue` or `compliant`; what the report can say is who has been trained
/// (a qualifying training on the two topics of Sec. 10(b)) and who not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LawEnforcementCounts {
    pub trained: u64,
    pub not_trained: u64,
    /// By agency code, in code order.
    pub by_agency: Vec<TrainedCount>,
    /// By region of the report's `region_type` (DCF region by default), from
    /// the person's town; people with no town on file under `null`, last.
    pub region_type: &'static str,
    pub by_region: Vec<TrainedCount>,
}

/// One law-enforcement officer, as the tally needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer<'a> {
    pub agency: &'a str,
    pub town: Option<&'a str>,
    pub trained: bool,
}

fn add(map: &mut BTreeMap<Option<String>, TrainedCount>, key: Option<String>, trained: bool) {
    let c = map.entry(key.clone()).or_insert_with(|| TrainedCount { key, ..TrainedCount::default() });
    if trained {
        c.trained += 1;
    } else {
        c.not_trained += 1;
    }
}

/// Officers trained and not, by agency and by region of `region_type`.
pub fn law_enforcement_counts(officers: &[Officer<'_>], region_type: RegionType) -> LawEnforcementCounts {
    let mut by_agency = BTreeMap::new();
    let mut by_region = BTreeMap::new();
    let mut out = LawEnforcementCounts { region_type: region_type.code(), ..LawEnforcementCounts::default() };
    for o in officers {
        if o.trained {
            out.trained += 1;
        } else {
            out.not_trained += 1;
        }
        add(&mut by_agency, Some(o.agency.to_string()), o.trained);
        let region = o.town.and_then(find_town).and_then(|t| region_type.of(t));
        add(&mut by_region, region, o.trained);
    }
    out.by_agency = by_agency.into_values().collect();
    let mut regions: Vec<TrainedCount> = by_region.into_values().collect();
    // Regions in their natural order (DCF regions by number), no town last.
    regions.sort_by_key(|c| (c.key.is_none(), c.key.as_deref().and_then(|k| k.parse::<u32>().ok()), c.key.clone()));
    out.by_region = regions;
    out
}

/// Every status with its count, zeros included.
pub fn status_counts<'a>(statuses: impl IntoIterator<Item = &'a ComplianceStatus>) -> BTreeMap<&'static str, u64> {
    let mut counts: BTreeMap<&'static str, u64> = ComplianceStatus::ALL.iter().map(|s| (s.code(), 0)).collect();
    for s in statuses {
        *counts.entry(s.code()).or_default() += 1;
    }
    counts
}
