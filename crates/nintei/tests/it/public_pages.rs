//! the public pages without an account — an accredited organization's page with exactly ACC-23's items,
//! the prefecture view of REG-8, the directory's days/hours filters over the disclosed counseling hours, and the
//! directory as open data (CSV and JSON at stable URLs with a last-updated date).

use serde_json::{Value, json};

use crate::acc_fixture::Acc;
use crate::reg_common::{self, setup};
use crate::support::TestApp;

/// Registers a new room of the set-up organization with the given disclosed hours; returns its number.
async fn room_with_hours(app: &TestApp, reg: &reg_common::Reg, name: &str, hours: &str) -> String {
    let site = reg_common::add_site(app, &reg.office, &reg.org_id, name).await;
    let mut body = reg_common::application(&reg.org_id, &site, "2026-09-01");
    body["disclosure"]["hours"] = json!(hours);
    let r = app
        .post_json("/api/v1/registration/cases", Some(&reg.office), &body)
        .await;
    r.assert_status(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            &format!("/api/v1/registration/cases/{id}/review"),
            Some(&reg.office),
            &json!({"decision": "register", "decided_on": "2026-09-20"}),
        )
        .await;
    r.assert_status(200);
    r.json()["registration"]["number"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn acc_23_an_accredited_organizations_page_shows_exactly_the_public_items() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    let r = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2025-12-10"}))
        .await;
    r.assert_status(200);
    let number = r.json()["accreditation"]["number"].as_str().unwrap().to_owned();

    let dir = app.get("/directory", None).await;
    assert!(
        dir.text()
            .contains(&format!("/directory/accreditations/{number}"))
    );
    let page = app
        .get(&format!("/directory/accreditations/{number}"), None)
        .await;
    page.assert_status(200);
    let html = page.text();
    for shown in [
        "株式会社こころ認定",
        number.as_str(),
        "相談窓口・ショートカウンセリング",
        "教育・研修",
        "2025-12-10",
        "2028-12-09",
        &format!("/verify/{number}"),
    ] {
        assert!(html.contains(shown), "{shown} on the page");
    }
    // Nothing else the organization submitted (ACC-23): no revenue, contact, representative or ratings.
    for hidden in [
        "87000000",
        "87,000,000",
        "contact@example.jp",
        "093-555-0101",
        "山田 太郎",
        "担当 花子",
    ] {
        assert!(!html.contains(hidden), "{hidden} must stay confidential");
    }
    app.get("/directory/accreditations/MH-2099-9999", None)
        .await
        .assert_status(404);
    // A suspended accreditation is not listed (verification says what became of it).
    crate::support::sqlx_exec(
        &app.state.db,
        &format!("UPDATE accreditations SET status = 'suspended' WHERE number = '{number}'"),
    )
    .await;
    app.get(&format!("/directory/accreditations/{number}"), None)
        .await
        .assert_status(404);
}

#[tokio::test]
async fn reg_8_prefecture_view_for_the_support_centers() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = reg_common::register(&app, &reg, "2026-09-01", "2026-09-20").await;

    let index = app.get("/prefectures", None).await;
    index.assert_status(200);
    let html = index.text();
    assert!(
        html.contains("href=\"/prefectures/40\">福岡県</a></th><td>1</td><td>0</td>"),
        "{html}"
    );
    assert!(html.contains("href=\"/prefectures/13\">東京都</a></th><td>0</td><td>0</td>"));
    assert!(html.contains("href=\"/prefectures/01\">北海道</a>"), "all 47");
    // An accredited organization in the same prefecture is counted beside the room (both counts in SQL).
    crate::acc_fixture::accredited(&app, "2026-01-20").await;
    let html = app.get("/prefectures", None).await.text();
    assert!(
        html.contains("href=\"/prefectures/40\">福岡県</a></th><td>1</td><td>1</td>"),
        "{html}"
    );

    let fukuoka = app.get("/prefectures/40", None).await;
    fukuoka.assert_status(200);
    let html = fukuoka.text();
    assert!(html.contains("福岡県"));
    assert!(html.contains(&format!("/directory/registrations/{number}")));
    assert!(html.contains("小倉相談室") && html.contains("平日 9:00〜18:00"));
    let tokyo = app.get("/prefectures/13", None).await.text();
    assert!(!tokyo.contains(&number));
    app.get("/prefectures/48", None).await.assert_status(404);
    app.get("/prefectures/fukuoka", None).await.assert_status(404);
    // English too.
    let r = app
        .send(
            axum::http::Request::get("/prefectures")
                .header("cookie", "nintei_lang=en")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(r.text().contains(">Fukuoka<"), "{}", r.text());
}

#[tokio::test]
async fn directory_filters_by_disclosed_days_and_hours() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let late = room_with_hours(
        &app,
        &reg,
        "夜間相談室",
        "平日 9:00〜20:00、土曜 10:00〜17:00（日祝休み）",
    )
    .await;
    let office_hours = room_with_hours(&app, &reg, "日中相談室", "平日 9:00〜17:00（土日祝休み）").await;
    let sunday = room_with_hours(&app, &reg, "日曜相談室", "土日祝 10:00〜16:00").await;

    let listed = |html: &str| -> Vec<bool> {
        [&late, &office_hours, &sunday]
            .iter()
            .map(|n| html.contains(&format!("/directory/registrations/{n}")))
            .collect()
    };
    let page = |q: &'static str| {
        let app = &app;
        async move {
            let r = app.get(&format!("/directory?{q}"), None).await;
            r.assert_status(200);
            r.text()
        }
    };
    assert_eq!(listed(&page("").await), [true, true, true]);
    assert_eq!(listed(&page("day=weekday").await), [true, true, false]);
    assert_eq!(listed(&page("day=saturday").await), [true, false, true]);
    assert_eq!(listed(&page("day=holiday").await), [false, false, true]);
    assert_eq!(listed(&page("evening=1").await), [true, false, false]);
    assert_eq!(
        listed(&page("day=saturday&evening=1").await),
        [true, false, false]
    );
    assert_eq!(listed(&page("day=weekday&q=日中").await), [false, true, false]);
    let html = page("day=saturday").await;
    assert!(
        html.contains("<option value=\"saturday\" selected>"),
        "the choice is kept"
    );
    let r = app.get("/directory?day=funday", None).await;
    r.assert_status(400);
    assert!(r.text().contains("day"));

    // The public API takes the same filters (an extension of API.md "Public").
    let rooms = [late.clone(), office_hours.clone(), sunday.clone()];
    let api = |q: &'static str| {
        let app = &app;
        let rooms = &rooms;
        async move {
            let r = app.get(&format!("/api/v1/public/registrations?{q}"), None).await;
            r.assert_status(200);
            let v = r.json();
            rooms
                .iter()
                .map(|n| {
                    v["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|i| i["number"] == n.as_str())
                })
                .collect::<Vec<bool>>()
        }
    };
    assert_eq!(api("day=holiday").await, [false, false, true]);
    assert_eq!(api("day=weekday&evening=true").await, [true, false, false]);
    for bad in ["day=funday", "evening=maybe"] {
        let r = app
            .get(&format!("/api/v1/public/registrations?{bad}"), None)
            .await;
        r.assert_status(400);
    }

    // A database indexed before the facets existed is reindexed once at start-up.
    let st = &app.state;
    crate::support::sqlx_exec(&st.db, "DELETE FROM search_terms WHERE term LIKE 'r#%'").await;
    crate::support::sqlx_exec(&st.db, "DELETE FROM settings WHERE key = 'search.index_version'").await;
    // (behind the application's back: the directory generation is moved by hand so cached results are dropped)
    crate::support::sqlx_exec(&st.db, "UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1000 AS TEXT) WHERE key = 'directory.generation'")
        .await;
    assert_eq!(api("day=holiday").await, [false, false, false], "facets gone");
    nintei_app::directory::ensure_search_index(st).await.unwrap();
    assert_eq!(api("day=holiday").await, [false, false, true]);
    assert_eq!(listed(&page("evening=1").await), [true, false, false]);
}

