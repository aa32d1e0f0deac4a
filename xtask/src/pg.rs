//! A local, throwaway PostgreSQL cluster for development and tests.
//!
//! [`LocalPostgres::start`] (or [`LocalPostgres::start_for_tests`]) finds the server binaries
//! (installing them with apt-get when running as root on Debian), initialises a cluster in the
//! given data directory if there is none yet (superuser `postgres`, trust authentication, listening
//! on 127.0.0.1 only), starts it with `pg_ctl -w`, and hands back connection URLs. A server that is
//! already running on that data directory (left over from an earlier run) is reused. Dropping the
//! value stops the server, but only if this value started it.
//!
//! When running as root (CI, containers), `initdb` and the server run as the `postgres` system
//! user through `runuser`, since PostgreSQL refuses to run as root.
//!
//! Layout, for a data directory `P/NAME`:
//! - `P/NAME/`: the cluster; `P/NAME/xtask.conf` holds the settings written at each start (port,
//!   listen address, socket directory, durability), `P/NAME/server.log` the server log;
//! - `P/NAME-sock/`: the unix socket directory;
//! - `P/.NAME.lock`: serialises concurrent starts of the same cluster.

use std::fs::{self, File};
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};

use crate::cmd::{self, step};
use crate::sys::{self, User};

/// The superuser created by `initdb` (and the system user the server runs as under root).
pub const SUPERUSER: &str = "postgres";

/// Settings file (inside the data directory) rewritten at every start.
const CONF_FILE: &str = "xtask.conf";
/// Server log (inside the data directory).
const LOG_FILE: &str = "server.log";
/// Binaries a directory must hold to run a cluster.
const SERVER_BINARIES: [&str; 3] = ["initdb", "pg_ctl", "postgres"];
/// libpq / server environment variables that must not leak into our commands.
const PG_ENV: [&str; 9] = [
    "PGDATA",
    "PGHOST",
    "PGHOSTADDR",
    "PGPORT",
    "PGUSER",
    "PGDATABASE",
    "PGOPTIONS",
    "PGSERVICE",
    "PGSERVICEFILE",
];
/// A unix socket path (`DIR/.s.PGSQL.65535`) must fit in `sun_path` (108 bytes with the NUL).
const MAX_SOCKET_DIR_LEN: usize = 107 - "/.s.PGSQL.65535".len();

const INSTALL_HINT: &str = "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. \
Install them (Debian/Ubuntu: `sudo apt-get install -y postgresql`), or set PG_BINDIR to the \
directory holding them, or set DATABASE_URL to use a PostgreSQL server you already run.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Profile {
    /// Durable settings, for `cargo xtask run`.
    Dev,
    /// `fsync=off` and friends: fast, and fine to lose on a crash.
    Test,
}

/// A PostgreSQL server on 127.0.0.1 backed by a local data directory.
#[derive(Debug)]
pub struct LocalPostgres {
    bindir: PathBuf,
    data_dir: PathBuf,
    port: u16,
    /// `Some` when we are root: server-side binaries run as this user through `runuser`.
    run_as: Option<User>,
    /// Whether this value started the server (and so stops it when dropped).
    started_here: bool,
}

impl LocalPostgres {
    /// Starts (initialising if needed) a cluster with durable settings in `data_dir`, or reuses
    /// the server already running on it.
    pub fn start(data_dir: &Path) -> Result<LocalPostgres> {
        Self::start_with(data_dir, Profile::Dev)
    }

    /// Like [`LocalPostgres::start`], for a test cluster: `fsync`, `synchronous_commit` and
    /// `full_page_writes` off, more connections. Never use it for data you want to keep.
    pub fn start_for_tests(data_dir: &Path) -> Result<LocalPostgres> {
        Self::start_with(data_dir, Profile::Test)
    }

