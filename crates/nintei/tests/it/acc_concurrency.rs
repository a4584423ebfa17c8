//! Concurrent transitions: of 20 identical requests at once exactly one
//! succeeds, the others get 409, and exactly one audit event records it.

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use nintei_domain::role::Role;

use crate::acc_fixture::{Acc, BASE, application};
use crate::support::TestApp;

/// Sends `n` identical POSTs at once through the router; returns their status codes.
async fn burst(app: &TestApp, path: &str, token: &str, body: &Value, n: usize) -> Vec<u16> {
    let mut handles = Vec::new();
    for _ in 0..n {
        let router = app.router.clone();
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(body.to_string()))
            .unwrap();
        handles.push(tokio::spawn(async move {
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status().as_u16();
            let bytes = resp.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&bytes).into_owned())
        }));
    }
    let mut statuses = Vec::new();
    for h in handles {
        let (status, body) = h.await.unwrap();
        assert!(matches!(status, 200 | 201 | 409), "{status}: {body}");
        statuses.push(status);
    }
    statuses
}

async fn events(app: &TestApp, case_id: &str, action: &str) -> usize {
    nintei_store::audit::history(&app.state.db, "acc_case", case_id)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_identical_decisions_at_once_one_wins_the_rest_409() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    let path = acc.path("decision");
    let body = json!({"outcome": "accredit", "decided_on": "2026-04-01"});
    let statuses = burst(&app, &path, &acc.office, &body, 20).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 19, "{statuses:?}");
    assert_eq!(events(&app, &acc.case_id, "acc_case.decide").await, 1);
    assert_eq!(app.count("accreditations").await, 1);
    assert_eq!(app.count("acc_decisions").await, 1);
    let case = acc.case().await;
    assert_eq!(case["accreditation"]["number"], "MH-2026-0001");
    // No number was used up by the losers.
    let n = app
        .state
        .db
        .scalar_i64("SELECT last AS n FROM acc_sequences WHERE name = 'accreditation' AND year = 2026")
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_identical_acceptances_at_once_issue_one_invoice() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2026-01-10", None).await;
    let path = acc.path("eligibility");
    let body = json!({"eligible": true, "decided_on": "2026-01-20"});
    let statuses = burst(&app, &path, &acc.office, &body, 20).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 19, "{statuses:?}");
    assert_eq!(events(&app, &acc.case_id, "acc_case.eligibility").await, 1);
    assert_eq!(app.count("invoices").await, 1);
    assert_eq!(acc.status().await, "accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_identical_applications_at_once_open_one_case() {
    let app = TestApp::new().await;
    let org = app.organization("株式会社同時").await;
    let (_, token) = app.login(Role::Organization, Some(&org)).await;
    let statuses = burst(&app, BASE, &token, &application(&org, "2026-01-10"), 20).await;
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 19, "{statuses:?}");
    assert_eq!(app.count("acc_cases").await, 1);
}
