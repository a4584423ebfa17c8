//! The accreditation after the committee's decision (issue 4, part 1; seed 003 第7章): the record and its
//! history, annual maintenance reports with the office's written questions (ACC-14), suspension, self-reports
//! (ACC-15), compliance reviews (ACC-16), lapse (ACC-17, with the daily expiry job), revocation with its written
//! notice (ACC-18), certificates (ACC-22) and the logo (ACC-13).
//!
//! One function per step, used by the API (`/api/v1/accreditations/...`) and the screens (`/accreditations/...`)
//! alike. Inputs are JSON objects (the screens turn their forms into one), so both take exactly the same rules.
//! Every change: one transaction that locks the accreditation row, checks the state inside the lock, records the
//! history event (`accreditation_events`) and the audit event.

use chrono::NaiveDate;
use nintei_domain::acc::dates::SelfReportEvent;
use nintei_domain::acc::record::{
    self as rules, ANNUAL_REPORT_FIELDS, AccreditationStatus, DecisionMethod, LapseReason, RecordError,
    ReviewOutcome, ReviewStatus, ReviewTrigger, RevocationGround, StatusChange,
};
use nintei_domain::authz::accreditation::{self as authz, RecordAction};
use nintei_domain::calendar::OfficeCalendar;
use nintei_domain::deadline::Owner;
use nintei_domain::fees::CERTIFICATE_REISSUE_FEE;
use nintei_domain::role::Role;
use nintei_store::acc_records::{self as store, Record};
use nintei_store::audit::{self, AuditEvent};
use nintei_store::invoices::{self, InvoiceLine};
use nintei_store::{StoreError, Tx, accreditations, conflicts, deadlines, organizations, users};
use serde_json::{Map, Value, json};

use crate::acc::{invoice_registration_number, not_before, office_calendar, parse_day, past_day};
use crate::auth::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;

/// A JSON object as input (API body, or a screen's form turned into one).
pub type Input = Map<String, Value>;

const TEXT_MAX: usize = 4000;

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A field as text: strings as given, numbers and booleans as written; missing or null → "".
pub fn text_of(input: &Input, key: &str) -> String {
    match input.get(key) {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn opt_text(errors: &mut Vec<FieldError>, input: &Input, key: &str) -> Option<String> {
    let v = text_of(input, key);
    if v.is_empty() {
        return None;
    }
    if v.chars().count() > TEXT_MAX {
        errors.push(FieldError::new(
            key,
            format!("{TEXT_MAX}文字以内で入力してください (too long)"),
        ));
        return None;
    }
    Some(v)
}

fn req_text(errors: &mut Vec<FieldError>, input: &Input, key: &str) -> String {
    match opt_text(errors, input, key) {
        Some(v) => v,
        None => {
            if !errors.iter().any(|e| e.field == key) {
                errors.push(FieldError::new(key, "入力してください (required)"));
            }
            String::new()
        }
    }
}

fn flag_of(input: &Input, key: &str) -> bool {
    match input.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.as_str(), "true" | "on" | "1" | "yes"),
        _ => false,
    }
}

fn past(errors: &mut Vec<FieldError>, input: &Input, key: &str, today: NaiveDate) -> Option<NaiveDate> {
    past_day(errors, key, &text_of(input, key), today)
}

