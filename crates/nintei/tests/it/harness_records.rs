//! The records the harnesses name: for a route, an accreditation case, registration case, registration, change
//! notice, public report, investigation or training of the own or the other organization, in the state the
//! route's valid request needs. Built fresh for every request through the API (as the office and the
//! organizations' users would), so that a request that succeeds cannot spoil the next cell, and with the
//! requesting coordinator or surveyor assigned to the own organization's case (ACC-5, ACC-7) so that the
//! assigned roles can act on it; on the other organization's case somebody else is assigned.

use std::collections::BTreeMap;

use nintei_domain::role::Role;
use nintei_web::RouteInfo;
use serde_json::{Value, json};

use crate::harness::{Fixture, Record, Subject};
use crate::reg_common;

/// The ACC stages a route needs (docs/rules.md's example dates, as in `acc_fixture.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AccStage {
    /// Applied 2025-09-01.
    Submitted,
    /// Accepted 2025-09-10 (with the invoice of ACC-22).
    Accepted,
    /// Planned (coordinator assigned), self-study due 2025-10-31, visit 2025-11-10.
    SelfStudy,
    /// Self-study submitted 2025-10-20, two surveyors assigned.
    SiteVisit,
    /// Every standard in scope rated.
    Rated,
    /// Report issued 2025-11-20 with a standard rated 3 (ACC-10).
    ReportIssued,
    /// Report issued with no standard below 2: straight to the committee; one member voted to accredit.
    Committee,
    /// Accredited 2025-12-10 (ACC-11).
    Accredited,
    // part 2 (ACC-19, ACC-20, ACC-21):
    /// Denied 2026-11-02, the result notice received 2026-11-05 (appealable, ACC-21).
    Denied,
    /// Accredited 2025-12-10 and revoked 2026-11-02 (appealable, ACC-21).
    Revoked,
    /// Accredited, with a renewal case applied 2026-11-20 (`{id}` is the renewal case, ACC-19).
    Renewal,
    /// A renewal case whose organization asked for an extension of validity (ACC-19).
    ExtensionRequested,
}

/// REG-7 stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvStage {
    Open,
    /// Open with a document request.
    Requested,
    /// Open with a document request the institution answered with a file (`{file_id}`).
    Answered,
    /// Referred to the committee, one member voted to maintain.
    Referred,
}

/// What kind of record a route names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The organization itself (or nothing).
    Org,
    Acc(AccStage),
    RegCase,
    /// A registration near its expiry (registered 2023-12-01), so that the renewal window (REG-4) is open.
    Registration,
    Change,
    Report,
    Investigation(InvStage),
    Training,
    /// An appeal against a denial, filed 2026-11-20 (ACC-21).
    Appeal,
    /// The accreditation after the decision, in the state the route needs.
    Accr(crate::acc_after_harness::AccrStage),
}

