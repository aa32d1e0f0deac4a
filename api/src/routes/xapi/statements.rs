use super::VERSION_HEADER;
use crate::clock::Clock;
use crate::db::training::{self as store, AgencyScope, NewCompletion, NewStatement};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::json_text;
use beacon_core::training::xapi::{self, Kind, VERB_VOIDED, XAPI_VERSION};
use crate::security::audit::Event;
use crate::security::scope::scope_of;
use crate::security::audit;
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::{ErrorCode, ValidationError};
use chrono::NaiveDate;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::Value;
use std::collections::HashMap;
use tracing_actix_web::RequestId;
use uuid::Uuid;

/// Statements accepted in one request.
const MAX_STATEMENTS: usize = 1000;

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

/// The core's verdict on one statement at `path` (its JSON Pointer in the
/// request); a statement without an id gets one, stored in it.
fn check(mut statement: Value, path: &str, today: NaiveDate) -> Result<Checked, Vec<ValidationError>> {
    let checked = xapi::check(&statement, today).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| ValidationError { path: format!("{path}{}", e.path), ..e })
            .collect::<Vec<_>>()
    })?;
    let id = checked.id.unwrap_or_else(|| Uuid::new_v4().hyphenated().to_string());
    if let Some(map) = statement.as_object_mut() {
        map.insert("id".into(), Value::String(id.clone()));
    }
    Ok(Checked {
        id,
        agency: checked.agency,
        employee_ref: checked.employee_ref,
        verb: checked.verb,
        object_id: checked.object_id,
        statement,
        kind: checked.kind,
    })
}

fn version_ok(req: &HttpRequest) -> bool {
    req.headers()
        .get(VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(xapi::version_supported)
}

/// What applying a statement needs, found before the transaction.
enum Plan {
    /// Already stored, identically: nothing to do.
    Replay,
    Completion { person_id: Uuid, course_id: Uuid, topics: Vec<String>, subject: String, kind: String, on: NaiveDate },
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
        (status = 403, description = "A statement about another agency's person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A statement id already used by a different statement (`statement_conflict`)", body = Problem, content_type = "application/problem+json"),
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
        return Err(ApiError::XapiVersionRequired);
    }
    let text = json_text(&req, payload).await?;
    let body: Value = beacon_core::contract::read::read_json(&text).map_err(|e| ApiError::InvalidJson(vec![e]))?;
    let (items, array) = match body {
        Value::Array(items) => (items, true),
        single => (vec![single], false),
    };
    if items.is_empty() || items.len() > MAX_STATEMENTS {
        return Err(ApiError::InvalidStatements(vec![ValidationError::new("", ErrorCode::Length, format!("Send between 1 and {MAX_STATEMENTS} statements."))]));
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
        return Err(ApiError::InvalidStatements(errors));
    }
    let ids: Vec<String> = checked.iter().map(|(_, c)| c.id.clone()).collect();
    conn.transaction(async |conn| {
        let mut tally = Tally::default();
        let mut new_ids = Vec::new();
        for ((_, c), plan) in checked.iter().zip(&plans) {
            if let Some(action) = apply(conn, principal.account_id, &scope, c, plan).await? {
                tally.add(action);
                new_ids.push(c.id.as_str());
            }
        }
        // One entry for the whole request, appended last: the trail's writers'
        // lock is taken here and held only until the commit, not through the batch.
        // The ids go in `reason`: `resource_id` is indexed, and a btree entry
        // cannot hold a thousand of them.
        if let Some(action) = tally.action() {
            let resource_id = match new_ids.as_slice() {
                [one] => (*one).to_string(),
                many => format!("{} statements", many.len()),
            };
            let reason = format!("{}; ids: {}", tally.summary(), new_ids.join(","));
            let entry = Event::by(&principal, &request_id, action, "xapi_statement", resource_id).because(reason);
            audit::append(conn, entry).await?;
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
                    (Some(p), Some(course)) => Plan::Completion {
                        person_id: p.id,
                        course_id: course.id,
                        topics: course.topics,
                        subject: course.subject,
                        kind: course.kind,
                        on: *on,
                    },
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

/// The new statements of one request, by the audit action each would name.
#[derive(Debug, Default)]
struct Tally {
    completions: usize,
    voids: usize,
    others: usize,
}

impl Tally {
    fn add(&mut self, action: &str) {
        match action {
            ACTION_COMPLETION => self.completions += 1,
            ACTION_VOID => self.voids += 1,
            _ => self.others += 1,
        }
    }

    /// The entry's action: the kind when every new statement is of one kind
    /// (so a single statement is audited as before), else `xapi.statements`.
    fn action(&self) -> Option<&'static str> {
        match (self.completions, self.voids, self.others) {
            (0, 0, 0) => None,
            (_, 0, 0) => Some(ACTION_COMPLETION),
            (0, _, 0) => Some(ACTION_VOID),
            (0, 0, _) => Some(ACTION_STATEMENT),
            _ => Some("xapi.statements"),
        }
    }

    fn summary(&self) -> String {
        format!(
            "{} new statement(s): {} completion(s), {} void(s), {} other(s)",
            self.completions + self.voids + self.others,
            self.completions,
            self.voids,
            self.others
        )
    }
}

const ACTION_COMPLETION: &str = "xapi.completion";
const ACTION_VOID: &str = "xapi.void";
const ACTION_STATEMENT: &str = "xapi.statement";

/// Stores one statement and what it does; answers its audit action, `None` for a replay.
async fn apply(
    conn: &mut AsyncPgConnection,
    account_id: Uuid,
    scope: &AgencyScope,
    c: &Checked,
    plan: &Plan,
) -> Result<Option<&'static str>, ApiError> {
    if matches!(plan, Plan::Replay) {
        return Ok(None);
    }
    // A voiding statement may arrive before the statement it voids — but only its own agency's
    // counts: another agency's early "void" must not cancel this one's training in advance.
    let voided = store::voiding_received_for(conn, &c.id, VERB_VOIDED, &c.agency).await?;
    store::insert_statement(
        conn,
        &NewStatement {
            id: c.id.clone(),
            account_id,
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
        Plan::Completion { person_id, course_id, topics, subject, kind, on } => {
            let new = NewCompletion {
                id: Uuid::new_v4(),
                person_id: *person_id,
                course_id: Some(*course_id),
                completed_on: *on,
                topics: topics.clone(),
                source: "xapi".into(),
                statement_id: Some(c.id.clone()),
                voided,
                subject: subject.clone(),
                kind: kind.clone(),
            };
            store::insert_completion(conn, &new).await?;
            ACTION_COMPLETION
        }
        Plan::Void { target } => {
            // Checked again here, inside the transaction: the plan ran before it, and a target
            // that was absent then may have arrived since from an agency this key does not cover.
            match store::statement(conn, target).await? {
                Some(stored) if !scope.covers(&stored.agency) => return Err(ApiError::Forbidden),
                Some(_) => {
                    store::mark_statement_voided(conn, target).await?;
                    store::void_completion_of_statement(conn, target).await?;
                }
                // Not here yet: the target is voided on arrival if it is this agency's.
                None => {}
            }
            ACTION_VOID
        }
        Plan::Store | Plan::Replay => ACTION_STATEMENT,
    };
    Ok(Some(action))
}
