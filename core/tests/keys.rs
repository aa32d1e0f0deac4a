#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! `beacon_core::keys`: the rules of a new API key, shared by the HTTP admin API and the CLI.

use beacon_core::keys::{check_new_key, NewKey, MAX_ORIGINS};
use beacon_core::roles::Role;
use chrono::{DateTime, Duration, Utc};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2027-01-04T17:00:00Z").unwrap().to_utc()
}

fn errors(key: NewKey<'_>) -> Vec<String> {
    match check_new_key(&key, now()) {
        Ok(_) => vec![],
        Err(e) => e.into_iter().map(|e| format!("{} {}", e.path, e.code.as_str())).collect(),
    }
}

fn key<'a>(partner: bool, origins: &'a [String]) -> NewKey<'a> {
    let role = if partner { Role::Partner } else { Role::Reporter };
    NewKey { account: "Safe Harbor", role, origins, expires_at: None }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

#[test]
fn a_new_key_table() {
    let one = strings(&["https://safeharbor.example"]);
    let cases: Vec<(&str, NewKey<'_>, Vec<&str>)> = vec![
        ("a reporter key", key(false, &[]), vec![]),
        ("a partner key with an origin", key(true, &one), vec![]),
        ("a reporter key bound to an origin", key(false, &one), vec!["/origins length"]),
        ("a partner's staff key bound to an origin", NewKey { role: Role::PartnerStaff, ..key(false, &one) }, vec!["/origins length"]),
        ("a DCF key", NewKey { role: Role::Dcf, ..key(false, &[]) }, vec![]),
        ("an empty account", NewKey { account: "  ", ..key(false, &[]) }, vec!["/account length"]),
        ("expiring now", NewKey { expires_at: Some(now()), ..key(false, &[]) }, vec!["/expires_at range"]),
        ("expiring tomorrow", NewKey { expires_at: Some(now() + Duration::days(1)), ..key(false, &[]) }, vec![]),
    ];
    for (name, k, expect) in cases {
        assert_eq!(errors(k), expect, "{name}");
    }
}

#[test]
fn partner_origins_table() {
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("https://safeharbor.example", vec![]),
        ("https://safeharbor.example:8443", vec![]),
        ("http://localhost:5173", vec![]),
        ("http://127.0.0.1:8080", vec![]),
        ("http://[::1]:8080", vec![]),
        // All of 127.0.0.0/8 is the machine itself; its neighbours are not.
        ("http://127.0.1.1:8080", vec![]),
        ("http://127.255.255.254", vec![]),
        ("http://128.0.0.1", vec!["/origins/0 format"]),
        ("http://10.0.0.1", vec!["/origins/0 format"]),
        ("http://127.0.0.1.example", vec!["/origins/0 format"]),
        ("http://localhost.example", vec!["/origins/0 format"]),
        ("http://safeharbor.example", vec!["/origins/0 format"]),
        ("https://safeharbor.example/form", vec!["/origins/0 format"]),
        ("https://safeharbor.example?x=1", vec!["/origins/0 format"]),
        ("https://user@safeharbor.example", vec!["/origins/0 format"]),
        ("https://safeharbor.example:99999x", vec!["/origins/0 format"]),
        ("safeharbor.example", vec!["/origins/0 format"]),
        ("nope", vec!["/origins/0 format"]),
    ];
    for (origin, expect) in cases {
        let origins = strings(&[origin]);
        assert_eq!(errors(key(true, &origins)), expect, "{origin}");
    }
}

#[test]
fn origins_are_kept_as_browsers_send_them_and_listed_once() {
    let origins = strings(&["https://SafeHarbor.example/", "https://safeharbor.example"]);
    assert_eq!(errors(key(true, &origins)), vec!["/origins/1 duplicate"]);
    let origins = strings(&["https://SafeHarbor.example/"]);
    let checked = check_new_key(&key(true, &origins), now()).unwrap();
    assert_eq!(checked.origins, strings(&["https://safeharbor.example"]));
}

#[test]
fn a_partner_key_has_at_most_twenty_origins() {
    let origins: Vec<String> = (0..=MAX_ORIGINS).map(|i| format!("https://site{i}.example")).collect();
    assert_eq!(errors(key(true, &origins)), vec!["/origins length"]);
}
