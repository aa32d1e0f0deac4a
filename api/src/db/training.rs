//! Training compliance: courses, the workforce, completions and xAPI statements.
//!
//! Agency scoping is applied here, in the queries: a reporter's queries carry
//! its account's agency, so another agency's rows are never read.

use super::schema::{caseload_assignments, completions, contracted_providers, courses, workforce, xapi_statements};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::collections::HashSet;
use uuid::Uuid;

/// Rows to write per `INSERT` when importing (10 binds per row, far below
/// PostgreSQL's 65,535).
pub const IMPORT_CHUNK: usize = 1000;

/// Whose workforce a caller may see and manage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgencyScope {
    /// A coordinator: every agency.
    All,
    /// A reporter whose account reports for this agency.
    Only(String),
    /// A reporter whose account has no agency set: nothing.
    Nothing,
}

impl AgencyScope {
    /// Whether a row of `agency` is within the scope.
    pub fn covers(&self, agency: &str) -> bool {
        match self {
            AgencyScope::All => true,
            AgencyScope::Only(own) => own == agency,
            AgencyScope::Nothing => false,
        }
    }
}

/// The Foundation agency code an account reports for, if set.
pub async fn account_agency(conn: &mut AsyncPgConnection, account_id: Uuid) -> QueryResult<Option<String>> {
    super::schema::accounts::table
        .find(account_id)
        .select(super::schema::accounts::agency)
        .first::<Option<String>>(conn)
        .await
        .optional()
        .map(Option::flatten)
}

/// Sets (or clears, with `None`) the agency an account reports for.
/// Returns whether the account exists.
pub async fn set_account_agency(
    conn: &mut AsyncPgConnection,
    account_id: Uuid,
    agency: Option<&str>,
) -> QueryResult<bool> {
    let n = diesel::update(super::schema::accounts::table.find(account_id))
        .set(super::schema::accounts::agency.eq(agency))
        .execute(conn)
        .await?;
    Ok(n == 1)
}

// ---------------------------------------------------------------- courses

#[derive(Debug, Insertable)]
#[diesel(table_name = courses)]
pub struct NewCourse {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub version: String,
    pub format: String,
    pub duration_minutes: i32,
    pub recording_url: Option<String>,
    pub topics: Vec<String>,
    pub adaptations: serde_json::Value,
    pub subject: String,
    pub kind: String,
}

/// A course of the curriculum.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = courses)]
pub struct CourseRow {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub version: String,
    /// `recorded`, `in_person` or `live_online`.
    pub format: String,
    pub duration_minutes: i32,
    pub recording_url: Option<String>,
    /// The curriculum topics it covers (`training_topic` codes).
    pub topics: Vec<String>,
    /// `[{agency, description}]`: agencies' adaptations of the course.
    pub adaptations: serde_json::Value,
    pub created_at: DateTime<Utc>,
    /// `human_trafficking` or `family_violence`.
    pub subject: String,
    /// `initial`, `refresher` or `either`.
    pub kind: String,
}

