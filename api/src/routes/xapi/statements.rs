use super::{AGENCY_HOME_PAGE, COURSE_IRI, VERB_COMPLETED, VERB_PASSED, VERB_VOIDED, VERSION_HEADER, XAPI_VERSION};
use crate::clock::Clock;
use crate::db::training::{self as store, AgencyScope, NewCompletion, NewStatement};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::json_text;
use beacon_core::fields::{agency_code, reference};
use crate::security::audit::event;
use crate::error::problem;
use crate::security::scope::scope_of;
use crate::security::audit;
use crate::security::Principal;
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::{ErrorCode, ValidationError};
use chrono::{DateTime, NaiveDate};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::Value;
use std::collections::HashMap;
use tracing_actix_web::RequestId;
use uuid::Uuid;

/// Statements accepted in one request.
const MAX_STATEMENTS: usize = 1000;

#[derive(Debug, Clone)]
enum Kind {
    /// `completed` / `passed` of a Beacon course.
    Completion { course_code: String, on: NaiveDate },
    /// `voided`: retracts the statement `target`.
    Void { target: String },
    /// Stored, nothing else.
    Other,
}

#[derive(Debug, Clone)]
struct Checked {
    id: String,
    agency: String,
    employee_ref: String,
    verb: String,
    object_id: String,
    statement: Value,
    kind: Kind,
}

fn str_at<'a>(v: &'a Value, path: &str, name: &str, errors: &mut Vec<ValidationError>) -> Option<&'a str> {
    match v.get(name) {
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            errors.push(ValidationError::new(format!("{path}/{name}"), ErrorCode::InvalidType, "Has the wrong type: expected a string."));
            None
        }
        None => {
            errors.push(ValidationError::new(format!("{path}/{name}"), ErrorCode::Required, format!("`{name}` is required.")));
            None
        }
    }
}

fn object_at<'a>(v: &'a Value, path: &str, name: &str, errors: &mut Vec<ValidationError>) -> Option<&'a Value> {
    match v.get(name) {
        Some(o @ Value::Object(_)) => Some(o),
        Some(_) => {
            errors.push(ValidationError::new(format!("{path}/{name}"), ErrorCode::InvalidType, "Has the wrong type: expected an object."));
            None
        }
        None => {
            errors.push(ValidationError::new(format!("{path}/{name}"), ErrorCode::Required, format!("`{name}` is required.")));
            None
        }
    }
}

fn uuid_text(value: &str) -> Option<String> {
    Uuid::parse_str(value).ok().map(|u| u.hyphenated().to_string())
}

/// The `objectType` of `v`, which must be `expected` when present.
fn object_type(v: &Value, path: &str, expected: &str, errors: &mut Vec<ValidationError>) {
    match v.get("objectType") {
        None => {}
        Some(Value::String(t)) if t == expected => {}
        Some(_) => errors.push(ValidationError::new(format!("{path}/objectType"), ErrorCode::UnknownCode, format!("Must be `{expected}`."))),
    }
}

