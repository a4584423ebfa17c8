//! the PDF documents of real cases, downloaded through the screens' links and read back with
//! `pdftotext` (Debian poppler-utils): the ACC acceptance notice (ACC-4), invoice (ACC-22), the result notice of
//! each outcome (ACC-11/12) and the review report (ACC-12); the REG registration certificate (REG-5). Dates in
//! wareki, with the western year when the office setting asks for it. Only the organization, the office and the
//! head get the letters; everybody else 404.

use std::process::Command;

use nintei_domain::role::Role;
use serde_json::json;

use crate::acc_fixture::Acc;
use crate::reg_common::{register, setup};
use crate::support::{Browser, PASSWORD, TestApp, TestResponse};

async fn signed_in<'a>(app: &'a TestApp, role: Role, org: Option<&str>) -> Browser<'a> {
    let (_, email) = app.user(role, org).await;
    let mut b = Browser::new(app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    b
}

/// The text of a PDF as `pdftotext` extracts it, without white space (a phrase wrapped across lines is found).
pub fn pdf_text(r: &TestResponse) -> String {
    r.assert_status(200);
    assert_eq!(r.header("content-type"), "application/pdf");
    assert!(r.body.starts_with(b"%PDF-"), "a PDF file");
    let dir = std::env::temp_dir().join(format!("nintei-it-pdf-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("doc.pdf");
    std::fs::write(&path, &r.body).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext is needed: install the Debian package poppler-utils");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[track_caller]
fn assert_has(text: &str, needles: &[&str]) {
    for n in needles {
        let squeezed: String = n.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&squeezed), "{n:?} not in the PDF text:\n{text}");
    }
}

#[tokio::test]
async fn acc_letters_of_an_accredited_case_carry_its_data() {
    let app = TestApp::new().await;
    let acc = Acc::to_committee(&app, &[]).await;
    let r = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2025-12-10"}))
        .await;
    r.assert_status(200);
    let number = r.json()["accreditation"]["number"].as_str().unwrap().to_owned();
    let case = acc.case().await;
    let invoice = &case["invoices"][0];
    let invoice_id = invoice["id"].as_str().unwrap();
    let invoice_number = invoice["number"].as_str().unwrap();

    let mut org = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
    let id = &acc.case_id;
    let page = org.get(&format!("/accreditation/cases/{id}")).await;
    page.assert_status(200);
    let html = page.text();
    let base = format!("/accreditation/cases/{id}/documents");
    for link in [
        format!("{base}/acceptance-notice.pdf"),
        format!("{base}/result-notice.pdf"),
        format!("{base}/review-report.pdf"),
        format!("{base}/site-visit-report.pdf"),
        format!("/accreditation/cases/{id}/invoices/{invoice_id}/invoice.pdf"),
    ] {
        assert!(html.contains(&link), "the case screen links {link}");
    }

    // ACC-4: applied 2025-09-01, accepted 2025-09-10; ACC-22: ¥87M with services a, b → ¥620,000 before tax.
    let t = pdf_text(&org.get(&format!("{base}/acceptance-notice.pdf")).await);
    assert_has(
        &t,
        &[
            "申請受諾通知書",
            "株式会社こころ認定",
            "代表取締役 山田 太郎",
            "令和7年9月1日",
            "令和7年9月10日",
            "相談窓口・ショートカウンセリング",
            "教育・研修",
            "620,000円",
            invoice_number,
        ],
    );
    // ACC-22: the invoice with the office's qualified-invoice number and 10% tax (¥62,000; ¥682,000 in all).
    let t = pdf_text(
        &org.get(&format!(
            "/accreditation/cases/{id}/invoices/{invoice_id}/invoice.pdf"
        ))
        .await,
    );
    assert_has(
        &t,
        &[
            "請求書",
            invoice_number,
            invoice["registration_number"].as_str().unwrap(),
            "株式会社こころ認定",
            "¥620,000",
            "¥62,000",
            "¥682,000",
        ],
    );
    // ACC-11/12: accredited 2025-12-10, valid 3 years counted from that day.
    let t = pdf_text(&org.get(&format!("{base}/result-notice.pdf")).await);
    assert_has(
        &t,
        &[
            "認定審査結果通知書",
            "「認定」と決定",
            &number,
            "令和7年12月10日から令和10年12月9日まで",
        ],
    );
    let t = pdf_text(&org.get(&format!("{base}/review-report.pdf")).await);
    assert_has(
        &t,
        &["審査報告書", "機関の長所", "改善すべき分野", "令和7年12月10日"],
    );
    // ACC-10: the site-visit report of the visit 2025-11-10/11, issued 2025-11-20, every standard rated 1.
    let t = pdf_text(&org.get(&format!("{base}/site-visit-report.pdf")).await);
    assert_has(
        &t,
        &[
            "実地調査報告書",
            "令和7年11月10日〜令和7年11月11日",
            "令和7年11月20日",
            "基準ごとの評価とコメント",
            "1 完全な実践",
            "3 部分的な実践：0件",
        ],
    );

    // The western year, when the office wants it.
    let mut tx = app.state.db.begin_write().await.unwrap();
    nintei_store::settings::set(
        &mut tx,
        nintei_app::settings::SETTING_DATE_STYLE,
        "wareki_western",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let t = pdf_text(&org.get(&format!("{base}/result-notice.pdf")).await);
    assert_has(&t, &["令和7年（2025年）12月10日"]);

    // The office and the head read them too; nobody else learns they exist.
    for role in [Role::Office, Role::Head] {
        let mut b = signed_in(&app, role, None).await;
        pdf_text(&b.get(&format!("{base}/review-report.pdf")).await);
    }
    let other_org = app.organization("株式会社べつの会社").await;
    let mut others = vec![signed_in(&app, Role::Organization, Some(&other_org)).await];
    // (The administrator, who must enrol a second factor in the browser first, is covered by the authz matrix.)
    for role in [Role::Coordinator, Role::Surveyor, Role::Committee] {
        others.push(signed_in(&app, role, None).await);
    }
    for b in &mut others {
        for path in [
            format!("{base}/acceptance-notice.pdf"),
            format!("{base}/result-notice.pdf"),
            format!("{base}/review-report.pdf"),
            format!("/accreditation/cases/{id}/invoices/{invoice_id}/invoice.pdf"),
        ] {
            b.get(&path).await.assert_status(404);
        }
    }
    // An unknown invoice of a visible case is not found either.
    org.get(&format!("/accreditation/cases/{id}/invoices/nope/invoice.pdf"))
        .await
        .assert_status(404);
}

#[tokio::test]
async fn acc_letters_exist_only_once_their_step_happened() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    let mut office = signed_in(&app, Role::Office, None).await;
    let base = format!("/accreditation/cases/{}/documents", acc.case_id);
    for doc in ["acceptance-notice", "result-notice", "review-report"] {
        office.get(&format!("{base}/{doc}.pdf")).await.assert_status(404);
    }
    let page = office.get(&format!("/accreditation/cases/{}", acc.case_id)).await;
    assert!(!page.text().contains("acceptance-notice.pdf"));
    acc.accept("2025-09-10").await;
    pdf_text(&office.get(&format!("{base}/acceptance-notice.pdf")).await);
    office
        .get(&format!("{base}/result-notice.pdf"))
        .await
        .assert_status(404);
}

#[tokio::test]
async fn acc_result_notices_for_hold_defer_and_deny() {
    let app = TestApp::new().await;
    let cases = [
        (
            json!({"outcome": "hold", "decided_on": "2025-12-10", "reason": "財務管理の資料が不足"}),
            vec![
                "「保留」と決定",
                "保留の理由",
                "財務管理の資料が不足",
                "資料の提出期限",
            ],
        ),
        (
            json!({"outcome": "defer", "decided_on": "2025-12-10", "grace_until": "2026-06-10",
                   "reason": "苦情対応の手順が未整備"}),
            vec!["「延期」と決定", "改善の猶予期間", "令和8年6月10日まで"],
        ),
        (
            json!({"outcome": "deny", "decided_on": "2025-12-10", "reason": "基本的な基準を満たしていない"}),
            vec![
                "「否認」と決定",
                "否認の理由",
                "基本的な基準を満たしていない",
                "不服申立て",
            ],
        ),
    ];
    for (decision, expected) in cases {
        let acc = Acc::to_committee(&app, &[]).await;
        acc.decide(decision.clone()).await.assert_status(200);
        let mut org = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
        let base = format!("/accreditation/cases/{}/documents", acc.case_id);
        let t = pdf_text(&org.get(&format!("{base}/result-notice.pdf")).await);
        assert_has(&t, &["認定審査結果通知書", "令和7年12月10日"]);
        assert_has(&t, &expected);
        // ACC-12: a review report after an accreditation or a denial only.
        let review = org.get(&format!("{base}/review-report.pdf")).await;
        if decision["outcome"] == "deny" {
            assert_has(&pdf_text(&review), &["審査報告書", "否認"]);
        } else {
            review.assert_status(404);
        }
    }
}

#[tokio::test]
async fn reg_5_registration_certificate_as_pdf() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    // docs/rules.md REG-4: registered 2026-09-20 → valid through 2029-09-19.
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let mut org = Browser::new(&app);
    org.sign_in(&reg.org_email, PASSWORD).await.assert_status(303);
    let page = org.get(&format!("/registration/registrations/{number}")).await;
    assert!(
        page.text()
            .contains(&format!("/registration/registrations/{number}/certificate.pdf"))
    );
    let t = pdf_text(
        &org.get(&format!("/registration/registrations/{number}/certificate.pdf"))
            .await,
    );
    assert_has(
        &t,
        &[
            "登録証",
            &number,
            "株式会社こころ相談センター",
            "小倉相談室",
            "福岡県北九州市小倉北区",
            "令和8年9月20日から令和11年9月19日まで",
        ],
    );
    assert!(
        !t.contains("福岡県福岡県"),
        "the prefecture is not repeated before the address"
    );
    let other_org = app.organization("株式会社よその相談室").await;
    let mut other = signed_in(&app, Role::Organization, Some(&other_org)).await;
    other
        .get(&format!("/registration/registrations/{number}/certificate.pdf"))
        .await
        .assert_status(404);
    let mut surveyor = signed_in(&app, Role::Surveyor, None).await;
    surveyor
        .get(&format!("/registration/registrations/{number}/certificate.pdf"))
        .await
        .assert_status(404);
}

