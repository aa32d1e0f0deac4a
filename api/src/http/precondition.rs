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

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn with(if_match: Option<&str>) -> Result<i32, ApiError> {
        let mut req = TestRequest::default();
        if let Some(v) = if_match {
            req = req.insert_header((header::IF_MATCH, v));
        }
        expected_version(&req.to_http_request())
    }

    #[test]
    fn if_match_names_a_version_strong_or_weak() {
        assert_eq!(with(Some("\"3\"")).ok(), Some(3));
        assert_eq!(with(Some("W/\"3\"")).ok(), Some(3));
        assert_eq!(with(Some(&etag(12))).ok(), Some(12));
    }

    #[test]
    fn a_missing_if_match_is_428_and_an_unusable_one_412() {
        assert!(matches!(with(None), Err(ApiError::PreconditionRequired)));
        assert!(matches!(with(Some("\"abc\"")), Err(ApiError::PreconditionFailed)));
        assert!(matches!(with(Some("*")), Err(ApiError::PreconditionFailed)));
        assert!(matches!(still_current(4, 3), Err(ApiError::PreconditionFailed)));
        assert!(still_current(3, 3).is_ok());
    }
}
