//! The minors DCF must serve (Sec. 10): partner submissions not yet converted and incidents
//! involving a minor, with DCF's response to each.

use super::schema::dcf_responses;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Nullable, SmallInt, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// Which record a response is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Submission(Uuid),
    Incident(Uuid),
}

#[derive(Debug, Clone)]
pub struct NewResponse {
    pub subject: Subject,
    pub response: String,
    pub reason: Option<String>,
    pub responded_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub api_key_id: Uuid,
}

/// Records DCF's response, replacing an earlier one for the same record (a correction; the audit
/// trail keeps each).
pub async fn record(conn: &mut AsyncPgConnection, new: &NewResponse) -> QueryResult<()> {
    let (submission_id, incident_id) = match new.subject {
        Subject::Submission(id) => (Some(id), None),
        Subject::Incident(id) => (None, Some(id)),
    };
    let values = (
        dcf_responses::id.eq(Uuid::new_v4()),
        dcf_responses::submission_id.eq(submission_id),
        dcf_responses::incident_id.eq(incident_id),
        dcf_responses::response.eq(&new.response),
        dcf_responses::reason.eq(&new.reason),
        dcf_responses::responded_on.eq(new.responded_on),
        dcf_responses::recorded_at.eq(new.recorded_at),
        dcf_responses::api_key_id.eq(Some(new.api_key_id)),
    );
    let changes = (
        dcf_responses::response.eq(&new.response),
        dcf_responses::reason.eq(&new.reason),
        dcf_responses::responded_on.eq(new.responded_on),
        dcf_responses::recorded_at.eq(new.recorded_at),
        dcf_responses::api_key_id.eq(Some(new.api_key_id)),
    );
    let insert = diesel::insert_into(dcf_responses::table).values(values);
    match new.subject {
        Subject::Submission(_) => insert.on_conflict(dcf_responses::submission_id).do_update().set(changes).execute(conn).await?,
        Subject::Incident(_) => insert.on_conflict(dcf_responses::incident_id).do_update().set(changes).execute(conn).await?,
    };
    Ok(())
}

/// Carries a submission's response to the incident it became, in the conversion's transaction.
pub async fn copy_to_incident(conn: &mut AsyncPgConnection, submission: Uuid, incident: Uuid) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO dcf_responses (id, incident_id, response, reason, responded_on, recorded_at, api_key_id)
         SELECT gen_random_uuid(), $2, response, reason, responded_on, recorded_at, api_key_id
         FROM dcf_responses WHERE submission_id = $1",
    )
    .bind::<SqlUuid, _>(submission)
    .bind::<SqlUuid, _>(incident)
    .execute(conn)
    .await
}

/// What the rules need of an incident to record DCF's response on it.
pub async fn incident_subject(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<(bool, NaiveDate)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Bool)]
        minor: bool,
        #[diesel(sql_type = Date)]
        received_on: NaiveDate,
    }
    let row: Option<Row> = diesel::sql_query(format!(
        "SELECT i.minor_involved AS minor, {RECEIVED_ON_INCIDENT} AS received_on
         FROM incidents i LEFT JOIN intake_submissions s ON s.converted_incident_id = i.id WHERE i.id = $1"
    ))
    .bind::<SqlUuid, _>(id)
    .get_result(conn)
    .await
    .optional()?;
    Ok(row.map(|r| (r.minor, r.received_on)))
}

/// The day a converted incident's minor became known is its submission's.
const RECEIVED_ON_INCIDENT: &str = "(COALESCE(s.received_at, i.received_at) AT TIME ZONE 'America/New_York')::date";

/// One queue of both kinds of record, de-identified: no sealed column and no receipt reference.
fn queue_sql() -> String {
    format!(
        "WITH queue AS (
            SELECT 'submission'::text AS kind, s.id, (s.received_at AT TIME ZONE 'America/New_York')::date AS received_on,
                   s.account_id AS partner_id, a.name AS partner, NULL::text AS reporting_agency, s.age_group,
                   s.town, s.county, s.dcf_region, s.concern_types AS types, s.dcf_notified_at IS NOT NULL AS dcf_notified,
                   r.response, r.reason, r.responded_on
            FROM intake_submissions s
            JOIN accounts a ON a.id = s.account_id
            LEFT JOIN dcf_responses r ON r.submission_id = s.id
            WHERE s.minor_involved AND s.converted_incident_id IS NULL
          UNION ALL
            SELECT 'incident'::text, i.id, {RECEIVED_ON_INCIDENT},
                   s.account_id, pa.name, i.reporting_agency, NULL::text,
                   i.town, i.county, i.dcf_region, i.trafficking_types, i.dcf_notified,
                   r.response, r.reason, r.responded_on
            FROM incidents i
            LEFT JOIN intake_submissions s ON s.converted_incident_id = i.id
            LEFT JOIN accounts pa ON pa.id = s.account_id
            LEFT JOIN dcf_responses r ON r.incident_id = i.id
            WHERE i.minor_involved AND i.withdrawn_at IS NULL
        )"
    )
}

