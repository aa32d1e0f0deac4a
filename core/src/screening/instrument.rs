//! A screening instrument: its items and the rules that score them.

use super::score::ScreeningResult;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use thiserror::Error;

/// Text in the two languages the intake form speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub es: String,
}

/// Who the instrument is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Adult,
    /// Under 18: a minor "needs no force, fraud or coercion", so the youth
    /// instrument's rules differ.
    Youth,
}

/// How an item is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// `yes`, `no` (or `declined`).
    YesNo,
    /// `yes`, `no`, `unsure` (or `declined`).
    YesNoUnsure,
    /// The screener's judgement: `no`, `possible`, `clear` (or `declined`).
    ConcernLevel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable within the instrument; answers are keyed by it.
    pub id: String,
    /// What the item asks about (recruitment, work, control, …).
    pub domain: String,
    pub kind: ItemKind,
    pub text: Text,
    pub help: Text,
}

/// Which answers a rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleCounts {
    /// `yes` and `clear`.
    Positive,
    /// Those, and `unsure` and `possible`.
    PositiveOrConcern,
}

/// "At least `at_least` of the items `of` answered as `counts` says" gives
/// `result`. "Any of a set" is `at_least: 1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub result: ScreeningResult,
    pub counts: RuleCounts,
    pub at_least: u32,
    pub of: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    /// A slug: lower-case letters, digits and `_`.
    pub id: String,
    /// From 1; a published version never changes.
    pub version: u32,
    pub title: Text,
    pub audience: Audience,
    pub items: Vec<Item>,
    pub rules: Vec<Rule>,
}

/// Why an instrument cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InstrumentError {
    #[error("`{0}` is not a slug (lower-case letters, digits and `_`, 1 to 64)")]
    Slug(String),
    #[error("the version must be 1 or more")]
    Version,
    #[error("an instrument needs at least one item and one rule")]
    Empty,
    #[error("item `{0}` appears twice")]
    DuplicateItem(String),
    #[error("rule `{0}` appears twice")]
    DuplicateRule(String),
    #[error("rule `{rule}` names `{item}`, which is not an item")]
    UnknownItem { rule: String, item: String },
    #[error("rule `{0}` must count from 1 to the number of items it names")]
    Threshold(String),
    #[error("rule `{0}` gives `negative`: a rule can only raise the result")]
    NegativeRule(String),
    #[error("a text or help of item `{0}` is empty")]
    EmptyText(String),
}

fn is_slug(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Instrument {
    /// Every rule an instrument must keep to be published: slugs, unique
    /// items and rules, rules naming only its items with a threshold each
    /// can reach, and texts in both languages.
    pub fn check(&self) -> Result<(), InstrumentError> {
        if !is_slug(&self.id) {
            return Err(InstrumentError::Slug(self.id.clone()));
        }
        if self.version == 0 {
            return Err(InstrumentError::Version);
        }
        if self.items.is_empty() || self.rules.is_empty() {
            return Err(InstrumentError::Empty);
        }
        for (i, item) in self.items.iter().enumerate() {
            if !is_slug(&item.id) {
                return Err(InstrumentError::Slug(item.id.clone()));
            }
            if self.items[..i].iter().any(|x| x.id == item.id) {
                return Err(InstrumentError::DuplicateItem(item.id.clone()));
            }
            let texts = [&item.text.en, &item.text.es, &item.help.en, &item.help.es];
            if texts.iter().any(|t| t.trim().is_empty()) {
                return Err(InstrumentError::EmptyText(item.id.clone()));
            }
        }
        for (i, rule) in self.rules.iter().enumerate() {
            if !is_slug(&rule.id) {
                return Err(InstrumentError::Slug(rule.id.clone()));
            }
            if self.rules[..i].iter().any(|x| x.id == rule.id) {
                return Err(InstrumentError::DuplicateRule(rule.id.clone()));
            }
            if rule.result == ScreeningResult::Negative {
                return Err(InstrumentError::NegativeRule(rule.id.clone()));
            }
            if let Some(item) = rule.of.iter().find(|id| self.item(id).is_none()) {
                return Err(InstrumentError::UnknownItem { rule: rule.id.clone(), item: item.clone() });
            }
            let named = rule.of.iter().enumerate().filter(|(j, id)| !rule.of[..*j].contains(id)).count();
            if rule.at_least == 0 || usize::try_from(rule.at_least).map_or(true, |k| k > named) {
                return Err(InstrumentError::Threshold(rule.id.clone()));
            }
        }
        Ok(())
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
}

const SHIPPED_SOURCES: [&str; 2] =
    [include_str!("../../data/screening/adult_indicators-1.json"), include_str!("../../data/screening/youth-1.json")];

/// The instruments Beacon ships, in our own words (no licensed tool's text),
/// each checked; a test proves every one parses and passes [`Instrument::check`],
/// so an instrument that does not is left out here rather than panicking.
pub fn shipped() -> &'static [Instrument] {
    static SHIPPED: OnceLock<Vec<Instrument>> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        SHIPPED_SOURCES
            .iter()
            .filter_map(|s| serde_json::from_str::<Instrument>(s).ok())
            .filter(|i| i.check().is_ok())
            .collect()
    })
}

