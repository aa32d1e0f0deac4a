//! Hardening at the edge: rate limits, CORS, security headers, request ids,
//! and logs that never hold a body, a sealed value or a key.

use crate::api_incidents::incident;
use beacon_api::config::RateLimits;
use beacon_tests::app::TestApp;
use serde_json::{json, Value};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn limits(per_ip: u32, per_key: u32, failed_auth: u32) -> RateLimits {
    RateLimits {
        per_ip: NonZeroU32::new(per_ip).unwrap(),
        per_key: NonZeroU32::new(per_key).unwrap(),
        failed_auth: NonZeroU32::new(failed_auth).unwrap(),
        ..RateLimits::default()
    }
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    r.headers().get(name).and_then(|v| v.to_str().ok())
}

/// A 429 is problem+json with code `rate_limited` and a whole-seconds `Retry-After` ≥ 1.
async fn assert_rate_limited(r: reqwest::Response) -> u64 {
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(header(&r, "content-type"), Some("application/problem+json"));
    let retry: u64 = header(&r, "retry-after").expect("Retry-After").parse().expect("whole seconds");
    assert!(retry >= 1, "Retry-After {retry}");
    assert_security_headers(&r);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], 429);
    assert_eq!(body["code"], "rate_limited");
    assert_eq!(body["type"], "https://beacon.ct.gov/problems/rate_limited");
    assert_eq!(body["title"], "Too Many Requests");
    retry
}

