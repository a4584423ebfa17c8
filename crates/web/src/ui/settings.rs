//! The office settings screen (`/admin/settings`, office and admin): the form of `nintei_app::settings` —
//! who issues the letters (ACC and REG), the date style, the invoice registration number and the roll-forward.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_app::settings::{self as office, OfficeSettings, PARTS};
use nintei_app::state::AppState;
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, PageError};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};

#[derive(Deserialize, Default, Clone)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date_style: String,
    /// A checkbox: present when on.
    #[serde(default)]
    roll_forward: Option<String>,
    #[serde(default)]
    invoice_registration: String,
    #[serde(default)]
    acc_organization: String,
    #[serde(default)]
    acc_title: String,
    #[serde(default)]
    acc_person: String,
    #[serde(default)]
    acc_address: String,
    #[serde(default)]
    acc_phone: String,
    #[serde(default)]
    reg_organization: String,
    #[serde(default)]
    reg_title: String,
    #[serde(default)]
    reg_person: String,
    #[serde(default)]
    reg_address: String,
    #[serde(default)]
    reg_phone: String,
}

impl SettingsForm {
    fn acc(&self) -> [&str; 5] {
        [
            &self.acc_organization,
            &self.acc_title,
            &self.acc_person,
            &self.acc_address,
            &self.acc_phone,
        ]
    }

    fn reg(&self) -> [&str; 5] {
        [
            &self.reg_organization,
            &self.reg_title,
            &self.reg_person,
            &self.reg_address,
            &self.reg_phone,
        ]
    }
}

impl From<&OfficeSettings> for SettingsForm {
    fn from(o: &OfficeSettings) -> SettingsForm {
        let [acc_organization, acc_title, acc_person, acc_address, acc_phone] = o.acc.clone();
        let [reg_organization, reg_title, reg_person, reg_address, reg_phone] = o.reg.clone();
        SettingsForm {
            csrf: String::new(),
            date_style: o.date_style.clone(),
            roll_forward: o.roll_forward.then(|| "on".to_owned()),
            invoice_registration: o.invoice_registration.clone(),
            acc_organization,
            acc_title,
            acc_person,
            acc_address,
            acc_phone,
            reg_organization,
            reg_title,
            reg_person,
            reg_address,
            reg_phone,
        }
    }
}

impl SettingsForm {
    fn settings(&self) -> OfficeSettings {
        OfficeSettings {
            date_style: self.date_style.clone(),
            roll_forward: self.roll_forward.is_some(),
            invoice_registration: self.invoice_registration.clone(),
            acc: self.acc().map(str::to_owned),
            reg: self.reg().map(str::to_owned),
        }
    }
}

/// One input of an issuer's fieldset.
struct IssuerField {
    name: String,
    label: &'static str,
    value: String,
    kind: &'static str,
    required: bool,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    p: Page,
    form: SettingsForm,
    errors: Errors,
    saved: bool,
    styles: [(&'static str, &'static str); 3],
    issuers: Vec<(&'static str, Vec<IssuerField>)>,
}

const PART_LABELS: [&str; 5] = [
    "settings.issuer_organization",
    "settings.issuer_title",
    "settings.issuer_person",
    "settings.issuer_address",
    "settings.issuer_phone",
];

fn issuer_fields(prefix: &str, values: [&str; 5]) -> Vec<IssuerField> {
    PARTS
        .iter()
        .enumerate()
        .map(|(i, part)| IssuerField {
            name: format!("{prefix}_{part}"),
            label: PART_LABELS[i],
            value: values[i].to_owned(),
            kind: if i == 4 { "tel" } else { "text" },
            required: i == 0,
        })
        .collect()
}

fn page(s: &AnySession, form: SettingsForm, errors: Errors, saved: bool) -> SettingsPage {
    let issuers = vec![
        ("settings.acc_issuer", issuer_fields("acc", form.acc())),
        ("settings.reg_issuer", issuer_fields("reg", form.reg())),
    ];
    SettingsPage {
        p: Page::for_session(s, "settings.title", "/admin/settings"),
        issuers,
        form,
        errors,
        saved,
        styles: [
            ("wareki", "settings.style_wareki"),
            ("wareki_western", "settings.style_wareki_western"),
            ("western", "settings.style_western"),
        ],
    }
}

#[derive(Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

/// `GET /admin/settings`.
pub async fn show(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Query(q): Query<Saved>,
) -> Result<Response, PageError> {
    let current = office::current(&state, &s.caller)
        .await
        .map_err(in_lang(s.lang))?;
    Ok(render_status(
        StatusCode::OK,
        &page(
            &s,
            SettingsForm::from(&current),
            Errors::default(),
            q.saved.is_some(),
        ),
    ))
}

/// `POST /admin/settings`: saved by the use case; a refused value shows the form again with its errors.
pub async fn save(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(f): UiForm<SettingsForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    match office::save(&state, &s.caller, &f.settings()).await {
        Ok(()) => Ok(Redirect::to("/admin/settings?saved=1").into_response()),
        Err(AppError::Validation(errors)) => Ok(render_status(
            StatusCode::BAD_REQUEST,
            &page(&s, f, Errors(errors), false),
        )),
        Err(e) => Err(in_lang(s.lang)(e)),
    }
}
