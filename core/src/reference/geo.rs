//! Connecticut's 169 towns and the regions each belongs to.
//!
//! The table is versioned reference data (`core/data/ct-towns.csv`, sources in
//! `ct-towns.SOURCES.md`) compiled into the binary. Empty cells stay `None`:
//! we never guess a region.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const TOWNS_CSV: &str = include_str!("../../data/ct-towns.csv");

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Town {
    pub town: &'static str,
    pub county: Option<&'static str>,
    pub county_fips: Option<&'static str>,
    pub planning_region: Option<&'static str>,
    pub planning_region_fips: Option<&'static str>,
    pub population_2020: Option<u32>,
    pub judicial_district: Option<&'static str>,
    pub dcf_region: Option<u8>,
}

struct Table {
    towns: Vec<Town>,
    by_lowercase: HashMap<String, usize>,
}

fn cell(s: &'static str) -> Option<&'static str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

fn parse_row(line: &'static str) -> Option<Town> {
    // The file has no quoted cells (no town or region name contains a comma),
    // which a unit test checks by counting rows and columns.
    let cols: Vec<&'static str> = line.split(',').collect();
    if cols.len() != 8 {
        return None;
    }
    Some(Town {
        town: cell(cols[0])?,
        county: cell(cols[1]),
        county_fips: cell(cols[2]),
        planning_region: cell(cols[3]),
        planning_region_fips: cell(cols[4]),
        population_2020: cell(cols[5]).and_then(|v| v.parse().ok()),
        judicial_district: cell(cols[6]),
        dcf_region: cell(cols[7]).and_then(|v| v.parse().ok()),
    })
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let towns: Vec<Town> = TOWNS_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .filter_map(parse_row)
            .collect();
        let by_lowercase = towns
            .iter()
            .enumerate()
            .map(|(i, t)| (t.town.to_lowercase(), i))
            .collect();
        Table { towns, by_lowercase }
    })
}

/// All towns in the table's order (alphabetical).
pub fn towns() -> &'static [Town] {
    &table().towns
}

/// Finds a town by name, ignoring case.
pub fn find_town(name: &str) -> Option<&'static Town> {
    let t = table();
    t.by_lowercase
        .get(&name.to_lowercase())
        .and_then(|&i| t.towns.get(i))
}

/// Counties that share a border, each pair once. Connecticut's counties have
/// had no government since 1960 but still group towns for statistics; a
/// service in a neighbouring county is a realistic referral.
///
/// Read off the state's county map. It should be checked against the Census
/// Bureau's county adjacency file, which is not in the stored reference data
/// (so this table is hand-typed, unlike the towns).
const ADJACENT_COUNTIES: [(&str, &str); 13] = [
    ("Fairfield", "Litchfield"),
    ("Fairfield", "New Haven"),
    ("Litchfield", "New Haven"),
    ("Litchfield", "Hartford"),
    ("Hartford", "New Haven"),
    ("Hartford", "Middlesex"),
    ("Hartford", "Tolland"),
    ("Hartford", "New London"),
    ("Middlesex", "New Haven"),
    ("Middlesex", "New London"),
    ("New London", "Tolland"),
    ("New London", "Windham"),
    ("Tolland", "Windham"),
];

/// Whether two counties (names as in [`Town::county`], e.g. `New London`)
/// share a border. A county is not adjacent to itself.
pub fn counties_adjacent(a: &str, b: &str) -> bool {
    ADJACENT_COUNTIES
        .iter()
        .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
}

/// A county's 2020 census population, the sum of its towns'; `None` when a
/// town's population is unknown (never guessed) or no town is in the county.
pub fn county_population(county: &str) -> Option<u64> {
    let towns: Vec<&Town> = towns().iter().filter(|t| t.county == Some(county)).collect();
    if towns.is_empty() {
        return None;
    }
    towns.iter().map(|t| t.population_2020.map(u64::from)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_adjacency_is_symmetric_and_names_only_real_counties() {
        let counties: Vec<&str> = towns().iter().filter_map(|t| t.county).collect();
        for &(a, b) in &ADJACENT_COUNTIES {
            assert!(counties.contains(&a) && counties.contains(&b), "{a}–{b} names a county no town is in");
            assert!(counties_adjacent(a, b) && counties_adjacent(b, a), "{a}–{b}");
        }
        for c in &counties {
            assert!(counties.iter().any(|o| counties_adjacent(c, o)), "{c} has no neighbour");
        }
        assert!(counties_adjacent("Tolland", "Windham"));
        assert!(!counties_adjacent("Fairfield", "Windham"));
        assert!(!counties_adjacent("Hartford", "Hartford"));
    }
}
