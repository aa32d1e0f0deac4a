#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! Disclosure control: primary and complementary suppression, the joint audit
//! of one period's tables, multi-valued dimensions, derived figures, periods.
//!
//! The recovery check used here is written independently of the one under
//! test: plain rational Gauss–Jordan elimination over the unknown counts, with
//! every shown cell substituted, in the most literal form.

use beacon_core::stats::derived::{change, median, percent_change, percentage, rate};
use beacon_core::stats::*;
use beacon_core::ErrorCode;
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// An independent recovery check.

/// A fraction in lowest terms with a positive denominator.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Q(i128, i128);

impl Q {
    fn int(n: i128) -> Q {
        Q(n, 1)
    }
    fn new(n: i128, d: i128) -> Q {
        fn g(a: i128, b: i128) -> i128 {
            if b == 0 {
                a.abs()
            } else {
                g(b, a % b)
            }
        }
        let k = g(n, d).max(1) * d.signum();
        Q(n / k, d / k)
    }
    fn is_zero(self) -> bool {
        self.0 == 0
    }
    fn sub(self, o: Q) -> Q {
        Q::new(self.0 * o.1 - o.0 * self.1, self.1 * o.1)
    }
    fn mul(self, o: Q) -> Q {
        Q::new(self.0 * o.0, self.1 * o.1)
    }
    fn div(self, o: Q) -> Q {
        Q::new(self.0 * o.1, self.1 * o.0)
    }
}

/// Whether `v` is a rational combination of `rows`: reduce the rows to
/// reduced row echelon form, then subtract from `v` along each pivot.
fn in_row_space(rows: &[Vec<i128>], v: &[i128]) -> bool {
    let width = v.len();
    let mut m: Vec<Vec<Q>> = rows.iter().map(|r| r.iter().map(|&x| Q::int(x)).collect()).collect();
    let mut pivots: Vec<(usize, usize)> = Vec::new();
    let mut r = 0;
    for c in 0..width {
        let Some(p) = (r..m.len()).find(|&i| !m[i][c].is_zero()) else { continue };
        m.swap(r, p);
        let lead = m[r][c];
        m[r] = m[r].iter().map(|&x| x.div(lead)).collect();
        for i in 0..m.len() {
            if i != r && !m[i][c].is_zero() {
                let f = m[i][c];
                let pivot_row = m[r].clone();
                m[i] = m[i].iter().zip(&pivot_row).map(|(&x, &y)| x.sub(f.mul(y))).collect();
            }
        }
        pivots.push((r, c));
        r += 1;
    }
    let mut rest: Vec<Q> = v.iter().map(|&x| Q::int(x)).collect();
    for &(row, c) in &pivots {
        let f = rest[c];
        if !f.is_zero() {
            rest = rest.iter().zip(&m[row]).map(|(&x, &y)| x.sub(f.mul(y))).collect();
        }
    }
    rest.iter().all(|x| x.is_zero())
}

/// Row-major index of an inner cell.
fn flat(sizes: &[usize], at: &[usize]) -> usize {
    at.iter().zip(sizes).fold(0, |acc, (&i, &n)| acc * n + i)
}

/// Every inner cell (as category indices) under `key`.
fn cells_under(sizes: &[usize], key: &[Option<usize>]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for (&n, c) in sizes.iter().zip(key) {
        out = out
            .into_iter()
            .flat_map(|p| {
                let choices: Vec<usize> = match c {
                    Some(i) => vec![*i],
                    None => (0..n).collect(),
                };
                choices.into_iter().map(move |i| {
                    let mut q = p.clone();
                    q.push(i);
                    q
                })
            })
            .collect();
    }
    out
}

