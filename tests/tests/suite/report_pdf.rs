//! The coordinator's report printed to PDF by headless Chromium, over HTTP
//! and by `beacon report coordinator`: the text `pdftotext` reads back has
//! every section and chart, and no table shows a count from 1 to k − 1.
//! Chromium and pdftotext are installed here and on CI; a test without them
//! fails and says what to install.

use crate::report_coordinator::{seeded, K};
use beacon_tests::app::TestApp;
use std::path::{Path, PathBuf};

const SECTIONS: [&str; 5] = ["Activities of the coordinator", "Incident trends", "Recommendations", "Statutory calendar", "Methodology"];
const CHARTS: [&str; 4] = ["Incidents and victims by quarter", "Incidents per 100,000 residents by county", "Incidents and victims by trafficking type", "Vetted providers by county and service category"];

/// A file of its own in the temp dir, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(ext: &str) -> TempFile {
        TempFile(std::env::temp_dir().join(format!("beacon-report-{}.{ext}", uuid::Uuid::new_v4())))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The text of the PDF at `path`, laid out as printed.
fn pdftotext(path: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .unwrap_or_else(|e| panic!("pdftotext is needed to read the PDF ({e}): apt install poppler-utils"));
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Checks the printed report: every section title and chart, and each table
/// row (a quarter, a county or a total, then its count) shows `*`, 0 or a count ≥ k.
fn check_printed(text: &str) {
    for title in SECTIONS.iter().chain(&CHARTS) {
        assert!(text.contains(title), "the PDF lacks {title:?}:\n{text}");
    }
    let labels = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "Fairfield", "Hartford", "Litchfield", "Middlesex", "New Haven", "New London", "Tolland", "Windham", "Total"];
    let mut rows = 0;
    for line in text.lines().map(str::trim) {
        let Some(label) = labels.iter().find(|l| line.starts_with(**l)) else { continue };
        let rest = line[label.len()..].trim();
        // A table row is its label, then only its count (`*` or digits); map
        // labels that share a printed line ("Litchfield   Hartford") are not rows.
        if rest.split_whitespace().count() != 1 || !(rest == "*" || rest.chars().all(|c| c.is_ascii_digit())) {
            continue;
        }
        rows += 1;
        assert!(rest == "*" || rest.parse::<u64>().is_ok_and(|n| n == 0 || n >= K), "a printed row shows {rest}: {line:?}");
    }
    assert!(rows >= 26, "the four trend tables are printed ({rows} rows found):\n{text}");
    assert!(text.contains('*'), "the seeded year has withheld cells");
}

async fn get_pdf(app: &TestApp, key: &str, path: &str, accept: Option<&str>) -> Vec<u8> {
    let mut req = app.client.get(app.url(path)).bearer_auth(key);
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let media = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = r.bytes().await.unwrap().to_vec();
    assert_eq!(status, 200, "the server could not print (install chromium, or set BEACON_CHROMIUM): {}", String::from_utf8_lossy(&body));
    assert_eq!(media, "application/pdf");
    assert!(body.starts_with(b"%PDF"), "not a PDF");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seeded_report_prints_to_pdf_with_every_section_and_no_count_below_k() {
    let (app, key) = seeded().await;
    let pdf = get_pdf(&app, &key, "/v1/reports/coordinator/2026?format=pdf", None).await;
    let file = TempFile::new("pdf");
    std::fs::write(&file.0, &pdf).unwrap();
    check_printed(&pdftotext(&file.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_application_pdf_gives_the_pdf_and_json_still_wins_when_first() {
    let (app, key) = seeded().await;
    get_pdf(&app, &key, "/v1/reports/coordinator/2026", Some("application/pdf")).await;
    let r = app.client.get(app.url("/v1/reports/coordinator/2026")).bearer_auth(&key).header("accept", "application/json, application/pdf").send().await.unwrap();
    assert!(r.headers().get("content-type").unwrap().to_str().unwrap().starts_with("application/json"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_prints_the_same_report_offline() {
    let (app, _key) = seeded().await;
    let file = TempFile::new("pdf");
    let out = app.beacon(&["report", "coordinator", "--year", "2026", "--out", file.0.to_str().unwrap()], &[]).unwrap();
    assert!(out.status.success(), "beacon report: {} (install chromium, or set BEACON_CHROMIUM)", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&file.0).unwrap().starts_with(b"%PDF"));
    check_printed(&pdftotext(&file.0));

    // The format follows the extension.
    let html = TempFile::new("html");
    let out = app.beacon(&["report", "coordinator", "--year", "2026", "--out", html.0.to_str().unwrap()], &[]).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&html.0).unwrap().starts_with("<!DOCTYPE html>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_without_chromium_exits_2_and_says_what_to_install() {
    let (app, _key) = seeded().await;
    let file = TempFile::new("pdf");
    // No browser on PATH, and BEACON_CHROMIUM (which `cargo xtask test` sets) cleared.
    let no_browser = [("PATH", "/nonexistent".to_string()), ("BEACON_CHROMIUM", String::new())];
    let out = app.beacon(&["report", "coordinator", "--year", "2026", "--out", file.0.to_str().unwrap()], &no_browser).unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("apt install chromium") && err.contains("BEACON_CHROMIUM"), "{err}");
    assert!(!file.0.exists(), "nothing is written");

    let out = app.beacon(&["report", "coordinator", "--year", "2026", "--out", file.0.to_str().unwrap()], &[("BEACON_CHROMIUM", "/nonexistent/chromium".to_string())]).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("BEACON_CHROMIUM"));
}