/// The record `route` (as "METHOD /path") names.
pub fn need(route: &str) -> Need {
    use AccStage::*;
    let (method, path) = route.split_once(' ').unwrap_or(("", route));
    // appeals, renewal, scope changes.
    if path.starts_with("/api/v1/accreditation/appeals/{id}")
        || path.starts_with("/accreditation/appeals/{id}")
    {
        return Need::Appeal;
    }
    match path {
        "/api/v1/accreditation/cases/{id}/appeals" => return Need::Acc(Denied),
        "/api/v1/accreditation/cases/{id}/extension" => return Need::Acc(Renewal),
        "/api/v1/accreditation/cases/{id}/extension/decision" => return Need::Acc(ExtensionRequested),
        "/api/v1/accreditations/{number}/appeals" => return Need::Acc(Revoked),
        "/api/v1/accreditations/{number}/renewal"
        | "/api/v1/accreditations/{number}/services"
        | "/api/v1/accreditations/{number}/service-endings" => return Need::Acc(Accredited),
        _ => {}
    }
    let acc = path
        .strip_prefix("/api/v1/accreditation/cases/{id}")
        .or_else(|| path.strip_prefix("/accreditation/cases/{id}"));
    if let Some(rest) = acc {
        return Need::Acc(match (method, rest) {
            (_, "" | "/eligibility" | "/withdrawal" | "/{step}") => Submitted,
            (_, "/plan" | "/stop" | "/invoices" | "/invoices/{invoice_id}/payments") => Accepted,
            (_, "/self-study/submission" | "/surveyors") => SelfStudy,
            (_, "/ratings" | "/assessment") => SiteVisit,
            (_, "/report") => Rated,
            (_, "/response") => ReportIssued,
            (_, "/votes" | "/decision" | "/hold/documents" | "/hold/report") => Committee,
            (_, "/plan/dates") => SelfStudy,
            (_, "/notice") => Accredited,
            // Documents: the acceptance notice and invoice once accepted, the site-visit report once issued,
            // the result notice and review report once accredited.
            (_, "/documents/acceptance-notice.pdf" | "/invoices/{invoice_id}/invoice.pdf") => Accepted,
            (_, "/documents/site-visit-report.pdf") => ReportIssued,
            (_, "/documents/result-notice.pdf" | "/documents/review-report.pdf") => Accredited,
            // The self-study (ACC-6): written during the self-study, checked after the submission;
            // files (ACC-3 attachments) from the application on.
            (
                _,
                "/self-study"
                | "/self-study/narratives"
                | "/self-study/confirmation"
                | "/questionnaires"
                | "/questionnaires/links"
                | "/study"
                | "/study/{action}",
            ) => SelfStudy,
            (_, "/self-study/format-check" | "/self-study/resubmission" | "/self-study/binder.pdf") => {
                SiteVisit
            }
            // Impartiality (ACC-7, ACC-8): the timetable once planned; objections to the assigned lead.
            (_, "/site-visit/schedule") => SelfStudy,
            (_, "/surveyors/{user_id}/objection" | "/surveyors/{user_id}/objection/decision") => SiteVisit,
            _ => Submitted,
        });
    }
    if let Some(rest) = path
        .strip_prefix("/api/v1/accreditations/{number}")
        .or_else(|| path.strip_prefix("/accreditations/{number}"))
    {
        return Need::Accr(crate::acc_after_harness::stage_for(rest));
    }
    // An anonymous questionnaire link of a case in its self-study (ACC-6).
    if path.starts_with("/q/") || path.starts_with("/api/v1/public/questionnaires/") {
        return Need::Acc(SelfStudy);
    }
    if matches!(
        path,
        "/api/v1/public/accreditations/{number}" | "/verify/{number}" | "/directory/accreditations/{number}"
    ) {
        return Need::Acc(Accredited);
    }
    if path.starts_with("/api/v1/registration/cases/{id}") || path.starts_with("/registration/cases/{id}") {
        return Need::RegCase;
    }
    if path.contains("{number}")
        || matches!(
            path,
            "/api/v1/public/reports"
                | "/report"
                | "/api/v1/registration/investigations"
                | "/registration/investigations"
        ) && method == "POST"
    {
        return Need::Registration;
    }
    if path.contains("/changes/{id}") {
        return Need::Change;
    }
    if path.contains("/reports/{id}") {
        return Need::Report;
    }
    if path.contains("/investigations/{id}") {
        return Need::Investigation(if path.contains("/files/{file_id}") {
            InvStage::Answered
        } else if path.ends_with("/receipt") || path.contains("{rid}") {
            InvStage::Requested
        } else if path.ends_with("/votes") || path.ends_with("/decision") {
            InvStage::Referred
        } else {
            InvStage::Open
        });
    }
    if path.contains("/trainings/{id}") {
        return Need::Training;
    }
    Need::Org
}

/// A record built for one request.
#[derive(Debug, Clone, Default)]
pub struct Built {
    /// `{id}`.
    pub id: String,
    /// The organization the record belongs to.
    pub org: String,
    /// A counseling room of that organization without an open application.
    pub site_id: String,
    /// The registration number (`{number}`, and bodies naming a registration).
    pub number: String,
    /// A user the body assigns (a free coordinator or surveyor).
    pub user_ref: String,
    /// A standard in scope (ACC-9).
    pub standard: String,
    pub invoice_id: String,
    pub request_id: String,
    /// The accreditation after the decision: the annual report, question, review and review item.
    pub report_id: String,
    pub question_id: String,
    pub review_id: String,
    pub item_id: String,
    /// An issued certificate of the accreditation (`{certificate_id}`).
    pub certificate_id: String,
    /// A live calendar feed's secret address segment (`{token}`).
    pub feed_token: String,
    /// An uploaded file of the case (`{file_id}`).
    pub file_id: String,
    /// A one-time questionnaire link's token (`{token}`).
    pub token: String,
    /// The self-study screen's form (`{action}`).
    pub action: String,
    /// A section code in scope (ACC-6 narratives).
    pub section: String,
    /// `{user_id}`: the case's lead surveyor (ACC-8 objections), or a surveyor (engagements).
    pub surveyor_id: String,
}