/// Withheld entries of one published table that its shown entries give away.
/// Unknowns are the withheld inner cells (shown ones are substituted); each
/// shown margin is an equation over them.
fn recovered_from(t: &SuppressedTable) -> Vec<Key> {
    let sizes: Vec<usize> = t.dimensions().iter().map(Dimension::len).collect();
    let unknown: Vec<usize> = t
        .entries()
        .iter()
        .filter(|e| e.cell.suppressed && e.at.iter().all(Option::is_some))
        .map(|e| flat(&sizes, &e.at.iter().map(|c| c.unwrap()).collect::<Vec<_>>()))
        .collect();
    let vector = |key: &[Option<usize>]| -> Vec<i128> {
        let under: Vec<usize> = cells_under(&sizes, key).iter().map(|c| flat(&sizes, c)).collect();
        unknown.iter().map(|u| i128::from(under.contains(u))).collect()
    };
    let rows: Vec<Vec<i128>> = t
        .entries()
        .iter()
        .filter(|e| !e.cell.suppressed && e.at.iter().any(Option::is_none))
        .map(|e| vector(&e.at))
        .collect();
    t.entries()
        .iter()
        .filter(|e| e.cell.suppressed && in_row_space(&rows, &vector(&e.at)))
        .map(|e| e.at.clone())
        .collect()
}

// ---------------------------------------------------------------------------
// Random tables.

fn table_strategy() -> impl Strategy<Value = (Vec<usize>, Vec<u64>)> {
    prop::collection::vec(2usize..=6, 1..=3)
        .prop_flat_map(|sizes| {
            let n: usize = sizes.iter().product();
            let count = prop_oneof![2 => Just(0u64), 3 => 1u64..=10, 3 => 11u64..=30];
            (Just(sizes), prop::collection::vec(count, n))
        })
}

fn build(sizes: &[usize], counts: &[u64]) -> Table {
    let dims = sizes
        .iter()
        .enumerate()
        .map(|(d, &n)| Dimension::new(format!("d{d}"), (0..n).map(|i| format!("c{i}"))).unwrap())
        .collect();
    let all = cells_under(sizes, &vec![None; sizes.len()]);
    let cells = all.into_iter().map(|at| {
        let v = counts[flat(sizes, &at)];
        (at, v)
    });
    Table::new("random", dims, cells).unwrap()
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 128, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn no_shown_count_inner_or_margin_is_between_1_and_k_minus_1((sizes, counts) in table_strategy(), k in 11u64..=14) {
        let s = suppress(&build(&sizes, &counts), &Policy::public(k).unwrap());
        for e in s.entries() {
            if let Some(v) = e.cell.get() {
                prop_assert!(v == 0 || v >= k, "{:?} shows {v}", e.at);
            }
        }
    }

    #[test]
    fn no_withheld_count_is_recoverable_from_the_published_table((sizes, counts) in table_strategy()) {
        let s = suppress(&build(&sizes, &counts), &Policy::default());
        prop_assert_eq!(recovered_from(&s), Vec::<Key>::new());
    }

    #[test]
    fn the_audit_under_test_agrees_with_the_independent_one((sizes, counts) in table_strategy()) {
        // Primary suppression alone usually leaves cells recoverable: both
        // audits must name the same ones.
        let primary = withhold_primary(&build(&sizes, &counts));
        prop_assert_eq!(recoverable_cells(&primary), recovered_from(&primary));
    }

    #[test]
    fn zero_counts_are_shown((sizes, counts) in table_strategy()) {
        let t = build(&sizes, &counts);
        let s = suppress(&t, &Policy::default());
        for e in s.entries() {
            if t.count(&e.at) == Some(0) {
                prop_assert_eq!(e.cell, Cell::shown(0), "{:?}", e.at);
            }
        }
    }

    #[test]
    fn shown_counts_are_the_true_counts((sizes, counts) in table_strategy()) {
        let t = build(&sizes, &counts);
        let s = suppress(&t, &Policy::default());
        for e in s.entries() {
            if let Some(v) = e.cell.get() {
                prop_assert_eq!(Some(v), t.count(&e.at));
            }
        }
    }

    #[test]
    fn the_internal_policy_shows_every_count((sizes, counts) in table_strategy()) {
        let t = build(&sizes, &counts);
        let s = suppress(&t, &Policy::internal());
        for e in s.entries() {
            prop_assert_eq!(e.cell, Cell::shown(t.count(&e.at).unwrap()));
        }
    }
}

/// `t` published with only the primary rule applied (counts 1–10 withheld).
fn withhold_primary(t: &Table) -> SuppressedTable {
    proposed(t, |key| (1..=10).contains(&t.count(key).unwrap()))
}

