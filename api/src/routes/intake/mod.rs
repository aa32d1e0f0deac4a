//! Partner intake: the embeddable form's endpoint, and the coordinator's queue.

pub mod convert;
pub mod get;
pub mod list;
pub mod reference;
pub mod submit;
pub mod update;
pub mod view;
pub mod withdraw_consent;
