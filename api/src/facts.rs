//! The facts `beacon_core`'s rules take, read from the database: a person
//! and their completions (training), the directory's services and demand
//! (gap analysis). Shared by every route area that builds them (training,
//! the directory, the annual reports), so none imports another's.

use crate::db::directory as store;
use crate::db::training::{CompletionRow, PersonRow};
use crate::error::ApiError;
use crate::http::region::RegionType;
use beacon_core::directory::gaps as analysis;
use beacon_core::directory::vetting;
use beacon_core::training::person::is_social_worker_trainee;
use crate::db::training as training_store;
use beacon_core::training::{counting, Completion, CompletionRecord, CourseKind, CourseSubject, Person, Population, TrainingTopic};
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use std::collections::HashMap;
use std::str::FromStr;
use uuid::Uuid;

/// The facts the core rules need about a person; `contract_start` is their
/// contracted provider's, when linked to one.
pub fn person_facts(row: &PersonRow, contract_start: Option<NaiveDate>) -> Result<Person, ApiError> {
    let population = Population::from_str(&row.population)
        .map_err(|()| ApiError::internal(format!("stored population `{}` is not a code", row.population)))?;
    Ok(Person {
        population,
        start_date: row.start_date,
        social_worker_trainee: is_social_worker_trainee(row.role.as_deref()),
        contract_start,
    })
}

/// A stored completion as the core sees it (unknown stored topics are
/// dropped; the database's checks keep subject and kind to their codes).
pub fn completion_record(row: &CompletionRow) -> CompletionRecord {
    CompletionRecord {
        date: row.completed_on,
        topics: row.topics.iter().filter_map(|t| TrainingTopic::from_str(t).ok()).collect(),
        subject: CourseSubject::from_str(&row.subject).unwrap_or_default(),
        kind: CourseKind::from_str(&row.kind).unwrap_or_default(),
        voided: row.voided,
    }
}

/// A person's stored completions as the core sees them.
pub fn records(rows: &[CompletionRow]) -> Vec<CompletionRecord> {
    rows.iter().map(completion_record).collect()
}

/// What the gap analysis of `from..=to` by `kind` is computed from, as of
/// `now` (vetting and staleness); the annual report reads the same facts.
pub async fn gap_facts(
    conn: &mut AsyncPgConnection,
    kind: RegionType,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<analysis::GapFacts, ApiError> {
    let (services, linked) = store::active_services(conn).await?;
    let mut towns: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (id, town) in &linked.areas {
        towns.entry(*id).or_default().push(town.clone());
    }
    for (link, loc) in &linked.at_locations {
        towns.entry(link.service_id).or_default().push(loc.town.clone());
    }
    let demand = |rows: Vec<store::Demand>| rows.into_iter().map(|d| analysis::Demand { region: d.region, code: d.code, n: d.n }).collect();
    let facts = analysis::GapFacts {
        region_type: kind,
        from,
        to,
        services: services
            .into_iter()
            .map(|s| analysis::GapService {
                vetted: s.is_vetted(now),
                stale: vetting::is_stale(s.verified_at, now),
                towns: towns.remove(&s.id).unwrap_or_default(),
                id: s.id,
                categories: s.categories,
                capacity_available: s.capacity_available,
                capacity_total: s.capacity_total,
            })
            .collect(),
        victims: demand(store::victim_demand(conn, kind.into(), from, to).await?),
        intake: demand(store::intake_demand(conn, kind.into(), from, to).await?),
        referrals: store::referral_counts(conn, from, to)
            .await?
            .into_iter()
            .map(|r| analysis::ReferralCount { town: r.town, category: r.category, status: r.status, decline_reason: r.decline_reason, n: r.n })
            .collect(),
        funding: store::funding_amounts(conn, from, to)
            .await?
            .into_iter()
            .map(|f| analysis::FundingAmount { service_id: f.service_id, source: f.source, amount_cents: f.amount_cents.unwrap_or(0) })
            .collect(),
    };
    Ok(facts)
}

/// The training rules' facts about each of `people`: the person (with their
/// contracted provider's contract start) and the completions that count.
pub async fn workforce_facts(
    conn: &mut AsyncPgConnection,
    people: &[PersonRow],
) -> Result<HashMap<Uuid, (Person, Vec<Completion>)>, ApiError> {
    let providers: HashMap<Uuid, NaiveDate> =
        training_store::list_providers(conn).await?.into_iter().map(|p| (p.id, p.contract_start)).collect();
    let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
    let mut stored: HashMap<Uuid, Vec<CompletionRecord>> = HashMap::new();
    for row in training_store::completions_of_people(conn, &ids).await? {
        stored.entry(row.person_id).or_default().push(completion_record(&row));
    }
    people
        .iter()
        .map(|p| {
            let contract_start = p.provider_id.and_then(|id| providers.get(&id).copied());
            let completions = counting(stored.get(&p.id).map_or(&[][..], Vec::as_slice));
            Ok((p.id, (person_facts(p, contract_start)?, completions)))
        })
        .collect()
}
