use crate::db::{self, DbPool};
use crate::error::ApiError;
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct DistinctVictims {
    /// Victim records across all incidents.
    pub victim_records: i64,
    /// Records whose identity had family name, given name and date of birth.
    pub identified_records: i64,
    /// Distinct people among the identified records.
    pub distinct_identified: i64,
    /// Records that cannot be matched (counted as distinct people).
    pub unidentified_records: i64,
    /// `distinct_identified + unidentified_records`: an upper bound on distinct victims.
    pub estimated_distinct_victims: i64,
}

/// How many distinct victims the incidents describe, across agencies, from the blind index.
#[utoipa::path(
    tag = "victims",
    responses(
        (status = 200, body = DistinctVictims),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/victims/distinct")]
pub async fn distinct_victims(_principal: Principal, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    let c = db::victims::counts(&mut conn).await?;
    let unidentified = c.total - c.identified;
    Ok(HttpResponse::Ok().json(DistinctVictims {
        victim_records: c.total,
        identified_records: c.identified,
        distinct_identified: c.distinct_identified,
        unidentified_records: unidentified,
        estimated_distinct_victims: c.distinct_identified + unidentified,
    }))
}
