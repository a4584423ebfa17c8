//! The accreditation after the committee's decision: the record and its history, annual
//! reports with questions and suspension (ACC-14), self-reports (ACC-15), lapse with the daily expiry job
//! (ACC-17), revocation with its notice (ACC-18), certificates (ACC-22) and the logo (ACC-13). Compliance reviews
//! (ACC-16) are in `acc_compliance`, the routes' fixtures in `acc_after_harness`. Dates follow docs/rules.md's
//! examples: accredited 2026-04-01 → valid through 2029-03-31, annual reports due 2027-04-30 and 2028-05-01
//! (2028-04-30 is a Sunday).

use chrono::{TimeZone, Utc};
use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::acc_fixture::accredited;
use crate::support::{Browser, PASSWORD, TestApp, hidden};

pub(crate) const API: &str = "/api/v1/accreditations";

/// Sets the test clock to 10:00 JST on `day`.
pub(crate) fn set_day(app: &TestApp, day: &str) {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    let at = Utc.from_utc_datetime(&d.and_hms_opt(1, 0, 0).unwrap());
    app.clock.set(at);
}

/// Fresh tokens of the office, the head and the organization's user: tokens expire, and these tests move the
/// clock by months.
pub(crate) struct Tokens {
    pub(crate) office: String,
    pub(crate) head: String,
    pub(crate) org_user: String,
}

impl Tokens {
    pub(crate) async fn new(app: &TestApp, org_id: &str) -> Tokens {
        Tokens {
            office: app.login(Role::Office, None).await.1,
            head: app.login(Role::Head, None).await.1,
            org_user: app.login(Role::Organization, Some(org_id)).await.1,
        }
    }
}

pub(crate) async fn record(app: &TestApp, number: &str, token: &str) -> Value {
    let r = app.get(&format!("{API}/{number}"), Some(token)).await;
    r.assert_status(200);
    r.json()
}

pub(crate) async fn post(
    app: &TestApp,
    number: &str,
    step: &str,
    token: &str,
    body: Value,
) -> crate::support::TestResponse {
    app.post_json(&format!("{API}/{number}/{step}"), Some(token), &body)
        .await
}

