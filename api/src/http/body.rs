//! Reading request bodies: media type and size checked before any parsing, one reader for JSON
//! and CSV.

use crate::error::ApiError;
use actix_web::http::header;
use actix_web::{web, HttpRequest};
use beacon_core::{ErrorCode, ValidationError};
use futures_util::StreamExt;

/// Largest JSON body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Largest CSV body accepted (about 200,000 roster rows).
pub const MAX_CSV_BYTES: usize = 16 * 1024 * 1024;

/// The request's media type without parameters, lower-cased (`""` when absent).
pub fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The media type's `charset` is UTF-8 or absent: JSON is UTF-8 (RFC 8259 §8.1) and so is every CSV
/// Beacon reads, so another charset is refused rather than ignored (issue 12).
fn utf8_or_no_charset(req: &HttpRequest) -> bool {
    let value = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    value.split(';').skip(1).all(|parameter| match parameter.split_once('=') {
        Some((name, charset)) if name.trim().eq_ignore_ascii_case("charset") => {
            charset.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    })
}

/// The JSON media types an operation reads: `application/json`, and for PATCH a JSON merge patch
/// (RFC 7396), which is what PATCH bodies here are. Other `+json` types (`application/problem+json`,
/// `application/vnd.api+json`) say the body is something else, so they are refused (415), naming
/// these; `openapi::with_shared_responses` documents the same pair on every PATCH.
fn json_accepted(req: &HttpRequest) -> Result<(), ApiError> {
    let patch = req.method() == actix_web::http::Method::PATCH;
    let essence = media_type(req);
    let known = essence == "application/json" || (patch && essence == MERGE_PATCH);
    if known && utf8_or_no_charset(req) {
        Ok(())
    } else if patch {
        Err(ApiError::UnsupportedMediaType("`application/json` or `application/merge-patch+json`"))
    } else {
        Err(ApiError::UnsupportedMediaType("`application/json`"))
    }
}

/// A JSON merge patch's media type (RFC 7396).
pub const MERGE_PATCH: &str = "application/merge-patch+json";

/// Whether the request's `Content-Type` is `text/csv` (in UTF-8, or no charset named).
pub fn is_csv(req: &HttpRequest) -> bool {
    media_type(req) == "text/csv" && utf8_or_no_charset(req)
}

/// The body as UTF-8 text, at most `limit` bytes (the declared length is checked before
/// reading), or the 413; `not_text` is the error for a body that is not UTF-8.
async fn read_text(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
    not_text: fn() -> ApiError,
) -> Result<String, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| not_text())?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body.to_vec()).map_err(|_| not_text())
}

/// The JSON body as UTF-8 text, or the matching 415 / 413 / 400 error.
pub async fn json_text(req: &HttpRequest, payload: web::Payload) -> Result<String, ApiError> {
    json_accepted(req)?;
    read_text(req, payload, MAX_BODY_BYTES, invalid_json).await
}

/// The CSV body as text (a leading byte-order mark removed), or the 413 / 400.
/// A `text/csv` body (415 `NotCsv` for any other media type), as text without its BOM.
pub async fn csv_body(req: &HttpRequest, payload: web::Payload) -> Result<String, ApiError> {
    if !is_csv(req) {
        return Err(ApiError::NotCsv);
    }
    csv_text(req, payload).await
}

pub async fn csv_text(req: &HttpRequest, payload: web::Payload) -> Result<String, ApiError> {
    let text = read_text(req, payload, MAX_CSV_BYTES, not_utf8).await?;
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

fn invalid_json() -> ApiError {
    ApiError::InvalidJson(vec![ValidationError::new(
        "",
        ErrorCode::InvalidJson,
        "The request body is not valid UTF-8 JSON.",
    )])
}

fn not_utf8() -> ApiError {
    ApiError::BadQuery(vec![ValidationError::new("", ErrorCode::Format, "The CSV body is not UTF-8 text.")])
}

/// Splits a core verdict into the API's 400 (unreadable JSON) or 422.
pub fn rejected(errors: Vec<ValidationError>) -> ApiError {
    if errors.iter().any(|e| e.code == ErrorCode::InvalidJson) {
        ApiError::InvalidJson(errors)
    } else {
        ApiError::Invalid(errors)
    }
}


