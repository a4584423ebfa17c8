//! Accreditation screens: the organization applies, follows its case, submits its self-study,
//! answers the report and may withdraw; the office decides eligibility, plans, assigns surveyors, records
//! decisions and notices; surveyors rate standard by standard; committee members vote. Every form posts to the
//! same steps as the API ([`nintei_app::acc::case`]).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::acc::CaseStatus;
use nintei_domain::acc::renewal::CaseKind;
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::authz::acc::CaseAction;
use nintei_domain::fees::Yen;
use nintei_domain::role::Role;
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, FieldError, PageError};
use crate::i18n::{self, Lang};
use crate::ui::form::{self, StepForm};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::Caller;
use nintei_app::acc::{self, Loaded, case};
use nintei_app::state::AppState;

pub(super) fn tr(lang: Lang, key: &str) -> String {
    i18n::t(lang, key).to_owned()
}

pub(super) fn yen(v: i64) -> String {
    Yen::new(u64::try_from(v).unwrap_or(0)).to_string()
}

pub(crate) fn status_label(lang: Lang, status: CaseStatus) -> String {
    tr(lang, &format!("acc.status.{}", status.as_str()))
}

pub(super) fn service_label(lang: Lang, code: ServiceCode) -> String {
    match lang {
        Lang::Ja => format!("{} {}", code.as_str(), code.name_ja()),
        Lang::En => format!("{} {}", code.as_str(), code.name_en()),
    }
}

// ---------------------------------------------------------------------------------------------------------
// The case page

pub struct InvoiceRow {
    id: String,
    remaining: i64,
    number: String,
    issued_on: String,
    due_on: String,
    registration_number: String,
    tax_rate: i64,
    subtotal: String,
    tax: String,
    total: String,
    paid: bool,
    lines: Vec<(String, i64, String)>,
    /// The invoice as PDF, for those who may read the case's letters; empty otherwise.
    pdf: String,
}

pub struct AssessmentView {
    complete: bool,
    core_concept_ok: bool,
    fundamental_ok: bool,
    needs_committee_judgement: bool,
    below_threshold: String,
    unrated: usize,
    /// ACC-10: the report's standards rated 3 or 4 with the surveyors' comments.
    findings: Vec<case::ReportFinding>,
}

/// Which forms the caller sees, by what they may do and the case's status.
#[derive(Default)]
pub struct Forms {
    eligibility: bool,
    plan: bool,
    surveyor: bool,
    self_study: bool,
    ratings: bool,
    report: bool,
    response: bool,
    vote: bool,
    decision: bool,
    notice: bool,
    /// ACC-12: the review report's sending, after an accreditation or a denial.
    review_report: bool,
    /// ACC-5, ACC-11: moving the planned dates; in a deferral, the additional site visit.
    plan_dates: bool,
    /// ACC-11 hold: the office records the documents' receipt; the head reports when they did not come.
    hold_documents: bool,
    hold_report: bool,
    withdraw: bool,
    /// ACC-3: the office's withdrawal form records a notice received on paper (辞退届).
    withdraw_on_paper: bool,
    payment: bool,
    /// ACC-21: an appeal against the ineligibility decision or the denial (the organization, or the office
    /// entering a paper filing).
    appeal: bool,
    /// ACC-19: the organization asks for its validity to be extended during the renewal review.
    extension: bool,
    /// ACC-19: the office decides the extension asked.
    extension_decision: bool,
}

