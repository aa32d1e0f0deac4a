//! Every setting, read from the environment in one place.

use base64::Engine;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use thiserror::Error;

#[derive(Debug, Error)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

fn bad(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        problem: problem.into(),
    }
}

/// The 32-byte master key that wraps every record's data key.
#[derive(Clone)]
pub struct MasterKey(pub [u8; 32]);

/// Wiped when dropped: a key outlives its use in no freed memory.
impl Drop for MasterKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl zeroize::ZeroizeOnDrop for MasterKey {}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

/// The 32-byte key of the audit trail's HMAC chain (`BEACON_AUDIT_KEY`). It is
/// never stored in the database, so whoever can write the database still cannot
/// forge a link of the chain.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey(pub [u8; 32]);

impl Drop for AuditKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl zeroize::ZeroizeOnDrop for AuditKey {}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey([redacted])")
    }
}

/// The connection pool and the limits every connection runs under, so one slow
/// request cannot hold the database (or the pool) for everyone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbConfig {
    /// Connections in the pool. `BEACON_DB_POOL_SIZE`, default 16.
    pub pool_size: usize,
    /// How long a request waits for a free connection before it is answered
    /// 503 with `Retry-After`. `BEACON_DB_POOL_WAIT_MS`, default 5,000.
    pub pool_wait_ms: u64,
    /// `statement_timeout` of every connection. `BEACON_DB_STATEMENT_TIMEOUT_MS`, default 30,000.
    pub statement_timeout_ms: u64,
    /// `lock_timeout` of every connection (the audit trail's writers' lock
    /// included). `BEACON_DB_LOCK_TIMEOUT_MS`, default 5,000.
    pub lock_timeout_ms: u64,
}

impl Default for DbConfig {
    fn default() -> Self {
        DbConfig { pool_size: 16, pool_wait_ms: 5_000, statement_timeout_ms: 30_000, lock_timeout_ms: 5_000 }
    }
}

impl DbConfig {
    /// The largest value accepted for any of the settings (a pool of 1,000, or 1,000 seconds).
    const MAX: u64 = 1_000_000;

    pub fn from_env() -> Result<DbConfig, ConfigError> {
        let d = DbConfig::default();
        let pool_size = whole("BEACON_DB_POOL_SIZE", d.pool_size as u64, 1_000)?;
        Ok(DbConfig {
            pool_size: usize::try_from(pool_size).unwrap_or(d.pool_size),
            pool_wait_ms: whole("BEACON_DB_POOL_WAIT_MS", d.pool_wait_ms, Self::MAX)?,
            statement_timeout_ms: whole("BEACON_DB_STATEMENT_TIMEOUT_MS", d.statement_timeout_ms, Self::MAX)?,
            lock_timeout_ms: whole("BEACON_DB_LOCK_TIMEOUT_MS", d.lock_timeout_ms, Self::MAX)?,
        })
    }
}

/// A whole number from 1 to `max` from `var`, or `default` when it is unset.
fn whole(var: &'static str, default: u64, max: u64) -> Result<u64, ConfigError> {
    match std::env::var(var) {
        Err(std::env::VarError::NotPresent) => Ok(default),
        Err(std::env::VarError::NotUnicode(_)) => Err(bad(var, "is not valid UTF-8")),
        Ok(text) => parse_whole(&text, max).ok_or_else(|| bad(var, format!("must be a whole number from 1 to {max}"))),
    }
}

fn parse_whole(text: &str, max: u64) -> Option<u64> {
    text.trim().parse::<u64>().ok().filter(|n| (1..=max).contains(n))
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    /// The schema owner's URL (`BEACON_MIGRATION_DATABASE_URL`): when set,
    /// `serve` migrates through it at start; `DATABASE_URL` is the runtime role's.
    pub migration_database_url: Option<String>,
    pub audit_key: AuditKey,
    pub db: DbConfig,
    pub addr: SocketAddr,
    pub data_key: MasterKey,
    pub previous_data_keys: Vec<MasterKey>,
    pub index_key: MasterKey,
    pub log: String,
    pub limits: RateLimits,
    pub stats: StatsConfig,
}

