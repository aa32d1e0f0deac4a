//! Hardening at the edge: everything a request meets before a handler, and
//! every response on its way out.
//!
//! From the outside in (`Application::build` wraps them in this order):
//!
//! 1. [`logging::EdgeRootSpan`] (through `tracing_actix_web::TracingLogger`): a
//!    request id and one structured log line per request: method, route, path
//!    *without* the query string, peer IP, status, latency. Never a body, a
//!    header or a query value.
//! 2. [`headers::security_headers`]: CSP, `X-Content-Type-Options`,
//!    `Referrer-Policy`, `X-Frame-Options`, HSTS, `Permissions-Policy`, `Cache-Control: no-store` on `/v1`,
//!    and `X-Request-Id` (the id in the log) on every response.
//! 3. [`rate_limit::RateLimit`]: per IP (every request, preflights included),
//!    per API key, and per IP for failed authentication; 429 problem+json
//!    with `Retry-After`.
//! 4. [`cors::cors`]: same-origin only, until the partner intake route exists.

pub mod cors;
pub mod intake_budget;
pub mod intake_cors;
pub mod headers;
pub mod logging;
pub mod methods;
pub mod rate_limit;
