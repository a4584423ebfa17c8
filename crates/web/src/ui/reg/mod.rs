//! Registration (REG) screens: the organization's application form per counseling room with the REG-3 checklist,
//! findings next to the items, registrations with change notices, abolition and renewal; the office's case list,
//! review, registrations, public reports inbox, deregistration cases and training; the public report form.
//! Every rule and state change goes through `nintei_app::reg`, the same module the API uses.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::authz::reg::{
    self as authz, CaseAction, DeregistrationAction, RegGlobalAction, RegistrationAction,
};
use nintei_domain::org::Prefecture;
use nintei_domain::reg::application::{
    Counselor, Disclosure, Documents, Method, OhQualification, Psychiatrist, Qualification,
};
use nintei_domain::reg::changes::kind_label_ja;
use nintei_domain::reg::criteria::criteria;
use nintei_domain::reg::status::{ReviewDecision, Status};
use nintei_domain::role::Role;
use nintei_store::organizations::{self, Organization, Site};
use nintei_store::reg_cases::{self, RegCase};
use nintei_store::reg_investigations as inv;
use nintei_store::registrations::{self, Registration};
use nintei_store::{reg_changes, reg_reports, reg_trainings, users};
use serde::Deserialize;

use crate::auth::{AnySession, ClientAddr, PRE_CSRF_COOKIE, WebUser, check_csrf, cookie, lang_of};
use crate::error::{AppError, FieldError, PageError};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::reg::{
    self, AbolitionInput, AcknowledgeInput, ApplicationInput, AttendanceInput, CaseStep, ChangeInput,
    CounselorInput, DisclosureInput, DocumentRequestInput, OpenInvestigationInput, PsychiatristInput,
    ReceiptInput, RecordInput, ReportInput, ReviewInput, SiteChangeInput, StepInput, TrainingInput,
    VoteInput,
};
use nintei_app::security::{constant_time_eq, random_token};
use nintei_app::state::AppState;

/// Form fields as sent: repeated names (methods) and indexed rows (counselors[0].name) stay as pairs.
type Pairs = Vec<(String, String)>;

fn value<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn values<'a>(pairs: &'a Pairs, name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn checked(pairs: &Pairs, name: &str) -> bool {
    matches!(value(pairs, name), "on" | "yes" | "true" | "1")
}

fn prefecture_name(code: &str) -> String {
    Prefecture::from_code(code)
        .map(|p| p.name_ja().to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

fn status_key(s: Status) -> &'static str {
    match s {
        Status::Submitted => "reg.status.submitted",
        Status::Returned => "reg.status.returned",
        Status::Registered => "reg.status.registered",
        Status::UnderInvestigation => "reg.status.under_investigation",
        Status::DeregistrationReview => "reg.status.deregistration_review",
        Status::Expired => "reg.status.expired",
        Status::Abolished => "reg.status.abolished",
        Status::Deregistered => "reg.status.deregistered",
    }
}

fn investigation_key(s: &str) -> &'static str {
    match s {
        "open" => "reg.inv.status.open",
        "referred" => "reg.inv.status.referred",
        "closed" => "reg.inv.status.closed",
        _ => "reg.inv.status.decided",
    }
}

/// A `Years` input that is not a number becomes -1, which the shared check reports as out of range.
fn int(s: &str) -> i64 {
    let s = s.trim();
    if s.is_empty() { 0 } else { s.parse().unwrap_or(-1) }
}

const COUNSELOR_ROWS: usize = 6;
const PSYCHIATRIST_ROWS: usize = 3;

/// The rows a form sent under `prefix` (`counselors[i].…`): every index present, up to [`MAX_ROWS`], so that a
/// room with many counselors or psychiatrists loses none of them (REG-3 1(2), 1(4)).
fn rows_sent(pairs: &Pairs, prefix: &str) -> usize {
    pairs
        .iter()
        .filter_map(|(k, _)| {
            k.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('['))
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(i, _)| i.parse::<usize>().ok())
        })
        .filter(|i| *i < MAX_ROWS)
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
}

/// More rows than any room has; indices beyond are not read.
const MAX_ROWS: usize = 200;

/// Counselor rows of a form; rows left entirely blank are not rows.
fn counselor_inputs(pairs: &Pairs) -> Vec<CounselorInput> {
    (0..rows_sent(pairs, "counselors").max(COUNSELOR_ROWS))
        .map(|i| {
            let f = |n: &str| value(pairs, &format!("counselors[{i}].{n}")).to_owned();
            CounselorInput {
                name: f("name"),
                qualification: f("qualification"),
                full_time: checked(pairs, &format!("counselors[{i}].full_time")),
                years_of_practice: int(&f("years_of_practice")),
            }
        })
        .filter(|c| !c.name.trim().is_empty() || c.years_of_practice != 0)
        .collect()
}

fn psychiatrist_inputs(pairs: &Pairs) -> Vec<PsychiatristInput> {
    (0..rows_sent(pairs, "psychiatrists").max(PSYCHIATRIST_ROWS))
        .map(|i| {
            let f = |n: &str| value(pairs, &format!("psychiatrists[{i}].{n}")).to_owned();
            PsychiatristInput {
                name: f("name"),
                clinical_years: int(&f("clinical_years")),
                oh_qualification: f("oh_qualification"),
                institution_name: f("institution_name"),
                institution_address: f("institution_address"),
            }
        })
        .filter(|p| {
            !p.name.trim().is_empty()
                || p.clinical_years != 0
                || !p.institution_name.trim().is_empty()
                || !p.institution_address.trim().is_empty()
        })
        .collect()
}

fn disclosure_input(pairs: &Pairs) -> DisclosureInput {
    DisclosureInput {
        fee_structure: value(pairs, "disclosure.fee_structure").to_owned(),
        hours: value(pairs, "disclosure.hours").to_owned(),
        methods: values(pairs, "disclosure.methods")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        other_services: value(pairs, "disclosure.other_services").to_owned(),
        track_record: value(pairs, "disclosure.track_record").to_owned(),
    }
}

const ELIGIBILITY: [(&str, &str); 4] = [
    ("contracts_with_employers_for_fee", "reg.elig.contracts"),
    ("face_to_face_counseling", "reg.elig.face_to_face"),
    ("referral_to_medical_institutions", "reg.elig.referral"),
    ("is_medical_care_facility", "reg.elig.medical_facility"),
];

/// The application form as an API body, plus the field errors only a form can have (an unanswered question).
fn application_input(pairs: &Pairs) -> (ApplicationInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut criteria_answers = std::collections::BTreeMap::new();
    for c in criteria() {
        match value(pairs, &format!("criteria.{}", c.code)) {
            "yes" => {
                criteria_answers.insert(c.code.to_owned(), true);
            }
            "no" => {
                criteria_answers.insert(c.code.to_owned(), false);
            }
            // Unanswered stays unanswered: the findings say so.
            _ => {}
        }
    }
    let mut answer = |name: &str| match value(pairs, &format!("eligibility.{name}")) {
        "yes" => true,
        "no" => false,
        _ => {
            errors.push(FieldError::new(
                format!("eligibility.{name}"),
                "はい・いいえのどちらかを選んでください (please answer)",
            ));
            false
        }
    };
    let eligibility = nintei_domain::reg::application::Eligibility {
        contracts_with_employers_for_fee: answer("contracts_with_employers_for_fee"),
        face_to_face_counseling: answer("face_to_face_counseling"),
        referral_to_medical_institutions: answer("referral_to_medical_institutions"),
        is_medical_care_facility: answer("is_medical_care_facility"),
    };
    let documents = Documents {
        basic_policies: checked(pairs, "documents.basic_policies"),
        privacy_regulation: checked(pairs, "documents.privacy_regulation"),
        confidentiality_pledges: checked(pairs, "documents.confidentiality_pledges"),
        floor_plan: checked(pairs, "documents.floor_plan"),
        psychiatrist_contract: checked(pairs, "documents.psychiatrist_contract"),
        psychiatrist_records: checked(pairs, "documents.psychiatrist_records"),
    };
    let input = ApplicationInput {
        organization_id: value(pairs, "organization_id").to_owned(),
        site_id: value(pairs, "site_id").to_owned(),
        applied_on: value(pairs, "applied_on").to_owned(),
        renewal_of: Some(value(pairs, "renewal_of").to_owned()).filter(|s| !s.is_empty()),
        criteria: criteria_answers,
        counselors: counselor_inputs(pairs),
        psychiatrists: psychiatrist_inputs(pairs),
        disclosure: disclosure_input(pairs),
        eligibility: Some(eligibility),
        documents: Some(documents),
    };
    (input, errors)
}

