//! Builders for accreditation-case tests: the people of a case and a walk through its steps with dates that
//! follow docs/rules.md's examples. Every step asserts its status code, so a broken step fails where it breaks.

use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, TestResponse};

pub const BASE: &str = "/api/v1/accreditation/cases";

/// The people of one case and the case itself.
pub struct Acc<'a> {
    pub app: &'a TestApp,
    pub org_id: String,
    pub case_id: String,
    pub office: String,
    pub head: String,
    pub org_user: String,
    pub coordinator_id: String,
    pub coordinator: String,
    pub lead_id: String,
    pub lead: String,
    pub second_id: String,
    pub second: String,
    pub member: String,
}

/// A valid application body for `org_id`: services a and b, started 2025-03-01, ¥87M revenue, applied on
/// `applied_on`.
pub fn application(org_id: &str, applied_on: &str) -> Value {
    json!({
        "organization_id": org_id,
        "services": [{"code": "a", "started_on": "2025-03-01"}, {"code": "b", "started_on": "2025-03-01"}],
        "other_services": ["メール相談"],
        "annual_revenue_yen": 87_000_000,
        "applied_on": applied_on,
    })
}

impl<'a> Acc<'a> {
    /// An organization, its user, staff of every role, and a case applied on `applied_on` with the body `body`
    /// makes for the organization id (or the default application when `None`).
    pub async fn new(app: &'a TestApp, applied_on: &str, body: Option<&dyn Fn(&str) -> Value>) -> Acc<'a> {
        let org_id = app.organization("株式会社こころ認定").await;
        let (_, office) = app.login(Role::Office, None).await;
        let (_, head) = app.login(Role::Head, None).await;
        let (_, org_user) = app.login(Role::Organization, Some(&org_id)).await;
        let (coordinator_id, coordinator) = app.login(Role::Coordinator, None).await;
        let (lead_id, lead) = app.login(Role::Surveyor, None).await;
        let (second_id, second) = app.login(Role::Surveyor, None).await;
        let (_, member) = app.login(Role::Committee, None).await;
        let body = match body {
            Some(make) => make(&org_id),
            None => application(&org_id, applied_on),
        };
        let r = app.post_json(BASE, Some(&org_user), &body).await;
        r.assert_status(201);
        assert_eq!(r.json()["status"], "submitted");
        let case_id = r.json()["id"].as_str().unwrap().to_owned();
        Acc {
            app,
            org_id,
            case_id,
            office,
            head,
            org_user,
            coordinator_id,
            coordinator,
            lead_id,
            lead,
            second_id,
            second,
            member,
        }
    }

    pub fn path(&self, step: &str) -> String {
        if step.is_empty() {
            format!("{BASE}/{}", self.case_id)
        } else {
            format!("{BASE}/{}/{step}", self.case_id)
        }
    }

    pub async fn post(&self, step: &str, token: &str, body: Value) -> TestResponse {
        self.app.post_json(&self.path(step), Some(token), &body).await
    }

    pub async fn get(&self, token: &str) -> TestResponse {
        self.app.get(&self.path(""), Some(token)).await
    }

    pub async fn case(&self) -> Value {
        let r = self.get(&self.office).await;
        r.assert_status(200);
        r.json()
    }

    pub async fn status(&self) -> String {
        self.case().await["status"].as_str().unwrap().to_owned()
    }

    pub async fn accept(&self, decided_on: &str) -> Value {
        let r = self
            .post(
                "eligibility",
                &self.office,
                json!({"eligible": true, "decided_on": decided_on}),
            )
            .await;
        r.assert_status(200);
        r.json()
    }

    pub async fn plan(&self, due: &str, visit: &str) -> Value {
        let r = self
            .post(
                "plan",
                &self.office,
                json!({"coordinator_id": self.coordinator_id, "self_study_due_on": due, "site_visit_on": visit}),
            )
            .await;
        r.assert_status(200);
        r.json()
    }

    /// ACC-6: the representative's confirmation, required before the submission.
    pub async fn confirm(&self, on: &str) -> Value {
        let r = self
            .post(
                "self-study/confirmation",
                &self.org_user,
                json!({"confirmed_on": on}),
            )
            .await;
        r.assert_status(200);
        r.json()
    }

    /// ACC-6: confirms (the representative) and submits.
    pub async fn submit_self_study(&self, on: &str) -> Value {
        self.confirm(on).await;
        let r = self
            .post(
                "self-study/submission",
                &self.org_user,
                json!({"submitted_on": on}),
            )
            .await;
        r.assert_status(200);
        r.json()
    }

    pub async fn assign_surveyors(&self) {
        self.post(
            "surveyors",
            &self.office,
            json!({"user_id": self.lead_id, "lead": true}),
        )
        .await
        .assert_status(201);
        self.post(
            "surveyors",
            &self.office,
            json!({"user_id": self.second_id, "lead": false}),
        )
        .await
        .assert_status(201);
    }

    /// The standards in scope of a case with services a and b, from the catalog in force.
    pub async fn codes_in_scope(&self, services: &[&str]) -> Vec<String> {
        let r = self
            .app
            .get("/api/v1/accreditation/standards", Some(&self.lead))
            .await;
        r.assert_status(200);
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["service"].is_null() || services.contains(&s["service"].as_str().unwrap()))
            .map(|s| s["code"].as_str().unwrap().to_owned())
            .collect()
    }

