//! What `wasm`, `test` and `run` need before they start, checked quickly and installed when
//! missing (or explained, when it cannot be installed from here).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};

use xtask::cmd::{self, step};

use super::signals;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// npm's binaryen, for `wasm-opt` (Debian's binaryen 108 produces modules that crash at load).
pub const BINARYEN_VERSION: &str = "132.0.0";

/// Oldest Node.js the wasm package and its tests are run with.
const MIN_NODE_MAJOR: u32 = 18;

/// Paths of the external tools the build uses.
#[derive(Debug)]
pub struct Tools {
    pub wasm_bindgen: PathBuf,
    pub wasm_opt: PathBuf,
    pub node: PathBuf,
}

/// `.beacon/tools`: npm prefix for the JavaScript tools (binaryen).
pub fn tools_dir(root: &Path) -> PathBuf {
    root.join(".beacon").join("tools")
}

/// Everything `wasm`, `test` and `run` need; one line per step.
pub fn bootstrap(root: &Path) -> Result<Tools> {
    ensure_wasm_target()?;
    let wasm_bindgen = ensure_wasm_bindgen(root)?;
    let node = ensure_node()?;
    let wasm_opt = ensure_binaryen(root)?;
    Ok(Tools {
        wasm_bindgen,
        wasm_opt,
        node,
    })
}

/// `cargo xtask doctor`: the bootstrap plus PostgreSQL.
pub fn doctor(root: &Path) -> Result<i32> {
    bootstrap(root)?;
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            step("DATABASE_URL is set: `run` and `test` use that server, not a local one");
        }
        _ => {}
    }
    let bindir = xtask::pg::ensure_bindir()?;
    let version = cmd::probe(Command::new(bindir.join("postgres")).arg("--version"))
        .unwrap_or_else(|| "unknown version".to_string());
    step(format_args!(
        "PostgreSQL server: ok ({version}, {})",
        bindir.display()
    ));
    step("all set");
    Ok(0)
}

fn ensure_wasm_target() -> Result<()> {
    match cmd::probe(Command::new("rustup").args(["target", "list", "--installed"])) {
        Some(list) if list.lines().any(|line| line.trim() == WASM_TARGET) => {
            step(format_args!("rust target {WASM_TARGET}: ok"));
            Ok(())
        }
        Some(_) => {
            step(format_args!(
                "rust target {WASM_TARGET}: missing, adding it"
            ));
            signals::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
        }
        None => {
            // No rustup: a distribution toolchain may still ship the target.
            let sysroot = cmd::probe(Command::new("rustc").args(["--print", "sysroot"]))
                .ok_or_else(|| anyhow!("rustc not found on PATH"))?;
            if Path::new(&sysroot)
                .join("lib/rustlib")
                .join(WASM_TARGET)
                .is_dir()
            {
                step(format_args!("rust target {WASM_TARGET}: ok (no rustup)"));
                Ok(())
            } else {
                bail!(
                    "the Rust target {WASM_TARGET} is missing and rustup is not available: install \
                     Rust with rustup (https://rustup.rs), then `rustup target add {WASM_TARGET}`"
                )
            }
        }
    }
}

fn cargo_home() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) if !home.is_empty() => PathBuf::from(home),
        _ => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(".cargo"),
    }
}

/// The version of the `wasm-bindgen` crate the workspace builds with: from Cargo.lock, else the
/// `=x.y.z` pin in the workspace Cargo.toml.
pub fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock_path = root.join("Cargo.lock");
    if let Ok(lock) = std::fs::read_to_string(&lock_path) {
        let mut versions = locked_versions(&lock, "wasm-bindgen");
        versions.sort();
        versions.dedup();
        match versions.as_slice() {
            [one] => return Ok(one.clone()),
            [] => {}
            many => bail!(
                "Cargo.lock holds several wasm-bindgen versions ({}); pin one with `=x.y.z`",
                many.join(", ")
            ),
        }
    }
    let manifest_path = root.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("could not read {}", manifest_path.display()))?;
    manifest
        .lines()
        .filter(|line| line.trim_start().starts_with("wasm-bindgen"))
        .find_map(|line| {
            let start = line.find("\"=")? + 2;
            let rest = &line[start..];
            let end = rest.find('"')?;
            Some(rest[..end].trim().to_string())
        })
        .ok_or_else(|| {
            anyhow!(
                "no wasm-bindgen version in Cargo.lock and no `wasm-bindgen = \"=x.y.z\"` pin in {}",
                manifest_path.display()
            )
        })
}

/// Versions of package `name` in a Cargo.lock.
fn locked_versions(lock: &str, name: &str) -> Vec<String> {
    lock.split("[[package]]")
        .skip(1)
        .filter_map(|block| {
            let field = |key: &str| {
                block.lines().find_map(|line| {
                    let value = line.trim().strip_prefix(key)?.trim_start();
                    let value = value.strip_prefix('=')?.trim();
                    Some(value.trim_matches('"').to_string())
                })
            };
            (field("name")? == name).then(|| field("version")).flatten()
        })
        .collect()
}

