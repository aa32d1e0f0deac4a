#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The annual report's sections on minors and DCF, training, directory gaps
//! and referrals: worked examples checked by hand, and the rule that no count
//! from 1 to k − 1 is shown anywhere.

use beacon_core::directory::codes::ReferralStatus;
use beacon_core::directory::gaps::{GapFlag, GapFlagCode, GapReport, GapRow};
use beacon_core::stats::annual::{coordinator_report, ReportInput};
use beacon_core::stats::query::GroupCount;
use beacon_core::stats::sections::{
    gaps_section, minors_section, referrals_section, suppress_with_total, training_section, DcfResponseCounts, FundingLine, MinorCounts,
    OutcomeCount, SectionFacts, StaffMember, NO_RESPONSE_LABEL,
};
use beacon_core::stats::{recoverable_cells, recoverable_together, Cell, Dimension, Policy, SuppressedTable, Table};
use beacon_core::training::{completed_late, Completion, Person, Population, TrainingTopic};
use chrono::NaiveDate;
use std::collections::BTreeMap;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn public() -> Policy {
    Policy::public(11).unwrap()
}

/// The shown values of a table's entries, `None` where withheld, in entry order.
fn shown(t: &SuppressedTable) -> Vec<Option<u64>> {
    t.entries().iter().map(|e| e.cell.get()).collect()
}

fn assert_safe(t: &SuppressedTable) {
    for e in t.entries() {
        if let Some(v) = e.cell.get() {
            assert!(v == 0 || v >= 11, "{} shows {v}", t.name());
        }
    }
    assert!(recoverable_cells(t).is_empty(), "{}: a withheld cell can be worked out", t.name());
}

const ALL: [TrainingTopic; 4] = [
    TrainingTopic::LawsProtocols,
    TrainingTopic::IdentificationServices,
    TrainingTopic::DeescalationHarmReduction,
    TrainingTopic::TraumaDisclosures,
];

fn staff(agency: &str, population: Population, start: NaiveDate, trained: Option<NaiveDate>) -> StaffMember {
    StaffMember {
        agency: agency.into(),
        person: Person { population, start_date: start, social_worker_trainee: false, contract_start: None },
        completions: trained.map(|d| vec![Completion::new(d, ALL.to_vec())]).unwrap_or_default(),
    }
}

#[test]
fn minors_of_the_year_are_counted_under_disclosure_control() {
    // Entries, row-major with margins last: [minor&notified, minor&not, minor total,
    // adult&notified, adult&not, adult total, notified total, not-notified total, grand].
    let cases: [(MinorCounts, Vec<Option<u64>>); 2] = [
        (
            MinorCounts { minor_notified: 20, minor_not_notified: 15, adult_notified: 30, adult_not_notified: 40 },
            vec![Some(20), Some(15), Some(35), Some(30), Some(40), Some(70), Some(50), Some(55), Some(105)],
        ),
        // 3 minors not notified: withheld, and so is enough around it that it cannot be worked out.
        (
            MinorCounts { minor_notified: 20, minor_not_notified: 3, adult_notified: 30, adult_not_notified: 40 },
            vec![None, None, Some(23), None, None, Some(70), Some(50), Some(43), Some(93)],
        ),
    ];
    for (counts, expect) in cases {
        let facts = SectionFacts { incidents: counts, intake: counts, ..SectionFacts::default() };
        let s = minors_section(&facts, &public(), true).unwrap();
        assert_eq!(shown(&s.incidents), expect, "{counts:?}");
        assert_eq!(shown(&s.intake), expect, "{counts:?}");
        assert_safe(&s.incidents);
        assert!(s.responses_note.contains("may still have been served"));
        assert!(s.basis.contains("Sec. 10(a)"));
    }
}