// ---------------------------------------------------------------------------
// Worked examples.

fn two_by_three() -> Table {
    // rows r1, r2; columns c1, c2, c3
    //        c1  c2  c3 | total
    //   r1    3  20  15 |   38
    //   r2   12  25  30 |   67
    //   total 15 45  45 |  105
    Table::new(
        "2x3",
        vec![Dimension::new("row", ["r1", "r2"]).unwrap(), Dimension::new("col", ["c1", "c2", "c3"]).unwrap()],
        vec![(vec![0, 0], 3), (vec![0, 1], 20), (vec![0, 2], 15), (vec![1, 0], 12), (vec![1, 1], 25), (vec![1, 2], 30)],
    )
    .unwrap()
}

#[test]
fn two_by_three_with_one_small_cell_withholds_the_rectangle_through_it() {
    // 3 is withheld (1–10). Alone it is 38 − 20 − 15 (row r1) and 15 − 12
    // (column c1), so one cell in its row and one in its column go too: the
    // trials tie, and the smallest, 12 (r2,c1), goes first; then 15 (r1,c3),
    // as row r1 would still give 3 away. Now 12 = 67 − 25 − 30 (row r2) and
    // 15 = 45 − 30 (column c3): withholding 30 (r2,c3) closes both. The four
    // corners of a rectangle leave one degree of freedom, so none of them can
    // be worked out; every total stays shown (none is 1–10).
    let s = suppress(&two_by_three(), &Policy::default());
    let k = |r: usize, c: usize| vec![Some(r), Some(c)];
    assert_eq!(s.withheld(), vec![k(0, 0), k(0, 2), k(1, 0), k(1, 2)]);
}

#[test]
fn the_published_two_by_three_renders_withheld_cells_as_stars_in_csv() {
    let csv = suppress(&two_by_three(), &Policy::default()).to_csv();
    assert_eq!(
        csv,
        "row,col,count\nr1,c1,*\nr1,c2,20\nr1,c3,*\nr1,Total,38\nr2,c1,*\nr2,c2,25\nr2,c3,*\nr2,Total,67\n\
         Total,c1,15\nTotal,c2,45\nTotal,c3,45\nTotal,Total,105\n"
    );
}

#[test]
fn a_withheld_cell_serialises_as_null_and_suppressed() {
    let s = suppress(&two_by_three(), &Policy::default());
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["entries"][0], serde_json::json!({"at": [0, 0], "value": null, "suppressed": true}));
    assert_eq!(v["entries"][1], serde_json::json!({"at": [0, 1], "value": 20, "suppressed": false}));
    assert_eq!(v["entries"][11], serde_json::json!({"at": [null, null], "value": 105, "suppressed": false}));
}

#[test]
fn the_rule_text_states_the_threshold_in_plain_english() {
    let s = suppress(&two_by_three(), &Policy::default());
    assert_eq!(
        s.rule(),
        "Counts from 1 to 10 are withheld (shown as * or null), and further cells are withheld \
         where a withheld count could otherwise be worked out from totals."
    );
}

#[test]
fn primary_suppression_alone_leaves_the_two_by_three_recoverable() {
    // The audit must see what the complements are for.
    let t = two_by_three();
    let only_primary = withhold_primary(&t);
    assert_eq!(recoverable_cells(&only_primary), vec![vec![Some(0), Some(0)]]);
}

#[test]
fn one_dimension_with_one_small_cell_withholds_the_next_smallest() {
    // a 4, b 25, c 13, d 40; total 82. 4 is withheld; alone it would be
    // 82 − 25 − 13 − 40, so the smallest other non-zero count, 13, goes too.
    // The total stays: 4 + 13 = 17 tells neither.
    let t = Table::new(
        "1d",
        vec![Dimension::new("x", ["a", "b", "c", "d"]).unwrap()],
        vec![(vec![0], 4), (vec![1], 25), (vec![2], 13), (vec![3], 40)],
    )
    .unwrap();
    let s = suppress(&t, &Policy::default());
    assert_eq!(s.withheld(), vec![vec![Some(0)], vec![Some(2)]]);
}

