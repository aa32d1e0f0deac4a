//! `cargo xtask test`: bootstrap, clippy, wasm, a PostgreSQL for the tests, every test.

use std::path::Path;

use anyhow::Result;
use clap::Args;

use xtask::cmd::{self, step};
use xtask::pg::LocalPostgres;

use super::{bootstrap, cargo, signals, wasm};

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Skip `cargo clippy --workspace --all-targets -- -D warnings`.
    #[arg(long)]
    pub no_clippy: bool,
    /// Extra arguments for `cargo test` (after `--`), e.g. `-- -p beacon-core` (which replaces
    /// `--workspace`) or `-- -- --nocapture`.
    #[arg(last = true)]
    pub cargo_args: Vec<String>,
}

pub fn test(root: &Path, args: &TestArgs) -> Result<i32> {
    let tools = bootstrap::bootstrap(root)?;

    if args.no_clippy {
        step("clippy: skipped (--no-clippy)");
    } else {
        signals::run(cargo(root).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
    }

    wasm::build(root, &tools)?;
    signals::check_interrupted()?;

    // Declared before the command so it is dropped (server stopped) after the tests finish.
    let mut local_pg: Option<LocalPostgres> = None;
    let database_url = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            step("DATABASE_URL is set: tests use that server");
            url
        }
        _ => {
            let pg = LocalPostgres::start_for_tests(&root.join(".beacon").join("test-pg"))?;
            let url = pg.url("postgres");
            local_pg = Some(pg);
            url
        }
    };

    let mut command = cargo(root);
    command.arg("test");
    if !selects_packages(&args.cargo_args) {
        command.arg("--workspace");
    }
    command
        .arg("--all-targets")
        .args(&args.cargo_args)
        .env("DATABASE_URL", &database_url)
        .env("BEACON_WASM_PKG", xtask::wasm_pkg_dir());
    let status = signals::run_status(&mut command)?;
    drop(local_pg);
    if status.success() {
        step("all tests passed");
    }
    Ok(cmd::exit_code(status))
}

/// Whether cargo arguments pick packages (`-p NAME`, `--package NAME`), in which case
/// `--workspace` would override them.
fn selects_packages(cargo_args: &[String]) -> bool {
    cargo_args
        .iter()
        .take_while(|arg| arg.as_str() != "--")
        .any(|arg| arg.starts_with("-p") || arg.starts_with("--package"))
}

#[cfg(test)]
mod tests {
    use super::selects_packages;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn package_selection() {
        assert!(selects_packages(&args(&["-p", "beacon-core"])));
        assert!(selects_packages(&args(&["--package=beacon-api"])));
        assert!(!selects_packages(&args(&["--", "-p"])));
        assert!(!selects_packages(&args(&["--test", "fixtures"])));
    }
}
