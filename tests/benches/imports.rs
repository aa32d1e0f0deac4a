//! Imports at scale, against the real server over HTTP and a real PostgreSQL
//! (the harness starts one when DATABASE_URL is unset):
//!
//! ```sh
//! cargo bench -p beacon-tests --bench imports
//! ```
//!
//! Targets (issue notes): a 10,000-row roster import under 10 s; the
//! figures measured are in the closing notes.

use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use tokio::runtime::Runtime;

fn main() {
    divan::main();
}

struct Fixture {
    runtime: Runtime,
    app: TestApp,
    key: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
        let (app, key) = runtime.block_on(async {
            let app = TestApp::spawn().await.expect("the app");
            let key = app.key("Coordinator", Role::Coordinator).await.expect("a key");
            (app, key)
        });
        Fixture { runtime, app, key }
    })
}

/// Each call a batch of its own, so every sample writes new rows.
fn batch() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn roster(batch: usize, rows: usize) -> String {
    let populations = ["dcf_employee", "dcf_contracted_provider", "cssd_employee", "law_enforcement", "other"];
    let agencies = ["dcf", "dcf", "cssd", "local_police", "dss"];
    let mut csv = String::from("agency,population,employee_ref,name,role,start_date,town\n");
    for i in 0..rows {
        let k = i % 5;
        let role = if i % 50 == 0 { "social_worker_trainee" } else { "" };
        csv.push_str(&format!(
            "{},{},B{batch}-{i:06},\"Worker {i}, Jr.\",{role},20{:02}-{:02}-{:02},Hartford\n",
            agencies[k],
            populations[k],
            10 + i % 17,
            1 + i % 12,
            1 + i % 28
        ));
    }
    csv
}

fn providers(batch: usize, rows: usize) -> String {
    let mut csv = String::from("organization_name,service_name,categories,min_age,max_age,languages,capacity_unit,capacity_available,capacity_total,service_areas,location_name,location_confidential,address_1,town,phones,funding_source,funding_amount_cents,funding_period_start,funding_period_end\n");
    let towns = ["Hartford", "New Haven", "Bridgeport", "Waterbury", "Norwich"];
    for i in 0..rows {
        let town = towns[i % towns.len()];
        csv.push_str(&format!(
            "Provider {batch}-{},Service {i},shelter;case_management,18,120,en;es,beds,{},10,{town};West Hartford,Site {i},true,{i} Main Street,{town},860-555-{:04},DCF,{},2026-07-01,2027-06-30\n",
            i / 10,
            i % 10,
            i % 10_000,
            100_000 + i
        ));
    }
    csv
}

fn post(path: &str, content_type: &str, body: String) -> serde_json::Value {
    let f = fixture();
    f.runtime.block_on(async {
        let r = f
            .app
            .client
            .post(f.app.url(path))
            .bearer_auth(&f.key)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("the request");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        r.json().await.expect("JSON")
    })
}

/// A 10,000-row roster of new people (`POST /v1/workforce/import`).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn roster_10k_new(bencher: divan::Bencher) {
    bencher.with_inputs(|| roster(batch(), 10_000)).bench_local_values(|csv| {
        let report = post("/v1/workforce/import", "text/csv", csv);
        assert_eq!(report["created"], 10_000);
    });
}

/// The same 10,000 people again: every row an update.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn roster_10k_update(bencher: divan::Bencher) {
    let csv = roster(batch(), 10_000);
    post("/v1/workforce/import", "text/csv", csv.clone());
    bencher.with_inputs(|| csv.clone()).bench_local_values(|csv| {
        let report = post("/v1/workforce/import", "text/csv", csv);
        assert_eq!(report["updated"], 10_000);
    });
}

/// 500 providers with a location, two towns served, a phone and funding each
/// (`POST /v1/directory/import`).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn providers_500(bencher: divan::Bencher) {
    bencher.with_inputs(|| providers(batch(), 500)).bench_local_values(|csv| {
        let report = post("/v1/directory/import", "text/csv", csv);
        assert_eq!(report["services_created"], 500);
    });
}

/// The compliance report over everyone imported so far (at least 10,000 people).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn compliance_report(bencher: divan::Bencher) {
    let f = fixture();
    post("/v1/workforce/import", "text/csv", roster(batch(), 10_000));
    bencher.bench_local(|| {
        f.runtime.block_on(async {
            let r = f.app.get("/v1/training/compliance", &f.key).await.expect("the request");
            assert_eq!(r.status().as_u16(), 200);
            r.bytes().await.expect("the body").len()
        })
    });
}
