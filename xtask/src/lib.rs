//! Developer and CI tasks for the Beacon workspace (`cargo xtask ...`), plus the pieces other
//! crates reuse: [`pg::LocalPostgres`], a throwaway PostgreSQL cluster under `.beacon/` that the
//! test harness (`beacon-tests`) and `cargo xtask run|test` start on demand.
//!
//! The library deliberately has no async runtime and few dependencies: it shells out to the
//! PostgreSQL, cargo, rustup, npm and node binaries and explains what to install when one is
//! missing.

pub mod cmd;
pub mod pg;
pub mod sys;

use std::path::{Path, PathBuf};

/// The workspace root (the nearest directory holding a `Cargo.toml` with `[workspace]`).
///
/// Searched upwards from `CARGO_MANIFEST_DIR` as set at run time by `cargo run` / `cargo test`
/// (so a binary built in another checkout sharing the target directory still acts on the
/// checkout it was run from), else from this crate's manifest directory at compile time.
pub fn workspace_root() -> PathBuf {
    let compiled = Path::new(env!("CARGO_MANIFEST_DIR"));
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .unwrap_or_else(|| compiled.to_path_buf());
    find_workspace_root(&start)
        .or_else(|| find_workspace_root(compiled))
        .unwrap_or_else(|| {
            compiled
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| compiled.to_path_buf())
        })
}

fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        manifest
            .lines()
            .any(|line| line.trim() == "[workspace]")
            .then(|| dir.to_path_buf())
    })
}

/// `<workspace>/.beacon`: local state (PostgreSQL clusters, data key, npm tools). Git-ignored.
pub fn beacon_dir() -> PathBuf {
    workspace_root().join(".beacon")
}

/// `<workspace>/wasm/pkg`: the wasm-bindgen package built by `cargo xtask wasm`.
pub fn wasm_pkg_dir() -> PathBuf {
    workspace_root().join("wasm").join("pkg")
}

/// Cargo's target directory for this workspace (`CARGO_TARGET_DIR` when set, else `target/`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        }
        _ => workspace_root().join("target"),
    }
}