fn invalid(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn refused(e: RecordError) -> AppError {
    AppError::Conflict(e.to_string())
}

fn date_or(d: Option<NaiveDate>) -> AppResult<NaiveDate> {
    d.ok_or_else(|| AppError::BadRequest("date".into()))
}

/// The object `content` of the input, or, for a flat form, the listed fields from the top level.
fn content_of(errors: &mut Vec<FieldError>, input: &Input, fields: &[(&str, &str)]) -> Value {
    let source: Input = match input.get("content") {
        Some(Value::Object(m)) => m.clone(),
        _ => input.clone(),
    };
    let mut out = Map::new();
    for (key, label) in fields {
        let v = text_of(&source, key);
        if v.is_empty() {
            errors.push(FieldError::new(
                format!("content.{key}"),
                format!("「{label}」を入力してください (required)"),
            ));
        } else if v.chars().count() > TEXT_MAX {
            errors.push(FieldError::new(format!("content.{key}"), "長すぎます (too long)"));
        } else {
            out.insert((*key).to_owned(), Value::String(v));
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
    crate::public::reindex_accreditation(tx, &record.number).await?;
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
        let title = format!(
            "認定維持報告書の提出（ACC-14） {} 第{}年",
            record.number, report.year
        );
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

pub fn summary_json(record: &Record, today: NaiveDate) -> Value {
    json!({
        "number": record.number,
        "organization_id": record.organization_id,
        "organization_name": record.organization_name,
        "unit_name": record.unit_name,
        "services": record.services,
        "accredited_on": iso(record.accredited_on),
        "expires_on": iso(record.expires_on),
        "status": shown_status(record, today),
    })
}

/// `GET /api/v1/accreditations/{number}`: the record with its status, services, dates, history and maintenance.
pub async fn view(state: &AppState, caller: &Caller, record: &Record) -> AppResult<Value> {
    let pool = state.db.pool();
    let today = state.clock.today();
    let mut out = summary_json(record, today);
    let history: Vec<Value> = accreditations::events(pool, &record.id)
        .await?
        .into_iter()
        .map(|e| json!({"kind": e.kind, "occurred_on": iso(e.occurred_on), "detail": e.detail}))
        .collect();
    let reports: Vec<Value> = store::annual_reports(pool, &record.id)
        .await?
        .into_iter()
        .map(|r| {
            json!({"id": r.id, "year": r.year, "due_on": iso(r.due_on), "submitted_on": r.submitted_on.map(iso),
                   "late": rules::annual_report_late(r.due_on, r.submitted_on, today), "content": r.content})
        })
        .collect();
    let questions = store::questions(pool, &record.id).await?;
    let self_reports: Vec<Value> = store::self_reports(pool, &record.id)
        .await?
        .into_iter()
        .map(|s| {
            json!({"id": s.id, "kind": s.kind, "event_on": iso(s.event_on), "due_on": iso(s.due_on),
                   "submitted_on": iso(s.submitted_on), "late": s.late, "content": s.content})
        })
        .collect();
    let mut reviews = Vec::new();
    for r in store::reviews(pool, &record.id).await? {
        let items = store::review_items(pool, &r.id).await?;
        let answers = store::answers(pool, &r.id).await?;
        let mut v = serde_json::to_value(&r).map_err(|e| AppError::Internal(e.to_string()))?;
        if let Some(o) = v.as_object_mut() {
            o.insert("items".into(), json!(items));
            o.insert("answers".into(), json!(answers));
        }
        reviews.push(v);
    }
    let certificates = store::certificates(pool, &record.id).await?;
    if let Some(o) = out.as_object_mut() {
        o.insert("case_id".into(), json!(record.case_id));
        o.insert("history".into(), json!(history));
        o.insert("annual_reports".into(), json!(reports));
        o.insert("questions".into(), json!(questions));
        o.insert("self_reports".into(), json!(self_reports));
        o.insert("reviews".into(), json!(reviews));
        o.insert("certificates".into(), json!(certificates));
        o.insert(
            "may".into(),
            json!({
                "submit_annual_report": authz::record(&caller.actor(), RecordAction::SubmitAnnualReport, &record.organization_id).is_allowed(),
                "manage": authz::record(&caller.actor(), RecordAction::Suspend, &record.organization_id).is_allowed(),
            }),
        );
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------------
// ACC-14 annual maintenance report

/// `POST …/annual-reports`: the organization submits the report now due (the earliest not submitted whose
/// year has begun, see [`rules::annual_report_opens_on`]); a report after its due date is accepted and flagged
/// late. → `{id, year, due_on, late}`.
pub async fn submit_annual_report(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &Input,
) -> AppResult<Value> {
    load(state, caller, number, RecordAction::SubmitAnnualReport).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let submitted_on = past(&mut errors, input, "submitted_on", today);
    let content = content_of(&mut errors, input, ANNUAL_REPORT_FIELDS);
    invalid(errors)?;
    let submitted_on = date_or(submitted_on)?;
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let status = status_of(&record)?;
    if status.is_final() {
        return Err(refused(RecordError::WrongStatus(status)));
    }
    let reports = store::annual_reports(&mut *tx, &record.id).await?;
    let Some(report) = reports.iter().find(|r| {
        r.submitted_on.is_none()
            && rules::annual_report_opens_on(
                &rules::AnnualReportDue {
                    year: u32::try_from(r.year).unwrap_or(0),
                    due_on: r.due_on,
                },
                record.accredited_on,
            )
            .is_some_and(|open| open <= submitted_on)
    }) else {
        return Err(AppError::Conflict(
            "提出できる認定維持報告書はありません（毎年、認定を受けた月の前月から提出できます） (no annual report open)"
                .into(),
        ));
    };
    if !store::submit_annual_report(&mut tx, &report.id, submitted_on, &content, &caller.user.id).await? {
        return Err(AppError::Conflict(
            "この報告書は提出済みです (submitted already)".into(),
        ));
    }
    deadlines::meet(
        &mut tx,
        SUBJECT_ANNUAL_REPORT,
        &report.id,
        "annual_report",
        submitted_on,
        now,
    )
    .await?;
    let late = rules::annual_report_late(report.due_on, Some(submitted_on), today);
    let out = json!({"id": report.id, "year": report.year, "due_on": iso(report.due_on), "late": late});
    finish(
        tx,
        state,
        caller,
        &record,
        "annual_report_submitted",
        submitted_on,
        json!({"report_id": report.id, "year": report.year, "due_on": iso(report.due_on), "late": late}),
    )
    .await?;
    Ok(out)
}

/// `POST …/questions` (the office): a written question on an annual report or a self-report (ACC-14, ACC-15),
/// optionally with a date for the answer. → `{id}`.
pub async fn ask_question(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &Input,
) -> AppResult<String> {
    load(state, caller, number, RecordAction::AskQuestion).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let subject = text_of(input, "subject");
    let subject = match subject.as_str() {
        "annual_report" => SUBJECT_ANNUAL_REPORT,
        "self_report" => "acc_self_report",
        _ => {
            errors.push(FieldError::new(
                "subject",
                "annual_report または self_report です",
            ));
            ""
        }
    };
    let subject_id = req_text(&mut errors, input, "subject_id");
    let asked_on = past(&mut errors, input, "asked_on", today);
    let question = req_text(&mut errors, input, "question");
    let due = text_of(input, "answer_due_on");
    let answer_due_on = if due.is_empty() {
        None
    } else {
        parse_day(&mut errors, "answer_due_on", &due)
    };
    invalid(errors)?;
    let asked_on = date_or(asked_on)?;
    let mut errors = Vec::new();
    if let Some(d) = answer_due_on {
        not_before(&mut errors, "answer_due_on", d, Some((asked_on, "質問日")));
    }
    invalid(errors)?;
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let status = status_of(&record)?;
    if status.is_final() {
        return Err(refused(RecordError::WrongStatus(status)));
    }
    // The report asked about must be this accreditation's, and submitted.
    let submitted_on = if subject == SUBJECT_ANNUAL_REPORT {
        store::annual_reports(&mut *tx, &record.id)
            .await?
            .into_iter()
            .find(|r| r.id == subject_id)
            .map(|r| r.submitted_on)
    } else {
        store::self_reports(&mut *tx, &record.id)
            .await?
            .into_iter()
            .find(|r| r.id == subject_id)
            .map(|r| Some(r.submitted_on))
    };
    let submitted_on = match submitted_on {
        None => {
            return Err(AppError::field(
                "subject_id",
                "この認定の報告書ではありません (unknown report)",
            ));
        }
        Some(None) => {
            return Err(AppError::Conflict(
                "まだ提出されていない報告書です (not submitted)".into(),
            ));
        }
        Some(Some(d)) => d,
    };
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "asked_on",
        asked_on,
        Some((submitted_on, "報告書の提出日")),
    );
    invalid(errors)?;
    let id = store::ask(
        &mut tx,
        &record.id,
        subject,
        &subject_id,
        asked_on,
        &question,
        answer_due_on,
        &caller.user.id,
        now,
    )
    .await?;
    if let Some(due) = answer_due_on {
        let title = format!("疑義への回答（ACC-14） {}", record.number);
        set_deadline(
            &mut tx,
            SUBJECT_QUESTION,
            &id,
            &record,
            "question_answer",
            Owner::Organization,
            &title,
            due,
            now,
        )
        .await?;
    }
    finish(
        tx,
        state,
        caller,
        &record,
        "question_asked",
        asked_on,
        json!({"question_id": id, "subject": text_of(input, "subject"), "subject_id": subject_id,
               "answer_due_on": answer_due_on.map(iso)}),
    )
    .await?;
    Ok(id)
}

/// `POST …/questions/{question_id}/answer` (the organization): the written answer.
pub async fn answer_question(
    state: &AppState,
    caller: &Caller,
    number: &str,
    question_id: &str,
    input: &Input,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::AnswerQuestion).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let answered_on = past(&mut errors, input, "answered_on", today);
    let answer = req_text(&mut errors, input, "answer");
    invalid(errors)?;
    let answered_on = date_or(answered_on)?;
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let question = store::questions(&mut *tx, &record.id)
        .await?
        .into_iter()
        .find(|q| q.id == question_id)
        .ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "answered_on",
        answered_on,
        Some((question.asked_on, "質問日")),
    );
    invalid(errors)?;
    if !store::answer(&mut tx, question_id, answered_on, &answer, &caller.user.id).await? {
        return Err(AppError::Conflict(
            "この質問には回答済みです (answered already)".into(),
        ));
    }
    deadlines::meet(
        &mut tx,
        SUBJECT_QUESTION,
        question_id,
        "question_answer",
        answered_on,
        now,
    )
    .await?;
    finish(
        tx,
        state,
        caller,
        &record,
        "question_answered",
        answered_on,
        json!({"question_id": question_id}),
    )
    .await
}

/// `POST …/suspension` (the office): suspends after a late annual report (ACC-14).
pub async fn suspend(state: &AppState, caller: &Caller, number: &str, input: &Input) -> AppResult<()> {
    load(state, caller, number, RecordAction::Suspend).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let on = past(&mut errors, input, "suspended_on", today);
    let reason = req_text(&mut errors, input, "reason");
    invalid(errors)?;
    let on = date_or(on)?;
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let from = status_of(&record)?;
    // Late on the suspension day: the report was due before it and not submitted by then.
    let late: Vec<Value> = store::annual_reports(&mut *tx, &record.id)
        .await?
        .into_iter()
        .filter(|r| on > r.due_on && r.submitted_on.is_none_or(|s| s > on))
        .map(|r| json!({"year": r.year, "due_on": iso(r.due_on)}))
        .collect();
    let to = rules::change_status(from, StatusChange::Suspend, !late.is_empty(), false).map_err(refused)?;
    let detail = json!({"reason": reason, "late_reports": late});
    move_status(
        &mut tx,
        &record,
        from,
        to,
        StatusChange::Suspend,
        on,
        &detail,
        Some(&caller.user.id),
        now,
    )
    .await?;
    audit_only(tx, state, caller, &record, "suspend", detail).await
}

/// `POST …/suspension/lift` (the office): lifts the suspension (ACC-14).
pub async fn lift_suspension(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &Input,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Suspend).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let on = past(&mut errors, input, "lifted_on", today);
    let reason = opt_text(&mut errors, input, "reason");
    invalid(errors)?;
    let on = date_or(on)?;
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let from = status_of(&record)?;
    let to = rules::change_status(from, StatusChange::LiftSuspension, false, false).map_err(refused)?;
    let detail = json!({"reason": reason});
    move_status(
        &mut tx,
        &record,
        from,
        to,
        StatusChange::LiftSuspension,
        on,
        &detail,
        Some(&caller.user.id),
        now,
    )
    .await?;
    audit_only(tx, state, caller, &record, "lift_suspension", detail).await
}

/// The audit event of a status change (its history event is written by the status change itself).
async fn audit_only(
    mut tx: Tx,
    state: &AppState,
    caller: &Caller,
    record: &Record,
    action: &str,
    detail: Value,
) -> AppResult<()> {
    let now = state.clock.now();
    let action = format!("accreditation.{action}");
    audit::append(
        &mut tx,
        &caller.audit(now, &action, "accreditation", &record.id, detail),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// ACC-15 self-reports

/// `POST …/self-reports` (the organization): `{kind, event_on, submitted_on, content: {...}}` → `{id, due_on,
/// late}`. The due date follows the seed's table; a report after it is accepted and flagged late.
pub async fn self_report(state: &AppState, caller: &Caller, number: &str, input: &Input) -> AppResult<Value> {
    load(state, caller, number, RecordAction::SelfReport).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let kind = SelfReportEvent::parse(&text_of(input, "kind"));
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "closure, other_location, merger, change_of_head, judgment_or_sanction, client_harm のいずれかです",
        ));
    }
    let event_on = past(&mut errors, input, "event_on", today);
    let submitted_on = past(&mut errors, input, "submitted_on", today);
    let content = kind
        .map(|k| content_of(&mut errors, input, k.content_fields()))
        .unwrap_or(Value::Null);
    invalid(errors)?;
    let (Some(kind), Some(event_on), Some(submitted_on)) = (kind, event_on, submitted_on) else {
        return Err(AppError::BadRequest("kind, event_on and submitted_on".into()));
    };
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "submitted_on",
        submitted_on,
        Some((event_on, "発生日")),
    );
    invalid(errors)?;
    let calendar = office_calendar(state).await?;
    let timing = rules::self_report_timing(kind, event_on, submitted_on, &calendar)
        .ok_or_else(|| AppError::field("event_on", "期限を計算できない日付です"))?;
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let status = status_of(&record)?;
    if status.is_final() {
        return Err(refused(RecordError::WrongStatus(status)));
    }
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "submitted_on",
        submitted_on,
        Some((record.accredited_on, "認定日")),
    );
    invalid(errors)?;
    let report = store::SelfReport {
        id: String::new(),
        kind: kind.as_str().into(),
        event_on,
        due_on: timing.due_on,
        submitted_on,
        late: timing.late,
        content,
    };
    let id = store::add_self_report(&mut tx, &record.id, &report, &caller.user.id, now).await?;
    let out = json!({"id": id, "kind": kind.as_str(), "due_on": iso(timing.due_on), "late": timing.late});
    finish(
        tx,
        state,
        caller,
        &record,
        "self_report_submitted",
        submitted_on,
        json!({"self_report_id": id, "kind": kind.as_str(), "event_on": iso(event_on),
               "due_on": iso(timing.due_on), "late": timing.late}),
    )
    .await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------------