#[derive(Template)]
#[template(path = "acc_case.html")]
struct CasePage {
    p: Page,
    id: String,
    organization: String,
    unit: String,
    status: String,
    status_code: &'static str,
    applied_on: String,
    services: Vec<String>,
    other_services: String,
    revenue: String,
    application: Vec<(String, String)>,
    eligible: bool,
    reasons: Vec<String>,
    notes: Vec<String>,
    /// ACC-3: the application does not say the board decided to apply; accepting asks the office to confirm it.
    board_unconfirmed: bool,
    eligibility_decision: String,
    fees: Vec<(String, String)>,
    fees_total: String,
    deadlines: Vec<(String, String)>,
    invoices: Option<Vec<InvoiceRow>>,
    plan: Vec<(String, String)>,
    surveyors: Vec<(String, bool)>,
    progress: Vec<(String, String)>,
    /// Seed 第6章: where the case stands on the line of steps, and what the next step waits for.
    line: super::progress::Progress,
    /// ACC-11: the open round's votes, beside the decision form.
    tally: String,
    /// ACC-6: before submission, the sections still lacking a narrative or evidence ("1.1 名前：…").
    study_missing: Vec<String>,
    decision: Vec<(String, String)>,
    accreditation: Option<(String, String, String)>,
    catalog_sample: bool,
    assessment: Option<AssessmentView>,
    votes: Option<Vec<(String, String)>>,
    forms: Forms,
    coordinators: Vec<(String, String)>,
    surveyor_options: Vec<(String, String)>,
    outcomes: Vec<(&'static str, String)>,
    today: String,
    form: String,
    v: HashMap<String, String>,
    errors: Errors,
    conflict: String,
    notice: String,
    /// The case's letters as PDF: (label, link).
    documents: Vec<(String, String)>,
    /// The renewal's accreditation (ACC-19, ACC-20): (number, kind label).
    renews: Option<(String, String)>,
    /// The extension of validity asked in this renewal (ACC-19): (label, value) rows.
    extension: Vec<(String, String)>,
    appeal_action: String,
    /// ACC-2, ACC-7, ACC-8: the unit decision, objections, cooling-offs and the site-visit timetable.
    imp: super::impartiality::Panel,
}

impl CasePage {
    /// The value to show in a field of the form that failed, else the default.
    fn val(&self, name: &str, default: &str) -> String {
        self.v.get(name).cloned().unwrap_or_else(|| default.to_owned())
    }

