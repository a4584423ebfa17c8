//! The self-study screen (ACC-3, ACC-6): progress per section, the application's attachments, narratives saved
//! section by section, evidence per standard following the evidence table, the representative's confirmation,
//! the office's format check and requests for fixes, and the questionnaires' links and answers. And the
//! anonymous questionnaire form (`/q/{token}`) that needs no account. Every form posts to the same operations as
//! the API ([`nintei_app::acc::study`]).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::acc::study::{ATTACHMENTS, FormatStatus, QuestionnaireKind, evidence_row, study_editable};
use nintei_domain::authz::acc_study::StudyAction;
use serde::Deserialize;
use serde_json::Value;

use crate::auth::{AnySession, ClientAddr, WebUser, check_csrf, lang_of};
use crate::error::{AppError, PageError};
use crate::i18n::{self, Lang};
use crate::ui::form::StepForm;
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::acc::{self, study};
use nintei_app::security::random_token;
use nintei_app::state::AppState;

fn tr(lang: Lang, key: &str) -> String {
    i18n::t(lang, key).to_owned()
}

pub struct SectionRow {
    code: String,
    name: String,
    group: String,
    standards: usize,
    with_evidence: usize,
    missing: String,
    narrative: String,
    has_narrative: bool,
}

pub struct StandardRow {
    code: String,
    title: String,
    self_study: String,
    site_visit: String,
    on_site: String,
    files: Vec<(String, String)>,
}

