//! Partner intake submissions.

use super::schema::{accounts, dcf_responses, intake_submissions as intake};
use chrono::{DateTime, NaiveDate, Utc};
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
    /// The request's instant from the server's Clock (not the database's `now()`): Sec. 10's
    /// overdue rule counts days from it.
    pub received_at: DateTime<Utc>,
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
    /// Why the request looked scripted (`edge::intake_budget`); empty when nothing did.
    pub scripted_reasons: Vec<String>,
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
    pub consent_withdrawn_on: Option<NaiveDate>,
    /// DCF's response (Sec. 10), when recorded: `(response, reason, responded_on)`.
    pub dcf_response: Option<String>,
    pub dcf_response_reason: Option<String>,
    pub dcf_responded_on: Option<NaiveDate>,
    pub scripted_reasons: Vec<String>,
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
    intake::consent_withdrawn_on,
    diesel::dsl::Nullable<dcf_responses::response>,
    diesel::dsl::Nullable<dcf_responses::reason>,
    diesel::dsl::Nullable<dcf_responses::responded_on>,
    intake::scripted_reasons,
);

/// The columns of a [`SubmissionRow`], DCF's response from the left join.
fn row() -> RowColumns {
    (
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
        intake::consent_withdrawn_on,
        dcf_responses::response.nullable(),
        dcf_responses::reason.nullable(),
        dcf_responses::responded_on.nullable(),
        intake::scripted_reasons,
    )
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<String>,
    pub partner: Option<Uuid>,
    pub minor: Option<bool>,
    /// Only minors whose DCF notification is not yet recorded (Sec. 10 queue).
    pub awaiting_dcf: bool,
    /// Only submissions whose person's age group is unknown (the review queue).
    pub age_unknown: Option<bool>,
    /// Only the submissions this partner account's form received: a `partner_staff` key's list.
    pub only_account: Option<Uuid>,
    /// `true`: only submissions whose request looked scripted; `false`: only the others.
    pub scripted: Option<bool>,
}

type Joined = diesel::dsl::LeftJoin<diesel::dsl::InnerJoin<intake::table, accounts::table>, dcf_responses::table>;

fn joined() -> Joined {
    intake::table.inner_join(accounts::table).left_join(dcf_responses::table)
}

fn filtered(f: &Filter) -> diesel::dsl::IntoBoxed<'static, Joined, diesel::pg::Pg> {
    let mut q = joined().into_boxed();
    if let Some(account) = f.only_account {
        q = q.filter(intake::account_id.eq(account));
    }
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
    if let Some(scripted) = f.scripted {
        let marked = diesel::dsl::sql::<diesel::sql_types::Bool>("cardinality(intake_submissions.scripted_reasons) > 0");
        q = if scripted { q.filter(marked) } else { q.filter(diesel::dsl::not(marked)) };
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
        .select(row())
        .load(conn)
        .await?;
    Ok((rows, total))
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<SubmissionRow>> {
    joined()
        .filter(intake::id.eq(id))
        .select(row())
        .first(conn)
        .await
        .optional()
}

/// Locks a submission's row for the rest of the transaction, so a status change and a
/// conversion cannot both act on what each read before the other wrote.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    let found: Option<Uuid> = intake::table.filter(intake::id.eq(id)).select(intake::id).for_update().first(conn).await.optional()?;
    Ok(found.is_some())
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

/// Marks a submission converted unless it already is: 0 rows when another conversion won, so
/// two at once make one incident (the loser's transaction rolls back).
pub async fn mark_converted(conn: &mut AsyncPgConnection, id: Uuid, incident: Uuid, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(intake::table.filter(intake::id.eq(id)).filter(intake::converted_incident_id.is_null()))
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

/// A submission's sealed columns and the wrapped key that opens them.
pub struct SealedColumns {
    pub key_id: String,
    /// `None` once purged: the key was destroyed with the fields it opened.
    pub wrapped_data_key: Option<Vec<u8>>,
    pub contact: Option<Vec<u8>>,
    pub notes: Option<Vec<u8>>,
}

pub async fn sealed_columns(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<SealedColumns> {
    let (key_id, wrapped_data_key, contact, notes) = intake::table
        .filter(intake::id.eq(id))
        .select((intake::key_id, intake::wrapped_data_key, intake::contact_sealed, intake::notes_sealed))
        .first(conn)
        .await?;
    Ok(SealedColumns { key_id, wrapped_data_key, contact, notes })
}

/// Records that the partner withdrew the person's consent on `on`; 0 when it was already withdrawn.
pub async fn withdraw_consent(conn: &mut AsyncPgConnection, id: Uuid, on: NaiveDate, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(intake::table.filter(intake::id.eq(id)).filter(intake::consent_withdrawn_at.is_null()))
        .set((intake::consent_withdrawn_on.eq(on), intake::consent_withdrawn_at.eq(now), intake::updated_at.eq(now)))
        .execute(conn)
        .await
}

/// Submissions received before `cutoff` whose contact details and notes are still kept.
fn purgeable(cutoff: DateTime<Utc>) -> intake::BoxedQuery<'static, diesel::pg::Pg> {
    intake::table
        .filter(intake::received_at.lt(cutoff))
        .filter(intake::sealed_purged_at.is_null())
        .filter(intake::contact_sealed.is_not_null().or(intake::notes_sealed.is_not_null()))
        .into_boxed()
}

pub async fn count_purgeable(conn: &mut AsyncPgConnection, cutoff: DateTime<Utc>) -> QueryResult<i64> {
    purgeable(cutoff).count().get_result(conn).await
}

/// Drops the contact details and notes of submissions received before `cutoff`; the
/// de-identified facts stay for the statistics.
pub async fn purge_sealed(conn: &mut AsyncPgConnection, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> QueryResult<usize> {
    let ids: Vec<Uuid> = purgeable(cutoff).select(intake::id).load(conn).await?;
    diesel::update(intake::table.filter(intake::id.eq_any(&ids)))
        .set((
            intake::contact_sealed.eq(None::<Vec<u8>>),
            intake::notes_sealed.eq(None::<Vec<u8>>),
            // Crypto-shredding: without its wrapped key no copy of the ciphertext opens again.
            intake::wrapped_data_key.eq(None::<Vec<u8>>),
            intake::sealed_purged_at.eq(now),
        ))
        .execute(conn)
        .await
}

/// A batch of submissions whose data key is wrapped by a master key other than `current`.
pub async fn wrapped_keys_not_under(conn: &mut AsyncPgConnection, current: &str, limit: i64) -> QueryResult<Vec<(Uuid, String, Vec<u8>)>> {
    // A purged record has no key left to rewrap.
    intake::table
        .filter(intake::key_id.ne(current))
        .filter(intake::wrapped_data_key.is_not_null())
        .order(intake::id)
        .limit(limit)
        .select((intake::id, intake::key_id, intake::wrapped_data_key.assume_not_null()))
        .load(conn)
        .await
}

pub async fn count_wrapped_not_under(conn: &mut AsyncPgConnection, current: &str) -> QueryResult<i64> {
    intake::table
        .filter(intake::key_id.ne(current))
        .filter(intake::wrapped_data_key.is_not_null())
        .count()
        .get_result(conn)
        .await
}

pub async fn set_wrapped_key(conn: &mut AsyncPgConnection, id: Uuid, key_id: &str, wrapped: &[u8]) -> QueryResult<()> {
    diesel::update(intake::table.filter(intake::id.eq(id)))
        .set((intake::key_id.eq(key_id), intake::wrapped_data_key.eq(wrapped)))
        .execute(conn)
        .await
        .map(|_| ())
}
