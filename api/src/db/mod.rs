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

use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::AsyncPgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use thiserror::Error;

pub type DbPool = Pool<AsyncPgConnection>;
pub type PooledConnection = diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>;

/// Migrates the database at `database_url`, then opens a pool on it.
pub async fn connect(database_url: &str) -> Result<DbPool, DbError> {
    migrate(database_url).await?;
    pool(database_url)
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

pub fn pool(database_url: &str) -> Result<DbPool, DbError> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(database_url);
    Pool::builder(manager)
        .max_size(16)
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