/// Request budgets enforced at the edge (`crate::edge::rate_limit`), each in
/// requests per minute. A budget is a burst of that many requests, refilled
/// evenly over the minute. Also who a request is counted for (the proxies
/// whose forwarding headers are believed) and the intake route's own budgets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// Every request, per client IP (IPv6: per /64). `BEACON_RATE_PER_IP`.
    pub per_ip: NonZeroU32,
    /// Requests carrying a bearer key, per key. `BEACON_RATE_PER_KEY`.
    pub per_key: NonZeroU32,
    /// Requests answered 401, per client IP; once spent, that IP gets 429
    /// before reaching any handler. `BEACON_RATE_FAILED_AUTH`.
    pub failed_auth: NonZeroU32,
    /// The proxies whose `Forwarded` / `X-Forwarded-For` name the client.
    /// `BEACON_TRUSTED_PROXIES`.
    pub trusted_proxies: TrustedProxies,
    /// `POST /v1/intake`'s own budgets (`crate::edge::intake_budget`).
    pub intake: IntakeLimits,
}

impl RateLimits {
    pub const DEFAULT_PER_IP: NonZeroU32 = nonzero(600);
    pub const DEFAULT_PER_KEY: NonZeroU32 = nonzero(1200);
    pub const DEFAULT_FAILED_AUTH: NonZeroU32 = nonzero(20);
    /// The largest budget accepted from the environment.
    pub const MAX: u32 = 1_000_000;

    pub fn from_env() -> Result<RateLimits, ConfigError> {
        Ok(RateLimits {
            per_ip: per_minute("BEACON_RATE_PER_IP", Self::DEFAULT_PER_IP)?,
            per_key: per_minute("BEACON_RATE_PER_KEY", Self::DEFAULT_PER_KEY)?,
            failed_auth: per_minute("BEACON_RATE_FAILED_AUTH", Self::DEFAULT_FAILED_AUTH)?,
            trusted_proxies: TrustedProxies::from_env()?,
            intake: IntakeLimits::from_env()?,
        })
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            per_ip: Self::DEFAULT_PER_IP,
            per_key: Self::DEFAULT_PER_KEY,
            failed_auth: Self::DEFAULT_FAILED_AUTH,
            trusted_proxies: TrustedProxies::default(),
            intake: IntakeLimits::default(),
        }
    }
}

/// `BEACON_TRUSTED_PROXIES`: comma-separated CIDRs (or single addresses) of
/// the load balancers and proxies in front of Beacon. Only a request whose TCP
/// peer is one of them has its `Forwarded` (or, without it, `X-Forwarded-For`)
/// believed, and then the client is the rightmost hop that is not a trusted
/// proxy: the hops to its left were written by the client and prove nothing.
/// Empty (the default): the TCP peer is the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<ipnet::IpNet>);

impl TrustedProxies {
    pub const VAR: &'static str = "BEACON_TRUSTED_PROXIES";

    pub fn from_env() -> Result<TrustedProxies, ConfigError> {
        match std::env::var(Self::VAR) {
            Err(std::env::VarError::NotPresent) => Ok(TrustedProxies::default()),
            Err(std::env::VarError::NotUnicode(_)) => Err(bad(Self::VAR, "is not valid UTF-8")),
            Ok(text) => Self::parse(&text).map_err(|problem| bad(Self::VAR, problem)),
        }
    }

    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let net = match item.parse::<ipnet::IpNet>() {
                Ok(net) => net,
                Err(_) => item
                    .parse::<std::net::IpAddr>()
                    .map(ipnet::IpNet::from)
                    .map_err(|_| format!("{item:?} is not a CIDR (e.g. 10.0.0.0/8, fd00::/8) nor an IP address"))?,
            };
            nets.push(net.trunc());
        }
        Ok(TrustedProxies(nets))
    }

    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        let ip = match ip {
            std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, std::net::IpAddr::V4),
            v4 => v4,
        };
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// The intake route's own budgets, in **accepted submissions per hour** (a
/// submission refused for any reason spends none): per client IP, per
/// `Origin`, per partner key. They replace the general per-key budget on that
/// route, so nobody can spend a partner's budget with failing requests.
/// `BEACON_INTAKE_PER_IP`, `BEACON_INTAKE_PER_ORIGIN`, `BEACON_INTAKE_PER_KEY`.
///
/// `BEACON_INTAKE_ORIGIN_TOLERANT=true` accepts a submission without an
/// `Origin`, or from an origin not bound to the key (for a partner whose form
/// cannot send one), instead of answering 403; such a submission is marked
/// for the coordinator's triage. Default `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntakeLimits {
    pub per_ip: NonZeroU32,
    pub per_origin: NonZeroU32,
    pub per_key: NonZeroU32,
    pub origin_tolerant: bool,
}

