//! Appeals (不服申立て, ACC-21, seed 003 第10章), shared by the API and the screens: filing against an
//! ineligibility decision, a denial or a revocation; requests for more information that extend the review; the
//! members' answers to the head's poll; the decision (upheld / overturned) with the cost charge of an appeal
//! without justifiable reason.

use chrono::NaiveDate;
use nintei_domain::acc::CaseStatus;
use nintei_domain::acc::appeal::{
    AppealOutcome, AppealSubject, DecisionMethod, check_filing_on_record, extend_review, member_exclusion,
    poll_result,
};
use nintei_domain::authz::appeal::{self as appeal_authz, AppealAction};
use nintei_domain::deadline::Owner;
use nintei_domain::role::Role;
use nintei_store::acc::{self as store, Set};
use nintei_store::acc_appeals::{
    self as appeals, Appeal, AppealDecision, AppealVote, InfoRequest, NewAppeal,
};
use nintei_store::invoices::InvoiceLine;
use nintei_store::{StoreError, Tx, accreditations, audit, conflicts, deadlines, organizations, users};
use serde::Deserialize;
use serde_json::{Value, json};

use super::case::{invalid, issue_invoice, optional_text, required_text};
use super::{invoice_registration_number, office_calendar, parse_day, past_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::input::iso;
use crate::state::AppState;

use crate::input::{LONG_TEXT_MAX, TEXT_MAX};
/// The deadline subject of an appeal in the one deadline model.
pub const SUBJECT: &str = "acc_appeal";

/// The body of a filing: the four items of seed 003 第10章3 and the supporting material.
#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct AppealInput {
    /// (1) 不服申立て機関の名称、所在地並びに対応責任者の職名および氏名.
    #[serde(default)]
    pub organization_name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub responsible_title: String,
    #[serde(default)]
    pub responsible_name: String,
    /// (2) 処分を知った年月日.
    #[serde(default)]
    pub known_on: String,
    /// (3) 不服申立ての趣旨および理由.
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub reasons: String,
    /// (4) 不服申立ての年月日.
    #[serde(default)]
    pub appealed_on: String,
    /// The day the office received it (default: the appeal's date).
    pub received_on: Option<String>,
    /// 根拠となる資料: references to the supporting material (titles, file references).
    #[serde(default)]
    pub evidence: Vec<String>,
}

struct ValidFiling {
    organization_name: String,
    address: String,
    responsible_title: String,
    responsible_name: String,
    known_on: NaiveDate,
    purpose: String,
    reasons: String,
    appealed_on: NaiveDate,
    received_on: NaiveDate,
    evidence: Vec<String>,
}

fn validate_filing(input: &AppealInput, today: NaiveDate) -> AppResult<ValidFiling> {
    let mut errors = Vec::new();
    let organization_name = required_text(&mut errors, "organization_name", &input.organization_name, 200);
    let address = required_text(&mut errors, "address", &input.address, 300);
    let responsible_title = required_text(&mut errors, "responsible_title", &input.responsible_title, 100);
    let responsible_name = required_text(&mut errors, "responsible_name", &input.responsible_name, 100);
    let known_on = past_day(&mut errors, "known_on", &input.known_on, today);
    let purpose = required_text(&mut errors, "purpose", &input.purpose, TEXT_MAX);
    let reasons = required_text(&mut errors, "reasons", &input.reasons, LONG_TEXT_MAX);
    let appealed_on = past_day(&mut errors, "appealed_on", &input.appealed_on, today);
    let received_on = match input
        .received_on
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        Some(v) => past_day(&mut errors, "received_on", v, today),
        None => appealed_on,
    };
    let evidence: Vec<String> = input
        .evidence
        .iter()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect();
    // 機関は、不服申立ての理由について根拠となる資料を提出する必要があります.
    if evidence.is_empty() {
        errors.push(FieldError::new(
            "evidence",
            "ACC-21: 不服申立ての理由の根拠となる資料を1つ以上挙げてください (supporting material is required)",
        ));
    }
    if evidence.len() > 50 {
        errors.push(FieldError::new("evidence", "資料は50件までです (at most 50)"));
    }
    for (i, e) in evidence.iter().enumerate() {
        if e.chars().count() > 500 {
            errors.push(FieldError::new(
                format!("evidence[{i}]"),
                "500文字までです (too long)",
            ));
        }
    }
    invalid(errors)?;
    let (Some(known_on), Some(appealed_on), Some(received_on)) = (known_on, appealed_on, received_on) else {
        return Err(AppError::BadRequest("dates are required".into()));
    };
    Ok(ValidFiling {
        organization_name,
        address,
        responsible_title,
        responsible_name,
        known_on,
        purpose,
        reasons,
        appealed_on,
        received_on,
        evidence,
    })
}

