//! CORS for the one cross-origin route: `POST /v1/intake`, from the origins
//! bound to partner (publishable) keys.
//!
//! actix-cors decides synchronously from a fixed list, but the allowed origins
//! live in the database and change when keys do; so this middleware, placed
//! outside actix-cors, answers the intake route's preflight itself after an
//! async lookup, and adds `Access-Control-Allow-Origin` to the route's answers
//! (errors included, so the form can read them). Every other route stays
//! same-origin (see `cors.rs`). The handler still checks the origin against
//! the very key presented.

use crate::clock::Clock;
use crate::db::{self, DbPool};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpResponse};

pub const INTAKE_PATH: &str = "/v1/intake";

async fn bound(req: &ServiceRequest, origin: &str) -> bool {
    let (Some(pool), Some(clock)) = (req.app_data::<web::Data<DbPool>>(), req.app_data::<web::Data<Clock>>()) else {
        return false;
    };
    let Ok(mut conn) = pool.get().await else {
        return false;
    };
    db::intake::origin_is_bound(&mut conn, origin, clock.now()).await.unwrap_or(false)
}

pub async fn intake_cors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|o| o.trim_end_matches('/').to_string());
    let (Some(origin), true) = (origin, req.path() == INTAKE_PATH) else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    // Stored origins are in `web_origin`'s form (lower case, no `/`): compare in that form, so
    // the match is case-insensitive here as in `POST /v1/intake` and the key rules; the answer
    // echoes what the browser sent, which is what it compares against.
    let Some(normal) = beacon_core::reference::formats::web_origin(&origin) else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    if !bound(&req, &normal).await {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let allow = HeaderValue::from_str(&origin).ok();
    let preflight = req.method() == Method::OPTIONS
        && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        let mut response = HttpResponse::NoContent();
        if let Some(allow) = allow {
            response.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, allow));
        }
        let response = response
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "POST"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, "authorization, content-type, idempotency-key"))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"))
            .insert_header((header::VARY, "Origin"))
            .finish();
        return Ok(req.into_response(response));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    if let Some(allow) = allow {
        res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow);
        res.headers_mut().insert(header::VARY, HeaderValue::from_static("Origin"));
        res.headers_mut().insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("idempotent-replayed, x-request-id"),
        );
    }
    Ok(res)
}