    fn start_with(data_dir: &Path, profile: Profile) -> Result<LocalPostgres> {
        let data_dir = std::path::absolute(data_dir)
            .with_context(|| format!("bad data directory {}", data_dir.display()))?;
        let parent = data_dir
            .parent()
            .ok_or_else(|| anyhow!("data directory {} has no parent", data_dir.display()))?
            .to_path_buf();
        if data_dir.file_name().is_none() {
            bail!("data directory {} has no name", data_dir.display());
        }
        let bindir = ensure_bindir()?;
        let run_as = if sys::is_root() {
            if cmd::which("runuser").is_none() {
                bail!(
                    "running as root: PostgreSQL must run as the `{SUPERUSER}` user, \
                     but `runuser` (util-linux) is missing; install util-linux or run as a normal user"
                );
            }
            let user = sys::lookup_user(SUPERUSER).ok_or_else(|| {
                anyhow!(
                    "running as root: PostgreSQL must run as the `{SUPERUSER}` system user, which \
                     does not exist; install PostgreSQL with `apt-get install -y postgresql` (it \
                     creates the user) or create it: `adduser --system --group {SUPERUSER}`"
                )
            })?;
            Some(user)
        } else {
            None
        };

        fs::create_dir_all(&parent)
            .with_context(|| format!("could not create {}", parent.display()))?;
        if let Some(user) = &run_as {
            ensure_traversable(&parent, user)?;
        }

        let mut pg = LocalPostgres {
            bindir,
            data_dir,
            port: 0,
            run_as,
            started_here: false,
        };

        // One start at a time per cluster (e.g. two test binaries, or `run` and `test`).
        let lock_path = parent.join(format!(".{}.lock", pg.name()));
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("could not open {}", lock_path.display()))?;
        lock.lock()
            .with_context(|| format!("could not lock {}", lock_path.display()))?;

        pg.remove_stale_pid_file()?;
        if pg.is_running()? {
            pg.port = pg.running_port()?;
            pg.wait_ready(Duration::from_secs(60))?;
            step(format_args!(
                "PostgreSQL already running on 127.0.0.1:{} (data: {}); reusing it",
                pg.port,
                pg.data_dir.display()
            ));
            return Ok(pg);
        }

