//! Every step of an accreditation case (API.md "Accreditation cases"), one function each, used by the API
//! handlers and the screens alike.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use nintei_domain::acc::case::{self as machine, TransitionError};
use nintei_domain::acc::dates::accreditation_expires_on;
use nintei_domain::acc::renewal::{CaseKind, review_scope};
use nintei_domain::acc::service::{ServiceCode, ServiceEntry};
use nintei_domain::acc::standards::Catalog;
use nintei_domain::acc::{
    Action, CaseStatus, DeadlineKind, Decision, NoticeDates, Outcome, Rating, UnitConditions, assess,
    deadlines_after_decision,
};
use nintei_domain::authz::acc::{self as acc_authz, CaseAction};
use nintei_domain::calendar::OfficeCalendar;
use nintei_domain::fees::{
    CERTIFICATE_REISSUE_FEE, PER_SERVICE_FEE, VisitLength, Yen, consumption_tax, consumption_tax_rate_percent,
};
use nintei_domain::org::{Email, NonEmptyText, PhoneNumber};
use nintei_domain::role::Role;
use nintei_store::acc::{self as store, Case, NewCase, Set};
use nintei_store::invoices::{self, Invoice, InvoiceLine};
use nintei_store::{StoreError, Tx, audit, conflicts, organizations, users};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    Loaded, catalog, ensure_catalog, fees_for, invoice_registration_number, latest, load_for, not_before,
    office_calendar, parse_day, past_day, year_of,
};
use crate::auth::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;

const TEXT_MAX: usize = 2000;
const LONG_TEXT_MAX: usize = 20_000;

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn invalid(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Optional free text: trimmed, `None` when empty, a field error when too long.
pub(crate) fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match NonEmptyText::with_max_chars(v, max) {
        Ok(t) => Some(t.as_str().to_owned()),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            None
        }
    }
}

pub(crate) fn required_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) -> String {
    match NonEmptyText::with_max_chars(value, max) {
        Ok(t) => t.as_str().to_owned(),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            String::new()
        }
    }
}

/// A domain refusal: bad input (the grace period) is 400 naming `grace_until`, anything else a 409.
pub(crate) fn refused(e: TransitionError) -> AppError {
    if e.is_invalid_input() {
        AppError::field("grace_until", e.to_string())
    } else {
        AppError::Conflict(e.to_string())
    }
}

/// `If-Match: "<version>"` (API.md "Conventions"): a stale version is a 409.
pub(crate) fn check_version(case: &Case, if_match: Option<i64>) -> AppResult<()> {
    match if_match {
        Some(v) if v != case.version => Err(AppError::Conflict(format!(
            "the case has changed (version {} now, If-Match {v}); reload it",
            case.version
        ))),
        _ => Ok(()),
    }
}

/// Starts the write transaction of a step: locks the case and reads it afresh.
pub(crate) async fn begin(state: &AppState, id: &str, now: i64) -> AppResult<(Tx, Case)> {
    let mut tx = state.db.begin_write().await?;
    let case = store::lock(&mut tx, id, now).await?.ok_or(AppError::NotFound)?;
    Ok((tx, case))
}

/// Moves the case on from the version it was read at; a lost race is a 409.
pub(crate) async fn apply_transition(
    tx: &mut Tx,
    case: &Case,
    status: CaseStatus,
    fields: &[(&str, Set)],
    now: i64,
) -> AppResult<()> {
    if store::transition(tx, &case.id, case.version, status, fields, now).await? {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the case was changed at the same time; reload it".into(),
        ))
    }
}

/// Rewrites the open deadlines of the case from its state after a change (ACC-5, ACC-11, ACC-12, ACC-21), so
/// that the deadline rows always say what is due now.
pub(crate) async fn sync_deadlines(
    tx: &mut Tx,
    id: &str,
    calendar: &OfficeCalendar,
    now: i64,
) -> AppResult<()> {
    let case = store::by_id(&mut **tx, id).await?.ok_or(AppError::NotFound)?;
    store::close_deadlines(tx, id, &[]).await?;
    let due = deadlines_of(&case, calendar);
    for (kind, due_on) in &due {
        store::add_deadline(tx, id, *kind, *due_on, now).await?;
    }
    // The same deadlines in the one model of both schemes (issue 6): dashboard, reminders, calendar feed.
    let items: Vec<_> = due
        .iter()
        .map(|(k, d)| (k.as_str(), k.owner(), k.title_ja(), *d))
        .collect();
    let today = chrono::DateTime::from_timestamp(now, 0)
        .map(|t| t.with_timezone(&crate::clock::jst()).date_naive())
        .unwrap_or_default();
    nintei_store::deadlines::sync_subject(
        tx,
        "acc_case",
        id,
        Some(&case.organization_id),
        case.coordinator_id.as_deref(),
        &items,
        today,
        now,
    )
    .await?;
    Ok(())
}

/// What is due for a case in its current state.
pub fn deadlines_of(case: &Case, calendar: &OfficeCalendar) -> Vec<(DeadlineKind, NaiveDate)> {
    match case.status {
        CaseStatus::SelfStudy => case
            .self_study_due_on
            .map(|d| vec![(DeadlineKind::SelfStudy, d)])
            .unwrap_or_default(),
        CaseStatus::OnHold | CaseStatus::Deferred | CaseStatus::Accredited | CaseStatus::Denied => {
            let (Some(outcome), Some(decided_on)) = (case.outcome, case.decided_on) else {
                return Vec::new();
            };
            let decision = Decision {
                outcome,
                decided_on,
                grace_until: case.grace_until,
            };
            let notice = NoticeDates {
                sent_on: case.notice_sent_on,
                received_on: case.notice_received_on,
            };
            deadlines_after_decision(&decision, &notice, calendar)
                .into_iter()
                // Once the office records the notice as sent, its own deadline for it is met.
                .filter(|d| !(d.kind == DeadlineKind::ResultNotice && case.notice_sent_on.is_some()))
                .map(|d| (d.kind, d.due_on))
                .collect()
        }
        _ => Vec::new(),
    }
}

