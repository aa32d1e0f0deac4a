#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! Referral pathways: worked examples, and the properties the bill makes absolute — every
//! minor goes to DCF and to the team of the right district; without consent nothing carries
//! identity; providers come nearest first.

use beacon_core::reference::codes::{AgeGroup, CodeList, Service};
use beacon_core::reference::geo::towns;
use beacon_core::screening::pathway::{pathway, AgeKnown, Carries, JudicialDistrict, PathwayInput, ProviderOption, Recipient};
use beacon_core::screening::ScreeningResult;
use beacon_core::directory::search::Distance;
use proptest::prelude::*;
use std::collections::BTreeSet;
use uuid::Uuid;

fn provider(n: u128, name: &str, needs: &[Service], towns: &[&str], vetted: bool, free: Option<i32>, languages: &[&str]) -> ProviderOption {
    ProviderOption {
        service_id: Uuid::from_u128(n),
        name: name.into(),
        categories: needs.to_vec(),
        towns: towns.iter().map(|t| t.to_string()).collect(),
        min_age: None,
        max_age: None,
        languages: languages.iter().map(|l| l.to_string()).collect(),
        vetted,
        capacity_available: free,
    }
}

fn directory() -> Vec<ProviderOption> {
    vec![
        provider(1, "Statewide Legal Aid", &[Service::Legal], &["Hartford"], true, Some(5), &["en", "es"]),
        provider(2, "Waterbury Legal Clinic", &[Service::Legal], &["Waterbury"], false, None, &["en"]),
        provider(3, "Naugatuck Valley Legal", &[Service::Legal], &["Naugatuck"], true, Some(2), &["en"]),
        provider(4, "Waterbury Shelter", &[Service::Shelter], &["Waterbury"], true, Some(3), &["en", "es"]),
        provider(5, "Waterbury Family House", &[Service::Shelter], &["Waterbury"], true, Some(0), &["en"]),
        provider(6, "Danbury Safe House", &[Service::Shelter, Service::Legal], &["Danbury"], true, Some(1), &["en"]),
        provider(7, "New London Shelter", &[Service::Shelter], &["New London"], true, Some(9), &["en"]),
    ]
}

fn names(recs: &[beacon_core::screening::pathway::Recommendation]) -> Vec<String> {
    recs.iter()
        .map(|r| match &r.recipient {
            Recipient::Dcf => "DCF".to_string(),
            Recipient::Mdt { district } => format!("MDT {}", district.map_or("unknown", |d| d.code())),
            Recipient::Provider { name, .. } => name.clone(),
        })
        .collect()
}

#[test]
fn an_adult_screened_positive_in_waterbury_is_offered_providers_nearest_first() {
    let needs = [Service::Legal, Service::Shelter];
    let input = PathwayInput { result: ScreeningResult::Positive, age: AgeKnown::Years(34), town: Some("Waterbury"), needs: &needs, language: Some("es"), consent: true };
    let recs = pathway(&input, &directory());
    // Legal: the Waterbury clinic (same town) before Naugatuck (same county, vetted with room)
    // before Danbury (a neighbouring county: Fairfield borders New Haven). Hartford's aid serves
    // Hartford county, also a neighbour, but speaks Spanish with a place free, so it comes first
    // among the neighbours; only three are offered.
    assert_eq!(names(&recs), ["Waterbury Legal Clinic", "Naugatuck Valley Legal", "Statewide Legal Aid", "Waterbury Shelter", "Waterbury Family House", "Danbury Safe House"]);
    assert!(recs.iter().all(|r| r.carries == Carries::Identity && !r.mandatory));
    assert_eq!(recs[3].reason, "A positive screen needing emergency shelter: serves the person's town; vetted, with a place free, in the person's language.");
    // A negative adult screen recommends nothing.
    let negative = PathwayInput { result: ScreeningResult::Negative, ..input };
    assert!(pathway(&negative, &directory()).is_empty());
}

