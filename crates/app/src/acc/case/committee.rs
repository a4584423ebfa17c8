//! The committee's votes and decision (ACC-8, ACC-11) and the notices that follow (ACC-12).

use crate::acc::{catalog, latest, load_for, not_before, office_calendar, parse_day, past_day, year_of};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use nintei_domain::acc::case::{self as machine, TransitionError};
use nintei_domain::acc::committee::{NotCarried, Tally, check_carried};
use nintei_domain::acc::dates::accreditation_expires_on;
use nintei_domain::acc::renewal::CaseKind;
use nintei_domain::acc::{Action, CaseStatus, Decision, Outcome};
use nintei_domain::authz::acc::CaseAction;
use nintei_domain::role::Role;
use nintei_store::Conn;
use nintei_store::Tx;
use nintei_store::acc::{self as store, Case, Set};
use nintei_store::audit;
use serde::Deserialize;
use serde_json::{Value, json};

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct VoteInput {
    #[serde(default)]
    pub outcome: String,
}

pub(crate) fn parse_outcome(errors: &mut Vec<FieldError>, value: &str) -> Option<Outcome> {
    let o = Outcome::parse(value.trim());
    if o.is_none() {
        errors.push(FieldError::new(
            "outcome",
            "accredit, hold, defer, deny のいずれかです (one of accredit, hold, defer, deny)",
        ));
    }
    o
}