pub(crate) async fn finish(
    mut tx: Tx,
    state: &AppState,
    caller: &Caller,
    action: &str,
    case_id: &str,
    changes: Value,
) -> AppResult<()> {
    let now = state.clock.now();
    audit::append(&mut tx, &caller.audit(now, action, "acc_case", case_id, changes)).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Application (ACC-3)

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ServiceInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub started_on: String,
}

/// The contact part of the application form (seed 003 見本: 担当部課, 担当者氏名, Tel, Fax, E-mail).
#[derive(Debug, Default, Deserialize, Clone)]
pub struct ApplicationContact {
    pub department: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
}

/// The five attachments of ACC-3.
pub const ATTACHMENTS: [&str; 5] = [
    "pamphlets",
    "philosophy",
    "audit_report",
    "pre_check_sheet",
    "organization_chart",
];

/// The body of `POST /api/v1/accreditation/cases` (and of the organization's form).
#[derive(Debug, Default, Deserialize, Clone)]
pub struct ApplicationInput {
    #[serde(default)]
    pub organization_id: String,
    pub unit_name: Option<String>,
    #[serde(default)]
    pub services: Vec<ServiceInput>,
    pub other_services: Option<Vec<String>>,
    pub annual_revenue_yen: Option<i64>,
    #[serde(default)]
    pub applied_on: String,
    /// Optional additions to API.md: the form's contact block, the attachments enclosed, the board's decision
    /// to apply, and, for a department, the three ACC-2 conditions.
    pub contact: Option<ApplicationContact>,
    pub attachments: Option<Vec<String>>,
    pub board_decided: Option<bool>,
    pub unit_conditions: Option<UnitConditions>,
}

/// An application that passed validation.
struct ValidApplication {
    services: Vec<ServiceEntry>,
    other_services: Vec<String>,
    revenue: i64,
    applied_on: NaiveDate,
    unit_name: Option<String>,
    application: Value,
}

/// Validates an application; every error names its field (`services[1].started_on`).
fn validate_application(
    input: &ApplicationInput,
    today: NaiveDate,
) -> Result<ValidApplication, Vec<FieldError>> {
    let mut errors = Vec::new();
    if input.organization_id.trim().is_empty() {
        errors.push(FieldError::new(
            "organization_id",
            "組織を指定してください (required)",
        ));
    }
    let unit_name = optional_text(&mut errors, "unit_name", input.unit_name.as_deref(), 200);
    if input.services.is_empty() {
        errors.push(FieldError::new(
            "services",
            "ACC-1(1): 認定対象サービス（a〜e）を1つ以上選んでください (at least one service)",
        ));
    }
    if input.services.len() > 10 {
        errors.push(FieldError::new("services", "サービスが多すぎます (too many)"));
    }
    let mut services = Vec::new();
    for (i, s) in input.services.iter().enumerate() {
        let code = ServiceCode::parse(s.code.trim());
        if code.is_none() {
            errors.push(FieldError::new(
                format!("services[{i}].code"),
                "サービスはaからeのいずれかです (one of a..e)",
            ));
        }
        let started_on = past_day(
            &mut errors,
            &format!("services[{i}].started_on"),
            &s.started_on,
            today,
        );
        if let (Some(code), Some(started_on)) = (code, started_on) {
            services.push(ServiceEntry { code, started_on });
        }
    }
    let mut other_services = Vec::new();
    let others = input.other_services.clone().unwrap_or_default();
    if others.len() > 20 {
        errors.push(FieldError::new("other_services", "20件までです (at most 20)"));
    }
    for (i, o) in others.iter().enumerate() {
        if o.trim().is_empty() {
            continue;
        }
        other_services.push(required_text(
            &mut errors,
            &format!("other_services[{i}]"),
            o,
            100,
        ));
    }
    let revenue = match input.annual_revenue_yen {
        None => {
            errors.push(FieldError::new(
                "annual_revenue_yen",
                "メンタルヘルスサービスの直近年間売上高（円）を入力してください (required)",
            ));
            0
        }
        Some(r) if r < 0 => {
            errors.push(FieldError::new(
                "annual_revenue_yen",
                "0以上の金額です (must not be negative)",
            ));
            0
        }
        Some(r) => r,
    };
    let applied_on = past_day(&mut errors, "applied_on", &input.applied_on, today);
    let mut application = serde_json::Map::new();
    if let Some(c) = &input.contact {
        let department = optional_text(&mut errors, "contact.department", c.department.as_deref(), 100);
        let name = optional_text(&mut errors, "contact.name", c.name.as_deref(), 100);
        let tel = phone(&mut errors, "contact.phone", c.phone.as_deref());
        let fax = phone(&mut errors, "contact.fax", c.fax.as_deref());
        let email = match c.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            None => None,
            Some(e) => match Email::parse(e) {
                Ok(e) => Some(e.as_str().to_owned()),
                Err(err) => {
                    errors.push(FieldError::new("contact.email", err.to_string()));
                    None
                }
            },
        };
        application.insert(
            "contact".into(),
            json!({"department": department, "name": name, "phone": tel, "fax": fax, "email": email}),
        );
    }
    if let Some(list) = &input.attachments {
        for (i, a) in list.iter().enumerate() {
            if !ATTACHMENTS.contains(&a.as_str()) {
                errors.push(FieldError::new(
                    format!("attachments[{i}]"),
                    format!("添付書類は {} のいずれかです", ATTACHMENTS.join(", ")),
                ));
            }
        }
        let mut list = list.clone();
        list.sort();
        list.dedup();
        application.insert("attachments".into(), json!(list));
    }
    if let Some(b) = input.board_decided {
        application.insert("board_decided".into(), json!(b));
    }
    if let Some(u) = input.unit_conditions {
        // ACC-2: the head decides; the answers and what they imply are kept for that decision.
        application.insert("unit_conditions".into(), json!(u));
        application.insert("unit_conditions_met".into(), json!(u.qualifies()));
    }
    match (errors.is_empty(), applied_on) {
        (true, Some(applied_on)) => Ok(ValidApplication {
            services,
            other_services,
            revenue,
            applied_on,
            unit_name,
            application: Value::Object(application),
        }),
        _ => Err(errors),
    }
}

