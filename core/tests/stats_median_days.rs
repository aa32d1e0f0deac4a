#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The median days to outcome beside each count of the referrals subject:
//! which medians the database is asked for, where each lands, and that none
//! is shown from a cell whose count is withheld (issue 10: "No rate,
//! percentage, median or trend from a withheld cell").

use beacon_core::stats::derived::{median_beside, Figure};
use beacon_core::stats::median_days::{with_medians, MedianRow};
use beacon_core::stats::query::*;
use beacon_core::stats::{Cell, Policy, SuppressedTable};
use proptest::prelude::*;

const REASON: &str = "Quarterly review for the task force";

fn query(pairs: &[(&str, &'static str)], internal: bool) -> StatsQuery {
    let mut r = RawParams::default();
    for &(k, v) in pairs {
        match k {
            "period" => r.period = Some(v),
            "group_by" => r.group_by = Some(v),
            filter => *GroupBy::parse(filter).and_then(|g| r.filter_mut(g)).unwrap() = Some(v),
        }
    }
    if internal {
        r.internal = Some("true");
        r.reason = Some(REASON);
    }
    StatsQuery::parse(Subject::Referrals, &r, Endpoint::Coordinator).unwrap()
}

fn count(keys: &[&str], n: u64) -> GroupCount {
    GroupCount { keys: keys.iter().map(|k| k.to_string()).collect(), town: None, incidents: n, victims: 0, plan: 0 }
}

fn median(at: &[Option<&str>], answered: u64, days: f64) -> MedianRow {
    MedianRow { plan: 0, at: at.iter().map(|l| l.map(str::to_string)).collect(), answered, median_days: Some(days) }
}

/// The entry at `labels` (`None`: that dimension's total).
fn entry<'a>(t: &'a SuppressedTable, labels: &[Option<&str>]) -> &'a beacon_core::stats::Entry {
    let key: Vec<Option<usize>> = labels
        .iter()
        .zip(t.dimensions())
        .map(|(l, d)| l.map(|l| d.labels().iter().position(|x| *x == l).unwrap()))
        .collect();
    t.entries().iter().find(|e| e.at == key).unwrap()
}

fn shown(v: f64) -> Figure {
    Figure { value: Some(v), suppressed: false }
}

#[test]
fn a_median_is_shown_only_beside_a_shown_count_over_enough_answers() {
    let public = Policy::public(11).unwrap();
    let internal = Policy::internal();
    // (cell, answered referrals, their median, policy) → what is published.
    let cases: &[(Cell, u64, Option<f64>, Policy, Figure)] = &[
        (Cell::shown(15), 15, Some(4.5), public, shown(4.5)),
        (Cell::shown(40), 11, Some(2.0), public, shown(2.0)),
        // The cell is shown but its median rests on ten answers: withheld.
        (Cell::shown(40), 10, Some(2.0), public, Figure::withheld()),
        (Cell::shown(40), 1, Some(2.0), public, Figure::withheld()),
        // Withheld cell (primary or complementary): no median, however many answers.
        (Cell::withheld(), 15, Some(4.5), public, Figure::withheld()),
        (Cell::withheld(), 0, None, public, Figure::withheld()),
        // Nothing answered: nothing to take a median of, and nothing withheld.
        (Cell::shown(12), 0, None, public, Figure::none()),
        (Cell::shown(0), 0, None, public, Figure::none()),
        // Exact for the coordinator's audited read.
        (Cell::shown(3), 1, Some(0.5), internal, shown(0.5)),
        (Cell::shown(3), 0, None, internal, Figure::none()),
    ];
    for (i, (cell, answered, m, policy, expected)) in cases.iter().enumerate() {
        assert_eq!(median_beside(cell, *answered, *m, policy), *expected, "case {i}");
    }
    assert_eq!(Figure::withheld().to_csv(), "*");
    assert_eq!(Figure::none().to_csv(), "");
    assert_eq!(shown(1.5).to_csv(), "1.5");
}

