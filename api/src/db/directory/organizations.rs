//! Provider organizations.

use crate::db::schema::{directory_organizations};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;
use super::public::contains_pattern;
use beacon_core::directory::organization::{Organization, OrganizationPatch};
use beacon_core::reference::codes::CodeList;


#[derive(Debug, Insertable)]
#[diesel(table_name = directory_organizations)]
pub struct NewOrganization {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub email: Option<String>,
    pub url: Option<String>,
    /// From the injected clock, never the database's `now()`.
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = directory_organizations)]
pub struct OrganizationRow {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub email: Option<String>,
    pub url: Option<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The ETag (`"<version>"`); bumped by every write.
    pub version: i32,
}

/// Changes to an organization; `None` leaves a column alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = directory_organizations)]
pub struct OrganizationChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub status: Option<String>,
}

/// Applies `changes` if the organization is still at `version`; `None` when
/// it is not (stale, or gone).
pub async fn update_organization(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    version: i32,
    changes: &OrganizationChanges,
    now: DateTime<Utc>,
) -> QueryResult<Option<OrganizationRow>> {
    diesel::update(
        directory_organizations::table
            .filter(directory_organizations::id.eq(id))
            .filter(directory_organizations::version.eq(version)),
    )
    .set((
        changes,
        directory_organizations::version.eq(directory_organizations::version + 1),
        directory_organizations::updated_at.eq(now),
    ))
    .returning(OrganizationRow::as_returning())
    .get_result(conn)
    .await
    .optional()
}

pub async fn insert_organization(conn: &mut AsyncPgConnection, new: &NewOrganization) -> QueryResult<OrganizationRow> {
    diesel::insert_into(directory_organizations::table)
        .values(new)
        .returning(OrganizationRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn organization_exists(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(directory_organizations::table.find(id)))
        .get_result(conn)
        .await
}


/// Organizations, filtered by name/description and modification time.
pub async fn page_organizations(
    conn: &mut AsyncPgConnection,
    search: Option<&str>,
    modified_after: Option<DateTime<Utc>>,
    offset: i64,
    limit: i64,
) -> QueryResult<(i64, Vec<OrganizationRow>)> {
    use directory_organizations::dsl as o;
    let build = || {
        let mut q = directory_organizations::table.into_boxed();
        if let Some(search) = search {
            let p = contains_pattern(search);
            q = q.filter(o::name.ilike(p.clone()).or(o::description.ilike(p)));
        }
        if let Some(after) = modified_after {
            q = q.filter(o::updated_at.gt(after));
        }
        q
    };
    let total = build().count().get_result(conn).await?;
    let rows = build()
        .order((o::name, o::id))
        .offset(offset)
        .limit(limit)
        .select(OrganizationRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

pub async fn get_organization(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<OrganizationRow>> {
    directory_organizations::table
        .find(id)
        .select(OrganizationRow::as_select())
        .first(conn)
        .await
        .optional()
}


impl NewOrganization {
    pub fn new(id: Uuid, o: &Organization, now: DateTime<Utc>) -> Self {
        Self {
            id,
            name: o.name.clone(),
            description: o.description.clone(),
            email: o.email.clone(),
            url: o.url.clone(),
            created_at: now,
            updated_at: now,
        }
    }
}

impl From<&OrganizationPatch> for OrganizationChanges {
    fn from(p: &OrganizationPatch) -> Self {
        Self {
            name: p.name.clone(),
            description: p.description.clone(),
            email: p.email.clone(),
            url: p.url.clone(),
            status: p.status.map(|s| s.code().to_string()),
        }
    }
}

impl From<&OrganizationRow> for Organization {
    fn from(row: &OrganizationRow) -> Self {
        Organization { name: row.name.clone(), description: row.description.clone(), email: row.email.clone(), url: row.url.clone() }
    }
}
