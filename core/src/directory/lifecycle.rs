//! A referral's lifecycle: who may move it where, and when it is overdue.
//!
//! Sec. 8(b)(4) asks for "referral pathways to ensure consistent identification of and response to
//! victims of human trafficking across systems": a response is only known when the provider gives
//! it, so the provider answers (accepts, declines, starts and closes the service) and the referrer
//! only proposes, sends and withdraws. Acceptance is then not the referrer's word alone.
//!
//! The table is acyclic — no status is entered twice — so one timestamp per status records every
//! move a referral made (the audit trail records who made it).

use super::codes::{DeclineReason, ReferralStatus};
use crate::reference::codes::CodeList;
use crate::{ErrorCode, ValidationError};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;

/// Who may make a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// The account that made the referral (or the coordinator's office).
    Referrer,
    /// The directory organization the referral was sent to, through its `provider` key.
    Provider,
}

use Party::{Provider, Referrer};
use ReferralStatus::{Accepted, Closed, Declined, Proposed, Sent, ServiceStarted, Withdrawn};

/// Every legal move, and who makes it. Anything not here is refused.
pub const MOVES: &[(ReferralStatus, ReferralStatus, Party)] = &[
    (Proposed, Sent, Referrer),
    (Sent, Accepted, Provider),
    (Sent, Declined, Provider),
    (Accepted, ServiceStarted, Provider),
    (ServiceStarted, Closed, Provider),
    // `withdrawn` from every open status.
    (Proposed, Withdrawn, Referrer),
    (Sent, Withdrawn, Referrer),
    (Accepted, Withdrawn, Referrer),
    (ServiceStarted, Withdrawn, Referrer),
];

/// The statuses a referral may be created in: proposed (a pathway's recommendation, not yet
/// acted on) or sent (the referrer has contacted the provider).
pub const INITIAL: [ReferralStatus; 2] = [Proposed, Sent];

/// The statuses `from` may move to, in the code list's order.
pub fn allowed(from: ReferralStatus) -> Vec<ReferralStatus> {
    ReferralStatus::ALL.iter().copied().filter(|to| party(from, *to).is_some()).collect()
}

/// Who may move a referral from `from` to `to`; `None` when the move is illegal.
pub fn party(from: ReferralStatus, to: ReferralStatus) -> Option<Party> {
    MOVES.iter().find(|(f, t, _)| *f == from && *t == to).map(|(_, _, p)| *p)
}

/// `to` when the move is legal, else the statuses `from` may move to.
pub fn transition(from: ReferralStatus, to: ReferralStatus) -> Result<ReferralStatus, Vec<ReferralStatus>> {
    match party(from, to) {
        Some(_) => Ok(to),
        None => Err(allowed(from)),
    }
}

/// Whether a referral can still move (its service may still happen).
pub fn is_open(status: ReferralStatus) -> bool {
    !allowed(status).is_empty()
}

/// Whether a referral now `status` was answered by its provider (accepted or declined, and what
/// follows acceptance): the statuses a time to answer is measured for.
pub fn answered(status: ReferralStatus) -> bool {
    matches!(status, Accepted | Declined | ServiceStarted | Closed)
}

/// How long a provider has to answer a sent referral before it is overdue.
pub const ANSWER_WITHIN: TimeDelta = TimeDelta::hours(72);

/// A sent referral nobody has answered for more than [`ANSWER_WITHIN`] is overdue.
pub fn is_overdue(status: ReferralStatus, sent_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    status == Sent && sent_at.is_some_and(|sent| sent < overdue_cutoff(now))
}

/// A sent referral is overdue when it was sent before this instant (the database's filter binds
/// it, so the list and [`is_overdue`] agree).
pub fn overdue_cutoff(now: DateTime<Utc>) -> DateTime<Utc> {
    now - ANSWER_WITHIN
}

/// A requested move, as sent: `POST /v1/directory/referrals/{id}/transitions`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    /// The status to move to (list `referral_status`).
    pub to: String,
    /// Required with `declined`, refused otherwise (list `referral_decline_reason`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A well-formed move: where to, and why when declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub to: ReferralStatus,
    pub reason: Option<DeclineReason>,
}

/// The body's own rules, needing nothing stored: a known status, and a reason exactly when
/// declining.
pub fn check_input(input: &TransitionInput) -> Result<Move, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let to = crate::fields::code::<ReferralStatus>("/to", &input.to, &mut errors);
    let reason = match (to, input.reason.as_deref()) {
        (Some(Declined), None) => {
            errors.push(ValidationError::new("/reason", ErrorCode::Required, "A declined referral needs its reason."));
            None
        }
        (Some(Declined), Some(r)) => crate::fields::code::<DeclineReason>("/reason", r, &mut errors),
        (Some(_), Some(_)) => {
            errors.push(ValidationError::new("/reason", ErrorCode::NotAllowed, "Only a declined referral has a reason."));
            None
        }
        (_, _) => None,
    };
    match (to, errors.is_empty()) {
        (Some(to), true) => Ok(Move { to, reason }),
        _ => Err(errors),
    }
}

/// Why a move is refused once the referral's status and the caller's party are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a move of the table from here: the statuses it may move to instead.
    Illegal { from: ReferralStatus, allowed: Vec<ReferralStatus> },
    /// A legal move that only the other party makes.
    OtherParty(Party),
}

/// The move `m` of a referral now `from`, made by `by`.
pub fn check_move(from: ReferralStatus, m: Move, by: Party) -> Result<ReferralStatus, Refusal> {
    let to = transition(from, m.to).map_err(|allowed| Refusal::Illegal { from, allowed })?;
    match party(from, to) {
        Some(p) if p == by => Ok(to),
        Some(p) => Err(Refusal::OtherParty(p)),
        None => Err(Refusal::Illegal { from, allowed: allowed(from) }),
    }
}

/// The status and decline reason an outcome of the first referral model (`pending`, `accepted`,
/// `declined_capacity`, `declined_eligibility`, `declined_other`, `withdrawn`) became; the
/// migration that introduced the lifecycle maps stored rows the same way (a test compares them).
pub fn from_outcome(outcome: &str) -> Option<(ReferralStatus, Option<DeclineReason>)> {
    Some(match outcome {
        "pending" => (Sent, None),
        "accepted" => (Accepted, None),
        "declined_capacity" => (Declined, Some(DeclineReason::Capacity)),
        "declined_eligibility" => (Declined, Some(DeclineReason::Eligibility)),
        "declined_other" => (Declined, Some(DeclineReason::Other)),
        "withdrawn" => (Withdrawn, None),
        _ => return None,
    })
}
