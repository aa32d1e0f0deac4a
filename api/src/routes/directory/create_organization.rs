use crate::db::directory::{self as store, NewOrganization, OrganizationRow};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use beacon_core::fields::text;
use beacon_core::ValidationError;
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

/// A provider organization.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// `https://` or `http://`.
    #[serde(default)]
    pub url: Option<String>,
}

/// Add a provider organization to the directory.
#[utoipa::path(
    tag = "directory",
    request_body = OrganizationInput,
    responses(
        (status = 201, body = OrganizationRow),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/directory/organizations")]
pub async fn create_organization(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let body = json_text(&req, payload).await?;
    let input: OrganizationInput = beacon_core::contract::read::read_json_objects(&body, &[""]).map_err(|e| rejected(vec![e]))?;
    let new = check_organization(&input, Uuid::new_v4()).map_err(ApiError::Invalid)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let row = store::insert_organization(conn, &new).await?;
            let event = Event::success(&principal, "directory.organization.create", "directory_organization", row.id, &request_id);
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(row))
}

/// Every rule of an organization (the endpoint's and the imports').
pub fn check_organization(input: &OrganizationInput, id: Uuid) -> Result<NewOrganization, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let name = text("/name", &input.name, 200, &mut errors);
    let description = match input.description.as_deref() {
        Some(d) => text("/description", d, 4000, &mut errors),
        None => Some(String::new()),
    };
    let email = input.email.as_deref().and_then(|e| {
        let e = text("/email", e, 254, &mut errors)?;
        if e.contains('@') && !e.contains(char::is_whitespace) {
            Some(e)
        } else {
            errors.push(ValidationError::new("/email", beacon_core::ErrorCode::Format, "Must be an email address."));
            None
        }
    });
    let url = input.url.as_deref().and_then(|u| {
        let u = text("/url", u, 2000, &mut errors)?;
        if (u.starts_with("https://") || u.starts_with("http://")) && !u.contains(char::is_whitespace) {
            Some(u)
        } else {
            errors.push(ValidationError::new("/url", beacon_core::ErrorCode::Format, "Must be an http(s) URL."));
            None
        }
    });
    let (Some(name), Some(description), true) = (name, description, errors.is_empty()) else {
        return Err(errors);
    };
    Ok(NewOrganization { id, name, description, email, url })
}
