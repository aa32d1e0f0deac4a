//! An incident as the rows that store it: the narrative and each victim's identity sealed under
//! a fresh per-record data key, the identity's blind index computed. Creating an incident and
//! converting an intake submission both store through here, so there is one way to seal.

use crate::db::incidents::{NewIncident, NewVictim};
use crate::error::ApiError;
use crate::security::crypto::{field_aad, Envelope};
use beacon_core::reference::codes::{code_strings, CodeList};
use beacon_core::Incident;
use uuid::Uuid;


pub fn incident_rows(
    id: Uuid,
    account_id: Uuid,
    incident: &Incident,
    envelope: &Envelope,
) -> Result<(NewIncident, Vec<NewVictim>), ApiError> {
    let (key, wrapped) = envelope.new_record_key(id).map_err(ApiError::internal)?;
    let narrative_sealed = incident
        .narrative
        .as_ref()
        .map(|n| key.seal(&field_aad("incidents", id, "narrative"), n.expose().as_bytes()))
        .transpose()
        .map_err(ApiError::internal)?;
    let mut victims = Vec::with_capacity(incident.victims.len());
    for (ordinal, v) in incident.victims.iter().enumerate() {
        let victim_id = Uuid::new_v4();
        let identity_index = v.identity.as_ref().and_then(|i| envelope.identity_index(i.expose()));
        let identity_sealed = match &v.identity {
            Some(identity) => {
                let plain = serde_json::to_vec(identity.expose()).map_err(ApiError::internal)?;
                Some(
                    key.seal(&field_aad("victims", victim_id, "identity"), &plain)
                        .map_err(ApiError::internal)?,
                )
            }
            None => None,
        };
        victims.push(NewVictim {
            id: victim_id,
            incident_id: id,
            ordinal: i32::try_from(ordinal).map_err(ApiError::internal)?,
            age: v.age.map(i16::from),
            sex: v.sex.code().to_string(),
            citizenship: v.citizenship.map(|c| c.code().to_string()),
            language: v.language.clone(),
            relationship_to_trafficker: v.relationship_to_trafficker.map(|r| r.code().to_string()),
            services_needed: code_strings(&v.services_needed),
            minor: v.minor,
            identity_sealed,
            identity_index,
            age_band: v.age_band.map(|b| b.code().to_string()),
        });
    }
    let d = &incident.derived;
    let row = NewIncident {
        id,
        account_id,
        schema_version: beacon_core::SCHEMA_VERSION.to_string(),
        reporting_agency: incident.reporting_agency.code().to_string(),
        agency_case_ref: incident.agency_case_ref.clone(),
        status: incident.status.code().to_string(),
        incident_date: incident.incident_date,
        reported_date: incident.reported_date,
        town: d.town.clone(),
        county: d.county.clone(),
        planning_region: d.planning_region.clone(),
        judicial_district: d.judicial_district.clone(),
        dcf_region: d.dcf_region.map(i16::from),
        trafficking_types: code_strings(&incident.trafficking_types),
        nibrs_offenses: d.nibrs_offenses.clone(),
        venue: incident.venue.map(|v| v.code().to_string()),
        control_methods: code_strings(&incident.control_methods),
        dcf_notified: incident.dcf_notified,
        law_enforcement_agency: incident.law_enforcement_agency.clone(),
        minor_involved: d.minor_involved,
        victim_count: i32::try_from(incident.victims.len()).map_err(ApiError::internal)?,
        key_id: envelope.key_id().to_string(),
        wrapped_data_key: wrapped,
        narrative_sealed,
    };
    Ok((row, victims))
}