/// One statement checked against the subset Beacon reads; `path` is its JSON Pointer.
fn check(mut statement: Value, path: &str, today: NaiveDate) -> Result<Checked, Vec<ValidationError>> {
    let mut errors = Vec::new();
    if !statement.is_object() {
        return Err(vec![ValidationError::new(path, ErrorCode::InvalidType, "A statement must be an object.")]);
    }
    let id = match statement.get("id") {
        None => Some(Uuid::new_v4().hyphenated().to_string()),
        Some(Value::String(s)) => {
            let id = uuid_text(s);
            if id.is_none() {
                errors.push(ValidationError::new(format!("{path}/id"), ErrorCode::Format, "Must be a UUID."));
            }
            id
        }
        Some(_) => {
            errors.push(ValidationError::new(format!("{path}/id"), ErrorCode::InvalidType, "Has the wrong type: expected a string."));
            None
        }
    };
    // The actor: an Agent identified by an account of a Beacon agency.
    let mut agency = None;
    let mut employee_ref = None;
    if let Some(actor) = object_at(&statement, path, "actor", &mut errors) {
        let actor_path = format!("{path}/actor");
        object_type(actor, &actor_path, "Agent", &mut errors);
        if let Some(account) = object_at(actor, &actor_path, "account", &mut errors) {
            let account_path = format!("{actor_path}/account");
            if let Some(home) = str_at(account, &account_path, "homePage", &mut errors) {
                match home.strip_prefix(AGENCY_HOME_PAGE) {
                    Some(code) => agency = agency_code(&format!("{account_path}/homePage"), code, &mut errors),
                    None => errors.push(ValidationError::new(
                        format!("{account_path}/homePage"),
                        ErrorCode::Format,
                        "Must be urn:beacon:agency:<agency code>.",
                    )),
                }
            }
            if let Some(name) = str_at(account, &account_path, "name", &mut errors) {
                employee_ref = reference(&format!("{account_path}/name"), name, &mut errors);
            }
        }
    }
    let verb = object_at(&statement, path, "verb", &mut errors)
        .and_then(|verb| str_at(verb, &format!("{path}/verb"), "id", &mut errors))
        .map(str::to_string);
    let object = object_at(&statement, path, "object", &mut errors);
    let object_path = format!("{path}/object");
    let object_id = object.and_then(|o| str_at(o, &object_path, "id", &mut errors)).map(str::to_string);
    let kind = match (verb.as_deref(), object, object_id.as_deref()) {
        (Some(VERB_VOIDED), Some(object), Some(target)) => {
            if object.get("objectType").and_then(Value::as_str) != Some("StatementRef") {
                errors.push(ValidationError::new(format!("{object_path}/objectType"), ErrorCode::Required, "A voiding statement's object must be a StatementRef."));
            }
            match uuid_text(target) {
                Some(target) => Some(Kind::Void { target }),
                None => {
                    errors.push(ValidationError::new(format!("{object_path}/id"), ErrorCode::Format, "Must be the UUID of the statement to void."));
                    None
                }
            }
        }
        (Some(VERB_COMPLETED | VERB_PASSED), Some(object), Some(iri)) => {
            object_type(object, &object_path, "Activity", &mut errors);
            let failed = statement.pointer("/result/success") == Some(&Value::Bool(false));
            match iri.strip_prefix(COURSE_IRI) {
                Some(code) if !failed => {
                    let course_code = reference(&format!("{object_path}/id"), code, &mut errors);
                    let on = completion_date(&statement, path, today, &mut errors);
                    course_code.zip(on).map(|(course_code, on)| Kind::Completion { course_code, on })
                }
                // Not a curriculum course, or not a success: kept, not counted.
                _ => Some(Kind::Other),
            }
        }
        (Some(_), Some(_), Some(_)) => Some(Kind::Other),
        _ => None,
    };
    match (id, agency, employee_ref, verb, object_id, kind) {
        (Some(id), Some(agency), Some(employee_ref), Some(verb), Some(object_id), Some(kind)) if errors.is_empty() => {
            if let Some(map) = statement.as_object_mut() {
                map.insert("id".into(), Value::String(id.clone()));
            }
            Ok(Checked { id, agency, employee_ref, verb, object_id, statement, kind })
        }
        _ => Err(errors),
    }
}

/// The statement's `timestamp` as a date in America/New_York; today when absent.
fn completion_date(statement: &Value, path: &str, today: NaiveDate, errors: &mut Vec<ValidationError>) -> Option<NaiveDate> {
    let on = match statement.get("timestamp") {
        None => today,
        Some(Value::String(t)) => match DateTime::parse_from_rfc3339(t) {
            Ok(at) => at.with_timezone(&chrono_tz::America::New_York).date_naive(),
            Err(_) => {
                errors.push(ValidationError::new(format!("{path}/timestamp"), ErrorCode::Format, "Must be an ISO 8601 timestamp with a time zone."));
                return None;
            }
        },
        Some(_) => {
            errors.push(ValidationError::new(format!("{path}/timestamp"), ErrorCode::InvalidType, "Has the wrong type: expected a string."));
            return None;
        }
    };
    if on > today {
        errors.push(ValidationError::new(format!("{path}/timestamp"), ErrorCode::FutureDate, "Must not be after today (America/New_York)."));
        return None;
    }
    Some(on)
}

