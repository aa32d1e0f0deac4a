//! The provider directory as Open Referral HSDS 3.1 (public, no key), shaped
//! after the HSDS JSON schemas and page envelope.
//! The types and mapping live in `crate::hsds`; these are the handlers and their parameters.

pub mod about;
pub mod organization;
pub mod organizations;
pub mod service;
pub mod service_at_location;
pub mod service_at_locations;
pub mod services;
pub mod taxonomies;
pub mod taxonomy_terms;

use crate::db::directory::ServiceFilter;
use crate::error::ApiError;
pub use crate::http::query::Paging;
use crate::http::query::uuid_param;
use beacon_core::{ErrorCode, ValidationError};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
pub use crate::hsds::*;

// ---------------------------------------------------------------- query parameters

/// HSDS list filters, ANDed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words in the name or description (ignoring case).
    #[param(max_length = 500)]
    pub search: Option<String>,
    /// 1-based (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    /// Services in this category (GET /hsds/taxonomy_terms).
    #[param(value_type = Option<uuid::Uuid>)]
    pub taxonomy_term_id: Option<String>,
    #[param(value_type = Option<uuid::Uuid>)]
    pub organization_id: Option<String>,
    /// RFC 3339 date-time or `YYYY-MM-DD`: changed after it.
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$", max_length = 500)]
    pub modified_after: Option<String>,
}

/// HSDS organization filters, ANDed: the service filters (`taxonomy_term_id`, `organization_id`)
/// do not select organizations, so they are not offered here.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizationListParams {
    /// Words in the name or description (ignoring case).
    #[param(max_length = 500)]
    pub search: Option<String>,
    /// 1-based (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
    /// RFC 3339 date-time or `YYYY-MM-DD`: changed after it.
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$", max_length = 500)]
    pub modified_after: Option<String>,
}

pub fn paging(params: &ListParams, errors: &mut Vec<ValidationError>) -> Paging {
    Paging::parse(params.page, params.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, errors)
}

pub fn modified_after(value: Option<&str>, errors: &mut Vec<ValidationError>) -> Option<DateTime<Utc>> {
    let v = value?;
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(t.with_timezone(&Utc));
    }
    if let Some(d) = beacon_core::reference::dates::parse_iso_date(v) {
        return Some(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    errors.push(ValidationError::new("/modified_after", ErrorCode::Format, "Must be an RFC 3339 date-time or a YYYY-MM-DD date."));
    None
}

pub fn search(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The service filter and paging the parameters ask for, or a 400.
pub fn service_filter(params: &ListParams) -> Result<(ServiceFilter, Paging), ApiError> {
    let mut errors = Vec::new();
    let paging = paging(params, &mut errors);
    let category = uuid_param("taxonomy_term_id", params.taxonomy_term_id.as_deref(), &mut errors)
        .map(|id| term_code(id).map(str::to_string));
    let filter = ServiceFilter {
        search: search(params.search.as_deref()),
        category,
        organization_id: uuid_param("organization_id", params.organization_id.as_deref(), &mut errors),
        modified_after: modified_after(params.modified_after.as_deref(), &mut errors),
    };
    if errors.is_empty() {
        Ok((filter, paging))
    } else {
        Err(ApiError::BadQuery(errors))
    }
}
