//! Shared state of the web layer: the database, the clock and the configuration.

use std::sync::Arc;

use nintei_store::Db;
use nintei_store::throttle::ThrottlePolicy;

use crate::clock::Clock;
use crate::outbox::SmtpConfig;

/// Uploaded files next to the default SQLite database (`nintei-data/nintei.db`).
pub const DEFAULT_FILES_DIR: &str = "nintei-data/files";
/// 20 MiB.
pub const DEFAULT_UPLOAD_LIMIT: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    pub throttle: ThrottlePolicy,
    /// Issuer shown by authenticator apps.
    pub totp_issuer: String,
    /// Largest accepted request body, bytes.
    pub body_limit: usize,
    /// Demo mode shows the demo accounts on the login page.
    pub demo: bool,
    /// The SMTP server for outgoing mail; without one, mail stays in the outbox (送信メール).
    pub smtp: Option<SmtpConfig>,
    /// The address people reach nintei at, for links in mail, calendar feeds and the certificate's QR code.
    pub base_url: String,
    /// Where uploaded files are stored (outside the database, named by their SHA-256).
    pub files_dir: std::path::PathBuf,
    /// Largest accepted upload, bytes (20 MiB by default).
    pub upload_limit: usize,
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-For` is believed (none by default).
    pub trusted_proxies: crate::proxy::TrustedProxies,
}

impl Config {
    /// The public address of `path` on this site (for links in mail, feeds and documents).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.trim_end_matches('/'))
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: false,
            throttle: ThrottlePolicy::default(),
            totp_issuer: "nintei".into(),
            body_limit: 1024 * 1024,
            demo: false,
            smtp: None,
            base_url: "http://127.0.0.1:8080".into(),
            files_dir: std::path::PathBuf::from(DEFAULT_FILES_DIR),
            upload_limit: DEFAULT_UPLOAD_LIMIT,
            trusted_proxies: crate::proxy::TrustedProxies::default(),
        }
    }
}

/// The state every request shares: one reference count to move per request (axum clones the state for each
/// handler), whatever the number of parts.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Parts>);

impl std::ops::Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

#[derive(Debug)]
pub struct Parts {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    /// Public directory query results (validated by the directory's generation in the database).
    pub public_cache: Arc<crate::public_cache::PublicCache>,
    /// Verifications counted since the last flush (kept in memory: a check writes nothing on the request path).
    pub verifications: Arc<crate::directory::VerificationCounts>,
    /// Standards catalogs by version (immutable once stored).
    pub catalogs: Arc<crate::acc::CatalogCache>,
    /// The office's date style as screens last read it (`settings::date_style`).
    pub date_style: Arc<crate::settings::DateStyleCache>,
}

impl AppState {
    /// A state over `db` with empty caches and counters.
    pub fn new(db: Db, clock: Arc<dyn Clock>, config: Config) -> Self {
        AppState(Arc::new(Parts {
            db,
            clock,
            config: Arc::new(config),
            public_cache: Default::default(),
            verifications: Default::default(),
            catalogs: Default::default(),
            date_style: Default::default(),
        }))
    }
}