// ACC-17 lapse, ACC-18 revocation

/// `POST …/lapse` (the office): `{reason: closure | services_ended | withdrawal, occurred_on, note?}`.
pub async fn lapse(state: &AppState, caller: &Caller, number: &str, input: &Input) -> AppResult<()> {
    load(state, caller, number, RecordAction::Lapse).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let reason = LapseReason::parse(&text_of(input, "reason")).filter(|r| r.recorded_by_office());
    if reason.is_none() {
        errors.push(FieldError::new(
            "reason",
            "closure, services_ended, withdrawal のいずれかです（有効期間の満了は日次処理が記録します）",
        ));
    }
    let on = past(&mut errors, input, "occurred_on", today);
    let note = opt_text(&mut errors, input, "note");
    invalid(errors)?;
    let (Some(reason), Some(on)) = (reason, on) else {
        return Err(AppError::BadRequest("reason and occurred_on".into()));
    };
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "occurred_on",
        on,
        Some((record.accredited_on, "認定日")),
    );
    invalid(errors)?;
    let from = status_of(&record)?;
    let change = StatusChange::Lapse(reason);
    let to = rules::change_status(from, change, false, false).map_err(refused)?;
    let detail = json!({"reason": reason.as_str(), "reason_ja": reason.label_ja(), "note": note});
    move_status(
        &mut tx,
        &record,
        from,
        to,
        change,
        on,
        &detail,
        Some(&caller.user.id),
        now,
    )
    .await?;
    audit_only(tx, state, caller, &record, "lapse", detail).await
}

