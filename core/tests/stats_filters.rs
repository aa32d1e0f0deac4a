#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The filters of a statistics request: each dimension a subject is grouped
//! by also filters it (a comma-separated list, any of its values), every
//! value checked against the dimension's categories, a dimension the
//! subject lacks refused, and the public endpoint taking none.

use beacon_core::reference::codes::CodeList;
use beacon_core::reference::geo;
use beacon_core::stats::query::*;
use beacon_core::stats::Policy;
use beacon_core::ErrorCode;

fn raw<'a>(pairs: &[(&str, &'a str)]) -> RawParams<'a> {
    let mut r = RawParams { period: Some("2026"), ..RawParams::default() };
    for &(k, v) in pairs {
        let g = GroupBy::parse(k).unwrap_or_else(|| panic!("no filter {k}"));
        *r.filter_mut(g).unwrap_or_else(|| panic!("{k} filters nothing")) = Some(v);
    }
    r
}

fn parse(subject: Subject, pairs: &[(&str, &str)], endpoint: Endpoint) -> Result<StatsQuery, Vec<beacon_core::ValidationError>> {
    StatsQuery::parse(subject, &raw(pairs), endpoint)
}

fn values(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const PARTNER: &str = "6f1c2a7e-4b1d-4c3e-9a2b-0d5e8f7a6b1c";

/// A subject, a filter and its text, and the values it keeps.
type Accepted = (Subject, &'static str, &'static str, &'static [&'static str]);

#[test]
fn each_dimension_a_subject_is_grouped_by_filters_it() {
    use Subject::*;
    let cases: &[Accepted] = &[
        (Incidents, "status", "confirmed", &["confirmed"]),
        (Incidents, "venue", "hotel_motel,unknown", &["hotel_motel", "unknown"]),
        (Incidents, "town", "new haven", &["New Haven"]),
        (Incidents, "county", "Hartford", &["Hartford"]),
        (Incidents, "trafficking_type", "labor", &["labor"]),
        (Incidents, "reporting_agency", "dcf,desp", &["dcf", "desp"]),
        (Incidents, "dcf_region", " 03", &["3"]),
        (Victims, "sex", "female", &["female"]),
        (Victims, "age_band", "12_17,unknown", &["12_17", "unknown"]),
        (Victims, "citizenship", "foreign_national", &["foreign_national"]),
        (Victims, "trafficking_type", "sex,labor", &["sex", "labor"]),
        (Intake, "status", "new,triaged", &["new", "triaged"]),
        (Intake, "concern_type", "unsure", &["unsure"]),
        (Intake, "age_band", "under_12", &["under_12"]),
        (Intake, "partner", PARTNER, &[PARTNER]),
        (Intake, "planning_region", "capitol", &["Capitol"]),
        (Referrals, "service", "legal,shelter", &["legal", "shelter"]),
        (Referrals, "town", "Norwich", &["Norwich"]),
        (Training, "status", "overdue", &["overdue"]),
        (Training, "agency", "dcf", &["dcf"]),
        (Training, "population", "law_enforcement", &["law_enforcement"]),
        (DcfResponses, "outcome", "none,accepted_for_services", &["none", "accepted_for_services"]),
        (DcfResponses, "judicial_district", "New London", &["New London"]),
    ];
    for (subject, param, text, kept) in cases {
        let q = parse(*subject, &[(param, text)], Endpoint::Coordinator).unwrap_or_else(|e| panic!("{subject:?} {param}={text}: {e:?}"));
        let g = GroupBy::parse(param).unwrap();
        assert_eq!(q.filters().get(g), Some(&values(kept)[..]), "{subject:?} {param}={text}");
        assert_eq!(q.filters().iter().count(), 1);
    }
}

#[test]
fn every_dimension_but_time_that_groups_a_subject_filters_it() {
    for subject in [Subject::Incidents, Subject::Victims, Subject::Intake, Subject::Referrals, Subject::Training, Subject::DcfResponses] {
        for g in GroupBy::ALL {
            let expected = g.allows(subject) && !g.is_time();
            assert_eq!(g.filters(subject), expected, "{subject:?} {g:?}");
            if expected {
                let FilterValues::Codes(codes) = g.filter_values(subject) else {
                    assert_eq!(g, GroupBy::Partner);
                    continue;
                };
                assert!(!codes.is_empty(), "{subject:?} {g:?} accepts nothing");
            }
        }
    }
}

