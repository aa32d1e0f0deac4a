//! The registers the annual report is built from: the coordinator's
//! activities and recommendations.
//!
//! Raised Bill 5476, Sec. 1(f): "Such report shall include, but need not be
//! limited to, the activities of the coordinator during the prior year, any
//! recommendations and any recommendations for legislation to implement the
//! coordinator's recommendations."
//!
//! As with the incident and intake contracts, a body that cannot be read into
//! the wire types yields its first structural error; one that can yields
//! every rule it breaks, sorted by path.

use crate::reference::codes::{code_list, Agency};
use crate::reference::dates::parse_iso_date;
use crate::contract::problem::Pointer;
use crate::contract::read::{check_unique, flatten, read_json_objects, rule};
use crate::{ErrorCode, ValidationError};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use validator::Validate;

code_list!(
    /// What kind of activity of the coordinator's a register entry records.
    ActivityKind, "activity_kind" {
        TrainingDelivered => "training_delivered", "Training delivered";
        Meeting => "meeting", "Meeting";
        Outreach => "outreach", "Outreach";
        Coordination => "coordination", "Coordination among agencies";
        Policy => "policy", "Policy work";
    }
);

code_list!(
    /// Sec. 1(f) asks for "any recommendations and any recommendations for
    /// legislation": administrative ones, and legislative ones.
    RecommendationKind, "recommendation_kind" {
        Administrative => "administrative", "Administrative";
        Legislative => "legislative", "Legislative";
    }
);

code_list!(
    RecommendationStatus, "recommendation_status" {
        Proposed => "proposed", "Proposed";
        Adopted => "adopted", "Adopted";
        InProgress => "in_progress", "In progress";
        Implemented => "implemented", "Implemented";
        Withdrawn => "withdrawn", "Withdrawn";
    }
);

code_list!(
    /// The committees the coordinator's report goes to. Sec. 1(f): "to the
    /// joint standing committees of the General Assembly having cognizance of
    /// matters relating to government oversight, the judiciary and
    /// appropriations and the budgets of state agencies" — three committees:
    /// Government Oversight, Judiciary, and Appropriations (whose cognizance
    /// is "appropriations and the budgets of state agencies"). Government
    /// Administration and Elections is not named by the bill.
    Committee, "committee" {
        GovernmentOversight => "government_oversight", "Government Oversight Committee";
        Judiciary => "judiciary", "Judiciary Committee";
        Appropriations => "appropriations", "Appropriations Committee";
    }
);

/// Body of an activity register entry, as sent.
#[derive(Debug, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Activity))]
#[serde(deny_unknown_fields)]
pub struct ActivityV1 {
    /// `YYYY-MM-DD`, not after today.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: String,
    pub kind: ActivityKind,
    /// The agencies involved: 1 or more distinct agency codes.
    #[validate(length(min = 1, max = 20, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20, value_type = std::collections::BTreeSet<Agency>))]
    pub agencies: Vec<Agency>,
    #[validate(length(min = 1, max = 2000, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub description: String,
}

/// Body of a recommendation register entry, as sent.
#[derive(Debug, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Recommendation))]
#[serde(deny_unknown_fields)]
pub struct RecommendationV1 {
    /// The year whose report carries it (the report on 2026 is due January 1, 2027): from 2026 to this year.
    #[cfg_attr(feature = "openapi", schema(minimum = 2026))]
    pub year: i32,
    pub kind: RecommendationKind,
    pub status: RecommendationStatus,
    #[validate(length(min = 1, max = 4000, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4000))]
    pub text: String,
    /// The finding the recommendation answers.
    #[validate(length(min = 1, max = 500, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub finding: Option<String>,
    /// Legislative recommendations only: the committee it is for.
    pub committee: Option<Committee>,
}

/// A validated activity. Built only by [`check_activity`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Activity {
    pub date: NaiveDate,
    pub kind: ActivityKind,
    pub agencies: Vec<Agency>,
    pub description: String,
}

/// A validated recommendation. Built only by [`check_recommendation`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Recommendation {
    pub year: i32,
    pub kind: RecommendationKind,
    pub status: RecommendationStatus,
    pub text: String,
    pub finding: Option<String>,
    pub committee: Option<Committee>,
}

impl Activity {
    /// An entry read back from the register: it was checked by
    /// [`check_activity`] on the way in, and is not judged again against a
    /// later "today". `None` when a stored code is not one of ours.
    pub fn stored(date: NaiveDate, kind: &str, agencies: &[String], description: String) -> Option<Self> {
        Some(Self {
            date,
            kind: stored_code(kind)?,
            agencies: agencies.iter().map(|a| stored_code(a)).collect::<Option<_>>()?,
            description,
        })
    }
}

impl Recommendation {
    /// An entry read back from the register, checked by
    /// [`check_recommendation`] on the way in. `None` when a stored code is
    /// not one of ours.
    pub fn stored(
        year: i32,
        kind: &str,
        status: &str,
        text: String,
        finding: Option<String>,
        committee: Option<&str>,
    ) -> Option<Self> {
        Some(Self {
            year,
            kind: stored_code(kind)?,
            status: stored_code(status)?,
            text,
            finding,
            committee: match committee {
                Some(c) => Some(stored_code(c)?),
                None => None,
            },
        })
    }
}

