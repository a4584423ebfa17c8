//! Public reports and deregistration cases with their hearing (REG-7).

use nintei_domain::authz::reg::{
    self as authz, DeregistrationAction, DeregistrationContext, RegGlobalAction,
};
use nintei_domain::org::Email;
use nintei_domain::reg::committee;
use nintei_domain::reg::dates::RegistrationNumber;
use nintei_domain::reg::status::{CommitteeOutcome, Status};
use nintei_store::reg_investigations::{self as inv, Investigation, Step};
use nintei_store::registrations::{self};
use nintei_store::{AuditEvent, audit, conflicts, reg_reports, sha256_hex};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Check, LONG_TEXT, SHORT_TEXT, commit, conflict, move_registration};

pub mod detail;
pub mod view;
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------------------------
// Public reports (REG-7)

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReportInput {
    pub registration_number: String,
    pub message: String,
    pub contact_email: Option<String>,
    /// Honeypot: a person never sees this field; a filled one is answered 202 and dropped.
    pub website: Option<String>,
}

/// At most this many reports per client address per hour, and per registration number per day.
pub const REPORTS_PER_ADDRESS_PER_HOUR: i64 = 5;
pub const REPORTS_PER_NUMBER_PER_DAY: i64 = 20;

/// Receives a public report (通報, REG-7): no account; throttled per address and per registration number; a
/// filled honeypot is accepted in appearance and dropped. Returns whether it was stored.
pub async fn receive_report(state: &AppState, address: &str, input: &ReportInput) -> AppResult<bool> {
    let now = state.clock.unix();
    // The address is kept only as a hash: throttling needs equality, nothing more.
    let address_key = sha256_hex(format!("reg-report:{address}").as_bytes());
    reg_reports::record_attempt(&state.db, "address", &address_key, now).await?;
    if reg_reports::attempts_since(&state.db, "address", &address_key, now - 3600).await?
        > REPORTS_PER_ADDRESS_PER_HOUR
    {
        return Err(AppError::TooManyRequests { retry_after: 3600 });
    }
    // A filled honeypot is answered like a stored report whatever else was sent: a bot learns nothing.
    if input.website.as_deref().is_some_and(|w| !w.trim().is_empty()) {
        tracing::info!("public report dropped by the honeypot");
        return Ok(false);
    }
    let mut check = Check::default();
    let number = match RegistrationNumber::parse(&input.registration_number) {
        Ok(n) => Some(n),
        Err(e) => {
            check.add("registration_number", e.to_string());
            None
        }
    };
    let message = check.text("message", &input.message, LONG_TEXT);
    let contact = match input
        .contact_email
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(e) => match Email::parse(e) {
            Ok(e) => Some(e.as_str().to_owned()),
            Err(err) => {
                check.add("contact_email", err.to_string());
                None
            }
        },
    };
    check.finish()?;
    let Some(number) = number else {
        return Err(AppError::BadRequest("invalid registration number".into()));
    };
    let number = number.to_string();
    reg_reports::record_attempt(&state.db, "number", &number, now).await?;
    if reg_reports::attempts_since(&state.db, "number", &number, now - 86_400).await?
        > REPORTS_PER_NUMBER_PER_DAY
    {
        return Err(AppError::TooManyRequests { retry_after: 3600 });
    }
    // The number is public (directory, certificates), so saying it is unknown reveals nothing.
    let reg = registrations::by_number(state.db.pool(), &number)
        .await?
        .ok_or_else(|| {
            AppError::field(
                "registration_number",
                "該当する登録番号がありません (no such registration)",
            )
        })?;
    let at = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let id = reg_reports::insert(&mut tx, &reg.id, &number, &message, contact.as_deref(), now).await?;
    // REG-7: a further report about a room under investigation joins the open case (not a second pile).
    let open_case = inv::list(&mut *tx, Some(&reg.id), None, 50)
        .await?
        .into_iter()
        .find(|c| c.status == "open" || c.status == "referred");
    if let Some(case) = &open_case {
        reg_reports::link(&mut tx, &id, &case.id).await?;
    }
    let event = AuditEvent {
        at,
        actor_id: None,
        actor_role: Some("public".into()),
        action: "reg_report.receive".into(),
        entity: "reg_report".into(),
        entity_id: id,
        // Neither the message nor the contact goes into the audit trail: the report row holds them.
        changes: audit::created(&[
            ("registration_number", json!(number)),
            ("has_contact", json!(contact.is_some())),
            (
                "investigation_id",
                json!(open_case.as_ref().map(|c| c.id.clone())),
            ),
        ]),
        request_id: "public".into(),
    };
    audit::append(&mut tx, &event).await?;
    commit(tx).await?;
    Ok(true)
}