fn phone(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match PhoneNumber::parse(v) {
        Ok(p) => Some(p.as_str().to_owned()),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            None
        }
    }
}

/// `POST /api/v1/accreditation/cases`: a new case in `submitted`, against the catalog in force.
pub async fn apply(state: &AppState, caller: &Caller, input: &ApplicationInput) -> AppResult<String> {
    apply_linked(state, caller, input, None).await
}

/// An application; a renewal (ACC-19) or scope addition (ACC-20) names the accreditation it changes, and the
/// link is stored in the same transaction as the case.
pub(crate) async fn apply_linked(
    state: &AppState,
    caller: &Caller,
    input: &ApplicationInput,
    link: Option<(CaseKind, &str)>,
) -> AppResult<String> {
    let organization_id = input.organization_id.trim();
    AppError::check(acc_authz::create_case(&caller.actor(), organization_id))?;
    let today = state.clock.today();
    let ValidApplication {
        services,
        other_services,
        revenue,
        applied_on,
        unit_name,
        application,
    } = validate_application(input, today).map_err(AppError::Validation)?;
    if organizations::by_id(state.db.pool(), organization_id)
        .await?
        .is_none()
    {
        return Err(AppError::field(
            "organization_id",
            "該当する組織がありません (no such organization)",
        ));
    }
    let catalog_version = ensure_catalog(state).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    // One open case per organization and unit: a second application would duplicate the review and its fees.
    if store::has_open_case(&mut *tx, organization_id, unit_name.as_deref()).await? {
        return Err(AppError::Conflict(
            "この組織（部門）には審査中の申請があります (an open case exists for this organization and unit)"
                .into(),
        ));
    }
    let new = NewCase {
        organization_id,
        unit_name: unit_name.as_deref(),
        services: &services,
        other_services: &other_services,
        annual_revenue_yen: revenue,
        applied_on,
        application: &application,
        catalog_version: &catalog_version,
        created_by: &caller.user.id,
    };
    let id = store::insert(&mut tx, &new, now.timestamp()).await?;
    if let Some((kind, accreditation_id)) = link {
        store::set_kind(&mut tx, &id, kind, accreditation_id).await?;
    }
    let changes = audit::created(&[
        ("kind", json!(link.map_or("initial", |(k, _)| k.as_str()))),
        ("accreditation_id", json!(link.map(|(_, a)| a))),
        ("organization_id", json!(organization_id)),
        ("unit_name", json!(unit_name)),
        ("services", json!(services)),
        ("other_services", json!(other_services)),
        ("annual_revenue_yen", json!(revenue)),
        ("applied_on", json!(iso(applied_on))),
        ("catalog_version", json!(catalog_version)),
        ("application", application),
        ("status", json!(CaseStatus::Submitted.as_str())),
    ]);
    finish(tx, state, caller, "acc_case.apply", &id, changes).await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------------------
// Eligibility and acceptance (ACC-1, ACC-4, ACC-22)

#[derive(Debug, Default, Deserialize, Clone)]
pub struct EligibilityInput {
    pub eligible: Option<bool>,
    #[serde(default)]
    pub decided_on: String,
    pub reason: Option<String>,
}

/// The last day of the month after `issued_on`: the invoice's due date (翌月末払い).
pub fn invoice_due_on(issued_on: NaiveDate) -> NaiveDate {
    issued_on
        .with_day0(0)
        .and_then(|first| first.checked_add_months(Months::new(2)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(issued_on)
}

/// Builds an invoice from lines: tax once on the subtotal at the rate in force on the invoice date (ACC-22).
pub(crate) async fn issue_invoice(
    tx: &mut Tx,
    case: &Case,
    issued_on: NaiveDate,
    lines: Vec<InvoiceLine>,
    registration_number: &str,
    created_by: &str,
    now: i64,
) -> AppResult<Invoice> {
    let subtotal: i64 = lines.iter().map(|l| l.amount_yen).sum();
    let subtotal_yen = Yen::new(u64::try_from(subtotal).unwrap_or(0));
    let tax = consumption_tax(subtotal_yen, issued_on);
    let tax_yen = i64::try_from(tax.get()).map_err(|_| AppError::Internal("tax overflow".into()))?;
    let n = store::next_number(tx, "invoice", year_of(issued_on)).await?;
    let mut invoice = Invoice {
        id: String::new(),
        number: format!("INV-{}-{n:04}", year_of(issued_on)),
        case_id: case.id.clone(),
        organization_id: case.organization_id.clone(),
        issued_on,
        due_on: invoice_due_on(issued_on),
        registration_number: registration_number.to_owned(),
        tax_rate_percent: i64::from(consumption_tax_rate_percent(issued_on)),
        subtotal_yen: subtotal,
        tax_yen,
        total_yen: subtotal + tax_yen,
        lines,
        payments: Vec::new(),
    };
    invoice.id = invoices::insert(tx, &invoice, Some(created_by), now).await?;
    Ok(invoice)
}

fn yen(v: Yen) -> i64 {
    i64::try_from(v.get()).unwrap_or(i64::MAX)
}

/// ACC-22: base + add-on lines for a case's application.
fn application_lines(case: &Case) -> Vec<InvoiceLine> {
    let fees = fees_for(case);
    if case.kind == CaseKind::ScopeAddition {
        // ACC-20: ¥60,000 per added service.
        let n = i64::try_from(case.service_codes().len()).unwrap_or(0);
        return vec![InvoiceLine {
            kind: "scope_addition".into(),
            description: "追加認定（1サービスあたり）".into(),
            quantity: n,
            unit_yen: yen(PER_SERVICE_FEE),
            amount_yen: yen(fees.total_yen),
        }];
    }
    let mut lines = vec![InvoiceLine {
        kind: "base".into(),
        description: "MH認定 基本料金（2サービス・年間売上高5000万円まで）".into(),
        quantity: 1,
        unit_yen: yen(fees.base_yen),
        amount_yen: yen(fees.base_yen),
    }];
    if fees.services_addon_yen != Yen::ZERO {
        let extra = yen(fees.services_addon_yen) / yen(PER_SERVICE_FEE).max(1);
        lines.push(InvoiceLine {
            kind: "services_addon".into(),
            description: "加算料金（認定サービス追加）".into(),
            quantity: extra,
            unit_yen: yen(PER_SERVICE_FEE),
            amount_yen: yen(fees.services_addon_yen),
        });
    }
    if fees.revenue_addon_yen != Yen::ZERO {
        lines.push(InvoiceLine {
            kind: "revenue_addon".into(),
            description: "加算料金（年間売上高）".into(),
            quantity: 1,
            unit_yen: yen(fees.revenue_addon_yen),
            amount_yen: yen(fees.revenue_addon_yen),
        });
    }
    lines
}

/// `POST …/eligibility` (ACC-4): accept (→ `accepted`, invoice of base + add-ons) or refuse (→ `ineligible`).
pub async fn decide_eligibility(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &EligibilityInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::DecideEligibility).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    if input.eligible.is_none() {
        errors.push(FieldError::new(
            "eligible",
            "受審資格の有無を指定してください (required)",
        ));
    }
    let decided_on = past_day(&mut errors, "decided_on", &input.decided_on, today);
    if let Some(d) = decided_on {
        not_before(
            &mut errors,
            "decided_on",
            d,
            Some((loaded.case.applied_on, "申込日")),
        );
    }
    let reason = optional_text(&mut errors, "reason", input.reason.as_deref(), TEXT_MAX);
    invalid(errors)?;
    let (Some(eligible), Some(decided_on)) = (input.eligible, decided_on) else {
        return Err(AppError::BadRequest(
            "eligible and decided_on are required".into(),
        ));
    };
    let computed = loaded.eligibility();
    // A refusal without a reason of its own records the computed reasons: the decision is appealable (ACC-21).
    let reason =
        reason.or_else(|| (!eligible && !computed.reasons.is_empty()).then(|| computed.reasons.join("\n")));
    let registration_number = super::invoice_registration_number(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::decide_eligibility(case.status, eligible, &computed).map_err(refused)?;
    // ACC-2: a department is accepted only after the head decided it qualifies as the unit; a refusal after
    // the head found it does not qualify records that reason unless the office gives its own.
    let unit_reason = super::impartiality::check_unit_for_eligibility(&mut tx, &case, eligible).await?;
    let reason = reason.or(unit_reason);
    let fields = [
        ("eligibility_decision", Set::flag(eligible)),
        ("eligibility_decided_on", Set::date(decided_on)),
        ("eligibility_reason", Set::opt_text(reason.clone())),
    ];
    apply_transition(&mut tx, &case, status, &fields, now).await?;
    let mut changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("eligibility_decision", Value::Null, json!(eligible)),
        ("eligibility_decided_on", Value::Null, json!(iso(decided_on))),
        ("eligibility_reason", Value::Null, json!(reason)),
    ]);
    if status == CaseStatus::Accepted {
        // ACC-4, ACC-22: the acceptance notice goes with the invoice of base + add-on fees, dated the decision.
        let invoice = issue_invoice(
            &mut tx,
            &case,
            decided_on,
            application_lines(&case),
            &registration_number,
            &caller.user.id,
            now,
        )
        .await?;
        if let Some(obj) = changes.as_object_mut() {
            obj.insert(
                "invoice".into(),
                json!({"after": {"number": invoice.number, "total_yen": invoice.total_yen}}),
            );
        }
    }
    finish(tx, state, caller, "acc_case.eligibility", id, changes).await
}

// ---------------------------------------------------------------------------------------------------------
// Plan (ACC-5) and self-study (ACC-6)

#[derive(Debug, Default, Deserialize, Clone)]
pub struct PlanInput {
    #[serde(default)]
    pub coordinator_id: String,
    pub coordinator_visit_on: Option<String>,
    #[serde(default)]
    pub self_study_due_on: String,
    #[serde(default)]
    pub site_visit_on: String,
}

/// `POST …/plan` (ACC-5): coordinator, the coordinator's visit, the self-study due date and the site visit.
/// Planned dates lie ahead, so only their order is checked: after the acceptance, visit before the due date,
/// due date before the site visit.
pub async fn plan(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &PlanInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::Plan).await?;
    let mut errors = Vec::new();
    let coordinator = users::by_id(state.db.pool(), input.coordinator_id.trim()).await?;
    match &coordinator {
        Some(u) if u.role == Role::Coordinator && u.active => {}
        Some(_) => errors.push(FieldError::new(
            "coordinator_id",
            "認定支援員ではありません (not a coordinator)",
        )),
        None => errors.push(FieldError::new(
            "coordinator_id",
            "該当する利用者がいません (no such user)",
        )),
    }
    let accepted_on = loaded.case.eligibility_decided_on.map(|d| (d, "申請受理日"));
    let visit = match input
        .coordinator_visit_on
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        Some(v) => parse_day(&mut errors, "coordinator_visit_on", v),
        None => None,
    };
    let due = parse_day(&mut errors, "self_study_due_on", &input.self_study_due_on);
    let site = parse_day(&mut errors, "site_visit_on", &input.site_visit_on);
    if let Some(v) = visit {
        not_before(&mut errors, "coordinator_visit_on", v, accepted_on);
    }
    if let Some(d) = due {
        not_before(&mut errors, "self_study_due_on", d, accepted_on);
        not_before(
            &mut errors,
            "self_study_due_on",
            d,
            visit.map(|v| (v, "認定支援員の訪問日")),
        );
    }
    if let (Some(s), Some(d)) = (site, due) {
        not_before(
            &mut errors,
            "site_visit_on",
            s,
            Some((d, "セルフスタディ資料の提出期限")),
        );
    }
    invalid(errors)?;
    let (Some(due), Some(site)) = (due, site) else {
        return Err(AppError::BadRequest("dates are required".into()));
    };
    let coordinator_id = input.coordinator_id.trim().to_owned();
    if conflicts::exists(state.db.pool(), &coordinator_id, &loaded.case.organization_id).await? {
        return Err(AppError::Conflict(
            "ACC-8: この認定支援員はこの組織との利益相反を申告しています (declared conflict of interest)"
                .into(),
        ));
    }
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::plan(case.status).map_err(refused)?;
    let fields = [
        ("coordinator_id", Set::text(coordinator_id.clone())),
        ("coordinator_visit_on", Set::opt_date(visit)),
        ("self_study_due_on", Set::date(due)),
        ("site_visit_on", Set::date(site)),
    ];
    apply_transition(&mut tx, &case, status, &fields, now).await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        (
            "coordinator_id",
            json!(case.coordinator_id),
            json!(coordinator_id),
        ),
        ("coordinator_visit_on", Value::Null, json!(visit.map(iso))),
        ("self_study_due_on", Value::Null, json!(iso(due))),
        ("site_visit_on", Value::Null, json!(iso(site))),
    ]);
    finish(tx, state, caller, "acc_case.plan", id, changes).await
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct SelfStudyInput {
    #[serde(default)]
    pub submitted_on: String,
}

