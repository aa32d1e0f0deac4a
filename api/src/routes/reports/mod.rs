//! The coordinator's annual report (Raised Bill 5476, Sec. 1(f)) and the
//! registers it is built from. The rules and the report model are
//! `beacon_core::stats::{report, annual}`; these handlers parse, call core,
//! call the database and respond. Register writes are audited in the same
//! transaction and need `If-Match` with the entry's ETag to change it.

pub mod activity;
mod charts;
pub mod forms;
pub mod coordinator;
pub mod create_activity;
pub mod create_recommendation;
pub mod html;
pub mod list_activities;
pub mod list_recommendations;
pub mod recommendation;
mod sections_html;
mod register;
pub mod snapshot;
pub mod task_force;
mod task_force_html;
pub mod view;
