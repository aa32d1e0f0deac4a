use super::{forms, html};
use crate::clock::Clock;
use crate::config::StatsConfig;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::negotiate::Document;
use crate::pdf::Printer;
use crate::http::query::Query;
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use crate::db::training::{AgencyScope, PeopleFilter};
use crate::facts::gap_facts;
use crate::facts::workforce_facts;
use beacon_core::directory::codes::ReferralStatus;
use beacon_core::directory::gaps as analysis;
use beacon_core::reference::regions::RegionType;
use beacon_core::stats::bundle::ReportKind;
use beacon_core::stats::annual::{coordinator_report as build_report, is_report_year, trend_queries, CoordinatorReport, ReportInput};
use beacon_core::stats::query::GroupCount;
use beacon_core::stats::{Activity, Recommendation};
use beacon_core::intake::dcf::DEFAULT_RESPONSE_DAYS;
use beacon_core::stats::sections::{DcfResponseCounts, FundingLine, MinorCounts, OutcomeCount, SectionFacts, StaffMember};
use std::str::FromStr;
use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// `json` (default), `html`, `pdf` or `zip` (the CSV bundle); or send `Accept: text/html`,
    /// `application/pdf` or `application/zip`.
    #[param(value_type = Option<crate::http::query::ReportFormat>, inline)]
    pub format: Option<String>,
}

/// The coordinator's annual report on `year` (Sec. 1(f)), due January 1 of
/// the next year, built as of today: the year's activities, incidents and
/// victims by quarter and by county under disclosure control (the public
/// statistics of that year, so the report and `/public/stats` agree), minors
/// and DCF notification, training compliance by agency (late completions
/// shown), the directory's gaps by county and its known funding, referral
/// outcomes (every count of people suppressed), the
/// recommendations (administrative, and for legislation), the statutory
/// calendar and the methodology. JSON, or print-ready HTML with
/// `format=html` or `Accept: text/html`, or that same page printed to PDF
/// by headless Chromium with `format=pdf` or `Accept: application/pdf` (503
/// `pdf_unavailable` when the server has no Chromium), or its tables as a zip
/// of CSV files with `format=zip` or `Accept: application/zip` (one file per
/// table, `*` where a count is withheld, each file's first line the rule that
/// applied; the registers, calendar and methodology; a README.txt listing
/// them). A year before 2026 or not yet begun has no report (404).
#[utoipa::path(
    tag = "reports",
    operation_id = "coordinator_report",
    params(("year" = i32, Path, description = "The year reported on, from 2026"), ReportParams),
    responses(
        (status = 200, description = "The report; with `format=html` or `Accept: text/html`, one HTML page; with `format=pdf`, that page printed; with `format=zip`, its tables as CSV files",
            content((CoordinatorReport = "application/json"), (String = "text/html"), (crate::pdf::PdfFile = "application/pdf"),
                (forms::ZipFile = "application/zip"))),
        (status = 400, description = "A bad query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No report covers that year", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "PDF asked for and no Chromium is installed (`pdf_unavailable`); the detail says what to install",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/reports/coordinator/{year}")]
pub async fn coordinator_report(
    _principal: Principal,
    year: web::Path<String>,
    req: HttpRequest,
    params: Query<ReportParams>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    // From the request rather than one more extractor (clippy's argument limit).
    let printer = req.app_data::<web::Data<Printer>>().cloned().ok_or_else(|| ApiError::internal("no printer"))?;
    let document = forms::asked(&req, params.format.as_deref(), &printer)?;
    let report = build(&year, clock.today(), &pool, config.k).await?;
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "no-store")).insert_header((header::VARY, "Accept"));
    let stem = format!("coordinator-report-{}", report.year);
    match document {
        Some(Document::Html) => Ok(response.content_type("text/html; charset=utf-8").body(html::render(&report))),
        Some(Document::Pdf) => forms::pdf(response, &printer, &html::render(&report), &stem).await,
        Some(Document::Zip) => {
            let json = serde_json::to_value(&report).map_err(ApiError::internal)?;
            forms::zip(response, ReportKind::Coordinator, &json, &stem)
        }
        None => Ok(response.json(&report)),
    }
}

/// The report on the year `year_text` names as of `today`: fetch the year's
/// counts and registers, then let core build it. A year without a report
/// (before 2026, not begun, not a number) is a 404.
pub async fn build(year_text: &str, today: NaiveDate, pool: &DbPool, k: u64) -> Result<CoordinatorReport, ApiError> {
    let inputs = fetch(year_text, today, pool).await?;
    // Complementary suppression of the year's model is real work: off the worker thread.
    web::block(move || build_report(inputs.input(today, k))).await.map_err(ApiError::internal)?.map_err(ApiError::internal)
}

