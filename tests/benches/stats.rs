//! The statistics and report queries on a statewide database, over real HTTP against the real
//! server and PostgreSQL. Not part of CI (it needs the seeded database, about 2 minutes to make):
//!
//! ```sh
//! cargo xtask seed --incidents 1000000
//! cargo bench -p beacon-tests --bench stats
//! ```
//!
//! The database is `BEACON_BENCH_DATABASE` (default `beacon_bench`) in the local cluster under
//! `.beacon/pg` (started if needed), or `BEACON_BENCH_DATABASE_URL`. Each named query runs
//! `WARMUP` times, then `RUNS` times measured; p50, p95 and the slowest are printed, and the run
//! fails when a p50 is over the target (issue 10: 150 ms) or an answer is not 200.

use beacon_api::clock::Clock;
use beacon_api::config::{MasterKey, RateLimits, StatsConfig};
use beacon_api::security::crypto::Envelope;
use beacon_api::security::{keys, Role};
use beacon_api::startup::{Application, Settings};
use chrono::NaiveDate;
use std::time::{Duration, Instant};

const TARGET: Duration = Duration::from_millis(150);
const WARMUP: usize = 3;
const RUNS: usize = 25;

/// The issue's named query set.
const QUERIES: [(&str, &str); 5] = [
    ("incidents by month × planning region, a year", "/v1/stats/incidents?period=2026&group_by=month,planning_region"),
    ("victims by trafficking type × age band × county, a year", "/v1/stats/victims?period=2026&group_by=trafficking_type,age_band,county"),
    ("victims by citizenship × quarter, three years", "/v1/stats/victims?from=2024-01-01&to=2026-12-31&group_by=citizenship,quarter"),
    ("the public table of a quarter (county)", "/public/stats/incidents?period=2026-Q3&group_by=county"),
    ("the coordinator's report on a year (every query)", "/v1/reports/coordinator/2026"),
];

fn main() {
    // `cargo test --all-targets` (and so `cargo xtask test`) runs bench
    // targets too, without `--bench`; this one needs the seeded million-row
    // database, which CI never has, so it only runs under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("stats bench: skipped outside `cargo bench -p beacon-tests --bench stats` (it needs `cargo xtask seed --incidents 1000000`)");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    let failed = runtime.block_on(run());
    std::process::exit(i32::from(failed));
}

fn database_url() -> (String, Option<xtask::pg::LocalPostgres>) {
    if let Ok(url) = std::env::var("BEACON_BENCH_DATABASE_URL") {
        return (url, None);
    }
    let name = std::env::var("BEACON_BENCH_DATABASE").unwrap_or_else(|_| "beacon_bench".to_string());
    let pg = xtask::pg::LocalPostgres::start(&xtask::beacon_dir().join("pg")).expect("the local cluster (.beacon/pg)");
    assert!(
        pg.database_exists(&name).unwrap_or(false),
        "no database {name} in .beacon/pg: run `cargo xtask seed --incidents 1000000` first"
    );
    (pg.url(&name), Some(pg))
}

async fn run() -> bool {
    let (url, _pg) = database_url();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let (clock, _) = Clock::fixed(NaiveDate::from_ymd_opt(2026, 12, 3).expect("a date"));
    let app = Application::build(
        Settings {
            database_url: url.clone(),
            // One role for both here: the seeded database is the superuser's.
            migration_database_url: Some(url.clone()),
            audit_key: beacon_api::config::AuditKey(rand::random()),
            db: beacon_api::config::DbConfig::default(),
            envelope: Envelope::new(MasterKey(rand::random()), MasterKey(rand::random())),
            clock,
            limits: RateLimits::default(),
            stats: StatsConfig::default(),
        },
        listener,
    )
    .await
    .expect("the server");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let key = {
        let pool = beacon_api::db::connect(&url).await.expect("the database");
        let mut conn = pool.get().await.expect("a connection");
        keys::issue(&mut conn, "Benchmark coordinator", Role::Coordinator, &[]).await.expect("a key").secret
    };
    let incidents = {
        let client = reqwest::Client::new();
        let r = client
            .get(format!("{address}/v1/stats/incidents?from=2000-01-01&to=2026-12-31&group_by=year&internal=true&reason=benchmark+size+check"))
            .bearer_auth(&key)
            .send()
            .await
            .expect("the size check");
        let body: serde_json::Value = r.json().await.expect("JSON");
        body["tables"][0]["entries"].as_array().and_then(|e| e.last()).and_then(|e| e["value"].as_u64()).unwrap_or(0)
    };
    println!("database: {url} ({incidents} incidents counted)\n");
    println!("{:<55} {:>9} {:>9} {:>9}  target p50 ≤ {} ms", "query", "p50 ms", "p95 ms", "max ms", TARGET.as_millis());

    let client = reqwest::Client::new();
    let mut failed = false;
    for (name, path) in QUERIES {
        let mut times = Vec::with_capacity(RUNS);
        let mut status = 200;
        for i in 0..WARMUP + RUNS {
            let started = Instant::now();
            let r = client.get(format!("{address}{path}")).bearer_auth(&key).send().await.expect("a response");
            status = r.status().as_u16();
            let _ = r.bytes().await;
            if i >= WARMUP {
                times.push(started.elapsed());
            }
            if status != 200 {
                break;
            }
        }
        if status != 200 {
            println!("{name:<55} answered {status}: {path}");
            failed = true;
            continue;
        }
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
        let p50 = at(0.5);
        let verdict = if p50 <= TARGET.as_secs_f64() * 1000.0 { "ok" } else { "OVER" };
        failed |= verdict == "OVER";
        println!("{name:<55} {p50:>9.1} {:>9.1} {:>9.1}  {verdict}", at(0.95), at(1.0));
    }
    failed
}