/// `$1` responded (bool or NULL), `$2` overdue bound (received before; NULL: any), `$3` kind (NULL: both).
const QUEUE_WHERE: &str = "WHERE ($1::bool IS NULL OR (response IS NOT NULL) = $1)
      AND ($2::date IS NULL OR (response IS NULL AND received_on < $2))
      AND ($3::text IS NULL OR kind = $3)";

#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub responded: Option<bool>,
    /// Only minors without a response received before this day (the overdue rule's bound).
    pub received_before: Option<NaiveDate>,
    /// `submission` or `incident`.
    pub kind: Option<String>,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct QueueRow {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Date)]
    pub received_on: NaiveDate,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub partner_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub partner: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub reporting_agency: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub age_group: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub town: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub county: Option<String>,
    #[diesel(sql_type = Nullable<SmallInt>)]
    pub dcf_region: Option<i16>,
    #[diesel(sql_type = Array<Text>)]
    pub types: Vec<String>,
    #[diesel(sql_type = Bool)]
    pub dcf_notified: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub response: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub reason: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub responded_on: Option<NaiveDate>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The minors queue, oldest first (the longest wait leads), and its total.
pub async fn queue(conn: &mut AsyncPgConnection, f: &QueueFilter, limit: i64, offset: i64) -> QueryResult<(Vec<QueueRow>, i64)> {
    let total: Count = diesel::sql_query(format!("{} SELECT count(*) AS n FROM queue {QUEUE_WHERE}", queue_sql()))
        .bind::<Nullable<Bool>, _>(f.responded)
        .bind::<Nullable<Date>, _>(f.received_before)
        .bind::<Nullable<Text>, _>(f.kind.clone())
        .get_result(conn)
        .await?;
    let rows = diesel::sql_query(format!(
        "{} SELECT * FROM queue {QUEUE_WHERE} ORDER BY received_on, kind, id LIMIT $4 OFFSET $5",
        queue_sql()
    ))
    .bind::<Nullable<Bool>, _>(f.responded)
    .bind::<Nullable<Date>, _>(f.received_before)
    .bind::<Nullable<Text>, _>(f.kind.clone())
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
    .await?;
    Ok((rows, total.n))
}

/// One record of the queue (after recording a response on it).
pub async fn queue_item(conn: &mut AsyncPgConnection, kind: &str, id: Uuid) -> QueryResult<Option<QueueRow>> {
    diesel::sql_query(format!("{} SELECT * FROM queue WHERE kind = $1 AND id = $2", queue_sql()))
        .bind::<Text, _>(kind)
        .bind::<SqlUuid, _>(id)
        .get_result(conn)
        .await
        .optional()
}

/// DCF's responses to the minors Beacon knows of, counted for the statistics (Sec. 10): every
/// minor once (a converted submission counts as its incident).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, QueryableByName)]
pub struct ResponseCounts {
    #[diesel(sql_type = BigInt)]
    pub minors: i64,
    #[diesel(sql_type = BigInt)]
    pub with_response: i64,
    #[diesel(sql_type = BigInt)]
    pub without_response: i64,
    /// Without a response and past the configured number of days on `today`.
    #[diesel(sql_type = BigInt)]
    pub overdue: i64,
    #[diesel(sql_type = BigInt)]
    pub accepted_for_services: i64,
    #[diesel(sql_type = BigInt)]
    pub assessed_not_accepted: i64,
    #[diesel(sql_type = BigInt)]
    pub already_open_case: i64,
}

/// Counts of minors received from `from` to `to` (inclusive; either open), with and without DCF's
/// response; `overdue` by the rule of `beacon_core::intake::dcf::is_overdue` on `today` with
/// `days` (the configured `BEACON_DCF_RESPONSE_DAYS`). For `/v1/stats`: counts only, no record.
pub async fn response_counts(
    conn: &mut AsyncPgConnection,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
    days: u32,
) -> QueryResult<ResponseCounts> {
    let overdue_before = beacon_core::intake::dcf::overdue_if_received_before(today, days);
    diesel::sql_query(format!(
        "{} SELECT count(*) AS minors,
                   count(response) AS with_response,
                   count(*) - count(response) AS without_response,
                   count(*) FILTER (WHERE response IS NULL AND received_on < $3) AS overdue,
                   count(*) FILTER (WHERE response = 'accepted_for_services') AS accepted_for_services,
                   count(*) FILTER (WHERE response = 'assessed_not_accepted') AS assessed_not_accepted,
                   count(*) FILTER (WHERE response = 'already_open_case') AS already_open_case
            FROM queue WHERE ($1::date IS NULL OR received_on >= $1) AND ($2::date IS NULL OR received_on <= $2)",
        queue_sql()
    ))
    .bind::<Nullable<Date>, _>(from)
    .bind::<Nullable<Date>, _>(to)
    .bind::<Date, _>(overdue_before)
    .get_result(conn)
    .await
}
