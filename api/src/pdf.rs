//! Printing an HTML page to PDF with headless Chromium: the same page the
//! API serves as HTML, so the PDF cannot drift from it.
//!
//! Chromium rather than a Rust typesetter: `typst` costs minutes of release
//! build and bundles fonts outside our licence list, and no crate lays out
//! HTML with SVG for print.
//!
//! Starting Chromium is most of a one-shot print (about 1.3–1.6 s of it on a
//! shared 2-core machine), so the server keeps one browser alive: started on
//! the first print, started again when it has died, killed when the server
//! stops (and it exits by itself when the pipe to it closes, so it cannot
//! outlive a killed server). A print takes an idle tab (or opens one, offline
//! and with scripts disabled), replaces its page with the report's HTML and
//! prints it with `Page.printToPDF`.
//!
//! The DevTools protocol is spoken here over `--remote-debugging-pipe`
//! (NUL-separated JSON on the browser's fds 3 and 4) by a small client
//! rather than `chromiumoxide` or `headless_chrome`: both connect over a
//! WebSocket to a localhost port, which any local user could drive too,
//! while a pipe belongs to this process alone; and we need ten commands,
//! not their generated bindings of the whole protocol (minutes of build).
//!
//! Offline: the browser has its own temp profile, no extensions, no
//! background networking and no DNS (every host, IP literals included,
//! fails to resolve); each tab is switched to offline network emulation and
//! has scripts disabled before its content is set, so nothing is fetched
//! even by mistake.

use crate::config::PdfConfig;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use thiserror::Error;
use tokio::sync::{oneshot, Semaphore};

/// What to install, said the same way by the API and the CLI.
pub const INSTALL_HINT: &str = "install Chromium (`apt install chromium`) or set BEACON_CHROMIUM to a Chromium or Chrome executable";

/// A PDF file in the OpenAPI document: bytes, not JSON.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PdfFile(pub Vec<u8>);

/// The longest a print may take, the browser's start included, before the
/// browser is killed (a wedged browser would hold every later print).
const TIMEOUT: Duration = Duration::from_secs(30);

/// Prints at once: each is a renderer busy on a CPU, and the machines
/// Beacon runs on have few; more would only make every print slower.
const CONCURRENT_PRINTS: usize = 2;

/// How many of the browser's last stderr lines explain a failure.
const STDERR_TAIL: usize = 3;

