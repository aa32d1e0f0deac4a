use crate::clock::Clock;
use beacon_core::ValidationError;
use crate::db::training::{self as store, AgencyScope, PeopleFilter};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::facts::workforce_facts;
use beacon_core::training::tally::{law_enforcement_counts, status_counts, LawEnforcementCounts, Officer};
use beacon_core::reference::regions::RegionType;
use beacon_core::training::Population;
use beacon_core::fields::{agency_code, population_code};
use crate::http::query::date_param;
use crate::security::scope::scope_of;
use crate::http::negotiate::wants_csv;
use crate::http::region::region_towns;
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::reference::codes::CodeList;
use beacon_core::training::{compliance, ComplianceStatus};
use beacon_core::ErrorCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Only this agency (agency code). A reporter may name only its own.
    #[param(value_type = Option<beacon_core::reference::codes::Agency>, inline)]
    pub agency: Option<String>,
    /// Only this population (population code).
    #[param(value_type = Option<beacon_core::training::Population>, inline)]
    pub population: Option<String>,
    /// The kind of region `region` names: `dcf_region` (default),
    /// `planning_region`, `county` or `judicial_district`.
    #[param(value_type = Option<beacon_core::reference::regions::RegionType>, inline)]
    pub region_type: Option<String>,
    /// Only people working from a town of this region, named as in the
    /// reference data (`GET /v1/codes`; any case): a DCF region's number
    /// (`region=4`), or a planning region's, county's or judicial district's
    /// name. People with no town on file are left out.
    #[param(max_length = 500)]
    pub region: Option<String>,
    /// Only people with this status in `items` (`counts` still count every status).
    #[param(value_type = Option<beacon_core::training::ComplianceStatus>, inline)]
    pub status: Option<String>,
    /// `YYYY-MM-DD`; default today (America/New_York).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub as_of: Option<String>,
    /// `json` (default) or `csv`; `Accept: text/csv` also selects CSV.
    #[param(value_type = Option<crate::http::query::JsonOrCsv>, inline)]
    pub format: Option<String>,
}

/// One person's line of the report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportItem {
    pub person_id: Uuid,
    pub agency: String,
    pub employee_ref: String,
    pub population: String,
    /// The town of the office the person works from, when on file.
    pub town: Option<String>,
    pub status: ComplianceStatus,
    /// `null` for populations with no deadline.
    pub due: Option<NaiveDate>,
    /// Qualifying trainings that came after their deadline (see the person's
    /// compliance `history`): a late training is never shown as a timely one.
    pub late_completions: u64,
    /// The DCF-contracted provider the person works for, when linked.
    pub provider_id: Option<Uuid>,
}

/// One DCF-contracted provider's staff by status (Sec. 4(b): their six
/// months run from "entering into a contract with the department").
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderCounts {
    pub provider_id: Uuid,
    pub name: String,
    pub contract_start: NaiveDate,
    /// The initial due date of the provider's staff: the later of 2027-07-01
    /// and `contract_start` + 6 months.
    pub initial_due: NaiveDate,
    #[schema(value_type = BTreeMap<String, u64>)]
    pub counts: BTreeMap<&'static str, u64>,
}

/// Compliance of the active workforce as of a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceReport {
    pub as_of: NaiveDate,
    /// People per status (every status listed, zeros included), over the
    /// agency / population / region selection, before the `status` filter.
    #[schema(value_type = BTreeMap<String, i64>)]
    pub counts: BTreeMap<&'static str, u64>,
    /// People of the selection who completed a qualifying training after its
    /// deadline at least once, and how many such late trainings there were.
    pub trained_late: u64,
    pub late_completions: u64,
    /// Staff of each DCF-contracted provider on file, by status, over the
    /// same selection; providers with no one selected are left out.
    pub by_provider: Vec<ProviderCounts>,
    /// Law enforcement trained and not trained (Sec. 10(b)), by agency and
    /// region, over the same selection.
    pub law_enforcement: LawEnforcementCounts,
    /// By agency, then `employee_ref`.
    pub items: Vec<ReportItem>,
}

