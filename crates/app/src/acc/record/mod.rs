//! The accreditation after the committee's decision (seed 003 第7章): the record and its
//! history, annual maintenance reports with the office's written questions (ACC-14), suspension, self-reports
//! (ACC-15), compliance reviews (ACC-16), lapse (ACC-17, with the daily expiry job), revocation with its written
//! notice (ACC-18), certificates (ACC-22) and the logo (ACC-13).
//!
//! One function per step, used by the API (`/api/v1/accreditations/...`) and the screens (`/accreditations/...`)
//! alike. Each step takes its own input struct (an API body, or a screen's form read into it), so both take
//! exactly the same rules.
//! Every change: one transaction that locks the accreditation row, checks the state inside the lock, records the
//! history event (`accreditation_events`) and the audit event.

use chrono::NaiveDate;
use nintei_domain::acc::record::{self as rules, AccreditationStatus, RecordError, StatusChange};
use nintei_domain::authz::accreditation::{self as authz, RecordAction};
use nintei_domain::calendar::OfficeCalendar;
use nintei_domain::deadline::Owner;
use nintei_domain::role::Role;
/// The accreditation as stored (its row and organization name); the use cases load it with [`load`].
pub use nintei_store::acc_records::Record;
use nintei_store::acc_records::{self as store};
use nintei_store::audit::{self};
use nintei_store::{StoreError, Tx, accreditations, deadlines};
use serde_json::{Map, Value};

use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::input::iso;
use crate::state::AppState;

mod annual;
mod certificate;
mod compliance;
mod logo;
mod revocation;
mod self_report;
mod view;

pub use annual::*;
pub use certificate::*;
pub use compliance::*;
pub use logo::*;
pub use revocation::*;
pub use self_report::*;
pub use view::*;

use crate::input::{TEXT_MAX, Text, invalid, optional_text, past_day, required_text};
use serde::Deserialize;
use std::collections::BTreeMap;

fn refused(e: RecordError) -> AppError {
    AppError::Conflict(e.to_string())
}

fn date_or(d: Option<NaiveDate>) -> AppResult<NaiveDate> {
    d.ok_or_else(|| AppError::BadRequest("date".into()))
}

/// A report's content: an object `content` (the API), or the fields at the top level (a flat form), used when
/// `content` is absent.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReportContent {
    #[serde(default)]
    pub content: Option<BTreeMap<String, Text>>,
    #[serde(flatten)]
    pub fields: BTreeMap<String, Text>,
}

/// The listed fields of a report's content, each required and checked as text.
fn content_of(errors: &mut Vec<FieldError>, content: &ReportContent, fields: &[(&str, &str)]) -> Value {
    let source = content.content.as_ref().unwrap_or(&content.fields);
    let mut out = Map::new();
    for (key, label) in fields {
        let v = source.get(*key).map(|t| t.trim()).unwrap_or_default();
        if v.is_empty() {
            errors.push(FieldError::new(
                format!("content.{key}"),
                format!("「{label}」を入力してください (required)"),
            ));
        } else if v.chars().count() > TEXT_MAX {
            errors.push(FieldError::new(format!("content.{key}"), "長すぎます (too long)"));
        } else {
            out.insert((*key).to_owned(), Value::String(v.to_owned()));
        }
    }
    Value::Object(out)
}

// ---------------------------------------------------------------------------------------------------------
// Loading and authorization

/// The accreditation `number` if `caller` may do `action` on it; 404 when it does not exist or is not visible.
pub async fn load(
    state: &AppState,
    caller: &Caller,
    number: &str,
    action: RecordAction,
) -> AppResult<Record> {
    let record = store::by_number(state.db.pool(), number)
        .await?
        .ok_or(AppError::NotFound)?;
    AppError::check(authz::record(&caller.actor(), action, &record.organization_id))?;
    Ok(record)
}

/// Starts a change: locks the accreditation and reads it afresh.
async fn begin(state: &AppState, number: &str) -> AppResult<(Tx, Record)> {
    let mut tx = state.db.begin_write().await?;
    let record = store::lock(&mut tx, number).await?.ok_or(AppError::NotFound)?;
    Ok((tx, record))
}

