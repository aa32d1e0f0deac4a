//! Validation errors: `{path, code, message}` with an RFC 6901 JSON Pointer path.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable, documented error codes. Clients translate on these, so they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidJson,
    InvalidType,
    Required,
    UnknownField,
    UnknownCode,
    Length,
    Range,
    Format,
    Duplicate,
    FutureDate,
    DateOrder,
    MinorRequiresDcfNotification,
    AgeDobMismatch,
    /// A victim's `age_band` does not hold their `age`.
    AgeBandMismatch,
    /// Converting an intake submission would drop what the submission
    /// recorded (a minor's age group, DCF's notification).
    ContradictsSubmission,
    /// A member that must be left out in this situation (e.g. `contact` while
    /// `safe_to_contact` is false).
    NotAllowed,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::InvalidJson,
        ErrorCode::InvalidType,
        ErrorCode::Required,
        ErrorCode::UnknownField,
        ErrorCode::UnknownCode,
        ErrorCode::Length,
        ErrorCode::Range,
        ErrorCode::Format,
        ErrorCode::Duplicate,
        ErrorCode::FutureDate,
        ErrorCode::DateOrder,
        ErrorCode::MinorRequiresDcfNotification,
        ErrorCode::AgeDobMismatch,
        ErrorCode::AgeBandMismatch,
        ErrorCode::ContradictsSubmission,
        ErrorCode::NotAllowed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidType => "invalid_type",
            ErrorCode::Required => "required",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::UnknownCode => "unknown_code",
            ErrorCode::Length => "length",
            ErrorCode::Range => "range",
            ErrorCode::Format => "format",
            ErrorCode::Duplicate => "duplicate",
            ErrorCode::FutureDate => "future_date",
            ErrorCode::DateOrder => "date_order",
            ErrorCode::MinorRequiresDcfNotification => "minor_requires_dcf_notification",
            ErrorCode::AgeDobMismatch => "age_dob_mismatch",
            ErrorCode::AgeBandMismatch => "age_band_mismatch",
            ErrorCode::ContradictsSubmission => "contradicts_submission",
            ErrorCode::NotAllowed => "not_allowed",
        }
    }

    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether this error means the body could not be read into the types at all.
    pub fn is_structural(self) -> bool {
        matches!(
            self,
            ErrorCode::InvalidJson
                | ErrorCode::InvalidType
                | ErrorCode::Required
                | ErrorCode::UnknownField
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule. Messages never contain the submitted value, so they are
/// safe to log and to show next to sealed fields.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationError {
    /// RFC 6901 JSON Pointer to the offending value ("" for the whole document).
    pub path: String,
    pub code: ErrorCode,
    /// Plain-language explanation in English.
    pub message: String,
}

impl ValidationError {
    pub fn new(path: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            code,
            message: message.into(),
        }
    }
}

/// Builds a JSON Pointer from segments, escaping `~` and `/` per RFC 6901.
#[derive(Debug, Clone, Default)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Self(String::new())
    }

    pub fn key(&self, key: &str) -> Self {
        let escaped = key.replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{}", self.0, escaped))
    }

    pub fn index(&self, i: usize) -> Self {
        Self(format!("{}/{}", self.0, i))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Pointer> for String {
    fn from(p: Pointer) -> String {
        p.0
    }
}
