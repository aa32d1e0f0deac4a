//! The provider directory in Open Referral HSDS 3.1: the types and the mapping from stored rows.
//! The public routes (`routes::hsds`) and the directory's export and search all answer in it.
//!
//! after the HSDS JSON schemas and page envelope.
//!
//! **Confidential locations** (shelters) never show their street address,
//! postal code or coordinates here: their address carries the town (`city`)
//! and planning region (`region`) only, with `address_1` and `postal_code` empty.

use crate::db::directory::{self as store, Linked, LocationRow, OrganizationRow, ServiceRow};
use crate::error::ApiError;
use beacon_core::directory::location::{public_view, region_of, Location};
use beacon_core::reference::codes::{CodeList, Service};
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::str::FromStr;
use utoipa::ToSchema;
use uuid::Uuid;
use crate::http::query::Paging;

/// The HSDS version these routes follow.
pub const HSDS_VERSION: &str = "3.1.1";
/// The single taxonomy: the Foundation service codes.
pub const TAXONOMY_NAME: &str = "beacon-services";
pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 500;

/// A stable identifier derived from `parts` (for rows HSDS wants an id on
/// that Beacon stores without one: languages, service areas, categories).
pub fn derived_id(parts: &[&str]) -> Uuid {
    let mut hasher = Sha256::new();
    hasher.update(b"beacon-hsds");
    for p in parts {
        hasher.update([0u8]);
        hasher.update(p.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

pub fn taxonomy_id() -> Uuid {
    derived_id(&["taxonomy", TAXONOMY_NAME])
}

pub fn term_id(code: &str) -> Uuid {
    derived_id(&["taxonomy_term", TAXONOMY_NAME, code])
}

/// The service code a taxonomy term id stands for.
pub fn term_code(id: Uuid) -> Option<&'static str> {
    Service::ALL.iter().map(|s| s.code()).find(|c| term_id(c) == id)
}

// ---------------------------------------------------------------- shapes

/// HSDS `taxonomy`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsTaxonomy {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub version: String,
}

/// HSDS `taxonomy_term`: a Foundation service code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HsdsTaxonomyTerm {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub description: String,
    pub taxonomy: String,
    pub taxonomy_id: Uuid,
}

/// HSDS `attribute`: links a service to a taxonomy term (its category).
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsAttribute {
    pub id: Uuid,
    pub link_id: Uuid,
    pub taxonomy_term_id: Uuid,
    pub link_type: String,
    pub link_entity: String,
    pub value: String,
    pub taxonomy_term: HsdsTaxonomyTerm,
}

/// HSDS `organization`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsOrganization {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

/// HSDS `address`. For a confidential location only `city`, `region`,
/// `state_province` and `country` are filled.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsAddress {
    pub id: Uuid,
    pub location_id: Uuid,
    pub address_1: String,
    pub city: String,
    pub region: String,
    pub state_province: String,
    pub postal_code: String,
    pub country: String,
    pub address_type: String,
}

/// HSDS `location`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsLocation {
    pub id: Uuid,
    pub location_type: String,
    pub organization_id: Uuid,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    pub addresses: Vec<HsdsAddress>,
}

/// HSDS `service_at_location`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsServiceAtLocation {
    pub id: Uuid,
    pub service_id: Uuid,
    pub location_id: Uuid,
    pub location: HsdsLocation,
}

/// HSDS `service_area`: a Connecticut town.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsServiceArea {
    pub id: Uuid,
    pub service_id: Uuid,
    pub name: String,
    pub description: String,
}

/// HSDS `language`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsLanguage {
    pub id: Uuid,
    pub service_id: Uuid,
    pub code: String,
}

/// HSDS `funding`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsFunding {
    pub id: Uuid,
    pub service_id: Uuid,
    pub source: String,
}

