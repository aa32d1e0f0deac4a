//! A report's forms other than JSON and HTML, for the live and the frozen
//! reports of both kinds: its page printed to PDF, and its tables as a zip
//! of CSV files (`beacon_core::stats::bundle`).

use crate::error::ApiError;
use crate::http::negotiate::{wants_document, Document};
use crate::pdf::Printer;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use beacon_core::stats::bundle::{bundle, Bundle, CsvFile, ReportKind};
use serde_json::Value;
use std::io::Write;

/// A zip file in the OpenAPI document: bytes, not JSON.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ZipFile(pub Vec<u8>);

/// The form asked for (`None`: JSON). PDF without a browser is refused
/// here, before the report's queries: there would be nothing to build for.
pub(super) fn asked(req: &HttpRequest, format: Option<&str>, printer: &Printer) -> Result<Option<Document>, ApiError> {
    let mut errors = Vec::new();
    let document = wants_document(req, format, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    if document == Some(Document::Pdf) && !printer.available() {
        return Err(ApiError::PdfUnavailable);
    }
    Ok(document)
}

/// `html` printed, as `{stem}.pdf`.
pub(super) async fn pdf(mut response: HttpResponseBuilder, printer: &Printer, html: &str, stem: &str) -> Result<HttpResponse, ApiError> {
    let bytes = printer.print(html).await?;
    response.insert_header((header::CONTENT_DISPOSITION, format!("inline; filename=\"{stem}.pdf\"")));
    Ok(response.content_type("application/pdf").body(bytes))
}

/// The CSV bundle of `report` (a report's JSON), as `{stem}.zip`.
pub(super) fn zip(mut response: HttpResponseBuilder, kind: ReportKind, report: &Value, stem: &str) -> Result<HttpResponse, ApiError> {
    let files = bundle(kind, report).map_err(ApiError::internal)?;
    let bytes = zip_bytes(&files, report.get("as_of").and_then(Value::as_str)).map_err(ApiError::internal)?;
    response.insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{stem}.zip\"")));
    Ok(response.content_type("application/zip").body(bytes))
}

/// One CSV file: its comments as `# ` lines, then the header and rows.
fn csv_bytes(file: &CsvFile) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::new();
    for c in &file.comments {
        // A comment is one line, whatever its text holds.
        out.extend_from_slice(format!("# {}\n", c.replace(['\r', '\n'], " ")).as_bytes());
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&file.header)?;
    for row in &file.rows {
        w.write_record(row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The bundle zipped in memory, README.txt first. Every entry is dated the
/// report's day (`as_of`, `YYYY-MM-DD`), so a bundle is the same bytes
/// however often it is asked for.
fn zip_bytes(bundle: &Bundle, as_of: Option<&str>) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    if let Some(date) = as_of.and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
        use chrono::Datelike;
        let (y, m, d) = (u16::try_from(date.year()).unwrap_or(1980), u8::try_from(date.month()).unwrap_or(1), u8::try_from(date.day()).unwrap_or(1));
        if let Ok(t) = zip::DateTime::from_date_and_time(y, m, d, 0, 0, 0) {
            options = options.last_modified_time(t);
        }
    }
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("README.txt", options)?;
    w.write_all(bundle.readme.as_bytes())?;
    for f in &bundle.files {
        w.start_file(f.name.as_str(), options)?;
        w.write_all(&csv_bytes(f)?)?;
    }
    Ok(w.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn file() -> CsvFile {
        CsvFile {
            name: "02-t.csv".into(),
            comments: vec!["Counts from 1 to 10\nare withheld.".into()],
            header: vec!["county".into(), "count".into()],
            rows: vec![vec!["New London, CT".into(), "*".into()]],
            about: "t".into(),
        }
    }

    #[test]
    fn a_csv_file_starts_with_its_rule_on_one_comment_line() {
        let text = String::from_utf8(csv_bytes(&file()).unwrap()).unwrap();
        assert_eq!(text, "# Counts from 1 to 10 are withheld.\ncounty,count\n\"New London, CT\",*\n");
    }

    #[test]
    fn the_same_bundle_zips_to_the_same_bytes() {
        let b = Bundle { files: vec![file()], readme: "r".into() };
        let one = zip_bytes(&b, Some("2026-12-03")).unwrap();
        assert_eq!(one, zip_bytes(&b, Some("2026-12-03")).unwrap());
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(one)).unwrap();
        let names: Vec<String> = archive.file_names().map(str::to_string).collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"README.txt".to_string()) && names.contains(&"02-t.csv".to_string()));
        let entry = archive.by_name("02-t.csv").unwrap();
        assert_eq!(entry.last_modified().map(|t| (t.year(), t.month(), t.day())), Some((2026, 12, 3)));
    }
}
