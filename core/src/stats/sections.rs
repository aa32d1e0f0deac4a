//! The annual report's sections on minors and DCF, training compliance, the
//! directory's gaps and funding, and referral outcomes: each built here from
//! counts the API fetches, every count of people through disclosure control.
//!
//! The report is a public record (Sec. 1(f), filed under section 11-4a), so
//! every table of people — victims, intake, referrals, and staff too, for
//! consistency — is suppressed under the public policy. Provider counts and
//! funding amounts describe organisations, not people, and are shown exactly.

use super::derived;
use super::disclosure::{publish, recoverable_cells, suppress, suppress_together, Cell, DisclosureError, Policy, SuppressedTable};
use super::table::{is_margin, Dimension, Table, TableError};
use crate::directory::codes::ReferralStatus;
use crate::directory::lifecycle;
use crate::directory::gaps::{GapFlagCode, GapReport, Severity};
use crate::reference::codes::{Agency, CodeList, Service};
use crate::training::{completed_late, compliance, Completion, ComplianceStatus, Person, Population};
use chrono::NaiveDate;
use serde::Serialize;
use std::str::FromStr;
use thiserror::Error;

pub const MINORS_TITLE: &str = "Minors and DCF responses";
pub const TRAINING_TITLE: &str = "Training compliance by agency";
pub const GAPS_TITLE: &str = "Directory gaps and funding";
pub const REFERRALS_TITLE: &str = "Referral outcomes";

/// Sec. 10(a) as amended ("[may]" struck, "shall" enacted).
pub const MINORS_BASIS: &str = "Raised Bill 5476, Sec. 10(a): \"The Commissioner of Children and Families shall: \
     (1) Provide child welfare services for any minor child residing in the state who is identified by the Department \
     of Children and Families as a victim of trafficking, as defined in section 46a-170, as amended by this act; and \
     (2) provide appropriate services to a minor child residing in the state who the Department of Children and \
     Families reasonably believes may be a victim of trafficking in order to safeguard the welfare of such minor \
     child.\"";

pub const TRAINING_BASIS: &str = "Raised Bill 5476, Sec. 3 (section 17a-3(b)(7)): the department shall \"require each \
     social worker trainee to complete the training in the prevention, identification and effects of family violence \
     established pursuant to subdivision (6) of this subsection and on and after January 1, 2027, the training on \
     human trafficking developed under section 4 of this act, prior to being assigned a case load\".";

pub const GAPS_BASIS: &str = "Raised Bill 5476, Sec. 1(e): \"The coordinator shall develop and maintain a state-wide \
     directory, organized by region, that identifies providers of services for victims of human trafficking. The \
     coordinator shall evaluate the availability of such services and identify any gaps in funding or geographic \
     regions where services are lacking.\"";

pub const REFERRALS_BASIS: &str = "Raised Bill 5476, Sec. 8(b)(4): \"Designing and implementing standardized, \
     trauma-informed screening questions and referral pathways to ensure consistent identification of and response \
     to victims of human trafficking across systems\".";

/// Said in the section and listed among the unknowns: what a minor without
/// a recorded response means.
pub const DCF_RESPONSES_UNKNOWN: &str = "DCF records its response to each minor Beacon knows of (accepted for \
     services; assessed, not accepted; or already an open case) from December 2026. A minor without a recorded \
     response may still have been served: before then DCF's answers were not recorded here, and since then DCF may \
     not yet have answered.";

/// The label of the minors DCF has not answered, in the responses table.
pub const NO_RESPONSE_LABEL: &str = "No response recorded";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SectionError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Disclosure(#[from] DisclosureError),
}

// ------------------------------------------------------------------ facts

/// Records of the year by whether a minor was involved and whether DCF was
/// notified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MinorCounts {
    pub minor_notified: u64,
    pub minor_not_notified: u64,
    pub adult_notified: u64,
    pub adult_not_notified: u64,
}

/// Minors made known to DCF by DCF's recorded response (Sec. 10(a)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DcfResponseCounts {
    pub accepted_for_services: u64,
    pub assessed_not_accepted: u64,
    pub already_open_case: u64,
    /// No response recorded (yet).
    pub none: u64,
}

