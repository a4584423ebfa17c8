//! Registration of counseling institutions (REG): the operations shared by the API (`web/src/api/reg`) and the
//! screens (`web/src/ui/reg`): validation with field names, authorization, one audited transaction per state
//! change, conditional updates so that of two concurrent transitions exactly one wins (the other gets 409). One file
//! per part of the scheme, named as in the domain crate.

pub mod application;
pub mod case;
pub mod changes;
pub mod deregistration;
pub mod files;
pub mod hearing;
pub mod hub;
pub mod notices;
pub mod registration;
pub mod training;
pub mod validity;

pub use application::*;
pub use changes::*;
pub use deregistration::*;
pub use training::*;
pub use validity::*;

use chrono::NaiveDate;
use nintei_domain::reg::status::Status;
use nintei_store::reg_changes::{self};
use nintei_store::registrations::{self, Registration};
use nintei_store::{AuditEvent, StoreError, Tx, audit};
use serde_json::{Value, json};

use crate::error::{AppError, AppResult, FieldError};

/// Longest free text (reasons, summaries, report messages, disclosure items).
pub const LONG_TEXT: usize = crate::input::TEXT_MAX;
/// Longest name or short text.
pub const SHORT_TEXT: usize = crate::input::SHORT_TEXT_MAX;

// ---------------------------------------------------------------------------------------------------------------
// Field checks

/// Collects field errors while a request is parsed.
#[derive(Default)]
pub struct Check {
    pub errors: Vec<FieldError>,
}

impl Check {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    pub fn finish(self) -> AppResult<()> {
        crate::input::invalid(self.errors)
    }

    /// A `YYYY-MM-DD` date that is not after `today` (dates of things that happened, API.md conventions).
    pub fn past_date(&mut self, field: &str, value: &str, today: NaiveDate) -> Option<NaiveDate> {
        crate::input::past_day(&mut self.errors, field, value, today)
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        crate::input::parse_day(&mut self.errors, field, value)
    }

    /// `later` must not be before `earlier` (dates in order with the case's earlier dates).
    pub fn not_before(&mut self, field: &str, later: Option<NaiveDate>, earlier: NaiveDate, what: &str) {
        if let Some(l) = later {
            crate::input::not_before(&mut self.errors, field, l, Some((earlier, what)));
        }
    }

    /// Required text: trimmed, not empty, at most `max` characters, no control characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        crate::input::required_text(&mut self.errors, field, value, max)
    }

    /// Text that may be empty (an empty disclosure item is a finding, not an input error).
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> String {
        crate::input::optional_text(&mut self.errors, field, Some(value), max).unwrap_or_default()
    }
}

/// Maps the domain's malformed-application errors (unknown criteria code, nameless person) to field errors.
fn invalid_to_fields(check: &mut Check, e: &nintei_domain::reg::application::InvalidApplication) {
    for err in &e.errors {
        check.add(err.field(), err.to_string());
    }
}

/// Moves a registration from the status it was read in to `to` (conditional on its version, so a concurrent change
/// wins and this returns false) and keeps the public directory in step in the same transaction (REG-5, REG-8).
async fn move_registration(
    tx: &mut Tx,
    reg: &Registration,
    to: Status,
    ended: Option<(NaiveDate, &str)>,
    now: i64,
) -> AppResult<bool> {
    if !registrations::set_status(tx, &reg.id, reg.version, reg.status, to, ended, now).await? {
        return Ok(false);
    }
    crate::directory::reindex_registration(tx, &reg.number).await?;
    // a registration that ended owes no renewal (REG-4 deadline waived with the reason).
    if !to.is_in_force() {
        let reason = ended.map_or_else(|| to.label_ja().to_owned(), |(_, why)| why.to_owned());
        crate::reg::notices::registration_ended(tx, &reg.number, &reason, now).await?;
        // REG-6: notices still waiting end with the registration (nothing is left to change).
        let on = ended.map(|(d, _)| d).or_else(|| {
            chrono::DateTime::from_timestamp(now, 0)
                .map(|t| t.with_timezone(&crate::clock::jst()).date_naive())
        });
        if let Some(on) = on {
            let why = format!("登録の終了（{}）", to.label_ja());
            for id in reg_changes::close_pending(tx, &reg.id, on, &why, now).await? {
                let event = AuditEvent {
                    at: chrono::DateTime::from_timestamp(now, 0).unwrap_or_default(),
                    actor_id: None,
                    actor_role: Some("system".into()),
                    action: "reg_change.close".into(),
                    entity: "reg_change".into(),
                    entity_id: id,
                    changes: audit::diff(&[
                        ("status", Value::Null, json!("closed")),
                        ("closed_on", Value::Null, json!(on)),
                        ("registration_number", Value::Null, json!(reg.number)),
                    ]),
                    request_id: format!("registration:{}", reg.number),
                };
                audit::append(tx, &event).await?;
            }
        }
    }
    Ok(true)
}

fn conflict(msg: impl Into<String>) -> AppError {
    AppError::Conflict(msg.into())
}

async fn commit(tx: Tx) -> AppResult<()> {
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Japanese labels used by API views and screens.
pub fn status_label(s: Status) -> &'static str {
    s.label_ja()
}
