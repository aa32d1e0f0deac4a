//! Every setting, read from the environment in one place.

use base64::Engine;
use std::net::SocketAddr;
use thiserror::Error;

#[derive(Debug, Error)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

fn bad(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        problem: problem.into(),
    }
}

/// The 32-byte master key that wraps every record's data key.
#[derive(Clone)]
pub struct MasterKey(pub [u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    pub data_key: MasterKey,
    pub log: String,
}

pub fn database_url() -> Result<String, ConfigError> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Ok(url),
        Ok(_) => Err(bad("DATABASE_URL", "must be a postgres:// URL")),
        Err(_) => Err(bad("DATABASE_URL", "is not set (e.g. postgres://user@localhost/beacon)")),
    }
}

pub fn data_key() -> Result<MasterKey, ConfigError> {
    let text = std::env::var("BEACON_DATA_KEY")
        .map_err(|_| bad("BEACON_DATA_KEY", "is not set (base64 of 32 random bytes: `openssl rand -base64 32`)"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| bad("BEACON_DATA_KEY", "is not valid base64"))?;
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|_| bad("BEACON_DATA_KEY", "must decode to exactly 32 bytes"))?;
    Ok(MasterKey(key))
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let addr = std::env::var("BEACON_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
        let addr = addr
            .parse()
            .map_err(|_| bad("BEACON_ADDR", "must be HOST:PORT, e.g. 127.0.0.1:8080"))?;
        Ok(Config {
            database_url: database_url()?,
            addr,
            data_key: data_key()?,
            log: std::env::var("BEACON_LOG").unwrap_or_else(|_| "info".into()),
        })
    }
}