/// What is appealed: the case, the accreditation (for a revocation), and the date of the decision.
struct Appealed {
    subject: AppealSubject,
    organization_id: String,
    case_id: String,
    accreditation_id: Option<String>,
    decided_on: NaiveDate,
    /// ACC-21: the office's record of the notice's receipt, from which the month counts.
    notice_received_on: Option<NaiveDate>,
}

/// `POST /api/v1/accreditation/cases/{id}/appeals`: an appeal against the case's ineligibility decision or its
/// denial (ACC-21). 409 when the case is in neither state or the filing period has ended.
pub async fn file_against_case(
    state: &AppState,
    caller: &Caller,
    case_id: &str,
    input: &AppealInput,
) -> AppResult<String> {
    let loaded = super::load_for(
        state,
        caller,
        case_id,
        nintei_domain::authz::acc::CaseAction::View,
    )
    .await?;
    AppError::check(appeal_authz::file(&caller.actor(), &loaded.case.organization_id))?;
    let filing = validate_filing(input, state.clock.today())?;
    let case = loaded.case;
    let (subject, decided_on) = match case.status {
        CaseStatus::Ineligible => (AppealSubject::Ineligibility, case.eligibility_decided_on),
        // ACC-1, ACC-21: a review stopped for lost eligibility is a decision of no eligibility.
        CaseStatus::Stopped => (AppealSubject::Ineligibility, case.stopped_on),
        CaseStatus::Denied => (AppealSubject::Denial, case.decided_on),
        other => {
            return Err(AppError::Conflict(format!(
                "ACC-21: 不服申立ては受審資格なし・否認・取消しの処分に対してだけできます（状態「{}」） \
                 (nothing appealable in status {})",
                other.label_ja(),
                other.as_str()
            )));
        }
    };
    let decided_on = decided_on.ok_or_else(|| AppError::Internal("decision without a date".into()))?;
    let appealed = Appealed {
        subject,
        organization_id: case.organization_id.clone(),
        case_id: case.id.clone(),
        accreditation_id: None,
        decided_on,
        notice_received_on: if subject == AppealSubject::Denial {
            case.notice_received_on
        } else {
            None
        },
    };
    file(state, caller, &appealed, &filing).await
}

/// `POST /api/v1/accreditations/{number}/appeals`: an appeal against the revocation of the accreditation.
pub async fn file_against_revocation(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &AppealInput,
) -> AppResult<String> {
    let accreditation = nintei_store::acc_renewal::by_number(state.db.pool(), number)
        .await?
        .ok_or(AppError::NotFound)?;
    AppError::check(appeal_authz::file(
        &caller.actor(),
        &accreditation.organization_id,
    ))?;
    let filing = validate_filing(input, state.clock.today())?;
    if accreditation.status != "revoked" {
        return Err(AppError::Conflict(format!(
            "ACC-21: この認定は取り消されていません（状態 {}） (the accreditation is not revoked)",
            accreditation.status
        )));
    }
    let events = accreditations::events(state.db.pool(), &accreditation.id).await?;
    let decided_on = events
        .iter()
        .rev()
        .find(|e| e.kind == "revoked")
        .map(|e| e.occurred_on)
        .ok_or_else(|| {
            AppError::Conflict("ACC-21: 取消しの記録がありません (no revocation recorded)".into())
        })?;
    let appealed = Appealed {
        subject: AppealSubject::Revocation,
        organization_id: accreditation.organization_id.clone(),
        case_id: accreditation.case_id.clone(),
        accreditation_id: Some(accreditation.id.clone()),
        decided_on,
        notice_received_on: None,
    };
    file(state, caller, &appealed, &filing).await
}

