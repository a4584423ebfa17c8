//! Every step of an accreditation case (API.md "Accreditation cases"), one function each, used by the API
//! handlers and the screens alike.

use chrono::NaiveDate;
use nintei_domain::acc::case::TransitionError;
use nintei_domain::acc::{CaseStatus, DeadlineKind, Decision, NoticeDates, deadlines_after_decision};
use nintei_domain::calendar::OfficeCalendar;
use nintei_store::acc::{self as store, Case, Set};
use nintei_store::{StoreError, Tx, audit};
use serde_json::Value;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::input::iso;
use crate::state::AppState;

mod acceptance;
mod application;
mod committee;
mod hold;
mod invoice;
mod notices;
mod page;
mod plan;
mod reads;
mod replan;
mod report;
mod sheet;
mod survey;
mod view;
mod withdrawal;

pub use acceptance::*;
pub use application::*;
pub use committee::*;
pub use hold::*;
pub use invoice::*;
pub use page::*;
pub use plan::*;
pub use reads::*;
pub use replan::*;
pub use report::*;
pub use sheet::*;
pub use survey::*;
pub use view::*;
pub use withdrawal::*;

use crate::input::{LONG_TEXT_MAX, TEXT_MAX};

pub(crate) use crate::input::{invalid, optional_text, required_text};

/// A domain refusal: bad input (the grace period) is 400 naming `grace_until`, anything else a 409.
pub(crate) fn refused(e: TransitionError) -> AppError {
    if e.is_invalid_input() {
        AppError::field("grace_until", e.to_string())
    } else {
        AppError::Conflict(e.to_string())
    }
}

/// `If-Match: "<version>"` (API.md "Conventions"): a stale version is a 409.
pub(crate) fn check_version(case: &Case, if_match: Option<i64>) -> AppResult<()> {
    match if_match {
        Some(v) if v != case.version => Err(AppError::Conflict(format!(
            "the case has changed (version {} now, If-Match {v}); reload it",
            case.version
        ))),
        _ => Ok(()),
    }
}

/// Starts the write transaction of a step: locks the case and reads it afresh.
pub(crate) async fn begin(state: &AppState, id: &str, now: i64) -> AppResult<(Tx, Case)> {
    let mut tx = state.db.begin_write().await?;
    let case = store::lock(&mut tx, id, now).await?.ok_or(AppError::NotFound)?;
    Ok((tx, case))
}

/// Moves the case on from the version it was read at; a lost race is a 409.
pub(crate) async fn apply_transition(
    tx: &mut Tx,
    case: &Case,
    status: CaseStatus,
    fields: &[(&str, Set)],
    now: i64,
) -> AppResult<()> {
    if store::transition(tx, &case.id, case.version, status, fields, now).await? {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the case was changed at the same time; reload it".into(),
        ))
    }
}

/// Rewrites the open deadlines of the case from its state after a change (ACC-5, ACC-11, ACC-12, ACC-21), so
/// that the deadline rows always say what is due now.
pub(crate) async fn sync_deadlines(
    tx: &mut Tx,
    id: &str,
    calendar: &OfficeCalendar,
    now: i64,
) -> AppResult<()> {
    let case = store::by_id(&mut **tx, id).await?.ok_or(AppError::NotFound)?;
    store::close_deadlines(tx, id, &[]).await?;
    let due = deadlines_of(&case, calendar);
    for (kind, due_on) in &due {
        store::add_deadline(tx, id, *kind, *due_on, now).await?;
    }
    // The same deadlines in the one model of both schemes: dashboard, reminders, calendar feed.
    let items: Vec<_> = due
        .iter()
        .map(|(k, d)| (k.as_str(), k.owner(), k.title_ja(), *d))
        .collect();
    let today = chrono::DateTime::from_timestamp(now, 0)
        .map(|t| t.with_timezone(&crate::clock::jst()).date_naive())
        .unwrap_or_default();
    nintei_store::deadlines::sync_subject(
        tx,
        "acc_case",
        id,
        Some(&case.organization_id),
        case.coordinator_id.as_deref(),
        &items,
        today,
        now,
    )
    .await?;
    Ok(())
}

/// What is due for a case in its current state.
pub fn deadlines_of(case: &Case, calendar: &OfficeCalendar) -> Vec<(DeadlineKind, NaiveDate)> {
    match case.status {
        CaseStatus::SelfStudy => case
            .self_study_due_on
            .map(|d| vec![(DeadlineKind::SelfStudy, d)])
            .unwrap_or_default(),
        CaseStatus::OnHold | CaseStatus::Deferred | CaseStatus::Accredited | CaseStatus::Denied => {
            let (Some(outcome), Some(decided_on)) = (case.outcome, case.decided_on) else {
                return Vec::new();
            };
            let decision = Decision {
                outcome,
                decided_on,
                grace_until: case.grace_until,
            };
            let notice = NoticeDates {
                sent_on: case.notice_sent_on,
                received_on: case.notice_received_on,
            };
            deadlines_after_decision(&decision, &notice, calendar)
                .into_iter()
                // Once the office records the notice as sent, its own deadline for it is met.
                .filter(|d| !(d.kind == DeadlineKind::ResultNotice && case.notice_sent_on.is_some()))
                .filter(|d| !(d.kind == DeadlineKind::ReviewReport && case.review_report_sent_on.is_some()))
                .map(|d| (d.kind, d.due_on))
                .collect()
        }
        _ => Vec::new(),
    }
}

pub(crate) async fn finish(
    mut tx: Tx,
    state: &AppState,
    caller: &Caller,
    action: &str,
    case_id: &str,
    changes: Value,
) -> AppResult<()> {
    let now = state.clock.now();
    audit::append(&mut tx, &caller.audit(now, action, "acc_case", case_id, changes)).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
