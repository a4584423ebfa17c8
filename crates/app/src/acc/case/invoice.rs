//! Invoices and payments of a case (ACC-22).

use crate::acc::{Loaded, invoice_registration_number, load_for, not_before, past_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use nintei_domain::acc::CaseStatus;
use nintei_domain::authz::acc::CaseAction;
use nintei_domain::fees::{CERTIFICATE_REISSUE_FEE, VisitLength, Yen};
use nintei_store::invoices::{self, InvoiceLine};
use serde::Deserialize;
use serde_json::json;

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ExtraLineInput {
    #[serde(default)]
    pub kind: String,
    pub quantity: Option<i64>,
    pub amount_yen: Option<i64>,
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
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
    // ACC-22: an invoice is dated in order with its case — never before the application was accepted.
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "issued_on",
        issued_on,
        case.eligibility_decided_on.map(|d| (d, "申請の受理日")),
    );
    invalid(errors)?;
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

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
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
    let list = invoices::for_case(&mut *state.db.acquire().await?, id).await?;
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
