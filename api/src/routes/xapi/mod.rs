//! A subset of xAPI 1.0.3 (the Experience API) so agencies' learning
//! management systems can send completions as they happen (Sec. 8(b)(2)):
//! Beacon takes their records instead of replacing them.
//!
//! * `GET /xapi/about` (public) → `{"version": ["1.0.3"]}`.
//! * `POST /xapi/statements`: one statement or an array; the
//!   `X-Experience-API-Version: 1.0.x` header is required. Authenticated with a
//!   Beacon key as a bearer token (coordinator, or a reporter for its own
//!   agency's people).
//!
//! Mapping: `actor.account.homePage` = `urn:beacon:agency:<agency code>`,
//! `actor.account.name` = the person's `employee_ref`; `object.id` =
//! `urn:beacon:course:<course code>`. The verbs
//! `http://adlnet.gov/expapi/verbs/completed` and `…/passed` record a
//! completion dated the statement's `timestamp` in America/New_York (the
//! receipt time when absent), unless `result.success` is `false`;
//! `http://adlnet.gov/expapi/verbs/voided` with a `StatementRef` object
//! retracts the completion the referenced statement recorded. Every other
//! statement (another verb, or a completion of an activity that is not a
//! Beacon course) is stored and otherwise ignored. Statements are idempotent
//! by `id`: the same statement again changes nothing; another statement with
//! a used id is a 409.

pub mod about;
pub mod statements;

pub use beacon_core::training::xapi::XAPI_VERSION;
pub const VERSION_HEADER: &str = "X-Experience-API-Version";
