use beacon_core::screening::{Answer, ScreeningResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// A screening as stored: what was answered and what it found, never the answers unless asked
/// for (`include=answers`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningView {
    pub id: Uuid,
    /// The instrument's id.
    pub instrument: String,
    pub version: u32,
    pub result: ScreeningResult,
    /// The instrument's rules that fired, in its order.
    pub fired: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// Item id → answer; only with `include=answers`, and audited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<BTreeMap<String, Answer>>,
    /// The recommended referrals, in order; only in the answer to a screening sent with `person`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pathway: Option<Vec<beacon_core::screening::pathway::Recommendation>>,
}

/// One instrument in the list: enough to choose it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstrumentSummary {
    pub id: String,
    pub version: u32,
    pub title: beacon_core::screening::Text,
    pub audience: beacon_core::screening::Audience,
    pub items: usize,
    /// Where the whole instrument is read.
    pub url: String,
}
