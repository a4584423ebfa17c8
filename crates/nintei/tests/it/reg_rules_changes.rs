//! REG-6 change notices checked against REG-3, changes dated in the future, notices that change nothing,
//! pending notices ending with the registration, and abolition notified in advance.

use serde_json::{Value, json};

use crate::reg_common::{application, register, set_day, setup};
use crate::support::TestApp;

async fn run_jobs(app: &TestApp) -> usize {
    nintei_app::jobs::schedule_recurring(&app.state).await.unwrap();
    nintei_app::jobs::run_due(&app.state, "test").await.unwrap()
}

async fn public(app: &TestApp, number: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/public/registrations/{number}"), None)
        .await;
    r.assert_status(200);
    r.json()
}

// REG-3, REG-6: the only full-time counselor replaced by a part-time one — the notice carries the finding to the
// office, which cannot publish it by acknowledging it; it refuses it (or opens an investigation).
#[tokio::test]
async fn reg6_change_breaking_reg3_is_not_published_by_acknowledging() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let mut counselors = application(&reg.org_id, &reg.site_id, "2026-09-01")["counselors"].clone();
    counselors[0]["full_time"] = json!(false);
    let r = app
        .post_json(
            &format!("/api/v1/registrations/{number}/changes"),
            Some(&reg.org),
            &json!({"notified_on": "2026-11-20", "counselors": counselors}),
        )
        .await;
    r.assert_status(201);
    let findings = r.json()["findings"].as_array().unwrap().clone();
    assert!(!findings.is_empty());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            &format!("/api/v1/registration/changes/{id}/acknowledgement"),
            Some(&reg.office),
            &json!({"acknowledged_on": "2026-11-20"}),
        )
        .await;
    r.assert_status(409);
    assert_eq!(
        public(&app, &number).await["disclosure"]["counselors"][0]["name"],
        "山田 花子"
    );
    let staff = app
        .get(&format!("/api/v1/registrations/{number}"), Some(&reg.office))
        .await
        .json();
    assert_eq!(staff["counselors"][0]["full_time"], true);
    // Refusing needs a reason; the institution may not refuse.
    let refusal = format!("/api/v1/registration/changes/{id}/refusal");
    app.post_json(
        &refusal,
        Some(&reg.org),
        &json!({"refused_on": "2026-11-20", "reason": "x"}),
    )
    .await
    .assert_status(403);
    let r = app
        .post_json(
            &refusal,
            Some(&reg.office),
            &json!({"refused_on": "2026-11-20", "reason": ""}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["reason"]);
    let r = app
        .post_json(
            &refusal,
            Some(&reg.office),
            &json!({"refused_on": "2026-11-20", "reason": "常勤の相談対応者がいなくなるため（登録基準1(2)イ）"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "refused");
    app.post_json(
        &refusal,
        Some(&reg.office),
        &json!({"refused_on": "2026-11-20", "reason": "再"}),
    )
    .await
    .assert_status(409);
    // The office may open a REG-7 investigation on the same grounds.
    app.post_json(
        "/api/v1/registration/investigations",
        Some(&reg.office),
        &json!({"registration_number": number, "opened_on": "2026-11-20",
                "reason": "変更届：常勤の相談対応者がいない"}),
    )
    .await
    .assert_status(201);
}

// REG-6: a change dated in the future takes effect on its date, not when acknowledged.
#[tokio::test]
async fn reg6_future_dated_change_takes_effect_on_its_date() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let mut disclosure = application(&reg.org_id, &reg.site_id, "2026-09-01")["disclosure"].clone();
    disclosure["hours"] = json!("平日 10:00〜19:00");
    let r = app
        .post_json(
            &format!("/api/v1/registrations/{number}/changes"),
            Some(&reg.org),
            &json!({"notified_on": "2026-11-20", "changed_on": "2026-12-01", "disclosure": disclosure}),
        )
        .await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            &format!("/api/v1/registration/changes/{id}/acknowledgement"),
            Some(&reg.office),
            &json!({"acknowledged_on": "2026-11-20"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "scheduled");
    assert_eq!(
        public(&app, &number).await["disclosure"]["hours"],
        "平日 9:00〜18:00、土曜 9:00〜12:00"
    );
    set_day(&app, "2026-11-30");
    reg.relogin(&app).await;
    run_jobs(&app).await;
    assert_eq!(
        public(&app, &number).await["disclosure"]["hours"],
        "平日 9:00〜18:00、土曜 9:00〜12:00"
    );
    set_day(&app, "2026-12-01");
    reg.relogin(&app).await;
    run_jobs(&app).await;
    assert_eq!(
        public(&app, &number).await["disclosure"]["hours"],
        "平日 10:00〜19:00"
    );
    let n = app
        .get(&format!("/api/v1/registration/changes/{id}"), Some(&reg.office))
        .await
        .json();
    assert_eq!(n["status"], "acknowledged");
}

// REG-6: a notice that changes nothing is refused — the room's own name and address written again included.
#[tokio::test]
async fn reg6_notice_that_changes_nothing_is_refused() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let path = format!("/api/v1/registrations/{number}/changes");
    let same = application(&reg.org_id, &reg.site_id, "2026-09-01");
    for body in [
        json!({"notified_on": "2026-11-20"}),
        json!({"notified_on": "2026-11-20", "disclosure": same["disclosure"]}),
        json!({"notified_on": "2026-11-20", "site": {"name": "小倉相談室",
               "address": "福岡県北九州市小倉北区浅野一丁目2番3号 小倉相談室"}}),
    ] {
        let r = app.post_json(&path, Some(&reg.org), &body).await;
        r.assert_status(400);
        assert_eq!(r.error_fields(), vec!["changes"], "{body}");
    }
    // A move to an address in another prefecture than the one given: 400 naming the field.
    let r = app
        .post_json(
            &path,
            Some(&reg.org),
            &json!({"notified_on": "2026-11-20", "site": {"address": "東京都港区芝公園1-1-1"}}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["site.prefecture"]);
}

// REG-6: notices still waiting end with the registration; abolition may be notified in advance.
#[tokio::test]
async fn reg6_pending_notices_end_with_the_registration_and_abolition_in_advance() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let mut disclosure = application(&reg.org_id, &reg.site_id, "2026-09-01")["disclosure"].clone();
    disclosure["track_record"] = json!("契約事業場 30社");
    let r = app
        .post_json(
            &format!("/api/v1/registrations/{number}/changes"),
            Some(&reg.org),
            &json!({"notified_on": "2026-11-20", "disclosure": disclosure}),
        )
        .await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    // Abolition notified in advance: registered until the day, then abolished (by the dates, then by the job).
    let r = app
        .post_json(
            &format!("/api/v1/registrations/{number}/abolition"),
            Some(&reg.org),
            &json!({"abolished_on": "2026-12-31", "reason": "相談室の移転に伴う廃止"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "registered");
    assert_eq!(r.json()["ended_on"], "2026-12-31");
    assert_eq!(public(&app, &number).await["status"], "registered");
    set_day(&app, "2026-12-30");
    let list = app
        .get("/api/v1/public/registrations?q=北九州", None)
        .await
        .json();
    assert_eq!(
        (list["items"][0]["number"].as_str(), &list["total"]),
        (Some(number.as_str()), &json!(1))
    );
    set_day(&app, "2026-12-31");
    let v = public(&app, &number).await;
    assert_eq!(v["status"], "abolished");
    assert!(v.get("disclosure").is_none());
    // Neither the page nor its total (counted from the search index) has it from the day of abolition.
    for path in [
        "/api/v1/public/registrations",
        "/api/v1/public/registrations?q=北九州",
    ] {
        let list = app.get(path, None).await.json();
        assert_eq!(
            (&list["items"], &list["total"]),
            (&json!([]), &json!(0)),
            "{path}"
        );
    }
    reg.relogin(&app).await;
    run_jobs(&app).await;
    let staff = app
        .get(&format!("/api/v1/registrations/{number}"), Some(&reg.office))
        .await
        .json();
    assert_eq!(staff["status"], "abolished");
    assert_eq!(staff["ended_on"], "2026-12-31");
    let n = app
        .get(&format!("/api/v1/registration/changes/{id}"), Some(&reg.office))
        .await
        .json();
    assert_eq!(n["status"], "closed");
    assert_eq!(n["closed_on"], "2026-12-31");
    let waiting = app
        .get("/api/v1/registration/changes", Some(&reg.office))
        .await
        .json();
    assert_eq!(waiting["items"], json!([]));
}
