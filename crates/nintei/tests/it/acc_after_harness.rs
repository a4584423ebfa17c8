//! The harness side of the accreditation after the decision: the accreditation each route of
//! `/api/v1/accreditations/{number}/...` and `/accreditations/{number}/...` needs, and the valid bodies of those routes.

use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::acc_after::{API, annual_content};
use crate::harness::{Body, Fixture};
use crate::harness_records::Built;
use crate::requests::Ctx;
use crate::support::TestApp;

/// The state of the accreditation a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccrStage {
    /// Accredited 2025-12-10 (expires 2028-12-09): the year-1 report (due 2026-12-31 → 2027-01-04) is open.
    Active,
    /// With the year-1 annual report submitted.
    Reported,
    /// With a written question on it.
    Questioned,
    /// With the year-1 report past its due date (moved to 2026-10-30).
    LateReport,
    Suspended,
    /// With an open compliance review.
    Review,
    /// With a document request on the review.
    ReviewItem,
    /// With the review's revocation request decided by a poll.
    Poll,
    /// With a certificate issued 2026-11-20.
    Certified,
    /// Revoked 2026-11-20 (ACC-18).
    Revoked,
}

/// The stage for the part of the path after `/accreditations/{number}`.
pub fn stage_for(rest: &str) -> AccrStage {
    use AccrStage::*;
    match rest {
        "/questions" => Reported,
        "/questions/{question_id}/answer" => Questioned,
        "/suspension" => LateReport,
        "/suspension/lift" => Suspended,
        "/reviews/{review_id}/requests"
        | "/reviews/{review_id}/site-visit"
        | "/reviews/{review_id}/revocation-request"
        | "/reviews/{review_id}/closure" => Review,
        "/reviews/{review_id}/requests/{item_id}/fulfilment" => ReviewItem,
        "/reviews/{review_id}/answers" => Poll,
        "/certificates/{certificate_id}/certificate.pdf" | "/certificates/reissue-invoice" => Certified,
        "/revocation-notice.pdf" => Revoked,
        _ => Active,
    }
}

async fn call(fx: &Fixture, path: &str, token: &str, body: Value, expect: u16) -> Value {
    let r = fx.app.post_json(path, Some(token), &body).await;
    assert_eq!(
        r.status.as_u16(),
        expect,
        "fixture: POST {path} {body}: {}",
        r.text()
    );
    r.json()
}

/// An accreditation of `b.org` in `stage`: a case applied through the API, accredited directly in the store
/// (the case's review is not what these routes are about), then the stage's steps through the API.
pub async fn build(fx: &Fixture, b: &mut Built, stage: AccrStage, office: &str) {
    use AccrStage::*;
    let (_, email) = fx.app.user(Role::Organization, Some(&b.org)).await;
    let org_user = fx.app.token_for(&email).await;
    let mut application = crate::acc_fixture::application(&b.org, "2025-09-01");
    application["unit_name"] = format!("第{}相談部", fx.nonce()).into();
    let r = call(fx, "/api/v1/accreditation/cases", &org_user, application, 201).await;
    let case_id = r["id"].as_str().unwrap().to_owned();
    b.number = accredit_directly(&fx.app, &case_id, &b.org).await;
    let base = format!("{API}/{}", b.number);
    let db = &fx.app.state.db;
    if matches!(stage, Reported | Questioned) {
        let r = call(
            fx,
            &format!("{base}/annual-reports"),
            &org_user,
            json!({"submitted_on": "2026-11-20", "content": annual_content()}),
            201,
        )
        .await;
        b.report_id = r["id"].as_str().unwrap().to_owned();
    }
    if stage == Questioned {
        let r = call(fx, &format!("{base}/questions"), office, json!({
            "subject": "annual_report", "subject_id": b.report_id, "asked_on": "2026-11-20", "question": "実績の内訳を示してください。"}), 201).await;
        b.question_id = r["id"].as_str().unwrap().to_owned();
    }
    if stage == LateReport {
        crate::support::sqlx_exec(
            db,
            &format!(
                "UPDATE acc_annual_reports SET due_on = '2026-10-30' WHERE year = 1 AND accreditation_id = \
             (SELECT id FROM accreditations WHERE number = '{}')",
                b.number
            ),
        )
        .await;
    }
    if stage == Suspended {
        crate::support::sqlx_exec(
            db,
            &format!(
                "UPDATE accreditations SET status = 'suspended' WHERE number = '{}'",
                b.number
            ),
        )
        .await;
    }
    if matches!(stage, Review | ReviewItem | Poll) {
        let r = call(fx, &format!("{base}/reviews"), office, json!({
            "trigger": "site_visit_explanation", "opened_on": "2026-11-20", "reason": "実地調査での説明の誤り"}), 201).await;
        b.review_id = r["id"].as_str().unwrap().to_owned();
    }
    if stage == ReviewItem {
        let r = call(fx, &format!("{base}/reviews/{}/requests", b.review_id), office, json!({
            "kind": "documents", "requested_on": "2026-11-20", "due_on": "2026-12-21", "description": "相談記録"}), 201).await;
        b.item_id = r["id"].as_str().unwrap().to_owned();
    }
    if stage == Poll {
        call(
            fx,
            &format!("{base}/reviews/{}/revocation-request", b.review_id),
            office,
            json!({
            "requested_on": "2026-11-20", "method": "poll", "reason": "委員会の判定が必要"}),
            200,
        )
        .await;
        let (member, _) = fx.app.user(Role::Committee, None).await;
        b.user_ref = member;
    }
    if stage == Certified {
        let r = call(
            fx,
            &format!("{base}/certificates"),
            office,
            json!({"issued_on": "2026-11-20"}),
            201,
        )
        .await;
        b.certificate_id = r["id"].as_str().unwrap().to_owned();
    }
    if stage == Revoked {
        call(
            fx,
            &format!("{base}/revocation"),
            office,
            json!({"decided_on": "2026-11-20",
            "ground": "eligibility_lost", "method": "meeting", "reason": "受審資格を失った"}),
            200,
        )
        .await;
    }
}

