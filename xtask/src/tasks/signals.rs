//! Ctrl-C handling: xtask survives SIGINT/SIGTERM/SIGHUP long enough to clean up (stop the
//! PostgreSQL it started) and forwards them to the long-running child it is waiting for.
//!
//! Long-running children run in their own process group, so a Ctrl-C in the terminal reaches
//! only xtask, which passes it on to the whole group (e.g. `cargo test` and its test binaries),
//! waits for the child to finish, then cleans up.

use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use xtask::cmd::{self, step};

static FLAGS: OnceLock<Vec<(i32, Arc<AtomicBool>)>> = OnceLock::new();
/// Set once a signal has been forwarded to a child (the user asked us to stop).
static FORWARDED: AtomicBool = AtomicBool::new(false);

/// Whether a signal (Ctrl-C, SIGTERM, SIGHUP) has been forwarded to a child.
pub fn forwarded() -> bool {
    FORWARDED.load(Ordering::SeqCst)
}

/// Registers the handlers (once). Handlers are reset to the default in exec'd children.
pub fn install() -> Result<()> {
    let mut flags = Vec::new();
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        let flag = Arc::new(AtomicBool::new(false));
        signal_hook::flag::register(signal, Arc::clone(&flag))
            .with_context(|| format!("registering signal {signal}"))?;
        flags.push((signal, flag));
    }
    // A second install is a no-op; the first set of flags stays in use.
    let _ = FLAGS.set(flags);
    Ok(())
}

/// Signals received and not yet handled (clears them).
fn take_pending() -> Vec<i32> {
    FLAGS
        .get()
        .map(|flags| {
            flags
                .iter()
                .filter(|(_, flag)| flag.swap(false, Ordering::SeqCst))
                .map(|(signal, _)| *signal)
                .collect()
        })
        .unwrap_or_default()
}

/// Fails when a signal arrived since the last check (call between steps).
pub fn check_interrupted() -> Result<()> {
    let pending = take_pending();
    if !pending.is_empty() {
        bail!("interrupted (signal {pending:?})");
    }
    Ok(())
}

/// Prints and runs `cmd` in its own process group, forwarding signals to it; returns its status.
pub fn run_status(cmd: &mut Command) -> Result<ExitStatus> {
    use std::os::unix::process::CommandExt;
    check_interrupted()?;
    step(format_args!("$ {}", cmd::display(cmd)));
    cmd.process_group(0);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("could not start `{}`", cmd::display(cmd)))?;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        for signal in take_pending() {
            FORWARDED.store(true, Ordering::SeqCst);
            if let Err(e) = xtask::sys::signal_group(child.id(), signal) {
                eprintln!("xtask: warning: could not forward signal {signal}: {e:#}");
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Like [`run_status`], failing unless the command exits 0.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = run_status(cmd)?;
    if !status.success() {
        bail!("`{}` failed ({})", cmd::display(cmd), cmd::describe(status));
    }
    Ok(())
}
