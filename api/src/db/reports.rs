//! The annual report's registers: the coordinator's activities and
//! recommendations. Rows never leave this module as API schemas; the routes
//! turn them into views, and into core's types for the report.

use super::schema::{report_activities, report_recommendations};
use beacon_core::reference::codes::CodeList;
use beacon_core::stats::{Activity, Recommendation};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = report_activities)]
pub struct ActivityRow {
    pub id: Uuid,
    pub activity_date: NaiveDate,
    pub kind: String,
    pub agencies: Vec<String>,
    pub description: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActivityRow {
    /// Core's entry; `None` if a stored code is no longer one of ours.
    pub fn entry(&self) -> Option<Activity> {
        Activity::stored(self.activity_date, &self.kind, &self.agencies, self.description.clone())
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = report_recommendations)]
pub struct RecommendationRow {
    pub id: Uuid,
    pub report_year: i32,
    pub kind: String,
    pub status: String,
    pub body: String,
    pub finding: Option<String>,
    pub committee: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl RecommendationRow {
    pub fn entry(&self) -> Option<Recommendation> {
        Recommendation::stored(
            self.report_year,
            &self.kind,
            &self.status,
            self.body.clone(),
            self.finding.clone(),
            self.committee.as_deref(),
        )
    }
}

/// The columns an activity's write sets.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = report_activities)]
struct ActivityFields {
    activity_date: NaiveDate,
    kind: String,
    agencies: Vec<String>,
    description: String,
}

impl From<&Activity> for ActivityFields {
    fn from(a: &Activity) -> Self {
        ActivityFields {
            activity_date: a.date,
            kind: a.kind.code().to_string(),
            agencies: a.agencies.iter().map(|g| g.code().to_string()).collect(),
            description: a.description.clone(),
        }
    }
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = report_recommendations, treat_none_as_null = true)]
struct RecommendationFields {
    report_year: i32,
    kind: String,
    status: String,
    body: String,
    finding: Option<String>,
    committee: Option<String>,
}

impl From<&Recommendation> for RecommendationFields {
    fn from(r: &Recommendation) -> Self {
        RecommendationFields {
            report_year: r.year,
            kind: r.kind.code().to_string(),
            status: r.status.code().to_string(),
            body: r.text.clone(),
            finding: r.finding.clone(),
            committee: r.committee.map(|c| c.code().to_string()),
        }
    }
}

/// The first and last day of `year`, for a date filter.
fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?))
}

