//! Rate limits with `governor` (GCRA, MIT): per client IP for every request,
//! per API key for requests that carry one, and a much stricter per-IP budget
//! for failed authentication.
//!
//! - The IP is the client's: the TCP peer, unless the peer is one of
//!   `BEACON_TRUSTED_PROXIES`; then the rightmost hop of `Forwarded` (or
//!   `X-Forwarded-For`) that is not a trusted proxy (see [`client_address`]).
//!   IPv6 clients are grouped by their /64, which one host usually holds
//!   whole. The address is left in the request's extensions as [`ClientIp`].
//! - The health routes (`/health/…`) are never limited: a load balancer's
//!   probe must not be refused because of what its clients did.
//! - `POST /v1/intake` is not counted against its key here: it has budgets of
//!   its own that failed submissions do not spend (`edge::intake_budget`).
//! - A key is identified by the first 16 bytes of the SHA-256 of the bearer
//!   token: the limiter never holds the key itself.
//! - Every response with status 401 spends one unit of the peer's failed-auth
//!   budget. Once it is spent, that peer's requests are answered 429 before
//!   they reach a handler or the database, until the budget refills.
//!
//! Every refusal is a 429 `application/problem+json` with code `rate_limited`
//! and a `Retry-After` in whole seconds (at least 1).
//!
//! Memory stays bounded: every [`RETAIN_EVERY`] requests, keyed state that has
//! fully refilled (indistinguishable from a fresh one) is dropped.

use crate::config::{RateLimits, TrustedProxies};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::{header, StatusCode};
use actix_web::{Error, HttpResponse};
use futures_util::future::{ready, LocalBoxFuture, Ready};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{NotUntil, Quota};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How many requests pass between two sweeps of the keyed limiters.
pub const RETAIN_EVERY: u64 = 1024;

type Keyed<K> = governor::RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;
type KeyedInfo<K> =
    governor::RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// What a key is counted under: a prefix of its SHA-256, never the key.
pub type KeyId = [u8; 16];

/// Why a request was refused, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Ip(Duration),
    Key(Duration),
    FailedAuth(Duration),
    /// `edge::intake_budget`'s per-origin budget.
    Origin(Duration),
}

impl Refusal {
    pub fn retry_after(self) -> Duration {
        match self {
            Refusal::Ip(d) | Refusal::Key(d) | Refusal::FailedAuth(d) | Refusal::Origin(d) => d,
        }
    }

    /// `Retry-After` in whole seconds, rounded up, at least 1.
    pub fn retry_after_secs(self) -> u64 {
        let d = self.retry_after();
        let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
        secs.max(1)
    }

    pub fn detail(self) -> &'static str {
        match self {
            Refusal::Origin(_) => "too many submissions from this origin; retry later",
            Refusal::Ip(_) => "too many requests from this address; retry later",
            Refusal::Key(_) => "too many requests with this API key; retry later",
            Refusal::FailedAuth(_) => {
                "too many failed authentication attempts from this address; retry later"
            }
        }
    }

    pub fn error(self) -> crate::error::ApiError {
        crate::error::ApiError::RateLimited { detail: self.detail(), retry_after_secs: self.retry_after_secs() }
    }

    fn response(self) -> HttpResponse {
        use actix_web::ResponseError;
        self.error().error_response()
    }
}

/// The limiters' shared state: one per app, shared by every worker.
pub struct Limiters {
    per_ip: Keyed<IpAddr>,
    per_key: Keyed<KeyId>,
    failed_auth: KeyedInfo<IpAddr>,
    /// Peers whose failed-auth budget reached zero, and since when. Only these
    /// are checked against it before their request runs (a check spends).
    exhausted: Mutex<HashMap<IpAddr, Instant>>,
    /// How long a spent failed-auth budget takes to refill completely.
    failed_refill: Duration,
    requests: AtomicU64,
}

/// Whether the failed-auth budget was already charged for this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Charged(bool);

impl Limiters {
    pub fn new(limits: RateLimits) -> Self {
        let failed = Quota::per_minute(limits.failed_auth);
        Limiters {
            per_ip: governor::RateLimiter::keyed(Quota::per_minute(limits.per_ip)),
            per_key: governor::RateLimiter::keyed(Quota::per_minute(limits.per_key)),
            failed_auth: governor::RateLimiter::keyed(failed)
                .with_middleware::<StateInformationMiddleware>(),
            exhausted: Mutex::new(HashMap::new()),
            failed_refill: failed.burst_size_replenished_in(),
            requests: AtomicU64::new(0),
        }
    }


