//! Query parameters: whole numbers, flags, dates and paging, each parsed once here so every
//! list answers a bad parameter with the same 400 naming it (`/page`, `/active`, …).

use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use beacon_core::contract::text;
use beacon_core::{ErrorCode, ValidationError};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::{ready, Ready};
use utoipa::ToSchema;

/// The longest value any query parameter takes (a reason for a privileged read: 500 characters).
pub const MAX_VALUE_CHARS: usize = 500;

/// The query string, deserialised into `T`; a value of the wrong type (or a repeated or malformed
/// parameter) is a 400 whose `errors` names the parameter, where actix's own `web::Query` can
/// only say the query string is wrong.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> Query<T> {
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        // Every parameter, declared or not, passes the body's character rule: a NUL in a filter
        // would otherwise reach PostgreSQL (which refuses it) as a 500.
        if let Some((name, _)) = form_urlencoded::parse(query.as_bytes()).find(|(k, v)| text::has_control(k) || text::has_control(v)) {
            let path = if text::has_control(&name) { String::new() } else { format!("/{name}") };
            return Err(ApiError::BadQuery(vec![text::refused(path)]));
        }
        // One bound for every value, documented as `maxLength` on each free-text parameter: no
        // code, name, date or reason is longer, and a filter never needs to be.
        if let Some((name, _)) = form_urlencoded::parse(query.as_bytes()).find(|(_, v)| v.chars().count() > MAX_VALUE_CHARS) {
            return Err(ApiError::BadQuery(vec![ValidationError::new(
                format!("/{name}"),
                ErrorCode::Length,
                format!("Must have at most {MAX_VALUE_CHARS} characters."),
            )]));
        }
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map(Query).map_err(|e| {
            let name = e.path().to_string();
            let path = if name == "." { String::new() } else { format!("/{name}") };
            ApiError::BadQuery(vec![ValidationError::new(path, ErrorCode::InvalidType, format!("Not a valid value: {}.", e.inner()))])
        })
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_reason_header(req).and_then(|query| Self::parse(&query)))
    }
}

/// The header that carries a privileged read's reason, so it stays out of the URL — and with it
/// out of proxy and browser logs, which record query strings but not request headers.
pub const REASON_HEADER: &str = "Beacon-Reason";

/// The query string, with the `Beacon-Reason` header's value as its `reason` parameter: every
/// route that reads a reason takes it from either place through this one path, and the value
/// meets the same rules (control characters, length) as a query value. The header is
/// percent-decoded as a query value is, so a client limited to ASCII headers can send any text.
/// Given twice — header and parameter — is refused rather than one silently winning.
fn with_reason_header(req: &HttpRequest) -> Result<std::borrow::Cow<'_, str>, ApiError> {
    let query = req.query_string();
    let Some(value) = req.headers().get(REASON_HEADER) else {
        return Ok(query.into());
    };
    let refused = |message: &str| ApiError::BadQuery(vec![ValidationError::new("/reason", ErrorCode::InvalidType, message)]);
    let decoded = std::str::from_utf8(value.as_bytes())
        .ok()
        .and_then(|raw| percent_encoding::percent_decode_str(raw).decode_utf8().ok())
        .ok_or_else(|| refused("The `Beacon-Reason` header must be UTF-8 text (percent-encoded or not)."))?;
    if form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "reason") {
        return Err(refused("Give the reason once: in the `Beacon-Reason` header or the `reason` parameter, not both."));
    }
    let pair: String = form_urlencoded::Serializer::new(String::new()).append_pair("reason", &decoded).finish();
    Ok(if query.is_empty() { pair.into() } else { format!("{query}&{pair}").into() })
}

/// No list is anywhere near this long; the bound keeps offsets far from overflow.
const MAX_PAGE: i64 = 1_000_000;

