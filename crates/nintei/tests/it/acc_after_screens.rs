//! the screens of what was API-only: filing an appeal from the case page (denial, ACC-21) and from the
//! accreditation page (revocation), the appeal's handling on its page (the office's information request, the
//! members' poll answers, the head's decision with the cost charge), the renewal application and the extension
//! of validity (ACC-19), adding and ending services (ACC-20); the certificate and the revocation notice as PDF
//! (ACC-18); the accreditation's deadlines linking to its page; and the daily expiry job leaving an extended
//! accreditation in force (ACC-17, ACC-19). Every form is posted as a browser does and its effect checked.

use chrono::{NaiveDate, TimeZone, Utc};
use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::acc_fixture::{Acc, accredited};
use crate::documents::pdf_text;
use crate::support::{Browser, PASSWORD, TestApp, TestResponse, hidden};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Sets the clock to 10:00 JST on `day`.
fn at(app: &TestApp, day: &str) {
    let t = Utc.from_utc_datetime(&d(day).and_hms_opt(1, 0, 0).unwrap());
    app.clock.set(t);
}

async fn signed_in<'a>(app: &'a TestApp, role: Role, org: Option<&str>) -> Browser<'a> {
    let (_, email) = app.user(role, org).await;
    let mut b = Browser::new(app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    b
}

/// A page and its CSRF token.
async fn page(b: &mut Browser<'_>, path: &str) -> (String, String) {
    let r = b.get(path).await;
    r.assert_status(200);
    let html = r.text();
    let csrf = hidden(&html, "csrf");
    (html, csrf)
}

async fn record(app: &TestApp, number: &str, token: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/accreditations/{number}"), Some(token))
        .await;
    r.assert_status(200);
    r.json()
}

async fn stored_status(app: &TestApp, number: &str) -> String {
    nintei_store::acc_records::by_number(app.state.db.pool(), number)
        .await
        .unwrap()
        .unwrap()
        .status
}

fn id_after(r: &TestResponse, prefix: &str) -> String {
    r.assert_status(303);
    let loc = r.location();
    let rest = loc
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{loc} does not start with {prefix}"));
    rest.split('?').next().unwrap().to_owned()
}

/// The four items of seed 003 第10章3 as the form sends them, with the evidence one a line.
fn filing<'a>(
    csrf: &'a str,
    known_on: &'a str,
    appealed_on: &'a str,
    evidence: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("organization_name", "株式会社こころ認定"),
        ("address", "福岡県北九州市八幡西区医生ケ丘1-1"),
        ("responsible_title", "代表取締役"),
        ("responsible_name", "山田 太郎"),
        ("known_on", known_on),
        ("purpose", "処分の取消しを求める。"),
        ("reasons", "改善は報告書の発行前に完了していた。"),
        ("appealed_on", appealed_on),
        ("received_on", ""),
        ("evidence", evidence),
    ]
}

