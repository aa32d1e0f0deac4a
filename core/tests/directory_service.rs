//! Table tests of the directory's service and organization rules (`beacon_core::directory`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

use beacon_core::directory::organization::{self, Organization, OrganizationInput, OrganizationUpdate};
use beacon_core::directory::service::{self, Current, ServiceInput, ServiceUpdate};
use beacon_core::directory::{OrganizationStatus, PhoneType, ServiceStatus};
use beacon_core::reference::codes::{all_lists, CodeList};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
}

fn input(extra: Value) -> ServiceInput {
    let mut v = json!({"organization_id": "00000000-0000-4000-8000-000000000001", "name": "Harbor", "categories": ["shelter"]});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    serde_json::from_value(v).unwrap()
}

fn errors(extra: Value) -> Vec<(String, String)> {
    match service::check(&input(extra), now()) {
        Ok(_) => Vec::new(),
        Err(es) => es.into_iter().map(|e| (e.path, e.code.to_string())).collect(),
    }
}

fn one(path: &str, code: &str) -> Vec<(String, String)> {
    vec![(path.to_string(), code.to_string())]
}

#[test]
fn a_minimal_service_is_active_with_an_empty_description() {
    let s = service::check(&input(json!({})), now()).unwrap();
    assert_eq!((s.status, s.description.as_str(), s.categories.len()), (ServiceStatus::Active, "", 1));
}

#[test]
fn phones_as_people_type_them_are_stored_in_e164() {
    let cases = [("(860) 555-0123", "+18605550123"), ("860.555.0123", "+18605550123"), ("1 860 555 0123", "+18605550123"), ("+44 20 7183 8750", "+442071838750")];
    for (typed, stored) in cases {
        let s = service::check(&input(json!({"phones": [{"number": typed}]})), now()).unwrap();
        assert_eq!((s.phones[0].number.as_str(), s.phones[0].phone_type), (stored, PhoneType::Voice), "{typed}");
    }
}

#[test]
fn phones_that_are_no_e164_number_are_a_format_error() {
    for bad in ["call us", "555-0123", "+1234567890123456", "+1 (860) 555-01x3", ""] {
        assert_eq!(errors(json!({"phones": [{"number": bad}]})), one("/phones/0/number", "format"), "{bad}");
    }
}

#[test]
fn languages_are_iso_639_1_each_once() {
    assert_eq!(errors(json!({"languages": ["en", "es", "pt"]})), vec![]);
    for bad in ["pt-BR", "EN", "spa", "e"] {
        assert_eq!(errors(json!({"languages": [bad]})), one("/languages/0", "format"), "{bad}");
    }
    assert_eq!(errors(json!({"languages": ["es", "es"]})), one("/languages/1", "duplicate"));
}

#[test]
fn ages_are_0_to_120_and_min_not_above_max() {
    let table = [
        (json!({"min_age": 0, "max_age": 120}), vec![]),
        (json!({"min_age": 17, "max_age": 17}), vec![]),
        (json!({"min_age": -1}), one("/min_age", "range")),
        (json!({"max_age": 121}), one("/max_age", "range")),
        (json!({"min_age": 18, "max_age": 17}), one("/max_age", "range")),
    ];
    for (extra, want) in table {
        assert_eq!(errors(extra.clone()), want, "{extra}");
    }
}

#[test]
fn capacity_is_counted_and_stamped_with_now() {
    let s = service::check(&input(json!({"capacity": {"unit": "beds", "available": 2, "total": 2}})), now()).unwrap();
    assert_eq!(s.capacity.map(|c| c.updated_at), Some(now()));
    assert_eq!(errors(json!({"capacity": {"unit": "beds", "available": 3, "total": 2}})), one("/capacity/available", "range"));
    assert_eq!(errors(json!({"capacity": {"unit": "beds", "available": 1_000_001}})), one("/capacity/available", "range"));
}

#[test]
fn codes_come_from_the_published_lists() {
    assert_eq!(errors(json!({"status": "open"})), one("/status", "unknown_code"));
    assert_eq!(errors(json!({"categories": []})), one("/categories", "required"));
    assert_eq!(errors(json!({"categories": ["shelter", "shelter"]})), one("/categories/1", "duplicate"));
    assert_eq!(errors(json!({"populations": ["kids"]})), one("/populations/0", "unknown_code"));
    assert_eq!(errors(json!({"phones": [{"number": "+18605550100", "type": "pigeon"}]})), one("/phones/0/type", "unknown_code"));
    let names: Vec<&str> = all_lists().iter().map(|(n, _)| *n).collect();
    for list in ["service_status", "organization_status", "served_population", "verification_method", "phone_type", "referral_status", "referral_decline_reason"] {
        assert!(names.contains(&list), "{list} is published by GET /v1/codes");
    }
}

#[test]
fn locations_keep_their_rules_and_default_the_city_to_the_town() {
    let s = service::check(&input(json!({"locations": [{"name": "Site", "town": "west hartford", "postal_code": "06107-1234"}]})), now()).unwrap();
    assert_eq!((s.locations[0].town.as_str(), s.locations[0].city.as_str()), ("West Hartford", "West Hartford"));
    assert_eq!(errors(json!({"locations": [{"name": "Site", "town": "Boston"}]})), one("/locations/0/town", "unknown_code"));
    assert_eq!(errors(json!({"locations": [{"name": "Site", "town": "Hartford", "postal_code": "0610"}]})), one("/locations/0/postal_code", "format"));
    assert_eq!(errors(json!({"locations": [{"name": "Site", "town": "Hartford", "longitude": -72.6}]})), one("/locations/0/latitude", "required"));
}

