//! Imports must not eat memory (issue 13, item 5), measured on the real
//! `beacon` binary in its own process, not on the in-process test app.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

/// `VmHWM` (peak resident set) and `VmRSS` of a process, in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status"))
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// The bound the server's peak resident memory must stay under while it
/// answers the hostile file (see the README's security table for what was
/// measured; before the fix the same file took it to 1.9 GB).
const PEAK_RSS_BOUND_MIB: u64 = 160;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_16_mib_roster_of_empty_rows_is_refused_with_1000_errors_in_bounded_memory() {
    use base64::Engine;
    let bin = beacon_tests::app::beacon_binary().unwrap();
    let db = beacon_tests::pg::TestDb::new().await.unwrap();
    let b64 = |k: [u8; 32]| base64::engine::general_purpose::STANDARD.encode(k);
    let out = Command::new(&bin)
        .args(["keys", "create", "--account", "Import Limits Test", "--role", "coordinator"])
        .env("DATABASE_URL", &db.url)
        .env("BEACON_AUDIT_KEY", beacon_tests::app::audit_key_base64())
        .output()
        .unwrap();
    assert!(out.status.success(), "keys create: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let key = stdout.lines().last().unwrap().trim().to_string();

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log_path = TempFile(std::env::temp_dir().join(format!("beacon-import-limits-{}.log", uuid::Uuid::new_v4().simple())));
    let log = std::fs::File::create(&log_path.0).unwrap();
    let mut server = Server {
        child: Command::new(&bin)
            .arg("serve")
            .env("DATABASE_URL", &db.url)
            .env("BEACON_AUDIT_KEY", beacon_tests::app::audit_key_base64())
            .env("BEACON_DATA_KEY", b64(rand::random()))
            .env("BEACON_INDEX_KEY", b64(rand::random()))
            .env("BEACON_ADDR", format!("127.0.0.1:{port}"))
            .env("BEACON_LOG", "warn")
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
    let pid = server.child.id();
    let (_, idle_rss) = memory_kib(pid);

    // 16 MiB (the CSV limit) of rows with every cell empty: 4.2 million rows, each
    // with four errors.
    let header = "agency,population,employee_ref,start_date\n";
    let limit = 16 * 1024 * 1024;
    let rows = (limit - header.len()) / 4;
    let mut hostile = String::with_capacity(limit);
    hostile.push_str(header);
    for _ in 0..rows {
        hostile.push_str(",,,\n");
    }
    assert!(hostile.len() <= limit && hostile.len() > limit - 4);

    let started = Instant::now();
    let r = client
        .post(format!("{base}/v1/workforce/import"))
        .bearer_auth(&key)
        .header("content-type", "text/csv")
        .body(hostile)
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(r.status().as_u16(), 422);
    let problem: Value = r.json().await.unwrap();
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1000, "at most 1,000 errors, and this file has more");
    assert_eq!(errors[0]["row"], 2);
    assert!(problem["detail"].as_str().unwrap().contains("checking stopped"), "{problem}");

    let (peak, rss) = memory_kib(pid);
    println!(
        "hostile 16 MiB roster: answered in {took:?}; server RSS idle {} MiB, after {} MiB, peak (VmHWM) {} MiB",
        idle_rss / 1024,
        rss / 1024,
        peak / 1024
    );
    assert!(peak / 1024 < PEAK_RSS_BOUND_MIB, "peak RSS {} MiB", peak / 1024);

    // The server is still answering.
    let r = client.get(format!("{base}/v1/workforce")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
}
