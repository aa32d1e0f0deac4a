//! Bulk reads and writes of an import.

use crate::db::schema::{directory_organizations, directory_services};
use super::NewOrganization;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;


/// Services written per batch of an import.
pub const IMPORT_CHUNK: usize = 500;

/// Which of `ids` are already services.
pub async fn existing_service_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(10_000) {
        found.extend(
            directory_services::table
                .filter(directory_services::id.eq_any(chunk))
                .select(directory_services::id)
                .load::<Uuid>(conn)
                .await?,
        );
    }
    Ok(found)
}

/// Organizations whose lower-cased name is one of `names` → their id (the
/// oldest, when two share a name).
pub async fn organizations_by_lower_name(
    conn: &mut AsyncPgConnection,
    names: &[String],
) -> QueryResult<std::collections::HashMap<String, Uuid>> {
    let rows: Vec<(String, Uuid)> = directory_organizations::table
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>("lower(name) = ANY(").bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(names).sql(")"))
        .order(directory_organizations::created_at.desc())
        .select((directory_organizations::name, directory_organizations::id))
        .load(conn)
        .await?;
    // Oldest last, so it wins.
    Ok(rows.into_iter().map(|(n, id)| (n.to_lowercase(), id)).collect())
}

pub async fn insert_organizations(conn: &mut AsyncPgConnection, new: &[&NewOrganization]) -> QueryResult<()> {
    for chunk in new.chunks(5_000) {
        diesel::insert_into(directory_organizations::table).values(chunk.to_vec()).execute(conn).await?;
    }
    Ok(())
}