/// The shipped instrument `id` at `version`.
pub fn find(id: &str, version: u32) -> Option<&'static Instrument> {
    shipped().iter().find(|i| i.id == id && i.version == version)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_shipped_instrument_parses_and_can_be_published() {
        for source in SHIPPED_SOURCES {
            let instrument: Instrument = serde_json::from_str(source).unwrap();
            assert_eq!(instrument.check(), Ok(()), "{}", instrument.id);
        }
        assert_eq!(shipped().len(), SHIPPED_SOURCES.len());
        let youth = find("youth", 1).unwrap();
        assert_eq!(youth.audience, Audience::Youth);
        assert!(find("adult_indicators", 1).is_some_and(|i| i.items.len() == 8));
        assert!(find("youth", 2).is_none());
    }

    #[test]
    fn a_broken_instrument_cannot_be_published() {
        let base: Instrument = serde_json::from_str(SHIPPED_SOURCES[1]).unwrap();
        let broken = |f: &dyn Fn(&mut Instrument)| {
            let mut i = base.clone();
            f(&mut i);
            i.check().unwrap_err()
        };
        assert_eq!(broken(&|i| i.id = "Youth Screen".into()), InstrumentError::Slug("Youth Screen".into()));
        assert_eq!(broken(&|i| i.version = 0), InstrumentError::Version);
        assert_eq!(broken(&|i| i.rules.clear()), InstrumentError::Empty);
        assert_eq!(broken(&|i| i.items.push(i.items[0].clone())), InstrumentError::DuplicateItem("exchanged_sex".into()));
        assert_eq!(broken(&|i| i.rules.push(i.rules[0].clone())), InstrumentError::DuplicateRule("exchanged_sex_as_a_minor".into()));
        assert_eq!(
            broken(&|i| i.rules[0].of.push("nope".into())),
            InstrumentError::UnknownItem { rule: "exchanged_sex_as_a_minor".into(), item: "nope".into() }
        );
        assert_eq!(broken(&|i| i.rules[0].at_least = 2), InstrumentError::Threshold("exchanged_sex_as_a_minor".into()));
        assert_eq!(broken(&|i| i.rules[0].at_least = 0), InstrumentError::Threshold("exchanged_sex_as_a_minor".into()));
        assert_eq!(broken(&|i| i.rules[0].result = ScreeningResult::Negative), InstrumentError::NegativeRule("exchanged_sex_as_a_minor".into()));
        assert_eq!(broken(&|i| i.items[2].help.es = " ".into()), InstrumentError::EmptyText("no_safe_place".into()));
    }
}