/// `POST …/self-study/submission` (ACC-6): the self-study is in; the site visit comes next.
pub async fn submit_self_study(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &SelfStudyInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::SubmitSelfStudy).await?;
    let mut errors = Vec::new();
    let submitted_on = past_day(
        &mut errors,
        "submitted_on",
        &input.submitted_on,
        state.clock.today(),
    );
    if let Some(d) = submitted_on {
        not_before(
            &mut errors,
            "submitted_on",
            d,
            loaded.case.eligibility_decided_on.map(|a| (a, "申請受理日")),
        );
    }
    invalid(errors)?;
    let submitted_on = submitted_on.ok_or_else(|| AppError::BadRequest("submitted_on".into()))?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::submit_self_study(case.status).map_err(refused)?;
    // ACC-6: the representative's confirmation comes first; the office's format check follows.
    super::study::on_submission(&mut tx, id, now).await?;
    apply_transition(
        &mut tx,
        &case,
        status,
        &[("self_study_submitted_on", Set::date(submitted_on))],
        now,
    )
    .await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("self_study_submitted_on", Value::Null, json!(iso(submitted_on))),
        (
            "late",
            Value::Null,
            json!(case.self_study_due_on.is_some_and(|due| submitted_on > due)),
        ),
    ]);
    finish(tx, state, caller, "acc_case.self_study_submit", id, changes).await
}

