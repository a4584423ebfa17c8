//! The application form per counseling room with the REG-3 checklist, and one case with its findings and the office's review.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::authz::reg::{self as authz, CaseAction};
use nintei_domain::reg::application::Documents;
use nintei_domain::reg::criteria::criteria;
use nintei_domain::reg::status::{ReviewDecision, Status};
use nintei_domain::role::Role;
use nintei_store::organizations::{Organization, Site};
use serde::Deserialize;

use super::*;
use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, FieldError, PageError};
use crate::ui::form::{self, StepForm};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::reg::{self, ApplicationInput, DisclosureInput, ReviewInput};
use nintei_app::state::AppState;

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
    /// Set when the form was resumed from a saved draft (when it was saved) or from a returned application.
    draft_note: String,
    /// The form's parts (title key, shown open, has errors), folded so the form is read a part at a time.
    parts: Vec<(&'static str, bool, bool)>,
    /// The findings of the returned application this one corrects.
    earlier_findings: Vec<String>,
}

/// The form's parts: title key and the error-field prefixes that belong to each.
const PARTS: [(&str, &[&str]); 5] = [
    ("reg.part.basics", &["applied_on", "eligibility", "form"]),
    ("reg.criteria_heading", &["criteria"]),
    ("reg.counselors", &["counselors", "psychiatrists"]),
    ("reg.disclosure", &["disclosure"]),
    ("reg.documents", &["documents"]),
];

/// Which parts open: the first always, any other when it holds an error.
fn parts(errors: &Errors) -> Vec<(&'static str, bool, bool)> {
    PARTS
        .iter()
        .enumerate()
        .map(|(i, (key, prefixes))| {
            let has_errors = errors
                .0
                .iter()
                .any(|e| prefixes.iter().any(|p| e.field.starts_with(p)));
            (*key, i == 0 || has_errors, has_errors)
        })
        .collect()
}

