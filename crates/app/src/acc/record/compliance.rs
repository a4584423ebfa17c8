//! Compliance reviews (ACC-16).

use crate::acc::{not_before, parse_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use nintei_domain::acc::record::{DecisionMethod, RecordError, ReviewOutcome, ReviewStatus, ReviewTrigger};
use nintei_domain::authz::accreditation::RecordAction;
use nintei_domain::deadline::Owner;
use nintei_domain::role::Role;
use nintei_store::acc_records::{self as store, Record};
use nintei_store::{Tx, conflicts, deadlines, users};
use serde_json::json;

#[allow(unused_imports)]
use super::*;

pub(crate) async fn load_review(
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

pub(crate) fn review_state(status: ReviewStatus, allowed: &[ReviewStatus]) -> AppResult<()> {
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

/// The opening of a compliance review (ACC-16).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReviewInput {
    #[serde(default)]
    pub trigger: Text,
    #[serde(default)]
    pub trigger_ref: Text,
    #[serde(default)]
    pub opened_on: Text,
    #[serde(default)]
    pub reason: Text,
}

/// `POST …/reviews` (the office): `{trigger, trigger_ref?, opened_on, reason}` → `{id}`. Triggers (1) and (3)
/// name the annual report or self-report they come from.
pub async fn open_review(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &ReviewInput,
) -> AppResult<String> {
    load(state, caller, number, RecordAction::Review).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let trigger = ReviewTrigger::parse(input.trigger.trim());
    if trigger.is_none() {
        errors.push(FieldError::new(
            "trigger",
            "annual_report, site_visit_explanation, self_report のいずれかです",
        ));
    }
    let trigger_ref = optional_text(&mut errors, "trigger_ref", Some(&input.trigger_ref), TEXT_MAX);
    let opened_on = past_day(&mut errors, "opened_on", &input.opened_on, today);
    let reason = required_text(&mut errors, "reason", &input.reason, TEXT_MAX);
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

/// A request of a compliance review (ACC-16): a document or an improvement, with its due date.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReviewItemInput {
    #[serde(default)]
    pub kind: Text,
    #[serde(default)]
    pub requested_on: Text,
    #[serde(default)]
    pub due_on: Text,
    #[serde(default)]
    pub description: Text,
}

/// `POST …/reviews/{review_id}/requests` (the office): `{kind: documents | finding, requested_on, due_on,
/// description}` — a document request, or a minor finding with its correction period. → `{id}`.
pub async fn add_review_item(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    input: &ReviewItemInput,
) -> AppResult<String> {
    load(state, caller, number, RecordAction::Review).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let kind = input.kind.trim().to_owned();
    if !matches!(kind.as_str(), "documents" | "finding") {
        errors.push(FieldError::new("kind", "documents または finding です"));
    }
    let requested_on = past_day(&mut errors, "requested_on", &input.requested_on, today);
    let due_on = parse_day(&mut errors, "due_on", input.due_on.trim());
    let description = required_text(&mut errors, "description", &input.description, TEXT_MAX);
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
        format!("適合状況の調査：資料の提出 {}", record.number)
    } else {
        format!("適合状況の調査：不適合事項の是正 {}", record.number)
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

/// A request of a review met.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct FulfilmentInput {
    #[serde(default)]
    pub met_on: Text,
    #[serde(default)]
    pub note: Text,
}

/// `POST …/reviews/{review_id}/requests/{item_id}/fulfilment` (the office): the documents arrived, or the
/// finding was corrected, on `met_on`.
pub async fn fulfil_review_item(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    item_id: &str,
    input: &FulfilmentInput,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Review).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let met_on = past_day(&mut errors, "met_on", &input.met_on, today);
    let note = optional_text(&mut errors, "note", Some(&input.note), TEXT_MAX);
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

/// A review's site visit (ACC-16).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReviewVisitInput {
    #[serde(default)]
    pub site_visit_on: Text,
    #[serde(default)]
    pub note: Text,
}

/// `POST …/reviews/{review_id}/site-visit` (the office): the review's site visit (ACC-16), `{site_visit_on}`.
pub async fn review_site_visit(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    input: &ReviewVisitInput,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Review).await?;
    let mut errors = Vec::new();
    let on = parse_day(&mut errors, "site_visit_on", input.site_visit_on.trim());
    let note = optional_text(&mut errors, "note", Some(&input.note), TEXT_MAX);
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

/// The review's request to the committee to revoke (ACC-16, ACC-18).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct RevocationRequestInput {
    #[serde(default)]
    pub requested_on: Text,
    #[serde(default)]
    pub method: Text,
    #[serde(default)]
    pub reason: Text,
}

/// `POST …/reviews/{review_id}/revocation-request` (the office): asks the committee to revoke (ACC-16),
/// `{requested_on, method: meeting | poll, reason}`.
pub async fn request_revocation(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    input: &RevocationRequestInput,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Review).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let on = past_day(&mut errors, "requested_on", &input.requested_on, today);
    let method = DecisionMethod::parse(input.method.trim());
    if method.is_none() {
        errors.push(FieldError::new("method", "meeting または poll です"));
    }
    let reason = required_text(&mut errors, "reason", &input.reason, TEXT_MAX);
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

/// A committee member's answer on a revocation request (ACC-18).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct MemberAnswerInput {
    #[serde(default)]
    pub member_id: Text,
    #[serde(default)]
    pub answer: Text,
    #[serde(default)]
    pub answered_on: Text,
}

/// `POST …/reviews/{review_id}/answers` (the head, polling each member, ACC-16): `{member_id, answer: revoke |
/// maintain, answered_on}` → `{id}` (the member). A member with a declared conflict with the organization takes
/// no part (ACC-8): 409. Each member answers once.
pub async fn record_answer(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    input: &MemberAnswerInput,
) -> AppResult<String> {
    load(state, caller, number, RecordAction::RecordAnswers).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let member_id = required_text(&mut errors, "member_id", &input.member_id, TEXT_MAX);
    let answer = input.answer.trim().to_owned();
    if !matches!(answer.as_str(), "revoke" | "maintain") {
        errors.push(FieldError::new("answer", "revoke または maintain です"));
    }
    let on = past_day(&mut errors, "answered_on", &input.answered_on, today);
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

/// The close of a compliance review with its outcome (ACC-16).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct ClosureInput {
    #[serde(default)]
    pub closed_on: Text,
    #[serde(default)]
    pub outcome: Text,
    #[serde(default)]
    pub note: Text,
}

/// `POST …/reviews/{review_id}/closure` (the office): ends a review without revocation, `{closed_on, outcome:
/// conforming | corrected | not_revoked, note?}`. Conforming and corrected need every finding corrected;
/// not_revoked records the committee's refusal of a requested revocation.
pub async fn close_review(
    state: &AppState,
    caller: &Caller,
    number: &str,
    review_id: &str,
    input: &ClosureInput,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Review).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let on = past_day(&mut errors, "closed_on", &input.closed_on, today);
    let outcome = ReviewOutcome::parse(input.outcome.trim()).filter(|o| *o != ReviewOutcome::Revoked);
    if outcome.is_none() {
        errors.push(FieldError::new(
            "outcome",
            "conforming, corrected, not_revoked のいずれかです（取消しは revocation で記録します）",
        ));
    }
    let note = optional_text(&mut errors, "note", Some(&input.note), TEXT_MAX);
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
