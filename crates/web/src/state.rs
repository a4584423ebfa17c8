//! Shared state of the web layer: the database, the clock and the configuration.

use std::sync::Arc;

use nintei_store::Db;
use nintei_store::throttle::ThrottlePolicy;

use crate::clock::Clock;
use crate::mail::SmtpConfig;

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
        }
    }
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
}