    fn exhausted(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Instant>> {
        // A poisoned map only ever held timestamps: keep using it.
        self.exhausted.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Before the request runs: every budget that applies, cheapest refusal first.
    fn admit(&self, ip: IpAddr, key: Option<KeyId>) -> Result<Charged, Refusal> {
        self.tick();
        let charged = self.admit_failed_auth(ip)?;
        self.per_ip
            .check_key(&ip)
            .map_err(|n| Refusal::Ip(wait(&n, self.per_ip.clock())))?;
        if let Some(key) = key {
            self.per_key
                .check_key(&key)
                .map_err(|n| Refusal::Key(wait(&n, self.per_key.clock())))?;
        }
        Ok(charged)
    }

    /// A peer with a spent failed-auth budget passes only once it has refilled
    /// by one; that unit is spent now (and not again if this request fails).
    fn admit_failed_auth(&self, ip: IpAddr) -> Result<Charged, Refusal> {
        let mut exhausted = self.exhausted();
        if !exhausted.contains_key(&ip) {
            return Ok(Charged(false));
        }
        match self.failed_auth.check_key(&ip) {
            Err(n) => Err(Refusal::FailedAuth(wait(&n, self.failed_auth.clock()))),
            Ok(state) => {
                if state.remaining_burst_capacity() == 0 {
                    exhausted.insert(ip, Instant::now());
                } else {
                    exhausted.remove(&ip);
                }
                Ok(Charged(true))
            }
        }
    }

    /// After a 401.
    fn failed(&self, ip: IpAddr, charged: Charged) {
        if charged.0 {
            return;
        }
        let spent = match self.failed_auth.check_key(&ip) {
            Ok(state) => state.remaining_burst_capacity() == 0,
            Err(_) => true,
        };
        if spent {
            tracing::warn!(client_ip = %ip, "failed-authentication budget spent; refusing this address for now");
            self.exhausted().insert(ip, Instant::now());
        }
    }

    fn tick(&self) {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        if n % RETAIN_EVERY == RETAIN_EVERY - 1 {
            self.sweep();
        }
    }

    /// Drops state that no longer limits anyone.
    pub fn sweep(&self) {
        retain(&self.per_ip);
        retain(&self.per_key);
        self.failed_auth.retain_recent();
        self.failed_auth.shrink_to_fit();
        let refill = self.failed_refill;
        let mut exhausted = self.exhausted();
        exhausted.retain(|_, since| since.elapsed() < refill);
        exhausted.shrink_to_fit();
    }

    /// How many peers and keys the limiters currently remember (for tests and metrics).
    pub fn tracked(&self) -> usize {
        self.per_ip.len() + self.per_key.len() + self.failed_auth.len() + self.exhausted().len()
    }
}

fn wait(not_until: &NotUntil<<DefaultClock as Clock>::Instant>, clock: &DefaultClock) -> Duration {
    not_until.wait_time_from(clock.now())
}

fn retain<K: Hash + Eq + Clone>(limiter: &Keyed<K>) {
    limiter.retain_recent();
    limiter.shrink_to_fit();
}

/// The client's address as the edge determined it (full, not grouped), for
/// the handlers that count by client (`edge::intake_budget`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The address a request is counted under: [`client_address`] (IPv4-mapped
/// IPv6 as IPv4), IPv6 reduced to its /64.
pub fn client_ip(req: &ServiceRequest, proxies: &TrustedProxies) -> IpAddr {
    group(client_address(req.peer_addr().map(|a| a.ip()), req.headers(), proxies))
}

/// IPv4-mapped IPv6 as IPv4; other IPv6 reduced to its /64.
pub fn group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Who sent a request. The TCP peer, unless it is a trusted proxy: then the
/// hops it forwarded (`Forwarded`'s `for=`, or without that header
/// `X-Forwarded-For`) are walked from the right, and the first that is not a
/// trusted proxy is the client (everything left of it the client could have
/// written). A hop that is not an address (`unknown`, an obfuscated name) ends
/// the walk at the proxy that reported it, so such requests share that
/// proxy's budget rather than choose their own.
pub fn client_address(peer: Option<IpAddr>, headers: &header::HeaderMap, proxies: &TrustedProxies) -> IpAddr {
    let Some(mut client) = peer else {
        return IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    };
    if !proxies.contains(client) {
        return client;
    }
    let forwarded: Vec<&str> = headers.get_all(header::FORWARDED).filter_map(|v| v.to_str().ok()).collect();
    let hops: Vec<Option<IpAddr>> = if !forwarded.is_empty() {
        forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| forwarded_node(v))
            })
            .collect()
    } else {
        headers
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(forwarded_node)
            .collect()
    };
    for hop in hops.into_iter().rev() {
        match hop {
            None => return client,
            Some(ip) => {
                client = ip;
                if !proxies.contains(ip) {
                    return ip;
                }
            }
        }
    }
    client
}