#[test]
fn a_small_total_is_withheld_like_any_count() {
    let t = Table::new("1d", vec![Dimension::new("x", ["a", "b"]).unwrap()], vec![(vec![0], 0), (vec![1], 7)]).unwrap();
    let s = suppress(&t, &Policy::default());
    assert_eq!(s.get(&[None]), Some(Cell::withheld()));
    assert_eq!(s.cell(&[0]), Some(Cell::shown(0)));
}

#[test]
fn two_withheld_ones_under_a_shown_total_are_not_left_pinned() {
    // a 1, b 1, c 40, total 42: a + b = 2 and neither is 0 (zeros are shown),
    // so both would be 1. Something else must go.
    let t = Table::new(
        "1d",
        vec![Dimension::new("x", ["a", "b", "c"]).unwrap()],
        vec![(vec![0], 1), (vec![1], 1), (vec![2], 40)],
    )
    .unwrap();
    let s = suppress(&t, &Policy::default());
    assert_eq!(s.cell(&[2]), Some(Cell::withheld()));
}

#[test]
fn a_public_policy_refuses_k_below_11() {
    assert_eq!(Policy::public(10), Err(PolicyError::ThresholdTooSmall(10)));
    assert_eq!(Policy::public(11).map(|p| p.k()), Ok(Some(11)));
    assert_eq!(Policy::default().k(), Some(11));
}

// ---------------------------------------------------------------------------
// One period's tables together: counties and planning regions are two
// groupings of the same towns.

/// Five invented towns: county B and region Q are the same two towns.
fn invented_geography() -> (Dimension, Dimension, Vec<(&'static str, u64)>) {
    let towns: Vec<String> = ["T1", "T2", "T3", "T4", "T5"].map(String::from).to_vec();
    let g = |groups: &[(&str, &[&str])]| -> Vec<(String, Vec<String>)> {
        groups.iter().map(|(l, m)| (l.to_string(), m.iter().map(|s| s.to_string()).collect())).collect()
    };
    let county = Dimension::grouped(
        "county",
        "town",
        towns.clone(),
        g(&[("A", &["T1"]), ("B", &["T2", "T3"]), ("C", &["T4", "T5"])]),
    )
    .unwrap();
    let region = Dimension::grouped(
        "region",
        "town",
        towns,
        g(&[("P", &["T1", "T4"]), ("Q", &["T2", "T3"]), ("R", &["T5"])]),
    )
    .unwrap();
    (county, region, vec![("T1", 3), ("T2", 12), ("T3", 8), ("T4", 30), ("T5", 15)])
}

/// Aggregates town counts into a one-dimensional table over `dim`.
fn by(dim: &Dimension, towns: &[(&str, u64)]) -> Table {
    let mut counts = vec![0u64; dim.len()];
    for (town, n) in towns {
        let u = dim.units().iter().position(|x| x == town).unwrap();
        let c = (0..dim.len()).find(|&c| by_units(dim, c).contains(&u)).unwrap();
        counts[c] += n;
    }
    Table::new(dim.name(), vec![dim.clone()], counts.into_iter().enumerate().map(|(i, n)| (vec![i], n))).unwrap()
}

/// Unit indices of category `c`, from the category's town names.
fn by_units(dim: &Dimension, c: usize) -> Vec<usize> {
    let names = dim.members(c).unwrap();
    (0..dim.units().len()).filter(|&u| names.contains(&dim.units()[u].as_str())).collect()
}

/// Withheld entries (table, key) of one-dimensional town groupings that the
/// shown entries of all of them give away. Unknowns: one count per town.
fn recovered_by_differencing(tables: &[SuppressedTable]) -> Vec<(usize, Key)> {
    let towns = tables[0].dimensions()[0].units().len();
    let vector = |t: &SuppressedTable, key: &Key| -> Vec<i128> {
        let d = &t.dimensions()[0];
        (0..towns)
            .map(|u| i128::from(key[0].is_none_or(|c| by_units(d, c).contains(&u))))
            .collect()
    };
    let rows: Vec<Vec<i128>> = tables
        .iter()
        .flat_map(|t| t.entries().iter().filter(|e| !e.cell.suppressed).map(move |e| (t, e)))
        .map(|(t, e)| vector(t, &e.at))
        .collect();
    let mut out = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        for e in t.entries().iter().filter(|e| e.cell.suppressed) {
            if in_row_space(&rows, &vector(t, &e.at)) {
                out.push((i, e.at.clone()));
            }
        }
    }
    out
}

