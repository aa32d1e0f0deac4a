//! Every cross-cutting test in one binary (one link step, shared template database).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

mod api_errors;
mod api_incidents;
mod api_service;
mod data_dictionary;
mod fixtures_parity;
mod openapi_contract;
mod privacy;
