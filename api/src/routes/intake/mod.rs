//! Partner intake: the embeddable form's endpoint, and the coordinator's queue.

pub mod convert;
pub mod list;
pub mod reference;
pub mod submit;
pub mod update;
pub mod view;
