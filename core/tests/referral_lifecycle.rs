#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The referral lifecycle: every (from, to) pair, who makes each move, the overdue rule at its
//! boundary, the body's rules, and the mapping of the first model's outcomes.

use beacon_core::directory::codes::{DeclineReason, ReferralStatus};
use beacon_core::directory::lifecycle::{
    allowed, answered, check_input, check_move, from_outcome, is_open, is_overdue, overdue_cutoff, party, transition, Move, Party,
    Refusal, TransitionInput, ANSWER_WITHIN, INITIAL,
};
use beacon_core::reference::codes::CodeList;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeSet;

use Party::{Provider, Referrer};
use ReferralStatus::{Accepted, Closed, Declined, Proposed, Sent, ServiceStarted, Withdrawn};

/// The whole table written out: for each status, each status it may move to and who moves it.
/// Every pair not listed must be refused.
fn expected() -> Vec<(ReferralStatus, ReferralStatus, Party)> {
    vec![
        (Proposed, Sent, Referrer),
        (Proposed, Withdrawn, Referrer),
        (Sent, Accepted, Provider),
        (Sent, Declined, Provider),
        (Sent, Withdrawn, Referrer),
        (Accepted, ServiceStarted, Provider),
        (Accepted, Withdrawn, Referrer),
        (ServiceStarted, Closed, Provider),
        (ServiceStarted, Withdrawn, Referrer),
    ]
}

#[test]
fn every_pair_of_statuses_is_legal_exactly_as_the_table_says() {
    let table = expected();
    for &from in ReferralStatus::ALL {
        for &to in ReferralStatus::ALL {
            let want = table.iter().find(|(f, t, _)| *f == from && *t == to).map(|(_, _, p)| *p);
            assert_eq!(party(from, to), want, "{from} → {to}");
            match want {
                Some(_) => assert_eq!(transition(from, to), Ok(to), "{from} → {to}"),
                None => assert_eq!(transition(from, to), Err(allowed(from)), "{from} → {to} lists what is allowed"),
            }
        }
    }
}

#[test]
fn the_allowed_list_of_each_status() {
    let cases = [
        (Proposed, vec![Sent, Withdrawn]),
        (Sent, vec![Accepted, Declined, Withdrawn]),
        (Accepted, vec![ServiceStarted, Withdrawn]),
        (ServiceStarted, vec![Closed, Withdrawn]),
        (Declined, vec![]),
        (Closed, vec![]),
        (Withdrawn, vec![]),
    ];
    assert_eq!(cases.len(), ReferralStatus::ALL.len(), "every status has a case");
    for (from, want) in cases {
        assert_eq!(allowed(from), want, "{from}");
        assert_eq!(is_open(from), !want.is_empty(), "{from}");
    }
}

#[test]
fn the_provider_answers_and_the_referrer_sends_and_withdraws() {
    let by = |from, to, p| check_move(from, Move { to, reason: None }, p);
    assert_eq!(by(Sent, Accepted, Provider), Ok(Accepted));
    assert_eq!(by(Sent, Accepted, Referrer), Err(Refusal::OtherParty(Provider)), "acceptance is not the referrer's word");
    assert_eq!(by(Proposed, Sent, Provider), Err(Refusal::OtherParty(Referrer)));
    assert_eq!(by(Sent, Withdrawn, Provider), Err(Refusal::OtherParty(Referrer)));
    assert_eq!(by(Accepted, ServiceStarted, Provider), Ok(ServiceStarted));
    assert_eq!(by(Closed, Withdrawn, Referrer), Err(Refusal::Illegal { from: Closed, allowed: vec![] }));
    assert_eq!(
        by(Sent, ServiceStarted, Provider),
        Err(Refusal::Illegal { from: Sent, allowed: vec![Accepted, Declined, Withdrawn] }),
        "no starting a service before accepting it"
    );
}

#[test]
fn answered_statuses_are_those_a_provider_move_leads_to() {
    let reached_by_provider: BTreeSet<ReferralStatus> = expected().iter().filter(|m| m.2 == Provider).map(|m| m.1).collect();
    for &s in ReferralStatus::ALL {
        assert_eq!(answered(s), reached_by_provider.contains(&s), "{s}");
    }
}

fn at(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 12, 0, 0).unwrap() + TimeDelta::hours(h)
}

#[test]
fn a_sent_referral_is_overdue_after_72_hours_without_an_answer() {
    assert_eq!(ANSWER_WITHIN, TimeDelta::hours(72));
    let sent = Some(at(0));
    let cases = [
        ("just sent", Sent, sent, at(0), false),
        ("71 hours", Sent, sent, at(71), false),
        ("exactly 72 hours", Sent, sent, at(72), false),
        ("72 hours and a second", Sent, sent, at(72) + TimeDelta::seconds(1), true),
        ("a week", Sent, sent, at(168), true),
        ("accepted in time is never overdue", Accepted, sent, at(168), false),
        ("declined", Declined, sent, at(168), false),
        ("withdrawn", Withdrawn, sent, at(168), false),
        ("proposed, never sent", Proposed, None, at(168), false),
        ("sent with no time on file", Sent, None, at(168), false),
    ];
    for (name, status, sent_at, now, want) in cases {
        assert_eq!(is_overdue(status, sent_at, now), want, "{name}");
        if let (Sent, Some(t)) = (status, sent_at) {
            assert_eq!(t < overdue_cutoff(now), want, "{name}: the database's filter agrees");
        }
    }
}

