//! ACC screens: each role does its step in a browser, in Japanese, with CSRF-protected forms that run
//! the same steps as the API.

use nintei_domain::role::Role;
use serde_json::json;

use crate::support::{Browser, PASSWORD, TestApp};

async fn signed_in<'a>(app: &'a TestApp, role: Role, org: Option<&str>) -> (Browser<'a>, String, String) {
    let (id, email) = app.user(role, org).await;
    let mut b = Browser::new(app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    let token = app.token_for(&email).await;
    (b, id, token)
}

fn case_id_from(location: &str) -> String {
    location
        .trim_start_matches("/accreditation/cases/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn each_role_does_its_step_on_screen_from_application_to_accreditation() {
    let app = TestApp::new().await;
    let org = app.organization("株式会社こころ画面").await;
    let (mut org_b, _, org_token) = signed_in(&app, Role::Organization, Some(&org)).await;
    let (mut office_b, _, office_token) = signed_in(&app, Role::Office, None).await;
    let (coordinator_id, _) = app.user(Role::Coordinator, None).await;
    let (mut lead_b, lead_id, lead_token) = signed_in(&app, Role::Surveyor, None).await;
    let (mut member_b, _, _) = signed_in(&app, Role::Committee, None).await;

    // The organization applies on the form of the seed's 見本.
    let form = org_b.get("/accreditation/cases/new").await;
    form.assert_status(200);
    let html = form.text();
    assert!(html.contains("MH認定の申込み") && html.contains("メンタルヘルスサービスの直近年間売上高"));
    let csrf = org_b.csrf("/accreditation/cases/new").await;
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("applied_on", "2025-09-01"),
        ("service_a", "1"),
        ("started_a", "2025-03-01"),
        ("service_b", "1"),
        ("started_b", "2025-03-01"),
        ("other_services", "メール相談サービス"),
        ("annual_revenue_yen", "87,000,000"),
        ("contact_department", "産業保健推進課"),
        ("contact_name", "産業 花子"),
        ("contact_phone", "093-691-7464"),
        ("contact_fax", "093-691-1211"),
        ("contact_email", "nintei@example.jp"),
        ("att_pamphlets", "1"),
    ];
    // Without the board's decision: 400 with the message by the field; nothing stored.
    let r = org_b.post_form("/accreditation/cases", &fields).await;
    r.assert_status(400);
    assert!(r.text().contains("機関決定"), "{}", r.text());
    assert_eq!(app.count("acc_cases").await, 0);
    // Without the form token: 403.
    let no_token: Vec<_> = fields.iter().filter(|(k, _)| *k != "csrf").copied().collect();
    org_b
        .post_form("/accreditation/cases", &no_token)
        .await
        .assert_status(403);
    fields.push(("board_decided", "1"));
    let r = org_b.post_form("/accreditation/cases", &fields).await;
    r.assert_status(303);
    let id = case_id_from(&r.location());
    let page = org_b.get(&r.location()).await;
    page.assert_status(200);
    let html = page.text();
    for expected in [
        "申込みを受け付けました",
        "申請受付",
        "計算上の受審資格：あり",
        "¥620,000",
        "サンプル",
        "審査を辞退する",
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    let case_path = format!("/accreditation/cases/{id}");
    let case = app.get(&format!("/api/v1{case_path}"), Some(&org_token)).await;
    case.assert_status(200);
    assert_eq!(case.json()["application"]["contact"]["fax"], "093-691-1211");
    assert_eq!(case.json()["annual_revenue_yen"], 87_000_000);

    // Another organization's user gets 404; the list shows the case to its own.
    let other = app.organization("株式会社よその画面").await;
    let (mut other_b, _, _) = signed_in(&app, Role::Organization, Some(&other)).await;
    other_b.get(&case_path).await.assert_status(404);
    assert!(
        org_b
            .get("/accreditation/cases")
            .await
            .text()
            .contains("株式会社こころ画面")
    );

    // The office accepts (the invoice appears), plans and assigns the lead surveyor.
    let html = office_b.get(&case_path).await.text();
    assert!(html.contains("受審資格の判定"));
    let csrf = office_b.csrf(&case_path).await;
    let r = office_b
        .post_form(
            &format!("{case_path}/eligibility"),
            &[("csrf", &csrf), ("eligible", "yes"), ("decided_on", "2025-09-10")],
        )
        .await;
    r.assert_status(303);
    let html = office_b.get(&r.location()).await.text();
    assert!(html.contains("INV-2025-0001") && html.contains("T9000000000000") && html.contains("¥682,000"));
    // The office records the payment of the invoice (prefilled with the amount due).
    assert!(html.contains("value=\"682000\""));
    let invoice_id = crate::support::hidden(&html, "invoice_id");
    let r = office_b
        .post_form(
            &format!("{case_path}/payment"),
            &[
                ("csrf", &csrf),
                ("invoice_id", &invoice_id),
                ("paid_on", "2025-09-30"),
                ("amount_yen", "682,001"),
                ("confirmed", "1"),
            ],
        )
        .await;
    r.assert_status(400);
    // An amount that is not a number is said beside the amount, not taken for a missing one.
    let r = office_b
        .post_form(
            &format!("{case_path}/payment"),
            &[
                ("csrf", &csrf),
                ("invoice_id", &invoice_id),
                ("paid_on", "2025-09-30"),
                ("amount_yen", "68万円"),
                ("confirmed", "1"),
            ],
        )
        .await;
    r.assert_status(400);
    assert!(r.text().contains("<p class=\"error\">数字で入力してください</p>"));
    office_b
        .post_form(
            &format!("{case_path}/payment"),
            &[
                ("csrf", &csrf),
                ("invoice_id", &invoice_id),
                ("paid_on", "2025-09-30"),
                ("amount_yen", "682,000"),
                ("confirmed", "1"),
            ],
        )
        .await
        .assert_status(303);
    assert!(office_b.get(&case_path).await.text().contains("支払済み"));
    // A planned site visit before the due date: 400 shown next to the field.
    let r = office_b
        .post_form(
            &format!("{case_path}/plan"),
            &[
                ("csrf", &csrf),
                ("coordinator_id", &coordinator_id),
                ("self_study_due_on", "2025-10-31"),
                ("site_visit_on", "2025-10-01"),
            ],
        )
        .await;
    r.assert_status(400);
    office_b
        .post_form(
            &format!("{case_path}/plan"),
            &[
                ("csrf", &csrf),
                ("coordinator_id", &coordinator_id),
                ("self_study_due_on", "2025-10-31"),
                ("site_visit_on", "2025-11-10"),
            ],
        )
        .await
        .assert_status(303);
    office_b
        .post_form(
            &format!("{case_path}/surveyors"),
            &[("csrf", &csrf), ("user_id", &lead_id), ("lead", "1")],
        )
        .await
        .assert_status(303);

    // The organization submits its self-study with the representative's confirmation.
    let csrf = org_b.csrf(&case_path).await;
    org_b
        .post_form(
            &format!("{case_path}/self-study"),
            &[("csrf", &csrf), ("submitted_on", "2025-10-20")],
        )
        .await
        .assert_status(400);
    org_b
        .post_form(
            &format!("{case_path}/self-study"),
            &[
                ("csrf", &csrf),
                ("submitted_on", "2025-10-20"),
                ("confirmed", "1"),
            ],
        )
        .await
        .assert_status(303);

    // The lead surveyor rates on the rating screen (one standard here, a 3 without comment refused).
    let ratings_path = format!("{case_path}/ratings");
    let page = lead_b.get(&ratings_path).await;
    page.assert_status(200);
    assert!(page.text().contains("ETH 1.01") && page.text().contains("サンプル"));
    let csrf = lead_b.csrf(&ratings_path).await;
    let r = lead_b
        .post_form(
            &ratings_path,
            &[
                ("csrf", &csrf),
                ("standard", "ETH 1.01"),
                ("rating", "3"),
                ("comment", ""),
            ],
        )
        .await;
    r.assert_status(400);
    // The sheet shows one section at a time with each section's progress.
    assert!(
        page.text().contains("aria-current=\"page\">ETH"),
        "the first section is shown"
    );
    // Saved in place (htmx): the answer is the standard's part of the sheet; a 3 without its comment puts the
    // cursor on the comment, a good save says so and moves the sheet's count.
    let htmx = [
        ("origin", "http://nintei.test"),
        ("sec-fetch-site", "same-origin"),
        ("hx-request", "true"),
    ];
    let r = lead_b
        .post_form_with(
            &ratings_path,
            &[
                ("csrf", &csrf),
                ("standard", "ETH 1.01"),
                ("rating", "4"),
                ("comment", ""),
            ],
            &htmx,
        )
        .await;
    r.assert_status(200);
    let part = r.text();
    assert!(part.starts_with("<section") && !part.contains("<html"), "{part}");
    assert!(
        part.contains("autofocus aria-invalid=\"true\"") && part.contains("role=\"alert\""),
        "{part}"
    );
    let r = lead_b
        .post_form_with(
            &ratings_path,
            &[
                ("csrf", &csrf),
                ("standard", "ETH 1.01"),
                ("rating", "1"),
                ("comment", ""),
            ],
            &htmx,
        )
        .await;
    let part = r.text();
    assert!(
        part.contains("保存しました") && part.contains("hx-swap-oob=\"true\">評価済み 1 /"),
        "{part}"
    );
    let r = lead_b
        .post_form(
            &ratings_path,
            &[
                ("csrf", &csrf),
                ("standard", "ETH 1.01"),
                ("rating", "2"),
                ("comment", "概ね実施"),
                ("unrated", "1"),
            ],
        )
        .await;
    r.assert_status(303);
    assert!(
        r.location().ends_with("?unrated=1#s-ETH-1-01"),
        "{}",
        r.location()
    );
    let unrated = lead_b.get(&format!("{ratings_path}?unrated=1")).await.text();
    assert!(
        !unrated.contains("id=\"s-ETH-1-01\""),
        "a rated standard is filtered out"
    );
    assert!(unrated.contains("id=\"s-ETH-1-02\""));
    // The rest through the API, as a tablet would send them.
    let standards = app
        .get("/api/v1/accreditation/standards", Some(&lead_token))
        .await
        .json();
    for s in standards["items"].as_array().unwrap() {
        let service = s["service"].as_str();
        if service.is_some_and(|x| x != "a" && x != "b") || s["code"] == "ETH 1.01" {
            continue;
        }
        app.post_json(
            &format!("/api/v1/accreditation/cases/{id}/ratings"),
            Some(&lead_token),
            &json!({"standard": s["code"], "rating": 1, "comment": ""}),
        )
        .await
        .assert_status(201);
    }
    let csrf = lead_b.csrf(&case_path).await;
    lead_b
        .post_form(
            &format!("{case_path}/report"),
            &[("csrf", &csrf), ("issued_on", "2025-11-20")],
        )
        .await
        .assert_status(303);

    // A committee member votes; the office records the decision.
    // A vote is irreversible: the first post restates it and records nothing; the confirmed one records it.
    let csrf = member_b.csrf(&case_path).await;
    let r = member_b
        .post_form(
            &format!("{case_path}/votes"),
            &[("csrf", &csrf), ("outcome", "accredit")],
        )
        .await;
    r.assert_status(200);
    let html = r.text();
    assert!(
        html.contains("投票の確認")
            && html.contains("認定")
            && html.contains("name=\"confirmed\" value=\"1\"")
    );
    let votes = nintei_store::acc::votes(app.state.db.pool(), &id).await.unwrap();
    assert!(votes.is_empty(), "nothing is recorded before the confirmation");
    member_b
        .post_form(
            &format!("{case_path}/votes"),
            &[("csrf", &csrf), ("outcome", "accredit"), ("confirmed", "1")],
        )
        .await
        .assert_status(303);
    // ACC-11: the office sees the open round's tally beside the decision form.
    let html = office_b.get(&case_path).await.text();
    assert!(
        html.contains("この回の投票：1人") && html.contains("認定1・保留0・延期0・否認0"),
        "{html}"
    );
    let csrf = office_b.csrf(&case_path).await;
    let r = office_b
        .post_form(
            &format!("{case_path}/decision"),
            &[
                ("csrf", &csrf),
                ("outcome", "accredit"),
                ("decided_on", "2026-04-01"),
                ("confirmed", "1"),
            ],
        )
        .await;
    r.assert_status(303);
    let html = org_b.get(&case_path).await.text();
    assert!(
        html.contains("MH-2026-0001") && html.contains("2029-03-31"),
        "{html}"
    );
    // A second identical decision from a stale page: 409 shown as a page, nothing changed.
    let r = office_b
        .post_form(
            &format!("{case_path}/decision"),
            &[
                ("csrf", &csrf),
                ("outcome", "deny"),
                ("decided_on", "2026-04-02"),
                ("confirmed", "1"),
            ],
        )
        .await;
    r.assert_status(409);
    let case = app
        .get(&format!("/api/v1/accreditation/cases/{id}"), Some(&office_token))
        .await
        .json();
    assert_eq!(case["status"], "accredited");
}

#[tokio::test]
async fn the_standards_screen_marks_the_sample_and_english_works() {
    let app = TestApp::new().await;
    let (mut b, _, _) = signed_in(&app, Role::Surveyor, None).await;
    let page = b.get("/accreditation/standards").await;
    page.assert_status(200);
    let html = page.text();
    assert!(
        html.contains("サンプル") && html.contains("実際の審査には使えません") && html.contains("倫理実践")
    );
    b.cookies.insert("nintei_lang".into(), "en".into());
    let html = b.get("/accreditation/standards").await.text();
    assert!(html.contains("SAMPLE") && html.contains("Core concept"));
    // Surveyors see no application button; nobody signed in goes to the login page.
    assert!(
        !b.get("/accreditation/cases")
            .await
            .text()
            .contains("/accreditation/cases/new")
    );
    let mut anonymous = Browser::new(&app);
    assert_eq!(anonymous.get("/accreditation/cases").await.location(), "/login");
    b.get("/accreditation/cases/new").await.assert_status(403);
}

#[tokio::test]
async fn acc_10_the_organization_and_the_committee_read_the_reports_standards_rated_3_or_4_with_comments() {
    let app = TestApp::new().await;
    let acc = crate::acc_fixture::Acc::rated(&app, &[("RPM 2.01", 3)]).await;
    let (mut org_b, _, _) = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
    let (mut member_b, _, _) = signed_in(&app, Role::Committee, None).await;
    let page = format!("/accreditation/cases/{}", acc.case_id);
    // Before the report the organization sees no ratings.
    let before = org_b.get(&page).await;
    before.assert_status(200);
    assert!(!before.text().contains("RPM 2.01: 確認しました"));
    acc.report("2025-11-20").await;
    let org_html = org_b.get(&page).await.text();
    // The organization answers the report it reads; the committee reads the same when it votes.
    acc.respond("2025-12-01").await;
    let member_html = member_b.get(&page).await.text();
    for html in [org_html, member_html] {
        assert!(html.contains("実地調査報告書：3・4と評価された基準"), "{html}");
        // The standard, its rating and the surveyors' comment, not only its code.
        assert!(
            html.contains("RPM 2.01") && html.contains("RPM 2.01: 確認しました"),
            "{html}"
        );
        assert!(
            !html.contains("ETH 1.01: 確認しました"),
            "standards rated 1 or 2 are not listed"
        );
    }
}

#[tokio::test]
async fn acc_6_the_submission_form_shows_the_sections_still_missing_a_narrative_or_evidence() {
    let app = TestApp::new().await;
    let acc = crate::acc_fixture::Acc::new(&app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    acc.plan("2025-10-31", "2025-11-10").await;
    let study = app.get(&acc.path("self-study"), Some(&acc.org_user)).await.json();
    let sections = study["progress"]["sections"].as_array().unwrap().clone();
    let first = sections[0]["section_code"].as_str().unwrap().to_owned();
    let (mut org, _, _) = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
    let page = org
        .get(&format!("/accreditation/cases/{}", acc.case_id))
        .await
        .text();
    assert!(page.contains("id=\"study-missing\""), "the warning is shown");
    assert!(
        page.matches("<li>").count() >= sections.len(),
        "every incomplete section is listed"
    );
    assert!(page.contains(&format!("{first} ")), "{first} is listed");
    // Written: the section is no longer listed for its narrative (its evidence is still missing).
    acc.post(
        "self-study/narratives",
        &acc.org_user,
        json!({"section": first, "body": "倫理綱領を定め、年1回の研修で確認している。"}),
    )
    .await
    .assert_status(200);
    let page = org
        .get(&format!("/accreditation/cases/{}", acc.case_id))
        .await
        .text();
    let line = page
        .split("<li>")
        .find(|l| l.starts_with(&format!("{first} ")))
        .expect("still listed for its evidence")
        .to_owned();
    assert!(!line.contains("未記入"), "{line}");
    assert!(line.contains("エビデンス"), "{line}");
}
