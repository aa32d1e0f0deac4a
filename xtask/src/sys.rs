//! The few operating-system calls std does not offer.

use std::process::Command;

use anyhow::{bail, Context, Result};

/// True when running with effective uid 0.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Sends `signal` to the process group `pgid` (a child spawned with `process_group(0)` leads a
/// group whose id is its pid).
pub fn signal_group(pgid: u32, signal: i32) -> Result<()> {
    let pgid = libc::pid_t::try_from(pgid).context("process group id out of range")?;
    if pgid <= 1 {
        bail!("refusing to signal process group {pgid}");
    }
    // SAFETY: kill(2) takes plain integers; a negative pid (< -1) addresses exactly the process
    // group -pid, which we created for our own child.
    let rc = unsafe { libc::kill(-pgid, signal) };
    if rc != 0 {
        bail!(
            "kill(-{pgid}, {signal}) failed: {}",
            std::io::Error::last_os_error()
        );
    }
    Ok(())
}

/// A system user (name, uid, primary gid).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

/// Looks a user up with `id`; `None` when it does not exist.
pub fn lookup_user(name: &str) -> Option<User> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, name]).output().ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    Some(User {
        name: name.to_string(),
        uid: id("-u")?,
        gid: id("-g")?,
    })
}
