//! Organization screens: the office's list and form, and one organization's page with its sites and history.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::authz::{self, GlobalAction, OrganizationAction};
use nintei_domain::org::{LegalForm, Prefecture};
use nintei_store::organizations::Organization;
use serde::Deserialize;

use crate::auth::{WebUser, check_csrf};
use crate::error::{AppError, PageError};
use crate::ui::form::{self, StepForm};
use crate::ui::history::{self, HistoryRow};
use crate::ui::list::{Controls, ListQuery, Pager};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::org::{self, OrganizationInput, SiteInput};
use nintei_app::state::AppState;

fn prefecture_label(code: &str) -> String {
    Prefecture::from_code(code)
        .map(|p| p.name_ja().to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

fn prefecture_options() -> Vec<(String, String)> {
    Prefecture::ALL
        .iter()
        .map(|p| (p.code().to_owned(), p.name_ja().to_owned()))
        .collect()
}

pub struct Row {
    id: String,
    name: String,
    legal_form: String,
    prefecture: String,
    corporate_number: String,
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct ListPage {
    p: Page,
    rows: Vec<Row>,
    may_create: bool,
    controls: Controls,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let actor = s.caller.actor();
    AppError::check(authz::global(&actor, GlobalAction::ListOrganizations)).map_err(&err)?;
    let text = query.text();
    let (orgs, total) = org::page(&state, &s.caller, &query.filter(&text))
        .await
        .map_err(&err)?;
    let rows: Vec<Row> = orgs
        .into_iter()
        .map(|o| Row {
            legal_form: LegalForm::parse(&o.legal_form)
                .map(|f| f.label_ja().to_owned())
                .unwrap_or(o.legal_form),
            prefecture: prefecture_label(&o.prefecture),
            corporate_number: o.corporate_number.unwrap_or_default(),
            id: o.id,
            name: o.name,
        })
        .collect();
    let may_create = authz::global(&actor, GlobalAction::CreateOrganization).is_allowed();
    let lang = s.lang;
    let controls = Controls::new(
        "/organizations",
        &query,
        crate::i18n::t(lang, "org.prefecture").to_owned(),
        prefecture_options(),
        [
            ("", "list.sort_name"),
            ("prefecture", "list.sort_prefecture"),
            ("newest", "list.sort_newest"),
        ]
        .iter()
        .map(|(v, k)| ((*v).to_owned(), crate::i18n::t(lang, k).to_owned()))
        .collect(),
    );
    let pager = Pager::new("/organizations", &query, total, rows.len());
    let page = ListPage {
        p: Page::for_session(&s, "org.list_title", "/organizations"),
        rows,
        may_create,
        controls,
        pager,
    };
    Ok(render_status(StatusCode::OK, &page))
}

pub struct FormField {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) label_key: &'static str,
    pub(crate) hint_key: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) required: bool,
    pub(crate) value: String,
    pub(crate) options: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "organization_new.html")]
struct NewPage {
    p: Page,
    fields: Vec<FormField>,
    errors: Errors,
}

pub(crate) fn fields(f: &OrgForm) -> Vec<FormField> {
    let field = |id, name, label_key, hint_key, kind, required, value: &str| FormField {
        id,
        name,
        label_key,
        hint_key,
        kind,
        required,
        value: value.to_owned(),
        options: Vec::new(),
    };
    let legal_forms = LegalForm::ALL
        .iter()
        .map(|l| (l.as_str().to_owned(), l.label_ja().to_owned()))
        .collect();
    vec![
        field("name", "name", "org.name", "", "text", true, &f.name),
        FormField {
            options: legal_forms,
            ..field(
                "legal_form",
                "legal_form",
                "org.legal_form",
                "",
                "",
                true,
                &f.legal_form,
            )
        },
        field(
            "corporate_number",
            "corporate_number",
            "org.corporate_number",
            "org.corporate_number_hint",
            "text",
            false,
            &f.corporate_number,
        ),
        FormField {
            options: prefecture_options(),
            ..field(
                "prefecture",
                "prefecture",
                "org.prefecture",
                "",
                "",
                true,
                &f.prefecture,
            )
        },
        field("address", "address", "org.address", "", "text", true, &f.address),
        field(
            "representative",
            "representative",
            "org.representative",
            "",
            "text",
            true,
            &f.representative,
        ),
        field(
            "contact_name",
            "contact.name",
            "org.contact_name",
            "",
            "text",
            true,
            &f.contact_name,
        ),
        field(
            "contact_email",
            "contact.email",
            "org.contact_email",
            "",
            "email",
            true,
            &f.contact_email,
        ),
        field(
            "contact_phone",
            "contact.phone",
            "org.contact_phone",
            "org.contact_phone_hint",
            "tel",
            true,
            &f.contact_phone,
        ),
    ]
}

pub async fn new_form(WebUser(s): WebUser) -> Result<Response, PageError> {
    AppError::check(authz::global(&s.caller.actor(), GlobalAction::CreateOrganization))
        .map_err(in_lang(s.lang))?;
    let page = NewPage {
        p: Page::for_session(&s, "org.new", "/organizations/new"),
        fields: fields(&OrgForm::default()),
        errors: Errors::default(),
    };
    Ok(render_status(StatusCode::OK, &page))
}

