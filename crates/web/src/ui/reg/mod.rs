//! Registration (REG) screens: the organization's application form per counseling room with the REG-3 checklist,
//! findings next to the items, registrations with change notices, abolition and renewal; the office's case list,
//! review, registrations, public reports inbox, deregistration cases and training; the public report form.
//! Every rule and state change goes through `nintei_app::reg`, the same module the API uses.

mod application;
mod changes;
mod deregistration;
pub mod files;
pub mod hearing;
mod training;

pub use application::*;
pub use changes::*;
pub use deregistration::*;
pub use training::*;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use nintei_domain::org::Prefecture;
use nintei_domain::reg::application::{
    Counselor, Disclosure, Documents, Method, OhQualification, Psychiatrist, Qualification,
};
use nintei_domain::reg::changes::kind_label_ja;
use nintei_domain::reg::criteria::criteria;
use nintei_domain::reg::status::Status;
use nintei_domain::role::Role;

use nintei_store::registrations::{self};

use crate::auth::WebUser;
use crate::error::{FieldError, PageError};
use crate::ui::list::{Controls, ListQuery, Pager};
use crate::ui::{Errors, Page, in_lang, render_status};
use nintei_app::reg::hub::RoomAction;
use nintei_app::reg::{self, ApplicationInput, CounselorInput, DisclosureInput, PsychiatristInput};
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

/// The kinds of a change notice as read (REG-6).
fn kinds_label(kinds: &[String]) -> String {
    kinds
        .iter()
        .map(|k| kind_label_ja(k))
        .collect::<Vec<_>>()
        .join("、")
}

/// The room's address with its prefecture said once.
fn full_address(code: &str, address: &str) -> String {
    Prefecture::from_code(code).map_or_else(|_| address.to_owned(), |p| p.full_address(address))
}

fn prefecture_name(code: &str) -> String {
    Prefecture::from_code(code)
        .map(|p| p.name_ja().to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

pub(crate) fn status_key(s: Status) -> &'static str {
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
                months_of_practice: int(&f("months_of_practice")),
                // REG-3 1(2)イ: the screen always states both conditions (an unticked box is "no").
                main_duty: Some(checked(pairs, &format!("counselors[{i}].main_duty"))),
                three_days_a_week: Some(checked(pairs, &format!("counselors[{i}].three_days_a_week"))),
            }
        })
        .filter(|c| !c.name.trim().is_empty() || c.years_of_practice != 0 || c.months_of_practice != 0)
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
    months: String,
    main_duty: bool,
    three_days_a_week: bool,
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
                months: if input.get(i).is_some() {
                    c.months_of_practice.to_string()
                } else {
                    String::new()
                },
                main_duty: c.main_duty == Some(true),
                three_days_a_week: c.three_days_a_week == Some(true),
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
            months_of_practice: i64::from(c.months_of_practice),
            main_duty: c.main_duty,
            three_days_a_week: c.three_days_a_week,
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
    controls: Controls,
    pager: Pager,
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

pub async fn hub(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let text = query.text();
    let hub = reg::hub::hub(&state, &s.caller, state.clock.today(), &query.filter(&text))
        .await
        .map_err(&err)?;
    let tr = |k: &str| crate::i18n::t(s.lang, k).to_owned();
    let controls = Controls::new(
        "/registration",
        &query,
        tr("reg.status"),
        [
            Status::Registered,
            Status::UnderInvestigation,
            Status::DeregistrationReview,
            Status::Expired,
            Status::Abolished,
            Status::Deregistered,
        ]
        .iter()
        .map(|st| (st.as_str().to_owned(), tr(status_key(*st))))
        .collect(),
        vec![
            ("".into(), tr("list.sort_number")),
            ("expires".into(), tr("list.sort_expires")),
            ("organization".into(), tr("list.sort_organization")),
            ("newest".into(), tr("list.sort_newest")),
        ],
    );
    let pager = Pager::new("/registration", &query, hub.total, hub.registrations.len());
    let rooms = hub
        .rooms
        .iter()
        .map(|r| RoomRow {
            name: r.site.name.clone(),
            address: full_address(&r.site.prefecture, &r.site.address),
            registration: r
                .registration
                .as_ref()
                .map(|(n, st)| (n.clone(), status_key(*st))),
            action: match &r.action {
                RoomAction::Renew { number } => {
                    Some((format!("/registration/apply?renewal_of={number}"), "reg.renew"))
                }
                RoomAction::Apply { site_id } => {
                    Some((format!("/registration/apply?site={site_id}"), "reg.apply"))
                }
                RoomAction::UnderReview => None,
            },
        })
        .collect();
    let cases = hub
        .applications
        .iter()
        .map(|a| CaseRow {
            id: a.case.id.clone(),
            org: a.organization_name.clone(),
            site: a.site_name.clone(),
            applied_on: a.case.applied_on.to_string(),
            status_key: status_key(a.case.status),
            renewal: a.case.renewal_of.is_some(),
            findings: a.case.findings.len(),
        })
        .collect();
    let notices = hub
        .notices
        .iter()
        .map(|n| NoticeRow {
            id: n.id.clone(),
            number: n.number.clone(),
            notified_on: n.notified_on.to_string(),
            kinds: kinds_label(&n.kinds),
            findings: n.findings,
        })
        .collect();
    let investigations = hub
        .investigations
        .iter()
        .map(|i| InvRow {
            id: i.id.clone(),
            number: i.number.clone(),
            status_key: investigation_key(&i.status),
            opened_on: i.opened_on.to_string(),
        })
        .collect();
    let page = HubPage {
        p: Page::for_session(&s, "reg.title", "/registration"),
        controls,
        pager,
        registrar: hub.registrar,
        office: s.caller.actor().role == Role::Office,
        rooms,
        cases,
        regs: hub.registrations.iter().map(reg_row).collect(),
        expiring: hub.expiring.iter().map(reg_row).collect(),
        notices,
        new_reports: hub.new_reports,
        investigations,
        trainings: hub.trainings,
    };
    Ok(render_status(StatusCode::OK, &page))
}
