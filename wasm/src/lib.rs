//! wasm-bindgen adapter over `beacon-core`: convert in, call core, convert out.
//! The browser gets exactly the server's verdicts because it runs the same code.

use beacon_core::{dictionary, IncidentVerdict, IntakeVerdict};
use chrono::NaiveDate;
use wasm_bindgen::prelude::*;

mod chart;

fn today(text: &str) -> Result<NaiveDate, JsError> {
    beacon_core::reference::dates::parse_iso_date(text)
        .ok_or_else(|| JsError::new("`today` must be a date written YYYY-MM-DD"))
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys_json_parse(&text)
}

#[wasm_bindgen(inline_js = "export function json_parse(s) { return JSON.parse(s); }")]
extern "C" {
    #[wasm_bindgen(catch)]
    fn json_parse(s: &str) -> Result<JsValue, JsValue>;
}

fn js_sys_json_parse(text: &str) -> Result<JsValue, JsError> {
    json_parse(text).map_err(|_| JsError::new("cannot build the result object"))
}

/// Validates an incident report (contract v1) as of `today` (`YYYY-MM-DD`).
/// Returns `{ok, errors: [{path, code, message}], derived}`, identical to the API's verdict.
#[wasm_bindgen(js_name = validateIncident)]
pub fn validate_incident(json: &str, today_text: &str) -> Result<JsValue, JsError> {
    to_js(&IncidentVerdict::of(json, today(today_text)?))
}

/// Validates a partner intake submission (intake contract v1) as of `today` (`YYYY-MM-DD`).
/// Returns `{ok, errors: [{path, code, message}], derived}` where `derived` is
/// `{minor_involved, town, county, planning_region, judicial_district, dcf_region}`
/// (`town` canonical, or `null` when none was given), identical to the API's verdict.
#[wasm_bindgen(js_name = validateIntake)]
pub fn validate_intake(json: &str, today_text: &str) -> Result<JsValue, JsError> {
    to_js(&IntakeVerdict::of(json, today(today_text)?))
}

/// Validates a directory service (`POST /v1/directory/services`) as of `now` (an RFC 3339
/// instant, e.g. `2026-12-03T09:00:00Z`: when the capacity given was reported). Returns
/// `{ok, errors: [{path, code, message}]}`, identical to the API's verdict (which also checks
/// that `organization_id` names an organization — a lookup the browser cannot make).
#[wasm_bindgen(js_name = validateService)]
pub fn validate_service(json: &str, now_text: &str) -> Result<JsValue, JsError> {
    let now = chrono::DateTime::parse_from_rfc3339(now_text)
        .map_err(|_| JsError::new("`now` must be an RFC 3339 instant such as 2026-12-03T09:00:00Z"))?
        .with_timezone(&chrono::Utc);
    to_js(&beacon_core::directory::ServiceVerdict::of(json, now))
}

/// Validates an entry of the coordinator's activity register (`POST /v1/reports/activities`) as
/// of `today` (`YYYY-MM-DD`). Returns `{ok, errors: [{path, code, message}]}`, identical to the
/// API's verdict, so the dashboard's editor shows the server's errors before sending anything.
#[wasm_bindgen(js_name = checkActivity)]
pub fn check_activity(json: &str, today_text: &str) -> Result<JsValue, JsError> {
    to_js(&beacon_core::stats::Verdict::activity(json, today(today_text)?))
}

/// Validates an entry of the coordinator's recommendation register
/// (`POST /v1/reports/recommendations`) as of `today` (`YYYY-MM-DD`). Returns
/// `{ok, errors: [{path, code, message}]}`, identical to the API's verdict.
#[wasm_bindgen(js_name = checkRecommendation)]
pub fn check_recommendation(json: &str, today_text: &str) -> Result<JsValue, JsError> {
    to_js(&beacon_core::stats::Verdict::recommendation(json, today(today_text)?))
}

/// Checks a screening response (`POST /v1/screenings`: `{instrument, version, answers}`) against
/// the instruments Beacon ships and scores it. Returns `{ok, errors: [{path, code, message}],
/// derived: {instrument, version, result, fired}}`, identical to the API's verdict.
#[wasm_bindgen(js_name = checkScreening)]
pub fn check_screening(json: &str) -> Result<JsValue, JsError> {
    to_js(&beacon_core::screening::ScreeningVerdict::of(json))
}

/// Scores `answers` (JSON: item id → answer) by `instrument` (JSON, as
/// `GET /v1/screening-instruments/{id}/{version}` gives it) with no request: the intake form's
/// offline screening step. Returns the same verdict as [`check_screening`].
#[wasm_bindgen(js_name = scoreScreening)]
pub fn score_screening(instrument: &str, answers: &str) -> Result<JsValue, JsError> {
    to_js(&beacon_core::screening::screen_offline(instrument, answers))
}

/// Draws a chart with the core's chart module, as the server's report does. `spec` is JSON:
/// `{kind: "bar" | "line" | "county_map", id, title, description, category_name, value_name,
/// categories: [..], values: [n | null]}` (`null` = withheld by disclosure control, drawn hatched
/// with no number). Returns `{svg, table}`: the SVG and the HTML data table behind it.
#[wasm_bindgen(js_name = renderChart)]
pub fn render_chart(spec: &str) -> Result<JsValue, JsError> {
    to_js(&chart::render(spec).map_err(|e| JsError::new(&e))?)
}

/// Every code list and the town table, as `GET /v1/codes` returns them.
#[wasm_bindgen]
pub fn codes() -> Result<JsValue, JsError> {
    to_js(&dictionary())
}

/// A phone number as people type it (`(860) 555-0123`), to E.164 where that is
/// unambiguous — the server's rule, so the form sends what the API would make of it.
/// Empty input gives an empty string.
#[wasm_bindgen(js_name = normalizePhone)]
pub fn normalize_phone(text: &str) -> String {
    beacon_core::reference::formats::normalize_phone(text)
}

/// The version of the reporting contract this module validates.
#[wasm_bindgen(js_name = schemaVersion)]
pub fn schema_version() -> String {
    beacon_core::SCHEMA_VERSION.to_string()
}
