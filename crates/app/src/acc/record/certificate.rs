//! Certificates (ACC-12, ACC-22): issued when every fee is paid, reissued, returned.

use crate::acc::{invoice_registration_number, not_before};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use nintei_domain::acc::record::{self as rules, AccreditationStatus, RecordError};
use nintei_domain::authz::accreditation::RecordAction;
use nintei_domain::fees::CERTIFICATE_REISSUE_FEE;
use nintei_store::acc_records::{self as store};
use nintei_store::accreditations;
use nintei_store::invoices::{self, InvoiceLine};
use serde_json::json;

#[allow(unused_imports)]
use super::*;

/// `POST …/certificates` (the office): `{issued_on, reissue?: bool}` → `{id}`. The first certificate only once
/// every invoice of the case is paid in full (ACC-22); a reissue (追加発行) adds a ¥3,000 invoice line and
/// marks the previous certificate returned. Only for an active accreditation.
pub async fn issue_certificate(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &Input,
) -> AppResult<String> {
    let loaded = load(state, caller, number, RecordAction::IssueCertificate).await?;
    // Payments only ever add up: read before the lock (the pool's reader, not the write transaction).
    let invoices_of_case = invoices::for_case(state.db.pool(), &loaded.case_id).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let issued_on = past(&mut errors, input, "issued_on", today);
    let reissue = flag_of(input, "reissue");
    invalid(errors)?;
    let issued_on = date_or(issued_on)?;
    let registration_number = invoice_registration_number(state).await?;
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
    let unpaid: Vec<String> = invoices_of_case
        .into_iter()
        .filter(|i| i.paid_yen() < i.total_yen)
        .map(|i| i.number)
        .collect();
    if !unpaid.is_empty() {
        return Err(AppError::Conflict(format!(
            "未払いの請求書があるため認定証を発行できません（{}） (every fee must be paid first, ACC-22)",
            unpaid.join(", ")
        )));
    }
    let existing = store::certificates(&mut *tx, &record.id).await?;
    let current = existing.iter().find(|c| c.returned_on.is_none());
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
        _ => {}
    }
    let mut invoice_id = None;
    if reissue {
        let case = nintei_store::acc::by_id(&mut *tx, &record.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let fee = i64::try_from(CERTIFICATE_REISSUE_FEE.get()).unwrap_or(i64::MAX);
        let line = InvoiceLine {
            kind: "certificate_reissue".into(),
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
        invoice_id = Some(invoice.id);
        store::return_certificate(&mut tx, &record.id, issued_on).await?;
        if let Some(c) = current {
            accreditations::record_event(
                &mut tx,
                &record.id,
                "certificate_returned",
                issued_on,
                &json!({"serial": c.serial}),
                Some(&caller.user.id),
                now,
            )
            .await?;
        }
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
