//! Connection pool, embedded migrations, and queries per aggregate.

pub mod audit;
pub mod dcf;
pub mod directory;
pub mod incidents;
pub mod intake;
pub mod keys;
pub mod report_sections;
pub mod reports;
pub mod schema;
pub mod screenings;
pub mod stats;
pub mod training;
pub mod victims;

use crate::config::DbConfig;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_async::AsyncPgConnection;
use futures_util::FutureExt;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use thiserror::Error;

pub type DbPool = Pool<AsyncPgConnection>;
pub type PooledConnection = diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>;

/// Migrates the database at `database_url`, then opens a pool on it (one role
/// for both: benchmarks and single-role deployments).
pub async fn connect(database_url: &str) -> Result<DbPool, DbError> {
    migrate(database_url).await?;
    pool(database_url, &DbConfig::default())
}

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

#[derive(Debug, Error)]
pub enum DbError {
    #[error("cannot build the connection pool: {0}")]
    Pool(String),
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("migration failed: {0}")]
    Migration(String),
}

/// A pool whose connections each run under `statement_timeout` and
/// `lock_timeout`, and whose callers wait at most `pool_wait_ms` for one (then
/// [`crate::error::ApiError::Busy`]: 503 with `Retry-After`), so one
/// slow or stuck request cannot make every other request wait forever.
pub fn pool(database_url: &str, config: &DbConfig) -> Result<DbPool, DbError> {
    let mut manager_config = ManagerConfig::<AsyncPgConnection>::default();
    let settings = format!(
        "SET statement_timeout = {}; SET lock_timeout = {}",
        config.statement_timeout_ms, config.lock_timeout_ms
    );
    manager_config.custom_setup = Box::new(move |url| {
        let settings = settings.clone();
        async move {
            use diesel_async::{AsyncConnection, SimpleAsyncConnection};
            let mut conn = AsyncPgConnection::establish(url).await?;
            conn.batch_execute(&settings)
                .await
                .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
            Ok(conn)
        }
        .boxed()
    });
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(database_url, manager_config);
    let wait = std::time::Duration::from_millis(config.pool_wait_ms);
    Pool::builder(manager)
        .max_size(config.pool_size)
        .wait_timeout(Some(wait))
        // Establishing a connection counts against the same wait.
        .create_timeout(Some(wait))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| DbError::Pool(e.to_string()))
}

/// Applies pending migrations. Several instances may start at once: diesel
/// runs each migration in a transaction, and the advisory lock taken first
/// keeps two of them from racing on the same version.
pub async fn migrate(database_url: &str) -> Result<(), DbError> {
    let url = database_url.to_string();
    tokio::task::spawn_blocking(move || {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)
            .map_err(|e| DbError::Connect(e.to_string()))?;
        conn.batch_execute("SELECT pg_advisory_lock(7273721)")
            .map_err(|e| DbError::Migration(e.to_string()))?;
        let result = conn
            .run_pending_migrations(MIGRATIONS)
            .map(|_| ())
            .map_err(|e| DbError::Migration(e.to_string()));
        let _ = conn.batch_execute("SELECT pg_advisory_unlock(7273721)");
        result
    })
    .await
    .map_err(|e| DbError::Migration(e.to_string()))?
}