    pub async fn rate(&self, token: &str, code: &str, rating: i64) -> TestResponse {
        self.post(
            "ratings",
            token,
            json!({"standard": code, "rating": rating, "comment": format!("{code}: 確認しました")}),
        )
        .await
    }

    /// Rates every standard in scope (services a, b) 1, except the given codes.
    pub async fn rate_all(&self, except: &[(&str, i64)]) {
        for (i, code) in self.codes_in_scope(&["a", "b"]).await.iter().enumerate() {
            let rating = except.iter().find(|(c, _)| c == code).map_or(1, |(_, r)| *r);
            // Both surveyors rate, as they share the standards at the visit.
            let token = if i % 2 == 0 { &self.lead } else { &self.second };
            self.rate(token, code, rating).await.assert_status(201);
        }
    }

    pub async fn report(&self, issued_on: &str) -> Value {
        let r = self
            .post("report", &self.lead, json!({"issued_on": issued_on}))
            .await;
        r.assert_status(200);
        r.json()
    }

    pub async fn respond(&self, on: &str) -> Value {
        let r = self
            .post(
                "response",
                &self.org_user,
                json!({"submitted_on": on, "opinion": "指摘を受け止めます。", "action_plan": "3か月以内に手順書を改訂します。"}),
            )
            .await;
        r.assert_status(200);
        r.json()
    }

    pub async fn decide(&self, body: Value) -> TestResponse {
        self.post("decision", &self.office, body).await
    }

    /// Walks a case applied 2025-09-01 to its site visit with every standard rated (1, except `below`): accepted
    /// 2025-09-10, self-study due 2025-10-31 and submitted 2025-10-20, site visit 2025-11-10 (and 11-11).
    pub async fn rated(app: &'a TestApp, below: &[(&str, i64)]) -> Acc<'a> {
        let acc = Acc::new(app, "2025-09-01", None).await;
        acc.accept("2025-09-10").await;
        acc.plan("2025-10-31", "2025-11-10").await;
        acc.submit_self_study("2025-10-20").await;
        acc.assign_surveyors().await;
        acc.rate_all(below).await;
        acc
    }

    /// Walks a case applied 2025-09-01 up to the committee: accepted 2025-09-10, self-study due 2025-10-31 and
    /// submitted 2025-10-20, site visit 2025-11-10, report 2025-11-20, and (when a standard is rated 3 or 4) the
    /// organization's response 2025-12-01.
    pub async fn to_committee(app: &'a TestApp, below: &[(&str, i64)]) -> Acc<'a> {
        let acc = Acc::rated(app, below).await;
        let after = acc.report("2025-11-20").await;
        if below.iter().any(|(_, r)| *r >= 3) {
            assert_eq!(after["status"], "report_issued");
            let after = acc.respond("2025-12-01").await;
            assert_eq!(after["status"], "committee");
        } else {
            assert_eq!(after["status"], "committee");
        }
        acc
    }
}

/// A case walked to the committee and accredited on `on` (ACC-11); returns it with the accreditation number.
pub async fn accredited<'a>(app: &'a TestApp, on: &str) -> (Acc<'a>, String) {
    let acc = Acc::to_committee(app, &[]).await;
    let r = acc.decide(json!({"outcome": "accredit", "decided_on": on})).await;
    r.assert_status(200);
    let number = r.json()["accreditation"]["number"].as_str().unwrap().to_owned();
    (acc, number)
}

/// `[(kind, due_on)]` of a case, sorted as the API gives them.
pub fn deadlines(case: &Value) -> Vec<(String, String)> {
    case["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_owned(),
                d["due_on"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}