impl IntakeLimits {
    pub const DEFAULT_PER_IP: NonZeroU32 = nonzero(30);
    pub const DEFAULT_PER_ORIGIN: NonZeroU32 = nonzero(300);
    pub const DEFAULT_PER_KEY: NonZeroU32 = nonzero(600);
    pub const TOLERANT_VAR: &'static str = "BEACON_INTAKE_ORIGIN_TOLERANT";

    pub fn from_env() -> Result<IntakeLimits, ConfigError> {
        let origin_tolerant = match std::env::var(Self::TOLERANT_VAR) {
            Err(std::env::VarError::NotPresent) => false,
            Ok(v) if v.trim() == "true" => true,
            Ok(v) if v.trim() == "false" || v.trim().is_empty() => false,
            _ => return Err(bad(Self::TOLERANT_VAR, "must be `true` or `false`")),
        };
        Ok(IntakeLimits {
            per_ip: per_hour("BEACON_INTAKE_PER_IP", Self::DEFAULT_PER_IP)?,
            per_origin: per_hour("BEACON_INTAKE_PER_ORIGIN", Self::DEFAULT_PER_ORIGIN)?,
            per_key: per_hour("BEACON_INTAKE_PER_KEY", Self::DEFAULT_PER_KEY)?,
            origin_tolerant,
        })
    }
}

impl Default for IntakeLimits {
    fn default() -> Self {
        IntakeLimits {
            per_ip: Self::DEFAULT_PER_IP,
            per_origin: Self::DEFAULT_PER_ORIGIN,
            per_key: Self::DEFAULT_PER_KEY,
            origin_tolerant: false,
        }
    }
}

/// A per-hour budget from `var`, or `default` when it is unset.
fn per_hour(var: &'static str, default: NonZeroU32) -> Result<NonZeroU32, ConfigError> {
    match std::env::var(var) {
        Err(std::env::VarError::NotPresent) => Ok(default),
        Err(std::env::VarError::NotUnicode(_)) => Err(bad(var, "is not valid UTF-8")),
        Ok(text) => parse_per_minute(&text).ok_or_else(|| {
            bad(var, format!("must be a whole number of submissions per hour, 1 to {}", RateLimits::MAX))
        }),
    }
}

const fn nonzero(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    }
}

/// A requests-per-minute budget from `var`, or `default` when it is unset.
fn per_minute(var: &'static str, default: NonZeroU32) -> Result<NonZeroU32, ConfigError> {
    match std::env::var(var) {
        Err(std::env::VarError::NotPresent) => Ok(default),
        Err(std::env::VarError::NotUnicode(_)) => Err(bad(var, "is not valid UTF-8")),
        Ok(text) => parse_per_minute(&text).ok_or_else(|| {
            bad(
                var,
                format!("must be a whole number of requests per minute, 1 to {}", RateLimits::MAX),
            )
        }),
    }
}

fn parse_per_minute(text: &str) -> Option<NonZeroU32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= RateLimits::MAX)
        .and_then(NonZeroU32::new)
}

/// Disclosure control of the statistics endpoints. `BEACON_STATS_K`: counts
/// from 1 to k − 1 are withheld; default 11, and a smaller k is refused at
/// startup (`beacon_core::stats::Policy::public` holds the floor). Never a
/// request parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsConfig {
    pub k: u64,
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig { k: beacon_core::stats::MIN_PUBLIC_K }
    }
}

impl StatsConfig {
    pub fn from_env() -> Result<StatsConfig, ConfigError> {
        const VAR: &str = "BEACON_STATS_K";
        match std::env::var(VAR) {
            Err(std::env::VarError::NotPresent) => Ok(StatsConfig::default()),
            Err(std::env::VarError::NotUnicode(_)) => Err(bad(VAR, "is not valid UTF-8")),
            Ok(text) => Self::parse(&text).map_err(|problem| bad(VAR, problem)),
        }
    }

    fn parse(text: &str) -> Result<StatsConfig, String> {
        let k: u64 = text.trim().parse().map_err(|_| "must be a whole number, 11 or more".to_string())?;
        beacon_core::stats::Policy::public(k).map_err(|e| e.to_string())?;
        Ok(StatsConfig { k })
    }
}