/// The secret address shown on the deadlines screen right after it was made, as a path.
fn feed_path(html: &str) -> String {
    let start = html.find("/calendar/").expect("the feed address is shown");
    let rest = &html[start..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn calendar_feed_is_secret_revocable_and_rfc_5545() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    acc.plan("2025-10-31", "2025-11-10").await;

    let mut org = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
    let page = org.get("/deadlines").await;
    page.assert_status(200);
    assert!(page.text().contains("カレンダー配信"));
    let csrf = crate::support::hidden(&page.text(), "csrf");
    let made = org
        .post_form("/deadlines/calendar-feed", &[("csrf", &csrf)])
        .await;
    made.assert_status(200);
    let html = made.text();
    assert!(
        html.contains("http://127.0.0.1:8080/calendar/"),
        "the address uses base_url"
    );
    let path = feed_path(&html);
    assert!(path.ends_with(".ics"));
    let secret = path
        .trim_start_matches("/calendar/")
        .trim_end_matches(".ics")
        .to_owned();
    assert!(secret.len() >= 40, "a long random secret: {secret}");

    // Anyone with the address (a calendar application) gets the organization's deadlines; no session needed.
    let r = app.get(&path, None).await;
    r.assert_status(200);
    assert_eq!(r.header("content-type"), "text/calendar; charset=utf-8");
    let raw = r.text();
    for line in raw.split("\r\n") {
        assert!(line.len() <= 75, "folded at 75 octets: {line:?}");
    }
    // Unfolded (RFC 5545 3.1) for the checks below.
    let ics = raw.replace("\r\n ", "");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{ics}");
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(ics.contains("\r\nBEGIN:VEVENT\r\n"));
    assert!(
        ics.contains("\r\nDTSTART;VALUE=DATE:20251031\r\n"),
        "the self-study is due 2025-10-31: {ics}"
    );
    assert!(ics.contains("\r\nDTEND;VALUE=DATE:20251101\r\n"));
    assert!(ics.contains("SUMMARY:セルフスタディ"), "{ics}");
    assert!(ics.contains(&format!(
        "URL:http://127.0.0.1:8080/accreditation/cases/{}",
        acc.case_id
    )));

    // Only the hash is stored: deleting rows keyed by the secret itself removes nothing.
    crate::support::sqlx_exec(
        &app.state.db,
        &format!("DELETE FROM calendar_feeds WHERE token_hash = '{secret}' OR user_id = '{secret}'"),
    )
    .await;
    app.get(&path, None).await.assert_status(200);

    // Another organization's feed does not carry this case's deadline.
    let other_org = app.organization("株式会社べつの会社").await;
    let mut other = signed_in(&app, Role::Organization, Some(&other_org)).await;
    let csrf2 = other.csrf("/deadlines").await;
    let other_path = feed_path(
        &other
            .post_form("/deadlines/calendar-feed", &[("csrf", &csrf2)])
            .await
            .text(),
    );
    let other_ics = app.get(&other_path, None).await.text();
    assert!(
        other_ics.contains("BEGIN:VCALENDAR") && !other_ics.contains("BEGIN:VEVENT"),
        "{other_ics}"
    );

    // A new address replaces the old one; revoking ends it; unknown secrets are 404.
    let csrf = org.csrf("/deadlines").await;
    let second = feed_path(
        &org.post_form("/deadlines/calendar-feed", &[("csrf", &csrf)])
            .await
            .text(),
    );
    assert_ne!(second, path);
    app.get(&path, None).await.assert_status(404);
    app.get(&second, None).await.assert_status(200);
    let r = org
        .post_form("/deadlines/calendar-feed/revoke", &[("csrf", &csrf)])
        .await;
    r.assert_status(303);
    assert_eq!(r.location(), "/deadlines?feed=revoked");
    app.get(&second, None).await.assert_status(404);
    app.get("/calendar/nope.ics", None).await.assert_status(404);
    app.get(second.trim_end_matches(".ics"), None)
        .await
        .assert_status(404);
    assert!(
        org.get("/deadlines?feed=revoked")
            .await
            .text()
            .contains("配信を停止しました")
    );
}

#[tokio::test]
async fn office_exports_cases_deadlines_and_invoices_as_csv_and_json() {
    let app = TestApp::new().await;
    let acc = Acc::new(
        &app,
        "2025-09-01",
        Some(&|org: &str| {
            let mut body = crate::acc_fixture::application(org, "2025-09-01");
            // A unit name that Excel would take for a formula.
            body["unit_name"] = json!("=1+1相談部");
            body
        }),
    )
    .await;
    // ACC-2: a department is accepted after the head decided it qualifies.
    acc.post(
        "unit-decision",
        &acc.head,
        json!({"qualifies": true, "decided_on": "2025-09-05"}),
    )
    .await
    .assert_status(200);
    acc.accept("2025-09-10").await;
    acc.plan("2025-10-31", "2025-11-10").await;
    let case = acc.case().await;
    let invoice_number = case["invoices"][0]["number"].as_str().unwrap().to_owned();

    let mut office = signed_in(&app, Role::Office, None).await;
    let page = office.get("/exports").await;
    page.assert_status(200);
    assert!(page.text().contains("/exports/invoices.csv"));

    let r = office.get("/exports/acc-cases.csv").await;
    r.assert_status(200);
    assert_eq!(r.header("content-type"), "text/csv; charset=utf-8");
    assert!(
        r.header("content-disposition")
            .starts_with("attachment; filename=\"nintei-acc-cases-")
    );
    assert_eq!(&r.body[..3], b"\xEF\xBB\xBF", "UTF-8 BOM for Excel");
    let csv = String::from_utf8(r.body[3..].to_vec()).unwrap();
    assert!(csv.starts_with("案件ID,機関ID,機関名,部門,状態,申請日"), "{csv}");
    assert!(csv.contains("\r\n"), "CRLF rows");
    let line = csv
        .lines()
        .find(|l| l.contains(&acc.case_id))
        .expect("the case's row");
    assert!(line.contains("株式会社こころ認定"), "{line}");
    assert!(line.contains(",'=1+1相談部,"), "a formula is defused: {line}");
    assert!(
        line.contains(",self_study,2025-09-01,a b,87000000,true,2025-09-10,2025-10-31,"),
        "{line}"
    );

    let r = office.get("/exports/acc-cases.json").await;
    r.assert_status(200);
    let j = r.json();
    let item = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == json!(acc.case_id))
        .unwrap()
        .clone();
    assert_eq!(item["status"], "self_study");
    assert_eq!(item["unit_name"], "=1+1相談部", "JSON keeps the value as it is");
    assert_eq!(item["annual_revenue_yen"], 87_000_000);
    assert!(
        j["generated_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-20T10:00:00+09:00")
    );

    let r = office.get("/exports/deadlines.json").await;
    let items = r.json()["items"].as_array().unwrap().clone();
    let d = items
        .iter()
        .find(|d| d["subject_id"] == json!(acc.case_id) && d["kind"] == "self_study")
        .unwrap();
    assert_eq!(d["due_on"], "2025-10-31");
    assert_eq!(d["status"], "late", "open past its date on 2026-11-20");
    assert_eq!(d["organization_name"], "株式会社こころ認定");
    let csv = String::from_utf8(office.get("/exports/deadlines.csv").await.body[3..].to_vec()).unwrap();
    assert!(csv.starts_with("期限ID,種類,内容"));
    assert!(csv.contains(",self_study,"));

    let r = office.get("/exports/invoices.json").await;
    let inv = r.json()["items"][0].clone();
    assert_eq!(inv["number"], json!(invoice_number));
    assert_eq!(
        (
            inv["subtotal_yen"].clone(),
            inv["tax_yen"].clone(),
            inv["total_yen"].clone()
        ),
        (json!(620_000), json!(62_000), json!(682_000))
    );
    assert_eq!(inv["paid"], false);
    let csv = String::from_utf8(office.get("/exports/invoices.csv").await.body[3..].to_vec()).unwrap();
    assert!(
        csv.contains(&format!("{invoice_number},")) && csv.contains(",620000,10,62000,682000,0,false,"),
        "{csv}"
    );

    // Nobody outside the office and the administrator.
    let mut org = signed_in(&app, Role::Organization, Some(&acc.org_id)).await;
    org.get("/exports/acc-cases.csv").await.assert_status(403);
    let mut head = signed_in(&app, Role::Head, None).await;
    head.get("/exports/invoices.json").await.assert_status(403);
}

