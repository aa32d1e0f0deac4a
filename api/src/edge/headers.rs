//! Security headers on every response, and the request id.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing_actix_web::RequestId;

/// The API answers JSON only: nothing may load, run or frame.
pub const CSP_API: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Swagger UI under `/docs/`: its HTML, scripts (including the initializer,
/// `swagger-initializer.js`, a file rather than an inline script), styles and
/// images all come from this origin, and it fetches `/openapi.json` from it.
/// Its components set inline styles, hence `'unsafe-inline'` for styles only;
/// its CSS draws icons from `data:` SVGs. Scripts stay `'self'`.
pub const CSP_DOCS: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The intake form's demo page and package under `/embed` (`routes::embed`): the custom
/// element's module scripts and stylesheet come from this origin, it compiles the core's
/// `.wasm` (`'wasm-unsafe-eval'`, not `'unsafe-eval'`), fetches it and posts to `/v1/intake`
/// on this origin. No inline script or style; nothing may frame it. The coordinator's dashboard
/// (`routes::dashboard`) needs exactly the same: its module and stylesheet from this origin, the
/// same `.wasm`, and `fetch` to `/v1` here.
pub const CSP_EMBED: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Browsers must only ever reach Beacon over TLS once they have seen it there (a victim's
/// intake must not be downgraded on a café network). Sent on every response: a browser ignores
/// it over plain HTTP, so local development is unaffected. Two years, the HSTS preload minimum.
pub const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Nothing Beacon serves needs a device or a sensor: the intake form asks for a town, never a
/// location, and no page may have a third party's script ask on its behalf.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), \
fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), \
usb=(), browsing-topics=()";

pub const PERMISSIONS_POLICY_HEADER: HeaderName = HeaderName::from_static("permissions-policy");

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// What the headers depend on, taken from the request before it runs.
#[derive(Clone)]
struct Context {
    docs: bool,
    embed: bool,
    v1: bool,
    request_id: Option<HeaderValue>,
}

impl Context {
    fn apply(&self, headers: &mut HeaderMap) {
        let csp = if self.docs {
            CSP_DOCS
        } else if self.embed {
            CSP_EMBED
        } else {
            CSP_API
        };
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
        headers.insert(PERMISSIONS_POLICY_HEADER, HeaderValue::from_static(PERMISSIONS_POLICY));
        // Anything under /v1 may hold incident data: never cached, unless a
        // handler decided otherwise.
        if self.v1 && !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        if let Some(id) = &self.request_id {
            headers.insert(X_REQUEST_ID, id.clone());
        }
    }
}

/// `from_fn` middleware: runs inside `TracingLogger` (which assigns the
/// request id) and outside everything else, so refusals get the headers too.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let context = Context {
        docs: under(req.path(), "/docs"),
        embed: under(req.path(), "/embed") || under(req.path(), "/dashboard"),
        v1: under(req.path(), "/v1"),
        request_id: req
            .extensions()
            .get::<RequestId>()
            .and_then(|id| HeaderValue::try_from(id.to_string()).ok()),
    };
    match next.call(req).await {
        Ok(res) => {
            let mut res = res.map_into_boxed_body();
            if res.response().error().is_some_and(super::cors::is_refusal) {
                let refused = actix_web::ResponseError::error_response(&crate::error::ApiError::CrossOriginForbidden);
                res = res.into_response(refused);
            }
            context.apply(res.headers_mut());
            Ok(res)
        }
        // An error from an inner middleware becomes a response later, outside
        // this one: it gets the headers then.
        Err(mut e) => {
            e.add_response_mapper(move |mut res| {
                context.apply(res.headers_mut());
                res
            });
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_whole_segments() {
        assert!(under("/v1", "/v1"));
        assert!(under("/v1/incidents", "/v1"));
        assert!(!under("/v10/x", "/v1"));
        assert!(under("/docs/", "/docs"));
        assert!(under("/docs", "/docs"));
        assert!(!under("/docsx", "/docs"));
    }
}
