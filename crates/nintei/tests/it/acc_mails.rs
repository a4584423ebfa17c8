//! The contact hears of each step of its ACC case by mail, as it does of the decision (ACC-12) and as REG steps
//! do: the application received, acceptance with the invoice (ACC-4, ACC-22), the review's dates (ACC-5), each
//! surveyor assigned with the right to object (ACC-7, ACC-8), the site-visit report (ACC-10).

use crate::acc_fixture::Acc;
use crate::support::TestApp;

async fn subjects(app: &TestApp) -> Vec<(String, String)> {
    let mut mails = nintei_store::mail::list(app.state.db.pool(), 500).await.unwrap();
    mails.reverse();
    mails
        .into_iter()
        .filter(|m| m.to == "contact@example.jp")
        .map(|m| (m.subject, m.body))
        .collect()
}

/// The one mail whose subject contains `subject`.
fn one<'a>(m: &'a [(String, String)], subject: &str) -> &'a str {
    let found: Vec<_> = m.iter().filter(|(s, _)| s.contains(subject)).collect();
    assert_eq!(found.len(), 1, "one mail 「{subject}」: {m:?}");
    &found[0].1
}

#[tokio::test]
async fn acc_12_each_step_of_the_case_mails_the_contact_in_japanese() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    let m = subjects(&app).await;
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(one(&m, "認定申請を受け付けました").contains("令和7年9月1日"));
    acc.accept("2025-09-10").await;
    let m = subjects(&app).await;
    assert_eq!(m.len(), 2, "{m:?}");
    let body = one(&m, "請求書");
    assert!(
        body.contains("INV-2025-0001") && body.contains("682,000円"),
        "{body}"
    );
    acc.plan("2025-10-31", "2025-11-10").await;
    let m = subjects(&app).await;
    let body = one(&m, "日程");
    assert!(
        body.contains("令和7年10月31日") && body.contains("令和7年11月10日"),
        "{body}"
    );
    acc.submit_self_study("2025-10-20").await;
    acc.assign_surveyors().await;
    let m = subjects(&app).await;
    let assigned: Vec<_> = m.iter().filter(|(s, _)| s.contains("認定調査員")).collect();
    assert_eq!(assigned.len(), 2, "one mail per surveyor: {m:?}");
    assert!(assigned.iter().all(|(_, b)| b.contains("異議")));
    acc.rate_all(&[]).await;
    acc.report("2025-11-20").await;
    let m = subjects(&app).await;
    assert!(one(&m, "実地調査報告書").contains("認定委員会"));
    // Every mail leads to the case.
    let link = format!("/accreditation/cases/{}", acc.case_id);
    assert!(m.iter().all(|(_, b)| b.contains(&link)), "{m:?}");
}