/// An ACC-3 attachment kind, its label and its files (address, name).
type Attachment = (&'static str, String, Vec<(String, String)>);

pub struct QuestionRow {
    text: String,
    answered: i64,
    average: String,
}

pub struct KindRow {
    kind: &'static str,
    label: String,
    issued: i64,
    used: i64,
    answers: i64,
    questions: Vec<QuestionRow>,
    comments: Vec<String>,
}

#[derive(Template)]
#[template(path = "acc_study.html")]
struct StudyPage {
    p: Page,
    id: String,
    organization: String,
    status: String,
    format: String,
    format_code: &'static str,
    format_note: String,
    confirmation: String,
    standards_total: usize,
    standards_covered: usize,
    sections: Vec<SectionRow>,
    standards: Vec<StandardRow>,
    attachments: Vec<Attachment>,
    checks: Vec<(String, String, String)>,
    kinds: Vec<KindRow>,
    answers_visible: bool,
    new_links: Vec<String>,
    may_upload_evidence: bool,
    may_upload_attachment: bool,
    may_write: bool,
    may_check: bool,
    may_resubmit: bool,
    may_links: bool,
    catalog_sample: bool,
    upload_limit_mib: usize,
    today: String,
    notice: String,
    conflict: String,
    errors: Errors,
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

const ACTIONS: [&str; 6] = [
    "narrative",
    "confirmation",
    "format-check",
    "resubmission",
    "links",
    "upload",
];

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    s: &AnySession,
    id: &str,
    notice: String,
    conflict: String,
    errors: Errors,
    new_links: Vec<String>,
) -> Result<StudyPage, PageError> {
    let err = in_lang(s.lang);
    let lang = s.lang;
    let caller = &s.caller;
    let loaded = study::load_for(state, caller, id, StudyAction::View)
        .await
        .map_err(&err)?;
    let v = study::view(state, caller, &loaded).await.map_err(&err)?;
    let summary = study::summary(state, caller, id).await.map_err(&err)?;
    let format = FormatStatus::parse(v.format_status).unwrap_or(FormatStatus::Draft);
    let catalog = acc::catalog(state, &loaded.case.catalog_version)
        .await
        .map_err(&err)?;
    let codes = loaded.case.service_codes();
    let files = &v.files;
    let link = |f: &study::FileView| {
        (
            format!("/accreditation/cases/{id}/files/{}", f.id),
            format!("{}（{} KB）", f.name, (f.size_bytes + 1023) / 1024),
        )
    };
    let sections = v
        .progress
        .sections
        .iter()
        .map(|sec| SectionRow {
            narrative: v
                .narratives
                .iter()
                .find(|n| n.section == sec.section_code)
                .map(|n| n.body.clone())
                .unwrap_or_default(),
            has_narrative: sec.has_narrative,
            name: sec.section.clone(),
            group: sec.group.clone(),
            standards: sec.standards,
            with_evidence: sec.with_evidence,
            missing: sec.missing.join("、"),
            code: sec.section_code.clone(),
        })
        .collect();
    let standards = catalog
        .in_scope(&codes)
        .map(|s| {
            let e = evidence_row(s);
            StandardRow {
                code: s.code.clone(),
                title: s.title.clone(),
                self_study: e.self_study.join("、"),
                site_visit: e.site_visit.join("、"),
                on_site: e.on_site.join("、"),
                files: files
                    .iter()
                    .filter(|f| f.purpose == "evidence" && f.standard.as_deref() == Some(s.code.as_str()))
                    .map(link)
                    .collect(),
            }
        })
        .collect();
    let attachments = ATTACHMENTS
        .iter()
        .map(|a| {
            (
                *a,
                tr(lang, &format!("study.attachment.{a}")),
                files.iter().filter(|f| f.purpose == *a).map(link).collect(),
            )
        })
        .collect();
    let checks = v
        .format_checks
        .iter()
        .map(|c| {
            (
                c.checked_on.clone(),
                tr(lang, &format!("study.format.{}", c.result)),
                c.note.clone().unwrap_or_default(),
            )
        })
        .collect();
    let answers_visible = summary.answers_visible;
    let kinds = QuestionnaireKind::ALL
        .iter()
        .map(|k| {
            let entry = summary.kinds.iter().find(|e| e.kind == k.as_str());
            KindRow {
                kind: k.as_str(),
                label: tr(lang, &format!("study.q.{}", k.as_str())),
                issued: entry.map_or(0, |e| e.links_issued),
                used: entry.map_or(0, |e| e.links_used),
                answers: entry.map_or(0, |e| i64::try_from(e.answers).unwrap_or(0)),
                questions: entry
                    .and_then(|e| e.questions.as_ref())
                    .into_iter()
                    .flatten()
                    .map(|q| QuestionRow {
                        text: q.text.to_owned(),
                        answered: i64::try_from(q.answered).unwrap_or(0),
                        average: q.average.map_or_else(|| "—".to_owned(), |a| format!("{a:.2}")),
                    })
                    .collect(),
                comments: entry
                    .and_then(|e| e.items.as_ref())
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a["comment"].as_str().map(str::to_owned))
                    .collect(),
            }
        })
        .collect();
    let may = |a: StudyAction| study::may(&loaded, caller, a);
    let editable = study_editable(loaded.case.status, format);
    Ok(StudyPage {
        p: Page::for_session(s, "study.title", &format!("/accreditation/cases/{id}/study")),
        id: id.to_owned(),
        organization: loaded.organization.name.clone(),
        status: tr(lang, &format!("acc.status.{}", loaded.case.status.as_str())),
        format: tr(lang, &format!("study.format.{}", format.as_str())),
        format_code: format.as_str(),
        format_note: v.format_note.clone().unwrap_or_default(),
        confirmation: match &v.confirmation {
            Some(study::Confirmation {
                confirmed_on,
                representative: Some(name),
                ..
            }) => format!("{name}（{confirmed_on}）"),
            _ => String::new(),
        },
        standards_total: v.progress.standards,
        standards_covered: v.progress.with_evidence,
        sections,
        standards,
        attachments,
        checks,
        kinds,
        answers_visible,
        new_links,
        may_upload_evidence: may(StudyAction::Upload) && editable,
        may_upload_attachment: may(StudyAction::Upload)
            && nintei_domain::acc::study::attachments_open(loaded.case.status),
        may_write: may(StudyAction::Write) && editable,
        may_check: may(StudyAction::CheckFormat) && format.awaits_check(),
        may_resubmit: may(StudyAction::Write) && format == FormatStatus::FixesRequested,
        may_links: may(StudyAction::IssueLinks)
            && matches!(
                loaded.case.status,
                nintei_domain::acc::CaseStatus::SelfStudy | nintei_domain::acc::CaseStatus::SiteVisit
            ),
        catalog_sample: catalog.sample,
        upload_limit_mib: state.config.upload_limit / 1024 / 1024,
        today: state.clock.today().format("%Y-%m-%d").to_string(),
        notice,
        conflict,
        errors,
    })
}

