//! Every cross-cutting test in one binary (one link step, shared template database).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

mod access_policy;
mod api_errors;
mod api_incidents;
mod api_service;
mod audit;
mod browser;
mod dashboard;
mod data_dictionary;
mod directory;
mod directory_gaps;
mod directory_import;
mod directory_search;
mod directory_vectors;
mod edge;
mod keys;
mod fixtures_parity;
mod intake_api;
mod intake_vectors;
mod openapi_contract;
mod privacy;
mod report_bundle;
mod report_coordinator;
mod report_pdf;
mod report_task_force;
mod report_registers;
mod report_vectors;
mod retention_and_keys;
mod stats_api;
mod stats_rollups;
mod stats_subjects;
mod training_api;
mod training_cli;
mod training_fidelity;
mod training_vectors;
