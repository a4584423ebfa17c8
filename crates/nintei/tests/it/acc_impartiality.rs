//! Impartiality and the site-visit timetable (ACC-2, ACC-7, ACC-8): the head's decision on a
//! department unit before the office may accept it, the organization's objection to a surveyor and the office's
//! decision, the 6-month cooling-off recorded with the committee's decision and the warnings on engagements
//! inside it, and the timetable generated from seed 003's standard schedule, edited by the office or the lead.

use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::acc_fixture::{Acc, application};
use crate::support::{Browser, PASSWORD, TestApp, hidden};

fn department(all_three: bool) -> impl Fn(&str) -> Value {
    move |org: &str| {
        let mut body = application(org, "2025-09-01");
        body["unit_name"] = json!("EAP事業部");
        body["unit_conditions"] = json!({
            "has_departments_with_different_services": true,
            "independent_policy_and_budget": true,
            "recognized_as_independent": all_three,
        });
        body
    }
}

async fn audits(app: &TestApp, action: &str) -> i64 {
    app.state
        .db
        .scalar_i64(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}'"
        ))
        .await
        .unwrap()
}

fn fields(r: &crate::support::TestResponse) -> Vec<String> {
    r.error_fields()
}

#[tokio::test]
async fn acc_2_the_head_decides_the_department_before_the_office_accepts() {
    let app = TestApp::new().await;
    let make = department(true);
    let acc = Acc::new(&app, "2025-09-01", Some(&make)).await;
    let case = acc.case().await;
    assert_eq!(case["unit"]["name"], "EAP事業部");
    assert_eq!(case["unit"]["conditions_met"], true);
    assert!(case["unit"]["decision"].is_null());
    // ACC-2: not before the head decided.
    let r = acc
        .post(
            "eligibility",
            &acc.office,
            json!({"eligible": true, "decided_on": "2025-09-10"}),
        )
        .await;
    r.assert_status(409);
    assert!(r.text().contains("ACC-2"), "{}", r.text());
    // Only the head decides; those who may not see the case get 404.
    let body = json!({"qualifies": true, "decided_on": "2025-09-05"});
    acc.post("unit-decision", &acc.office, body.clone())
        .await
        .assert_status(403);
    acc.post("unit-decision", &acc.org_user, body.clone())
        .await
        .assert_status(403);
    acc.post("unit-decision", &acc.coordinator, body.clone())
        .await
        .assert_status(404);
    let other_org = app.organization("株式会社ほか").await;
    let (_, stranger) = app.login(Role::Organization, Some(&other_org)).await;
    acc.post("unit-decision", &stranger, body.clone())
        .await
        .assert_status(404);
    // Bad input names its field.
    let r = acc
        .post("unit-decision", &acc.head, json!({"decided_on": "2025-09-05"}))
        .await;
    r.assert_status(400);
    assert_eq!(fields(&r), vec!["qualifies"]);
    let r = acc
        .post(
            "unit-decision",
            &acc.head,
            json!({"qualifies": true, "decided_on": "2026-12-01"}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(fields(&r), vec!["decided_on"]);
    let r = acc
        .post(
            "unit-decision",
            &acc.head,
            json!({"qualifies": true, "decided_on": "2025-08-31"}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(fields(&r), vec!["decided_on"]);
    assert_eq!(audits(&app, "acc_case.unit_decision").await, 0);
    // The head decides once.
    let r = acc
        .post(
            "unit-decision",
            &acc.head,
            json!({"qualifies": true, "decided_on": "2025-09-05", "reason": "3条件を確認"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["unit"]["decision"]["qualifies"], true);
    assert_eq!(r.json()["unit"]["decision"]["decided_on"], "2025-09-05");
    acc.post("unit-decision", &acc.head, body.clone())
        .await
        .assert_status(409);
    assert_eq!(audits(&app, "acc_case.unit_decision").await, 1);
    // The organization sees the decision on its case.
    let seen = acc.get(&acc.org_user).await.json();
    assert_eq!(seen["unit"]["decision"]["reason"], "3条件を確認");
    let accepted = acc.accept("2025-09-10").await;
    assert_eq!(accepted["status"], "accepted");
    // After the eligibility decision the head's decision is closed.
    let make = department(true);
    let late = Acc::new(&app, "2025-09-01", Some(&make)).await;
    late.post("unit-decision", &late.head, body.clone())
        .await
        .assert_status(200);
    late.accept("2025-09-10").await;
    // An application of the legal entity itself needs no decision, and has none to take.
    let entity = Acc::new(&app, "2025-09-01", None).await;
    assert!(entity.case().await["unit"].is_null());
    entity
        .post("unit-decision", &entity.head, body)
        .await
        .assert_status(409);
    entity.accept("2025-09-10").await;
}

#[tokio::test]
async fn acc_2_a_department_that_does_not_qualify_is_found_ineligible() {
    let app = TestApp::new().await;
    let make = department(false);
    let acc = Acc::new(&app, "2025-09-01", Some(&make)).await;
    assert_eq!(acc.case().await["unit"]["conditions_met"], false);
    acc.post(
        "unit-decision",
        &acc.head,
        json!({"qualifies": false, "decided_on": "2025-09-05"}),
    )
    .await
    .assert_status(200);
    let r = acc
        .post(
            "eligibility",
            &acc.office,
            json!({"eligible": true, "decided_on": "2025-09-10"}),
        )
        .await;
    r.assert_status(409);
    let r = acc
        .post(
            "eligibility",
            &acc.office,
            json!({"eligible": false, "decided_on": "2025-09-10"}),
        )
        .await;
    r.assert_status(200);
    let case = r.json();
    assert_eq!(case["status"], "ineligible");
    assert!(
        case["eligibility_decision"]["reason"]
            .as_str()
            .unwrap()
            .contains("ACC-2"),
        "{case}"
    );
}

#[tokio::test]
async fn acc_8_an_upheld_objection_removes_the_surveyor_and_another_is_assigned() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    acc.assign_surveyors().await;
    // The organization sees who its surveyors are.
    let seen = acc.get(&acc.org_user).await.json();
    let ids: Vec<&str> = seen["surveyors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![acc.lead_id.as_str(), acc.second_id.as_str()]);
    let path = |who: &str| format!("surveyors/{who}/objection");
    let reason = json!({"reason": "以前、当社の顧問でした。"});
    // Who may ask: the organization; the office 403; another organization, a stranger surveyor 404.
    acc.post(&path(&acc.lead_id), &acc.office, reason.clone())
        .await
        .assert_status(403);
    let other_org = app.organization("株式会社ほか").await;
    let (_, stranger) = app.login(Role::Organization, Some(&other_org)).await;
    acc.post(&path(&acc.lead_id), &stranger, reason.clone())
        .await
        .assert_status(404);
    // Only an assigned surveyor can be objected to.
    let (third_id, _) = app.login(Role::Surveyor, None).await;
    acc.post(&path(&third_id), &acc.org_user, reason.clone())
        .await
        .assert_status(404);
    let r = acc
        .post(&path(&acc.lead_id), &acc.org_user, json!({"reason": "  "}))
        .await;
    r.assert_status(400);
    assert_eq!(fields(&r), vec!["reason"]);
    let r = acc.post(&path(&acc.lead_id), &acc.org_user, reason.clone()).await;
    r.assert_status(201);
    assert_eq!(r.json()["status"], "open");
    assert_eq!(r.json()["raised_on"], "2026-11-20");
    // Twice: the open objection stands (409).
    acc.post(&path(&acc.lead_id), &acc.org_user, reason.clone())
        .await
        .assert_status(409);
    assert_eq!(audits(&app, "acc_case.surveyor_objection").await, 1);
    // The objection is the office's and the organization's business, not the surveyor's.
    assert!(acc.get(&acc.lead).await.json().get("objections").is_none());
    assert_eq!(
        acc.case().await["objections"][0]["reason"],
        "以前、当社の顧問でした。"
    );
    // The office decides.
    let decision = |who: &str| format!("surveyors/{who}/objection/decision");
    acc.post(
        &decision(&acc.lead_id),
        &acc.org_user,
        json!({"upheld": true, "decided_on": "2026-11-20"}),
    )
    .await
    .assert_status(403);
    let r = acc
        .post(
            &decision(&acc.lead_id),
            &acc.office,
            json!({"decided_on": "2026-11-20"}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(fields(&r), vec!["upheld"]);
    let r = acc
        .post(
            &decision(&acc.lead_id),
            &acc.office,
            json!({"upheld": true, "decided_on": "2026-11-19"}),
        )
        .await;
    r.assert_status(400);
    assert_eq!(fields(&r), vec!["decided_on"]);
    acc.post(
        &decision(&acc.second_id),
        &acc.office,
        json!({"upheld": true, "decided_on": "2026-11-20"}),
    )
    .await
    .assert_status(409);
    let r = acc
        .post(
            &decision(&acc.lead_id),
            &acc.office,
            json!({"upheld": true, "decided_on": "2026-11-20"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "upheld");
    acc.post(
        &decision(&acc.lead_id),
        &acc.office,
        json!({"upheld": true, "decided_on": "2026-11-20"}),
    )
    .await
    .assert_status(409);
    let case = acc.case().await;
    let ids: Vec<&str> = case["surveyors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![acc.second_id.as_str()]);
    // The removed surveyor no longer sees the case; the office does not assign them again; another one it does.
    acc.get(&acc.lead).await.assert_status(404);
    acc.post(
        "surveyors",
        &acc.office,
        json!({"user_id": acc.lead_id, "lead": true}),
    )
    .await
    .assert_status(409);
    acc.post(
        "surveyors",
        &acc.office,
        json!({"user_id": third_id, "lead": true}),
    )
    .await
    .assert_status(201);
    // Not upheld: the surveyor stays, and the organization may ask again later.
    acc.post(&path(&acc.second_id), &acc.org_user, reason.clone())
        .await
        .assert_status(201);
    let r = acc
        .post(
            &decision(&acc.second_id),
            &acc.office,
            json!({"upheld": false, "decided_on": "2026-11-20"}),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "rejected");
    assert_eq!(acc.case().await["surveyors"].as_array().unwrap().len(), 2);
    acc.post(&path(&acc.second_id), &acc.org_user, reason.clone())
        .await
        .assert_status(201);
    assert_eq!(audits(&app, "acc_case.surveyor_objection_decision").await, 2);
    // ACC-8: an engagement with an organization whose open case the surveyor is assigned to is warned of.
    let r = app
        .post_json(
            &format!("/api/v1/surveyors/{}/engagements", acc.second_id),
            Some(&acc.office),
            &json!({"organization_id": acc.org_id, "kind": "consulting", "started_on": "2026-11-01"}),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["warnings"][0]["kind"], "assigned");
    // After the report, no more objections.
    let later = Acc::to_committee(&app, &[]).await;
    later
        .post(
            &format!("surveyors/{}/objection", later.lead_id),
            &later.org_user,
            reason,
        )
        .await
        .assert_status(409);
}

#[tokio::test]
async fn acc_8_the_decision_starts_a_cooling_off_and_engagements_inside_it_are_refused() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    acc.decide(json!({"outcome": "accredit", "decided_on": "2025-12-10"}))
        .await
        .assert_status(200);
    // ACC-8: 6 months after the decision, the decision day not counted.
    let case = acc.case().await;
    let cooling = case["cooling_offs"].as_array().unwrap();
    assert_eq!(cooling.len(), 2);
    assert!(
        cooling
            .iter()
            .all(|c| c["decided_on"] == "2025-12-10" && c["ends_on"] == "2026-06-10")
    );
    assert!(acc.get(&acc.org_user).await.json().get("cooling_offs").is_none());
    let path = format!("/api/v1/surveyors/{}/engagements", acc.lead_id);
    let body = |kind: &str, on: &str| json!({"organization_id": acc.org_id, "kind": kind, "started_on": on, "note": "研修講師"});
    // Inside: a prohibition (ACC-8), refused with the period it falls in; nothing is recorded.
    let r = app
        .post_json(&path, Some(&acc.office), &body("consulting", "2026-03-01"))
        .await;
    r.assert_status(409);
    let detail = r.json()["detail"].as_str().unwrap_or_default().to_owned();
    assert!(
        detail.contains("2026-06-10") && detail.contains("ACC-8"),
        "{detail}"
    );
    // Both ends count; the day after is allowed.
    app.post_json(&path, Some(&acc.office), &body("research_funds", "2026-06-10"))
        .await
        .assert_status(409);
    let r = app
        .post_json(&path, Some(&acc.office), &body("consulting", "2026-06-11"))
        .await;
    r.assert_status(201);
    assert!(r.json()["warnings"].as_array().unwrap().is_empty());
    // Twice the same: 409.
    app.post_json(&path, Some(&acc.office), &body("consulting", "2026-06-11"))
        .await
        .assert_status(409);
    // Bad input names its field.
    for (bad, field) in [
        (
            json!({"organization_id": acc.org_id, "kind": "lunch", "started_on": "2026-03-01"}),
            "kind",
        ),
        (
            json!({"kind": "service", "started_on": "2026-03-01"}),
            "organization_id",
        ),
        (
            json!({"organization_id": "nope", "kind": "service", "started_on": "2026-03-01"}),
            "organization_id",
        ),
        (
            json!({"organization_id": acc.org_id, "kind": "service", "started_on": "2026/03/01"}),
            "started_on",
        ),
    ] {
        let r = app.post_json(&path, Some(&acc.office), &bad).await;
        r.assert_status(400);
        assert_eq!(fields(&r), vec![field], "{bad}");
    }
    // The office's records only; a user who is not a surveyor has none.
    for token in [&acc.head, &acc.lead, &acc.org_user] {
        app.post_json(&path, Some(token), &body("service", "2026-07-01"))
            .await
            .assert_status(403);
        app.get(&path, Some(token)).await.assert_status(403);
    }
    let (office_id, _) = app.login(Role::Office, None).await;
    app.get(
        &format!("/api/v1/surveyors/{office_id}/engagements"),
        Some(&acc.office),
    )
    .await
    .assert_status(404);
    let list = app.get(&path, Some(&acc.office)).await;
    list.assert_status(200);
    let list = list.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["cooling_offs"][0]["ends_on"], "2026-06-10");
    assert_eq!(list["cooling_offs"][0]["active"], false);
    // Only what was recorded is audited.
    assert_eq!(audits(&app, "surveyor_engagement.create").await, 1);
    // Another surveyor, another organization: no cooling-off applies.
    let other = app.organization("株式会社ほか").await;
    let r = app
        .post_json(
            &path,
            Some(&acc.office),
            &json!({"organization_id": other, "kind": "service", "started_on": "2026-03-01"}),
        )
        .await;
    r.assert_status(201);
    assert!(r.json()["warnings"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn acc_8_every_decision_round_restricts_from_its_own_day() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    acc.decide(json!({"outcome": "hold", "decided_on": "2025-12-10", "reason": "追加資料"}))
        .await
        .assert_status(200);
    // ACC-11: after a hold the head decides.
    acc.post(
        "decision",
        &acc.head,
        json!({"outcome": "accredit", "decided_on": "2026-02-01"}),
    )
    .await
    .assert_status(200);
    let case = acc.case().await;
    let mut ends: Vec<&str> = case["cooling_offs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ends_on"].as_str().unwrap())
        .collect();
    ends.sort_unstable();
    ends.dedup();
    assert_eq!(ends, vec!["2026-06-10", "2026-08-01"]);
    let r = app
        .post_json(
            &format!("/api/v1/surveyors/{}/engagements", acc.second_id),
            Some(&acc.office),
            &json!({"organization_id": acc.org_id, "kind": "service", "started_on": "2026-07-01"}),
        )
        .await;
    // Inside the later round's cooling-off only: refused, naming that round's decision.
    r.assert_status(409);
    assert!(
        r.text().contains("2026-02-01") && r.text().contains("2026-08-01"),
        "{}",
        r.text()
    );
}

#[tokio::test]
async fn acc_7_the_timetable_follows_the_standard_schedule_and_is_edited_in_order() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    let path = acc.path("site-visit/schedule");
    // Before the plan there is no day yet.
    let r = app.get(&path, Some(&acc.office)).await;
    r.assert_status(200);
    assert!(r.json()["items"].as_array().unwrap().is_empty());
    let put = |token: &str, body: Value| {
        let req = axum::http::Request::put(path.as_str())
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        app.send(req)
    };
    let one = json!({"items": [{"date": "2025-11-10", "start": "13:00", "end": "13:20", "title": "キックオフ会議"}]});
    put(&acc.office, one.clone()).await.assert_status(409);
    acc.plan("2025-10-31", "2025-11-10").await;
    acc.assign_surveyors().await;
    // Seed 003 第5章: day 1 from 13:00, day 2 until the closing at 17:00; the representative ~30 minutes.
    let r = app.get(&path, Some(&acc.org_user)).await;
    r.assert_status(200);
    let s = r.json();
    assert_eq!(s["edited"], false);
    assert_eq!(s["days"], json!(["2025-11-10", "2025-11-11"]));
    let items = s["items"].as_array().unwrap();
    assert_eq!(items.len(), 11);
    assert_eq!(
        items[0],
        json!({"date": "2025-11-10", "start": "13:00", "end": "13:20", "title": "キックオフ会議"})
    );
    assert_eq!(items[2]["title"], "インタビュー 代表者");
    assert_eq!(
        (items[2]["start"].as_str(), items[2]["end"].as_str()),
        (Some("14:20"), Some("14:50"))
    );
    assert_eq!(items[10]["title"], "クロージング");
    assert_eq!(items[10]["date"], "2025-11-11");
    for needle in ["実地調査資料確認", "事例記録", "施設", "まとめ"] {
        assert!(
            items
                .iter()
                .any(|i| i["title"].as_str().unwrap().contains(needle)),
            "{needle}"
        );
    }
    // Visible to the assigned surveyors; others 404.
    app.get(&path, Some(&acc.second)).await.assert_status(200);
    let (_, stranger) = app.login(Role::Surveyor, None).await;
    app.get(&path, Some(&stranger)).await.assert_status(404);
    // Edited by the office or the lead, not the second surveyor nor the organization.
    put(&acc.second, one.clone()).await.assert_status(403);
    put(&acc.org_user, one.clone()).await.assert_status(403);
    put(&stranger, one.clone()).await.assert_status(404);
    // Validated: order, visit days, titles, times.
    let item = |date: &str, start: &str, end: &str, title: &str| json!({"date": date, "start": start, "end": end, "title": title});
    for (items, field) in [
        (
            json!([
                item("2025-11-10", "13:00", "14:00", "a"),
                item("2025-11-10", "13:30", "14:30", "b")
            ]),
            "items[1].start",
        ),
        (
            json!([item("2025-11-12", "09:00", "10:00", "a")]),
            "items[0].date",
        ),
        (
            json!([item("2025-11-09", "09:00", "10:00", "a")]),
            "items[0].date",
        ),
        (
            json!([item("2025-11-10", "13:00", "14:00", "  ")]),
            "items[0].title",
        ),
        (json!([item("2025-11-10", "14:00", "13:00", "a")]), "items[0].end"),
        (
            json!([item("2025-11-10", "25:00", "26:00", "a")]),
            "items[0].start",
        ),
        (
            json!([
                item("2025-11-11", "09:00", "10:00", "a"),
                item("2025-11-10", "13:00", "14:00", "b")
            ]),
            "items[1].start",
        ),
        (json!([]), "items"),
    ] {
        let r = put(&acc.lead, json!({"items": items})).await;
        r.assert_status(400);
        assert!(
            fields(&r).contains(&field.to_owned()),
            "{field}: {:?}",
            fields(&r)
        );
    }
    assert_eq!(audits(&app, "acc_case.site_visit_schedule").await, 0);
    let mut edited = items.clone();
    edited[2]["title"] = json!("インタビュー 代表者（理事長）");
    edited[2]["note"] = json!("本社3階会議室");
    let r = put(&acc.lead, json!({"items": edited})).await;
    r.assert_status(200);
    assert_eq!(r.json()["edited"], true);
    let seen = app.get(&path, Some(&acc.org_user)).await.json();
    assert_eq!(seen["items"][2]["title"], "インタビュー 代表者（理事長）");
    assert_eq!(seen["items"][2]["note"], "本社3階会議室");
    let r = put(&acc.office, one).await;
    r.assert_status(200);
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 1);
    assert_eq!(audits(&app, "acc_case.site_visit_schedule").await, 2);
}

#[tokio::test]
async fn acc_2_7_8_screens_let_each_role_do_its_step() {
    let app = TestApp::new().await;
    let make = department(true);
    let acc = Acc::new(&app, "2025-09-01", Some(&make)).await;
    let case_page = format!("/accreditation/cases/{}", acc.case_id);
    let step = |s: &str| format!("{case_page}/{s}");
    // The head: the unit decision form on the case page.
    let (_, head_email) = app.user(Role::Head, None).await;
    let mut head = Browser::new(&app);
    head.sign_in(&head_email, PASSWORD).await;
    let page = head.get(&case_page).await;
    page.assert_status(200);
    assert!(
        page.text().contains("認定の単位（部門）") && page.text().contains("name=\"qualifies\""),
        "{}",
        page.text()
    );
    let csrf = hidden(&page.text(), "csrf");
    let r = head
        .post_form(
            &step("unit-decision"),
            &[("csrf", &csrf), ("decided_on", "2025-09-05")],
        )
        .await;
    r.assert_status(400);
    assert!(r.text().contains("該当するかどうかを指定してください"));
    let r = head
        .post_form(
            &step("unit-decision"),
            &[
                ("csrf", &csrf),
                ("qualifies", "yes"),
                ("decided_on", "2025-09-05"),
            ],
        )
        .await;
    r.assert_status(303);
    assert_eq!(r.location(), format!("{case_page}?done=unit-decision"));
    let page = head.get(&r.location()).await;
    assert!(page.text().contains("部門についての機構長の判断を記録しました"));
    acc.accept("2025-09-10").await;
    acc.plan("2025-10-31", "2025-11-10").await;
    acc.assign_surveyors().await;
    // The organization: asks for another surveyor.
    let (_, org_email) = app.user(Role::Organization, Some(&acc.org_id)).await;
    let mut org = Browser::new(&app);
    org.sign_in(&org_email, PASSWORD).await;
    let page = org.get(&case_page).await;
    assert!(
        page.text().contains("キックオフ会議"),
        "the timetable is shown to the organization"
    );
    assert!(page.text().contains("変更を申し出る"));
    let csrf = hidden(&page.text(), "csrf");
    let r = org
        .post_form(
            &step("objection"),
            &[
                ("csrf", &csrf),
                ("user_id", &acc.second_id),
                ("reason", "利害関係があります"),
            ],
        )
        .await;
    r.assert_status(303);
    assert!(org.get(&case_page).await.text().contains("判断待ち"));
    // The office: decides it, edits the timetable, records an engagement.
    let (_, office_email) = app.user(Role::Office, None).await;
    let mut office = Browser::new(&app);
    office.sign_in(&office_email, PASSWORD).await;
    let page = office.get(&case_page).await;
    assert!(page.text().contains("申し出についての判断"));
    let csrf = hidden(&page.text(), "csrf");
    let r = office
        .post_form(
            &step("objection-decision"),
            &[
                ("csrf", &csrf),
                ("user_id", &acc.second_id),
                ("upheld", "yes"),
                ("decided_on", "2026-11-20"),
            ],
        )
        .await;
    r.assert_status(303);
    assert_eq!(acc.case().await["surveyors"].as_array().unwrap().len(), 1);
    let schedule = [
        ("csrf", csrf.as_str()),
        ("rows", "3"),
        ("date_0", "2025-11-10"),
        ("start_0", "13:00"),
        ("end_0", "13:30"),
        ("title_0", "キックオフ会議"),
        ("date_1", "2025-11-11"),
        ("start_1", ""),
        ("end_1", ""),
        ("title_1", ""),
        ("date_2", "2025-11-11"),
        ("start_2", "16:30"),
        ("end_2", "16:00"),
        ("title_2", "クロージング"),
    ];
    let r = office.post_form(&step("schedule"), &schedule).await;
    r.assert_status(400);
    assert!(r.text().contains("終了は開始より後にしてください"));
    let mut fixed = schedule.to_vec();
    fixed[12] = ("end_2", "17:00");
    let r = office.post_form(&step("schedule"), &fixed).await;
    r.assert_status(303);
    let s = app
        .get(&acc.path("site-visit/schedule"), Some(&acc.office))
        .await
        .json();
    assert_eq!(s["items"].as_array().unwrap().len(), 2);
    assert_eq!(s["items"][1]["end"], "17:00");
    // The surveyors' screens.
    let list = office.get("/surveyors").await;
    list.assert_status(200);
    assert!(
        list.text()
            .contains(&format!("/surveyors/{}/engagements", acc.lead_id))
    );
    let engagements = format!("/surveyors/{}/engagements", acc.lead_id);
    let page = office.get(&engagements).await;
    page.assert_status(200);
    let csrf = hidden(&page.text(), "csrf");
    let r = office
        .post_form(
            &engagements,
            &[
                ("csrf", &csrf),
                ("organization_id", &acc.org_id),
                ("kind", "consulting"),
                ("started_on", "2026-11-02"),
            ],
        )
        .await;
    r.assert_status(303);
    let page = office.get(&r.location()).await;
    assert!(page.text().contains("関与を記録しました"));
    // Assigned to the organization's open case: the warning is shown at once.
    assert!(
        page.text().contains("engagement-warnings") && page.text().contains("ACC-8"),
        "{}",
        page.text()
    );
    let r = office
        .post_form(
            &engagements,
            &[
                ("csrf", &csrf),
                ("organization_id", ""),
                ("kind", "consulting"),
                ("started_on", "2026-11-02"),
            ],
        )
        .await;
    r.assert_status(400);
    // Others may not.
    let page = org.get(&engagements).await;
    page.assert_status(403);
    org.get("/surveyors").await.assert_status(403);
}
