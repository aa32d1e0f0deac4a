//! The two registers the report is built from (activities, recommendations) are kept alike:
//! created after core's check, read with an ETag, changed by a JSON merge patch under `If-Match`
//! and re-checked whole, listed a page at a time, every write audited in its transaction. One
//! implementation serves both; each handler names its register and keeps its own
//! `#[utoipa::path]`.

use super::view::{ActivityView, RecommendationView, RegisterParams, DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::clock::Clock;
use crate::db::reports::{self as store, ActivityRow, RecommendationRow};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::body::{json_text, rejected};
use crate::http::precondition::{etag, expected_version, still_current};
use crate::http::query::{Page, Paging};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use beacon_core::stats::report::{merge_patch, Activity, Recommendation};
use beacon_core::stats::{check_activity, check_recommendation};
use beacon_core::ValidationError;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use std::future::Future;
use tracing_actix_web::RequestId;
use uuid::Uuid;

/// One register: its words, its rule and its table.
pub trait Register {
    /// `activity`: the audit entry's action is `report.activity.create`, its resource `report_activity`.
    const NAME: &'static str;
    /// `activities`: the entries live at `/v1/reports/activities/{id}`.
    const PATH: &'static str;
    type Entry: Serialize + Sync;
    type Row: Send;
    type View: Serialize + From<Self::Row>;

    fn check(text: &str, today: NaiveDate) -> Result<Self::Entry, Vec<ValidationError>>;
    fn id(row: &Self::Row) -> Uuid;
    fn version(row: &Self::Row) -> i32;
    /// Core's entry of a stored row; `None` if a stored code is no longer one of ours.
    fn entry(row: &Self::Row) -> Option<Self::Entry>;
    fn insert<'a>(conn: &'a mut AsyncPgConnection, entry: &'a Self::Entry, now: DateTime<Utc>) -> impl Future<Output = QueryResult<Self::Row>> + Send + 'a;
    fn get(conn: &mut AsyncPgConnection, id: Uuid) -> impl Future<Output = QueryResult<Option<Self::Row>>> + Send + '_;
    fn update<'a>(
        conn: &'a mut AsyncPgConnection,
        id: Uuid,
        version: i32,
        entry: &'a Self::Entry,
        now: DateTime<Utc>,
    ) -> impl Future<Output = QueryResult<Option<Self::Row>>> + Send + 'a;
    fn list(conn: &mut AsyncPgConnection, year: Option<i32>, limit: i64, offset: i64) -> impl Future<Output = QueryResult<(Vec<Self::Row>, i64)>> + Send + '_;
}

pub struct Activities;
pub struct Recommendations;

impl Register for Activities {
    const NAME: &'static str = "activity";
    const PATH: &'static str = "activities";
    type Entry = Activity;
    type Row = ActivityRow;
    type View = ActivityView;

    fn check(text: &str, today: NaiveDate) -> Result<Activity, Vec<ValidationError>> {
        check_activity(text, today)
    }
    fn id(row: &ActivityRow) -> Uuid {
        row.id
    }
    fn version(row: &ActivityRow) -> i32 {
        row.version
    }
    fn entry(row: &ActivityRow) -> Option<Activity> {
        row.entry()
    }
    fn insert<'a>(conn: &'a mut AsyncPgConnection, entry: &'a Activity, now: DateTime<Utc>) -> impl Future<Output = QueryResult<ActivityRow>> + Send + 'a {
        store::insert_activity(conn, entry, now)
    }
    fn get(conn: &mut AsyncPgConnection, id: Uuid) -> impl Future<Output = QueryResult<Option<ActivityRow>>> + Send + '_ {
        store::get_activity(conn, id)
    }
    fn update<'a>(conn: &'a mut AsyncPgConnection, id: Uuid, version: i32, entry: &'a Activity, now: DateTime<Utc>) -> impl Future<Output = QueryResult<Option<ActivityRow>>> + Send + 'a {
        store::update_activity(conn, id, version, entry, now)
    }
    fn list(conn: &mut AsyncPgConnection, year: Option<i32>, limit: i64, offset: i64) -> impl Future<Output = QueryResult<(Vec<ActivityRow>, i64)>> + Send + '_ {
        store::list_activities(conn, year, limit, offset)
    }
}

impl Register for Recommendations {
    const NAME: &'static str = "recommendation";
    const PATH: &'static str = "recommendations";
    type Entry = Recommendation;
    type Row = RecommendationRow;
    type View = RecommendationView;

