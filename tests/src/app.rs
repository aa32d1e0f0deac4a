//! The real app on a random port, over a database of its own.

use crate::pg::TestDb;
use anyhow::Result;
use base64::Engine;
use beacon_api::clock::{Clock, ClockHandle};
use beacon_api::config::{AuditKey, DbConfig, MasterKey, RateLimits};
use beacon_api::security::crypto::Envelope;
use beacon_api::security::{keys, Role};
use beacon_api::startup::{Application, Settings};
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDb,
    pub data_key: [u8; 32],
    pub index_key: [u8; 32],
    clock: ClockHandle,
}

/// The audit trail's key, one per test process: the key is process-wide in the
/// server (`security::audit::install_key`), so every app of the process shares it.
pub fn audit_key() -> [u8; 32] {
    static KEY: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    *KEY.get_or_init(rand::random)
}

/// [`audit_key`] as `BEACON_AUDIT_KEY` takes it.
pub fn audit_key_base64() -> String {
    base64::engine::general_purpose::STANDARD.encode(audit_key())
}

pub fn fixed_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default()
}

impl TestApp {
    /// The app with the default budgets, except intake's per client, origin and key: every
    /// test client is 127.0.0.1, and the intake tests file dozens of submissions (intake's
    /// budgets are tested in `intake_guard` with their own).
    pub async fn spawn() -> Result<TestApp> {
        let lifted = std::num::NonZeroU32::new(RateLimits::MAX).unwrap_or(std::num::NonZeroU32::MIN);
        let intake = beacon_api::config::IntakeLimits { per_ip: lifted, per_origin: lifted, per_key: lifted, origin_tolerant: false };
        Self::spawn_with_limits(RateLimits { intake, ..RateLimits::default() }).await
    }

    /// The app with its own request budgets (tiny ones, to test rate limiting).
    pub async fn spawn_with_limits(limits: RateLimits) -> Result<TestApp> {
        Self::spawn_with(limits, DbConfig::default()).await
    }

    /// The app with its own pool and timeouts (a tiny pool, to test a busy server).
    pub async fn spawn_with(limits: RateLimits, db_config: DbConfig) -> Result<TestApp> {
        let db = TestDb::new().await?;
        let data_key: [u8; 32] = rand::random();
        let index_key: [u8; 32] = rand::random();
        let (clock, handle) = Clock::fixed(fixed_today());
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let app = Application::build(
            Settings {
                database_url: db.url.clone(),
                // Cloned from the migrated template: nothing to migrate.
                migration_database_url: None,
                audit_key: AuditKey(audit_key()),
                db: db_config,
                envelope: Envelope::new(MasterKey(data_key), MasterKey(index_key)),
                clock,
                limits,
                stats: beacon_api::config::StatsConfig::default(),
            },
            listener,
        )
        .await?;
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        Ok(TestApp {
            address,
            client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?,
            db,
            data_key,
            index_key,
            clock: handle,
        })
    }

    pub fn data_key_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.data_key)
    }

    pub fn index_key_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.index_key)
    }

    /// Runs the real `beacon` binary against this app's database and keys.
    pub fn beacon(&self, args: &[&str], extra_env: &[(&str, String)]) -> Result<std::process::Output> {
        let mut cmd = std::process::Command::new(beacon_binary()?);
        cmd.args(args)
            .env("DATABASE_URL", &self.db.url)
            .env("BEACON_DATA_KEY", self.data_key_base64())
            .env("BEACON_INDEX_KEY", self.index_key_base64())
            .env("BEACON_AUDIT_KEY", audit_key_base64())
            .env_remove("BEACON_MIGRATION_DATABASE_URL")
            .env_remove("BEACON_DATA_KEY_PREVIOUS");
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        Ok(cmd.output()?)
    }

    /// Sets the server's "today" (noon in Connecticut; the production clock reads
    /// America/New_York).
    pub fn set_today(&self, day: NaiveDate) {
        self.clock.set_today(day);
    }

    /// The server's instant (the test clock).
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Sets the server's instant.
    pub fn set_now(&self, now: DateTime<Utc>) {
        self.clock.set_now(now);
    }

    /// A connection as the runtime role, the app's.
    pub async fn conn(&self) -> Result<AsyncPgConnection> {
        Ok(AsyncPgConnection::establish(&self.db.url).await?)
    }

    /// A connection as the schema owner (`beacon migrate`'s role), e.g. to tamper as an
    /// intruder holding the owner's credentials would.
    pub async fn owner_conn(&self) -> Result<AsyncPgConnection> {
        Ok(AsyncPgConnection::establish(&self.db.owner_url).await?)
    }

    /// Issues a key through the same code as `beacon keys create`.
    pub async fn key(&self, org: &str, role: Role) -> Result<String> {
        let mut conn = self.conn().await?;
        Ok(keys::issue(&mut conn, org, role, &[]).await?.secret)
    }

    /// A reporter key of account `org`, which reports for the agency `agency` (an agency code,
    /// such as `dcf`): a reporter files incidents only as its own agency.
    pub async fn reporter(&self, org: &str, agency: &str) -> Result<String> {
        let mut conn = self.conn().await?;
        let issued = keys::issue(&mut conn, org, Role::Reporter, &[]).await?;
        beacon_api::db::training::set_account_agency(&mut conn, issued.account_id, Some(agency)).await?;
        Ok(issued.secret)
    }

    /// A `provider` key of account `account`, answering the referrals made to the directory
    /// organization `organization` (as `beacon keys create --role provider --organization`).
    pub async fn provider(&self, account: &str, organization: uuid::Uuid) -> Result<String> {
        let mut conn = self.conn().await?;
        let issued = keys::issue(&mut conn, account, Role::Provider, &[]).await?;
        beacon_api::db::directory::set_account_organization(&mut conn, issued.account_id, Some(organization)).await?;
        Ok(issued.secret)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post_json(&self, path: &str, key: &str, body: String) -> Result<reqwest::Response> {
        Ok(self
            .client
            .post(self.url(path))
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?)
    }

    pub async fn get(&self, path: &str, key: &str) -> Result<reqwest::Response> {
        Ok(self.client.get(self.url(path)).bearer_auth(key).send().await?)
    }
}

/// The real `beacon` binary, built once per test process (`cargo test` does
/// not put a bin target of another package at `target/debug/beacon`; `cargo
/// xtask test` builds it first, so this is normally an up-to-date check).
pub fn beacon_binary() -> Result<std::path::PathBuf> {
    static BUILT: std::sync::OnceLock<std::result::Result<std::path::PathBuf, String>> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let out = std::process::Command::new(cargo)
                .args(["build", "-p", "beacon-api", "--bin", "beacon"])
                .current_dir(xtask::workspace_root())
                .output()
                .map_err(|e| format!("running cargo: {e}"))?;
            if !out.status.success() {
                return Err(format!("building beacon: {}", String::from_utf8_lossy(&out.stderr)));
            }
            let bin = xtask::target_dir().join("debug").join("beacon");
            if bin.exists() { Ok(bin) } else { Err(format!("{} was not built", bin.display())) }
        })
        .clone()
        .map_err(anyhow::Error::msg)
}
