//! The work queues (`GET /api/v1/me/tasks` and the dashboard): each role sees what waits for its next step, items
//! leave when the step is done, and nobody sees an item whose record they may not open (ACC-8: a member with a
//! conflict sees no vote to cast; an organization sees only its own).

use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::acc_fixture::Acc;
use crate::support::{Browser, PASSWORD, TestApp};

async fn tasks(app: &TestApp, token: &str) -> Value {
    let r = app.get("/api/v1/me/tasks", Some(token)).await;
    r.assert_status(200);
    r.json()
}

fn kinds_for(t: &Value, record_id: &str) -> Vec<String> {
    t["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["record_id"] == record_id)
        .map(|i| i["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_office_sees_a_new_application_until_it_decides_eligibility() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    let t = tasks(&app, &acc.office).await;
    assert_eq!(kinds_for(&t, &acc.case_id), vec!["acc_eligibility"], "{t}");
    let item = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["record_id"] == acc.case_id.as_str())
        .unwrap();
    assert_eq!(item["link"], format!("/accreditation/cases/{}", acc.case_id));
    assert!(item["title"].as_str().unwrap().contains("株式会社こころ認定"));
    assert_eq!(t["counts"]["acc_eligibility"], 1);
    // Not the organization's item, nor a committee member's.
    assert!(kinds_for(&tasks(&app, &acc.org_user).await, &acc.case_id).is_empty());
    assert!(kinds_for(&tasks(&app, &acc.member).await, &acc.case_id).is_empty());
    acc.accept("2025-09-10").await;
    let t = tasks(&app, &acc.office).await;
    assert!(
        !kinds_for(&t, &acc.case_id).contains(&"acc_eligibility".to_owned()),
        "{t}"
    );
    // The organization now has its self-study to submit, with its due date once planned.
    acc.plan("2025-10-31", "2025-11-10").await;
    let t = tasks(&app, &acc.org_user).await;
    let own: Vec<&Value> = t["items"].as_array().unwrap().iter().collect();
    assert!(
        own.iter()
            .any(|i| i["due_on"] == "2025-10-31"
                && i["link"] == format!("/accreditation/cases/{}", acc.case_id)),
        "{t}"
    );
    // Another organization's user sees none of it.
    let other = app.organization("株式会社ほかの機関").await;
    let (_, other_user) = app.login(Role::Organization, Some(&other)).await;
    assert_eq!(tasks(&app, &other_user).await["items"], json!([]));
}

#[tokio::test]
async fn acc_8_a_committee_member_sees_the_vote_to_cast_unless_conflicted_and_not_after_voting() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    let (late_id, late) = app.login(Role::Committee, None).await;
    assert_eq!(
        kinds_for(&tasks(&app, &acc.member).await, &acc.case_id),
        vec!["acc_vote"]
    );
    assert_eq!(
        kinds_for(&tasks(&app, &late).await, &acc.case_id),
        vec!["acc_vote"]
    );
    // A declared conflict takes the case, and so the item, away.
    app.post_json(
        "/api/v1/conflicts",
        Some(&acc.office),
        &json!({"user_id": late_id, "organization_id": acc.org_id, "reason": "顧問契約"}),
    )
    .await
    .assert_status(201);
    assert!(kinds_for(&tasks(&app, &late).await, &acc.case_id).is_empty());
    // Voting is the step: the item leaves.
    acc.post("votes", &acc.member, json!({"outcome": "accredit"}))
        .await
        .assert_status(201);
    assert!(kinds_for(&tasks(&app, &acc.member).await, &acc.case_id).is_empty());
}

#[tokio::test]
async fn surveyors_see_their_cases_to_rate_with_the_count_and_the_dashboard_lists_the_queue() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    acc.plan("2025-10-31", "2025-11-10").await;
    acc.submit_self_study("2025-10-20").await;
    acc.assign_surveyors().await;
    let t = tasks(&app, &acc.second).await;
    assert_eq!(kinds_for(&t, &acc.case_id), vec!["acc_rate"], "{t}");
    assert!(
        t["items"][0]["title"].as_str().unwrap().contains("評定済み 0 件"),
        "{t}"
    );
    assert_eq!(
        t["items"][0]["link"],
        format!("/accreditation/cases/{}/ratings", acc.case_id),
        "the sheet itself"
    );
    // Another surveyor, not on the case, sees nothing of it.
    let (_, stranger) = app.login(Role::Surveyor, None).await;
    assert!(kinds_for(&tasks(&app, &stranger).await, &acc.case_id).is_empty());
    // The office's dashboard leads to its work: the queue is the page's main content.
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await;
    let html = b.get("/dashboard").await.text();
    assert!(html.contains("あなたの作業"), "{html}");
    // Nothing waits for a coordinator without cases: the page says so.
    let (_, coordinator_email) = app.user(Role::Coordinator, None).await;
    let mut a = Browser::new(&app);
    a.sign_in(&coordinator_email, PASSWORD).await;
    let html = a.get("/dashboard").await.text();
    assert!(html.contains("id=\"tasks-none\""), "{html}");
}