impl Built {
    pub fn params(&self) -> BTreeMap<&'static str, String> {
        let mut p = BTreeMap::new();
        p.insert("id", self.id.clone());
        p.insert("number", self.number.clone());
        p.insert("invoice_id", self.invoice_id.clone());
        p.insert("rid", self.request_id.clone());
        p.insert("question_id", self.question_id.clone());
        p.insert("review_id", self.review_id.clone());
        p.insert("item_id", self.item_id.clone());
        p.insert("certificate_id", self.certificate_id.clone());
        // The prefecture view (REG-8): Fukuoka, where the harness's organizations are.
        p.insert("prefecture", "40".to_owned());
        p.insert("file_id", self.file_id.clone());
        p.insert("user_id", self.surveyor_id.clone());
        // `{token}`: the questionnaire link where the record has one, else the calendar feed.
        p.insert(
            "token",
            if self.token.is_empty() {
                self.feed_token.clone()
            } else {
                self.token.clone()
            },
        );
        // `{action}`: the self-study form where the record has one, else the organization's self-report (ACC-15).
        p.insert(
            "action",
            if self.action.is_empty() {
                "self-report".into()
            } else {
                self.action.clone()
            },
        );
        p
    }
}

pub(crate) async fn ok(fx: &Fixture, path: &str, token: &str, body: Value, expect: u16) -> Value {
    let r = fx.app.post_json(path, Some(token), &body).await;
    assert_eq!(
        r.status.as_u16(),
        expect,
        "fixture: POST {path} {body}: {}",
        r.text()
    );
    if r.body.is_empty() { Value::Null } else { r.json() }
}

pub(crate) async fn token(fx: &Fixture, role: Role) -> (String, String) {
    let s = fx.subject(Some(role)).await;
    (s.user_id, s.token)
}

/// ACC-11: every committee member who may vote on a case of `org` (active, no conflict) votes `outcome`, so that
/// the open round carries it whatever members the matrix has made so far. Stored directly: some members' passwords
/// are changed by the routes under test.
async fn carry(fx: &Fixture, case_id: &str, org: &str, outcome: &str) {
    let pool = fx.app.state.db.pool();
    let outcome = nintei_domain::acc::Outcome::parse(outcome).expect("outcome");
    let round = nintei_store::acc::decision_count(pool, case_id)
        .await
        .expect("round");
    let mut tx = fx.app.state.db.begin_write().await.expect("tx");
    for u in nintei_store::users::list(pool).await.expect("users") {
        if u.role != Role::Committee
            || !u.active
            || nintei_store::conflicts::exists(pool, &u.id, org)
                .await
                .expect("conflict")
        {
            continue;
        }
        nintei_store::acc::put_vote(&mut tx, case_id, round, &u.id, outcome, 0)
            .await
            .expect("vote");
    }
    tx.commit().await.expect("commit");
}

/// An organization user's token for `org`.
pub(crate) async fn org_token(fx: &Fixture, org: &str) -> String {
    let (_, email) = fx.app.user(Role::Organization, Some(org)).await;
    fx.app.token_for(&email).await
}

