//! API.md "Public" on the backend under test: the registration directory (REG-5, REG-8) and the
//! accreditation directory and certificate verification (ACC-23), anonymous, with n-gram search, filters,
//! paging and 400s for bad parameters. Listings are built through the REG and ACC flows.

use std::collections::BTreeSet;

use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::acc_fixture::Acc;
use crate::reg_common::{Reg, application, register, setup};
use crate::support::{TestApp, TestResponse};

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn numbers(r: &TestResponse) -> Vec<String> {
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_str().unwrap().to_owned())
        .collect()
}

async fn list(app: &TestApp, path: &str) -> Vec<String> {
    let r = app.get(path, None).await;
    r.assert_status(200);
    let found = numbers(&r);
    // The total is counted apart, from the search index alone: unpaged, it is the number of items.
    if !path.contains("limit=") && !path.contains("page=") {
        assert_eq!(
            r.json()["total"].as_u64(),
            u64::try_from(found.len()).ok(),
            "{path}"
        );
    }
    found
}

fn assert_problem(r: &TestResponse, field: &str) {
    r.assert_status(400);
    assert!(r.header("content-type").starts_with("application/problem+json"));
    assert!(r.text().contains(field), "{field} named in {}", r.text());
}

/// A second registered room in Tokyo that adds online counseling (REG-1: face to face always).
async fn tokyo_room(app: &TestApp) -> String {
    let org_id = app.organization("一般社団法人東京メンタルヘルス支援機構").await;
    let (_, office_email) = app.user(Role::Office, None).await;
    let office = app.token_for(&office_email).await;
    let r = app
        .post_json(
            &format!("/api/v1/organizations/{org_id}/sites"),
            Some(&office),
            &json!({"name": "千代田オンライン相談室", "prefecture": "13", "address": "東京都千代田区丸の内1-1-1"}),
        )
        .await;
    r.assert_status(201);
    let site_id = r.json()["id"].as_str().unwrap().to_owned();
    let (_, org_email) = app.user(Role::Organization, Some(&org_id)).await;
    let org = app.token_for(&org_email).await;
    let reg = Reg {
        org_id: org_id.clone(),
        site_id: site_id.clone(),
        office,
        office_email,
        org,
        org_email,
    };
    let mut body = application(&org_id, &site_id, "2026-09-01");
    body["disclosure"]["fee_structure"] = json!("年間契約 従業員1人あたり月額250円");
    body["disclosure"]["methods"] = json!(["face_to_face", "online"]);
    let r = app
        .post_json("/api/v1/registration/cases", Some(&reg.office), &body)
        .await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            &format!("/api/v1/registration/cases/{id}/review"),
            Some(&reg.office),
            &json!({"decision": "register", "decided_on": "2026-09-25"}),
        )
        .await;
    r.assert_status(200);
    r.json()["registration"]["number"].as_str().unwrap().to_owned()
}