#[derive(Debug, Error)]
pub enum PdfError {
    #[error("no browser to print PDF with: {INSTALL_HINT}")]
    NoBrowser,
    #[error("the browser failed to print: {0}")]
    Failed(String),
    /// The browser exited or closed its pipe (killed, crashed, or never started).
    #[error("the browser is gone: {0}")]
    Gone(String),
    #[error("the browser did not print within {} s", TIMEOUT.as_secs())]
    TimedOut,
    #[error("cannot prepare the print: {0}")]
    Io(#[from] std::io::Error),
}

/// Locks `m` even if a thread panicked while holding it: the data (pending
/// calls, log lines) stays usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The browser's flags: headless, offline, its own profile in `profile`,
/// driven over the DevTools pipe.
fn arguments(profile: &Path) -> Vec<String> {
    vec![
        "--headless".into(),
        // Sandboxing needs user namespaces a container (and root) rarely has;
        // the page is our own escaped HTML, printed with scripts disabled.
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-extensions".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-default-apps".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        "--no-default-browser-check".into(),
        // Every host name and address fails to resolve: nothing can be fetched even by mistake.
        "--host-resolver-rules=MAP * ~NOTFOUND".into(),
        format!("--user-data-dir={}", profile.display()),
        "--remote-debugging-pipe".into(),
        "about:blank".into(),
    ]
}

/// `Page.printToPDF`'s settings: backgrounds printed (the charts' hatching,
/// the heat map), no browser header or footer (the page has its own title),
/// and the page size the CSS asks for, else Letter, as the one-shot print did.
fn print_settings() -> Value {
    json!({"printBackground": true, "displayHeaderFooter": false, "preferCSSPageSize": true})
}

/// Where browser profiles are made: `beacon-pdf-<uuid>` in the temp dir.
const PROFILE_PREFIX: &str = "beacon-pdf-";

/// The file in a profile naming the process that made it.
const OWNER_FILE: &str = "beacon.pid";

/// A browser profile of its own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(parent: &Path) -> std::io::Result<Self> {
        let dir = parent.join(format!("{PROFILE_PREFIX}{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir)?;
        std::fs::write(dir.join(OWNER_FILE), std::process::id().to_string())?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Best effort: a leftover directory holds only a browser profile.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Removes the profiles in `parent` whose owner no longer runs: a server
/// killed outright (or a test process that ended) never dropped its own.
/// Only where `/proc` tells which processes run; a profile naming no owner
/// is left alone.
fn sweep_stale_profiles(parent: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(PROFILE_PREFIX) {
            continue;
        }
        let owner = std::fs::read_to_string(entry.path().join(OWNER_FILE)).ok().and_then(|t| t.trim().parse::<u32>().ok());
        if let Some(pid) = owner.filter(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
            tracing::debug!(profile = %entry.path().display(), pid, "removing a stale PDF browser profile");
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

type Reply = Result<Value, String>;

/// Calls awaiting their answer, by id; `open` turns false when the pipe closes.
struct Calls {
    open: bool,
    waiting: HashMap<u64, oneshot::Sender<Reply>>,
}

/// One running browser and the two threads that carry its pipe. Threads
/// rather than tasks: the server's workers each run their own runtime, and
/// a pipe registered with one of them would stall while that worker is busy.
struct Browser {
    child: Mutex<Child>,
    pid: u32,
    outgoing: mpsc::Sender<Vec<u8>>,
    calls: Arc<Mutex<Calls>>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    next_id: AtomicU64,
    /// Tabs that printed and wait for the next print.
    tabs: Mutex<Vec<Tab>>,
    // Dropped after the child is killed: the browser may write to it until then.
    _profile: Scratch,
}

impl Browser {
    fn launch(executable: &Path) -> Result<Browser, PdfError> {
        let temp = std::env::temp_dir();
        sweep_stale_profiles(&temp);
        let profile = Scratch::new(&temp)?;
        // The pipe protocol reads commands on fd 3 and answers on fd 4; the
        // standard library cannot place a child's pipes there without
        // `pre_exec` (unsafe, forbidden here), so `sh` moves stdin and stdout
        // to 3 and 4 and `exec`s the browser, which keeps the pid.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 </dev/null >/dev/null"#)
            .arg(executable)
            .args(arguments(&profile.0))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| PdfError::Failed(format!("cannot start {}: {e}", executable.display())))?;
        let pid = child.id();
        let (Some(mut stdin), Some(stdout), Some(stderr)) = (child.stdin.take(), child.stdout.take(), child.stderr.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(PdfError::Failed("the browser's pipes were not opened".into()));
        };
        let calls = Arc::new(Mutex::new(Calls { open: true, waiting: HashMap::new() }));
        let tail = Arc::new(Mutex::new(VecDeque::with_capacity(STDERR_TAIL)));

        let (outgoing, to_browser) = mpsc::channel::<Vec<u8>>();
        std::thread::Builder::new().name("pdf-pipe-out".into()).spawn(move || {
            // Ends when the browser is dropped (the channel closes), which
            // closes the pipe, and so the browser, too.
            for message in to_browser {
                if stdin.write_all(&message).and_then(|()| stdin.flush()).is_err() {
                    break;
                }
            }
        })?;
        let answers = Arc::clone(&calls);
        std::thread::Builder::new().name("pdf-pipe-in".into()).spawn(move || read_answers(stdout, &answers))?;
        let lines = Arc::clone(&tail);
        std::thread::Builder::new().name("pdf-stderr".into()).spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                tracing::debug!(target: "beacon_api::pdf::chromium", "{line}");
                let mut tail = lock(&lines);
                if tail.len() == STDERR_TAIL {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
        })?;
        Ok(Browser { child: Mutex::new(child), pid, outgoing, calls, stderr: tail, next_id: AtomicU64::new(1), tabs: Mutex::new(Vec::new()), _profile: profile })
    }

    fn is_open(&self) -> bool {
        lock(&self.calls).open
    }

    /// Why the browser is gone, in its own last words when it left any.
    fn gone(&self) -> PdfError {
        let tail: Vec<String> = lock(&self.stderr).iter().cloned().collect();
        PdfError::Gone(if tail.is_empty() { "it closed its pipe".into() } else { tail.join(" | ") })
    }

    /// One DevTools command, in the tab `session` when given.
    async fn call(&self, method: &str, params: Value, session: Option<&str>) -> Result<Value, PdfError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            message["sessionId"] = Value::from(s);
        }
        let (tx, rx) = oneshot::channel();
        {
            let mut calls = lock(&self.calls);
            if !calls.open {
                drop(calls);
                return Err(self.gone());
            }
            calls.waiting.insert(id, tx);
        }
        let mut bytes = serde_json::to_vec(&message).map_err(|e| PdfError::Failed(e.to_string()))?;
        bytes.push(0);
        if self.outgoing.send(bytes).is_err() {
            return Err(self.gone());
        }
        match rx.await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(error)) => Err(PdfError::Failed(format!("{method}: {error}"))),
            Err(_) => Err(self.gone()),
        }
    }

    /// `html` printed in an idle tab, or a new one. A tab is kept for the
    /// next print once it has printed (opening one and switching it offline
    /// costs a fifth of a print); one that failed is closed.
    async fn print(&self, html: &str) -> Result<Vec<u8>, PdfError> {
        let idle = lock(&self.tabs).pop();
        let tab = match idle {
            Some(tab) => tab,
            None => self.open_tab().await?,
        };
        let printed = self.print_in(&tab, html).await;
        if printed.is_ok() {
            lock(&self.tabs).push(tab);
        } else {
            // Best effort: a tab left open costs memory, not correctness.
            let _ = self.call("Target.closeTarget", json!({"targetId": tab.target}), None).await;
        }
        printed
    }

    /// A new tab, offline and with scripts disabled, before any content is set.
    async fn open_tab(&self) -> Result<Tab, PdfError> {
        let created = self.call("Target.createTarget", json!({"url": "about:blank"}), None).await?;
        let target = text(&created, "targetId")?;
        let attached = self.call("Target.attachToTarget", json!({"targetId": target, "flatten": true}), None).await?;
        let session = text(&attached, "sessionId")?;
        let s = Some(session.as_str());
        // Emulated offline network only holds once the tab's network domain is on.
        self.call("Network.enable", json!({}), s).await?;
        self.call(
            "Network.emulateNetworkConditions",
            json!({"offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
            s,
        )
        .await?;
        self.call("Emulation.setScriptExecutionDisabled", json!({"value": true}), s).await?;
        let tree = self.call("Page.getFrameTree", json!({}), s).await?;
        let frame = tree.pointer("/frameTree/frame/id").and_then(Value::as_str).ok_or_else(|| PdfError::Failed("the tab has no frame".into()))?;
        Ok(Tab { frame: frame.to_owned(), target, session })
    }

    /// The page replaced by `html` (nothing of the last print stays), then printed.
    async fn print_in(&self, tab: &Tab, html: &str) -> Result<Vec<u8>, PdfError> {
        let s = Some(tab.session.as_str());
        self.call("Page.setDocumentContent", json!({"frameId": tab.frame, "html": html}), s).await?;
        let printed = self.call("Page.printToPDF", print_settings(), s).await?;
        let data = printed.get("data").and_then(Value::as_str).ok_or_else(|| PdfError::Failed("printToPDF answered no data".into()))?;
        let pdf = base64::engine::general_purpose::STANDARD.decode(data).map_err(|e| PdfError::Failed(format!("printToPDF's data: {e}")))?;
        if pdf.starts_with(b"%PDF") {
            Ok(pdf)
        } else {
            Err(PdfError::Failed("printToPDF answered something other than a PDF".into()))
        }
    }
}

/// A tab ready to print: its target, the session attached to it, its main frame.
struct Tab {
    target: String,
    session: String,
    frame: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let mut child = lock(&self.child);
        // Reaped here, so a killed or crashed browser leaves no zombie.
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The string member `name` of a DevTools answer.
fn text(answer: &Value, name: &str) -> Result<String, PdfError> {
    answer.get(name).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| PdfError::Failed(format!("the browser answered no {name}")))
}

/// Hands each answer on the pipe to its caller, until the pipe closes; then
/// every caller still waiting learns the browser is gone.
fn read_answers(stdout: impl std::io::Read, calls: &Mutex<Calls>) {
    let mut reader = BufReader::new(stdout);
    let mut message = Vec::new();
    loop {
        message.clear();
        match reader.read_until(0, &mut message) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if message.last() == Some(&0) {
            message.pop();
        }
        let Ok(value) = serde_json::from_slice::<Value>(&message) else { continue };
        // Events (no id) are not needed: every step of a print is a command.
        let Some(id) = value.get("id").and_then(Value::as_u64) else { continue };
        let reply = match value.get("error") {
            Some(error) => Err(error.get("message").and_then(Value::as_str).unwrap_or("error").to_owned()),
            None => Ok(value.get("result").cloned().unwrap_or(Value::Null)),
        };
        if let Some(caller) = lock(calls).waiting.remove(&id) {
            let _ = caller.send(reply);
        }
    }
    let mut calls = lock(calls);
    calls.open = false;
    // Dropping the senders wakes their callers with an error.
    calls.waiting.clear();
}

/// The server's printer: one browser kept alive between prints, at most
/// [`CONCURRENT_PRINTS`] prints at once.
pub struct Printer {
    executable: Option<PathBuf>,
    browser: tokio::sync::Mutex<Option<Arc<Browser>>>,
    permits: Semaphore,
}

impl Printer {
    pub fn new(config: PdfConfig) -> Printer {
        Printer { executable: config.browser, browser: tokio::sync::Mutex::new(None), permits: Semaphore::new(CONCURRENT_PRINTS) }
    }

    /// Whether there is a browser to print with.
    pub fn available(&self) -> bool {
        self.executable.is_some()
    }

    /// `html` printed to PDF. The browser is started on the first print and
    /// again when it has died; a print that finds it dead is tried once more
    /// with a new one.
    pub async fn print(&self, html: &str) -> Result<Vec<u8>, PdfError> {
        let executable = self.executable.as_deref().ok_or(PdfError::NoBrowser)?;
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        // Waiting for a turn is not the browser's fault: it is not killed for it.
        let _permit = tokio::time::timeout_at(deadline, self.permits.acquire())
            .await
            .map_err(|_| PdfError::TimedOut)?
            .map_err(|_| PdfError::Failed("the printer is shut down".into()))?;
        let attempts = async {
            let mut tries = 0;
            loop {
                tries += 1;
                let browser = self.browser(executable).await?;
                match browser.print(html).await {
                    Err(PdfError::Gone(why)) if tries == 1 => {
                        tracing::warn!(why = %why, "the PDF browser was gone; starting another");
                    }
                    other => return other,
                }
            }
        };
        let result = match tokio::time::timeout_at(deadline, attempts).await {
            Ok(result) => result,
            Err(_) => {
                self.discard().await;
                Err(PdfError::TimedOut)
            }
        };
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match &result {
            Ok(pdf) => tracing::info!(elapsed_ms, bytes = pdf.len(), "report printed to PDF"),
            Err(e) => tracing::warn!(elapsed_ms, error = %e, "report PDF print failed"),
        }
        result
    }

    /// The running browser, or a new one when there is none or it has died.
    async fn browser(&self, executable: &Path) -> Result<Arc<Browser>, PdfError> {
        let mut slot = self.browser.lock().await;
        if let Some(b) = slot.as_ref().filter(|b| b.is_open()) {
            return Ok(Arc::clone(b));
        }
        // The old one (if any) is killed and reaped as it is dropped.
        *slot = None;
        let started = Instant::now();
        let browser = Arc::new(Browser::launch(executable)?);
        let version = browser.call("Browser.getVersion", json!({}), None).await?;
        let product = version.get("product").and_then(Value::as_str).unwrap_or_default();
        tracing::info!(
            pid = browser.pid,
            product,
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "PDF browser started"
        );
        *slot = Some(Arc::clone(&browser));
        Ok(browser)
    }

    /// Kills the browser (a print under way fails); the next print starts another.
    async fn discard(&self) {
        self.browser.lock().await.take();
    }

    /// The running browser's process id, if one is running.
    pub async fn browser_pid(&self) -> Option<u32> {
        self.browser.lock().await.as_ref().filter(|b| b.is_open()).map(|b| b.pid)
    }

    /// Stops the browser, for a server that is stopping: asked to close
    /// first, so it takes its renderers with it, then killed if it has not.
    pub async fn shutdown(&self) {
        let Some(b) = self.browser.lock().await.take() else { return };
        // The answer may not come: the browser can close the pipe first.
        let _ = tokio::time::timeout(Duration::from_secs(2), b.call("Browser.close", json!({}), None)).await;
        for _ in 0..40 {
            if lock(&b.child).try_wait().ok().flatten().is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tracing::info!(pid = b.pid, "PDF browser stopped");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_browser_is_offline_headless_and_driven_over_a_pipe() {
        let args = arguments(Path::new("/t/p"));
        for flag in ["--headless", "--disable-extensions", "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND", "--remote-debugging-pipe", "--user-data-dir=/t/p"] {
            assert!(args.iter().any(|a| a == flag), "{flag}");
        }
        assert!(!args.iter().any(|a| a.starts_with("--remote-debugging-port")), "no port another process could reach");
    }

    #[test]
    fn profiles_of_processes_gone_are_swept_and_others_kept() {
        let parent = std::env::temp_dir().join(format!("beacon-sweep-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&parent).unwrap();
        let mine = Scratch::new(&parent).unwrap();
        let mut gone = std::process::Command::new("true").spawn().unwrap();
        gone.wait().unwrap();
        let stale = Scratch::new(&parent).unwrap();
        std::fs::write(stale.0.join(OWNER_FILE), gone.id().to_string()).unwrap();
        let unowned = parent.join(format!("{PROFILE_PREFIX}unowned"));
        std::fs::create_dir(&unowned).unwrap();
        sweep_stale_profiles(&parent);
        assert!(mine.0.exists() && unowned.exists());
        assert!(!stale.0.exists());
        let _ = std::fs::remove_dir_all(&parent);
    }

    #[test]
    fn the_print_has_backgrounds_and_no_browser_header() {
        let s = print_settings();
        assert_eq!(s["printBackground"], true);
        assert_eq!(s["displayHeaderFooter"], false);
    }

    #[tokio::test]
    async fn no_browser_says_what_to_install() {
        let err = Printer::new(PdfConfig { browser: None }).print("<p>x</p>").await.unwrap_err();
        assert!(matches!(err, PdfError::NoBrowser));
        assert!(err.to_string().contains("apt install chromium") && err.to_string().contains("BEACON_CHROMIUM"));
    }

    #[tokio::test]
    async fn a_browser_that_cannot_start_is_an_error_not_a_hang() {
        let printer = Printer::new(PdfConfig { browser: Some(PathBuf::from("/nonexistent/chromium")) });
        let err = printer.print("<p>x</p>").await.unwrap_err();
        assert!(matches!(err, PdfError::Gone(_)), "{err}");
        assert_eq!(printer.browser_pid().await, None);
    }
}
