//! The audit trail, for auditors: page and filter entries, verify the chain.

pub mod list;
pub mod verify;

use crate::db::audit::EntryRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One audit entry: who, what, when, why, and its link in the hash chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    /// Position in the chain.
    pub seq: i64,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub request_id: Option<String>,
    /// The acting key (absent for an unauthenticated caller).
    pub key_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub role: Option<String>,
    pub action: String,
    pub resource: String,
    pub resource_id: Option<String>,
    pub reason: Option<String>,
    pub outcome: String,
    /// The previous entry's hash, lower-case hex (64 zeros for the first entry).
    pub prev_hash: String,
    /// SHA-256 over `prev_hash` and this entry's canonical form, lower-case hex.
    pub hash: String,
}

impl From<EntryRow> for AuditEntry {
    fn from(r: EntryRow) -> Self {
        AuditEntry {
            seq: r.seq,
            id: r.id,
            at: r.at,
            request_id: r.request_id,
            key_id: r.key_id,
            account_id: r.account_id,
            role: r.role,
            action: r.action,
            resource: r.resource,
            resource_id: r.resource_id,
            reason: r.reason,
            outcome: r.outcome,
            prev_hash: hex::encode(r.prev_hash),
            hash: hex::encode(r.hash),
        }
    }
}
