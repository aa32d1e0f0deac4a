//! `cargo xtask wasm`: build `wasm/pkg/`.
//!
//! The package is assembled in `.beacon/wasm-pkg.tmp`, checked to load in node, and only then
//! moved to `wasm/pkg`, so a failed build never leaves a half-written package behind.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::json;

use xtask::cmd::{self, step};

use super::bootstrap::{Tools, WASM_TARGET};
use super::{cargo, rel, signals};

const CRATE: &str = "beacon-wasm";
const STEM: &str = "beacon_wasm";
const PROFILE: &str = "release-wasm";

/// WebAssembly features rustc emits for wasm32-unknown-unknown by default (LLVM's "generic" CPU
/// since Rust 1.82/1.87) and that wasm-opt must accept; all are supported by Node.js 18+ and
/// current browsers.
const WASM_OPT_FEATURES: [&str; 7] = [
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Loads the package in node the way its users do (`initSync({ module: bytes })`).
const NODE_SMOKE_TEST: &str = r#"
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
const dir = process.env.BEACON_WASM_PKG;
const mod = await import(pathToFileURL(join(dir, "beacon_wasm.js")).href);
mod.initSync({ module: readFileSync(join(dir, "beacon_wasm_bg.wasm")) });
const exported = Object.keys(mod).filter((k) => typeof mod[k] === "function" && k !== "default");
console.log(exported.sort().join(" "));
"#;

pub fn build(root: &Path, tools: &Tools) -> Result<()> {
    signals::run(cargo(root).args([
        "build",
        "-p",
        CRATE,
        "--target",
        WASM_TARGET,
        "--profile",
        PROFILE,
    ]))?;
    let input = xtask::target_dir()
        .join(WASM_TARGET)
        .join(PROFILE)
        .join(format!("{STEM}.wasm"));
    if !input.is_file() {
        bail!("cargo build did not produce {}", input.display());
    }

    let staging = root.join(".beacon").join("wasm-pkg.tmp");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("could not remove {}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging)
        .with_context(|| format!("could not create {}", staging.display()))?;

    signals::run(
        Command::new(&tools.wasm_bindgen)
            .current_dir(root)
            .args(["--target", "web", "--out-dir"])
            .arg(&staging)
            .arg(&input),
    )?;

    let wasm = staging.join(format!("{STEM}_bg.wasm"));
    let unoptimised = file_size(&wasm)?;
    signals::run(
        Command::new(&tools.wasm_opt)
            .current_dir(root)
            .arg("-Oz")
            .args(WASM_OPT_FEATURES)
            .arg("-o")
            .arg(&wasm)
            .arg(&wasm),
    )?;

    copy_form(root, &staging)?;
    write_package_json(root, &staging)?;

    let out = cmd::output(
        Command::new(&tools.node)
            .args(["--input-type=module", "-e", NODE_SMOKE_TEST])
            .env("BEACON_WASM_PKG", &staging),
    )
    .context("the optimised wasm package does not load in node")?;
    step(format_args!(
        "wasm package loads in node; exports: {}",
        String::from_utf8_lossy(&out.stdout).trim()
    ));

    let pkg = root.join("wasm").join("pkg");
    if pkg.exists() {
        std::fs::remove_dir_all(&pkg)
            .with_context(|| format!("could not remove {}", pkg.display()))?;
    }
    std::fs::rename(&staging, &pkg)
        .with_context(|| format!("could not move {} to {}", staging.display(), pkg.display()))?;

    let wasm = pkg.join(format!("{STEM}_bg.wasm"));
    let raw = file_size(&wasm)?;
    let gzip = gzip_size(&wasm)
        .map(|n| format!("{n} bytes"))
        .unwrap_or_else(|| "n/a (no gzip)".to_string());
    step(format_args!(
        "built {}: {raw} bytes raw, {gzip} gzipped (-9); {unoptimised} bytes before wasm-opt",
        rel(root, &wasm)
    ));
    Ok(())
}

/// `wasm/form/*` (the `<beacon-intake-form>` element: plain ES module and CSS, no build step)
/// goes beside `beacon_wasm.js`, which it imports relative to its own URL.
fn copy_form(root: &Path, dir: &Path) -> Result<()> {
    let form = root.join("wasm").join("form");
    let entries = std::fs::read_dir(&form).with_context(|| format!("could not list {}", form.display()))?;
    let mut copied = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("could not list {}", form.display()))?;
        if !entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
            continue;
        }
        let name = entry.file_name();
        std::fs::copy(entry.path(), dir.join(&name))
            .with_context(|| format!("could not copy {} into the package", entry.path().display()))?;
        copied.push(name.to_string_lossy().into_owned());
    }
    copied.sort();
    step(format_args!("intake form copied into the package: {}", copied.join(", ")));
    Ok(())
}

fn file_size(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path)
        .with_context(|| format!("could not stat {}", path.display()))?
        .len())
}

fn gzip_size(path: &Path) -> Option<usize> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout.len())
}

/// The version of the wasm crate (its `[package] version`), else "0.0.0".
fn crate_version(root: &Path) -> String {
    let manifest =
        std::fs::read_to_string(root.join("wasm").join("Cargo.toml")).unwrap_or_default();
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        if let Some(value) = line.strip_prefix("version") {
            if let Some(value) = value.trim_start().strip_prefix('=') {
                let value = value.trim();
                if let Some(v) = value.strip_prefix('"').and_then(|v| v.split('"').next()) {
                    return v.to_string();
                }
            }
        }
    }
    "0.0.0".to_string()
}

fn write_package_json(root: &Path, dir: &Path) -> Result<()> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("could not list {}", dir.display()))?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "package.json" && name != ".gitignore")
        .collect();
    files.sort();
    let js = format!("./{STEM}.js");
    let dts = format!("./{STEM}.d.ts");
    let wasm = format!("./{STEM}_bg.wasm");
    // Ordered like a hand-written package.json (serde_json's map would sort the keys).
    let fields = [
        ("name", json!("@beacon/wasm")),
        ("version", json!(crate_version(root))),
        (
            "description",
            json!("Beacon incident contract validation (beacon-core compiled to WebAssembly)"),
        ),
        ("license", json!("Apache-2.0")),
        ("type", json!("module")),
        ("main", json!(js)),
        ("module", json!(js)),
        ("types", json!(dts)),
        ("files", json!(files)),
        // The form module defines the custom element when imported.
        ("sideEffects", json!(["./snippets/*", "./beacon-intake-form.js"])),
        (
            "exports",
            json!({
                // A plain target: TypeScript finds beacon_wasm.d.ts beside it.
                ".": js,
                "./beacon_wasm_bg.wasm": wasm,
                "./beacon-intake-form.js": "./beacon-intake-form.js",
                "./beacon-intake-form.css": "./beacon-intake-form.css",
                "./package.json": "./package.json"
            }),
        ),
    ];
    let mut members = Vec::new();
    for (key, value) in fields {
        let value = serde_json::to_string_pretty(&value)?.replace('\n', "\n  ");
        members.push(format!("  {}: {value}", serde_json::to_string(key)?));
    }
    let text = format!("{{\n{}\n}}\n", members.join(",\n"));
    let path = dir.join("package.json");
    std::fs::write(&path, text).with_context(|| format!("could not write {}", path.display()))
}
