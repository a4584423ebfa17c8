//! One registration: its published data, change notices, abolition, renewal and certificate (REG-4 … REG-6).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::org::Prefecture;
use serde::Deserialize;

use super::*;
use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, PageError};
use crate::ui::form::{self, StepForm};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::reg::{
    self, AbolitionInput, AcknowledgeInput, ChangeInput, CounselorInput, DisclosureInput, PsychiatristInput,
    SiteChangeInput,
};
use nintei_app::state::AppState;

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
    /// The address as read, its prefecture said once.
    full_address: String,
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
    let v = reg::registration::view(state, &s.caller, number)
        .await
        .map_err(&err)?;
    let reg = v.registration;
    let listed = v.listed;
    let notices = v
        .notices
        .into_iter()
        .map(|n| NoticeView {
            pending: n.status == "notified",
            id: n.id,
            notified_on: n.notified_on.to_string(),
            changed_on: n.changed_on.to_string(),
            kinds: kinds_label(&n.kinds),
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
    let investigations = v
        .investigations
        .into_iter()
        .map(|i| InvRow {
            id: i.id,
            number: reg.number.clone(),
            status_key: investigation_key(&i.status),
            opened_on: i.opened_on.to_string(),
        })
        .collect();
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
        full_address: full_address(&listed.prefecture, &listed.address),
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
        renewal_pending: v.renewal_pending,
        may_notify: v.may_notify,
        may_acknowledge: v.may_acknowledge,
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
        attendance: v.attendance,
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
    let l = reg::visible_listing(&state, &s.caller, &number)
        .await
        .map_err(in_lang(s.lang))?;
    let site = SiteChangeInput {
        name: site.name.filter(|v| v.trim() != l.site_name),
        prefecture: site.prefecture.filter(|v| v.trim() != l.prefecture),
        address: site.address.filter(|v| v.trim() != l.address),
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
        Err(e) => {
            let r = form::refused(e, s.lang)?.beside("changes");
            let page = registration_page(&state, &s, &number, Some(draft), r.errors, "").await?;
            Ok(render_status(r.status, &page))
        }
    }
}

pub async fn acknowledge(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    // The page to return to is the notice's own registration, never a form field.
    let (_, registration) = reg::visible_change(&state, &s.caller, &id)
        .await
        .map_err(in_lang(s.lang))?;
    let number = registration.number;
    let result = match f.read::<AcknowledgeInput>() {
        Ok(input) => reg::acknowledge_change(&state, &s.caller, &id, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/registration/registrations/{number}?done=ack")).into_response()),
        Err(e) => {
            // A refused notice step shows why beside its date, as 400 like a wrong date.
            let r = form::refused(e, s.lang)?.beside("acknowledged_on");
            let page = registration_page(&state, &s, &number, None, r.errors, "").await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
    }
}

/// REG-6: the office refuses a change notice (one that breaks REG-3 cannot be acknowledged).
pub async fn refuse(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let (_, registration) = reg::visible_change(&state, &s.caller, &id)
        .await
        .map_err(in_lang(s.lang))?;
    let number = registration.number;
    let result = match f.read::<reg::RefusalInput>() {
        Ok(input) => reg::refuse_change(&state, &s.caller, &id, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("/registration/registrations/{number}?done=refused")).into_response())
        }
        Err(e) => {
            // A refused notice step shows why beside its date, as 400 like a wrong date.
            let r = form::refused(e, s.lang)?.beside("refused_on");
            let page = registration_page(&state, &s, &number, None, r.errors, "").await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
    }
}

pub async fn abolish(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(number): Path<String>,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let result = match f.read::<AbolitionInput>() {
        Ok(input) => reg::abolish(&state, &s.caller, &number, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("/registration/registrations/{number}?done=abolished")).into_response())
        }
        Err(e) => {
            // A refused notice step shows why beside its date, as 400 like a wrong date.
            let r = form::refused(e, s.lang)?.beside("abolished_on");
            let page = registration_page(&state, &s, &number, None, r.errors, "").await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
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
}

/// 登録通知書: the registration notice the office sends, printable from the browser (REG-5).
pub async fn certificate(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let listed = reg::visible_listing(&state, &s.caller, &number)
        .await
        .map_err(&err)?;
    let reg = &listed.registration;
    if !reg.status.is_in_force() {
        return Err(err(AppError::Conflict(format!(
            "登録{}は「{}」のため登録通知書は発行できません",
            reg.number,
            reg.status.label_ja()
        ))));
    }
    let page = CertificatePage {
        p: Page::for_session(
            &s,
            "reg.certificate_title",
            &format!("/registration/registrations/{number}/certificate"),
        ),
        number: reg.number.clone(),
        org_name: listed.organization_name,
        site_name: listed.site_name,
        address: full_address(&listed.prefecture, &listed.address),
        registered_on: reg.registered_on.to_string(),
        expires_on: reg.expires_on.to_string(),
    };
    Ok(render_status(StatusCode::OK, &page))
}
