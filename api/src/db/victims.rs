//! Queries over victims that use only the blind index, never a sealed value. A withdrawn
//! incident's victims are in none of them: a report withdrawn as a duplicate or in error must not
//! make a victim, or a duplicate, of anyone.

use super::schema::{incidents, victims};
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

pub struct Counts {
    pub total: i64,
    pub identified: i64,
    pub distinct_identified: i64,
}

pub async fn counts(conn: &mut AsyncPgConnection) -> QueryResult<Counts> {
    let counted = || victims::table.inner_join(incidents::table).filter(incidents::withdrawn_at.is_null());
    let total: i64 = counted().count().get_result(conn).await?;
    let identified: i64 = counted()
        .filter(victims::identity_index.is_not_null())
        .count()
        .get_result(conn)
        .await?;
    let distinct_identified: i64 = counted()
        .filter(victims::identity_index.is_not_null())
        .select(diesel::dsl::count(victims::identity_index).aggregate_distinct())
        .get_result(conn)
        .await?;
    Ok(Counts {
        total,
        identified,
        distinct_identified,
    })
}

/// One victim record in a group of likely duplicates.
pub struct Member {
    pub index: Vec<u8>,
    pub incident_id: Uuid,
    pub ordinal: i32,
    pub reporting_agency: String,
    pub account_id: Uuid,
    pub incident_date: NaiveDate,
}

type MemberRow = (Option<Vec<u8>>, Uuid, i32, String, Uuid, NaiveDate);

/// Victim records sharing a blind index value with at least one other, grouped by value.
pub async fn likely_duplicates(conn: &mut AsyncPgConnection, max_groups: i64) -> QueryResult<Vec<Member>> {
    let shared: Vec<Option<Vec<u8>>> = victims::table
        .inner_join(incidents::table)
        .filter(incidents::withdrawn_at.is_null())
        .filter(victims::identity_index.is_not_null())
        .group_by(victims::identity_index)
        .having(diesel::dsl::count_star().gt(1))
        .select(victims::identity_index)
        .order(victims::identity_index)
        .limit(max_groups)
        .load(conn)
        .await?;
    let shared: Vec<Vec<u8>> = shared.into_iter().flatten().collect();
    let rows: Vec<MemberRow> = victims::table
        .inner_join(incidents::table)
        .filter(incidents::withdrawn_at.is_null())
        .filter(victims::identity_index.eq_any(&shared))
        .order((victims::identity_index, incidents::incident_date, victims::incident_id, victims::ordinal))
        .select((
            victims::identity_index,
            victims::incident_id,
            victims::ordinal,
            incidents::reporting_agency,
            incidents::account_id,
            incidents::incident_date,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(index, incident_id, ordinal, reporting_agency, account_id, incident_date)| {
            Some(Member {
                index: index?,
                incident_id,
                ordinal,
                reporting_agency,
                account_id,
                incident_date,
            })
        })
        .collect())
}

/// A victim's sealed identity with what opens it (for `beacon keys reindex`).
#[derive(Queryable)]
pub struct SealedIdentity {
    pub victim_id: Uuid,
    pub incident_id: Uuid,
    pub key_id: String,
    pub wrapped_data_key: Vec<u8>,
    pub identity_sealed: Vec<u8>,
}

/// Victims with a sealed identity (withdrawn incidents' too: a reinstated one must match again).
type Sealed = diesel::dsl::Filter<
    diesel::dsl::Filter<diesel::dsl::InnerJoin<victims::table, incidents::table>, diesel::dsl::IsNotNull<victims::identity_sealed>>,
    diesel::dsl::IsNotNull<incidents::wrapped_data_key>,
>;

fn sealed() -> Sealed {
    victims::table
        .inner_join(incidents::table)
        .filter(victims::identity_sealed.is_not_null())
        .filter(incidents::wrapped_data_key.is_not_null())
}

pub async fn count_sealed_identities(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    sealed().count().get_result(conn).await
}

/// The next `limit` sealed identities after victim `after`, in id order.
pub async fn sealed_identities_after(conn: &mut AsyncPgConnection, after: Uuid, limit: i64) -> QueryResult<Vec<SealedIdentity>> {
    sealed()
        .filter(victims::id.gt(after))
        .order(victims::id)
        .limit(limit)
        .select((
            victims::id,
            incidents::id,
            incidents::key_id,
            incidents::wrapped_data_key.assume_not_null(),
            victims::identity_sealed.assume_not_null(),
        ))
        .load(conn)
        .await
}

pub async fn set_index(conn: &mut AsyncPgConnection, id: Uuid, index: Option<&[u8]>) -> QueryResult<()> {
    diesel::update(victims::table.filter(victims::id.eq(id))).set(victims::identity_index.eq(index)).execute(conn).await.map(|_| ())
}
