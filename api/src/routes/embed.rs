//! The embeddable partner intake form: a demo page, and the wasm package a partner's page loads
//! it from. Public (no key): the package is code, not data.
//!
//! The package directory is `BEACON_WASM_PKG` (default `wasm/pkg`, relative to the current
//! directory), built by `cargo xtask wasm`. Only the files a browser needs are served, each
//! with its content type; anything else is 404. The files carry
//! `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy: cross-origin`, because a
//! partner's page on another origin loads the module script (a CORS request) and the module
//! fetches the `.wasm` (another). The CSP of `/embed` is `headers::CSP_EMBED`.

use crate::error::{ApiError, Problem};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use std::path::PathBuf;
use utoipa::IntoParams;

/// The environment variable naming the package directory.
pub const PKG_ENV: &str = "BEACON_WASM_PKG";

const JS: &str = "text/javascript; charset=utf-8";

/// Where the built package is (read per request: a rebuilt package is served at once).
pub fn pkg_dir() -> PathBuf {
    match std::env::var_os(PKG_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from("wasm").join("pkg"),
    }
}

/// wasm-bindgen's `inline_js` snippets: `snippets/beacon-wasm-<hex>/inline<N>.js`.
fn is_snippet(file: &str) -> bool {
    let mut parts = file.split('/');
    let (Some("snippets"), Some(dir), Some(name), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let hex = dir.strip_prefix("beacon-wasm-").unwrap_or_default();
    let number = name
        .strip_prefix("inline")
        .and_then(|rest| rest.strip_suffix(".js"))
        .unwrap_or_default();
    !hex.is_empty()
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The content type of a servable package file; `None` for every other name.
pub fn content_type(file: &str) -> Option<&'static str> {
    match file {
        "beacon-intake-form.js" | "beacon_wasm.js" => Some(JS),
        "beacon-intake-form.css" => Some("text/css; charset=utf-8"),
        "beacon_wasm_bg.wasm" => Some("application/wasm"),
        _ if is_snippet(file) => Some(JS),
        _ => None,
    }
}

/// A file of the form's package: `beacon-intake-form.js` (the custom element), its
/// `beacon-intake-form.css`, `beacon_wasm.js`, `beacon_wasm_bg.wasm` and wasm-bindgen's
/// `snippets/…/inline0.js`.
#[utoipa::path(
    tag = "embed",
    params(("file" = String, Path, description = "A file of the package", example = "beacon-intake-form.js")),
    responses(
        (status = 200, description = "The file: `text/javascript`, `text/css` or `application/wasm`"),
        (status = 404, description = "Not a file of the package", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/embed/pkg/{file:.*}")]
pub async fn package_file(file: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let file = file.into_inner();
    let Some(content_type) = content_type(&file) else {
        return Err(ApiError::NotFound);
    };
    let path = pkg_dir().join(&file);
    let read = web::block(move || std::fs::read(path)).await.map_err(ApiError::internal)?;
    let bytes: Vec<u8> = match read {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::warn!(file = %file, %error, "intake form package file missing (cargo xtask wasm; BEACON_WASM_PKG)");
            return Err(ApiError::NotFound);
        }
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header(("cross-origin-resource-policy", "cross-origin"))
        .body(bytes))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DemoQuery {
    /// A partner key (`bpk_…`) bound to this server's origin. Without one the page shows a
    /// placeholder and how to make a key.
    #[param(max_length = 500)]
    pub key: Option<String>,
    /// `en` (default) or `es`.
    #[param(max_length = 500)]
    pub lang: Option<String>,
}

/// A key as `keys::mint` makes them: `bpk_` and URL-safe base64.
fn plausible_partner_key(key: &str) -> bool {
    key.strip_prefix("bpk_").is_some_and(|rest| {
        !rest.is_empty() && rest.len() <= 128 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

const PLACEHOLDER_KEY: &str = "bpk_REPLACE_WITH_A_PARTNER_KEY";

/// A page embedding `<beacon-intake-form>` against this server, as a partner would.
#[utoipa::path(
    tag = "embed",
    params(DemoQuery),
    responses((status = 200, description = "The demo page", content_type = "text/html"))
)]
#[get("/embed/demo")]
pub async fn demo(query: crate::http::query::Query<DemoQuery>) -> HttpResponse {
    let key = query.key.as_deref().filter(|k| plausible_partner_key(k));
    let lang = if query.lang.as_deref() == Some("es") { "es" } else { "en" };
    let note = if key.is_some() {
        ""
    } else {
        "<p class=\"demo-note\">No partner key given, so sending will be refused. Make one bound to this \
         server's origin, e.g. <code>beacon keys create --account Demo --role partner --origin \
         http://127.0.0.1:8080</code>, and open <code>/embed/demo?key=bpk_…</code>.</p>"
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>Beacon intake form — demo</title>\n</head>\n<body>\n<main>\n<h1>Beacon intake form (demo)</h1>\n{note}\n\
<script type=\"module\" src=\"/embed/pkg/beacon-intake-form.js\"></script>\n\
<beacon-intake-form api=\"/\" key=\"{key}\" lang=\"{lang}\" exit-url=\"https://www.weather.gov/\"></beacon-intake-form>\n\
</main>\n</body>\n</html>\n",
        key = key.unwrap_or(PLACEHOLDER_KEY),
    );
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_package_files_are_served() {
        assert_eq!(content_type("beacon_wasm_bg.wasm"), Some("application/wasm"));
        assert_eq!(content_type("beacon-intake-form.js"), Some(JS));
        assert_eq!(content_type("snippets/beacon-wasm-0308b5eb7897c5a6/inline0.js"), Some(JS));
        for bad in [
            "",
            "package.json",
            "beacon_wasm.d.ts",
            "../Cargo.toml",
            "snippets/../../x.js",
            "snippets/beacon-wasm-/inline0.js",
            "snippets/beacon-wasm-zz/inline0.js",
            "snippets/beacon-wasm-ab/inline.js",
            "snippets/beacon-wasm-ab/inline0.js/x",
            "/etc/passwd",
        ] {
            assert_eq!(content_type(bad), None, "{bad}");
        }
    }

    #[test]
    fn keys_are_checked_before_they_reach_the_page() {
        assert!(plausible_partner_key("bpk_abc-DEF_123"));
        assert!(!plausible_partner_key("bk_abc"));
        assert!(!plausible_partner_key("bpk_\"><script>"));
        assert!(!plausible_partner_key("bpk_"));
    }
}