fn bad_statements(errors: Vec<ValidationError>) -> HttpResponse {
    problem(StatusCode::BAD_REQUEST, "invalid_statement", "the statements break the xAPI subset Beacon accepts; nothing was stored", Some(errors))
}

fn version_ok(req: &HttpRequest) -> bool {
    let Some(v) = req.headers().get(VERSION_HEADER).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let v = v.trim();
    v == "1.0" || v.strip_prefix("1.0.").is_some_and(|patch| !patch.is_empty() && patch.chars().all(|c| c.is_ascii_digit()))
}

/// What applying a statement needs, found before the transaction.
enum Plan {
    /// Already stored, identically: nothing to do.
    Replay,
    Completion { person_id: Uuid, course_id: Uuid, topics: Vec<String>, on: NaiveDate },
    Void { target: String },
    Store,
}

/// Store xAPI statements (one, or an array): completions count, voids retract.
///
/// All or nothing: a statement Beacon cannot read (400, every error listed,
/// paths index into the array), a person or course it does not know (400), a
/// reused id with different content (409), or another agency's person for a
/// reporter (403) stores none of them. Answers the statements' ids in order.
#[utoipa::path(
    tag = "xapi",
    params(("X-Experience-API-Version" = String, Header, description = "`1.0.3` (any 1.0.x)")),
    request_body(content = Object, content_type = "application/json", description = "An xAPI statement or an array of them"),
    responses(
        (status = 200, description = "The statements' ids, in order", body = Vec<String>),
        (status = 400, description = "No or a wrong version header, or a statement Beacon cannot use (`invalid_statement`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A statement about another agency's person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A statement id already used by a different statement (`statement_conflict`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[post("/statements")]
pub async fn post_statements(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    if !version_ok(&req) {
        return Ok(problem::<()>(
            StatusCode::BAD_REQUEST,
            "xapi_version_required",
            "the X-Experience-API-Version header must name version 1.0.x",
            None,
        ));
    }
    let text = json_text(&req, payload).await?;
    let body: Value = beacon_core::contract::read::read_json(&text).map_err(|e| ApiError::InvalidJson(vec![e]))?;
    let (items, array) = match body {
        Value::Array(items) => (items, true),
        single => (vec![single], false),
    };
    if items.is_empty() || items.len() > MAX_STATEMENTS {
        return Ok(bad_statements(vec![ValidationError::new("", ErrorCode::Length, format!("Send between 1 and {MAX_STATEMENTS} statements."))]));
    }
    let today = clock.today();
    let mut errors = Vec::new();
    let mut checked = Vec::new();
    let mut batch_ids: HashMap<String, usize> = HashMap::new();
    for (i, item) in items.into_iter().enumerate() {
        let path = if array { format!("/{i}") } else { String::new() };
        match check(item, &path, today) {
            Ok(c) => {
                if batch_ids.insert(c.id.clone(), i).is_some() {
                    errors.push(ValidationError::new(format!("{path}/id"), ErrorCode::Duplicate, "The same statement id appears twice in the request."));
                }
                checked.push((path, c));
            }
            Err(e) => errors.extend(e),
        }
    }
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let scope = scope_of(conn, &principal).await?;
    if checked.iter().any(|(_, c)| !scope.covers(&c.agency)) {
        return Err(ApiError::Forbidden);
    }
    let plans = plan(conn, &scope, &checked, &mut errors).await?;
    if !errors.is_empty() {
        return Ok(bad_statements(errors));
    }
    let ids: Vec<String> = checked.iter().map(|(_, c)| c.id.clone()).collect();
    conn.transaction(async |conn| {
        for ((_, c), plan) in checked.iter().zip(&plans) {
            apply(conn, &principal, &request_id, c, plan).await?;
        }
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((VERSION_HEADER, XAPI_VERSION))
        .insert_header(("Cache-Control", "no-store"))
        .json(ids))
}

/// Resolves every statement's person, course and target; unknown ones are errors.
async fn plan(
    conn: &mut AsyncPgConnection,
    scope: &AgencyScope,
    checked: &[(String, Checked)],
    errors: &mut Vec<ValidationError>,
) -> Result<Vec<Plan>, ApiError> {
    let mut plans = Vec::with_capacity(checked.len());
    for (index, (path, c)) in checked.iter().enumerate() {
        if let Some(existing) = store::statement(conn, &c.id).await? {
            if existing.statement != c.statement {
                return Err(ApiError::Conflict(crate::error::Conflict::StatementConflict));
            }
            plans.push(Plan::Replay);
            continue;
        }
        plans.push(match &c.kind {
            Kind::Other => Plan::Store,
            Kind::Completion { course_code, on } => {
                let person = store::person_by_ref(conn, &c.agency, &c.employee_ref).await?;
                let course = store::course_by_code(conn, course_code).await?;
                if person.is_none() {
                    errors.push(ValidationError::new(format!("{path}/actor/account/name"), ErrorCode::UnknownCode,
                        "No workforce member of this agency has this employee_ref (import the roster first)."));
                }
                if course.is_none() {
                    errors.push(ValidationError::new(format!("{path}/object/id"), ErrorCode::UnknownCode, "No course has this code (see GET /v1/training/courses)."));
                }
                match (person, course) {
                    (Some(p), Some(course)) => Plan::Completion { person_id: p.id, course_id: course.id, topics: course.topics, on: *on },
                    _ => Plan::Store,
                }
            }
            Kind::Void { target } => {
                let earlier = checked[..index].iter().find(|(_, e)| &e.id == target).map(|(_, e)| (e.verb.clone(), e.agency.clone()));
                let stored = match earlier {
                    Some(found) => Some(found),
                    None => store::statement(conn, target).await?.map(|s| (s.verb, s.agency)),
                };
                if let Some((verb, agency)) = stored {
                    if verb == VERB_VOIDED {
                        errors.push(ValidationError::new(format!("{path}/object/id"), ErrorCode::NotAllowed, "A voiding statement cannot be voided."));
                    }
                    if !scope.covers(&agency) {
                        return Err(ApiError::Forbidden);
                    }
                }
                Plan::Void { target: target.clone() }
            }
        });
    }
    Ok(plans)
}

async fn apply(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    request_id: &RequestId,
    c: &Checked,
    plan: &Plan,
) -> Result<(), ApiError> {
    if matches!(plan, Plan::Replay) {
        return Ok(());
    }
    // A voiding statement may arrive before the statement it voids.
    let voided = store::voiding_received_for(conn, &c.id, VERB_VOIDED).await?;
    store::insert_statement(
        conn,
        &NewStatement {
            id: c.id.clone(),
            account_id: principal.account_id,
            agency: c.agency.clone(),
            employee_ref: c.employee_ref.clone(),
            verb: c.verb.clone(),
            object_id: c.object_id.clone(),
            statement: c.statement.clone(),
            voided,
        },
    )
    .await?;
    let action = match plan {
        Plan::Completion { person_id, course_id, topics, on } => {
            let new = NewCompletion {
                id: Uuid::new_v4(),
                person_id: *person_id,
                course_id: Some(*course_id),
                completed_on: *on,
                topics: topics.clone(),
                source: "xapi".into(),
                statement_id: Some(c.id.clone()),
                voided,
            };
            store::insert_completion(conn, &new).await?;
            "xapi.completion"
        }
        Plan::Void { target } => {
            store::mark_statement_voided(conn, target).await?;
            store::void_completion_of_statement(conn, target).await?;
            "xapi.void"
        }
        Plan::Store | Plan::Replay => "xapi.statement",
    };
    audit::append(conn, event(principal, request_id, action, "xapi_statement", Some(c.id.clone()))).await?;
    Ok(())
}