// ---------------------------------------------------------------------------------------------------------
// Surveyors (ACC-7, ACC-8) and ratings (ACC-9)

#[derive(Debug, Default, Deserialize, Clone)]
pub struct SurveyorInput {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub lead: bool,
}

/// Statuses in which surveyors are assigned: before and during the site visit, and for an additional visit
/// during a deferral (ACC-11).
const SURVEYOR_STATUSES: [CaseStatus; 4] = [
    CaseStatus::Accepted,
    CaseStatus::SelfStudy,
    CaseStatus::SiteVisit,
    CaseStatus::Deferred,
];

/// `POST …/surveyors` (ACC-7, ACC-8): two surveyors at most, one lead, no declared conflict.
pub async fn add_surveyor(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &SurveyorInput,
) -> AppResult<String> {
    let loaded = load_for(state, caller, id, CaseAction::AssignSurveyor).await?;
    let user_id = input.user_id.trim();
    let Some(user) = users::by_id(state.db.pool(), user_id).await? else {
        return Err(AppError::field(
            "user_id",
            "該当する利用者がいません (no such user)",
        ));
    };
    if user.role != Role::Surveyor || !user.active {
        return Err(AppError::Conflict(
            "ACC-7: 認定調査員ではない利用者は割り当てられません (the user is not a surveyor)".into(),
        ));
    }
    if conflicts::exists(state.db.pool(), user_id, &loaded.case.organization_id).await? {
        return Err(AppError::Conflict(
            "ACC-8: この認定調査員はこの組織との利益相反を申告しています (declared conflict of interest)"
                .into(),
        ));
    }
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    if !SURVEYOR_STATUSES.contains(&case.status) {
        return Err(AppError::Conflict(format!(
            "認定調査員の割り当ては状態「{}」ではできません (not in status {})",
            case.status.label_ja(),
            case.status.as_str()
        )));
    }
    if nintei_store::acc_impartiality::upheld_against(&mut *tx, id, user_id).await? {
        return Err(AppError::Conflict(
            "ACC-8: この認定調査員は組織の申し出により交代しました。別の認定調査員を割り当ててください \
             (an objection to this surveyor was upheld)"
                .into(),
        ));
    }
    let current = store::surveyors(&mut *tx, id).await?;
    if current.iter().any(|s| s.user_id == user_id) {
        return Err(AppError::Conflict(
            "ACC-7: すでに割り当てられています (already assigned)".into(),
        ));
    }
    if current.len() >= 2 {
        return Err(AppError::Conflict(
            "ACC-7: 認定調査員は2名までです (the case has two surveyors already)".into(),
        ));
    }
    if input.lead && current.iter().any(|s| s.lead) {
        return Err(AppError::Conflict(
            "ACC-7: 主任認定調査員はすでにいます (the case has a lead already)".into(),
        ));
    }
    let assignment = store::add_surveyor(&mut tx, id, user_id, input.lead, &caller.user.id, now).await?;
    let changes = audit::created(&[
        ("surveyor_id", json!(user_id)),
        ("lead", json!(input.lead)),
        ("assignment_id", json!(assignment)),
    ]);
    finish(tx, state, caller, "acc_case.surveyor_assign", id, changes).await?;
    Ok(assignment)
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct RatingInput {
    #[serde(default)]
    pub standard: String,
    #[serde(default)]
    pub rating: Value,
    pub comment: Option<String>,
}

/// Checks one rating against the case's catalog and scope (400 naming the field).
fn validate_rating(
    catalog: &Catalog,
    kind: CaseKind,
    services: &[ServiceCode],
    input: &RatingInput,
) -> Result<(String, Rating, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = input.standard.trim();
    let in_scope = review_scope(catalog, kind, services).any(|s| s.code == code);
    if !in_scope {
        let message = if catalog.get(code).is_some() {
            format!("基準「{code}」はこの審査の対象サービスの基準ではありません (standard not in scope)")
        } else {
            format!("基準「{code}」は認定基準にありません (unknown standard)")
        };
        errors.push(FieldError::new("standard", message));
    }
    let rating = match input.rating.as_i64() {
        Some(v) => Rating::new(v)
            .map_err(|e| errors.push(FieldError::new("rating", e.to_string())))
            .ok(),
        None => {
            errors.push(FieldError::new(
                "rating",
                "ACC-9: レーティングは1〜4の整数です (an integer 1..4)",
            ));
            None
        }
    };
    let comment = input
        .comment
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if comment.chars().count() > LONG_TEXT_MAX {
        errors.push(FieldError::new("comment", "コメントが長すぎます (too long)"));
    }
    if let Some(r) = rating
        && !r.meets_threshold()
        && comment.is_empty()
    {
        errors.push(FieldError::new(
            "comment",
            "ACC-9: レーティング3・4にはコメントが必要です (a comment is required for 3 and 4)",
        ));
    }
    match (errors.is_empty(), rating) {
        (true, Some(r)) => Ok((code.to_owned(), r, comment)),
        _ => Err(errors),
    }
}

/// `POST …/ratings` (ACC-9): an assigned surveyor's rating; a later one of the same standard replaces it.
pub async fn rate(state: &AppState, caller: &Caller, id: &str, input: &RatingInput) -> AppResult<String> {
    let loaded = load_for(state, caller, id, CaseAction::Rate).await?;
    let catalog = catalog(state, &loaded.case.catalog_version).await?;
    let (code, rating, comment) =
        validate_rating(&catalog, loaded.case.kind, &loaded.case.service_codes(), input)
            .map_err(AppError::Validation)?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    machine::check_rating(case.status).map_err(refused)?;
    let before = store::ratings(&mut *tx, id, true)
        .await?
        .into_iter()
        .find(|r| r.standard == code)
        .map(|r| r.rating);
    let rating_id = store::add_rating(&mut tx, id, &code, rating, &comment, &caller.user.id, now).await?;
    let changes = json!({
        "standard": code,
        "rating": {"before": before, "after": rating.get()},
        "comment": comment,
        "rating_id": rating_id,
    });
    finish(tx, state, caller, "acc_case.rate", id, changes).await?;
    Ok(rating_id)
}

/// ACC-9 computed inside a transaction (the ratings the transition really starts from).
async fn assessment_in(
    tx: &mut Tx,
    catalog: &Catalog,
    case: &Case,
) -> AppResult<nintei_domain::acc::Assessment> {
    let ratings: HashMap<String, Rating> = store::ratings(&mut **tx, &case.id, true)
        .await?
        .into_iter()
        .filter_map(|r| Rating::new(i64::from(r.rating)).ok().map(|x| (r.standard, x)))
        .collect();
    let codes = case.service_codes();
    Ok(assess(review_scope(catalog, case.kind, &codes), &ratings))
}

// ---------------------------------------------------------------------------------------------------------
// Report (ACC-10) and response

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ReportInput {
    #[serde(default)]
    pub issued_on: String,
}

/// `POST …/report` (ACC-10): once every standard in scope is rated; `report_issued` when any is rated 3 or 4,
/// else straight to `committee`.
pub async fn issue_report(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ReportInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::IssueReport).await?;
    let mut errors = Vec::new();
    let issued_on = past_day(&mut errors, "issued_on", &input.issued_on, state.clock.today());
    if let Some(d) = issued_on {
        not_before(
            &mut errors,
            "issued_on",
            d,
            loaded
                .case
                .self_study_submitted_on
                .map(|s| (s, "セルフスタディ資料の提出日")),
        );
    }
    invalid(errors)?;
    let issued_on = issued_on.ok_or_else(|| AppError::BadRequest("issued_on".into()))?;
    let catalog = catalog(state, &loaded.case.catalog_version).await?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let assessment = assessment_in(&mut tx, &catalog, &case).await?;
    let status = machine::issue_report(case.status, &assessment).map_err(refused)?;
    apply_transition(
        &mut tx,
        &case,
        status,
        &[("report_issued_on", Set::date(issued_on))],
        now,
    )
    .await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("report_issued_on", Value::Null, json!(iso(issued_on))),
        ("below_threshold", Value::Null, json!(assessment.below_threshold)),
    ]);
    finish(tx, state, caller, "acc_case.report", id, changes).await
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ResponseInput {
    #[serde(default)]
    pub submitted_on: String,
    #[serde(default)]
    pub opinion: String,
    #[serde(default)]
    pub action_plan: String,
}