impl Fixture {
    /// Builds what `route` needs for `subject` (of role `who`) naming `record`.
    pub async fn build(
        &self,
        route: &RouteInfo,
        who: Option<Role>,
        subject: &Subject,
        record: Record,
    ) -> Built {
        let org = self.record_id(record).to_owned();
        let mut b = Built {
            id: org.clone(),
            org: org.clone(),
            ..Built::default()
        };
        if route.path == "/mail/{id}" {
            // A message in the outbox (送信メール), to the organization's contact.
            let mut tx = self.app.state.db.begin_write().await.expect("tx");
            let id = nintei_app::outbox::enqueue_mail(&mut tx, 0, "contact@example.jp", "お知らせ", "本文")
                .await
                .expect("mail");
            tx.commit().await.expect("commit");
            b.id = id;
            return b;
        }
        if route.path == "/calendar/{token}" {
            // A live feed of an organization user of the record's organization.
            let (user_id, _) = self.app.user(Role::Organization, Some(&org)).await;
            let secret = format!("harness{}", self.nonce());
            let mut tx = self.app.state.db.begin_write().await.expect("tx");
            nintei_store::deadlines::create_feed(&mut tx, &secret, &user_id, 0)
                .await
                .expect("feed");
            tx.commit().await.expect("commit");
            b.feed_token = format!("{secret}.ics");
            return b;
        }
        if route.path.starts_with("/signup/verify/") {
            b.token = crate::harness_onboarding::link(self).await;
            return b;
        }
        if route.path.starts_with("/admin/account-requests/{id}") {
            b.id = crate::harness_onboarding::verified(self).await;
            return b;
        }
        if route.path.ends_with("{token}") && route.path.contains("password-reset") {
            // A live reset link mailed to the subject's account (its token read back from the outbox).
            let address = format!("harness-{}", self.nonce());
            nintei_app::recovery::request(&self.app.state, &subject.email, &address, "harness")
                .await
                .expect("reset request");
            let mails = nintei_store::mail::list(self.app.state.db.pool(), 10_000)
                .await
                .expect("outbox");
            b.token = mails
                .iter()
                .find(|m| m.to == subject.email.to_lowercase() && m.subject.contains("パスワード再設定"))
                .and_then(|m| m.body.split("/password-reset/").nth(1))
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap_or_default()
                .to_owned();
            return b;
        }
        if route.path.starts_with("/api/v1/users/{id}") || route.path.starts_with("/admin/users/{id}") {
            // An account the administrator changes: a surveyor of its own (the form keeps the role).
            b.id = token(self, Role::Surveyor).await.0;
            return b;
        }
        if route.path == "/api/v1/auth/tokens/{id}" {
            // `own`: the caller's own token (an anonymous caller names none that exists); `other`: another
            // user's, which the caller must not learn exists.
            let now = self.app.state.clock.unix();
            let owner = if matches!(record, Record::Other) {
                token(self, Role::Office).await.1
            } else {
                subject.token.clone()
            };
            b.id = nintei_store::tokens::lookup(&self.app.state.db, &owner, now)
                .await
                .expect("token lookup")
                .map_or_else(|| "no-such-token".to_owned(), |(_, id)| id);
            return b;
        }
        let key = route.to_string();
        let need = need(&key);
        let applies = matches!(
            key.as_str(),
            "POST /api/v1/registration/cases" | "POST /registration/cases" | "GET /registration/apply"
        );
        // ACC-8: a surveyor's engagements with the record's organization.
        if route.path.contains("/surveyors/{user_id}") && need == Need::Org {
            b.surveyor_id = token(self, Role::Surveyor).await.0;
            return b;
        }
        if need == Need::Org && !applies {
            return b;
        }
        let (_, office) = token(self, Role::Office).await;
        // Rooms: every REG application needs one without an open application.
        if applies
            || matches!(
                need,
                Need::RegCase
                    | Need::Registration
                    | Need::Change
                    | Need::Report
                    | Need::Investigation(_)
                    | Need::Training
            )
        {
            b.site_id =
                reg_common::add_site(&self.app, &office, &org, &format!("相談室{}", self.nonce())).await;
        }
        let assigned = |role: Role| (record == Record::Own && who == Some(role)).then(|| subject.clone());
        match need {
            Need::Org => {}
            Need::Appeal => {
                self.build_acc(&mut b, AccStage::Denied, &office, None, None)
                    .await;
                let org_user = org_token(self, &org).await;
                let r = ok(
                    self,
                    &format!("/api/v1/accreditation/cases/{}/appeals", b.id),
                    &org_user,
                    appeal_body(),
                    201,
                )
                .await;
                b.id = r["id"].as_str().unwrap_or_default().to_owned();
                // `{action}` of the appeal page's forms: the office's information request.
                b.action = "information-request".into();
                // A committee member not involved in the denial, for a meeting's members.
                b.user_ref = token(self, Role::Committee).await.0;
            }
            Need::Acc(stage) => {
                self.build_acc(
                    &mut b,
                    stage,
                    &office,
                    assigned(Role::Coordinator),
                    assigned(Role::Surveyor),
                )
                .await;
                self.build_study(&mut b, route.path, &office).await;
                self.build_impartiality(&mut b, route.path).await;
            }
            Need::Accr(stage) => {
                crate::acc_after_harness::build(self, &mut b, stage, &office).await;
            }
            Need::RegCase => {
                // Entered by the office: a paper application dated in the past (REG-4).
                let r = ok(
                    self,
                    "/api/v1/registration/cases",
                    &office,
                    reg_common::application(&org, &b.site_id, "2026-11-02"),
                    201,
                )
                .await;
                b.id = r["id"].as_str().unwrap_or_default().to_owned();
                // REG-3: a registration document uploaded with the application (`{file_id}`).
                if route.path.contains("{file_id}") {
                    let body = crate::harness::Body::Multipart(
                        vec![("purpose".into(), "floor_plan".into())],
                        Some((
                            "file".into(),
                            "floor_plan.pdf".into(),
                            "application/pdf".into(),
                            b"%PDF-1.4\n% nintei harness\n".to_vec(),
                        )),
                    );
                    let (ctype, bytes) = body.encode();
                    let r = self
                        .app
                        .post_raw_bytes(
                            &format!("/api/v1/registration/cases/{}/files", b.id),
                            Some(&office),
                            ctype.as_deref(),
                            bytes,
                        )
                        .await;
                    assert_eq!(r.status.as_u16(), 201, "fixture: upload: {}", r.text());
                    b.file_id = r.json()["id"].as_str().unwrap_or_default().to_owned();
                }
            }
            Need::Registration | Need::Change | Need::Report | Need::Investigation(_) | Need::Training => {
                b.number = self.register(&b, &office).await;
                b.site_id =
                    reg_common::add_site(&self.app, &office, &org, &format!("相談室{}", self.nonce())).await;
                self.build_reg(&mut b, need, &office).await;
                // REG-9: institutions enrol counselors in a session still to come.
                if route.path.ends_with("/enrolments") {
                    let r = ok(
                        self,
                        "/api/v1/registration/trainings",
                        &office,
                        json!({"title": "相談員研修（次回）", "held_on": "2026-12-10", "place": "福岡市"}),
                        201,
                    )
                    .await;
                    b.id = r["id"].as_str().unwrap_or_default().to_owned();
                }
            }
        }
        b
    }

