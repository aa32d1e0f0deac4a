//! Scoring a response to an instrument, and the contract of a response.

use super::instrument::{find, shipped, Instrument, ItemKind, RuleCounts};
use super::pathway::{AgeKnown, PathwayInput};
use crate::reference::codes::{AgeGroup, Service};
use crate::reference::formats::is_language;
use crate::reference::geo::find_town;
use crate::contract::problem::{ErrorCode, Pointer, ValidationError};
use crate::contract::read::read_json_objects;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a screening found, in increasing order: a rule can only raise it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScreeningResult {
    Negative,
    Possible,
    Positive,
}

impl ScreeningResult {
    pub fn code(self) -> &'static str {
        match self {
            ScreeningResult::Negative => "negative",
            ScreeningResult::Possible => "possible",
            ScreeningResult::Positive => "positive",
        }
    }
}

/// One answer. Every item may be `declined`: a person is never pressed to
/// answer, and a declined item counts as no indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Unsure,
    Possible,
    Clear,
    Declined,
}

impl Answer {
    pub const ALL: [Answer; 6] = [Answer::Yes, Answer::No, Answer::Unsure, Answer::Possible, Answer::Clear, Answer::Declined];

    pub fn code(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Unsure => "unsure",
            Answer::Possible => "possible",
            Answer::Clear => "clear",
            Answer::Declined => "declined",
        }
    }

    fn parse(code: &str) -> Option<Answer> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The answers an item of `kind` takes.
    pub fn allowed(kind: ItemKind) -> &'static [Answer] {
        match kind {
            ItemKind::YesNo => &[Answer::Yes, Answer::No, Answer::Declined],
            ItemKind::YesNoUnsure => &[Answer::Yes, Answer::No, Answer::Unsure, Answer::Declined],
            ItemKind::ConcernLevel => &[Answer::No, Answer::Possible, Answer::Clear, Answer::Declined],
        }
    }

    /// 2: an indicator (`yes`, `clear`); 1: a concern (`unsure`,
    /// `possible`); 0: none (`no`, `declined`). Rules count levels, so raising
    /// an answer's level never lowers a result.
    pub fn level(self) -> u8 {
        match self {
            Answer::Yes | Answer::Clear => 2,
            Answer::Unsure | Answer::Possible => 1,
            Answer::No | Answer::Declined => 0,
        }
    }
}

/// An instrument's score: the highest result of the rules that fired
/// (`negative` when none did), and which fired, in the instrument's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scored {
    pub result: ScreeningResult,
    pub fired: Vec<String>,
}

/// Scores `answers` (item id → answer) by `instrument`'s rules. An item not
/// answered counts as no indicator; [`check_screening`] requires every item.
pub fn score(instrument: &Instrument, answers: &BTreeMap<String, Answer>) -> Scored {
    let mut result = ScreeningResult::Negative;
    let mut fired = Vec::new();
    for r in &instrument.rules {
        let floor = match r.counts {
            RuleCounts::Positive => 2,
            RuleCounts::PositiveOrConcern => 1,
        };
        let mut named: Vec<&String> = r.of.iter().collect();
        named.sort_unstable();
        named.dedup();
        let counted = named.iter().filter(|id| answers.get(id.as_str()).is_some_and(|a| a.level() >= floor)).count();
        if u32::try_from(counted).unwrap_or(u32::MAX) >= r.at_least {
            fired.push(r.id.clone());
            result = result.max(r.result);
        }
    }
    Scored { result, fired }
}

/// A checked response: the instrument it answers, every item's answer, and
/// the score. Only these codes are stored (no free text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screening {
    pub instrument: &'static Instrument,
    pub answers: BTreeMap<String, Answer>,
    pub scored: Scored,
    /// What was said of the person, for the pathway; `None` when nothing was.
    pub person: Option<Person>,
}

/// What the verdict derives: the instrument, the result and the rules that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningDerived {
    pub instrument: String,
    pub version: u32,
    pub result: ScreeningResult,
    pub fired: Vec<String>,
}

/// The verdict as the API, the wasm module and the fixture vectors state it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningVerdict {
    pub ok: bool,
    pub errors: Vec<ValidationError>,
    pub derived: Option<ScreeningDerived>,
}