/// DCF's responses, worked by hand: the three responses in the code list's
/// order, then the minors without one, then the total.
#[test]
fn dcf_responses_are_counted_by_response_and_suppressed() {
    let cases: [(DcfResponseCounts, Vec<Option<u64>>); 3] = [
        (
            DcfResponseCounts { accepted_for_services: 30, assessed_not_accepted: 12, already_open_case: 15, none: 20 },
            vec![Some(30), Some(12), Some(15), Some(20), Some(77)],
        ),
        // 3 without a response: withheld, and the next smallest with it, or the total would give it away.
        (
            DcfResponseCounts { accepted_for_services: 30, assessed_not_accepted: 12, already_open_case: 15, none: 3 },
            vec![Some(30), None, Some(15), None, Some(60)],
        ),
        // Zero is shown; nothing to hide.
        (
            DcfResponseCounts { accepted_for_services: 0, assessed_not_accepted: 0, already_open_case: 0, none: 0 },
            vec![Some(0), Some(0), Some(0), Some(0), Some(0)],
        ),
    ];
    for (counts, expect) in cases {
        let facts = SectionFacts { dcf_responses: counts, ..SectionFacts::default() };
        let s = minors_section(&facts, &public(), true).unwrap();
        assert_eq!(shown(&s.responses), expect, "{counts:?}");
        assert_safe(&s.responses);
        let labels: Vec<&str> = s.responses.dimensions()[0].labels();
        assert_eq!(labels, ["Accepted for services", "Assessed, not accepted", "Already an open DCF case", NO_RESPONSE_LABEL]);
    }
    // The coordinator's exact view withholds nothing.
    let facts = SectionFacts {
        dcf_responses: DcfResponseCounts { accepted_for_services: 1, assessed_not_accepted: 2, already_open_case: 0, none: 3 },
        ..SectionFacts::default()
    };
    let s = minors_section(&facts, &Policy::internal(), true).unwrap();
    assert_eq!(shown(&s.responses), vec![Some(1), Some(2), Some(0), Some(3), Some(6)]);
}

#[test]
fn the_incident_total_follows_the_trend_tables_verdict() {
    let minor = Dimension::new("minor_involved", ["yes", "no"]).unwrap();
    let table = Table::new("t", vec![minor], [(vec![0], 12), (vec![1], 30)]).unwrap();
    // Trends show the total: it stays shown here.
    let with = suppress_with_total(&table, &public(), true);
    assert_eq!(shown(&with), vec![Some(12), Some(30), Some(42)]);
    // Trends withhold it: here it is withheld too, and then a cell more so
    // the total cannot be rebuilt from the cells.
    // (12 stays withheld: without the total, 30 gives nothing away.)
    let without = suppress_with_total(&table, &public(), false);
    assert_eq!(shown(&without), vec![None, Some(30), None]);
    assert!(recoverable_cells(&without).is_empty());
    // A table whose own suppression withholds the total while the trends
    // show it: the total is shown (it is public anyway), and the cells stay safe.
    let small = Table::new("t", vec![Dimension::new("m", ["yes", "no"]).unwrap()], [(vec![0], 3), (vec![1], 9)]).unwrap();
    let forced = suppress_with_total(&small, &public(), true);
    assert_eq!(shown(&forced), vec![None, None, Some(12)]);
    assert!(recoverable_cells(&forced).is_empty());
}

#[test]
fn late_completion_is_training_after_the_deadline_then_running() {
    let dcf = |start| Person { population: Population::DcfEmployee, start_date: start, social_worker_trainee: false, contract_start: None };
    let full = |d| vec![Completion::new(d, ALL.to_vec())];
    let police = Person { population: Population::LawEnforcement, start_date: day(2026, 1, 5), social_worker_trainee: false, contract_start: None };
    let cases: [(Person, Vec<Completion>, NaiveDate, bool, &str); 7] = [
        (dcf(day(2026, 1, 5)), full(day(2027, 6, 30)), day(2027, 8, 1), false, "trained before July 1, 2027"),
        (dcf(day(2026, 1, 5)), full(day(2027, 7, 1)), day(2027, 8, 1), false, "trained on the deadline"),
        (dcf(day(2026, 1, 5)), full(day(2027, 7, 2)), day(2027, 8, 1), true, "trained the day after"),
        (dcf(day(2027, 3, 10)), full(day(2027, 9, 10)), day(2027, 10, 1), false, "six months after starting, on time"),
        (dcf(day(2026, 1, 5)), vec![], day(2027, 8, 1), false, "never trained: overdue, not late"),
        (police, full(day(2028, 1, 1)), day(2028, 2, 1), false, "no deadline, never late"),
        (
            dcf(day(2026, 1, 5)),
            vec![full(day(2027, 8, 1)).remove(0), full(day(2030, 7, 1)).remove(0)],
            day(2030, 7, 2),
            true,
            "late once, then a timely refresher: still trained late",
        ),
    ];
    for (person, completions, as_of, late, why) in cases {
        assert_eq!(completed_late(&person, &completions, as_of), late, "{why}");
    }
}

