//! Plain-language messages for every error code, in one place so the server
//! and the browser say the same words. Messages never echo submitted values.

use crate::contract::problem::ErrorCode;

/// What a message may need to know about the rule that failed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The member name the error is about (last pointer segment).
    pub field: &'a str,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// True when the value is an array (lengths are counted in items).
    pub is_array: bool,
    /// Extra detail that is safe to show (an expected type, a date).
    pub detail: Option<&'a str>,
}

pub fn message(code: ErrorCode, ctx: Context<'_>) -> String {
    match code {
        ErrorCode::InvalidJson => "The request body is not valid JSON.".into(),
        ErrorCode::InvalidType => match ctx.detail {
            Some(expected) => format!("Has the wrong type: expected {expected}."),
            None => "Has the wrong type.".into(),
        },
        ErrorCode::Required => match ctx.field {
            // Intake: `contact` is missing, or has neither phone nor email,
            // while `safe_to_contact` is true. One message fits both.
            "contact" => "We need a phone number or an email address to reach the person safely."
                .into(),
            _ => "This is required.".into(),
        },
        ErrorCode::UnknownField => format!("`{}` is not a field of this contract.", ctx.field),
        ErrorCode::UnknownCode => match ctx.field {
            "town" => "Must be the name of a Connecticut town.".into(),
            _ => match ctx.detail {
                Some(expected) => format!("Is not an allowed code; expected {expected}."),
                None => "Is not an allowed code (see GET /v1/codes).".into(),
            },
        },
        ErrorCode::Length => length_message(ctx),
        ErrorCode::Range => format!(
            "Must be between {} and {}.",
            ctx.min.unwrap_or(0),
            ctx.max.unwrap_or(0)
        ),
        ErrorCode::Format => format_message(ctx.field).into(),
        ErrorCode::Duplicate => "Lists the same code more than once.".into(),
        ErrorCode::FutureDate => "Must not be after today.".into(),
        ErrorCode::DateOrder => match ctx.field {
            "reported_date" => "Must not be before incident_date.".into(),
            _ => "Must not be after incident_date.".into(),
        },
        ErrorCode::MinorRequiresDcfNotification => {
            "Must be true: a victim is under 18, so DCF must be notified.".into()
        }
        ErrorCode::AgeDobMismatch => {
            "Does not equal the full years from date_of_birth to incident_date.".into()
        }
        ErrorCode::AgeBandMismatch => "Does not hold the victim's age.".into(),
        ErrorCode::ContradictsSubmission => match ctx.field {
            "dcf_notified" => "Must stay true: DCF was notified of this submission.".into(),
            "age_band" => "Must keep the submission's age group; correct the age group on the submission instead.".into(),
            _ => "Must keep what the submission recorded.".into(),
        },
        ErrorCode::NotAllowed => match ctx.field {
            "contact" => "Must be left out when safe_to_contact is false: \
                          nobody will try to reach the person."
                .into(),
            _ => format!("`{}` is not allowed here.", ctx.field),
        },
    }
}

fn length_message(ctx: Context<'_>) -> String {
    let unit = if ctx.is_array { "items" } else { "characters" };
    match (ctx.min, ctx.max) {
        (Some(min), Some(max)) => format!("Must have between {min} and {max} {unit}."),
        (None, Some(max)) => format!("Must have at most {max} {unit}."),
        (Some(min), None) => format!("Must have at least {min} {unit}."),
        (None, None) => format!("Has the wrong number of {unit}."),
    }
}

/// The words of each format rule, shared by every contract that uses the rule.
pub const FORMAT_LANGUAGE: &str = "Must be a two-letter ISO 639-1 language code in lower case, such as \"es\".";
pub const FORMAT_PHONE: &str = "Must be a phone number starting with + and the country code, such as +18605550123.";
pub const FORMAT_EMAIL: &str = "Must be a valid email address.";

fn format_message(field: &str) -> &'static str {
    match field {
        "agency_case_ref" => "May only contain letters, digits, '.', '_', '/' and '-'.",
        "language" | "preferred_language" => FORMAT_LANGUAGE,
        "phone" => FORMAT_PHONE,
        "email" => FORMAT_EMAIL,
        _ => "Must be a real date written YYYY-MM-DD.",
    }
}
