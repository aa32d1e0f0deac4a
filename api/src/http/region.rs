//! Regions named in query parameters (`region_type`, `region`). The kinds of region and the
//! towns of each are reference data in `beacon_core::reference::regions`; this module only
//! re-exports them for the routes that read those parameters.

pub use beacon_core::reference::regions::{region_towns, RegionType};