fn input(to: &str, reason: Option<&str>) -> TransitionInput {
    TransitionInput { to: to.into(), reason: reason.map(Into::into) }
}

fn errors(i: &TransitionInput) -> Vec<String> {
    check_input(i).unwrap_err().into_iter().map(|e| format!("{} {}", e.path, e.code.as_str())).collect()
}

#[test]
fn a_decline_needs_a_reason_and_nothing_else_takes_one() {
    assert_eq!(check_input(&input("accepted", None)), Ok(Move { to: Accepted, reason: None }));
    assert_eq!(check_input(&input("declined", Some("capacity"))), Ok(Move { to: Declined, reason: Some(DeclineReason::Capacity) }));
    assert_eq!(check_input(&input("declined", Some("client_declined"))).unwrap().reason, Some(DeclineReason::ClientDeclined));
    assert_eq!(errors(&input("declined", None)), ["/reason required"]);
    assert_eq!(errors(&input("declined", Some("busy"))), ["/reason unknown_code"]);
    assert_eq!(errors(&input("accepted", Some("capacity"))), ["/reason not_allowed"]);
    assert_eq!(errors(&input("pending", None)), ["/to unknown_code"]);
}

#[test]
fn the_first_models_outcomes_map_onto_the_lifecycle() {
    let cases = [
        ("pending", Some((Sent, None))),
        ("accepted", Some((Accepted, None))),
        ("declined_capacity", Some((Declined, Some(DeclineReason::Capacity)))),
        ("declined_eligibility", Some((Declined, Some(DeclineReason::Eligibility)))),
        ("declined_other", Some((Declined, Some(DeclineReason::Other)))),
        ("withdrawn", Some((Withdrawn, None))),
        ("lost", None),
    ];
    for (outcome, want) in cases {
        assert_eq!(from_outcome(outcome), want, "{outcome}");
    }
}

#[test]
fn a_referral_starts_proposed_or_sent() {
    assert_eq!(INITIAL, [Proposed, Sent]);
}

fn status() -> impl Strategy<Value = ReferralStatus> {
    proptest::sample::select(ReferralStatus::ALL.to_vec())
}

/// Every status reachable from the initial ones through the table.
fn reachable() -> BTreeSet<ReferralStatus> {
    let mut seen: BTreeSet<ReferralStatus> = INITIAL.into_iter().collect();
    loop {
        let next: BTreeSet<ReferralStatus> = seen.iter().flat_map(|s| allowed(*s)).chain(seen.iter().copied()).collect();
        if next == seen {
            return seen;
        }
        seen = next;
    }
}

#[test]
fn every_status_is_reachable_and_none_is_entered_twice() {
    assert_eq!(reachable(), ReferralStatus::ALL.iter().copied().collect());
    // Acyclic: no status reaches itself again, so one timestamp per status records every move.
    for &s in ReferralStatus::ALL {
        let mut frontier = allowed(s);
        let mut seen = BTreeSet::new();
        while let Some(t) = frontier.pop() {
            assert_ne!(t, s, "{s} can be entered twice");
            if seen.insert(t) {
                frontier.extend(allowed(t));
            }
        }
    }
}

proptest! {
    /// Any sequence of requested moves from any initial status: the accepted ones only ever land
    /// on a status of the table, and a refused one leaves the status as it was.
    #[test]
    fn no_sequence_reaches_a_state_outside_the_table(start in 0usize..2, moves in proptest::collection::vec(status(), 0..20)) {
        let table = expected();
        let mut now = INITIAL[start];
        for to in moves {
            match transition(now, to) {
                Ok(next) => {
                    prop_assert!(table.iter().any(|(f, t, _)| *f == now && *t == next));
                    now = next;
                }
                Err(allowed_next) => {
                    prop_assert!(!allowed_next.contains(&to));
                    prop_assert!(allowed_next.iter().all(|a| table.iter().any(|(f, t, _)| *f == now && t == a)));
                }
            }
        }
        prop_assert!(reachable().contains(&now));
    }

    /// `withdrawn` is reachable in one move from exactly the open statuses, and only by the referrer.
    #[test]
    fn withdrawn_is_reachable_from_every_open_state_only(s in status()) {
        let open = !matches!(s, Declined | Closed | Withdrawn);
        prop_assert_eq!(transition(s, Withdrawn).is_ok(), open);
        prop_assert_eq!(is_open(s), open);
        if open {
            prop_assert_eq!(party(s, Withdrawn), Some(Referrer));
        }
    }
}
