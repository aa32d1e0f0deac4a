//! Training compliance (Raised Bill 5476, Sec. 3(7), 4, 5, 10(b)): which
//! topics a population must cover, when each person is due, and whether a DCF
//! social worker trainee may be assigned a caseload.
//!
//! Pure like the rest of the core: the "as of" date is always a parameter.
//!
//! # The rules
//!
//! * **Required topics** ([`required_topics`]): all four for `dcf_employee`,
//!   `dcf_contracted_provider` and `cssd_employee`; `laws_protocols` and
//!   `identification_services` for `law_enforcement`; none for `other`.
//! * **Only completions dated on or before the "as of" date count.** Later ones
//!   are ignored, as if not yet recorded.
//! * **Qualifying date** ([`latest_qualifying_date`]): a date `d` qualifies when
//!   the completions dated in the 365 days up to and including `d`
//!   (`d - 364 ..= d`) cover every required topic, and one of them, dated `d`,
//!   covers at least one required topic. One full course qualifies on its own
//!   date; modules qualify on the date of the module that completes the set,
//!   provided the first of them is at most 364 days earlier. A completion that
//!   covers none of the population's required topics (say a `trauma_disclosures`
//!   module taken by a police officer) does not take part in the covering, so it
//!   never makes a qualifying date. `Q` is the latest qualifying date.
//! * **Initial due date** ([`initial_due`]): the later of 2027-07-01 and
//!   `start_date` + 6 calendar months; a day that does not exist in the target
//!   month clamps to that month's last day (2028-08-31 + 6 months = 2029-02-28).
//! * **"A refresher every three years thereafter"** is read as a *rolling*
//!   three years from the last qualifying completion: with a qualifying date
//!   `Q`, the person is next due on `Q` + 3 years (clamped the same way:
//!   2028-02-29 → 2031-02-28), whether `Q` was the initial training or a
//!   refresher, and whether it came early or late. Training again before the
//!   deadline therefore moves the deadline to three years after the new
//!   training; training late restarts the three years from the late date (the
//!   cycle does not stay anchored on the missed deadline). Without any `Q`, the
//!   person is due on `initial_due`.
//! * **Status** as of `A` for the populations with a deadline: `overdue` when `A`
//!   is after the due date; `due_soon` when the due date is 0 to 60 days after
//!   `A` (both ends included); otherwise `compliant` when a `Q` exists, or
//!   `not_yet_due` when none does. `law_enforcement` and `other` are always
//!   `not_required` (see [`Compliance`] for which dates they still report).
//! * **Caseload** ([`caseload_eligibility`]): from 2027-01-01 a social worker
//!   trainee may be assigned a caseload on `D` only when a qualifying date
//!   `Q <= D` exists (judged on the completions dated on or before `D`).

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{ComplianceStatus, Population, TrainingTopic};
use crate::reference::codes::CodeList;

/// Initial training is due no earlier than this date (Sec. 4, 5).
pub fn initial_deadline() -> NaiveDate {
    ymd(2027, 7, 1)
}

/// From this date a social worker trainee needs training before a caseload (Sec. 3(7)).
pub fn caseload_rule_start() -> NaiveDate {
    ymd(2027, 1, 1)
}

/// A status is `due_soon` when the due date is at most this many days ahead.
pub const DUE_SOON_DAYS: i64 = 60;

/// A qualifying set of completions must fall within this many days (inclusive).
pub const WINDOW_DAYS: u64 = 365;

/// The refresher interval, in calendar months (three years).
pub const REFRESH_MONTHS: u32 = 36;

/// Calendar months from the start date to the initial due date.
pub const INITIAL_MONTHS: u32 = 6;

const ALL_TOPICS: &[TrainingTopic] = &[
    TrainingTopic::LawsProtocols,
    TrainingTopic::IdentificationServices,
    TrainingTopic::DeescalationHarmReduction,
    TrainingTopic::TraumaDisclosures,
];

const LAW_ENFORCEMENT_TOPICS: &[TrainingTopic] =
    &[TrainingTopic::LawsProtocols, TrainingTopic::IdentificationServices];

/// One course (or module) completed on a date, covering these topics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Completion {
    pub date: NaiveDate,
    pub topics: Vec<TrainingTopic>,
}

/// What the rules need to know about a workforce member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub population: Population,
    /// The day the six-month clock starts (hire date; for a contracted
    /// provider's staff, the later of the contract and hire dates).
    pub start_date: NaiveDate,
    /// Role `social_worker_trainee` (the caseload rule applies).
    pub social_worker_trainee: bool,
}