async fn file(state: &AppState, caller: &Caller, appealed: &Appealed, f: &ValidFiling) -> AppResult<String> {
    let calendar = office_calendar(state).await?;
    let dates = check_filing_on_record(
        appealed.decided_on,
        appealed.notice_received_on,
        f.known_on,
        f.appealed_on,
        f.received_on,
        &calendar,
    )
    .map_err(|e| {
        if e.is_invalid_input() {
            AppError::field("known_on", e.to_string())
        } else {
            AppError::Conflict(e.to_string())
        }
    })?;
    let now = state.clock.now();
    let ts = now.timestamp();
    let mut tx = state.db.begin_write().await?;
    let new = NewAppeal {
        organization_id: &appealed.organization_id,
        subject: appealed.subject.as_str(),
        case_id: &appealed.case_id,
        accreditation_id: appealed.accreditation_id.as_deref(),
        decision_on: appealed.decided_on,
        organization_name: &f.organization_name,
        address: &f.address,
        responsible_title: &f.responsible_title,
        responsible_name: &f.responsible_name,
        known_on: f.known_on,
        purpose: &f.purpose,
        reasons: &f.reasons,
        appealed_on: f.appealed_on,
        received_on: f.received_on,
        evidence: &f.evidence,
        filing_due_on: dates.filing_due_on,
        review_due_on: dates.review_due_on,
        created_by: &caller.user.id,
    };
    let id = appeals::insert(&mut tx, &new, ts).await?;
    // The review is the office's deadline (2 months from receipt); the organization's filing deadline is met.
    deadlines::set(
        &mut tx,
        &deadlines::NewDeadline {
            kind: "appeal_review",
            subject: SUBJECT,
            subject_id: &id,
            organization_id: Some(&appealed.organization_id),
            owner: Owner::Office,
            assignee_id: None,
            title: "不服申立ての審査",
            due_on: dates.review_due_on,
        },
        ts,
    )
    .await?;
    deadlines::meet(
        &mut tx,
        "acc_case",
        &appealed.case_id,
        "appeal",
        f.appealed_on,
        ts,
    )
    .await?;
    if let Some(a) = &appealed.accreditation_id {
        accreditations::record_event(
            &mut tx,
            a,
            "appeal_filed",
            f.appealed_on,
            &json!({"appeal_id": id, "subject": appealed.subject.as_str()}),
            Some(&caller.user.id),
            ts,
        )
        .await?;
    }
    let changes = audit::created(&[
        ("subject", json!(appealed.subject.as_str())),
        ("case_id", json!(appealed.case_id)),
        ("accreditation_id", json!(appealed.accreditation_id)),
        ("decision_on", json!(iso(appealed.decided_on))),
        ("known_on", json!(iso(f.known_on))),
        ("appealed_on", json!(iso(f.appealed_on))),
        ("received_on", json!(iso(f.received_on))),
        ("filing_due_on", json!(iso(dates.filing_due_on))),
        ("review_due_on", json!(iso(dates.review_due_on))),
        ("evidence", json!(f.evidence)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "acc_appeal.file", SUBJECT, &id, changes),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}

/// An appeal the caller may see (404 otherwise), after checking `action` (403).
pub async fn load_for(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: AppealAction,
) -> AppResult<Appeal> {
    let appeal = appeals::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let conflicted = caller.user.role == Role::Committee
        && conflicts::exists(state.db.pool(), &caller.user.id, &appeal.organization_id).await?;
    AppError::check(appeal_authz::appeal(
        &caller.actor(),
        action,
        &appeal.organization_id,
        conflicted,
    ))?;
    Ok(appeal)
}

/// The appeals the caller may see.
pub async fn list(state: &AppState, caller: &Caller) -> AppResult<Vec<Appeal>> {
    let actor = caller.actor();
    let mut items = if appeal_authz::list_all(&actor) {
        appeals::list(state.db.pool(), None, 500).await?
    } else if caller.user.role == Role::Organization {
        match caller.user.organization_id.as_deref() {
            Some(org) => appeals::list(state.db.pool(), Some(org), 500).await?,
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    if caller.user.role == Role::Committee {
        let mut kept = Vec::new();
        for a in items {
            if !conflicts::exists(state.db.pool(), &caller.user.id, &a.organization_id).await? {
                kept.push(a);
            }
        }
        items = kept;
    }
    Ok(items)
}

/// The appeal as the API shows it: the record, the information requests, and (for the office, the head and the
/// committee) the members' answers.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AppealView {
    #[serde(flatten)]
    pub appeal: Appeal,
    pub information_requests: Vec<InfoRequest>,
    /// The members' answers to the poll; not for the organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub votes: Option<Vec<AppealVote>>,
    /// 認定されなかった決定 / 取消し … in Japanese.
    pub subject_label: Option<&'static str>,
    /// The review's deadline while the appeal is `received`.
    pub deadlines: Vec<crate::acc::case::CaseDeadline>,
}

/// The appeal as the API shows it (see [`AppealView`]).
pub async fn view(state: &AppState, caller: &Caller, appeal: &Appeal) -> AppResult<AppealView> {
    let pool = state.db.pool();
    Ok(AppealView {
        information_requests: appeals::requests(pool, &appeal.id).await?,
        votes: if caller.user.role != Role::Organization {
            Some(appeals::votes(pool, &appeal.id).await?)
        } else {
            None
        },
        subject_label: AppealSubject::parse(&appeal.subject).map(|s| s.label_ja()),
        deadlines: if appeal.status == "received" {
            vec![crate::acc::case::CaseDeadline {
                kind: "appeal_review".into(),
                due_on: appeal.review_due_on,
            }]
        } else {
            Vec::new()
        },
        appeal: appeal.clone(),
    })
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct InfoRequestInput {
    #[serde(default)]
    pub requested_on: String,
    #[serde(default)]
    pub items: String,
    #[serde(default)]
    pub review_due_on: String,
}

/// `POST …/appeals/{id}/information-requests` (office): asks the organization for more information and extends
/// the review to a new due date (ACC-21 "審査期間を必要に応じて延長することがあります").
pub async fn request_information(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &InfoRequestInput,
) -> AppResult<String> {
    let appeal = load_for(state, caller, id, AppealAction::RequestInformation).await?;
    let mut errors = Vec::new();
    let requested_on = past_day(
        &mut errors,
        "requested_on",
        &input.requested_on,
        state.clock.today(),
    );
    let items = required_text(&mut errors, "items", &input.items, TEXT_MAX);
    let due = parse_day(&mut errors, "review_due_on", &input.review_due_on);
    if let Some(r) = requested_on {
        super::not_before(
            &mut errors,
            "requested_on",
            r,
            Some((appeal.received_on, "受理日")),
        );
    }
    invalid(errors)?;
    let (Some(requested_on), Some(due)) = (requested_on, due) else {
        return Err(AppError::BadRequest("requested_on and review_due_on".into()));
    };
    let now = state.clock.now();
    let ts = now.timestamp();
    let mut tx = state.db.begin_write().await?;
    let appeal = locked(&mut tx, id, ts).await?;
    if appeal.status != "received" {
        return Err(AppError::Conflict(
            "ACC-21: この不服申立ては審査済みです (already decided)".into(),
        ));
    }
    let due = extend_review(appeal.review_due_on, requested_on, due)
        .map_err(|e| AppError::field("review_due_on", e.to_string()))?;
    let request_id = appeals::add_request(&mut tx, &appeal, requested_on, &items, due, &caller.user.id, ts)
        .await?
        .ok_or_else(|| AppError::Conflict("the appeal was changed at the same time; reload it".into()))?;
    deadlines::set(
        &mut tx,
        &deadlines::NewDeadline {
            kind: "appeal_review",
            subject: SUBJECT,
            subject_id: id,
            organization_id: Some(&appeal.organization_id),
            owner: Owner::Office,
            assignee_id: None,
            title: "不服申立ての審査",
            due_on: due,
        },
        ts,
    )
    .await?;
    let changes = audit::diff(&[
        ("review_due_on", json!(iso(appeal.review_due_on)), json!(iso(due))),
        (
            "information_request",
            Value::Null,
            json!({"id": request_id, "requested_on": iso(requested_on), "items": items}),
        ),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "acc_appeal.information_request", SUBJECT, id, changes),
    )
    .await?;
    notify(&mut tx, state, &appeal.organization_id, "【MH認定】不服申立ての審査に関する追加情報のお願い",
        &format!("不服申立て（受理日 {}）の審査のため、次の情報のご提出をお願いします。\n\n{items}\n\n審査期限を {} に延長しました。", iso(appeal.received_on), iso(due)), ts).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(request_id)
}

async fn locked(tx: &mut Tx, id: &str, now: i64) -> AppResult<Appeal> {
    appeals::lock(tx, id, now).await?.ok_or(AppError::NotFound)
}

/// Mails the organization's contact (outbox), when it has an address.
async fn notify(
    tx: &mut Tx,
    state: &AppState,
    organization_id: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> AppResult<()> {
    if let Some(org) = organizations::by_id(state.db.pool(), organization_id).await?
        && !org.contact.email.trim().is_empty()
    {
        crate::outbox::enqueue_mail(tx, now, &org.contact.email, subject, body).await?;
    }
    Ok(())
}

/// Why a member may not decide this appeal, if any.
async fn exclusion(state: &AppState, appeal: &Appeal, user_id: &str) -> AppResult<Option<&'static str>> {
    let involved = appeals::involved_in(
        state.db.pool(),
        &appeal.case_id,
        appeal.accreditation_id.as_deref(),
    )
    .await?;
    let conflicted = conflicts::exists(state.db.pool(), user_id, &appeal.organization_id).await?;
    Ok(member_exclusion(user_id, &involved, conflicted).map(|e| e.message_ja()))
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct AppealVoteInput {
    #[serde(default)]
    pub outcome: String,
}

/// `POST …/appeals/{id}/votes` (committee member): the member's answer to the head's poll. A member involved in
/// the decision appealed, or with a declared conflict, takes no part (409).
pub async fn vote(state: &AppState, caller: &Caller, id: &str, input: &AppealVoteInput) -> AppResult<String> {
    let appeal = load_for(state, caller, id, AppealAction::Vote).await?;
    let outcome = AppealOutcome::parse(input.outcome.trim())
        .ok_or_else(|| AppError::field("outcome", "upheld または overturned です (upheld or overturned)"))?;
    if let Some(why) = exclusion(state, &appeal, &caller.user.id).await? {
        return Err(AppError::Conflict(why.into()));
    }
    let now = state.clock.now();
    let ts = now.timestamp();
    let mut tx = state.db.begin_write().await?;
    let appeal = locked(&mut tx, id, ts).await?;
    if appeal.status != "received" {
        return Err(AppError::Conflict(
            "ACC-21: この不服申立ては審査済みです (already decided)".into(),
        ));
    }
    let (vote_id, replaced) = appeals::put_vote(&mut tx, id, &caller.user.id, outcome.as_str(), ts).await?;
    let changes = json!({"vote_id": vote_id, "outcome": outcome.as_str(), "replaced": replaced});
    audit::append(
        &mut tx,
        &caller.audit(now, "acc_appeal.vote", SUBJECT, id, changes),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(vote_id)
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct AppealDecisionInput {
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub method: String,
    /// For a meeting: the members who deliberated (committee users not involved and without conflict).
    #[serde(default)]
    pub members: Vec<String>,
    pub reason: Option<String>,
    /// False when the appeal had no justifiable reason: its review cost is charged (`cost_yen`).
    pub justifiable: Option<bool>,
    pub cost_yen: Option<i64>,
}

/// `POST …/appeals/{id}/decision` (office or head, recording the committee's decision): upheld or overturned,
/// in a meeting (its members named) or by polling (the recorded answers; the outcome must be their majority).
/// Overturning reopens what was decided: a revoked accreditation is active again; an ineligible case goes back to
/// `submitted` for a new eligibility decision; a denied case goes back to the committee. An appeal without
/// justifiable reason is charged its review cost (an invoice on the case, ACC-21 第10章5).
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &AppealDecisionInput,
) -> AppResult<()> {
    let appeal = load_for(state, caller, id, AppealAction::Decide).await?;
    let mut errors = Vec::new();
    let outcome = AppealOutcome::parse(input.outcome.trim());
    if outcome.is_none() {
        errors.push(FieldError::new(
            "outcome",
            "upheld または overturned です (upheld or overturned)",
        ));
    }
    let method = DecisionMethod::parse(input.method.trim());
    if method.is_none() {
        errors.push(FieldError::new(
            "method",
            "meeting または polling です (meeting or polling)",
        ));
    }
    let decided_on = past_day(&mut errors, "decided_on", &input.decided_on, state.clock.today());
    if let Some(d) = decided_on {
        super::not_before(&mut errors, "decided_on", d, Some((appeal.received_on, "受理日")));
    }
    let reason = optional_text(&mut errors, "reason", input.reason.as_deref(), TEXT_MAX);
    let justifiable = input.justifiable.unwrap_or(true);
    let cost = match (justifiable, input.cost_yen) {
        (true, None) => None,
        (true, Some(_)) => {
            errors.push(FieldError::new(
                "cost_yen",
                "正当な理由のある不服申立てには費用を請求しません (no cost for a justified appeal)",
            ));
            None
        }
        (false, Some(c)) if (1..=100_000_000).contains(&c) => Some(c),
        (false, _) => {
            errors.push(FieldError::new(
                "cost_yen",
                "ACC-21: 審査に要した費用（円）を入力してください (the review cost is required)",
            ));
            None
        }
    };
    if !justifiable && outcome == Some(AppealOutcome::Overturned) {
        errors.push(FieldError::new(
            "justifiable",
            "認容した不服申立てに費用は請求しません (an overturned decision had a justified appeal)",
        ));
    }
    if method == Some(DecisionMethod::Meeting) && input.members.is_empty() {
        errors.push(FieldError::new(
            "members",
            "会議に出席した委員を指定してください (the members are required)",
        ));
    }
    if input.members.len() > 50 {
        errors.push(FieldError::new("members", "50名までです (at most 50)"));
    }
    invalid(errors)?;
    let (Some(outcome), Some(method), Some(decided_on)) = (outcome, method, decided_on) else {
        return Err(AppError::BadRequest("outcome, method and decided_on".into()));
    };
    // Who decided: the meeting's members, or every member who answered the poll; none may be involved in the
    // decision appealed nor conflicted (ACC-8, ACC-21).
    let deciders: Vec<String> = match method {
        DecisionMethod::Meeting => {
            let mut m: Vec<String> = input.members.iter().map(|m| m.trim().to_owned()).collect();
            m.sort();
            m.dedup();
            for (i, member) in m.iter().enumerate() {
                match users::by_id(state.db.pool(), member).await? {
                    Some(u) if u.role == Role::Committee && u.active => {}
                    _ => {
                        return Err(AppError::field(
                            &format!("members[{i}]"),
                            "認定委員会の委員ではありません (not a committee member)",
                        ));
                    }
                }
            }
            m
        }
        DecisionMethod::Polling => {
            let votes = appeals::votes(state.db.pool(), id).await?;
            let answers: Vec<AppealOutcome> = votes
                .iter()
                .filter_map(|v| AppealOutcome::parse(&v.outcome))
                .collect();
            match poll_result(&answers) {
                None => {
                    return Err(AppError::Conflict(
                        "ACC-21: 委員の回答がないか賛否が同数です (no answers or a tie)".into(),
                    ));
                }
                Some(r) if r != outcome => {
                    return Err(AppError::Conflict(format!(
                        "ACC-21: 委員の回答の多数は「{}」です (the poll's majority is {})",
                        r.label_ja(),
                        r.as_str()
                    )));
                }
                Some(_) => {}
            }
            votes.into_iter().map(|v| v.user_id).collect()
        }
    };
    for member in &deciders {
        if let Some(why) = exclusion(state, &appeal, member).await? {
            return Err(AppError::Conflict(why.into()));
        }
    }
    let registration_number = invoice_registration_number(state).await?;
    let now = state.clock.now();
    let ts = now.timestamp();
    let mut tx = state.db.begin_write().await?;
    let appeal = locked(&mut tx, id, ts).await?;
    if appeal.status != "received" {
        return Err(AppError::Conflict(
            "ACC-21: この不服申立ては審査済みです (already decided)".into(),
        ));
    }
    let mut errors = Vec::new();
    super::not_before(
        &mut errors,
        "decided_on",
        decided_on,
        Some((appeal.received_on, "受理日")),
    );
    invalid(errors)?;
    let case = store::lock(&mut tx, &appeal.case_id, ts)
        .await?
        .ok_or(AppError::NotFound)?;
    // The cost charge: an invoice on the case appealed (ACC-21 第10章5, ACC-22 tax at the invoice date).
    let mut invoice_json = Value::Null;
    let cost_invoice_id = match cost {
        Some(c) => {
            let line = InvoiceLine {
                kind: "appeal_cost".into(),
                description: "不服申立ての審査に要した費用".into(),
                quantity: 1,
                unit_yen: c,
                amount_yen: c,
            };
            let invoice = issue_invoice(
                &mut tx,
                &case,
                decided_on,
                vec![line],
                &registration_number,
                &caller.user.id,
                ts,
            )
            .await?;
            invoice_json = json!({"number": invoice.number, "total_yen": invoice.total_yen});
            Some(invoice.id)
        }
        None => None,
    };
    let decision = AppealDecision {
        outcome: outcome.as_str(),
        decided_on,
        method: method.as_str(),
        deciders: &deciders,
        reason: reason.as_deref(),
        justifiable,
        cost_invoice_id: cost_invoice_id.as_deref(),
    };
    if !appeals::decide(&mut tx, &appeal, &decision, ts).await? {
        return Err(AppError::Conflict(
            "the appeal was changed at the same time; reload it".into(),
        ));
    }
    let mut reopened = Value::Null;
    if outcome == AppealOutcome::Overturned {
        reopened = overturn(&mut tx, &appeal, &case, decided_on, caller, ts).await?;
        if case.status == CaseStatus::Stopped {
            // The resumed review owes again what it owed when it was stopped (the self-study's due date).
            let calendar = office_calendar(state).await?;
            crate::acc::case::sync_deadlines(&mut tx, &case.id, &calendar, ts).await?;
        }
    }
    deadlines::meet(&mut tx, SUBJECT, id, "appeal_review", decided_on, ts).await?;
    let subject = AppealSubject::parse(&appeal.subject)
        .map(|s| s.label_ja())
        .unwrap_or_default();
    notify(
        &mut tx,
        state,
        &appeal.organization_id,
        "【MH認定】不服申立ての審査結果",
        &format!(
            "{} に対する不服申立て（{} 付け）について、{} に審査しました。\n結果: {}\n{}{}",
            subject,
            iso(appeal.appealed_on),
            iso(decided_on),
            outcome.label_ja(),
            reason
                .as_deref()
                .map(|r| format!("理由: {r}\n"))
                .unwrap_or_default(),
            if cost.is_some() {
                "不服申立てに正当な理由がないと認められたため、審査に要した費用を請求します。\n"
            } else {
                ""
            },
        ),
        ts,
    )
    .await?;
    let changes = audit::diff(&[
        ("status", json!("received"), json!("decided")),
        ("outcome", Value::Null, json!(outcome.as_str())),
        ("decided_on", Value::Null, json!(iso(decided_on))),
        ("method", Value::Null, json!(method.as_str())),
        ("deciders", Value::Null, json!(deciders)),
        ("justifiable", Value::Null, json!(justifiable)),
        ("cost_invoice", Value::Null, invoice_json),
        ("reopened", Value::Null, reopened),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "acc_appeal.decide", SUBJECT, id, changes),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// What an overturned decision reopens.
async fn overturn(
    tx: &mut Tx,
    appeal: &Appeal,
    case: &store::Case,
    decided_on: NaiveDate,
    caller: &Caller,
    now: i64,
) -> AppResult<Value> {
    let detail = json!({"appeal_id": appeal.id});
    match AppealSubject::parse(&appeal.subject) {
        Some(AppealSubject::Revocation) => {
            let accreditation_id = appeal
                .accreditation_id
                .as_deref()
                .ok_or_else(|| AppError::Internal("revocation appeal without accreditation".into()))?;
            let moved = accreditations::change_status(
                tx,
                accreditation_id,
                "revoked",
                "active",
                "revocation_overturned",
                decided_on,
                &detail,
                Some(&caller.user.id),
                now,
            )
            .await?;
            if !moved {
                return Err(AppError::Conflict(
                    "ACC-21: この認定は取消しの状態ではありません (not revoked any more)".into(),
                ));
            }
            if let Some(a) = nintei_store::acc_renewal::by_id(&mut **tx, accreditation_id).await? {
                crate::directory::reindex_accreditation(tx, &a.number).await?;
            }
            Ok(json!({"accreditation_id": accreditation_id, "status": "active"}))
        }
        Some(subject) => {
            let (expected, to) = match (subject, case.status, case.stopped_from) {
                // A stop overturned: the review resumes where it was stopped.
                (AppealSubject::Ineligibility, CaseStatus::Stopped, Some(from)) => {
                    (CaseStatus::Stopped, from)
                }
                (AppealSubject::Ineligibility, _, _) => (CaseStatus::Ineligible, CaseStatus::Submitted),
                _ => (CaseStatus::Denied, CaseStatus::Committee),
            };
            if case.status != expected {
                return Err(AppError::Conflict(format!(
                    "ACC-21: 審査は状態「{}」にあり、再開できません (the case is no longer {})",
                    case.status.label_ja(),
                    expected.as_str()
                )));
            }
            if store::has_open_case(&mut **tx, &case.organization_id, case.unit_name.as_deref()).await? {
                return Err(AppError::Conflict(
                    "この機関（部門）には審査中の申請があり、審査を再開できません (another case is open)"
                        .into(),
                ));
            }
            let fields: Vec<(&str, Set)> = match subject {
                AppealSubject::Ineligibility if expected == CaseStatus::Stopped => vec![
                    ("stopped_on", Set::opt_date(None)),
                    ("stopped_from", Set::opt_text(None)),
                ],
                AppealSubject::Ineligibility => vec![
                    ("eligibility_decision", Set::Int(None)),
                    ("eligibility_decided_on", Set::opt_date(None)),
                    ("eligibility_reason", Set::opt_text(None)),
                ],
                _ => vec![
                    ("outcome", Set::opt_text(None)),
                    ("notice_sent_on", Set::opt_date(None)),
                    ("notice_received_on", Set::opt_date(None)),
                    ("review_report_sent_on", Set::opt_date(None)),
                ],
            };
            if !store::transition(tx, &case.id, case.version, to, &fields, now).await? {
                return Err(AppError::Conflict(
                    "the case was changed at the same time; reload it".into(),
                ));
            }
            // The denial's own deadlines (notice, report, appeal) are superseded.
            store::close_deadlines(tx, &case.id, &[]).await?;
            nintei_store::deadlines::sync_subject(
                tx,
                "acc_case",
                &case.id,
                Some(&case.organization_id),
                None,
                &[],
                decided_on,
                now,
            )
            .await?;
            Ok(json!({"case_id": case.id, "status": to.as_str()}))
        }
        None => Err(AppError::Internal(format!(
            "unknown appeal subject {}",
            appeal.subject
        ))),
    }
}
