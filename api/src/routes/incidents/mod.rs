pub mod close;
pub mod correct;
pub mod create;
pub mod get;
pub mod list;
pub mod versions;
pub mod view;