#[tokio::test]
async fn acc_21_screens_file_an_appeal_on_the_case_page_and_handle_it_on_the_appeal_page() {
    let app = TestApp::new().await;
    // Denied on 2026-01-10, the notice received 2026-01-15 (docs/rules.md: appeal by 2026-02-16 with art. 142).
    let acc = Acc::to_committee(&app, &[]).await;
    acc.post("votes", &acc.member, json!({"outcome": "deny"}))
        .await
        .assert_status(201);
    acc.decide(
        json!({"outcome": "deny", "decided_on": "2026-01-10", "reason": "基準への適合が確認できない"}),
    )
    .await
    .assert_status(200);
    acc.post(
        "notice",
        &acc.office,
        json!({"sent_on": "2026-01-13", "received_on": "2026-01-15"}),
    )
    .await
    .assert_status(200);
    let case_path = format!("/accreditation/cases/{}", acc.case_id);
    let mut org = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
    let (html, csrf) = page(&mut org, &case_path).await;
    assert!(
        html.contains("不服申立てをする") && html.contains("対応責任者の職名"),
        "the filing form"
    );
    // The supporting material is required (ACC-21): the form comes back with the error (400).
    let r = org
        .post_form(
            &format!("{case_path}/appeal"),
            &filing(&csrf, "2026-01-15", "2026-02-16", "  \n "),
        )
        .await;
    r.assert_status(400);
    assert!(r.text().contains("根拠となる資料"), "{}", r.text());
    // Late (after 2026-02-16): 409 on the page, with the last day.
    let r = org
        .post_form(
            &format!("{case_path}/appeal"),
            &filing(&csrf, "2026-01-15", "2026-02-17", "改善記録"),
        )
        .await;
    r.assert_status(409);
    assert!(r.text().contains("2026-02-16"));
    // In time: the appeal page, with the four items and the evidence one a line.
    let r = org
        .post_form(
            &format!("{case_path}/appeal"),
            &filing(
                &csrf,
                "2026-01-15",
                "2026-02-16",
                "改善記録（2025年12月）\n研修実施記録\n",
            ),
        )
        .await;
    let id = id_after(&r, "/accreditation/appeals/");
    let (html, _) = page(&mut org, &format!("/accreditation/appeals/{id}")).await;
    assert!(
        html.contains("研修実施記録") && html.contains("2026-04-16") && html.contains("代表取締役 山田 太郎")
    );
    assert!(!html.contains("追加情報を求める") && !html.contains("審査の結果を記録する"));
    let (_, office_token) = app.login(Role::Office, None).await;
    let a = app
        .get(
            &format!("/api/v1/accreditation/appeals/{id}"),
            Some(&office_token),
        )
        .await
        .json();
    assert_eq!(a["subject"], "denial");
    assert_eq!(a["evidence"], json!(["改善記録（2025年12月）", "研修実施記録"]));
    let path = format!("/accreditation/appeals/{id}");

    // The office asks for more information and extends the review.
    let mut office = signed_in(&app, Role::Office, None).await;
    let (html, csrf) = page(&mut office, &path).await;
    assert!(html.contains("追加情報を求める") && !html.contains("賛否を回答する"));
    let r = office
        .post_form(
            &format!("{path}/information-request"),
            &[
                ("csrf", &csrf),
                ("requested_on", "2026-03-01"),
                ("items", "改善記録の原本"),
                ("review_due_on", "2026-05-29"),
            ],
        )
        .await;
    r.assert_status(303);
    let a = app
        .get(
            &format!("/api/v1/accreditation/appeals/{id}"),
            Some(&office_token),
        )
        .await
        .json();
    assert_eq!(a["review_due_on"], "2026-05-29");
    assert_eq!(a["information_requests"][0]["items"], "改善記録の原本");

    // The member who voted on the denial is refused on the page (409); two others answer the poll.
    let mut involved = Browser::new(&app);
    let involved_email = nintei_store::users::list(app.state.db.pool())
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.role == Role::Committee)
        .unwrap()
        .email;
    involved.sign_in(&involved_email, PASSWORD).await;
    let (html, csrf) = page(&mut involved, &path).await;
    assert!(html.contains("賛否を回答する"));
    let r = involved
        .post_form(
            &format!("{path}/vote"),
            &[("csrf", &csrf), ("outcome", "upheld"), ("confirmed", "1")],
        )
        .await;
    r.assert_status(409);
    // The refusal is shown in words, without the rule's ID.
    assert!(
        r.text().contains("role=\"alert\"") && !r.text().contains("ACC-21:"),
        "{}",
        r.text()
    );
    for _ in 0..2 {
        let mut m = signed_in(&app, Role::Committee, None).await;
        let (_, csrf) = page(&mut m, &path).await;
        // A vote is restated first and counts only once confirmed.
        let r = m
            .post_form(&format!("{path}/vote"), &[("csrf", &csrf), ("outcome", "upheld")])
            .await;
        r.assert_status(200);
        assert!(
            r.text().contains("不服申立てへの投票の確認") && r.text().contains("棄却"),
            "{}",
            r.text()
        );
        m.post_form(
            &format!("{path}/vote"),
            &[("csrf", &csrf), ("outcome", "upheld"), ("confirmed", "1")],
        )
        .await
        .assert_status(303);
    }

    // The head records the decision by polling; no justifiable reason: the cost is charged.
    let mut head = signed_in(&app, Role::Head, None).await;
    let (html, csrf) = page(&mut head, &path).await;
    assert!(html.contains("審査の結果を記録する"));
    let decision = |cost: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("confirmed", "1".to_owned()),
            ("outcome", "upheld".to_owned()),
            ("method", "polling".to_owned()),
            ("decided_on", "2026-05-20".to_owned()),
            ("reason", "新たな事実の主張がない".to_owned()),
            ("unjustified", "on".to_owned()),
            ("cost_yen", cost.to_owned()),
        ]
    };
    let fields = decision("");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = head.post_form(&format!("{path}/decision"), &refs).await;
    r.assert_status(400);
    assert!(r.text().contains("cost_yen"));
    let fields = decision("150,000");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    head.post_form(&format!("{path}/decision"), &refs)
        .await
        .assert_status(303);
    let a = app
        .get(
            &format!("/api/v1/accreditation/appeals/{id}"),
            Some(&office_token),
        )
        .await
        .json();
    assert_eq!(a["status"], "decided");
    assert_eq!(a["outcome"], "upheld");
    assert_eq!(a["method"], "polling");
    assert_eq!(a["justifiable"], false);
    assert!(a["cost_invoice_id"].is_string(), "{a}");
    let invoices = nintei_store::invoices::for_case(&mut app.state.db.acquire().await.unwrap(), &acc.case_id)
        .await
        .unwrap();
    assert!(invoices.iter().any(|i| i.subtotal_yen == 150_000));
    // Decided: the forms are gone; a second decision is refused.
    let (html, _) = page(&mut head, &path).await;
    assert!(html.contains("審査済み") && !html.contains("審査の結果を記録する"));
    let r = head.post_form(&format!("{path}/decision"), &refs).await;
    r.assert_status(409);
}