#[test]
fn funding_periods_are_closed_at_both_ends_and_in_order() {
    assert_eq!(errors(json!({"funding": [{"source": "DCF", "period_start": "2026-07-01"}]})), one("/funding/0/period_end", "required"));
    assert_eq!(
        errors(json!({"funding": [{"source": "DCF", "period_start": "2027-07-01", "period_end": "2026-07-01"}]})),
        one("/funding/0/period_end", "date_order")
    );
    assert_eq!(errors(json!({"funding": [{"source": "DCF", "amount_cents": -1}]})), one("/funding/0/amount_cents", "range"));
}

#[test]
fn an_update_checks_only_what_it_names_and_compares_with_what_is_stored() {
    let update: ServiceUpdate = serde_json::from_value(json!({"max_age": 15, "capacity_available": 9})).unwrap();
    let patch = service::check_update(&update, now()).unwrap();
    assert_eq!(patch.capacity_updated_at, Some(now()));
    let stored = Current { min_age: Some(18), max_age: None, capacity_available: Some(1), capacity_total: Some(5) };
    let paths: Vec<String> = patch.check_against(&stored).unwrap_err().into_iter().map(|e| e.path).collect();
    assert_eq!(paths, ["/max_age", "/capacity_available"]);
    let empty: ServiceUpdate = serde_json::from_value(json!({"categories": []})).unwrap();
    assert_eq!(service::check_update(&empty, now()).unwrap_err()[0].path, "/categories");
    assert!(!service::check_update(&ServiceUpdate::default(), now()).unwrap().replaces_lists());
}

fn org(extra: Value) -> Vec<(String, String)> {
    let mut v = json!({"name": "Safe Harbor"});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    let input: OrganizationInput = serde_json::from_value(v).unwrap();
    organization::check(&input).err().unwrap_or_default().into_iter().map(|e| (e.path, e.code.to_string())).collect()
}

#[test]
fn an_organization_email_and_url_follow_the_shared_format_rules() {
    assert_eq!(org(json!({"email": "intake@safeharbor.example", "url": "https://safeharbor.example/help"})), vec![]);
    for bad in ["not an address", "a@b@c", "@example.org", "intake@"] {
        assert_eq!(org(json!({"email": bad})), one("/email", "format"), "{bad}");
    }
    for bad in ["safeharbor.example", "ftp://safeharbor.example", "https://"] {
        assert_eq!(org(json!({"url": bad})), one("/url", "format"), "{bad}");
    }
    assert_eq!(org(json!({"name": ""})), one("/name", "length"));
}

#[test]
fn an_organization_update_is_checked_as_the_organization_it_makes() {
    let current = Organization { name: "Safe Harbor".into(), description: String::new(), email: None, url: None };
    let update: OrganizationUpdate = serde_json::from_value(json!({"email": "bad", "status": "closed"})).unwrap();
    let paths: Vec<String> = organization::check_update(&current, &update).unwrap_err().into_iter().map(|e| e.path).collect();
    assert_eq!(paths, ["/email", "/status"]);
    let update: OrganizationUpdate = serde_json::from_value(json!({"name": " Safe Harbor CT ", "status": "inactive"})).unwrap();
    let patch = organization::check_update(&current, &update).unwrap();
    assert_eq!((patch.name.as_deref(), patch.status), (Some("Safe Harbor CT"), Some(OrganizationStatus::Inactive)));
}

#[test]
fn the_directory_code_lists_serialise_as_their_codes() {
    for s in ServiceStatus::ALL {
        assert_eq!(serde_json::to_value(s).unwrap(), json!(s.code()));
    }
    for p in PhoneType::ALL {
        assert_eq!(serde_json::to_value(p).unwrap(), json!(p.code()));
    }
}

#[test]
fn hsds_spells_temporarily_closed_with_a_space() {
    assert_eq!(ServiceStatus::TemporarilyClosed.hsds(), "temporarily closed");
    assert_eq!(ServiceStatus::Active.hsds(), "active");
}

/// What the public sees of a location: all of an open one, only the town and region of a
/// confidential one — not even its name.
#[test]
fn a_confidential_location_shows_the_public_neither_its_name_nor_its_address() {
    use beacon_core::directory::location::{public_view, Location};
    let open = Location {
        name: "Counselling office".into(),
        confidential: false,
        address_1: Some("1 Church Street".into()),
        city: "New Haven".into(),
        postal_code: Some("06510".into()),
        town: "New Haven".into(),
        latitude: Some(41.3),
        longitude: Some(-72.9),
    };
    let shelter = Location { name: "Harbor House".into(), confidential: true, address_1: Some("17 Hidden Harbor Lane".into()), town: "Hartford".into(), city: "Hartford".into(), postal_code: Some("06106".into()), ..open.clone() };
    let cases = [
        (&open, "Counselling office", "1 Church Street", "06510", Some(41.3), "South Central Connecticut"),
        (&shelter, "Confidential location in Hartford", "", "", None, "Capitol"),
    ];
    for (location, name, address, zip, latitude, region) in cases {
        let public = public_view(location);
        assert_eq!(public.name, name);
        assert_eq!(public.address_1, address);
        assert_eq!(public.postal_code, zip);
        assert_eq!(public.latitude, latitude);
        assert_eq!(public.region, region);
        let shown = serde_json::to_string(&public).unwrap();
        if location.confidential {
            for secret in ["Harbor House", "Hidden Harbor", "06106", "41.3"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
    }
}
