//! Screenings: stored sealed, read back by id.

use super::schema::screenings;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = screenings)]
pub struct NewScreening {
    pub id: Uuid,
    pub account_id: Uuid,
    pub api_key_id: Uuid,
    pub instrument: String,
    pub instrument_version: i32,
    pub result: String,
    pub fired: Vec<String>,
    pub key_id: String,
    pub wrapped_data_key: Vec<u8>,
    pub answers_sealed: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
}

/// A screening as stored, its answers still sealed.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = screenings)]
pub struct ScreeningRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub instrument: String,
    pub instrument_version: i32,
    pub result: String,
    pub fired: Vec<String>,
    pub key_id: String,
    pub wrapped_data_key: Vec<u8>,
    pub answers_sealed: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &NewScreening) -> QueryResult<ScreeningRow> {
    diesel::insert_into(screenings::table).values(row).returning(ScreeningRow::as_returning()).get_result(conn).await
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<ScreeningRow>> {
    screenings::table.find(id).select(ScreeningRow::as_select()).first(conn).await.optional()
}
