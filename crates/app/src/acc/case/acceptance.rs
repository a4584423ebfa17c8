//! Eligibility and acceptance (ACC-1, ACC-4) with the first invoice (ACC-22).

use crate::acc::{fees_for, load_for, not_before, past_day, year_of};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use chrono::{Datelike, Months, NaiveDate};
use nintei_domain::acc::CaseStatus;
use nintei_domain::acc::case::{self as machine};
use nintei_domain::acc::renewal::CaseKind;
use nintei_domain::authz::acc::CaseAction;
use nintei_domain::fees::{PER_SERVICE_FEE, Yen, consumption_tax, consumption_tax_rate_percent};
use nintei_store::acc::{self as store, Case, Set};
use nintei_store::invoices::{self, Invoice, InvoiceLine};
use nintei_store::{Tx, audit};
use serde::Deserialize;
use serde_json::{Value, json};

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct EligibilityInput {
    pub eligible: Option<bool>,
    #[serde(default)]
    pub decided_on: String,
    pub reason: Option<String>,
    /// Optional addition to API.md (ACC-3): the office confirms, on accepting, that the organization's board
    /// decided to apply when the application itself does not say so.
    pub board_decided: Option<bool>,
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

pub(crate) fn yen(v: Yen) -> i64 {
    i64::try_from(v.get()).unwrap_or(i64::MAX)
}

/// ACC-22: base + add-on lines for a case's application.
pub(crate) fn application_lines(case: &Case) -> Vec<InvoiceLine> {
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
    let registration_number = crate::acc::invoice_registration_number(state).await?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    check_version(&case, if_match)?;
    let status = machine::decide_eligibility(case.status, eligible, &computed).map_err(refused)?;
    // ACC-2: a department is accepted only after the head decided it qualifies as the unit; a refusal after
    // the head found it does not qualify records that reason unless the office gives its own.
    let unit_reason = crate::acc::impartiality::check_unit_for_eligibility(&mut tx, &case, eligible).await?;
    let reason = reason.or(unit_reason);
    let mut fields = vec![
        ("eligibility_decision", Set::flag(eligible)),
        ("eligibility_decided_on", Set::date(decided_on)),
        ("eligibility_reason", Set::opt_text(reason.clone())),
    ];
    let board_confirmed =
        eligible && board_confirmation(&case, input.board_decided, decided_on, &mut fields)?;
    apply_transition(&mut tx, &case, status, &fields, now).await?;
    let mut changes = audit::diff(&[
        ("status", json!(case.status.as_str()), json!(status.as_str())),
        ("eligibility_decision", Value::Null, json!(eligible)),
        ("eligibility_decided_on", Value::Null, json!(iso(decided_on))),
        ("eligibility_reason", Value::Null, json!(reason)),
    ]);
    if board_confirmed && let Some(obj) = changes.as_object_mut() {
        obj.insert(
            "board_decided".into(),
            json!({"before": case.application.get("board_decided"), "after": true}),
        );
    }
    let mut issued = None;
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
        issued = Some(invoice);
    }
    super::notices::eligibility_decided(&mut tx, state, &case, issued.as_ref(), reason.as_deref()).await?;
    finish(tx, state, caller, "acc_case.eligibility", id, changes).await
}

/// ACC-3: a case is accepted only when its board decided to apply. An application that says it did not (the form's
/// `board_decided: false`) needs the office's confirmation on accepting; an API application that does not say
/// (API.md has no such field) is taken as the applicant's declaration. Returns whether the office confirmed it now,
/// adding the application's new text to `fields`.
fn board_confirmation(
    case: &Case,
    confirmed: Option<bool>,
    decided_on: NaiveDate,
    fields: &mut Vec<(&'static str, Set)>,
) -> AppResult<bool> {
    let stated = case.application.get("board_decided").and_then(Value::as_bool);
    match (stated, confirmed) {
        (Some(true), _) | (None, None | Some(false)) => return Ok(false),
        (Some(false), None | Some(false)) => {
            return Err(AppError::Conflict(
                "ACC-3: 理事会等が申請を決定したことが確認されていません。議事録等で確認してから受理してください \
                 (the board's decision to apply is not on record)"
                    .into(),
            ));
        }
        (_, Some(true)) => {}
    }
    let mut application = case.application.clone();
    if let Some(obj) = application.as_object_mut() {
        obj.insert("board_decided".into(), json!(true));
        obj.insert("board_confirmed_on".into(), json!(iso(decided_on)));
    }
    let text = serde_json::to_string(&application).map_err(|e| AppError::Internal(e.to_string()))?;
    fields.push(("application", Set::text(text)));
    Ok(true)
}
