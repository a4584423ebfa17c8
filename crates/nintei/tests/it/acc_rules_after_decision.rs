//! After the decision, as seed 003 第6章6 and 第8章 run it: the certificate only when every fee of the
//! accreditation is paid and a reissue as a paid additional copy (ACC-22), the renewed validity's annual reports
//! (ACC-14, ACC-19), and no silent revival of an expired accreditation by its renewal (ACC-17, ACC-19).

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};

use crate::acc_fixture::{Acc, accredited};
use crate::support::TestApp;

const API: &str = "/api/v1/accreditations";

/// Sets the clock to 10:00 JST on `day`.
fn at(app: &TestApp, day: &str) {
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    app.clock
        .set(Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).unwrap()));
}

/// Pays in full every unpaid invoice of the case `acc.case_id`.
async fn pay_all(acc: &Acc<'_>, on: &str) {
    for inv in acc.case().await["invoices"].as_array().unwrap() {
        if inv["paid"] == json!(true) {
            continue;
        }
        let due = inv["total_yen"].as_i64().unwrap() - inv["paid_yen"].as_i64().unwrap();
        acc.post(
            &format!("invoices/{}/payments", inv["id"].as_str().unwrap()),
            &acc.office,
            json!({"paid_on": on, "amount_yen": due}),
        )
        .await
        .assert_status(201);
    }
}

/// Applies for the renewal of `number` on `applied_on` and accepts it on `accepted_on`; `acc` then is that case.
async fn renewal(acc: &mut Acc<'_>, number: &str, applied_on: &str, accepted_on: &str) {
    let r = acc
        .app
        .post_json(
            &format!("{API}/{number}/renewal"),
            Some(&acc.org_user),
            &crate::acc_fixture::application(&acc.org_id, applied_on),
        )
        .await;
    r.assert_status(201);
    acc.case_id = r.json()["id"].as_str().unwrap().to_owned();
    acc.accept(accepted_on).await;
}

async fn certificate(app: &TestApp, number: &str, token: &str, body: Value) -> crate::support::TestResponse {
    app.post_json(&format!("{API}/{number}/certificates"), Some(token), &body)
        .await
}

async fn record(app: &TestApp, number: &str, token: &str) -> Value {
    let r = app.get(&format!("{API}/{number}"), Some(token)).await;
    r.assert_status(200);
    r.json()
}