/// `POST …/votes`: a committee member's vote in the current round (a second vote in the same round replaces
/// the first).
pub async fn vote(state: &AppState, caller: &Caller, id: &str, input: &VoteInput) -> AppResult<String> {
    load_for(state, caller, id, CaseAction::Vote).await?;
    let mut errors = Vec::new();
    let outcome = parse_outcome(&mut errors, &input.outcome);
    invalid(errors)?;
    let outcome = outcome.ok_or_else(|| AppError::BadRequest("outcome".into()))?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    machine::check_vote(case.status).map_err(refused)?;
    let round = store::decision_count(&mut *tx, id).await?;
    let (vote_id, replaced) = store::put_vote(&mut tx, id, round, &caller.user.id, outcome, now).await?;
    let changes =
        json!({"vote_id": vote_id, "round": round, "outcome": outcome.as_str(), "replaced": replaced});
    finish(tx, state, caller, "acc_case.vote", id, changes).await?;
    Ok(vote_id)
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct DecisionInput {
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub decided_on: String,
    pub grace_until: Option<String>,
    pub reason: Option<String>,
}

/// `POST …/decision` (ACC-11): records the committee's decision (or the head's after a hold). Accredit creates
/// the accreditation: a new `MH-YYYY-NNNN` number, `accredited_on = decided_on`, `expires_on` three years counted
/// from that day.
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &DecisionInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::Decide).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let outcome = parse_outcome(&mut errors, &input.outcome);
    let decided_on = past_day(&mut errors, "decided_on", &input.decided_on, today);
    let grace_until = match input
        .grace_until
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty())
    {
        Some(g) if outcome == Some(Outcome::Defer) => parse_day(&mut errors, "grace_until", g),
        _ => None,
    };
    let reason = optional_text(&mut errors, "reason", input.reason.as_deref(), TEXT_MAX);
    invalid(errors)?;
    let (Some(outcome), Some(decided_on)) = (outcome, decided_on) else {
        return Err(AppError::BadRequest("outcome and decided_on are required".into()));
    };
    let catalog = catalog(state, &loaded.case.catalog_version).await?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    // The state first (409), then the dates against the case as it is now (400).
    if !Action::Decision(outcome).is_allowed_from(case.status) {
        return Err(refused(TransitionError::WrongState {
            action: Action::Decision(outcome),
            from: case.status,
        }));
    }
    // ACC-11 hold: the head decides; defer or deny only on the head's report that the documents did not come.
    if case.status == CaseStatus::OnHold {
        let hold = hold_of(&mut tx, &case, &calendar).await?;
        nintei_domain::acc::hold::check_decision(&hold, outcome, caller.user.role == Role::Head)
            .map_err(hold_refused)?;
    }
    // ACC-11: the committee's decision is what its recorded votes carry (the head's accreditation of a held case
    // is the head's own).
    let heads_own =
        case.status == CaseStatus::OnHold && caller.user.role == Role::Head && outcome == Outcome::Accredit;
    if !heads_own {
        let tally = round_tally(&mut tx, &case).await?;
        let members = store::voting_members(&mut *tx, &case.organization_id).await?;
        let members = usize::try_from(members).unwrap_or(0);
        check_carried(outcome, &tally, members).map_err(|e| not_carried(e, outcome, &tally))?;
    }
    let mut errors = Vec::new();
    let previous = latest(&[
        (case.report_issued_on, "実地調査報告書の発行日"),
        (case.response_submitted_on, "報告書への回答日"),
        (case.decided_on, "前回の判定日"),
    ]);
    not_before(&mut errors, "decided_on", decided_on, previous);
    invalid(errors)?;
    let assessment = assessment_in(&mut tx, &catalog, &case).await?;
    let decision = Decision {
        outcome,
        decided_on,
        grace_until,
    };
    let status =
        machine::decide(case.status, &decision, &assessment, case.first_deferred_on).map_err(refused)?;
    machine::check_within_grace(case.status, outcome, decided_on, case.grace_until).map_err(refused)?;
    let first_deferred_on = match (outcome, case.first_deferred_on) {
        (Outcome::Defer, None) => Some(decided_on),
        (_, first) => first,
    };
    let mut fields = vec![
        ("outcome", Set::text(outcome.as_str())),
        ("decided_on", Set::date(decided_on)),
        ("decision_reason", Set::opt_text(reason.clone())),
        ("grace_until", Set::opt_date(grace_until)),
        ("first_deferred_on", Set::opt_date(first_deferred_on)),
        // A new decision has its own notice (ACC-12).
        ("notice_sent_on", Set::opt_date(None)),
        ("notice_received_on", Set::opt_date(None)),
        ("review_report_sent_on", Set::opt_date(None)),
    ];
    let mut accreditation = None;
    if outcome == Outcome::Accredit && case.kind == CaseKind::Initial {
        let expires_on = accreditation_expires_on(decided_on)
            .ok_or_else(|| AppError::field("decided_on", "有効期間を計算できない日付です"))?;
        let year = year_of(decided_on);
        // Numbered after the state check and inside the lock, so a refused or losing request uses no number.
        let n = store::next_number(&mut tx, "accreditation", year).await?;
        let number = format!("MH-{year}-{n:04}");
        fields.push(("accreditation_number", Set::text(number.clone())));
        fields.push(("accredited_on", Set::date(decided_on)));
        fields.push(("expires_on", Set::date(expires_on)));
        accreditation = Some((number, expires_on));
    }
    apply_transition(&mut tx, &case, status, &fields, now).await?;
    let round = store::decision_count(&mut *tx, id).await?;
    store::insert_decision(
        &mut tx,
        id,
        round,
        outcome,
        decided_on,
        grace_until,
        reason.as_deref(),
        &caller.user.id,
        now,
    )
    .await?;
    if outcome == Outcome::Hold {
        // ACC-11: a hold over unmet thresholds (ACC-9) lets the ratings be confirmed while on hold.
        let about_ratings = !(assessment.core_concept_ok && assessment.fundamental_ok);
        nintei_store::acc_hold::start(&mut tx, id, decided_on, about_ratings, now).await?;
    }
    if let Some((number, expires_on)) = &accreditation {
        let record = store::Accreditation {
            number: number.clone(),
            organization_id: case.organization_id.clone(),
            case_id: case.id.clone(),
            unit_name: case.unit_name.clone(),
            services: case.service_codes(),
            accredited_on: decided_on,
            expires_on: *expires_on,
            status: "active".into(),
        };
        let accreditation_id = store::insert_accreditation(&mut tx, &record, now).await?;
        nintei_store::accreditations::record_event(
            &mut tx,
            &accreditation_id,
            "accredited",
            decided_on,
            &json!({"case_id": case.id, "services": record.services, "expires_on": iso(*expires_on)}),
            Some(&caller.user.id),
            now,
        )
        .await?;
        crate::directory::reindex_accreditation(&mut tx, number).await?;
        // ACC-14: the annual reports owed and their deadlines.
        crate::acc::record::on_accredited(&mut tx, &calendar, number, now).await?;
    }
    // ACC-19, ACC-20: a renewal or scope addition changes the accreditation it names instead.
    let renewed = if outcome == Outcome::Accredit && case.kind != CaseKind::Initial {
        crate::acc::renewal::on_accredit(&mut tx, &case, decided_on, &caller.user.id, now).await?
    } else {
        Value::Null
    };
    // ACC-14, ACC-19: the renewed validity owes its own annual reports, as a first accreditation does.
    if let (Outcome::Accredit, CaseKind::Renewal, Some(accreditation_id)) =
        (outcome, case.kind, case.accreditation_id.as_deref())
    {
        crate::acc::record::on_renewed(&mut tx, &calendar, accreditation_id, now).await?;
    }
    // Seed 第6章6 (ACC-12): the contact is told of every outcome by e-mail at once, before the written notice;
    // queued in this transaction so that a refused or rolled-back decision sends nothing.
    if let Some(org) = nintei_store::organizations::by_id(&mut *tx, &case.organization_id).await?
        && !org.contact.email.trim().is_empty()
    {
        let number = accreditation.as_ref().map(|(n, e)| (n.clone(), decided_on, *e));
        let (subject, body) = decision_mail(
            &org.name,
            &org.contact.name,
            outcome,
            decided_on,
            grace_until,
            number,
        );
        crate::outbox::enqueue_mail(&mut tx, now, &org.contact.email, &subject, &body).await?;
    }
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    // ACC-8: every assigned surveyor's 6-month cooling-off with the organization, from this decision.
    let cooling_off = crate::acc::impartiality::record_cooling_offs(&mut tx, &case, decided_on, now).await?;
    let mut changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("accreditation_changed", Value::Null, renewed),
        ("cooling_off", Value::Null, cooling_off),
        (
            "outcome",
            json!(case.outcome.map(|o| o.as_str())),
            json!(outcome.as_str()),
        ),
        (
            "decided_on",
            json!(case.decided_on.map(iso)),
            json!(iso(decided_on)),
        ),
        (
            "grace_until",
            json!(case.grace_until.map(iso)),
            json!(grace_until.map(iso)),
        ),
        ("reason", Value::Null, json!(reason)),
    ]);
    if let (Some((number, expires_on)), Some(obj)) = (&accreditation, changes.as_object_mut()) {
        obj.insert(
            "accreditation".into(),
            json!({"after": {"number": number, "accredited_on": iso(decided_on), "expires_on": iso(*expires_on)}}),
        );
    }
    finish(tx, state, caller, "acc_case.decide", id, changes).await
}