pub async fn insert_activity(conn: &mut AsyncPgConnection, a: &Activity, now: DateTime<Utc>) -> QueryResult<ActivityRow> {
    let f = ActivityFields::from(a);
    diesel::insert_into(report_activities::table)
        .values((
            report_activities::id.eq(Uuid::new_v4()),
            report_activities::activity_date.eq(f.activity_date),
            report_activities::kind.eq(f.kind),
            report_activities::agencies.eq(f.agencies),
            report_activities::description.eq(f.description),
            report_activities::created_at.eq(now),
            report_activities::updated_at.eq(now),
        ))
        .returning(ActivityRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn get_activity(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<ActivityRow>> {
    report_activities::table.find(id).select(ActivityRow::as_select()).first(conn).await.optional()
}

/// Replaces an activity if it is still at `version`; `None` when it is not
/// (or is gone), so a concurrent edit is never overwritten.
pub async fn update_activity(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    version: i32,
    a: &Activity,
    now: DateTime<Utc>,
) -> QueryResult<Option<ActivityRow>> {
    diesel::update(report_activities::table.find(id).filter(report_activities::version.eq(version)))
        .set((
            ActivityFields::from(a),
            report_activities::version.eq(version + 1),
            report_activities::updated_at.eq(now),
        ))
        .returning(ActivityRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// A page of activities (of `year`, if given), by date, with the total.
pub async fn list_activities(
    conn: &mut AsyncPgConnection,
    year: Option<i32>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<ActivityRow>, i64)> {
    let filtered = || {
        let mut q = report_activities::table.into_boxed();
        if let Some((first, last)) = year.and_then(year_bounds) {
            q = q.filter(report_activities::activity_date.between(first, last));
        }
        q
    };
    let total = filtered().count().get_result(conn).await?;
    let rows = filtered()
        .select(ActivityRow::as_select())
        .order((report_activities::activity_date, report_activities::created_at, report_activities::id))
        .limit(limit)
        .offset(offset)
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// Every activity of `year`, for the report (a year holds a few hundred at most).
pub async fn activities_of(conn: &mut AsyncPgConnection, year: i32) -> QueryResult<Vec<ActivityRow>> {
    let Some((first, last)) = year_bounds(year) else {
        return Ok(Vec::new());
    };
    report_activities::table
        .filter(report_activities::activity_date.between(first, last))
        .select(ActivityRow::as_select())
        .order((report_activities::activity_date, report_activities::created_at))
        .load(conn)
        .await
}

pub async fn insert_recommendation(
    conn: &mut AsyncPgConnection,
    r: &Recommendation,
    now: DateTime<Utc>,
) -> QueryResult<RecommendationRow> {
    let f = RecommendationFields::from(r);
    diesel::insert_into(report_recommendations::table)
        .values((
            report_recommendations::id.eq(Uuid::new_v4()),
            report_recommendations::report_year.eq(f.report_year),
            report_recommendations::kind.eq(f.kind),
            report_recommendations::status.eq(f.status),
            report_recommendations::body.eq(f.body),
            report_recommendations::finding.eq(f.finding),
            report_recommendations::committee.eq(f.committee),
            report_recommendations::created_at.eq(now),
            report_recommendations::updated_at.eq(now),
        ))
        .returning(RecommendationRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn get_recommendation(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<RecommendationRow>> {
    report_recommendations::table.find(id).select(RecommendationRow::as_select()).first(conn).await.optional()
}

pub async fn update_recommendation(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    version: i32,
    r: &Recommendation,
    now: DateTime<Utc>,
) -> QueryResult<Option<RecommendationRow>> {
    diesel::update(report_recommendations::table.find(id).filter(report_recommendations::version.eq(version)))
        .set((
            RecommendationFields::from(r),
            report_recommendations::version.eq(version + 1),
            report_recommendations::updated_at.eq(now),
        ))
        .returning(RecommendationRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// A page of recommendations (of report `year`, if given), oldest first, with the total.
pub async fn list_recommendations(
    conn: &mut AsyncPgConnection,
    year: Option<i32>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<RecommendationRow>, i64)> {
    let filtered = || {
        let mut q = report_recommendations::table.into_boxed();
        if let Some(year) = year {
            q = q.filter(report_recommendations::report_year.eq(year));
        }
        q
    };
    let total = filtered().count().get_result(conn).await?;
    let rows = filtered()
        .select(RecommendationRow::as_select())
        .order((report_recommendations::report_year, report_recommendations::created_at, report_recommendations::id))
        .limit(limit)
        .offset(offset)
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// Every recommendation of report `year`, oldest first.
pub async fn recommendations_of(conn: &mut AsyncPgConnection, year: i32) -> QueryResult<Vec<RecommendationRow>> {
    report_recommendations::table
        .filter(report_recommendations::report_year.eq(year))
        .select(RecommendationRow::as_select())
        .order((report_recommendations::created_at, report_recommendations::id))
        .load(conn)
        .await
}

// ---------------------------------------------------------------- snapshots

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = super::schema::report_snapshots)]
pub struct SnapshotRow {
    pub id: Uuid,
    pub kind: String,
    pub year: i32,
    pub as_of: NaiveDate,
    pub report: serde_json::Value,
    pub html: String,
    pub created_at: DateTime<Utc>,
}

/// Files a frozen copy of the coordinator's report on `year`.
pub async fn insert_snapshot(
    conn: &mut AsyncPgConnection,
    year: i32,
    as_of: NaiveDate,
    report: serde_json::Value,
    html: String,
    now: DateTime<Utc>,
) -> QueryResult<SnapshotRow> {
    insert_snapshot_of(conn, "coordinator", year, as_of, report, html, now).await
}

/// Files a frozen copy of the report of `kind` (`coordinator`, `task_force`) on `year`.
pub async fn insert_snapshot_of(
    conn: &mut AsyncPgConnection,
    kind: &str,
    year: i32,
    as_of: NaiveDate,
    report: serde_json::Value,
    html: String,
    now: DateTime<Utc>,
) -> QueryResult<SnapshotRow> {
    use super::schema::report_snapshots as s;
    diesel::insert_into(s::table)
        .values((
            s::id.eq(Uuid::new_v4()),
            s::kind.eq(kind),
            s::year.eq(year),
            s::as_of.eq(as_of),
            s::report.eq(report),
            s::html.eq(html),
            s::created_at.eq(now),
        ))
        .returning(SnapshotRow::as_returning())
        .get_result(conn)
        .await
}

/// The coordinator's snapshot `id` of `year`, if it is one.
pub async fn get_snapshot(conn: &mut AsyncPgConnection, year: i32, id: Uuid) -> QueryResult<Option<SnapshotRow>> {
    get_snapshot_of(conn, "coordinator", year, id).await
}

/// The snapshot `id` of a report of `kind` on `year`, if it is one.
pub async fn get_snapshot_of(conn: &mut AsyncPgConnection, kind: &str, year: i32, id: Uuid) -> QueryResult<Option<SnapshotRow>> {
    use super::schema::report_snapshots as s;
    s::table
        .find(id)
        .filter(s::kind.eq(kind.to_string()).and(s::year.eq(year)))
        .select(SnapshotRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// What a listing says of a snapshot: not its content.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = super::schema::report_snapshots)]
pub struct SnapshotSummaryRow {
    pub id: Uuid,
    pub year: i32,
    pub as_of: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// The snapshots of the report of `kind` on `year`, newest first, a page at a
/// time, with how many there are.
pub async fn list_snapshots_of(
    conn: &mut AsyncPgConnection,
    kind: &str,
    year: i32,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<SnapshotSummaryRow>, i64)> {
    use super::schema::report_snapshots as s;
    let mine = || s::table.filter(s::kind.eq(kind.to_string()).and(s::year.eq(year)));
    let total = mine().count().get_result(conn).await?;
    let rows = mine()
        .select(SnapshotSummaryRow::as_select())
        .order((s::created_at.desc(), s::id))
        .limit(limit)
        .offset(offset)
        .load(conn)
        .await?;
    Ok((rows, total))
}