fn stored_code<T: crate::reference::codes::CodeList>(code: &str) -> Option<T> {
    T::ALL.iter().copied().find(|c| c.code() == code)
}

/// The verdict as the API, the wasm module and fixture vectors state it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verdict {
    pub ok: bool,
    pub errors: Vec<ValidationError>,
}

impl Verdict {
    fn of<T>(result: Result<T, Vec<ValidationError>>) -> Self {
        match result {
            Ok(_) => Self { ok: true, errors: Vec::new() },
            Err(errors) => Self { ok: false, errors },
        }
    }

    pub fn activity(body: &str, today: NaiveDate) -> Self {
        Self::of(check_activity(body, today))
    }

    pub fn recommendation(body: &str, today: NaiveDate) -> Self {
        Self::of(check_recommendation(body, today))
    }
}

fn done<T>(mut errors: Vec<ValidationError>, value: impl FnOnce() -> Option<T>) -> Result<T, Vec<ValidationError>> {
    if errors.is_empty() {
        if let Some(v) = value() {
            return Ok(v);
        }
    }
    errors.sort();
    errors.dedup();
    Err(errors)
}

/// Validates an activity register entry as of `today`.
pub fn check_activity(body: &str, today: NaiveDate) -> Result<Activity, Vec<ValidationError>> {
    let wire: ActivityV1 = read_json_objects(body, &[""]).map_err(|e| vec![e])?;
    let root = Pointer::root();
    let mut errors = Vec::new();
    if let Err(e) = wire.validate() {
        flatten(&e, &root, &mut errors);
    }
    // An activity is something that happened: the report covers "the
    // activities of the coordinator during the prior year" (Sec. 1(f)).
    let date = parse_iso_date(&wire.date);
    match date {
        None => errors.push(rule(root.key("date"), ErrorCode::Format)),
        Some(d) if d > today => errors.push(rule(root.key("date"), ErrorCode::FutureDate)),
        Some(_) => {}
    }
    check_unique(&wire.agencies, root.key("agencies"), &mut errors);
    done(errors, || {
        Some(Activity { date: date?, kind: wire.kind, agencies: wire.agencies, description: wire.description })
    })
}

/// The first year a report covers. Sec. 1 takes effect July 1, 2026, and the
/// first report is due "Not later than January 1, 2027" on "the activities of
/// the coordinator during the prior year": 2026.
pub const FIRST_REPORT_YEAR: i32 = 2026;

/// Validates a recommendation register entry as of `today`.
pub fn check_recommendation(body: &str, today: NaiveDate) -> Result<Recommendation, Vec<ValidationError>> {
    let wire: RecommendationV1 = read_json_objects(body, &[""]).map_err(|e| vec![e])?;
    let root = Pointer::root();
    let mut errors = Vec::new();
    if let Err(e) = wire.validate() {
        flatten(&e, &root, &mut errors);
    }
    // A recommendation belongs to a report being written: none before the
    // first report's year, and none for a year that has not begun.
    if !(FIRST_REPORT_YEAR..=today.year()).contains(&wire.year) {
        errors.push(ValidationError::new(
            root.key("year"),
            ErrorCode::Range,
            format!("Must be a report year from {FIRST_REPORT_YEAR} to {}.", today.year()),
        ));
    }
    // Only "recommendations for legislation" go to a committee of the
    // General Assembly; an administrative one is for the agencies.
    if wire.kind == RecommendationKind::Administrative && wire.committee.is_some() {
        errors.push(ValidationError::new(
            root.key("committee"),
            ErrorCode::NotAllowed,
            "Only a legislative recommendation names a committee.",
        ));
    }
    done(errors, || {
        Some(Recommendation {
            year: wire.year,
            kind: wire.kind,
            status: wire.status,
            text: wire.text,
            finding: wire.finding,
            committee: wire.committee,
        })
    })
}

/// A register entry changed by a JSON merge patch (RFC 7396): `patch`'s
/// members replace `current`'s, a `null` removes one. The result is checked
/// whole again (by [`check_activity`] or [`check_recommendation`]), so an
/// edit obeys every rule a new entry does and its errors name the same paths.
pub fn merge_patch(current: &impl Serialize, patch: &str) -> Result<String, Vec<ValidationError>> {
    let patch: serde_json::Map<String, serde_json::Value> = read_json_objects(patch, &[""]).map_err(|e| vec![e])?;
    let mut merged = match serde_json::to_value(current) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    for (key, value) in patch {
        if value.is_null() {
            merged.remove(&key);
        } else {
            merged.insert(key, value);
        }
    }
    // A stored optional member that is absent serialises as null: drop it,
    // as the wire form would not carry it.
    merged.retain(|_, v| !v.is_null());
    Ok(serde_json::Value::Object(merged).to_string())
}

/// The code lists of the report registers, for `GET /v1/codes`.
pub fn report_lists() -> Vec<(&'static str, Vec<crate::reference::codes::CodeEntry>)> {
    use crate::reference::codes::CodeList;
    vec![
        (ActivityKind::NAME, ActivityKind::entries()),
        (RecommendationKind::NAME, RecommendationKind::entries()),
        (RecommendationStatus::NAME, RecommendationStatus::entries()),
        (Committee::NAME, Committee::entries()),
    ]
}
