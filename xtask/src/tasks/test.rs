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

/// Debian's Chromium, which the browser tests drive (never a downloaded browser build).
const CHROMIUM: &str = "/usr/bin/chromium";

pub fn test(root: &Path, args: &TestArgs) -> Result<i32> {
    let tools = bootstrap::bootstrap(root)?;
    ensure_browser_tests(root)?;
    ensure_contract_tools(root)?;

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
    // Tests run the real `beacon` binary (CLI and log tests); `cargo test`
    // alone does not build another package's binary at target/debug/beacon.
    signals::run(cargo(root).args(["build", "-p", "beacon-api", "--bin", "beacon"]))?;

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
        .env("BEACON_WASM_PKG", xtask::wasm_pkg_dir())
        .env("BEACON_CHROMIUM", CHROMIUM);
    let status = signals::run_status(&mut command)?;
    drop(local_pg);
    if status.success() {
        step("all tests passed");
    }
    Ok(cmd::exit_code(status))
}

/// What `tests/tests/suite/browser.rs` and the PDF tests need: Debian's `chromium` and
/// `pdftotext` (apt, when root) and
/// `tests/browser/node_modules` (playwright-core and axe-core at the versions pinned in its
/// package-lock.json, by `npm ci`). When Chromium cannot be installed here the browser tests
/// fail, saying so; they never skip.
fn ensure_browser_tests(root: &Path) -> Result<()> {
    if Path::new(CHROMIUM).exists() {
        step(format_args!("chromium: ok ({CHROMIUM})"));
    } else if cmd::can_apt_install() {
        step("chromium: missing, installing Debian's package (apt-get install -y chromium)");
        cmd::apt_install(&["chromium", "fonts-dejavu-core"])?;
    } else {
        step(format_args!(
            "chromium: MISSING at {CHROMIUM} and not root: the browser tests will fail; \
             install it with `sudo apt-get install -y chromium`"
        ));
    }
    // The PDF tests read the printed report back with poppler's pdftotext.
    if cmd::which("pdftotext").is_some() {
        step("pdftotext: ok");
    } else if cmd::can_apt_install() {
        step("pdftotext: missing, installing Debian's package (apt-get install -y poppler-utils)");
        cmd::apt_install(&["poppler-utils"])?;
    } else {
        step(
            "pdftotext: MISSING and not root: the PDF tests will fail; install it with \
             `sudo apt-get install -y poppler-utils`",
        );
    }
    let dir = root.join("tests").join("browser");
    if browser_deps_match_lock(&dir) {
        step("browser test packages (playwright-core, axe-core): ok");
        return Ok(());
    }
    step("browser test packages: installing with npm ci --prefix tests/browser");
    signals::run(
        std::process::Command::new("npm")
            .current_dir(root)
            .args(["ci", "--prefix"])
            .arg(&dir)
            .args(["--no-audit", "--no-fund", "--loglevel=error"]),
    )
}

/// What `openapi_contract` runs against the OpenAPI document: `tests/contract/node_modules`
/// (`@stoplight/spectral-cli` at the versions pinned in its package-lock.json, by `npm ci`).
fn ensure_contract_tools(root: &Path) -> Result<()> {
    let dir = root.join("tests").join("contract");
    if browser_deps_match_lock(&dir) {
        step("contract tools (spectral): ok");
        return Ok(());
    }
    step("contract tools: installing with npm ci --prefix tests/contract");
    signals::run(
        std::process::Command::new("npm")
            .current_dir(root)
            .args(["ci", "--prefix"])
            .arg(&dir)
            .args(["--no-audit", "--no-fund", "--loglevel=error"]),
    )
}

/// Whether every package pinned in `tests/browser/package-lock.json` is installed at its
/// locked version.
fn browser_deps_match_lock(dir: &Path) -> bool {
    let read = |path: std::path::PathBuf| -> Option<serde_json::Value> {
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
    };
    let Some(lock) = read(dir.join("package-lock.json")) else {
        return false;
    };
    let Some(packages) = lock.get("packages").and_then(|p| p.as_object()) else {
        return false;
    };
    packages
        .iter()
        .filter(|(path, _)| path.starts_with("node_modules/"))
        // An optional package is one for another platform (Spectral's `fsevents`, macOS only).
        .filter(|(_, entry)| entry.get("optional").and_then(|o| o.as_bool()) != Some(true))
        .all(|(path, entry)| {
            let installed = read(dir.join(path).join("package.json"));
            installed.as_ref().and_then(|p| p.get("version")) == entry.get("version")
        })
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