/// `GET /accreditation/cases/{id}/study`.
pub async fn show(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    let notice = match q.done.as_deref() {
        Some(a) if ACTIONS.contains(&a) => tr(s.lang, &format!("study.done.{a}")),
        _ => String::new(),
    };
    let p = page(
        &state,
        &s,
        &id,
        notice,
        String::new(),
        Errors::default(),
        Vec::new(),
    )
    .await?;
    Ok(render_status(StatusCode::OK, &p))
}

/// A refused form: the page again with the reason (400 with field errors, 409 with the conflict, 413).
async fn refused(state: &AppState, s: &AnySession, id: &str, e: AppError) -> Result<Response, PageError> {
    let status = crate::error::status(&e);
    let (conflict, errors) = match e {
        AppError::Validation(errs) => (String::new(), Errors(errs)),
        AppError::Conflict(m) | AppError::TooLargeWith(m) | AppError::BadRequest(m) => (m, Errors::default()),
        AppError::TooLarge => (tr(s.lang, "study.too_large"), Errors::default()),
        other => return Err(in_lang(s.lang)(other)),
    };
    let p = page(state, s, id, String::new(), conflict, errors, Vec::new()).await?;
    Ok(render_status(status, &p))
}

/// Runs one study form; the links issued (`links` only) or none.
async fn run_action(
    state: &AppState,
    caller: &nintei_app::Caller,
    id: &str,
    action: &str,
    f: &StepForm,
) -> Result<Option<Vec<String>>, AppError> {
    match action {
        "narrative" => study::save_narrative(state, caller, id, &f.read()?)
            .await
            .map(|()| None),
        "confirmation" => study::confirm(state, caller, id, &f.read()?).await.map(|()| None),
        "format-check" => study::check_format(state, caller, id, &f.read()?)
            .await
            .map(|()| None),
        "resubmission" => study::resubmit(state, caller, id, &f.read()?)
            .await
            .map(|()| None),
        "links" => study::issue_links(state, caller, id, &f.read()?).await.map(Some),
        _ => Err(AppError::NotFound),
    }
}

/// `POST /accreditation/cases/{id}/study/{action}`: narrative, confirmation, format-check, resubmission, links.
pub async fn action(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((id, action)): Path<(String, String)>,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    match run_action(&state, &s.caller, &id, &action, &f).await {
        Ok(None) => {
            Ok(Redirect::to(&format!("/accreditation/cases/{id}/study?done={action}")).into_response())
        }
        // The links are shown this once (only their hashes are kept): the page itself, not a redirect.
        Ok(Some(links)) => {
            let notice = tr(s.lang, "study.done.links");
            let p = page(&state, &s, &id, notice, String::new(), Errors::default(), links).await?;
            Ok(render_status(StatusCode::CREATED, &p))
        }
        Err(AppError::NotFound) => Err(in_lang(s.lang)(AppError::NotFound)),
        Err(e) => refused(&state, &s, &id, e).await,
    }
}

/// `POST /accreditation/cases/{id}/files` (multipart with `csrf`): an attachment or evidence from the screen.
pub async fn upload(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let mp = mp.map_err(|e| err(AppError::BadRequest(e.body_text())))?;
    let (up, fields) = match crate::files::read_multipart(&state, mp).await {
        Ok(r) => r,
        // The form could not be read, so its token could not be checked: nothing is done, and a page that
        // says why is only shown to a caller who may see the case.
        Err(e) => {
            study::load_for(&state, &s.caller, &id, StudyAction::View)
                .await
                .map_err(&err)?;
            return Err(err(e));
        }
    };
    check_csrf(&s.session, fields.get("csrf").map_or("", String::as_str))?;
    match study::upload(&state, &s.caller, &id, &up).await {
        Ok(_) => Ok(Redirect::to(&format!("/accreditation/cases/{id}/study?done=upload")).into_response()),
        Err(e @ (AppError::NotFound | AppError::Forbidden)) => Err(err(e)),
        Err(e) => refused(&state, &s, &id, e).await,
    }
}

/// `GET /accreditation/cases/{id}/files/{file_id}`: the download, audited (as the API's).
pub async fn download(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (file, bytes) = study::download(&state, &s.caller, &id, &file_id)
        .await
        .map_err(in_lang(s.lang))?;
    Ok(crate::files::attachment(&file, bytes))
}

// ---------------------------------------------------------------------------------------------------------
// The anonymous questionnaire (no account)