#[test]
fn values_are_alternatives_given_once_and_filters_narrow_each_other() {
    let q = parse(
        Subject::Victims,
        &[("sex", "female, male,female"), ("citizenship", "foreign_national"), ("county", "Hartford,hartford,New Haven")],
        Endpoint::Coordinator,
    )
    .unwrap();
    assert_eq!(q.filters().get(GroupBy::Sex), Some(&values(&["female", "male"])[..]));
    assert_eq!(q.filters().get(GroupBy::County), Some(&values(&["Hartford", "New Haven"])[..]));
    // Stated in the order of the dimensions, whatever the order of the query.
    assert_eq!(q.filters().describe(), "county=Hartford,New Haven; sex=female,male; citizenship=foreign_national");
    assert_eq!(
        serde_json::to_value(q.filters()).unwrap(),
        serde_json::json!({"county": ["Hartford", "New Haven"], "sex": ["female", "male"], "citizenship": ["foreign_national"]})
    );
    let none = parse(Subject::Victims, &[], Endpoint::Coordinator).unwrap();
    assert!(none.filters().is_empty());
    assert_eq!(none.filters().describe(), "none");
}

/// A subject, a filter and its text, and the error expected: its code and a
/// phrase of its message.
type Refusal = (Subject, &'static str, &'static str, ErrorCode, &'static str);

#[test]
fn a_value_not_among_the_categories_is_refused_naming_them() {
    use Subject::*;
    let cases: &[Refusal] = &[
        (Incidents, "trafficking_type", "labor,organs", ErrorCode::UnknownCode, "`organs` is not one of sex, labor."),
        (Incidents, "status", "withdrawn", ErrorCode::UnknownCode, "suspected, confirmed"),
        (Incidents, "venue", "casino", ErrorCode::UnknownCode, "hotel_motel"),
        (Incidents, "town", "Gotham", ErrorCode::UnknownCode, "Hartford"),
        (Incidents, "county", "", ErrorCode::UnknownCode, "New London"),
        (Incidents, "dcf_region", "7", ErrorCode::UnknownCode, "1, 2, 3, 4, 5, 6"),
        (Incidents, "reporting_agency", "DCF", ErrorCode::UnknownCode, "dcf"),
        (Victims, "sex", "female,", ErrorCode::UnknownCode, "female"),
        (Victims, "age_band", "17", ErrorCode::UnknownCode, "12_17"),
        (Intake, "status", "confirmed", ErrorCode::UnknownCode, "triaged"),
        (Intake, "partner", "Safe Harbor", ErrorCode::Format, "UUID"),
        (Training, "status", "suspected", ErrorCode::UnknownCode, "due_soon"),
        (DcfResponses, "outcome", "accepted", ErrorCode::UnknownCode, "none"),
        (Referrals, "service", "counselling", ErrorCode::UnknownCode, "shelter"),
    ];
    for (subject, param, text, code, phrase) in cases {
        let errors = parse(*subject, &[(param, text)], Endpoint::Coordinator).expect_err(&format!("{subject:?} {param}={text}"));
        let path = format!("/{param}");
        let e = errors.iter().find(|e| e.path == path).unwrap_or_else(|| panic!("{subject:?} {param}={text}: {errors:?}"));
        assert_eq!(e.code, *code, "{subject:?} {param}={text}");
        assert!(e.message.contains(phrase), "{subject:?} {param}={text}: {}", e.message);
    }
}

#[test]
fn a_filter_the_subject_does_not_carry_is_not_allowed() {
    use Subject::*;
    let cases: &[(Subject, &str, &str)] = &[
        (Incidents, "sex", "female"),
        (Incidents, "partner", PARTNER),
        (Victims, "concern_type", "sex"),
        (Intake, "venue", "residence"),
        (Intake, "trafficking_type", "sex"),
        (Referrals, "status", "confirmed"),
        (Training, "venue", "residence"),
        (DcfResponses, "status", "confirmed"),
        (DcfResponses, "age_band", "12_17"),
    ];
    for (subject, param, text) in cases {
        let errors = parse(*subject, &[(param, text)], Endpoint::Coordinator).expect_err(&format!("{subject:?} {param}"));
        assert!(
            errors.iter().any(|e| e.path == format!("/{param}") && e.code == ErrorCode::NotAllowed),
            "{subject:?} {param}: {errors:?}"
        );
    }
    let errors = parse(Incidents, &[("sex", "female")], Endpoint::Coordinator).unwrap_err();
    assert!(errors[0].message.contains("/stats/victims"), "{}", errors[0].message);
}

#[test]
fn the_public_endpoint_refuses_every_filter_by_name() {
    for g in GroupBy::ALL.into_iter().filter(|g| !g.is_time()) {
        let subject = [Subject::Incidents, Subject::Victims, Subject::Intake].into_iter().find(|s| g.allows(*s)).unwrap_or(Subject::Incidents);
        let errors = parse(subject, &[(g.code(), "anything")], Endpoint::Public).expect_err(g.code());
        assert!(
            errors.iter().any(|e| e.path == format!("/{}", g.code()) && e.code == ErrorCode::NotAllowed),
            "{g:?}: {errors:?}"
        );
    }
}

fn filter_of(subject: Subject, param: &str, text: &str) -> Filter {
    let q = parse(subject, &[(param, text)], Endpoint::Coordinator).unwrap();
    let filter = q.filters().iter().next().unwrap().clone();
    filter
}

#[test]
fn a_geography_filters_the_towns_in_it() {
    let hartford_county: Vec<String> = geo::towns().iter().filter(|t| t.county == Some("Hartford")).map(|t| t.town.to_string()).collect();
    assert!(hartford_county.len() > 20, "{hartford_county:?}");
    assert_eq!(filter_of(Subject::Incidents, "county", "Hartford").sql_values(), hartford_county);
    let region_3: Vec<String> = geo::towns().iter().filter(|t| t.dcf_region == Some(3)).map(|t| t.town.to_string()).collect();
    assert_eq!(filter_of(Subject::Intake, "dcf_region", "3").sql_values(), region_3);
    assert_eq!(filter_of(Subject::Referrals, "town", "norwich,HARTFORD").sql_values(), values(&["Hartford", "Norwich"]));
}

#[test]
fn an_age_band_filters_the_ages_in_it_as_they_are_banded() {
    let keys = filter_of(Subject::Victims, "age_band", "12_17").sql_values();
    let ages: Vec<u8> = keys.iter().filter_map(|k| k.parse().ok()).collect();
    assert_eq!(ages, (12..=17).collect::<Vec<u8>>());
    assert!(keys.contains(&"12_17".to_string()), "a victim kept with the band and no age");
    assert!(!keys.contains(&String::new()), "no age is `unknown`, not 12–17");
    // Every key the filter passes is one the tables put in the band, and no other.
    for band in ["under_12", "12_17", "18_24", "25_59", "60_plus", "unknown"] {
        let keys = filter_of(Subject::Victims, "age_band", band).sql_values();
        for age in 0..=u8::MAX {
            assert_eq!(keys.contains(&age.to_string()), age_band(Some(age)).code() == band, "{band} {age}");
        }
        assert_eq!(keys.contains(&String::new()), band == "unknown");
    }
}

#[test]
fn the_output_states_the_filters_that_applied() {
    let q = parse(Subject::Incidents, &[("trafficking_type", "labor"), ("county", "Hartford")], Endpoint::Coordinator).unwrap();
    let rows = vec![GroupCount { keys: vec!["2026".into()], town: None, incidents: 12, victims: 15, plan: 0 }];
    let out = build(&q, &rows, &Policy::public(11).unwrap()).unwrap();
    assert_eq!(out.filters, q.filters().clone());
    let json = serde_json::to_value(&out).unwrap();
    assert_eq!(json["filters"], serde_json::json!({"county": ["Hartford"], "trafficking_type": ["labor"]}));
    let plain = parse(Subject::Incidents, &[], Endpoint::Coordinator).unwrap();
    let json = serde_json::to_value(build(&plain, &rows, &Policy::public(11).unwrap()).unwrap()).unwrap();
    assert_eq!(json["filters"], serde_json::json!({}), "no filter: an empty object, never absent");
}
