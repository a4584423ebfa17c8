//! The use cases of nintei: every state change and every read model that the JSON API, the screens, the CLI,
//! the job worker and the demo loader use. It sits between `nintei-web` (HTTP only) and `nintei-store` (SQL),
//! calls the rules of `nintei-domain` and the documents of `nintei-docs`, and knows nothing of HTTP: its
//! [`error::AppError`] says what went wrong, and the web layer decides which status or page that is.
//!
//! Modules follow the domain's names (`acc::case`, `acc::record`, `reg`, `directory`, `outbox`, …), so a rule's
//! behaviour is found at the same path in every layer.

pub mod acc;
pub mod account;
pub mod caller;
pub mod clock;
pub mod conflicts;
pub mod dashboard;
pub mod deadline;
pub mod demo;
pub mod demo_scale;
pub mod directory;
pub mod documents;
pub mod error;
pub mod exports;
pub mod hashing;
pub mod health;
pub mod history;
pub mod idempotency;
pub mod input;
pub mod jobs;
pub mod login;
pub mod lookup;
pub mod onboarding;
pub mod open_data;
pub mod org;
pub mod outbox;
pub mod proxy;
pub mod public_cache;
pub mod recovery;
pub mod reg;
pub mod reminders;
pub mod security;
pub mod session;
pub mod settings;
pub mod state;
pub mod tasks;
pub mod tokens;

pub use caller::Caller;
pub use error::{AppError, AppResult, FieldError};
pub use state::{AppState, Config};
