//! `beacon import workforce|completions FILE [--dry-run]`: the real binary
//! against a real database, with the API's checks (one shared path).

use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use serde_json::json;
use std::path::PathBuf;
use std::process::Output;

/// A CSV file of its own, removed when dropped.
struct CsvFile(PathBuf);

impl CsvFile {
    fn new(text: &str) -> CsvFile {
        let path = std::env::temp_dir().join(format!("beacon-import-{}.csv", uuid::Uuid::new_v4()));
        std::fs::write(&path, text).unwrap();
        CsvFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for CsvFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn import(app: &TestApp, kind: &str, file: &CsvFile, dry_run: bool) -> Output {
    let mut args = vec!["import", kind, file.path()];
    if dry_run {
        args.push("--dry-run");
    }
    app.beacon(&args, &[]).unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.conn().await.unwrap();
    let row: N = diesel::sql_query(sql).get_result(&mut conn).await.unwrap();
    row.n
}

async fn people(app: &TestApp) -> i64 {
    scalar(app, "SELECT count(*) AS n FROM workforce").await
}

const ROSTER: &str = "agency,population,employee_ref,name,role,start_date,town\n\
                      dcf,dcf_employee,E-1,Ana Lopez,social_worker_trainee,2020-01-01,hartford\n\
                      cssd,cssd_employee,P-1,,,2019-05-13,\n\
                      dcf,dcf_employee,E-2,,,2020-01-01,Mystic\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cli_roster_import_with_a_bad_row_writes_nothing_and_names_the_row_then_imports_when_fixed() {
    let app = TestApp::spawn().await.unwrap();
    // Row 4 names no Connecticut town (Mystic is a village of Groton and Stonington).
    let bad = CsvFile::new(ROSTER);
    let out = import(&app, "workforce", &bad, false);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("row 4: /town unknown_code: "), "{err}");
    assert_eq!(err.matches("row ").count(), 1, "only row 4 is wrong: {err}");
    assert!(err.contains("1 error(s) in ") && err.contains("nothing was written"), "{err}");
    assert_eq!(people(&app).await, 0);

    let fixed = CsvFile::new(&ROSTER.replace("Mystic", "Groton"));
    let out = import(&app, "workforce", &fixed, false);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "imported 3 rows: 3 created, 0 updated");
    assert_eq!(people(&app).await, 3);
    // Progress off a terminal: the 100% line and a summary with the rate.
    let err = stderr(&out);
    assert!(err.contains("checked 3 / 3 rows (100%") && err.contains("wrote 3 rows in "), "{err}");
    assert!(err.contains(" rows/s)"), "{err}");
    // Canonical town names, as the API stores them.
    assert_eq!(scalar(&app, "SELECT count(*) AS n FROM workforce WHERE town = 'Hartford'").await, 1);
    // Audited as the command line, like the API's import.
    let audited = "SELECT count(*) AS n FROM audit_log WHERE action = 'workforce.import' AND role = 'cli' \
                   AND key_id IS NULL AND reason = 'rows=3 created=3 updated=0'";
    assert_eq!(scalar(&app, audited).await, 1);

    // Again: every row is an update.
    let out = import(&app, "workforce", &fixed, false);
    assert_eq!(stdout(&out).trim(), "imported 3 rows: 0 created, 3 updated", "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cli_dry_run_reports_and_writes_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let file = CsvFile::new(&ROSTER.replace("Mystic", "Groton"));
    let out = import(&app, "workforce", &file, true);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "dry run: 3 rows valid; 3 would be created, 0 updated; nothing written");
    assert_eq!(people(&app).await, 0);
    assert_eq!(scalar(&app, "SELECT count(*) AS n FROM audit_log WHERE action = 'workforce.import'").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cli_import_of_a_missing_file_exits_2_naming_it() {
    let app = TestApp::spawn().await.unwrap();
    let out = app.beacon(&["import", "workforce", "/nonexistent/roster.csv"], &[]).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read /nonexistent/roster.csv"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cli_completions_import_records_each_completion_once() {
    let app = TestApp::spawn().await.unwrap();
    let coord = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let course = json!({"code": "CT-HT-101", "title": "Recognising trafficking", "version": "2027.1", "format": "recorded",
                        "duration_minutes": 90, "topics": ["laws_protocols", "identification_services",
                        "deescalation_harm_reduction", "trauma_disclosures"]});
    let r = app.post_json("/v1/training/courses", &coord, course.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let roster = CsvFile::new(&ROSTER.replace("Mystic", "Groton"));
    assert!(import(&app, "workforce", &roster, false).status.success());

    // The command's "today" is the real one, so these dates are safely past.
    let bad = CsvFile::new("employee_ref,agency,course_code,completed_on\nE-1,dcf,CT-HT-101,2025-03-01\nE-9,dcf,CT-HT-101,2025-03-01\n");
    let out = import(&app, "completions", &bad, false);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("row 3: /employee_ref unknown_code: "), "{}", stderr(&out));
    assert_eq!(scalar(&app, "SELECT count(*) AS n FROM completions").await, 0);

    let good = CsvFile::new("employee_ref,agency,course_code,completed_on\nE-1,dcf,CT-HT-101,2025-03-01\nP-1,cssd,CT-HT-101,2025-04-01\n");
    let out = import(&app, "completions", &good, true);
    assert_eq!(stdout(&out).trim(), "dry run: 2 rows valid; 2 would be recorded, 0 already recorded; nothing written", "{}", stderr(&out));
    assert_eq!(scalar(&app, "SELECT count(*) AS n FROM completions").await, 0);
    let out = import(&app, "completions", &good, false);
    assert_eq!(stdout(&out).trim(), "imported 2 rows: 2 recorded, 0 already recorded", "{}", stderr(&out));
    let out = import(&app, "completions", &good, false);
    assert_eq!(stdout(&out).trim(), "imported 2 rows: 0 recorded, 2 already recorded", "{}", stderr(&out));
    assert_eq!(scalar(&app, "SELECT count(*) AS n FROM completions WHERE source = 'csv'").await, 2);
    let audited = "SELECT count(*) AS n FROM audit_log WHERE action = 'completion.import' AND role = 'cli'";
    assert_eq!(scalar(&app, audited).await, 1);
}
