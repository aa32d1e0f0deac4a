//! Partner intake submissions.

use super::schema::{intake_submissions as intake, accounts};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Insertable)]
#[diesel(table_name = intake)]
pub struct NewSubmission {
    pub id: Uuid,
    pub account_id: Uuid,
    pub api_key_id: Uuid,
    pub reference: String,
    pub idempotency_key: String,
    pub request_hash: Vec<u8>,
    pub town: Option<String>,
    pub county: Option<String>,
    pub planning_region: Option<String>,
    pub judicial_district: Option<String>,
    pub dcf_region: Option<i16>,
    pub concern_types: Vec<String>,
    pub age_group: String,
    pub needs: Vec<String>,
    pub safe_to_contact: bool,
    pub consent_to_share: bool,
    pub preferred_language: Option<String>,
    pub minor_involved: bool,
    pub key_id: String,
    pub wrapped_data_key: Vec<u8>,
    pub contact_sealed: Option<Vec<u8>>,
    pub notes_sealed: Option<Vec<u8>>,
}

/// What a partner gets back: nothing of the submission itself.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = intake)]
pub struct Receipt {
    pub id: Uuid,
    pub reference: String,
    pub received_at: DateTime<Utc>,
    pub minor_involved: bool,
    pub request_hash: Vec<u8>,
}

/// Inserts unless this partner key already used `idempotency_key`; either way
/// returns the stored receipt (whose hash tells a retry from a reuse).
pub async fn insert_or_existing(conn: &mut AsyncPgConnection, new: &NewSubmission) -> QueryResult<(Receipt, bool)> {
    let inserted: Option<Receipt> = diesel::insert_into(intake::table)
        .values(new)
        .on_conflict((intake::api_key_id, intake::idempotency_key))
        .do_nothing()
        .returning(Receipt::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    if let Some(receipt) = inserted {
        return Ok((receipt, true));
    }
    let existing = intake::table
        .filter(intake::api_key_id.eq(new.api_key_id))
        .filter(intake::idempotency_key.eq(&new.idempotency_key))
        .select(Receipt::as_select())
        .first(conn)
        .await?;
    Ok((existing, false))
}

pub async fn reference_taken(conn: &mut AsyncPgConnection, reference: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(intake::table.filter(intake::reference.eq(reference))))
        .get_result(conn)
        .await
}

/// The coordinator's view of a submission: de-identified.
#[derive(Debug, Queryable)]
pub struct SubmissionRow {
    pub id: Uuid,
    pub reference: String,
    pub account_id: Uuid,
    pub partner: String,
    pub received_at: DateTime<Utc>,
    pub status: String,
    pub town: Option<String>,
    pub county: Option<String>,
    pub planning_region: Option<String>,
    pub judicial_district: Option<String>,
    pub dcf_region: Option<i16>,
    pub concern_types: Vec<String>,
    pub age_group: String,
    pub needs: Vec<String>,
    pub safe_to_contact: bool,
    pub consent_to_share: bool,
    pub preferred_language: Option<String>,
    pub minor_involved: bool,
    pub dcf_notified_at: Option<DateTime<Utc>>,
    pub converted_incident_id: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

type RowColumns = (
    intake::id,
    intake::reference,
    intake::account_id,
    accounts::name,
    intake::received_at,
    intake::status,
    intake::town,
    intake::county,
    intake::planning_region,
    intake::judicial_district,
    intake::dcf_region,
    intake::concern_types,
    intake::age_group,
    intake::needs,
    intake::safe_to_contact,
    intake::consent_to_share,
    intake::preferred_language,
    intake::minor_involved,
    intake::dcf_notified_at,
    intake::converted_incident_id,
    intake::updated_at,
);

const ROW: RowColumns = (
    intake::id,
    intake::reference,
    intake::account_id,
    accounts::name,
    intake::received_at,
    intake::status,
    intake::town,
    intake::county,
    intake::planning_region,
    intake::judicial_district,
    intake::dcf_region,
    intake::concern_types,
    intake::age_group,
    intake::needs,
    intake::safe_to_contact,
    intake::consent_to_share,
    intake::preferred_language,
    intake::minor_involved,
    intake::dcf_notified_at,
    intake::converted_incident_id,
    intake::updated_at,
);

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<String>,
    pub partner: Option<Uuid>,
    pub minor: Option<bool>,
    /// Only minors whose DCF notification is not yet recorded (Sec. 10 queue).
    pub awaiting_dcf: bool,
    /// Only submissions whose person's age group is unknown (the review queue).
    pub age_unknown: Option<bool>,
}

