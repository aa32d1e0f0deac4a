//! `beacon audit verify` and `beacon audit checkpoint`.

use super::{connection, CliError};
use crate::security::audit;
use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::PathBuf;

/// Prints one line (two against a checkpoint); a broken trail is an error
/// (exit 1) naming the first broken entry, or the checkpoint's missing one.
pub(super) async fn verify(checkpoint: Option<PathBuf>) -> Result<(), CliError> {
    let checkpoint = match checkpoint {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| CliError::Usage(format!("--checkpoint {}: {e}", path.display())))?;
            let parsed: audit::Checkpoint = serde_json::from_str(&text)
                .map_err(|e| CliError::Usage(format!("--checkpoint {}: not a checkpoint: {e}", path.display())))?;
            Some(parsed)
        }
    };
    let mut conn = connection().await?;
    let report = audit::verify(&mut conn).await?;
    println!("{}", audit::summary(&report));
    let mut intact = report.first_broken.is_none();
    if let Some(checkpoint) = checkpoint {
        match audit::check_checkpoint(&mut conn, &checkpoint).await? {
            None => println!("checkpoint seq={} found unchanged", checkpoint.seq),
            Some(problem) => {
                println!("audit trail BROKEN against the checkpoint: {problem}");
                intact = false;
            }
        }
    }
    if intact {
        Ok(())
    } else {
        Err(CliError::AuditBroken)
    }
}

/// Writes the signed head as one line of JSON to `out` (never overwriting) or stdout.
pub(super) async fn checkpoint(out: Option<PathBuf>, now: DateTime<Utc>) -> Result<(), CliError> {
    let mut conn = connection().await?;
    let checkpoint = audit::checkpoint(&mut conn, now).await?;
    let line = format!("{}\n", serde_json::to_string(&checkpoint)?);
    match out {
        None => std::io::stdout().write_all(line.as_bytes())?,
        Some(path) => {
            let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
            file.write_all(line.as_bytes())?;
            eprintln!("checkpoint of seq={} written to {}", checkpoint.seq, path.display());
        }
    }
    Ok(())
}
