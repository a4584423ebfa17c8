//! Shared set-up of the REG tests: an organization with a counseling room, its user and an office user, and a
//! complete application body (API.md "Registration cases").

use nintei_domain::reg::criteria::criteria;
use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::support::TestApp;

pub struct Reg {
    pub org_id: String,
    pub site_id: String,
    pub office: String,
    pub office_email: String,
    pub org: String,
    pub org_email: String,
}

impl Reg {
    /// New tokens after the clock moved more than the 12-hour token lifetime.
    pub async fn relogin(&mut self, app: &TestApp) {
        self.office = app.token_for(&self.office_email).await;
        self.org = app.token_for(&self.org_email).await;
    }
}

/// An organization with one counseling room (REG-2), an office user and the organization's user.
pub async fn setup(app: &TestApp) -> Reg {
    let org_id = app.organization("株式会社こころ相談センター").await;
    let (_, office_email) = app.user(Role::Office, None).await;
    let office = app.token_for(&office_email).await;
    let site_id = add_site(app, &office, &org_id, "小倉相談室").await;
    let (_, org_email) = app.user(Role::Organization, Some(&org_id)).await;
    let org = app.token_for(&org_email).await;
    Reg {
        org_id,
        site_id,
        office,
        office_email,
        org,
        org_email,
    }
}

pub async fn add_site(app: &TestApp, token: &str, org_id: &str, name: &str) -> String {
    let r = app
        .post_json(
            &format!("/api/v1/organizations/{org_id}/sites"),
            Some(token),
            // REG-2: one room, one address — each room of the fixtures at its own place.
            &json!({"name": name, "prefecture": "40", "address": format!("福岡県北九州市小倉北区浅野1-2-3 {name}")}),
        )
        .await;
    r.assert_status(201);
    r.json()["id"].as_str().unwrap().to_owned()
}

/// Every REG-3 item confirmed.
pub fn all_confirmed() -> Value {
    let map: serde_json::Map<String, Value> = criteria()
        .iter()
        .map(|c| (c.code.to_owned(), Value::Bool(true)))
        .collect();
    Value::Object(map)
}

/// A complete application without findings, in API.md's shape with the REG-3 1(2)イ conditions stated per
/// counselor (as the screens state them).
pub fn application(org_id: &str, site_id: &str, applied_on: &str) -> Value {
    json!({
        "organization_id": org_id,
        "site_id": site_id,
        "applied_on": applied_on,
        "criteria": all_confirmed(),
        "counselors": [
            {"name": "山田 花子", "qualification": "clinical_psychologist", "full_time": true, "years_of_practice": 8,
             "months_of_practice": 0, "main_duty": true, "three_days_a_week": true},
            {"name": "佐藤 一郎", "qualification": "industrial_counselor", "full_time": false, "years_of_practice": 2,
             "months_of_practice": 0, "main_duty": false, "three_days_a_week": false}
        ],
        "psychiatrists": [
            {"name": "鈴木 次郎", "clinical_years": 12, "oh_qualification": "training_zaidan",
             "institution_name": "さくらメンタルクリニック", "institution_address": "福岡県北九州市小倉北区1-1-1"}
        ],
        "disclosure": {
            "fee_structure": "年間契約 従業員1人あたり月額300円（精神科医の面接を含む）",
            "hours": "平日 9:00〜18:00、土曜 9:00〜12:00",
            "methods": ["face_to_face", "phone", "email"],
            "other_services": "管理監督者研修",
            "track_record": "契約事業場 25社（2025年度）"
        }
    })
}

/// Files the complete application and registers it; returns the case id and the registration number. The office
/// enters it as a paper application, since `applied_on` is usually in the past (REG-4: an institution filing
/// online files on the day itself).
pub async fn register(app: &TestApp, reg: &Reg, applied_on: &str, decided_on: &str) -> (String, String) {
    let r = app
        .post_json(
            "/api/v1/registration/cases",
            Some(&reg.office),
            &application(&reg.org_id, &reg.site_id, applied_on),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["findings"], json!([]));
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            &format!("/api/v1/registration/cases/{id}/review"),
            Some(&reg.office),
            &json!({"decision": "register", "decided_on": decided_on}),
        )
        .await;
    r.assert_status(200);
    let number = r.json()["registration"]["number"].as_str().unwrap().to_owned();
    (id, number)
}

/// Sets the fixed clock to 10:00 JST on `date` (YYYY-MM-DD).
pub fn set_day(app: &TestApp, date: &str) {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    let t = d.and_hms_opt(1, 0, 0).unwrap().and_utc();
    app.clock.set(t);
}