        if !pg.data_dir.join("PG_VERSION").is_file() {
            pg.init(profile)?;
        }
        let previous = pg.configured_port();
        pg.port = pick_port(previous)?;
        if let Some(previous) = previous.filter(|&p| p != pg.port) {
            step(format_args!(
                "port {previous} is taken; PostgreSQL moves to {}",
                pg.port
            ));
        }
        pg.write_conf(profile)?;
        pg.pg_ctl_start()?;
        pg.started_here = true;
        drop(lock);
        Ok(pg)
    }

    /// `postgres://postgres@127.0.0.1:PORT/DB`.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@127.0.0.1:{}/{}",
            self.port,
            percent_encode(db)
        )
    }

    /// `postgres://ROLE@127.0.0.1:PORT/DB` (trust authentication: no password).
    pub fn url_as(&self, role: &str, db: &str) -> String {
        format!(
            "postgres://{}@127.0.0.1:{}/{}",
            percent_encode(role),
            self.port,
            percent_encode(db)
        )
    }

    /// Beacon's two roles, idempotently: `OWNER` (runs the migrations, owns database `db` and
    /// everything in it, taking over what an earlier run created as the superuser) and
    /// `RUNTIME` (what the server connects as; the migrations grant it its rights).
    pub fn ensure_beacon_roles(&self, db: &str, owner: &str, runtime: &str) -> Result<()> {
        for role in [owner, runtime] {
            self.psql(
                "postgres",
                &format!(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {lit}) \
                     THEN CREATE ROLE {id} LOGIN; END IF; END $$; ALTER ROLE {id} LOGIN",
                    lit = quote_literal(role),
                    id = quote_ident(role)
                ),
            )
            .with_context(|| format!("could not create the role {role}"))?;
        }
        self.create_database(db)?;
        let owner_id = quote_ident(owner);
        let owner_lit = quote_literal(owner);
        self.psql("postgres", &format!("ALTER DATABASE {} OWNER TO {owner_id}", quote_ident(db)))?;
        // Sequences of a table follow it; the second loop takes any left.
        self.psql(
            db,
            &format!(
                "DO $$ DECLARE r record; BEGIN                  FOR r IN SELECT format('ALTER TABLE public.%I OWNER TO %I', c.relname, {owner_lit}) AS s                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') AND pg_get_userbyid(c.relowner) <> {owner_lit}                  LOOP EXECUTE r.s; END LOOP;                  FOR r IN SELECT format('ALTER SEQUENCE public.%I OWNER TO %I', c.relname, {owner_lit}) AS s                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace                    WHERE n.nspname = 'public' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> {owner_lit}                  LOOP EXECUTE r.s; END LOOP;                  FOR r IN SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, {owner_lit}) AS s                    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace                    WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> {owner_lit}                  LOOP EXECUTE r.s; END LOOP; END $$"
            ),
        )
        .with_context(|| format!("could not give database {db}'s objects to {owner}"))?;
        Ok(())
    }

    /// The TCP port the server listens on (127.0.0.1 only).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster's data directory (absolute).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The directory of the PostgreSQL binaries in use.
    pub fn bindir(&self) -> &Path {
        &self.bindir
    }

    /// Whether this value started the server (and will stop it when dropped).
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// Leaves the server running when this value is dropped (the next start reuses it).
    pub fn keep_running(&mut self) {
        self.started_here = false;
    }

    /// Stops the server now if this value started it, reporting failure (dropping does the same
    /// but can only print errors).
    pub fn stop(mut self) -> Result<()> {
        self.stop_inner()
    }

    /// Creates database `name` unless it exists (owner: the `postgres` superuser).
    pub fn create_database(&self, name: &str) -> Result<()> {
        if self.database_exists(name)? {
            return Ok(());
        }
        match self.psql(
            "postgres",
            &format!("CREATE DATABASE {}", quote_ident(name)),
        ) {
            Ok(_) => Ok(()),
            // Someone else created it between our check and our CREATE.
            Err(_) if self.database_exists(name)? => Ok(()),
            Err(e) => Err(e.context(format!("could not create database {name}"))),
        }
    }

    /// Drops database `name` if it exists, disconnecting its sessions.
    pub fn drop_database(&self, name: &str) -> Result<()> {
        self.psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name)),
        )
        .with_context(|| format!("could not drop database {name}"))?;
        Ok(())
    }

    /// Whether database `name` exists.
    pub fn database_exists(&self, name: &str) -> Result<bool> {
        let out = self.psql(
            "postgres",
            &format!(
                "SELECT 1 FROM pg_database WHERE datname = {}",
                quote_literal(name)
            ),
        )?;
        Ok(out.trim() == "1")
    }

    /// Runs SQL with `psql` (from the same bindir) against database `db` as the superuser and
    /// returns the unaligned, tuples-only output.
    pub fn psql(&self, db: &str, sql: &str) -> Result<String> {
        let mut cmd = Command::new(self.client_binary("psql"));
        cmd.args(["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d"])
            .arg(self.url(db))
            .arg("-c")
            .arg(sql)
            .env("PGCONNECT_TIMEOUT", "10");
        for var in PG_ENV {
            cmd.env_remove(var);
        }
        let out = cmd::output(&mut cmd)?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    // ---- internals -------------------------------------------------------------------------

    fn name(&self) -> String {
        self.data_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "pg".to_string())
    }

    fn parent(&self) -> &Path {
        self.data_dir.parent().unwrap_or_else(|| Path::new("/"))
    }

    /// `PARENT/NAME-sock`, or `None` when that path is too long for a unix socket.
    fn socket_dir(&self) -> Option<PathBuf> {
        let dir = self.parent().join(format!("{}-sock", self.name()));
        (dir.as_os_str().len() <= MAX_SOCKET_DIR_LEN).then_some(dir)
    }

    /// A server-side binary from the bindir, run as the `postgres` user when we are root.
    fn server_cmd(&self, program: &str) -> Command {
        let bin = self.bindir.join(program);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(&user.name).arg("--").arg(bin);
                c
            }
            None => Command::new(bin),
        };
        // The postgres user must be able to enter the working directory.
        cmd.current_dir(self.parent());
        for var in PG_ENV {
            cmd.env_remove(var);
        }
        cmd
    }

    /// A client binary from the bindir, else from PATH.
    fn client_binary(&self, program: &str) -> PathBuf {
        let in_bindir = self.bindir.join(program);
        if cmd::is_executable(&in_bindir) {
            in_bindir
        } else {
            PathBuf::from(program)
        }
    }

    /// Makes `path` (a file or directory we created as root) belong to the server's user.
    fn give_to_server_user(&self, path: &Path) -> Result<()> {
        if let Some(user) = &self.run_as {
            std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
                .with_context(|| format!("could not chown {} to {}", path.display(), user.name))?;
        }
        Ok(())
    }

    /// `pg_ctl status`: exit 0 running, 3 not running, 4 no (accessible) data directory.
    fn is_running(&self) -> Result<bool> {
        if !self.data_dir.join("PG_VERSION").is_file() {
            return Ok(false);
        }
        let mut cmd = self.server_cmd("pg_ctl");
        cmd.arg("status").arg("-D").arg(&self.data_dir);
        let out = cmd::capture(&mut cmd)?;
        match out.status.code() {
            Some(0) => Ok(true),
            Some(3) => Ok(false),
            _ => bail!(
                "`{}` failed ({}):\n{}{}",
                cmd::display(&cmd),
                cmd::describe(out.status),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }

    /// Removes `postmaster.pid` when the process it names is gone, a zombie (a killed server
    /// whose parent never reaped it, e.g. in a container without an init) or not a PostgreSQL
    /// process (pid reused): `pg_ctl` and the server would otherwise take it for a live server.
    /// Only decided through `/proc`; elsewhere the file is left to PostgreSQL's own checks.
    fn remove_stale_pid_file(&self) -> Result<()> {
        let path = self.data_dir.join("postmaster.pid");
        let Ok(text) = fs::read_to_string(&path) else {
            return Ok(());
        };
        if !Path::new("/proc/self/stat").exists() {
            return Ok(());
        }
        let Some(pid) = text
            .lines()
            .next()
            .and_then(|l| l.trim().parse::<u32>().ok())
        else {
            return Ok(());
        };
        let proc_dir = PathBuf::from(format!("/proc/{pid}"));
        let state = fs::read_to_string(proc_dir.join("stat"))
            .ok()
            .and_then(|stat| {
                // "pid (comm) S ...": the state follows the last ')'.
                let after = &stat[stat.rfind(')')? + 1..];
                after.split_whitespace().next().map(str::to_string)
            });
        let comm = fs::read_to_string(proc_dir.join("comm")).unwrap_or_default();
        let live_postgres = matches!(state.as_deref(), Some(s) if s != "Z" && s != "X")
            && (comm.starts_with("postgres") || comm.starts_with("postmaster"));
        if !live_postgres {
            step(format_args!(
                "removing stale {} (process {pid} is gone)",
                path.display()
            ));
            fs::remove_file(&path)
                .with_context(|| format!("could not remove stale {}", path.display()))?;
        }
        Ok(())
    }

    /// Lines of `postmaster.pid`: pid, data dir, start time, port, socket dir, listen address,
    /// shared memory key, status.
    fn postmaster_pid_line(&self, index: usize) -> Result<String> {
        let path = self.data_dir.join("postmaster.pid");
        let text = fs::read_to_string(&path)
            .with_context(|| format!("could not read {}", path.display()))?;
        Ok(text
            .lines()
            .nth(index)
            .map(|l| l.trim().to_string())
            .unwrap_or_default())
    }

    fn running_port(&self) -> Result<u16> {
        let line = self.postmaster_pid_line(3)?;
        line.parse().with_context(|| {
            format!(
                "unexpected port line {line:?} in {}/postmaster.pid",
                self.data_dir.display()
            )
        })
    }

    /// Waits until the running server's postmaster.pid says `ready`.
    fn wait_ready(&self, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let status = self.postmaster_pid_line(7).unwrap_or_default();
            if status == "ready" {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "PostgreSQL in {} is running but not ready after {}s (status {status:?})",
                    self.data_dir.display(),
                    timeout.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// `initdb` into a temporary sibling directory, then rename it into place, so an interrupted
    /// initialisation never leaves a half-made cluster behind.
    fn init(&self, profile: Profile) -> Result<()> {
        if self.data_dir.exists() {
            let empty = fs::read_dir(&self.data_dir)
                .with_context(|| format!("could not read {}", self.data_dir.display()))?
                .next()
                .is_none();
            if !empty {
                bail!(
                    "{} exists but holds no PostgreSQL cluster (no PG_VERSION); move it away or \
                     delete it and try again",
                    self.data_dir.display()
                );
            }
        }
        let tmp = self.parent().join(format!(".{}.initdb", self.name()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp)
                .with_context(|| format!("could not remove {}", tmp.display()))?;
        }
        fs::create_dir(&tmp).with_context(|| format!("could not create {}", tmp.display()))?;
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o700))?;
        self.give_to_server_user(&tmp)?;

        let mut cmd = self.server_cmd("initdb");
        cmd.arg("-D")
            .arg(&tmp)
            .arg(format!("--username={SUPERUSER}"))
            .args(["--auth=trust", "--encoding=UTF8", "--no-locale"]);
        if profile == Profile::Test {
            cmd.arg("--no-sync");
        }
        step(format_args!(
            "initialising a PostgreSQL cluster in {}{}: {}",
            self.data_dir.display(),
            match &self.run_as {
                Some(user) => format!(" (as the {} user)", user.name),
                None => String::new(),
            },
            cmd::display(&cmd)
        ));
        cmd::output(&mut cmd)?;

        let conf = tmp.join("postgresql.conf");
        let mut file = File::options()
            .append(true)
            .open(&conf)
            .with_context(|| format!("could not open {}", conf.display()))?;
        writeln!(
            file,
            "\n# Added by xtask (LocalPostgres): port, listen address and durability are set at \
             every start in {CONF_FILE}.\ninclude_if_exists = '{CONF_FILE}'"
        )?;

        if self.data_dir.exists() {
            fs::remove_dir(&self.data_dir)
                .with_context(|| format!("could not remove empty {}", self.data_dir.display()))?;
        }
        fs::rename(&tmp, &self.data_dir).with_context(|| {
            format!(
                "could not move {} to {}",
                tmp.display(),
                self.data_dir.display()
            )
        })?;
        Ok(())
    }

    /// The port recorded by the previous start, if any.
    fn configured_port(&self) -> Option<u16> {
        let text = fs::read_to_string(self.data_dir.join(CONF_FILE)).ok()?;
        text.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "port")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
    }

    fn write_conf(&self, profile: Profile) -> Result<()> {
        let socket_dirs = match self.socket_dir() {
            Some(dir) => {
                fs::create_dir_all(&dir)
                    .with_context(|| format!("could not create {}", dir.display()))?;
                fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))?;
                self.give_to_server_user(&dir)?;
                dir.to_string_lossy().into_owned()
            }
            // Path too long for a socket: TCP only.
            None => String::new(),
        };
        let mut conf = format!(
            "# Written by xtask (LocalPostgres) at every start; edits are overwritten.\n\
             listen_addresses = '127.0.0.1'\n\
             port = {}\n\
             unix_socket_directories = '{}'\n",
            self.port,
            socket_dirs.replace('\'', "''")
        );
        match profile {
            Profile::Dev => {}
            Profile::Test => conf.push_str(
                "# Test cluster: durability off (fast; data may be lost on a crash).\n\
                 fsync = off\n\
                 synchronous_commit = off\n\
                 full_page_writes = off\n\
                 max_connections = 200\n",
            ),
        }
        let path = self.data_dir.join(CONF_FILE);
        fs::write(&path, conf).with_context(|| format!("could not write {}", path.display()))?;
        self.give_to_server_user(&path)
    }

    fn pg_ctl_start(&self) -> Result<()> {
        let log = self.data_dir.join(LOG_FILE);
        let mut cmd = self.server_cmd("pg_ctl");
        cmd.arg("start")
            .arg("-w")
            .args(["-t", "120", "-s"])
            .arg("-D")
            .arg(&self.data_dir)
            .arg("-l")
            .arg(&log);
        let out = cmd::capture(&mut cmd)?;
        if !out.status.success() {
            bail!(
                "could not start PostgreSQL: `{}` failed ({}):\n{}{}\nlast lines of {}:\n{}",
                cmd::display(&cmd),
                cmd::describe(out.status),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                log.display(),
                tail(&log, 20)
            );
        }
        step(format_args!(
            "PostgreSQL started on 127.0.0.1:{} (data: {}, log: {})",
            self.port,
            self.data_dir.display(),
            log.display()
        ));
        Ok(())
    }

    fn stop_inner(&mut self) -> Result<()> {
        if !self.started_here {
            return Ok(());
        }
        self.started_here = false;
        let mut cmd = self.server_cmd("pg_ctl");
        cmd.arg("stop")
            .args(["-m", "fast", "-w", "-t", "60", "-s"])
            .arg("-D")
            .arg(&self.data_dir);
        step(format_args!(
            "stopping PostgreSQL on 127.0.0.1:{} ({})",
            self.port,
            self.data_dir.display()
        ));
        cmd::output(&mut cmd)?;
        Ok(())
    }
}