#[tokio::test]
async fn open_data_at_stable_urls_with_a_last_updated_date() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = reg_common::register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let acc = Acc::to_committee(&app, &[]).await;
    let r = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2025-12-10"}))
        .await;
    let acc_number = r.json()["accreditation"]["number"].as_str().unwrap().to_owned();

    let dir = app.get("/directory", None).await.text();
    for link in [
        "/open-data/registrations.csv",
        "/open-data/registrations.json",
        "/open-data/accreditations.csv",
        "/open-data/accreditations.json",
    ] {
        assert!(dir.contains(link), "the directory links {link}");
    }
    // support::t0() is 2026-11-20 10:00 JST: everything changed today.
    assert!(
        dir.contains("<time datetime=\"2026-11-20\">"),
        "the last-updated date is shown"
    );

    let r = app.get("/open-data/registrations.csv", None).await;
    r.assert_status(200);
    assert_eq!(r.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(r.header("access-control-allow-origin"), "*");
    assert_eq!(r.header("last-modified"), "Fri, 20 Nov 2026 01:00:00 GMT");
    assert_eq!(&r.body[..3], b"\xEF\xBB\xBF");
    let csv = String::from_utf8(r.body[3..].to_vec()).unwrap();
    assert!(
        csv.starts_with("登録番号,機関名,相談室名,都道府県コード,都道府県,所在地,登録日,有効期限,"),
        "{csv}"
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with(&number))
        .expect("the registration's row");
    assert!(
        row.contains(",株式会社こころ相談センター,小倉相談室,40,福岡県,"),
        "{row}"
    );
    assert!(row.contains(",2026-09-20,2029-09-19,"), "{row}");
    assert!(row.contains("山田 花子（臨床心理士）"), "{row}");

    let r = app.get("/open-data/registrations.json", None).await;
    r.assert_status(200);
    assert_eq!(r.header("content-type"), "application/json; charset=utf-8");
    let j = r.json();
    assert_eq!(j["last_updated"], "2026-11-20");
    assert_eq!(j["count"], 1);
    assert_eq!(j["items"][0]["number"], json!(number));
    // The same item as the public API's (API.md "Public").
    let api = app.get("/api/v1/public/registrations", None).await.json();
    assert_eq!(j["items"][0], api["items"][0]);

    let j = app.get("/open-data/accreditations.json", None).await.json();
    assert_eq!(j["count"], 1);
    let item = &j["items"][0];
    let keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys.iter().copied().collect::<std::collections::BTreeSet<_>>(),
        [
            "accredited_on",
            "expires_on",
            "number",
            "organization_name",
            "services",
            "status"
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(item["number"], json!(acc_number));
    assert_eq!(item["services"], json!(["a", "b"]));
    let csv =
        String::from_utf8(app.get("/open-data/accreditations.csv", None).await.body[3..].to_vec()).unwrap();
    assert!(csv.starts_with("認定番号,機関名,認定サービス,認定日,有効期限\r\n"));
    assert!(csv.contains(&format!("{acc_number},株式会社こころ認定,")));
    assert!(csv.contains(",2025-12-10,2028-12-09\r\n"));

    // A registration that ends leaves the open data (REG-5: only rooms in force are published).
    let r = app
        .post_json(
            &format!("/api/v1/registrations/{number}/abolition"),
            Some(&reg.org),
            &json!({"abolished_on": "2026-11-20", "reason": "相談室の閉鎖"}),
        )
        .await;
    r.assert_status(200);
    let j: Value = app.get("/open-data/registrations.json", None).await.json();
    assert_eq!(j["count"], 0);
}
