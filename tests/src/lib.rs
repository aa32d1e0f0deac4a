//! Shared test support: fixture vectors, a PostgreSQL per test, and the real
//! app spawned on a random port.

pub mod app;
pub mod fixtures;
pub mod parity;
pub mod pg;
