//! The request span and the one access-log line per request.
//!
//! `tracing_actix_web`'s default span records `http.target`, which includes
//! the query string (a search value may be a sealed one), the user agent, and
//! the `Debug` of every error. This one records only what is safe:
//! the request id (also sent as `X-Request-Id`), method, route pattern, path
//! *without* the query string, client IP (behind a trusted proxy the forwarded
//! client), status and latency. Never a body,
//! never a header (so never a key), never a query value.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use std::time::Instant;
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

pub struct EdgeRootSpan;

/// When the request reached the logger, for the latency.
#[derive(Clone, Copy)]
struct Started(Instant);

impl RootSpanBuilder for EdgeRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        request.extensions_mut().insert(Started(Instant::now()));
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        let route = request.match_pattern().unwrap_or_else(|| "(unmatched)".into());
        // Behind a trusted proxy, the forwarded client (as the rate limits count it).
        let client_ip = match request.app_data::<actix_web::web::Data<crate::config::TrustedProxies>>() {
            Some(proxies) => crate::edge::rate_limit::client_address(request.peer_addr().map(|a| a.ip()), request.headers(), proxies)
                .to_string(),
            None => request.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default(),
        };
        tracing::info_span!(
            "http_request",
            request_id = %request_id,
            http.method = %request.method(),
            http.route = %route,
            http.path = %request.path(),
            http.client_ip = %client_ip,
            http.status_code = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, latency_ms) = match outcome {
            Ok(res) => {
                let started = res.request().extensions().get::<Started>().copied();
                let ms = started.map(|s| s.0.elapsed().as_secs_f64() * 1000.0);
                (res.status(), ms)
            }
            Err(e) => (e.as_response_error().status_code(), None),
        };
        span.record("http.status_code", status.as_u16());
        if let Some(ms) = latency_ms {
            span.record("latency_ms", ms);
        }
        span.in_scope(|| {
            // The error's text is not logged: `ApiError::Internal` is logged
            // where it is raised, and a client error's text adds nothing.
            if status.is_server_error() {
                tracing::error!(status = status.as_u16(), "request failed");
            } else {
                tracing::info!(status = status.as_u16(), "request completed");
            }
        });
    }
}