#[test]
fn the_database_is_asked_for_one_median_table_per_table_returned() {
    let q = query(&[("period", "2026"), ("group_by", "outcome,service")], true);
    let plans = q.median_plans();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].keys, [GroupBy::Outcome, GroupBy::Service]);
    assert_eq!(plans[0].regions, None);
    assert_eq!((plans[0].from.to_string(), plans[0].to.to_string()), ("2026-01-01".into(), "2026-12-31".into()));

    // Each geography its own table, so its own medians: a county's median is not made of its towns'.
    let q = query(&[("period", "2026"), ("group_by", "outcome,county,dcf_region")], false);
    let plans = q.median_plans();
    assert_eq!(plans.len(), 2);
    assert!(plans.iter().all(|p| p.keys == [GroupBy::Outcome]));
    let county = plans[0].regions.as_ref().unwrap();
    assert_eq!(county.len(), 169, "every town placed");
    assert!(county.contains(&("Hartford".to_string(), "Hartford".to_string())));
    assert!(county.contains(&("Norwich".to_string(), "New London".to_string())));
    let dcf = plans[1].regions.as_ref().unwrap();
    assert!(dcf.iter().all(|(_, r)| r.starts_with("Region ")), "{dcf:?}");

    // Other subjects carry no median.
    let r = RawParams { period: Some("2026"), ..RawParams::default() };
    assert!(StatsQuery::parse(Subject::Incidents, &r, Endpoint::Coordinator).unwrap().median_plans().is_empty());
}

#[test]
fn medians_sit_beside_their_counts_exact_for_the_coordinator_and_withheld_with_their_cells() {
    let rows = vec![count(&["accepted"], 1), count(&["declined"], 14), count(&["sent"], 30), count(&["closed"], 25)];
    let medians = vec![
        median(&[Some("accepted")], 1, 3.0),
        median(&[Some("declined")], 14, 1.0),
        median(&[Some("closed")], 25, 6.5),
        median(&[None], 40, 2.5),
    ];
    let q = query(&[("period", "2026"), ("group_by", "outcome")], true);
    let out = with_medians(build(&q, &rows, &Policy::internal()).unwrap(), &q, &medians, &Policy::internal()).unwrap();
    let t = &out.tables[0].table;
    assert_eq!(entry(t, &[Some("accepted")]).median_days_to_outcome, Some(shown(3.0)));
    assert_eq!(entry(t, &[Some("declined")]).median_days_to_outcome, Some(shown(1.0)));
    assert_eq!(entry(t, &[Some("sent")]).median_days_to_outcome, Some(Figure::none()), "no sent referral is answered");
    assert_eq!(entry(t, &[None]).median_days_to_outcome, Some(shown(2.5)));

    let public = Policy::public(11).unwrap();
    let q = query(&[("period", "2026"), ("group_by", "outcome")], false);
    let out = with_medians(build(&q, &rows, &public).unwrap(), &q, &medians, &public).unwrap();
    let t = &out.tables[0].table;
    assert_eq!(entry(t, &[Some("accepted")]).cell.get(), None);
    assert_eq!(entry(t, &[Some("accepted")]).median_days_to_outcome, Some(Figure::withheld()), "1 is below k");
    // 14 is withheld so that 70 − 30 − 25 − 14 cannot give the accepted one back.
    assert_eq!(entry(t, &[Some("declined")]).cell.get(), None);
    assert_eq!(entry(t, &[Some("declined")]).median_days_to_outcome, Some(Figure::withheld()));
    assert_eq!(entry(t, &[Some("closed")]).median_days_to_outcome, Some(shown(6.5)));
    assert_eq!(entry(t, &[None]).median_days_to_outcome, Some(shown(2.5)));

    let csv = out.to_csv();
    assert!(csv.starts_with("measure,table,outcome,count,median_days_to_outcome\n"), "{csv}");
    assert!(csv.contains("\nreferrals,referrals by outcome,declined,*,*\n"), "{csv}");
    assert!(csv.contains("\nreferrals,referrals by outcome,closed,25,6.5\n"), "{csv}");
    assert!(csv.contains("\nreferrals,referrals by outcome,sent,30,\n"), "{csv}");
    assert!(csv.contains("\nreferrals,referrals by outcome,Total,70,2.5\n"), "{csv}");
    let json = serde_json::to_value(&out).unwrap();
    let declined = &json["tables"][0]["entries"][3]; // proposed, sent, accepted, declined, …
    assert_eq!((&declined["at"], &declined["median_days_to_outcome"]), (&serde_json::json!([3]), &serde_json::json!({"value": null, "suppressed": true})), "{declined}");
}