pub(crate) fn kinds(record: &Value) -> Vec<String> {
    record["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) fn annual_content() -> Value {
    json!({
        "services_provided": "相談窓口 420件、教育・研修 18回",
        "organization_changes": "なし",
        "conformity": "認定基準への適合を維持しています。",
        "improvements": "PQI 4.02 の手順書を改訂しました。",
        "incidents": "苦情1件（対応済み）",
    })
}

pub(crate) async fn public_status(app: &TestApp, number: &str) -> String {
    let r = app
        .get(&format!("/api/v1/public/accreditations/{number}"), None)
        .await;
    r.assert_status(200);
    r.json()["status"].as_str().unwrap().to_owned()
}

pub(crate) async fn publicly_listed(app: &TestApp, number: &str) -> bool {
    let r = app.get("/api/v1/public/accreditations", None).await;
    r.assert_status(200);
    let items = r.json()["items"].as_array().unwrap().clone();
    // The total is counted apart, from the search index alone: it must follow every status change.
    assert_eq!(r.json()["total"].as_u64(), u64::try_from(items.len()).ok());
    let listed = items.iter().any(|i| i["number"] == json!(number));
    // The certificate check is cached like the listing: it must follow every status change too (ACC-23).
    let verified = public_status(app, number).await;
    assert_eq!(
        listed,
        verified == "active",
        "listed {listed}, verified {verified}"
    );
    listed
}

#[tokio::test]
async fn acc_after_the_record_shows_status_services_dates_history_and_is_visible_only_to_its_own() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    let r = record(&app, &number, &acc.office).await;
    assert_eq!(r["status"], "active");
    assert_eq!(r["services"], json!(["a", "b"]));
    assert_eq!(r["accredited_on"], "2026-04-01");
    assert_eq!(r["expires_on"], "2029-03-31");
    assert_eq!(kinds(&r), vec!["accredited"]);
    // ACC-14: due in the accreditation month, rolled forward (art. 142) when it ends on a closed day.
    let dues: Vec<&str> = r["annual_reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["due_on"].as_str().unwrap())
        .collect();
    assert_eq!(dues, vec!["2027-04-30", "2028-05-01"]);
    // … and in the one deadline model (reminders, dashboards).
    let deadline_rows = nintei_store::deadlines::open_until(
        app.state.db.pool(),
        chrono::NaiveDate::from_ymd_opt(2028, 12, 31).unwrap(),
        Some(&acc.org_id),
    )
    .await
    .unwrap();
    let annual: Vec<String> = deadline_rows
        .iter()
        .filter(|d| d.kind == "annual_report")
        .map(|d| d.due_on.clone())
        .collect();
    assert_eq!(annual, vec!["2027-04-30", "2028-05-01"]);
    // The organization sees its own; another organization's user, and staff outside the office, get 404.
    assert_eq!(
        record(&app, &number, &acc.org_user).await["number"],
        json!(number)
    );
    record(&app, &number, &acc.head).await;
    let other = app.organization("合同会社よその認定").await;
    let (_, other_user) = app.login(Role::Organization, Some(&other)).await;
    for token in [&other_user, &acc.coordinator, &acc.lead, &acc.member] {
        app.get(&format!("{API}/{number}"), Some(token))
            .await
            .assert_status(404);
    }
    app.get(&format!("{API}/MH-2099-9999"), Some(&acc.office))
        .await
        .assert_status(404);
    // Lists: the office sees it, the organization its own, another organization none of it.
    let listed = |v: Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["number"] == json!(number))
    };
    assert!(listed(app.get(API, Some(&acc.office)).await.json()));
    assert!(listed(app.get(API, Some(&acc.org_user)).await.json()));
    assert!(!listed(app.get(API, Some(&other_user)).await.json()));
    app.get(API, Some(&acc.member)).await.assert_status(403);
}