impl Drop for LocalPostgres {
    fn drop(&mut self) {
        if let Err(e) = self.stop_inner() {
            eprintln!("xtask: warning: could not stop PostgreSQL: {e:#}");
        }
    }
}

/// Whether `dir` holds `initdb`, `pg_ctl` and `postgres`.
pub fn has_server_binaries(dir: &Path) -> bool {
    SERVER_BINARIES
        .iter()
        .all(|bin| cmd::is_executable(&dir.join(bin)))
}

/// Finds the PostgreSQL server binaries without installing anything: `PG_BINDIR`, else
/// `pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin`, else the directory of
/// `pg_ctl` on `PATH`.
pub fn find_bindir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BINDIR").filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        return has_server_binaries(&dir).then_some(dir);
    }
    if let Some(dir) = cmd::probe(Command::new("pg_config").arg("--bindir")) {
        let dir = PathBuf::from(dir);
        if has_server_binaries(&dir) {
            return Some(dir);
        }
    }
    if let Some(dir) = newest_debian_bindir(Path::new("/usr/lib/postgresql")) {
        return Some(dir);
    }
    let pg_ctl = cmd::which("pg_ctl")?;
    let pg_ctl = fs::canonicalize(&pg_ctl).unwrap_or(pg_ctl);
    let dir = pg_ctl.parent()?.to_path_buf();
    has_server_binaries(&dir).then_some(dir)
}