/// Training compliance across the active workforce: counts per status and the
/// list (`status=overdue&agency=dcf` is an agency's overdue list;
/// `region=4` DCF Region 4's people). A reporter sees only its own agency
/// (naming another is a 403). With a `region`, only people whose town is on
/// file and lies in the region are counted: people with no town are left out.
/// `?format=csv` or `Accept: text/csv` returns the list as CSV
/// (`person_id,agency,employee_ref,population,status,due,town`).
#[utoipa::path(
    tag = "training",
    params(ReportParams),
    responses(
        (status = 200, description = "The report as JSON (the default); with `format=csv` or `Accept: text/csv`, CSV",
            content((ComplianceReport = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad query parameter (`unknown_code` at `/region` for a region the reference data does not have for `region_type`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/training/compliance")]
pub async fn compliance_report(
    principal: Principal,
    req: HttpRequest,
    params: crate::http::query::Query<ReportParams>,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let filter = PeopleFilter {
        agency: params.agency.as_deref().and_then(|a| agency_code("/agency", a, &mut errors)),
        population: params
            .population
            .as_deref()
            .and_then(|p| population_code("/population", p, &mut errors))
            .map(|p| p.to_string()),
        active: Some(true),
        towns: region_towns(params.region_type.as_deref(), params.region.as_deref(), &mut errors),
    };
    let status = params.status.as_deref().and_then(|s| {
        let found = ComplianceStatus::from_str(s).ok();
        if found.is_none() {
            errors.push(ValidationError::new("/status", ErrorCode::UnknownCode, "Must be compliant, due_soon, overdue, not_yet_due or not_required."));
        }
        found
    });
    let as_of = date_param("as_of", params.as_of.as_deref(), clock.today(), &mut errors);
    let csv = wants_csv(&req, params.format.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut conn = pool.get().await?;
    let scope = scope_of(&mut conn, &principal).await?;
    if let (Some(agency), AgencyScope::Only(_) | AgencyScope::Nothing) = (&filter.agency, &scope) {
        if !scope.covers(agency) {
            return Err(ApiError::Forbidden);
        }
    }
    let people = store::all_people(&mut conn, &scope, &filter).await?;
    let mut facts = workforce_facts(&mut conn, &people).await?;
    let providers = store::list_providers(&mut conn).await?;
    let mut statuses = Vec::new();
    let mut by_provider: BTreeMap<Uuid, Vec<ComplianceStatus>> = BTreeMap::new();
    let mut officers = Vec::new();
    let (mut trained_late, mut late_completions) = (0, 0);
    let mut items = Vec::new();
    for p in &people {
        let Some((person, completions)) = facts.remove(&p.id) else { continue };
        let c = compliance(&person, &completions, as_of);
        statuses.push(c.status);
        let late = c.late_completions as u64;
        late_completions += late;
        trained_late += u64::from(late > 0);
        if let Some(provider) = p.provider_id {
            by_provider.entry(provider).or_default().push(c.status);
        }
        if person.population == Population::LawEnforcement {
            officers.push(Officer { agency: &p.agency, town: p.town.as_deref(), trained: c.trained });
        }
        if status.is_none_or(|s| s == c.status) {
            items.push(ReportItem {
                person_id: p.id,
                agency: p.agency.clone(),
                employee_ref: p.employee_ref.clone(),
                population: p.population.clone(),
                town: p.town.clone(),
                status: c.status,
                due: c.due,
                late_completions: late,
                provider_id: p.provider_id,
            });
        }
    }
    let counts = status_counts(&statuses);
    let region_type = params.region_type.as_deref().and_then(RegionType::parse).unwrap_or(RegionType::DcfRegion);
    let law_enforcement = law_enforcement_counts(&officers, region_type);
    let by_provider = providers
        .into_iter()
        .filter_map(|pr| {
            let statuses = by_provider.get(&pr.id)?;
            Some(ProviderCounts {
                provider_id: pr.id,
                initial_due: beacon_core::training::initial_due(pr.contract_start),
                name: pr.name,
                contract_start: pr.contract_start,
                counts: status_counts(statuses),
            })
        })
        .collect();
    if csv {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(["person_id", "agency", "employee_ref", "population", "status", "due", "town"])
            .map_err(ApiError::internal)?;
        for i in &items {
            let due = i.due.map(|d| d.to_string()).unwrap_or_default();
            let town = i.town.as_deref().unwrap_or_default();
            writer
                .write_record([&i.person_id.to_string(), &i.agency, &i.employee_ref, &i.population, i.status.code(), &due, town])
                .map_err(ApiError::internal)?;
        }
        let bytes = writer.into_inner().map_err(ApiError::internal)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"training-compliance-{as_of}.csv\"")))
            .body(bytes));
    }
    Ok(HttpResponse::Ok().json(ComplianceReport { as_of, counts, trained_late, late_completions, by_provider, law_enforcement, items }))
}