#[test]
fn county_and_region_tables_suppressed_apart_give_a_county_away() {
    // The attack the joint audit exists for: apart, the county table withholds
    // A (3) and B (20), and the region table shows everything (all ≥ 11). But
    // region Q is county B's towns, so A = 68 − Q − C = 68 − 20 − 45 = 3.
    let (county, region, towns) = invented_geography();
    let apart = vec![
        suppress(&by(&county, &towns), &Policy::default()),
        suppress(&by(&region, &towns), &Policy::default()),
    ];
    assert!(recovered_by_differencing(&apart).contains(&(0, vec![Some(0)])));
}

#[test]
fn county_and_region_tables_suppressed_together_give_nothing_away() {
    let (county, region, towns) = invented_geography();
    let together = suppress_together(&[by(&county, &towns), by(&region, &towns)], &Policy::default()).unwrap();
    assert_eq!(together[0].cell(&[0]), Some(Cell::withheld()));
    assert_eq!(recovered_by_differencing(&together), vec![]);
}

#[test]
fn connecticut_counties_and_planning_regions_together_give_nothing_away() {
    // The real 169 towns: a few small counts in the east, more elsewhere.
    let all = beacon_core::reference::geo::towns();
    let towns: Vec<(&str, u64)> = all
        .iter()
        .enumerate()
        .map(|(i, t)| {
            // Windham county: 3 (a few towns with one each); Tolland: 0;
            // every other town 2 or 3.
            let n = match t.county {
                Some("Windham") => u64::from(i % 5 == 0),
                Some("Tolland") => 0,
                _ => 2 + (i % 2) as u64,
            };
            (t.town, n)
        })
        .collect();
    let county = Dimension::counties().unwrap();
    let region = Dimension::planning_regions().unwrap();
    assert_eq!((county.len(), region.len()), (8, 9));
    let together = suppress_together(&[by(&county, &towns), by(&region, &towns)], &Policy::default()).unwrap();
    let withheld: usize = together.iter().map(|t| t.withheld().len()).sum();
    assert!(withheld >= 2, "the example should exercise suppression");
    assert_eq!(recovered_by_differencing(&together), vec![]);
    assert_eq!(recoverable_together(&together).unwrap(), vec![]);
}

#[test]
fn tables_of_different_records_are_not_suppressed_together() {
    let a = Table::new("a", vec![Dimension::new("x", ["a"]).unwrap()], vec![(vec![0], 20)]).unwrap();
    let b = Table::new("b", vec![Dimension::new("x", ["a"]).unwrap()], vec![(vec![0], 21)]).unwrap();
    assert_eq!(suppress_together(&[a, b], &Policy::default()), Err(DisclosureError::TotalsDiffer));
}

// ---------------------------------------------------------------------------
// Multi-valued dimensions.

fn services() -> MultiValued {
    MultiValued::new("services_needed", 40, [("housing", 3), ("legal", 0), ("medical", 25), ("interpreter", 35)]).unwrap()
}

#[test]
fn a_small_has_count_withholds_its_has_not_too() {
    let m = suppress_multi(&services(), &Policy::default()).unwrap();
    assert_eq!((m.categories[0].has, m.categories[0].has_not), (Cell::withheld(), Cell::withheld()));
}

#[test]
fn a_small_has_not_count_withholds_its_has_too() {
    let m = suppress_multi(&services(), &Policy::default()).unwrap();
    assert_eq!((m.categories[3].has, m.categories[3].has_not), (Cell::withheld(), Cell::withheld()));
}

#[test]
fn a_zero_has_count_and_large_counts_are_shown() {
    let m = suppress_multi(&services(), &Policy::default()).unwrap();
    assert_eq!((m.categories[1].has, m.categories[1].has_not), (Cell::shown(0), Cell::shown(40)));
    assert_eq!((m.categories[2].has, m.categories[2].has_not), (Cell::shown(25), Cell::shown(15)));
}

