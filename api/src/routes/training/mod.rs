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
pub mod providers;
pub mod report;
pub mod view;
pub mod workforce;

