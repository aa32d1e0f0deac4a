//! Referrals: no personal information, only the town, category and outcome.

use crate::db::schema::{directory_referrals};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;


#[derive(Debug, Insertable)]
#[diesel(table_name = directory_referrals)]
pub struct NewReferral {
    pub id: Uuid,
    pub service_id: Uuid,
    pub category: String,
    pub town: String,
    pub referred_on: NaiveDate,
    pub outcome: String,
    pub account_id: Uuid,
    /// From the injected clock, never the database's `now()`.
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A referral: no personal information, only the town, category and outcome.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = directory_referrals)]
pub struct ReferralRow {
    pub id: Uuid,
    pub service_id: Uuid,
    /// A Foundation service code.
    pub category: String,
    /// The Connecticut town the person is in.
    pub town: String,
    pub referred_on: NaiveDate,
    /// `pending accepted declined_capacity declined_eligibility declined_other withdrawn`.
    pub outcome: String,
    /// The account that made the referral.
    pub account_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert_referral(conn: &mut AsyncPgConnection, new: &NewReferral) -> QueryResult<ReferralRow> {
    diesel::insert_into(directory_referrals::table)
        .values(new)
        .returning(ReferralRow::as_returning())
        .get_result(conn)
        .await
}

/// Sets the outcome; `None` when there is no such referral (of `owner`, when given).
pub async fn set_referral_outcome(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    owner: Option<Uuid>,
    outcome: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<ReferralRow>> {
    let mut q = diesel::update(directory_referrals::table).filter(directory_referrals::id.eq(id)).into_boxed();
    if let Some(org) = owner {
        q = q.filter(directory_referrals::account_id.eq(org));
    }
    q.set((directory_referrals::outcome.eq(outcome), directory_referrals::updated_at.eq(now)))
        .returning(ReferralRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

#[derive(Debug, Default)]
pub struct ReferralFilter {
    pub service_id: Option<Uuid>,
    pub outcome: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub account_id: Option<Uuid>,
}

pub async fn page_referrals(
    conn: &mut AsyncPgConnection,
    f: &ReferralFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(i64, Vec<ReferralRow>)> {
    use directory_referrals::dsl as r;
    let build = || {
        let mut q = directory_referrals::table.into_boxed();
        if let Some(s) = f.service_id {
            q = q.filter(r::service_id.eq(s));
        }
        if let Some(o) = &f.outcome {
            q = q.filter(r::outcome.eq(o.clone()));
        }
        if let Some(d) = f.from {
            q = q.filter(r::referred_on.ge(d));
        }
        if let Some(d) = f.to {
            q = q.filter(r::referred_on.le(d));
        }
        if let Some(o) = f.account_id {
            q = q.filter(r::account_id.eq(o));
        }
        q
    };
    let total = build().count().get_result(conn).await?;
    let rows = build()
        .order((r::referred_on.desc(), r::created_at.desc(), r::id))
        .offset(offset)
        .limit(limit)
        .select(ReferralRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// Referrals made between `from` and `to` (inclusive), counted by town,
/// category and outcome; the caller maps towns to regions.
#[derive(Debug, Clone, QueryableByName)]
pub struct ReferralCount {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub town: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub category: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub outcome: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

pub async fn referral_counts(conn: &mut AsyncPgConnection, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<ReferralCount>> {
    diesel::sql_query(
        "SELECT town, category, outcome, count(*) AS n FROM directory_referrals \
         WHERE referred_on BETWEEN $1 AND $2 GROUP BY 1, 2, 3",
    )
    .bind::<diesel::sql_types::Date, _>(from)
    .bind::<diesel::sql_types::Date, _>(to)
    .load(conn)
    .await
}