/// What the annual reports are built from, fetched for one year.
pub(super) struct Inputs {
    year: i32,
    activities: Vec<Activity>,
    recommendations: Vec<Recommendation>,
    counts: Vec<GroupCount>,
    facts: SectionFacts,
}

impl Inputs {
    pub(super) fn input(&self, today: NaiveDate, k: u64) -> ReportInput<'_> {
        ReportInput {
            year: self.year,
            today,
            activities: &self.activities,
            recommendations: &self.recommendations,
            counts: &self.counts,
            k,
            facts: &self.facts,
        }
    }
}

/// The registers, the year's grouped counts and the sections' facts; a
/// year without a report is a 404.
pub(super) async fn fetch(year_text: &str, today: NaiveDate, pool: &DbPool) -> Result<Inputs, ApiError> {
    let year = year_text.parse::<i32>().ok().filter(|y| is_report_year(*y, today)).ok_or(ApiError::NotFound)?;
    let queries = trend_queries(year).map_err(ApiError::internal)?;
    let count_query = queries.first().ok_or_else(|| ApiError::internal("no trend query"))?;

    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let counts = db::stats::incident_counts(conn, count_query).await?;
    let unknown = || ApiError::internal("a stored register entry has an unknown code");
    let activities = db::reports::activities_of(conn, year)
        .await?
        .iter()
        .map(|r| r.entry().ok_or_else(unknown))
        .collect::<Result<Vec<_>, _>>()?;
    let recommendations = db::reports::recommendations_of(conn, year)
        .await?
        .iter()
        .map(|r| r.entry().ok_or_else(unknown))
        .collect::<Result<Vec<_>, _>>()?;
    let facts = section_facts(conn, year, today).await?;
    Ok(Inputs { year, activities, recommendations, counts, facts })
}

/// The year's facts behind the minors, training, directory and referral
/// sections: grouped counts, the workforce with its completions (compliance
/// is a rule per person, in core), and the gap analysis by county over the
/// year so far.
async fn section_facts(conn: &mut AsyncPgConnection, year: i32, today: NaiveDate) -> Result<SectionFacts, ApiError> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(ApiError::NotFound)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(ApiError::NotFound)?.min(today);
    let minors = |rows: Vec<db::report_sections::MinorRow>| {
        let mut c = MinorCounts::default();
        for r in rows {
            let n = u64::try_from(r.n).unwrap_or_default();
            match (r.minor, r.notified) {
                (true, true) => c.minor_notified += n,
                (true, false) => c.minor_not_notified += n,
                (false, true) => c.adult_notified += n,
                (false, false) => c.adult_not_notified += n,
            }
        }
        c
    };
    let incidents = minors(db::report_sections::incident_minors(conn, first, last).await?);
    let intake = minors(db::report_sections::intake_minors(conn, first, last).await?);
    // The overdue count is not reported (it depends on the day the report is
    // built, not on the year), so the number of days given does not matter.
    let answered = db::dcf::response_counts(conn, Some(first), Some(last), today, DEFAULT_RESPONSE_DAYS).await?;
    let count = |n: i64| u64::try_from(n).unwrap_or_default();
    let dcf_responses = DcfResponseCounts {
        accepted_for_services: count(answered.accepted_for_services),
        assessed_not_accepted: count(answered.assessed_not_accepted),
        already_open_case: count(answered.already_open_case),
        none: count(answered.without_response),
    };

    let everyone = PeopleFilter { agency: None, population: None, active: Some(true), towns: None };
    let people = db::training::all_people(conn, &AgencyScope::All, &everyone).await?;
    let mut facts = workforce_facts(conn, &people).await?;
    let staff: Vec<StaffMember> = people
        .iter()
        .filter_map(|p| {
            let (person, completions) = facts.remove(&p.id)?;
            Some(StaffMember { agency: p.agency.clone(), person, completions })
        })
        .collect();

    // Vetting is judged as of the end of the report's day.
    let now = today.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc();
    let gap_facts = gap_facts(conn, RegionType::County, first, last, now).await?;
    let funding = gap_facts
        .funding
        .iter()
        .map(|f| FundingLine { service_id: f.service_id, source: f.source.clone(), amount_cents: f.amount_cents })
        .collect();
    let active_services = u64::try_from(gap_facts.services.len()).unwrap_or_default();
    let gaps = analysis::analyse(&gap_facts);

    let referrals = db::report_sections::referral_outcomes(conn, first, last)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(OutcomeCount { outcome: ReferralStatus::from_str(&r.outcome).ok()?, n: u64::try_from(r.n).ok()?, median_days: r.median_days })
        })
        .collect();
    Ok(SectionFacts { incidents, intake, dcf_responses, staff, gaps: Some(gaps), active_services, funding, referrals })
}
