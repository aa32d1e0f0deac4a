//! The coordinator's report printed to PDF by headless Chromium, over HTTP
//! and by `beacon report coordinator`: the text `pdftotext` reads back has
//! every section and chart, and no table shows a count from 1 to k − 1.
//! Chromium and pdftotext are installed here and on CI; a test without them
//! fails and says what to install.

use crate::report_coordinator::{seeded, K};
use beacon_api::config::PdfConfig;
use beacon_api::pdf::Printer;
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

/// The seeded report's page, as the server renders it.
async fn seeded_html() -> String {
    let (app, key) = seeded().await;
    seeded_page(&app, &key).await
}

async fn seeded_page(app: &TestApp, key: &str) -> String {
    let r = app.get("/v1/reports/coordinator/2026?format=html", key).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.text().await.unwrap()
}

fn printer() -> Printer {
    let config = PdfConfig::from_env().unwrap();
    assert!(config.browser.is_some(), "no Chromium: install chromium, or set BEACON_CHROMIUM");
    Printer::new(config)
}

fn printed_text(pdf: &[u8]) -> String {
    let file = TempFile::new("pdf");
    std::fs::write(&file.0, pdf).unwrap();
    pdftotext(&file.0)
}

/// Whether process `pid` still runs (a zombie does not count).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.rsplit(')').next().is_some_and(|rest| !rest.trim_start().starts_with('Z')))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_print_reuses_the_running_browser() {
    let html = seeded_html().await;
    let printer = printer();
    assert_eq!(printer.browser_pid().await, None, "the browser starts on the first print, not before");
    printer.print(&html).await.unwrap();
    let pid = printer.browser_pid().await.expect("a browser runs after a print");
    let second = printer.print(&html).await.unwrap();
    assert_eq!(printer.browser_pid().await, Some(pid), "the same browser printed again");
    check_printed(&printed_text(&second));
    printer.shutdown().await;
    assert!(!running(pid), "shutdown stops the browser");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_print_after_the_browser_was_killed_starts_another_and_succeeds() {
    let html = seeded_html().await;
    let printer = printer();
    printer.print(&html).await.unwrap();
    let pid = printer.browser_pid().await.unwrap();
    let killed = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap();
    assert!(killed.success());
    // The printer learns of the death when the pipe closes.
    for _ in 0..50 {
        if printer.browser_pid().await != Some(pid) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let pdf = printer.print(&html).await.unwrap();
    check_printed(&printed_text(&pdf));
    let new_pid = printer.browser_pid().await.unwrap();
    assert_ne!(new_pid, pid, "a new browser printed");
    printer.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_printed_fetches_nothing() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let html = format!(
        "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"http://127.0.0.1:{port}/s.css\"></head>\
         <body><p>Offline</p><img src=\"http://127.0.0.1:{port}/i.png\"><script src=\"http://127.0.0.1:{port}/s.js\"></script></body></html>"
    );
    let printer = printer();
    let pdf = printer.print(&html).await.unwrap();
    assert!(printed_text(&pdf).contains("Offline"));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    printer.shutdown().await;
    assert!(listener.accept().is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock), "the browser made a request");
}

/// The median and the largest of `times`.
fn p50_max(mut times: Vec<std::time::Duration>) -> (std::time::Duration, std::time::Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() - 1])
}

/// Prints the seeded report over HTTP `N` times after a warm-up and logs the
/// times, with, to split them, the same report as HTML and the print alone
/// (the running browser printing the page); holds the print's median under
/// a second. A benchmark, not a check of behaviour (reuse and restart are
/// tested above): amid the whole suite on two cores its figures measure the
/// machine's load, so it runs only when asked, alone:
/// `cargo xtask test --no-clippy -- -p beacon-tests --test suite report_pdf::the_server_prints -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a timing benchmark: run it alone with --ignored (see its doc comment)"]
async fn the_server_prints_the_report_in_under_a_second_once_warm() {
    const N: usize = 10;
    let (app, key) = seeded().await;
    let timed = |path: &'static str| {
        let (app, key) = (&app, &key);
        async move {
            let started = std::time::Instant::now();
            let r = app.get(path, key).await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
            r.bytes().await.unwrap();
            started.elapsed()
        }
    };
    let first = timed("/v1/reports/coordinator/2026?format=pdf").await;
    let mut pdf = Vec::with_capacity(N);
    let mut html = Vec::with_capacity(N);
    for _ in 0..N {
        pdf.push(timed("/v1/reports/coordinator/2026?format=pdf").await);
        html.push(timed("/v1/reports/coordinator/2026?format=html").await);
    }
    let page = seeded_page(&app, &key).await;
    let printer = printer();
    printer.print(&page).await.unwrap();
    let mut print = Vec::with_capacity(N);
    for _ in 0..N {
        let started = std::time::Instant::now();
        printer.print(&page).await.unwrap();
        print.push(started.elapsed());
    }
    printer.shutdown().await;
    let ((pdf50, pdf_max), (html50, _), (print50, print_max)) = (p50_max(pdf), p50_max(html), p50_max(print));
    eprintln!(
        "PDF over HTTP: first (browser start) {first:.2?}; then {N} prints p50 {pdf50:.2?}, max {pdf_max:.2?} \
         (the report as HTML: p50 {html50:.2?}; the print alone: p50 {print50:.2?}, max {print_max:.2?})"
    );
    // The print is what the target is about; the HTTP figure adds the report's
    // build (a debug build here) and swings with whatever else the suite runs.
    assert!(print50 < std::time::Duration::from_secs(1), "the print's p50 {print50:?} is over a second");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_force_report_and_a_snapshot_print_too() {
    let (app, key) = seeded().await;
    let pdf = get_pdf(&app, &key, "/v1/reports/task_force/2026?format=pdf", None).await;
    let text = printed_text(&pdf);
    use beacon_core::stats::task_force::{ACTIVITIES_TITLE, CAPACITY_TITLE, REFERRALS_TITLE, TRENDS_TITLE};
    for title in [ACTIVITIES_TITLE, TRENDS_TITLE, REFERRALS_TITLE, CAPACITY_TITLE] {
        assert!(text.contains(title), "the task force's PDF lacks {title:?}:\n{text}");
    }
    let r = app.client.post(app.url("/v1/reports/task_force/2026")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let location = r.headers().get("location").unwrap().to_str().unwrap().to_string();
    let filed = get_pdf(&app, &key, &location, Some("application/pdf")).await;
    assert_eq!(printed_text(&filed), text, "the filed page prints as the live one did");
}
