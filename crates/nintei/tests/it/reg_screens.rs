//! REG screens (Japanese first): the organization's application form with the REG-3 checklist and findings next
//! to the items, the office's review, the registration page with a change notice and its acknowledgement, the
//! certificate, the reports inbox to a deregistration case, and the public report form (no login, CSRF by a
//! double-submit cookie, honeypot).

use nintei_domain::reg::criteria::criteria;
use nintei_domain::role::Role;

use crate::reg_common::{register, setup};
use crate::support::{Browser, PASSWORD, TestApp, hidden};

pub(crate) async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let mut b = Browser::new(app);
    b.sign_in(email, PASSWORD).await.assert_status(303);
    b
}

/// The application form's fields: every question answered, every item confirmed except `not_met`.
pub(crate) fn application_form(csrf: &str, site_id: &str, not_met: &[&str]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.into()),
        // Past the confirmation step (入力→確認→完了), which its own test covers.
        ("confirmed".into(), "1".into()),
        ("site_id".into(), site_id.into()),
        ("renewal_of".into(), String::new()),
        // An institution files online on the day itself (REG-4).
        ("applied_on".into(), "2026-11-20".into()),
        (
            "eligibility.contracts_with_employers_for_fee".into(),
            "yes".into(),
        ),
        ("eligibility.face_to_face_counseling".into(), "yes".into()),
        (
            "eligibility.referral_to_medical_institutions".into(),
            "yes".into(),
        ),
        ("eligibility.is_medical_care_facility".into(), "no".into()),
        ("counselors[0].name".into(), "山田 花子".into()),
        (
            "counselors[0].qualification".into(),
            "clinical_psychologist".into(),
        ),
        ("counselors[0].full_time".into(), "on".into()),
        ("counselors[0].years_of_practice".into(), "8".into()),
        ("counselors[0].main_duty".into(), "on".into()),
        ("counselors[0].three_days_a_week".into(), "on".into()),
        ("counselors[1].name".into(), String::new()),
        ("counselors[1].qualification".into(), String::new()),
        ("counselors[1].years_of_practice".into(), String::new()),
        ("psychiatrists[0].name".into(), "鈴木 次郎".into()),
        ("psychiatrists[0].clinical_years".into(), "12".into()),
        ("psychiatrists[0].oh_qualification".into(), "ishl_13_2".into()),
        (
            "psychiatrists[0].institution_name".into(),
            "さくらメンタルクリニック".into(),
        ),
        (
            "psychiatrists[0].institution_address".into(),
            "福岡県北九州市小倉北区1-1-1".into(),
        ),
        (
            "disclosure.fee_structure".into(),
            "月額300円（精神科医の面接を含む）".into(),
        ),
        ("disclosure.hours".into(), "平日 9:00〜18:00".into()),
        ("disclosure.methods".into(), "face_to_face".into()),
        ("disclosure.methods".into(), "phone".into()),
        ("disclosure.other_services".into(), "なし".into()),
        ("disclosure.track_record".into(), "契約事業場 25社".into()),
    ];
    for d in [
        "basic_policies",
        "privacy_regulation",
        "confidentiality_pledges",
        "floor_plan",
        "psychiatrist_contract",
        "psychiatrist_records",
    ] {
        f.push((format!("documents.{d}"), "on".into()));
    }
    for c in criteria() {
        let answer = if not_met.contains(&c.code) { "no" } else { "yes" };
        f.push((format!("criteria.{}", c.code), answer.into()));
    }
    f
}

