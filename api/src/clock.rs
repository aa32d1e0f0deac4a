//! The only reader of the wall clock. Rules get "now" and "today" from here as parameters, so a
//! test can hold time still (and move it) and the wasm build agrees with the server.
//! The state's business day is America/New_York's.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use std::sync::{Arc, RwLock};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Set only by tests: the instant the server believes it is.
    fixed: Option<Arc<RwLock<DateTime<Utc>>>>,
}

/// A test's handle on a fixed clock: moving it moves the server's time.
#[derive(Clone, Debug)]
pub struct ClockHandle(Arc<RwLock<DateTime<Utc>>>);

impl ClockHandle {
    /// Noon in Connecticut on `day` (far from either midnight, so "today" is `day` in any zone).
    pub fn set_today(&self, day: NaiveDate) {
        self.set_now(noon_in_connecticut(day));
    }

    /// The instant the server believes it is.
    pub fn now(&self) -> DateTime<Utc> {
        self.0.read().map(|t| *t).unwrap_or_else(|e| *e.into_inner())
    }

    pub fn set_now(&self, now: DateTime<Utc>) {
        if let Ok(mut t) = self.0.write() {
            *t = now;
        }
    }
}

fn noon_in_connecticut(day: NaiveDate) -> DateTime<Utc> {
    let noon = day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default());
    chrono_tz::America::New_York
        .from_local_datetime(&noon)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| noon.and_utc())
}

impl Clock {
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// A clock held at noon (Connecticut) of `day`, and the handle that moves it.
    pub fn fixed(day: NaiveDate) -> (Self, ClockHandle) {
        let cell = Arc::new(RwLock::new(noon_in_connecticut(day)));
        (Self { fixed: Some(cell.clone()) }, ClockHandle(cell))
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        if let Some(now) = self.fixed.as_ref().and_then(|c| c.read().ok().map(|t| *t)) {
            return now;
        }
        Utc::now()
    }

    /// The state's business day.
    pub fn today(&self) -> NaiveDate {
        beacon_core::reference::dates::date_in_state(self.now())
    }
}
