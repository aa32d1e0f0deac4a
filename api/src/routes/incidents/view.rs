//! What the API returns about an incident: never a sealed field.

use crate::db::incidents::{IncidentRow, VictimRow};
use beacon_core::Derived;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct VictimView {
    pub age: Option<i16>,
    /// The intake's age group, given when the exact age is unknown (never `unknown`).
    #[schema(value_type = Option<beacon_core::reference::codes::AgeGroup>)]
    pub age_band: Option<String>,
    pub sex: String,
    pub citizenship: Option<String>,
    pub language: Option<String>,
    pub relationship_to_trafficker: Option<String>,
    pub services_needed: Vec<String>,
    pub minor: bool,
}

/// A de-identified incident: the narrative and victims' identities are sealed and omitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentView {
    pub id: Uuid,
    pub schema_version: String,
    pub received_at: DateTime<Utc>,
    pub reporting_agency: String,
    pub agency_case_ref: Option<String>,
    pub status: String,
    pub incident_date: NaiveDate,
    pub reported_date: NaiveDate,
    pub trafficking_types: Vec<String>,
    pub venue: Option<String>,
    pub control_methods: Vec<String>,
    pub dcf_notified: bool,
    pub law_enforcement_agency: Option<String>,
    pub victim_count: i32,
    /// The incident's version, as its `ETag` states it; every correction or withdrawal moves it on.
    pub version: i32,
    /// Set when the report was withdrawn: it stays on file, marked, and counts in no statistic.
    pub withdrawn: Option<WithdrawnView>,
    /// Present only on single-incident reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub victims: Option<Vec<VictimView>>,
    pub derived: Derived,
    /// Only with `include=identity&reason=…`, for coordinators; every such read is audited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sealed: Option<SealedView>,
}

/// Why and when a report was withdrawn.
#[derive(Debug, Serialize, ToSchema)]
pub struct WithdrawnView {
    #[schema(value_type = beacon_core::incident::correction::WithdrawalReason)]
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// Decrypted sealed fields. Its `Debug` is redacted so it cannot reach a log.
#[derive(Serialize, ToSchema)]
pub struct SealedView {
    pub narrative: Option<String>,
    pub victims: Vec<VictimIdentity>,
}

impl std::fmt::Debug for SealedView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(beacon_core::contract::sealed::REDACTED)
    }
}

#[derive(Serialize, ToSchema)]
pub struct VictimIdentity {
    pub ordinal: i32,
    #[schema(value_type = Option<Object>)]
    pub identity: Option<beacon_core::Identity>,
}

impl IncidentView {
    pub fn from_rows(row: IncidentRow, victims: Option<Vec<VictimRow>>) -> Self {
        IncidentView {
            id: row.id,
            schema_version: row.schema_version,
            received_at: row.received_at,
            reporting_agency: row.reporting_agency,
            agency_case_ref: row.agency_case_ref,
            status: row.status,
            incident_date: row.incident_date,
            reported_date: row.reported_date,
            control_methods: row.control_methods,
            venue: row.venue,
            dcf_notified: row.dcf_notified,
            law_enforcement_agency: row.law_enforcement_agency,
            victim_count: row.victim_count,
            version: row.version,
            withdrawn: match (row.withdrawn_reason, row.withdrawn_at) {
                (Some(reason), Some(at)) => Some(WithdrawnView { reason, at }),
                _ => None,
            },
            victims: victims.map(|vs| {
                vs.into_iter()
                    .map(|v| VictimView {
                        age: v.age,
                        age_band: v.age_band,
                        sex: v.sex,
                        citizenship: v.citizenship,
                        language: v.language,
                        relationship_to_trafficker: v.relationship_to_trafficker,
                        services_needed: v.services_needed,
                        minor: v.minor,
                    })
                    .collect()
            }),
            derived: Derived {
                town: row.town,
                nibrs_offenses: row.nibrs_offenses,
                county: row.county,
                planning_region: row.planning_region,
                judicial_district: row.judicial_district,
                dcf_region: row.dcf_region.and_then(|r| u8::try_from(r).ok()),
                minor_involved: row.minor_involved,
            },
            trafficking_types: row.trafficking_types,
            sealed: None,
        }
    }
}
