//! One valid request body for every state-changing route: what the authorization matrix sends, what the CSRF
//! sweep bends, and the seed the property tests mutate. A new POST route needs an entry here (the harnesses
//! fail naming the route until it has one).

use nintei_app::security::totp_code;
use serde_json::json;

use crate::harness::{Body, TOTP_SECRET};
use crate::harness_records::change_disclosure;
use crate::reg_common;
use crate::support::{PASSWORD, org_body};

/// What a body may depend on: who sends it and which record it names.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The sender (for anonymous: the user whose credentials the visitor types).
    pub user_id: String,
    pub email: String,
    /// The form token that goes with the sender's cookies.
    pub csrf: String,
    /// The organization the request names (a body field) or the record belongs to.
    pub org: String,
    /// The path parameters (`id`, `number`, `invoice_id`, `rid`).
    pub params: std::collections::BTreeMap<&'static str, String>,
    /// The record built for the request (`harness_records.rs`).
    pub built: crate::harness_records::Built,
    pub now: i64,
    /// Unique per request, for fields that must be unique (e-mail addresses).
    pub nonce: String,
}

/// The valid body of `route` ("METHOD /path/{param}"), or None when it takes none.
pub fn valid_body(route: &str, c: &Ctx) -> Option<Body> {
    let csrf = c.csrf.as_str();
    let body = match route {
        // API.md "Authentication and accounts"
        "POST /api/v1/auth/token" => Body::Json(json!({
            "email": c.email, "password": PASSWORD, "totp": code(c.now),
        })),
        "POST /api/v1/users" => Body::Json(json!({
            "email": format!("new-{}@harness.example", c.nonce),
            "name": "新規 利用者",
            "role": "surveyor",
            "password": "Hinoki-Kusunoki-2208",
        })),
        "PATCH /api/v1/users/{id}" => Body::Json(json!({"name": "変更後 利用者"})),
        "POST /api/v1/users/{id}/password-reset" => Body::Json(json!({})),
        // API.md "Organizations"
        "POST /api/v1/organizations" => Body::Json(org_body("株式会社あたらしい相談室")),
        "POST /api/v1/organizations/{id}/sites" => Body::Json(json!({
            "name": "門司相談室", "prefecture": "40", "address": "福岡県北九州市門司区港町1-1",
        })),
        "POST /api/v1/organizations/{id}/changes" => Body::Json(json!({
            "notified_on": "2026-11-20", "name": format!("株式会社こころ相談センター {}", c.nonce),
        })),
        "POST /api/v1/conflicts" => Body::Json(json!({
            "user_id": c.user_id, "organization_id": c.org, "reason": "元勤務先 (former employer)",
        })),
        // Screens: signing in and out, the account
        "POST /login" => Body::form(&[("csrf", csrf), ("email", &c.email), ("password", PASSWORD)]),
        "POST /password-reset" => Body::form(&[("csrf", csrf), ("email", &c.email)]),
        "POST /signup" => Body::form(&[
            ("csrf", csrf),
            ("name", "株式会社あおば相談"),
            ("legal_form", "kabushiki_kaisha"),
            ("prefecture", "40"),
            ("address", "福岡県北九州市小倉北区浅野1-2-3"),
            ("representative", "代表取締役 青葉 一郎"),
            ("contact.name", "担当 青葉"),
            ("contact.email", "signup@example.jp"),
            ("contact.phone", "093-555-0101"),
        ]),
        "POST /signup/verify/{token}" | "POST /admin/account-requests/{id}/approve" => {
            Body::form(&[("csrf", csrf)])
        }
        "POST /admin/account-requests/{id}/refuse" => {
            Body::form(&[("csrf", csrf), ("reason", "法人の実在が確認できませんでした")])
        }
        "POST /password-reset/{token}" => {
            Body::form(&[("csrf", csrf), ("password", "Hinoki-Tsubaki-Koyomi-8841")])
        }
        "POST /api/v1/public/password-resets" => Body::Json(json!({"email": c.email})),
        "POST /api/v1/public/password-resets/{token}" => {
            Body::Json(json!({"password": "Hinoki-Tsubaki-Koyomi-8841"}))
        }
        "POST /login/totp" => Body::form(&[("csrf", csrf), ("code", &code(c.now))]),
        "POST /logout" => Body::form(&[("csrf", csrf)]),
        "POST /account/password" => Body::form(&[
            ("csrf", csrf),
            ("current", PASSWORD),
            ("new", "Keyaki-Momiji-5530"),
        ]),
        "POST /account/totp" => {
            Body::form(&[("csrf", csrf), ("secret", TOTP_SECRET), ("code", &code(c.now))])
        }
        // Screens: organizations and users
        "POST /organizations" => Body::form(&[
            ("csrf", csrf),
            ("name", "株式会社あたらしい相談室"),
            ("legal_form", "godo_kaisha"),
            ("corporate_number", ""),
            ("prefecture", "13"),
            ("address", "東京都千代田区神田須田町2-7-1"),
            ("representative", "代表社員 田中 一郎"),
            ("contact.name", "連絡 次郎"),
            ("contact.email", "jiro@example.jp"),
            ("contact.phone", "03-5555-0202"),
        ]),
        "POST /organizations/{id}/sites" => Body::form(&[
            ("csrf", csrf),
            ("name", "門司相談室"),
            ("prefecture", "40"),
            ("address", "福岡県北九州市門司区港町1-1"),
        ]),
        "POST /organizations/{id}/changes" => Body::form(&[
            ("csrf", csrf),
            ("notified_on", "2026-11-20"),
            ("name", &format!("株式会社こころ相談センター {}", c.nonce)),
            ("representative", "代表取締役 山田 太郎"),
            ("contact_name", "佐藤 花子"),
            ("contact_email", "contact@harness.example"),
            ("contact_phone", "093-123-4567"),
        ]),
        "POST /admin/settings" => Body::form(&[
            ("csrf", csrf),
            ("date_style", "wareki_western"),
            ("roll_forward", "on"),
            ("invoice_registration", ""),
            ("acc_organization", "産業医科大学 MH認定業務本部"),
            ("acc_title", "認定業務本部長"),
            ("reg_organization", "相談機関登録事務局"),
            ("reg_title", "登録事務局長"),
        ]),
        "POST /admin/users/{id}" => Body::form(&[
            ("csrf", csrf),
            ("name", "変更後 利用者"),
            ("role", "surveyor"),
            ("organization_id", ""),
            ("active", "1"),
        ]),
        "POST /admin/users/{id}/password-reset" => Body::form(&[("csrf", csrf)]),
        "POST /admin/users" => Body::form(&[
            ("csrf", csrf),
            ("email", &format!("new-{}@harness.example", c.nonce)),
            ("name", "新規 利用者"),
            ("role", "surveyor"),
            ("organization_id", ""),
            ("password", "Hinoki-Kusunoki-2208"),
        ]),
        // API.md "Accreditation cases (ACC)", docs/rules.md's example dates (as in acc_fixture.rs)
        "POST /api/v1/accreditation/cases" => {
            let mut body = crate::acc_fixture::application(&c.org, "2025-09-01");
            body["unit_name"] = format!("第{}相談部", c.nonce).into();
            Body::Json(body)
        }
        "POST /api/v1/accreditation/cases/{id}/eligibility" => {
            Body::Json(json!({"eligible": true, "decided_on": "2025-09-10"}))
        }
        "POST /api/v1/accreditation/cases/{id}/plan" => Body::Json(json!({
            "coordinator_id": c.built.user_ref, "self_study_due_on": "2025-10-31", "site_visit_on": "2025-11-10",
        })),
        "POST /api/v1/accreditation/cases/{id}/self-study/submission" => {
            Body::Json(json!({"submitted_on": "2025-10-20"}))
        }
        "POST /api/v1/accreditation/cases/{id}/surveyors" => {
            Body::Json(json!({"user_id": c.built.user_ref, "lead": false}))
        }
        "POST /api/v1/accreditation/cases/{id}/ratings" => Body::Json(json!({
            "standard": c.built.standard, "rating": 2, "comment": "概ね実施",
        })),
        "POST /api/v1/accreditation/cases/{id}/report" => Body::Json(json!({"issued_on": "2025-11-20"})),
        "POST /api/v1/accreditation/cases/{id}/response" => Body::Json(json!({
            "submitted_on": "2025-12-01", "opinion": "指摘を受け止めます。", "action_plan": "3か月以内に手順書を改訂します。",
        })),
        "POST /api/v1/accreditation/cases/{id}/votes" => Body::Json(json!({"outcome": "accredit"})),
        "POST /api/v1/accreditation/cases/{id}/decision" => {
            Body::Json(json!({"outcome": "accredit", "decided_on": "2025-12-10"}))
        }
        "POST /api/v1/accreditation/cases/{id}/notice" => Body::Json(json!({"sent_on": "2025-12-12"})),
        "POST /api/v1/accreditation/cases/{id}/plan/dates" => {
            Body::Json(json!({"site_visit_on": "2025-11-20"}))
        }
        "POST /api/v1/accreditation/cases/{id}/hold/documents" => {
            Body::Json(json!({"received_on": "2025-12-12"}))
        }
        "POST /api/v1/accreditation/cases/{id}/hold/report" => {
            Body::Json(json!({"reported_on": "2025-12-12"}))
        }
        "POST /api/v1/accreditation/cases/{id}/withdrawal" => {
            Body::Json(json!({"withdrawn_on": "2025-09-05"}))
        }
        "POST /api/v1/accreditation/cases/{id}/stop" => {
            Body::Json(json!({"stopped_on": "2025-09-15", "reason": "連絡が取れないため"}))
        }
        "POST /api/v1/accreditation/cases/{id}/invoices" => Body::Json(json!({
            "issued_on": "2025-09-12", "lines": [{"kind": "extra_visit_half_day", "quantity": 1}],
        })),
        "POST /api/v1/accreditation/cases/{id}/invoices/{invoice_id}/payments" => {
            Body::Json(json!({"paid_on": "2025-09-30", "amount_yen": 682_000}))
        }
        // The self-study and its files, and the questionnaires (ACC-3, ACC-6)
        "POST /api/v1/accreditation/cases/{id}/self-study/narratives" => Body::Json(json!({
            "section": c.built.section, "body": "倫理綱領を定め、年2回の研修で周知している。",
        })),
        "POST /api/v1/accreditation/cases/{id}/self-study/confirmation" => {
            Body::Json(json!({"confirmed_on": "2025-10-20", "representative": "代表取締役 山田 花子"}))
        }
        "POST /api/v1/accreditation/cases/{id}/self-study/format-check" => Body::Json(json!({
            "result": "fixes_requested", "checked_on": "2025-10-25", "note": "目次に通しページ番号を付けてください",
        })),
        "POST /api/v1/accreditation/cases/{id}/self-study/resubmission" => {
            Body::Json(json!({"resubmitted_on": "2025-11-01"}))
        }
        "POST /api/v1/accreditation/cases/{id}/files" => {
            Body::Multipart(vec![("purpose".into(), "pamphlets".into())], Some(pdf_file()))
        }
        "POST /api/v1/accreditation/cases/{id}/questionnaires/links" => {
            Body::Json(json!({"kind": "staff", "count": 2}))
        }
        "POST /api/v1/public/questionnaires/{token}" => Body::Json(json!({
            "answers": {"q1": 4, "q2": 5}, "comment": "相談しやすい職場です",
        })),
        // Impartiality and the site-visit timetable (ACC-2, ACC-7, ACC-8)
        "POST /api/v1/accreditation/cases/{id}/unit-decision" => {
            Body::Json(json!({"qualifies": true, "decided_on": "2025-09-05", "reason": "3条件を確認"}))
        }
        "POST /api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection" => {
            Body::Json(json!({"reason": "以前、当社の顧問でした。"}))
        }
        "POST /api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection/decision" => {
            Body::Json(json!({"upheld": true, "decided_on": "2026-11-20"}))
        }
        "PUT /api/v1/accreditation/cases/{id}/site-visit/schedule" => Body::Json(json!({"items": [
            {"date": "2025-11-10", "start": "13:00", "end": "13:20", "title": "キックオフ会議"},
            {"date": "2025-11-11", "start": "16:30", "end": "17:00", "title": "クロージング", "note": "本社会議室"},
        ]})),
        "POST /api/v1/surveyors/{user_id}/engagements" => Body::Json(json!({
            "organization_id": c.org, "kind": "consulting", "started_on": "2026-11-01", "note": "研修講師",
        })),
        "POST /surveyors/{user_id}/engagements" => Body::form(&[
            ("csrf", csrf),
            ("organization_id", &c.org),
            ("kind", "consulting"),
            ("started_on", "2026-11-01"),
            ("note", ""),
        ]),
        "POST /accreditation/cases/{id}/study/{action}" => Body::form(&[
            ("csrf", csrf),
            ("section", &c.built.section),
            ("body", "倫理綱領を定め、年2回の研修で周知している。"),
        ]),
        "POST /accreditation/cases/{id}/files" => Body::Multipart(
            vec![
                ("csrf".into(), csrf.to_owned()),
                ("purpose".into(), "pamphlets".into()),
            ],
            Some(pdf_file()),
        ),
        "POST /q/{token}" => Body::form(&[("csrf", csrf), ("q1", "4"), ("q2", "5"), ("comment", "")]),
        // API.md "Registration cases (REG)" and its extensions
        "POST /api/v1/registration/cases" => {
            Body::Json(reg_common::application(&c.org, &c.built.site_id, "2026-11-20"))
        }
        "POST /api/v1/registration/cases/{id}/files" => {
            Body::Multipart(vec![("purpose".into(), "floor_plan".into())], Some(pdf_file()))
        }
        "POST /api/v1/registration/cases/{id}/review" => {
            Body::Json(json!({"decision": "register", "decided_on": "2026-11-10"}))
        }
        "POST /api/v1/registrations/{number}/renewal" => {
            let mut body = reg_common::application(&c.org, "", "2026-11-20");
            if let Some(o) = body.as_object_mut() {
                o.remove("organization_id");
                o.remove("site_id");
            }
            Body::Json(body)
        }
        "POST /api/v1/registrations/{number}/changes" => Body::Json(json!({
            "notified_on": "2026-11-18", "changed_on": "2026-11-15", "note": "相談時間の変更",
            "disclosure": change_disclosure(),
        })),
        "POST /api/v1/registrations/{number}/abolition" => {
            Body::Json(json!({"abolished_on": "2026-11-18", "reason": "事業の廃止"}))
        }
        "POST /api/v1/registration/changes/{id}/acknowledgement" => {
            Body::Json(json!({"acknowledged_on": "2026-11-19"}))
        }
        "POST /api/v1/registration/changes/{id}/refusal" => {
            Body::Json(json!({"refused_on": "2026-11-19", "reason": "登録基準を満たさない変更"}))
        }
        "POST /api/v1/registration/reports/{id}/filing" => Body::Empty,
        "POST /api/v1/registration/investigations" => Body::Json(json!({
            "registration_number": c.built.number, "opened_on": "2026-11-19", "reason": "通報に基づく調査",
            "report_ids": [],
        })),
        "POST /api/v1/registration/investigations/{id}/document-requests" => Body::Json(json!({
            "requested_on": "2026-11-19", "due_on": "2026-12-19", "items": "相談記録",
        })),
        "POST /api/v1/registration/investigations/{id}/document-requests/{rid}/receipt" => {
            Body::Json(json!({"received_on": "2026-11-20"}))
        }
        "POST /api/v1/registration/investigations/{id}/document-requests/{rid}/files" => {
            Body::Multipart(vec![("note".into(), "相談記録です".into())], Some(pdf_file()))
        }
        "POST /api/v1/registration/investigations/{id}/hearing-notice" => Body::Json(json!({
            "notified_on": "2026-11-20", "hearing_on": "2026-12-01", "place": "事務局 第1会議室",
        })),
        "POST /api/v1/registration/investigations/{id}/records" => Body::Json(json!({
            "kind": "hearing", "held_on": "2026-11-20", "summary": "聴聞を実施した",
        })),
        "POST /api/v1/registration/investigations/{id}/referral" => {
            Body::Json(json!({"referred_on": "2026-11-20", "reason": "委員会の審議が必要"}))
        }
        "POST /api/v1/registration/investigations/{id}/closure" => {
            Body::Json(json!({"closed_on": "2026-11-20", "reason": "問題は認められなかった"}))
        }
        "POST /api/v1/registration/investigations/{id}/votes" => Body::Json(json!({"outcome": "maintain"})),
        "POST /api/v1/registration/investigations/{id}/decision" => Body::Json(json!({
            "decided_on": "2026-11-20", "outcome": "maintain", "reason": "改善が確認された",
        })),
        "POST /api/v1/registration/trainings" => Body::Json(json!({
            "title": "相談員研修", "held_on": "2026-12-01", "place": "北九州市",
        })),
        "POST /api/v1/registration/trainings/{id}/attendance" => Body::Json(json!({
            "registration_number": c.built.number, "counselor_name": "山田 花子", "attended": true,
        })),
        "POST /api/v1/registration/trainings/{id}/enrolments" => Body::Json(json!({
            "registration_number": c.built.number, "counselor_name": "山田 花子",
        })),
        "POST /api/v1/public/reports" => Body::Json(json!({
            "registration_number": c.built.number, "message": "相談室が閉まっています。",
        })),
        // appeals (ACC-21), renewal (ACC-19), scope changes (ACC-20)
        "POST /api/v1/accreditation/cases/{id}/appeals" | "POST /api/v1/accreditations/{number}/appeals" => {
            Body::Json(crate::harness_records::appeal_body())
        }
        "POST /api/v1/accreditation/appeals/{id}/information-requests" => Body::Json(json!({
            "requested_on": "2026-11-20", "items": "改善記録の原本", "review_due_on": "2027-03-31",
        })),
        "POST /api/v1/accreditation/appeals/{id}/votes" => Body::Json(json!({"outcome": "upheld"})),
        "POST /api/v1/accreditation/appeals/{id}/decision" => Body::Json(json!({
            "outcome": "upheld", "decided_on": "2026-11-20", "method": "meeting",
            "members": [c.built.user_ref], "justifiable": true,
        })),
        "POST /accreditation/appeals/{id}/{action}" => Body::form(&[
            ("csrf", csrf),
            ("requested_on", "2026-11-20"),
            ("items", "改善記録の原本"),
            ("review_due_on", "2027-03-31"),
        ]),
        "POST /api/v1/accreditations/{number}/renewal" => {
            Body::Json(crate::acc_fixture::application(&c.org, "2026-11-20"))
        }
        "POST /api/v1/accreditation/cases/{id}/extension" => {
            Body::Json(crate::harness_records::extension_body())
        }
        "POST /api/v1/accreditation/cases/{id}/extension/decision" => {
            Body::Json(json!({"granted": true, "decided_on": "2026-11-20"}))
        }
        "POST /api/v1/accreditations/{number}/services" => Body::Json(json!({
            "services": [{"code": "c", "started_on": "2025-03-01"}], "applied_on": "2026-11-20",
        })),
        "POST /api/v1/accreditations/{number}/service-endings" => Body::Json(json!({
            "service": "b", "ended_on": "2026-11-10", "notified_on": "2026-11-15",
        })),
        // Screens: accreditation (the step route is sent for its first step, eligibility)
        "POST /accreditation/cases" => Body::form(&[
            ("csrf", csrf),
            ("organization_id", &c.org),
            ("applied_on", "2025-09-01"),
            ("unit_name", &format!("第{}相談部", c.nonce)),
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
            ("board_decided", "1"),
        ]),
        "POST /accreditation/cases/{id}/ratings" => Body::form(&[
            ("csrf", csrf),
            ("standard", &c.built.standard),
            ("rating", "2"),
            ("comment", "概ね実施"),
        ]),
        "POST /accreditation/cases/{id}/{step}" => {
            Body::form(&[("csrf", csrf), ("eligible", "yes"), ("decided_on", "2025-09-10")])
        }
        // The accreditation after the decision (ACC-13 … ACC-18)
        r if r.starts_with("POST /api/v1/accreditations/") || r.starts_with("POST /accreditations/") => {
            crate::acc_after_harness::valid_body(r, c)?
        }
        // Screens: registration (the investigation step route is sent for its `records` step)
        "POST /registration/cases" => Body::Form(reg_application_form(csrf, &c.built.site_id)),
        "POST /registration/cases/{id}/files" => Body::Multipart(
            vec![
                ("csrf".into(), csrf.to_owned()),
                ("purpose".into(), "floor_plan".into()),
            ],
            Some(pdf_file()),
        ),
        "POST /registration/cases/{id}/review" => Body::form(&[
            ("csrf", csrf),
            ("decision", "register"),
            ("decided_on", "2026-11-10"),
            ("reason", ""),
        ]),
        "POST /registration/registrations/{number}/changes" => {
            let mut f = reg_application_form(csrf, "");
            f.retain(|(k, _)| {
                !k.starts_with("criteria.") && !k.starts_with("documents.") && !k.starts_with("eligibility.")
            });
            f.retain(|(k, _)| {
                k != "disclosure.hours" && k != "site_id" && k != "renewal_of" && k != "applied_on"
            });
            for (k, v) in [
                ("disclosure.hours", "平日 9:00〜19:00"),
                ("site.name", "新門司相談室"),
                ("site.prefecture", "40"),
                ("site.address", "福岡県北九州市門司区港町1-1"),
                ("notified_on", "2026-11-18"),
                ("changed_on", "2026-11-15"),
            ] {
                f.push((k.to_owned(), v.to_owned()));
            }
            Body::Form(f)
        }
        "POST /registration/registrations/{number}/abolition" => Body::form(&[
            ("csrf", csrf),
            ("abolished_on", "2026-11-18"),
            ("reason", "事業の廃止"),
        ]),
        "POST /registration/changes/{id}/acknowledge" => Body::form(&[
            ("csrf", csrf),
            ("acknowledged_on", "2026-11-19"),
            ("number", &c.built.number),
        ]),
        "POST /registration/changes/{id}/refuse" => Body::form(&[
            ("csrf", csrf),
            ("refused_on", "2026-11-19"),
            ("reason", "登録基準を満たさない変更"),
            ("number", &c.built.number),
        ]),
        "POST /registration/reports/{id}/file" => Body::form(&[("csrf", csrf)]),
        "POST /registration/investigations" => Body::form(&[
            ("csrf", csrf),
            ("registration_number", &c.built.number),
            ("opened_on", "2026-11-19"),
            ("reason", "通報に基づく調査"),
        ]),
        "POST /registration/investigations/{id}/document-requests/{rid}/files" => Body::Multipart(
            vec![
                ("csrf".into(), csrf.to_owned()),
                ("note".into(), "相談記録です".into()),
            ],
            Some(pdf_file()),
        ),
        "POST /registration/investigations/{id}/{step}" => Body::form(&[
            ("csrf", csrf),
            ("kind", "hearing"),
            ("held_on", "2026-11-20"),
            ("summary", "聴聞を実施した"),
        ]),
        "POST /registration/trainings" => Body::form(&[
            ("csrf", csrf),
            ("title", "相談員研修"),
            ("held_on", "2026-12-01"),
            ("place", "北九州市"),
            ("description", ""),
        ]),
        "POST /registration/trainings/{id}/attendance" => Body::form(&[
            ("csrf", csrf),
            ("counselor", &format!("{}|山田 花子", c.built.number)),
            ("attended", "1"),
        ]),
        "POST /registration/trainings/{id}/enrolments" => Body::form(&[
            ("csrf", csrf),
            ("counselor", &format!("{}|山田 花子", c.built.number)),
        ]),
        "POST /report" => Body::form(&[
            ("csrf", csrf),
            ("registration_number", &c.built.number),
            ("message", "相談室が閉まっています。"),
            ("contact_email", ""),
            ("website", ""),
        ]),
        // The calendar feed: made and revoked on the deadlines screen
        "POST /deadlines/calendar-feed" | "POST /deadlines/calendar-feed/revoke" => {
            Body::form(&[("csrf", csrf)])
        }
        _ => return None,
    };
    Some(body)
}

