pub mod caseload;
pub mod compliance;
pub mod create;
pub mod get;
pub mod import;
pub mod list;
pub mod update;
