use crate::db::DbPool;
use actix_web::{get, web, HttpResponse};
use diesel_async::RunQueryDsl;
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// Liveness: the process is up.
#[utoipa::path(tag = "health", responses((status = 200, body = Health)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: the database answers within two seconds.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, body = Health),
        (status = 503, description = "The database is unreachable", body = Health)
    )
)]
#[get("/health/ready")]
pub async fn ready(pool: web::Data<DbPool>) -> HttpResponse {
    let check = async {
        let mut conn = pool.get().await.ok()?;
        diesel::sql_query("SELECT 1").execute(&mut conn).await.ok()
    };
    match tokio::time::timeout(Duration::from_secs(2), check).await {
        Ok(Some(_)) => HttpResponse::Ok().json(Health { status: "ok" }),
        _ => HttpResponse::ServiceUnavailable().json(Health { status: "unavailable" }),
    }
}