/// An address from a forwarding header: `192.0.2.1`, `192.0.2.1:4711`,
/// `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn forwarded_node(value: &str) -> Option<IpAddr> {
    let v = value.trim().trim_matches('"');
    if let Ok(ip) = v.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    v.parse::<std::net::SocketAddr>().ok().map(|a| a.ip())
}

/// The bearer token's identity for the per-key budget, if the request has one.
/// Parsed as leniently as `security::auth` parses it, so no key escapes it.
pub fn key_id(req: &ServiceRequest) -> Option<KeyId> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return None;
    }
    let digest = Sha256::digest(token.as_bytes());
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    Some(id)
}

/// The middleware factory. Clones share one set of limiters.
#[derive(Clone)]
pub struct RateLimit {
    limiters: Arc<Limiters>,
    proxies: Arc<TrustedProxies>,
}

impl RateLimit {
    pub fn new(limits: RateLimits) -> Self {
        RateLimit {
            proxies: Arc::new(limits.trusted_proxies.clone()),
            limiters: Arc::new(Limiters::new(limits)),
        }
    }

    pub fn limiters(&self) -> &Arc<Limiters> {
        &self.limiters
    }
}

impl<S, B> Transform<S, ServiceRequest> for RateLimit
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = RateLimitMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RateLimitMiddleware {
            service,
            limiters: Arc::clone(&self.limiters),
            proxies: Arc::clone(&self.proxies),
        }))
    }
}

pub struct RateLimitMiddleware<S> {
    service: S,
    limiters: Arc<Limiters>,
    proxies: Arc<TrustedProxies>,
}