/// A person's training compliance as of a date.
///
/// * `due`: the date the next training is due — `next_due` when a qualifying
///   date exists, else `initial_due`. `None` for `law_enforcement` and `other`,
///   which have no deadline.
/// * `initial_due`: the later of 2027-07-01 and `start_date` + 6 months; always
///   reported, for every population.
/// * `next_due`: last qualifying completion + 3 years; reported whenever a
///   qualifying date exists, including for `law_enforcement` (judged on its two
///   topics), for information only. Always `None` for `other`, which has no
///   required topics and so no qualifying date.
/// * `last_qualifying_completion`: the latest qualifying date on or before the
///   "as of" date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Compliance {
    pub status: ComplianceStatus,
    pub due: Option<NaiveDate>,
    pub initial_due: NaiveDate,
    pub next_due: Option<NaiveDate>,
    pub last_qualifying_completion: Option<NaiveDate>,
}

/// Whether a person may be assigned a caseload on a date, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseloadEligibility {
    pub eligible: bool,
    pub reason: String,
}

/// The topics a population must cover, in curriculum order.
pub fn required_topics(p: Population) -> &'static [TrainingTopic] {
    match p {
        Population::DcfEmployee | Population::DcfContractedProvider | Population::CssdEmployee => ALL_TOPICS,
        Population::LawEnforcement => LAW_ENFORCEMENT_TOPICS,
        Population::Other => &[],
    }
}

/// Whether the population has a training deadline (and so a real status).
pub fn has_deadline(p: Population) -> bool {
    matches!(
        p,
        Population::DcfEmployee | Population::DcfContractedProvider | Population::CssdEmployee
    )
}

/// The later of 2027-07-01 and `start_date` + 6 calendar months (clamped to
/// the month's last day).
pub fn initial_due(start_date: NaiveDate) -> NaiveDate {
    add_months(start_date, INITIAL_MONTHS).max(initial_deadline())
}

/// The latest qualifying date on or before `as_of` (see the module docs), or
/// `None` — always `None` for a population with no required topics.
pub fn latest_qualifying_date(p: Population, completions: &[Completion], as_of: NaiveDate) -> Option<NaiveDate> {
    latest_qualifying(required_topics(p), completions, as_of)
}

/// A person's compliance as of `as_of` (see the module docs for the rules).
pub fn compliance(person: &Person, completions: &[Completion], as_of: NaiveDate) -> Compliance {
    let initial_due = initial_due(person.start_date);
    let q = latest_qualifying_date(person.population, completions, as_of);
    let next_due = q.map(|q| add_months(q, REFRESH_MONTHS));
    if !has_deadline(person.population) {
        return Compliance {
            status: ComplianceStatus::NotRequired,
            due: None,
            initial_due,
            next_due,
            last_qualifying_completion: q,
        };
    }
    let due = next_due.unwrap_or(initial_due);
    let days_left = (due - as_of).num_days();
    let status = if days_left < 0 {
        ComplianceStatus::Overdue
    } else if days_left <= DUE_SOON_DAYS {
        ComplianceStatus::DueSoon
    } else if q.is_some() {
        ComplianceStatus::Compliant
    } else {
        ComplianceStatus::NotYetDue
    };
    Compliance {
        status,
        due: Some(due),
        initial_due,
        next_due,
        last_qualifying_completion: q,
    }
}

/// The rule's inputs, for counting statuses where the people are (the
/// statistics classify the workforce in SQL, as [`compliance`] does, rather
/// than load every person): the required (population, topic) pairs, the
/// populations with a deadline, and the constants above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInputs {
    pub required: Vec<(&'static str, &'static str)>,
    pub with_deadline: Vec<&'static str>,
    pub initial_deadline: NaiveDate,
    pub initial_months: u32,
    pub refresh_months: u32,
    /// Days before a qualifying date that its set of completions may start
    /// (`WINDOW_DAYS - 1`: the window includes both ends).
    pub window_back_days: u64,
    pub due_soon_days: i64,
}

pub fn rule_inputs() -> RuleInputs {
    RuleInputs {
        required: Population::ALL
            .iter()
            .flat_map(|p| required_topics(*p).iter().map(move |t| (p.code(), t.code())))
            .collect(),
        with_deadline: Population::ALL.iter().copied().filter(|p| has_deadline(*p)).map(CodeList::code).collect(),
        initial_deadline: initial_deadline(),
        initial_months: INITIAL_MONTHS,
        refresh_months: REFRESH_MONTHS,
        window_back_days: WINDOW_DAYS - 1,
        due_soon_days: DUE_SOON_DAYS,
    }
}