/// Sec. 10's minors queue. `BEACON_DCF_RESPONSE_DAYS`: the calendar days DCF has to record its
/// response to a minor before the minor is listed as overdue; default
/// [`beacon_core::intake::dcf::DEFAULT_RESPONSE_DAYS`] (5), at most 365.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DcfConfig {
    pub response_days: u32,
}

impl Default for DcfConfig {
    fn default() -> Self {
        DcfConfig { response_days: beacon_core::intake::dcf::DEFAULT_RESPONSE_DAYS }
    }
}

impl DcfConfig {
    pub const VAR: &'static str = "BEACON_DCF_RESPONSE_DAYS";

    pub fn from_env() -> Result<DcfConfig, ConfigError> {
        match std::env::var(Self::VAR) {
            Err(std::env::VarError::NotPresent) => Ok(DcfConfig::default()),
            Err(std::env::VarError::NotUnicode(_)) => Err(bad(Self::VAR, "is not valid UTF-8")),
            Ok(text) => Self::parse(&text).ok_or_else(|| bad(Self::VAR, "must be a whole number of calendar days, 0 to 365")),
        }
    }

    fn parse(text: &str) -> Option<DcfConfig> {
        text.trim().parse::<u32>().ok().filter(|d| *d <= 365).map(|response_days| DcfConfig { response_days })
    }
}

/// Where clients reach this server, for the absolute URLs it gives out (the HSDS root's
/// `openapi_url`). `BEACON_PUBLIC_URL`: an absolute `http(s)` URL such as
/// `https://beacon.ct.gov`; unset, each answer uses the scheme and host the request came with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PublicUrl(pub Option<String>);

impl PublicUrl {
    pub const VAR: &'static str = "BEACON_PUBLIC_URL";

    pub fn from_env() -> Result<PublicUrl, ConfigError> {
        match std::env::var(Self::VAR) {
            Err(std::env::VarError::NotPresent) => Ok(PublicUrl(None)),
            Ok(text) if text.trim().is_empty() => Ok(PublicUrl(None)),
            Err(std::env::VarError::NotUnicode(_)) => Err(bad(Self::VAR, "is not valid UTF-8")),
            Ok(text) => Self::parse(&text).ok_or_else(|| bad(Self::VAR, "must be an absolute http(s) URL, e.g. https://beacon.ct.gov")),
        }
    }

    /// The URL without a trailing `/`, so paths append to it.
    pub fn parse(text: &str) -> Option<PublicUrl> {
        let url = text.trim().trim_end_matches('/');
        let bare = !url.contains(['?', '#']);
        (bare && beacon_core::reference::formats::is_url(url)).then(|| PublicUrl(Some(url.to_string())))
    }
}

/// The browser that prints reports to PDF (`crate::pdf`). `BEACON_CHROMIUM`
/// names it (a path, or a command on `PATH`); unset, the first of
/// [`PdfConfig::CANDIDATES`] on `PATH` is used (so too when it is empty). No browser is not an error
/// here: the server runs, and a PDF request says what to install.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PdfConfig {
    pub browser: Option<std::path::PathBuf>,
}

impl PdfConfig {
    pub const VAR: &'static str = "BEACON_CHROMIUM";
    pub const CANDIDATES: [&'static str; 3] = ["chromium", "chromium-browser", "google-chrome"];

    /// A `BEACON_CHROMIUM` that names nothing runnable is a configuration
    /// error, so a typo is found at startup rather than at the first report.
    pub fn from_env() -> Result<PdfConfig, ConfigError> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let search = || PdfConfig { browser: Self::CANDIDATES.iter().find_map(|c| find_executable(c, &path)) };
        match std::env::var(Self::VAR) {
            Err(std::env::VarError::NotPresent) => Ok(search()),
            // Empty is unset, so a caller can clear an inherited value.
            Ok(name) if name.trim().is_empty() => Ok(search()),
            Err(std::env::VarError::NotUnicode(_)) => Err(bad(Self::VAR, "is not valid UTF-8")),
            Ok(name) => find_executable(name.trim(), &path)
                .map(|b| PdfConfig { browser: Some(b) })
                .ok_or_else(|| bad(Self::VAR, format!("{name:?} is not an executable file nor a command on PATH"))),
        }
    }
}

