//! The contact hears of each step of its case by mail, in the step's transaction (as it hears of the decision,
//! ACC-12): the application received, the eligibility decision with the invoice (ACC-4, ACC-22), the review's
//! dates (ACC-5), each surveyor assigned with the right to object (ACC-7, ACC-8), and the site-visit report
//! (ACC-10). A refused contact address is logged; the step stands.

use chrono::NaiveDate;
use nintei_store::Tx;
use nintei_store::acc::Case;
use nintei_store::invoices::Invoice;

use crate::error::AppResult;
use crate::outbox::notify_contact;
use crate::state::AppState;

fn yen(n: i64) -> String {
    nintei_docs::format::en(u64::try_from(n).unwrap_or(0))
}

async fn tell(tx: &mut Tx, state: &AppState, case: &Case, subject: &str, lead: &str) -> AppResult<()> {
    let path = format!("/accreditation/cases/{}", case.id);
    notify_contact(tx, state, &case.organization_id, subject, lead, &path).await
}

pub(crate) async fn application_received(tx: &mut Tx, state: &AppState, case: &Case) -> AppResult<()> {
    let jp = crate::settings::dates(tx, state).await;
    let lead = format!(
        "{}付けの認定申請を受け付けました。受審資格と料金を確認のうえ、結果をお知らせします。",
        jp(case.applied_on)
    );
    tell(tx, state, case, "【MH認定】認定申請を受け付けました", &lead).await
}

pub(crate) async fn eligibility_decided(
    tx: &mut Tx,
    state: &AppState,
    case: &Case,
    invoice: Option<&Invoice>,
    reason: Option<&str>,
) -> AppResult<()> {
    let jp = crate::settings::dates(tx, state).await;
    match invoice {
        Some(i) => {
            let lead = format!(
                "認定申請を受理しました。受審資格を確認し、審査を開始します。\n\n\
                 請求書（{}）を発行しました。請求金額 {}（税込）を{}までにお支払いください。\
                 請求書はログイン後の審査の画面から取り出せます。",
                i.number,
                yen(i.total_yen),
                jp(i.due_on)
            );
            tell(
                tx,
                state,
                case,
                "【MH認定】認定申請の受理と請求書のお知らせ",
                &lead,
            )
            .await
        }
        None => {
            let lead = format!(
                "受審資格を確認した結果、今回の申請は審査の対象となりませんでした。\n\n理由：{}",
                reason.unwrap_or("（記載なし）")
            );
            tell(tx, state, case, "【MH認定】受審資格の確認結果", &lead).await
        }
    }
}

pub(crate) async fn planned(
    tx: &mut Tx,
    state: &AppState,
    case: &Case,
    self_study_due: NaiveDate,
    site_visit: NaiveDate,
    coordinator_visit: Option<NaiveDate>,
) -> AppResult<()> {
    let jp = crate::settings::dates(tx, state).await;
    let mut lead = format!(
        "審査の日程が決まりました。\n\nセルフスタディ資料の提出期限：{}\n実地調査日：{}",
        jp(self_study_due),
        jp(site_visit)
    );
    if let Some(v) = coordinator_visit {
        lead.push_str(&format!("\nコーディネーターの事前訪問日：{}", jp(v)));
    }
    tell(tx, state, case, "【MH認定】審査の日程のお知らせ", &lead).await
}

pub(crate) async fn surveyor_assigned(
    tx: &mut Tx,
    state: &AppState,
    case: &Case,
    name: &str,
) -> AppResult<()> {
    let lead = format!(
        "認定調査員として {name} が決まりました。\n\n\
         この調査員との間に利害関係がある場合は、理由を添えて異議を申し出ることができます。"
    );
    tell(tx, state, case, "【MH認定】認定調査員のお知らせ", &lead).await
}

pub(crate) async fn report_issued(
    tx: &mut Tx,
    state: &AppState,
    case: &Case,
    issued_on: NaiveDate,
    response_needed: bool,
) -> AppResult<()> {
    let jp = crate::settings::dates(tx, state).await;
    let next = if response_needed {
        "評定が3又は4の基準について、報告書に対するご意見と改善計画をご提出ください。"
    } else {
        "この後、認定委員会で審査します。"
    };
    let lead = format!("{}付けで実地調査報告書を発行しました。\n\n{next}", jp(issued_on));
    tell(tx, state, case, "【MH認定】実地調査報告書の発行", &lead).await
}
