//! The commands of the `xtask` binary.

pub mod bootstrap;
pub mod openapi;
pub mod run;
pub mod seed;
pub mod signals;
pub mod test;
pub mod wasm;

use std::path::Path;
use std::process::Command;

/// `cargo` (the one running us, via `$CARGO`) with the workspace root as working directory.
pub fn cargo(root: &Path) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(program);
    cmd.current_dir(root);
    cmd
}

/// `path` relative to the workspace root when it is inside it (for messages).
pub fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