/// The daily job (ACC-17 (4)): every active or suspended accreditation whose validity ended before `today`
/// lapses. Idempotent, and safe with two workers: each change is conditional on the status it read.
pub async fn expire_due(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let mut done = 0;
    loop {
        let due = store::past_expiry(state.db.pool(), today, 100).await?;
        let mut changed_any = false;
        for number in due {
            let now = state.clock.now();
            let mut tx = state.db.begin_write().await?;
            let Some(record) = store::lock(&mut tx, &number).await? else {
                continue;
            };
            let Ok(from) = status_of(&record) else { continue };
            let change = StatusChange::Lapse(LapseReason::Expiry);
            let expired = rules::is_expired(record.expires_on, today);
            let Ok(to) = rules::change_status(from, change, false, expired) else {
                continue;
            };
            let on = record.expires_on.succ_opt().unwrap_or(record.expires_on);
            let detail = json!({"reason": "expiry", "reason_ja": LapseReason::Expiry.label_ja(),
                                "expires_on": iso(record.expires_on)});
            let moved = accreditations::change_status(
                &mut tx,
                &record.id,
                from.as_str(),
                to.as_str(),
                change.event_kind(),
                on,
                &detail,
                None,
                now.timestamp(),
            )
            .await?;
            if !moved {
                continue;
            }
            crate::public::reindex_accreditation(&mut tx, &record.number).await?;
            close_open_deadlines(&mut tx, &record, on, now.timestamp()).await?;
            let event = AuditEvent {
                at: now,
                actor_id: None,
                actor_role: Some("system".into()),
                action: "accreditation.lapse".into(),
                entity: "accreditation".into(),
                entity_id: record.id.clone(),
                changes: detail,
                request_id: format!("job:{}:{today}", crate::jobs::ACC_EXPIRY),
            };
            audit::append(&mut tx, &event).await?;
            tx.commit().await.map_err(StoreError::from)?;
            done += 1;
            changed_any = true;
        }
        if !changed_any {
            return Ok(done);
        }
    }
}