#[tokio::test]
async fn reg_5_the_office_sees_a_registration_application_until_it_reviews_it() {
    let app = TestApp::new().await;
    let reg = crate::reg_common::setup(&app).await;
    let r = app
        .post_json(
            "/api/v1/registration/cases",
            Some(&reg.office),
            &crate::reg_common::application(&reg.org_id, &reg.site_id, "2026-11-02"),
        )
        .await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let t = tasks(&app, &reg.office).await;
    assert_eq!(kinds_for(&t, &id), vec!["reg_review"], "{t}");
    // The case page shows where it stands and what the office does next.
    let mut b = Browser::new(&app);
    b.sign_in(&reg.office_email, PASSWORD).await;
    let html = b.get(&format!("/registration/cases/{id}")).await.text();
    assert!(
        html.contains("class=\"current\" aria-current=\"step\">審査"),
        "{html}"
    );
    assert!(html.contains("id=\"case-next\">申請内容と所見を確かめ"), "{html}");
    // The head's, a member's and the organization's queues do not hold it (nor fail on an empty database).
    let (_, head) = app.login(Role::Head, None).await;
    assert!(kinds_for(&tasks(&app, &head).await, &id).is_empty());
    assert!(kinds_for(&tasks(&app, &reg.org).await, &id).is_empty());
    app.post_json(
        &format!("/api/v1/registration/cases/{id}/review"),
        Some(&reg.office),
        &json!({"decision": "register", "decided_on": "2026-11-10"}),
    )
    .await
    .assert_status(200);
    assert!(kinds_for(&tasks(&app, &reg.office).await, &id).is_empty());
}

#[tokio::test]
async fn the_case_page_shows_the_steps_so_far_the_current_one_and_what_the_next_waits_for() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    acc.plan("2025-10-31", "2025-11-10").await;
    let (_, org_email) = app.user(Role::Organization, Some(&acc.org_id)).await;
    let mut b = Browser::new(&app);
    b.sign_in(&org_email, PASSWORD).await;
    let html = b
        .get(&format!("/accreditation/cases/{}", acc.case_id))
        .await
        .text();
    let line = html
        .split("id=\"case-line\"")
        .nth(1)
        .unwrap()
        .split("</ol>")
        .next()
        .unwrap();
    // 申込 and 受理 are done with their dates; the self-study is where the case stands.
    assert!(
        line.contains("class=\"done\">申込<br><small><time datetime=\"2025-09-01\">令和7年9月1日</time>"),
        "{line}"
    );
    assert!(
        line.contains("class=\"done\">受理<br><small><time datetime=\"2025-09-10\">令和7年9月10日</time>"),
        "{line}"
    );
    assert!(
        line.contains("class=\"current\" aria-current=\"step\">セルフスタディ"),
        "{line}"
    );
    let next = html
        .split("id=\"case-next\">")
        .nth(1)
        .unwrap()
        .split("</p>")
        .next()
        .unwrap();
    assert!(
        next.contains("セルフスタディ資料") && next.contains("2025-10-31"),
        "{next}"
    );
    // The office reads its own next step on the same case.
    let (_, office_email) = app.user(Role::Office, None).await;
    let mut o = Browser::new(&app);
    o.sign_in(&office_email, PASSWORD).await;
    let html = o
        .get(&format!("/accreditation/cases/{}", acc.case_id))
        .await
        .text();
    assert!(
        html.contains("id=\"case-next\">セルフスタディ資料の提出を待っています"),
        "{html}"
    );
}
