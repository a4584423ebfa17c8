//! The office settings screen (`/admin/settings`, office and admin): who issues the letters (ACC and REG), the
//! date style of documents, the qualified-invoice registration number (ACC-22) and the art. 142 roll-forward.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_docs::Issuer;
use nintei_domain::authz::{self, GlobalAction};
use nintei_store::{StoreError, audit, settings};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::documents::SETTING_DATE_STYLE;
use crate::error::{AppError, AppResult, FieldError, PageError};
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::acc::{SETTING_INVOICE_REGISTRATION, SETTING_ROLL_FORWARD, valid_registration_number};
use nintei_app::state::AppState;

/// The letterhead of one kind of document: its setting keys' prefix and the values used until the office sets
/// its own.
pub struct IssuerKind {
    pub prefix: &'static str,
    pub defaults: [&'static str; 5],
}

/// The five parts of an issuer, in [`IssuerKind::defaults`] order.
const PARTS: [&str; 5] = ["organization", "title", "person", "address", "phone"];
/// Longest value of each part, in characters.
const PART_MAX: [usize; 5] = [100, 50, 50, 200, 30];

/// ACC letters: the accreditation office (seed 003).
pub const ACC_ISSUER: IssuerKind = IssuerKind {
    prefix: "documents.acc_issuer",
    defaults: [
        "産業医科大学 MH認定業務本部",
        "認定業務本部長",
        "",
        "福岡県北九州市八幡西区医生ケ丘1-1",
        "",
    ],
};

/// REG letters: the registering body (seed 000).
pub const REG_ISSUER: IssuerKind = IssuerKind {
    prefix: "documents.reg_issuer",
    defaults: ["相談機関登録事務局", "登録事務局長", "", "", ""],
};

fn key(kind: &IssuerKind, part: &str) -> String {
    format!("{}.{part}", kind.prefix)
}

async fn issuer_parts(state: &AppState, kind: &IssuerKind) -> AppResult<[String; 5]> {
    let mut out: [String; 5] = Default::default();
    for (i, part) in PARTS.iter().enumerate() {
        out[i] = settings::get(&state.db, &key(kind, part))
            .await?
            .unwrap_or_else(|| kind.defaults[i].to_owned());
    }
    Ok(out)
}

/// The issuer printed on documents of `kind`.
pub async fn issuer(state: &AppState, kind: &IssuerKind) -> AppResult<Issuer> {
    let [organization, title, person, address, phone] = issuer_parts(state, kind).await?;
    Ok(Issuer {
        organization,
        title,
        person,
        address,
        phone,
    })
}

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

async fn current(state: &AppState) -> AppResult<SettingsForm> {
    let [acc_organization, acc_title, acc_person, acc_address, acc_phone] =
        issuer_parts(state, &ACC_ISSUER).await?;
    let [reg_organization, reg_title, reg_person, reg_address, reg_phone] =
        issuer_parts(state, &REG_ISSUER).await?;
    let roll = nintei_app::acc::office_calendar(state).await?.roll_forward;
    Ok(SettingsForm {
        csrf: String::new(),
        date_style: settings::get(&state.db, SETTING_DATE_STYLE)
            .await?
            .unwrap_or_else(|| "wareki".into()),
        roll_forward: roll.then(|| "on".to_owned()),
        invoice_registration: settings::get(&state.db, SETTING_INVOICE_REGISTRATION)
            .await?
            .unwrap_or_default(),
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
    })
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
    let err = in_lang(s.lang);
    AppError::check(authz::global(&s.caller.actor(), GlobalAction::OfficeSettings)).map_err(&err)?;
    let form = current(&state).await.map_err(&err)?;
    Ok(render_status(
        StatusCode::OK,
        &page(&s, form, Errors::default(), q.saved.is_some()),
    ))
}

/// The checked values as setting key → value (empty issuer parts are kept empty: a blank name prints nothing).
fn checked(f: &SettingsForm) -> Result<Vec<(String, String)>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    if nintei_docs::DateStyle::parse(f.date_style.trim()).is_none() {
        errors.push(FieldError::new(
            "date_style",
            "和暦・和暦（西暦）・西暦のいずれかです (one of wareki, wareki_western, western)",
        ));
    }
    out.push((SETTING_DATE_STYLE.to_owned(), f.date_style.trim().to_owned()));
    out.push((
        SETTING_ROLL_FORWARD.to_owned(),
        if f.roll_forward.is_some() { "true" } else { "false" }.to_owned(),
    ));
    let number = f.invoice_registration.trim();
    match (number.is_empty(), valid_registration_number(number)) {
        (true, _) => out.push((SETTING_INVOICE_REGISTRATION.to_owned(), String::new())),
        (false, Some(n)) => out.push((SETTING_INVOICE_REGISTRATION.to_owned(), n)),
        (false, None) => errors.push(FieldError::new(
            "invoice_registration",
            "T と法人番号13桁（検査数字が正しいもの）です (T and a valid 13-digit corporate number)",
        )),
    }
    for (kind, values, field) in [(&ACC_ISSUER, f.acc(), "acc"), (&REG_ISSUER, f.reg(), "reg")] {
        for (i, part) in PARTS.iter().enumerate() {
            let v = values[i].trim();
            let name = format!("{field}_{part}");
            if i == 0 && v.is_empty() {
                errors.push(FieldError::new(&name, "必須です (required)"));
            } else if v.chars().count() > PART_MAX[i] {
                errors.push(FieldError::new(
                    &name,
                    format!("{}文字までです (at most {} characters)", PART_MAX[i], PART_MAX[i]),
                ));
            } else if v.chars().any(char::is_control) {
                errors.push(FieldError::new(
                    &name,
                    "改行や制御文字は使えません (no control characters)",
                ));
            } else if i == 4 && !v.chars().all(|c| c.is_ascii_digit() || "-+() ".contains(c)) {
                errors.push(FieldError::new(
                    &name,
                    "数字とハイフンで入力してください (digits and hyphens)",
                ));
            } else {
                out.push((key(kind, part), v.to_owned()));
            }
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// `POST /admin/settings`: every value checked, then saved in one audited transaction (saving twice is the same).
pub async fn save(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(f): UiForm<SettingsForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    AppError::check(authz::global(&s.caller.actor(), GlobalAction::OfficeSettings)).map_err(&err)?;
    let values = match checked(&f) {
        Ok(v) => v,
        Err(errors) => {
            return Ok(render_status(
                StatusCode::BAD_REQUEST,
                &page(&s, f, Errors(errors), false),
            ));
        }
    };
    async {
        let mut before = Map::new();
        for (k, _) in &values {
            before.insert(
                k.clone(),
                settings::get(&state.db, k)
                    .await?
                    .map_or(Value::Null, Value::String),
            );
        }
        let now = state.clock.now();
        let mut tx = state.db.begin_write().await?;
        let mut changes = Map::new();
        for (k, v) in &values {
            let old = before.get(k).cloned().unwrap_or(Value::Null);
            if old.as_str() != Some(v.as_str()) {
                changes.insert(k.clone(), serde_json::json!({"before": old, "after": v}));
            }
            settings::set(&mut tx, k, v).await?;
        }
        if !changes.is_empty() {
            let event = s.caller.audit(
                now,
                "settings.update",
                "settings",
                "office",
                Value::Object(changes),
            );
            audit::append(&mut tx, &event).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        AppResult::Ok(())
    }
    .await
    .map_err(&err)?;
    Ok(Redirect::to("/admin/settings?saved=1").into_response())
}
