//! Every cross-cutting test in one binary (one link step, shared template database).

mod api_errors;
mod api_incidents;
mod api_service;
mod fixtures_parity;
mod openapi_contract;
mod privacy;
