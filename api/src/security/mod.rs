//! API keys and roles, and field encryption of sealed values.

pub mod auth;
pub mod crypto;
pub mod keys;

pub use auth::{Principal, Role};