#[tokio::test]
async fn acc_21_a_meeting_decision_names_its_members_on_the_screen_and_overturns() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    post_api(
        &app,
        &format!("/api/v1/accreditations/{number}/revocation"),
        &acc.office,
        json!({"decided_on": "2026-10-01", "ground": "eligibility_lost", "method": "meeting",
               "reason": "受審資格を失った"}),
    )
    .await;
    // The organization files against the revocation on the accreditation page.
    let mut org = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
    let (html, csrf) = page(&mut org, &format!("/accreditations/{number}")).await;
    assert!(
        html.contains("不服申立てをする"),
        "the filing form on a revoked accreditation"
    );
    let r = org
        .post_form(
            &format!("/accreditations/{number}/appeal"),
            &filing(&csrf, "2026-10-02", "2026-10-20", "受審資格の証明書"),
        )
        .await;
    let id = id_after(&r, "/accreditation/appeals/");
    let path = format!("/accreditation/appeals/{id}");
    let (m1, _) = app.user(Role::Committee, None).await;
    let (m2, _) = app.user(Role::Committee, None).await;
    let mut office = signed_in(&app, Role::Office, None).await;
    let (html, csrf) = page(&mut office, &path).await;
    assert!(html.contains(&format!("member.{m1}")));
    // A meeting needs its members.
    let r = office
        .post_form(
            &format!("{path}/decision"),
            &[
                ("csrf", &csrf),
                ("confirmed", "1"),
                ("outcome", "overturned"),
                ("method", "meeting"),
                ("decided_on", "2026-11-10"),
            ],
        )
        .await;
    r.assert_status(400);
    assert!(r.text().contains("会議に出席した委員"));
    let (k1, k2) = (format!("member.{m1}"), format!("member.{m2}"));
    office
        .post_form(
            &format!("{path}/decision"),
            &[
                ("csrf", &csrf),
                ("confirmed", "1"),
                ("outcome", "overturned"),
                ("method", "meeting"),
                ("decided_on", "2026-11-10"),
                (&k1, "on"),
                (&k2, "on"),
                ("reason", "受審資格は失われていなかった"),
            ],
        )
        .await
        .assert_status(303);
    // Overturned: the accreditation is active again; the deciders are shown by name.
    assert_eq!(record(&app, &number, &acc.office).await["status"], "active");
    let (html, _) = page(&mut office, &path).await;
    assert!(html.contains("審査した委員"));
}