/// The organization form as typed, to show it again. Its `contact.*` names are the API's field paths, so the
/// use case's input is read from the same fields ([`form::read`]) and errors land next to their fields.
#[derive(Deserialize, Default)]
pub struct OrgForm {
    /// The public request form's honeypot (a person never sees it).
    #[serde(default)]
    pub(crate) website: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    legal_form: String,
    #[serde(default)]
    corporate_number: String,
    #[serde(default)]
    prefecture: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    representative: String,
    #[serde(default, rename = "contact.name")]
    contact_name: String,
    #[serde(default, rename = "contact.email")]
    contact_email: String,
    #[serde(default, rename = "contact.phone")]
    contact_phone: String,
}

pub async fn create(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    AppError::check(authz::global(&s.caller.actor(), GlobalAction::CreateOrganization)).map_err(&err)?;
    // Texts only: reading the form to show it again cannot fail.
    let shown: OrgForm = f.read().map_err(&err)?;
    let result = match f.read::<OrganizationInput>() {
        Ok(input) => org::create(&state, &s.caller, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/organizations/{id}")).into_response()),
        Err(e) => {
            // A corporate number already on record is said beside it.
            let r = form::refused(e, s.lang)?.beside("corporate_number");
            let page = NewPage {
                p: Page::for_session(&s, "org.new", "/organizations/new"),
                fields: fields(&shown),
                errors: r.errors,
            };
            Ok(render_status(r.status, &page))
        }
    }
}

#[derive(Template)]
#[template(path = "organization.html")]
struct ShowPage {
    p: Page,
    org: Organization,
    legal_form_label: String,
    prefecture_label: String,
    sites: Vec<(String, String, String)>,
    may_add_site: bool,
    /// REG-6: the organization notifies a change of its name, representative or contact.
    may_notify_change: bool,
    today: String,
    prefectures: Vec<(String, String)>,
    legal_forms: Vec<(String, String)>,
    errors: Errors,
    history: Option<Vec<HistoryRow>>,
    notice: &'static str,
}

async fn show_page(
    state: &AppState,
    s: &crate::auth::AnySession,
    id: &str,
    errors: Errors,
    notice: &'static str,
) -> Result<(StatusCode, ShowPage), PageError> {
    let err = in_lang(s.lang);
    let actor = s.caller.actor();
    let (org, sites) = nintei_app::org::view(state, &s.caller, id).await.map_err(&err)?;
    let sites = sites
        .into_iter()
        .map(|x| (x.name, prefecture_label(&x.prefecture), x.address))
        .collect();
    let history = if authz::global(&actor, GlobalAction::ViewAudit).is_allowed() {
        Some(
            history::rows(state, &s.caller, s.lang, "organization", id)
                .await
                .map_err(&err)?,
        )
    } else {
        None
    };
    let page = ShowPage {
        p: Page::for_session(s, "org.title", &format!("/organizations/{id}")),
        legal_form_label: LegalForm::parse(&org.legal_form)
            .map(|f| f.label_ja().to_owned())
            .unwrap_or_default(),
        prefecture_label: prefecture_label(&org.prefecture),
        org,
        sites,
        may_add_site: authz::organization(&actor, OrganizationAction::AddSite, id).is_allowed(),
        may_notify_change: authz::organization(&actor, OrganizationAction::NotifyChange, id).is_allowed(),
        today: state.clock.today().to_string(),
        prefectures: prefecture_options(),
        legal_forms: LegalForm::ALL
            .iter()
            .map(|l| (l.as_str().to_owned(), l.label_ja().to_owned()))
            .collect(),
        errors,
        history,
        notice,
    };
    Ok((StatusCode::OK, page))
}

pub async fn show(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (status, page) = show_page(&state, &s, &id, Errors::default(), "").await?;
    Ok(render_status(status, &page))
}

pub async fn add_site(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    AppError::check(authz::organization(
        &s.caller.actor(),
        OrganizationAction::AddSite,
        &id,
    ))
    .map_err(&err)?;
    let result = match f.read::<SiteInput>() {
        Ok(input) => org::add_site(&state, &s.caller, &id, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/organizations/{id}")).into_response()),
        Err(AppError::Validation(errors)) => {
            let (_, page) = show_page(&state, &s, &id, Errors(errors), "").await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(err(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IdentityForm {
    csrf: String,
    notified_on: String,
    name: String,
    representative: String,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    legal_form: String,
    prefecture: String,
    address: String,
}

/// REG-6: the change form of the organization's name, representative and contact (prefilled; unchanged fields
/// are no change).
pub async fn notify_change(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
    UiForm(f): UiForm<IdentityForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    AppError::check(authz::organization(
        &s.caller.actor(),
        OrganizationAction::NotifyChange,
        &id,
    ))
    .map_err(&err)?;
    let input = org::IdentityChangeInput {
        notified_on: f.notified_on,
        name: Some(f.name),
        representative: Some(f.representative),
        contact: Some(org::ContactChangeInput {
            name: Some(f.contact_name),
            email: Some(f.contact_email),
            phone: Some(f.contact_phone),
        }),
        // Older forms without these fields change nothing there.
        legal_form: Some(f.legal_form).filter(|v| !v.is_empty()),
        prefecture: Some(f.prefecture).filter(|v| !v.is_empty()),
        address: Some(f.address).filter(|v| !v.is_empty()),
    };
    match org::notify_identity_change(&state, &s.caller, &id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/organizations/{id}")).into_response()),
        Err(AppError::Validation(errors)) => {
            let (_, page) = show_page(&state, &s, &id, Errors(errors), "").await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(err(e)),
    }
}
