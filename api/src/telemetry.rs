//! Structured logs. Request bodies and sealed values are never logged: the
//! only request data that reaches a log line is method, path and status.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init(filter: &str) {
    // tokio-postgres logs query parameters at debug level. Sealed values are
    // ciphertext by then, but nothing gains from parameters in logs: cap it.
    let filter = EnvFilter::try_new(format!("{filter},tokio_postgres=info"))
        .unwrap_or_else(|_| EnvFilter::new("info,tokio_postgres=info"));
    let _ = fmt().with_env_filter(filter).json().with_writer(std::io::stderr).try_init();
}