/// A member of the active workforce, as the training table needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// The agency code.
    pub agency: String,
    pub person: Person,
    pub completions: Vec<Completion>,
}

/// Referrals made in the year now in one lifecycle status, and the median days from sending
/// to the provider's answer (accepted or declined) among those answered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutcomeCount {
    pub outcome: ReferralStatus,
    pub n: u64,
    pub median_days: Option<f64>,
}

/// Known funding of one directory service from one source, in the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingLine {
    pub service_id: uuid::Uuid,
    pub source: String,
    pub amount_cents: i64,
}

/// What the four sections are built from, besides the year's incident counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SectionFacts {
    /// Counted incidents (suspected or confirmed, not withdrawn) dated in the year.
    pub incidents: MinorCounts,
    /// Intake submissions received in the year (`notified`: DCF notified).
    pub intake: MinorCounts,
    /// Minors made known to DCF in the year (a partner's submission about a
    /// minor, or an incident involving one that was not withdrawn), by DCF's
    /// response.
    pub dcf_responses: DcfResponseCounts,
    pub staff: Vec<StaffMember>,
    /// The gap analysis over the year, by county; `None` when not run.
    pub gaps: Option<GapReport>,
    /// Active services in the directory.
    pub active_services: u64,
    pub funding: Vec<FundingLine>,
    pub referrals: Vec<OutcomeCount>,
}

