//! Standardized screening (Sec. 8(b)(4)): the instruments Beacon ships, and screenings scored by
//! core and stored with their answers sealed.

pub mod create;
pub mod get;
pub mod instruments;
pub mod view;
