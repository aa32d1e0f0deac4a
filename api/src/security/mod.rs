//! API keys and roles, and field encryption of sealed values.

pub mod audit;
pub mod auth;
pub mod crypto;
pub mod keys;
pub mod policy;
pub mod scope;
pub mod seal;

pub use auth::{Principal, Role};