// ------------------------------------------------------------------ sections

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MinorsSection {
    pub title: &'static str,
    pub basis: &'static str,
    pub k: Option<u64>,
    pub rule: String,
    /// Incidents of the year by minor involved × DCF notified.
    pub incidents: SuppressedTable,
    /// Intake submissions of the year by minor involved × DCF notified.
    pub intake: SuppressedTable,
    /// Minors made known to DCF in the year by DCF's response, the last
    /// category those without one.
    pub responses: SuppressedTable,
    /// What a minor without a recorded response means.
    pub responses_note: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingSection {
    pub title: &'static str,
    pub basis: &'static str,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: NaiveDate,
    pub k: Option<u64>,
    pub rule: String,
    /// Staff by agency × status, by population × status, and completed late
    /// by agency, suppressed together; empty when no workforce is recorded.
    pub tables: Vec<SuppressedTable>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapsSection {
    pub title: &'static str,
    pub basis: &'static str,
    /// `county`.
    pub region_type: &'static str,
    pub regions: Vec<String>,
    /// Service category codes, the heat map's columns.
    pub categories: Vec<CategoryLabel>,
    /// One cell per region × category, regions then categories in order.
    pub cells: Vec<HeatCell>,
    pub funding: FundingSummary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryLabel {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeatCell {
    pub region: String,
    pub category: String,
    /// Vetted providers serving a town of the region (not people: exact).
    pub vetted_providers: i64,
    /// `none`, `watch`, `gap` or `missing`.
    pub severity: &'static str,
    pub flags: Vec<GapFlagCode>,
    /// Why, in words; demand is never given as a number here.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FundingSummary {
    /// Known amounts by source, largest first.
    pub by_source: Vec<FundingSource>,
    pub total_cents: i64,
    /// Distinct services with a known amount in the year.
    pub services_with_known_funding: u64,
    pub active_services: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FundingSource {
    pub source: String,
    pub services: u64,
    pub amount_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralsSection {
    pub title: &'static str,
    pub basis: &'static str,
    pub k: Option<u64>,
    pub rule: String,
    /// Referrals made in the year by lifecycle status.
    pub table: SuppressedTable,
    /// Per status a provider's answer leads to (accepted, declined, service started, closed): the
    /// median days from sending to the answer, `null` where the status's count is withheld (or
    /// zero).
    pub median_days: Vec<MedianDays>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MedianDays {
    pub outcome: ReferralStatus,
    pub days: Option<f64>,
}

// ------------------------------------------------------------------ builders

/// `table` suppressed under `policy`, its grand total shown exactly when
/// `total_shown` says so: the total of a table that counts the same records
/// as another published table is what that other table says of it. A total
/// known elsewhere but withheld here would be a withheld count that is not
/// secret; a total withheld elsewhere but shown here would undo the other.
/// After forcing it, more cells are withheld (smallest inner first) until
/// nothing withheld can be worked out.
pub fn suppress_with_total(table: &Table, policy: &Policy, total_shown: bool) -> SuppressedTable {
    let base = suppress(table, policy);
    if !policy.is_public() {
        return base;
    }
    let mut flags: Vec<bool> = base.entries().iter().map(|e| e.cell.suppressed).collect();
    let Some(grand) = flags.len().checked_sub(1) else { return base };
    if flags[grand] != total_shown {
        return base;
    }
    flags[grand] = !total_shown;
    let keys = table.keys();
    loop {
        let out = publish(table, &flags, policy);
        if recoverable_cells(&out).is_empty() {
            return out;
        }
        let next = keys
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != grand && !flags[*i])
            .filter_map(|(i, k)| Some((is_margin(k), table.count(k)?, i)))
            .filter(|(_, n, _)| *n > 0)
            .min();
        match next {
            Some((_, _, i)) => flags[i] = true,
            None => return out,
        }
    }
}

fn minors_table(name: &str, counts: &MinorCounts) -> Result<Table, TableError> {
    let minor = Dimension::new("minor_involved", ["Minor involved", "No minor recorded"])?;
    let dcf = Dimension::new("dcf_notified", ["DCF notified", "DCF not notified"])?;
    Table::new(
        name,
        vec![minor, dcf],
        [
            (vec![0, 0], counts.minor_notified),
            (vec![0, 1], counts.minor_not_notified),
            (vec![1, 0], counts.adult_notified),
            (vec![1, 1], counts.adult_not_notified),
        ],
    )
}

/// Sec. 10(a) says DCF "shall" serve a minor it identifies or reasonably
/// believes is a victim, so what it answered is the measure of the duty: the
/// three responses in the code list's order, then the minors without one.
fn responses_table(counts: &DcfResponseCounts) -> Result<Table, TableError> {
    use crate::intake::dcf::DcfResponse;
    let labels = DcfResponse::ALL.iter().map(|r| r.label()).chain([NO_RESPONSE_LABEL]);
    let response = Dimension::new("dcf_response", labels)?;
    let n = |r: DcfResponse| match r {
        DcfResponse::AcceptedForServices => counts.accepted_for_services,
        DcfResponse::AssessedNotAccepted => counts.assessed_not_accepted,
        DcfResponse::AlreadyOpenCase => counts.already_open_case,
    };
    let cells = DcfResponse::ALL.iter().enumerate().map(|(i, r)| (vec![i], n(*r))).chain([(vec![DcfResponse::ALL.len()], counts.none)]);
    Table::new("minors made known to dcf by dcf response", vec![response], cells)
}

/// Minors and DCF: incidents and intake of the year by minor × notified.
/// `incidents_total_shown`: whether the report's trend tables show the
/// year's incident total (the incidents table counts the same incidents).
pub fn minors_section(facts: &SectionFacts, policy: &Policy, incidents_total_shown: bool) -> Result<MinorsSection, SectionError> {
    let incidents = suppress_with_total(&minors_table("incidents by minor involved, dcf notified", &facts.incidents)?, policy, incidents_total_shown);
    let intake = suppress(&minors_table("intake submissions by minor involved, dcf notified", &facts.intake)?, policy);
    // Suppressed on its own: its records (the minors of DCF's queue, by the
    // day Beacon received them) are neither the incidents nor the intake of
    // the tables above, so no margin of theirs is a margin of this one.
    let responses = suppress(&responses_table(&facts.dcf_responses)?, policy);
    Ok(MinorsSection {
        title: MINORS_TITLE,
        basis: MINORS_BASIS,
        k: policy.k(),
        rule: policy.rule(),
        incidents,
        intake,
        responses,
        responses_note: DCF_RESPONSES_UNKNOWN,
    })
}

fn agency_label(code: &str) -> String {
    Agency::from_str(code).map(|a| a.label().to_string()).unwrap_or_else(|_| code.to_string())
}

/// Training compliance as of `as_of`: staff by agency × status, population ×
/// status, and completed late by agency (anyone any of whose qualifying
/// trainings came after its deadline, so a late training is never counted as
/// a timely one), suppressed together (one workforce); with law enforcement
/// on file, also officers trained or not by agency — Sec. 10(b): the
/// Commissioner "shall … provide training to law enforcement officials", with
/// no deadline, so trained / not trained is what can be said of them.
pub fn training_section(facts: &SectionFacts, policy: &Policy, as_of: NaiveDate) -> Result<TrainingSection, SectionError> {
    let mut agencies: Vec<&str> = facts.staff.iter().map(|s| s.agency.as_str()).collect();
    agencies.sort_unstable();
    agencies.dedup();
    let populations: Vec<Population> =
        Population::ALL.iter().copied().filter(|p| facts.staff.iter().any(|s| s.person.population == *p)).collect();
    let statuses = ComplianceStatus::ALL;
    let mut by_agency = Vec::new();
    let mut by_population = Vec::new();
    let mut late = Vec::new();
    let mut police = Vec::new();
    let police_agencies: Vec<&str> =
        agencies.iter().copied().filter(|a| facts.staff.iter().any(|s| s.agency == *a && s.person.population == Population::LawEnforcement)).collect();
    for s in &facts.staff {
        let c = compliance(&s.person, &s.completions, as_of);
        if s.person.population == Population::LawEnforcement {
            if let Some(a) = police_agencies.iter().position(|x| *x == s.agency) {
                police.push(vec![a, usize::from(!c.trained)]);
            }
        }
        let status = c.status;
        let (Some(a), Some(p), Some(st)) = (
            agencies.iter().position(|x| *x == s.agency),
            populations.iter().position(|x| *x == s.person.population),
            statuses.iter().position(|x| *x == status),
        ) else {
            continue;
        };
        by_agency.push(vec![a, st]);
        by_population.push(vec![p, st]);
        late.push(vec![a, usize::from(!completed_late(&s.person, &s.completions, as_of))]);
    }
    let tables = if agencies.is_empty() {
        Vec::new()
    } else {
        let agency = Dimension::new("agency", agencies.iter().map(|a| agency_label(a)))?;
        let population = Dimension::new("population", populations.iter().map(|p| p.label()))?;
        let status = Dimension::new("status", statuses.iter().map(|s| s.label()))?;
        let late_dim = Dimension::new("completed_late", ["Completed late", "Not late"])?;
        let tallied = |cells: Vec<Vec<usize>>| {
            let mut out: Vec<(Vec<usize>, u64)> = Vec::new();
            for c in cells {
                match out.iter_mut().find(|(at, _)| *at == c) {
                    Some((_, n)) => *n += 1,
                    None => out.push((c, 1)),
                }
            }
            out
        };
        let mut tables = vec![
            Table::new("staff by agency, status", vec![agency.clone(), status.clone()], tallied(by_agency))?,
            Table::new("staff by population, status", vec![population, status], tallied(by_population))?,
            Table::new("staff by agency, completed late", vec![agency, late_dim], tallied(late))?,
        ];
        if !police_agencies.is_empty() {
            let agency = Dimension::new("agency", police_agencies.iter().map(|a| agency_label(a)))?;
            let trained = Dimension::new("trained", ["Trained", "Not trained"])?;
            tables.push(Table::new("law enforcement by agency, trained", vec![agency, trained], tallied(police))?);
        }
        suppress_together(&tables, policy)?
    };
    Ok(TrainingSection { title: TRAINING_TITLE, basis: TRAINING_BASIS, as_of, k: policy.k(), rule: policy.rule(), tables })
}

fn severity_code(s: Severity) -> &'static str {
    match s {
        Severity::None => "none",
        Severity::Watch => "watch",
        Severity::Gap => "gap",
        Severity::Missing => "missing",
    }
}

/// The gap heat map (region × category) and the year's known funding.
pub fn gaps_section(facts: &SectionFacts) -> GapsSection {
    let categories: Vec<CategoryLabel> =
        Service::ALL.iter().map(|c| CategoryLabel { code: c.code().to_string(), label: c.label().to_string() }).collect();
    let mut regions: Vec<String> = Vec::new();
    let mut cells = Vec::new();
    for row in facts.gaps.iter().flat_map(|g| &g.rows) {
        if !regions.contains(&row.region) {
            regions.push(row.region.clone());
        }
        let label = Service::from_str(&row.category).map(|c| c.label().to_lowercase()).unwrap_or_else(|_| row.category.clone());
        let reasons = row
            .flags
            .iter()
            .map(|f| match f.flag {
                // The analysis words this with the number of referrals
                // declined: people, so not printed (the flag says as much as
                // a withheld cell would: at least one).
                GapFlagCode::DemandExceedsCapacity => {
                    format!("Referrals for {label} from {} were declined for lack of capacity.", row.region)
                }
                _ => f.reason.clone(),
            })
            .collect();
        cells.push(HeatCell {
            region: row.region.clone(),
            category: row.category.clone(),
            vetted_providers: row.vetted_providers,
            severity: severity_code(row.severity()),
            flags: row.flags.iter().map(|f| f.flag).collect(),
            reasons,
        });
    }
    GapsSection { title: GAPS_TITLE, basis: GAPS_BASIS, region_type: "county", regions, categories, cells, funding: funding(facts) }
}

fn funding(facts: &SectionFacts) -> FundingSummary {
    let mut by_source: Vec<(FundingSource, Vec<uuid::Uuid>)> = Vec::new();
    let mut services: Vec<uuid::Uuid> = Vec::new();
    for f in &facts.funding {
        if !services.contains(&f.service_id) {
            services.push(f.service_id);
        }
        let at = match by_source.iter().position(|(s, _)| s.source == f.source) {
            Some(i) => i,
            None => {
                by_source.push((FundingSource { source: f.source.clone(), services: 0, amount_cents: 0 }, Vec::new()));
                by_source.len() - 1
            }
        };
        if let Some((line, ids)) = by_source.get_mut(at) {
            line.amount_cents = line.amount_cents.saturating_add(f.amount_cents);
            if !ids.contains(&f.service_id) {
                ids.push(f.service_id);
                line.services += 1;
            }
        }
    }
    let mut by_source: Vec<FundingSource> = by_source.into_iter().map(|(s, _)| s).collect();
    by_source.sort_by(|a, b| b.amount_cents.cmp(&a.amount_cents).then_with(|| a.source.cmp(&b.source)));
    FundingSummary {
        total_cents: by_source.iter().map(|s| s.amount_cents).fold(0, i64::saturating_add),
        by_source,
        services_with_known_funding: services.len() as u64,
        active_services: facts.active_services,
    }
}

/// Referrals of the year by lifecycle status, with the median days to the provider's answer
/// where the status's count is shown.
pub fn referrals_section(facts: &SectionFacts, policy: &Policy) -> Result<ReferralsSection, SectionError> {
    let outcomes = ReferralStatus::ALL;
    let dim = Dimension::new("outcome", outcomes.iter().map(|o| o.label()))?;
    let count_of = |o: ReferralStatus| facts.referrals.iter().filter(|r| r.outcome == o).map(|r| r.n).sum::<u64>();
    let table = Table::new("referrals by outcome", vec![dim], outcomes.iter().enumerate().map(|(i, o)| (vec![i], count_of(*o))))?;
    let table = suppress(&table, policy);
    let median_days = outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| lifecycle::answered(**o))
        .map(|(i, o)| {
            let cell = table.cell(&[i]).unwrap_or_else(Cell::withheld);
            let median = facts.referrals.iter().find(|r| r.outcome == *o).and_then(|r| r.median_days);
            MedianDays { outcome: *o, days: derived::behind(&cell, median) }
        })
        .collect();
    Ok(ReferralsSection { title: REFERRALS_TITLE, basis: REFERRALS_BASIS, k: policy.k(), rule: policy.rule(), table, median_days })
}