fn newest_debian_bindir(root: &Path) -> Option<PathBuf> {
    let mut found: Vec<(Vec<u32>, PathBuf)> = fs::read_dir(root)
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let version = name
                .split('.')
                .map(|part| part.parse::<u32>().ok())
                .collect::<Option<Vec<u32>>>()?;
            let bin = entry.path().join("bin");
            has_server_binaries(&bin).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// Like [`find_bindir`], but installs PostgreSQL with apt-get when missing and running as root
/// (printing what it does); otherwise fails with the command to run.
pub fn ensure_bindir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BINDIR").filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        if has_server_binaries(&dir) {
            return Ok(dir);
        }
        bail!(
            "PG_BINDIR={} does not contain initdb, pg_ctl and postgres",
            dir.display()
        );
    }
    if let Some(dir) = find_bindir() {
        return Ok(dir);
    }
    if !cmd::can_apt_install() {
        bail!("{INSTALL_HINT}");
    }
    step("PostgreSQL server not found; installing it: apt-get update && apt-get install -y postgresql");
    cmd::apt_install(&["postgresql"])?;
    find_bindir().ok_or_else(|| {
        anyhow!(
            "installed the postgresql package but still found no server binaries \
             (looked in pg_config --bindir, /usr/lib/postgresql/*/bin, PATH); set PG_BINDIR"
        )
    })
}