#[tokio::test]
async fn acc_14_annual_report_late_suspension_questions_answers_and_lifting() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    // Not yet open: a year-1 report may come from the month before the accreditation month (2027-03-01).
    set_day(&app, "2027-02-15");
    let t = Tokens::new(&app, &acc.org_id).await;
    let r = post(
        &app,
        &number,
        "annual-reports",
        &t.org_user,
        json!({"submitted_on": "2027-02-15", "content": annual_content()}),
    )
    .await;
    r.assert_status(409);
    // Missing contents are named.
    set_day(&app, "2027-05-10");
    let t = Tokens::new(&app, &acc.org_id).await;
    let r = post(
        &app,
        &number,
        "annual-reports",
        &t.org_user,
        json!({"submitted_on": "2027-05-10", "content": {"conformity": "維持"}}),
    )
    .await;
    r.assert_status(400);
    assert!(
        r.error_fields().contains(&"content.services_provided".to_owned()),
        "{}",
        r.text()
    );
    // The office may suspend once the report is late (due 2027-04-30, nothing by 2027-05-10).
    let r = post(
        &app,
        &number,
        "suspension",
        &t.office,
        json!({"suspended_on": "2027-05-10", "reason": "認定維持報告書の未提出"}),
    )
    .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "suspended");
    assert_eq!(public_status(&app, &number).await, "suspended");
    assert!(!publicly_listed(&app, &number).await);
    // Suspending twice is a conflict; the organization may not suspend.
    post(
        &app,
        &number,
        "suspension",
        &t.office,
        json!({"suspended_on": "2027-05-10", "reason": "再"}),
    )
    .await
    .assert_status(409);
    post(
        &app,
        &number,
        "suspension",
        &t.org_user,
        json!({"suspended_on": "2027-05-10", "reason": "x"}),
    )
    .await
    .assert_status(403);
    // The late report is accepted and flagged late.
    let r = post(
        &app,
        &number,
        "annual-reports",
        &t.org_user,
        json!({"submitted_on": "2027-05-10", "content": annual_content()}),
    )
    .await;
    r.assert_status(201);
    assert_eq!(r.json()["year"], 1);
    assert_eq!(r.json()["late"], true);
    let report_id = r.json()["id"].as_str().unwrap().to_owned();
    // Written question and answer.
    set_day(&app, "2027-05-12");
    let t = Tokens::new(&app, &acc.org_id).await;
    let r = post(
        &app,
        &number,
        "questions",
        &t.office,
        json!({
        "subject": "annual_report", "subject_id": report_id, "asked_on": "2027-05-12",
        "question": "苦情1件の内容と対応を具体的に記載してください。", "answer_due_on": "2027-06-11"}),
    )
    .await;
    r.assert_status(201);
    let question_id = r.json()["id"].as_str().unwrap().to_owned();
    let r = post(&app, &number, &format!("questions/{question_id}/answer"), &t.org_user,
        json!({"answered_on": "2027-05-20", "answer": "利用者からの予約変更に関する苦情で、手順を改めました。"})).await;
    r.assert_status(400); // in the future (today is 2027-05-12)
    let r = post(&app, &number, &format!("questions/{question_id}/answer"), &t.org_user,
        json!({"answered_on": "2027-05-12", "answer": "利用者からの予約変更に関する苦情で、手順を改めました。"})).await;
    r.assert_status(200);
    assert_eq!(r.json()["questions"][0]["answered_on"], "2027-05-12");
    post(
        &app,
        &number,
        &format!("questions/{question_id}/answer"),
        &t.org_user,
        json!({"answered_on": "2027-05-12", "answer": "再回答"}),
    )
    .await
    .assert_status(409);
    // Lifting the suspension is recorded.
    set_day(&app, "2027-05-20");
    let t = Tokens::new(&app, &acc.org_id).await;
    let r = post(
        &app,
        &number,
        "suspension/lift",
        &t.office,
        json!({"lifted_on": "2027-05-20", "reason": "報告書を受領し、疑義も解消した"}),
    )
    .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "active");
    assert_eq!(public_status(&app, &number).await, "active");
    assert!(publicly_listed(&app, &number).await);
    let k = kinds(&r.json());
    for expected in [
        "accredited",
        "suspended",
        "annual_report_submitted",
        "question_asked",
        "question_answered",
        "suspension_lifted",
    ] {
        assert!(k.contains(&expected.to_owned()), "{expected} missing from {k:?}");
    }
    // No late report any more: suspending is refused (year 2 is due 2028-05-01).
    post(
        &app,
        &number,
        "suspension",
        &t.office,
        json!({"suspended_on": "2027-05-20", "reason": "x"}),
    )
    .await
    .assert_status(409);
    // Year 2 on time.
    set_day(&app, "2028-04-20");
    let t = Tokens::new(&app, &acc.org_id).await;
    let r = post(
        &app,
        &number,
        "annual-reports",
        &t.org_user,
        json!({"submitted_on": "2028-04-20", "content": annual_content()}),
    )
    .await;
    r.assert_status(201);
    assert_eq!(r.json()["year"], 2);
    assert_eq!(r.json()["late"], false);
    post(
        &app,
        &number,
        "annual-reports",
        &t.org_user,
        json!({"submitted_on": "2028-04-20", "content": annual_content()}),
    )
    .await
    .assert_status(409);
}

