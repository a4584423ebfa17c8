//! REG in the one deadline model and the REG notices by mail.
//!
//! - REG-4: each registration in force has an open "renewal application" deadline of its organization, due on
//!   the last day of validity; a renewal application meets it, a renewed registration moves it to the new
//!   expiry, and a registration that ends (abolition, expiry, deregistration) waives it with the reason.
//! - REG-7: a deregistration case has the organization's "documents" deadline at the earliest outstanding
//!   request's due date; receipts move or meet it, and closing or deciding the case ends it.
//! - Mail to the organization's contact (the outbox, `mail::enqueue_mail`) in the same transaction as the step:
//!   registration (and renewal), return of an application, a request for documents, the committee's decision on
//!   deregistration. A contact address the mailer refuses is logged and skipped: the step itself stands.
//!
//! Everything here runs inside the caller's transaction.

use chrono::NaiveDate;
use nintei_domain::deadline::Owner;
use nintei_domain::reg::deadlines as regd;
use nintei_store::deadlines::{self, NewDeadline};
use nintei_store::registrations::Registration;
use nintei_store::{Tx, reg_investigations as inv, registrations};

use crate::error::AppResult;
use crate::state::AppState;

const SUBJECT_REGISTRATION: &str = "registration";
const SUBJECT_INVESTIGATION: &str = "reg_investigation";

/// REG-4: the renewal deadline of a registration (new or renewed), due on its last day of validity.
pub async fn set_renewal_deadline(tx: &mut Tx, reg: &Registration, now: i64) -> AppResult<()> {
    let title = regd::renewal_title(&reg.number);
    let d = NewDeadline {
        kind: regd::RENEWAL,
        subject: SUBJECT_REGISTRATION,
        subject_id: &reg.number,
        organization_id: Some(&reg.organization_id),
        owner: Owner::Organization,
        assignee_id: None,
        title: &title,
        due_on: regd::renewal_due(reg.expires_on),
    };
    deadlines::set(tx, &d, now).await?;
    Ok(())
}

/// REG-4: a renewal application within validity meets the renewal deadline.
pub async fn renewal_applied(tx: &mut Tx, number: &str, applied_on: NaiveDate, now: i64) -> AppResult<()> {
    deadlines::meet(tx, SUBJECT_REGISTRATION, number, regd::RENEWAL, applied_on, now).await?;
    Ok(())
}

/// A registration that ended (abolished, expired, deregistered) owes no renewal: its open deadlines are waived
/// with the reason.
pub async fn registration_ended(tx: &mut Tx, number: &str, reason: &str, now: i64) -> AppResult<()> {
    let open: Vec<String> = deadlines::for_subject(&mut **tx, SUBJECT_REGISTRATION, number)
        .await?
        .into_iter()
        .filter(|d| d.met_on.is_none() && !d.waived)
        .map(|d| d.id)
        .collect();
    for id in open {
        deadlines::waive(tx, &id, &format!("登録の終了：{reason}"), now).await?;
    }
    Ok(())
}

/// REG-7: makes the case's documents deadline the earliest outstanding request (none when all arrived or
/// the case is over); a deadline no longer due is met on `on`.
pub async fn sync_documents_deadline(
    tx: &mut Tx,
    investigation_id: &str,
    case_over: bool,
    on: NaiveDate,
    now: i64,
) -> AppResult<()> {
    let Some(case) = inv::by_id(&mut **tx, investigation_id).await? else {
        return Ok(());
    };
    let Some(reg) = registrations::by_id(&mut **tx, &case.registration_id).await? else {
        return Ok(());
    };
    let requests: Vec<(NaiveDate, bool)> = inv::document_requests(&mut **tx, investigation_id)
        .await?
        .into_iter()
        .map(|r| (r.due_on, r.received_on.is_some()))
        .collect();
    let title = regd::documents_title(&reg.number);
    let items: Vec<(&str, Owner, &str, NaiveDate)> = match regd::documents_due(&requests) {
        Some(due) if !case_over => vec![(regd::DOCUMENTS, Owner::Organization, title.as_str(), due)],
        _ => Vec::new(),
    };
    deadlines::sync_subject(
        tx,
        SUBJECT_INVESTIGATION,
        investigation_id,
        Some(&case.organization_id),
        None,
        &items,
        on,
        now,
    )
    .await?;
    Ok(())
}

/// Queues a notice to the organization's contact; a refused address is logged, not fatal.
async fn notify(
    tx: &mut Tx,
    state: &AppState,
    organization_id: &str,
    subject: &str,
    lead: &str,
) -> AppResult<()> {
    crate::outbox::notify_contact(tx, state, organization_id, subject, lead, "/registration").await
}

