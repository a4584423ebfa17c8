//! The annual maintenance report (ACC-14): what is owed each year, submission, questions, suspension.

use crate::acc::{not_before, parse_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use nintei_domain::acc::record::{self as rules, ANNUAL_REPORT_FIELDS, RecordError, StatusChange};
use nintei_domain::authz::accreditation::RecordAction;
use nintei_domain::deadline::Owner;
use nintei_store::acc_records::{self as store, Record};
use nintei_store::audit::{self};
use nintei_store::{StoreError, Tx, deadlines};
use serde_json::{Value, json};

#[allow(unused_imports)]
use super::*;

/// The annual report filed: which year it was, its due date and whether it came late (ACC-14).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AnnualReportFiled {
    pub id: String,
    pub year: i64,
    pub due_on: NaiveDate,
    pub late: bool,
}

/// The annual report (ACC-14): its date and its content (see [`ReportContent`]).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct AnnualReportInput {
    #[serde(default)]
    pub submitted_on: Text,
    #[serde(flatten)]
    pub content: ReportContent,
}

/// `POST …/annual-reports`: the organization submits the report now due (the earliest not submitted whose
/// year has begun, see [`rules::annual_report_opens_on`]); a report after its due date is accepted and flagged
/// late. → `{id, year, due_on, late}`.
pub async fn submit_annual_report(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &AnnualReportInput,
) -> AppResult<AnnualReportFiled> {
    load(state, caller, number, RecordAction::SubmitAnnualReport).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let submitted_on = past_day(&mut errors, "submitted_on", &input.submitted_on, today);
    let content = content_of(&mut errors, &input.content, ANNUAL_REPORT_FIELDS);
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
                    year: rules::annual_report_year_in_validity(u32::try_from(r.year).unwrap_or(0)),
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
    let out = AnnualReportFiled {
        id: report.id.clone(),
        year: report.year,
        due_on: report.due_on,
        late,
    };
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

/// A written question on an annual report or a self-report (ACC-14, ACC-15).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct QuestionInput {
    #[serde(default)]
    pub subject: Text,
    #[serde(default)]
    pub subject_id: Text,
    #[serde(default)]
    pub asked_on: Text,
    #[serde(default)]
    pub question: Text,
    #[serde(default)]
    pub answer_due_on: Text,
}

/// `POST …/questions` (the office): a written question on an annual report or a self-report (ACC-14, ACC-15),
/// optionally with a date for the answer. → `{id}`.
pub async fn ask_question(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &QuestionInput,
) -> AppResult<String> {
    load(state, caller, number, RecordAction::AskQuestion).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let subject = input.subject.trim().to_owned();
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
    let subject_id = required_text(&mut errors, "subject_id", &input.subject_id, TEXT_MAX);
    let asked_on = past_day(&mut errors, "asked_on", &input.asked_on, today);
    let question = required_text(&mut errors, "question", &input.question, TEXT_MAX);
    let due = input.answer_due_on.trim().to_owned();
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
        let title = format!("疑義への回答 {}", record.number);
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
        json!({"question_id": id, "subject": input.subject.trim().to_owned(), "subject_id": subject_id,
               "answer_due_on": answer_due_on.map(iso)}),
    )
    .await?;
    Ok(id)
}

/// The organization's written answer to a question.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct AnswerInput {
    #[serde(default)]
    pub answered_on: Text,
    #[serde(default)]
    pub answer: Text,
}

/// `POST …/questions/{question_id}/answer` (the organization): the written answer.
pub async fn answer_question(
    state: &AppState,
    caller: &Caller,
    number: &str,
    question_id: &str,
    input: &AnswerInput,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::AnswerQuestion).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let answered_on = past_day(&mut errors, "answered_on", &input.answered_on, today);
    let answer = required_text(&mut errors, "answer", &input.answer, TEXT_MAX);
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

/// A suspension after a late annual report (ACC-14).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct SuspensionInput {
    #[serde(default)]
    pub suspended_on: Text,
    #[serde(default)]
    pub reason: Text,
}

/// `POST …/suspension` (the office): suspends after a late annual report (ACC-14).
pub async fn suspend(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &SuspensionInput,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Suspend).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let on = past_day(&mut errors, "suspended_on", &input.suspended_on, today);
    let reason = required_text(&mut errors, "reason", &input.reason, TEXT_MAX);
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

/// The end of a suspension (ACC-14).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct LiftInput {
    #[serde(default)]
    pub lifted_on: Text,
    #[serde(default)]
    pub reason: Text,
}

/// `POST …/suspension/lift` (the office): lifts the suspension (ACC-14).
pub async fn lift_suspension(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &LiftInput,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Suspend).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let on = past_day(&mut errors, "lifted_on", &input.lifted_on, today);
    let reason = optional_text(&mut errors, "reason", Some(&input.reason), TEXT_MAX);
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
pub(crate) async fn audit_only(
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