#[tokio::test]
async fn acc_15_self_reports_of_the_six_kinds_with_due_dates_and_late_ones_flagged() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    set_day(&app, "2026-12-20");
    let t = Tokens::new(&app, &acc.org_id).await;
    // Client harm learned on Friday 2026-11-20: ten business days (11-23 is a holiday) → 2026-12-07.
    let r = post(&app, &number, "self-reports", &t.org_user, json!({
        "kind": "client_harm", "event_on": "2026-11-20", "submitted_on": "2026-12-08",
        "content": {"situation": "面談後に体調が悪化し救急搬送された", "prevention": "緊急時対応手順を見直した"}})).await;
    r.assert_status(201);
    assert_eq!(r.json()["due_on"], "2026-12-07");
    assert_eq!(r.json()["late"], true);
    // Change of representative on 2026-11-02: one month from the day after → 2026-12-02.
    let r = post(
        &app,
        &number,
        "self-reports",
        &t.org_user,
        json!({
        "kind": "change_of_head", "event_on": "2026-11-02", "submitted_on": "2026-12-01",
        "content": {"position": "代表取締役", "new_name": "山田 花子", "changed_on": "2026-11-02"}}),
    )
    .await;
    r.assert_status(201);
    assert_eq!(r.json()["due_on"], "2026-12-02");
    assert_eq!(r.json()["late"], false);
    // docs/rules.md: decided 2026-01-30 is before this accreditation; a merger decided 2026-10-30 → 2026-11-30.
    let r = post(
        &app,
        &number,
        "self-reports",
        &t.org_user,
        json!({
        "kind": "merger", "event_on": "2026-10-30", "submitted_on": "2026-12-01",
        "content": {"description": "株式会社こころ研修を吸収合併する", "effective_on": "2027-04-01"}}),
    )
    .await;
    r.assert_status(201);
    assert_eq!(r.json()["due_on"], "2026-11-30");
    assert_eq!(r.json()["late"], true);
    for (kind, content) in [
        (
            "closure",
            json!({"description": "教育・研修の中止", "effective_on": "b 教育・研修 2027-03-31", "client_measures": "契約先へ通知"}),
        ),
        (
            "other_location",
            json!({"address": "福岡県福岡市中央区天神1-1", "manager": "所長 田中（092-000-0000）", "starts_on": "2027-01-10", "services": "a"}),
        ),
        (
            "judgment_or_sanction",
            json!({"description": "業務に関する行政指導", "content": "個人情報の管理について", "response": "管理規程を改訂"}),
        ),
    ] {
        let r = post(
            &app,
            &number,
            "self-reports",
            &t.org_user,
            json!({
            "kind": kind, "event_on": "2026-12-01", "submitted_on": "2026-12-10", "content": content}),
        )
        .await;
        r.assert_status(201);
        assert_eq!(r.json()["late"], false, "{kind}");
    }
    // Every content field of the kind is required; unknown kinds are refused.
    let r = post(
        &app,
        &number,
        "self-reports",
        &t.org_user,
        json!({
        "kind": "change_of_head", "event_on": "2026-11-02", "submitted_on": "2026-12-01",
        "content": {"position": "代表取締役"}}),
    )
    .await;
    r.assert_status(400);
    assert!(r.error_fields().contains(&"content.new_name".to_owned()));
    post(
        &app,
        &number,
        "self-reports",
        &t.org_user,
        json!({
        "kind": "fire", "event_on": "2026-11-02", "submitted_on": "2026-12-01", "content": {}}),
    )
    .await
    .assert_status(400);
    // Submitted before the event: refused.
    post(
        &app,
        &number,
        "self-reports",
        &t.org_user,
        json!({
        "kind": "client_harm", "event_on": "2026-12-10", "submitted_on": "2026-12-01",
        "content": {"situation": "x", "prevention": "y"}}),
    )
    .await
    .assert_status(400);
    // The office does not file them.
    post(
        &app,
        &number,
        "self-reports",
        &t.office,
        json!({
        "kind": "client_harm", "event_on": "2026-12-01", "submitted_on": "2026-12-01",
        "content": {"situation": "x", "prevention": "y"}}),
    )
    .await
    .assert_status(403);
    let r = record(&app, &number, &t.office).await;
    assert_eq!(r["self_reports"].as_array().unwrap().len(), 6);
    // A question on a self-report, answered.
    let sid = r["self_reports"][0]["id"].as_str().unwrap().to_owned();
    let q = post(&app, &number, "questions", &t.office, json!({
        "subject": "self_report", "subject_id": sid, "asked_on": "2026-12-20", "question": "搬送後の経過を報告してください。"})).await;
    q.assert_status(201);
}

