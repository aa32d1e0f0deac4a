//! Content negotiation: JSON or another representation (CSV, HTML, PDF), by `?format=` or `Accept`.

use actix_web::http::header;
use actix_web::HttpRequest;
use beacon_core::{ErrorCode, ValidationError};

/// A representation other than JSON: its `format` name and media type.
type Offer = (&'static str, &'static str);

const CSV: Offer = ("csv", "text/csv");
const HTML: Offer = ("html", "text/html");
const PDF: Offer = ("pdf", "application/pdf");

/// Whether the client asked for CSV: `?format=csv` or an `Accept` naming `text/csv`
/// before (or instead of) JSON.
pub fn wants_csv(req: &HttpRequest, format: Option<&str>, errors: &mut Vec<ValidationError>) -> bool {
    wants(req, format, &[CSV], errors).is_some()
}

/// Whether the client asked for HTML (a document with no PDF form):
/// `?format=html` or an `Accept` naming `text/html` before JSON.
pub fn wants_html(req: &HttpRequest, format: Option<&str>, errors: &mut Vec<ValidationError>) -> bool {
    wants(req, format, &[HTML], errors).is_some()
}

/// A document's printable forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Html,
    Pdf,
}

/// Which printable form the client asked for, if not JSON: `?format=html|pdf`,
/// or the first of `text/html` and `application/pdf` its `Accept` names before JSON.
pub fn wants_document(req: &HttpRequest, format: Option<&str>, errors: &mut Vec<ValidationError>) -> Option<Document> {
    wants(req, format, &[HTML, PDF], errors).map(|i| if i == 0 { Document::Html } else { Document::Pdf })
}

/// Which of `offers` the client asked for rather than JSON (its index); a
/// `format` that names none of them nor JSON is an error naming `/format`.
fn wants(req: &HttpRequest, format: Option<&str>, offers: &[Offer], errors: &mut Vec<ValidationError>) -> Option<usize> {
    match format {
        Some("json") => return None,
        Some(f) => {
            let found = offers.iter().position(|(name, _)| *name == f);
            if found.is_none() {
                errors.push(ValidationError::new("/format", ErrorCode::UnknownCode, format!("Must be {}.", choices(offers))));
            }
            return found;
        }
        None => {}
    }
    let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok())?;
    for item in accept.split(',') {
        let essence = item.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if let Some(i) = offers.iter().position(|(_, media)| *media == essence) {
            return Some(i);
        }
        if matches!(essence.as_str(), "application/json" | "application/*" | "*/*") {
            return None;
        }
    }
    None
}

/// "`json` or `csv`", "`json`, `html` or `pdf`".
fn choices(offers: &[Offer]) -> String {
    let names: Vec<String> = std::iter::once("json").chain(offers.iter().map(|(n, _)| *n)).map(|n| format!("`{n}`")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use actix_web::test::TestRequest;

    fn ask(accept: Option<&str>, format: Option<&str>) -> (Option<Document>, Vec<ValidationError>) {
        let mut req = TestRequest::default();
        if let Some(a) = accept {
            req = req.insert_header((header::ACCEPT, a));
        }
        let mut errors = Vec::new();
        (wants_document(&req.to_http_request(), format, &mut errors), errors)
    }

    #[test]
    fn a_document_is_chosen_by_format_or_accept() {
        assert_eq!(ask(None, Some("pdf")).0, Some(Document::Pdf));
        assert_eq!(ask(None, Some("html")).0, Some(Document::Html));
        assert_eq!(ask(Some("application/pdf"), Some("json")).0, None);
        assert_eq!(ask(Some("application/pdf"), None).0, Some(Document::Pdf));
        assert_eq!(ask(Some("text/html, application/pdf"), None).0, Some(Document::Html));
        assert_eq!(ask(Some("application/json, application/pdf"), None).0, None);
        assert_eq!(ask(None, None).0, None);
        let (chosen, errors) = ask(None, Some("docx"));
        assert_eq!(chosen, None);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "Must be `json`, `html` or `pdf`.");
    }

    #[test]
    fn one_offer_keeps_its_message() {
        assert_eq!(choices(&[CSV]), "`json` or `csv`");
    }
}
