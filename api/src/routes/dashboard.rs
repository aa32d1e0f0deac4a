//! The coordinator's dashboard: one page and its script and stylesheet, compiled into the
//! binary (no framework, nothing fetched from the internet). The page holds no data: it asks
//! for a coordinator key, keeps it in `sessionStorage` only (gone when the tab closes), and
//! reads everything through the documented `/v1` API with it. Charts and the editors' checks
//! come from the core's wasm package under `/embed/pkg/`, so the dashboard draws and judges
//! exactly as the server does. Its CSP is the embed policy (`edge::headers`).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{get, HttpResponse};

const PAGE: &str = include_str!("../../assets/dashboard/index.html");
const SCRIPT: &str = include_str!("../../assets/dashboard/dashboard.js");
const STYLE: &str = include_str!("../../assets/dashboard/dashboard.css");

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(content_type)))
        // Code, not data; but a new release must be picked up at once.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

/// The coordinator's dashboard page (sign in with a coordinator key).
#[utoipa::path(tag = "dashboard", responses((status = 200, description = "The page", content_type = "text/html")))]
#[get("/dashboard")]
pub async fn page() -> HttpResponse {
    asset("text/html; charset=utf-8", PAGE)
}

/// The dashboard's script (an ES module).
#[utoipa::path(tag = "dashboard", responses((status = 200, description = "The script", content_type = "text/javascript")))]
#[get("/dashboard/dashboard.js")]
pub async fn script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// The dashboard's stylesheet.
#[utoipa::path(tag = "dashboard", responses((status = 200, description = "The stylesheet", content_type = "text/css")))]
#[get("/dashboard/dashboard.css")]
pub async fn style() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLE)
}
