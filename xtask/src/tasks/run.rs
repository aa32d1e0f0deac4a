//! `cargo xtask run`: everything needed to serve the API locally, then serve it.

use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context, Result};

use xtask::cmd::{self, step};
use xtask::pg::LocalPostgres;

use super::{bootstrap, cargo, rel, signals, wasm};

const DEFAULT_ADDR: &str = "127.0.0.1:8080";
const LOCAL_DB: &str = "beacon";
/// The local cluster's schema owner (migrations) and runtime role (the server).
const OWNER_ROLE: &str = "beacon_owner";
const RUNTIME_ROLE: &str = "beacon_runtime";

pub fn run(root: &Path) -> Result<i32> {
    let tools = bootstrap::bootstrap(root)?;
    // The API serves the wasm package (and the fixture parity checks need it).
    wasm::build(root, &tools)?;
    signals::check_interrupted()?;

    let beacon_dir = root.join(".beacon");
    let mut env: Vec<(&str, String)> = Vec::new();

    // Declared first so it is dropped (server stopped) last.
    let mut local_pg: Option<LocalPostgres> = None;
    let database_url = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            step("DATABASE_URL is set: using that server");
            url
        }
        _ => {
            let pg = LocalPostgres::start(&beacon_dir.join("pg"))?;
            pg.ensure_beacon_roles(LOCAL_DB, OWNER_ROLE, RUNTIME_ROLE)?;
            let url = pg.url_as(RUNTIME_ROLE, LOCAL_DB);
            let owner = pg.url_as(OWNER_ROLE, LOCAL_DB);
            step(format_args!("database: {url} (migrations as {OWNER_ROLE})"));
            env.push(("BEACON_MIGRATION_DATABASE_URL", owner));
            local_pg = Some(pg);
            url
        }
    };
    env.push(("DATABASE_URL", database_url.clone()));

    // The master key (wraps every record's data key) and the blind index key
    // are separate secrets; each is generated once under .beacon/ when unset.
    for (var, file, what, keep) in [
        ("BEACON_DATA_KEY", "data.key", "data key", "encrypted fields cannot be read without it"),
        ("BEACON_INDEX_KEY", "index.key", "blind index key", "encrypted fields cannot be read without it"),
        ("BEACON_AUDIT_KEY", "audit.key", "audit trail key", "the audit trail cannot be verified without it"),
    ] {
        match std::env::var(var) {
            Ok(key) if !key.is_empty() => step(format_args!("{var} is set: using it")),
            _ => {
                let key_path = beacon_dir.join(file);
                let key = ensure_data_key(&key_path)?;
                step(format_args!(
                    "{what}: {} (keep it: {keep})",
                    rel(root, &key_path)
                ));
                env.push((var, key));
            }
        }
    }

    signals::run(cargo(root).args(["build", "-p", "beacon-api", "--bin", "beacon"]))?;
    let beacon = xtask::target_dir().join("debug").join("beacon");

    // As the schema owner (BEACON_MIGRATION_DATABASE_URL, else DATABASE_URL): the runtime role cannot.
    let mut migrate = Command::new(&beacon);
    migrate
        .current_dir(root)
        .arg("migrate")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null());
    let status = signals::run_status(&mut migrate)?;
    if !status.success() {
        bail!("`beacon migrate` failed ({})", cmd::describe(status));
    }

    let mut keys = Command::new(&beacon);
    keys.current_dir(root)
        .args([
            "keys",
            "create",
            "--account",
            "Local coordinator",
            "--role",
            "coordinator",
        ])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    step(format_args!("$ {}", cmd::display(&keys)));
    let out = keys
        .output()
        .with_context(|| format!("could not start {}", beacon.display()))?;
    if !out.status.success() {
        bail!(
            "`{}` failed ({}):\n{}",
            cmd::display(&keys),
            cmd::describe(out.status),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let api_key = stdout
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .ok_or_else(|| anyhow!("`beacon keys create` printed no API key"))?
        .to_string();

    let addr = std::env::var("BEACON_ADDR")
        .ok()
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| DEFAULT_ADDR.to_string());
    print_banner(&api_key, &addr, &database_url, local_pg.is_some());

    let mut serve = Command::new(&beacon);
    serve
        .current_dir(root)
        .arg("serve")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    let status = signals::run_status(&mut serve)?;
    step(format_args!(
        "beacon serve exited ({})",
        cmd::describe(status)
    ));
    drop(local_pg);
    if signals::forwarded() {
        // Stopped on request (Ctrl-C): not a failure, whatever the server's exit status.
        return Ok(0);
    }
    Ok(cmd::exit_code(status))
}