/// HSDS `phone`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsPhone {
    pub id: Uuid,
    pub service_id: Uuid,
    pub number: String,
    /// `text voice fax cell video pager textphone`.
    #[serde(rename = "type")]
    pub phone_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// HSDS `service`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsService {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub description: String,
    /// `active`, `inactive`, `defunct` or `temporarily closed`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eligibility_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<i32>,
    /// The day the listing was last verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assured_date: Option<NaiveDate>,
    pub last_modified: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<HsdsOrganization>,
    pub service_areas: Vec<HsdsServiceArea>,
    pub service_at_locations: Vec<HsdsServiceAtLocation>,
    pub languages: Vec<HsdsLanguage>,
    pub funding: Vec<HsdsFunding>,
    pub phones: Vec<HsdsPhone>,
    pub attributes: Vec<HsdsAttribute>,
}

macro_rules! page {
    ($name:ident, $item:ty) => {
        /// An HSDS page.
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub total_items: i64,
            pub total_pages: i64,
            pub page_number: i64,
            pub size: i64,
            pub first_page: bool,
            pub last_page: bool,
            pub empty: bool,
            pub contents: Vec<$item>,
        }

        impl $name {
            pub fn new(total_items: i64, paging: &Paging, contents: Vec<$item>) -> Self {
                let total_pages = paging.total_pages(total_items);
                Self {
                    total_items,
                    total_pages,
                    page_number: paging.page,
                    size: i64::try_from(contents.len()).unwrap_or(i64::MAX),
                    first_page: paging.page == 1,
                    last_page: paging.page >= total_pages,
                    empty: contents.is_empty(),
                    contents,
                }
            }
        }
    };
}

page!(ServicePage, HsdsService);
page!(OrganizationPage, HsdsOrganization);
page!(ServiceAtLocationPage, HsdsServiceAtLocation);
page!(TaxonomyPage, HsdsTaxonomy);
page!(TaxonomyTermPage, HsdsTaxonomyTerm);

// ---------------------------------------------------------------- mapping

/// A stored status as HSDS spells it (`beacon_core::directory::ServiceStatus::hsds`).
pub fn hsds_status(status: &str) -> String {
    beacon_core::directory::ServiceStatus::from_str(status).map_or(status, |s| s.hsds()).to_string()
}

pub fn term(service: Service) -> HsdsTaxonomyTerm {
    HsdsTaxonomyTerm {
        id: term_id(service.code()),
        code: service.code().to_string(),
        name: service.label().to_string(),
        description: format!("Beacon service category `{}`: {}.", service.code(), service.label()),
        taxonomy: TAXONOMY_NAME.to_string(),
        taxonomy_id: taxonomy_id(),
    }
}

pub fn organization(row: &OrganizationRow) -> HsdsOrganization {
    HsdsOrganization {
        id: row.id,
        name: row.name.clone(),
        description: row.description.clone(),
        email: row.email.clone(),
        website: row.url.clone(),
    }
}

/// A location as the public may see it: a confidential one shows its town and region only
/// (one rule for every public route: `beacon_core::directory::location::public_view`).
pub fn location(row: &LocationRow) -> HsdsLocation {
    let public = public_view(&Location::from(row));
    HsdsLocation {
        id: row.id,
        location_type: "physical".to_string(),
        organization_id: row.organization_id,
        name: public.name,
        description: public.description,
        latitude: public.latitude,
        longitude: public.longitude,
        addresses: vec![HsdsAddress {
            id: derived_id(&["address", &row.id.to_string()]),
            location_id: row.id,
            address_1: public.address_1,
            city: public.city,
            region: public.region,
            state_province: "CT".to_string(),
            postal_code: public.postal_code,
            country: "US".to_string(),
            address_type: "physical".to_string(),
        }],
    }
}

fn eligibility(row: &ServiceRow) -> Option<String> {
    (!row.populations.is_empty()).then(|| format!("Serves: {}.", row.populations.join(", ").replace('_', " ")))
}

