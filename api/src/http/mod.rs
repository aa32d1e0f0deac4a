//! What every route shares about HTTP: reading bodies (JSON and CSV, with their size limits),
//! content negotiation, query parameters and paging, preconditions and path ids.
//! Handlers parse with these, call core, call the database and respond.

pub mod body;
pub mod negotiate;
pub mod path;
pub mod precondition;
pub mod query;
pub mod region;