/// The query string a GET route needs to answer (API.md "Public").
pub fn valid_query(route: &str, c: &Ctx) -> Option<String> {
    match route {
        "GET /api/v1/public/fee-estimate" => Some("revenue_yen=87000000&services=2".into()),
        // The application form is for one counseling room.
        "GET /registration/apply" => Some(format!("site={}", c.built.site_id)),
        _ => None,
    }
}

fn code(now: i64) -> String {
    totp_code(TOTP_SECRET, now.div_euclid(30)).unwrap_or_default()
}

/// The registration application screen's fields (as in reg_screens.rs), every item confirmed.
fn reg_application_form(csrf: &str, site_id: &str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("csrf", csrf),
        ("confirmed", "1"),
        ("site_id", site_id),
        ("renewal_of", ""),
        ("applied_on", "2026-11-20"),
        ("eligibility.contracts_with_employers_for_fee", "yes"),
        ("eligibility.face_to_face_counseling", "yes"),
        ("eligibility.referral_to_medical_institutions", "yes"),
        ("eligibility.is_medical_care_facility", "no"),
        ("counselors[0].name", "山田 花子"),
        ("counselors[0].qualification", "clinical_psychologist"),
        ("counselors[0].full_time", "on"),
        ("counselors[0].years_of_practice", "8"),
        ("counselors[0].main_duty", "on"),
        ("counselors[0].three_days_a_week", "on"),
        ("psychiatrists[0].name", "鈴木 次郎"),
        ("psychiatrists[0].clinical_years", "12"),
        ("psychiatrists[0].oh_qualification", "ishl_13_2"),
        ("psychiatrists[0].institution_name", "さくらメンタルクリニック"),
        (
            "psychiatrists[0].institution_address",
            "福岡県北九州市小倉北区1-1-1",
        ),
        ("disclosure.fee_structure", "月額300円（精神科医の面接を含む）"),
        ("disclosure.hours", "平日 9:00〜18:00"),
        ("disclosure.methods", "face_to_face"),
        ("disclosure.methods", "phone"),
        ("disclosure.other_services", "なし"),
        ("disclosure.track_record", "契約事業場 25社"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
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
    for c in nintei_domain::reg::criteria::criteria() {
        f.push((format!("criteria.{}", c.code), "yes".into()));
    }
    f
}

/// A small PDF upload (the `file` part of a multipart body).
pub fn pdf_file() -> (String, String, String, Vec<u8>) {
    (
        "file".into(),
        "pamphlet.pdf".into(),
        "application/pdf".into(),
        b"%PDF-1.4\n% nintei\n1 0 obj << >> endobj\n%%EOF\n".to_vec(),
    )
}