/// The restatement before an application is submitted: what goes in, and every field again for the second post.
#[derive(Template)]
#[template(path = "reg_apply_confirm.html")]
struct ConfirmPage {
    p: Page,
    org_name: String,
    site_name: String,
    renewal_of: String,
    applied_on: String,
    counselors: Vec<String>,
    psychiatrists: Vec<String>,
    confirmed_items: usize,
    hidden: Vec<(String, String)>,
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
        parts: parts(&errors),
        errors,
        draft_note: String::new(),
        earlier_findings: Vec::new(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplyQuery {
    site: String,
    renewal_of: String,
    /// A returned application (返戻) whose contents the new one starts from.
    from: String,
}

pub async fn apply_form(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Query(q): Query<ApplyQuery>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    // Started without a room: the rooms are listed on /registration, each with its application.
    if q.site.trim().is_empty() && q.renewal_of.trim().is_empty() {
        return Ok(Redirect::to("/registration").into_response());
    }
    let (org, site, reg) = reg::apply_target(&state, &s.caller, &q.site, &q.renewal_of)
        .await
        .map_err(&err)?;
    let number = reg.as_ref().map(|r| r.number.clone()).unwrap_or_default();
    let (input, note, earlier) = if !q.from.trim().is_empty() {
        // A returned application is corrected and filed again: the form starts from what it said.
        let returned = reg::visible_case(&state, &s.caller, q.from.trim())
            .await
            .map_err(&err)?;
        if returned.status != Status::Returned || returned.site_id != site.id {
            return Err(err(AppError::NotFound));
        }
        let input = ApplicationInput {
            organization_id: org.id.clone(),
            criteria: returned.criteria.clone(),
            counselors: counselors_as_input(&returned.counselors),
            psychiatrists: psychiatrists_as_input(&returned.psychiatrists),
            disclosure: disclosure_as_input(&returned.disclosure),
            eligibility: returned.eligibility,
            documents: returned.documents,
            ..ApplicationInput::default()
        };
        let note = crate::i18n::t(s.lang, "reg.resubmit_loaded").to_owned();
        (input, note, returned.findings)
    } else if reg.is_none()
        && let Some((fields, saved_at)) = reg::draft(&state, &s.caller, &org.id, &site.id)
            .await
            .map_err(&err)?
    {
        // A saved draft of a first application is resumed as it was typed.
        let (mut input, _) = application_input(&fields);
        input.organization_id = org.id.clone();
        let at = chrono::DateTime::from_timestamp(saved_at, 0)
            .map(|t| {
                t.with_timezone(&nintei_app::clock::jst())
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        let note = format!("{}（{at}）", crate::i18n::t(s.lang, "reg.draft_resumed"));
        (input, note, Vec::new())
    } else {
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
        (input, String::new(), Vec::new())
    };
    let mut page = apply_page(
        &s,
        &org,
        &site,
        &number,
        &input,
        Errors::default(),
        state.clock.today(),
    );
    page.draft_note = note;
    // The checklist part opens with the findings it concerns.
    if let Some(part) = page.parts.get_mut(1) {
        part.1 = part.1 || !earlier.is_empty();
    }
    page.earlier_findings = earlier;
    Ok(render_status(StatusCode::OK, &page))
}

pub async fn apply_submit(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(pairs): UiForm<Pairs>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, value(&pairs, "csrf"))?;
    let err = in_lang(s.lang);
    let (org, site, reg) = reg::apply_target(
        &state,
        &s.caller,
        value(&pairs, "site_id"),
        value(&pairs, "renewal_of"),
    )
    .await
    .map_err(&err)?;
    let intent = value(&pairs, "intent");
    if intent == "draft" {
        reg::save_draft(&state, &s.caller, &org.id, &site.id, &pairs)
            .await
            .map_err(&err)?;
        return Ok(Redirect::to(&format!("/registration/apply?site={}", site.id)).into_response());
    }
    let (mut input, form_errors) = application_input(&pairs);
    input.organization_id = org.id.clone();
    input.site_id = site.id.clone();
    let number = reg.map(|r| r.number).unwrap_or_default();
    // The form again, as typed, with `errors` next to their fields.
    let form = |errors: Vec<FieldError>, status: StatusCode| {
        let page = apply_page(
            &s,
            &org,
            &site,
            &number,
            &input,
            Errors(errors),
            state.clock.today(),
        );
        render_status(status, &page)
    };
    if intent == "edit" {
        return Ok(form(Vec::new(), StatusCode::OK));
    }
    // 入力→確認→完了: the first post restates the application; the confirmed one files it.
    if form_errors.is_empty() && value(&pairs, "confirmed") != "1" {
        let page = ConfirmPage {
            p: Page::for_session(&s, "reg.confirm_title", "/registration/apply"),
            org_name: org.name.clone(),
            site_name: site.name.clone(),
            renewal_of: number.clone(),
            applied_on: input.applied_on.clone(),
            counselors: input
                .counselors
                .iter()
                .map(|c| c.name.clone())
                .filter(|n| !n.trim().is_empty())
                .collect(),
            psychiatrists: input
                .psychiatrists
                .iter()
                .map(|x| x.name.clone())
                .filter(|n| !n.trim().is_empty())
                .collect(),
            confirmed_items: input.criteria.values().filter(|v| **v).count(),
            hidden: pairs
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "csrf" | "intent" | "confirmed"))
                .cloned()
                .collect(),
        };
        return Ok(render_status(StatusCode::OK, &page));
    }
    if !form_errors.is_empty() {
        return Ok(form(form_errors, StatusCode::BAD_REQUEST));
    }
    match reg::apply(&state, &s.caller, &input).await {
        Ok(applied) => {
            Ok(Redirect::to(&format!("/registration/cases/{}?submitted=1", applied.id)).into_response())
        }
        Err(AppError::Validation(errors)) => Ok(form(errors, StatusCode::BAD_REQUEST)),
        Err(AppError::Conflict(m)) => Ok(form(vec![FieldError::new("form", m)], StatusCode::CONFLICT)),
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
    /// Name, qualification, employment key, practice (years and months), REG-3 1(2)イ main duty and 3 days a
    /// week (keys: stated yes, no, not stated).
    counselors: Vec<(
        String,
        &'static str,
        &'static str,
        String,
        &'static str,
        &'static str,
    )>,
    psychiatrists: Vec<(String, u32, &'static str, String, String)>,
    disclosure: Vec<(&'static str, String)>,
    documents: Vec<(&'static str, &'static str, bool)>,
    document_findings: Vec<String>,
    findings_count: usize,
    /// Every finding, listed at the top of the page.
    all_findings: Vec<String>,
    /// The applicant's way to correct a returned application and file it again (empty: none).
    resubmit: String,
    decision: Option<(&'static str, String, String)>,
    registration: Option<(String, String, String, &'static str)>,
    may_review: bool,
    /// REG-3: the registration documents uploaded with the application (label, file name, download link).
    doc_files: Vec<(&'static str, String, String)>,
    /// The six documents (`purpose`, label) and whether the caller may upload while the case is submitted.
    doc_kinds: Vec<(&'static str, &'static str)>,
    may_upload: bool,
    upload_limit_mib: usize,
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
    detail: &reg::case::CaseDetail,
    (errors, notice): (Errors, &'static str),
    (today, files, upload_limit): (chrono::NaiveDate, &[nintei_store::reg_files::FileRow], usize),
) -> CasePage {
    let case = &detail.case;
    let renewal_of = detail.renewal_of.clone().unwrap_or_default();
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
        org_name: detail.organization_name.clone(),
        site_name: detail.site_name.clone(),
        status_key: status_key(case.status),
        applied_on: case.applied_on.to_string(),
        renewal_of: renewal_of.clone(),
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
                    c.practice_ja(),
                    condition_key(c.main_duty),
                    condition_key(c.three_days_a_week),
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
        all_findings: case.findings.clone(),
        resubmit: if case.status == Status::Returned
            && actor.role == Role::Organization
            && authz::case(&actor, CaseAction::Apply, &case.organization_id).is_allowed()
        {
            match &case.renewal_of {
                Some(_) if !renewal_of.is_empty() => {
                    format!("/registration/apply?renewal_of={renewal_of}&from={}", case.id)
                }
                _ => format!("/registration/apply?site={}&from={}", case.site_id, case.id),
            }
        } else {
            String::new()
        },
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
        registration: detail.registration.as_ref().map(|r| {
            (
                r.number.clone(),
                r.registered_on.to_string(),
                r.expires_on.to_string(),
                status_key(r.status),
            )
        }),
        may_review: case.status == Status::Submitted
            && authz::case(&actor, CaseAction::Review, &case.organization_id).is_allowed(),
        doc_files: files
            .iter()
            .map(|f| {
                (
                    Documents::describe(&f.purpose).map_or("", |d| d.0),
                    f.original_name.clone(),
                    format!("/registration/cases/{}/files/{}", case.id, f.id),
                )
            })
            .collect(),
        doc_kinds: Documents::default()
            .items()
            .into_iter()
            .map(|(name, label, ..)| (name, label))
            .collect(),
        may_upload: case.status == Status::Submitted
            && authz::case(&actor, CaseAction::Apply, &case.organization_id).is_allowed(),
        upload_limit_mib: upload_limit / 1024 / 1024,
        today: today.to_string(),
        errors,
        notice,
    }
}

pub(super) async fn show_case_page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    errors: Errors,
    notice: &'static str,
    status: StatusCode,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let detail = reg::case::detail(state, &s.caller, id).await.map_err(&err)?;
    let files = reg::files::case_documents(state, &s.caller, id)
        .await
        .map_err(&err)?;
    let page = case_page(
        s,
        &detail,
        (errors, notice),
        (state.clock.today(), &files, state.config.upload_limit),
    );
    Ok(render_status(status, &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    submitted: Option<String>,
    uploaded: Option<String>,
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
    } else if q.uploaded.is_some() {
        "reg.notice.document_uploaded"
    } else if q.done.is_some() {
        "reg.notice.reviewed"
    } else {
        ""
    };
    show_case_page(&state, &s, &id, Errors::default(), notice, StatusCode::OK).await
}

pub async fn review(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let result = match f.read::<ReviewInput>() {
        Ok(input) => reg::review(&state, &s.caller, &id, &input, None).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/registration/cases/{id}?done=1")).into_response()),
        Err(e) => {
            let r = form::refused(e, s.lang)?.beside("review");
            show_case_page(&state, &s, &id, r.errors, "", r.status).await
        }
    }
}

/// How a REG-3 1(2)イ condition stated per counselor reads on the case page.
fn condition_key(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "reg.cond_yes",
        Some(false) => "reg.cond_no",
        None => "reg.cond_not_stated",
    }
}