/// A URL clients on this machine can use for a listen address (`0.0.0.0` → `127.0.0.1`).
fn client_base_url(addr: &str) -> String {
    let addr = if let Some(port) = addr.strip_prefix("0.0.0.0:") {
        format!("127.0.0.1:{port}")
    } else if let Some(port) = addr.strip_prefix("[::]:") {
        format!("[::1]:{port}")
    } else {
        addr.to_string()
    };
    format!("http://{addr}")
}

fn print_banner(api_key: &str, addr: &str, database_url: &str, local_db: bool) {
    let base = client_base_url(addr);
    let rule = "=".repeat(78);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\n{rule}\n\
         Beacon API: {base}   (docs: {base}/docs, spec: {base}/openapi.json)\n\
         \n\
         Coordinator API key for \"Local coordinator\" (shown once, only its hash is stored):\n\
         \n    {api_key}\n\
         \n\
         Try it:\n\
         \n    KEY='{api_key}'\n    curl -H \"Authorization: Bearer $KEY\" {base}/v1/codes\n\
         \n\
         Database: {database_url}{}\n\
         Ctrl-C stops the server{}.\n\
         {rule}\n",
        if local_db { " (local, .beacon/pg)" } else { "" },
        if local_db {
            " and the local PostgreSQL"
        } else {
            ""
        },
    );
    let _ = out.flush();
}

/// Reads the base64 data key at `path`, creating it (32 random bytes, mode 0600) if absent.
fn ensure_data_key(path: &Path) -> Result<String> {
    if path.exists() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("could not read {}", path.display()))?;
        let key = text.trim().to_string();
        if decoded_len(&key) != Some(32) {
            bail!(
                "{} does not hold a base64-encoded 32-byte key; delete it to generate a new one \
                 (data encrypted with the old key becomes unreadable)",
                path.display()
            );
        }
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
        return Ok(key);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("could not read /dev/urandom")?;
    let key = base64_standard(&bytes);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("could not create {}", path.display()))?;
    writeln!(file, "{key}").with_context(|| format!("could not write {}", path.display()))?;
    step(format_args!(
        "generated a local data key in {} (mode 0600)",
        path.display()
    ));
    Ok(key)
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64, standard alphabet, with padding.
fn base64_standard(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Length of the decoded bytes if `text` is well-formed standard base64.
fn decoded_len(text: &str) -> Option<usize> {
    if text.is_empty() || !text.len().is_multiple_of(4) {
        return None;
    }
    let padding = text.bytes().rev().take_while(|&b| b == b'=').count();
    if padding > 2 {
        return None;
    }
    let body = &text[..text.len() - padding];
    body.bytes()
        .all(|b| BASE64.contains(&b))
        .then(|| text.len() / 4 * 3 - padding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_standard(input.as_bytes()), expected);
        }
        assert_eq!(decoded_len(&base64_standard(&[7u8; 32])), Some(32));
        assert_eq!(decoded_len("not base64!"), None);
    }

    #[test]
    fn client_urls() {
        assert_eq!(client_base_url("127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(client_base_url("0.0.0.0:9000"), "http://127.0.0.1:9000");
    }
}
