#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! Trends: monthly series with the year-over-year change and the rolling
//! 12-month total, computed from shown months only; worked by hand, and a
//! property test that no published figure recovers a withheld month.

use beacon_core::stats::query::{build, GroupCount, Measure};
use beacon_core::stats::trend::{self, points, TrendParams, TrendPoint};
use beacon_core::stats::{Cell, Policy};
use proptest::prelude::*;

fn months(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{}-{:02}", 2025 + i / 12, i % 12 + 1)).collect()
}

fn cells(values: &[Option<u64>]) -> Vec<Cell> {
    values.iter().map(|v| v.map_or_else(Cell::withheld, Cell::shown)).collect()
}

#[test]
fn a_series_worked_by_hand() {
    // 2025-01 … 2026-03: 15 months; 2025-03 withheld.
    let values = [
        Some(12), Some(14), None, Some(20), Some(11), Some(13), Some(15), Some(16), Some(12), Some(11), Some(18), Some(19),
        Some(24), Some(14), Some(30),
    ];
    let p = points(&months(15), &cells(&values));
    // No earlier year and no full window before 2025-12.
    assert!(p[..12].iter().all(|p| p.yoy_change.is_none() && p.yoy_percent.is_none()));
    // 2025-12's window holds the withheld March: no rolling total.
    assert_eq!(p[11].rolling_12, None);
    // 2026-01: 24 vs 12.
    assert_eq!(p[12].month, "2026-01");
    assert_eq!(p[12].yoy_change, Some(12));
    assert_eq!(p[12].yoy_percent, Some(100.0));
    // 2026-02: 14 vs 14; its window (2025-03 … 2026-02) still holds March.
    assert_eq!(p[13].yoy_change, Some(0));
    assert_eq!(p[13].rolling_12, None);
    // 2026-03 vs the withheld 2025-03: no change; the window 2025-04 … 2026-03 is all shown.
    assert_eq!(p[14].yoy_change, None);
    assert_eq!(p[14].yoy_percent, None);
    assert_eq!(p[14].rolling_12, Some(20 + 11 + 13 + 15 + 16 + 12 + 11 + 18 + 19 + 24 + 14 + 30));
    assert_eq!(p[14].count, Cell::shown(30));
    // A zero a year earlier has no percent change.
    let p = points(&months(13), &cells(&[Some(0); 13]));
    assert_eq!((p[12].yoy_change, p[12].yoy_percent, p[12].rolling_12), (Some(0), None, Some(0)));
}

/// Gaussian elimination over rationals (as f64 with small integers): the rank.
fn rank(rows: &[Vec<f64>]) -> usize {
    let mut m: Vec<Vec<f64>> = rows.to_vec();
    let cols = m.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..m.len()).find(|&i| m[i][c].abs() > 1e-9) else { continue };
        m.swap(r, p);
        for i in 0..m.len() {
            if i != r && m[i][c].abs() > 1e-9 {
                let f = m[i][c] / m[r][c];
                let pivot = m[r].clone();
                for (x, p) in m[i].iter_mut().zip(&pivot) {
                    *x -= f * p;
                }
            }
        }
        r += 1;
    }
    r
}

/// Every published figure as a linear equation over the months' true counts.
fn equations(p: &[TrendPoint]) -> Vec<Vec<f64>> {
    let n = p.len();
    let unit = |i: usize| (0..n).map(|j| if j == i { 1.0 } else { 0.0 }).collect::<Vec<f64>>();
    let mut rows = Vec::new();
    for (i, point) in p.iter().enumerate() {
        if point.count.get().is_some() {
            rows.push(unit(i));
        }
        if point.yoy_change.is_some() {
            let mut r = unit(i);
            r[i - 12] = -1.0;
            rows.push(r);
        }
        if point.rolling_12.is_some() {
            rows.push((0..n).map(|j| if j + 12 > i && j <= i { 1.0 } else { 0.0 }).collect());
        }
    }
    rows
}

proptest! {
    #[test]
    fn no_published_figure_recovers_a_withheld_month(
        values in proptest::collection::vec(0u64..40, 13..40),
        hidden in proptest::collection::vec(any::<bool>(), 40),
    ) {
        let n = values.len();
        let shown: Vec<Option<u64>> = values.iter().zip(&hidden).map(|(v, h)| (!h).then_some(*v)).collect();
        let p = points(&months(n), &cells(&shown));
        // Correct where published.
        for (i, point) in p.iter().enumerate() {
            if let Some(r) = point.rolling_12 {
                prop_assert_eq!(r, values[i + 1 - 12..=i].iter().sum::<u64>());
            }
            if let Some(c) = point.yoy_change {
                prop_assert_eq!(c, i128::from(values[i]) - i128::from(values[i - 12]));
            }
        }
        // A withheld month is recovered when its unit vector lies in the
        // span of the published equations: adding it leaves the rank unchanged.
        let rows = equations(&p);
        let base = rank(&rows);
        for i in (0..n).filter(|&i| shown[i].is_none()) {
            let mut with = rows.clone();
            with.push((0..n).map(|j| if j == i { 1.0 } else { 0.0 }).collect());
            prop_assert_eq!(rank(&with), base + 1, "month {} is recoverable", i);
        }
    }
}