#[derive(Template)]
#[template(path = "questionnaire.html")]
struct QuestionnairePage {
    p: Page,
    token: String,
    csrf: String,
    kind_label: String,
    questions: Vec<(&'static str, &'static str, String)>,
    comment: String,
    errors: Errors,
    done: bool,
    gone: bool,
    throttled: bool,
}

fn questionnaire_response(state: &AppState, status: StatusCode, mut page: QuestionnairePage) -> Response {
    let csrf = random_token(24);
    page.csrf = csrf.clone();
    let mut resp = crate::auth::with_form_token(state, render_status(status, &page), &csrf);
    // The address carries the token: keep it out of other sites' logs.
    resp.headers_mut().insert(
        header::REFERRER_POLICY,
        axum::http::HeaderValue::from_static("no-referrer"),
    );
    resp
}

fn blank(lang: Lang, token: &str, kind: Option<QuestionnaireKind>) -> QuestionnairePage {
    QuestionnairePage {
        p: Page::public(lang, "study.q.title", "/q"),
        token: token.to_owned(),
        csrf: String::new(),
        kind_label: kind.map_or_else(String::new, |k| tr(lang, &format!("study.q.{}", k.as_str()))),
        questions: kind.map_or_else(Vec::new, |k| {
            k.questions()
                .iter()
                .map(|(id, text)| (*id, *text, String::new()))
                .collect()
        }),
        comment: String::new(),
        errors: Errors::default(),
        done: false,
        gone: kind.is_none(),
        throttled: false,
    }
}

/// `GET /q/{token}`: the questionnaire behind a one-time link; 404 for an unknown or used link.
pub async fn questionnaire_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let lang = lang_of(&headers);
    let kind = study::questionnaire(&state, &token)
        .await
        .map_err(in_lang(lang))?;
    let status = if kind.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok(questionnaire_response(&state, status, blank(lang, &token, kind)))
}

/// `POST /q/{token}`: the answer (CSRF by the pre-login double-submit cookie, throttled per address).
pub async fn questionnaire_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(address): ClientAddr,
    Path(token): Path<String>,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    let lang = lang_of(&headers);
    crate::auth::check_form_token(&headers, &f.csrf)?;
    let answers: BTreeMap<String, Value> = f
        .fields
        .iter()
        .filter(|(k, _)| k.starts_with('q'))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let input = study::AnswerInput {
        answers,
        comment: f.opt("comment"),
    };
    let kind = study::questionnaire(&state, &token)
        .await
        .map_err(in_lang(lang))?;
    let mut page = blank(lang, &token, kind);
    match study::answer(&state, &address, &token, &input).await {
        Ok(()) => {
            page.done = true;
            page.gone = false;
            Ok(questionnaire_response(&state, StatusCode::CREATED, page))
        }
        Err(AppError::Validation(errs)) => {
            for q in &mut page.questions {
                q.2 = f.get(q.0);
            }
            page.comment = f.get("comment");
            page.errors = Errors(errs);
            Ok(questionnaire_response(&state, StatusCode::BAD_REQUEST, page))
        }
        Err(AppError::TooManyRequests { .. }) => {
            page.throttled = true;
            Ok(questionnaire_response(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                page,
            ))
        }
        Err(AppError::NotFound) => {
            page.gone = true;
            Ok(questionnaire_response(&state, StatusCode::NOT_FOUND, page))
        }
        Err(e) => Err(in_lang(lang)(e)),
    }
}

/// ACC-6: the sections still lacking their narrative or evidence, one line each, for the submission form.
pub(super) async fn missing_lines(
    state: &AppState,
    conn: &mut nintei_store::Conn,
    loaded: &nintei_app::acc::Loaded,
    lang: crate::i18n::Lang,
) -> Result<Vec<String>, AppError> {
    let tr = |key: &str| crate::i18n::t(lang, key).to_owned();
    Ok(nintei_app::acc::study::incomplete_sections(state, conn, loaded)
        .await?
        .into_iter()
        .map(|s| {
            let mut gaps = Vec::new();
            if !s.has_narrative {
                gaps.push(tr("study.not_written"));
            }
            if !s.missing.is_empty() {
                gaps.push(format!("{}: {}", tr("study.missing"), s.missing.join("、")));
            }
            format!("{} {} — {}", s.section_code, s.section, gaps.join(" / "))
        })
        .collect())
}