    /// A registration of `b`'s organization and room, applied 2023-11-01 and registered 2023-12-01 (expires
    /// 2026-11-30, so the renewal window is open on 2026-11-20).
    async fn register(&self, b: &Built, office: &str) -> String {
        // Entered by the office: a paper application dated in the past (REG-4).
        let r = ok(
            self,
            "/api/v1/registration/cases",
            office,
            reg_common::application(&b.org, &b.site_id, "2023-11-01"),
            201,
        )
        .await;
        let id = r["id"].as_str().unwrap_or_default().to_owned();
        let r = ok(
            self,
            &format!("/api/v1/registration/cases/{id}/review"),
            office,
            json!({"decision": "register", "decided_on": "2023-12-01"}),
            200,
        )
        .await;
        r["registration"]["number"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    async fn build_reg(&self, b: &mut Built, need: Need, office: &str) {
        let number = b.number.clone();
        match need {
            Need::Change => {
                let org_user = org_token(self, &b.org).await;
                let r = ok(
                    self,
                    &format!("/api/v1/registrations/{number}/changes"),
                    &org_user,
                    json!({"notified_on": "2026-11-18", "changed_on": "2026-11-15", "note": "相談時間の変更",
                           "disclosure": change_disclosure()}),
                    201,
                )
                .await;
                b.id = r["id"].as_str().unwrap_or_default().to_owned();
            }
            Need::Report => {
                // Through the shared rules, from an address of its own: the public form is throttled per
                // address (REG-7) and the harness's requests must not use up the cells' allowance.
                let input = nintei_app::reg::ReportInput {
                    registration_number: number.clone(),
                    message: "相談室が閉まっています。".into(),
                    ..nintei_app::reg::ReportInput::default()
                };
                let address = format!("192.0.2.{}", self.counter_value() % 250);
                nintei_app::reg::receive_report(&self.app.state, &address, &input)
                    .await
                    .expect("fixture: report");
                let list = self.app.get("/api/v1/registration/reports", Some(office)).await;
                b.id = list.json()["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|i| i["registration_number"] == json!(number))
                    .and_then(|i| i["id"].as_str())
                    .unwrap_or_default()
                    .to_owned();
            }
            Need::Investigation(stage) => self.build_investigation(b, &number, stage, office).await,
            Need::Training => {
                let r = ok(
                    self,
                    "/api/v1/registration/trainings",
                    office,
                    // Held already: attendance is recorded after the session.
                    json!({"title": "相談員研修", "held_on": "2026-11-10", "place": "北九州市"}),
                    201,
                )
                .await;
                b.id = r["id"].as_str().unwrap_or_default().to_owned();
            }
            _ => {}
        }
    }

    async fn build_acc(
        &self,
        b: &mut Built,
        stage: AccStage,
        office: &str,
        coordinator: Option<Subject>,
        surveyor: Option<Subject>,
    ) {
        use AccStage::*;
        let base = "/api/v1/accreditation/cases";
        let org_user = org_token(self, &b.org).await;
        // One open case per organization and unit: every case here is for a unit of its own.
        let mut application = crate::acc_fixture::application(&b.org, "2025-09-01");
        application["unit_name"] = format!("第{}相談部", self.nonce()).into();
        let r = ok(self, base, &org_user, application, 201).await;
        b.id = r["id"].as_str().unwrap_or_default().to_owned();
        let case = format!("{base}/{}", b.id);
        // ACC-2: the head has decided the unit qualifies, so that the office may accept it.
        let head = token(self, Role::Head).await.1;
        ok(
            self,
            &format!("{case}/unit-decision"),
            &head,
            json!({"qualifies": true, "decided_on": "2025-09-05"}),
            200,
        )
        .await;
        // The user a plan or surveyor request names.
        let free = if stage == Accepted {
            token(self, Role::Coordinator).await.0
        } else {
            token(self, Role::Surveyor).await.0
        };
        b.user_ref = free;
        if stage == Submitted {
            return;
        }
        let r = ok(
            self,
            &format!("{case}/eligibility"),
            office,
            json!({"eligible": true, "decided_on": "2025-09-10"}),
            200,
        )
        .await;
        let _ = r;
        let shown = self.app.get(&case, Some(office)).await.json();
        b.invoice_id = shown["invoices"][0]["id"].as_str().unwrap_or_default().to_owned();
        if stage == Accepted {
            return;
        }
        let coordinator_id = match coordinator {
            Some(s) => s.user_id,
            None => token(self, Role::Coordinator).await.0,
        };
        ok(
            self,
            &format!("{case}/plan"),
            office,
            json!({"coordinator_id": coordinator_id, "self_study_due_on": "2025-10-31", "site_visit_on": "2025-11-10"}),
            200,
        )
        .await;
        // ACC-6: the representative's confirmation, which the submission needs.
        ok(
            self,
            &format!("{case}/self-study/confirmation"),
            &org_user,
            json!({"confirmed_on": "2025-10-20"}),
            200,
        )
        .await;
        if stage == SelfStudy {
            if let Some(s) = &surveyor {
                ok(
                    self,
                    &format!("{case}/surveyors"),
                    office,
                    json!({"user_id": s.user_id, "lead": true}),
                    201,
                )
                .await;
                b.surveyor_id = s.user_id.clone();
            }
            return;
        }
        ok(
            self,
            &format!("{case}/self-study/submission"),
            &org_user,
            json!({"submitted_on": "2025-10-20"}),
            200,
        )
        .await;
        let (lead_id, lead) = match &surveyor {
            Some(s) => (s.user_id.clone(), s.token.clone()),
            None => token(self, Role::Surveyor).await,
        };
        ok(
            self,
            &format!("{case}/surveyors"),
            office,
            json!({"user_id": lead_id, "lead": true}),
            201,
        )
        .await;
        b.surveyor_id = lead_id.clone();
        let standards = self
            .app
            .get("/api/v1/accreditation/standards", Some(office))
            .await
            .json();
        let codes: Vec<String> = standards["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["service"].is_null() || s["service"] == "a" || s["service"] == "b")
            .filter_map(|s| s["code"].as_str().map(str::to_owned))
            .collect();
        b.standard = codes.first().cloned().unwrap_or_default();
        if stage == SiteVisit {
            return;
        }
        for (i, code) in codes.iter().enumerate() {
            let rating = if stage == ReportIssued && i == 0 { 3 } else { 1 };
            ok(
                self,
                &format!("{case}/ratings"),
                &lead,
                json!({"standard": code, "rating": rating, "comment": "確認しました"}),
                201,
            )
            .await;
        }
        if stage == Rated {
            return;
        }
        ok(
            self,
            &format!("{case}/report"),
            office,
            json!({"issued_on": "2025-11-20"}),
            200,
        )
        .await;
        if stage == ReportIssued {
            return;
        }
        if stage == Denied {
            // Decided at a meeting whose votes were not entered (ACC-11 compares nothing then): no member is
            // involved in the denial, so every member may review the appeal against it (ACC-21).
            ok(
                self,
                &format!("{case}/decision"),
                office,
                json!({"outcome": "deny", "decided_on": "2026-11-02", "reason": "基準への適合が確認できない"}),
                200,
            )
            .await;
            ok(
                self,
                &format!("{case}/notice"),
                office,
                json!({"sent_on": "2026-11-02", "received_on": "2026-11-05"}),
                200,
            )
            .await;
            return;
        }
        let (_, member) = token(self, Role::Committee).await;
        ok(
            self,
            &format!("{case}/votes"),
            &member,
            json!({"outcome": "accredit"}),
            201,
        )
        .await;
        if stage == Committee {
            // The round carries an accreditation (ACC-11): the decision route's body records it.
            carry(self, &b.id, &b.org, "accredit").await;
            return;
        }
        carry(self, &b.id, &b.org, "accredit").await;
        let decided = ok(
            self,
            &format!("{case}/decision"),
            office,
            json!({"outcome": "accredit", "decided_on": "2025-12-10"}),
            200,
        )
        .await;
        // The public verification routes name the accreditation by its number (ACC-23).
        b.number = decided["accreditation"]["number"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match stage {
            Revoked => {
                // Part 1 builds revocation; the status is set through the history module.
                let pool = self.app.state.db.pool();
                let aid = nintei_store::accreditations::id_by_number(pool, &b.number)
                    .await
                    .expect("id")
                    .unwrap_or_default();
                let mut tx = self.app.state.db.begin_write().await.expect("tx");
                nintei_store::accreditations::change_status(
                    &mut tx,
                    &aid,
                    "active",
                    "revoked",
                    "revoked",
                    chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default(),
                    &json!({"reason": "ACC-18"}),
                    None,
                    0,
                )
                .await
                .expect("revoke");
                tx.commit().await.expect("commit");
            }
            Renewal | ExtensionRequested => {
                let r = ok(
                    self,
                    &format!("/api/v1/accreditations/{}/renewal", b.number),
                    &org_user,
                    crate::acc_fixture::application(&b.org, "2026-11-20"),
                    201,
                )
                .await;
                b.id = r["id"].as_str().unwrap_or_default().to_owned();
                if stage == ExtensionRequested {
                    ok(
                        self,
                        &format!("{base}/{}/extension", b.id),
                        &org_user,
                        extension_body(),
                        201,
                    )
                    .await;
                }
            }
            _ => {}
        }
    }
}

impl Fixture {
    /// What the self-study routes need beyond the case's stage (ACC-3, ACC-6): an uploaded file, a
    /// questionnaire link, a section in scope, a request for fixes.
    /// Impartiality (ACC-2, ACC-8): a department case the head has not decided yet; an open objection
    /// to the lead surveyor for the office to decide.
    async fn build_impartiality(&self, b: &mut Built, path: &str) {
        let base = "/api/v1/accreditation/cases";
        if path.ends_with("/unit-decision") {
            let org_user = org_token(self, &b.org).await;
            let mut application = crate::acc_fixture::application(&b.org, "2025-09-01");
            application["unit_name"] = format!("第{}相談部", self.nonce()).into();
            let r = ok(self, base, &org_user, application, 201).await;
            b.id = r["id"].as_str().unwrap_or_default().to_owned();
        }
        if path.ends_with("/objection/decision") {
            let org_user = org_token(self, &b.org).await;
            ok(
                self,
                &format!("{base}/{}/surveyors/{}/objection", b.id, b.surveyor_id),
                &org_user,
                json!({"reason": "以前、当社の顧問でした。"}),
                201,
            )
            .await;
        }
    }

    async fn build_study(&self, b: &mut Built, path: &str, office: &str) {
        let case = format!("/api/v1/accreditation/cases/{}", b.id);
        let standards = self
            .app
            .get("/api/v1/accreditation/standards", Some(office))
            .await
            .json();
        b.section = standards["items"][0]["code"]
            .as_str()
            .and_then(|c| c.split(' ').next())
            .unwrap_or_default()
            .to_owned();
        b.action = "narrative".into();
        if path.contains("{file_id}") {
            let org_user = org_token(self, &b.org).await;
            let body = crate::harness::Body::Multipart(
                vec![("purpose".into(), "pamphlets".into())],
                Some((
                    "file".into(),
                    "pamphlet.pdf".into(),
                    "application/pdf".into(),
                    b"%PDF-1.4\n% nintei harness\n".to_vec(),
                )),
            );
            let (ctype, bytes) = body.encode();
            let r = self
                .app
                .post_raw_bytes(&format!("{case}/files"), Some(&org_user), ctype.as_deref(), bytes)
                .await;
            assert_eq!(r.status.as_u16(), 201, "fixture: upload: {}", r.text());
            b.file_id = r.json()["id"].as_str().unwrap_or_default().to_owned();
        }
        if path.contains("{token}") {
            let r = ok(
                self,
                &format!("{case}/questionnaires/links"),
                office,
                json!({"kind": "staff", "count": 1}),
                201,
            )
            .await;
            b.token = r["links"][0]
                .as_str()
                .and_then(|l| l.rsplit('/').next())
                .unwrap_or_default()
                .to_owned();
        }
        if path.ends_with("/self-study/resubmission") {
            ok(
                self,
                &format!("{case}/self-study/format-check"),
                office,
                json!({"result": "fixes_requested", "checked_on": "2025-10-25", "note": "目次を付けてください"}),
                200,
            )
            .await;
            let org_user = org_token(self, &b.org).await;
            ok(
                self,
                &format!("{case}/self-study/confirmation"),
                &org_user,
                json!({"confirmed_on": "2025-10-30"}),
                200,
            )
            .await;
        }
    }
}

/// A complete disclosure with changed hours (REG-6).
pub fn change_disclosure() -> Value {
    json!({
        "fee_structure": "年間契約 従業員1人あたり月額300円（精神科医の面接を含む）",
        "hours": "平日 9:00〜19:00",
        "methods": ["face_to_face", "phone", "email"],
        "other_services": "管理監督者研修",
        "track_record": "契約事業場 25社（2025年度）"
    })
}

/// A valid appeal (ACC-21) against a decision known 2026-11-05, filed 2026-11-20.
pub fn appeal_body() -> Value {
    json!({
        "organization_name": "株式会社こころ認定",
        "address": "福岡県北九州市八幡西区医生ケ丘1-1",
        "responsible_title": "代表取締役",
        "responsible_name": "山田 太郎",
        "known_on": "2026-11-05",
        "purpose": "処分の取消しを求める。",
        "reasons": "事実誤認がある。",
        "appealed_on": "2026-11-20",
        "evidence": ["改善記録"],
    })
}

/// A valid extension request (ACC-19) during a renewal review.
pub fn extension_body() -> Value {
    json!({"requested_on": "2026-11-20", "requested_until": "2029-03-31", "reasons": "委員会の日程のため"})
}