// ---------------------------------------------------------------------------------------------------------------
// Shared row views

pub struct CounselorRow {
    i: usize,
    name: String,
    qualification: String,
    full_time: bool,
    years: String,
    errors: Vec<String>,
}

pub struct PsychiatristRow {
    i: usize,
    name: String,
    clinical_years: String,
    oh_qualification: String,
    institution_name: String,
    institution_address: String,
    errors: Vec<String>,
}

fn row_errors(errors: &Errors, prefix: &str) -> Vec<String> {
    errors
        .0
        .iter()
        .filter(|e| e.field.starts_with(prefix))
        .map(|e| e.message.clone())
        .collect()
}

fn counselor_rows(input: &[CounselorInput], errors: &Errors) -> Vec<CounselorRow> {
    // Every registered counselor plus two blank rows to add more.
    let n = (input.len() + 2).max(COUNSELOR_ROWS);
    (0..n)
        .map(|i| {
            let c = input.get(i).cloned().unwrap_or_default();
            CounselorRow {
                i,
                name: c.name,
                qualification: c.qualification,
                full_time: c.full_time,
                years: if input.get(i).is_some() {
                    c.years_of_practice.to_string()
                } else {
                    String::new()
                },
                errors: row_errors(errors, &format!("counselors[{i}].")),
            }
        })
        .collect()
}

fn psychiatrist_rows(input: &[PsychiatristInput], errors: &Errors) -> Vec<PsychiatristRow> {
    let n = (input.len() + 1).max(PSYCHIATRIST_ROWS);
    (0..n)
        .map(|i| {
            let p = input.get(i).cloned().unwrap_or_default();
            PsychiatristRow {
                i,
                name: p.name,
                clinical_years: if input.get(i).is_some() {
                    p.clinical_years.to_string()
                } else {
                    String::new()
                },
                oh_qualification: p.oh_qualification,
                institution_name: p.institution_name,
                institution_address: p.institution_address,
                errors: row_errors(errors, &format!("psychiatrists[{i}].")),
            }
        })
        .collect()
}

fn counselors_as_input(c: &[Counselor]) -> Vec<CounselorInput> {
    c.iter()
        .map(|c| CounselorInput {
            name: c.name.clone(),
            qualification: c.qualification.as_str().to_owned(),
            full_time: c.full_time,
            years_of_practice: i64::from(c.years_of_practice),
        })
        .collect()
}

fn psychiatrists_as_input(p: &[Psychiatrist]) -> Vec<PsychiatristInput> {
    p.iter()
        .map(|p| PsychiatristInput {
            name: p.name.clone(),
            clinical_years: i64::from(p.clinical_years),
            oh_qualification: p.oh_qualification.as_str().to_owned(),
            institution_name: p.institution_name.clone(),
            institution_address: p.institution_address.clone(),
        })
        .collect()
}

fn disclosure_as_input(d: &Disclosure) -> DisclosureInput {
    DisclosureInput {
        fee_structure: d.fee_structure.clone(),
        hours: d.hours.clone(),
        methods: d.methods.iter().map(|m| m.as_str().to_owned()).collect(),
        other_services: d.other_services.clone(),
        track_record: d.track_record.clone(),
    }
}

fn qualification_options() -> Vec<(&'static str, &'static str)> {
    Qualification::ALL
        .iter()
        .map(|q| (q.as_str(), q.label_ja()))
        .collect()
}

fn oh_options() -> Vec<(&'static str, &'static str)> {
    OhQualification::ALL
        .iter()
        .map(|q| (q.as_str(), q.label_ja()))
        .collect()
}

/// `(value, label, checked)` for the method checkboxes.
fn method_options(selected: &[String]) -> Vec<(&'static str, &'static str, bool)> {
    Method::ALL
        .iter()
        .map(|m| (m.as_str(), m.label_ja(), selected.iter().any(|s| s == m.as_str())))
        .collect()
}

struct Names {
    orgs: HashMap<String, Organization>,
    sites: HashMap<String, Site>,
}

impl Names {
    fn new() -> Names {
        Names {
            orgs: HashMap::new(),
            sites: HashMap::new(),
        }
    }

    async fn load(&mut self, state: &AppState, org_id: &str) -> Result<(), AppError> {
        if !self.orgs.contains_key(org_id) {
            if let Some(o) = organizations::by_id(state.db.pool(), org_id).await? {
                self.orgs.insert(org_id.to_owned(), o);
            }
            for s in organizations::sites(state.db.pool(), org_id).await? {
                self.sites.insert(s.id.clone(), s);
            }
        }
        Ok(())
    }

    fn org(&self, id: &str) -> String {
        self.orgs.get(id).map(|o| o.name.clone()).unwrap_or_default()
    }