// ---------------------------------------------------------------------------------------------------------------
// Deregistration cases (REG-7)

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OpenInvestigationInput {
    pub registration_number: String,
    pub opened_on: String,
    pub reason: String,
    pub report_ids: Vec<String>,
}

/// Opens a REG-7 case on a registration, from reports or another sign of non-conformity.
pub async fn open_investigation(
    state: &AppState,
    caller: &Caller,
    input: &OpenInvestigationInput,
) -> AppResult<Investigation> {
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::OpenInvestigation))?;
    let mut check = Check::default();
    let reg = match RegistrationNumber::parse(&input.registration_number) {
        Ok(n) => registrations::by_number(state.db.pool(), &n.to_string()).await?,
        Err(_) => None,
    };
    if reg.is_none() {
        check.add(
            "registration_number",
            "該当する登録番号がありません (no such registration)",
        );
    }
    let opened_on = check.past_date("opened_on", &input.opened_on, state.clock.today());
    if let Some(r) = &reg {
        check.not_before("opened_on", opened_on, r.first_registered_on, "登録日");
    }
    let reason = check.text("reason", &input.reason, LONG_TEXT);
    for (i, id) in input.report_ids.iter().enumerate() {
        match reg_reports::by_id(state.db.pool(), id).await? {
            Some(rep) if reg.as_ref().is_some_and(|r| r.id == rep.registration_id) => {
                if rep.status != "new" {
                    check.add(
                        format!("report_ids[{i}]"),
                        "この通報は既に扱われています (already handled)",
                    );
                }
                // REG-7: dates in order — no case opened before the report that started it was received.
                let received = chrono::DateTime::from_timestamp(rep.received_at, 0)
                    .map(|t| t.with_timezone(&crate::clock::jst()).date_naive());
                if let (Some(opened), Some(received)) = (opened_on, received)
                    && opened < received
                {
                    check.add(
                        "opened_on",
                        format!("通報の受付日（{received}）より前の日付は指定できません (before the report was received)"),
                    );
                }
            }
            _ => check.add(
                format!("report_ids[{i}]"),
                "この登録についての通報ではありません (no such report for this registration)",
            ),
        }
    }
    check.finish()?;
    let (Some(reg), Some(opened_on)) = (reg, opened_on) else {
        return Err(AppError::BadRequest("invalid request".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let reg = registrations::by_id(&mut *tx, &reg.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = reg
        .status
        .open_investigation()
        .map_err(|e| conflict(e.to_string()))?;
    if !registrations::set_status(
        &mut tx,
        &reg.id,
        reg.version,
        reg.status,
        to,
        None,
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("登録が同時に変更されました"));
    }
    let id = inv::insert(
        &mut tx,
        &reg.id,
        &reg.organization_id,
        opened_on,
        &reason,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    for rid in &input.report_ids {
        if !reg_reports::link(&mut tx, rid, &id).await? {
            return Err(conflict("通報が同時に扱われました"));
        }
    }
    let changes = audit::created(&[
        ("registration_number", json!(reg.number)),
        ("registration_status", json!(to.as_str())),
        ("opened_on", json!(opened_on)),
        ("reason", json!(reason)),
        ("report_ids", json!(input.report_ids)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_investigation.open", "reg_investigation", &id, changes),
    )
    .await?;
    commit(tx).await?;
    inv::by_id(state.db.pool(), &id).await?.ok_or(AppError::NotFound)
}

/// Files a new report that needs no investigation (the office keeps it, closed).
pub async fn file_report(state: &AppState, caller: &Caller, id: &str) -> AppResult<()> {
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::OpenInvestigation))?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let rep = reg_reports::by_id(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !reg_reports::file(&mut tx, &rep.id).await? {
        return Err(conflict("この通報は既に扱われています"));
    }
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_report.file",
            "reg_report",
            &rep.id,
            audit::diff(&[("status", json!(rep.status), json!("filed"))]),
        ),
    )
    .await?;
    commit(tx).await
}

/// The case and whether the caller may do `action` on it (404 for recused committee members).
pub async fn authorized_investigation(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: DeregistrationAction,
) -> AppResult<Investigation> {
    let case = inv::by_id(state.db.pool(), id).await?.ok_or(AppError::NotFound)?;
    let actor = caller.actor();
    let has_conflict = conflicts::exists(state.db.pool(), &caller.user.id, &case.organization_id).await?;
    let ctx = DeregistrationContext {
        organization_id: &case.organization_id,
        referred: matches!(case.status.as_str(), "referred" | "decided"),
        caller_has_conflict: has_conflict,
    };
    // Visibility first, so that a recused member gets 404 for every action.
    AppError::check(authz::deregistration(&actor, DeregistrationAction::View, ctx))?;
    AppError::check(authz::deregistration(&actor, action, ctx))?;
    Ok(case)
}

fn require_case_status(case: &Investigation, allowed: &[&str], what: &str) -> AppResult<()> {
    if allowed.contains(&case.status.as_str()) {
        Ok(())
    } else {
        Err(conflict(format!(
            "この抹消審査案件は「{}」のため{what}はできません",
            investigation_status_label(&case.status)
        )))
    }
}

pub fn investigation_status_label(s: &str) -> &'static str {
    match s {
        "open" => "調査中",
        "referred" => "登録審査委員会に付議",
        "closed" => "調査終了（付議せず）",
        "decided" => "決定済み",
        _ => "不明",
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DocumentRequestInput {
    pub requested_on: String,
    pub due_on: String,
    pub items: String,
}

/// REG-7: the office requests documents from the institution, with a due date.
pub async fn request_documents(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &DocumentRequestInput,
) -> AppResult<String> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Manage).await?;
    let mut check = Check::default();
    let requested_on = check.past_date("requested_on", &input.requested_on, state.clock.today());
    check.not_before("requested_on", requested_on, case.opened_on, "調査開始日");
    let due_on = check.date("due_on", &input.due_on);
    if let (Some(r), Some(d)) = (requested_on, due_on)
        && d <= r
    {
        check.add(
            "due_on",
            "提出期限は依頼日より後の日付にしてください (must be after requested_on)",
        );
    }
    let items = check.text("items", &input.items, LONG_TEXT);
    check.finish()?;
    let (Some(requested_on), Some(due_on)) = (requested_on, due_on) else {
        return Err(AppError::BadRequest("invalid request".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    require_case_status(&case, &["open"], "資料の要求")?;
    if !inv::touch(&mut tx, &case.id, case.version, &["open"], now.timestamp()).await? {
        return Err(conflict("案件が同時に変更されました"));
    }
    let rid = inv::insert_document_request(
        &mut tx,
        &case.id,
        requested_on,
        due_on,
        &items,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    crate::reg::notices::sync_documents_deadline(&mut tx, &case.id, false, requested_on, now.timestamp())
        .await?;
    if let Some(reg) = registrations::by_id(&mut *tx, &case.registration_id).await? {
        crate::reg::notices::documents_requested(
            &mut tx,
            state,
            &case.organization_id,
            &reg.number,
            due_on,
            &items,
        )
        .await?;
    }
    let changes = audit::created(&[
        ("document_request_id", json!(rid)),
        ("requested_on", json!(requested_on)),
        ("due_on", json!(due_on)),
        ("items", json!(items)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_investigation.request_documents",
            "reg_investigation",
            &case.id,
            changes,
        ),
    )
    .await?;
    commit(tx).await?;
    Ok(rid)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReceiptInput {
    pub received_on: String,
}

/// Records that the requested documents arrived.
pub async fn receive_documents(
    state: &AppState,
    caller: &Caller,
    id: &str,
    request_id: &str,
    input: &ReceiptInput,
) -> AppResult<()> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Manage).await?;
    let requests = inv::document_requests(state.db.pool(), &case.id).await?;
    let req = requests
        .iter()
        .find(|r| r.id == request_id)
        .ok_or(AppError::NotFound)?;
    let mut check = Check::default();
    let on = check.past_date("received_on", &input.received_on, state.clock.today());
    check.not_before("received_on", on, req.requested_on, "依頼日");
    check.finish()?;
    let Some(on) = on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !inv::receive_documents(&mut tx, &case.id, request_id, on).await? {
        return Err(conflict("この資料は受領済みです"));
    }
    crate::reg::notices::sync_documents_deadline(&mut tx, &case.id, false, on, now.timestamp()).await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_investigation.receive_documents",
            "reg_investigation",
            &case.id,
            audit::created(&[
                ("document_request_id", json!(request_id)),
                ("received_on", json!(on)),
            ]),
        ),
    )
    .await?;
    commit(tx).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RecordInput {
    pub kind: String,
    pub held_on: String,
    pub summary: String,
}

pub const RECORD_KINDS: [(&str, &str); 3] = [
    ("on_site_investigation", "実地調査"),
    ("hearing", "聴聞"),
    ("other", "その他"),
];

/// REG-7: the record of an on-site investigation, a hearing (聴聞) or another step.
pub async fn add_record(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &RecordInput,
) -> AppResult<String> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Manage).await?;
    let mut check = Check::default();
    let kind = input.kind.trim();
    if !RECORD_KINDS.iter().any(|(k, _)| *k == kind) {
        check.add("kind", "on_site_investigation, hearing, other のいずれかです");
    }
    let held_on = check.past_date("held_on", &input.held_on, state.clock.today());
    check.not_before("held_on", held_on, case.opened_on, "調査開始日");
    let summary = check.text("summary", &input.summary, LONG_TEXT);
    check.finish()?;
    let Some(held_on) = held_on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    require_case_status(&case, &["open", "referred"], "記録の追加")?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !inv::touch(
        &mut tx,
        &case.id,
        case.version,
        &["open", "referred"],
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("案件が同時に変更されました"));
    }
    let rid = inv::insert_record(
        &mut tx,
        &case.id,
        kind,
        held_on,
        &summary,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_investigation.record",
            "reg_investigation",
            &case.id,
            audit::created(&[
                ("record_id", json!(rid)),
                ("kind", json!(kind)),
                ("held_on", json!(held_on)),
                ("summary", json!(summary)),
            ]),
        ),
    )
    .await?;
    commit(tx).await?;
    Ok(rid)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StepInput {
    /// `referred_on` / `closed_on` / `decided_on`, by endpoint.
    #[serde(alias = "referred_on", alias = "closed_on", alias = "decided_on")]
    pub on: String,
    pub reason: String,
    /// For the decision: `deregister` or `maintain`.
    pub outcome: Option<String>,
}

/// Which step of a REG-7 case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStep {
    /// Refer to the registration review committee.
    Refer,
    /// End the investigation without referral: the registration stays.
    Close,
    /// Record the committee's decision.
    Decide,
}