/// `POST …/response` (ACC-10): the organization's opinion and action plan for the standards rated 3 or 4.
pub async fn respond(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ResponseInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::Respond).await?;
    let mut errors = Vec::new();
    let submitted_on = past_day(
        &mut errors,
        "submitted_on",
        &input.submitted_on,
        state.clock.today(),
    );
    if let Some(d) = submitted_on {
        not_before(
            &mut errors,
            "submitted_on",
            d,
            loaded
                .case
                .report_issued_on
                .map(|r| (r, "実地調査報告書の発行日")),
        );
    }
    let opinion = required_text(&mut errors, "opinion", &input.opinion, LONG_TEXT_MAX);
    let action_plan = required_text(&mut errors, "action_plan", &input.action_plan, LONG_TEXT_MAX);
    invalid(errors)?;
    let submitted_on = submitted_on.ok_or_else(|| AppError::BadRequest("submitted_on".into()))?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::respond(case.status).map_err(refused)?;
    apply_transition(
        &mut tx,
        &case,
        status,
        &[
            ("response_submitted_on", Set::date(submitted_on)),
            ("response_opinion", Set::text(opinion.clone())),
            ("response_action_plan", Set::text(action_plan.clone())),
        ],
        now,
    )
    .await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("response_submitted_on", Value::Null, json!(iso(submitted_on))),
        ("response_opinion", Value::Null, json!(opinion)),
        ("response_action_plan", Value::Null, json!(action_plan)),
    ]);
    finish(tx, state, caller, "acc_case.response", id, changes).await
}

