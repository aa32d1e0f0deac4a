//! Training compliance over HTTP (Raised Bill 5476, Sec. 1(c), 3(7), 4, 5, 10(b)):
//! the curriculum, each agency's workforce, completions, and compliance.
//!
//! The rules themselves are `beacon_core::training`; these handlers only load
//! the facts, scope them to the caller's agency and call the core.
//!
//! Scope: a coordinator manages every agency; a reporter manages only the
//! workforce of the agency its account reports for
//! (`accounts.agency`). Another agency's person is a 404, so existence is
//! not revealed; creating for another agency is a 403.

pub mod completions;
pub mod courses;
pub mod report;
pub mod view;
pub mod workforce;

use crate::db::training::{CompletionRow, PersonRow};
use crate::error::ApiError;
use beacon_core::training::person::is_social_worker_trainee;
use beacon_core::training::{CompletionRecord, Person, Population, TrainingTopic};
use chrono::NaiveDate;
use std::str::FromStr;

/// The facts the core rules need about a person.
pub fn person_facts(row: &PersonRow) -> Result<Person, ApiError> {
    let population = Population::from_str(&row.population)
        .map_err(|()| ApiError::internal(format!("stored population `{}` is not a code", row.population)))?;
    Ok(Person {
        population,
        start_date: row.start_date,
        social_worker_trainee: is_social_worker_trainee(row.role.as_deref()),
    })
}

/// A stored completion as the core sees it (unknown stored topics are dropped).
pub fn completion_record(completed_on: NaiveDate, topics: &[String], voided: bool) -> CompletionRecord {
    CompletionRecord {
        date: completed_on,
        topics: topics.iter().filter_map(|t| TrainingTopic::from_str(t).ok()).collect(),
        voided,
    }
}

/// A person's stored completions as the core sees them.
pub fn records(rows: &[CompletionRow]) -> Vec<CompletionRecord> {
    rows.iter().map(|r| completion_record(r.completed_on, &r.topics, r.voided)).collect()
}
