//! Certificates (ACC-12, ACC-22): issued when every fee is paid, reissued, returned.

use crate::acc::{invoice_registration_number, not_before};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use nintei_domain::acc::record::{self as rules, AccreditationStatus, RecordError};
use nintei_domain::authz::accreditation::RecordAction;
use nintei_domain::fees::CERTIFICATE_REISSUE_FEE;
use nintei_store::acc_records::{self as store};
use nintei_store::invoices::{self, InvoiceLine};
use serde_json::json;

#[allow(unused_imports)]
use super::*;

/// A certificate issued (ACC-22), or reissued.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct CertificateInput {
    #[serde(default)]
    pub issued_on: Text,
    #[serde(default, deserialize_with = "crate::input::flag")]
    pub reissue: bool,
}

/// `POST …/certificates` (the office): `{issued_on, reissue?: bool}` → `{id}`. The first certificate only once
/// every invoice of the accreditation is paid in full — the granting case's, and each renewal's and scope
/// change's (ACC-22, seed 第6章6(1)③). A reissue (追加発行) is an additional copy: it needs a paid ¥3,000 reissue
/// invoice not yet used (see [`request_certificate_reissue`]) and leaves the original in force (not returned).
/// Only for an active accreditation.
pub async fn issue_certificate(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &CertificateInput,
) -> AppResult<String> {
    let loaded = load(state, caller, number, RecordAction::IssueCertificate).await?;
    // Payments only ever add up: read before the lock (the pool's reader, not the write transaction).
    let all_invoices =
        invoices::for_accreditation(&mut *state.db.acquire().await?, &loaded.id, &loaded.case_id).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let issued_on = past_day(&mut errors, "issued_on", &input.issued_on, today);
    let reissue = input.reissue;
    invalid(errors)?;
    let issued_on = date_or(issued_on)?;
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let status = status_of(&record)?;
    if status != AccreditationStatus::Active || rules::is_expired(record.expires_on, issued_on) {
        return Err(refused(RecordError::WrongStatus(status)));
    }
    let mut errors = Vec::new();
    not_before(
        &mut errors,
        "issued_on",
        issued_on,
        Some((record.accredited_on, "認定日")),
    );
    invalid(errors)?;
    let unpaid: Vec<String> = all_invoices
        .iter()
        .filter(|i| !i.is_paid())
        .map(|i| i.number.clone())
        .collect();
    if !unpaid.is_empty() {
        return Err(AppError::Conflict(format!(
            "未払いの請求書があるため認定証を発行できません（{}） (every fee must be paid first, ACC-22)",
            unpaid.join(", ")
        )));
    }
    let existing = store::certificates(&mut *tx, &record.id).await?;
    let current = existing.iter().find(|c| c.returned_on.is_none());
    let mut invoice_id = None;
    match (reissue, current) {
        (false, Some(c)) => {
            return Err(AppError::Conflict(format!(
                "認定証（{}）は発行済みです。追加発行は reissue を指定してください (issued already)",
                c.serial
            )));
        }
        (true, None) => {
            return Err(AppError::Conflict(
                "発行済みの認定証がありません (nothing to reissue)".into(),
            ));
        }
        (true, Some(_)) => {
            // Each paid reissue invoice pays for exactly one copy.
            let used: Vec<&str> = existing.iter().filter_map(|c| c.invoice_id.as_deref()).collect();
            let paid = all_invoices
                .iter()
                .find(|i| i.lines.iter().any(|l| l.kind == REISSUE_KIND) && !used.contains(&i.id.as_str()));
            match paid {
                Some(i) => invoice_id = Some(i.id.clone()),
                None => {
                    return Err(AppError::Conflict(
                        "追加発行の請求書（¥3,000）を発行し、入金を確認してから追加発行してください (reissue invoice first)"
                            .into(),
                    ));
                }
            }
        }
        (false, None) => {}
    }
    let serial = format!("{}-C{:02}", record.number, existing.len() + 1);
    let id = store::add_certificate(
        &mut tx,
        &record.id,
        &serial,
        issued_on,
        &record.services,
        reissue,
        invoice_id.as_deref(),
        &caller.user.id,
        now,
    )
    .await?;
    finish(
        tx,
        state,
        caller,
        &record,
        "certificate_issued",
        issued_on,
        json!({"certificate_id": id, "serial": serial, "reissue": reissue, "invoice_id": invoice_id,
               "services": record.services}),
    )
    .await?;
    Ok(id)
}

const REISSUE_KIND: &str = "certificate_reissue";

/// The invoice of an additional copy of the certificate (ACC-22).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReissueInput {
    #[serde(default)]
    pub issued_on: Text,
}

/// `POST …/certificates/reissue-invoice` (the office; an addition to API.md): `{issued_on}` → `{id}` of the
/// ¥3,000 (tax extra) invoice for an additional copy (ACC-22 追加発行). Refused while an earlier reissue invoice
/// is unpaid or unused, so a double submission makes no second invoice.
pub async fn request_certificate_reissue(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &ReissueInput,
) -> AppResult<String> {
    load(state, caller, number, RecordAction::IssueCertificate).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let issued_on = past_day(&mut errors, "issued_on", &input.issued_on, today);
    invalid(errors)?;
    let issued_on = date_or(issued_on)?;
    let registration_number = invoice_registration_number(state).await?;
    let now = state.clock.unix();
    let (mut tx, record) = begin(state, number).await?;
    let status = status_of(&record)?;
    if status != AccreditationStatus::Active || rules::is_expired(record.expires_on, issued_on) {
        return Err(refused(RecordError::WrongStatus(status)));
    }
    let existing = store::certificates(&mut *tx, &record.id).await?;
    if !existing.iter().any(|c| c.returned_on.is_none()) {
        return Err(AppError::Conflict(
            "発行済みの認定証がありません (nothing to reissue)".into(),
        ));
    }
    let used: Vec<&str> = existing.iter().filter_map(|c| c.invoice_id.as_deref()).collect();
    // Read under the lock: a double submission finds the first one's invoice and makes no second.
    let open = invoices::with_line_kind(&mut *tx, &record.case_id, REISSUE_KIND)
        .await?
        .into_iter()
        .find(|(id, _)| !used.contains(&id.as_str()));
    if let Some((_, n)) = open {
        return Err(AppError::Conflict(format!(
            "追加発行の請求書（{n}）が未使用です (a reissue invoice is open)"
        )));
    }
    let case = nintei_store::acc::by_id(&mut *tx, &record.case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let fee = i64::try_from(CERTIFICATE_REISSUE_FEE.get()).unwrap_or(i64::MAX);
    let line = InvoiceLine {
        kind: REISSUE_KIND.into(),
        description: "認定証の追加発行".into(),
        quantity: 1,
        unit_yen: fee,
        amount_yen: fee,
    };
    let invoice = crate::acc::case::issue_invoice(
        &mut tx,
        &case,
        issued_on,
        vec![line],
        &registration_number,
        &caller.user.id,
        now,
    )
    .await?;
    let invoice_id = invoice.id.clone();
    finish(
        tx,
        state,
        caller,
        &record,
        "certificate_reissue_invoiced",
        issued_on,
        json!({"invoice_id": invoice_id, "number": invoice.number}),
    )
    .await?;
    Ok(invoice_id)
}
