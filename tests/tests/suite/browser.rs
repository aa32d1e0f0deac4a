//! The partner intake form in a real browser: headless Debian Chromium driven by
//! playwright-core (`tests/browser/intake.test.mjs`), against the real app.
//!
//! This test starts the app (its own database), a partner's page on another port that embeds
//! `<beacon-intake-form>` exactly as a partner would (the script from the API's `/embed/pkg/`,
//! a partner key bound to the page's origin), runs the node script, then checks in PostgreSQL
//! what the browser submitted: one row per receipt, and exactly one for the submission whose
//! connection was cut after the server had answered.
//!
//! Needs `/usr/bin/chromium` (or `BEACON_CHROMIUM`), `tests/browser/node_modules` and the built
//! package; `cargo xtask test` installs and builds all three. Missing, the test FAILS saying
//! what to do: it never skips.

use beacon_api::security::{keys, Role};
use beacon_tests::app::TestApp;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The partner's page: two lines of embedding, nothing else of Beacon's.
fn partner_page(api: &str, key: &str, exit_url: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>Get help — Safe Harbor</title>\n</head>\n<body>\n<main>\n<h1>Safe Harbor</h1>\n\
<script type=\"module\" src=\"{api}/embed/pkg/beacon-intake-form.js\"></script>\n\
<beacon-intake-form api=\"{api}\" key=\"{key}\" lang=\"en\" exit-url=\"{exit_url}\"></beacon-intake-form>\n\
</main>\n</body>\n</html>\n"
    )
}

const NEUTRAL_PAGE: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Weather</title></head><body><main><h1>Today's weather</h1><p>Sunny, 21 °C.</p></main></body></html>\n";

/// A tiny HTTP/1.1 server for the partner's site: `/` the page, `/weather` the neutral page
/// Quick exit goes to. One request per connection.
struct PartnerSite {
    origin: String,
    stop: Arc<AtomicBool>,
}

impl PartnerSite {
    fn bind() -> (TcpListener, String) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        (listener, origin)
    }

    fn serve(listener: TcpListener, origin: String, page: String) -> PartnerSite {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let page = page.clone();
                    std::thread::spawn(move || answer(stream, &page));
                }
            }
        });
        PartnerSite { origin, stop }
    }
}

impl Drop for PartnerSite {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.origin.trim_start_matches("http://"));
    }
}

fn answer(mut stream: TcpStream, page: &str) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Read (and ignore) the headers.
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split('?').next().unwrap_or("/");
    let (status, body) = match path {
        "/" => ("200 OK", page),
        "/weather" => ("200 OK", NEUTRAL_PAGE),
        _ => ("404 Not Found", "not found\n"),
    };
    let content_type = if status.starts_with("200") { "text/html; charset=utf-8" } else { "text/plain" };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}

pub(crate) fn chromium() -> PathBuf {
    std::env::var_os("BEACON_CHROMIUM")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

pub(crate) fn wasm_pkg(root: &Path) -> PathBuf {
    match std::env::var_os("BEACON_WASM_PKG") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        _ => root.join("wasm").join("pkg"),
    }
}

