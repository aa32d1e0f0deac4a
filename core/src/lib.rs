//! Beacon core: the incident reporting contract, its code lists and rules.
//!
//! Everything here is pure — no clock, no I/O — so the server and the browser
//! (through wasm) give the same verdict for the same payload and "today".

pub mod contract;
pub mod directory;
pub mod fields;
pub mod incident;
pub mod intake;
pub mod chart;
pub mod keys;
pub mod reference;
pub mod roles;
pub mod screening;
pub mod stats;
pub mod training;

pub use incident::{check_incident, dictionary, Derived, Dictionary, Identity, Incident, IncidentVerdict, Victim};
pub use intake::{check_intake, Contact, Intake, IntakeDerived, IntakeVerdict};
pub use contract::problem::{ErrorCode, ValidationError};
pub use contract::sealed::Sealed;

/// Version of the reporting contract; a code list change bumps it.
pub const SCHEMA_VERSION: &str = "v1";
