//! REG-4 validity and the REG-5 public record: validity judged by the dates in every public answer, terms with
//! history, no back-dating online, and the public verification of a registration number.

use serde_json::{Value, json};

use crate::reg_common::{application, register, set_day, setup};
use crate::support::TestApp;

async fn run_jobs(app: &TestApp) -> usize {
    nintei_app::jobs::schedule_recurring(&app.state).await.unwrap();
    nintei_app::jobs::run_due(&app.state, "test").await.unwrap()
}

fn listed(v: &Value, number: &str) -> bool {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["number"] == number)
}

/// `v`'s items on one page, checked against its total: the total is counted apart (from the search index alone),
/// so every day and status the listing passes through must give the same number.
fn counted(v: Value) -> Value {
    let items = v["items"].as_array().unwrap().len();
    assert_eq!(v["total"].as_u64(), u64::try_from(items).ok(), "{v}");
    v
}

/// Every public answer that lists registrations, as (what, contains `number`).
async fn public_answers(app: &TestApp, number: &str) -> Vec<(&'static str, bool)> {
    let api = app.get("/api/v1/public/registrations", None).await;
    api.assert_status(200);
    let by_pref = counted(
        app.get("/api/v1/public/registrations?prefecture=40", None)
            .await
            .json(),
    );
    let by_text = counted(
        app.get("/api/v1/public/registrations?q=北九州&method=phone", None)
            .await
            .json(),
    );
    let api = counted(api.json());
    let directory = app.get("/directory", None).await;
    let prefecture = app.get("/prefectures/40", None).await;
    let csv = app.get("/open-data/registrations.csv", None).await;
    let json = app.get("/open-data/registrations.json", None).await;
    let page = app.get(&format!("/directory/registrations/{number}"), None).await;
    vec![
        ("api", listed(&api, number)),
        ("api?prefecture", listed(&by_pref, number)),
        ("api?q&method", listed(&by_text, number)),
        ("/directory", directory.text().contains(number)),
        ("/prefectures/40", prefecture.text().contains(number)),
        ("open data csv", csv.text().contains(number)),
        ("open data json", listed(&json.json(), number)),
        ("registration page", page.status == axum::http::StatusCode::OK),
    ]
}

async fn verify(app: &TestApp, number: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/public/registrations/{number}"), None)
        .await;
    r.assert_status(200);
    r.json()
}

// REG-4: registered 2023-01-10, valid through 2026-01-09; from 2026-01-10 no public answer shows it as registered,
// before any daily job has run.
#[tokio::test]
async fn reg4_validity_judged_by_the_dates_in_every_public_answer() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    set_day(&app, "2023-01-10");
    reg.relogin(&app).await;
    let (_, number) = register(&app, &reg, "2023-01-05", "2023-01-10").await;
    set_day(&app, "2026-01-09");
    for (what, found) in public_answers(&app, &number).await {
        assert!(found, "{what}: listed on its last day");
    }
    assert_eq!(verify(&app, &number).await["status"], "registered");
    set_day(&app, "2026-01-10");
    for (what, found) in public_answers(&app, &number).await {
        assert!(!found, "{what}: not listed after its last day");
    }
    let v = verify(&app, &number).await;
    assert_eq!(v["status"], "expired");
    assert_eq!(v["registered_on"], "2023-01-10");
    assert_eq!(v["expires_on"], "2026-01-09");
    assert!(v.get("disclosure").is_none(), "{v}");
    let page = app.get(&format!("/verify/{number}"), None).await;
    page.assert_status(200);
    assert!(page.text().contains("失効"), "{}", page.text());
}