fn link(state: &AppState, path: &str) -> String {
    state.config.url(path)
}

/// REG-5 (and REG-4 renewal): the registration and its validity.
pub async fn registered(tx: &mut Tx, state: &AppState, reg: &Registration, renewal: bool) -> AppResult<()> {
    let jp = crate::settings::dates(tx, state).await;
    let site = registrations::listed_by_number(&mut **tx, &reg.number)
        .await?
        .map(|l| l.site_name)
        .unwrap_or_default();
    let (subject, what) = if renewal {
        (
            format!("【nintei】相談機関の登録を更新しました（{}）", reg.number),
            "次の相談室の登録を更新しました。",
        )
    } else {
        (
            format!("【nintei】相談機関として登録しました（{}）", reg.number),
            "次の相談室を相談機関として登録しました。登録の内容の一部は公開名簿に掲載されます。",
        )
    };
    let lead = format!(
        "{what}\n\n登録番号：{}\n相談室：{site}\n有効期間：{}から{}まで\n\n\
         登録証（PDF）：{}\n\n有効期間内に更新を申請してください。登録事項に変更があったとき、又は相談室を廃止したときは\
         届け出てください。",
        reg.number,
        jp(reg.registered_on),
        jp(reg.expires_on),
        link(
            state,
            &format!("/registration/registrations/{}/certificate.pdf", reg.number)
        ),
    );
    notify(tx, state, &reg.organization_id, &subject, &lead).await
}

/// REG-5: an application returned, with the office's reason.
pub async fn returned(
    tx: &mut Tx,
    state: &AppState,
    organization_id: &str,
    case_id: &str,
    decided_on: NaiveDate,
    reason: &str,
) -> AppResult<()> {
    let jp = crate::settings::dates(tx, state).await;
    let lead = format!(
        "{}付けで、登録申請を返戻しました。\n\n返戻の理由：\n{reason}\n\n内容を確認のうえ、改めて申請してください：{}",
        jp(decided_on),
        link(state, &format!("/registration/cases/{case_id}")),
    );
    notify(
        tx,
        state,
        organization_id,
        "【nintei】登録申請の返戻のお知らせ",
        &lead,
    )
    .await
}

/// REG-7: the office requests documents by a date.
pub async fn documents_requested(
    tx: &mut Tx,
    state: &AppState,
    organization_id: &str,
    number: &str,
    due_on: NaiveDate,
    items: &str,
) -> AppResult<()> {
    let jp = crate::settings::dates(tx, state).await;
    let lead = format!(
        "登録{number}について、登録基準への適合を確認するため、次の資料の提出をお願いします。\n\n\
         提出いただく資料：\n{items}\n\n提出期限：{}",
        jp(due_on),
    );
    notify(
        tx,
        state,
        organization_id,
        &format!("【nintei】資料提出のお願い（登録{number}）"),
        &lead,
    )
    .await
}

/// REG-7: the registration review committee's decision (deregister or maintain).
pub async fn deregistration_decided(
    tx: &mut Tx,
    state: &AppState,
    organization_id: &str,
    number: &str,
    deregistered: bool,
    decided_on: NaiveDate,
    reason: &str,
) -> AppResult<()> {
    let jp = crate::settings::dates(tx, state).await;
    let what = if deregistered {
        "登録を取り消すことと決定しました。公開名簿への掲載を終了します。"
    } else {
        "登録を維持することと決定しました。"
    };
    let lead = format!(
        "登録{number}について、{}の登録審査委員会の審議を経て、{what}\n\n理由：\n{reason}",
        jp(decided_on)
    );
    notify(
        tx,
        state,
        organization_id,
        &format!("【nintei】登録審査委員会の決定のお知らせ（登録{number}）"),
        &lead,
    )
    .await
}

/// REG-7: the institution is told the date and place of its hearing (聴聞).
pub async fn hearing_notified(
    tx: &mut Tx,
    state: &AppState,
    organization_id: &str,
    number: &str,
    hearing_on: NaiveDate,
    place: &str,
) -> AppResult<()> {
    let jp = crate::settings::dates(tx, state).await;
    let lead = format!(
        "登録{number}について、登録基準への適合を確認するため、次のとおり聴聞を行います。\n\n\
         日時：{}\n場所：{place}\n\nご出席のうえ、意見を述べ、資料を提出することができます。",
        jp(hearing_on),
    );
    notify(
        tx,
        state,
        organization_id,
        &format!("【nintei】聴聞の通知（登録{number}）"),
        &lead,
    )
    .await
}
