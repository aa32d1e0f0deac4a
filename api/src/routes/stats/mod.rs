//! Statistics with disclosure control: the coordinator's counts (`/v1/stats/…`)
//! and the public's (`/public/stats/…`). The rules are `beacon_core::stats`.

pub mod dcf_responses;
pub mod incidents;
pub mod intake;
pub mod public_incidents;
pub mod referrals;
pub mod filter_params;
mod respond;
pub mod training;
pub mod trends;
pub mod victims;