/// Inserts an accreditation of the case, accredited 2025-12-10 (valid through 2028-12-09), with its history
/// and annual reports as the accredit decision makes them; returns its number.
pub async fn accredit_directly(app: &TestApp, case_id: &str, org: &str) -> String {
    let state = &app.state;
    let now = state.clock.unix();
    let on = chrono::NaiveDate::from_ymd_opt(2025, 12, 10).unwrap();
    let calendar = nintei_app::acc::office_calendar(state).await.unwrap();
    let mut tx = state.db.begin_write().await.unwrap();
    let n = nintei_store::acc::next_number(&mut tx, "accreditation", 2025)
        .await
        .unwrap();
    let number = format!("MH-2025-{n:04}");
    let record = nintei_store::acc::Accreditation {
        number: number.clone(),
        organization_id: org.to_owned(),
        case_id: case_id.to_owned(),
        unit_name: None,
        services: vec![
            nintei_domain::acc::ServiceCode::A,
            nintei_domain::acc::ServiceCode::B,
        ],
        accredited_on: on,
        expires_on: chrono::NaiveDate::from_ymd_opt(2028, 12, 9).unwrap(),
        status: "active".into(),
    };
    let id = nintei_store::acc::insert_accreditation(&mut tx, &record, now)
        .await
        .unwrap();
    nintei_store::accreditations::record_event(
        &mut tx,
        &id,
        "accredited",
        on,
        &json!({"case_id": case_id}),
        None,
        now,
    )
    .await
    .unwrap();
    nintei_app::acc::record::on_accredited(&mut tx, &calendar, &number, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    number
}

/// The valid body of one of this module's POST routes.
pub fn valid_body(route: &str, c: &Ctx) -> Option<Body> {
    let b = &c.built;
    let csrf = c.csrf.as_str();
    let path = route
        .strip_prefix("POST /api/v1/accreditations/{number}")
        .map(|r| (true, r))
        .or_else(|| {
            route
                .strip_prefix("POST /accreditations/{number}")
                .map(|r| (false, r))
        })?;
    let body = match path {
        (true, "/annual-reports") => json!({"submitted_on": "2026-11-20", "content": annual_content()}),
        (true, "/questions") => json!({"subject": "annual_report", "subject_id": b.report_id,
            "asked_on": "2026-11-20", "question": "実績の内訳を示してください。", "answer_due_on": "2026-12-21"}),
        (true, "/questions/{question_id}/answer") => {
            json!({"answered_on": "2026-11-20", "answer": "別紙のとおりです。"})
        }
        (true, "/suspension") => json!({"suspended_on": "2026-11-20", "reason": "認定維持報告書の未提出"}),
        (true, "/suspension/lift") => json!({"lifted_on": "2026-11-20", "reason": "報告書を受領"}),
        (true, "/self-reports") => {
            json!({"kind": "change_of_head", "event_on": "2026-11-02", "submitted_on": "2026-11-20",
            "content": {"position": "代表取締役", "new_name": "山田 花子", "changed_on": "2026-11-02"}})
        }
        (true, "/lapse") => json!({"reason": "withdrawal", "occurred_on": "2026-11-20"}),
        (true, "/revocation") => {
            json!({"decided_on": "2026-11-20", "ground": "eligibility_lost", "method": "meeting",
            "reason": "受審資格を失った"})
        }
        (true, "/reviews") => {
            json!({"trigger": "site_visit_explanation", "opened_on": "2026-11-20", "reason": "説明の誤り"})
        }
        (true, "/reviews/{review_id}/requests") => json!({"kind": "finding", "requested_on": "2026-11-20",
            "due_on": "2026-12-21", "description": "保存期間を改めること"}),
        (true, "/reviews/{review_id}/requests/{item_id}/fulfilment") => json!({"met_on": "2026-11-20"}),
        (true, "/reviews/{review_id}/site-visit") => json!({"site_visit_on": "2026-12-01"}),
        (true, "/reviews/{review_id}/revocation-request") => {
            json!({"requested_on": "2026-11-20", "method": "meeting",
            "reason": "委員会の判定が必要"})
        }
        (true, "/reviews/{review_id}/answers") => {
            json!({"member_id": b.user_ref, "answer": "revoke", "answered_on": "2026-11-20"})
        }
        (true, "/reviews/{review_id}/closure") => json!({"closed_on": "2026-11-20", "outcome": "conforming"}),
        (true, "/certificates" | "/certificates/reissue-invoice") => json!({"issued_on": "2026-11-20"}),
        (false, "/{action}") => {
            return Some(Body::form(&[
                ("csrf", csrf),
                ("kind", "change_of_head"),
                ("event_on", "2026-11-02"),
                ("submitted_on", "2026-11-20"),
                ("change_of_head.position", "代表取締役"),
                ("change_of_head.new_name", "山田 花子"),
                ("change_of_head.changed_on", "2026-11-02"),
            ]));
        }
        _ => return None,
    };
    Some(Body::Json(body))
}
