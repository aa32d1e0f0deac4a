//! Fixture vectors: one payload and its expected verdict per file.

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Vector {
    pub file: String,
    pub name: String,
    pub today: NaiveDate,
    /// The exact request body to send.
    pub body: String,
    pub ok: bool,
    pub errors: BTreeSet<(String, String)>,
    /// `expect.derived.minor_involved`, for the vectors that state it.
    pub minor_involved: Option<bool>,
    /// `expect.derived` as written (`null` when the vector states none).
    pub derived: Value,
}

pub fn dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(kind)
}

/// Loads every `*.json` vector in `tests/fixtures/<kind>/`, sorted by file name.
pub fn load(kind: &str) -> Result<Vec<Vector>> {
    let dir = dir(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files.iter().map(|p| parse(p)).collect()
}

fn parse(path: &Path) -> Result<Vector> {
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let text = std::fs::read_to_string(path)?;
    let v: Value = serde_json::from_str(&text).with_context(|| format!("{file}: not JSON"))?;
    let today = v["today"].as_str().and_then(beacon_core::reference::dates::parse_iso_date);
    let Some(today) = today else { bail!("{file}: `today` must be YYYY-MM-DD") };
    let body = match (v.get("payload"), v.get("payload_raw")) {
        (Some(p), None) => serde_json::to_string(p)?,
        (None, Some(Value::String(raw))) => raw.clone(),
        _ => bail!("{file}: needs exactly one of `payload` or `payload_raw` (a string)"),
    };
    let Some(ok) = v["expect"]["ok"].as_bool() else { bail!("{file}: expect.ok must be a boolean") };
    let errors = v["expect"]["errors"]
        .as_array()
        .with_context(|| format!("{file}: expect.errors must be an array"))?
        .iter()
        .map(|e| {
            let path = e["path"].as_str().with_context(|| format!("{file}: error without path"))?;
            let code = e["code"].as_str().with_context(|| format!("{file}: error without code"))?;
            Ok((path.to_string(), code.to_string()))
        })
        .collect::<Result<BTreeSet<_>>>()?;
    if ok != errors.is_empty() {
        bail!("{file}: expect.ok contradicts expect.errors");
    }
    Ok(Vector {
        name: v["name"].as_str().unwrap_or(&file).to_string(),
        file,
        today,
        body,
        ok,
        errors,
        minor_involved: v["expect"]["derived"]["minor_involved"].as_bool(),
        derived: v["expect"]["derived"].clone(),
    })
}

/// The `(path, code)` set of an error list in the `{path, code, message}` shape.
pub fn error_set(errors: &Value) -> BTreeSet<(String, String)> {
    errors
        .as_array()
        .map(|list| {
            list.iter()
                .map(|e| {
                    (
                        e["path"].as_str().unwrap_or("<no path>").to_string(),
                        e["code"].as_str().unwrap_or("<no code>").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Describes a disagreement, or `None` when `got` matches the vector.
pub fn mismatch(v: &Vector, got_ok: bool, got: &BTreeSet<(String, String)>) -> Option<String> {
    (got_ok != v.ok || *got != v.errors).then(|| {
        format!(
            "{} ({}):\n    expected ok={} {:?}\n    got      ok={} {:?}",
            v.file, v.name, v.ok, v.errors, got_ok, got
        )
    })
}