async fn post_api(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let r = app.post_json(path, Some(token), &body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
    r.json()
}

#[tokio::test]
async fn acc_19_screens_the_renewal_application_the_extension_request_and_its_decision() {
    let app = TestApp::new().await;
    at(&app, "2029-03-10");
    let (acc, number) = accredited(&app, "2026-04-01").await;
    let mut org = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
    let (html, csrf) = page(&mut org, &format!("/accreditations/{number}")).await;
    assert!(html.contains("認定の更新を申請する") && html.contains("認定サービスを追加する"));
    // A service ticked without its start date: the form error (400).
    let r = org
        .post_form(
            &format!("/accreditations/{number}/renewal"),
            &[
                ("csrf", &csrf),
                ("service.a", "on"),
                ("started_on.a", ""),
                ("annual_revenue_yen", "87,000,000"),
                ("applied_on", "2029-01-10"),
            ],
        )
        .await;
    r.assert_status(400);
    assert!(r.text().contains("services[0].started_on"), "{}", r.text());
    let r = org
        .post_form(
            &format!("/accreditations/{number}/renewal"),
            &[
                ("csrf", &csrf),
                ("service.a", "on"),
                ("started_on.a", "2025-03-01"),
                ("service.b", "on"),
                ("started_on.b", "2025-03-01"),
                ("other_services", "メール相談\n"),
                ("annual_revenue_yen", "87,000,000"),
                ("applied_on", "2029-01-10"),
            ],
        )
        .await;
    let case_id = id_after(&r, "/accreditation/cases/");
    let case = app
        .get(
            &format!("/api/v1/accreditation/cases/{case_id}"),
            Some(&acc.office),
        )
        .await
        .json();
    assert_eq!(case["kind"], "renewal");
    assert_eq!(case["renews"]["number"], json!(number));
    assert_eq!(case["annual_revenue_yen"], 87_000_000);
    // The extension of validity, asked on the renewal case's page.
    let case_path = format!("/accreditation/cases/{case_id}");
    let (html, csrf) = page(&mut org, &case_path).await;
    assert!(html.contains("認定期間の延長を申請する") && html.contains(&number));
    org.post_form(
        &format!("{case_path}/extension"),
        &[
            ("csrf", &csrf),
            ("requested_on", "2029-03-01"),
            ("requested_until", "2029-06-30"),
            ("reasons", "実地調査の日程が委員会の開催後になったため"),
        ],
    )
    .await
    .assert_status(303);
    let (html, _) = page(&mut org, &case_path).await;
    assert!(html.contains("判断待ち") && !html.contains("認定期間の延長を申請する"));
    // The office decides it on the same page; the validity moves.
    let mut office = signed_in(&app, Role::Office, None).await;
    let (html, csrf) = page(&mut office, &case_path).await;
    assert!(html.contains("認定期間の延長を判断する"));
    let r = office
        .post_form(
            &format!("{case_path}/extension-decision"),
            &[("csrf", &csrf), ("decided_on", "2029-03-05")],
        )
        .await;
    r.assert_status(400);
    office
        .post_form(
            &format!("{case_path}/extension-decision"),
            &[
                ("csrf", &csrf),
                ("granted", "yes"),
                ("decided_on", "2029-03-05"),
                ("extended_until", ""),
            ],
        )
        .await
        .assert_status(303);
    let r = record(&app, &number, &acc.office).await;
    assert_eq!(r["expires_on"], "2029-06-30");
    let (html, _) = page(&mut office, &case_path).await;
    assert!(html.contains("延長を認めた") && !html.contains("認定期間の延長を判断する"));
}

#[tokio::test]
async fn acc_17_acc_19_the_daily_expiry_job_keeps_an_accreditation_extended_during_its_renewal() {
    let app = TestApp::new().await;
    at(&app, "2029-03-10");
    let (mut acc, number) = accredited(&app, "2026-04-01").await;
    let r = post_api(
        &app,
        &format!("/api/v1/accreditations/{number}/renewal"),
        &acc.org_user,
        crate::acc_fixture::application(&acc.org_id, "2029-01-10"),
    )
    .await;
    acc.case_id = r["id"].as_str().unwrap().to_owned();
    post_api(
        &app,
        &acc.path("extension"),
        &acc.org_user,
        json!({"requested_on": "2029-03-01", "requested_until": "2029-06-30", "reasons": "審査の日程"}),
    )
    .await;
    post_api(
        &app,
        &acc.path("extension/decision"),
        &acc.office,
        json!({"granted": true, "decided_on": "2029-03-05"}),
    )
    .await;
    // Past the original expiry (2029-03-31): still in force, on every day up to the extended expiry.
    for day in ["2029-04-01", "2029-04-02", "2029-06-30"] {
        assert_eq!(
            nintei_app::acc::record::expire_due(&app.state, d(day))
                .await
                .unwrap(),
            0,
            "{day}"
        );
        assert_eq!(stored_status(&app, &number).await, "active", "{day}");
    }
    at(&app, "2029-04-01");
    let public = app
        .get(&format!("/api/v1/public/accreditations/{number}"), None)
        .await
        .json();
    assert_eq!(public["status"], "active");
    assert_eq!(public["expires_on"], "2029-06-30");
    // The extension ends without a renewal decision: the job lapses it the day after (the test can fail).
    assert_eq!(
        nintei_app::acc::record::expire_due(&app.state, d("2029-07-01"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(stored_status(&app, &number).await, "lapsed");
}

#[tokio::test]
async fn acc_20_screens_add_a_service_and_end_one() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    let mut org = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
    let path = format!("/accreditations/{number}");
    let (html, csrf) = page(&mut org, &path).await;
    assert!(html.contains("認定サービスを中止する"));
    // Less than six months of track record: 409 with the rule on the page.
    let r = org
        .post_form(
            &format!("{path}/services"),
            &[
                ("csrf", &csrf),
                ("service.c", "on"),
                ("started_on.c", "2026-06-01"),
                ("applied_on", "2026-11-20"),
            ],
        )
        .await;
    r.assert_status(409);
    assert!(
        r.text().contains("role=\"alert\"") && !r.text().contains("ACC-20:"),
        "{}",
        r.text()
    );
    let r = org
        .post_form(
            &format!("{path}/services"),
            &[
                ("csrf", &csrf),
                ("service.c", "on"),
                ("started_on.c", "2026-05-01"),
                ("applied_on", "2026-11-20"),
            ],
        )
        .await;
    let case_id = id_after(&r, "/accreditation/cases/");
    let case = app
        .get(
            &format!("/api/v1/accreditation/cases/{case_id}"),
            Some(&acc.office),
        )
        .await
        .json();
    assert_eq!(case["kind"], "scope_addition");
    assert_eq!(case["fees"]["total_yen"], 60_000);
    // Ending a service that is not accredited: 409; ending b: the services are a only, the certificate's return
    // asked.
    let r = org
        .post_form(
            &format!("{path}/service-end"),
            &[
                ("csrf", &csrf),
                ("service", "c"),
                ("ended_on", "2026-11-01"),
                ("notified_on", "2026-11-20"),
            ],
        )
        .await;
    r.assert_status(409);
    org.post_form(
        &format!("{path}/service-end"),
        &[
            ("csrf", &csrf),
            ("service", "b"),
            ("ended_on", "2026-11-01"),
            ("notified_on", "2026-11-20"),
            ("reason", "事業の再編"),
        ],
    )
    .await
    .assert_status(303);
    let r = record(&app, &number, &acc.office).await;
    assert_eq!(r["services"], json!(["a"]));
    let kinds: Vec<&str> = r["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"service_ended") && kinds.contains(&"certificate_return_requested"));
    // One service left: no ending form (ending it is a lapse).
    let (html, _) = page(&mut org, &path).await;
    assert!(!html.contains("認定サービスを中止する</h3>"));
}

#[tokio::test]
async fn acc_18_the_certificate_and_the_revocation_notice_as_pdf_for_the_organization_and_the_office_only() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    let case = acc.case().await;
    for inv in case["invoices"].as_array().unwrap() {
        let due = inv["total_yen"].as_i64().unwrap();
        let id = inv["id"].as_str().unwrap();
        post_api(
            &app,
            &format!(
                "/api/v1/accreditation/cases/{}/invoices/{id}/payments",
                acc.case_id
            ),
            &acc.office,
            json!({"paid_on": "2026-11-20", "amount_yen": due}),
        )
        .await;
    }
    let r = post_api(
        &app,
        &format!("/api/v1/accreditations/{number}/certificates"),
        &acc.office,
        json!({"issued_on": "2026-11-20"}),
    )
    .await;
    let cert_id = r["certificates"][0]["id"]
        .as_str()
        .or_else(|| r["id"].as_str())
        .unwrap_or_else(|| panic!("certificate id in {r}"))
        .to_owned();
    let href = format!("/accreditations/{number}/certificates/{cert_id}/certificate.pdf");
    let mut org = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
    let (html, _) = page(&mut org, &format!("/accreditations/{number}")).await;
    assert!(
        html.contains(&href),
        "the certificate's link on the accreditation page"
    );
    let text = pdf_text(&org.get(&href).await);
    for needle in [
        "認定証",
        number.as_str(),
        "株式会社こころ認定",
        "令和8年4月1日",
        "令和11年3月31日",
        "令和8年11月20日",
        "相談",
        "/verify/",
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
    let mut office = signed_in(&app, Role::Office, None).await;
    office.get(&href).await.assert_status(200);
    // Anyone else: 404 (another organization, staff outside the office); an unknown certificate: 404.
    let other = app.organization("株式会社ほかの機関").await;
    let mut stranger = signed_in(&app, Role::Organization, Some(&other)).await;
    stranger.get(&href).await.assert_status(404);
    for role in [Role::Committee, Role::Surveyor, Role::Coordinator] {
        let mut b = signed_in(&app, role, None).await;
        b.get(&href).await.assert_status(404);
    }
    org.get(&format!(
        "/accreditations/{number}/certificates/nope/certificate.pdf"
    ))
    .await
    .assert_status(404);
    // Not revoked: no revocation notice.
    let notice = format!("/accreditations/{number}/revocation-notice.pdf");
    org.get(&notice).await.assert_status(404);
    post_api(
        &app,
        &format!("/api/v1/accreditations/{number}/revocation"),
        &acc.office,
        json!({"decided_on": "2026-11-20", "ground": "eligibility_lost", "method": "meeting",
               "reason": "法人の解散により受審資格を失った"}),
    )
    .await;
    let (html, _) = page(&mut org, &format!("/accreditations/{number}")).await;
    assert!(
        html.contains(&notice),
        "the notice's link on the revoked accreditation"
    );
    let text = pdf_text(&org.get(&notice).await);
    for needle in [
        "認定取消通知書",
        number.as_str(),
        "令和8年11月20日",
        "認定受審資格を失ったこと",
        "法人の解散により受審資格を失った",
        "認定委員会の会議",
        "不服申立て",
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
    office.get(&notice).await.assert_status(200);
    stranger.get(&notice).await.assert_status(404);
    // A revoked accreditation's certificate is no longer printed.
    org.get(&href).await.assert_status(409);
}

#[tokio::test]
async fn deadlines_of_the_accreditation_link_to_its_page() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    // The first annual report is due 2027-04-30 (ACC-14): within the next 30 days on 2027-04-20.
    at(&app, "2027-04-20");
    let mut org = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
    let (html, _) = page(&mut org, "/deadlines").await;
    assert!(html.contains("2027-04-30"), "{html}");
    assert!(
        html.contains(&format!("href=\"/accreditations/{number}\"")),
        "{html}"
    );
    let mut office = signed_in(&app, Role::Office, None).await;
    let (html, _) = page(&mut office, "/deadlines").await;
    assert!(html.contains(&format!("href=\"/accreditations/{number}\"")));
}
