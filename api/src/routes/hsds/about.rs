use super::HSDS_VERSION;
use crate::config::{PublicUrl, TrustedProxies};
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

/// What this HSDS API is.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsAbout {
    /// The HSDS version followed.
    pub version: String,
    pub profile: String,
    /// The OpenAPI document, as an absolute URL (HSDS's schema asks for a `uri`).
    #[schema(format = "uri")]
    pub openapi_url: String,
}

/// About this HSDS API: its version, profile and OpenAPI document (public). `openapi_url` is
/// absolute: under `BEACON_PUBLIC_URL` when set, else under the scheme and host the request came
/// with — as a proxy in front reports them in `Forwarded` / `X-Forwarded-*` only when that proxy
/// is one of `BEACON_TRUSTED_PROXIES` (anyone can send those headers).
#[utoipa::path(tag = "hsds", operation_id = "hsds_about", responses((status = 200, body = HsdsAbout)))]
#[get("/")]
pub async fn about(req: HttpRequest, public_url: Option<web::Data<PublicUrl>>, proxies: Option<web::Data<TrustedProxies>>) -> HttpResponse {
    let configured = public_url.as_ref().and_then(|p| p.get_ref().0.clone());
    let trusted = proxies.is_some_and(|p| req.peer_addr().is_some_and(|a| p.contains(a.ip())));
    let base = match configured {
        Some(url) => url,
        None if trusted => {
            let connection = req.connection_info();
            format!("{}://{}", connection.scheme(), connection.host())
        }
        None => {
            let scheme = if req.app_config().secure() { "https" } else { "http" };
            let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_else(|| req.app_config().host());
            format!("{scheme}://{host}")
        }
    };
    HttpResponse::Ok().json(HsdsAbout {
        version: HSDS_VERSION.to_string(),
        profile: "https://openreferral.org/specification/3.1/".to_string(),
        openapi_url: format!("{base}/openapi.json"),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use actix_web::{test, App};

    async fn openapi_url(public_url: PublicUrl, request: test::TestRequest) -> String {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let app =
            test::init_service(App::new().app_data(web::Data::new(public_url)).app_data(web::Data::new(proxies)).service(about)).await;
        let body: serde_json::Value = test::call_and_read_body_json(&app, request.uri("/").to_request()).await;
        body["openapi_url"].as_str().unwrap().to_string()
    }

    #[actix_web::test]
    async fn the_openapi_url_is_absolute_under_the_public_url_or_the_request_s_host() {
        let configured = PublicUrl::parse("https://beacon.ct.gov/").unwrap();
        assert_eq!(openapi_url(configured, test::TestRequest::get()).await, "https://beacon.ct.gov/openapi.json");
        let direct = test::TestRequest::get().insert_header(("host", "beacon.example:8080"));
        assert_eq!(openapi_url(PublicUrl(None), direct).await, "http://beacon.example:8080/openapi.json");
        let forwarded = |peer: &str| {
            test::TestRequest::get()
                .peer_addr(peer.parse().unwrap())
                .insert_header(("host", "10.0.0.5:8080"))
                .insert_header(("x-forwarded-proto", "https"))
                .insert_header(("x-forwarded-host", "beacon.ct.gov"))
        };
        // From a trusted proxy, its headers say where the client came.
        assert_eq!(openapi_url(PublicUrl(None), forwarded("10.1.2.3:40000")).await, "https://beacon.ct.gov/openapi.json");
        // From anyone else they are ignored: a client cannot point the link elsewhere.
        assert_eq!(openapi_url(PublicUrl(None), forwarded("203.0.113.9:40000")).await, "http://10.0.0.5:8080/openapi.json");
    }
}