    /// The error of a field, only for the form that was sent.
    fn err(&self, form: &str, field: &str) -> Option<&str> {
        if self.form == form {
            self.errors.get(field)
        } else {
            None
        }
    }
}

const OPEN: [CaseStatus; 8] = [
    CaseStatus::Submitted,
    CaseStatus::Accepted,
    CaseStatus::SelfStudy,
    CaseStatus::SiteVisit,
    CaseStatus::ReportIssued,
    CaseStatus::Committee,
    CaseStatus::OnHold,
    CaseStatus::Deferred,
];
const COMMITTEE: [CaseStatus; 3] = [CaseStatus::Committee, CaseStatus::OnHold, CaseStatus::Deferred];

#[allow(clippy::too_many_arguments)]
async fn case_page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    form: &str,
    v: HashMap<String, String>,
    errors: Errors,
    conflict: String,
    notice: String,
) -> Result<CasePage, PageError> {
    let err = in_lang(s.lang);
    let lang = s.lang;
    let caller = &s.caller;
    // Every read of the page on one connection: a dozen hand-overs through the pool cost as much as the reads.
    let mut conn = state.db.acquire().await.map_err(|e| err(e.into()))?;
    let conn = &mut *conn;
    let loaded: Loaded = acc::load_for_on(conn, caller, id, CaseAction::View)
        .await
        .map_err(&err)?;
    let c = &loaded.case;
    let eligibility = loaded.eligibility();
    let fees = loaded.fees();
    let money = |y: Yen| y.to_string();
    let may = |a: CaseAction| loaded.may(caller, a);
    let status = c.status;
    let forms = Forms {
        eligibility: may(CaseAction::DecideEligibility) && status == CaseStatus::Submitted,
        plan: may(CaseAction::Plan) && status == CaseStatus::Accepted,
        surveyor: may(CaseAction::AssignSurveyor)
            && matches!(
                status,
                CaseStatus::Accepted | CaseStatus::SelfStudy | CaseStatus::SiteVisit | CaseStatus::Deferred
            )
            && loaded.surveyors.len() < 2,
        self_study: may(CaseAction::SubmitSelfStudy) && status == CaseStatus::SelfStudy,
        ratings: may(CaseAction::Rate)
            && matches!(
                status,
                CaseStatus::SiteVisit | CaseStatus::Deferred | CaseStatus::OnHold
            ),
        report: may(CaseAction::IssueReport) && status == CaseStatus::SiteVisit,
        response: may(CaseAction::Respond) && status == CaseStatus::ReportIssued,
        vote: may(CaseAction::Vote) && COMMITTEE.contains(&status),
        decision: may(CaseAction::Decide) && COMMITTEE.contains(&status),
        notice: may(CaseAction::RecordNotice)
            && matches!(
                status,
                CaseStatus::OnHold | CaseStatus::Deferred | CaseStatus::Accredited | CaseStatus::Denied
            ),
        review_report: may(CaseAction::RecordNotice)
            && matches!(status, CaseStatus::Accredited | CaseStatus::Denied),
        plan_dates: may(CaseAction::Plan)
            && matches!(
                status,
                CaseStatus::SelfStudy | CaseStatus::SiteVisit | CaseStatus::Deferred
            ),
        hold_documents: may(CaseAction::RecordNotice) && status == CaseStatus::OnHold,
        hold_report: caller.user.role == Role::Head && status == CaseStatus::OnHold,
        withdraw: may(CaseAction::Withdraw) && OPEN.contains(&status),
        withdraw_on_paper: caller.user.role == Role::Office,
        payment: may(CaseAction::ManageInvoices),
        appeal: nintei_domain::authz::appeal::file(&caller.actor(), &c.organization_id).is_allowed()
            && matches!(status, CaseStatus::Ineligible | CaseStatus::Denied),
        extension: false,
        extension_decision: false,
    };
    let mut forms = forms;
    let with_staff = forms.plan || forms.surveyor || c.coordinator_id.is_some();
    let reads = case::page(conn, caller, &loaded, with_staff)
        .await
        .map_err(&err)?;
    // ACC-19: the extension of validity, only in a renewal under review.
    let ext = reads.extension;
    if c.kind == CaseKind::Renewal && OPEN.contains(&status) {
        forms.extension =
            ext.is_none() && may(CaseAction::Withdraw) && caller.user.role == Role::Organization;
        forms.extension_decision =
            ext.as_ref().is_some_and(|e| e.status == "requested") && may(CaseAction::DecideEligibility);
    }
    let mut extension = Vec::new();
    if let Some(e) = &ext {
        extension.push((tr(lang, "acc.ext.requested_on"), e.requested_on.clone()));
        extension.push((tr(lang, "acc.ext.requested_until"), e.requested_until.clone()));
        extension.push((tr(lang, "acc.ext.reasons"), e.reasons.clone()));
        extension.push((
            tr(lang, "acc.ext.status"),
            tr(lang, &format!("acc.ext.status_{}", e.status)),
        ));
        if let Some(d) = &e.decided_on {
            extension.push((tr(lang, "acc.ext.decided_on"), d.clone()));
        }
        if let Some(u) = &e.extended_until {
            extension.push((tr(lang, "acc.ext.extended_until"), u.clone()));
        }
        if let Some(r) = &e.decision_reason {
            extension.push((tr(lang, "acc.reason"), r.clone()));
        }
    }
    let renews = reads
        .renews
        .map(|a| (a.number, tr(lang, &format!("acc.case_kind.{}", c.kind.as_str()))));
    let all_users = reads.staff;
    let name_of = |uid: &str| {
        all_users
            .iter()
            .find(|u| u.id == uid)
            .map_or_else(|| uid.to_owned(), |u| u.name.clone())
    };
    let coordinators = all_users
        .iter()
        .filter(|u| u.role == Role::Coordinator && u.active)
        .map(|u| (u.id.clone(), format!("{} <{}>", u.name, u.email)))
        .collect();
    let surveyor_options = all_users
        .iter()
        .filter(|u| {
            u.role == Role::Surveyor && u.active && !loaded.surveyors.iter().any(|x| x.user_id == u.id)
        })
        .map(|u| (u.id.clone(), format!("{} <{}>", u.name, u.email)))
        .collect();
    let deadlines = reads
        .deadlines
        .into_iter()
        .map(|d| {
            (
                tr(lang, &format!("acc.deadline.{}", d.kind)),
                d.due_on.to_string(),
            )
        })
        .collect();
    let reads_documents =
        nintei_domain::authz::acc::case_documents(&caller.actor(), &c.organization_id).is_allowed();
    let invoices = reads.invoices.map(|list| {
        list.into_iter()
            .map(|i| InvoiceRow {
                pdf: if reads_documents {
                    nintei_app::documents::invoice_href(id, &i.id)
                } else {
                    String::new()
                },
                id: i.id.clone(),
                remaining: i.total_yen - i.paid_yen(),
                paid: i.is_paid(),
                number: i.number,
                issued_on: i.issued_on.to_string(),
                due_on: i.due_on.to_string(),
                registration_number: i.registration_number,
                tax_rate: i.tax_rate_percent,
                subtotal: yen(i.subtotal_yen),
                tax: yen(i.tax_yen),
                total: yen(i.total_yen),
                lines: i
                    .lines
                    .into_iter()
                    .map(|l| (l.description, l.quantity, yen(l.amount_yen)))
                    .collect(),
            })
            .collect()
    });
    let mut plan = Vec::new();
    if let Some(coordinator) = &c.coordinator_id {
        plan.push((tr(lang, "acc.coordinator"), name_of(coordinator)));
        if let Some(d) = c.coordinator_visit_on {
            plan.push((tr(lang, "acc.coordinator_visit_on"), d.to_string()));
        }
        if let Some(d) = c.self_study_due_on {
            plan.push((tr(lang, "acc.self_study_due_on"), d.to_string()));
        }
        if let Some(d) = c.site_visit_on {
            plan.push((tr(lang, "acc.site_visit_on"), d.to_string()));
        }
    }
    let study_missing = if forms.self_study {
        super::study::missing_lines(state, conn, &loaded, lang).await?
    } else {
        Vec::new()
    };
    // ACC-11: the open round's tally beside the decision form (a decision the votes do not carry is refused).
    let tally = if forms.decision {
        let (t, members) = case::decision_tally(conn, &loaded.case).await?;
        let quorum = nintei_domain::acc::committee::quorum(members);
        match lang {
            Lang::Ja => format!(
                "この回の投票：{}人（委員{members}人、定足数{quorum}人）— 認定{}・保留{}・延期{}・否認{}",
                t.cast(),
                t.accredit,
                t.hold,
                t.defer,
                t.deny
            ),
            Lang::En => format!(
                "Votes this round: {} (of {members} members, quorum {quorum}) — accredit {}, hold {}, defer {}, deny {}",
                t.cast(),
                t.accredit,
                t.hold,
                t.defer,
                t.deny
            ),
        }
    } else {
        String::new()
    };
    let mut progress = Vec::new();
    for (key, date) in [
        ("acc.self_study_submitted_on", c.self_study_submitted_on),
        ("acc.report_issued_on", c.report_issued_on),
        ("acc.response_submitted_on", c.response_submitted_on),
        ("acc.withdrawn_on", c.withdrawn_on),
    ] {
        if let Some(d) = date {
            progress.push((tr(lang, key), d.to_string()));
        }
    }
    if let Some(o) = &c.response_opinion {
        progress.push((tr(lang, "acc.opinion"), o.clone()));
    }
    if let Some(a) = &c.response_action_plan {
        progress.push((tr(lang, "acc.action_plan"), a.clone()));
    }
    let mut decision = Vec::new();
    if let (Some(o), Some(on)) = (c.outcome, c.decided_on) {
        decision.push((
            tr(lang, "acc.outcome"),
            tr(lang, &format!("acc.outcome.{}", o.as_str())),
        ));
        decision.push((tr(lang, "acc.decided_on"), on.to_string()));
        if let Some(g) = c.grace_until {
            decision.push((tr(lang, "acc.grace_until"), g.to_string()));
        }
        if let Some(r) = &c.decision_reason {
            decision.push((tr(lang, "acc.reason"), r.clone()));
        }
        if let Some(d) = c.notice_sent_on {
            decision.push((tr(lang, "acc.notice_sent_on"), d.to_string()));
        }
        if let Some(d) = c.notice_received_on {
            decision.push((tr(lang, "acc.notice_received_on"), d.to_string()));
        }
        if let Some(d) = c.review_report_sent_on {
            decision.push((tr(lang, "acc.review_report_sent_on"), d.to_string()));
        }
    }
    let assessment = if may(CaseAction::ViewAssessment)
        && !matches!(
            status,
            CaseStatus::Submitted | CaseStatus::Ineligible | CaseStatus::Accepted | CaseStatus::SelfStudy
        ) {
        let (a, findings) = case::assessment_and_findings(state, conn, caller, &loaded)
            .await
            .map_err(&err)?;
        Some(AssessmentView {
            complete: a.complete,
            core_concept_ok: a.core_concept_ok,
            fundamental_ok: a.fundamental_ok,
            needs_committee_judgement: a.needs_committee_judgement,
            below_threshold: a.below_threshold.join(", "),
            unrated: a.unrated.len(),
            findings,
        })
    } else {
        None
    };
    let votes = reads.votes.map(|list| {
        list.into_iter()
            .map(|v| (v.name, tr(lang, &format!("acc.outcome.{}", v.outcome))))
            .collect()
    });
    // The catalog of a version never changes: its sample mark comes from the per-process copy.
    let catalog_sample = acc::catalog_on(state, conn, &c.catalog_version)
        .await
        .map_err(&err)?
        .sample;
    let mut application = Vec::new();
    if let Some(contact) = c.application.get("contact") {
        for (field, key) in [
            ("department", "acc.contact_department"),
            ("name", "acc.contact_name"),
            ("phone", "acc.contact_phone"),
            ("fax", "acc.contact_fax"),
            ("email", "acc.contact_email"),
        ] {
            if let Some(text) = contact.get(field).and_then(|x| x.as_str()) {
                application.push((tr(lang, key), text.to_owned()));
            }
        }
    }
    if let Some(list) = c.application.get("attachments").and_then(|a| a.as_array()) {
        let names: Vec<String> = list
            .iter()
            .filter_map(|a| a.as_str())
            .map(|a| tr(lang, &format!("acc.attachment.{a}")))
            .collect();
        application.push((tr(lang, "acc.attachments"), names.join("、")));
    }
    if let Some(b) = c.application.get("board_decided").and_then(|b| b.as_bool()) {
        application.push((
            tr(lang, "acc.board_decided"),
            tr(lang, if b { "acc.yes" } else { "acc.no" }),
        ));
    }
    if let Some(met) = c.application.get("unit_conditions_met").and_then(|b| b.as_bool()) {
        application.push((
            tr(lang, "acc.unit_conditions"),
            tr(
                lang,
                if met {
                    "acc.unit_conditions_met"
                } else {
                    "acc.unit_conditions_unmet"
                },
            ),
        ));
    }
    let imp = super::impartiality::panel(state, conn, caller, lang, &loaded, form, &v, &errors)
        .await
        .map_err(&err)?;
    let eligibility_decision = match (c.eligibility_decision, c.eligibility_decided_on) {
        (Some(true), Some(d)) => format!("{} ({d})", tr(lang, "acc.accepted")),
        (Some(false), Some(d)) => format!(
            "{} ({d}) {}",
            tr(lang, "acc.refused"),
            c.eligibility_reason.clone().unwrap_or_default()
        ),
        _ => String::new(),
    };
    Ok(CasePage {
        p: Page::for_session(s, "acc.case_title", &format!("/accreditation/cases/{id}")),
        id: c.id.clone(),
        organization: loaded.organization.name.clone(),
        unit: c.unit_name.clone().unwrap_or_default(),
        status: status_label(lang, status),
        status_code: status.as_str(),
        applied_on: c.applied_on.to_string(),
        services: c
            .services
            .iter()
            .map(|x| {
                format!(
                    "{}（{} {}）",
                    service_label(lang, x.code),
                    tr(lang, "acc.started_on"),
                    x.started_on
                )
            })
            .collect(),
        other_services: c.other_services.join("、"),
        revenue: yen(c.annual_revenue_yen),
        application,
        eligible: eligibility.eligible,
        reasons: eligibility.reasons,
        notes: eligibility.notes,
        board_unconfirmed: c
            .application
            .get("board_decided")
            .and_then(serde_json::Value::as_bool)
            != Some(true),
        eligibility_decision,
        fees: vec![
            (tr(lang, "acc.fee_base"), money(fees.base_yen)),
            (tr(lang, "acc.fee_services"), money(fees.services_addon_yen)),
            (tr(lang, "acc.fee_revenue"), money(fees.revenue_addon_yen)),
        ],
        fees_total: money(fees.total_yen),
        deadlines,
        invoices,
        plan,
        surveyors: loaded
            .surveyors
            .iter()
            .map(|x| (x.name.clone(), x.lead))
            .collect(),
        progress,
        line: super::progress::of(c, caller.user.role, s.lang),
        tally,
        study_missing,
        decision,
        accreditation: match (&c.accreditation_number, c.accredited_on, c.expires_on) {
            (Some(n), Some(on), Some(exp)) => Some((n.clone(), on.to_string(), exp.to_string())),
            _ => None,
        },
        catalog_sample,
        assessment,
        votes,
        forms,
        coordinators,
        surveyor_options,
        // ACC-11: a held case is not held again, and only the head accredits it.
        outcomes: nintei_domain::acc::Outcome::ALL
            .iter()
            .filter(|o| {
                status != CaseStatus::OnHold
                    || match o {
                        nintei_domain::acc::Outcome::Hold => false,
                        nintei_domain::acc::Outcome::Accredit => caller.user.role == Role::Head,
                        _ => true,
                    }
            })
            .map(|o| (o.as_str(), tr(lang, &format!("acc.outcome.{}", o.as_str()))))
            .collect(),
        today: state.clock.today().to_string(),
        form: form.to_owned(),
        v,
        errors,
        conflict,
        notice,
        documents: nintei_app::documents::available(caller, &loaded)
            .into_iter()
            .map(|(key, href)| (tr(lang, key), href))
            .collect(),
        renews,
        extension,
        appeal_action: format!("/accreditation/cases/{}/appeal", c.id),
        imp,
    })
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

const STEPS: [&str; 15] = [
    "extension",
    "extension-decision",
    "payment",
    "apply",
    "eligibility",
    "plan",
    "surveyors",
    "self-study",
    "report",
    "response",
    "votes",
    "decision",
    "notice",
    "withdrawal",
    "ratings",
];

pub async fn show(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    let notice = match q.done.as_deref() {
        Some(step) if STEPS.contains(&step) || super::impartiality::STEPS.contains(&step) => {
            tr(s.lang, &format!("acc.done.{step}"))
        }
        _ => String::new(),
    };
    let page = case_page(
        &state,
        &s,
        &id,
        "",
        HashMap::new(),
        Errors::default(),
        String::new(),
        notice,
    )
    .await?;
    Ok(render_status(StatusCode::OK, &page))
}

async fn run_step(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: &str,
    step: &str,
    f: &StepForm,
) -> Result<(), AppError> {
    match step {
        "eligibility" => case::decide_eligibility(state, caller, id, &f.read()?, None).await,
        "plan" => case::plan(state, caller, id, &f.read()?, None).await,
        "surveyors" => case::add_surveyor(state, caller, id, &f.read()?)
            .await
            .map(|_| ()),
        "self-study" => {
            // ACC-6: the representative's confirmation comes first in the binder; the screen asks for it.
            if !f.checked("confirmed") {
                return Err(AppError::field(
                    "confirmed",
                    i18n::t(lang, "acc.confirm_required"),
                ));
            }
            // The checked box is the representative's confirmation when none is recorded yet (the self-study
            // screen records it on its own, with the representative's name); its date is the submission's.
            if !nintei_app::acc::study::is_confirmed(state, caller, id).await? {
                let input = nintei_app::acc::study::ConfirmationInput {
                    representative: None,
                    confirmed_on: f.get("submitted_on"),
                };
                nintei_app::acc::study::confirm(state, caller, id, &input)
                    .await
                    .map_err(|e| match e {
                        AppError::Validation(errs) => AppError::Validation(
                            errs.into_iter()
                                .map(|e| {
                                    FieldError::new(
                                        e.field.replace("confirmed_on", "submitted_on"),
                                        e.message,
                                    )
                                })
                                .collect(),
                        ),
                        other => other,
                    })?;
            }
            case::submit_self_study(state, caller, id, &f.read()?, None).await
        }
        "report" => case::issue_report(state, caller, id, &f.read()?, None).await,
        "response" => case::respond(state, caller, id, &f.read()?, None).await,
        "votes" => case::vote(state, caller, id, &f.read()?).await.map(|_| ()),
        "decision" => case::decide(state, caller, id, &f.read()?, None).await,
        "notice" => case::record_notice(state, caller, id, &f.read()?, None).await,
        "plan-dates" => case::replan(state, caller, id, &f.read()?, None).await,
        "hold-documents" => case::record_hold_documents(state, caller, id, &f.read()?, None).await,
        "hold-report" => case::record_head_report(state, caller, id, &f.read()?, None).await,
        "withdrawal" => case::withdraw(state, caller, id, &f.read()?, None).await,
        // A payment that is not a number is named beside the amount, not read as a missing one.
        "payment" => case::record_payment(state, caller, id, &f.get("invoice_id"), &f.read()?)
            .await
            .map(|_| ()),
        "extension" => nintei_app::acc::renewal::request_extension(state, caller, id, &f.read()?)
            .await
            .map(drop),
        "extension-decision" => nintei_app::acc::renewal::decide_extension(state, caller, id, &f.read()?)
            .await
            .map(drop),
        // ACC-2, ACC-7, ACC-8: the impartiality forms and the timetable.
        other => super::impartiality::run_step(state, caller, id, other, &f.fields).await,
    }
}

pub async fn step(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((id, step)): Path<(String, String)>,
    UiForm(mut f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    if let Some(spec) = crate::ui::confirm::case_step(&step) {
        if !crate::ui::confirm::confirmed(&f.fields) {
            let may = match step.as_str() {
                "decision" => CaseAction::Decide,
                "votes" => CaseAction::Vote,
                "withdrawal" => CaseAction::Withdraw,
                _ => CaseAction::ManageInvoices,
            };
            let loaded = nintei_app::acc::load_for(&state, &s.caller, &id, may)
                .await
                .map_err(&err)?;
            let back = format!("/accreditation/cases/{}", loaded.case.id);
            let p = Page::for_session(&s, &spec.title_key(), &back);
            let action = format!("{back}/{step}");
            return Ok(crate::ui::confirm::page(
                p,
                spec,
                &loaded.organization.name,
                &action,
                &f.fields,
                &back,
            ));
        }
        f.fields.remove(crate::ui::confirm::CONFIRMED);
    }
    // ACC-21: a filed appeal is shown on its own page.
    let result = if step == "appeal" {
        let input = crate::ui::acc::appeal::filing_input(&f.fields);
        nintei_app::acc::appeal::file_against_case(&state, &s.caller, &id, &input)
            .await
            .map(|appeal| format!("/accreditation/appeals/{appeal}?done=filed"))
    } else {
        run_step(&state, &s.caller, s.lang, &id, &step, &f)
            .await
            .map(|()| format!("/accreditation/cases/{id}?done={step}"))
    };
    let r = match result {
        Ok(to) => return Ok(Redirect::to(&to).into_response()),
        Err(e) => form::refused(e, s.lang)?,
    };
    let page = case_page(
        &state,
        &s,
        &id,
        &step,
        f.fields,
        r.errors,
        r.message,
        String::new(),
    )
    .await?;
    Ok(render_status(r.status, &page))
}
