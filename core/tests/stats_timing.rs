#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! How long core takes to shape and suppress the benchmark's largest tables
//! (issue 10), on counts shaped like a statewide year. Ignored by default:
//! `cargo test -p beacon-core --release --test stats_timing -- --ignored --nocapture`.

use beacon_core::reference::geo;
use beacon_core::stats::query::*;
use beacon_core::stats::Policy;
use std::time::Instant;

const BANDS: [(&str, f64); 6] =
    [("under_12", 0.03), ("12_17", 0.11), ("18_24", 0.2), ("25_59", 0.5), ("60_plus", 0.08), ("unknown", 0.08)];

/// Victims of a year by trafficking type × age band × town, as the count SQL gives them.
fn rows(victims: f64) -> Vec<GroupCount> {
    let towns = geo::towns();
    let total: f64 = towns.iter().map(|t| f64::from(t.population_2020.unwrap_or(0))).sum();
    let mut out = Vec::new();
    for t in towns {
        let share = f64::from(t.population_2020.unwrap_or(0)) / total;
        for (band, p) in BANDS {
            let n = (victims * share * p).round() as u64;
            for (key, q) in [("*", 1.0), ("sex", 0.575), ("labor", 0.575)] {
                let c = (n as f64 * q).round() as u64;
                if c > 0 {
                    out.push(GroupCount { keys: vec![key.into(), band.into()], town: Some(t.town.into()), incidents: 0, victims: c, plan: 0 });
                }
            }
        }
    }
    out
}

#[test]
#[ignore = "timing, run by hand in release"]
fn victims_by_type_age_band_and_county_in_a_year() {
    for size in [430_000.0, 43_000.0, 4_300.0] {
        let raw = RawParams { period: Some("2026"), group_by: Some("trafficking_type,age_band,county"), ..RawParams::default() };
        let q = StatsQuery::parse(Subject::Victims, &raw, Endpoint::Coordinator).unwrap();
        let rows = rows(size);
        let started = Instant::now();
        let out = build(&q, &rows, &Policy::default()).unwrap();
        let withheld: usize = out.tables.iter().map(|t| t.table.withheld().len()).sum();
        println!("{size} victims: {} rows, {:?}, {withheld} withheld", rows.len(), started.elapsed());
    }
}