// ---------------------------------------------------------------------------------------------------------
// Committee (ACC-8, ACC-11) and notices (ACC-12)

#[derive(Debug, Default, Deserialize, Clone)]
pub struct VoteInput {
    #[serde(default)]
    pub outcome: String,
}

fn parse_outcome(errors: &mut Vec<FieldError>, value: &str) -> Option<Outcome> {
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

#[derive(Debug, Default, Deserialize, Clone)]
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
        crate::public::reindex_accreditation(&mut tx, number).await?;
        // ACC-14: the annual reports owed and their deadlines (issue 4).
        crate::accr::on_accredited(&mut tx, &calendar, number, now).await?;
    }
    // ACC-19, ACC-20: a renewal or scope addition changes the accreditation it names instead.
    let renewed = if outcome == Outcome::Accredit && case.kind != CaseKind::Initial {
        super::renewal::on_accredit(&mut tx, &case, decided_on, &caller.user.id, now).await?
    } else {
        Value::Null
    };
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    // ACC-8: every assigned surveyor's 6-month cooling-off with the organization, from this decision.
    let cooling_off = super::impartiality::record_cooling_offs(&mut tx, &case, decided_on, now).await?;
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

#[derive(Debug, Default, Deserialize, Clone)]
pub struct NoticeInput {
    pub sent_on: Option<String>,
    pub received_on: Option<String>,
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
    if pick(&input.sent_on).is_none() && pick(&input.received_on).is_none() {
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
    let mut errors = Vec::new();
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
    ]);
    finish(tx, state, caller, "acc_case.notice", id, changes).await
}

// ---------------------------------------------------------------------------------------------------------
// Withdrawal (ACC-3) and stop (ACC-1)

#[derive(Debug, Default, Deserialize, Clone)]
pub struct WithdrawalInput {
    #[serde(default)]
    pub withdrawn_on: String,
    pub reason: Option<String>,
}