// REG-5 / REG-8: the public directory of registrations, exactly API.md's fields, searched and filtered.
#[tokio::test]
async fn reg5_reg8_public_registrations_list_disclosure_only_with_search_and_filters() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, kokura) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let tokyo = tokyo_room(&app).await;
    assert_eq!(kokura, "REG-2026-0001");
    assert_eq!(tokyo, "REG-2026-0002");

    let r = app.get("/api/v1/public/registrations", None).await;
    r.assert_status(200);
    // API.md: the page fields beside the items.
    assert_eq!(keys(&r.json()), set(&["items", "total", "page", "per_page"]));
    assert_eq!(
        (&r.json()["total"], &r.json()["page"], &r.json()["per_page"]),
        (&json!(2), &json!(1), &json!(50))
    );
    let items = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    let first = &items[0];
    assert_eq!(
        keys(first),
        set(&[
            "number",
            "organization_name",
            "site_name",
            "prefecture",
            "address",
            "registered_on",
            "expires_on",
            "disclosure"
        ])
    );
    assert_eq!(first["number"], "REG-2026-0001");
    assert_eq!(first["organization_name"], "株式会社こころ相談センター");
    assert_eq!(first["site_name"], "小倉相談室");
    assert_eq!(first["prefecture"], "40");
    // REG-4: registered 2026-09-20 → valid through 2029-09-19.
    assert_eq!(first["registered_on"], "2026-09-20");
    assert_eq!(first["expires_on"], "2029-09-19");
    let d = &first["disclosure"];
    assert_eq!(
        keys(d),
        set(&[
            "fee_structure",
            "counselors",
            "hours",
            "methods",
            "psychiatrists",
            "other_services",
            "track_record"
        ])
    );
    assert_eq!(
        keys(&d["counselors"][0]),
        set(&["name", "qualification", "career"])
    );
    assert_eq!(
        keys(&d["psychiatrists"][0]),
        set(&["name", "career", "institution_name", "institution_address"])
    );
    assert_eq!(d["methods"], json!(["face_to_face", "phone", "email"]));
    assert!(!r.text().contains("contact@example.jp"), "no contact data");
    assert!(!r.text().contains("093-555-0101"), "no phone");

    // Japanese text search through the n-gram index: 2-character words, place names, width folding.
    let base = "/api/v1/public/registrations";
    assert_eq!(list(&app, &format!("{base}?q=精神")).await, vec![kokura.clone()]);
    assert_eq!(
        list(&app, &format!("{base}?q=北九州")).await,
        vec![kokura.clone()]
    );
    assert_eq!(list(&app, &format!("{base}?q=東京")).await, vec![tokyo.clone()]);
    assert_eq!(list(&app, &format!("{base}?q=ｵﾝﾗｲﾝ")).await, vec![tokyo.clone()]);
    assert_eq!(
        list(&app, &format!("{base}?q=福岡県")).await,
        vec![kokura.clone()]
    );
    assert!(list(&app, &format!("{base}?q=大阪")).await.is_empty());
    assert_eq!(list(&app, &format!("{base}?q=")).await.len(), 2);
    // Filters (REG-8 by prefecture; counseling method).
    assert_eq!(
        list(&app, &format!("{base}?prefecture=13")).await,
        vec![tokyo.clone()]
    );
    assert_eq!(
        list(&app, &format!("{base}?prefecture=40")).await,
        vec![kokura.clone()]
    );
    assert!(list(&app, &format!("{base}?prefecture=27")).await.is_empty());
    assert_eq!(
        list(&app, &format!("{base}?method=online")).await,
        vec![tokyo.clone()]
    );
    assert_eq!(
        list(&app, &format!("{base}?method=phone")).await,
        vec![kokura.clone()]
    );
    assert_eq!(list(&app, &format!("{base}?method=face_to_face")).await.len(), 2);
    assert!(
        list(&app, &format!("{base}?q=東京&method=phone"))
            .await
            .is_empty()
    );
    // API.md paging: `page` from 1 and `per_page`, the total on every page.
    let p2 = app.get(&format!("{base}?page=2&per_page=1"), None).await.json();
    assert_eq!(p2["items"].as_array().unwrap().len(), 1);
    assert_eq!(p2["items"][0]["number"], json!(tokyo));
    assert_eq!(
        (&p2["total"], &p2["page"], &p2["per_page"]),
        (&json!(2), &json!(2), &json!(1))
    );
    let past = app.get(&format!("{base}?page=3&per_page=1"), None).await.json();
    assert!(past["items"].as_array().unwrap().is_empty());
    assert_eq!(past["total"], 2);
    assert_problem(&app.get(&format!("{base}?page=0"), None).await, "page");
    assert_problem(&app.get(&format!("{base}?per_page=201"), None).await, "per_page");
    // The directory page says how many there are and links the next page.
    let html = app.get("/directory?per_page=1", None).await.text();
    assert!(html.contains("（2）"), "the total is shown");
    assert!(
        html.contains("href=\"/directory?page=2&amp;per_page=1\"")
            || html.contains("href=\"/directory?page=2&per_page=1\""),
        "next page link"
    );
    // The earlier paging extension still works.
    assert_eq!(list(&app, &format!("{base}?limit=1")).await, vec![kokura.clone()]);
    assert_eq!(
        list(&app, &format!("{base}?limit=1&offset=1")).await,
        vec![tokyo.clone()]
    );
    // Bad parameters → 400 problem+json naming the parameter.
    assert_problem(
        &app.get(&format!("{base}?prefecture=48"), None).await,
        "prefecture",
    );
    assert_problem(
        &app.get(&format!("{base}?prefecture=1"), None).await,
        "prefecture",
    );
    assert_problem(&app.get(&format!("{base}?method=fax"), None).await, "method");
    assert_problem(&app.get(&format!("{base}?limit=0"), None).await, "limit");
    assert_problem(&app.get(&format!("{base}?limit=201"), None).await, "limit");
    assert_problem(&app.get(&format!("{base}?offset=-1"), None).await, "offset");
    let long = "あ".repeat(101);
    assert_problem(&app.get(&format!("{base}?q={long}"), None).await, "q");
    assert_problem(&app.get(&format!("{base}?q=a&q=b"), None).await, "\"q\"");

    // REG-6 abolition takes the room out of the directory and out of the index, in the same transaction.
    app.post_json(
        &format!("/api/v1/registrations/{kokura}/abolition"),
        Some(&reg.org),
        &json!({"abolished_on": "2026-11-10", "reason": "相談室の閉鎖"}),
    )
    .await
    .assert_status(200);
    assert_eq!(list(&app, base).await, vec![tokyo.clone()]);
    assert!(list(&app, &format!("{base}?q=北九州")).await.is_empty());
    let indexed = nintei_store::search::search(&app.state.db, "registration", "北九州", 10)
        .await
        .unwrap();
    assert_eq!(indexed, Some(vec![]));
}

