pub mod create;
pub mod import;
pub mod list;