#[test]
fn a_sixteen_year_old_screened_positive_goes_to_dcf_and_the_districts_team_first() {
    let needs = [Service::Shelter];
    let input = PathwayInput { result: ScreeningResult::Positive, age: AgeKnown::Years(16), town: Some("new london"), needs: &needs, language: None, consent: false };
    let recs = pathway(&input, &directory());
    assert_eq!(names(&recs), ["DCF", "MDT new_london", "New London Shelter", "Waterbury Shelter", "Danbury Safe House"]);
    assert!(recs[..2].iter().all(|r| r.mandatory));
    assert!(recs.iter().all(|r| r.carries == Carries::ReferenceOnly), "no consent: a reference only");
    // No town: DCF still, the team marked for the coordinator to assign.
    let nowhere = PathwayInput { town: None, result: ScreeningResult::Negative, age: AgeKnown::Group(AgeGroup::Under12), ..input };
    assert_eq!(names(&pathway(&nowhere, &directory())), ["DCF", "MDT unknown"]);
}

#[test]
fn every_town_lies_in_one_of_the_thirteen_districts() {
    assert_eq!(JudicialDistrict::ALL.len(), 13);
    for t in towns() {
        assert!(JudicialDistrict::of_town(t.town).is_some(), "{}", t.town);
    }
    assert_eq!(JudicialDistrict::of_town("Waterbury"), Some(JudicialDistrict::Waterbury));
    assert_eq!(JudicialDistrict::of_town("Gotham"), None);
}

fn age() -> impl Strategy<Value = AgeKnown> {
    prop_oneof![
        (0u8..100).prop_map(AgeKnown::Years),
        prop::sample::select(AgeGroup::ALL.to_vec()).prop_map(AgeKnown::Group),
        Just(AgeKnown::Unknown),
    ]
}

proptest! {
    #[test]
    fn the_pathway_keeps_the_bills_absolutes(
        result in prop::sample::select(vec![ScreeningResult::Negative, ScreeningResult::Possible, ScreeningResult::Positive]),
        age in age(),
        town in prop::option::of(prop::sample::select(towns().iter().map(|t| t.town).collect::<Vec<_>>())),
        needs in prop::collection::vec(prop::sample::select(Service::ALL.to_vec()), 0..4),
        language in prop::option::of(prop::sample::select(vec!["en", "es", "pt"])),
        consent in any::<bool>(),
    ) {
        let input = PathwayInput { result, age, town, needs: &needs, language, consent };
        let recs = pathway(&input, &directory());
        if age.is_minor() {
            prop_assert_eq!(&recs[0].recipient, &Recipient::Dcf);
            prop_assert!(recs[0].mandatory);
            let district = town.and_then(JudicialDistrict::of_town);
            prop_assert_eq!(&recs[1].recipient, &Recipient::Mdt { district });
        } else {
            let routed = recs.iter().any(|r| matches!(r.recipient, Recipient::Dcf | Recipient::Mdt { .. }));
            prop_assert!(!routed, "an adult or unknown age is not sent to DCF or a team");
        }
        if !consent {
            prop_assert!(recs.iter().all(|r| r.carries == Carries::ReferenceOnly));
        }
        // Per need, nearest first; no provider twice.
        let mut seen = BTreeSet::new();
        for need in &needs {
            let distances: Vec<Distance> = recs.iter().filter(|r| r.need == Some(*need)).filter_map(|r| match r.recipient {
                Recipient::Provider { distance, .. } => Some(distance),
                _ => None,
            }).collect();
            prop_assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{:?}", distances);
        }
        for r in &recs {
            if let Recipient::Provider { service_id, .. } = r.recipient {
                prop_assert!(seen.insert(service_id));
            }
        }
        if result == ScreeningResult::Negative {
            let providers = recs.iter().any(|r| matches!(r.recipient, Recipient::Provider { .. }));
            prop_assert!(!providers, "a negative screen is offered no provider");
        }
    }
}