pub(crate) fn refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn organization_applies_on_screen_sees_findings_and_the_office_reviews() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let mut org = signed_in(&app, &reg.org_email).await;
    let hub = org.get("/registration").await;
    hub.assert_status(200);
    assert!(hub.text().contains("小倉相談室") && hub.text().contains("登録を申請"));
    let form = org
        .get(&format!("/registration/apply?site={}", reg.site_id))
        .await;
    form.assert_status(200);
    let html = form.text();
    assert!(
        html.contains("「相談体制の質の確保」に関する基本方針"),
        "the seed's titles"
    );
    assert!(html.contains("name=\"criteria.4-2\""));
    assert!(html.contains("医療法上の医療提供施設"));
    let csrf = hidden(&html, "csrf");
    // Without the form token nothing happens.
    let bad = application_form("forged", &reg.site_id, &[]);
    org.post_form("/registration/cases", &refs(&bad))
        .await
        .assert_status(403);
    assert_eq!(app.count("reg_cases").await, 0);
    // An unanswered eligibility question is named next to it.
    let mut missing = application_form(&csrf, &reg.site_id, &[]);
    missing.retain(|(k, _)| k != "eligibility.is_medical_care_facility");
    let r = org.post_form("/registration/cases", &refs(&missing)).await;
    r.assert_status(400);
    assert!(r.text().contains("はい・いいえのどちらかを選んでください"));
    // Started from /registration without a room: the rooms are listed there.
    let r = org.get("/registration/apply").await;
    r.assert_status(303);
    assert_eq!(r.location(), "/registration");
    // A draft is saved and resumed as typed; nothing is filed.
    let mut draft = application_form(&csrf, &reg.site_id, &[]);
    draft.retain(|(k, _)| k != "confirmed");
    draft.push(("intent".into(), "draft".into()));
    for (k, v) in &mut draft {
        if k == "counselors[0].name" {
            *v = "下書き 太郎".into();
        }
    }
    let r = org.post_form("/registration/cases", &refs(&draft)).await;
    r.assert_status(303);
    assert_eq!(app.count("reg_cases").await, 0);
    let resumed = org.get(&r.location()).await.text();
    assert!(
        resumed.contains("id=\"draft-note\"") && resumed.contains("下書き 太郎"),
        "{resumed}"
    );
    // 入力→確認→完了: the first post restates the application and files nothing.
    let mut unconfirmed = application_form(&csrf, &reg.site_id, &[]);
    unconfirmed.retain(|(k, _)| k != "confirmed");
    let r = org.post_form("/registration/cases", &refs(&unconfirmed)).await;
    r.assert_status(200);
    let page = r.text();
    assert!(
        page.contains("申請内容の確認") && page.contains("name=\"confirmed\" value=\"1\""),
        "{page}"
    );
    assert_eq!(app.count("reg_cases").await, 0);
    // One item answered "does not meet": the case page shows the finding under that item.
    let fields = application_form(&csrf, &reg.site_id, &["3-3"]);
    let r = org.post_form("/registration/cases", &refs(&fields)).await;
    r.assert_status(303);
    let case_path = r.location();
    assert!(case_path.starts_with("/registration/cases/"), "{case_path}");
    // Filing it ends the room's draft.
    assert_eq!(app.count("reg_drafts").await, 0);
    let page = org.get(&case_path).await;
    page.assert_status(200);
    let html = page.text();
    let row = html.find("id=\"criterion-3-3\"").unwrap();
    let item = html[row..].split("</tr>").next().unwrap();
    assert!(item.contains("【3-3】"), "the finding is next to its item");
    let top = html.find("id=\"findings\"").unwrap();
    assert!(
        top < row && html[top..row].contains("【3-3】"),
        "and listed at the top"
    );
    assert!(html.contains("申請者が「適合していない」と回答しています"));
    assert!(!html.contains("/review\""), "no review form for the organization");

    // The office: registering is refused while findings remain; returning with a reason works.
    let mut office = signed_in(&app, &reg.office_email).await;
    let case_page = office.get(&case_path).await;
    assert!(case_page.text().contains("審査"));
    let csrf = hidden(&case_page.text(), "csrf");
    let review = format!("{}/review", case_path.split('?').next().unwrap());
    let r = office
        .post_form(
            &review,
            &[
                ("csrf", &csrf),
                ("decision", "register"),
                ("decided_on", "2026-11-20"),
                ("reason", ""),
            ],
        )
        .await;
    r.assert_status(409);
    assert!(r.text().contains("指摘事項が残っているため登録できません"));
    let r = office
        .post_form(
            &review,
            &[
                ("csrf", &csrf),
                ("decision", "return"),
                ("decided_on", "2026-11-20"),
                ("reason", "3-3 の相談室の構造を確認してください"),
            ],
        )
        .await;
    r.assert_status(303);
    assert!(office.get(&case_path).await.text().contains("返戻"));
    assert!(
        !office.get(&case_path).await.text().contains("id=\"resubmit\""),
        "only the applicant files again"
    );

    // The organization reads the findings at the top of its returned application and corrects it from there.
    let page = org.get(&case_path).await.text();
    let top = page.find("id=\"findings\"").expect("the findings at the top");
    assert!(top < page.find("id=\"h-basic\"").unwrap() && page[top..].contains("【3-3】"));
    let pattern = "id=\"resubmit\" href=\"";
    let at = page.find(pattern).expect("the correct-and-resubmit action");
    let href = page[at + pattern.len()..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert!(href.contains("&from="), "{href}");
    let form = org.get(&href).await;
    form.assert_status(200);
    let form = form.text();
    assert!(
        form.contains("id=\"earlier-findings\"") && form.contains("山田 花子"),
        "the returned application's contents and findings: {form}"
    );
    assert!(
        form.contains(r#"name="criteria.3-3" value="no" checked"#),
        "the answer that was returned is shown as it was"
    );
    // Another organization cannot load it.
    let stranger_org = app.organization("合同会社よそ").await;
    let (_, stranger_email) = app.user(Role::Organization, Some(&stranger_org)).await;
    signed_in(&app, &stranger_email)
        .await
        .get(&href)
        .await
        .assert_status(404);

    // The fixed application is registered on screen; the certificate follows.
    let csrf = hidden(
        &org.get(&format!("/registration/apply?site={}", reg.site_id))
            .await
            .text(),
        "csrf",
    );
    let r = org
        .post_form(
            "/registration/cases",
            &refs(&application_form(&csrf, &reg.site_id, &[])),
        )
        .await;
    r.assert_status(303);
    let second = r.location().split('?').next().unwrap().to_owned();
    let csrf = hidden(&office.get(&second).await.text(), "csrf");
    office
        .post_form(
            &format!("{second}/review"),
            &[
                ("csrf", &csrf),
                ("decision", "register"),
                ("decided_on", "2026-11-20"),
                ("reason", ""),
            ],
        )
        .await
        .assert_status(303);
    let page = office.get(&second).await.text();
    assert!(page.contains("REG-2026-0001") && page.contains("2029-11-19"));
    let cert = org
        .get("/registration/registrations/REG-2026-0001/certificate")
        .await;
    cert.assert_status(200);
    assert!(cert.text().contains("登録通知書") && cert.text().contains("令和8年11月20日"));
    // Another organization's user sees none of it.
    let other = app.organization("合同会社ほか").await;
    let (_, other_email) = app.user(Role::Organization, Some(&other)).await;
    let mut stranger = signed_in(&app, &other_email).await;
    stranger.get(&second).await.assert_status(404);
    stranger
        .get("/registration/registrations/REG-2026-0001")
        .await
        .assert_status(404);
}

#[tokio::test]
async fn change_notice_on_screen_is_acknowledged_by_the_office() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let path = format!("/registration/registrations/{number}");
    let mut org = signed_in(&app, &reg.org_email).await;
    let page = org.get(&path).await;
    page.assert_status(200);
    let html = page.text();
    assert!(html.contains("変更を届け出る"));
    // Send the prefilled form back with only the hours changed.
    let csrf = hidden(&html, "csrf");
    let fee = "年間契約 従業員1人あたり月額300円（精神科医の面接を含む）";
    let fields = vec![
        ("csrf", csrf.as_str()),
        ("notified_on", "2026-11-10"),
        ("changed_on", "2026-11-01"),
        ("site.name", "小倉相談室"),
        ("site.prefecture", "40"),
        ("site.address", "福岡県北九州市小倉北区浅野1-2-3 小倉相談室"),
        ("counselors[0].name", "山田 花子"),
        ("counselors[0].qualification", "clinical_psychologist"),
        ("counselors[0].full_time", "on"),
        ("counselors[0].years_of_practice", "8"),
        ("counselors[0].main_duty", "on"),
        ("counselors[0].three_days_a_week", "on"),
        ("counselors[1].name", "佐藤 一郎"),
        ("counselors[1].qualification", "industrial_counselor"),
        ("counselors[1].years_of_practice", "2"),
        ("psychiatrists[0].name", "鈴木 次郎"),
        ("psychiatrists[0].clinical_years", "12"),
        ("psychiatrists[0].oh_qualification", "training_zaidan"),
        ("psychiatrists[0].institution_name", "さくらメンタルクリニック"),
        (
            "psychiatrists[0].institution_address",
            "福岡県北九州市小倉北区1-1-1",
        ),
        ("disclosure.fee_structure", fee),
        ("disclosure.hours", "平日 9:00〜21:00"),
        ("disclosure.methods", "face_to_face"),
        ("disclosure.methods", "phone"),
        ("disclosure.methods", "email"),
        ("disclosure.other_services", "管理監督者研修"),
        ("disclosure.track_record", "契約事業場 25社（2025年度）"),
        ("note", "受付時間の延長"),
    ];
    let r = org.post_form(&format!("{path}/changes"), &fields).await;
    r.assert_status(303);
    let v = app
        .get(&format!("/api/v1/registrations/{number}"), Some(&reg.org))
        .await
        .json();
    assert_eq!(v["change_notices"][0]["kinds"], serde_json::json!(["hours"]));
    let notice_id = v["change_notices"][0]["id"].as_str().unwrap().to_owned();
    let mut office = signed_in(&app, &reg.office_email).await;
    let hub = office.get("/registration").await.text();
    assert!(hub.contains("受理待ちの変更届") && hub.contains("対応可能な曜日及び時間"));
    let csrf = hidden(&office.get(&path).await.text(), "csrf");
    // The form's hidden `number` only says where the page came from: a tampered one (here with a line break that
    // no header may carry) changes nothing, and the office lands on the notice's own registration.
    let r = office
        .post_form(
            &format!("/registration/changes/{notice_id}/acknowledge"),
            &[
                ("csrf", &csrf),
                ("acknowledged_on", "2026-11-12"),
                ("number", "\r\n\r\nX-Injected: 1"),
            ],
        )
        .await;
    r.assert_status(303);
    assert_eq!(r.header("location"), format!("{path}?done=ack"));
    let page = office.get(&path).await.text();
    assert!(page.contains("平日 9:00〜21:00") && page.contains("受理済み"));
}

