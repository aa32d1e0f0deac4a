//! "Today" for the rules. The state's business day is America/New_York's.

use chrono::NaiveDate;
use std::sync::{Arc, RwLock};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Set only by tests that replay fixture vectors with their own "today".
    fixed: Option<Arc<RwLock<NaiveDate>>>,
}

impl Clock {
    pub fn system() -> Self {
        Self { fixed: None }
    }

    pub fn fixed(day: NaiveDate) -> (Self, Arc<RwLock<NaiveDate>>) {
        let cell = Arc::new(RwLock::new(day));
        (Self { fixed: Some(cell.clone()) }, cell)
    }

    pub fn today(&self) -> NaiveDate {
        if let Some(day) = self.fixed.as_ref().and_then(|c| c.read().ok().map(|d| *d)) {
            return day;
        }
        chrono::Utc::now()
            .with_timezone(&chrono_tz::America::New_York)
            .date_naive()
    }
}