/// Whether `person` may be assigned a caseload on `on` (Sec. 3(7)).
///
/// Only social worker trainees are restricted. Before 2027-01-01 a trainee is
/// eligible with no training. From then on a trainee is eligible when a
/// qualifying date `Q <= on` exists, judged on the completions dated on or
/// before `on` against the trainee's population's required topics — except
/// that a trainee whose population has fewer than the four topics
/// (`law_enforcement`, `other`, which a DCF trainee should never be) is held to
/// the whole curriculum, since Sec. 3(7) requires the training itself.
/// Qualifying once is enough: the refresher deadline is the compliance
/// status's concern, not the caseload rule's.
pub fn caseload_eligibility(person: &Person, completions: &[Completion], on: NaiveDate) -> CaseloadEligibility {
    if !person.social_worker_trainee {
        return CaseloadEligibility {
            eligible: true,
            reason: "not a social worker trainee".to_owned(),
        };
    }
    if on < caseload_rule_start() {
        return CaseloadEligibility {
            eligible: true,
            reason: "before 2027-01-01 no training is required before a caseload".to_owned(),
        };
    }
    let required = caseload_topics(person.population);
    if let Some(q) = latest_qualifying(required, completions, on) {
        return CaseloadEligibility {
            eligible: true,
            reason: format!("training covering every required topic completed on {q}"),
        };
    }
    let covered = covered_in_window(completions, on);
    let missing: Vec<&str> = required
        .iter()
        .filter(|t| !covered.contains(t))
        .map(|t| t.code())
        .collect();
    CaseloadEligibility {
        eligible: false,
        reason: format!(
            "no training covering every required topic on or before {on}; not covered in the 365 days up to {on}: {}",
            missing.join(", ")
        ),
    }
}

fn caseload_topics(p: Population) -> &'static [TrainingTopic] {
    if has_deadline(p) {
        required_topics(p)
    } else {
        ALL_TOPICS
    }
}

fn latest_qualifying(required: &[TrainingTopic], completions: &[Completion], as_of: NaiveDate) -> Option<NaiveDate> {
    if required.is_empty() {
        return None;
    }
    let mut counted: Vec<&Completion> = completions.iter().filter(|c| c.date <= as_of).collect();
    counted.sort_by_key(|c| std::cmp::Reverse(c.date));
    counted
        .iter()
        // A candidate date is one on which a completion covers a required topic.
        .filter(|c| c.topics.iter().any(|t| required.contains(t)))
        .map(|c| c.date)
        .find(|&d| {
            let covered = covered_in_window(completions, d);
            required.iter().all(|t| covered.contains(t))
        })
}

/// Topics covered by completions dated `end - 364 ..= end`.
fn covered_in_window(completions: &[Completion], end: NaiveDate) -> Vec<TrainingTopic> {
    let start = end
        .checked_sub_days(Days::new(WINDOW_DAYS - 1))
        .unwrap_or(NaiveDate::MIN);
    let mut covered: Vec<TrainingTopic> = completions
        .iter()
        .filter(|c| c.date >= start && c.date <= end)
        .flat_map(|c| c.topics.iter().copied())
        .collect();
    covered.sort();
    covered.dedup();
    covered
}

/// `date` + `months` calendar months, clamping to the month's last day; the
/// latest representable date if that overflows.
fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Whether the person's latest qualifying training as of `as_of` came after
/// the deadline that was running when it was taken: the due date as it stood
/// the day before (initial training "not later than July 1, 2027, or six
/// months after", Sec. 4(b), 5(b); "a refresher every three years
/// thereafter"). The annual report shows such completions as late (Sec. 3:
/// the trainee must complete the training "prior to being assigned a case
/// load"). A population without a deadline is never late, nor is someone
/// with no qualifying training (they are `not_yet_due` or `overdue` instead).
pub fn completed_late(person: &Person, completions: &[Completion], as_of: NaiveDate) -> bool {
    if !has_deadline(person.population) {
        return false;
    }
    let Some(q) = latest_qualifying_date(person.population, completions, as_of) else {
        return false;
    };
    let Some(day_before) = q.pred_opt() else {
        return false;
    };
    compliance(person, completions, day_before).due.is_some_and(|due| q > due)
}
