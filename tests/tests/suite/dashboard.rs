//! The coordinator's dashboard in a real browser: headless Debian Chromium driven by
//! playwright-core (`tests/browser/dashboard.test.mjs`) against the real app with a seeded year
//! of incidents. The script signs in, checks the charts, the calendar, the queues, the editor's
//! in-browser verdicts and axe-core, and saves one activity, which this test then finds in
//! PostgreSQL. Like the intake form's test it never skips: a missing browser fails, saying what
//! to install.

use crate::browser::{chromium, preconditions, use_package, wasm_pkg};
use crate::stats_api::seed;
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use chrono::NaiveDate;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_works_in_a_real_browser() {
    let root = xtask::workspace_root();
    let pkg = wasm_pkg(&root);
    preconditions(&root, &pkg);
    use_package(&pkg);

    let app = TestApp::spawn().await.unwrap();
    app.set_today(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
    let key = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let reporter = app.reporter("State Police", "desp").await.unwrap();
    seed(&app, "Hartford", "2026-02-10", 30).await;
    seed(&app, "New Haven", "2026-05-01", 3).await;
    seed(&app, "Stamford", "2026-10-10", 15).await;

    let screenshots = match std::env::var_os("BEACON_UPDATE_SCREENSHOTS") {
        Some(v) if v == "1" => root.join("docs").join("screenshots"),
        _ => xtask::target_dir().join("browser-tests"),
    };
    std::fs::create_dir_all(&screenshots).unwrap();
    let mut node = std::process::Command::new("node");
    node.current_dir(&root)
        .arg("tests/browser/dashboard.test.mjs")
        .env("BEACON_API", &app.address)
        .env("BEACON_KEY", &key)
        .env("BEACON_REPORTER_KEY", &reporter)
        .env("BEACON_K", "11")
        .env("BEACON_CHROMIUM", chromium())
        .env("BEACON_SCREENSHOTS", &screenshots);
    let output = tokio::task::spawn_blocking(move || node.output()).await.unwrap();
    let output = output.expect("could not run node (Node.js 20+ is needed)");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(output.status.success(), "the dashboard test failed ({}):\n{stdout}\n{stderr}", output.status);

    let saved = app.get("/v1/reports/activities?year=2026", &key).await.unwrap();
    let saved: serde_json::Value = saved.json().await.unwrap();
    let descriptions: Vec<&str> = saved["items"].as_array().unwrap().iter().filter_map(|a| a["description"].as_str()).collect();
    assert_eq!(descriptions, ["Dashboard test: outreach to shelters in Windham County."], "exactly the one activity the browser saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_is_served_from_the_binary_with_a_strict_csp() {
    let app = TestApp::spawn().await.unwrap();
    for (path, kind) in [
        ("/dashboard", "text/html"),
        ("/dashboard/dashboard.js", "text/javascript"),
        ("/dashboard/dashboard.css", "text/css"),
    ] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let headers = r.headers().clone();
        assert!(headers["content-type"].to_str().unwrap().starts_with(kind), "{path}: {:?}", headers["content-type"]);
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
    }
    // The page holds no data: without a key, the API it calls refuses.
    let r = app.client.get(app.url("/v1/calendar")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(app.client.get(app.url("/dashboard/other.js")).send().await.unwrap().status().as_u16(), 404);
}
