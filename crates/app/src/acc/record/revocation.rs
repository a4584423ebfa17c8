//! Lapse (ACC-17) and revocation (ACC-18) of an accreditation, and the daily expiry.

use crate::acc::not_before;
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use chrono::NaiveDate;
use nintei_domain::acc::record::{
    self as rules, DecisionMethod, LapseReason, ReviewOutcome, ReviewStatus, RevocationGround, StatusChange,
};
use nintei_domain::authz::accreditation::RecordAction;
use nintei_store::acc_records::{self as store};
use nintei_store::audit::{self, AuditEvent};
use nintei_store::{StoreError, accreditations, organizations};
use serde_json::{Value, json};

#[allow(unused_imports)]
use super::*;

/// A lapse recorded by the office (ACC-17).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct LapseInput {
    #[serde(default)]
    pub reason: Text,
    #[serde(default)]
    pub occurred_on: Text,
    #[serde(default)]
    pub note: Text,
}

/// `POST …/lapse` (the office): `{reason: closure | services_ended | withdrawal, occurred_on, note?}`.
pub async fn lapse(state: &AppState, caller: &Caller, number: &str, input: &LapseInput) -> AppResult<()> {
    load(state, caller, number, RecordAction::Lapse).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let reason = LapseReason::parse(input.reason.trim()).filter(|r| r.recorded_by_office());
    if reason.is_none() {
        errors.push(FieldError::new(
            "reason",
            "closure, services_ended, withdrawal のいずれかです（有効期間の満了は日次処理が記録します）",
        ));
    }
    let on = past_day(&mut errors, "occurred_on", &input.occurred_on, today);
    let note = optional_text(&mut errors, "note", Some(&input.note), TEXT_MAX);
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
            crate::directory::reindex_accreditation(&mut tx, &record.number).await?;
            close_open_deadlines(&mut tx, &record, on, now.timestamp()).await?;
            let event = AuditEvent {
                at: now,
                actor_id: None,
                actor_role: Some("system".into()),
                action: "accreditation.lapse".into(),
                entity: "accreditation".into(),
                entity_id: record.id.clone(),
                changes: detail,
                request_id: format!(
                    "job:{}:{today}",
                    <crate::jobs::AccExpiry as crate::jobs::BackgroundJob>::KIND
                ),
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

/// A revocation (ACC-18) with its ground, method and written reason.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct RevocationInput {
    #[serde(default)]
    pub decided_on: Text,
    #[serde(default)]
    pub ground: Text,
    #[serde(default)]
    pub method: Text,
    #[serde(default)]
    pub reason: Text,
    #[serde(default)]
    pub review_id: Text,
}

/// `POST …/revocation` (the office or the head, recording the committee's decision, ACC-18):
/// `{decided_on, ground, reason, method: meeting | poll, review_id?}`. On the ground `compliance_review` the
/// review must have asked the committee (ACC-16) and is closed by it; by poll, the recorded answers must be a
/// majority for revocation. The written notice goes to the organization's contact by mail (the outbox).
pub async fn revoke(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &RevocationInput,
) -> AppResult<()> {
    load(state, caller, number, RecordAction::Revoke).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let decided_on = past_day(&mut errors, "decided_on", &input.decided_on, today);
    let ground = RevocationGround::parse(input.ground.trim());
    if ground.is_none() {
        errors.push(FieldError::new(
            "ground",
            "compliance_review, eligibility_lost, false_explanation, reports_neglected_or_false, review_refused_or_false のいずれかです",
        ));
    }
    let method = DecisionMethod::parse(input.method.trim());
    if method.is_none() {
        errors.push(FieldError::new("method", "meeting または poll です"));
    }
    let reason = required_text(&mut errors, "reason", &input.reason, TEXT_MAX);
    let review_id = optional_text(&mut errors, "review_id", Some(&input.review_id), TEXT_MAX);
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
            "{} 御中\n\n認定番号 {} の認定を、{}をもって取り消しましたので通知します。\n\n\
             取消しの理由：{}\n{}\n判定の方法：{}\n\n\
             この処分に不服がある場合は、本通知を受け取った日の翌日から起算して1ヶ月以内に不服申立てをすることができます。\n\
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
        crate::outbox::enqueue_mail(&mut tx, now, &org.contact.email, &subject, &body).await?;
    }
    audit_only(tx, state, caller, &record, "revoke", detail).await
}