// REG-4: an early renewal does not overwrite the current term: registered 2024-03-01 (valid to 2027-02-28) and
// renewed 2026-11-20, the current term stays published until the next starts on 2027-03-01; both terms are kept.
#[tokio::test]
async fn reg4_terms_with_history_early_renewal_keeps_the_current_term() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    set_day(&app, "2024-03-01");
    reg.relogin(&app).await;
    let (_, number) = register(&app, &reg, "2024-02-20", "2024-03-01").await;
    set_day(&app, "2026-11-20");
    reg.relogin(&app).await;
    let renew = format!("/api/v1/registrations/{number}/renewal");
    let mut body = application(&reg.org_id, &reg.site_id, "2026-11-20");
    body.as_object_mut().unwrap().remove("organization_id");
    body.as_object_mut().unwrap().remove("site_id");
    body["disclosure"]["hours"] = json!("平日 9:00〜21:00");
    let r = app.post_json(&renew, Some(&reg.org), &body).await;
    r.assert_status(201);
    let case = r.json()["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            &format!("/api/v1/registration/cases/{case}/review"),
            Some(&reg.office),
            &json!({"decision": "register", "decided_on": "2026-11-20"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(
        r.json()["registration"],
        json!({"number": number, "registered_on": "2027-03-01", "expires_on": "2030-02-28"})
    );
    // The current term stays in force and published.
    let v = verify(&app, &number).await;
    assert_eq!(v["registered_on"], "2024-03-01");
    assert_eq!(v["expires_on"], "2027-02-28");
    assert_eq!(v["status"], "registered");
    let items = app.get("/api/v1/public/registrations", None).await.json();
    assert_eq!(items["items"][0]["registered_on"], "2024-03-01");
    let staff = app
        .get(&format!("/api/v1/registrations/{number}"), Some(&reg.office))
        .await
        .json();
    assert_eq!(staff["registered_on"], "2024-03-01");
    assert_eq!(staff["next_term"]["registered_on"], "2027-03-01");
    // A second renewal of the same term is refused.
    app.post_json(&renew, Some(&reg.org), &body)
        .await
        .assert_status(409);
    set_day(&app, "2027-02-28");
    assert_eq!(verify(&app, &number).await["registered_on"], "2024-03-01");
    // From its first day the next term is the one in force, before any job runs.
    set_day(&app, "2027-03-01");
    let v = verify(&app, &number).await;
    assert_eq!(v["status"], "registered");
    assert_eq!(v["registered_on"], "2027-03-01");
    assert_eq!(v["expires_on"], "2030-02-28");
    let items = app.get("/api/v1/public/registrations", None).await.json();
    assert_eq!(items["items"][0]["registered_on"], "2027-03-01");
    reg.relogin(&app).await;
    run_jobs(&app).await;
    let staff = app
        .get(&format!("/api/v1/registrations/{number}"), Some(&reg.office))
        .await
        .json();
    assert_eq!(staff["status"], "registered");
    assert_eq!(staff["registered_on"], "2027-03-01");
    assert_eq!(staff["expires_on"], "2030-02-28");
    assert_eq!(
        staff["terms"],
        json!([
            {"registered_on": "2024-03-01", "expires_on": "2027-02-28"},
            {"registered_on": "2027-03-01", "expires_on": "2030-02-28"}
        ])
    );
    assert_eq!(app.count("reg_terms").await, 2);
}

// REG-4: an institution files online with today's date; only the office, entering a paper application, dates it
// in the past (audited); a renewal after expiry is refused even before the daily job.
#[tokio::test]
async fn reg4_no_reviving_a_lapse_by_back_dating() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    set_day(&app, "2023-01-10");
    reg.relogin(&app).await;
    let (_, number) = register(&app, &reg, "2023-01-05", "2023-01-10").await;
    set_day(&app, "2026-01-15");
    reg.relogin(&app).await;
    let renew = format!("/api/v1/registrations/{number}/renewal");
    let r = app
        .post_json(
            &renew,
            Some(&reg.org),
            &application(&reg.org_id, &reg.site_id, "2026-01-05"),
        )
        .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["applied_on"]);
    let r = app
        .post_json(
            &renew,
            Some(&reg.org),
            &application(&reg.org_id, &reg.site_id, "2026-01-15"),
        )
        .await;
    r.assert_status(409);
    // A new first application online, back-dated: refused too.
    let r = app
        .post_json(
            "/api/v1/registration/cases",
            Some(&reg.org),
            &application(&reg.org_id, &reg.site_id, "2026-01-14"),
        )
        .await;
    r.assert_status(400);
    // The office enters the paper renewal it received on 2026-01-05, within validity: accepted and audited.
    let r = app
        .post_json(
            &renew,
            Some(&reg.office),
            &application(&reg.org_id, &reg.site_id, "2026-01-05"),
        )
        .await;
    r.assert_status(201);
    let backdated = app
        .state
        .db
        .scalar_i64(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'reg_case.renewal_submit' \
             AND changes LIKE '%backdated%true%' AND changes LIKE '%2026-01-15%'",
        )
        .await
        .unwrap();
    assert_eq!(backdated, 1);
}

// REG-4, REG-5: the public verification of a registration number, on the API and on /verify/{number}.
#[tokio::test]
async fn reg5_public_verification_of_a_registration_number() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    app.get("/api/v1/public/registrations/REG-2026-9999", None)
        .await
        .assert_status(404);
    app.get("/api/v1/public/registrations/nonsense", None)
        .await
        .assert_status(404);
    let v = verify(&app, &number).await;
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        vec![
            "address",
            "disclosure",
            "expires_on",
            "number",
            "organization_name",
            "prefecture",
            "registered_on",
            "site_name",
            "status"
        ]
    );
    assert_eq!(v["status"], "registered");
    assert_eq!(v["registered_on"], "2026-09-20");
    assert_eq!(v["expires_on"], "2029-09-19");
    assert_eq!(v["site_name"], "小倉相談室");
    assert!(v["disclosure"]["counselors"][0]["career"].is_string());
    // Typed by hand: lower case and spaces are fine.
    let lower = number.to_lowercase();
    app.get(&format!("/api/v1/public/registrations/{lower}"), None)
        .await
        .assert_status(200);
    let page = app.get(&format!("/verify/{number}"), None).await;
    page.assert_status(200);
    assert!(page.text().contains("登録されています"), "{}", page.text());
    assert!(page.text().contains("小倉相談室"));
    app.get("/verify/REG-2026-9999", None).await.assert_status(404);
    // Abolished: the status and the dates, without the disclosure.
    app.post_json(
        &format!("/api/v1/registrations/{number}/abolition"),
        Some(&reg.org),
        &json!({"abolished_on": "2026-11-10", "reason": "相談室の閉鎖"}),
    )
    .await
    .assert_status(200);
    let v = verify(&app, &number).await;
    assert_eq!(v["status"], "abolished");
    assert_eq!(v["registered_on"], "2026-09-20");
    assert!(v.get("disclosure").is_none(), "{v}");
    let page = app.get(&format!("/verify/{number}"), None).await;
    assert!(page.text().contains("廃止"), "{}", page.text());
    // In the OpenAPI document.
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    assert!(doc["paths"]["/api/v1/public/registrations/{number}"]["get"].is_object());
}
