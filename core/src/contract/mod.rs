//! The contract every payload shares: `{path, code, message}` errors, their plain-language
//! messages, the sealed type for victims' identifying fields, and reading JSON into wire types.

pub mod messages;
pub mod problem;
pub mod read;
pub mod sealed;
pub mod text;