/// An accreditation MH-2026-0001 of 株式会社こころ認定 (福岡県), services a and b, accredited 2026-04-01.
async fn accredited(app: &TestApp) -> Acc<'_> {
    let acc = Acc::to_committee(app, &[]).await;
    acc.post("votes", &acc.member, json!({"outcome": "accredit"}))
        .await
        .assert_status(201);
    acc.decide(json!({"outcome": "accredit", "decided_on": "2026-04-01", "reason": "全会一致"}))
        .await
        .assert_status(200);
    acc
}

async fn set_status(app: &TestApp, status: &str) {
    app.state
        .db
        .execute_raw(&format!(
            "UPDATE accreditations SET status = '{status}' WHERE number = 'MH-2026-0001'"
        ))
        .await
        .unwrap();
    // As every status change of the application does, in its transaction: the directory follows.
    let mut tx = app.state.db.begin_write().await.unwrap();
    nintei_app::directory::reindex_accreditation(&mut tx, "MH-2026-0001")
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

// ACC-23: the public list of accreditations publishes only the ACC-23 fields, active ones only.
#[tokio::test]
async fn acc23_public_accreditations_list_active_only_with_acc23_fields() {
    let app = TestApp::new().await;
    let _acc = accredited(&app).await;
    let base = "/api/v1/public/accreditations";
    let r = app.get(base, None).await;
    r.assert_status(200);
    assert_eq!(
        r.json(),
        json!({"items": [{
            "number": "MH-2026-0001",
            "organization_name": "株式会社こころ認定",
            "services": ["a", "b"],
            "accredited_on": "2026-04-01",
            "expires_on": "2029-03-31",
            "status": "active"
        }], "total": 1, "page": 1, "per_page": 50})
    );
    assert!(!r.text().contains("87000000"), "never revenue");
    assert_eq!(
        list(&app, &format!("{base}?q=こころ")).await,
        vec!["MH-2026-0001"]
    );
    assert_eq!(list(&app, &format!("{base}?q=認定")).await, vec!["MH-2026-0001"]);
    assert_eq!(
        list(&app, &format!("{base}?q=研修")).await,
        vec!["MH-2026-0001"],
        "service b's name"
    );
    assert!(list(&app, &format!("{base}?q=東京")).await.is_empty());
    assert_eq!(
        list(&app, &format!("{base}?service=a")).await,
        vec!["MH-2026-0001"]
    );
    assert!(list(&app, &format!("{base}?service=c")).await.is_empty());
    assert_eq!(
        list(&app, &format!("{base}?prefecture=40")).await,
        vec!["MH-2026-0001"]
    );
    assert!(list(&app, &format!("{base}?prefecture=13")).await.is_empty());
    assert_problem(&app.get(&format!("{base}?service=f"), None).await, "service");
    assert_problem(&app.get(&format!("{base}?service=A"), None).await, "service");
    assert_problem(
        &app.get(&format!("{base}?prefecture=00"), None).await,
        "prefecture",
    );
    assert_problem(&app.get(&format!("{base}?limit=x"), None).await, "limit");
    // Suspended ones are not listed; past expiry ones neither.
    set_status(&app, "suspended").await;
    assert!(list(&app, base).await.is_empty());
    set_status(&app, "active").await;
    crate::reg_common::set_day(&app, "2029-04-01");
    assert!(list(&app, base).await.is_empty());
    crate::reg_common::set_day(&app, "2029-03-31");
    assert_eq!(list(&app, base).await, vec!["MH-2026-0001"]);
}

// ACC-23 verification: status active / suspended / lapsed / revoked; 404 for unknown numbers; counted per day.
#[tokio::test]
async fn acc23_certificate_verification_reports_status_and_is_counted() {
    let app = TestApp::new().await;
    let _acc = accredited(&app).await;
    let path = "/api/v1/public/accreditations/MH-2026-0001";
    let r = app.get(path, None).await;
    r.assert_status(200);
    assert_eq!(
        keys(&r.json()),
        set(&[
            "number",
            "organization_name",
            "services",
            "accredited_on",
            "expires_on",
            "status"
        ])
    );
    assert_eq!(r.json()["status"], "active");
    set_status(&app, "suspended").await;
    assert_eq!(
        app.get(path, None).await.assert_status(200).json()["status"],
        "suspended"
    );
    set_status(&app, "revoked").await;
    assert_eq!(
        app.get(path, None).await.assert_status(200).json()["status"],
        "revoked"
    );
    set_status(&app, "active").await;
    // ACC-11: accredited 2026-04-01 → valid through 2029-03-31; the day after it reads lapsed.
    crate::reg_common::set_day(&app, "2029-04-01");
    assert_eq!(
        app.get(path, None).await.assert_status(200).json()["status"],
        "lapsed"
    );

    let r = app.get("/api/v1/public/accreditations/MH-2026-9999", None).await;
    r.assert_status(404);
    assert!(r.header("content-type").starts_with("application/problem+json"));

    // Counted in memory on the request path, written by the flush (every second when serving).
    assert_eq!(app.state.verifications.pending(), 4);
    nintei_app::directory::flush_verifications(&app.state)
        .await
        .unwrap();
    let db = &app.state.db;
    assert_eq!(
        nintei_store::search::verification_count(db, "MH-2026-0001")
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        nintei_store::search::verification_count(db, "MH-2026-9999")
            .await
            .unwrap(),
        0
    );
    // Two days (2026-11-20 and 2029-04-01), no personal data: only number, day and count.
    assert_eq!(app.count("verification_counts").await, 2);
}

// The public pages: the directory finds both schemes, a listing page shows REG-5's items, and
// /verify answers plainly, 404 for unknown numbers; all without an account.
#[tokio::test]
async fn public_pages_directory_listing_and_verification_render_without_login() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, kokura) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let _acc = accredited(&app).await;

    let r = app.get("/directory?q=北九州", None).await;
    r.assert_status(200);
    let html = r.text();
    assert!(
        html.contains(&format!("/directory/registrations/{kokura}")),
        "{html}"
    );
    assert!(html.contains("小倉相談室"));
    assert!(!html.contains("MH-2026-0001"), "こころ認定 is not in 北九州");
    let html = app
        .get("/directory?service=a", None)
        .await
        .assert_status(200)
        .text();
    assert!(html.contains("/directory/accreditations/MH-2026-0001"));
    assert!(
        !html.contains(&kokura),
        "a service filter keeps to accredited organizations"
    );
    app.get("/directory?prefecture=99", None).await.assert_status(400);

    let html = app
        .get(&format!("/directory/registrations/{kokura}"), None)
        .await
        .assert_status(200)
        .text();
    for item in [
        "年間契約",
        "山田 花子",
        "さくらメンタルクリニック",
        "平日 9:00",
        "管理監督者研修",
        "25社",
    ] {
        assert!(html.contains(item), "{item}");
    }
    assert!(!html.contains("contact@example.jp"));
    app.get("/directory/registrations/REG-2026-9999", None)
        .await
        .assert_status(404);

    let r = app.get("/verify?number=MH-2026-0001", None).await;
    r.assert_status(303);
    let html = app
        .get("/verify/MH-2026-0001", None)
        .await
        .assert_status(200)
        .text();
    assert!(html.contains("有効な認定です"));
    assert!(html.contains("2029-03-31"));
    let html = app
        .get("/verify/MH-2026-9999", None)
        .await
        .assert_status(404)
        .text();
    assert!(html.contains("この番号の認定はありません"));
    app.get("/verify", None).await.assert_status(200);
}

// The directory page is rendered once per generation of the directory: a listing registered after a page was
// rendered is on that same page at the next request, and a page asked again unchanged is the same page.
#[tokio::test]
async fn the_directory_page_shows_a_new_listing_at_the_next_request() {
    let app = TestApp::new().await;
    let before = app
        .get("/directory?q=千代田", None)
        .await
        .assert_status(200)
        .text();
    assert!(!before.contains("千代田オンライン相談室"));
    assert_eq!(
        app.get("/directory?q=千代田", None).await.text(),
        before,
        "nothing changed: the same page"
    );
    let number = tokyo_room(&app).await;
    let after = app
        .get("/directory?q=千代田", None)
        .await
        .assert_status(200)
        .text();
    assert!(
        after.contains(&format!("/directory/registrations/{number}")),
        "{after}"
    );
    assert!(after.contains("千代田オンライン相談室"));
}
