//! `cargo xtask openapi`: write `openapi/openapi.json` from the API's code.

use std::fs::File;
use std::path::Path;

use anyhow::{bail, Context, Result};

use xtask::cmd::{self, step};

use super::{cargo, rel, signals};

pub fn export(root: &Path) -> Result<()> {
    let dir = root.join("openapi");
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let target = dir.join("openapi.json");
    let tmp = dir.join(".openapi.json.tmp");
    let file = File::create(&tmp).with_context(|| format!("could not create {}", tmp.display()))?;

    let mut command = cargo(root);
    command
        .args([
            "run",
            "-p",
            "beacon-api",
            "--bin",
            "beacon",
            "--",
            "openapi",
        ])
        .stdout(file);
    let status = signals::run_status(&mut command);
    let result = status.and_then(|status| {
        if !status.success() {
            bail!(
                "`{}` failed ({})",
                cmd::display(&command),
                cmd::describe(status)
            );
        }
        let bytes =
            std::fs::read(&tmp).with_context(|| format!("could not read {}", tmp.display()))?;
        let doc: serde_json::Value = serde_json::from_slice(&bytes)
            .context("`beacon openapi` did not print a JSON document")?;
        let version = doc
            .get("openapi")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .context("`beacon openapi` printed JSON without an `openapi` version field")?;
        Ok((bytes.len(), version))
    });
    match result {
        Ok((len, version)) => {
            std::fs::rename(&tmp, &target)
                .with_context(|| format!("could not write {}", target.display()))?;
            step(format_args!(
                "wrote {} (OpenAPI {version}, {len} bytes)",
                rel(root, &target)
            ));
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}