/// The outbox's messages to `to` whose subject contains `needle`.
async fn mails(app: &TestApp, to: &str, needle: &str) -> Vec<nintei_store::mail::OutboxMail> {
    nintei_store::mail::list(app.state.db.pool(), 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to == to && m.subject.contains(needle))
        .collect()
}

async fn reg_deadlines(app: &TestApp, subject: &str, id: &str) -> Vec<nintei_store::deadlines::Deadline> {
    nintei_store::deadlines::for_subject(app.state.db.pool(), subject, id)
        .await
        .unwrap()
}

#[tokio::test]
async fn reg_4_renewal_deadline_and_notices_through_a_registrations_life() {
    let app = TestApp::new().await;
    let mut reg = setup(&app).await;
    let contact = "contact@example.jp";
    // REG-5: registered 2026-09-20 → the renewal application is due on the last day, 2029-09-19 (REG-4).
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let d = reg_deadlines(&app, "registration", &number).await;
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].kind.as_str(), d[0].due_on.as_str()),
        ("reg_renewal", "2029-09-19")
    );
    assert_eq!(d[0].owner, "organization");
    assert_eq!(d[0].organization_id.as_deref(), Some(reg.org_id.as_str()));
    let m = mails(&app, contact, &number).await;
    assert_eq!(m.len(), 1, "one registration notice");
    assert!(m[0].subject.contains("登録しました"));
    assert!(
        m[0].body.contains("令和8年9月20日から令和11年9月19日まで"),
        "{}",
        m[0].body
    );
    assert!(m[0].body.contains(&format!(
        "http://127.0.0.1:8080/registration/registrations/{number}/certificate.pdf"
    )));

    assert_eq!(d[0].title, format!("登録{number}の更新申請"));

    // The reminder job mails it 30 days before (2029-08-20), once.
    crate::reg_common::set_day(&app, "2029-08-20");
    assert_eq!(nintei_app::reminders::run(&app.state).await.unwrap(), 1);
    assert_eq!(nintei_app::reminders::run(&app.state).await.unwrap(), 0);
    assert_eq!(mails(&app, contact, "期限のお知らせ").await.len(), 1);

    // A renewal application within validity meets it; the renewal moves it to the new expiry.
    reg.relogin(&app).await;
    let mut body = crate::reg_common::application(&reg.org_id, &reg.site_id, "2029-08-20");
    body["renewal_of"] = json!(number);
    let r = app
        .post_json("/api/v1/registration/cases", Some(&reg.org), &body)
        .await;
    r.assert_status(201);
    let case_id = r.json()["id"].as_str().unwrap().to_owned();
    let d = reg_deadlines(&app, "registration", &number).await;
    assert_eq!(d[0].met_on.as_deref(), Some("2029-08-20"));
    app.post_json(
        &format!("/api/v1/registration/cases/{case_id}/review"),
        Some(&reg.office),
        &json!({"decision": "register", "decided_on": "2029-08-20"}),
    )
    .await
    .assert_status(200);
    let d = reg_deadlines(&app, "registration", &number).await;
    assert_eq!(
        (d[0].due_on.as_str(), d[0].met_on.as_deref()),
        ("2032-09-19", None)
    );
    assert_eq!(mails(&app, contact, "更新しました").await.len(), 1);

    // Abolition ends it: nothing is owed any more.
    app.post_json(
        &format!("/api/v1/registrations/{number}/abolition"),
        Some(&reg.org),
        &json!({"abolished_on": "2029-08-20", "reason": "相談室の閉鎖"}),
    )
    .await
    .assert_status(200);
    let d = reg_deadlines(&app, "registration", &number).await;
    assert!(d[0].waived, "waived on abolition");
    assert!(d[0].waived_reason.as_deref().unwrap().contains("相談室の閉鎖"));
}