#[test]
fn training_is_counted_by_agency_population_and_lateness_together() {
    let as_of = day(2026, 12, 3);
    // DCF: 12 trained, 12 not yet due; CSSD: 11 trained. Every cell is 0 or at least 11: all shown.
    let mut big = Vec::new();
    for _ in 0..12 {
        big.push(staff("dcf", Population::DcfEmployee, day(2026, 1, 5), Some(day(2026, 10, 1))));
        big.push(staff("dcf", Population::DcfEmployee, day(2026, 1, 5), None));
    }
    for _ in 0..11 {
        big.push(staff("cssd", Population::CssdEmployee, day(2026, 1, 5), Some(day(2026, 3, 1))));
    }
    let s = training_section(&SectionFacts { staff: big.clone(), ..SectionFacts::default() }, &public(), as_of).unwrap();
    let names: Vec<&str> = s.tables.iter().map(|t| t.name()).collect();
    assert_eq!(names, ["staff by agency, status", "staff by population, status", "staff by agency, completed late"]);
    // Agencies in code order: cssd, dcf. Statuses: compliant, due_soon, overdue, not_yet_due, not_required.
    let by_agency = &s.tables[0];
    assert_eq!(by_agency.cell(&[0, 0]), Some(Cell::shown(11)), "CSSD compliant");
    assert_eq!(by_agency.cell(&[1, 0]), Some(Cell::shown(12)), "DCF compliant");
    assert_eq!(by_agency.cell(&[1, 3]), Some(Cell::shown(12)), "DCF not yet due");
    assert_eq!(by_agency.get(&[None, None]), Some(Cell::shown(35)));
    assert_eq!(s.tables[2].get(&[None, Some(0)]), Some(Cell::shown(0)), "nobody late before the first deadline");
    assert!(s.tables.iter().all(|t| t.withheld().is_empty()));
    assert!(s.basis.contains("prior to being assigned a case load"));

    // Two OPM staff: withheld, and nothing shown gives them away.
    let mut small = big;
    small.push(staff("opm", Population::Other, day(2026, 1, 5), None));
    small.push(staff("opm", Population::Other, day(2026, 1, 5), None));
    let s = training_section(&SectionFacts { staff: small, ..SectionFacts::default() }, &public(), as_of).unwrap();
    assert_eq!(s.tables[0].cell(&[2, 4]), Some(Cell::withheld()), "OPM not required: 2");
    for t in &s.tables {
        for e in t.entries() {
            assert!(e.cell.get().is_none_or(|v| v == 0 || v >= 11), "{} shows a small count", t.name());
        }
    }
    assert!(recoverable_together(&s.tables).unwrap().is_empty());

    let none = training_section(&SectionFacts::default(), &public(), as_of).unwrap();
    assert!(none.tables.is_empty());
}

#[test]
fn referral_medians_come_only_from_shown_cells() {
    let facts = SectionFacts {
        referrals: vec![
            OutcomeCount { outcome: ReferralStatus::Sent, n: 14, median_days: None },
            OutcomeCount { outcome: ReferralStatus::Accepted, n: 25, median_days: Some(4.5) },
            OutcomeCount { outcome: ReferralStatus::Declined, n: 4, median_days: Some(9.0) },
            OutcomeCount { outcome: ReferralStatus::Withdrawn, n: 12, median_days: Some(2.0) },
        ],
        ..SectionFacts::default()
    };
    let s = referrals_section(&facts, &public()).unwrap();
    assert_safe(&s.table);
    let median: BTreeMap<&str, Option<f64>> = s
        .median_days
        .iter()
        .map(|m| (beacon_core::reference::codes::CodeList::code(m.outcome), m.days))
        .collect();
    assert_eq!(median["accepted"], Some(4.5));
    assert_eq!(median["declined"], None, "4 is withheld");
    assert_eq!(median["closed"], None, "none closed: no median");
    assert!(!median.contains_key("sent"), "a sent referral has no answer to time");
    assert!(!median.contains_key("withdrawn"), "a withdrawal is not the provider's answer");
    // The declined count (4) is withheld, and its complement too.
    assert_eq!(s.table.cell(&[3]), Some(Cell::withheld()));
    assert!(s.table.withheld().len() >= 2);
}

fn row(region: &str, category: &str, providers: i64, flags: Vec<GapFlag>) -> GapRow {
    GapRow {
        region: region.into(),
        category: category.into(),
        vetted_providers: providers,
        capacity_available: 0,
        capacity_total: 0,
        population: Some(100_000),
        population_unknown: false,
        providers_per_100k: None,
        demand_victims: 7,
        demand_intake: 3,
        demand_referrals: 5,
        unmet_demand: 3,
        funding_cents_by_source: BTreeMap::new(),
        funding_total_cents: 0,
        stale_providers: 0,
        flags,
    }
}