#[tokio::test]
async fn acc_22_certificate_waits_for_every_fee_of_the_accreditation_and_a_reissue_is_a_paid_additional_copy()
{
    let app = TestApp::new().await;
    at(&app, "2029-01-25");
    let (mut acc, number) = accredited(&app, "2026-04-01").await;
    let first_case = acc.case_id.clone();
    pay_all(&acc, "2026-04-20").await;
    // The renewal case's acceptance invoice is a fee of the same accreditation.
    renewal(&mut acc, &number, "2029-01-10", "2029-01-20").await;
    let r = certificate(&app, &number, &acc.office, json!({"issued_on": "2029-01-21"})).await;
    r.assert_status(409);
    assert!(r.text().contains("INV-2029-"), "{}", r.text());
    pay_all(&acc, "2029-01-21").await;
    certificate(&app, &number, &acc.office, json!({"issued_on": "2029-01-21"}))
        .await
        .assert_status(201);
    // A reissue needs its own paid ¥3,000 invoice first.
    let reissue = json!({"issued_on": "2029-01-22", "reissue": true});
    certificate(&app, &number, &acc.office, reissue.clone())
        .await
        .assert_status(409);
    let path = format!("{API}/{number}/certificates/reissue-invoice");
    app.post_json(&path, Some(&acc.org_user), &json!({"issued_on": "2029-01-22"}))
        .await
        .assert_status(403);
    let r = app
        .post_json(&path, Some(&acc.office), &json!({"issued_on": "2029-01-22"}))
        .await;
    r.assert_status(201);
    let invoice_id = r.json()["id"].as_str().unwrap().to_owned();
    // A double submission makes no second invoice.
    app.post_json(&path, Some(&acc.office), &json!({"issued_on": "2029-01-22"}))
        .await
        .assert_status(409);
    // Unpaid: no copy yet.
    certificate(&app, &number, &acc.office, reissue.clone())
        .await
        .assert_status(409);
    acc.case_id = first_case;
    let case = acc.case().await;
    let invoice = case["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == json!(invoice_id))
        .unwrap()
        .clone();
    assert_eq!(invoice["subtotal_yen"], 3000);
    assert_eq!(invoice["lines"][0]["kind"], "certificate_reissue");
    pay_all(&acc, "2029-01-23").await;
    certificate(&app, &number, &acc.office, reissue.clone())
        .await
        .assert_status(201);
    // The paid invoice bought one copy only.
    certificate(&app, &number, &acc.office, reissue)
        .await
        .assert_status(409);
    let r = record(&app, &number, &acc.office).await;
    let certs = r["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 2);
    // The original is not returned: the reissue is an additional copy.
    assert!(certs[0]["returned_on"].is_null(), "{certs:?}");
    assert!(certs[1]["returned_on"].is_null());
    assert_eq!(certs[1]["reissue"], true);
    assert_eq!(certs[1]["invoice_id"], json!(invoice_id));
}

/// Walks the (renewal) case `acc` from its plan to the committee, all ratings 1.
async fn review(acc: &Acc<'_>, due: &str, visit: &str, submitted: &str, report: &str) {
    acc.plan(due, visit).await;
    acc.submit_self_study(submitted).await;
    acc.assign_surveyors().await;
    acc.rate_all(&[]).await;
    assert_eq!(acc.report(report).await["status"], "committee");
}

#[tokio::test]
async fn acc_19_renewal_creates_the_new_validitys_annual_reports_and_deadlines() {
    let app = TestApp::new().await;
    at(&app, "2029-03-25");
    let (mut acc, number) = accredited(&app, "2026-04-01").await;
    let body = |on: &str| {
        json!({"submitted_on": on, "services_provided": "相談窓口 400件", "organization_changes": "なし",
               "conformity": "維持しています。", "improvements": "なし", "incidents": "なし"})
    };
    for on in ["2027-04-10", "2028-04-10"] {
        app.post_json(
            &format!("{API}/{number}/annual-reports"),
            Some(&acc.org_user),
            &body(on),
        )
        .await
        .assert_status(201);
    }
    renewal(&mut acc, &number, "2028-10-01", "2028-10-10").await;
    review(&acc, "2028-11-30", "2028-12-10", "2028-11-20", "2028-12-20").await;
    acc.decide(json!({"outcome": "accredit", "decided_on": "2029-03-20"}))
        .await
        .assert_status(200);
    let r = record(&app, &number, &acc.office).await;
    assert_eq!(r["accredited_on"], "2029-04-01");
    let dues: Vec<(i64, String)> = r["annual_reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["year"].as_i64().unwrap(),
                a["due_on"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The first validity's two, then the renewed validity's two, in the accreditation month (April).
    assert_eq!(
        dues,
        vec![
            (1, "2027-04-30".to_owned()),
            (2, "2028-05-01".to_owned()),
            (3, "2030-04-30".to_owned()),
            (4, "2031-04-30".to_owned()),
        ]
    );
    let id = nintei_store::accreditations::id_by_number(app.state.db.pool(), &number)
        .await
        .unwrap()
        .unwrap();
    let open: Vec<String> = nintei_store::acc_records::annual_reports(app.state.db.pool(), &id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.due_on.to_string())
        .collect();
    assert!(open.contains(&"2030-04-30".to_owned()), "{open:?}");
    // The third report opens in the month before the renewed accreditation month of 2030.
    at(&app, "2030-03-05");
    let org_user = app
        .login(nintei_domain::role::Role::Organization, Some(&acc.org_id))
        .await
        .1;
    app.post_json(
        &format!("{API}/{number}/annual-reports"),
        Some(&org_user),
        &body("2030-03-05"),
    )
    .await
    .assert_status(201);
}

#[tokio::test]
async fn acc_19_a_renewal_decided_after_the_expiry_does_not_revive_the_accreditation() {
    let app = TestApp::new().await;
    at(&app, "2029-05-01");
    let (mut acc, number) = accredited(&app, "2026-04-01").await;
    renewal(&mut acc, &number, "2029-01-10", "2029-01-20").await;
    review(&acc, "2029-02-28", "2029-03-10", "2029-02-20", "2029-03-20").await;
    // Valid through 2029-03-31, not extended: decided on 2029-04-15 the accreditation had expired.
    let r = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2029-04-15"}))
        .await;
    r.assert_status(409);
    assert!(r.text().contains("新規に申請"), "{}", r.text());
    let p = app
        .get(&format!("/api/v1/public/accreditations/{number}"), None)
        .await
        .assert_status(200)
        .json();
    assert_eq!(p["accredited_on"], "2026-04-01");
    assert_eq!(p["expires_on"], "2029-03-31");
    assert_eq!(acc.status().await, "committee");
}

#[tokio::test]
async fn acc_22_an_invoice_is_dated_in_order_with_its_case() {
    let app = TestApp::new().await;
    // Accepted 2025-09-10.
    let acc = Acc::to_committee(&app, &[]).await;
    let body = |on: &str| json!({"issued_on": on, "lines": [{"kind": "travel", "amount_yen": 12_000}]});
    for early in ["1989-01-10", "2025-09-09"] {
        let r = acc.post("invoices", &acc.office, body(early)).await;
        assert_eq!(r.assert_status(400).error_fields(), vec!["issued_on"], "{early}");
    }
    acc.post("invoices", &acc.office, body("2025-11-12"))
        .await
        .assert_status(201);
}
