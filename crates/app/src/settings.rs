//! The office's own settings (office and admin): who issues the letters (ACC and REG), the date style of
//! documents, the qualified-invoice registration number (ACC-22) and the art. 142 roll-forward. Kept in the
//! database; saving checks every value and records only what changed, in one audited transaction.

use chrono::NaiveDate;
use nintei_docs::{DateStyle, DocOptions, Issuer};
use nintei_domain::authz::{self, GlobalAction};
use nintei_store::{StoreError, audit, settings};
use serde_json::{Map, Value};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::acc::{SETTING_INVOICE_REGISTRATION, SETTING_ROLL_FORWARD, valid_registration_number};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;

/// The date style of documents, screens and mail: `wareki`, `wareki_western` or `western`.
pub const SETTING_DATE_STYLE: &str = "documents.date_style";

/// The letterhead of one kind of document: its setting keys' prefix and the values used until the office sets
/// its own.
pub struct IssuerKind {
    pub prefix: &'static str,
    pub defaults: [&'static str; 5],
}

/// The five parts of an issuer, in [`IssuerKind::defaults`] order.
pub const PARTS: [&str; 5] = ["organization", "title", "person", "address", "phone"];
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

/// The stored date style (wareki when unset or unknown).
fn style_of(value: Option<String>) -> DateStyle {
    value.and_then(|v| DateStyle::parse(v.trim())).unwrap_or_default()
}

/// The date style of documents (wareki when unset or unknown).
pub async fn doc_options(state: &AppState) -> AppResult<DocOptions> {
    let style = style_of(settings::get(&state.db, SETTING_DATE_STYLE).await?);
    state.date_style.put(style);
    Ok(DocOptions { date_style: style })
}

/// How long a screen may keep writing dates in the style it last read: every page needs the style, and a
/// change of it is rare and not a listing (another instance follows within this time; this one at once).
const STYLE_FRESH: Duration = Duration::from_secs(10);

/// The office's date style as the screens last read it.
#[derive(Debug, Default)]
pub struct DateStyleCache(Mutex<Option<(DateStyle, Instant)>>);

impl DateStyleCache {
    fn fresh(&self) -> Option<DateStyle> {
        let held = *self.0.lock().ok()?;
        held.filter(|(_, at)| at.elapsed() < STYLE_FRESH)
            .map(|(style, _)| style)
    }

    fn put(&self, style: DateStyle) {
        if let Ok(mut held) = self.0.lock() {
            *held = Some((style, Instant::now()));
        }
    }
}

/// Writes a date as the office writes dates in mail (the documents' style), for a step inside its transaction:
/// the setting is read through `tx`, never a second connection (which a busy pool might not give).
pub async fn dates(tx: &mut nintei_store::Tx, state: &AppState) -> impl Fn(NaiveDate) -> String + use<> {
    let style = match state.date_style.fresh() {
        Some(style) => style,
        None => {
            let style = style_of(settings::get_in(tx, SETTING_DATE_STYLE).await.ok().flatten());
            state.date_style.put(style);
            style
        }
    };
    writer(style)
}

/// Writes dates in `style`.
pub fn writer(style: DateStyle) -> impl Fn(NaiveDate) -> String {
    move |d| nintei_docs::format::date(d, style)
}

/// The date style screens and mail write dates in (the documents' setting; wareki when unset, unknown or
/// unreadable — a page is not refused for want of it).
pub async fn date_style(state: &AppState) -> DateStyle {
    if let Some(style) = state.date_style.fresh() {
        return style;
    }
    doc_options(state).await.map(|o| o.date_style).unwrap_or_default()
}

/// The settings as the screen shows and sends them.
#[derive(Debug, Default, Clone)]
pub struct OfficeSettings {
    pub date_style: String,
    pub roll_forward: bool,
    pub invoice_registration: String,
    /// The ACC issuer's parts, in [`PARTS`] order.
    pub acc: [String; 5],
    /// The REG issuer's parts, in [`PARTS`] order.
    pub reg: [String; 5],
}

/// The settings in force.
pub async fn current(state: &AppState, caller: &Caller) -> AppResult<OfficeSettings> {
    AppError::check(authz::global(&caller.actor(), GlobalAction::OfficeSettings))?;
    let roll = crate::acc::office_calendar(state).await?.roll_forward;
    Ok(OfficeSettings {
        date_style: settings::get(&state.db, SETTING_DATE_STYLE)
            .await?
            .unwrap_or_else(|| "wareki".into()),
        roll_forward: roll,
        invoice_registration: settings::get(&state.db, SETTING_INVOICE_REGISTRATION)
            .await?
            .unwrap_or_default(),
        acc: issuer_parts(state, &ACC_ISSUER).await?,
        reg: issuer_parts(state, &REG_ISSUER).await?,
    })
}

/// The checked values as setting key → value (empty issuer parts are kept empty: a blank name prints nothing).
fn checked(f: &OfficeSettings) -> Result<Vec<(String, String)>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    if DateStyle::parse(f.date_style.trim()).is_none() {
        errors.push(FieldError::new(
            "date_style",
            "和暦・和暦（西暦）・西暦のいずれかです (one of wareki, wareki_western, western)",
        ));
    }
    out.push((SETTING_DATE_STYLE.to_owned(), f.date_style.trim().to_owned()));
    out.push((
        SETTING_ROLL_FORWARD.to_owned(),
        if f.roll_forward { "true" } else { "false" }.to_owned(),
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
    for (kind, values, field) in [(&ACC_ISSUER, &f.acc, "acc"), (&REG_ISSUER, &f.reg, "reg")] {
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

/// Saves the settings: every value checked (400 naming each bad field), then one audited transaction recording
/// only what changed (saving the same values twice writes no second event).
pub async fn save(state: &AppState, caller: &Caller, input: &OfficeSettings) -> AppResult<()> {
    AppError::check(authz::global(&caller.actor(), GlobalAction::OfficeSettings))?;
    let values = checked(input).map_err(AppError::Validation)?;
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
        let event = caller.audit(
            now,
            "settings.update",
            "settings",
            "office",
            Value::Object(changes),
        );
        audit::append(&mut tx, &event).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    if let Some(style) = DateStyle::parse(input.date_style.trim()) {
        state.date_style.put(style);
    }
    Ok(())
}