#[test]
fn the_gap_map_shows_providers_and_severity_never_demand_numbers() {
    let declined = GapFlag { flag: GapFlagCode::DemandExceedsCapacity, reason: "3 referrals for housing from Hartford County were declined".into() };
    let missing = GapFlag { flag: GapFlagCode::NoProvider, reason: "No vetted provider of legal aid serves any town in Tolland County.".into() };
    let gaps = GapReport {
        region_type: "county".into(),
        from: day(2026, 1, 1),
        to: day(2026, 12, 3),
        state_rate_per_100k: BTreeMap::new(),
        towns_without_region: vec![],
        rows: vec![row("Hartford County", "housing", 2, vec![declined]), row("Tolland County", "legal", 0, vec![missing])],
    };
    let sa = uuid::Uuid::from_u128(1);
    let sb = uuid::Uuid::from_u128(2);
    let facts = SectionFacts {
        gaps: Some(gaps),
        active_services: 5,
        funding: vec![
            FundingLine { service_id: sa, source: "OVC grant".into(), amount_cents: 5_000_000 },
            FundingLine { service_id: sb, source: "OVC grant".into(), amount_cents: 2_500_000 },
            FundingLine { service_id: sa, source: "State budget".into(), amount_cents: 1_000_000 },
        ],
        ..SectionFacts::default()
    };
    let s = gaps_section(&facts);
    assert_eq!(s.regions, ["Hartford County", "Tolland County"]);
    let severities: Vec<&str> = s.cells.iter().map(|c| c.severity).collect();
    assert_eq!(severities, ["gap", "missing"]);
    assert!(!s.cells[0].reasons[0].contains('3'), "{}", s.cells[0].reasons[0]);
    assert_eq!(s.cells[1].vetted_providers, 0);
    assert_eq!(s.funding.total_cents, 8_500_000);
    assert_eq!(s.funding.services_with_known_funding, 2);
    assert_eq!(s.funding.by_source[0].source, "OVC grant");
    assert_eq!(s.funding.by_source[0].services, 2);
    assert_eq!(s.funding.by_source[1].amount_cents, 1_000_000);
    assert!(s.basis.contains("gaps in funding"));
}

#[test]
fn the_report_carries_the_new_sections_and_lists_what_is_unknown() {
    let count = |q: &str, town: &str, n: u64| GroupCount { keys: vec![q.into()], town: Some(town.into()), incidents: n, victims: n, plan: 0 };
    let ty = |k: &str, n: u64| GroupCount { keys: vec![k.into()], town: None, incidents: n, victims: n, plan: 1 };
    let counts = [count("2026-Q1", "Hartford", 30), count("2026-Q3", "Stamford", 20), ty("*", 50), ty("sex", 35), ty("labor", 15)];
    let facts = SectionFacts {
        incidents: MinorCounts { minor_notified: 12, minor_not_notified: 2, adult_notified: 6, adult_not_notified: 30 },
        ..SectionFacts::default()
    };
    let r = coordinator_report(ReportInput { year: 2026, today: day(2026, 12, 3), activities: &[], recommendations: &[], counts: &counts, k: 11, facts: &facts }).unwrap();
    let s = &r.sections;
    // The trends show 50 incidents; the minors table counts the same 50 and shows its total.
    assert_eq!(s.minors_and_dcf.incidents.get(&[None, None]), Some(Cell::shown(50)));
    assert_safe(&s.minors_and_dcf.incidents);
    let unknowns = s.methodology.unknowns.join("\n");
    assert!(unknowns.contains("without a recorded response"));
    assert!(unknowns.contains("by quarter, not by month"));
    assert!(unknowns.contains("no funding amounts"));
    assert!(unknowns.contains("same rule"));
    let terms: Vec<&str> = s.methodology.definitions.iter().map(|d| d.term).collect();
    for term in ["Minor involved", "DCF notified", "DCF response", "Training status", "Completed late", "Gap severity", "Referral outcome", "Days to outcome"] {
        assert!(terms.contains(&term), "{term}");
    }
}

#[test]
fn law_enforcement_is_counted_trained_or_not_by_agency() {
    let as_of = day(2027, 9, 1);
    let mut staff_list = Vec::new();
    for _ in 0..12 {
        staff_list.push(staff("local_police", Population::LawEnforcement, day(2026, 1, 5), Some(day(2027, 2, 1))));
        staff_list.push(staff("local_police", Population::LawEnforcement, day(2026, 1, 5), None));
    }
    let s = training_section(&SectionFacts { staff: staff_list, ..SectionFacts::default() }, &public(), as_of).unwrap();
    let police = s.tables.iter().find(|t| t.name() == "law enforcement by agency, trained").expect("a law enforcement table");
    assert_eq!(police.cell(&[0, 0]), Some(Cell::shown(12)), "trained");
    assert_eq!(police.cell(&[0, 1]), Some(Cell::shown(12)), "not trained");
    // Without police, no such table.
    let none = training_section(&SectionFacts { staff: vec![staff("dcf", Population::DcfEmployee, day(2026, 1, 5), None)], ..SectionFacts::default() }, &public(), as_of).unwrap();
    assert_eq!(none.tables.len(), 3);
}
