//! Sec. 10: the minors DCF must serve, and DCF's response to each.

pub mod minors;
pub mod respond;
pub mod view;