/// Makes every directory from `/` down to `dir` searchable (x) by `user`, so the server can
/// reach its data directory (e.g. a checkout under `/root`, which is 0700). Prints each change.
fn ensure_traversable(dir: &Path, user: &User) -> Result<()> {
    let dir = fs::canonicalize(dir).with_context(|| format!("bad path {}", dir.display()))?;
    let mut chain: Vec<&Path> = dir.ancestors().collect();
    chain.reverse();
    for ancestor in chain {
        let meta = fs::metadata(ancestor)
            .with_context(|| format!("could not stat {}", ancestor.display()))?;
        let mode = meta.permissions().mode();
        let bit = if meta.uid() == user.uid {
            0o100
        } else if meta.gid() == user.gid {
            0o010
        } else {
            0o001
        };
        if mode & bit == 0 {
            step(format_args!(
                "making {} searchable for the {} user (chmod {:o} -> {:o})",
                ancestor.display(),
                user.name,
                mode & 0o7777,
                (mode | bit) & 0o7777
            ));
            fs::set_permissions(ancestor, fs::Permissions::from_mode(mode | bit))
                .with_context(|| format!("could not chmod {}", ancestor.display()))?;
        }
    }
    Ok(())
}

/// The previous port when it is still free, else a free one chosen by the kernel.
fn pick_port(previous: Option<u16>) -> Result<u16> {
    if let Some(port) = previous {
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    let listener = TcpListener::bind(("127.0.0.1", 0)).context("could not find a free port")?;
    Ok(listener.local_addr()?.port())
}

fn tail(path: &Path, lines: usize) -> String {
    match fs::read_to_string(path) {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(could not read it: {e})"),
    }
}

/// `"name"`, doubling embedded quotes.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'`, doubling embedded quotes (standard_conforming_strings is on).
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote_ident(r#"a"b"#), r#""a""b""#);
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(percent_encode("beacon_test-1"), "beacon_test-1");
        assert_eq!(percent_encode("a b/c"), "a%20b%2Fc");
    }

    #[test]
    fn picks_newest_debian_version() -> Result<()> {
        let root = std::env::temp_dir().join(format!("xtask-bindir-{}", std::process::id()));
        for version in ["9.6", "13", "15", "bogus"] {
            let bin = root.join(version).join("bin");
            fs::create_dir_all(&bin)?;
            for name in SERVER_BINARIES {
                fs::write(bin.join(name), "")?;
                fs::set_permissions(bin.join(name), fs::Permissions::from_mode(0o755))?;
            }
        }
        let found = newest_debian_bindir(&root);
        fs::remove_dir_all(&root)?;
        assert_eq!(found, Some(root.join("15").join("bin")));
        Ok(())
    }
}
