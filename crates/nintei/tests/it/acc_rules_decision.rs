//! The committee's decision as seed 003 第6章 runs it: the e-mail that tells the contact of every outcome at once
//! (ACC-12, 第6章6 ①) and the deferral's grace period as a deadline (ACC-11, 第6章4(2)).

use serde_json::{Value, json};

use crate::acc_fixture::Acc;
use crate::mail::{Sink, app_with_smtp};
use crate::support::TestApp;

/// The decision mails in the outbox: `(subject, body)`, by subject (the test clock stands still, so the
/// outbox cannot order them by time).
async fn decision_mails(app: &TestApp) -> Vec<(String, String)> {
    let mut mails: Vec<_> = nintei_store::mail::list(app.state.db.pool(), 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.contains("認定審査の結果"))
        .map(|m| (m.subject, m.body))
        .collect();
    mails.sort();
    mails
}

#[tokio::test]
async fn acc_12_the_accredit_decision_mails_the_contact_at_once_in_japanese_through_the_real_smtp_sink() {
    let sink = Sink::start();
    let app = app_with_smtp(sink.port).await;
    let acc = Acc::to_committee(&app, &[]).await;
    acc.decide(json!({"outcome": "accredit", "decided_on": "2025-12-10"}))
        .await
        .assert_status(200);
    // Delivered by the send_mail job queued in the decision's transaction.
    while nintei_app::jobs::run_due(&app.state, "w").await.unwrap() > 0 {}
    let got: Vec<Value> = sink
        .received()
        .into_iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .unwrap_or_default()
                .contains("認定審査の結果")
        })
        .collect();
    assert_eq!(got.len(), 1, "one decision mail: {got:?}");
    let m = &got[0];
    assert_eq!(m["subject"], "【MH認定】認定審査の結果（認定）のお知らせ");
    assert_eq!(m["rcpt_tos"], json!(["contact@example.jp"]));
    let body = m["body"].as_str().unwrap();
    for part in [
        "担当 花子 様",
        "2025年12月10日",
        "「認定」",
        "MH-2025-0001",
        "2028年12月9日",
        "認定審査結果通知書",
        "入金を確認した後に認定証",
        "審査報告書",
    ] {
        assert!(body.contains(part), "{part} in {body}");
    }
}

#[tokio::test]
async fn acc_12_hold_defer_and_deny_each_mail_their_outcome_and_what_follows() {
    let app = TestApp::new().await;
    let held = Acc::to_committee(&app, &[]).await;
    held.decide(json!({"outcome": "hold", "decided_on": "2025-12-10"}))
        .await
        .assert_status(200);
    let deferred = Acc::to_committee(&app, &[("ASE 1.01", 4)]).await;
    deferred
        .decide(json!({"outcome": "defer", "decided_on": "2025-12-10", "grace_until": "2026-03-31"}))
        .await
        .assert_status(200);
    // A refused decision (a deferral without its grace period) sends nothing.
    deferred
        .decide(json!({"outcome": "defer", "decided_on": "2025-12-11"}))
        .await
        .assert_status(400);
    deferred
        .decide(json!({"outcome": "deny", "decided_on": "2025-12-12", "reason": "改善が確認できない"}))
        .await
        .assert_status(200);
    let mails = decision_mails(&app).await;
    assert_eq!(mails.len(), 3, "{mails:?}");
    let body = |label: &str| {
        let subject = format!("【MH認定】認定審査の結果（{label}）のお知らせ");
        mails
            .iter()
            .find(|(s, _)| *s == subject)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| panic!("{subject} in {mails:?}"))
    };
    let hold = body("保留");
    assert!(
        hold.contains("認定業務本部長に一任") && hold.contains("3か月以内"),
        "{hold}"
    );
    let defer = body("延期");
    assert!(
        defer.contains("猶予期限2026年3月31日") && defer.contains("否認となります"),
        "{defer}"
    );
    assert!(body("否認").contains("1か月以内に不服申立て"));
}

#[tokio::test]
async fn acc_11_accrediting_a_deferred_case_after_grace_until_is_refused() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[("RPM 2.01", 3)]).await;
    acc.decide(json!({"outcome": "defer", "decided_on": "2026-04-01", "grace_until": "2026-07-01"}))
        .await
        .assert_status(200);
    // The improvement is confirmed, but only after the grace period ran out.
    acc.rate(&acc.lead, "RPM 2.01", 2).await.assert_status(201);
    let r = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2026-07-02"}))
        .await;
    r.assert_status(409);
    assert!(r.text().contains("猶予期限"), "{}", r.text());
    assert_eq!(acc.status().await, "deferred");
    assert_eq!(app.count("accreditations").await, 0);
    // On the last day of the grace period it is still in time.
    acc.decide(json!({"outcome": "accredit", "decided_on": "2026-07-01"}))
        .await
        .assert_status(200);
    assert_eq!(acc.status().await, "accredited");
}
