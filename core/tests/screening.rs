#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! Screening instruments scored by core: worked examples checked by hand, the
//! contract of a response, and the property that scoring is monotone.

use beacon_core::screening::{check_screening, find, score, shipped, Answer, ItemKind, ScreeningResult};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Every item of `instrument` answered `no`, then the given answers.
fn answers(instrument: &str, given: &[(&str, &str)]) -> Value {
    let i = find(instrument, 1).unwrap();
    let mut a: serde_json::Map<String, Value> = i.items.iter().map(|it| (it.id.clone(), json!("no"))).collect();
    for (id, answer) in given {
        a.insert((*id).to_string(), json!(answer));
    }
    json!({"instrument": instrument, "version": 1, "answers": a})
}

/// Answers given (the rest `no`), the result expected, the rules expected to fire.
type Case = (&'static [(&'static str, &'static str)], ScreeningResult, &'static [&'static str]);

fn result_of(body: &Value) -> (ScreeningResult, Vec<String>) {
    let s = check_screening(&body.to_string()).unwrap();
    (s.scored.result, s.scored.fired)
}

#[test]
fn the_adult_screen_scores_as_worked_by_hand() {
    use ScreeningResult::*;
    let cases: [Case; 8] = [
        (&[], Negative, &[]),
        // All declined: never held against the person.
        (&[("threatened", "declined"), ("made_to_trade_sex", "declined")], Negative, &[]),
        (&[("documents_held", "yes")], Possible, &["one_indicator"]),
        (&[("documents_held", "unsure")], Negative, &[]),
        (&[("documents_held", "unsure"), ("debt_to_work_off", "unsure")], Possible, &["unsure_indicators"]),
        (&[("documents_held", "yes"), ("debt_to_work_off", "yes")], Positive, &["two_indicators", "one_indicator", "unsure_indicators"]),
        // Threats, or being made to trade sex, are enough alone.
        (&[("threatened", "yes")], Positive, &["force_or_commercial_sex", "one_indicator"]),
        (&[("made_to_trade_sex", "yes")], Positive, &["force_or_commercial_sex", "one_indicator"]),
    ];
    for (given, result, fired) in cases {
        assert_eq!(result_of(&answers("adult_indicators", given)), (result, fired.iter().map(|s| s.to_string()).collect()), "{given:?}");
    }
}

#[test]
fn a_minor_who_exchanged_sex_screens_positive_by_that_answer_alone() {
    use ScreeningResult::*;
    let cases: [Case; 7] = [
        (&[], Negative, &[]),
        // "A minor needs no force, fraud or coercion": no other indicator is asked for.
        (&[("exchanged_sex", "yes")], Positive, &["exchanged_sex_as_a_minor", "unsure_about_exchanged_sex"]),
        (&[("exchanged_sex", "unsure")], Possible, &["unsure_about_exchanged_sex"]),
        (&[("no_safe_place", "yes")], Possible, &["one_indicator"]),
        (&[("screener_observed_control", "possible")], Possible, &["unsure_about_exchanged_sex"]),
        (&[("screener_observed_control", "clear"), ("asked_to_recruit", "yes")], Positive, &["two_indicators", "one_indicator", "unsure_about_exchanged_sex"]),
        (&[("gifts_with_strings", "yes"), ("no_safe_place", "yes")], Possible, &["one_indicator"]),
    ];
    for (given, result, fired) in cases {
        assert_eq!(result_of(&answers("youth", given)), (result, fired.iter().map(|s| s.to_string()).collect()), "{given:?}");
    }
}

/// `(path, code)` of each error, in order.
fn refusals(body: &str) -> Vec<(String, &'static str)> {
    check_screening(body).unwrap_err().into_iter().map(|e| (e.path, e.code.as_str())).collect()
}

#[test]
fn a_response_breaking_the_contract_names_each_place() {
    let mut unknown_item = answers("youth", &[]);
    unknown_item["answers"]["favourite_colour"] = json!("yes");
    let mut missing = answers("youth", &[]);
    missing["answers"].as_object_mut().unwrap().remove("no_safe_place");
    let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("{".into(), vec![("", "invalid_json")]),
        ("[]".into(), vec![("", "invalid_type")]),
        (json!({"version": 1, "answers": {}}).to_string(), vec![("/instrument", "required")]),
        (json!({"instrument": "phq9", "version": 1, "answers": {}}).to_string(), vec![("/instrument", "unknown_code")]),
        (json!({"instrument": "youth", "version": 7, "answers": {}}).to_string(), vec![("/version", "unknown_code")]),
        (json!({"instrument": "youth", "version": "1", "answers": {}}).to_string(), vec![("/version", "invalid_type")]),
        (json!({"instrument": "youth", "version": 1, "answers": []}).to_string(), vec![("/answers", "invalid_type")]),
        (unknown_item.to_string(), vec![("/answers/favourite_colour", "unknown_field")]),
        (missing.to_string(), vec![("/answers/no_safe_place", "required")]),
        // `unsure` is not an answer to a yes / no item, `yes` not a concern level.
        (answers("youth", &[("no_safe_place", "unsure"), ("screener_observed_control", "yes")]).to_string(),
            vec![("/answers/no_safe_place", "unknown_code"), ("/answers/screener_observed_control", "unknown_code")]),
        (answers("youth", &[("exchanged_sex", "YES")]).to_string(), vec![("/answers/exchanged_sex", "unknown_code")]),
        ({
            let mut b = answers("youth", &[]);
            b["answers"]["exchanged_sex"] = json!(true);
            b.to_string()
        }, vec![("/answers/exchanged_sex", "invalid_type")]),
        ({
            let mut b = answers("youth", &[]);
            b["notes"] = json!("free text is not taken");
            b.to_string()
        }, vec![("/notes", "unknown_field")]),
        ("{\"instrument\":\"youth\",\"version\":1,\"answers\":{\"a\\u0000\":\"yes\"}}".into(), vec![("/answers", "format")]),
    ];
    for (body, expected) in cases {
        let got = refusals(&body);
        let got: Vec<(&str, &str)> = got.iter().map(|(p, c)| (p.as_str(), *c)).collect();
        assert_eq!(got, expected, "{body}");
    }
    // A refusal names the answers each kind takes, never the value sent.
    let errors = check_screening(&answers("youth", &[("no_safe_place", "perhaps")]).to_string()).unwrap_err();
    assert_eq!(errors[0].message, "Is not an allowed answer; expected one of yes, no, declined.");
}

fn raise(kind: ItemKind, a: Answer) -> Vec<Answer> {
    Answer::allowed(kind).iter().copied().filter(|b| b.level() > a.level()).collect()
}

proptest! {
    /// Raising any one answer (no → unsure → yes; no → possible → clear)
    /// never lowers the result, and the fired rules only grow.
    #[test]
    fn scoring_is_monotone(which in 0usize..2, picks in proptest::collection::vec(0usize..4, 8), item in 0usize..8, up in 0usize..3) {
        let instrument = &shipped()[which];
        let answers: BTreeMap<String, Answer> = instrument.items.iter().zip(picks.iter().cycle()).map(|(it, p)| {
            let allowed = Answer::allowed(it.kind);
            (it.id.clone(), allowed[p % allowed.len()])
        }).collect();
        let target = &instrument.items[item % instrument.items.len()];
        let higher = raise(target.kind, answers[&target.id]);
        prop_assume!(!higher.is_empty());
        let mut raised = answers.clone();
        raised.insert(target.id.clone(), higher[up % higher.len()]);
        let before = score(instrument, &answers);
        let after = score(instrument, &raised);
        prop_assert!(after.result >= before.result, "{before:?} -> {after:?}");
        prop_assert!(before.fired.iter().all(|r| after.fired.contains(r)));
    }
}

/// The offline scorer (the form's, through wasm) gives the server's verdict for a shipped
/// instrument, and refuses an instrument that could not be published.
#[test]
fn offline_scoring_agrees_with_the_server() {
    use beacon_core::screening::{screen_offline, ScreeningVerdict};
    let instrument = serde_json::to_string(find("youth", 1).unwrap()).unwrap();
    for given in [&[][..], &[("exchanged_sex", "yes")][..], &[("no_safe_place", "unsure")][..]] {
        let body = answers("youth", given);
        let server = serde_json::to_value(ScreeningVerdict::of(&body.to_string())).unwrap();
        let offline = serde_json::to_value(screen_offline(&instrument, &body["answers"].to_string())).unwrap();
        assert_eq!(offline, server, "{given:?}");
    }
    let mut broken = serde_json::to_value(find("youth", 1).unwrap()).unwrap();
    broken["rules"][0]["at_least"] = json!(5);
    let verdict = serde_json::to_value(screen_offline(&broken.to_string(), "{}")).unwrap();
    assert_eq!((verdict["ok"].clone(), verdict["errors"][0]["path"].clone()), (json!(false), json!("/instrument")));
    let verdict = serde_json::to_value(screen_offline(&instrument, "[1]")).unwrap();
    assert_eq!(verdict["errors"][0]["path"], "/answers");
}
