//! ACC-11 hold as seed 003 第6章3 runs it: the decision is the head's (認定業務本部長に一任); the office records
//! the request for documents and their receipt; when nothing arrives within 3 months the head reports to the
//! committee, which then decides defer or deny; ratings may be confirmed on hold when the hold was about them.

use serde_json::json;

use crate::acc_fixture::Acc;
use crate::support::TestApp;

async fn held<'a>(app: &'a TestApp, below: &[(&str, i64)]) -> Acc<'a> {
    let acc = Acc::to_committee(app, below).await;
    acc.decide(json!({"outcome": "hold", "decided_on": "2026-04-01"}))
        .await
        .assert_status(200);
    acc
}

#[tokio::test]
async fn acc_11_hold_the_office_may_not_decide_and_deny_waits_for_the_heads_report_after_three_months() {
    let app = TestApp::new().await;
    let acc = held(&app, &[]).await;
    // The head decides a held case, not the office.
    let r = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2026-04-02"}))
        .await;
    r.assert_status(409);
    assert!(r.text().contains("本部長"), "{}", r.text());
    // No denial before the documents are due and the head reported.
    acc.decide(json!({"outcome": "deny", "decided_on": "2026-04-02", "reason": "x"}))
        .await
        .assert_status(409);
    // The request for documents sent 2026-04-03: due 2026-07-03.
    acc.post("notice", &acc.office, json!({"sent_on": "2026-04-03"}))
        .await
        .assert_status(200);
    acc.post("hold/report", &acc.office, json!({"reported_on": "2026-07-06"}))
        .await
        .assert_status(403);
    acc.post("hold/report", &acc.head, json!({"reported_on": "2026-07-03"}))
        .await
        .assert_status(409);
    acc.post(
        "hold/report",
        &acc.head,
        json!({"reported_on": "2026-07-06", "report": "期限までに追加資料の提出がありませんでした。"}),
    )
    .await
    .assert_status(200);
    acc.post("hold/report", &acc.head, json!({"reported_on": "2026-07-07"}))
        .await
        .assert_status(409);
    // The committee, on the head's report, denies.
    acc.decide(json!({"outcome": "deny", "decided_on": "2026-07-10", "reason": "追加資料の未提出"}))
        .await
        .assert_status(200);
    assert_eq!(acc.status().await, "denied");
}

#[tokio::test]
async fn acc_11_hold_documents_received_then_the_head_accredits_and_ratings_only_when_the_hold_was_about_them()
 {
    let app = TestApp::new().await;
    let acc = held(&app, &[]).await;
    acc.post(
        "hold/documents",
        &acc.office,
        json!({"received_on": "2026-05-01"}),
    )
    .await
    .assert_status(409);
    acc.post("notice", &acc.office, json!({"sent_on": "2026-04-03"}))
        .await
        .assert_status(200);
    acc.post(
        "hold/documents",
        &acc.office,
        json!({"received_on": "2026-04-02"}),
    )
    .await
    .assert_status(400);
    acc.post(
        "hold/documents",
        &acc.office,
        json!({"received_on": "2026-05-01"}),
    )
    .await
    .assert_status(200);
    acc.post(
        "hold/documents",
        &acc.office,
        json!({"received_on": "2026-05-01"}),
    )
    .await
    .assert_status(409);
    let kinds: Vec<String> = crate::acc_fixture::deadlines(&acc.case().await)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert!(!kinds.contains(&"documents_due".to_owned()), "{kinds:?}");
    acc.post("hold/report", &acc.head, json!({"reported_on": "2026-07-06"}))
        .await
        .assert_status(409);
    // Held over documents, not ratings: the ratings stand.
    acc.rate(&acc.lead, "RPM 2.01", 2).await.assert_status(409);
    acc.post(
        "decision",
        &acc.head,
        json!({"outcome": "accredit", "decided_on": "2026-05-10"}),
    )
    .await
    .assert_status(200);
    assert_eq!(acc.status().await, "accredited");

    // Held over a fundamental standard rated 3: the surveyor confirms the improvement, the head accredits.
    let acc = held(&app, &[("RPM 2.01", 3)]).await;
    acc.rate(&acc.lead, "RPM 2.01", 2).await.assert_status(201);
    acc.post(
        "decision",
        &acc.head,
        json!({"outcome": "accredit", "decided_on": "2026-05-10"}),
    )
    .await
    .assert_status(200);
    assert_eq!(acc.status().await, "accredited");
}
