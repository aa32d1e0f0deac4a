//! Table tests of the gap analysis: every flag at and around its threshold.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

use beacon_core::directory::gaps::{
    analyse, below_state_rate, concentrated, period, Demand, FundingAmount, GapFacts, GapFlagCode, GapReport, GapRow, GapService,
    ReferralCount, Severity, BELOW_STATE_RATE, CONCENTRATION,
};
use beacon_core::directory::lifecycle::from_outcome;
use beacon_core::reference::codes::CodeList;
use beacon_core::reference::regions::RegionType;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use uuid::Uuid;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn facts(services: Vec<GapService>) -> GapFacts {
    GapFacts {
        region_type: RegionType::County,
        from: day(2026, 1, 1),
        to: day(2026, 12, 31),
        services,
        victims: Vec::new(),
        intake: Vec::new(),
        referrals: Vec::new(),
        funding: Vec::new(),
    }
}

fn shelter(n: u128, town: &str) -> GapService {
    GapService {
        id: Uuid::from_u128(n),
        categories: vec!["shelter".into()],
        vetted: true,
        stale: false,
        capacity_available: Some(2),
        capacity_total: Some(5),
        towns: vec![town.into()],
    }
}

fn row<'a>(report: &'a GapReport, region: &str, category: &str) -> &'a GapRow {
    report.rows.iter().find(|r| r.region == region && r.category == category).unwrap()
}

fn flags(r: &GapRow) -> Vec<GapFlagCode> {
    r.flags.iter().map(|f| f.flag).collect()
}

#[test]
fn a_region_with_no_vetted_provider_is_flagged_no_provider() {
    let report = analyse(&facts(vec![shelter(1, "Hartford")]));
    assert_eq!(flags(row(&report, "New Haven", "shelter")), [GapFlagCode::NoProvider]);
    assert!(flags(row(&report, "Hartford", "shelter")).is_empty());
    assert_eq!(row(&report, "Hartford", "shelter").vetted_providers, 1);
    assert_eq!(row(&report, "Hartford", "shelter").capacity_available, 2);
}

#[test]
fn every_region_has_a_population_and_a_rate_on_the_complete_town_table() {
    let report = analyse(&facts(vec![shelter(1, "Hartford")]));
    for r in report.rows.iter().filter(|r| r.category == "shelter") {
        assert!(!r.population_unknown && r.population.is_some_and(|p| p > 0), "{}", r.region);
        assert!(r.providers_per_100k.is_some(), "{}", r.region);
    }
}

#[test]
fn an_unvetted_provider_does_not_count() {
    let report = analyse(&facts(vec![GapService { vetted: false, ..shelter(1, "Hartford") }]));
    assert_eq!(flags(row(&report, "Hartford", "shelter")), [GapFlagCode::NoProvider]);
}

#[test]
fn below_state_rate_is_under_half_the_state_rate() {
    assert_eq!(BELOW_STATE_RATE, 0.5);
    let table = [(0.49, 1.0, true), (0.5, 1.0, false), (0.51, 1.0, false), (0.0, 0.0, false)];
    for (mine, state, want) in table {
        assert_eq!(below_state_rate(mine, state), want, "{mine} of {state}");
    }
}

#[test]
fn a_region_far_under_the_state_rate_is_flagged_with_both_rates() {
    // 40 shelters in Bridgeport and one in Milford: a state rate of 41 per 3,605,944 residents
    // (1.137 per 100,000); Ansonia-Milford's 1 per 229,474 (0.436) is under half of it.
    let mut services: Vec<GapService> = (1..=40).map(|n| shelter(n, "Bridgeport")).collect();
    services.push(shelter(41, "Milford"));
    let report = analyse(&GapFacts { region_type: RegionType::JudicialDistrict, ..facts(services) });
    let milford = row(&report, "Ansonia-Milford", "shelter");
    assert_eq!(flags(milford), [GapFlagCode::BelowStateRate]);
    assert!(milford.flags[0].reason.contains("under half the state's"), "{}", milford.flags[0].reason);
    assert!(flags(row(&report, "Fairfield", "shelter")).is_empty());
    assert!(report.state_rate_per_100k["shelter"].is_some_and(|r| r > 0.0));
}

/// Referrals counted by status and reason, given as the outcome codes that spell both.
fn referral(town: &str, category: &str, outcome: &str, n: i64) -> ReferralCount {
    let (status, reason) = from_outcome(outcome).unwrap();
    ReferralCount { town: town.into(), category: category.into(), status: status.code().into(), decline_reason: reason.map(|r| r.code().into()), n }
}

fn with_referrals(outcomes: &[(&str, i64)]) -> GapReport {
    let mut f = facts(vec![shelter(1, "Hartford")]);
    f.referrals = outcomes.iter().map(|(outcome, n)| referral("West Hartford", "shelter", outcome, *n)).collect();
    analyse(&f)
}

