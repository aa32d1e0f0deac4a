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
//!   never makes a qualifying date. Only `human_trafficking` courses count, and
//!   a qualifying date exists only once a set of `initial` or `either` courses
//!   has qualified ("the initial educational training program"); after that
//!   `refresher` courses count too ("the refresher training program").
//!   `Q` is the latest qualifying date.
//! * **Initial due date** ([`initial_due_of`]): the later of 2027-07-01 and
//!   `start_date` + 6 calendar months — for a contracted provider's staff,
//!   the provider's contract start + 6 months; a day that does not exist in
//!   the target month clamps to that month's last day (2028-08-31 + 6 months =
//!   2029-02-28).
//! * **"A refresher every three years thereafter"** is read as a *rolling*
//!   three years from the last qualifying completion: with a qualifying date
//!   `Q`, the person is next due on `Q` + 3 years (clamped the same way:
//!   2028-02-29 → 2031-02-28), whether `Q` was the initial training or a
//!   refresher, and whether it came early or late. Training again before the
//!   deadline therefore moves the deadline to three years after the new
//!   training; training late restarts the three years from the late date (the
//!   cycle does not stay anchored on the missed deadline). Without any `Q`, the
//!   person is due on `initial_due`. Every qualifying training is kept in the
//!   person's [`training_history`] with the deadline it met or missed and its
//!   days late, so a late training is never counted as a timely one.
//! * **Status** as of `A` for the populations with a deadline: `overdue` when `A`
//!   is after the due date; `due_soon` when the due date is 0 to 60 days after
//!   `A` (both ends included); otherwise `compliant` when a `Q` exists, or
//!   `not_yet_due` when none does. `law_enforcement` and `other` are always
//!   `not_required` (see [`Compliance`] for which dates they still report).
//! * **Caseload** ([`caseload_eligibility`]): a social worker trainee may be
//!   assigned a caseload on `D` only after a `family_violence` course dated on
//!   or before `D`, and from 2027-01-01 only when a qualifying date `Q <= D`
//!   also exists (judged on the completions dated on or before `D`).

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{ComplianceStatus, CourseKind, CourseSubject, Population, TrainingTopic};
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
    /// The course's subject; the human-trafficking duties count only
    /// `human_trafficking` courses, the caseload gate also `family_violence`.
    #[serde(default)]
    pub subject: CourseSubject,
    /// The course's kind: only `initial` and `either` meet the initial deadline.
    #[serde(default)]
    pub kind: CourseKind,
}

impl Completion {
    /// A human-trafficking course of either kind (every course before subjects and kinds).
    pub fn new(date: NaiveDate, topics: Vec<TrainingTopic>) -> Self {
        Self { date, topics, subject: CourseSubject::HumanTrafficking, kind: CourseKind::Either }
    }
}

/// What the rules need to know about a workforce member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub population: Population,
    /// The hire date, which starts the six-month clock — except for a
    /// contracted provider's staff with a `contract_start`, whose clock the
    /// provider's contract runs (see [`initial_due_of`]).
    pub start_date: NaiveDate,
    /// Role `social_worker_trainee` (the caseload rule applies).
    pub social_worker_trainee: bool,
    /// For a `dcf_contracted_provider`'s staff: the day their provider
    /// entered into its contract with the department, which starts their
    /// six months instead of the hire date (Sec. 4(b)).
    #[serde(default)]
    pub contract_start: Option<NaiveDate>,
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
/// * `next_due_basis`: whose date `next_due` is — `bill` (Sec. 4(b), 5(b)) or
///   `state_policy` for law enforcement, whose Sec. 10(b) sets no deadline
///   and no refresher: their "next due" is the state's setting, not the law.
/// * `trained`: a qualifying training exists (for law enforcement, what
///   Sec. 10(b)'s "shall … provide training" is reported as).
/// * `history`: every qualifying training in order, with the deadline it met
///   or missed and how many days late it came.
/// * `late_completions`: how many of `history` came after their deadline.
/// * `topics`: the four topics as the person's section words them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Compliance {
    pub status: ComplianceStatus,
    pub due: Option<NaiveDate>,
    pub initial_due: NaiveDate,
    pub next_due: Option<NaiveDate>,
    pub last_qualifying_completion: Option<NaiveDate>,
    pub next_due_basis: Option<DueBasis>,
    pub trained: bool,
    pub history: Vec<TrainingEvent>,
    pub late_completions: usize,
    /// The curriculum's four topics in the words of the section that binds
    /// the person's population, each marked whether it is required of them.
    pub topics: Vec<super::TopicLabel>,
}