#[tokio::test]
async fn public_report_form_then_the_office_opens_and_refers_a_case() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    // The report comes in on 2026-11-14, before the office opens the case (REG-7: dates in order).
    crate::reg_common::set_day(&app, "2026-11-14");
    let mut public = Browser::new(&app);
    let form = public.get(&format!("/report?number={number}")).await;
    form.assert_status(200);
    assert!(form.text().contains("name=\"website\""), "honeypot field");
    assert!(public.cookies.contains_key("nintei_csrf"));
    let csrf = hidden(&form.text(), "csrf");
    // A foreign token is refused.
    public
        .post_form(
            "/report",
            &[
                ("csrf", "forged"),
                ("registration_number", &number),
                ("message", "x"),
            ],
        )
        .await
        .assert_status(403);
    let r = public
        .post_form(
            "/report",
            &[
                ("csrf", &csrf),
                ("registration_number", &number),
                ("message", "公開されている相談時間に電話がつながりません。"),
                ("contact_email", "shimin@example.jp"),
                ("website", ""),
            ],
        )
        .await;
    r.assert_status(202);
    assert!(r.text().contains("通報を受け付けました"));
    // The honeypot: the same thanks, nothing stored.
    let csrf = hidden(&public.get("/report").await.text(), "csrf");
    public
        .post_form(
            "/report",
            &[
                ("csrf", &csrf),
                ("registration_number", &number),
                ("message", "spam"),
                ("website", "http://spam.example"),
            ],
        )
        .await
        .assert_status(202);
    assert_eq!(app.count("reg_reports").await, 1);
    app.clock.set(crate::support::t0());

    // The office's inbox shows the contact; the report opens a case; the case is referred.
    let mut office = signed_in(&app, &reg.office_email).await;
    let inbox = office.get("/registration/reports").await;
    inbox.assert_status(200);
    assert!(inbox.text().contains("shimin@example.jp"));
    let html = inbox.text();
    let csrf = hidden(&html, "csrf");
    let report_id = hidden(&html, "report_ids");
    let r = office
        .post_form(
            "/registration/investigations",
            &[
                ("csrf", &csrf),
                ("registration_number", &number),
                ("report_ids", &report_id),
                ("opened_on", "2026-11-15"),
                ("reason", "通報：相談時間の公開内容と実態の相違"),
            ],
        )
        .await;
    r.assert_status(303);
    let case = r.location();
    let page = office.get(&case).await;
    assert!(page.text().contains("調査中") && page.text().contains("shimin@example.jp"));
    let csrf = hidden(&page.text(), "csrf");
    office
        .post_form(
            &format!("{case}/document-requests"),
            &[
                ("csrf", &csrf),
                ("requested_on", "2026-11-16"),
                ("due_on", "2026-11-30"),
                ("items", "相談受付記録"),
            ],
        )
        .await
        .assert_status(303);
    office
        .post_form(
            &format!("{case}/referral"),
            &[
                ("csrf", &csrf),
                ("on", "2026-11-18"),
                ("reason", "公開内容の虚偽のおそれ"),
            ],
        )
        .await
        .assert_status(303);
    let org_view = signed_in(&app, &reg.org_email).await.get(&case).await;
    org_view.assert_status(200);
    let text = org_view.text();
    assert!(text.contains("相談受付記録") && text.contains("2026-11-30"));
    assert!(!text.contains("shimin@example.jp") && !text.contains("電話がつながりません"));
    let v = app
        .get(&format!("/api/v1/registrations/{number}"), Some(&reg.org))
        .await
        .json();
    assert_eq!(v["status"], "deregistration_review");
}