/// Inserts the course; `None` when its code is taken.
pub async fn insert_course(conn: &mut AsyncPgConnection, new: &NewCourse) -> QueryResult<Option<CourseRow>> {
    diesel::insert_into(courses::table)
        .values(new)
        .on_conflict(courses::code)
        .do_nothing()
        .returning(CourseRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn list_courses(conn: &mut AsyncPgConnection) -> QueryResult<Vec<CourseRow>> {
    courses::table
        .order(courses::code.asc())
        .select(CourseRow::as_select())
        .load(conn)
        .await
}

pub async fn course_by_code(conn: &mut AsyncPgConnection, code: &str) -> QueryResult<Option<CourseRow>> {
    courses::table
        .filter(courses::code.eq(code))
        .select(CourseRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn course_by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<CourseRow>> {
    courses::table
        .find(id)
        .select(CourseRow::as_select())
        .first(conn)
        .await
        .optional()
}

// ---------------------------------------------------------------- workforce

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = workforce)]
pub struct NewPerson {
    pub id: Uuid,
    pub agency: String,
    pub population: String,
    pub employee_ref: String,
    pub name: Option<String>,
    pub role: Option<String>,
    pub start_date: NaiveDate,
    pub active: bool,
    pub town: Option<String>,
    pub provider_id: Option<Uuid>,
}

impl NewPerson {
    /// The row of a person the core accepted, under a new id.
    pub fn new(p: beacon_core::training::person::CheckedPerson) -> Self {
        Self {
            id: Uuid::new_v4(),
            agency: p.agency,
            population: p.population.to_string(),
            employee_ref: p.employee_ref,
            name: p.name,
            role: p.role,
            start_date: p.start_date,
            active: p.active,
            town: p.town,
            provider_id: None,
        }
    }
}

/// A workforce member.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = workforce)]
pub struct PersonRow {
    pub id: Uuid,
    /// The Foundation agency code of the agency the person works for or is contracted by.
    pub agency: String,
    /// A `population` code.
    pub population: String,
    /// The agency's own reference for the person; unique within the agency.
    pub employee_ref: String,
    pub name: Option<String>,
    /// `social_worker_trainee` (the caseload rule applies) or free text.
    pub role: Option<String>,
    /// The day the six-month clock starts.
    pub start_date: NaiveDate,
    pub active: bool,
    /// The Connecticut town of the office the person works from (its name as
    /// in `GET /v1/codes`); places the person in the report's regions.
    pub town: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The DCF-contracted provider the person works for (Sec. 4(b)).
    pub provider_id: Option<Uuid>,
}

/// Inserts the person; `None` when the agency already has this `employee_ref`.
pub async fn insert_person(conn: &mut AsyncPgConnection, new: &NewPerson) -> QueryResult<Option<PersonRow>> {
    diesel::insert_into(workforce::table)
        .values(new)
        .on_conflict((workforce::agency, workforce::employee_ref))
        .do_nothing()
        .returning(PersonRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// The person, when within `scope`.
pub async fn get_person(conn: &mut AsyncPgConnection, id: Uuid, scope: &AgencyScope) -> QueryResult<Option<PersonRow>> {
    let mut query = workforce::table.find(id).select(PersonRow::as_select()).into_boxed();
    match scope {
        AgencyScope::All => {}
        AgencyScope::Only(agency) => query = query.filter(workforce::agency.eq(agency.clone())),
        AgencyScope::Nothing => return Ok(None),
    }
    query.first(conn).await.optional()
}

pub async fn person_by_ref(conn: &mut AsyncPgConnection, agency: &str, employee_ref: &str) -> QueryResult<Option<PersonRow>> {
    workforce::table
        .filter(workforce::agency.eq(agency))
        .filter(workforce::employee_ref.eq(employee_ref))
        .select(PersonRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Filters of the workforce list and the compliance report.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub agency: Option<String>,
    pub population: Option<String>,
    pub active: Option<bool>,
    /// Only people working from one of these towns; people with no town are left out.
    pub towns: Option<Vec<String>>,
}

type BoxedPeople<'a> = workforce::BoxedQuery<'a, diesel::pg::Pg>;

/// `None` when the scope sees nothing.
fn people_query<'a>(scope: &AgencyScope, filter: &PeopleFilter) -> Option<BoxedPeople<'a>> {
    let mut query = workforce::table.into_boxed();
    match scope {
        AgencyScope::All => {}
        AgencyScope::Only(agency) => query = query.filter(workforce::agency.eq(agency.clone())),
        AgencyScope::Nothing => return None,
    }
    if let Some(agency) = &filter.agency {
        query = query.filter(workforce::agency.eq(agency.clone()));
    }
    if let Some(population) = &filter.population {
        query = query.filter(workforce::population.eq(population.clone()));
    }
    if let Some(active) = filter.active {
        query = query.filter(workforce::active.eq(active));
    }
    if let Some(towns) = &filter.towns {
        // `IN` never matches NULL, so people with no town drop out here.
        query = query.filter(workforce::town.eq_any(towns.clone()));
    }
    Some(query)
}

/// One page of people, ordered by agency then `employee_ref`, and the total.
pub async fn list_people(
    conn: &mut AsyncPgConnection,
    scope: &AgencyScope,
    filter: &PeopleFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<PersonRow>, i64)> {
    let (Some(count), Some(page)) = (people_query(scope, filter), people_query(scope, filter)) else {
        return Ok((Vec::new(), 0));
    };
    let total: i64 = count.count().get_result(conn).await?;
    let rows = page
        .order((workforce::agency.asc(), workforce::employee_ref.asc()))
        .limit(limit)
        .offset(offset)
        .select(PersonRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// Every person matching, ordered by agency then `employee_ref`.
pub async fn all_people(conn: &mut AsyncPgConnection, scope: &AgencyScope, filter: &PeopleFilter) -> QueryResult<Vec<PersonRow>> {
    let Some(query) = people_query(scope, filter) else {
        return Ok(Vec::new());
    };
    query
        .order((workforce::agency.asc(), workforce::employee_ref.asc()))
        .select(PersonRow::as_select())
        .load(conn)
        .await
}

/// A `PATCH` of a person: absent fields are left alone; `Some(None)` clears.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = workforce)]
pub struct PersonChanges {
    pub population: Option<String>,
    pub name: Option<Option<String>>,
    pub role: Option<Option<String>>,
    pub start_date: Option<NaiveDate>,
    pub active: Option<bool>,
    pub town: Option<Option<String>>,
    pub provider_id: Option<Option<Uuid>>,
}

/// Applies `changes` (and touches `updated_at`); `None` when the person is not in `scope`.
pub async fn update_person(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    scope: &AgencyScope,
    changes: &PersonChanges,
    now: chrono::DateTime<chrono::Utc>,
) -> QueryResult<Option<PersonRow>> {
    let Some(person) = get_person(conn, id, scope).await? else {
        return Ok(None);
    };
    diesel::update(workforce::table.find(person.id))
        .set((changes, workforce::updated_at.eq(now)))
        .returning(PersonRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// The `(agency, employee_ref)` pairs already on file for these agencies.
pub async fn existing_refs(conn: &mut AsyncPgConnection, agencies: &[String]) -> QueryResult<HashSet<(String, String)>> {
    let rows: Vec<(String, String)> = workforce::table
        .filter(workforce::agency.eq_any(agencies))
        .select((workforce::agency, workforce::employee_ref))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The optional roster columns an import carries: a column the file lacks
/// keeps an existing person's value rather than resetting it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RosterColumns {
    pub active: bool,
    pub town: bool,
    pub provider: bool,
}

/// Inserts or updates (by agency and `employee_ref`) every row, in multi-row
/// statements of [`IMPORT_CHUNK`] rows.
pub async fn upsert_people(
    conn: &mut AsyncPgConnection,
    rows: &[NewPerson],
    carried: RosterColumns,
    now: chrono::DateTime<chrono::Utc>,
) -> QueryResult<usize> {
    let mut written = 0;
    for chunk in rows.chunks(IMPORT_CHUNK) {
        written += diesel::insert_into(workforce::table)
            .values(chunk)
            .on_conflict((workforce::agency, workforce::employee_ref))
            .do_update()
            .set((
                workforce::population.eq(excluded(workforce::population)),
                workforce::name.eq(excluded(workforce::name)),
                workforce::role.eq(excluded(workforce::role)),
                workforce::start_date.eq(excluded(workforce::start_date)),
                carried.active.then(|| workforce::active.eq(excluded(workforce::active))),
                carried.town.then(|| workforce::town.eq(excluded(workforce::town))),
                carried.provider.then(|| workforce::provider_id.eq(excluded(workforce::provider_id))),
                workforce::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
    }
    Ok(written)
}

// ---------------------------------------------------------------- completions

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = completions)]
pub struct NewCompletion {
    pub id: Uuid,
    pub person_id: Uuid,
    pub course_id: Option<Uuid>,
    pub completed_on: NaiveDate,
    pub topics: Vec<String>,
    pub source: String,
    pub statement_id: Option<String>,
    pub voided: bool,
    pub subject: String,
    pub kind: String,
}

/// A recorded completion.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = completions)]
pub struct CompletionRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub course_id: Option<Uuid>,
    pub completed_on: NaiveDate,
    /// The topics it covers, copied from the course when recorded.
    pub topics: Vec<String>,
    /// `api`, `csv` or `xapi`.
    pub source: String,
    /// The xAPI statement that recorded it.
    pub statement_id: Option<String>,
    /// Retracted by an xAPI `voided` statement: no longer counts.
    pub voided: bool,
    pub created_at: DateTime<Utc>,
    /// Copied from the course when recorded.
    pub subject: String,
    pub kind: String,
}

pub async fn insert_completion(conn: &mut AsyncPgConnection, new: &NewCompletion) -> QueryResult<CompletionRow> {
    diesel::insert_into(completions::table)
        .values(new)
        .returning(CompletionRow::as_returning())
        .get_result(conn)
        .await
}

/// Every completion of a person, voided ones included, oldest first.
pub async fn completions_of(conn: &mut AsyncPgConnection, person_id: Uuid) -> QueryResult<Vec<CompletionRow>> {
    completions::table
        .filter(completions::person_id.eq(person_id))
        .order((completions::completed_on.asc(), completions::created_at.asc()))
        .select(CompletionRow::as_select())
        .load(conn)
        .await
}

/// Every completion of these people; which count is the core's rule
/// (`beacon_core::training::counting`).
pub async fn completions_of_people(conn: &mut AsyncPgConnection, people: &[Uuid]) -> QueryResult<Vec<CompletionRow>> {
    completions::table
        .filter(completions::person_id.eq_any(people))
        .select(CompletionRow::as_select())
        .load(conn)
        .await
}

/// Voids the completion a statement recorded. Returns whether one was voided now.
pub async fn void_completion_of_statement(conn: &mut AsyncPgConnection, statement_id: &str) -> QueryResult<bool> {
    let n = diesel::update(completions::table)
        .filter(completions::statement_id.eq(statement_id))
        .filter(completions::voided.eq(false))
        .set(completions::voided.eq(true))
        .execute(conn)
        .await?;
    Ok(n > 0)
}

// ---------------------------------------------------------------- xAPI statements

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = xapi_statements)]
pub struct NewStatement {
    pub id: String,
    pub account_id: Uuid,
    pub agency: String,
    pub employee_ref: String,
    pub verb: String,
    pub object_id: String,
    pub statement: serde_json::Value,
    pub voided: bool,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = xapi_statements)]
pub struct StatementRow {
    pub id: String,
    pub agency: String,
    pub verb: String,
    pub statement: serde_json::Value,
    pub voided: bool,
}

pub async fn statement(conn: &mut AsyncPgConnection, id: &str) -> QueryResult<Option<StatementRow>> {
    xapi_statements::table
        .find(id)
        .select(StatementRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn insert_statement(conn: &mut AsyncPgConnection, new: &NewStatement) -> QueryResult<()> {
    diesel::insert_into(xapi_statements::table).values(new).execute(conn).await.map(|_| ())
}

pub async fn mark_statement_voided(conn: &mut AsyncPgConnection, id: &str) -> QueryResult<()> {
    diesel::update(xapi_statements::table.find(id))
        .set(xapi_statements::voided.eq(true))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Whether a stored `voided` statement of `agency` already targets `id` (a voiding
/// statement may arrive before the statement it voids).
pub async fn voiding_received_for(conn: &mut AsyncPgConnection, id: &str, voided_verb: &str, agency: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        xapi_statements::table
            .filter(xapi_statements::verb.eq(voided_verb))
            .filter(xapi_statements::agency.eq(agency))
            .filter(xapi_statements::object_id.eq(id)),
    ))
    .get_result(conn)
    .await
}

/// `agency` → `employee_ref` → person id, for these agencies.
pub async fn people_ids(conn: &mut AsyncPgConnection, agencies: &[String]) -> QueryResult<std::collections::HashMap<(String, String), Uuid>> {
    let rows: Vec<(String, String, Uuid)> = workforce::table
        .filter(workforce::agency.eq_any(agencies))
        .select((workforce::agency, workforce::employee_ref, workforce::id))
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|(a, r, id)| ((a, r), id)).collect())
}

/// `(person, course, date)` of the counting completions of these people.
pub async fn recorded(conn: &mut AsyncPgConnection, people: &[Uuid]) -> QueryResult<HashSet<(Uuid, Option<Uuid>, NaiveDate)>> {
    let rows: Vec<(Uuid, Option<Uuid>, NaiveDate)> = completions::table
        .filter(completions::person_id.eq_any(people))
        .filter(completions::voided.eq(false))
        .select((completions::person_id, completions::course_id, completions::completed_on))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Inserts completions in multi-row statements of [`IMPORT_CHUNK`] rows.
pub async fn insert_completions(conn: &mut AsyncPgConnection, rows: &[NewCompletion]) -> QueryResult<usize> {
    let mut written = 0;
    for chunk in rows.chunks(IMPORT_CHUNK) {
        written += diesel::insert_into(completions::table).values(chunk).execute(conn).await?;
    }
    Ok(written)
}

// ---------------------------------------------------------------- contracted providers

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = contracted_providers)]
pub struct NewProvider {
    pub id: Uuid,
    pub name: String,
    pub contract_start: NaiveDate,
}

/// A provider "that provide[s] services pursuant to a contract with the department" (Sec. 4(a)).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contracted_providers)]
pub struct ProviderRow {
    pub id: Uuid,
    pub name: String,
    pub contract_start: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// Inserts the provider; `None` when its name is taken.
pub async fn insert_provider(conn: &mut AsyncPgConnection, new: &NewProvider) -> QueryResult<Option<ProviderRow>> {
    diesel::insert_into(contracted_providers::table)
        .values(new)
        .on_conflict(contracted_providers::name)
        .do_nothing()
        .returning(ProviderRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn list_providers(conn: &mut AsyncPgConnection) -> QueryResult<Vec<ProviderRow>> {
    contracted_providers::table
        .order(contracted_providers::name.asc())
        .select(ProviderRow::as_select())
        .load(conn)
        .await
}

pub async fn provider(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<ProviderRow>> {
    contracted_providers::table
        .find(id)
        .select(ProviderRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The contract start of a person's provider, when linked to one.
pub async fn contract_start_of(conn: &mut AsyncPgConnection, person: &PersonRow) -> QueryResult<Option<NaiveDate>> {
    match person.provider_id {
        Some(id) => Ok(provider(conn, id).await?.map(|p| p.contract_start)),
        None => Ok(None),
    }
}

// ---------------------------------------------------------------- caseload assignments

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = caseload_assignments)]
pub struct AssignmentRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub assigned_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// Records the assignment; an assignment already on file for that day is returned as it is.
pub async fn insert_assignment(conn: &mut AsyncPgConnection, person_id: Uuid, assigned_on: NaiveDate) -> QueryResult<(AssignmentRow, bool)> {
    let inserted = diesel::insert_into(caseload_assignments::table)
        .values((
            caseload_assignments::id.eq(Uuid::new_v4()),
            caseload_assignments::person_id.eq(person_id),
            caseload_assignments::assigned_on.eq(assigned_on),
        ))
        .on_conflict((caseload_assignments::person_id, caseload_assignments::assigned_on))
        .do_nothing()
        .returning(AssignmentRow::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    match inserted {
        Some(row) => Ok((row, true)),
        None => caseload_assignments::table
            .filter(caseload_assignments::person_id.eq(person_id))
            .filter(caseload_assignments::assigned_on.eq(assigned_on))
            .select(AssignmentRow::as_select())
            .first(conn)
            .await
            .map(|row| (row, false)),
    }
}

/// Every assignment of the people in `scope` dated on or before `until`, with the person.
pub async fn assignments_until(
    conn: &mut AsyncPgConnection,
    scope: &AgencyScope,
    until: NaiveDate,
) -> QueryResult<Vec<(AssignmentRow, PersonRow)>> {
    let mut query = caseload_assignments::table
        .inner_join(workforce::table)
        .filter(caseload_assignments::assigned_on.le(until))
        .select((AssignmentRow::as_select(), PersonRow::as_select()))
        .into_boxed();
    match scope {
        AgencyScope::All => {}
        AgencyScope::Only(agency) => query = query.filter(workforce::agency.eq(agency.clone())),
        AgencyScope::Nothing => return Ok(Vec::new()),
    }
    query
        .order((workforce::agency.asc(), workforce::employee_ref.asc(), caseload_assignments::assigned_on.asc()))
        .load(conn)
        .await
}