#[test]
fn a_multi_valued_table_publishes_no_total() {
    let m = suppress_multi(&services(), &Policy::default()).unwrap();
    let v = serde_json::to_value(&m).unwrap();
    // Sorted: the workspace enables serde_json's `preserve_order`, which keeps declaration order.
    let mut keys: Vec<_> = v.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["categories", "name", "rule"]);
    assert_eq!(
        m.to_csv(),
        "category,has,has_not\nhousing,*,*\nlegal,0,40\nmedical,25,15\ninterpreter,*,*\n"
    );
}

#[test]
fn a_category_counting_more_than_the_records_is_refused() {
    assert!(MultiValued::new("t", 5, [("sex", 6)]).is_err());
}

// ---------------------------------------------------------------------------
// Derived figures.

#[test]
fn no_rate_percentage_median_or_trend_comes_from_a_withheld_count() {
    let w = Cell::withheld();
    let s = Cell::shown(20);
    assert_eq!(rate(&w, 100_000, 100_000), None);
    assert_eq!(percentage(&w, &s), None);
    assert_eq!(percentage(&s, &w), None);
    assert_eq!(median(&[s, w, s]), None);
    assert_eq!(change(&w, &s), None);
    assert_eq!(percent_change(&s, &w), None);
}

#[test]
fn derived_figures_of_shown_counts_are_computed() {
    assert_eq!(rate(&Cell::shown(20), 200_000, 100_000), Some(10.0));
    assert_eq!(percentage(&Cell::shown(15), &Cell::shown(60)), Some(25.0));
    assert_eq!(median(&[Cell::shown(11), Cell::shown(0), Cell::shown(40), Cell::shown(12)]), Some(11.5));
    assert_eq!(change(&Cell::shown(40), &Cell::shown(25)), Some(-15));
    assert_eq!(percent_change(&Cell::shown(40), &Cell::shown(50)), Some(25.0));
}

// ---------------------------------------------------------------------------
// Periods.

#[test]
fn a_public_period_is_a_year_or_a_quarter() {
    assert_eq!(Period::parse("2026", "period", Audience::Public), Ok(Period::Year { year: 2026 }));
    assert_eq!(Period::parse("2026-Q3", "period", Audience::Public), Ok(Period::Quarter { year: 2026, quarter: 3 }));
    let q = Period::parse("2026-Q3", "period", Audience::Public).unwrap();
    assert_eq!((q.first_day().unwrap().to_string(), q.last_day().unwrap().to_string()), ("2026-07-01".into(), "2026-09-30".into()));
}

#[test]
fn a_day_or_a_range_is_refused_for_public_naming_the_parameter() {
    for text in ["2026-07-15", "2026-07-01/2026-07-31"] {
        let e = Period::parse(text, "period", Audience::Public).unwrap_err();
        assert_eq!((e.path.as_str(), e.code), ("/period", ErrorCode::NotAllowed), "{text}");
    }
    let e = Period::between("2026-07-01", "2026-09-30", ("from", "to"), Audience::Public).unwrap_err();
    assert_eq!((e[0].path.as_str(), e[0].code), ("/from", ErrorCode::NotAllowed));
}

#[test]
fn an_internal_period_may_be_any_ordered_range() {
    let p = Period::between("2026-07-03", "2026-07-09", ("from", "to"), Audience::Internal).unwrap();
    assert_eq!(p.label(), "2026-07-03/2026-07-09");
    let e = Period::between("2026-07-09", "2026-07-03", ("from", "to"), Audience::Internal).unwrap_err();
    assert_eq!((e[0].path.as_str(), e[0].code), ("/to", ErrorCode::DateOrder));
}

#[test]
fn a_malformed_period_is_a_format_error() {
    for text in ["2026-Q5", "2026Q3", "26", "2026-q3", "2026-13-01", ""] {
        let e = Period::parse(text, "period", Audience::Public).unwrap_err();
        assert_eq!((e.path.as_str(), e.code), ("/period", ErrorCode::Format), "{text}");
    }
}
