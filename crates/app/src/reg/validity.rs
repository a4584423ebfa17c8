//! The end of a registration's term (REG-4), run by the daily job.

use chrono::NaiveDate;
use nintei_domain::reg::dates::{self};
use nintei_store::reg_cases::{self};
use nintei_store::registrations::{self};
use nintei_store::{AuditEvent, audit};
use serde_json::{Value, json};

use super::changes::{abolish_due, apply_scheduled_changes};
use super::{commit, move_registration};
use crate::error::AppResult;
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------------------------
// Expiry (REG-4), run by the daily job

/// Marks every registration in force whose validity ended before `today` as expired, unless a renewal applied
/// for within validity is still under review. Idempotent: a second run finds nothing to do.
pub async fn expire_due(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let mut done = roll_over_terms(state, today).await?;
    done += apply_scheduled_changes(state, today).await?;
    done += abolish_due(state, today).await?;
    loop {
        let due = registrations::past_expiry(state.db.pool(), today, 100).await?;
        let mut changed_any = false;
        for reg in due {
            let now = state.clock.now();
            let mut tx = state.db.begin_write().await?;
            let Some(reg) = registrations::by_id(&mut *tx, &reg.id).await? else {
                continue;
            };
            let pending = reg_cases::pending_renewal(&mut *tx, &reg.id)
                .await?
                .is_some_and(|c| dates::may_apply_for_renewal(reg.expires_on, c.applied_on));
            let Ok(to) = reg.status.expire(reg.expires_on, today, pending) else {
                continue;
            };
            let ended_on = reg.expires_on.succ_opt().unwrap_or(reg.expires_on);
            let ended = Some((ended_on, "有効期間の満了"));
            if !move_registration(&mut tx, &reg, to, ended, now.timestamp()).await? {
                continue;
            }
            let event = AuditEvent {
                at: now,
                actor_id: None,
                actor_role: Some("system".into()),
                action: "registration.expire".into(),
                entity: "registration".into(),
                entity_id: reg.id.clone(),
                changes: audit::diff(&[
                    ("status", json!(reg.status.as_str()), json!(to.as_str())),
                    ("ended_on", Value::Null, json!(ended_on)),
                ]),
                request_id: format!("job:reg_expiry:{today}"),
            };
            audit::append(&mut tx, &event).await?;
            commit(tx).await?;
            done += 1;
            changed_any = true;
        }
        // Pages of 100; a registration changed concurrently is skipped: stop when a pass changes nothing.
        if !changed_any {
            return Ok(done);
        }
    }
}

/// REG-4: a renewed registration's next term becomes the current one from its first day (one audited transaction
/// per registration; one changed concurrently is left for the next run).
async fn roll_over_terms(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let mut done = 0;
    for reg in registrations::next_term_begun(state.db.pool(), today, 1000).await? {
        let Some(next) = reg.next.as_ref() else {
            continue;
        };
        let now = state.clock.now();
        let mut tx = state.db.begin_write().await?;
        if !registrations::roll_over_term(&mut tx, &reg.id, reg.version, now.timestamp()).await? {
            continue;
        }
        let event = AuditEvent {
            at: now,
            actor_id: None,
            actor_role: Some("system".into()),
            action: "registration.term_begin".into(),
            entity: "registration".into(),
            entity_id: reg.id.clone(),
            changes: audit::diff(&[
                (
                    "registered_on",
                    json!(reg.registered_on),
                    json!(next.registered_on),
                ),
                ("expires_on", json!(reg.expires_on), json!(next.expires_on)),
                ("case_id", json!(reg.case_id), json!(next.case_id)),
            ]),
            request_id: format!("job:reg_expiry:{today}"),
        };
        audit::append(&mut tx, &event).await?;
        crate::directory::reindex_registration(&mut tx, &reg.number).await?;
        commit(tx).await?;
        done += 1;
    }
    Ok(done)
}
