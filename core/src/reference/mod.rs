//! Reference data and the one rule per format: Connecticut's towns and regions, dates, formats
//! (email, phone, URL, language tag) and the shared code lists.

pub mod codes;
pub mod dates;
pub mod formats;
pub mod geo;
pub mod regions;