/// The decision e-mail (seed 第6章6 ①): the outcome in its Japanese name and what the office does next, with the
/// deadlines of ACC-12 (notice within 4 weeks, review report within 2 months) and, for a denial, ACC-21's appeal.
pub fn decision_mail(
    org_name: &str,
    contact_name: &str,
    outcome: Outcome,
    decided_on: chrono::NaiveDate,
    grace_until: Option<chrono::NaiveDate>,
    accreditation: Option<(String, chrono::NaiveDate, chrono::NaiveDate)>,
) -> (String, String) {
    use nintei_domain::calendar::western_date;
    let label = match outcome {
        Outcome::Accredit => "認定",
        Outcome::Hold => "保留",
        Outcome::Defer => "延期",
        Outcome::Deny => "否認",
    };
    let subject = format!("【MH認定】認定審査の結果（{label}）のお知らせ");
    let head = format!(
        "{org_name}\n{contact_name} 様\n\n認定委員会は{}、貴機関の認定審査について「{label}」と判定しました。\n\n",
        western_date(decided_on)
    );
    let next = match outcome {
        Outcome::Accredit => {
            let period = accreditation
                .map(|(n, from, to)| {
                    format!(
                        "認定番号: {n}\n認定期間: {}から{}まで\n\n",
                        western_date(from),
                        western_date(to)
                    )
                })
                .unwrap_or_default();
            format!(
                "{period}今後の流れ:\n・4週間以内に認定審査結果通知書と、追加料金がある場合は請求書をお送りします。\n・追加料金等の入金を確認した後に認定証をお送りします。\n・2か月以内に、長所と改善すべき分野を記載した審査報告書をお送りします。\n"
            )
        }
        Outcome::Hold => "認定の判定は認定業務本部長に一任されました。\n\n今後の流れ:\n・4週間以内に、保留の理由と認定に必要な追加提出資料を記載した認定審査結果通知書をお送りします。\n・その送付日から3か月以内に追加資料をご提出ください。期限内に提出がない場合は、認定委員会が延期または否認を決定します。\n"
            .to_owned(),
        Outcome::Defer => format!(
            "今後の流れ:\n・4週間以内に、不適合基準の改善事項と改善の猶予期間を記載した認定審査結果通知書をお送りします。\n・猶予期限{}までに改善を行ってください。期限内に基準への適合を確認できない場合は否認となります。\n",
            grace_until.map(western_date).unwrap_or_default()
        ),
        Outcome::Deny => "今後の流れ:\n・4週間以内に、否認の理由を付した認定審査結果通知書と、追加料金がある場合は請求書をお送りします。\n・2か月以内に、長所と改善すべき分野を記載した審査報告書をお送りします。\n・否認の決定に対しては、認定審査結果通知書を受け取ってから1か月以内に不服申立てができます。\n"
            .to_owned(),
    };
    (subject, format!("{head}{next}\n認定業務本部\n"))
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct NoticeInput {
    pub sent_on: Option<String>,
    pub received_on: Option<String>,
    /// ACC-12, after an accreditation or a denial: the day the review report (審査報告書) was sent.
    pub review_report_sent_on: Option<String>,
}

/// `POST …/notice` (ACC-12, an addition to API.md): the office records when the result notice (for a hold: the
/// request for documents) was sent and when the organization received it. Sending meets the office's notice
/// deadline and, for a hold, starts the 3 months; receipt of a denial starts the appeal period (ACC-21).
pub async fn record_notice(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &NoticeInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    load_for(state, caller, id, CaseAction::RecordNotice).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let pick = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let sent_on = pick(&input.sent_on).and_then(|v| past_day(&mut errors, "sent_on", &v, today));
    let received_on = pick(&input.received_on).and_then(|v| past_day(&mut errors, "received_on", &v, today));
    let report_sent_on = pick(&input.review_report_sent_on)
        .and_then(|v| past_day(&mut errors, "review_report_sent_on", &v, today));
    if pick(&input.sent_on).is_none()
        && pick(&input.received_on).is_none()
        && pick(&input.review_report_sent_on).is_none()
    {
        errors.push(FieldError::new(
            "sent_on",
            "送付日または受領日を入力してください (sent_on or received_on)",
        ));
    }
    invalid(errors)?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    if !matches!(
        case.status,
        CaseStatus::OnHold | CaseStatus::Deferred | CaseStatus::Accredited | CaseStatus::Denied
    ) {
        return Err(AppError::Conflict(format!(
            "通知の記録は判定の後にだけできます（状態「{}」） (no decision to notify)",
            case.status.label_ja()
        )));
    }
    let sent = sent_on.or(case.notice_sent_on);
    let received = received_on.or(case.notice_received_on);
    let report_sent = report_sent_on.or(case.review_report_sent_on);
    let mut errors = Vec::new();
    if let Some(r) = report_sent_on {
        // ACC-12: only an accreditation or a denial has a review report.
        if !matches!(case.status, CaseStatus::Accredited | CaseStatus::Denied) {
            errors.push(FieldError::new(
                "review_report_sent_on",
                "審査報告書は認定または否認の後に送付します (no review report for this outcome)",
            ));
        }
        not_before(
            &mut errors,
            "review_report_sent_on",
            r,
            case.decided_on.map(|d| (d, "判定日")),
        );
    }
    if let Some(s) = sent {
        not_before(&mut errors, "sent_on", s, case.decided_on.map(|d| (d, "判定日")));
    }
    if let Some(r) = received {
        not_before(
            &mut errors,
            "received_on",
            r,
            case.decided_on.map(|d| (d, "判定日")),
        );
        not_before(&mut errors, "received_on", r, sent.map(|s| (s, "送付日")));
    }
    invalid(errors)?;
    apply_transition(
        &mut tx,
        &case,
        case.status,
        &[
            ("notice_sent_on", Set::opt_date(sent)),
            ("notice_received_on", Set::opt_date(received)),
            ("review_report_sent_on", Set::opt_date(report_sent)),
        ],
        now,
    )
    .await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        (
            "notice_sent_on",
            json!(case.notice_sent_on.map(iso)),
            json!(sent.map(iso)),
        ),
        (
            "notice_received_on",
            json!(case.notice_received_on.map(iso)),
            json!(received.map(iso)),
        ),
        (
            "review_report_sent_on",
            json!(case.review_report_sent_on.map(iso)),
            json!(report_sent.map(iso)),
        ),
    ]);
    finish(tx, state, caller, "acc_case.notice", id, changes).await
}

