//! The provider directory's rules. The coordinator "shall develop and maintain a state-wide
//! directory, organized by region, that identifies providers of services for victims of human
//! trafficking" (Sec. 1(e)), "mapping and verifying existing providers, identifying service and
//! funding gaps and supporting development of a vetted state-wide resource directory"
//! (Sec. 8(b)(5)).
//!
//! Wire types (serde) come in, domain values go out; nothing here knows HTTP, SQL or the clock.

pub mod codes;
pub mod gaps;
pub mod lifecycle;
pub mod location;
pub mod organization;
pub mod referral;
pub mod search;
pub mod service;
pub mod vetting;

pub use codes::{OrganizationStatus, PhoneType, DeclineReason, ReferralStatus, ServedPopulation, ServiceStatus, VerificationMethod};
pub use service::ServiceVerdict;