/// `POST …/withdrawal` (ACC-3): any time while the case is open; invoices stay due.
pub async fn withdraw(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &WithdrawalInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    let loaded = load_for(state, caller, id, CaseAction::Withdraw).await?;
    let mut errors = Vec::new();
    let withdrawn_on = past_day(
        &mut errors,
        "withdrawn_on",
        &input.withdrawn_on,
        state.clock.today(),
    );
    if let Some(d) = withdrawn_on {
        not_before(
            &mut errors,
            "withdrawn_on",
            d,
            Some((loaded.case.applied_on, "申込日")),
        );
    }
    let reason = optional_text(&mut errors, "reason", input.reason.as_deref(), TEXT_MAX);
    invalid(errors)?;
    let withdrawn_on = withdrawn_on.ok_or_else(|| AppError::BadRequest("withdrawn_on".into()))?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::withdraw(case.status).map_err(refused)?;
    apply_transition(
        &mut tx,
        &case,
        status,
        &[("withdrawn_on", Set::date(withdrawn_on))],
        now,
    )
    .await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("withdrawn_on", Value::Null, json!(iso(withdrawn_on))),
        ("reason", Value::Null, json!(reason)),
    ]);
    finish(tx, state, caller, "acc_case.withdraw", id, changes).await
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct StopInput {
    #[serde(default)]
    pub stopped_on: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST …/stop` (ACC-1, an addition to API.md): the office stops a review whose organization lost
/// eligibility.
pub async fn stop(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &StopInput,
    if_match: Option<i64>,
) -> AppResult<()> {
    load_for(state, caller, id, CaseAction::DecideEligibility).await?;
    let mut errors = Vec::new();
    let stopped_on = past_day(&mut errors, "stopped_on", &input.stopped_on, state.clock.today());
    let reason = required_text(&mut errors, "reason", &input.reason, TEXT_MAX);
    invalid(errors)?;
    let stopped_on = stopped_on.ok_or_else(|| AppError::BadRequest("stopped_on".into()))?;
    let calendar = office_calendar(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::stop(case.status).map_err(refused)?;
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "stopped_on",
        stopped_on,
        case.eligibility_decided_on.map(|d| (d, "申請受理日")),
    );
    invalid(errors)?;
    apply_transition(
        &mut tx,
        &case,
        status,
        &[("decision_reason", Set::text(reason.clone()))],
        now,
    )
    .await?;
    sync_deadlines(&mut tx, id, &calendar, now).await?;
    let changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("stopped_on", Value::Null, json!(iso(stopped_on))),
        ("reason", Value::Null, json!(reason)),
    ]);
    finish(tx, state, caller, "acc_case.stop", id, changes).await
}

// ---------------------------------------------------------------------------------------------------------
// Invoices and payments (ACC-22)

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ExtraLineInput {
    #[serde(default)]
    pub kind: String,
    pub quantity: Option<i64>,
    pub amount_yen: Option<i64>,
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ExtraInvoiceInput {
    #[serde(default)]
    pub issued_on: String,
    #[serde(default)]
    pub lines: Vec<ExtraLineInput>,
}

/// `POST …/invoices` (ACC-22, an addition to API.md): extra fees — an extra coordinator or site visit (half
/// day ¥150,000, full day ¥250,000), travel at actual cost, certificate reissue ¥3,000 each.
pub async fn extra_invoice(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ExtraInvoiceInput,
) -> AppResult<String> {
    load_for(state, caller, id, CaseAction::ManageInvoices).await?;
    let mut errors = Vec::new();
    let issued_on = past_day(&mut errors, "issued_on", &input.issued_on, state.clock.today());
    if input.lines.is_empty() || input.lines.len() > 50 {
        errors.push(FieldError::new(
            "lines",
            "明細を1〜50行入力してください (1 to 50 lines)",
        ));
    }
    let mut lines = Vec::new();
    for (i, l) in input.lines.iter().enumerate() {
        let quantity = l.quantity.unwrap_or(1);
        if !(1..=100).contains(&quantity) {
            errors.push(FieldError::new(
                format!("lines[{i}].quantity"),
                "1〜100です (1..100)",
            ));
            continue;
        }
        let fixed = |kind: &str, description: &str, unit: Yen| InvoiceLine {
            kind: kind.into(),
            description: description.into(),
            quantity,
            unit_yen: yen(unit),
            amount_yen: yen(unit) * quantity,
        };
        match l.kind.as_str() {
            "extra_visit_half_day" => lines.push(fixed(
                l.kind.as_str(),
                "追加訪問（半日）",
                VisitLength::HalfDay.fee(),
            )),
            "extra_visit_full_day" => lines.push(fixed(
                l.kind.as_str(),
                "追加訪問（1日）",
                VisitLength::FullDay.fee(),
            )),
            "certificate_reissue" => lines.push(fixed(
                l.kind.as_str(),
                "認定証の追加発行",
                CERTIFICATE_REISSUE_FEE,
            )),
            "travel" => match l.amount_yen {
                Some(a) if (1..=100_000_000).contains(&a) => {
                    let description = optional_text(
                        &mut errors,
                        &format!("lines[{i}].description"),
                        l.description.as_deref(),
                        200,
                    )
                    .unwrap_or_else(|| "交通宿泊費（実費）".into());
                    lines.push(InvoiceLine {
                        kind: "travel".into(),
                        description,
                        quantity: 1,
                        unit_yen: a,
                        amount_yen: a,
                    });
                }
                _ => errors.push(FieldError::new(
                    format!("lines[{i}].amount_yen"),
                    "交通宿泊費の実費（円）を入力してください (amount required)",
                )),
            },
            _ => errors.push(FieldError::new(
                format!("lines[{i}].kind"),
                "extra_visit_half_day, extra_visit_full_day, travel, certificate_reissue のいずれかです",
            )),
        }
    }
    invalid(errors)?;
    let issued_on = issued_on.ok_or_else(|| AppError::BadRequest("issued_on".into()))?;
    let registration_number = invoice_registration_number(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    if matches!(case.status, CaseStatus::Submitted | CaseStatus::Ineligible) {
        return Err(AppError::Conflict(
            "申請受理の前には請求できません (not accepted)".into(),
        ));
    }
    let invoice = issue_invoice(
        &mut tx,
        &case,
        issued_on,
        lines,
        &registration_number,
        &caller.user.id,
        now,
    )
    .await?;
    let changes = json!({"invoice": {"after": {"number": invoice.number, "total_yen": invoice.total_yen, "lines": invoice.lines}}});
    finish(tx, state, caller, "invoice.issue", id, changes).await?;
    Ok(invoice.id)
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct PaymentInput {
    #[serde(default)]
    pub paid_on: String,
    pub amount_yen: Option<i64>,
}

/// `POST …/invoices/{invoice_id}/payments` (ACC-22, an addition to API.md): a payment received. More than the
/// amount still due is refused (the seed has no refunds).
pub async fn record_payment(
    state: &AppState,
    caller: &Caller,
    id: &str,
    invoice_id: &str,
    input: &PaymentInput,
) -> AppResult<String> {
    load_for(state, caller, id, CaseAction::ManageInvoices).await?;
    let list = invoices::for_case(state.db.pool(), id).await?;
    let invoice = list
        .iter()
        .find(|i| i.id == invoice_id)
        .ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let paid_on = past_day(&mut errors, "paid_on", &input.paid_on, state.clock.today());
    if let Some(p) = paid_on {
        not_before(&mut errors, "paid_on", p, Some((invoice.issued_on, "請求日")));
    }
    let due = invoice.total_yen - invoice.paid_yen();
    let amount = match input.amount_yen {
        Some(a) if a >= 1 && a <= due => Some(a),
        _ => {
            errors.push(FieldError::new(
                "amount_yen",
                format!("1円以上、未払額（{due}円）以下で入力してください (1..={due})"),
            ));
            None
        }
    };
    invalid(errors)?;
    let (Some(paid_on), Some(amount)) = (paid_on, amount) else {
        return Err(AppError::BadRequest("paid_on and amount_yen".into()));
    };
    let now = state.clock.now().timestamp();
    let (mut tx, _case) = begin(state, id, now).await?;
    // Another payment may have been recorded meanwhile: recheck inside the lock.
    if amount > invoice.total_yen - invoices::paid_yen(&mut *tx, invoice_id).await? {
        return Err(AppError::Conflict(
            "この請求書は支払済みか、残額を超えています (already paid)".into(),
        ));
    }
    let payment_id =
        invoices::add_payment(&mut tx, invoice_id, paid_on, amount, &caller.user.id, now).await?;
    let changes = json!({"invoice": invoice.number, "payment_id": payment_id, "paid_on": iso(paid_on), "amount_yen": amount});
    finish(tx, state, caller, "invoice.payment", id, changes).await?;
    Ok(payment_id)
}

/// The committee members' votes are shown to the office, the head and the committee.
pub fn may_see_votes(loaded: &Loaded, caller: &Caller) -> bool {
    loaded.may(caller, CaseAction::Decide) || loaded.may(caller, CaseAction::Vote)
}