fn assert_security_headers(r: &reqwest::Response) {
    let path = r.url().path().to_string();
    let csp = header(r, "content-security-policy").unwrap_or_else(|| panic!("no CSP on {path}"));
    assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    assert_eq!(header(r, "x-content-type-options"), Some("nosniff"), "{path}");
    assert_eq!(header(r, "referrer-policy"), Some("no-referrer"), "{path}");
    assert_eq!(header(r, "x-frame-options"), Some("DENY"), "{path}");
    let hsts = header(r, "strict-transport-security").unwrap_or_else(|| panic!("no HSTS on {path}"));
    let max_age: u64 = hsts.strip_prefix("max-age=").and_then(|v| v.split(';').next()).and_then(|v| v.parse().ok()).unwrap_or(0);
    assert!(max_age >= 31_536_000, "{path}: {hsts}");
    let permissions = header(r, "permissions-policy").unwrap_or_else(|| panic!("no Permissions-Policy on {path}"));
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"] {
        assert!(permissions.contains(feature), "{path}: {permissions} lacks {feature}");
    }
    let id = header(r, "x-request-id").unwrap_or_else(|| panic!("no X-Request-Id on {path}"));
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{path}: X-Request-Id {id}");
    assert!(header(r, "access-control-allow-origin").is_none(), "{path}");
    if path.starts_with("/v1/") {
        assert_eq!(header(r, "cache-control"), Some("no-store"), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_from_one_address_are_429_with_retry_after() {
    let app = TestApp::spawn_with_limits(limits(3, 1000, 1000)).await.unwrap();
    for _ in 0..2 {
        let r = app.client.get(app.url("/openapi.json")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    // A preflight is a request too.
    let r = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/v1/incidents"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = app.client.get(app.url("/openapi.json")).send().await.unwrap();
    // 3 a minute: the next request is allowed within 20 seconds.
    let retry = assert_rate_limited(r).await;
    assert!(retry <= 20, "Retry-After {retry}");
    // Every route shares the address's budget, and a key does not help.
    let key = app.reporter("DCF", "dcf").await.unwrap();
    assert_rate_limited(app.get("/v1/incidents", &key).await.unwrap()).await;
    // Another address has its own budget.
    let r = from_other_address().get(app.url("/openapi.json")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The health routes are not counted, so a load balancer's probe is never refused.
    let r = app.client.get(app.url("/health/live")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

/// A client whose requests come from 127.0.0.2, another peer address.
fn from_other_address() -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_key_budget_is_independent_of_the_address_budget() {
    let app = TestApp::spawn_with_limits(limits(1000, 2, 1000)).await.unwrap();
    let first = app.reporter("DCF", "dcf").await.unwrap();
    let second = app.reporter("DCF", "dcf").await.unwrap();
    for _ in 0..2 {
        assert_eq!(app.get("/v1/incidents", &first).await.unwrap().status().as_u16(), 200);
    }
    assert_rate_limited(app.get("/v1/incidents", &first).await.unwrap()).await;
    // Same address, another key: its own budget.
    assert_eq!(app.get("/v1/incidents", &second).await.unwrap().status().as_u16(), 200);
    // Same address, no key: only the address budget applies.
    let r = app.client.get(app.url("/openapi.json")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The first key is still limited however its bearer scheme is spelt.
    let r = app
        .client
        .get(app.url("/v1/incidents"))
        .header("authorization", format!("bearer   {first}"))
        .send()
        .await
        .unwrap();
    assert_rate_limited(r).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_authentication_locks_the_address_out() {
    let app = TestApp::spawn_with_limits(limits(1000, 1000, 3)).await.unwrap();
    let good = app.reporter("DCF", "dcf").await.unwrap();
    for attempt in 0..3 {
        let r = app.get("/v1/incidents", &format!("bk_guess{attempt}")).await.unwrap();
        assert_eq!(r.status().as_u16(), 401, "attempt {attempt}");
    }
    // The budget is spent: refused before any handler runs, even with a valid
    // key, even for a route that needs none, and again on the next request.
    assert_rate_limited(app.get("/v1/incidents", &good).await.unwrap()).await;
    let r = app.client.get(app.url("/v1/codes")).send().await.unwrap();
    assert_rate_limited(r).await;
    let r = app.client.get(app.url("/v1/codes")).send().await.unwrap();
    assert_rate_limited(r).await;
    // Except the health routes, which are never limited.
    let r = app.client.get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Another address is not locked out.
    let r = from_other_address().get(app.url("/v1/incidents")).bearer_auth(&good).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn successful_requests_do_not_spend_the_failed_authentication_budget() {
    let app = TestApp::spawn_with_limits(limits(1000, 1000, 2)).await.unwrap();
    let good = app.reporter("DCF", "dcf").await.unwrap();
    for _ in 0..5 {
        assert_eq!(app.get("/v1/incidents", &good).await.unwrap().status().as_u16(), 200);
    }
    assert_eq!(app.get("/v1/incidents", "bk_wrong").await.unwrap().status().as_u16(), 401);
    assert_eq!(app.get("/v1/incidents", &good).await.unwrap().status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_origin_preflight_gets_no_allow_origin() {
    let app = TestApp::spawn().await.unwrap();
    for origin in ["https://evil.example", "https://safeharbor.example", app.address.as_str()] {
        for path in ["/v1/incidents", "/v1/codes", "/health/live", "/v1/intake"] {
            let r = app
                .client
                .request(reqwest::Method::OPTIONS, app.url(path))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "authorization, content-type")
                .send()
                .await
                .unwrap();
            assert!(!r.status().is_success(), "{origin} {path}: {}", r.status());
            for h in ["access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers"] {
                assert!(header(&r, h).is_none(), "{origin} {path}: {h}");
            }
            assert_security_headers(&r);
            assert_eq!(header(&r, "content-type"), Some("application/problem+json"));
        }
    }
    // A plain cross-origin request still runs (a browser will not show
    // another origin the answer without the header), and gets no grant.
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let r = app
        .client
        .get(app.url("/v1/incidents"))
        .bearer_auth(&key)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_security_headers(&r);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_are_on_every_response() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let r = app.post_json("/v1/incidents", &key, incident("Hartford", "2026-06-01").to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    assert_security_headers(&r);
    let r = app.get("/v1/incidents", &key).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_security_headers(&r);
    let r = app.get("/v1/incidents", "bk_wrong").await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_security_headers(&r);
    for (path, status) in [("/health/live", 200), ("/nowhere", 404), ("/v1/nowhere", 404), ("/openapi.json", 200)] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{path}");
        assert_security_headers(&r);
    }
    // Each response has its own request id.
    let a = app.client.get(app.url("/health/live")).send().await.unwrap();
    let b = app.client.get(app.url("/health/live")).send().await.unwrap();
    assert_ne!(header(&a, "x-request-id"), header(&b, "x-request-id"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_still_work_under_their_csp() {
    let app = TestApp::spawn().await.unwrap();
    let r = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_security_headers(&r);
    let csp = header(&r, "content-security-policy").unwrap().to_string();
    for directive in ["script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'"] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("'unsafe-eval'"), "{csp}");
    let script_src = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
    assert!(!script_src.contains("unsafe-inline"), "scripts stay 'self': {csp}");
    // So the page must have no inline script: every <script> loads a file.
    let html = r.text().await.unwrap();
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty(), "{html}");
    for tag in scripts {
        let open = tag.split('>').next().unwrap();
        assert!(open.contains("src="), "inline script in /docs/: <script{open}>");
        let body = tag.split_once('>').unwrap().1.split("</script>").next().unwrap();
        assert!(body.trim().is_empty(), "inline script body in /docs/: {body}");
    }
    for asset in ["/docs/swagger-initializer.js", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/openapi.json"] {
        let r = app.client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{asset}");
    }
    // The API's own responses keep the strict policy.
    let r = app.client.get(app.url("/health/live")).send().await.unwrap();
    assert!(!header(&r, "content-security-policy").unwrap().contains("script-src"));
}

/// The real `beacon serve`, killed on every path out of the test.
struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A file removed on every path out of the test.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn beacon_binary() -> PathBuf {
    beacon_tests::app::beacon_binary().unwrap()
}

/// How `Debug` prints a byte string: `77, 65, 82, …`.
fn as_bytes(text: &str) -> String {
    text.bytes().map(|b| b.to_string()).collect::<Vec<_>>().join(", ")
}

const LOG_MARKERS: [&str; 6] = [
    "MARKER-GIVEN-e9c1",
    "MARKER-FAMILY-e9c1",
    "MARKER-NARRATIVE-e9c1",
    "marker-e9c1@example.org",
    "MARKER-QUERY-e9c1",
    "MARKER-BADJSON-e9c1",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_most_verbose_log_holds_no_sealed_value_body_query_or_key() {
    use base64::Engine;
    let bin = beacon_binary();
    let db = beacon_tests::pg::TestDb::new().await.unwrap();
    let data_key = base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>());
    let index_key = base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>());

    let out = Command::new(&bin)
        .args(["keys", "create", "--account", "Edge Log Test", "--role", "reporter", "--agency", "dcf"])
        .env("DATABASE_URL", &db.url)
        .env("BEACON_AUDIT_KEY", beacon_tests::app::audit_key_base64())
        .output()
        .unwrap();
    assert!(out.status.success(), "keys create: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let key = stdout.lines().last().unwrap().trim().to_string();
    assert!(key.starts_with("bk_"), "{stdout}");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log_path = TempFile(std::env::temp_dir().join(format!("beacon-edge-log-{}.log", uuid::Uuid::new_v4().simple())));
    let log = std::fs::File::create(&log_path.0).unwrap();
    let mut server = Server {
        child: Command::new(&bin)
            .arg("serve")
            .env("DATABASE_URL", &db.url)
            .env("BEACON_DATA_KEY", &data_key)
            .env("BEACON_INDEX_KEY", &index_key)
            .env("BEACON_AUDIT_KEY", beacon_tests::app::audit_key_base64())
            .env("BEACON_ADDR", format!("127.0.0.1:{port}"))
            .env("BEACON_LOG", "trace")
            .env_remove("BEACON_RATE_PER_IP")
            .env_remove("BEACON_RATE_PER_KEY")
            .env_remove("BEACON_RATE_FAILED_AUTH")
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap(),
    };
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            panic!("beacon serve exited ({status}): {}", std::fs::read_to_string(&log_path.0).unwrap_or_default());
        }
        let ready = client.get(format!("{base}/health/ready")).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        assert!(Instant::now() < deadline, "beacon serve not ready in 60 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mut body = incident("Hartford", "2026-06-01");
    body["narrative"] = json!(LOG_MARKERS[2]);
    body["victims"][0]["identity"] = json!({
        "given_name": LOG_MARKERS[0], "family_name": LOG_MARKERS[1],
        "email": LOG_MARKERS[3], "date_of_birth": "1992-01-01"
    });
    let created = client
        .post(format!("{base}/v1/incidents"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let request_id = header(&created, "x-request-id").expect("X-Request-Id").to_string();

    // A search value, a body that is not JSON, a wrong-case key and a garbage one.
    let searched = client
        .get(format!("{base}/v1/incidents?town={}", LOG_MARKERS[4]))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert!(searched.status().is_client_error() || searched.status().is_success());
    let bad_json = client
        .post(format!("{base}/v1/incidents"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(format!("{{\"narrative\": \"{}\", ", LOG_MARKERS[5]))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_json.status().as_u16(), 400);
    for wrong in [key.to_uppercase(), format!("{key}garbage")] {
        let r = client
            .post(format!("{base}/v1/incidents"))
            .bearer_auth(&wrong)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401);
    }

    drop(server);
    let log = std::fs::read_to_string(&log_path.0).unwrap();
    assert!(!log.trim().is_empty(), "the server logged nothing");
    assert!(log.contains("\"level\":\"TRACE\""), "BEACON_LOG=trace was not in force");
    assert!(log.contains("/v1/incidents"), "the request path is not in the log");
    assert!(log.contains(&request_id), "X-Request-Id {request_id} is not the id in the log");
    // telemetry caps tokio_postgres at info, so bind parameters (which would
    // show as byte lists) are not logged even at trace; the byte-form search
    // below guards against that cap being lost.
    assert!(!log.contains(&as_bytes("Hartford")), "SQL bind parameters reached the log");
    for marker in LOG_MARKERS {
        assert!(!log.contains(marker), "{marker} found in the server log");
        // tokio-postgres logs every bind parameter at debug level, as bytes.
        assert!(!log.contains(&as_bytes(marker)), "{marker} found in the server log as bytes");
    }
    assert!(!log.contains(&key), "the API key is in the server log");
    assert!(!log.contains(&as_bytes(&key)), "the API key is in the server log as bytes");
    assert!(!log.contains(&key.to_uppercase()), "the wrong-case key is in the server log");
    let secret = key.trim_start_matches("bk_");
    assert!(!log.contains(secret), "the key's secret part is in the server log");
}

/// A test proxy: a second listener that forwards every request to `upstream`
/// from 127.0.0.1, appending its own peer's address to `X-Forwarded-For`, as
/// a load balancer does. Returns its base URL.
async fn forwarding_proxy(upstream: String) -> String {
    use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
    async fn forward(req: HttpRequest, body: web::Bytes, upstream: web::Data<(String, reqwest::Client)>) -> HttpResponse {
        let (base, client) = upstream.get_ref();
        let peer = req.peer_addr().unwrap().ip();
        let xff = match req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
            Some(earlier) => format!("{earlier}, {peer}"),
            None => peer.to_string(),
        };
        let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes()).unwrap();
        let mut out = client.request(method, format!("{base}{}", req.uri())).body(body.to_vec());
        for (name, value) in req.headers() {
            if !matches!(name.as_str(), "host" | "x-forwarded-for" | "connection" | "content-length") {
                out = out.header(name.as_str(), value.as_bytes());
            }
        }
        let answer = out.header("x-forwarded-for", xff).send().await.unwrap();
        let mut back = HttpResponse::build(actix_web::http::StatusCode::from_u16(answer.status().as_u16()).unwrap());
        for (name, value) in answer.headers() {
            if !matches!(name.as_str(), "connection" | "content-length" | "transfer-encoding") {
                back.append_header((name.as_str(), value.as_bytes()));
            }
        }
        back.body(answer.bytes().await.unwrap())
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let data = web::Data::new((upstream, reqwest::Client::new()));
    let server = HttpServer::new(move || App::new().app_data(data.clone()).default_service(web::to(forward)))
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
    tokio::spawn(server);
    format!("http://127.0.0.1:{port}")
}

/// A client whose requests come from `127.0.0.{last}`.
fn from_address(last: u8) -> reqwest::Client {
    reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, last])).build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_one_clients_failed_logins_leave_other_clients_and_health_answered() {
    // The defaults (20 failed authentications a minute), the proxy on 127.0.0.1 trusted.
    let limits = RateLimits {
        trusted_proxies: beacon_api::config::TrustedProxies::parse("127.0.0.1/32").unwrap(),
        ..RateLimits::default()
    };
    let app = TestApp::spawn_with_limits(limits).await.unwrap();
    let good = app.reporter("DCF", "dcf").await.unwrap();
    let proxy = forwarding_proxy(app.address.clone()).await;
    let (attacker, other) = (from_address(2), from_address(3));

    // 1,000 anonymous requests from one client behind the proxy, each forging
    // an X-Forwarded-For that names the other client (the proxy appends the
    // true address, and only the rightmost untrusted hop counts).
    let mut statuses = std::collections::BTreeMap::new();
    for _ in 0..1000 {
        let r = attacker.get(format!("{proxy}/v1/incidents")).header("x-forwarded-for", "127.0.0.3").send().await.unwrap();
        *statuses.entry(r.status().as_u16()).or_insert(0) += 1;
    }
    // 20 401s, then 429s (a unit refills every 3 s, so a slow run lets a few more through).
    let failed = statuses.get(&401).copied().unwrap_or(0);
    assert!((20..60).contains(&failed), "the budget is the attacker's own: {statuses:?}");
    assert_eq!(statuses.get(&429).copied().unwrap_or(0) + failed, 1000, "{statuses:?}");
    // Still locked out, key or not.
    let r = attacker.get(format!("{proxy}/v1/incidents")).bearer_auth(&good).send().await.unwrap();
    assert_rate_limited(r).await;

    // Another client behind the same proxy: answered normally.
    for _ in 0..5 {
        let r = other.get(format!("{proxy}/v1/incidents")).bearer_auth(&good).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    // The health routes are never rate-limited, not even for the locked-out client.
    for client in [&other, &attacker] {
        for path in ["/health/ready", "/health/live"] {
            let r = client.get(format!("{proxy}{path}")).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "{path}");
        }
    }
    // Not through the trusted proxy, a forged header is ignored: the peer counts.
    let r = from_address(4).get(app.url("/v1/incidents")).header("x-forwarded-for", "127.0.0.2").bearer_auth(&good).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_health_routes_are_never_rate_limited() {
    let app = TestApp::spawn_with_limits(limits(2, 1000, 1)).await.unwrap();
    for _ in 0..5 {
        assert_eq!(app.client.get(app.url("/health/ready")).send().await.unwrap().status().as_u16(), 200);
    }
    assert_eq!(app.get("/v1/incidents", "bk_wrong").await.unwrap().status().as_u16(), 401);
    assert_rate_limited(app.client.get(app.url("/v1/codes")).send().await.unwrap()).await;
    assert_eq!(app.client.get(app.url("/health/ready")).send().await.unwrap().status().as_u16(), 200);
    assert_eq!(app.client.get(app.url("/health/live")).send().await.unwrap().status().as_u16(), 200);
}
