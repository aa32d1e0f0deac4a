use crate::db::{self, DbPool};
use crate::error::ApiError;
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

const MAX_GROUPS: i64 = 500;

#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateRecord {
    pub incident_id: Uuid,
    /// Position of the victim in the incident's `victims` list.
    pub ordinal: i32,
    pub reporting_agency: String,
    pub account_id: Uuid,
    pub incident_date: NaiveDate,
}

/// Victim records that are probably the same person.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateGroup {
    pub group: usize,
    pub records: Vec<DuplicateRecord>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Duplicates {
    pub groups: Vec<DuplicateGroup>,
    /// True when more than 500 groups exist and only the first 500 are listed.
    pub truncated: bool,
}

/// Likely duplicate victims across agencies: records whose normalised family
/// name, given name and date of birth give the same keyed blind index. The
/// index value itself is never returned.
#[utoipa::path(
    tag = "victims",
    responses(
        (status = 200, body = Duplicates),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/victims/duplicates")]
pub async fn likely_duplicates(_principal: Principal, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    let members = db::victims::likely_duplicates(&mut conn, MAX_GROUPS + 1).await?;
    let mut groups: Vec<DuplicateGroup> = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    for m in members {
        if current.as_ref() != Some(&m.index) {
            current = Some(m.index.clone());
            groups.push(DuplicateGroup { group: groups.len() + 1, records: Vec::new() });
        }
        if let Some(group) = groups.last_mut() {
            group.records.push(DuplicateRecord {
                incident_id: m.incident_id,
                ordinal: m.ordinal,
                reporting_agency: m.reporting_agency,
                account_id: m.account_id,
                incident_date: m.incident_date,
            });
        }
    }
    let truncated = groups.len() as i64 > MAX_GROUPS;
    groups.truncate(MAX_GROUPS as usize);
    Ok(HttpResponse::Ok().json(Duplicates { groups, truncated }))
}
