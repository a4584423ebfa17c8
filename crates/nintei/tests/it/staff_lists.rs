//! Staff lists at real size: search, one filter, a sort and pages of 50 with the total, the query kept in the page
//! links — on the organizations, ACC cases, accreditations and mail lists.

use nintei_domain::role::Role;
use serde_json::json;

use crate::support::{Browser, PASSWORD, TestApp, org_body};

fn rows(html: &str) -> usize {
    let body = html.split("<tbody>").nth(1).unwrap_or("");
    let body = body.split("</tbody>").next().unwrap_or("");
    body.matches("<tr>").count() + body.matches("<tr ").count()
}

#[tokio::test]
async fn the_organization_list_pages_searches_filters_and_sorts() {
    let app = TestApp::new().await;
    let (_, office) = app.login(Role::Office, None).await;
    for i in 0..57 {
        let r = app
            .post_json(
                "/api/v1/organizations",
                Some(&office),
                &org_body(&format!("株式会社いちょう{i:02}")),
            )
            .await;
        r.assert_status(201);
    }
    let mut body = org_body("医療法人さくら会");
    body["legal_form"] = json!("iryo_hojin");
    body["prefecture"] = json!("13");
    body["address"] = json!("東京都千代田区丸の内1-1");
    app.post_json("/api/v1/organizations", Some(&office), &body)
        .await
        .assert_status(201);
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await;

    // 58 organizations: 50 on the first page, the total said, a link to the next page.
    let html = b.get("/organizations").await.text();
    assert_eq!(rows(&html), 50, "{html}");
    assert!(html.contains("該当 58（1–50）"), "{html}");
    assert!(html.contains("href=\"/organizations?page=2\""), "{html}");
    let html = b.get("/organizations?page=2").await.text();
    assert_eq!(rows(&html), 8);
    assert!(
        html.contains("該当 58（51–58）") && html.contains("rel=\"prev\"") && !html.contains("rel=\"next\"")
    );

    // Search by part of the name, filter by prefecture, and both kept in the page links.
    let html = b.get("/organizations?q=%E3%81%95%E3%81%8F%E3%82%89").await.text();
    assert_eq!(rows(&html), 1);
    assert!(html.contains("医療法人さくら会"));
    let html = b.get("/organizations?only=13").await.text();
    assert_eq!(rows(&html), 1);
    let html = b
        .get("/organizations?q=%E3%81%84%E3%81%A1%E3%82%87%E3%81%86&sort=newest")
        .await
        .text();
    assert!(html.contains("該当 57"), "{html}");
    assert!(
        html.contains(
            "href=\"/organizations?q=%E3%81%84%E3%81%A1%E3%82%87%E3%81%86&amp;sort=newest&amp;page=2\""
        ) || html
            .contains("href=\"/organizations?q=%E3%81%84%E3%81%A1%E3%82%87%E3%81%86&sort=newest&page=2\""),
        "the next page keeps the search and the sort: {html}"
    );
    let html = b.get("/organizations?sort=prefecture").await.text();
    let first = html
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap()
        .to_owned();
    assert!(
        first.contains("さくら会"),
        "東京都 (13) before 福岡県 (40): {first}"
    );
    // A wildcard in the search text matches itself only; nonsense input is no error.
    let html = b.get("/organizations?q=%25&only=zz&sort=x&page=-3").await.text();
    assert_eq!(rows(&html), 1, "only the 'none' row");
    assert!(html.contains("該当 0"));
}

#[tokio::test]
async fn the_case_list_searches_within_what_the_caller_may_see() {
    let app = TestApp::new().await;
    let acc = crate::acc_fixture::Acc::new(&app, "2025-09-01", None).await;
    let other = app.organization("社会福祉法人かえで").await;
    let (_, other_user) = app.login(Role::Organization, Some(&other)).await;
    app.post_json(
        crate::acc_fixture::BASE,
        Some(&other_user),
        &crate::acc_fixture::application(&other, "2025-09-02"),
    )
    .await
    .assert_status(201);
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await;
    let html = b.get("/accreditation/cases").await.text();
    assert_eq!(rows(&html), 2);
    let html = b
        .get("/accreditation/cases?q=%E3%81%8B%E3%81%88%E3%81%A7")
        .await
        .text();
    assert_eq!(rows(&html), 1);
    assert!(html.contains("社会福祉法人かえで"));
    let html = b.get("/accreditation/cases?only=accepted").await.text();
    assert!(html.contains("該当 0"));
    // The organization's user searching for the other organization finds nothing of it.
    let (_, org_email) = app.user(Role::Organization, Some(&acc.org_id)).await;
    let mut o = Browser::new(&app);
    o.sign_in(&org_email, PASSWORD).await;
    let html = o
        .get("/accreditation/cases?q=%E3%81%8B%E3%81%88%E3%81%A7")
        .await
        .text();
    assert!(
        html.contains("該当 0") && !html.contains("社会福祉法人かえで"),
        "{html}"
    );
    let html = o.get("/accreditation/cases").await.text();
    assert_eq!(rows(&html), 1);
}

#[tokio::test]
async fn one_search_box_finds_organizations_cases_and_registrations_by_name_or_number() {
    let app = TestApp::new().await;
    let reg = crate::reg_common::setup(&app).await;
    let (_, number) = crate::reg_common::register(&app, &reg, "2026-11-02", "2026-11-10").await;
    let acc = crate::acc_fixture::Acc::new(&app, "2025-09-01", None).await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await;
    // By the registration number: the registration.
    let html = b.get(&format!("/search?q={number}")).await.text();
    assert!(
        html.contains(&format!("href=\"/registration/registrations/{number}\"")),
        "{html}"
    );
    // By part of an organization's name: the organization, its application and its registration.
    let html = b
        .get("/search?q=%E3%81%93%E3%81%93%E3%82%8D%E7%9B%B8%E8%AB%87")
        .await
        .text();
    assert!(
        html.contains(&format!("href=\"/organizations/{}\"", reg.org_id)),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/registration/registrations/{number}\"")));
    let html = b
        .get("/search?q=%E3%81%93%E3%81%93%E3%82%8D%E8%AA%8D%E5%AE%9A")
        .await
        .text();
    assert!(
        html.contains(&format!("href=\"/accreditation/cases/{}\"", acc.case_id)),
        "{html}"
    );
    let html = b.get("/search?q=zzzz").await.text();
    assert!(html.contains("id=\"search-none\""));
    // A surveyor not on the case finds no case and no organization; an organization's user has no search.
    let (_, surveyor) = app.user(Role::Surveyor, None).await;
    let mut sb = Browser::new(&app);
    sb.sign_in(&surveyor, PASSWORD).await;
    let html = sb
        .get("/search?q=%E3%81%93%E3%81%93%E3%82%8D%E8%AA%8D%E5%AE%9A")
        .await
        .text();
    assert!(
        !html.contains(&acc.case_id) && html.contains("id=\"search-none\""),
        "{html}"
    );
    let (_, org_email) = app.user(Role::Organization, Some(&acc.org_id)).await;
    let mut ob = Browser::new(&app);
    ob.sign_in(&org_email, PASSWORD).await;
    ob.get("/search?q=x").await.assert_status(404);
}
