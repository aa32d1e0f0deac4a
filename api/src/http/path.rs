//! Path ids: a resource's `{id}` is a UUID, and anything else names no resource, so it is a 404
//! (never a 400 that would tell a prober the route exists with other ids).

use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use std::future::{ready, Ready};
use uuid::Uuid;

/// The `{id}` segment of the matched route, as a UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathId(pub Uuid);

impl std::ops::Deref for PathId {
    type Target = Uuid;
    fn deref(&self) -> &Uuid {
        &self.0
    }
}

impl FromRequest for PathId {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req.match_info().get("id").and_then(|text| Uuid::parse_str(text).ok());
        ready(id.map(PathId).ok_or(ApiError::NotFound))
    }
}
