//! `beacon audit verify`.

use super::{connection, CliError};
use crate::security::audit;

/// Prints one line; a broken trail is an error (exit 1) naming the first broken entry.
pub(super) async fn verify() -> Result<(), CliError> {
    let mut conn = connection().await?;
    let report = audit::verify(&mut conn).await?;
    println!("{}", audit::summary(&report));
    if report.first_broken.is_none() {
        Ok(())
    } else {
        Err(CliError::AuditBroken)
    }
}