fn within(name: &str, value: Option<i64>, default: i64, max: i64, errors: &mut Vec<ValidationError>) -> i64 {
    match value {
        None => default,
        Some(n) if (1..=max).contains(&n) => n,
        Some(_) => {
            errors.push(ValidationError::new(format!("/{name}"), ErrorCode::Range, format!("Must be a whole number from 1 to {max}.")));
            default
        }
    }
}

/// Where a list starts and how long its page is, from `page` and `per_page`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    /// `page` from 1 (default 1) and `per_page` from 1 to `max` (default `default`); a bad value
    /// is an error naming its parameter, and the default stands in for it.
    pub fn parse(page: Option<i64>, per_page: Option<i64>, default: i64, max: i64, errors: &mut Vec<ValidationError>) -> Self {
        Paging { page: within("page", page, 1, MAX_PAGE, errors), per_page: within("per_page", per_page, default, max, errors) }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    pub fn total_pages(&self, total_items: i64) -> i64 {
        (total_items + self.per_page - 1) / self.per_page
    }
}

/// One page of a list, with where it sits in the whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// This page's number, from 1.
    pub page: i64,
    pub per_page: i64,
    /// Items in the whole list, across pages.
    pub total_items: i64,
    pub total_pages: i64,
}

impl<T> Page<T> {
    pub fn new(paging: Paging, total_items: i64, items: Vec<T>) -> Self {
        Page { items, page: paging.page, per_page: paging.per_page, total_items, total_pages: paging.total_pages(total_items) }
    }
}

/// `true` / `false` query flag.
pub fn flag(name: &str, value: Option<&str>, errors: &mut Vec<ValidationError>) -> Option<bool> {
    match value? {
        "true" => Some(true),
        "false" => Some(false),
        _ => {
            errors.push(ValidationError::new(format!("/{name}"), ErrorCode::InvalidType, "Must be `true` or `false`."));
            None
        }
    }
}

/// An optional id query parameter (a UUID).
pub fn uuid_param(name: &str, value: Option<&str>, errors: &mut Vec<ValidationError>) -> Option<uuid::Uuid> {
    let parsed = uuid::Uuid::parse_str(value?).ok();
    if parsed.is_none() {
        errors.push(ValidationError::new(format!("/{name}"), ErrorCode::Format, "Must be a UUID."));
    }
    parsed
}

/// An optional date query parameter (`YYYY-MM-DD`).
pub fn optional_date(name: &str, value: Option<&str>, errors: &mut Vec<ValidationError>) -> Option<NaiveDate> {
    beacon_core::fields::date(&format!("/{name}"), value?, errors)
}

/// A date query parameter, defaulting to `today`.
pub fn date_param(name: &str, value: Option<&str>, today: NaiveDate, errors: &mut Vec<ValidationError>) -> NaiveDate {
    match value {
        None => today,
        Some(v) => beacon_core::fields::date(&format!("/{name}"), v, errors).unwrap_or(today),
    }
}

// The values of the query parameters the server reads as words, for the OpenAPI document (each
// parameter names one with `#[param(value_type = …, inline)]`; `openapi_contract`'s probe sends a
// value outside each and expects the 400 the parser gives).

/// `format` where the alternative to JSON is CSV.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum JsonOrCsv {
    Json,
    Csv,
}

/// `format` of a report: JSON, its page, that page printed, its tables as CSV files.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ReportFormat {
    Json,
    Html,
    Pdf,
    Zip,
}

/// `format` of the directory's gap analysis: JSON, CSV or an SVG heat map.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum GapsFormat {
    Json,
    Csv,
    Svg,
}

/// `format` of the directory export: the import's CSV or HSDS services as JSON.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Hsds,
}

/// `include` on a sealed read: the only thing to include is the identity.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Include {
    Identity,
}

/// `include` on an intake read: the sealed contact details and notes.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum IntakeInclude {
    Contact,
}

/// `include` on a screening read: the sealed answers.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ScreeningInclude {
    Answers,
}
