//! Renewal (ACC-19) and scope changes (ACC-20) of an accreditation, shared by the API, the screens and the
//! daily job: the renewal notice 12 months before the expiry, the renewal case (the ACC review flow again, fees
//! as the first time), an extension of validity during the renewal review, the dates a successful renewal gives,
//! adding a service (the review flow on that service's standards, ¥60,000 per service) and ending one.
//!
//! Every change to an accreditation is one `accreditation_events` row in the transaction that makes it.

use chrono::{Months, NaiveDate};
use nintei_domain::acc::record::{AccreditationStatus, renewal_may_be_accredited};
use nintei_domain::acc::renewal::{
    CaseKind, check_extension, remaining_services_keep_eligibility, renewal_notice_is_due, renewed_validity,
};
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::authz::acc::CaseAction;
use nintei_domain::deadline::Owner;
use nintei_domain::role::Role;
use nintei_store::acc::Case;
use nintei_store::acc_renewal::{self as renewals, AccreditationRow, Extension};
use nintei_store::{AuditEvent, StoreError, Tx, accreditations, audit, deadlines, organizations};
use serde::Deserialize;
use serde_json::{Value, json};

use super::case::{ApplicationInput, ServiceInput, apply_linked, invalid, optional_text, required_text};
use super::{parse_day, past_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::input::iso;
use crate::state::AppState;

use crate::input::TEXT_MAX;
/// The deadline subject of an accreditation in the one deadline model.
pub const SUBJECT: &str = "accreditation";
/// The organization's deadline to be renewed by: the end of the validity (ACC-17, ACC-19).
pub const RENEWAL_DEADLINE: &str = "renewal";
/// The office's deadline to put an accreditation left without a, c or d to the committee (ACC-1(1), ACC-18(1)).
pub const ELIGIBILITY_REVIEW_DEADLINE: &str = "eligibility_review";
/// The accreditation's event when ending services left none of a, c, d.
pub const ELIGIBILITY_LOST_EVENT: &str = "eligibility_lost";

/// An accreditation the caller may act on for its organization: the organization's own users and the office;
/// another organization's accreditation is not revealed (404), other roles are refused (403).
async fn accreditation_for(state: &AppState, caller: &Caller, number: &str) -> AppResult<AccreditationRow> {
    let a = renewals::by_number(state.db.pool(), number)
        .await?
        .ok_or(AppError::NotFound)?;
    AppError::check(nintei_domain::authz::appeal::file(
        &caller.actor(),
        &a.organization_id,
    ))?;
    Ok(a)
}

async fn set_renewal_deadline(
    tx: &mut Tx,
    a: &AccreditationRow,
    due_on: NaiveDate,
    now: i64,
) -> AppResult<()> {
    deadlines::set(
        tx,
        &deadlines::NewDeadline {
            kind: RENEWAL_DEADLINE,
            subject: SUBJECT,
            subject_id: &a.id,
            organization_id: Some(&a.organization_id),
            owner: Owner::Organization,
            assignee_id: None,
            title: "認定の更新：認定期限までに更新の認定を受けてください",
            due_on,
        },
        now,
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// The renewal notice (ACC-19), run by the daily job

/// Sends the renewal notice of every active accreditation whose expiry is twelve months away or nearer (and not
/// past): an outbox mail to the organization's contact, a `renewal_notice_sent` event and the organization's
/// renewal deadline. Idempotent, and safe with two workers: one notice per validity is a primary key.
pub async fn send_renewal_notices(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let until = today
        .checked_add_months(Months::new(12))
        .and_then(|d| d.checked_add_days(chrono::Days::new(7)))
        .unwrap_or(today);
    let candidates = renewals::needing_notice(state.db.pool(), until, 1000).await?;
    let mut sent = 0;
    for a in candidates {
        if !renewal_notice_is_due(a.expires_on, today) {
            continue;
        }
        let now = state.clock.now();
        let ts = now.timestamp();
        let mut tx = state.db.begin_write().await?;
        if !renewals::claim_notice(&mut tx, &a.id, a.expires_on, today, ts).await? {
            continue;
        }
        let org = organizations::by_id(&mut *tx, &a.organization_id).await?;
        let mut mail_id = None;
        if let Some(org) = org.as_ref().filter(|o| !o.contact.email.trim().is_empty()) {
            let body = format!(
                "{} 御中\n\nMH認定（認定番号 {}）の認定期間は {} に満了します。\n認定の更新を希望される場合は、初回認定と同様の手続き\
                 （申請・審査・料金）で更新の申請をしてください。認定期間が更新を受けることなく満了したときは、認定は失効します。\n\n\
                 認定業務本部",
                org.name,
                a.number,
                iso(a.expires_on)
            );
            let id = crate::outbox::enqueue_mail(
                &mut tx,
                ts,
                &org.contact.email,
                "【MH認定】認定の更新についてのお知らせ",
                &body,
            )
            .await?;
            renewals::set_notice_mail(&mut tx, &a.id, a.expires_on, &id).await?;
            mail_id = Some(id);
        }
        accreditations::record_event(
            &mut tx,
            &a.id,
            "renewal_notice_sent",
            today,
            &json!({"expires_on": iso(a.expires_on), "mail_id": mail_id}),
            None,
            ts,
        )
        .await?;
        set_renewal_deadline(&mut tx, &a, a.expires_on, ts).await?;
        let event = AuditEvent {
            at: now,
            actor_id: None,
            actor_role: Some("system".into()),
            action: "accreditation.renewal_notice".into(),
            entity: "accreditation".into(),
            entity_id: a.id.clone(),
            changes: json!({"number": a.number, "expires_on": iso(a.expires_on), "sent_on": iso(today), "mail_id": mail_id}),
            request_id: format!("job:acc_renewal_notice:{today}"),
        };
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(StoreError::from)?;
        sent += 1;
    }
    Ok(sent)
}

// ---------------------------------------------------------------------------------------------------------
// The renewal case (ACC-19)

/// `POST /api/v1/accreditations/{number}/renewal`: the renewal application, a case of kind `renewal` that goes
/// through the ACC review flow again, with the fees of a first application. The body is the application's
/// (`organization_id` and `unit_name` come from the accreditation). Only while the accreditation is active and
/// not expired.
pub async fn apply_renewal(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &ApplicationInput,
) -> AppResult<String> {
    let a = accreditation_for(state, caller, number).await?;
    let mut input = input.clone();
    input.organization_id = a.organization_id.clone();
    input.unit_name = a.unit_name.clone();
    if let Some(applied_on) = NaiveDate::parse_from_str(input.applied_on.trim(), "%Y-%m-%d").ok()
        && applied_on > a.expires_on
    {
        return Err(AppError::Conflict(format!(
            "ACC-19: 認定期限（{}）を過ぎています。新規に申請してください (the validity has ended)",
            iso(a.expires_on)
        )));
    }
    if !matches!(a.status.as_str(), "active" | "suspended") {
        return Err(AppError::Conflict(format!(
            "ACC-19: 状態 {} の認定は更新できません (not renewable in status {})",
            a.status, a.status
        )));
    }
    apply_linked(state, caller, &input, Some((CaseKind::Renewal, &a.id))).await
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ExtensionInput {
    #[serde(default)]
    pub requested_on: String,
    #[serde(default)]
    pub requested_until: String,
    #[serde(default)]
    pub reasons: String,
}

/// Statuses of a renewal case under review (an extension may be asked then).
fn under_review(case: &Case) -> bool {
    !matches!(
        case.status.as_str(),
        "ineligible" | "accredited" | "denied" | "withdrawn" | "stopped"
    )
}

/// `POST /api/v1/accreditation/cases/{id}/extension` (the organization): asks, with reasons, for the validity
/// to be extended during the renewal review (ACC-19, seed 003 第8章3).
pub async fn request_extension(
    state: &AppState,
    caller: &Caller,
    case_id: &str,
    input: &ExtensionInput,
) -> AppResult<String> {
    let loaded = super::load_for(state, caller, case_id, CaseAction::View).await?;
    // The organization asks (the office decides): the organization's own step on its visible case.
    if caller.user.role != Role::Organization {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let requested_on = past_day(
        &mut errors,
        "requested_on",
        &input.requested_on,
        state.clock.today(),
    );
    let until = parse_day(&mut errors, "requested_until", &input.requested_until);
    let reasons = required_text(&mut errors, "reasons", &input.reasons, TEXT_MAX);
    if let Some(r) = requested_on {
        super::not_before(
            &mut errors,
            "requested_on",
            r,
            Some((loaded.case.applied_on, "申込日")),
        );
    }
    invalid(errors)?;
    let (Some(requested_on), Some(until)) = (requested_on, until) else {
        return Err(AppError::BadRequest("requested_on and requested_until".into()));
    };
    let case = &loaded.case;
    let accreditation_id = match (case.kind, case.accreditation_id.as_deref()) {
        (CaseKind::Renewal, Some(a)) => a.to_owned(),
        _ => {
            return Err(AppError::Conflict(
                "ACC-19: 認定期間の延長は更新審査の中でだけ申請できます (not a renewal case)".into(),
            ));
        }
    };
    if !under_review(case) {
        return Err(AppError::Conflict(
            "ACC-19: 更新審査は終了しています (the renewal review has ended)".into(),
        ));
    }
    let a = renewals::by_id(state.db.pool(), &accreditation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    check_extension(a.expires_on, requested_on, until).map_err(|e| AppError::Conflict(e.to_string()))?;
    let now = state.clock.now();
    let ts = now.timestamp();
    let mut tx = state.db.begin_write().await?;
    let id = renewals::insert_extension(
        &mut tx,
        case_id,
        &a.id,
        requested_on,
        until,
        &reasons,
        a.expires_on,
        &caller.user.id,
        ts,
    )
    .await?;
    accreditations::record_event(
        &mut tx,
        &a.id,
        "extension_requested",
        requested_on,
        &json!({"case_id": case_id, "requested_until": iso(until), "reasons": reasons}),
        Some(&caller.user.id),
        ts,
    )
    .await?;
    let changes = audit::created(&[
        ("extension_id", json!(id)),
        ("requested_on", json!(iso(requested_on))),
        ("requested_until", json!(iso(until))),
        ("reasons", json!(reasons)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "acc_case.extension_request", "acc_case", case_id, changes),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ExtensionDecisionInput {
    pub granted: Option<bool>,
    #[serde(default)]
    pub decided_on: String,
    /// The new expiry when granted (default: the date asked for).
    pub extended_until: Option<String>,
    pub reason: Option<String>,
}

/// `POST /api/v1/accreditation/cases/{id}/extension/decision` (the office): grants (the accreditation's expiry
/// moves to `extended_until`, event `extended`) or refuses the extension, and notifies the organization.
pub async fn decide_extension(
    state: &AppState,
    caller: &Caller,
    case_id: &str,
    input: &ExtensionDecisionInput,
) -> AppResult<Option<Extension>> {
    super::load_for(state, caller, case_id, CaseAction::DecideEligibility).await?;
    let mut errors = Vec::new();
    if input.granted.is_none() {
        errors.push(FieldError::new(
            "granted",
            "延長を認めるかどうかを指定してください (required)",
        ));
    }
    let decided_on = past_day(&mut errors, "decided_on", &input.decided_on, state.clock.today());
    let until = match input
        .extended_until
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        Some(v) => parse_day(&mut errors, "extended_until", v),
        None => None,
    };
    let reason = optional_text(&mut errors, "reason", input.reason.as_deref(), TEXT_MAX);
    invalid(errors)?;
    let (Some(granted), Some(decided_on)) = (input.granted, decided_on) else {
        return Err(AppError::BadRequest("granted and decided_on".into()));
    };
    let ext = renewals::extension_for_case(state.db.pool(), case_id)
        .await?
        .ok_or_else(|| {
            AppError::Conflict("ACC-19: 認定期間の延長の申請がありません (no extension requested)".into())
        })?;
    if ext.status != "requested" {
        return Err(AppError::Conflict(
            "ACC-19: この申請は判断済みです (already decided)".into(),
        ));
    }
    let requested_on = NaiveDate::parse_from_str(&ext.requested_on, "%Y-%m-%d")
        .map_err(|_| AppError::Internal("requested_on".into()))?;
    if decided_on < requested_on {
        return Err(AppError::field(
            "decided_on",
            format!("申請日（{}）より前の日付は入力できません", ext.requested_on),
        ));
    }
    let now = state.clock.now();
    let ts = now.timestamp();
    let mut tx = state.db.begin_write().await?;
    let a = renewals::by_id(&mut *tx, &ext.accreditation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let until = match (granted, until) {
        (false, _) => None,
        (true, Some(u)) => Some(u),
        (true, None) => Some(
            NaiveDate::parse_from_str(&ext.requested_until, "%Y-%m-%d")
                .map_err(|_| AppError::Internal("requested_until".into()))?,
        ),
    };
    if let Some(u) = until {
        check_extension(a.expires_on, requested_on, u)
            .map_err(|e| AppError::field("extended_until", e.to_string()))?;
    }
    if !renewals::decide_extension(
        &mut tx,
        &ext.id,
        granted,
        decided_on,
        until,
        reason.as_deref(),
        &caller.user.id,
    )
    .await?
    {
        return Err(AppError::Conflict(
            "ACC-19: この申請は判断済みです (already decided)".into(),
        ));
    }
    if let Some(u) = until {
        if !renewals::set_validity(&mut tx, &a.id, a.expires_on, a.accredited_on, u).await? {
            return Err(AppError::Conflict(
                "the accreditation was changed at the same time; reload it".into(),
            ));
        }
        accreditations::record_event(
            &mut tx,
            &a.id,
            "extended",
            decided_on,
            &json!({"case_id": case_id, "expires_on": {"before": iso(a.expires_on), "after": iso(u)}, "reason": reason}),
            Some(&caller.user.id),
            ts,
        )
        .await?;
        set_renewal_deadline(&mut tx, &a, u, ts).await?;
        crate::directory::reindex_accreditation(&mut tx, &a.number).await?;
    } else {
        accreditations::record_event(
            &mut tx,
            &a.id,
            "extension_refused",
            decided_on,
            &json!({"case_id": case_id, "reason": reason}),
            Some(&caller.user.id),
            ts,
        )
        .await?;
    }
    if let Some(org) = organizations::by_id(&mut *tx, &a.organization_id).await?
        && !org.contact.email.trim().is_empty()
    {
        let body = match until {
            Some(u) => format!("認定番号 {} の認定期間を {} まで延長しました。", a.number, iso(u)),
            None => format!(
                "認定番号 {} の認定期間の延長は認められませんでした。{}",
                a.number,
                reason.as_deref().unwrap_or_default()
            ),
        };
        crate::outbox::enqueue_mail(
            &mut tx,
            ts,
            &org.contact.email,
            "【MH認定】認定期間の延長について",
            &body,
        )
        .await?;
    }
    let changes = audit::diff(&[
        (
            "extension",
            json!("requested"),
            json!(if granted { "granted" } else { "refused" }),
        ),
        (
            "expires_on",
            json!(iso(a.expires_on)),
            json!(until.map_or(iso(a.expires_on), iso)),
        ),
        ("reason", Value::Null, json!(reason)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "acc_case.extension_decision", "acc_case", case_id, changes),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(renewals::extension_for_case(state.db.pool(), case_id).await?)
}

/// ACC-19, ACC-20: what an `accredit` decision on a renewal or scope case does to the accreditation, inside the
/// decision's transaction. Renewal: the validity moves on — from the day after the (pre-extension) expiry, three
/// years — and the services become those reviewed. Scope addition: the services are added; validity unchanged.
pub async fn on_accredit(
    tx: &mut Tx,
    case: &Case,
    decided_on: NaiveDate,
    actor_id: &str,
    now: i64,
) -> AppResult<Value> {
    let accreditation_id = case
        .accreditation_id
        .as_deref()
        .ok_or_else(|| AppError::Internal("renewal case without accreditation".into()))?;
    let a = renewals::by_id(&mut **tx, accreditation_id)
        .await?
        .ok_or_else(|| AppError::Internal("accreditation missing".into()))?;
    let changed = match case.kind {
        CaseKind::Renewal => {
            let status = AccreditationStatus::parse(&a.status)
                .ok_or_else(|| AppError::Internal(format!("accreditation status {}", a.status)))?;
            if !renewal_may_be_accredited(status, a.expires_on, decided_on) {
                return Err(AppError::Conflict(format!(
                    "認定 {} は失効しているため（状態「{}」、有効期限 {}）更新の認定はできません。新規に申請してください \
                     (ACC-19: a lapsed or expired accreditation is not revived; apply anew)",
                    a.number,
                    a.status,
                    iso(a.expires_on)
                )));
            }
            let ext = renewals::extension_for_case(&mut **tx, &case.id).await?;
            let granted = ext.as_ref().filter(|e| e.status == "granted");
            let pre_extension = match granted {
                Some(e) => NaiveDate::parse_from_str(&e.original_expires_on, "%Y-%m-%d")
                    .map_err(|_| AppError::Internal("original_expires_on".into()))?,
                None => a.expires_on,
            };
            let (from, to) = renewed_validity(decided_on, pre_extension, granted.is_some())
                .ok_or_else(|| AppError::field("decided_on", "有効期間を計算できない日付です"))?;
            if !renewals::set_validity(tx, &a.id, a.expires_on, from, to).await? {
                return Err(AppError::Conflict(
                    "the accreditation was changed at the same time; reload it".into(),
                ));
            }
            let services = case.service_codes();
            renewals::set_services(tx, &a.id, &services).await?;
            eligibility_restored(tx, &a.id, &services, decided_on, now).await?;
            let detail = json!({
                "case_id": case.id,
                "accredited_on": {"before": iso(a.accredited_on), "after": iso(from)},
                "expires_on": {"before": iso(a.expires_on), "after": iso(to)},
                "pre_extension_expires_on": granted.map(|_| iso(pre_extension)),
                "services": services,
            });
            accreditations::record_event(tx, &a.id, "renewed", decided_on, &detail, Some(actor_id), now)
                .await?;
            // Renewed: the organization's renewal deadline is met; the new validity gets its own notice later.
            deadlines::meet(tx, SUBJECT, &a.id, RENEWAL_DEADLINE, decided_on, now).await?;
            // ACC-6: the earlier reviews' self-study material is kept until this renewal date, then destroyed.
            for earlier in nintei_store::acc_study::cases_of_accreditation(&mut **tx, &a.id, &case.id).await?
            {
                nintei_store::acc_study::schedule_destruction(tx, &earlier, from, now).await?;
            }
            detail
        }
        CaseKind::ScopeAddition => {
            let mut services = a.services.clone();
            let added: Vec<ServiceCode> = case
                .service_codes()
                .into_iter()
                .filter(|c| !services.contains(c))
                .collect();
            services.extend(added.iter().copied());
            services.sort();
            renewals::set_services(tx, &a.id, &services).await?;
            eligibility_restored(tx, &a.id, &services, decided_on, now).await?;
            let detail = json!({
                "case_id": case.id,
                "added": added,
                "services": {"before": a.services, "after": services},
                "expires_on": iso(a.expires_on),
            });
            accreditations::record_event(
                tx,
                &a.id,
                "service_added",
                decided_on,
                &detail,
                Some(actor_id),
                now,
            )
            .await?;
            // ACC-20: a new certificate listing the service replaces the old one, which is to be returned.
            accreditations::record_event(
                tx,
                &a.id,
                "certificate_return_requested",
                decided_on,
                &json!({"reason": "service_added", "case_id": case.id}),
                Some(actor_id),
                now,
            )
            .await?;
            detail
        }
        CaseKind::Initial => Value::Null,
    };
    crate::directory::reindex_accreditation(tx, &a.number).await?;
    Ok(changed)
}

/// A renewal or scope addition that brings back a, c or d ends the office's eligibility deadline (ACC-1(1)).
async fn eligibility_restored(
    tx: &mut Tx,
    id: &str,
    services: &[ServiceCode],
    on: NaiveDate,
    now: i64,
) -> AppResult<()> {
    if remaining_services_keep_eligibility(services) {
        deadlines::meet(tx, SUBJECT, id, ELIGIBILITY_REVIEW_DEADLINE, on, now).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Scope changes (ACC-20)

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ScopeAdditionInput {
    #[serde(default)]
    pub services: Vec<ServiceInput>,
    #[serde(default)]
    pub applied_on: String,
    pub annual_revenue_yen: Option<i64>,
}

/// `POST /api/v1/accreditations/{number}/services` (the organization or the office): applies to add services;
/// a case of kind `scope_addition` reviewed on those services' standards only, invoiced ¥60,000 per service on
/// acceptance. Each service needs six months of track record as of the application (409 otherwise) and must
/// not be accredited already.
pub async fn apply_scope_addition(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &ScopeAdditionInput,
) -> AppResult<String> {
    let a = accreditation_for(state, caller, number).await?;
    if a.status != "active" {
        return Err(AppError::Conflict(format!(
            "ACC-20: 状態 {} の認定にはサービスを追加できません (not active)",
            a.status
        )));
    }
    let mut errors = Vec::new();
    for (i, s) in input.services.iter().enumerate() {
        if let Some(code) = ServiceCode::parse(s.code.trim())
            && a.services.contains(&code)
        {
            errors.push(FieldError::new(
                format!("services[{i}].code"),
                format!(
                    "サービス{}はすでに認定されています (already accredited)",
                    code.as_str()
                ),
            ));
        }
    }
    invalid(errors)?;
    let applied_on = NaiveDate::parse_from_str(input.applied_on.trim(), "%Y-%m-%d").ok();
    let entries: Vec<_> = input
        .services
        .iter()
        .filter_map(|s| {
            Some(nintei_domain::acc::service::ServiceEntry {
                code: ServiceCode::parse(s.code.trim())?,
                started_on: NaiveDate::parse_from_str(s.started_on.trim(), "%Y-%m-%d").ok()?,
            })
        })
        .collect();
    if let Some(applied_on) = applied_on {
        let e = nintei_domain::acc::renewal::scope_addition_eligibility(&entries, applied_on);
        if !e.reasons.is_empty() {
            return Err(AppError::Conflict(e.reasons.join("\n")));
        }
    }
    let application = ApplicationInput {
        organization_id: a.organization_id.clone(),
        unit_name: a.unit_name.clone(),
        services: input.services.clone(),
        other_services: None,
        annual_revenue_yen: Some(input.annual_revenue_yen.unwrap_or(0)),
        applied_on: input.applied_on.clone(),
        ..ApplicationInput::default()
    };
    apply_linked(
        state,
        caller,
        &application,
        Some((CaseKind::ScopeAddition, &a.id)),
    )
    .await
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ServiceEndingInput {
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub ended_on: String,
    #[serde(default)]
    pub notified_on: String,
    pub reason: Option<String>,
}

/// `POST /api/v1/accreditations/{number}/service-endings` (the organization's notice, or the office entering
/// it): ends one accredited service (ACC-20, with the ACC-15 self-report). The services are updated and the
/// events ask for the certificate's return and a new certificate. Ending the last service is a lapse (ACC-17),
/// not a scope change (409).
pub async fn end_service(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &ServiceEndingInput,
) -> AppResult<()> {
    let a = accreditation_for(state, caller, number).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let code = ServiceCode::parse(input.service.trim());
    if code.is_none() {
        errors.push(FieldError::new(
            "service",
            "サービスはaからeのいずれかです (one of a..e)",
        ));
    }
    let ended_on = past_day(&mut errors, "ended_on", &input.ended_on, today);
    let notified_on = past_day(&mut errors, "notified_on", &input.notified_on, today);
    if let (Some(e), Some(n)) = (ended_on, notified_on) {
        super::not_before(&mut errors, "notified_on", n, Some((e, "中止日")));
    }
    if let Some(e) = ended_on {
        super::not_before(&mut errors, "ended_on", e, Some((a.accredited_on, "認定日")));
    }
    let reason = optional_text(&mut errors, "reason", input.reason.as_deref(), TEXT_MAX);
    invalid(errors)?;
    let (Some(code), Some(ended_on), Some(notified_on)) = (code, ended_on, notified_on) else {
        return Err(AppError::BadRequest("service, ended_on and notified_on".into()));
    };
    let now = state.clock.now();
    let ts = now.timestamp();
    let mut tx = state.db.begin_write().await?;
    let current = renewals::by_id(&mut *tx, &a.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.status != "active" && current.status != "suspended" {
        return Err(AppError::Conflict(format!(
            "ACC-20: 状態 {} の認定です (not in force)",
            current.status
        )));
    }
    if !current.services.contains(&code) {
        return Err(AppError::Conflict(format!(
            "ACC-20: サービス{}は認定されていません (not an accredited service)",
            code.as_str()
        )));
    }
    let services: Vec<ServiceCode> = current.services.iter().copied().filter(|c| *c != code).collect();
    if services.is_empty() {
        return Err(AppError::Conflict(
            "ACC-17: すべての認定サービスを中止すると認定は失効します（失効の手続きをしてください） (ending every service is a lapse)"
                .into(),
        ));
    }
    renewals::set_services(&mut tx, &a.id, &services).await?;
    let detail = json!({"service": code.as_str(), "ended_on": iso(ended_on), "notified_on": iso(notified_on),
                        "services": {"before": current.services, "after": services}, "reason": reason,
                        "late": notified_on > ended_on.checked_add_months(Months::new(1)).unwrap_or(ended_on)});
    accreditations::record_event(
        &mut tx,
        &a.id,
        "service_ended",
        ended_on,
        &detail,
        Some(&caller.user.id),
        ts,
    )
    .await?;
    // ACC-20: the certificate comes back with the self-report and a new one listing the remaining services goes out.
    accreditations::record_event(
        &mut tx,
        &a.id,
        "certificate_return_requested",
        notified_on,
        &json!({"reason": "service_ended", "service": code.as_str()}),
        Some(&caller.user.id),
        ts,
    )
    .await?;
    accreditations::record_event(
        &mut tx,
        &a.id,
        "certificate_reissue_requested",
        notified_on,
        &json!({"reason": "service_ended", "services": services}),
        Some(&caller.user.id),
        ts,
    )
    .await?;
    if !remaining_services_keep_eligibility(&services) {
        // ACC-1(1), ACC-18(1): no a, c or d left: the organization no longer meets the eligibility, a ground of
        // revocation the committee decides; the office is told by an event and a deadline of its own.
        accreditations::record_event(
            &mut tx,
            &a.id,
            ELIGIBILITY_LOST_EVENT,
            ended_on,
            &json!({"services": services, "rule": "ACC-1(1)"}),
            Some(&caller.user.id),
            ts,
        )
        .await?;
        deadlines::set(
            &mut tx,
            &deadlines::NewDeadline {
                kind: ELIGIBILITY_REVIEW_DEADLINE,
                subject: SUBJECT,
                subject_id: &a.id,
                organization_id: Some(&a.organization_id),
                owner: Owner::Office,
                assignee_id: None,
                title: "受審資格の喪失：a・c・dのサービスが残っていません。取消しを委員会に諮ってください",
                due_on: notified_on
                    .checked_add_months(Months::new(1))
                    .unwrap_or(notified_on),
            },
            ts,
        )
        .await?;
    }
    crate::directory::reindex_accreditation(&mut tx, &a.number).await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "accreditation.service_end",
            "accreditation",
            &a.id,
            detail.clone(),
        ),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// An accreditation with its history, as this module's steps answer (ACC-19, ACC-20).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AccreditationHistory {
    pub number: String,
    pub organization_id: String,
    pub services: Vec<ServiceCode>,
    pub accredited_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// `active`, `suspended`, `lapsed` or `revoked`.
    pub status: String,
    /// ACC-20: the services left still make the organization eligible (ACC-1).
    pub keeps_eligibility: bool,
    pub events: Vec<accreditations::AccreditationEvent>,
}

/// The accreditation `number` with its history, for the responses of this module's steps.
pub async fn accreditation_history(
    state: &AppState,
    caller: &Caller,
    number: &str,
) -> AppResult<AccreditationHistory> {
    let a = renewals::by_number(state.db.pool(), number)
        .await?
        .ok_or(AppError::NotFound)?;
    if caller.user.role == Role::Organization
        && caller.user.organization_id.as_deref() != Some(&a.organization_id)
    {
        return Err(AppError::NotFound);
    }
    let events = accreditations::events(state.db.pool(), &a.id).await?;
    Ok(AccreditationHistory {
        keeps_eligibility: remaining_services_keep_eligibility(&a.services),
        number: a.number,
        organization_id: a.organization_id,
        services: a.services,
        accredited_on: a.accredited_on,
        expires_on: a.expires_on,
        status: a.status,
        events,
    })
}