/// Services with everything linked to them, in HSDS shape.
pub async fn hsds_services(conn: &mut AsyncPgConnection, rows: Vec<ServiceRow>) -> Result<Vec<HsdsService>, ApiError> {
    let linked = store::linked(conn, &rows).await?;
    Ok(assemble(rows, linked))
}

fn assemble(rows: Vec<ServiceRow>, linked: Linked) -> Vec<HsdsService> {
    let orgs: HashMap<Uuid, &OrganizationRow> = linked.organizations.iter().map(|o| (o.id, o)).collect();
    rows.into_iter()
        .map(|s| {
            let sid = s.id.to_string();
            HsdsService {
                id: s.id,
                organization_id: s.organization_id,
                name: s.name.clone(),
                description: s.description.clone(),
                status: hsds_status(&s.status),
                eligibility_description: eligibility(&s),
                minimum_age: s.min_age,
                maximum_age: s.max_age,
                assured_date: s.verified_at.map(|v| v.date_naive()),
                last_modified: s.updated_at,
                organization: orgs.get(&s.organization_id).map(|o| organization(o)),
                service_areas: linked
                    .areas
                    .iter()
                    .filter(|(id, _)| *id == s.id)
                    .map(|(_, town)| HsdsServiceArea {
                        id: derived_id(&["service_area", &sid, town]),
                        service_id: s.id,
                        name: town.clone(),
                        description: format!("The town of {town}, Connecticut ({}).", region_of(town)),
                    })
                    .collect(),
                service_at_locations: linked
                    .at_locations
                    .iter()
                    .filter(|(l, _)| l.service_id == s.id)
                    .map(|(l, loc)| HsdsServiceAtLocation {
                        id: l.id,
                        service_id: l.service_id,
                        location_id: l.location_id,
                        location: location(loc),
                    })
                    .collect(),
                languages: s
                    .languages
                    .iter()
                    .map(|code| HsdsLanguage { id: derived_id(&["language", &sid, code]), service_id: s.id, code: code.clone() })
                    .collect(),
                funding: linked
                    .funding
                    .iter()
                    .filter(|f| f.service_id == s.id)
                    .map(|f| HsdsFunding { id: f.id, service_id: f.service_id, source: f.source.clone() })
                    .collect(),
                phones: linked
                    .phones
                    .iter()
                    .filter(|p| p.service_id == s.id)
                    .map(|p| HsdsPhone {
                        id: p.id,
                        service_id: p.service_id,
                        number: p.number.clone(),
                        phone_type: p.phone_type.clone(),
                        extension: p.extension.as_deref().and_then(|e| e.parse().ok()),
                        description: p.description.clone(),
                    })
                    .collect(),
                attributes: s
                    .categories
                    .iter()
                    .filter_map(|c| Service::from_str(c).ok())
                    .map(|c| HsdsAttribute {
                        id: derived_id(&["attribute", &sid, c.code()]),
                        link_id: s.id,
                        taxonomy_term_id: term_id(c.code()),
                        link_type: "service_category".to_string(),
                        link_entity: "service".to_string(),
                        value: c.code().to_string(),
                        taxonomy_term: term(c),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Service-at-location links with their locations, in HSDS shape.
pub async fn at_locations(
    conn: &mut AsyncPgConnection,
    rows: &[store::ServiceAtLocationRow],
) -> Result<Vec<HsdsServiceAtLocation>, ApiError> {
    let service_ids: Vec<Uuid> = rows.iter().map(|r| r.service_id).collect();
    let services = store::services_by_id(conn, &service_ids).await?;
    let linked = store::linked(conn, &services).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let (_, loc) = linked.at_locations.iter().find(|(l, _)| l.id == r.id)?;
            Some(HsdsServiceAtLocation { id: r.id, service_id: r.service_id, location_id: r.location_id, location: location(loc) })
        })
        .collect())
}