/// The open round's votes and how many members may vote, for the decision form (ACC-11).
pub async fn decision_tally(conn: &mut Conn, case: &Case) -> AppResult<(Tally, usize)> {
    let (votes, members) = store::open_round(conn, &case.id, &case.organization_id).await?;
    Ok((Tally::of(&votes), usize::try_from(members).unwrap_or(0)))
}

/// The votes of the round now open on the case (the rounds before were decided).
pub async fn round_tally(tx: &mut Tx, case: &Case) -> AppResult<Tally> {
    let round = store::decision_count(&mut **tx, &case.id).await?;
    Ok(Tally::of(&store::round_votes(&mut **tx, &case.id, round).await?))
}

fn not_carried(e: NotCarried, outcome: Outcome, t: &Tally) -> AppError {
    let counts = format!(
        "認定{}・保留{}・延期{}・否認{}",
        t.accredit, t.hold, t.defer, t.deny
    );
    AppError::Conflict(match e {
        NotCarried::NoQuorum {
            cast,
            needed,
            members,
        } => format!(
            "ACC-11: 投票した委員は{cast}人で、定足数（委員{members}人の過半数、{needed}人）に達していません（{counts}） \
             (no quorum: {cast} of {members} voted, {needed} needed)"
        ),
        NotCarried::NoMajority { for_it, cast } => format!(
            "ACC-11: 「{}」は投票{cast}票中{for_it}票で、過半数ではありません（{counts}） \
             (the votes do not carry {}: {for_it} of {cast})",
            outcome.label_ja(),
            outcome.as_str()
        ),
    })
}
