//! Structured logs. Request bodies and sealed values are never logged: the
//! only request data that reaches a log line is method, path and status.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = fmt().with_env_filter(filter).json().with_writer(std::io::stderr).try_init();
}