#[tokio::test]
async fn reg_5_a_returned_application_is_notified() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let r = app
        .post_json(
            "/api/v1/registration/cases",
            Some(&reg.office),
            &crate::reg_common::application(&reg.org_id, &reg.site_id, "2026-09-01"),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    app.post_json(
        &format!("/api/v1/registration/cases/{id}/review"),
        Some(&reg.office),
        &json!({"decision": "return", "decided_on": "2026-09-10", "reason": "精神科医の契約書の写しが不足"}),
    )
    .await
    .assert_status(200);
    let m = mails(&app, "contact@example.jp", "返戻").await;
    assert_eq!(m.len(), 1);
    assert!(m[0].body.contains("精神科医の契約書の写しが不足"));
    assert!(m[0].body.contains(&format!("/registration/cases/{id}")));
}

#[tokio::test]
async fn reg_7_document_requests_are_deadlines_and_the_decision_is_notified() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let r = app
        .post_json(
            "/api/v1/registration/investigations",
            Some(&reg.office),
            &json!({"registration_number": number, "opened_on": "2026-11-05", "reason": "通報に基づく調査"}),
        )
        .await;
    r.assert_status(201);
    let case = r.json()["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/registration/investigations/{case}");
    let mut ids = Vec::new();
    for (on, due, items) in [
        ("2026-11-06", "2026-11-30", "勤務実績"),
        ("2026-11-07", "2026-11-25", "雇用契約書"),
    ] {
        let r = app
            .post_json(
                &format!("{base}/document-requests"),
                Some(&reg.office),
                &json!({"requested_on": on, "due_on": due, "items": items}),
            )
            .await;
        r.assert_status(201);
        ids.push(r.json()["id"].as_str().unwrap().to_owned());
    }
    // The earliest outstanding request is what is due.
    let d = reg_deadlines(&app, "reg_investigation", &case).await;
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].kind.as_str(), d[0].due_on.as_str(), d[0].met_on.as_deref()),
        ("reg_documents", "2026-11-25", None)
    );
    let m = mails(&app, "contact@example.jp", "資料提出のお願い").await;
    assert_eq!(m.len(), 2);
    assert!(
        m.iter()
            .any(|m| m.body.contains("雇用契約書") && m.body.contains("令和8年11月25日"))
    );
    // The organization's deadline list links the case.
    let mut org = Browser::new(&app);
    org.sign_in(&reg.org_email, PASSWORD).await.assert_status(303);
    assert!(
        org.get("/deadlines")
            .await
            .text()
            .contains(&format!("/registration/investigations/{case}"))
    );

    app.post_json(
        &format!("{base}/document-requests/{}/receipt", ids[1]),
        Some(&reg.office),
        &json!({"received_on": "2026-11-10"}),
    )
    .await
    .assert_status(200);
    let d = reg_deadlines(&app, "reg_investigation", &case).await;
    assert_eq!(
        (d[0].due_on.as_str(), d[0].met_on.as_deref()),
        ("2026-11-30", None),
        "the next one"
    );

    // Referral, votes and the decision: the documents are no longer owed, and the organization is told.
    app.post_json(
        &format!("{base}/referral"),
        Some(&reg.office),
        &json!({"referred_on": "2026-11-13", "reason": "委員会の審議が必要"}),
    )
    .await
    .assert_status(200);
    for _ in 0..2 {
        let (_, member) = app.login(Role::Committee, None).await;
        app.post_json(
            &format!("{base}/votes"),
            Some(&member),
            &json!({"outcome": "deregister"}),
        )
        .await
        .assert_status(201);
    }
    app.post_json(
        &format!("{base}/decision"),
        Some(&reg.office),
        &json!({"outcome": "deregister", "decided_on": "2026-11-18", "reason": "登録基準1(2)違反"}),
    )
    .await
    .assert_status(200);
    let d = reg_deadlines(&app, "reg_investigation", &case).await;
    assert_eq!(d[0].met_on.as_deref(), Some("2026-11-18"));
    let m = mails(&app, "contact@example.jp", "登録審査委員会の決定").await;
    assert_eq!(m.len(), 1);
    assert!(m[0].body.contains("登録を取り消すことと決定しました") && m[0].body.contains("登録基準1(2)違反"));
    let d = reg_deadlines(&app, "registration", &number).await;
    assert!(d[0].waived, "a deregistered room owes no renewal");
}