impl<S, B> Service<ServiceRequest> for RateLimitMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        use actix_web::HttpMessage;
        let address = client_address(req.peer_addr().map(|a| a.ip()), req.headers(), &self.proxies);
        req.extensions_mut().insert(ClientIp(address));
        if req.path().starts_with("/health/") {
            let fut = self.service.call(req);
            return Box::pin(async move { fut.await.map(ServiceResponse::map_into_left_body) });
        }
        let ip = group(address);
        let key = if req.path() == crate::edge::intake_cors::INTAKE_PATH { None } else { key_id(&req) };
        let charged = match self.limiters.admit(ip, key) {
            Ok(charged) => charged,
            Err(refusal) => {
                tracing::info!(
                    client_ip = %ip,
                    retry_after = refusal.retry_after_secs(),
                    "rate limited: {}",
                    refusal.detail()
                );
                let res = req.into_response(refusal.response()).map_into_right_body();
                return Box::pin(ready(Ok(res)));
            }
        };
        let limiters = Arc::clone(&self.limiters);
        let fut = self.service.call(req);
        Box::pin(async move {
            let res = fut.await;
            let status = match &res {
                Ok(res) => res.status(),
                Err(e) => e.as_response_error().status_code(),
            };
            if status == StatusCode::UNAUTHORIZED {
                limiters.failed(ip, charged);
            }
            res.map(ServiceResponse::map_into_left_body)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::num::NonZeroU32;

    fn limits(ip: u32, key: u32, failed: u32) -> RateLimits {
        RateLimits {
            per_ip: NonZeroU32::new(ip).unwrap(),
            per_key: NonZeroU32::new(key).unwrap(),
            failed_auth: NonZeroU32::new(failed).unwrap(),
            ..RateLimits::default()
        }
    }

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn retry_after_rounds_up_to_whole_seconds_and_is_at_least_one() {
        assert_eq!(Refusal::Ip(Duration::ZERO).retry_after_secs(), 1);
        assert_eq!(Refusal::Ip(Duration::from_millis(1)).retry_after_secs(), 1);
        assert_eq!(Refusal::Ip(Duration::from_millis(1001)).retry_after_secs(), 2);
        assert_eq!(Refusal::Key(Duration::from_secs(30)).retry_after_secs(), 30);
    }

    #[test]
    fn per_ip_budget_is_per_ip() {
        let l = Limiters::new(limits(2, 100, 100));
        assert!(l.admit(A, None).is_ok());
        assert!(l.admit(A, None).is_ok());
        let refused = l.admit(A, None).unwrap_err();
        assert!(matches!(refused, Refusal::Ip(_)));
        // 2 per minute: the next unit comes within 30 s.
        assert!((1..=30).contains(&refused.retry_after_secs()), "{refused:?}");
        assert!(l.admit(B, None).is_ok());
    }

    #[test]
    fn per_key_budget_is_per_key() {
        let l = Limiters::new(limits(100, 1, 100));
        assert!(l.admit(A, Some([1; 16])).is_ok());
        assert!(matches!(l.admit(B, Some([1; 16])), Err(Refusal::Key(_))));
        assert!(l.admit(A, Some([2; 16])).is_ok());
        assert!(l.admit(A, None).is_ok());
    }

    #[test]
    fn a_spent_failed_auth_budget_refuses_the_ip_before_the_handler() {
        let l = Limiters::new(limits(100, 100, 2));
        for _ in 0..2 {
            let charged = l.admit(A, None).unwrap();
            assert_eq!(charged, Charged(false));
            l.failed(A, charged);
        }
        assert!(matches!(l.admit(A, Some([3; 16])), Err(Refusal::FailedAuth(_))));
        assert!(l.admit(B, None).is_ok(), "another address is unaffected");
    }

    #[test]
    fn sweeping_forgets_refilled_state() {
        let l = Limiters::new(limits(100, 100, 100));
        l.admit(A, Some([1; 16])).unwrap();
        assert!(l.tracked() > 0);
        // Nothing has refilled yet: the state is kept.
        l.sweep();
        assert!(l.tracked() > 0);
    }

    #[test]
    fn ipv6_peers_are_grouped_by_their_64() {
        let none = TrustedProxies::default();
        let req = actix_web::test::TestRequest::default()
            .peer_addr("[2001:db8:1:2:3:4:5:6]:443".parse().unwrap())
            .to_srv_request();
        assert_eq!(client_ip(&req, &none), "2001:db8:1:2::".parse::<IpAddr>().unwrap());
        let req = actix_web::test::TestRequest::default()
            .peer_addr("[::ffff:192.0.2.1]:443".parse().unwrap())
            .to_srv_request();
        assert_eq!(client_ip(&req, &none), A);
    }

    fn forwarded(peer: &str, name: &str, value: &str, proxies: &str) -> IpAddr {
        let req = actix_web::test::TestRequest::default()
            .peer_addr(format!("{peer}:443").parse().unwrap())
            .insert_header((name, value))
            .to_srv_request();
        client_address(req.peer_addr().map(|a| a.ip()), req.headers(), &TrustedProxies::parse(proxies).unwrap())
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_hop_and_only_behind_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // An untrusted peer's headers are ignored.
        assert_eq!(forwarded("192.0.2.9", "x-forwarded-for", "198.51.100.1", ""), ip("192.0.2.9"));
        assert_eq!(forwarded("192.0.2.9", "x-forwarded-for", "198.51.100.1", "10.0.0.0/8"), ip("192.0.2.9"));
        // Behind a trusted proxy: the rightmost hop that is not trusted; what
        // the client wrote to its left is ignored.
        assert_eq!(forwarded("10.0.0.2", "x-forwarded-for", "6.6.6.6, 198.51.100.1", "10.0.0.0/8"), ip("198.51.100.1"));
        assert_eq!(forwarded("10.0.0.2", "x-forwarded-for", "6.6.6.6, 198.51.100.1, 10.0.0.7", "10.0.0.0/8"), ip("198.51.100.1"));
        // Every hop trusted: the leftmost.
        assert_eq!(forwarded("10.0.0.2", "x-forwarded-for", "10.0.0.5, 10.0.0.7", "10.0.0.0/8"), ip("10.0.0.5"));
        // A hop that is no address stops the walk at the proxy that wrote it.
        assert_eq!(forwarded("10.0.0.2", "x-forwarded-for", "198.51.100.1, unknown", "10.0.0.0/8"), ip("10.0.0.2"));
        // RFC 7239, ports and brackets included.
        assert_eq!(
            forwarded("10.0.0.2", "forwarded", r#"for=6.6.6.6, for="[2001:db8::1]:4711";proto=https, for=10.0.0.3"#, "10.0.0.0/8"),
            ip("2001:db8::1")
        );
        assert_eq!(forwarded("10.0.0.2", "forwarded", "for=198.51.100.1:80;by=10.0.0.2", "10.0.0.0/8"), ip("198.51.100.1"));
    }

    #[test]
    fn a_key_is_counted_under_a_hash_prefix_never_itself() {
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "bearer  bk_secret "))
            .to_srv_request();
        let id = key_id(&req).unwrap();
        let digest = Sha256::digest(b"bk_secret");
        assert_eq!(&id[..], &digest[..16]);
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "Basic abc"))
            .to_srv_request();
        assert_eq!(key_id(&req), None);
    }
}
