//! A database per test: cloned from a migrated template in milliseconds, dropped afterwards.

use anyhow::{Context, Result};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::sync::OnceLock;
use tokio::sync::OnceCell;

/// The server's admin URL: `DATABASE_URL` when set (as `cargo xtask test` does),
/// else a cluster this harness starts under `.beacon/test-pg`.
pub fn admin_url() -> Result<String> {
    static URL: OnceLock<std::result::Result<String, String>> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("DATABASE_URL") {
        Ok(url) => Ok(url),
        Err(_) => {
            let dir = xtask::beacon_dir().join("test-pg");
            xtask::pg::LocalPostgres::start_for_tests(&dir)
                .map(|mut pg| {
                    // Left running for the other tests of this and later runs.
                    pg.keep_running();
                    pg.url("postgres")
                })
                .map_err(|e| format!("{e:#}"))
        }
    })
    .clone()
    .map_err(anyhow::Error::msg)
}

/// The schema owner, who runs the migrations (as `BEACON_MIGRATION_DATABASE_URL` does).
pub const OWNER: &str = "beacon_owner";
/// The runtime role the migrations grant to, which the app connects as (`DATABASE_URL`).
pub const RUNTIME: &str = "beacon_runtime";

/// Creates the owner and runtime roles unless they exist, as logins whose password is their
/// name (test servers only; a trust-authenticated cluster ignores it).
async fn ensure_roles(conn: &mut AsyncPgConnection) -> Result<()> {
    for role in [OWNER, RUNTIME] {
        diesel::sql_query(format!(
            "DO $$ BEGIN \
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role}; END IF; \
             END $$"
        ))
        .execute(conn)
        .await?;
        // LOGIN even when a migration run by a superuser created the runtime role NOLOGIN.
        diesel::sql_query(format!("ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD '{role}'"))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// `url` with `role` (password: its name) as the user.
pub fn as_role(url: &str, role: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    format!("{scheme}://{role}:{role}@{host}{tail}")
}

/// Replaces the database name in a postgres URL.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let server = match base.rsplit_once('/') {
        Some((server, _)) if server.contains("://") && server.len() > server.find("://").map_or(0, |i| i + 3) => server,
        _ => base,
    };
    match query {
        Some(q) => format!("{server}/{db}?{q}"),
        None => format!("{server}/{db}"),
    }
}

async fn admin() -> Result<AsyncPgConnection> {
    let url = admin_url()?;
    AsyncPgConnection::establish(&url).await.with_context(|| format!("connecting to {url}"))
}

/// Name of the template for the current migrations: a change to any migration
/// gives a new template, so a stale one is never cloned.
fn template_name() -> Result<String> {
    use std::hash::{Hash, Hasher};
    let dir = xtask::workspace_root().join("api").join("migrations");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for migration in entries {
        migration.file_name().hash(&mut hasher);
        for file in ["up.sql", "down.sql"] {
            std::fs::read(migration.join(file)).unwrap_or_default().hash(&mut hasher);
        }
    }
    Ok(format!("beacon_tmpl_{:016x}", hasher.finish()))
}

/// The migrated template, created once (under an advisory lock, since test
/// processes may run side by side) and reused by later runs.
async fn template() -> Result<&'static str> {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_try_init(|| async {
            let name = template_name()?;
            let mut conn = admin().await?;
            diesel::sql_query("SELECT pg_advisory_lock(7273722)").execute(&mut conn).await?;
            let result = async {
                ensure_roles(&mut conn).await?;
                #[derive(diesel::QueryableByName)]
                struct Found {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                let found: Found = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
                    .bind::<diesel::sql_types::Text, _>(&name)
                    .get_result(&mut conn)
                    .await?;
                if found.n == 0 {
                    let building = format!("{name}_building");
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS {building}")).execute(&mut conn).await?;
                    diesel::sql_query(format!("CREATE DATABASE {building} OWNER {OWNER}")).execute(&mut conn).await?;
                    beacon_api::db::migrate(&as_role(&with_database(&admin_url()?, &building), OWNER)).await?;
                    diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
                        .execute(&mut conn)
                        .await?;
                }
                Ok::<_, anyhow::Error>(())
            }
            .await;
            diesel::sql_query("SELECT pg_advisory_unlock(7273722)").execute(&mut conn).await?;
            result.map(|()| name)
        })
        .await
        .map(String::as_str)
}

/// A fresh, migrated database; dropped (with its connections) when this value drops.
pub struct TestDb {
    pub name: String,
    /// As the runtime role, as the app connects.
    pub url: String,
    /// As the schema owner, as migrations connect.
    pub owner_url: String,
}

impl TestDb {
    pub async fn new() -> Result<TestDb> {
        let template = template().await?;
        let name = format!("beacon_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin().await?;
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template} OWNER {OWNER}"))
            .execute(&mut conn)
            .await?;
        let admin = with_database(&admin_url()?, &name);
        Ok(TestDb {
            url: as_role(&admin, RUNTIME),
            owner_url: as_role(&admin, OWNER),
            name,
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs outside async; a short-lived runtime on its own thread does the work.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async {
                let mut conn = admin().await.ok()?;
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        })
        .join();
    }
}

impl TestDb {
    /// Drops the database now, closing every connection to it (to test outages).
    pub async fn drop_now(&self) -> Result<()> {
        let mut conn = admin().await?;
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .execute(&mut conn)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_role_replaces_the_user_and_password() {
        assert_eq!(super::as_role("postgres://postgres@127.0.0.1:5/db", "r"), "postgres://r:r@127.0.0.1:5/db");
        assert_eq!(super::as_role("postgres://u:p@h/db?sslmode=disable", "r"), "postgres://r:r@h/db?sslmode=disable");
        assert_eq!(super::as_role("postgres://h:5", "r"), "postgres://r:r@h:5");
    }
}