impl CaseStep {
    fn date_field(self) -> &'static str {
        match self {
            CaseStep::Refer => "referred_on",
            CaseStep::Close => "closed_on",
            CaseStep::Decide => "decided_on",
        }
    }
}

fn parse_outcome(s: &str) -> Option<CommitteeOutcome> {
    match s.trim() {
        "deregister" => Some(CommitteeOutcome::Deregister),
        "maintain" => Some(CommitteeOutcome::Maintain),
        _ => None,
    }
}

/// Referral, closing, or the committee's decision; each moves the registration by the domain's state machine.
pub async fn case_step(
    state: &AppState,
    caller: &Caller,
    id: &str,
    step: CaseStep,
    input: &StepInput,
) -> AppResult<Investigation> {
    let action = match step {
        CaseStep::Refer | CaseStep::Close => DeregistrationAction::Manage,
        CaseStep::Decide => DeregistrationAction::Decide,
    };
    let case = authorized_investigation(state, caller, id, action).await?;
    let mut check = Check::default();
    let field = step.date_field();
    let on = check.past_date(field, &input.on, state.clock.today());
    let earliest = case.referred_on.unwrap_or(case.opened_on);
    check.not_before(field, on, earliest, "前の手続の日");
    let reason = check.text("reason", &input.reason, LONG_TEXT);
    let outcome = match step {
        CaseStep::Decide => {
            let o = input.outcome.as_deref().and_then(parse_outcome);
            if o.is_none() {
                check.add("outcome", "deregister か maintain を指定してください");
            }
            o
        }
        _ => None,
    };
    check.finish()?;
    let Some(on) = on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let case = inv::by_id(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    let reg = registrations::by_id(&mut *tx, &case.registration_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (from, s, reg_to, tally) = match step {
        CaseStep::Refer => {
            require_case_status(&case, &["open"], "付議")?;
            let to = reg
                .status
                .refer_to_committee()
                .map_err(|e| conflict(e.to_string()))?;
            ("open", Step::Refer { on, reason: &reason }, Some(to), None)
        }
        CaseStep::Close => {
            require_case_status(&case, &["open"], "調査の終了")?;
            // The registration may have expired or been abolished meanwhile; then it stays as it is.
            let to = reg.status.close_investigation().ok();
            ("open", Step::Close { on, reason: &reason }, to, None)
        }
        CaseStep::Decide => {
            require_case_status(&case, &["referred"], "決定の記録")?;
            let Some(outcome) = outcome else {
                return Err(AppError::BadRequest("outcome".into()));
            };
            let votes: Vec<CommitteeOutcome> = inv::votes(&mut *tx, &case.id)
                .await?
                .into_iter()
                .map(|v| v.outcome)
                .collect();
            let tally = committee::check_decision(&votes, outcome).map_err(|e| conflict(e.to_string()))?;
            let to = reg
                .status
                .committee_decision(outcome)
                .map_err(|e| conflict(e.to_string()))?;
            (
                "referred",
                Step::Decide {
                    outcome,
                    on,
                    reason: &reason,
                    by: &caller.user.id,
                },
                Some(to),
                Some(tally),
            )
        }
    };
    if !inv::step(&mut tx, &case.id, case.version, from, &s, now.timestamp()).await? {
        return Err(conflict("案件が同時に変更されました"));
    }
    let mut changes = vec![
        (
            "status",
            json!(case.status),
            json!(match step {
                CaseStep::Refer => "referred",
                CaseStep::Close => "closed",
                CaseStep::Decide => "decided",
            }),
        ),
        (field, Value::Null, json!(on)),
        ("reason", Value::Null, json!(reason)),
    ];
    if let Some(to) = reg_to {
        let ended = (to == Status::Deregistered).then_some((on, reason.as_str()));
        if !move_registration(&mut tx, &reg, to, ended, now.timestamp()).await? {
            return Err(conflict("登録が同時に変更されました"));
        }
        changes.push((
            "registration_status",
            json!(reg.status.as_str()),
            json!(to.as_str()),
        ));
    }
    if let Some(t) = tally {
        changes.push(("outcome", Value::Null, json!(outcome.map(inv::outcome_str))));
        changes.push((
            "votes",
            Value::Null,
            json!({"deregister": t.deregister, "maintain": t.maintain}),
        ));
    }
    if matches!(step, CaseStep::Close | CaseStep::Decide) {
        crate::reg::notices::sync_documents_deadline(&mut tx, &case.id, true, on, now.timestamp()).await?;
    }
    if matches!(step, CaseStep::Decide) {
        crate::reg::notices::deregistration_decided(
            &mut tx,
            state,
            &case.organization_id,
            &reg.number,
            reg_to == Some(Status::Deregistered),
            on,
            &reason,
        )
        .await?;
    }
    let action = match step {
        CaseStep::Refer => "reg_investigation.refer",
        CaseStep::Close => "reg_investigation.close",
        CaseStep::Decide => "reg_investigation.decide",
    };
    audit::append(
        &mut tx,
        &caller.audit(now, action, "reg_investigation", &case.id, audit::diff(&changes)),
    )
    .await?;
    commit(tx).await?;
    inv::by_id(state.db.pool(), id).await?.ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VoteInput {
    pub outcome: String,
    pub comment: Option<String>,
}

/// A committee member's vote (REG-7; recused members get 404, ACC-8).
pub async fn vote(state: &AppState, caller: &Caller, id: &str, input: &VoteInput) -> AppResult<()> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Vote).await?;
    let mut check = Check::default();
    let outcome = parse_outcome(&input.outcome);
    if outcome.is_none() {
        check.add("outcome", "deregister か maintain を指定してください");
    }
    let comment = check.optional_text("comment", input.comment.as_deref().unwrap_or_default(), LONG_TEXT);
    check.finish()?;
    let Some(outcome) = outcome else {
        return Err(AppError::BadRequest("outcome".into()));
    };
    require_case_status(&case, &["referred"], "投票")?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    // The case must still be referred when the vote is written (a decision may have been recorded meanwhile).
    if !inv::touch(&mut tx, &case.id, case.version, &["referred"], now.timestamp()).await? {
        let fresh = inv::by_id(&mut *tx, &case.id).await?.ok_or(AppError::NotFound)?;
        require_case_status(&fresh, &["referred"], "投票")?;
        if !inv::touch(&mut tx, &fresh.id, fresh.version, &["referred"], now.timestamp()).await? {
            return Err(conflict("案件が同時に変更されました"));
        }
    }
    inv::upsert_vote(
        &mut tx,
        &case.id,
        &caller.user.id,
        outcome,
        &comment,
        now.timestamp(),
    )
    .await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_investigation.vote",
            "reg_investigation",
            &case.id,
            audit::created(&[
                ("outcome", json!(inv::outcome_str(outcome))),
                ("comment", json!(comment)),
            ]),
        ),
    )
    .await?;
    commit(tx).await
}

