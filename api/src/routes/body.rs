//! Reading request bodies: media type and size checked before any parsing.

use crate::error::ApiError;
use actix_web::http::header;
use actix_web::{web, HttpRequest};
use beacon_core::{ErrorCode, ValidationError};
use futures_util::StreamExt;

pub const MAX_BODY_BYTES: usize = 256 * 1024;

fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The body as UTF-8 text, or the matching 415 / 413 / 400 error.
pub async fn json_text(req: &HttpRequest, mut payload: web::Payload) -> Result<String, ApiError> {
    if !is_json(req) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(ApiError::PayloadTooLarge(MAX_BODY_BYTES));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| invalid_json())?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError::PayloadTooLarge(MAX_BODY_BYTES));
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body.to_vec()).map_err(|_| invalid_json())
}

fn invalid_json() -> ApiError {
    ApiError::InvalidJson(vec![ValidationError::new(
        "",
        ErrorCode::InvalidJson,
        "The request body is not valid UTF-8 JSON.",
    )])
}

/// Splits a core verdict into the API's 400 (unreadable JSON) or 422.
pub fn rejected(errors: Vec<ValidationError>) -> ApiError {
    if errors.iter().any(|e| e.code == ErrorCode::InvalidJson) {
        ApiError::InvalidJson(errors)
    } else {
        ApiError::Invalid(errors)
    }
}