    fn check(text: &str, today: NaiveDate) -> Result<Recommendation, Vec<ValidationError>> {
        check_recommendation(text, today)
    }
    fn id(row: &RecommendationRow) -> Uuid {
        row.id
    }
    fn version(row: &RecommendationRow) -> i32 {
        row.version
    }
    fn entry(row: &RecommendationRow) -> Option<Recommendation> {
        row.entry()
    }
    fn insert<'a>(conn: &'a mut AsyncPgConnection, entry: &'a Recommendation, now: DateTime<Utc>) -> impl Future<Output = QueryResult<RecommendationRow>> + Send + 'a {
        store::insert_recommendation(conn, entry, now)
    }
    fn get(conn: &mut AsyncPgConnection, id: Uuid) -> impl Future<Output = QueryResult<Option<RecommendationRow>>> + Send + '_ {
        store::get_recommendation(conn, id)
    }
    fn update<'a>(
        conn: &'a mut AsyncPgConnection,
        id: Uuid,
        version: i32,
        entry: &'a Recommendation,
        now: DateTime<Utc>,
    ) -> impl Future<Output = QueryResult<Option<RecommendationRow>>> + Send + 'a {
        store::update_recommendation(conn, id, version, entry, now)
    }
    fn list(conn: &mut AsyncPgConnection, year: Option<i32>, limit: i64, offset: i64) -> impl Future<Output = QueryResult<(Vec<RecommendationRow>, i64)>> + Send + '_ {
        store::list_recommendations(conn, year, limit, offset)
    }
}

fn with_etag<R: Register>(mut response: actix_web::HttpResponseBuilder, row: R::Row) -> HttpResponse {
    response.insert_header((header::ETAG, etag(R::version(&row)))).json(R::View::from(row))
}

/// A new entry, after core's check; 201 with its `Location` and `ETag`.
pub async fn create<R: Register>(
    principal: &Principal,
    request_id: &RequestId,
    req: &HttpRequest,
    payload: web::Payload,
    clock: &Clock,
    pool: &DbPool,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(req, payload).await?;
    let entry = R::check(&text, clock.today()).map_err(rejected)?;
    let now = clock.now();
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let row = R::insert(conn, &entry, now).await?;
            let event = Event::by(principal, request_id, &format!("report.{}.create", R::NAME), &format!("report_{}", R::NAME), R::id(&row));
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, format!("/v1/reports/{}/{}", R::PATH, R::id(&row))));
    Ok(with_etag::<R>(response, row))
}

/// One entry with its `ETag`, or 404.
pub async fn get<R: Register>(id: Uuid, pool: &DbPool) -> Result<HttpResponse, ApiError> {
    let mut pooled = pool.get().await?;
    let row = R::get(&mut pooled, id).await?.ok_or(ApiError::NotFound)?;
    Ok(with_etag::<R>(HttpResponse::Ok(), row))
}

/// A merge patch of the entry at the version `If-Match` names, re-checked whole; 412 when it
/// has changed since, 428 without `If-Match`.
pub async fn update<R: Register>(
    principal: &Principal,
    request_id: &RequestId,
    id: Uuid,
    req: &HttpRequest,
    payload: web::Payload,
    clock: &Clock,
    pool: &DbPool,
) -> Result<HttpResponse, ApiError> {
    let expected = expected_version(req)?;
    let text = json_text(req, payload).await?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let current = R::get(conn, id).await?.ok_or(ApiError::NotFound)?;
    let stored = R::entry(&current).ok_or_else(|| ApiError::internal(format!("a stored {} has an unknown code", R::NAME)))?;
    let entry = merge_patch(&stored, &text).and_then(|body| R::check(&body, clock.today())).map_err(rejected)?;
    still_current(R::version(&current), expected)?;
    let now = clock.now();
    let row = conn
        .transaction(async |conn| {
            let Some(row) = R::update(conn, id, expected, &entry, now).await? else {
                return Ok(None);
            };
            let event = Event::by(principal, request_id, &format!("report.{}.update", R::NAME), &format!("report_{}", R::NAME), R::id(&row));
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?;
    Ok(with_etag::<R>(HttpResponse::Ok(), row.ok_or(ApiError::PreconditionFailed)?))
}

/// A page of the register (of one year, if asked).
pub async fn list<R: Register>(params: &RegisterParams, pool: &DbPool) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let paging = Paging::parse(params.page, params.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut pooled = pool.get().await?;
    let (rows, total) = R::list(&mut pooled, params.year, paging.per_page, paging.offset()).await?;
    Ok(HttpResponse::Ok().json(Page::new(paging, total, rows.into_iter().map(R::View::from).collect::<Vec<_>>())))
}