    fn site(&self, id: &str) -> String {
        self.sites.get(id).map(|s| s.name.clone()).unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The hub: /registration

pub struct RoomRow {
    name: String,
    address: String,
    registration: Option<(String, &'static str)>,
    action: Option<(String, &'static str)>,
}

pub struct CaseRow {
    id: String,
    org: String,
    site: String,
    applied_on: String,
    status_key: &'static str,
    renewal: bool,
    findings: usize,
}

pub struct RegRow {
    number: String,
    org: String,
    site: String,
    prefecture: String,
    registered_on: String,
    expires_on: String,
    status_key: &'static str,
}

pub struct NoticeRow {
    id: String,
    number: String,
    notified_on: String,
    kinds: String,
    findings: usize,
}

pub struct InvRow {
    id: String,
    number: String,
    status_key: &'static str,
    opened_on: String,
}

#[derive(Template)]
#[template(path = "reg_home.html")]
struct HubPage {
    p: Page,
    registrar: bool,
    office: bool,
    rooms: Vec<RoomRow>,
    cases: Vec<CaseRow>,
    regs: Vec<RegRow>,
    expiring: Vec<RegRow>,
    notices: Vec<NoticeRow>,
    new_reports: usize,
    investigations: Vec<InvRow>,
    trainings: bool,
}

fn reg_row(l: &registrations::Listed) -> RegRow {
    RegRow {
        number: l.registration.number.clone(),
        org: l.organization_name.clone(),
        site: l.site_name.clone(),
        prefecture: prefecture_name(&l.prefecture),
        registered_on: l.registration.registered_on.to_string(),
        expires_on: l.registration.expires_on.to_string(),
        status_key: status_key(l.registration.status),
    }
}

/// Days before expiry from which a registration is listed as due for renewal (REG-4 reminders).
const RENEWAL_REMINDER_DAYS: i64 = 180;

pub async fn hub(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let actor = s.caller.actor();
    let registrar = authz::global(&actor, RegGlobalAction::ListAll).is_allowed();
    let own = match (actor.role, &actor.organization_id) {
        (Role::Organization, Some(o)) => Some(o.clone()),
        _ => None,
    };
    if !registrar && own.is_none() && actor.role != Role::Committee {
        return Err(err(AppError::Forbidden));
    }
    let pool = state.db.pool();
    let mut names = Names::new();
    let (mut cases, mut regs, mut rooms) = (Vec::new(), Vec::new(), Vec::new());
    let mut expiring = Vec::new();
    if registrar || own.is_some() {
        let list = reg_cases::list(pool, own.as_deref(), None, 300)
            .await
            .map_err(|e| err(e.into()))?;
        for c in &list {
            names.load(&state, &c.organization_id).await.map_err(&err)?;
        }
        // Submitted cases first: they wait for the office.
        let mut list = list;
        list.sort_by_key(|c| c.status != Status::Submitted);
        cases = list
            .iter()
            .map(|c| CaseRow {
                id: c.id.clone(),
                org: names.org(&c.organization_id),
                site: names.site(&c.site_id),
                applied_on: c.applied_on.to_string(),
                status_key: status_key(c.status),
                renewal: c.renewal_of.is_some(),
                findings: c.findings.len(),
            })
            .collect();
        let listed = registrations::list(pool, own.as_deref(), 500)
            .await
            .map_err(|e| err(e.into()))?;
        regs = listed.iter().map(reg_row).collect();
        let today = state.clock.today();
        let until = today + chrono::Duration::days(RENEWAL_REMINDER_DAYS);
        expiring = registrations::expiring_between(pool, own.as_deref(), today, until)
            .await
            .map_err(|e| err(e.into()))?
            .iter()
            .map(reg_row)
            .collect();
        if let Some(org) = &own {
            let sites = organizations::sites(pool, org).await.map_err(|e| err(e.into()))?;
            for site in sites {
                let current = listed
                    .iter()
                    .find(|l| l.registration.site_id == site.id && l.registration.status.is_in_force());
                let pending = list
                    .iter()
                    .any(|c| c.site_id == site.id && c.status == Status::Submitted && c.renewal_of.is_none());
                let action = match current {
                    Some(l) => Some((
                        format!("/registration/apply?renewal_of={}", l.registration.number),
                        "reg.renew",
                    )),
                    None if pending => None,
                    None => Some((format!("/registration/apply?site={}", site.id), "reg.apply")),
                };
                rooms.push(RoomRow {
                    registration: current
                        .map(|l| (l.registration.number.clone(), status_key(l.registration.status))),
                    action,
                    name: site.name,
                    address: format!("{} {}", prefecture_name(&site.prefecture), site.address),
                });
            }
        }
    }
    let mut notices = Vec::new();
    let mut new_reports = 0;
    if registrar {
        for n in reg_changes::unacknowledged(pool, 200)
            .await
            .map_err(|e| err(e.into()))?
        {
            let number = registrations::by_id(pool, &n.registration_id)
                .await
                .map_err(|e| err(e.into()))?
                .map(|r| r.number)
                .unwrap_or_default();
            notices.push(NoticeRow {
                id: n.id,
                number,
                notified_on: n.notified_on.to_string(),
                kinds: n
                    .kinds
                    .iter()
                    .map(|k| kind_label_ja(k))
                    .collect::<Vec<_>>()
                    .join("、"),
                findings: n.findings.len(),
            });
        }
        new_reports = reg_reports::list(pool, Some("new"), 500)
            .await
            .map_err(|e| err(e.into()))?
            .len();
    }
    let mut investigations = Vec::new();
    for case in inv::list(pool, None, None, 300)
        .await
        .map_err(|e| err(e.into()))?
    {
        let has_conflict = nintei_store::conflicts::exists(pool, &s.caller.user.id, &case.organization_id)
            .await
            .map_err(|e| err(e.into()))?;
        let ctx = authz::DeregistrationContext {
            organization_id: &case.organization_id,
            referred: matches!(case.status.as_str(), "referred" | "decided"),
            caller_has_conflict: has_conflict,
        };
        if authz::deregistration(&actor, DeregistrationAction::View, ctx).is_allowed() {
            let number = registrations::by_id(pool, &case.registration_id)
                .await
                .map_err(|e| err(e.into()))?
                .map(|r| r.number)
                .unwrap_or_default();
            investigations.push(InvRow {
                id: case.id,
                number,
                status_key: investigation_key(&case.status),
                opened_on: case.opened_on.to_string(),
            });
        }
    }
    let page = HubPage {
        p: Page::for_session(&s, "reg.title", "/registration"),
        registrar,
        office: actor.role == Role::Office,
        rooms,
        cases,
        regs,
        expiring,
        notices,
        new_reports,
        investigations,
        trainings: authz::global(&actor, RegGlobalAction::ViewTraining).is_allowed(),
    };
    Ok(render_status(StatusCode::OK, &page))
}

// ---------------------------------------------------------------------------------------------------------------
// The application form: /registration/apply?site=… or ?renewal_of=…

pub struct CriterionRow {
    code: &'static str,
    title: &'static str,
    answer: &'static str,
}

pub struct SectionRows {
    title: &'static str,
    items: Vec<CriterionRow>,
}

pub struct YesNo {
    name: &'static str,
    key: &'static str,
    answer: &'static str,
    error: Option<String>,
}

pub struct DocRow {
    name: &'static str,
    label: &'static str,
    codes: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "reg_apply.html")]
struct ApplyPage {
    p: Page,
    org_name: String,
    site_id: String,
    site_name: String,
    renewal_of: String,
    applied_on: String,
    eligibility: Vec<YesNo>,
    sections: Vec<SectionRows>,
    counselors: Vec<CounselorRow>,
    psychiatrists: Vec<PsychiatristRow>,
    qualifications: Vec<(&'static str, &'static str)>,
    oh: Vec<(&'static str, &'static str)>,
    disclosure: DisclosureInput,
    methods: Vec<(&'static str, &'static str, bool)>,
    documents: Vec<DocRow>,
    errors: Errors,
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

fn sections(answers: &std::collections::BTreeMap<String, bool>) -> Vec<SectionRows> {
    let mut out: Vec<SectionRows> = Vec::new();
    for c in criteria() {
        let row = CriterionRow {
            code: c.code,
            title: c.title,
            answer: yes_no(answers.get(c.code).copied()),
        };
        match out.last_mut() {
            Some(s) if s.title == c.section => s.items.push(row),
            _ => out.push(SectionRows {
                title: c.section,
                items: vec![row],
            }),
        }
    }
    out
}

fn apply_page(
    s: &AnySession,
    org: &Organization,
    site: &Site,
    renewal_of: &str,
    input: &ApplicationInput,
    errors: Errors,
    today: chrono::NaiveDate,
) -> ApplyPage {
    let elig = input.eligibility.unwrap_or_default();
    let answered = !input.applied_on.is_empty();
    let eligibility = ELIGIBILITY
        .iter()
        .map(|(name, key)| {
            let v = match *name {
                "contracts_with_employers_for_fee" => elig.contracts_with_employers_for_fee,
                "face_to_face_counseling" => elig.face_to_face_counseling,
                "referral_to_medical_institutions" => elig.referral_to_medical_institutions,
                _ => elig.is_medical_care_facility,
            };
            let error = errors.get(&format!("eligibility.{name}")).map(str::to_owned);
            YesNo {
                name,
                key,
                answer: if answered && error.is_none() {
                    yes_no(Some(v))
                } else {
                    ""
                },
                error,
            }
        })
        .collect();
    let docs = input.documents.unwrap_or_default();
    let documents = docs
        .items()
        .into_iter()
        .map(|(name, label, codes, checked)| DocRow {
            name,
            label,
            codes,
            checked,
        })
        .collect();
    ApplyPage {
        p: Page::for_session(s, "reg.apply_title", "/registration/apply"),
        org_name: org.name.clone(),
        site_id: site.id.clone(),
        site_name: site.name.clone(),
        renewal_of: renewal_of.to_owned(),
        applied_on: if input.applied_on.is_empty() {
            today.to_string()
        } else {
            input.applied_on.clone()
        },
        eligibility,
        sections: sections(&input.criteria),
        counselors: counselor_rows(&input.counselors, &errors),
        psychiatrists: psychiatrist_rows(&input.psychiatrists, &errors),
        qualifications: qualification_options(),
        oh: oh_options(),
        methods: method_options(&input.disclosure.methods),
        disclosure: input.disclosure.clone(),
        documents,
        errors,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplyQuery {
    site: String,
    renewal_of: String,
}

/// The organization and room of the form, authorized for `Apply`; a renewal starts from the registered data.
async fn apply_target(
    state: &AppState,
    s: &AnySession,
    site_id: &str,
    renewal_of: &str,
) -> Result<(Organization, Site, Option<Registration>), AppError> {
    let reg = if renewal_of.is_empty() {
        None
    } else {
        Some(reg::visible_registration(state, &s.caller, renewal_of).await?)
    };
    let site_id = reg.as_ref().map_or(site_id, |r| r.site_id.as_str());
    let org_id = match &reg {
        Some(r) => r.organization_id.clone(),
        None => match (&s.caller.user.organization_id, s.caller.user.role) {
            (Some(o), Role::Organization) => o.clone(),
            // The office files for any organization: find the room's.
            _ => site_organization(state, site_id).await?,
        },
    };
    AppError::check(authz::case(&s.caller.actor(), CaseAction::Apply, &org_id))?;
    let org = organizations::by_id(state.db.pool(), &org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let site = organizations::sites(state.db.pool(), &org_id)
        .await?
        .into_iter()
        .find(|x| x.id == site_id)
        .ok_or(AppError::NotFound)?;
    Ok((org, site, reg))
}

async fn site_organization(state: &AppState, site_id: &str) -> Result<String, AppError> {
    for o in organizations::list(state.db.pool(), 10_000).await? {
        if organizations::sites(state.db.pool(), &o.id)
            .await?
            .iter()
            .any(|x| x.id == site_id)
        {
            return Ok(o.id);
        }
    }
    Err(AppError::NotFound)
}

pub async fn apply_form(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Query(q): Query<ApplyQuery>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let (org, site, reg) = apply_target(&state, &s, &q.site, &q.renewal_of)
        .await
        .map_err(&err)?;
    // A renewal form starts from the registered data; a first one is blank.
    let input = match &reg {
        Some(r) => ApplicationInput {
            counselors: counselors_as_input(&r.counselors),
            psychiatrists: psychiatrists_as_input(&r.psychiatrists),
            disclosure: disclosure_as_input(&r.disclosure_answers),
            ..ApplicationInput::default()
        },
        None => ApplicationInput::default(),
    };
    let number = reg.map(|r| r.number).unwrap_or_default();
    let page = apply_page(
        &s,
        &org,
        &site,
        &number,
        &input,
        Errors::default(),
        state.clock.today(),
    );
    Ok(render_status(StatusCode::OK, &page))
}

pub async fn apply_submit(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(pairs): UiForm<Pairs>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, value(&pairs, "csrf"))?;
    let err = in_lang(s.lang);
    let (org, site, reg) = apply_target(&state, &s, value(&pairs, "site_id"), value(&pairs, "renewal_of"))
        .await
        .map_err(&err)?;
    let (mut input, form_errors) = application_input(&pairs);
    input.organization_id = org.id.clone();
    input.site_id = site.id.clone();
    let number = reg.map(|r| r.number).unwrap_or_default();
    let result = if form_errors.is_empty() {
        reg::apply(&state, &s.caller, &input).await.map(Some)
    } else {
        Err(AppError::Validation(form_errors))
    };
    match result {
        Ok(Some(applied)) => {
            Ok(Redirect::to(&format!("/registration/cases/{}?submitted=1", applied.id)).into_response())
        }
        Ok(None) => Err(err(AppError::Internal("no case".into()))),
        Err(AppError::Validation(errors)) => {
            let page = apply_page(
                &s,
                &org,
                &site,
                &number,
                &input,
                Errors(errors),
                state.clock.today(),
            );
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(AppError::Conflict(m)) => {
            let page = apply_page(
                &s,
                &org,
                &site,
                &number,
                &input,
                Errors(vec![FieldError::new("form", m)]),
                state.clock.today(),
            );
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(err(e)),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// One case: findings next to the items, and the office's review

pub struct CaseItem {
    code: &'static str,
    title: &'static str,
    answer_key: &'static str,
    findings: Vec<String>,
}

pub struct CaseSection {
    title: &'static str,
    items: Vec<CaseItem>,
}

#[derive(Template)]
#[template(path = "reg_case.html")]
struct CasePage {
    p: Page,
    id: String,
    org_name: String,
    site_name: String,
    status_key: &'static str,
    applied_on: String,
    renewal_of: String,
    eligibility: Vec<(&'static str, &'static str)>,
    eligibility_findings: Vec<String>,
    sections: Vec<CaseSection>,
    counselors: Vec<(String, &'static str, &'static str, u32)>,
    psychiatrists: Vec<(String, u32, &'static str, String, String)>,
    disclosure: Vec<(&'static str, String)>,
    documents: Vec<(&'static str, &'static str, bool)>,
    document_findings: Vec<String>,
    findings_count: usize,
    decision: Option<(&'static str, String, String)>,
    registration: Option<(String, String, String, &'static str)>,
    may_review: bool,
    today: String,
    errors: Errors,
    notice: &'static str,
}

fn finding_code(f: &str) -> &str {
    f.trim_start_matches('【').split('】').next().unwrap_or("")
}

fn answer_key(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "reg.answer.yes",
        Some(false) => "reg.answer.no",
        None => "reg.answer.none",
    }
}

fn case_page(
    s: &AnySession,
    case: &RegCase,
    names: &Names,
    renewal_of: String,
    registration: Option<&Registration>,
    (errors, notice): (Errors, &'static str),
    today: chrono::NaiveDate,
) -> CasePage {
    let mut sections: Vec<CaseSection> = Vec::new();
    for c in criteria() {
        let item = CaseItem {
            code: c.code,
            title: c.title,
            answer_key: answer_key(case.criteria.get(c.code).copied()),
            findings: case
                .findings
                .iter()
                .filter(|f| finding_code(f) == c.code)
                .cloned()
                .collect(),
        };
        match sections.last_mut() {
            Some(sec) if sec.title == c.section => sec.items.push(item),
            _ => sections.push(CaseSection {
                title: c.section,
                items: vec![item],
            }),
        }
    }
    let eligibility = match &case.eligibility {
        Some(e) => vec![
            (
                "reg.elig.contracts",
                answer_key(Some(e.contracts_with_employers_for_fee)),
            ),
            (
                "reg.elig.face_to_face",
                answer_key(Some(e.face_to_face_counseling)),
            ),
            (
                "reg.elig.referral",
                answer_key(Some(e.referral_to_medical_institutions)),
            ),
            (
                "reg.elig.medical_facility",
                answer_key(Some(e.is_medical_care_facility)),
            ),
        ],
        None => Vec::new(),
    };
    let by = |code: &str| -> Vec<String> {
        case.findings
            .iter()
            .filter(|f| finding_code(f) == code)
            .cloned()
            .collect()
    };
    let d = &case.disclosure;
    let actor = s.caller.actor();
    CasePage {
        p: Page::for_session(s, "reg.case_title", &format!("/registration/cases/{}", case.id)),
        id: case.id.clone(),
        org_name: names.org(&case.organization_id),
        site_name: names.site(&case.site_id),
        status_key: status_key(case.status),
        applied_on: case.applied_on.to_string(),
        renewal_of,
        eligibility,
        eligibility_findings: by("登録対象"),
        sections,
        counselors: case
            .counselors
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.qualification.label_ja(),
                    if c.full_time {
                        "reg.full_time"
                    } else {
                        "reg.part_time"
                    },
                    c.years_of_practice,
                )
            })
            .collect(),
        psychiatrists: case
            .psychiatrists
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.clinical_years,
                    p.oh_qualification.label_ja(),
                    p.institution_name.clone(),
                    p.institution_address.clone(),
                )
            })
            .collect(),
        disclosure: vec![
            ("reg.disc.fee_structure", d.fee_structure.clone()),
            ("reg.disc.hours", d.hours.clone()),
            (
                "reg.disc.methods",
                d.methods
                    .iter()
                    .map(|m| m.label_ja())
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            ("reg.disc.other_services", d.other_services.clone()),
            ("reg.disc.track_record", d.track_record.clone()),
        ],
        documents: case
            .documents
            .map(|docs| {
                docs.items()
                    .into_iter()
                    .map(|(_, label, codes, enclosed)| (label, codes, enclosed))
                    .collect()
            })
            .unwrap_or_default(),
        document_findings: by("書類"),
        findings_count: case.findings.len(),
        decision: case.decision.map(|dec| {
            (
                match dec {
                    ReviewDecision::Register => "reg.decision.register",
                    ReviewDecision::Return => "reg.decision.return",
                },
                case.decided_on.map(|d| d.to_string()).unwrap_or_default(),
                case.decision_reason.clone().unwrap_or_default(),
            )
        }),
        registration: registration.map(|r| {
            (
                r.number.clone(),
                r.registered_on.to_string(),
                r.expires_on.to_string(),
                status_key(r.status),
            )
        }),
        may_review: case.status == Status::Submitted
            && authz::case(&actor, CaseAction::Review, &case.organization_id).is_allowed(),
        today: today.to_string(),
        errors,
        notice,
    }
}

async fn show_case_page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    errors: Errors,
    notice: &'static str,
    status: StatusCode,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let case = reg::visible_case(state, &s.caller, id).await.map_err(&err)?;
    let mut names = Names::new();
    names.load(state, &case.organization_id).await.map_err(&err)?;
    let renewal_of = match &case.renewal_of {
        Some(rid) => registrations::by_id(state.db.pool(), rid)
            .await
            .map_err(|e| err(e.into()))?
            .map(|r| r.number)
            .unwrap_or_default(),
        None => String::new(),
    };
    let registration = match &case.registration_id {
        Some(rid) => registrations::by_id(state.db.pool(), rid)
            .await
            .map_err(|e| err(e.into()))?,
        None => None,
    };
    let page = case_page(
        s,
        &case,
        &names,
        renewal_of,
        registration.as_ref(),
        (errors, notice),
        state.clock.today(),
    );
    Ok(render_status(status, &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    submitted: Option<String>,
    done: Option<String>,
}

pub async fn show_case(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let notice = if q.submitted.is_some() {
        "reg.notice.submitted"
    } else if q.done.is_some() {
        "reg.notice.reviewed"
    } else {
        ""
    };
    show_case_page(&state, &s, &id, Errors::default(), notice, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    csrf: String,
    decision: String,
    decided_on: String,
    reason: String,
}

pub async fn review(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<ReviewForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let input = ReviewInput {
        decision: f.decision,
        decided_on: f.decided_on,
        reason: Some(f.reason).filter(|r| !r.trim().is_empty()),
    };
    match reg::review(&state, &s.caller, &id, &input, None).await {
        Ok(_) => Ok(Redirect::to(&format!("/registration/cases/{id}?done=1")).into_response()),
        Err(AppError::Validation(errors)) => {
            show_case_page(&state, &s, &id, Errors(errors), "", StatusCode::BAD_REQUEST).await
        }
        Err(AppError::Conflict(m)) => {
            let errors = Errors(vec![FieldError::new("review", m)]);
            show_case_page(&state, &s, &id, errors, "", StatusCode::CONFLICT).await
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// One registration: published data, change notices, abolition, renewal, certificate

pub struct NoticeView {
    id: String,
    notified_on: String,
    changed_on: String,
    kinds: String,
    status_key: &'static str,
    note: String,
    findings: Vec<String>,
    pending: bool,
}

#[derive(Template)]
#[template(path = "reg_registration.html")]
struct RegistrationPage {
    p: Page,
    number: String,
    org_name: String,
    site_name: String,
    prefecture: String,
    address: String,
    status_key: &'static str,
    in_force: bool,
    first_registered_on: String,
    registered_on: String,
    expires_on: String,
    ended: Option<(String, String)>,
    /// REG-4: a renewal decided early, waiting for its first day.
    next_term: Option<(String, String)>,
    pub_disclosure: Vec<(&'static str, String)>,
    pub_counselors: Vec<(String, String, String)>,
    pub_psychiatrists: Vec<(String, String, String, String)>,
    notices: Vec<NoticeView>,
    renewal_pending: bool,
    may_notify: bool,
    may_acknowledge: bool,
    // The change form (shared includes with the application form).
    counselors: Vec<CounselorRow>,
    psychiatrists: Vec<PsychiatristRow>,
    disclosure: DisclosureInput,
    methods: Vec<(&'static str, &'static str, bool)>,
    qualifications: Vec<(&'static str, &'static str)>,
    oh: Vec<(&'static str, &'static str)>,
    prefectures: Vec<(String, String)>,
    site_prefecture: String,
    investigations: Vec<InvRow>,
    attendance: Vec<(String, String, bool)>,
    today: String,
    errors: Errors,
    notice: &'static str,
}

fn public_rows(d: &nintei_domain::reg::publication::PublicDisclosure) -> Vec<(&'static str, String)> {
    vec![
        ("reg.disc.fee_structure", d.fee_structure.clone()),
        ("reg.disc.hours", d.hours.clone()),
        (
            "reg.disc.methods",
            d.methods
                .iter()
                .map(|m| m.label_ja())
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ("reg.disc.other_services", d.other_services.clone()),
        ("reg.disc.track_record", d.track_record.clone()),
    ]
}

/// The change form starts from the registered data (or from what was just sent, with its errors).
struct ChangeDraft {
    counselors: Vec<CounselorInput>,
    psychiatrists: Vec<PsychiatristInput>,
    disclosure: DisclosureInput,
}

async fn registration_page(
    state: &AppState,
    s: &AnySession,
    number: &str,
    draft: Option<ChangeDraft>,
    errors: Errors,
    notice: &'static str,
) -> Result<RegistrationPage, PageError> {
    let err = in_lang(s.lang);
    let reg = reg::visible_registration(state, &s.caller, number)
        .await
        .map_err(&err)?;
    let pool = state.db.pool();
    let listed = registrations::listed_by_number(pool, &reg.number)
        .await
        .map_err(|e| err(e.into()))?
        .ok_or_else(|| err(AppError::NotFound))?;
    let actor = s.caller.actor();
    let notices = reg_changes::for_registration(pool, &reg.id)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .map(|n| NoticeView {
            pending: n.status == "notified",
            id: n.id,
            notified_on: n.notified_on.to_string(),
            changed_on: n.changed_on.to_string(),
            kinds: n
                .kinds
                .iter()
                .map(|k| kind_label_ja(k))
                .collect::<Vec<_>>()
                .join("、"),
            status_key: match n.status.as_str() {
                "notified" => "reg.change.notified",
                "scheduled" => "reg.change.scheduled",
                "refused" => "reg.change.refused",
                "closed" => "reg.change.closed",
                _ => "reg.change.acknowledged",
            },
            note: n.note,
            findings: n.findings,
        })
        .collect();
    let pending = reg_cases::pending_renewal(pool, &reg.id)
        .await
        .map_err(|e| err(e.into()))?
        .is_some();
    let investigations = if authz::sees_deregistration_internals(&actor) || actor.role == Role::Organization {
        inv::list(pool, Some(&reg.id), None, 50)
            .await
            .map_err(|e| err(e.into()))?
            .into_iter()
            .filter(|_| actor.role != Role::Committee)
            .map(|i| InvRow {
                id: i.id,
                number: reg.number.clone(),
                status_key: investigation_key(&i.status),
                opened_on: i.opened_on.to_string(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let attendance = reg_trainings::attendance_of_registration(pool, &reg.id)
        .await
        .map_err(|e| err(e.into()))?;
    let mut titles = HashMap::new();
    for a in &attendance {
        if !titles.contains_key(&a.training_id)
            && let Some(t) = reg_trainings::by_id(pool, &a.training_id)
                .await
                .map_err(|e| err(e.into()))?
        {
            titles.insert(a.training_id.clone(), format!("{} {}", t.held_on, t.title));
        }
    }
    let draft = draft.unwrap_or_else(|| ChangeDraft {
        counselors: counselors_as_input(&reg.counselors),
        psychiatrists: psychiatrists_as_input(&reg.psychiatrists),
        disclosure: disclosure_as_input(&reg.disclosure_answers),
    });
    Ok(RegistrationPage {
        p: Page::for_session(
            s,
            "reg.registration_title",
            &format!("/registration/registrations/{}", reg.number),
        ),
        number: reg.number.clone(),
        org_name: listed.organization_name.clone(),
        site_name: listed.site_name.clone(),
        prefecture: prefecture_name(&listed.prefecture),
        address: listed.address.clone(),
        status_key: status_key(reg.status),
        in_force: reg.status.is_in_force(),
        first_registered_on: reg.first_registered_on.to_string(),
        registered_on: reg.registered_on.to_string(),
        expires_on: reg.expires_on.to_string(),
        ended: reg
            .ended_on
            .map(|d| (d.to_string(), reg.end_reason.clone().unwrap_or_default())),
        next_term: reg
            .next
            .as_ref()
            .map(|n| (n.registered_on.to_string(), n.expires_on.to_string())),
        pub_disclosure: public_rows(&reg.disclosure),
        pub_counselors: reg
            .disclosure
            .counselors
            .iter()
            .map(|c| (c.name.clone(), c.qualification.clone(), c.career.clone()))
            .collect(),
        pub_psychiatrists: reg
            .disclosure
            .psychiatrists
            .iter()
            .map(|x| {
                (
                    x.name.clone(),
                    x.career.clone(),
                    x.institution_name.clone(),
                    x.institution_address.clone(),
                )
            })
            .collect(),
        notices,
        renewal_pending: pending,
        may_notify: reg.status.is_in_force()
            && authz::registration(&actor, RegistrationAction::Notify, &reg.organization_id).is_allowed(),
        may_acknowledge: authz::registration(&actor, RegistrationAction::Acknowledge, &reg.organization_id)
            .is_allowed(),
        counselors: counselor_rows(&draft.counselors, &errors),
        psychiatrists: psychiatrist_rows(&draft.psychiatrists, &errors),
        methods: method_options(&draft.disclosure.methods),
        disclosure: draft.disclosure,
        qualifications: qualification_options(),
        oh: oh_options(),
        prefectures: Prefecture::ALL
            .iter()
            .map(|p| (p.code().to_owned(), p.name_ja().to_owned()))
            .collect(),
        site_prefecture: listed.prefecture.clone(),
        investigations,
        attendance: attendance
            .into_iter()
            .map(|a| {
                (
                    titles.get(&a.training_id).cloned().unwrap_or_default(),
                    a.counselor_name,
                    a.attended,
                )
            })
            .collect(),
        today: state.clock.today().to_string(),
        errors,
        notice,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

fn done_key(done: &str) -> &'static str {
    match done {
        "change" => "reg.notice.change",
        "ack" => "reg.notice.acknowledged",
        "refused" => "reg.notice.refused",
        "abolished" => "reg.notice.abolished",
        "opened" => "reg.notice.opened",
        "saved" => "reg.notice.saved",
        _ => "",
    }
}

pub async fn show_registration(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(number): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let page = registration_page(&state, &s, &number, None, Errors::default(), done_key(&q.done)).await?;
    Ok(render_status(StatusCode::OK, &page))
}

pub async fn notify_change(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(number): Path<String>,
    UiForm(pairs): UiForm<Pairs>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, value(&pairs, "csrf"))?;
    let site = SiteChangeInput {
        name: Some(value(&pairs, "site.name").to_owned()),
        prefecture: Some(value(&pairs, "site.prefecture").to_owned()),
        address: Some(value(&pairs, "site.address").to_owned()),
    };
    let draft = ChangeDraft {
        counselors: counselor_inputs(&pairs),
        psychiatrists: psychiatrist_inputs(&pairs),
        disclosure: disclosure_input(&pairs),
    };
    // The form sends every field prefilled; the shared rules keep only what differs from the registered data
    // (and the room's current name and place, sent unchanged, are no change either).
    let current = reg::visible_registration(&state, &s.caller, &number)
        .await
        .map_err(in_lang(s.lang))?;
    let listed = registrations::listed_by_number(state.db.pool(), &current.number)
        .await
        .map_err(|e| in_lang(s.lang)(e.into()))?;
    let site = match listed {
        Some(l) => SiteChangeInput {
            name: site.name.filter(|v| v.trim() != l.site_name),
            prefecture: site.prefecture.filter(|v| v.trim() != l.prefecture),
            address: site.address.filter(|v| v.trim() != l.address),
        },
        None => site,
    };
    let input = ChangeInput {
        notified_on: value(&pairs, "notified_on").to_owned(),
        changed_on: Some(value(&pairs, "changed_on").to_owned()),
        counselors: Some(draft.counselors.clone()),
        psychiatrists: Some(draft.psychiatrists.clone()),
        disclosure: Some(draft.disclosure.clone()),
        site: Some(site),
        note: Some(value(&pairs, "note").to_owned()),
    };
    match reg::notify_change(&state, &s.caller, &number, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/registration/registrations/{number}?done=change")).into_response())
        }
        Err(AppError::Validation(errors)) => {
            let page = registration_page(&state, &s, &number, Some(draft), Errors(errors), "").await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(AppError::Conflict(m)) => {
            let page = registration_page(
                &state,
                &s,
                &number,
                Some(draft),
                Errors(vec![FieldError::new("changes", m)]),
                "",
            )
            .await?;
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AckForm {
    csrf: String,
    acknowledged_on: String,
}

pub async fn acknowledge(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<AckForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    // The page to return to is the notice's own registration, never a form field.
    let (_, registration) = reg::visible_change(&state, &s.caller, &id)
        .await
        .map_err(in_lang(s.lang))?;
    let number = registration.number;
    let input = AcknowledgeInput {
        acknowledged_on: f.acknowledged_on,
    };
    match reg::acknowledge_change(&state, &s.caller, &id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/registration/registrations/{number}?done=ack")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let errors = match e {
                AppError::Validation(v) => v,
                other => vec![FieldError::new("acknowledged_on", other.detail())],
            };
            let page = registration_page(&state, &s, &number, None, Errors(errors), "").await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RefuseForm {
    csrf: String,
    refused_on: String,
    reason: String,
}

/// REG-6: the office refuses a change notice (one that breaks REG-3 cannot be acknowledged).
pub async fn refuse(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<RefuseForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let (_, registration) = reg::visible_change(&state, &s.caller, &id)
        .await
        .map_err(in_lang(s.lang))?;
    let number = registration.number;
    let input = reg::RefusalInput {
        refused_on: f.refused_on,
        reason: f.reason,
    };
    match reg::refuse_change(&state, &s.caller, &id, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/registration/registrations/{number}?done=refused")).into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let errors = match e {
                AppError::Validation(v) => v,
                other => vec![FieldError::new("refused_on", other.detail())],
            };
            let page = registration_page(&state, &s, &number, None, Errors(errors), "").await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AbolishForm {
    csrf: String,
    abolished_on: String,
    reason: String,
}

pub async fn abolish(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(number): Path<String>,
    UiForm(f): UiForm<AbolishForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let input = AbolitionInput {
        abolished_on: f.abolished_on,
        reason: Some(f.reason),
    };
    match reg::abolish(&state, &s.caller, &number, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/registration/registrations/{number}?done=abolished")).into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let errors = match e {
                AppError::Validation(v) => v,
                other => vec![FieldError::new("abolished_on", other.detail())],
            };
            let page = registration_page(&state, &s, &number, None, Errors(errors), "").await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

#[derive(Template)]
#[template(path = "reg_certificate.html")]
struct CertificatePage {
    p: Page,
    number: String,
    org_name: String,
    site_name: String,
    address: String,
    registered_on: String,
    expires_on: String,
    registered_on_wareki: String,
    expires_on_wareki: String,
}

/// 登録通知書: the registration notice the office sends, printable from the browser (REG-5).
pub async fn certificate(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let reg = reg::visible_registration(&state, &s.caller, &number)
        .await
        .map_err(&err)?;
    if !reg.status.is_in_force() {
        return Err(err(AppError::Conflict(format!(
            "登録{}は「{}」のため登録通知書は発行できません",
            reg.number,
            reg.status.label_ja()
        ))));
    }
    let listed = registrations::listed_by_number(state.db.pool(), &reg.number)
        .await
        .map_err(|e| err(e.into()))?
        .ok_or_else(|| err(AppError::NotFound))?;
    let wareki = |d: chrono::NaiveDate| nintei_domain::calendar::wareki(d).unwrap_or_else(|| d.to_string());
    let page = CertificatePage {
        p: Page::for_session(
            &s,
            "reg.certificate_title",
            &format!("/registration/registrations/{number}/certificate"),
        ),
        number: reg.number.clone(),
        org_name: listed.organization_name,
        site_name: listed.site_name,
        address: format!("{}{}", prefecture_name(&listed.prefecture), listed.address),
        registered_on: reg.registered_on.to_string(),
        expires_on: reg.expires_on.to_string(),
        registered_on_wareki: wareki(reg.registered_on),
        expires_on_wareki: wareki(reg.expires_on),
    };
    Ok(render_status(StatusCode::OK, &page))
}

// ---------------------------------------------------------------------------------------------------------------
// Public reports inbox and deregistration cases (REG-7)

pub struct ReportRow {
    id: String,
    number: String,
    message: String,
    contact: String,
    received_at: String,
    status_key: &'static str,
    investigation_id: String,
}

#[derive(Template)]
#[template(path = "reg_reports.html")]
struct ReportsPage {
    p: Page,
    rows: Vec<ReportRow>,
    office: bool,
    today: String,
    errors: Errors,
}

fn jst_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| {
            t.with_timezone(&nintei_app::clock::jst())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

async fn reports_page(state: &AppState, s: &AnySession, errors: Errors) -> Result<ReportsPage, PageError> {
    let err = in_lang(s.lang);
    let actor = s.caller.actor();
    AppError::check(authz::global(&actor, RegGlobalAction::ReadReports)).map_err(&err)?;
    let with_contact = authz::sees_reporter_contact(&actor);
    let rows = reg_reports::list(state.db.pool(), None, 500)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .map(|r| ReportRow {
            status_key: match r.status.as_str() {
                "new" => "reg.report.new",
                "investigating" => "reg.report.investigating",
                _ => "reg.report.filed",
            },
            id: r.id,
            number: r.registration_number,
            message: r.message,
            contact: if with_contact {
                r.contact_email.unwrap_or_default()
            } else {
                String::new()
            },
            received_at: jst_time(r.received_at),
            investigation_id: r.investigation_id.unwrap_or_default(),
        })
        .collect();
    Ok(ReportsPage {
        p: Page::for_session(s, "reg.reports_title", "/registration/reports"),
        rows,
        office: actor.role == Role::Office,
        today: state.clock.today().to_string(),
        errors,
    })
}

pub async fn reports(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let page = reports_page(&state, &s, Errors::default()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn file_report(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<CsrfForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    reg::file_report(&state, &s.caller, &id)
        .await
        .map_err(in_lang(s.lang))?;
    Ok(Redirect::to("/registration/reports").into_response())
}

pub async fn open_investigation(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(pairs): UiForm<Pairs>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, value(&pairs, "csrf"))?;
    let input = OpenInvestigationInput {
        registration_number: value(&pairs, "registration_number").to_owned(),
        opened_on: value(&pairs, "opened_on").to_owned(),
        reason: value(&pairs, "reason").to_owned(),
        report_ids: values(&pairs, "report_ids")
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    match reg::open_investigation(&state, &s.caller, &input).await {
        Ok(case) => Ok(Redirect::to(&format!("/registration/investigations/{}", case.id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let errors = match e {
                AppError::Validation(v) => v,
                other => vec![FieldError::new("reason", other.detail())],
            };
            let page = reports_page(&state, &s, Errors(errors)).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

#[derive(Template)]
#[template(path = "reg_investigation.html")]
struct InvestigationPage {
    p: Page,
    id: String,
    number: String,
    org_name: String,
    registration_status_key: &'static str,
    status: String,
    status_key: &'static str,
    opened_on: String,
    internals: bool,
    reason: String,
    referred: Option<(String, String)>,
    closed: Option<(String, String)>,
    decision: Option<(&'static str, String, String)>,
    reports: Vec<ReportRow>,
    requests: Vec<(String, String, String, String, String)>,
    records: Vec<(&'static str, String, String)>,
    /// REG-7: the hearings notified to the institution (day, place), shown to it too.
    hearings: Vec<(String, String)>,
    votes: Vec<(String, &'static str, String)>,
    tally: (usize, usize),
    may_manage: bool,
    may_vote: bool,
    may_decide: bool,
    record_kinds: Vec<(&'static str, &'static str)>,
    today: String,
    errors: Errors,
}

fn outcome_key(o: nintei_domain::reg::status::CommitteeOutcome) -> &'static str {
    match o {
        nintei_domain::reg::status::CommitteeOutcome::Deregister => "reg.outcome.deregister",
        nintei_domain::reg::status::CommitteeOutcome::Maintain => "reg.outcome.maintain",
    }
}

async fn investigation_page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    errors: Errors,
) -> Result<InvestigationPage, PageError> {
    let err = in_lang(s.lang);
    let case = reg::authorized_investigation(state, &s.caller, id, DeregistrationAction::View)
        .await
        .map_err(&err)?;
    let pool = state.db.pool();
    let actor = s.caller.actor();
    let reg = registrations::by_id(pool, &case.registration_id)
        .await
        .map_err(|e| err(e.into()))?
        .ok_or_else(|| err(AppError::NotFound))?;
    let org_name = organizations::by_id(pool, &case.organization_id)
        .await
        .map_err(|e| err(e.into()))?
        .map(|o| o.name)
        .unwrap_or_default();
    let internals = authz::sees_deregistration_internals(&actor);
    let with_contact = authz::sees_reporter_contact(&actor);
    let (reports, records, votes) = if internals {
        let reports = reg_reports::for_investigation(pool, &case.id)
            .await
            .map_err(|e| err(e.into()))?
            .into_iter()
            .map(|r| ReportRow {
                id: r.id,
                number: r.registration_number,
                message: r.message,
                contact: if with_contact {
                    r.contact_email.unwrap_or_default()
                } else {
                    String::new()
                },
                received_at: jst_time(r.received_at),
                status_key: "reg.report.investigating",
                investigation_id: case.id.clone(),
            })
            .collect();
        let records = inv::records(pool, &case.id)
            .await
            .map_err(|e| err(e.into()))?
            .into_iter()
            .map(|r| {
                let label = reg::RECORD_KINDS
                    .iter()
                    .find(|(k, _)| *k == r.kind)
                    .map(|(_, l)| *l)
                    .unwrap_or(if r.kind == reg::HEARING_NOTICE {
                        "聴聞の通知"
                    } else {
                        "その他"
                    });
                (label, r.held_on.to_string(), r.summary)
            })
            .collect();
        let mut votes = Vec::new();
        for v in inv::votes(pool, &case.id).await.map_err(|e| err(e.into()))? {
            let name = users::by_id(pool, &v.member_id)
                .await
                .map_err(|e| err(e.into()))?
                .map(|u| u.name)
                .unwrap_or_default();
            votes.push((name, outcome_key(v.outcome), v.comment));
        }
        (reports, records, votes)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let tally = (
        votes.iter().filter(|v| v.1 == "reg.outcome.deregister").count(),
        votes.iter().filter(|v| v.1 == "reg.outcome.maintain").count(),
    );
    let requests = inv::document_requests(pool, &case.id)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.requested_on.to_string(),
                r.due_on.to_string(),
                r.items,
                r.received_on.map(|d| d.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    let ctx = authz::DeregistrationContext {
        organization_id: &case.organization_id,
        referred: matches!(case.status.as_str(), "referred" | "decided"),
        caller_has_conflict: false,
    };
    Ok(InvestigationPage {
        p: Page::for_session(
            s,
            "reg.investigation_title",
            &format!("/registration/investigations/{id}"),
        ),
        id: case.id.clone(),
        number: reg.number.clone(),
        org_name,
        registration_status_key: status_key(reg.status),
        status_key: investigation_key(&case.status),
        opened_on: case.opened_on.to_string(),
        internals,
        reason: if internals {
            case.reason.clone()
        } else {
            String::new()
        },
        referred: case
            .referred_on
            .filter(|_| internals)
            .map(|d| (d.to_string(), case.referral_reason.clone().unwrap_or_default())),
        closed: case
            .closed_on
            .map(|d| (d.to_string(), case.close_reason.clone().unwrap_or_default())),
        decision: case.outcome.map(|o| {
            (
                outcome_key(o),
                case.decided_on.map(|d| d.to_string()).unwrap_or_default(),
                case.decision_reason.clone().unwrap_or_default(),
            )
        }),
        reports,
        requests,
        records,
        hearings: inv::records(pool, &case.id)
            .await
            .map_err(|e| err(e.into()))?
            .into_iter()
            .filter(|r| r.kind == reg::HEARING_NOTICE)
            .map(|r| (r.held_on.to_string(), r.summary))
            .collect(),
        votes,
        tally,
        may_manage: authz::deregistration(&actor, DeregistrationAction::Manage, ctx).is_allowed()
            && matches!(case.status.as_str(), "open" | "referred"),
        may_vote: authz::deregistration(&actor, DeregistrationAction::Vote, ctx).is_allowed()
            && case.status == "referred",
        may_decide: authz::deregistration(&actor, DeregistrationAction::Decide, ctx).is_allowed()
            && case.status == "referred",
        status: case.status,
        record_kinds: reg::RECORD_KINDS.to_vec(),
        today: state.clock.today().to_string(),
        errors,
    })
}

pub async fn show_investigation(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let page = investigation_page(&state, &s, &id, Errors::default()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

/// One form of the deregistration case page; `step` names it in the path.
pub async fn investigation_action(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((id, step)): Path<(String, String)>,
    UiForm(pairs): UiForm<Pairs>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, value(&pairs, "csrf"))?;
    let v = |n: &str| value(&pairs, n).to_owned();
    let result = match step.as_str() {
        "document-requests" => reg::request_documents(
            &state,
            &s.caller,
            &id,
            &DocumentRequestInput {
                requested_on: v("requested_on"),
                due_on: v("due_on"),
                items: v("items"),
            },
        )
        .await
        .map(|_| ()),
        "receipt" => {
            reg::receive_documents(
                &state,
                &s.caller,
                &id,
                value(&pairs, "request_id"),
                &ReceiptInput {
                    received_on: v("received_on"),
                },
            )
            .await
        }
        "records" => reg::add_record(
            &state,
            &s.caller,
            &id,
            &RecordInput {
                kind: v("kind"),
                held_on: v("held_on"),
                summary: v("summary"),
            },
        )
        .await
        .map(|_| ()),
        "referral" | "closure" | "decision" => {
            let which = match step.as_str() {
                "referral" => CaseStep::Refer,
                "closure" => CaseStep::Close,
                _ => CaseStep::Decide,
            };
            let input = StepInput {
                on: v("on"),
                reason: v("reason"),
                outcome: Some(v("outcome")).filter(|o| !o.is_empty()),
            };
            reg::case_step(&state, &s.caller, &id, which, &input)
                .await
                .map(|_| ())
        }
        "votes" => {
            reg::vote(
                &state,
                &s.caller,
                &id,
                &VoteInput {
                    outcome: v("outcome"),
                    comment: Some(v("comment")),
                },
            )
            .await
        }
        _ => Err(AppError::NotFound),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/registration/investigations/{id}")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let status = crate::error::status(&e);
            let errors = match e {
                AppError::Validation(v) => v,
                other => vec![FieldError::new("case", other.detail())],
            };
            let page = investigation_page(&state, &s, &id, Errors(errors)).await?;
            Ok(render_status(status, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Training (REG-9)

#[derive(Template)]
#[template(path = "reg_trainings.html")]
struct TrainingsPage {
    p: Page,
    rows: Vec<reg_trainings::Training>,
    may_manage: bool,
    form: TrainingInput,
    errors: Errors,
}

async fn trainings_page(
    state: &AppState,
    s: &AnySession,
    form: TrainingInput,
    errors: Errors,
) -> Result<TrainingsPage, PageError> {
    let err = in_lang(s.lang);
    let actor = s.caller.actor();
    AppError::check(authz::global(&actor, RegGlobalAction::ViewTraining)).map_err(&err)?;
    Ok(TrainingsPage {
        p: Page::for_session(s, "reg.trainings_title", "/registration/trainings"),
        rows: reg_trainings::list(state.db.pool(), 500)
            .await
            .map_err(|e| err(e.into()))?,
        may_manage: authz::global(&actor, RegGlobalAction::ManageTraining).is_allowed(),
        form,
        errors,
    })
}

pub async fn trainings(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let page = trainings_page(&state, &s, TrainingInput::default(), Errors::default()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrainingForm {
    csrf: String,
    title: String,
    held_on: String,
    place: String,
    description: String,
}

pub async fn create_training(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(f): UiForm<TrainingForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let input = TrainingInput {
        title: f.title,
        held_on: f.held_on,
        place: f.place,
        description: Some(f.description),
    };
    match reg::create_training(&state, &s.caller, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/registration/trainings/{id}")).into_response()),
        Err(AppError::Validation(errors)) => {
            let page = trainings_page(&state, &s, input, Errors(errors)).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

#[derive(Template)]
#[template(path = "reg_training.html")]
struct TrainingPage {
    p: Page,
    t: reg_trainings::Training,
    attendance: Vec<(String, String, bool)>,
    may_manage: bool,
    registrations: Vec<(String, String)>,
    errors: Errors,
    /// REG-9: the counselors enrolled (an organization sees its own) and what an institution may enrol.
    enrolments: Vec<(String, String)>,
    enrol_options: Vec<(String, String)>,
}

async fn training_page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    errors: Errors,
) -> Result<TrainingPage, PageError> {
    let err = in_lang(s.lang);
    let actor = s.caller.actor();
    AppError::check(authz::global(&actor, RegGlobalAction::ViewTraining)).map_err(&err)?;
    let pool = state.db.pool();
    let t = reg_trainings::by_id(pool, id)
        .await
        .map_err(|e| err(e.into()))?
        .ok_or_else(|| err(AppError::NotFound))?;
    let attendance = reg_trainings::attendance(pool, id)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .filter(|a| authz::may_see(&actor, &a.organization_id))
        .map(|a| (a.registration_number, a.counselor_name, a.attended))
        .collect();
    let may_manage = authz::global(&actor, RegGlobalAction::ManageTraining).is_allowed();
    // The office picks a counselor of a registration in force: "REG-… 氏名" options.
    let mut options = Vec::new();
    if may_manage {
        for l in registrations::list(pool, None, 1000)
            .await
            .map_err(|e| err(e.into()))?
        {
            if !l.registration.status.is_in_force() {
                continue;
            }
            for c in &l.registration.counselors {
                options.push((
                    format!("{}|{}", l.registration.number, c.name),
                    format!("{} {} — {}", l.registration.number, l.site_name, c.name),
                ));
            }
        }
    }
    let enrolments = reg_trainings::enrolments(pool, id)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .filter(|e| authz::may_see(&actor, &e.organization_id))
        .map(|e| (e.registration_number, e.counselor_name))
        .collect();
    // An institution enrols the counselors of its own rooms registered today, in sessions still to come.
    let mut enrol_options = Vec::new();
    let today = state.clock.today();
    if let (Some(org), true) = (actor.organization_id.as_deref(), t.held_on >= today) {
        for l in registrations::list(pool, Some(org), 1000)
            .await
            .map_err(|e| err(e.into()))?
        {
            if l.registration.public_status_on(today)
                != nintei_domain::reg::validity::PublicStatus::Registered
            {
                continue;
            }
            for c in &l.registration.counselors {
                enrol_options.push((
                    format!("{}|{}", l.registration.number, c.name),
                    format!("{} {} — {}", l.registration.number, l.site_name, c.name),
                ));
            }
        }
    }
    Ok(TrainingPage {
        p: Page::for_session(s, "reg.training_title", &format!("/registration/trainings/{id}")),
        t,
        attendance,
        may_manage,
        registrations: options,
        errors,
        enrolments,
        enrol_options,
    })
}

pub async fn show_training(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let page = training_page(&state, &s, &id, Errors::default()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AttendanceForm {
    csrf: String,
    counselor: String,
    attended: String,
}

pub async fn record_attendance(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<AttendanceForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let (number, name) = f.counselor.split_once('|').unwrap_or(("", ""));
    let input = AttendanceInput {
        registration_number: number.to_owned(),
        counselor_name: name.to_owned(),
        attended: Some(f.attended != "no"),
    };
    match reg::record_attendance(&state, &s.caller, &id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/registration/trainings/{id}")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let status = crate::error::status(&e);
            let errors = match e {
                AppError::Validation(v) => v,
                other => vec![FieldError::new("counselor", other.detail())],
            };
            let page = training_page(&state, &s, &id, Errors(errors)).await?;
            Ok(render_status(status, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

/// REG-9: an institution enrols a counselor in a coming session.
pub async fn enrol(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<AttendanceForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let (number, name) = f.counselor.split_once('|').unwrap_or(("", ""));
    let input = reg::EnrolmentInput {
        registration_number: number.to_owned(),
        counselor_name: name.to_owned(),
    };
    match reg::enrol(&state, &s.caller, &id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/registration/trainings/{id}")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let status = crate::error::status(&e);
            let errors = match e {
                AppError::Validation(v) => v,
                other => vec![FieldError::new("counselor", other.detail())],
            };
            let page = training_page(&state, &s, &id, Errors(errors)).await?;
            Ok(render_status(status, &page))
        }
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The public report form (no account; CSRF by a double-submit cookie as on the login form; honeypot)

#[derive(Template)]
#[template(path = "report_form.html")]
struct ReportFormPage {
    p: Page,
    csrf: String,
    number: String,
    message: String,
    contact_email: String,
    errors: Errors,
    throttled: bool,
    done: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportFormQuery {
    number: String,
}

fn report_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    mut page: ReportFormPage,
) -> Response {
    let csrf = random_token(24);
    page.csrf = csrf.clone();
    let mut resp = render_status(status, &page);
    if let Ok(v) = crate::auth::set_cookie(state, PRE_CSRF_COOKIE, &csrf, 3600).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    let _ = headers;
    resp
}

fn blank_report(headers: &HeaderMap, number: &str) -> ReportFormPage {
    ReportFormPage {
        p: Page::public(lang_of(headers), "reg.report_form_title", "/report"),
        csrf: String::new(),
        number: number.to_owned(),
        message: String::new(),
        contact_email: String::new(),
        errors: Errors::default(),
        throttled: false,
        done: false,
    }
}

pub async fn report_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportFormQuery>,
) -> Response {
    let page = blank_report(&headers, &q.number);
    report_page(&state, &headers, StatusCode::OK, page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportForm {
    csrf: String,
    registration_number: String,
    message: String,
    contact_email: String,
    website: String,
}

pub async fn report_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(address): ClientAddr,
    UiForm(f): UiForm<ReportForm>,
) -> Result<Response, PageError> {
    let expected = cookie(&headers, PRE_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !constant_time_eq(expected, &f.csrf) {
        return Err(PageError::Csrf);
    }
    let input = ReportInput {
        registration_number: f.registration_number.clone(),
        message: f.message.clone(),
        contact_email: Some(f.contact_email.clone()),
        website: Some(f.website.clone()),
    };
    let mut page = blank_report(&headers, &f.registration_number);
    match reg::receive_report(&state, &address, &input).await {
        Ok(_) => {
            page.done = true;
            Ok(report_page(&state, &headers, StatusCode::ACCEPTED, page))
        }
        Err(AppError::Validation(errors)) => {
            page.message = f.message;
            page.contact_email = f.contact_email;
            page.errors = Errors(errors);
            Ok(report_page(&state, &headers, StatusCode::BAD_REQUEST, page))
        }
        Err(AppError::TooManyRequests { .. }) => {
            page.throttled = true;
            page.message = f.message;
            page.contact_email = f.contact_email;
            Ok(report_page(&state, &headers, StatusCode::TOO_MANY_REQUESTS, page))
        }
        Err(e) => Err(PageError::App(e, lang_of(&headers))),
    }
}
