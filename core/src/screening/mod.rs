//! Standardized screening: instruments as versioned data, scored here.
//!
//! Sec. 8(b)(4) gives the task force the duty of "Designing and implementing standardized,
//! trauma-informed screening questions and referral pathways to ensure consistent identification
//! of and response to victims of human trafficking across systems". Consistent identification
//! means one instrument scored one way wherever it is used: so an instrument is data (its items
//! and its scoring rules), never code, and is immutable once published — a change is a new
//! version. The server, the wasm module (a partner's form screens offline) and the fixture
//! vectors all score through [`check_screening`].
//!
//! Trauma-informed: every item may be declined (`declined` counts as no answer, never against
//! the person), answers are short codes (no free text is taken), and the result says which rule
//! fired, so a screener can explain it.

pub mod access;
pub mod pathway;
mod instrument;
mod score;

pub use instrument::{find, shipped, Audience, Instrument, InstrumentError, Item, ItemKind, Rule, RuleCounts, Text};
pub use score::{check_answers, Person, PersonWire, check_screening, score, screen_offline, Answer, Scored, Screening, ScreeningDerived, ScreeningResult, ScreeningVerdict};