#[tokio::test]
async fn acc_17_lapse_recorded_by_the_office_and_expiry_applied_once_by_the_daily_job() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    let t = Tokens::new(&app, &acc.org_id).await;
    // The office records closure, end of services or withdrawal; expiry is the job's.
    post(
        &app,
        &number,
        "lapse",
        &t.office,
        json!({"reason": "expiry", "occurred_on": "2026-11-20"}),
    )
    .await
    .assert_status(400);
    post(
        &app,
        &number,
        "lapse",
        &t.org_user,
        json!({"reason": "withdrawal", "occurred_on": "2026-11-20"}),
    )
    .await
    .assert_status(403);
    let r = post(
        &app,
        &number,
        "lapse",
        &t.office,
        json!({"reason": "withdrawal", "occurred_on": "2026-11-20", "note": "辞退届を受領"}),
    )
    .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "lapsed");
    assert_eq!(public_status(&app, &number).await, "lapsed");
    assert!(!publicly_listed(&app, &number).await);
    post(
        &app,
        &number,
        "lapse",
        &t.office,
        json!({"reason": "closure", "occurred_on": "2026-11-20"}),
    )
    .await
    .assert_status(409);
    // Nothing more is owed: the annual report deadlines are waived.
    let open = nintei_store::deadlines::open_until(
        app.state.db.pool(),
        chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
        Some(&acc.org_id),
    )
    .await
    .unwrap();
    assert!(open.iter().all(|d| d.kind != "annual_report"), "{open:?}");
    post(
        &app,
        &number,
        "annual-reports",
        &t.org_user,
        json!({"submitted_on": "2026-11-20", "content": annual_content()}),
    )
    .await
    .assert_status(409);

    // Expiry: a second accreditation (another organization), valid through 2029-03-31.
    let (_acc2, number2) = accredited(&app, "2026-04-01").await;
    set_day(&app, "2029-03-31");
    let t = Tokens::new(&app, &acc.org_id).await;
    nintei_app::jobs::schedule_recurring(&app.state).await.unwrap();
    nintei_app::jobs::run_due(&app.state, "w1").await.unwrap();
    assert_eq!(record(&app, &number2, &t.office).await["status"], "active");
    set_day(&app, "2029-04-01");
    let t = Tokens::new(&app, &acc.org_id).await;
    // Two workers at once: the lapse is recorded once.
    let (a, b) = tokio::join!(
        nintei_app::acc::record::expire_due(&app.state, chrono::NaiveDate::from_ymd_opt(2029, 4, 1).unwrap()),
        nintei_app::acc::record::expire_due(&app.state, chrono::NaiveDate::from_ymd_opt(2029, 4, 1).unwrap()),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    nintei_app::jobs::schedule_recurring(&app.state).await.unwrap();
    nintei_app::jobs::run_due(&app.state, "w2").await.unwrap();
    let r = record(&app, &number2, &t.office).await;
    assert_eq!(r["status"], "lapsed");
    let lapses: Vec<&Value> = r["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "lapsed")
        .collect();
    assert_eq!(lapses.len(), 1);
    assert_eq!(lapses[0]["occurred_on"], "2029-04-01");
    assert_eq!(lapses[0]["detail"]["reason"], "expiry");
    assert_eq!(public_status(&app, &number2).await, "lapsed");
}

#[tokio::test]
async fn acc_18_revocation_on_its_grounds_with_the_written_notice() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    post(
        &app,
        &number,
        "revocation",
        &acc.head,
        json!({
        "decided_on": "2026-11-20", "ground": "bad_conduct", "method": "meeting", "reason": "x"}),
    )
    .await
    .assert_status(400);
    // The compliance-review ground needs a review that asked the committee.
    post(
        &app,
        &number,
        "revocation",
        &acc.head,
        json!({
        "decided_on": "2026-11-20", "ground": "compliance_review", "method": "meeting", "reason": "x"}),
    )
    .await
    .assert_status(400);
    // A poll needs the answers recorded on a review.
    post(
        &app,
        &number,
        "revocation",
        &acc.head,
        json!({
        "decided_on": "2026-11-20", "ground": "eligibility_lost", "method": "poll", "reason": "x"}),
    )
    .await
    .assert_status(400);
    post(
        &app,
        &number,
        "revocation",
        &acc.org_user,
        json!({
        "decided_on": "2026-11-20", "ground": "eligibility_lost", "method": "meeting", "reason": "x"}),
    )
    .await
    .assert_status(403);
    let mails_before = nintei_store::mail::list(app.state.db.pool(), 100)
        .await
        .unwrap()
        .len();
    let r = post(
        &app,
        &number,
        "revocation",
        &acc.head,
        json!({
        "decided_on": "2026-11-20", "ground": "eligibility_lost", "method": "meeting",
        "reason": "医療法上の医療提供施設となり、受審資格（ACC-1）を失った"}),
    )
    .await;
    r.assert_status(200);
    assert_eq!(r.json()["status"], "revoked");
    let ev = r.json()["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(ev["kind"], "revoked");
    assert_eq!(ev["detail"]["ground"], "eligibility_lost");
    assert_eq!(public_status(&app, &number).await, "revoked");
    assert!(!publicly_listed(&app, &number).await);
    let mails = nintei_store::mail::list(app.state.db.pool(), 100).await.unwrap();
    assert_eq!(mails.len(), mails_before + 1);
    let notice = mails
        .iter()
        .find(|m| m.subject.contains("認定取消通知書"))
        .expect("notice");
    assert_eq!(notice.to, "contact@example.jp");
    assert!(notice.body.contains(&number) && notice.body.contains("受審資格"));
    // Final: nothing changes it any more.
    post(
        &app,
        &number,
        "revocation",
        &acc.office,
        json!({
        "decided_on": "2026-11-20", "ground": "false_explanation", "method": "meeting", "reason": "x"}),
    )
    .await
    .assert_status(409);
    post(
        &app,
        &number,
        "lapse",
        &acc.office,
        json!({"reason": "closure", "occurred_on": "2026-11-20"}),
    )
    .await
    .assert_status(409);
}

#[tokio::test]
async fn certificates_only_when_every_fee_is_paid_and_a_reissue_is_a_paid_additional_copy() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    // The acceptance invoice is unpaid.
    let r = post(
        &app,
        &number,
        "certificates",
        &acc.office,
        json!({"issued_on": "2026-11-20"}),
    )
    .await;
    r.assert_status(409);
    assert!(r.text().contains("INV-"), "{}", r.text());
    let case = acc.case().await;
    for inv in case["invoices"].as_array().unwrap() {
        let due = inv["total_yen"].as_i64().unwrap();
        let id = inv["id"].as_str().unwrap();
        acc.post(
            &format!("invoices/{id}/payments"),
            &acc.office,
            json!({"paid_on": "2026-11-20", "amount_yen": due}),
        )
        .await
        .assert_status(201);
    }
    post(
        &app,
        &number,
        "certificates",
        &acc.org_user,
        json!({"issued_on": "2026-11-20"}),
    )
    .await
    .assert_status(403);
    post(
        &app,
        &number,
        "certificates",
        &acc.office,
        json!({"issued_on": "2026-11-20"}),
    )
    .await
    .assert_status(201);
    post(
        &app,
        &number,
        "certificates",
        &acc.office,
        json!({"issued_on": "2026-11-20"}),
    )
    .await
    .assert_status(409);
    // ACC-22: the reissue's ¥3,000 invoice first, the copy once it is paid; the original is not returned.
    post(
        &app,
        &number,
        "certificates/reissue-invoice",
        &acc.office,
        json!({"issued_on": "2026-11-20"}),
    )
    .await
    .assert_status(201);
    post(
        &app,
        &number,
        "certificates",
        &acc.office,
        json!({"issued_on": "2026-11-20", "reissue": true}),
    )
    .await
    .assert_status(409);
    for inv in acc.case().await["invoices"].as_array().unwrap() {
        if inv["paid"] == json!(true) {
            continue;
        }
        acc.post(
            &format!("invoices/{}/payments", inv["id"].as_str().unwrap()),
            &acc.office,
            json!({"paid_on": "2026-11-20", "amount_yen": inv["total_yen"]}),
        )
        .await
        .assert_status(201);
    }
    post(
        &app,
        &number,
        "certificates",
        &acc.office,
        json!({"issued_on": "2026-11-20", "reissue": true}),
    )
    .await
    .assert_status(201);
    let r = record(&app, &number, &acc.office).await;
    let certs = r["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 2);
    assert!(certs[0]["returned_on"].is_null());
    assert!(certs[1]["returned_on"].is_null());
    assert_eq!(certs[1]["services"], json!(["a", "b"]));
    let invoice_id = certs[1]["invoice_id"].as_str().unwrap();
    let case = acc.case().await;
    let invoice = case["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == json!(invoice_id))
        .unwrap()
        .clone();
    assert_eq!(invoice["subtotal_yen"], 3000);
    assert_eq!(invoice["total_yen"], 3300);
    assert_eq!(invoice["lines"][0]["kind"], "certificate_reissue");
    let k = kinds(&r);
    assert!(!k.contains(&"certificate_returned".to_owned()) && k.contains(&"certificate_issued".to_owned()));
    // The paid reissue invoice bought one copy: another waits for its own invoice.
    post(
        &app,
        &number,
        "certificates",
        &acc.office,
        json!({"issued_on": "2026-11-20", "reissue": true}),
    )
    .await
    .assert_status(409);
}

#[tokio::test]
async fn acc_13_the_logo_is_for_an_active_accreditation_of_the_own_organization_and_the_terms_are_shown() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    let (_, email) = app.user(Role::Organization, Some(&acc.org_id)).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    let terms = b.get("/accreditation/logo").await;
    terms.assert_status(200);
    assert!(
        terms.text().contains("名刺")
            && terms
                .text()
                .contains(&format!("/accreditations/{number}/logo.svg"))
    );
    let logo = b.get(&format!("/accreditations/{number}/logo.svg")).await;
    logo.assert_status(200);
    assert!(logo.header("content-type").starts_with("image/svg+xml"));
    assert!(logo.text().starts_with("<svg") && logo.text().contains(&number));
    // Another organization's user: not found.
    let other = app.organization("合同会社よその認定").await;
    let (_, other_email) = app.user(Role::Organization, Some(&other)).await;
    let mut o = Browser::new(&app);
    o.sign_in(&other_email, PASSWORD).await;
    o.get(&format!("/accreditations/{number}/logo.svg"))
        .await
        .assert_status(404);
    // Once the accreditation is no longer active, no logo.
    post(
        &app,
        &number,
        "lapse",
        &acc.office,
        json!({"reason": "closure", "occurred_on": "2026-11-20"}),
    )
    .await
    .assert_status(200);
    b.get(&format!("/accreditations/{number}/logo.svg"))
        .await
        .assert_status(409);
}

#[tokio::test]
async fn screens_show_the_accreditation_in_japanese_and_post_the_same_steps() {
    let app = TestApp::new().await;
    let (acc, number) = accredited(&app, "2026-04-01").await;
    let (_, email) = app.user(Role::Organization, Some(&acc.org_id)).await;
    let mut b = Browser::new(&app);
    b.sign_in(&email, PASSWORD).await.assert_status(303);
    let list = b.get("/accreditations").await;
    list.assert_status(200);
    assert!(list.text().contains(&number));
    let page = b.get(&format!("/accreditations/{number}")).await;
    page.assert_status(200);
    let html = page.text();
    assert!(html.contains("認定維持報告書") && html.contains("自己申告") && html.contains("2029-03-31"));
    assert!(
        !html.contains("認定を停止する"),
        "the organization sees no office forms"
    );
    let csrf = hidden(&html, "csrf");
    // A self-report through the form (fields named per kind).
    let r = b
        .post_form(
            &format!("/accreditations/{number}/self-report"),
            &[
                ("csrf", &csrf),
                ("kind", "change_of_head"),
                ("event_on", "2026-11-02"),
                ("submitted_on", "2026-11-20"),
                ("change_of_head.position", "代表取締役"),
                ("change_of_head.new_name", "山田 花子"),
                ("change_of_head.changed_on", "2026-11-02"),
                ("client_harm.situation", ""),
            ],
        )
        .await;
    r.assert_status(303);
    assert!(r.location().starts_with(&format!("/accreditations/{number}")));
    let html = b.get(&format!("/accreditations/{number}")).await.text();
    assert!(html.contains("山田 花子") && html.contains("代表者、サービス提供責任者等の変更"));
    // A form error is shown on the page (400), in Japanese.
    let r = b
        .post_form(
            &format!("/accreditations/{number}/self-report"),
            &[
                ("csrf", &csrf),
                ("kind", "merger"),
                ("event_on", "2026-11-02"),
                ("submitted_on", "2026-11-20"),
            ],
        )
        .await;
    r.assert_status(400);
    assert!(r.text().contains("合併または買収の期日"));
    // The office sees the maintenance forms and records a lapse through the screen.
    let (_, office_email) = app.user(Role::Office, None).await;
    let mut ob = Browser::new(&app);
    ob.sign_in(&office_email, PASSWORD).await;
    let html = ob.get(&format!("/accreditations/{number}")).await.text();
    assert!(
        html.contains("認定を停止する")
            && html.contains("適合状況の調査を開始する")
            && html.contains("認定証を発行する")
    );
    let csrf = hidden(&html, "csrf");
    // A lapse cannot be undone: the first post restates it (reason in words, date) and changes nothing.
    let lapse = [
        ("csrf", csrf.as_str()),
        ("reason", "closure"),
        ("occurred_on", "2026-11-20"),
    ];
    let r = ob
        .post_form(&format!("/accreditations/{number}/lapse"), &lapse)
        .await;
    r.assert_status(200);
    let html = r.text();
    assert!(
        html.contains("失効の記録の確認") && html.contains("機関の閉鎖") && html.contains("2026-11-20"),
        "{html}"
    );
    assert_eq!(public_status(&app, &number).await, "active");
    // Someone who may not lapse it gets no confirmation page either.
    let (_, org_email) = app.user(Role::Organization, Some(&acc.org_id)).await;
    let mut orgb = Browser::new(&app);
    orgb.sign_in(&org_email, PASSWORD).await;
    let org_csrf = hidden(
        &orgb.get(&format!("/accreditations/{number}")).await.text(),
        "csrf",
    );
    let r = orgb
        .post_form(
            &format!("/accreditations/{number}/lapse"),
            &[
                ("csrf", org_csrf.as_str()),
                ("reason", "closure"),
                ("occurred_on", "2026-11-20"),
            ],
        )
        .await;
    assert!(matches!(r.status.as_u16(), 403 | 404), "{}", r.status);
    let confirmed = [lapse.as_slice(), &[("confirmed", "1")]].concat();
    let r = ob
        .post_form(&format!("/accreditations/{number}/lapse"), &confirmed)
        .await;
    r.assert_status(303);
    assert_eq!(public_status(&app, &number).await, "lapsed");
    let html = ob.get(&format!("/accreditations/{number}")).await.text();
    assert!(html.contains("失効") && html.contains("機関の閉鎖"));
    // the history row says the reason in Japanese only, never its code
    assert!(!html.contains("/ closure"), "a reason code on the Japanese page");
}
