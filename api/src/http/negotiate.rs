//! Content negotiation: JSON or one other representation (CSV, HTML), by `?format=` or `Accept`.

use actix_web::http::header;
use actix_web::HttpRequest;
use beacon_core::{ErrorCode, ValidationError};

/// Whether the client asked for CSV: `?format=csv` or an `Accept` naming `text/csv`
/// before (or instead of) JSON.
pub fn wants_csv(req: &HttpRequest, format: Option<&str>, errors: &mut Vec<ValidationError>) -> bool {
    wants(req, format, ("csv", "text/csv"), errors)
}

/// Whether the client asked for HTML: `?format=html` or an `Accept` naming
/// `text/html` before (or instead of) JSON, as a browser does.
pub fn wants_html(req: &HttpRequest, format: Option<&str>, errors: &mut Vec<ValidationError>) -> bool {
    wants(req, format, ("html", "text/html"), errors)
}

/// Whether the client asked for `(format name, media type)` rather than JSON; a `format` that
/// is neither is an error naming `/format`.
fn wants(req: &HttpRequest, format: Option<&str>, (name, media): (&str, &str), errors: &mut Vec<ValidationError>) -> bool {
    match format {
        Some(f) if f == name => return true,
        Some("json") => return false,
        Some(_) => {
            errors.push(ValidationError::new("/format", ErrorCode::UnknownCode, format!("Must be `json` or `{name}`.")));
            return false;
        }
        None => {}
    }
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    for item in accept.split(',') {
        let essence = item.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if essence == media {
            return true;
        }
        if matches!(essence.as_str(), "application/json" | "application/*" | "*/*") {
            return false;
        }
    }
    false
}
