//! Cross-origin policy, in one place.
//!
//! Today every route is same-origin only: no response carries
//! `Access-Control-Allow-Origin`, and a preflight from any origin is refused.
//! Requests that simply carry an `Origin` header (a same-origin `POST` from
//! `/docs/`, a server-side client) still run: without the CORS headers a
//! browser will not let another origin read the answer.

use actix_cors::Cors;

/// The CORS middleware for the whole app.
///
/// THE ONE PLACE TO CHANGE when the partner intake route (`POST /v1/intake`)
/// arrives: allow exactly that route, for exactly the origins bound to
/// partner (publishable) keys, e.g.
///
/// ```ignore
/// Cors::default()
///     .allowed_origin_fn(move |origin, head| {
///         head.uri.path() == "/v1/intake" && partner_origins.contains(origin)
///     })
///     .allowed_methods(["POST"])
///     .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
///     .max_age(600)
/// ```
///
/// where `partner_origins` is an in-memory set of the origins in `api_keys`
/// for active partner keys (the check is synchronous; refresh it when keys
/// change). Every other route stays same-origin, and the handler must still
/// check that the request's `Origin` is bound to the key it presents.
///
/// The rate limiter runs outside this middleware (so preflights count against
/// an address's budget): its 429s carry no CORS headers, and a browser reports
/// them to the intake form as a network error, to be treated as "retry later".
pub fn cors() -> Cors {
    // `Cors::default()` allows no origin, no method and no header.
    Cors::default().block_on_origin_mismatch(false)
}

/// True for actix-cors' own refusals (a preflight from a disallowed origin),
/// so `headers` can answer them as problem+json like every other error.
pub(crate) fn is_refusal(error: &actix_web::Error) -> bool {
    error.as_error::<actix_cors::CorsError>().is_some()
}
