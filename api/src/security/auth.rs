//! Who is calling: the bearer key, resolved to an account and a role.

use crate::clock::Clock;
use crate::db::{self, DbPool};
use chrono::{DateTime, Utc};
use crate::error::ApiError;
use crate::security::audit;
use crate::security::policy::Policy;
use actix_web::HttpMessage;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use std::str::FromStr;
use uuid::Uuid;

/// The roles are the core's (who acts under the bill); the policy names them per route.
pub use beacon_core::roles::Role;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub key_id: Uuid,
    pub account_id: Uuid,
    pub role: Role,
    /// Origins a partner's publishable key may be used from.
    pub origins: Vec<String>,
    /// The request's instant, read once from the server's [`Clock`] when the
    /// key is checked: key expiry is judged against it and audit entries record it.
    pub now: DateTime<Utc>,
}


fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_string())
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let pool = req.app_data::<web::Data<DbPool>>().cloned();
        let clock = req.app_data::<web::Data<Clock>>().cloned();
        // The route's declared roles (see `policy.rs`). A route reached here
        // without a policy is refused: access is never granted by omission.
        let allowed: Option<Vec<Role>> = req
            .app_data::<web::Data<Policy>>()
            .zip(req.match_pattern())
            .and_then(|(policy, pattern)| policy.allowed(req.method(), &pattern).map(<[Role]>::to_vec));
        let route = format!("{} {}", req.method(), req.match_pattern().unwrap_or_default());
        let request_id = req.extensions().get::<tracing_actix_web::RequestId>().map(ToString::to_string);
        Box::pin(async move {
            let token = token.ok_or(ApiError::Unauthenticated)?;
            let pool = pool.ok_or_else(|| ApiError::internal("no database pool configured"))?;
            let now = clock.ok_or_else(|| ApiError::internal("no clock configured"))?.now();
            let mut conn = pool.get().await?;
            let found = db::keys::authenticate(&mut conn, &crate::security::keys::hash(&token), now).await?;
            let Some((key_id, account_id, role, origins)) = found else {
                // Recorded without the key itself: only that someone failed, and where.
                let event = audit::Event::anonymous(now, request_id, "auth.failed", "route", Some(route));
                audit::append(&mut conn, event).await?;
                return Err(ApiError::Unauthenticated);
            };
            let role = Role::from_str(&role).map_err(ApiError::internal)?;
            let Some(allowed) = allowed else {
                tracing::error!(%route, "route has no access policy; refusing");
                return Err(ApiError::Forbidden);
            };
            if !allowed.contains(&role) {
                return Err(ApiError::Forbidden);
            }
            Ok(Principal {
                key_id,
                account_id,
                role,
                origins,
                now,
            })
        })
    }
}

impl From<&Principal> for crate::security::audit::Actor {
    fn from(p: &Principal) -> Self {
        crate::security::audit::Actor {
            key_id: Some(p.key_id),
            account_id: Some(p.account_id),
            role: Some(p.role.as_str().to_string()),
        }
    }
}

