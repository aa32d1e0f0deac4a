//! Beacon core: the incident reporting contract, its code lists and rules.
//!
//! Everything here is pure — no clock, no I/O — so the server and the browser
//! (through wasm) give the same verdict for the same payload and "today".

pub mod codes;
pub mod dates;
pub mod formats;
pub mod geo;
pub mod incident;
pub mod intake;
mod intake_wire;
pub mod messages;
pub mod problem;
pub mod sealed;
pub mod stats;
pub mod training;
pub mod read;
mod wire;

pub use incident::{check_incident, dictionary, Derived, Dictionary, Identity, Incident, IncidentVerdict, Victim};
pub use intake::{check_intake, Contact, Intake, IntakeDerived, IntakeVerdict};
pub use problem::{ErrorCode, ValidationError};
pub use sealed::Sealed;

/// Version of the reporting contract; a code list change bumps it.
pub const SCHEMA_VERSION: &str = "v1";
