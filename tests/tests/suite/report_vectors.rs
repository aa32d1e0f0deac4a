//! Report register vectors (`tests/fixtures/activities/`, `tests/fixtures/recommendations/`):
//! each must give exactly the expected `(path, code)` set from native core, from wasm
//! `checkActivity` / `checkRecommendation` in node (what the dashboard's editor runs) and from
//! `POST /v1/reports/{activities,recommendations}` over real HTTP, messages included.

use beacon_api::security::Role;
use beacon_core::stats::Verdict;
use beacon_tests::fixtures::{self, error_set, mismatch, Vector};
use chrono::NaiveDate;
use serde_json::Value;

/// One register: its fixture folder, its wasm kind, its route and core's verdict.
struct Register {
    kind: &'static str,
    fixtures: &'static str,
    route: &'static str,
    verdict: fn(&str, NaiveDate) -> Verdict,
}

const ACTIVITIES: Register =
    Register { kind: "activity", fixtures: "activities", route: "/v1/reports/activities", verdict: Verdict::activity };
const RECOMMENDATIONS: Register = Register {
    kind: "recommendation",
    fixtures: "recommendations",
    route: "/v1/reports/recommendations",
    verdict: Verdict::recommendation,
};

impl Register {
    fn vectors(&self) -> Vec<Vector> {
        let v = fixtures::load(self.fixtures).unwrap();
        assert!(v.len() >= 15, "expected at least 15 {} vectors, found {}", self.kind, v.len());
        assert!(v.iter().any(|v| v.ok) && v.iter().any(|v| !v.ok), "{}: vectors must include both verdicts", self.kind);
        v
    }

    fn native(&self, v: &Vector) -> Value {
        serde_json::to_value((self.verdict)(&v.body, v.today)).unwrap()
    }

    fn report(&self, failures: Vec<String>, runner: &str, total: usize) {
        assert!(failures.is_empty(), "{} of {total} {} vectors disagree ({runner}):\n{}", failures.len(), self.kind, failures.join("\n"));
    }

    fn check_native(&self) {
        let vectors = self.vectors();
        let failures: Vec<String> = vectors
            .iter()
            .filter_map(|v| {
                let got = self.native(v);
                mismatch(v, got["ok"].as_bool().unwrap(), &error_set(&got["errors"]))
            })
            .collect();
        self.report(failures, "native", vectors.len());
    }

    fn check_wasm(&self) {
        let vectors = self.vectors();
        let verdicts = beacon_tests::parity::node_verdicts(&vectors, self.kind).unwrap();
        assert_eq!(verdicts.len(), vectors.len());
        let mut failures = Vec::new();
        for (v, got) in vectors.iter().zip(&verdicts) {
            if let Some(m) = mismatch(v, got["ok"].as_bool().unwrap_or(!v.ok), &error_set(&got["errors"])) {
                failures.push(m);
            } else if *got != self.native(v) {
                failures.push(format!("{}: wasm differs from native:\n  wasm   {got}\n  native {}", v.file, self.native(v)));
            }
        }
        self.report(failures, "wasm in node", vectors.len());
    }

    async fn check_live(&self) {
        let app = beacon_tests::app::TestApp::spawn().await.unwrap();
        let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
        let vectors = self.vectors();
        let mut failures = Vec::new();
        for v in &vectors {
            app.set_now(v.today.and_hms_opt(15, 0, 0).unwrap().and_utc());
            let response = app.post_json(self.route, &key, v.body.clone()).await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            let expected = if v.ok {
                201
            } else if v.errors.iter().any(|(_, c)| c == "invalid_json") {
                400
            } else {
                422
            };
            if status != expected {
                failures.push(format!("{}: status {status}, expected {expected}: {body}", v.file));
            } else if let Some(m) = mismatch(v, status == 201, &error_set(&body["errors"])) {
                failures.push(m);
            } else if !v.ok && body["errors"] != self.native(v)["errors"] {
                failures.push(format!("{}: API errors differ from native:\n  api    {}\n  native {}", v.file, body["errors"], self.native(v)["errors"]));
            }
        }
        self.report(failures, "live API", vectors.len());
    }
}

#[test]
fn native_core_gives_every_expected_activity_verdict() {
    ACTIVITIES.check_native();
}

#[test]
fn native_core_gives_every_expected_recommendation_verdict() {
    RECOMMENDATIONS.check_native();
}

#[test]
fn wasm_in_node_gives_the_same_register_verdicts_as_native() {
    ACTIVITIES.check_wasm();
    RECOMMENDATIONS.check_wasm();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_api_gives_the_same_activity_verdicts_as_native() {
    ACTIVITIES.check_live().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_api_gives_the_same_recommendation_verdicts_as_native() {
    RECOMMENDATIONS.check_live().await;
}
