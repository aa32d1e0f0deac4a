//! The provider directory: organizations, services, locations, service areas, funding and
//! referrals (Raised Bill 5476, Sec. 1(e), 8(b)(5)), after Open Referral HSDS 3.1. One file per
//! aggregate; the rules these rows keep are in `beacon_core::directory`, and rows never leave
//! `db` as API schemas (the routes answer with the views of `routes/directory/view.rs`).
//!
//! A service's and an organization's `version` is its ETag: every write bumps it, and a write
//! that names a stale version changes nothing.

pub mod gaps;
pub mod imports;
pub mod organizations;
pub mod public;
pub mod referrals;
pub mod services;

pub use gaps::*;
pub use imports::*;
pub use organizations::*;
pub use public::*;
pub use referrals::*;
pub use services::*;