/// Who sets a date: the bill, or the state's policy where the bill sets none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DueBasis {
    Bill,
    StatePolicy,
}

/// One qualifying training of a person's history and the deadline running
/// the day before it ("as it stood": the initial due date, or three years
/// after the training before). `deadline` is `None` for a population with
/// no deadline; `days_late` is 0 for a training on or before its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingEvent {
    pub completed_on: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub days_late: i64,
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

/// A person's initial due date. Sec. 4(b): "not later than six months after
/// beginning such employment or July 1, 2027, whichever is later, or in the
/// case of a provider, not later than six months after entering into a
/// contract with the department or July 1, 2027, whichever is later". Read as
/// written, a contracted provider's staff run on the provider's contract date,
/// not their own hire date; staff not linked to a provider on file fall back
/// to their hire date.
pub fn initial_due_of(person: &Person) -> NaiveDate {
    match (person.population, person.contract_start) {
        (Population::DcfContractedProvider, Some(contract)) => initial_due(contract),
        _ => initial_due(person.start_date),
    }
}

/// The latest qualifying date on or before `as_of` (see the module docs), or
/// `None` — always `None` for a population with no required topics.
///
/// Only human-trafficking courses count, and only once "the initial
/// educational training program" has been completed (Sec. 4(b), 5(b)): a
/// qualifying set of `initial` or `either` courses must exist on or before
/// `as_of`; from then on "the refresher training program" may be any kind.
pub fn latest_qualifying_date(p: Population, completions: &[Completion], as_of: NaiveDate) -> Option<NaiveDate> {
    let required = required_topics(p);
    let trafficking = trafficking_only(completions);
    let initial: Vec<Completion> = trafficking.iter().filter(|c| c.kind != CourseKind::Refresher).cloned().collect();
    latest_qualifying(required, &initial, as_of)?;
    latest_qualifying(required, &trafficking, as_of)
}

fn trafficking_only(completions: &[Completion]) -> Vec<Completion> {
    completions.iter().filter(|c| c.subject == CourseSubject::HumanTrafficking).cloned().collect()
}

/// Every qualifying date on or before `as_of`, oldest first, from the first
/// initial training on (see [`latest_qualifying_date`]).
fn qualifying_dates(p: Population, completions: &[Completion], as_of: NaiveDate) -> Vec<NaiveDate> {
    let required = required_topics(p);
    let trafficking = trafficking_only(completions);
    let mut dates: Vec<NaiveDate> =
        trafficking.iter().filter(|c| c.date <= as_of).map(|c| c.date).collect();
    dates.sort_unstable();
    dates.dedup();
    dates
        .into_iter()
        .filter(|d| !required.is_empty() && latest_qualifying_date(p, &trafficking, *d) == Some(*d))
        .collect()
}

/// A person's qualifying trainings on or before `as_of`, each with the
/// deadline running the day before it and the days it came after it. Under
/// the rolling reading the deadline after a training is that training + 3
/// years, whether it came early or late; a late training is still recorded
/// as late here, so "trained late" is never shown as "trained on time".
pub fn training_history(person: &Person, completions: &[Completion], as_of: NaiveDate) -> Vec<TrainingEvent> {
    let with_deadline = has_deadline(person.population);
    let mut deadline = initial_due_of(person);
    let mut events = Vec::new();
    for d in qualifying_dates(person.population, completions, as_of) {
        let days_late = if with_deadline { (d - deadline).num_days().max(0) } else { 0 };
        events.push(TrainingEvent { completed_on: d, deadline: with_deadline.then_some(deadline), days_late });
        deadline = add_months(d, REFRESH_MONTHS);
    }
    events
}

