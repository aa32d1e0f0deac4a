//! Content negotiation: JSON or CSV, by `?format=` or `Accept`.

use actix_web::http::header;
use actix_web::HttpRequest;
use beacon_core::{ErrorCode, ValidationError};

/// Whether the client asked for CSV: `?format=csv` or an `Accept` naming `text/csv`
/// before (or instead of) JSON.
pub fn wants_csv(req: &HttpRequest, format: Option<&str>, errors: &mut Vec<ValidationError>) -> bool {
    match format {
        Some("csv") => return true,
        Some("json") => return false,
        Some(_) => {
            errors.push(ValidationError::new("/format", ErrorCode::UnknownCode, "Must be `json` or `csv`."));
            return false;
        }
        None => {}
    }
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    for item in accept.split(',') {
        let essence = item.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/csv" => return true,
            "application/json" | "application/*" | "*/*" => return false,
            _ => {}
        }
    }
    false
}

/// Whether the client asked for HTML: `?format=html` or an `Accept` naming
/// `text/html` before (or instead of) JSON, as a browser does.
pub fn wants_html(req: &HttpRequest, format: Option<&str>, errors: &mut Vec<ValidationError>) -> bool {
    match format {
        Some("html") => return true,
        Some("json") => return false,
        Some(_) => {
            errors.push(ValidationError::new("/format", ErrorCode::UnknownCode, "Must be `json` or `html`."));
            return false;
        }
        None => {}
    }
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    for item in accept.split(',') {
        let essence = item.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/html" => return true,
            "application/json" | "application/*" | "*/*" => return false,
            _ => {}
        }
    }
    false
}
