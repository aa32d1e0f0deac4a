//! Beacon's REST API: actix-web over PostgreSQL (diesel-async), validating
//! with `beacon-core` and never with a second copy of the rules.

pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod edge;
pub mod error;
pub mod facts;
pub mod hsds;
pub mod http;
pub mod import;
pub mod openapi;
pub mod pdf;
pub mod routes;
pub mod security;
pub mod startup;
pub mod telemetry;
