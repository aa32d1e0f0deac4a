//! Building the app, separate from running it, so tests can bind port 0.

use crate::clock::Clock;
use crate::db::{self, DbPool};
use crate::error::ApiError;
use crate::security::crypto::Envelope;
use crate::security::policy::Policy;
use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;
use thiserror::Error;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

#[derive(Debug, Error)]
pub enum StartupError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("invalid access policy: {0}")]
    Policy(String),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("BEACON_AUDIT_KEY: {0}")]
    AuditKey(String),
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
}

pub struct Settings {
    /// The runtime role's URL: the pool's.
    pub database_url: String,
    /// The schema owner's URL: when set, migrations run through it at start;
    /// unset, the database must already be migrated (`beacon migrate`).
    pub migration_database_url: Option<String>,
    /// The audit trail's HMAC key (`BEACON_AUDIT_KEY`).
    pub audit_key: crate::config::AuditKey,
    /// The pool's size and wait, and every connection's timeouts.
    pub db: crate::config::DbConfig,
    pub envelope: Envelope,
    pub clock: Clock,
    /// Request budgets at the edge (`crate::edge::rate_limit`).
    pub limits: crate::config::RateLimits,
    /// Disclosure control of the statistics (`BEACON_STATS_K`).
    pub stats: crate::config::StatsConfig,
}

pub struct Application {
    port: u16,
    server: Server,
    /// Kept to stop its browser once the server has stopped.
    printer: web::Data<crate::pdf::Printer>,
}

/// No route matched: `405` with `Allow` when the path is a documented one asked with another
/// method (see `edge::methods`), otherwise `404`.
async fn not_found(
    req: actix_web::HttpRequest,
    known: web::Data<crate::edge::methods::KnownRoutes>,
) -> Result<actix_web::HttpResponse, ApiError> {
    match known.methods_of(req.path()) {
        Some(methods) if !methods.is_empty() && !methods.iter().any(|m| m == req.method().as_str()) => {
            Err(ApiError::MethodNotAllowed(methods))
        }
        _ => Err(ApiError::NotFound),
    }
}

impl Application {
    /// Migrates the database (as its owner, when given), then binds `listener` (port 0 in tests).
    pub async fn build(settings: Settings, listener: TcpListener) -> Result<Self, StartupError> {
        crate::security::audit::install_key(settings.audit_key.clone()).map_err(StartupError::AuditKey)?;
        if let Some(owner) = &settings.migration_database_url {
            db::migrate(owner).await?;
        }
        let pool: DbPool = db::pool(&settings.database_url, &settings.db)?;
        let port = listener.local_addr()?.port();
        let pool = web::Data::new(pool);
        let envelope = web::Data::new(settings.envelope);
        let clock = web::Data::new(settings.clock);
        // Read here rather than carried in `Settings`, whose builders (the CLI,
        // the test app) are being reworked; still only `config` reads the env.
        let stats = web::Data::new(settings.stats);
        // The PDF printer is found here, like `stats` once was, so the test app
        // and the CLI's `serve` need not carry it.
        let pdf = crate::config::PdfConfig::from_env()?;
        // Read here like the PDF printer's, so `Settings`' builders need not carry it.
        let dcf = web::Data::new(crate::config::DcfConfig::from_env()?);
        let public_url = web::Data::new(crate::config::PublicUrl::from_env()?);
        if pdf.browser.is_none() {
            tracing::warn!("no Chromium found: reports cannot be printed to PDF; {}", crate::pdf::INSTALL_HINT);
        }
        // One printer for every worker: its browser starts on the first PDF asked for.
        let printer = web::Data::new(crate::pdf::Printer::new(pdf));
        let kept = printer.clone();
        let document = crate::openapi::document();
        let policy = web::Data::new(Policy::from_openapi(&document).map_err(StartupError::Policy)?);
        let known = web::Data::new(crate::edge::methods::KnownRoutes::from_openapi(&document).map_err(StartupError::Policy)?);
        // One set of limiters shared by every worker.
        let intake_budgets = web::Data::new(crate::edge::intake_budget::IntakeBudgets::new(settings.limits.intake));
        let proxies = web::Data::new(settings.limits.trusted_proxies.clone());
        let rate_limit = crate::edge::rate_limit::RateLimit::new(settings.limits);
        let server = HttpServer::new(move || {
            let (app, api) = App::new()
                .into_utoipa_app()
                .openapi(crate::openapi::ApiDoc::openapi())
                .app_data(pool.clone())
                .app_data(envelope.clone())
                .app_data(clock.clone())
                .app_data(stats.clone())
                .app_data(printer.clone())
                .app_data(dcf.clone())
                .app_data(intake_budgets.clone())
                .app_data(proxies.clone())
                .app_data(public_url.clone())
                .app_data(policy.clone())
                .app_data(known.clone())
                .app_data(web::QueryConfig::default().error_handler(|_, _| {
                    ApiError::BadQuery(Vec::new()).into()
                }))
                .configure(crate::routes::configure)
                .split_for_parts();
            // The last `wrap` is the outermost; see `crate::edge`.
            app.wrap(crate::edge::cors::cors())
                .wrap(actix_web::middleware::from_fn(crate::edge::intake_cors::intake_cors))
                .wrap(rate_limit.clone())
                .wrap(actix_web::middleware::from_fn(crate::edge::headers::security_headers))
                .wrap(tracing_actix_web::TracingLogger::<crate::edge::logging::EdgeRootSpan>::new())
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", crate::openapi::with_shared_responses(api)))
                .service(web::redirect("/docs", "/docs/"))
                .default_service(web::to(not_found))
        })
        .listen(listener)?
        .run();
        Ok(Self { port, server, printer: kept })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> Result<(), std::io::Error> {
        let stopped = self.server.await;
        self.printer.shutdown().await;
        stopped
    }
}