/// `POST …/revocation` (the office or the head, recording the committee's decision, ACC-18):
/// `{decided_on, ground, reason, method: meeting | poll, review_id?}`. On the ground `compliance_review` the
/// review must have asked the committee (ACC-16) and is closed by it; by poll, the recorded answers must be a
/// majority for revocation. The written notice goes to the organization's contact by mail (the outbox).
pub async fn revoke(state: &AppState, caller: &Caller, number: &str, input: &Input) -> AppResult<()> {
    load(state, caller, number, RecordAction::Revoke).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let decided_on = past(&mut errors, input, "decided_on", today);
    let ground = RevocationGround::parse(&text_of(input, "ground"));
    if ground.is_none() {
        errors.push(FieldError::new(
            "ground",
            "compliance_review, eligibility_lost, false_explanation, reports_neglected_or_false, review_refused_or_false のいずれかです",
        ));
    }
    let method = DecisionMethod::parse(&text_of(input, "method"));
    if method.is_none() {
        errors.push(FieldError::new("method", "meeting または poll です"));
    }
    let reason = req_text(&mut errors, input, "reason");
    let review_id = opt_text(&mut errors, input, "review_id");
    invalid(errors)?;
    let (Some(decided_on), Some(ground), Some(method)) = (decided_on, ground, method) else {
        return Err(AppError::BadRequest("decided_on, ground and method".into()));
    };
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let from = status_of(&record)?;
    let to = rules::change_status(from, StatusChange::Revoke, false, false).map_err(refused)?;
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "decided_on",
        decided_on,
        Some((record.accredited_on, "認定日")),
    );
    invalid(errors)?;
    // The review behind it: required for the compliance-review ground; any other review is named optionally.
    let review = match &review_id {
        Some(id) => Some(
            store::review(&mut *tx, &record.id, id)
                .await?
                .ok_or_else(|| AppError::field("review_id", "この認定の適合状況の調査ではありません"))?,
        ),
        None => None,
    };
    if ground == RevocationGround::ComplianceReview {
        let Some(r) = &review else {
            return Err(AppError::field(
                "review_id",
                "適合状況の調査の結果による取消しには調査を指定してください (review_id required)",
            ));
        };
        if r.status != ReviewStatus::RevocationRequested.as_str() {
            return Err(AppError::Conflict(
                "この調査では委員会に取消しを請求していません (no revocation request, ACC-16)".into(),
            ));
        }
        let mut errors = Vec::new();
        not_before(
            &mut errors,
            "decided_on",
            decided_on,
            r.requested_on.map(|d| (d, "取消しの請求日")),
        );
        invalid(errors)?;
    }
    let mut tally = Value::Null;
    if method == DecisionMethod::Poll {
        let Some(r) = &review else {
            return Err(AppError::field(
                "review_id",
                "書面による賛否の確認は、委員会に請求した調査で記録します (review_id required for a poll)",
            ));
        };
        let answers = store::answers(&mut *tx, &r.id).await?;
        let yes = answers.iter().filter(|a| a.answer == "revoke").count();
        let no = answers.len() - yes;
        if !rules::poll_revokes(yes, no) {
            return Err(AppError::Conflict(format!(
                "委員の賛否（取消し{yes}、反対{no}）は取消しの過半数に達していません (no majority)"
            )));
        }
        tally = json!({"revoke": yes, "maintain": no});
    }
    let detail = json!({"ground": ground.as_str(), "ground_ja": ground.label_ja(), "reason": reason,
                        "method": method.as_str(), "review_id": review_id, "answers": tally});
    move_status(
        &mut tx,
        &record,
        from,
        to,
        StatusChange::Revoke,
        decided_on,
        &detail,
        Some(&caller.user.id),
        now,
    )
    .await?;
    if let Some(r) = &review
        && r.status != ReviewStatus::Closed.as_str()
    {
        store::update_review(
            &mut tx,
            &r.id,
            &r.status,
            &[
                ("status", Some(ReviewStatus::Closed.as_str().into())),
                ("outcome", Some(ReviewOutcome::Revoked.as_str().into())),
                ("closed_on", Some(iso(decided_on))),
            ],
            now,
        )
        .await?;
    }
    // ACC-18: the written notice (取消通知書), by mail through the outbox.
    let org = organizations::by_id(&mut *tx, &record.organization_id).await?;
    if let Some(org) = org {
        let subject = format!("【MH認定】認定取消通知書（{}）", record.number);
        let body = format!(
            "{} 御中\n\n認定番号 {} の認定を、{}をもって取り消しましたので通知します（ACC-18）。\n\n\
             取消しの理由：{}\n{}\n判定の方法：{}\n\n\
             この処分に不服がある場合は、本通知を受け取った日の翌日から起算して1ヶ月以内に不服申立てをすることができます（ACC-21）。\n\
             認定証は認定業務本部へ返送してください。\n\n産業医科大学 認定業務本部",
            org.name,
            record.number,
            decided_on.format("%Y年%m月%d日"),
            ground.label_ja(),
            reason,
            match method {
                DecisionMethod::Meeting => "認定委員会の会議",
                DecisionMethod::Poll => "認定業務本部長による各委員への賛否の確認",
            }
        );
        crate::mail::enqueue_mail(&mut tx, now, &org.contact.email, &subject, &body).await?;
    }
    audit_only(tx, state, caller, &record, "revoke", detail).await
}

// ---------------------------------------------------------------------------------------------------------
// ACC-16 compliance review

async fn load_review(
    tx: &mut Tx,
    record: &Record,
    review_id: &str,
) -> AppResult<(store::Review, ReviewStatus)> {
    let review = store::review(&mut **tx, &record.id, review_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let status =
        ReviewStatus::parse(&review.status).ok_or_else(|| AppError::Internal(review.status.clone()))?;
    Ok((review, status))
}

fn review_state(status: ReviewStatus, allowed: &[ReviewStatus]) -> AppResult<()> {
    if allowed.contains(&status) {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "調査の状態が「{}」のため、この操作はできません (review is {})",
            status.label_ja(),
            status.as_str()
        )))
    }
}