#[test]
fn demand_exceeds_capacity_from_the_first_referral_declined_for_capacity() {
    let none = with_referrals(&[("accepted", 4), ("declined_eligibility", 2), ("pending", 1)]);
    assert!(flags(row(&none, "Hartford", "shelter")).is_empty());
    assert_eq!(row(&none, "Hartford", "shelter").demand_referrals, 7);
    let one = with_referrals(&[("declined_capacity", 1)]);
    let r = row(&one, "Hartford", "shelter");
    assert_eq!((flags(r), r.unmet_demand), (vec![GapFlagCode::DemandExceedsCapacity], 1));
    assert!(r.flags[0].reason.starts_with("1 referral for emergency shelter from Hartford was declined"), "{}", r.flags[0].reason);
    let two = with_referrals(&[("declined_capacity", 2)]);
    assert!(row(&two, "Hartford", "shelter").flags[0].reason.starts_with("2 referrals"));
}

#[test]
fn funding_concentration_is_one_source_over_eighty_percent() {
    assert_eq!(CONCENTRATION, 0.8);
    let shares = |a: i64, b: i64| BTreeMap::from([("DCF".to_string(), a), ("Town".to_string(), b)]);
    assert!(concentrated(&shares(80, 20)).is_none(), "exactly 80 % is not over");
    assert!(concentrated(&shares(81, 19)).is_some_and(|(s, share)| s == "DCF" && share > 0.8));
    assert!(concentrated(&shares(79, 21)).is_none());
    assert!(concentrated(&shares(0, 0)).is_none(), "no known amount, no concentration");
    assert!(concentrated(&BTreeMap::new()).is_none());
}

#[test]
fn funding_is_summed_by_source_over_the_counted_providers() {
    let mut f = facts(vec![shelter(1, "Hartford"), shelter(2, "Hartford")]);
    f.funding = vec![
        FundingAmount { service_id: Uuid::from_u128(1), source: "DCF".into(), amount_cents: 900 },
        FundingAmount { service_id: Uuid::from_u128(2), source: "Town".into(), amount_cents: 100 },
    ];
    let report = analyse(&f);
    let r = row(&report, "Hartford", "shelter");
    assert_eq!((r.funding_total_cents, r.funding_cents_by_source["DCF"]), (1000, 900));
    assert_eq!(flags(r), [GapFlagCode::FundingConcentration]);
    assert!(r.flags[0].reason.starts_with("DCF gives 90 %"), "{}", r.flags[0].reason);
}

#[test]
fn a_stale_provider_is_flagged_and_not_counted_as_vetted() {
    let report = analyse(&facts(vec![GapService { vetted: false, stale: true, ..shelter(1, "Hartford") }]));
    let r = row(&report, "Hartford", "shelter");
    assert_eq!(flags(r), [GapFlagCode::NoProvider, GapFlagCode::StaleVerification]);
    assert_eq!((r.stale_providers, r.vetted_providers), (1, 0));
}

#[test]
fn demand_is_read_by_region_and_code() {
    let mut f = facts(vec![]);
    f.victims = vec![Demand { region: "Hartford".into(), code: "shelter".into(), n: 3 }];
    f.intake = vec![Demand { region: "Hartford".into(), code: "shelter".into(), n: 2 }, Demand { region: "Hartford".into(), code: "shelter".into(), n: 1 }];
    let report = analyse(&f);
    let r = row(&report, "Hartford", "shelter");
    assert_eq!((r.demand_victims, r.demand_intake), (3, 3));
    assert_eq!(report.region_type, "county");
}

#[test]
fn the_period_defaults_to_the_year_before_today_and_must_be_in_order() {
    let mut errors = Vec::new();
    assert_eq!(period(None, None, day(2026, 12, 3), &mut errors), Some((day(2025, 12, 3), day(2026, 12, 3))));
    assert_eq!(period(Some("2026-02-01"), Some("2026-01-01"), day(2026, 12, 3), &mut errors), None);
    assert_eq!(errors[0].path, "/from");
    let mut errors = Vec::new();
    assert_eq!(period(Some("2026-02-30"), None, day(2026, 12, 3), &mut errors), None);
    assert_eq!(errors[0].path, "/from");
}

#[test]
fn a_row_is_as_severe_as_its_worst_flag() {
    let mut f = facts(vec![shelter(1, "Hartford"), GapService { vetted: false, stale: true, ..shelter(2, "Tolland") }]);
    f.referrals = vec![referral("Enfield", "legal", "declined_capacity", 1)];
    let report = analyse(&f);
    assert_eq!(row(&report, "Hartford", "shelter").severity(), Severity::None);
    assert_eq!(row(&report, "Tolland", "shelter").severity(), Severity::Missing);
    assert_eq!(row(&report, "Hartford", "legal").severity(), Severity::Missing);
    let mut funded = facts(vec![shelter(1, "Hartford")]);
    funded.funding = vec![FundingAmount { service_id: Uuid::from_u128(1), source: "DCF".into(), amount_cents: 1 }];
    assert_eq!(row(&analyse(&funded), "Hartford", "shelter").severity(), Severity::Watch);
    let declined = with_referrals(&[("declined_capacity", 1)]);
    assert_eq!(row(&declined, "Hartford", "shelter").severity(), Severity::Gap);
}
