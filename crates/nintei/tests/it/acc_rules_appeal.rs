//! ACC-21 as the office applies it: the month to appeal counts from the recorded receipt of the notice, and a
//! filing is late or not by the day the office received it, not by the dates the filer writes.

use serde_json::{Value, json};

use crate::acc_fixture::Acc;
use crate::support::TestApp;

fn filing(known_on: &str, appealed_on: &str, received_on: &str) -> Value {
    json!({
        "organization_name": "株式会社こころ認定",
        "address": "福岡県北九州市八幡西区医生ケ丘1-1",
        "responsible_title": "代表取締役",
        "responsible_name": "山田 太郎",
        "known_on": known_on,
        "purpose": "否認の決定の取消しを求める。",
        "reasons": "実地調査で確認された改善は報告書の発行前に完了していた。",
        "appealed_on": appealed_on,
        "received_on": received_on,
        "evidence": ["改善記録（2025年12月）"],
    })
}

#[tokio::test]
async fn acc_21_timeliness_counts_from_the_recorded_receipt_and_is_judged_on_the_offices_receipt() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    acc.decide(
        json!({"outcome": "deny", "decided_on": "2026-01-10", "reason": "基準への適合が確認できない"}),
    )
    .await
    .assert_status(200);
    // Received 2026-01-15 as recorded: due 2026-02-16 (2026-02-15 is a Sunday).
    acc.post(
        "notice",
        &acc.office,
        json!({"sent_on": "2026-01-13", "received_on": "2026-01-15"}),
    )
    .await
    .assert_status(200);
    // The filer says it learned of it on 2026-02-01: the record wins.
    let r = acc
        .post(
            "appeals",
            &acc.office,
            filing("2026-02-01", "2026-02-20", "2026-02-20"),
        )
        .await;
    r.assert_status(409);
    assert!(r.text().contains("2026"), "{}", r.text());
    // Dated in time by the filer, but received by the office after the due date.
    acc.post(
        "appeals",
        &acc.office,
        filing("2026-01-15", "2026-02-16", "2026-02-18"),
    )
    .await
    .assert_status(409);
    // In time.
    acc.post(
        "appeals",
        &acc.office,
        filing("2026-01-15", "2026-02-12", "2026-02-16"),
    )
    .await
    .assert_status(201);
}
