//! Self-reports of changes (ACC-15): six kinds, their deadlines and lateness.

use crate::acc::{not_before, office_calendar};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use nintei_domain::acc::dates::SelfReportEvent;
use nintei_domain::acc::record::{self as rules, RecordError};
use nintei_domain::authz::accreditation::RecordAction;
use nintei_store::acc_records::{self as store};
use serde_json::{Value, json};

#[allow(unused_imports)]
use super::*;

/// The self-report filed: its kind, its due date by the seed's table and whether it came late (ACC-15).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SelfReportFiled {
    pub id: String,
    pub kind: String,
    pub due_on: NaiveDate,
    pub late: bool,
}

/// A self-report (ACC-15): its kind, dates and the content its kind asks for (see [`ReportContent`]).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct SelfReportInput {
    #[serde(default)]
    pub kind: Text,
    #[serde(default)]
    pub event_on: Text,
    #[serde(default)]
    pub submitted_on: Text,
    #[serde(flatten)]
    pub content: ReportContent,
}

/// `POST …/self-reports` (the organization): `{kind, event_on, submitted_on, content: {...}}` → `{id, due_on,
/// late}`. The due date follows the seed's table; a report after it is accepted and flagged late.
pub async fn self_report(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &SelfReportInput,
) -> AppResult<SelfReportFiled> {
    load(state, caller, number, RecordAction::SelfReport).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let kind = SelfReportEvent::parse(input.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "closure, other_location, merger, change_of_head, judgment_or_sanction, client_harm のいずれかです",
        ));
    }
    let event_on = past_day(&mut errors, "event_on", &input.event_on, today);
    let submitted_on = past_day(&mut errors, "submitted_on", &input.submitted_on, today);
    let content = kind
        .map(|k| content_of(&mut errors, &input.content, k.content_fields()))
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
    let out = SelfReportFiled {
        id: id.clone(),
        kind: kind.as_str().to_owned(),
        due_on: timing.due_on,
        late: timing.late,
    };
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