fn row(keys: &[&str], town: Option<&str>, n: u64) -> GroupCount {
    GroupCount { keys: keys.iter().map(|k| k.to_string()).collect(), town: town.map(str::to_string), incidents: n, victims: n, plan: 0 }
}

#[test]
fn series_per_region_and_for_the_state_from_a_suppressed_table() {
    let q = trend::parse(&TrendParams { by: Some("county"), from: Some("2025-01"), to: Some("2026-12"), ..Default::default() }).unwrap();
    let mut rows = Vec::new();
    for m in months(24) {
        rows.push(row(&[&m], Some("Hartford"), 20));
        rows.push(row(&[&m], Some("New Haven"), if m == "2025-06" { 3 } else { 15 }));
    }
    let out = build(&q, &rows, &Policy::public(11).unwrap()).unwrap();
    let t = trend::TrendOutput::of(&q, &out);
    let names: Vec<&str> = t.series.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"Hartford") && names.contains(&"New Haven") && names.contains(&"all"), "{names:?}");
    let new_haven = t.series.iter().find(|s| s.name == "New Haven").unwrap();
    assert_eq!(new_haven.points[5].count, Cell::withheld(), "3 is below k");
    assert_eq!(new_haven.points[17].yoy_change, None, "June 2026 against the withheld June 2025");
    assert!(new_haven.points[11..17].iter().all(|p| p.rolling_12.is_none()), "windows holding June 2025");
    // Every series: each figure is published exactly when its months are shown.
    for s in &t.series {
        let counts: Vec<Option<u64>> = s.points.iter().map(|p| p.count.get()).collect();
        for (i, p) in s.points.iter().enumerate().skip(11) {
            let window: Option<u64> = counts[i - 11..=i].iter().copied().sum();
            assert_eq!(p.rolling_12, window, "{} {}", s.name, p.month);
        }
    }
    // Complementary suppression hides one more June 2025 entry, else the state total gives New Haven's back.
    let june: Vec<Option<u64>> = t.series.iter().map(|s| s.points[5].count.get()).collect();
    assert!(june.iter().filter(|c| c.is_none()).count() >= 2, "{june:?}");
    let all = t.series.iter().find(|s| s.name == "all").unwrap();
    assert_eq!(all.points[0].count, Cell::shown(35));
    assert_eq!(all.points[23].rolling_12, Some(12 * 35));
    assert!(t.to_csv().starts_with("series,month,count,yoy_change,yoy_percent,rolling_12\n"));
    assert_eq!(Measure::Incidents.name(q.subject()), t.measure);
}

#[test]
fn series_per_trafficking_type_are_the_has_counts() {
    let q = trend::parse(&TrendParams { by: Some("trafficking_type"), from: Some("2026-01"), to: Some("2026-02"), ..Default::default() }).unwrap();
    let rows = vec![
        row(&["2026-01", "sex"], None, 12),
        row(&["2026-01", "*"], None, 30),
        row(&["2026-02", "labor"], None, 14),
        row(&["2026-02", "*"], None, 14),
    ];
    let out = build(&q, &rows, &Policy::public(11).unwrap()).unwrap();
    let t = trend::TrendOutput::of(&q, &out);
    let names: Vec<&str> = t.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["sex", "labor"], "one series per type, none summing them");
    assert_eq!(t.series[0].points[0].count, Cell::shown(12));
    assert_eq!(t.series[1].points[1].count, Cell::shown(14));
}

#[test]
fn trend_requests_name_their_parameters() {
    let bad: &[(TrendParams, &str)] = &[
        (TrendParams { subject: Some("training"), from: Some("2026-01"), to: Some("2026-02"), ..Default::default() }, "/subject"),
        (TrendParams { by: Some("quarter"), from: Some("2026-01"), to: Some("2026-02"), ..Default::default() }, "/by"),
        (TrendParams { by: Some("partner"), from: Some("2026-01"), to: Some("2026-02"), ..Default::default() }, "/by"),
        (TrendParams { from: Some("2026-1"), to: Some("2026-02"), ..Default::default() }, "/from"),
        (TrendParams { from: Some("2026-01"), ..Default::default() }, "/to"),
        (TrendParams { from: Some("2026-03"), to: Some("2026-02"), ..Default::default() }, "/to"),
        (TrendParams { from: Some("2026-01"), to: Some("2026-02"), internal: Some("true"), ..Default::default() }, "/reason"),
    ];
    for (params, path) in bad {
        let errors = trend::parse(params).unwrap_err();
        assert!(errors.iter().any(|e| e.path == *path), "{params:?}: {errors:?}");
    }
    let ok = trend::parse(&TrendParams { subject: Some("intake"), by: Some("concern_type"), from: Some("2025-01"), to: Some("2026-12"), ..Default::default() }).unwrap();
    assert_eq!(ok.group_by().len(), 2);
}