// Every REG page renders with the demo data, for each kind of user that may see it.
#[tokio::test]
async fn demo_registration_pages_render_for_every_role() {
    let app = TestApp::new().await;
    assert!(nintei_app::demo::load(&app.state).await.unwrap());
    let pw = nintei_app::demo::DEMO_PASSWORD;
    let mut office = Browser::new(&app);
    office
        .sign_in("office@nintei.example", pw)
        .await
        .assert_status(303);
    let hub = office.get("/registration").await;
    hub.assert_status(200);
    let html = hub.text();
    assert!(html.contains("REG-") && html.contains("審査中"), "{html}");
    let list = nintei_store::registrations::list(app.state.db.pool(), None, 10)
        .await
        .unwrap();
    let number = list[0].registration.number.clone();
    for path in [
        format!("/registration/registrations/{number}"),
        format!("/registration/registrations/{number}/certificate"),
        "/registration/reports".to_owned(),
        "/registration/trainings".to_owned(),
        "/report".to_owned(),
    ] {
        office.get(&path).await.assert_status(200);
    }
    let mut org = Browser::new(&app);
    org.sign_in("org@kokoro-care.example", pw)
        .await
        .assert_status(303);
    let hub = org.get("/registration").await.text();
    assert!(hub.contains("小倉相談室") && hub.contains("博多相談室"));
    let mut committee = Browser::new(&app);
    committee
        .sign_in("committee@nintei.example", pw)
        .await
        .assert_status(303);
    committee.get("/registration").await.assert_status(200);
    committee.get("/registration/reports").await.assert_status(403);
    let mut surveyor = Browser::new(&app);
    surveyor
        .sign_in("surveyor@nintei.example", pw)
        .await
        .assert_status(303);
    surveyor.get("/registration").await.assert_status(403);
}