impl ScreeningVerdict {
    pub fn of(body: &str) -> Self {
        match check_screening(body) {
            Ok(s) => Self::scored(s.instrument, s.scored),
            Err(errors) => Self::refused(errors),
        }
    }

    fn scored(instrument: &Instrument, scored: Scored) -> Self {
        Self {
            ok: true,
            errors: Vec::new(),
            derived: Some(ScreeningDerived {
                instrument: instrument.id.clone(),
                version: instrument.version,
                result: scored.result,
                fired: scored.fired,
            }),
        }
    }

    fn refused(errors: Vec<ValidationError>) -> Self {
        Self { ok: false, errors, derived: None }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponseWire {
    instrument: String,
    version: u32,
    answers: BTreeMap<String, serde_json::Value>,
    person: Option<PersonWire>,
}

/// What the pathway needs to know of the person screened, all optional but consent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonWire {
    pub age: Option<i64>,
    pub age_group: Option<AgeGroup>,
    pub town: Option<String>,
    #[serde(default)]
    pub needs: Vec<Service>,
    /// ISO 639-1.
    pub language: Option<String>,
    pub consent_to_share: bool,
}

/// The person as checked: the town canonical, the age as known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub age: AgeKnown,
    pub town: Option<&'static str>,
    pub needs: Vec<Service>,
    pub language: Option<String>,
    pub consent_to_share: bool,
}

impl Person {
    pub fn pathway_input(&self, result: ScreeningResult) -> PathwayInput<'_> {
        PathwayInput {
            result,
            age: self.age,
            town: self.town,
            needs: &self.needs,
            language: self.language.as_deref(),
            consent: self.consent_to_share,
        }
    }
}

fn check_person(wire: &PersonWire, errors: &mut Vec<ValidationError>) -> Option<Person> {
    let at = Pointer::root().key("person");
    let before = errors.len();
    if let Some(age) = wire.age {
        if !(0..=120).contains(&age) {
            errors.push(ValidationError::new(at.key("age"), ErrorCode::Range, "Must be a whole number of years from 0 to 120."));
        } else if wire.age_group.is_some_and(|g| !g.contains(age)) {
            errors.push(ValidationError::new(at.key("age_group"), ErrorCode::AgeBandMismatch, "Does not hold the age given."));
        }
    }
    let town = match wire.town.as_deref() {
        None => None,
        Some(t) => match find_town(t) {
            Some(found) => Some(found.town),
            None => {
                errors.push(ValidationError::new(at.key("town"), ErrorCode::UnknownCode, "Must be the name of a Connecticut town."));
                None
            }
        },
    };
    if wire.needs.iter().enumerate().any(|(i, n)| wire.needs[..i].contains(n)) {
        errors.push(ValidationError::new(at.key("needs"), ErrorCode::Duplicate, "Lists a need twice."));
    }
    if wire.language.as_deref().is_some_and(|l| !is_language(l)) {
        errors.push(ValidationError::new(at.key("language"), ErrorCode::Format, "Must be a two-letter ISO 639-1 code such as `es`."));
    }
    if errors.len() > before {
        return None;
    }
    let age = match (wire.age.and_then(|a| u8::try_from(a).ok()), wire.age_group) {
        (Some(years), _) => AgeKnown::Years(years),
        (None, Some(group)) if group != AgeGroup::Unknown => AgeKnown::Group(group),
        _ => AgeKnown::Unknown,
    };
    Some(Person { age, town, needs: wire.needs.clone(), language: wire.language.clone(), consent_to_share: wire.consent_to_share })
}

