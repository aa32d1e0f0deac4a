//! Managing the provider directory (coordinators): organizations, services with their
//! locations, service areas and funding, verification, the list of verifications due, referral
//! search, referrals and the gap analysis. Every rule is in `beacon_core::directory`; these
//! handlers parse, call core, call the database and respond. Writes are audited in the same
//! transaction; a change needs `If-Match` with the record's current ETag (`http::precondition`).

pub mod create_organization;
pub mod create_service;
pub mod due;
pub mod export;
pub mod gap_outputs;
pub mod gaps;
pub mod get_service;
pub mod import;
pub mod referrals;
pub mod search;
pub mod update_organization;
pub mod update_service;
pub mod verify;
pub mod view;
