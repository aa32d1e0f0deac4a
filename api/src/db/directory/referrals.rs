//! Referrals: no personal information, only the town, category and where the referral stands in
//! its lifecycle (`beacon_core::directory::lifecycle`), with one timestamp per status.

use crate::db::schema::{accounts, directory_referrals, directory_services};
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
    /// `proposed` or `sent`.
    pub status: String,
    /// When created `sent`: the creation instant.
    pub sent_at: Option<DateTime<Utc>>,
    pub account_id: Uuid,
    /// From the injected clock, never the database's `now()`.
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// When a referral entered each status after `proposed` (which is `created_at`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Queryable, Selectable, AsChangeset)]
#[diesel(table_name = directory_referrals, treat_none_as_null = true)]
pub struct Stamps {
    pub sent_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub declined_at: Option<DateTime<Utc>>,
    pub service_started_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Stamps {
    /// Records that the referral entered `status` at `at` (`proposed` has no stamp of its own).
    pub fn stamp(&mut self, status: &str, at: DateTime<Utc>) {
        let slot = match status {
            "sent" => &mut self.sent_at,
            "accepted" => &mut self.accepted_at,
            "declined" => &mut self.declined_at,
            "service_started" => &mut self.service_started_at,
            "closed" => &mut self.closed_at,
            "withdrawn" => &mut self.withdrawn_at,
            _ => return,
        };
        *slot = Some(at);
    }
}

/// A referral: no personal information.
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
    /// A code of the list `referral_status`.
    pub status: String,
    /// A code of the list `referral_decline_reason`, when declined.
    pub decline_reason: Option<String>,
    #[diesel(embed)]
    pub stamps: Stamps,
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

/// Whose referrals a caller sees: every one, an account's (the referrer's), or those made to a
/// directory organization (a provider's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visible {
    All,
    MadeBy(Uuid),
    MadeTo(Uuid),
}

/// The referral, locked for the transaction's update; `None` when there is none the caller sees.
pub async fn lock_referral(conn: &mut AsyncPgConnection, id: Uuid, visible: Visible) -> QueryResult<Option<ReferralRow>> {
    let Some(row) = directory_referrals::table
        .find(id)
        .select(ReferralRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
    else {
        return Ok(None);
    };
    let seen = match visible {
        Visible::All => true,
        Visible::MadeBy(account) => row.account_id == account,
        Visible::MadeTo(org) => {
            let of: Uuid = directory_services::table.find(row.service_id).select(directory_services::organization_id).first(conn).await?;
            of == org
        }
    };
    Ok(seen.then_some(row))
}

/// The ids of an organization's services.
fn services_of(org: Uuid) -> diesel::dsl::Select<diesel::dsl::Filter<directory_services::table, diesel::dsl::Eq<directory_services::organization_id, Uuid>>, directory_services::id> {
    directory_services::table.filter(directory_services::organization_id.eq(org)).select(directory_services::id)
}

/// Moves a referral to `status` (its reason when declined), with its stamps as they now are.
pub async fn set_referral_status(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: &str,
    decline_reason: Option<&str>,
    stamps: &Stamps,
    now: DateTime<Utc>,
) -> QueryResult<ReferralRow> {
    use directory_referrals::dsl as r;
    diesel::update(directory_referrals::table.filter(r::id.eq(id)))
        .set((r::status.eq(status), r::decline_reason.eq(decline_reason), stamps, r::updated_at.eq(now)))
        .returning(ReferralRow::as_returning())
        .get_result(conn)
        .await
}

#[derive(Debug)]
pub struct ReferralFilter {
    pub visible: Visible,
    pub service_id: Option<Uuid>,
    pub status: Option<String>,
    /// Referrals made to this directory organization's services.
    pub provider: Option<Uuid>,
    /// Only sent referrals sent before this instant (`lifecycle::overdue_cutoff` of now).
    pub sent_before: Option<DateTime<Utc>>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
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
        match f.visible {
            Visible::All => {}
            Visible::MadeBy(account) => q = q.filter(r::account_id.eq(account)),
            Visible::MadeTo(org) => q = q.filter(r::service_id.eq_any(services_of(org))),
        }
        if let Some(s) = f.service_id {
            q = q.filter(r::service_id.eq(s));
        }
        if let Some(s) = &f.status {
            q = q.filter(r::status.eq(s.clone()));
        }
        if let Some(org) = f.provider {
            q = q.filter(r::service_id.eq_any(services_of(org)));
        }
        if let Some(cutoff) = f.sent_before {
            q = q.filter(r::status.eq(beacon_core::directory::ReferralStatus::Sent.to_string())).filter(r::sent_at.lt(cutoff));
        }
        if let Some(d) = f.from {
            q = q.filter(r::referred_on.ge(d));
        }
        if let Some(d) = f.to {
            q = q.filter(r::referred_on.le(d));
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

/// The directory organization a `provider` key of `account` answers for.
pub async fn account_organization(conn: &mut AsyncPgConnection, account: Uuid) -> QueryResult<Option<Uuid>> {
    accounts::table
        .find(account)
        .select(accounts::directory_organization_id)
        .first::<Option<Uuid>>(conn)
        .await
        .optional()
        .map(Option::flatten)
}

/// Binds `account` (its `provider` keys) to a directory organization; false when no such account.
pub async fn set_account_organization(conn: &mut AsyncPgConnection, account: Uuid, organization: Option<Uuid>) -> QueryResult<bool> {
    let n = diesel::update(accounts::table.find(account))
        .set(accounts::directory_organization_id.eq(organization))
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// Referrals made between `from` and `to` (inclusive), counted by town,
/// category, status and decline reason; the caller maps towns to regions.
#[derive(Debug, Clone, QueryableByName)]
pub struct ReferralCount {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub town: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub category: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub status: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub decline_reason: Option<String>,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

pub async fn referral_counts(conn: &mut AsyncPgConnection, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<ReferralCount>> {
    diesel::sql_query(
        "SELECT town, category, status, decline_reason, count(*) AS n FROM directory_referrals \
         WHERE referred_on BETWEEN $1 AND $2 GROUP BY 1, 2, 3, 4",
    )
    .bind::<diesel::sql_types::Date, _>(from)
    .bind::<diesel::sql_types::Date, _>(to)
    .load(conn)
    .await
}
