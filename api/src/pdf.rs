//! Printing an HTML page to PDF with headless Chromium: the same page the
//! API serves as HTML, so the PDF cannot drift from it.
//!
//! Chromium rather than a Rust typesetter: `typst` costs minutes of release
//! build and bundles fonts outside our licence list, and no crate lays out
//! HTML with SVG for print. The browser runs offline: the page is a local
//! file with everything inline, and the flags below turn off every network
//! feature, extension and profile it would otherwise use.

use crate::config::PdfConfig;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use thiserror::Error;

/// What to install, said the same way by the API and the CLI.
pub const INSTALL_HINT: &str = "install Chromium (`apt install chromium`) or set BEACON_CHROMIUM to a Chromium or Chrome executable";

/// A PDF file in the OpenAPI document: bytes, not JSON.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PdfFile(pub Vec<u8>);

/// The longest a print may take before the browser is killed.
const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Error)]
pub enum PdfError {
    #[error("no browser to print PDF with: {INSTALL_HINT}")]
    NoBrowser,
    #[error("the browser failed to print: {0}")]
    Failed(String),
    #[error("the browser did not print within {} s", TIMEOUT.as_secs())]
    TimedOut,
    #[error("cannot prepare the print: {0}")]
    Io(#[from] std::io::Error),
}

/// A directory of its own for one print, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Self> {
        let dir = std::env::temp_dir().join(format!("beacon-pdf-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Best effort: a leftover directory holds only the published report.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The flags of one offline print of `page` to `out`, with its own profile in `profile`.
fn arguments(page: &Path, out: &Path, profile: &Path) -> Vec<String> {
    vec![
        "--headless".into(),
        // Sandboxing needs user namespaces a container (and root) rarely has;
        // the page is our own escaped HTML with no script.
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-extensions".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-default-apps".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        "--no-default-browser-check".into(),
        // Every host name fails to resolve: nothing can be fetched even by mistake.
        "--host-resolver-rules=MAP * ~NOTFOUND".into(),
        format!("--user-data-dir={}", profile.display()),
        "--no-pdf-header-footer".into(),
        format!("--print-to-pdf={}", out.display()),
        format!("file://{}", page.display()),
    ]
}

/// `html` printed to PDF by the browser `config` names.
pub async fn print(html: &str, config: &PdfConfig) -> Result<Vec<u8>, PdfError> {
    let browser = config.browser.as_ref().ok_or(PdfError::NoBrowser)?;
    let started = Instant::now();
    let scratch = Scratch::new()?;
    let page = scratch.0.join("report.html");
    let out = scratch.0.join("report.pdf");
    tokio::fs::write(&page, html).await?;
    let child = tokio::process::Command::new(browser)
        .args(arguments(&page, &out, &scratch.0.join("profile")))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| PdfError::Failed(format!("cannot start {}: {e}", browser.display())))?;
    let output = tokio::time::timeout(TIMEOUT, child.wait_with_output()).await.map_err(|_| PdfError::TimedOut)??;
    let pdf = tokio::fs::read(&out).await.ok().filter(|b| b.starts_with(b"%PDF"));
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match pdf {
        Some(pdf) if output.status.success() => {
            tracing::info!(elapsed_ms, bytes = pdf.len(), browser = %browser.display(), "report printed to PDF");
            Ok(pdf)
        }
        _ => {
            // The browser's last words, for the log and the operator; they hold no report data.
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: String = stderr.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
            tracing::warn!(elapsed_ms, status = %output.status, "report PDF print failed");
            Err(PdfError::Failed(format!("{} exited with {}: {tail}", browser.display(), output.status)))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_print_is_offline_and_headless() {
        let args = arguments(Path::new("/t/r.html"), Path::new("/t/r.pdf"), Path::new("/t/p"));
        for flag in ["--headless", "--disable-extensions", "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND"] {
            assert!(args.iter().any(|a| a == flag), "{flag}");
        }
        assert_eq!(args.last().unwrap(), "file:///t/r.html");
        assert!(args.contains(&"--print-to-pdf=/t/r.pdf".to_string()));
    }

    #[tokio::test]
    async fn no_browser_says_what_to_install() {
        let err = print("<p>x</p>", &PdfConfig { browser: None }).await.unwrap_err();
        assert!(matches!(err, PdfError::NoBrowser));
        assert!(err.to_string().contains("apt install chromium") && err.to_string().contains("BEACON_CHROMIUM"));
    }
}