fn filtered(f: &Filter) -> diesel::dsl::IntoBoxed<'static, diesel::dsl::InnerJoin<intake::table, accounts::table>, diesel::pg::Pg> {
    let mut q = intake::table.inner_join(accounts::table).into_boxed();
    if let Some(status) = &f.status {
        q = q.filter(intake::status.eq(status.clone()));
    }
    if let Some(partner) = f.partner {
        q = q.filter(intake::account_id.eq(partner));
    }
    if let Some(minor) = f.minor {
        q = q.filter(intake::minor_involved.eq(minor));
    }
    if let Some(unknown) = f.age_unknown {
        q = if unknown { q.filter(intake::age_group.eq("unknown")) } else { q.filter(intake::age_group.ne("unknown")) };
    }
    if f.awaiting_dcf {
        q = q.filter(intake::minor_involved.eq(true)).filter(intake::dcf_notified_at.is_null());
    }
    q
}

pub async fn list(conn: &mut AsyncPgConnection, f: &Filter, limit: i64, offset: i64) -> QueryResult<(Vec<SubmissionRow>, i64)> {
    let total = filtered(f).count().get_result(conn).await?;
    let rows = filtered(f)
        .order((intake::received_at.desc(), intake::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(ROW)
        .load(conn)
        .await?;
    Ok((rows, total))
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<SubmissionRow>> {
    intake::table
        .inner_join(accounts::table)
        .filter(intake::id.eq(id))
        .select(ROW)
        .first(conn)
        .await
        .optional()
}

pub async fn set_status(conn: &mut AsyncPgConnection, id: Uuid, status: &str, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(intake::table.filter(intake::id.eq(id)))
        .set((intake::status.eq(status), intake::updated_at.eq(now)))
        .execute(conn)
        .await
}

/// Records the age group of a submission whose age was unknown; a minor's enters the DCF queue.
pub async fn set_age_group(conn: &mut AsyncPgConnection, id: Uuid, age_group: &str, minor: bool, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(intake::table.filter(intake::id.eq(id)).filter(intake::age_group.eq("unknown")))
        .set((intake::age_group.eq(age_group), intake::minor_involved.eq(minor), intake::updated_at.eq(now)))
        .execute(conn)
        .await
}

pub async fn mark_dcf_notified(conn: &mut AsyncPgConnection, id: Uuid, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(intake::table.filter(intake::id.eq(id)).filter(intake::dcf_notified_at.is_null()))
        .set((intake::dcf_notified_at.eq(now), intake::updated_at.eq(now)))
        .execute(conn)
        .await
}

pub async fn mark_converted(conn: &mut AsyncPgConnection, id: Uuid, incident: Uuid, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(intake::table.filter(intake::id.eq(id)))
        .set((
            intake::status.eq("converted"),
            intake::converted_incident_id.eq(incident),
            intake::updated_at.eq(now),
        ))
        .execute(conn)
        .await
}

/// Whether `origin` is bound to a live partner key: the CORS allow rule for `/v1/intake`.
pub async fn origin_is_bound(conn: &mut AsyncPgConnection, origin: &str, now: DateTime<Utc>) -> QueryResult<bool> {
    use super::schema::api_keys;
    use diesel::PgArrayExpressionMethods;
    diesel::select(diesel::dsl::exists(
        api_keys::table
            .filter(api_keys::role.eq("partner"))
            .filter(api_keys::revoked_at.is_null())
            .filter(api_keys::expires_at.is_null().or(api_keys::expires_at.gt(now)))
            .filter(api_keys::origins.contains(vec![origin.to_string()])),
    ))
    .get_result(conn)
    .await
}
