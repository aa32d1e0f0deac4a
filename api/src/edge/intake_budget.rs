//! `POST /v1/intake`'s own budgets, and the signs that a submission was
//! scripted.
//!
//! A partner's publishable key is public: it is in the page's source, and
//! `Origin` binding only stops *other websites' pages* from using it (a
//! browser sends the true origin); a script sends any `Origin` it likes. So
//! intake is limited per client IP, per origin and per key, each in accepted
//! submissions per hour, and a submission is charged only once it is stored:
//! a request refused for any reason (bad key, wrong origin, invalid body, a
//! replay) spends nothing, so nobody can empty a partner's budget with
//! failing requests while a person is typing. The general per-key budget of
//! `edge::rate_limit` does not apply to this route; the per-IP one does.
//!
//! What cannot be refused is marked: a submission without an `Origin`, from an
//! origin not bound to its key (both accepted only under
//! `BEACON_INTAKE_ORIGIN_TOLERANT`), or in a burst (the same client filed
//! another within [`BURST_WINDOW`], or the key received more than
//! [`KEY_BURST`] within it) carries those reasons, which the coordinator sees
//! and filters on (`GET /v1/intake?scripted=true`).

use crate::config::IntakeLimits;
use crate::edge::rate_limit::{group, Refusal};
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::Quota;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use uuid::Uuid;

type Keyed<K> = governor::RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

/// A second accepted submission from one client within this is a burst.
pub const BURST_WINDOW: Duration = Duration::from_secs(60);
/// More accepted submissions than this for one key within [`BURST_WINDOW`] is a burst.
pub const KEY_BURST: u32 = 10;

/// The reasons a submission is marked, as stored and answered.
pub const NO_ORIGIN: &str = "no_origin";
pub const ORIGIN_MISMATCH: &str = "origin_mismatch";
pub const BURST: &str = "burst";

/// How many charges pass between two sweeps of the keyed state.
const RETAIN_EVERY: u64 = 256;

pub struct IntakeBudgets {
    per_ip: Keyed<IpAddr>,
    per_origin: Keyed<(Uuid, String)>,
    per_key: Keyed<Uuid>,
    burst_ip: Keyed<IpAddr>,
    burst_key: Keyed<Uuid>,
    /// Accept a missing or unbound `Origin` (and mark it) instead of 403.
    pub origin_tolerant: bool,
    charges: AtomicU64,
}

fn per_hour(n: NonZeroU32) -> Quota {
    Quota::per_hour(n)
}

impl IntakeBudgets {
    pub fn new(limits: IntakeLimits) -> Self {
        let one = NonZeroU32::MIN;
        let key_burst = NonZeroU32::new(KEY_BURST).unwrap_or(one);
        IntakeBudgets {
            per_ip: governor::RateLimiter::keyed(per_hour(limits.per_ip)),
            per_origin: governor::RateLimiter::keyed(per_hour(limits.per_origin)),
            per_key: governor::RateLimiter::keyed(per_hour(limits.per_key)),
            burst_ip: governor::RateLimiter::keyed(Quota::with_period(BURST_WINDOW).unwrap_or(Quota::per_minute(one)).allow_burst(one)),
            burst_key: governor::RateLimiter::keyed(
                Quota::with_period(BURST_WINDOW / KEY_BURST).unwrap_or(Quota::per_minute(one)).allow_burst(key_burst),
            ),
            origin_tolerant: limits.origin_tolerant,
            charges: AtomicU64::new(0),
        }
    }

    /// Whether this submission is part of a burst. Asked once per submission
    /// that passed every check, before it is stored.
    pub fn burst(&self, ip: IpAddr, key: Uuid) -> bool {
        let ip = group(ip);
        let by_ip = self.burst_ip.check_key(&ip).is_err();
        let by_key = self.burst_key.check_key(&key).is_err();
        by_ip || by_key
    }

    /// Charges one stored submission to its client, origin and key (in that
    /// order, so a client over its own budget spends nobody else's), or the
    /// refusal. `origin`: the request's, lower-cased; `None` without one.
    pub fn charge(&self, ip: IpAddr, origin: Option<&str>, key: Uuid) -> Result<(), Refusal> {
        self.tick();
        let ip = group(ip);
        self.per_ip
            .check_key(&ip)
            .map_err(|n| Refusal::Ip(n.wait_time_from(self.per_ip.clock().now())))?;
        let origin = (key, origin.unwrap_or("").to_string());
        self.per_origin
            .check_key(&origin)
            .map_err(|n| Refusal::Origin(n.wait_time_from(self.per_origin.clock().now())))?;
        self.per_key
            .check_key(&key)
            .map_err(|n| Refusal::Key(n.wait_time_from(self.per_key.clock().now())))?;
        Ok(())
    }

    fn tick(&self) {
        if self.charges.fetch_add(1, Ordering::Relaxed) % RETAIN_EVERY == RETAIN_EVERY - 1 {
            self.per_ip.retain_recent();
            self.per_origin.retain_recent();
            self.per_key.retain_recent();
            self.burst_ip.retain_recent();
            self.burst_key.retain_recent();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn limits(ip: u32, origin: u32, key: u32) -> IntakeLimits {
        IntakeLimits {
            per_ip: NonZeroU32::new(ip).unwrap(),
            per_origin: NonZeroU32::new(origin).unwrap(),
            per_key: NonZeroU32::new(key).unwrap(),
            origin_tolerant: false,
        }
    }

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn each_budget_is_its_own_and_a_client_over_its_own_spends_no_other() {
        let key = Uuid::from_u128(1);
        let b = IntakeBudgets::new(limits(1, 2, 100));
        b.charge(A, Some("https://a.example"), key).unwrap();
        assert!(matches!(b.charge(A, Some("https://a.example"), key), Err(Refusal::Ip(_))));
        // A's refusals spent none of the origin's budget: B still gets its unit.
        b.charge(B, Some("https://a.example"), key).unwrap();
        let third = "192.0.2.3".parse().unwrap();
        assert!(matches!(b.charge(third, Some("https://a.example"), key), Err(Refusal::Origin(_))));
        let b = IntakeBudgets::new(limits(100, 100, 1));
        b.charge(A, None, key).unwrap();
        assert!(matches!(b.charge(B, Some("https://b.example"), key), Err(Refusal::Key(_))));
        b.charge(B, None, Uuid::from_u128(2)).unwrap();
    }

    #[test]
    fn a_second_submission_from_one_client_within_a_minute_is_a_burst() {
        let b = IntakeBudgets::new(IntakeLimits::default());
        let key = Uuid::from_u128(1);
        assert!(!b.burst(A, key));
        assert!(b.burst(A, key));
        assert!(!b.burst(B, key));
        // Many clients, one key: past KEY_BURST in the window.
        let marked = (0..KEY_BURST + 2).filter(|i| b.burst(IpAddr::from([198, 51, 100, *i as u8]), Uuid::from_u128(9))).count();
        assert_eq!(marked, 2);
    }
}