/// The kind of investigation record that notifies a hearing (its `held_on` is the hearing day, `summary` the place).
pub const HEARING_NOTICE: &str = "hearing_notice";

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct HearingNoticeInput {
    pub notified_on: String,
    pub hearing_on: String,
    pub place: String,
}

/// REG-7: the office notifies the institution of the date and place of its hearing (聴聞), which may lie ahead;
/// the institution is mailed and sees it on its case. Dates in order: notified not before the case was opened,
/// the hearing not before the notice.
pub async fn notify_hearing(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &HearingNoticeInput,
) -> AppResult<String> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Manage).await?;
    let mut check = Check::default();
    let notified_on = check.past_date("notified_on", &input.notified_on, state.clock.today());
    check.not_before("notified_on", notified_on, case.opened_on, "調査開始日");
    let hearing_on = check.date("hearing_on", &input.hearing_on);
    check.not_before(
        "hearing_on",
        hearing_on,
        notified_on.unwrap_or(case.opened_on),
        "通知日",
    );
    let place = check.text("place", &input.place, SHORT_TEXT);
    check.finish()?;
    let (Some(notified_on), Some(hearing_on)) = (notified_on, hearing_on) else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    require_case_status(&case, &["open", "referred"], "聴聞の通知")?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !inv::touch(
        &mut tx,
        &case.id,
        case.version,
        &["open", "referred"],
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("案件が同時に変更されました"));
    }
    let rid = inv::insert_record(
        &mut tx,
        &case.id,
        HEARING_NOTICE,
        hearing_on,
        &place,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    if let Some(reg) = registrations::by_id(&mut *tx, &case.registration_id).await? {
        crate::reg::notices::hearing_notified(
            &mut tx,
            state,
            &case.organization_id,
            &reg.number,
            hearing_on,
            &place,
        )
        .await?;
    }
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_investigation.hearing_notice",
            "reg_investigation",
            &case.id,
            audit::created(&[
                ("record_id", json!(rid)),
                ("notified_on", json!(notified_on)),
                ("hearing_on", json!(hearing_on)),
                ("place", json!(place)),
            ]),
        ),
    )
    .await?;
    commit(tx).await?;
    Ok(rid)
}