/// `name` as an executable file: itself when it holds a `/`, otherwise the
/// first match in the directories of `path` (a `PATH` value).
fn find_executable(name: &str, path: &std::ffi::OsStr) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let runnable = |p: &std::path::Path| p.metadata().map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false);
    if name.is_empty() {
        return None;
    }
    if name.contains('/') {
        let p = std::path::PathBuf::from(name);
        return runnable(&p).then_some(p);
    }
    std::env::split_paths(path).map(|dir| dir.join(name)).find(|p| runnable(p))
}

pub fn database_url() -> Result<String, ConfigError> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Ok(url),
        Ok(_) => Err(bad("DATABASE_URL", "must be a postgres:// URL")),
        Err(_) => Err(bad("DATABASE_URL", "is not set (e.g. postgres://user@localhost/beacon)")),
    }
}

/// The schema owner's URL, `BEACON_MIGRATION_DATABASE_URL`, when set (and not empty).
pub fn migration_database_url() -> Result<Option<String>, ConfigError> {
    const VAR: &str = "BEACON_MIGRATION_DATABASE_URL";
    match std::env::var(VAR) {
        Ok(url) if url.trim().is_empty() => Ok(None),
        Ok(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Ok(Some(url)),
        Ok(_) => Err(bad(VAR, "must be a postgres:// URL")),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(bad(VAR, "is not valid UTF-8")),
    }
}

/// Where `beacon migrate` (and a restore) connects: the owner's URL, else
/// `DATABASE_URL` (a deployment with one role for both).
pub fn owner_database_url() -> Result<String, ConfigError> {
    match migration_database_url()? {
        Some(url) => Ok(url),
        None => database_url(),
    }
}

/// The audit trail's HMAC key.
pub fn audit_key() -> Result<AuditKey, ConfigError> {
    required_key("BEACON_AUDIT_KEY").map(AuditKey)
}

fn key32(var: &'static str, text: &str) -> Result<[u8; 32], ConfigError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| bad(var, "is not valid base64"))?;
    bytes
        .try_into()
        .map_err(|_| bad(var, "must decode to exactly 32 bytes"))
}

fn required_key(var: &'static str) -> Result<[u8; 32], ConfigError> {
    let text = std::env::var(var)
        .map_err(|_| bad(var, "is not set (base64 of 32 random bytes: `openssl rand -base64 32`)"))?;
    key32(var, &text)
}

/// The master key wrapping every record's data key.
pub fn data_key() -> Result<MasterKey, ConfigError> {
    required_key("BEACON_DATA_KEY").map(MasterKey)
}

/// Earlier master keys (comma-separated), readable until `beacon keys rotate-data-key` re-wraps.
pub fn previous_data_keys() -> Result<Vec<MasterKey>, ConfigError> {
    let Ok(text) = std::env::var("BEACON_DATA_KEY_PREVIOUS") else {
        return Ok(Vec::new());
    };
    text.split(',')
        .filter(|k| !k.trim().is_empty())
        .map(|k| key32("BEACON_DATA_KEY_PREVIOUS", k).map(MasterKey))
        .collect()
}

/// The key of the victims' blind index: separate from the master key, so the
/// master can rotate without changing any index value.
pub fn index_key() -> Result<MasterKey, ConfigError> {
    required_key("BEACON_INDEX_KEY").map(MasterKey)
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let addr = std::env::var("BEACON_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
        let addr = addr
            .parse()
            .map_err(|_| bad("BEACON_ADDR", "must be HOST:PORT, e.g. 127.0.0.1:8080"))?;
        Ok(Config {
            database_url: database_url()?,
            migration_database_url: migration_database_url()?,
            audit_key: audit_key()?,
            db: DbConfig::from_env()?,
            addr,
            data_key: data_key()?,
            previous_data_keys: previous_data_keys()?,
            index_key: index_key()?,
            log: std::env::var("BEACON_LOG").unwrap_or_else(|_| "info".into()),
            limits: RateLimits::from_env()?,
            stats: StatsConfig::from_env()?,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_public_url_is_an_absolute_http_url_without_its_trailing_slash() {
        assert_eq!(PublicUrl::parse("https://beacon.ct.gov/"), Some(PublicUrl(Some("https://beacon.ct.gov".into()))));
        assert_eq!(PublicUrl::parse(" http://localhost:8080/beacon "), Some(PublicUrl(Some("http://localhost:8080/beacon".into()))));
        for bad in ["beacon.ct.gov", "/api", "ftp://beacon.ct.gov", "https://", "https://beacon.ct.gov/?a=1"] {
            assert_eq!(PublicUrl::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_dcf_response_days_are_whole_calendar_days_up_to_a_year() {
        assert_eq!(DcfConfig::default().response_days, 5);
        assert_eq!(DcfConfig::parse(" 7 "), Some(DcfConfig { response_days: 7 }));
        assert_eq!(DcfConfig::parse("0"), Some(DcfConfig { response_days: 0 }));
        for bad in ["", "-1", "5.5", "366", "five"] {
            assert_eq!(DcfConfig::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn database_settings_are_positive_and_bounded() {
        assert_eq!(parse_whole(" 4 ", 1_000), Some(4));
        for bad in ["", "0", "-1", "1.5", "1001", "many"] {
            assert_eq!(parse_whole(bad, 1_000), None, "{bad:?}");
        }
        let d = DbConfig::default();
        assert!(d.lock_timeout_ms < d.statement_timeout_ms && d.pool_wait_ms <= d.lock_timeout_ms);
    }

    #[test]
    fn rate_limit_defaults() {
        let limits = RateLimits::default();
        assert_eq!(limits.per_ip.get(), 600);
        assert_eq!(limits.per_key.get(), 1200);
        assert_eq!(limits.failed_auth.get(), 20);
    }

    #[test]
    fn trusted_proxies_are_cidrs_or_addresses() {
        let p = TrustedProxies::parse(" 10.0.0.0/8, 192.0.2.7 ,fd00::/8,").unwrap();
        assert_eq!(p.0.len(), 3);
        assert!(p.contains("10.1.2.3".parse().unwrap()));
        assert!(p.contains("::ffff:10.1.2.3".parse().unwrap()), "IPv4-mapped IPv6 is its IPv4");
        assert!(p.contains("192.0.2.7".parse().unwrap()));
        assert!(!p.contains("192.0.2.8".parse().unwrap()));
        assert!(p.contains("fd12::1".parse().unwrap()));
        assert_eq!(TrustedProxies::parse("").unwrap(), TrustedProxies::default());
        for bad in ["10.0.0.0/33", "proxy.example", "10.0.0"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_budget_is_a_positive_whole_number() {
        assert_eq!(parse_per_minute(" 42 "), NonZeroU32::new(42));
        assert_eq!(parse_per_minute("1000000"), NonZeroU32::new(1_000_000));
        for bad in ["", "0", "-1", "1.5", "ten", "1000001", "99999999999"] {
            assert_eq!(parse_per_minute(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn stats_k_defaults_to_11_and_is_never_below_it() {
        assert_eq!(StatsConfig::default().k, 11);
        assert_eq!(StatsConfig::parse(" 20 "), Ok(StatsConfig { k: 20 }));
        for bad in ["", "10", "0", "-11", "eleven"] {
            assert!(StatsConfig::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_browser_is_found_on_path_by_name_or_by_path() {
        let dir = std::env::temp_dir().join(format!("beacon-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let exe = dir.join("chromium");
        std::fs::write(&exe, "#!/bin/sh\n").unwrap();
        let plain = dir.join("not-executable");
        std::fs::write(&plain, "").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::join_paths(["/nonexistent".into(), dir.clone()]).unwrap();
        assert_eq!(find_executable("chromium", &path), Some(exe.clone()));
        assert_eq!(find_executable(exe.to_str().unwrap(), &path), Some(exe.clone()));
        assert_eq!(find_executable("google-chrome", &path), None);
        assert_eq!(find_executable(plain.to_str().unwrap(), &path), None);
        assert_eq!(find_executable("", &path), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bad_budget_names_its_variable() {
        // A variable no other test reads, so setting it cannot race with them.
        let var = "BEACON_RATE_CONFIG_UNIT_TEST";
        std::env::set_var(var, "lots");
        let err = per_minute(var, NonZeroU32::MIN).unwrap_err();
        std::env::remove_var(var);
        assert_eq!(err.var, var);
        assert!(err.to_string().starts_with("BEACON_RATE_CONFIG_UNIT_TEST: "), "{err}");
        assert_eq!(per_minute(var, NonZeroU32::MIN).unwrap(), NonZeroU32::MIN);
    }
}
