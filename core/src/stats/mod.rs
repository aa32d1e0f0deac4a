//! Statistics and the annual report: what the coordinator may publish, and the
//! registers the report is built from.
//!
//! Raised Bill 5476, Sec. 1(f): "Not later than January 1, 2027, and annually
//! thereafter, the coordinator shall submit a report … Such report shall
//! include, but need not be limited to, the activities of the coordinator
//! during the prior year, any recommendations and any recommendations for
//! legislation to implement the coordinator's recommendations."
//!
//! Everything here is pure: "today" is a parameter, nothing reads a clock.

pub mod disclosure;
mod exact;
pub mod table;

pub use disclosure::{
    proposed, recoverable_cells, recoverable_together, suppress, suppress_together, Cell, DisclosureError, Entry, Policy,
    PolicyError, SuppressedTable, MIN_PUBLIC_K,
};
pub use table::{Dimension, DimensionLabels, Key, Table, TableError};
pub mod derived;
pub mod filter;
pub mod median_days;
pub mod multi;
pub mod period;
pub mod query;
pub mod trend;

pub use multi::{suppress_multi, HasHasNot, MultiValued, MultiValuedTable};
pub use period::{Audience, Period};
pub mod annual;
pub mod bundle;
pub mod calendar;
pub mod report;
pub mod sections;
pub mod task_force;

pub use calendar::{calendar, Duty, DutyStatus, Recurrence};
pub use report::{check_activity, check_recommendation, Activity, Recommendation, Verdict};