/// Checks `answers` (item id → answer as sent) against `instrument`: an answer
/// for each item and no other, each one its item's kind allows. Errors are at
/// `/answers/<item>`, sorted by path.
pub fn check_answers(instrument: &Instrument, sent: &BTreeMap<String, serde_json::Value>) -> Result<BTreeMap<String, Answer>, Vec<ValidationError>> {
    let at = Pointer::root().key("answers");
    let mut errors = Vec::new();
    let mut answers = BTreeMap::new();
    for (id, value) in sent {
        let Some(item) = instrument.item(id) else {
            errors.push(ValidationError::new(at.key(id), ErrorCode::UnknownField, UNKNOWN_ITEM));
            continue;
        };
        let allowed = Answer::allowed(item.kind);
        let Some(text) = value.as_str() else {
            errors.push(ValidationError::new(at.key(id), ErrorCode::InvalidType, "Has the wrong type: expected a string."));
            continue;
        };
        match Answer::parse(text).filter(|a| allowed.contains(a)) {
            Some(answer) => {
                answers.insert(id.clone(), answer);
            }
            None => {
                let codes: Vec<&str> = allowed.iter().map(|a| a.code()).collect();
                let message = format!("Is not an allowed answer; expected one of {}.", codes.join(", "));
                errors.push(ValidationError::new(at.key(id), ErrorCode::UnknownCode, message));
            }
        }
    }
    for item in &instrument.items {
        if !sent.contains_key(&item.id) {
            errors.push(ValidationError::new(at.key(&item.id), ErrorCode::Required, UNANSWERED));
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(errors);
    }
    Ok(answers)
}

/// Scores `answers_json` (the answers object) by `instrument_json` (an
/// instrument as `GET /v1/screening-instruments/{id}/{version}` gives it):
/// what the intake form runs offline. The instrument must pass
/// [`Instrument::check`]; a broken one is reported at `/instrument`.
pub fn screen_offline(instrument_json: &str, answers_json: &str) -> ScreeningVerdict {
    let instrument: Instrument = match serde_json::from_str(instrument_json) {
        Ok(i) => i,
        Err(_) => return ScreeningVerdict::refused(vec![ValidationError::new("/instrument", ErrorCode::InvalidType, BROKEN_INSTRUMENT)]),
    };
    if instrument.check().is_err() {
        return ScreeningVerdict::refused(vec![ValidationError::new("/instrument", ErrorCode::Format, BROKEN_INSTRUMENT)]);
    }
    let sent: BTreeMap<String, serde_json::Value> =
        match read_json_objects(&format!("{{\"answers\":{answers_json}}}"), &["", "/answers"]) {
            Ok(AnswersWire { answers }) => answers,
            Err(e) => return ScreeningVerdict::refused(vec![e]),
        };
    match check_answers(&instrument, &sent) {
        Ok(answers) => {
            let scored = score(&instrument, &answers);
            ScreeningVerdict::scored(&instrument, scored)
        }
        Err(errors) => ScreeningVerdict::refused(errors),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswersWire {
    answers: BTreeMap<String, serde_json::Value>,
}

const BROKEN_INSTRUMENT: &str = "Is not a publishable screening instrument.";

const UNKNOWN_INSTRUMENT: &str = "Is not a published screening instrument (see GET /v1/screening-instruments).";
const UNKNOWN_VERSION: &str = "Is not a published version of this instrument (see GET /v1/screening-instruments).";
const UNKNOWN_ITEM: &str = "Is not an item of this instrument.";
const UNANSWERED: &str = "Every item needs an answer; `declined` is always one.";

/// Checks a `POST /v1/screenings` body (the same object the intake form
/// carries as `screening`): a published instrument and version, an answer
/// for each of its items and no other, each one its item's kind allows.
/// Every broken rule is reported, each at its JSON Pointer.
pub fn check_screening(body: &str) -> Result<Screening, Vec<ValidationError>> {
    let wire: ResponseWire = read_json_objects(body, &["", "/answers"]).map_err(|e| vec![e])?;
    let Some(instrument) = find(&wire.instrument, wire.version) else {
        let known = shipped().iter().any(|i| i.id == wire.instrument);
        let error = if known {
            ValidationError::new("/version", ErrorCode::UnknownCode, UNKNOWN_VERSION)
        } else {
            ValidationError::new("/instrument", ErrorCode::UnknownCode, UNKNOWN_INSTRUMENT)
        };
        return Err(vec![error]);
    };
    let answers = check_answers(instrument, &wire.answers);
    let mut errors = Vec::new();
    let person = wire.person.as_ref().and_then(|p| check_person(p, &mut errors));
    match answers {
        Ok(answers) if errors.is_empty() => {
            let scored = score(instrument, &answers);
            Ok(Screening { instrument, answers, scored, person })
        }
        Ok(_) => {
            errors.sort_by(|a, b| a.path.cmp(&b.path));
            Err(errors)
        }
        Err(mut first) => {
            first.extend(errors);
            first.sort_by(|a, b| a.path.cmp(&b.path));
            Err(first)
        }
    }
}
