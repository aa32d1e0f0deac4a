#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The town table is complete: every town has every region and a population, and the populations
//! add up to the 2020 census count of the state and of each county (the per-100k gap flags and
//! the statistics by region rest on them).

use beacon_core::reference::geo::towns;
use std::collections::BTreeMap;

#[test]
fn every_town_has_every_region_and_a_population() {
    let all = towns();
    assert_eq!(all.len(), 169);
    for t in all {
        assert!(t.county.is_some() && t.county_fips.is_some(), "{}: county", t.town);
        assert!(t.planning_region.is_some() && t.planning_region_fips.is_some(), "{}: planning region", t.town);
        assert!(t.judicial_district.is_some(), "{}: judicial district", t.town);
        assert!(t.dcf_region.is_some_and(|r| (1..=6).contains(&r)), "{}: DCF region", t.town);
        assert!(t.population_2020.is_some_and(|p| p > 0), "{}: population", t.town);
    }
}

#[test]
fn populations_sum_to_the_2020_census_of_the_state_and_each_county() {
    let total: u64 = towns().iter().map(|t| u64::from(t.population_2020.unwrap())).sum();
    assert_eq!(total, 3_605_944);
    let mut by_county: BTreeMap<&str, u64> = BTreeMap::new();
    for t in towns() {
        *by_county.entry(t.county.unwrap()).or_default() += u64::from(t.population_2020.unwrap());
    }
    // PL 94-171 county totals (2020).
    let census = [
        ("Fairfield", 957_419),
        ("Hartford", 899_498),
        ("Litchfield", 185_186),
        ("Middlesex", 164_245),
        ("New Haven", 864_835),
        ("New London", 268_555),
        ("Tolland", 149_788),
        ("Windham", 116_418),
    ];
    for (county, want) in census {
        assert_eq!(by_county[county], want, "{county}");
    }
}

#[test]
fn judicial_districts_are_the_thirteen_of_the_state() {
    let mut districts: Vec<&str> = towns().iter().filter_map(|t| t.judicial_district).collect();
    districts.sort_unstable();
    districts.dedup();
    assert_eq!(districts.len(), 13, "{districts:?}");
}
