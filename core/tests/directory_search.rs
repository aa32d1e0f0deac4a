//! Table tests of referral matching: filters, distance and ranking.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

use beacon_core::directory::search::{admits, distance, language_matches, rank, Candidate, Distance, Filters, RankKey};
use beacon_core::directory::ServedPopulation;
use beacon_core::reference::codes::Service;
use std::collections::BTreeSet;
use uuid::Uuid;

fn towns(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn distance_is_town_then_county_then_adjacent_county_then_statewide() {
    assert_eq!(distance("West Hartford", &towns(&["West Hartford", "Bridgeport"])), Distance::SameTown);
    assert_eq!(distance("West Hartford", &towns(&["Hartford"])), Distance::SameRegion);
    assert_eq!(distance("West Hartford", &towns(&["Tolland"])), Distance::AdjacentRegion);
    assert_eq!(distance("West Hartford", &towns(&["Bridgeport"])), Distance::Statewide);
    assert_eq!(distance("West Hartford", &towns(&[])), Distance::Statewide);
}

#[test]
fn languages_match_their_regional_forms_at_subtag_boundaries() {
    assert!(language_matches("es", "ES-mx"));
    assert!(language_matches("es", "es"));
    assert!(!language_matches("es", "en"));
    assert!(!language_matches("e", "es"));
}

fn candidate<'a>(categories: &'a [String], populations: &'a [String], languages: &'a [String]) -> Candidate<'a> {
    Candidate { categories, min_age: Some(18), max_age: Some(64), populations, languages, vetted: true, capacity_available: Some(2) }
}

#[test]
fn filters_admit_only_what_they_ask_for() {
    let (cats, pops, langs) = (vec!["shelter".to_string()], vec!["women".to_string()], vec!["es".to_string()]);
    let c = candidate(&cats, &pops, &langs);
    let table = [
        (Filters::default(), true),
        (Filters { service: Some(Service::Shelter), ..Filters::default() }, true),
        (Filters { age: Some(17), ..Filters::default() }, false),
        (Filters { age: Some(18), ..Filters::default() }, true),
        (Filters { age: Some(64), ..Filters::default() }, true),
        (Filters { age: Some(65), ..Filters::default() }, false),
        (Filters { population: Some(ServedPopulation::Women), ..Filters::default() }, true),
        (Filters { population: Some(ServedPopulation::Men), ..Filters::default() }, false),
        (Filters { language: Some("es".into()), ..Filters::default() }, true),
        (Filters { language: Some("en".into()), ..Filters::default() }, false),
        (Filters { vetted: Some(false), ..Filters::default() }, false),
        (Filters { capacity_available: true, ..Filters::default() }, true),
    ];
    for (f, want) in table {
        assert_eq!(admits(&f, &c), want, "{f:?}");
    }
}

#[test]
fn a_service_without_capacity_has_no_place_free_and_no_age_limit_excludes_nobody() {
    let none: Vec<String> = Vec::new();
    let c = Candidate { categories: &none, min_age: None, max_age: None, populations: &none, languages: &none, vetted: false, capacity_available: None };
    assert!(!admits(&Filters { capacity_available: true, ..Filters::default() }, &c));
    assert!(admits(&Filters { age: Some(0), ..Filters::default() }, &c));
    let full = Candidate { capacity_available: Some(0), ..c };
    assert!(!admits(&Filters { capacity_available: true, ..Filters::default() }, &full));
}

#[test]
fn ranking_is_distance_then_vetted_then_places_free_then_name() {
    let id = |n: u128| Uuid::from_u128(n);
    let mut items = vec![
        (Some(Distance::Statewide), true, Some(9), "Alpha", id(1)),
        (Some(Distance::SameTown), false, Some(9), "Bravo", id(2)),
        (Some(Distance::SameTown), true, None, "Charlie", id(3)),
        (Some(Distance::SameTown), true, Some(4), "delta", id(4)),
        (Some(Distance::SameTown), true, Some(4), "Delta", id(5)),
        (Some(Distance::SameRegion), true, Some(1), "Echo", id(6)),
    ];
    rank(&mut items, |(d, v, c, n, i)| RankKey::new(*d, *v, *c, n, *i));
    let order: Vec<&str> = items.iter().map(|i| i.3).collect();
    assert_eq!(order, ["Delta", "delta", "Charlie", "Bravo", "Echo", "Alpha"]);
}