/// `POST …/reviews` (the office): `{trigger, trigger_ref?, opened_on, reason}` → `{id}`. Triggers (1) and (3)
/// name the annual report or self-report they come from.
pub async fn open_review(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &Input,
) -> AppResult<String> {
    load(state, caller, number, RecordAction::Review).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let trigger = ReviewTrigger::parse(&text_of(input, "trigger"));
    if trigger.is_none() {
        errors.push(FieldError::new(
            "trigger",
            "annual_report, site_visit_explanation, self_report のいずれかです",
        ));
    }
    let trigger_ref = opt_text(&mut errors, input, "trigger_ref");
    let opened_on = past(&mut errors, input, "opened_on", today);
    let reason = req_text(&mut errors, input, "reason");
    if trigger.is_some_and(|t| t.needs_reference()) && trigger_ref.is_none() {
        errors.push(FieldError::new(
            "trigger_ref",
            "きっかけとなった認定維持報告書または自己申告を指定してください (required)",
        ));
    }
    invalid(errors)?;
    let (Some(trigger), Some(opened_on)) = (trigger, opened_on) else {
        return Err(AppError::BadRequest("trigger and opened_on".into()));
    };
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let status = status_of(&record)?;
    if status.is_final() {
        return Err(refused(RecordError::WrongStatus(status)));
    }
    if let Some(r) = &trigger_ref {
        let known = match trigger {
            ReviewTrigger::AnnualReport => store::annual_reports(&mut *tx, &record.id)
                .await?
                .iter()
                .any(|a| &a.id == r && a.submitted_on.is_some()),
            ReviewTrigger::SelfReport => store::self_reports(&mut *tx, &record.id)
                .await?
                .iter()
                .any(|s| &s.id == r),
            ReviewTrigger::SiteVisitExplanation => true,
        };
        if !known {
            return Err(AppError::field(
                "trigger_ref",
                "この認定の提出済みの報告書ではありません (unknown report)",
            ));
        }
    }
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "opened_on",
        opened_on,
        Some((record.accredited_on, "認定日")),
    );
    invalid(errors)?;
    let Some(id) = store::open_review(
        &mut tx,
        &record.id,
        trigger.as_str(),
        trigger_ref.as_deref(),
        opened_on,
        &reason,
        &caller.user.id,
        now,
    )
    .await?
    else {
        return Err(AppError::Conflict(
            "この認定には実施中の適合状況の調査があります (a review is open)".into(),
        ));
    };
    finish(
        tx,
        state,
        caller,
        &record,
        "review_opened",
        opened_on,
        json!({"review_id": id, "trigger": trigger.as_str(), "trigger_ref": trigger_ref, "reason": reason}),
    )
    .await?;
    Ok(id)
}

/// `POST …/reviews/{review_id}/requests` (the office): `{kind: documents | finding, requested_on, due_on,
/// description}` — a document request, or a minor finding with its correction period. → `{id}`.
pub async fn add_review_item(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    input: &Input,
) -> AppResult<String> {
    load(state, caller, number, RecordAction::Review).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let kind = text_of(input, "kind");
    if !matches!(kind.as_str(), "documents" | "finding") {
        errors.push(FieldError::new("kind", "documents または finding です"));
    }
    let requested_on = past(&mut errors, input, "requested_on", today);
    let due_on = parse_day(&mut errors, "due_on", &text_of(input, "due_on"));
    let description = req_text(&mut errors, input, "description");
    invalid(errors)?;
    let (Some(requested_on), Some(due_on)) = (requested_on, due_on) else {
        return Err(AppError::BadRequest("requested_on and due_on".into()));
    };
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let (review, status) = load_review(&mut tx, &record, review_id).await?;
    review_state(status, &[ReviewStatus::Open])?;
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "requested_on",
        requested_on,
        Some((review.opened_on, "調査の開始日")),
    );
    if due_on <= requested_on {
        errors.push(FieldError::new(
            "due_on",
            "期限は依頼日より後の日付です (after requested_on)",
        ));
    }
    invalid(errors)?;
    let id =
        store::add_review_item(&mut tx, review_id, &kind, requested_on, due_on, &description, now).await?;
    let title = if kind == "documents" {
        format!("適合状況の調査：資料の提出（ACC-16） {}", record.number)
    } else {
        format!("適合状況の調査：不適合事項の是正（ACC-16） {}", record.number)
    };
    set_deadline(
        &mut tx,
        SUBJECT_REVIEW_ITEM,
        &id,
        &record,
        &format!("review_{kind}"),
        Owner::Organization,
        &title,
        due_on,
        now,
    )
    .await?;
    finish(
        tx,
        state,
        caller,
        &record,
        "review_request",
        requested_on,
        json!({"review_id": review_id, "item_id": id, "kind": kind, "due_on": iso(due_on)}),
    )
    .await?;
    Ok(id)
}

/// `POST …/reviews/{review_id}/requests/{item_id}/fulfilment` (the office): the documents arrived, or the
/// finding was corrected, on `met_on`.
pub async fn fulfil_review_item(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    item_id: &str,
    input: &Input,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Review).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let met_on = past(&mut errors, input, "met_on", today);
    let note = opt_text(&mut errors, input, "note");
    invalid(errors)?;
    let met_on = date_or(met_on)?;
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let (_, status) = load_review(&mut tx, &record, review_id).await?;
    review_state(status, &[ReviewStatus::Open])?;
    let item = store::review_items(&mut *tx, review_id)
        .await?
        .into_iter()
        .find(|i| i.id == item_id)
        .ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    not_before(&mut errors, "met_on", met_on, Some((item.requested_on, "依頼日")));
    invalid(errors)?;
    if !store::meet_review_item(&mut tx, item_id, met_on, note.as_deref()).await? {
        return Err(AppError::Conflict("記録済みです (met already)".into()));
    }
    deadlines::meet(
        &mut tx,
        SUBJECT_REVIEW_ITEM,
        item_id,
        &format!("review_{}", item.kind),
        met_on,
        now,
    )
    .await?;
    let late = met_on > item.due_on;
    finish(
        tx,
        state,
        caller,
        &record,
        "review_request_met",
        met_on,
        json!({"review_id": review_id, "item_id": item_id, "kind": item.kind, "late": late, "note": note}),
    )
    .await
}

/// `POST …/reviews/{review_id}/site-visit` (the office): the review's site visit (ACC-16), `{site_visit_on}`.
pub async fn review_site_visit(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    input: &Input,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Review).await?;
    let mut errors = Vec::new();
    let on = parse_day(&mut errors, "site_visit_on", &text_of(input, "site_visit_on"));
    let note = opt_text(&mut errors, input, "note");
    invalid(errors)?;
    let on = date_or(on)?;
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let (review, status) = load_review(&mut tx, &record, review_id).await?;
    review_state(status, &[ReviewStatus::Open])?;
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "site_visit_on",
        on,
        Some((review.opened_on, "調査の開始日")),
    );
    invalid(errors)?;
    store::update_review(
        &mut tx,
        review_id,
        status.as_str(),
        &[("site_visit_on", Some(iso(on)))],
        now,
    )
    .await?;
    finish(
        tx,
        state,
        caller,
        &record,
        "review_site_visit",
        on.min(state.clock.today()),
        json!({"review_id": review_id, "site_visit_on": iso(on), "note": note}),
    )
    .await
}

