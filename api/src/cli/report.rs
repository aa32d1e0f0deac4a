//! `beacon report coordinator --year 2026 --out report.pdf`: the report the
//! API serves, built by the same function and printed by the same module,
//! straight from the database, with no server running.

use super::{connect, CliError};
use crate::config::{PdfConfig, StatsConfig};
use crate::error::ApiError;
use crate::routes::reports::{coordinator, html};
use chrono::NaiveDate;
use clap::ValueEnum;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Html,
    Pdf,
}

/// `--format`, or else the extension of `--out`.
fn format_of(format: Option<Format>, out: &Path) -> Result<Format, CliError> {
    if let Some(f) = format {
        return Ok(f);
    }
    match out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("pdf") => Ok(Format::Pdf),
        Some("html" | "htm") => Ok(Format::Html),
        Some("json") => Ok(Format::Json),
        _ => Err(CliError::Usage(format!("--out {}: name a .pdf, .html or .json file, or pass --format", out.display()))),
    }
}

pub(super) async fn coordinator(year: i32, out: PathBuf, format: Option<Format>, today: NaiveDate) -> Result<(), CliError> {
    let format = format_of(format, &out)?;
    // Find the browser before any query: without it there is nothing to print with.
    let pdf = match format {
        Format::Pdf => {
            let config = PdfConfig::from_env()?;
            if config.browser.is_none() {
                return Err(crate::pdf::PdfError::NoBrowser.into());
            }
            Some(config)
        }
        _ => None,
    };
    let k = StatsConfig::from_env()?.k;
    let pool = connect().await?;
    let report = coordinator::build(&year.to_string(), today, &pool, k).await.map_err(|e| match e {
        ApiError::NotFound => CliError::Usage(format!("no report covers {year}: reports cover 2026 up to the current year")),
        other => CliError::Report(other.to_string()),
    })?;
    let bytes = match (format, &pdf) {
        (Format::Json, _) => serde_json::to_vec_pretty(&report)?,
        (Format::Html, _) | (Format::Pdf, None) => html::render(&report).into_bytes(),
        (Format::Pdf, Some(config)) => {
            // One print: the browser the server would keep is started, used and stopped.
            let printer = crate::pdf::Printer::new(config.clone());
            let printed = printer.print(&html::render(&report)).await;
            printer.shutdown().await;
            printed?
        }
    };
    std::fs::write(&out, &bytes)?;
    eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_format_follows_the_extension_unless_named() {
        assert_eq!(format_of(None, Path::new("r.PDF")).unwrap(), Format::Pdf);
        assert_eq!(format_of(None, Path::new("r.html")).unwrap(), Format::Html);
        assert_eq!(format_of(None, Path::new("r.json")).unwrap(), Format::Json);
        assert_eq!(format_of(Some(Format::Json), Path::new("r.pdf")).unwrap(), Format::Json);
        assert!(format_of(None, Path::new("report")).is_err());
    }
}