#[test]
fn a_median_of_a_region_is_placed_by_its_region_and_an_unknown_one_refused() {
    let q = query(&[("period", "2026"), ("group_by", "county")], true);
    let mut rows = vec![count(&[], 2)];
    rows[0].town = Some("Hartford".into());
    let medians = vec![median(&[Some("Hartford")], 2, 4.0), median(&[None], 2, 4.0)];
    let out = with_medians(build(&q, &rows, &Policy::internal()).unwrap(), &q, &medians, &Policy::internal()).unwrap();
    let t = &out.tables[0].table;
    assert_eq!(entry(t, &[Some("Hartford")]).median_days_to_outcome, Some(shown(4.0)));
    assert_eq!(entry(t, &[Some("Fairfield")]).median_days_to_outcome, Some(Figure::none()));

    let stray = vec![median(&[Some("Atlantis")], 2, 4.0)];
    assert!(matches!(with_medians(build(&q, &rows, &Policy::internal()).unwrap(), &q, &stray, &Policy::internal()), Err(BuildError::UnknownKey(_))));
}

#[test]
fn a_subject_without_medians_is_left_as_it_is() {
    let r = RawParams { period: Some("2026"), ..RawParams::default() };
    let q = StatsQuery::parse(Subject::Intake, &r, Endpoint::Coordinator).unwrap();
    let out = build(&q, &[count(&["2026"], 12)], &Policy::default()).unwrap();
    let again = with_medians(out.clone(), &q, &[], &Policy::default()).unwrap();
    assert_eq!(again, out);
    assert!(out.tables[0].table.entries().iter().all(|e| e.median_days_to_outcome.is_none()));
    assert!(!out.to_csv().contains("median"));
}

const OUTCOMES: [&str; 7] = ["proposed", "sent", "accepted", "declined", "service_started", "closed", "withdrawn"];
const MONTHS: [&str; 3] = ["2026-01", "2026-02", "2026-03"];

/// Referrals of 2026-Q1 by outcome and month: per cell, how many, and how many of them answered.
fn cells() -> impl Strategy<Value = Vec<(u64, u64)>> {
    let n = prop_oneof![2 => Just(0u64), 3 => 1u64..=10, 3 => 11u64..=30];
    prop::collection::vec(n.prop_flat_map(|n| (Just(n), 0..=n)), OUTCOMES.len() * MONTHS.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_median_is_shown_beside_a_count_below_k_or_withheld_by_complementary_suppression(cells in cells(), k in 11u64..=13) {
        let q = query(&[("period", "2026-Q1"), ("group_by", "outcome,month")], false);
        let policy = Policy::public(k).unwrap();
        let mut rows = Vec::new();
        let mut answered = std::collections::HashMap::<(Option<usize>, Option<usize>), u64>::new();
        for (i, (n, a)) in cells.iter().enumerate() {
            let (o, m) = (i / MONTHS.len(), i % MONTHS.len());
            rows.push(count(&[OUTCOMES[o], MONTHS[m]], *n));
            for key in [(Some(o), Some(m)), (Some(o), None), (None, Some(m)), (None, None)] {
                *answered.entry(key).or_default() += a;
            }
        }
        let medians: Vec<MedianRow> = answered
            .iter()
            .map(|((o, m), a)| MedianRow {
                plan: 0,
                at: vec![o.map(|o| OUTCOMES[o].to_string()), m.map(|m| MONTHS[m].to_string())],
                answered: *a,
                median_days: (*a > 0).then_some(1.5),
            })
            .collect();
        let out = with_medians(build(&q, &rows, &policy).unwrap(), &q, &medians, &policy).unwrap();
        let t = &out.tables[0].table;
        for e in t.entries() {
            let figure = e.median_days_to_outcome.unwrap();
            let a = answered.get(&(e.at[0], e.at[1])).copied().unwrap_or(0);
            if figure.value.is_some() {
                let n = e.cell.get();
                prop_assert!(n.is_some_and(|n| n >= k), "{:?}: a median beside {n:?}", e.at);
                prop_assert!(a >= k, "{:?}: a median over {a} answers", e.at);
            }
            if e.cell.suppressed {
                prop_assert!(figure.suppressed, "{:?}: withheld count, median not withheld", e.at);
            }
        }
    }
}
