//! Concurrency: the same transition sent 50 times at once succeeds exactly once, with exactly one audit event;
//! the others are told 409 (or, with one `Idempotency-Key`, get the first answer). Runs on both backends.
//!
//! `race` is the harness: later transitions (case decisions, ratings, registrations) add a test that races 50
//! identical requests and counts winners and audit events the same way.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use nintei_domain::role::Role;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::harness::Fixture;
use crate::support::{TestResponse, org_body};

const N: usize = 50;

/// Sends the request `make` builds, `N` times at once (all released together by a barrier, on several worker
/// threads); returns every answer.
async fn race(fx: &Fixture, make: impl Fn() -> Request<Body>) -> Vec<TestResponse> {
    let barrier = Arc::new(tokio::sync::Barrier::new(N));
    let mut tasks = Vec::with_capacity(N);
    for _ in 0..N {
        let router = fx.app.router.clone();
        let req = make();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let resp = router.oneshot(req).await.expect("router never fails");
            let status = resp.status();
            let headers = resp.headers().clone();
            let body = resp
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes()
                .to_vec();
            TestResponse {
                status,
                headers,
                body,
            }
        }));
    }
    let mut out = Vec::with_capacity(N);
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

fn post(path: &str, token: &str, body: &Value, extra: &[(&str, &str)]) -> Request<Body> {
    let mut req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    req.body(Body::from(body.to_string())).expect("request")
}

/// How many answers had each status, e.g. `[(201, 1), (409, 49)]`.
fn tally(rs: &[TestResponse]) -> Vec<(u16, usize)> {
    let mut t: Vec<(u16, usize)> = Vec::new();
    for r in rs {
        let s = r.status.as_u16();
        match t.iter_mut().find(|(k, _)| *k == s) {
            Some((_, n)) => *n += 1,
            None => t.push((s, 1)),
        }
    }
    t.sort_unstable();
    t
}

async fn audit_events(fx: &Fixture, action: &str, entity_id: &str) -> i64 {
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM audit_events WHERE action = '{action}' AND entity_id = '{entity_id}'"
    );
    fx.app.state.db.scalar_i64(&sql).await.expect("count")
}

async fn chain_intact(fx: &Fixture) {
    let report = nintei_store::audit::verify(&fx.app.state.db)
        .await
        .expect("verify");
    assert!(
        matches!(report, nintei_store::ChainReport::Intact { .. }),
        "audit chain broken: {report:?}"
    );
}

fn created_id(r: &TestResponse) -> String {
    r.json()["id"].as_str().expect("id").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_identical_user_creations_make_one_user_and_one_audit_event() {
    let fx = Fixture::new().await;
    let admin = fx.subject(Some(Role::Admin)).await;
    let users_before = fx.app.count("users").await;
    let body = json!({
        "email": "onlyonce@harness.example", "name": "一度 だけ", "role": "surveyor",
        "password": "Hinoki-Kusunoki-2208",
    });
    let rs = race(&fx, || post("/api/v1/users", &admin.token, &body, &[])).await;
    // Exactly one is created; the others are refused as duplicates (409) or, when every hashing slot is taken,
    // asked to retry (429 with Retry-After: the bound on concurrent argon2 work) — never a second user.
    let t = tally(&rs);
    assert!(t.contains(&(201, 1)), "{t:?}");
    assert!(t.iter().all(|(s, _)| matches!(s, 201 | 409 | 429)), "{t:?}");
    for r in rs.iter().filter(|r| r.status.as_u16() == 429) {
        assert!(!r.header("retry-after").is_empty());
    }
    let winner = rs.iter().find(|r| r.status.as_u16() == 201).expect("winner");
    let id = created_id(winner);
    assert_eq!(fx.app.count("users").await, users_before + 1);
    assert_eq!(audit_events(&fx, "user.create", &id).await, 1);
    for r in rs.iter().filter(|r| r.status.as_u16() == 409) {
        assert_eq!(r.header("content-type"), "application/problem+json");
    }
    chain_intact(&fx).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_creations_with_one_idempotency_key_make_one_organization() {
    let fx = Fixture::new().await;
    let office = fx.subject(Some(Role::Office)).await;
    let before = fx.app.count("organizations").await;
    let key = "6f1c2d9e-4b7a-4c33-9a51-2f0e8d7b1c44";
    let body = org_body("株式会社いちどきり");
    let rs = race(&fx, || {
        post(
            "/api/v1/organizations",
            &office.token,
            &body,
            &[("idempotency-key", key)],
        )
    })
    .await;
    // Each answer is the first one (201, replayed) or "still in progress" (409); never a second record.
    let t = tally(&rs);
    assert!(
        t.iter().all(|(s, _)| *s == 201 || *s == 409) && t.iter().any(|(s, _)| *s == 201),
        "{t:?}"
    );
    let ids: std::collections::BTreeSet<String> = rs
        .iter()
        .filter(|r| r.status.as_u16() == 201)
        .map(created_id)
        .collect();
    assert_eq!(ids.len(), 1, "several organizations answered: {ids:?}");
    let id = ids.into_iter().next().expect("id");
    assert_eq!(fx.app.count("organizations").await, before + 1);
    assert_eq!(audit_events(&fx, "organization.create", &id).await, 1);
    // A retry afterwards gets the first answer again.
    let again = fx
        .app
        .post_raw(
            "/api/v1/organizations",
            Some(&office.token),
            &body.to_string(),
            &[("idempotency-key", key)],
        )
        .await;
    again.assert_status(201);
    assert_eq!(created_id(&again), id);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(fx.app.count("organizations").await, before + 1);
    chain_intact(&fx).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_organizations_with_one_corporate_number_make_one() {
    let fx = Fixture::new().await;
    let office = fx.subject(Some(Role::Office)).await;
    let before = fx.app.count("organizations").await;
    let mut body = org_body("株式会社ばんごう");
    body["corporate_number"] = json!("7000012050002");
    let rs = race(&fx, || post("/api/v1/organizations", &office.token, &body, &[])).await;
    assert_eq!(tally(&rs), vec![(201, 1), (409, N - 1)], "{rs:?}");
    let id = created_id(rs.iter().find(|r| r.status.as_u16() == 201).expect("winner"));
    assert_eq!(fx.app.count("organizations").await, before + 1);
    assert_eq!(audit_events(&fx, "organization.create", &id).await, 1);
    chain_intact(&fx).await;
}
