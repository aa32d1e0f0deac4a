//! Running fixture vectors through the wasm module in node, shared by every contract.

use crate::fixtures::Vector;
use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

pub fn wasm_pkg() -> Result<PathBuf> {
    let dir = std::env::var("BEACON_WASM_PKG")
        .map(PathBuf::from)
        .unwrap_or_else(|_| xtask::wasm_pkg_dir());
    ensure!(
        dir.join("beacon_wasm_bg.wasm").exists(),
        "no wasm package at {} — build it with `cargo xtask wasm` (cargo xtask test does)",
        dir.display()
    );
    Ok(dir)
}

/// The wasm verdict of every vector, in order; `kind` is `incident` or `intake`.
pub fn node_verdicts(vectors: &[Vector], kind: &str) -> Result<Vec<Value>> {
    let input: Vec<Value> = vectors.iter().map(|v| json!({"today": v.today.to_string(), "body": v.body})).collect();
    let file = std::env::temp_dir().join(format!("beacon-{kind}-vectors-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(&input)?)?;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node").join("verdicts.mjs");
    let out = Command::new("node")
        .arg(script)
        .arg(wasm_pkg()?)
        .arg(&file)
        .arg(kind)
        .output()
        .context("node must be installed")?;
    let _ = std::fs::remove_file(&file);
    ensure!(out.status.success(), "node failed: {}", String::from_utf8_lossy(&out.stderr));
    let verdicts: Vec<Value> = serde_json::from_slice(&out.stdout)?;
    ensure!(verdicts.len() == vectors.len(), "node returned {} verdicts for {} vectors", verdicts.len(), vectors.len());
    Ok(verdicts)
}

/// `normalizePhone` of the wasm module in node, for each typed number, in order.
pub fn node_phones(typed: &[&str]) -> Result<Vec<String>> {
    let file = std::env::temp_dir().join(format!("beacon-phones-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(typed)?)?;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node").join("phones.mjs");
    let out = Command::new("node").arg(script).arg(wasm_pkg()?).arg(&file).output().context("node must be installed")?;
    let _ = std::fs::remove_file(&file);
    ensure!(out.status.success(), "node failed: {}", String::from_utf8_lossy(&out.stderr));
    Ok(serde_json::from_slice(&out.stdout)?)
}