/// `POST …/reviews/{review_id}/revocation-request` (the office): asks the committee to revoke (ACC-16),
/// `{requested_on, method: meeting | poll, reason}`.
pub async fn request_revocation(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    input: &Input,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Review).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let on = past(&mut errors, input, "requested_on", today);
    let method = DecisionMethod::parse(&text_of(input, "method"));
    if method.is_none() {
        errors.push(FieldError::new("method", "meeting または poll です"));
    }
    let reason = req_text(&mut errors, input, "reason");
    invalid(errors)?;
    let (Some(on), Some(method)) = (on, method) else {
        return Err(AppError::BadRequest("requested_on and method".into()));
    };
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let (review, status) = load_review(&mut tx, &record, review_id).await?;
    review_state(status, &[ReviewStatus::Open])?;
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "requested_on",
        on,
        Some((review.opened_on, "調査の開始日")),
    );
    invalid(errors)?;
    let done = store::update_review(
        &mut tx,
        review_id,
        status.as_str(),
        &[
            ("status", Some(ReviewStatus::RevocationRequested.as_str().into())),
            ("requested_on", Some(iso(on))),
            ("method", Some(method.as_str().into())),
            ("request_reason", Some(reason.clone())),
        ],
        now,
    )
    .await?;
    if !done {
        return Err(AppError::Conflict(
            "調査が同時に変更されました (changed concurrently)".into(),
        ));
    }
    finish(
        tx,
        state,
        caller,
        &record,
        "revocation_requested",
        on,
        json!({"review_id": review_id, "method": method.as_str(), "reason": reason}),
    )
    .await
}

/// `POST …/reviews/{review_id}/answers` (the head, polling each member, ACC-16): `{member_id, answer: revoke |
/// maintain, answered_on}` → `{id}` (the member). A member with a declared conflict with the organization takes
/// no part (ACC-8): 409. Each member answers once.
pub async fn record_answer(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    input: &Input,
) -> AppResult<String> {
    load(state, caller, number, RecordAction::RecordAnswers).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let member_id = req_text(&mut errors, input, "member_id");
    let answer = text_of(input, "answer");
    if !matches!(answer.as_str(), "revoke" | "maintain") {
        errors.push(FieldError::new("answer", "revoke または maintain です"));
    }
    let on = past(&mut errors, input, "answered_on", today);
    invalid(errors)?;
    let on = date_or(on)?;
    let member = users::by_id(state.db.pool(), &member_id).await?;
    if member.as_ref().is_none_or(|m| m.role != Role::Committee) {
        return Err(AppError::field(
            "member_id",
            "認定委員会の委員ではありません (not a committee member)",
        ));
    }
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    if conflicts::exists(&mut *tx, &member_id, &record.organization_id).await? {
        return Err(AppError::Conflict(
            "この委員は機関との利益相反を申告しているため、審議に加わりません (recused, ACC-8)".into(),
        ));
    }
    let (review, status) = load_review(&mut tx, &record, review_id).await?;
    review_state(status, &[ReviewStatus::RevocationRequested])?;
    if review.method.as_deref() != Some(DecisionMethod::Poll.as_str()) {
        return Err(AppError::Conflict(
            "会議で判定する請求です（各委員への賛否の確認ではありません） (not a poll)".into(),
        ));
    }
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "answered_on",
        on,
        review.requested_on.map(|d| (d, "取消しの請求日")),
    );
    invalid(errors)?;
    if !store::add_answer(&mut tx, review_id, &member_id, &answer, on, &caller.user.id, now).await? {
        return Err(AppError::Conflict(
            "この委員の回答は記録済みです (answered already)".into(),
        ));
    }
    finish(
        tx,
        state,
        caller,
        &record,
        "review_answer",
        on,
        json!({"review_id": review_id, "member_id": member_id, "answer": answer}),
    )
    .await?;
    Ok(member_id)
}

/// `POST …/reviews/{review_id}/closure` (the office): ends a review without revocation, `{closed_on, outcome:
/// conforming | corrected | not_revoked, note?}`. Conforming and corrected need every finding corrected;
/// not_revoked records the committee's refusal of a requested revocation.
pub async fn close_review(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    input: &Input,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Review).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let on = past(&mut errors, input, "closed_on", today);
    let outcome = ReviewOutcome::parse(&text_of(input, "outcome")).filter(|o| *o != ReviewOutcome::Revoked);
    if outcome.is_none() {
        errors.push(FieldError::new(
            "outcome",
            "conforming, corrected, not_revoked のいずれかです（取消しは revocation で記録します）",
        ));
    }
    let note = opt_text(&mut errors, input, "note");
    invalid(errors)?;
    let (Some(on), Some(outcome)) = (on, outcome) else {
        return Err(AppError::BadRequest("closed_on and outcome".into()));
    };
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let (review, status) = load_review(&mut tx, &record, review_id).await?;
    let items = store::review_items(&mut *tx, review_id).await?;
    let open_findings = items
        .iter()
        .filter(|i| i.kind == "finding" && i.met_on.is_none())
        .count();
    if !outcome.allowed(status, open_findings) {
        return Err(AppError::Conflict(format!(
            "調査の状態「{}」、未是正の不適合事項{}件では「{}」として終了できません (not allowed)",
            status.label_ja(),
            open_findings,
            outcome.label_ja()
        )));
    }
    let mut errors = Vec::new();
    let latest = items
        .iter()
        .filter_map(|i| i.met_on)
        .chain(review.requested_on)
        .chain(std::iter::once(review.opened_on))
        .max();
    not_before(
        &mut errors,
        "closed_on",
        on,
        latest.map(|d| (d, "調査の最後の記録")),
    );
    invalid(errors)?;
    let done = store::update_review(
        &mut tx,
        review_id,
        status.as_str(),
        &[
            ("status", Some(ReviewStatus::Closed.as_str().into())),
            ("outcome", Some(outcome.as_str().into())),
            ("closed_on", Some(iso(on))),
            ("closing_note", note.clone()),
        ],
        now,
    )
    .await?;
    if !done {
        return Err(AppError::Conflict(
            "調査が同時に変更されました (changed concurrently)".into(),
        ));
    }
    // Requests still open are moot once the review ends.
    for i in items.iter().filter(|i| i.met_on.is_none()) {
        for d in deadlines::for_subject(&mut *tx, SUBJECT_REVIEW_ITEM, &i.id).await? {
            if d.met_on.is_none() && !d.waived {
                deadlines::waive(&mut tx, &d.id, "調査の終了", now).await?;
            }
        }
    }
    finish(
        tx,
        state,
        caller,
        &record,
        "review_closed",
        on,
        json!({"review_id": review_id, "outcome": outcome.as_str(), "note": note}),
    )
    .await
}

