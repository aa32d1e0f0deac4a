//! One error type for the API, rendered as RFC 9457 problem+json.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use beacon_core::ValidationError;
use serde::Serialize;
use thiserror::Error;
use utoipa::ToSchema;

#[derive(Debug, Error)]
pub enum ApiError {
    #[error("the request body is not valid JSON")]
    InvalidJson(Vec<ValidationError>),
    #[error("the request breaks the contract")]
    Invalid(Vec<ValidationError>),
    #[error("a valid API key is required")]
    Unauthenticated,
    #[error("this key's role may not use this operation")]
    Forbidden,
    /// A valid request this key may not make: the field that makes it someone else's is named.
    #[error("this key may not do this for the value given")]
    NotYours(Vec<ValidationError>),
    #[error("not found")]
    NotFound,
    /// A known path asked with a method it does not serve; `Allow` lists those it does.
    #[error("this path does not answer this method; see the Allow header for those it does")]
    MethodNotAllowed(Vec<String>),
    /// What the operation reads, in words (`application/json`, or for PATCH a merge patch too).
    #[error("the body must be {0}, in UTF-8")]
    UnsupportedMediaType(&'static str),
    #[error("the body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("bad query parameter")]
    BadQuery(Vec<ValidationError>),
    #[error("the Idempotency-Key header is required (1 to 255 visible characters)")]
    IdempotencyKeyRequired,
    #[error("this Idempotency-Key was already used with a different body")]
    IdempotencyKeyReused,
    #[error("this key may not be used from this origin")]
    OriginNotAllowed,
    #[error("{}", .0.detail())]
    Conflict(Conflict),
    /// A move its record's lifecycle does not allow from where it stands (409); `allowed` lists
    /// the statuses it may move to (empty when it can no longer move).
    #[error("a record that is `{from}` cannot move to `{to}`; it may move to: {}", if allowed.is_empty() { "nothing (it is final)".to_string() } else { allowed.join(", ") })]
    IllegalTransition { from: String, to: String, allowed: Vec<String> },
    #[error("cross-origin requests are not allowed")]
    CrossOriginForbidden,
    /// A rate limit refused the request; `Retry-After` says when to try again.
    #[error("{detail}")]
    RateLimited { detail: &'static str, retry_after_secs: u64 },
    #[error("the database is unavailable")]
    Unavailable,
    /// Every database connection stayed busy for the pool's wait
    /// (`BEACON_DB_POOL_WAIT_MS`), or a statement ran into `lock_timeout` or
    /// `statement_timeout`: 503 `busy` with `Retry-After`, never a hang.
    #[error("the server is busy: no database connection came free in time; try again after Retry-After seconds")]
    Busy,
    /// A PDF was asked for and no browser is installed to print it.
    #[error("this server cannot print PDF: {}; the report is also served as HTML (format=html)", crate::pdf::INSTALL_HINT)]
    PdfUnavailable,
    /// `If-Match` does not name the record's current ETag.
    #[error("the record changed since you read it: If-Match does not name its current ETag; read it again and reapply your change")]
    PreconditionFailed,
    /// A write that needs `If-Match` came without it.
    #[error("send If-Match with the record's ETag (from its last response) so that a concurrent change is not overwritten")]
    PreconditionRequired,
    /// Our bug or an unexpected failure; details go to the log, never to the client.
    #[error("internal error: {0}")]
    Internal(String),
    /// An import's body is not `text/csv`.
    #[error("the body must be text/csv")]
    NotCsv,
    /// An import's rows break the rules (422, every row error); nothing was written.
    #[error("some rows break the rules; nothing was written")]
    RejectedRows(Vec<crate::import::RowError>),
    /// xAPI statements Beacon cannot use (400, as an LRS answers).
    #[error("the statements break the xAPI subset Beacon accepts; nothing was stored")]
    InvalidStatements(Vec<ValidationError>),
    #[error("the X-Experience-API-Version header must name version 1.0.x")]
    XapiVersionRequired,
}

impl From<crate::pdf::PdfError> for ApiError {
    fn from(e: crate::pdf::PdfError) -> Self {
        match e {
            crate::pdf::PdfError::NoBrowser => ApiError::PdfUnavailable,
            other => ApiError::internal(other),
        }
    }
}

impl ApiError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidJson(_) => "invalid_json",
            ApiError::Invalid(_) => "validation_failed",
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::Forbidden | ApiError::NotYours(_) => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::BadQuery(_) => "invalid_query",
            ApiError::IdempotencyKeyRequired => "idempotency_key_required",
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::OriginNotAllowed => "origin_not_allowed",
            ApiError::Conflict(conflict) => conflict.code(),
            ApiError::IllegalTransition { .. } => "illegal_transition",
            ApiError::CrossOriginForbidden => "cross_origin_forbidden",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Unavailable => "unavailable",
            ApiError::Busy => "busy",
            ApiError::PdfUnavailable => "pdf_unavailable",
            ApiError::PreconditionFailed => "precondition_failed",
            ApiError::PreconditionRequired => "precondition_required",
            ApiError::Internal(_) => "internal",
            ApiError::NotCsv => "unsupported_media_type",
            ApiError::RejectedRows(_) => "validation_failed",
            ApiError::InvalidStatements(_) => "invalid_statement",
            ApiError::XapiVersionRequired => "xapi_version_required",
        }
    }
}