fn status_of(record: &Record) -> AppResult<AccreditationStatus> {
    AccreditationStatus::parse(&record.status)
        .ok_or_else(|| AppError::Internal(format!("status {}", record.status)))
}

/// The status as shown: an active or suspended accreditation past its expiry is lapsed even before the daily
/// job has recorded it (as the public verification shows it).
pub fn shown_status(record: &Record, today: NaiveDate) -> &str {
    match record.status.as_str() {
        "active" | "suspended" if rules::is_expired(record.expires_on, today) => "lapsed",
        s => s,
    }
}

/// Appends the history event and the audit event, then commits.
#[allow(clippy::too_many_arguments)]
async fn finish(
    mut tx: Tx,
    state: &AppState,
    caller: &Caller,
    record: &Record,
    kind: &str,
    occurred_on: NaiveDate,
    detail: Value,
) -> AppResult<()> {
    let now = state.clock.now();
    accreditations::record_event(
        &mut tx,
        &record.id,
        kind,
        occurred_on,
        &detail,
        Some(&caller.user.id),
        now.timestamp(),
    )
    .await?;
    let action = format!("accreditation.{kind}");
    audit::append(
        &mut tx,
        &caller.audit(now, &action, "accreditation", &record.id, detail),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Moves the status inside the transaction (a lost race is a 409) and keeps the public index in step.
#[allow(clippy::too_many_arguments)]
async fn move_status(
    tx: &mut Tx,
    record: &Record,
    from: AccreditationStatus,
    to: AccreditationStatus,
    change: StatusChange,
    occurred_on: NaiveDate,
    detail: &Value,
    actor_id: Option<&str>,
    now: i64,
) -> AppResult<()> {
    let moved = accreditations::change_status(
        tx,
        &record.id,
        from.as_str(),
        to.as_str(),
        change.event_kind(),
        occurred_on,
        detail,
        actor_id,
        now,
    )
    .await?;
    if !moved {
        return Err(AppError::Conflict(
            "認定の状態が同時に変更されました。再読み込みしてください (changed concurrently)".into(),
        ));
    }
    crate::directory::reindex_accreditation(tx, &record.number).await?;
    if to.is_final() {
        close_open_deadlines(tx, record, occurred_on, now).await?;
    }
    Ok(())
}

/// A lapsed or revoked accreditation owes nothing more: its open deadlines are waived.
async fn close_open_deadlines(tx: &mut Tx, record: &Record, on: NaiveDate, now: i64) -> AppResult<()> {
    let reports = store::annual_reports(&mut **tx, &record.id).await?;
    let mut subjects: Vec<(&str, String)> = reports
        .iter()
        .map(|r| (SUBJECT_ANNUAL_REPORT, r.id.clone()))
        .collect();
    // The accreditation's own: the renewal deadline and the office's eligibility review (ACC-1(1)).
    subjects.push((crate::acc::renewal::SUBJECT, record.id.clone()));
    for q in store::questions(&mut **tx, &record.id).await? {
        subjects.push((SUBJECT_QUESTION, q.id));
    }
    for r in store::reviews(&mut **tx, &record.id).await? {
        for i in store::review_items(&mut **tx, &r.id).await? {
            subjects.push((SUBJECT_REVIEW_ITEM, i.id));
        }
    }
    let reason = format!("認定の終了（{}）", iso(on));
    for (subject, id) in subjects {
        for d in deadlines::for_subject(&mut **tx, subject, &id).await? {
            if d.met_on.is_none() && !d.waived {
                deadlines::waive(tx, &d.id, &reason, now).await?;
            }
        }
    }
    Ok(())
}

const SUBJECT_ANNUAL_REPORT: &str = "acc_annual_report";
const SUBJECT_QUESTION: &str = "acc_question";
const SUBJECT_REVIEW_ITEM: &str = "acc_review_item";

#[allow(clippy::too_many_arguments)]
async fn set_deadline(
    tx: &mut Tx,
    subject: &str,
    subject_id: &str,
    record: &Record,
    kind: &str,
    owner: Owner,
    title: &str,
    due_on: NaiveDate,
    now: i64,
) -> AppResult<()> {
    let d = deadlines::NewDeadline {
        kind,
        subject,
        subject_id,
        organization_id: Some(&record.organization_id),
        owner,
        assignee_id: None,
        title,
        due_on,
    };
    deadlines::set(tx, &d, now).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// The accredit decision's hook (ACC-14): the annual reports owed and their deadlines

/// Called in the transaction of an `accredit` decision: the annual reports of the validity, each with its due
/// date in the one deadline model (reminders, dashboards, calendar feeds).
/// Inside the decision's transaction: takes the calendar read beforehand, since a second pool connection taken
/// while the write lock is held can wait behind the writers queued for that lock (a deadlock until busy_timeout).
pub async fn on_accredited(tx: &mut Tx, calendar: &OfficeCalendar, number: &str, now: i64) -> AppResult<()> {
    let record = store::by_number(&mut **tx, number)
        .await?
        .ok_or(AppError::NotFound)?;
    for due in rules::annual_reports_owed(record.accredited_on, calendar) {
        store::add_annual_report(tx, &record.id, i64::from(due.year), due.due_on, now).await?;
    }
    for report in store::annual_reports(&mut **tx, &record.id).await? {
        let title = format!("認定維持報告書の提出 {} 第{}年", record.number, report.year);
        set_deadline(
            tx,
            SUBJECT_ANNUAL_REPORT,
            &report.id,
            &record,
            "annual_report",
            Owner::Organization,
            &title,
            report.due_on,
            now,
        )
        .await?;
    }
    Ok(())
}

/// ACC-14, ACC-19: called in the transaction of a renewal's `accredit`, after the dates moved: the new
/// validity owes its own annual reports (numbered on after the earlier ones) with their deadlines.
pub async fn on_renewed(
    tx: &mut Tx,
    calendar: &OfficeCalendar,
    accreditation_id: &str,
    now: i64,
) -> AppResult<()> {
    let row = nintei_store::acc_renewal::by_id(&mut **tx, accreditation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let record = store::by_number(&mut **tx, &row.number)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = store::annual_reports(&mut **tx, &record.id).await?;
    let offset = before.iter().map(|r| r.year).max().unwrap_or(0);
    for due in rules::annual_reports_owed(record.accredited_on, calendar) {
        store::add_annual_report(tx, &record.id, offset + i64::from(due.year), due.due_on, now).await?;
    }
    for report in store::annual_reports(&mut **tx, &record.id).await? {
        if report.year <= offset {
            continue;
        }
        let title = format!("認定維持報告書の提出 {} 第{}年", record.number, report.year);
        set_deadline(
            tx,
            SUBJECT_ANNUAL_REPORT,
            &report.id,
            &record,
            "annual_report",
            Owner::Organization,
            &title,
            report.due_on,
            now,
        )
        .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Reading

/// The accreditations the caller may see (the office's list; an organization's own).
pub async fn list(state: &AppState, caller: &Caller) -> AppResult<Vec<Record>> {
    let actor = caller.actor();
    AppError::check(authz::list(&actor))?;
    let org = match caller.user.role {
        Role::Organization => Some(caller.user.organization_id.clone().unwrap_or_default()),
        _ => None,
    };
    Ok(store::list(state.db.pool(), org.as_deref(), 2000).await?)
}

/// A page of the accreditations the caller may list (an organization: its own), searched, filtered and sorted.
pub async fn page(
    state: &AppState,
    caller: &Caller,
    filter: &nintei_store::listing::Filter<'_>,
) -> AppResult<(Vec<Record>, i64)> {
    let actor = caller.actor();
    AppError::check(authz::list(&actor))?;
    let org = match caller.user.role {
        Role::Organization => Some(caller.user.organization_id.clone().unwrap_or_default()),
        _ => None,
    };
    Ok(store::page(state.db.pool(), org.as_deref(), filter, state.clock.today()).await?)
}
