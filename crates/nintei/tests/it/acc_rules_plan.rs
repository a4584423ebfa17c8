//! Moving the planned dates after the plan (ACC-5), audited, and the additional site visit the committee orders
//! during a deferral (ACC-11, seed 003 第6章4(3)): its day within the grace period, its timetable, its surveyors
//! and its invoice lines.

use serde_json::{Value, json};

use crate::acc_fixture::{Acc, deadlines};
use crate::support::TestApp;

async fn audits(app: &TestApp, action: &str) -> i64 {
    app.state
        .db
        .scalar_i64(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}'"
        ))
        .await
        .unwrap()
}

#[tokio::test]
async fn acc_5_the_planned_dates_can_be_moved_after_the_plan_and_each_move_is_audited() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    acc.plan("2025-10-31", "2025-11-10").await;
    let r = acc
        .post(
            "plan/dates",
            &acc.office,
            json!({"coordinator_visit_on": "2025-10-01", "self_study_due_on": "2025-11-14",
                   "site_visit_on": "2025-11-25", "reason": "機関の事情により"}),
        )
        .await;
    r.assert_status(200);
    let case = r.json();
    assert_eq!(case["plan"]["site_visit_on"], "2025-11-25");
    assert_eq!(case["plan"]["coordinator_visit_on"], "2025-10-01");
    assert!(
        deadlines(&case).contains(&("self_study".to_owned(), "2025-11-14".to_owned())),
        "{:?}",
        deadlines(&case)
    );
    // The visit not before the new due date; the organization may not move them.
    acc.post("plan/dates", &acc.office, json!({"site_visit_on": "2025-11-13"}))
        .await
        .assert_status(400);
    acc.post(
        "plan/dates",
        &acc.org_user,
        json!({"site_visit_on": "2025-11-26"}),
    )
    .await
    .assert_status(403);
    assert_eq!(audits(&app, "acc_case.replan").await, 1);
}

#[tokio::test]
async fn acc_11_an_additional_site_visit_during_a_deferral_is_scheduled_with_timetable_and_invoice() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[("RPM 2.01", 3)]).await;
    acc.decide(json!({"outcome": "defer", "decided_on": "2026-04-01", "grace_until": "2026-07-01"}))
        .await
        .assert_status(200);
    // Within the grace period only, and only the visit.
    for body in [
        json!({"site_visit_on": "2026-07-02"}),
        json!({"site_visit_on": "2026-04-01"}),
        json!({"self_study_due_on": "2026-05-01"}),
    ] {
        acc.post("plan/dates", &acc.office, body.clone())
            .await
            .assert_status(409);
    }
    let r = acc
        .post("plan/dates", &acc.office, json!({"site_visit_on": "2026-05-12"}))
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "deferred");
    // The timetable follows the additional visit's days.
    let path = acc.path("site-visit/schedule");
    let s = app.get(&path, Some(&acc.office)).await.assert_status(200).json();
    assert_eq!(s["days"], json!(["2026-05-12", "2026-05-13"]));
    let req = axum::http::Request::put(path.as_str())
        .header("authorization", format!("Bearer {}", acc.office))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({"items": [{"date": "2026-05-12", "start": "13:00", "end": "15:00", "title": "追加の実地調査"}]})
                .to_string(),
        ))
        .unwrap();
    app.send(req).await.assert_status(200);
    // Its fee: an extra visit day on an invoice dated after the deferral.
    acc.post(
        "invoices",
        &acc.office,
        json!({"issued_on": "2026-04-10", "lines": [{"kind": "extra_visit_full_day", "quantity": 1}]}),
    )
    .await
    .assert_status(201);
    // The surveyors confirm at the visit; accredited within the grace period.
    acc.rate(&acc.lead, "RPM 2.01", 2).await.assert_status(201);
    let case: Value = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2026-06-01"}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["status"], "accredited");
}