// ---------------------------------------------------------------------------------------------------------
// Certificates (ACC-12, ACC-22)

/// `POST …/certificates` (the office): `{issued_on, reissue?: bool}` → `{id}`. The first certificate only once
/// every invoice of the case is paid in full (ACC-22); a reissue (追加発行) adds a ¥3,000 invoice line and
/// marks the previous certificate returned. Only for an active accreditation.
pub async fn issue_certificate(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &Input,
) -> AppResult<String> {
    let loaded = load(state, caller, number, RecordAction::IssueCertificate).await?;
    // Payments only ever add up: read before the lock (the pool's reader, not the write transaction).
    let invoices_of_case = invoices::for_case(state.db.pool(), &loaded.case_id).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let issued_on = past(&mut errors, input, "issued_on", today);
    let reissue = flag_of(input, "reissue");
    invalid(errors)?;
    let issued_on = date_or(issued_on)?;
    let registration_number = invoice_registration_number(state).await?;
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let status = status_of(&record)?;
    if status != AccreditationStatus::Active || rules::is_expired(record.expires_on, issued_on) {
        return Err(refused(RecordError::WrongStatus(status)));
    }
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "issued_on",
        issued_on,
        Some((record.accredited_on, "認定日")),
    );
    invalid(errors)?;
    let unpaid: Vec<String> = invoices_of_case
        .into_iter()
        .filter(|i| i.paid_yen() < i.total_yen)
        .map(|i| i.number)
        .collect();
    if !unpaid.is_empty() {
        return Err(AppError::Conflict(format!(
            "未払いの請求書があるため認定証を発行できません（{}） (every fee must be paid first, ACC-22)",
            unpaid.join(", ")
        )));
    }
    let existing = store::certificates(&mut *tx, &record.id).await?;
    let current = existing.iter().find(|c| c.returned_on.is_none());
    match (reissue, current) {
        (false, Some(c)) => {
            return Err(AppError::Conflict(format!(
                "認定証（{}）は発行済みです。追加発行は reissue を指定してください (issued already)",
                c.serial
            )));
        }
        (true, None) => {
            return Err(AppError::Conflict(
                "発行済みの認定証がありません (nothing to reissue)".into(),
            ));
        }
        _ => {}
    }
    let mut invoice_id = None;
    if reissue {
        let case = nintei_store::acc::by_id(&mut *tx, &record.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let fee = i64::try_from(CERTIFICATE_REISSUE_FEE.get()).unwrap_or(i64::MAX);
        let line = InvoiceLine {
            kind: "certificate_reissue".into(),
            description: "認定証の追加発行".into(),
            quantity: 1,
            unit_yen: fee,
            amount_yen: fee,
        };
        let invoice = crate::acc::ops::issue_invoice(
            &mut tx,
            &case,
            issued_on,
            vec![line],
            &registration_number,
            &caller.user.id,
            now,
        )
        .await?;
        invoice_id = Some(invoice.id);
        store::return_certificate(&mut tx, &record.id, issued_on).await?;
        if let Some(c) = current {
            accreditations::record_event(
                &mut tx,
                &record.id,
                "certificate_returned",
                issued_on,
                &json!({"serial": c.serial}),
                Some(&caller.user.id),
                now,
            )
            .await?;
        }
    }
    let serial = format!("{}-C{:02}", record.number, existing.len() + 1);
    let id = store::add_certificate(
        &mut tx,
        &record.id,
        &serial,
        issued_on,
        &record.services,
        reissue,
        invoice_id.as_deref(),
        &caller.user.id,
        now,
    )
    .await?;
    finish(
        tx,
        state,
        caller,
        &record,
        "certificate_issued",
        issued_on,
        json!({"certificate_id": id, "serial": serial, "reissue": reissue, "invoice_id": invoice_id,
               "services": record.services}),
    )
    .await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------------------
// ACC-13 logo

/// The accreditation logo (認定ロゴマーク) as SVG: drawn for this project, in the defined colours; the
/// accreditation number is printed under the mark.
pub fn logo_svg(number: &str) -> String {
    let number: String = number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="240" height="280" viewBox="0 0 240 280" role="img" aria-labelledby="t">
<title id="t">MH認定 認定ロゴマーク {number}</title>
<circle cx="120" cy="120" r="110" fill="#ffffff" stroke="#1f5f8b" stroke-width="10"/>
<circle cx="120" cy="120" r="88" fill="#1f5f8b"/>
<path d="M120 178 C 60 140, 62 86, 96 80 C 108 78, 116 86, 120 96 C 124 86, 132 78, 144 80 C 178 86, 180 140, 120 178 Z" fill="#f4a93b"/>
<path d="M84 118 L 110 144 L 158 96" fill="none" stroke="#ffffff" stroke-width="12" stroke-linecap="round" stroke-linejoin="round"/>
<text x="120" y="60" font-family="sans-serif" font-size="22" font-weight="bold" fill="#ffffff" text-anchor="middle">MH認定</text>
<text x="120" y="262" font-family="sans-serif" font-size="18" fill="#1f5f8b" text-anchor="middle">{number}</text>
</svg>
"##
    )
}
