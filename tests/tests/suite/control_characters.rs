//! A NUL (or any C0 control but tab, line feed, carriage return) in anything a client sends is
//! refused with a problem naming where it was — never a 500 (PostgreSQL refuses NUL in `text`
//! and `jsonb`), and nothing is written. The routes are those where a fuzzer found a 500: bodies
//! (incident, admin key, xAPI statement), filters (HSDS search without a key, the audit trail's
//! filters, the sealed-read reason) and a CSV import.

use crate::api_incidents::incident;
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use serde_json::{json, Value};

async fn problem(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let content_type = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
    let body: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(content_type.as_deref(), Some("application/problem+json"), "status {status}: {body}");
    (status, body)
}

fn first_error(body: &Value) -> (String, String) {
    let e = &body["errors"][0];
    (e["path"].as_str().unwrap_or_default().to_string(), e["code"].as_str().unwrap_or_default().to_string())
}

async fn incidents_stored(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let mut conn = app.conn().await.unwrap();
    beacon_api::db::schema::incidents::table.count().get_result(&mut conn).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_control_character_in_a_body_is_a_422_naming_its_member_and_nothing_is_written() {
    let app = TestApp::spawn().await.unwrap();
    let reporter = app.reporter("DCF", "dcf").await.unwrap();
    for (member, value) in [("law_enforcement_agency", "Hartford\u{0} PD"), ("agency_case_ref", "A-1\u{1b}[2J")] {
        let mut body = incident("Hartford", "2026-01-10");
        body[member] = json!(value);
        let (status, body) = problem(app.post_json("/v1/incidents", &reporter, body.to_string()).await.unwrap()).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(first_error(&body), (format!("/{member}"), "format".to_string()));
        assert!(!body.to_string().contains("\\u0000") && !body.to_string().contains("\\u001b"), "the character is not echoed: {body}");
    }
    // A member *name* with a NUL is named by the object holding it.
    let mut body = incident("Hartford", "2026-01-10");
    body["victims"][0]["x\u{0}"] = json!(1);
    let (status, body) = problem(app.post_json("/v1/incidents", &reporter, body.to_string()).await.unwrap()).await;
    assert_eq!((status, first_error(&body)), (422, ("/victims/0".to_string(), "format".to_string())));
    assert_eq!(incidents_stored(&app).await, 0);
    // Tab and line breaks are text, not control: the same report with them is filed.
    let mut body = incident("Hartford", "2026-01-10");
    body["narrative"] = json!("first line\r\n\tsecond line");
    assert_eq!(app.post_json("/v1/incidents", &reporter, body.to_string()).await.unwrap().status().as_u16(), 201);
    assert_eq!(incidents_stored(&app).await, 1);

    let admin = app.key("Ops", Role::Admin).await.unwrap();
    for (body, path) in [
        (json!({"account": "Safe\u{0}Harbor", "role": "reporter"}), "/account"),
        (json!({"account": "Safe Harbor", "role": "partner", "origins": ["https://safe\u{0}harbor.example"]}), "/origins/0"),
    ] {
        let (status, body) = problem(app.post_json("/v1/admin/keys", &admin, body.to_string()).await.unwrap()).await;
        assert_eq!((status, first_error(&body)), (422, (path.to_string(), "format".to_string())), "{body}");
    }

    let lms = app.reporter("DCF Academy LMS", "dcf").await.unwrap();
    let statement = json!({
        "actor": {"account": {"homePage": "urn:beacon:agency:dcf", "name": "E-\u{0}1"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"objectType": "Activity", "id": "urn:beacon:course:CT-HT-101"},
        "timestamp": "2026-01-10T12:00:00Z",
    });
    let r = app
        .client
        .post(app.url("/xapi/statements"))
        .bearer_auth(&lms)
        .header("content-type", "application/json")
        .header("X-Experience-API-Version", "1.0.3")
        .body(statement.to_string())
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!((status, first_error(&body)), (400, ("/actor/account/name".to_string(), "format".to_string())), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_control_character_in_a_query_parameter_is_a_400_naming_it() {
    let app = TestApp::spawn().await.unwrap();
    // Public, no key.
    for path in ["/hsds/services", "/hsds/organizations", "/hsds/service_at_locations"] {
        let (status, body) = problem(app.client.get(app.url(&format!("{path}?search=%00"))).send().await.unwrap()).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_query")), "{path}: {body}");
        assert_eq!(first_error(&body), ("/search".to_string(), "format".to_string()), "{path}");
    }
    let auditor = app.key("Audit", Role::Auditor).await.unwrap();
    for query in ["action=%00", "resource_id=a%01b", "actor=%1F"] {
        let (status, body) = problem(app.get(&format!("/v1/audit?{query}"), &auditor).await.unwrap()).await;
        let name = query.split('=').next().unwrap();
        assert_eq!((status, first_error(&body)), (400, (format!("/{name}"), "format".to_string())), "{query}");
    }
    // The sealed read's reason, and a parameter the route does not even declare.
    let coordinator = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let id = uuid::Uuid::new_v4();
    let (status, body) = problem(app.get(&format!("/v1/incidents/{id}?include=identity&reason=checking%00the%20record"), &coordinator).await.unwrap()).await;
    assert_eq!((status, first_error(&body)), (400, ("/reason".to_string(), "format".to_string())));
    let (status, _) = problem(app.get("/v1/incidents?whatever=%00", &coordinator).await.unwrap()).await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_control_character_in_a_csv_cell_is_a_row_error_and_nothing_is_imported() {
    let app = TestApp::spawn().await.unwrap();
    let reporter = app.reporter("DCF", "dcf").await.unwrap();
    let csv = "agency,population,employee_ref,name,role,start_date\n\
               dcf,dcf_employee,E-1,Ana,,2026-01-05\n\
               dcf,dcf_employee,E-2,Bo\u{0}b,,2026-01-05\n";
    let r = app
        .client
        .post(app.url("/v1/workforce/import"))
        .bearer_auth(&reporter)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"], json!([{"row": 3, "path": "/name", "code": "format", "message": beacon_core::contract::text::MESSAGE}]));
    let (status, list) = {
        let r = app.get("/v1/workforce", &reporter).await.unwrap();
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    };
    assert_eq!((status, list["total_items"].as_i64()), (200, Some(0)), "{list}");
}
