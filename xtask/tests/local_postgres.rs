//! LocalPostgres end to end: init, start, connect, create a database, reuse a running server,
//! stop, restart on the same port. Skipped (with a note) when no PostgreSQL server binaries are
//! installed, so it never installs anything by itself.

use std::net::TcpStream;
use std::path::PathBuf;

use anyhow::{ensure, Result};
use xtask::pg::{self, LocalPostgres};

fn scratch_dir(name: &str) -> Result<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("xtask-{name}-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[test]
fn local_postgres_lifecycle() -> Result<()> {
    if pg::find_bindir().is_none() {
        eprintln!("skipped: no PostgreSQL server binaries (set PG_BINDIR or install postgresql)");
        return Ok(());
    }
    let scratch = scratch_dir("pg")?;
    let data = scratch.join("cluster");

    let first = LocalPostgres::start_for_tests(&data)?;
    ensure!(first.started_here(), "a fresh cluster is started by us");
    let port = first.port();
    ensure!(
        first.url("postgres") == format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        "url: {}",
        first.url("postgres")
    );
    ensure!(first.psql("postgres", "SELECT 40 + 2")?.trim() == "42");
    ensure!(first.psql("postgres", "SHOW fsync")?.trim() == "off");
    ensure!(first.psql("postgres", "SHOW listen_addresses")?.trim() == "127.0.0.1");

    first.create_database("xtask_probe")?;
    first.create_database("xtask_probe")?; // idempotent
    ensure!(first.database_exists("xtask_probe")?);
    ensure!(
        first
            .psql("xtask_probe", "SELECT current_database()")?
            .trim()
            == "xtask_probe"
    );

    // A second start while the server runs reuses it and does not stop it when dropped.
    let second = LocalPostgres::start_for_tests(&data)?;
    ensure!(!second.started_here(), "a running server is reused");
    ensure!(second.port() == port, "reused server keeps its port");
    drop(second);
    ensure!(
        first.psql("postgres", "SELECT 1")?.trim() == "1",
        "still up"
    );

    first.drop_database("xtask_probe")?;
    ensure!(!first.database_exists("xtask_probe")?);

    first.stop()?;
    ensure!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "stopped server no longer listens"
    );

    // Restart: the stored port is reused while it is free.
    let again = LocalPostgres::start_for_tests(&data)?;
    ensure!(again.started_here());
    ensure!(
        again.port() == port,
        "restart reuses port {port}, got {}",
        again.port()
    );
    ensure!(again.psql("postgres", "SELECT 1")?.trim() == "1");
    drop(again);
    ensure!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "dropping the owner stops the server"
    );

    std::fs::remove_dir_all(&scratch)?;
    Ok(())
}