/// A person's compliance as of `as_of` (see the module docs for the rules).
pub fn compliance(person: &Person, completions: &[Completion], as_of: NaiveDate) -> Compliance {
    let initial_due = initial_due_of(person);
    let q = latest_qualifying_date(person.population, completions, as_of);
    let next_due = q.map(|q| add_months(q, REFRESH_MONTHS));
    let history = training_history(person, completions, as_of);
    let late_completions = history.iter().filter(|e| e.days_late > 0).count();
    if !has_deadline(person.population) {
        return Compliance {
            status: ComplianceStatus::NotRequired,
            due: None,
            initial_due,
            next_due,
            last_qualifying_completion: q,
            // Sec. 10(b) sets police no deadline and no refresher: a date shown is the state's.
            next_due_basis: next_due.map(|_| DueBasis::StatePolicy),
            trained: q.is_some(),
            history,
            late_completions,
            topics: super::topic_labels(person.population),
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
        next_due_basis: next_due.map(|_| DueBasis::Bill),
        trained: q.is_some(),
        history,
        late_completions,
        topics: super::topic_labels(person.population),
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
    /// The course kind that cannot be the initial training.
    pub refresher_kind: &'static str,
    /// The population whose initial due date runs from its provider's contract.
    pub contract_clock_population: &'static str,
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
        refresher_kind: CourseKind::Refresher.code(),
        contract_clock_population: Population::DcfContractedProvider.code(),
    }
}

/// Whether `person` may be assigned a caseload on `on` (Sec. 3(7)).
///
/// Section 17a-3(b)(7): the department shall "require each social worker
/// trainee to complete the training in the prevention, identification and
/// effects of family violence established pursuant to subdivision (6) of this
/// subsection and on and after January 1, 2027, the training on human
/// trafficking developed under section 4 of this act, prior to being assigned
/// a case load".
///
/// Only social worker trainees are restricted. At every date a trainee needs
/// a completed `family_violence` course dated on or before `on`. From
/// 2027-01-01 a trainee also needs a human-trafficking qualifying date
/// `Q <= on`, judged on the completions dated on or before `on` against the
/// trainee's population's required topics — except that a trainee whose
/// population has fewer than the four topics (`law_enforcement`, `other`,
/// which a DCF trainee should never be) is held to the whole curriculum,
/// since Sec. 3(7) requires the training itself. Qualifying once is enough:
/// the refresher deadline is the compliance status's concern, not the
/// caseload rule's.
pub fn caseload_eligibility(person: &Person, completions: &[Completion], on: NaiveDate) -> CaseloadEligibility {
    if !person.social_worker_trainee {
        return CaseloadEligibility {
            eligible: true,
            reason: "not a social worker trainee".to_owned(),
        };
    }
    let family_violence = completions
        .iter()
        .filter(|c| c.subject == CourseSubject::FamilyViolence && c.date <= on)
        .map(|c| c.date)
        .max();
    let mut missing = Vec::new();
    if family_violence.is_none() {
        missing.push(format!("no family violence training completed on or before {on}"));
    }
    let trafficking = if on < caseload_rule_start() {
        None
    } else {
        let required = caseload_topics(person.population);
        let ht = trafficking_only(completions);
        let initial: Vec<Completion> = ht.iter().filter(|c| c.kind != CourseKind::Refresher).cloned().collect();
        let q = latest_qualifying(required, &initial, on).and_then(|_| latest_qualifying(required, &ht, on));
        if q.is_none() {
            let covered = covered_in_window(&ht, on);
            let not_covered: Vec<&str> = required.iter().filter(|t| !covered.contains(t)).map(|t| t.code()).collect();
            missing.push(if not_covered.is_empty() {
                format!("no initial human trafficking training covering every required topic on or before {on}")
            } else {
                format!(
                    "no human trafficking training covering every required topic on or before {on}; not covered in the 365 days up to {on}: {}",
                    not_covered.join(", ")
                )
            });
        }
        q
    };
    if !missing.is_empty() {
        return CaseloadEligibility { eligible: false, reason: missing.join("; ") };
    }
    let fv = family_violence.map(|d| format!("family violence training completed on {d}")).unwrap_or_default();
    let reason = match trafficking {
        Some(q) => format!("{fv}; human trafficking training covering every required topic completed on {q}"),
        None => format!("{fv}; before 2027-01-01 the human trafficking training is not yet required"),
    };
    CaseloadEligibility { eligible: true, reason }
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

/// Whether any of the person's qualifying trainings as of `as_of` came after
/// the deadline that was running when it was taken (see [`training_history`]):
/// initial training "not later than July 1, 2027, or six months after"
/// (Sec. 4(b), 5(b)); "a refresher every three years thereafter". A late
/// training stays late after a later, timely refresher: the rolling reading
/// restarts the clock, it does not rewrite the record. A population without a
/// deadline is never late, nor is someone with no qualifying training (they
/// are `not_yet_due` or `overdue` instead).
pub fn completed_late(person: &Person, completions: &[Completion], as_of: NaiveDate) -> bool {
    has_deadline(person.population) && training_history(person, completions, as_of).iter().any(|e| e.days_late > 0)
}