fn wasm_bindgen_version_of(binary: &Path) -> Option<String> {
    let out = cmd::probe(Command::new(binary).arg("--version"))?;
    // "wasm-bindgen 0.2.100"
    out.split_whitespace().nth(1).map(str::to_string)
}

fn ensure_wasm_bindgen(root: &Path) -> Result<PathBuf> {
    let version = wasm_bindgen_version(root)?;
    let installed = cargo_home().join("bin").join("wasm-bindgen");
    let candidates = [Some(installed.clone()), cmd::which("wasm-bindgen")];
    for candidate in candidates.into_iter().flatten() {
        if wasm_bindgen_version_of(&candidate).as_deref() == Some(version.as_str()) {
            step(format_args!(
                "wasm-bindgen-cli {version}: ok ({})",
                candidate.display()
            ));
            return Ok(candidate);
        }
    }
    step(format_args!(
        "wasm-bindgen-cli {version}: missing, installing it with cargo install (a few minutes)"
    ));
    // Without --locked: the CLI's own lock file may not build with this toolchain.
    signals::run(
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())).args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &format!("={version}"),
        ]),
    )?;
    match wasm_bindgen_version_of(&installed) {
        Some(v) if v == version => Ok(installed),
        other => bail!(
            "installed wasm-bindgen-cli {version}, but {} reports {:?}",
            installed.display(),
            other
        ),
    }
}

fn node_major(version: &str) -> Option<u32> {
    version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()?
        .parse()
        .ok()
}

fn ensure_node() -> Result<PathBuf> {
    let mut missing = Vec::new();
    if cmd::which("node").is_none() {
        missing.push("nodejs");
    }
    if cmd::which("npm").is_none() {
        missing.push("npm");
    }
    if !missing.is_empty() {
        if !cmd::can_apt_install() {
            bail!(
                "Node.js {MIN_NODE_MAJOR}+ with npm is needed (wasm-opt, the wasm tests); install \
                 it, e.g. `sudo apt-get install -y nodejs npm`"
            );
        }
        step(format_args!(
            "node/npm: missing, installing: apt-get install -y {}",
            missing.join(" ")
        ));
        cmd::apt_install(&missing)?;
    }
    let node = cmd::which("node").ok_or_else(|| anyhow!("node is still not on PATH"))?;
    let version = cmd::probe(Command::new(&node).arg("--version"))
        .ok_or_else(|| anyhow!("`{} --version` failed", node.display()))?;
    match node_major(&version) {
        Some(major) if major >= MIN_NODE_MAJOR => {}
        _ => bail!(
            "node {version} is too old: Node.js {MIN_NODE_MAJOR} or newer is needed \
             (https://nodejs.org, or NodeSource's Debian packages)"
        ),
    }
    let npm_version = cmd::probe(Command::new("npm").arg("--version"))
        .ok_or_else(|| anyhow!("`npm --version` failed"))?;
    step(format_args!("node {version}, npm {npm_version}: ok"));
    Ok(node)
}

fn installed_npm_version(package_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(package_dir.join("package.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("version")?.as_str().map(str::to_string)
}

fn ensure_binaryen(root: &Path) -> Result<PathBuf> {
    let tools = tools_dir(root);
    let package_dir = tools.join("node_modules").join("binaryen");
    let wasm_opt = tools.join("node_modules").join(".bin").join("wasm-opt");
    if installed_npm_version(&package_dir).as_deref() == Some(BINARYEN_VERSION)
        && cmd::is_executable(&wasm_opt)
    {
        step(format_args!(
            "binaryen {BINARYEN_VERSION} (npm, wasm-opt): ok ({})",
            super::rel(root, &wasm_opt)
        ));
        return Ok(wasm_opt);
    }
    step(format_args!(
        "binaryen {BINARYEN_VERSION} (npm, wasm-opt): missing, installing into {}",
        super::rel(root, &tools)
    ));
    std::fs::create_dir_all(&tools)
        .with_context(|| format!("could not create {}", tools.display()))?;
    let mut npm = Command::new("npm");
    npm.current_dir(root)
        .arg("install")
        .arg("--prefix")
        .arg(&tools)
        .args([
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            &format!("binaryen@{BINARYEN_VERSION}"),
        ]);
    signals::run(&mut npm)?;
    if installed_npm_version(&package_dir).as_deref() != Some(BINARYEN_VERSION)
        || !cmd::is_executable(&wasm_opt)
    {
        bail!(
            "npm install binaryen@{BINARYEN_VERSION} did not leave {}",
            wasm_opt.display()
        );
    }
    Ok(wasm_opt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions_from_cargo_lock() {
        let lock = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"
"#;
        assert_eq!(locked_versions(lock, "wasm-bindgen"), vec!["0.2.130"]);
        assert!(locked_versions(lock, "serde").is_empty());
    }

    #[test]
    fn node_versions() {
        assert_eq!(node_major("v20.20.2\n"), Some(20));
        assert_eq!(node_major("garbage"), None);
    }
}