/// Why a write conflicts with what is stored (409); each is a stable `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// An xAPI statement id already stored with different content.
    StatementConflict,
    DuplicateCourseCode,
    DuplicateEmployeeRef,
    /// A contracted provider of this name is already on file.
    DuplicateProviderName,
    /// The intake submission already became an incident.
    AlreadyConverted,
    /// A revoked key is not rotated: rotating would mint a live successor for a key someone
    /// decided must stop working.
    KeyRevoked,
}

impl Conflict {
    pub fn code(self) -> &'static str {
        match self {
            Conflict::StatementConflict => "statement_conflict",
            Conflict::DuplicateCourseCode => "duplicate_course_code",
            Conflict::DuplicateEmployeeRef => "duplicate_employee_ref",
            Conflict::DuplicateProviderName => "duplicate_provider_name",
            Conflict::AlreadyConverted => "already_converted",
            Conflict::KeyRevoked => "key_revoked",
        }
    }

    fn detail(self) -> &'static str {
        match self {
            Conflict::StatementConflict => "a statement with this id is already stored with different content",
            Conflict::DuplicateCourseCode => "a course with this code already exists",
            Conflict::DuplicateEmployeeRef => "this account already has a person with this employee reference",
            Conflict::DuplicateProviderName => "a contracted provider with this name already exists",
            Conflict::AlreadyConverted => "this submission was already converted to an incident",
            Conflict::KeyRevoked => "this key is revoked and cannot be rotated; issue a new key instead",
        }
    }
}

/// Seconds a `busy` answer asks the client to wait.
pub const BUSY_RETRY_AFTER_SECS: u64 = 2;

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        // diesel-async keeps PostgreSQL's message but not its SQLSTATE (57014,
        // 55P03): a statement cancelled by `statement_timeout` or `lock_timeout`
        // is the server being busy, not our bug.
        if let diesel::result::Error::DatabaseError(_, info) = &e {
            if info.message().starts_with("canceling statement due to") {
                return ApiError::Busy;
            }
        }
        ApiError::internal(e)
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ApiError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        use diesel_async::pooled_connection::deadpool::PoolError;
        match e {
            PoolError::Timeout(_) => ApiError::Busy,
            _ => ApiError::Unavailable,
        }
    }
}

/// RFC 9457 problem details, plus Beacon's stable `code` and the rule errors.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code (e.g. `validation_failed`, `invalid_json`).
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every broken rule, for 400 and 422.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ValidationError>>,
    /// With `illegal_transition` (409): the statuses the record may move to from where it stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

pub const PROBLEM_JSON: &str = "application/problem+json";

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::InvalidJson(_) | ApiError::BadQuery(_) | ApiError::IdempotencyKeyRequired => {
                StatusCode::BAD_REQUEST
            }
            ApiError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::OriginNotAllowed | ApiError::CrossOriginForbidden => StatusCode::FORBIDDEN,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Conflict(_) | ApiError::IllegalTransition { .. } => StatusCode::CONFLICT,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::NotYours(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable | ApiError::PdfUnavailable | ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::NotCsv => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RejectedRows(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::InvalidStatements(_) | ApiError::XapiVersionRequired => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let ApiError::Internal(detail) = self {
            tracing::error!(error = %detail, "internal error");
        }
        let errors = match self {
            ApiError::InvalidJson(e)
            | ApiError::Invalid(e)
            | ApiError::BadQuery(e)
            | ApiError::InvalidStatements(e)
            | ApiError::NotYours(e) => {
                Some(Errors::Rules(e))
            }
            ApiError::RejectedRows(rows) => Some(Errors::Rows(&rows[..rows.len().min(MAX_ROW_ERRORS)])),
            _ => None,
        };
        let detail = match self {
            ApiError::Internal(_) => None,
            ApiError::RejectedRows(rows) if rows.len() > MAX_ROW_ERRORS => {
                Some(format!("{} errors (the first {MAX_ROW_ERRORS} listed); nothing was written", rows.len()))
            }
            ApiError::RejectedRows(rows) if rows.len() == MAX_ROW_ERRORS => {
                Some(format!("{MAX_ROW_ERRORS} errors, where checking stopped; nothing was written"))
            }
            ApiError::RejectedRows(rows) => Some(format!("{} error(s); nothing was written", rows.len())),
            other => Some(other.to_string()),
        };
        let body = Body {
            kind: format!("https://beacon.ct.gov/problems/{}", self.code()),
            title: status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: status.as_u16(),
            code: self.code().to_string(),
            detail,
            errors,
            allowed: match self {
                ApiError::IllegalTransition { allowed, .. } => Some(allowed.as_slice()),
                _ => None,
            },
        };
        let mut response = HttpResponse::build(status);
        response.content_type(PROBLEM_JSON);
        match self {
            ApiError::Unauthenticated => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::RateLimited { retry_after_secs, .. } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed(methods) => {
                response.insert_header((header::ALLOW, methods.join(", ")));
            }
            ApiError::Busy => {
                response.insert_header((header::RETRY_AFTER, BUSY_RETRY_AFTER_SECS.to_string()));
            }
            _ => {}
        }
        response.json(body)
    }
}

/// At most this many row errors of a rejected import are listed.
const MAX_ROW_ERRORS: usize = crate::import::MAX_ROW_ERRORS;

/// What `errors` holds: broken rules (400, 422) or, for a rejected import, rows.
#[derive(Serialize)]
#[serde(untagged)]
enum Errors<'a> {
    Rules(&'a [ValidationError]),
    Rows(&'a [crate::import::RowError]),
}

/// The rendered body: [`Problem`] (and `ImportProblem` for imports) document it.
#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Errors<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed: Option<&'a [String]>,
}