#[tokio::test]
async fn office_settings_name_the_letters_issuer_and_date_style_and_refuse_bad_values() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let mut office = signed_in(&app, Role::Office, None).await;
    let page = office.get("/admin/settings").await;
    page.assert_status(200);
    assert!(
        page.text().contains("相談機関登録事務局"),
        "the defaults are shown"
    );
    let csrf = crate::support::hidden(&page.text(), "csrf");
    // Screens write dates as documents do: 和暦 by default, the ISO date kept for machines.
    let record = office
        .get(&format!("/registration/registrations/{number}"))
        .await
        .text();
    assert!(
        record.contains(r#"<time datetime="2026-09-20">令和8年9月20日</time>"#),
        "{record}"
    );
    // The address names its prefecture once.
    assert!(
        record.contains("<dd>福岡県北九州市小倉北区浅野1-2-3") && !record.contains("福岡県 福岡県"),
        "{record}"
    );
    // The public verification page (cached per generation) writes its dates in the office's style too.
    let verify = app.get(&format!("/verify/{number}"), None).await.text();
    assert!(verify.contains(">令和8年9月20日<"), "{verify}");
    let form = |phone: &'static str, number: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("csrf", csrf.clone()),
            ("date_style", "western".into()),
            ("roll_forward", "on".into()),
            ("invoice_registration", number.into()),
            ("acc_organization", "産業医科大学 MH認定業務本部".into()),
            ("acc_title", "認定業務本部長".into()),
            ("reg_organization", "北九州相談機関登録センター".into()),
            ("reg_title", "センター長".into()),
            ("reg_person", "小倉 花子".into()),
            ("reg_phone", phone.into()),
        ]
    };
    // Bad values: 400 with the field named, nothing saved.
    let audit = app.count("audit_events").await;
    let r = office
        .post_form("/admin/settings", &refs(&form("電話", "T123")))
        .await;
    r.assert_status(400);
    assert!(r.text().contains("s-reg_phone-error") && r.text().contains("s-invoice-error"));
    assert_eq!(app.count("audit_events").await, audit);
    // Saved (audited once; the same form again changes nothing and adds no event).
    let r = office
        .post_form("/admin/settings", &refs(&form("093-000-0000", "")))
        .await;
    r.assert_status(303);
    assert_eq!(app.count("audit_events").await, audit + 1);
    office
        .post_form("/admin/settings", &refs(&form("093-000-0000", "")))
        .await
        .assert_status(303);
    assert_eq!(app.count("audit_events").await, audit + 1);
    // A new date style is seen on the next cached public page, though no listing changed.
    let verify = app.get(&format!("/verify/{number}"), None).await.text();
    assert!(
        verify.contains(">2026年9月20日<") && !verify.contains("令和8年9月20日"),
        "{verify}"
    );
    // The registration certificate now names the new issuer, with western dates.
    let mut org = signed_in(&app, Role::Organization, Some(&reg.org_id)).await;
    let text = pdf_text(
        &org.get(&format!("/registration/registrations/{number}/certificate.pdf"))
            .await,
    );
    assert_has(
        &text,
        &[
            "北九州相談機関登録センター",
            "センター長",
            "小倉 花子",
            "2026年9月20日",
        ],
    );
    assert!(!text.contains("令和"), "western dates only: {text}");
    // So do the screens, in Japanese; English pages write the western date whatever the style.
    let record = org
        .get(&format!("/registration/registrations/{number}"))
        .await
        .text();
    assert!(
        record.contains(r#"<time datetime="2026-09-20">2026年9月20日</time>"#) && !record.contains("令和"),
        "{record}"
    );
    org.cookies.insert("nintei_lang".into(), "en".into());
    let english = org
        .get(&format!("/registration/registrations/{number}"))
        .await
        .text();
    assert!(english.contains(">20 Sep 2026</time>"), "{english}");
    // Nobody else may change them.
    let mut surveyor = signed_in(&app, Role::Surveyor, None).await;
    surveyor.get("/admin/settings").await.assert_status(403);
}

fn refs<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}