/// Everything the browser test needs, or a failure saying how to get it.
pub(crate) fn preconditions(root: &Path, pkg: &Path) {
    let browser = chromium();
    assert!(
        browser.exists(),
        "BROWSER TESTS CANNOT RUN: no Chromium at {} (BEACON_CHROMIUM). Install Debian's package: \
         `apt-get install -y chromium` (`cargo xtask test` does it when run as root).",
        browser.display()
    );
    let modules = root.join("tests/browser/node_modules/playwright-core/package.json");
    assert!(
        modules.exists(),
        "BROWSER TESTS CANNOT RUN: tests/browser/node_modules is missing: `npm ci --prefix tests/browser` \
         (`cargo xtask test` does it)"
    );
    for file in ["beacon-intake-form.js", "beacon-intake-form.css", "beacon_wasm.js", "beacon_wasm_bg.wasm"] {
        assert!(
            pkg.join(file).exists(),
            "BROWSER TESTS CANNOT RUN: {} is missing: `cargo xtask wasm` builds the package",
            pkg.join(file).display()
        );
    }
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn count(app: &TestApp, sql: &str, reference: Option<&str>) -> i64 {
    use diesel_async::RunQueryDsl;
    let mut conn = app.conn().await.unwrap();
    let query = diesel::sql_query(sql);
    let rows: Vec<Count> = match reference {
        Some(r) => query.bind::<diesel::sql_types::Text, _>(r.to_string()).load(&mut conn).await.unwrap(),
        None => query.load(&mut conn).await.unwrap(),
    };
    rows.into_iter().next().map(|c| c.n).unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_intake_form_works_in_a_real_browser() {
    let root = xtask::workspace_root();
    let pkg = wasm_pkg(&root);
    preconditions(&root, &pkg);

    use_package(&pkg);
    let app = TestApp::spawn().await.unwrap();
    let (listener, page_origin) = PartnerSite::bind();
    let key = {
        let mut conn = app.conn().await.unwrap();
        keys::issue(&mut conn, "Safe Harbor", Role::Partner, std::slice::from_ref(&page_origin))
            .await
            .unwrap()
            .secret
    };
    // The API's own demo page posts from the API's origin.
    let demo_key = {
        let mut conn = app.conn().await.unwrap();
        keys::issue(&mut conn, "Demo", Role::Partner, std::slice::from_ref(&app.address))
            .await
            .unwrap()
            .secret
    };
    let exit_url = format!("{page_origin}/weather");
    let site = PartnerSite::serve(listener, page_origin.clone(), partner_page(&app.address, &key, &exit_url));

    let screenshots = match std::env::var_os("BEACON_UPDATE_SCREENSHOTS") {
        Some(v) if v == "1" => root.join("docs").join("screenshots"),
        _ => xtask::target_dir().join("browser-tests"),
    };
    std::fs::create_dir_all(&screenshots).unwrap();

    let mut node = std::process::Command::new("node");
    node.current_dir(&root)
        .arg("tests/browser/intake.test.mjs")
        .env("BEACON_API", &app.address)
        .env("BEACON_PAGE", format!("{page_origin}/"))
        .env("BEACON_EXIT_URL", &exit_url)
        .env("BEACON_DEMO_KEY", &demo_key)
        .env("BEACON_WASM_PKG", &pkg)
        .env("BEACON_CHROMIUM", chromium())
        .env("BEACON_SCREENSHOTS", &screenshots);
    let output = tokio::task::spawn_blocking(move || node.output()).await.unwrap();
    let output = output.expect("could not run node (Node.js 20+ is needed)");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    println!("{stdout}");
    eprintln!("{stderr}");
    drop(site);
    assert!(
        output.status.success(),
        "the browser test failed ({}):\n{stdout}\n{stderr}",
        output.status
    );

    let result: Value = stdout
        .lines()
        .find_map(|line| line.strip_prefix("RESULT "))
        .map(|json| serde_json::from_str(json).unwrap())
        .expect("the browser test printed no RESULT line");
    std::fs::write(
        xtask::target_dir().join("browser-tests").join("measurements.json"),
        serde_json::to_string_pretty(&result["measurements"]).unwrap(),
    )
    .ok();

    // Every receipt the browser showed is one row; the retried one exactly one.
    let references: Vec<&str> = result["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(references.len() >= 3, "{references:?}");
    for reference in &references {
        let n = count(&app, "SELECT count(*) AS n FROM intake_submissions WHERE reference = $1", Some(reference)).await;
        assert_eq!(n, 1, "rows for receipt {reference}");
    }
    let retried = result["retried_reference"].as_str().unwrap();
    assert!(references.contains(&retried));
    let total = count(&app, "SELECT count(*) AS n FROM intake_submissions", None).await;
    assert_eq!(
        total,
        references.len() as i64,
        "one row per receipt, none for the cut connection's retry"
    );
    // The submission with contact details: sealed, not in clear columns.
    let with_contact = result["contact_reference"].as_str().unwrap();
    let sealed = count(
        &app,
        "SELECT count(*) AS n FROM intake_submissions WHERE reference = $1 AND contact_sealed IS NOT NULL \
         AND notes_sealed IS NOT NULL AND town = 'New London' AND safe_to_contact",
        Some(with_contact),
    )
    .await;
    assert_eq!(sealed, 1, "the contact submission was stored with its contact and notes sealed");
}

/// The API serves the package from `BEACON_WASM_PKG` (default `wasm/pkg` under the current
/// directory, which is `tests/` under cargo test): point it at the package the tests use.
/// `cargo xtask test` sets it already. Rust's std serialises environment access, and every
/// test of this binary that reads the variable wants this same value.
pub(crate) fn use_package(pkg: &Path) {
    if std::env::var_os("BEACON_WASM_PKG").as_deref() != Some(pkg.as_os_str()) {
        std::env::set_var("BEACON_WASM_PKG", pkg);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_package_is_served_with_its_content_types_and_nothing_else() {
    let root = xtask::workspace_root();
    let pkg = wasm_pkg(&root);
    for file in ["beacon-intake-form.js", "beacon_wasm_bg.wasm"] {
        assert!(pkg.join(file).exists(), "{} is missing: `cargo xtask wasm`", pkg.join(file).display());
    }
    use_package(&pkg);
    let app = TestApp::spawn().await.unwrap();
    let get = |path: String| {
        app.client
            .get(app.url(&path))
            .header("origin", "https://partner.example")
            .send()
    };
    let header = |r: &reqwest::Response, name: &str| {
        r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    };
    let snippet = std::fs::read_dir(pkg.join("snippets"))
        .unwrap()
        .flatten()
        .map(|dir| format!("snippets/{}/inline0.js", dir.file_name().to_string_lossy()))
        .next()
        .unwrap();
    for (file, content_type) in [
        ("beacon-intake-form.js".to_string(), "text/javascript; charset=utf-8"),
        ("beacon-intake-form.css".to_string(), "text/css; charset=utf-8"),
        ("beacon_wasm.js".to_string(), "text/javascript; charset=utf-8"),
        ("beacon_wasm_bg.wasm".to_string(), "application/wasm"),
        (snippet, "text/javascript; charset=utf-8"),
    ] {
        let r = get(format!("/embed/pkg/{file}")).await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{file}");
        assert_eq!(header(&r, "content-type"), content_type, "{file}");
        // Loaded by partners' pages on other origins: a module script and a fetch are CORS requests.
        assert_eq!(header(&r, "access-control-allow-origin"), "*", "{file}");
        assert_eq!(header(&r, "cross-origin-resource-policy"), "cross-origin", "{file}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{file}");
        let body = r.bytes().await.unwrap();
        assert_eq!(body.as_ref(), std::fs::read(pkg.join(&file)).unwrap().as_slice(), "{file}");
    }
    for bad in [
        "package.json",
        "beacon_wasm.d.ts",
        "beacon_wasm_bg.wasm.d.ts",
        "nope.js",
        "..%2F..%2FCargo.toml",
        "snippets%2F..%2F..%2FCargo.toml",
        "snippets/beacon-wasm-00/../../../Cargo.toml",
        "snippets/beacon-wasm-00/inline0.js",
    ] {
        let r = get(format!("/embed/pkg/{bad}")).await.unwrap();
        assert_eq!(r.status().as_u16(), 404, "{bad}");
        assert_eq!(header(&r, "access-control-allow-origin"), "", "{bad}");
    }

    let r = get("/embed/demo".to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&r, "content-security-policy"), beacon_api::edge::headers::CSP_EMBED);
    let page = r.text().await.unwrap();
    assert!(page.contains("<script type=\"module\" src=\"/embed/pkg/beacon-intake-form.js\"></script>"), "{page}");
    assert!(page.contains("key=\"bpk_REPLACE_WITH_A_PARTNER_KEY\""), "{page}");
    let r = get("/embed/demo?key=bpk_%22%3E%3Cscript%3Ealert(1)%3C/script%3E".to_string()).await.unwrap();
    let page = r.text().await.unwrap();
    assert!(!page.contains("alert(1)"), "a key that is not a key never reaches the page");
    let r = get("/embed/demo?key=bpk_Abc-123_x&lang=es".to_string()).await.unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("key=\"bpk_Abc-123_x\" lang=\"es\""), "{page}");
    // The rest of the API keeps its own CSP.
    let r = get("/health/live".to_string()).await.unwrap();
    assert_eq!(header(&r, "content-security-policy"), beacon_api::edge::headers::CSP_API);
}
