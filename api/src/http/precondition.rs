//! Optimistic concurrency for the directory's writes: a record's `ETag` is its version, and a
//! change must name it in `If-Match`. A stale or unusable `If-Match` is a 412 and changes
//! nothing; a missing one is a 428. Services and organizations share this one flow.

use crate::error::ApiError;
use actix_web::http::header;
use actix_web::HttpRequest;

/// The ETag of a record at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The version `If-Match` names: 428 without one, 412 when it names no version a record can
/// have (so it is always stale).
pub fn expected_version(req: &HttpRequest) -> Result<i32, ApiError> {
    let value = req.headers().get(header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i32>().ok())
        .ok_or(ApiError::PreconditionFailed)
}

/// 412 unless the record is still at the version the client read.
pub fn still_current(current: i32, expected: i32) -> Result<(), ApiError> {
    if current == expected {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed)
    }
}
