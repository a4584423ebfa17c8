//! The public face, continued: a page per accredited organization with exactly what ACC-23 makes
//! public, the prefecture view for the support centers (REG-8: `/prefectures` and `/prefectures/{code}`), and
//! the directory as open data — CSV (UTF-8 with BOM, Excel-safe) and JSON at stable URLs with a last-updated
//! date (`/open-data/registrations.csv|json`, `/open-data/accreditations.csv|json`). No account, no client
//! framework; the pages share the directory's accessible layout.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use nintei_docs::csv::{CsvWriter, Field};
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::org::Prefecture;
use nintei_store::acc::{self as acc_store, PublicAccreditation};
use nintei_store::registrations::{self, Listed};
use serde_json::{Value, json};

use crate::auth::lang_of;
use crate::error::{AppError, AppResult, WebError};
use crate::i18n::Lang;
use crate::routing::{Routes, get};
use crate::ui::{Page, render_status};
use nintei_app::directory::{accreditation_json, registration_json, verified_status};
use nintei_app::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/directory/accreditations/{number}", get(accreditation_page))
        .route("/prefectures", get(prefectures_page))
        .route("/prefectures/{prefecture}", get(prefecture_page))
        .route("/open-data/registrations.csv", get(registrations_csv))
        .route("/open-data/registrations.json", get(registrations_json))
        .route("/open-data/accreditations.csv", get(accreditations_csv))
        .route("/open-data/accreditations.json", get(accreditations_json))
}

/// Everything the directory lists, not paged.
const ALL: i64 = 1_000_000;

/// When the published data last changed (registrations or accreditations), as a UTC time.
pub async fn last_changed(state: &AppState) -> AppResult<Option<DateTime<Utc>>> {
    let pool = state.db.pool();
    let read = async {
        let r = registrations::last_changed(pool).await?;
        let a = acc_store::accreditations_last_changed(pool).await?;
        AppResult::Ok(match (r, a) {
            (Some(r), Some(a)) => Some(r.max(a)),
            (x, None) | (None, x) => x,
        })
    };
    let t = nintei_app::directory::cached_last_changed(state, read).await?;
    Ok(t.and_then(|t| DateTime::<Utc>::from_timestamp(t, 0)))
}

/// The open data's last-updated date (Japan time).
pub async fn last_updated(state: &AppState) -> AppResult<Option<NaiveDate>> {
    Ok(last_changed(state)
        .await?
        .map(|t| t.with_timezone(&nintei_app::clock::jst()).date_naive()))
}

async fn all_registrations(state: &AppState, prefecture: Option<&str>) -> AppResult<Vec<Listed>> {
    let f = registrations::PublicFilter {
        q: String::new(),
        prefecture: prefecture.map(str::to_owned),
        method: None,
        facets: Vec::new(),
        limit: ALL,
        offset: 0,
        // REG-4: what is valid today, judged by the dates.
        today: Some(state.clock.today()),
    };
    Ok(registrations::public_list(state.db.pool(), &f).await?)
}

async fn all_accreditations(
    state: &AppState,
    prefecture: Option<&str>,
) -> AppResult<Vec<PublicAccreditation>> {
    let f = acc_store::PublicFilter {
        q: String::new(),
        prefecture: prefecture.map(str::to_owned),
        service: None,
        limit: ALL,
        offset: 0,
    };
    Ok(acc_store::public_accreditations(state.db.pool(), &f, state.clock.today()).await?)
}

fn prefecture_label(lang: Lang, p: Prefecture) -> String {
    match lang {
        Lang::Ja => p.name_ja().to_owned(),
        Lang::En => p.name_en().to_owned(),
    }
}

fn services_label(lang: Lang, services: &[ServiceCode]) -> Vec<String> {
    services
        .iter()
        .map(|c| match lang {
            Lang::Ja => format!("{}. {}", c.as_str(), c.name_ja()),
            Lang::En => format!("{}. {}", c.as_str(), c.name_en()),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// ACC-23: one accredited organization

#[derive(Template)]
#[template(path = "public_accreditation.html")]
struct AccreditationPage {
    p: Page,
    number: String,
    organization_name: String,
    services: Vec<String>,
    accredited_on: String,
    expires_on: String,
}

/// `GET /directory/accreditations/{number}`: exactly ACC-23's items (name, accredited services, number,
/// accreditation date, expiry) of an active accreditation; anything else is not listed (404; `/verify` says
/// what became of a number).
pub async fn accreditation_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    let lang = lang_of(&headers);
    let today = state.clock.today();
    match acc_store::public_accreditation(state.db.pool(), &number).await {
        Ok(Some(a)) if verified_status(&a, today) == "active" => {
            let page = AccreditationPage {
                p: Page::public(
                    lang,
                    "pub.accreditation_title",
                    &format!("/directory/accreditations/{number}"),
                ),
                number: a.number.clone(),
                organization_name: a.organization_name.clone(),
                services: services_label(lang, &a.services),
                accredited_on: a.accredited_on.to_string(),
                expires_on: a.expires_on.to_string(),
            };
            render_status(StatusCode::OK, &page)
        }
        Ok(_) => WebError(AppError::NotFound).into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// REG-8: by prefecture

pub struct PrefectureRow {
    code: String,
    name: String,
    registrations: usize,
    accreditations: usize,
}

#[derive(Template)]
#[template(path = "public_prefectures.html")]
struct PrefecturesPage {
    p: Page,
    rows: Vec<PrefectureRow>,
}

/// `GET /prefectures`: the 47 prefectures with how many registered rooms and accredited organizations each has.
pub async fn prefectures_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let counts = async {
        let mut regs: BTreeMap<String, usize> = BTreeMap::new();
        for r in all_registrations(&state, None).await? {
            *regs.entry(r.prefecture).or_default() += 1;
        }
        let mut accs: BTreeMap<String, usize> = BTreeMap::new();
        for a in all_accreditations(&state, None).await? {
            *accs.entry(a.prefecture).or_default() += 1;
        }
        Ok::<_, AppError>((regs, accs))
    };
    let (regs, accs) = match counts.await {
        Ok(c) => c,
        Err(e) => return WebError::from(e).into_response(),
    };
    let rows = Prefecture::ALL
        .iter()
        .map(|p| PrefectureRow {
            code: p.code().to_owned(),
            name: prefecture_label(lang, *p),
            registrations: regs.get(p.code()).copied().unwrap_or(0),
            accreditations: accs.get(p.code()).copied().unwrap_or(0),
        })
        .collect();
    let page = PrefecturesPage {
        p: Page::public(lang, "pub.prefectures_title", "/prefectures"),
        rows,
    };
    render_status(StatusCode::OK, &page)
}

pub struct RegItem {
    number: String,
    name: String,
    address: String,
    hours: String,
    methods: String,
}

pub struct AccItem {
    number: String,
    name: String,
    services: String,
    expires_on: String,
}

#[derive(Template)]
#[template(path = "public_prefecture.html")]
struct PrefecturePage {
    p: Page,
    name: String,
    registrations: Vec<RegItem>,
    accreditations: Vec<AccItem>,
}

/// `GET /prefectures/{code}` (JIS code `01`–`47`): the prefecture's registered rooms and accredited
/// organizations, for its mental-health support center (REG-8); an unknown code is 404.
pub async fn prefecture_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let lang = lang_of(&headers);
    let Ok(pref) = Prefecture::from_code(&code) else {
        return WebError(AppError::NotFound).into_response();
    };
    let code = pref.code();
    let lists = async {
        let regs = all_registrations(&state, Some(code)).await?;
        let accs = all_accreditations(&state, Some(code)).await?;
        Ok::<_, AppError>((regs, accs))
    };
    let (regs, accs) = match lists.await {
        Ok(l) => l,
        Err(e) => return WebError::from(e).into_response(),
    };
    let name = prefecture_label(lang, pref);
    let page = PrefecturePage {
        p: Page::public(lang, "pub.prefecture_title", &format!("/prefectures/{code}")),
        registrations: regs
            .iter()
            .map(|r| RegItem {
                number: r.registration.number.clone(),
                name: format!("{} {}", r.organization_name, r.site_name),
                address: format!("{}{}", pref.name_ja(), r.address),
                hours: r.registration.disclosure.hours.clone(),
                methods: r
                    .registration
                    .disclosure
                    .methods
                    .iter()
                    .map(|m| m.label_ja())
                    .collect::<Vec<_>>()
                    .join("・"),
            })
            .collect(),
        accreditations: accs
            .iter()
            .map(|a| AccItem {
                number: a.number.clone(),
                name: a.organization_name.clone(),
                services: services_label(lang, &a.services).join(" / "),
                expires_on: a.expires_on.to_string(),
            })
            .collect(),
        name,
    };
    render_status(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------------------------
// Open data

/// A download with the data's last change as `Last-Modified`, readable from any site (CORS `*`).
fn download(
    body: Vec<u8>,
    content_type: &'static str,
    filename: &str,
    changed: Option<DateTime<Utc>>,
) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    if let Some(t) = changed
        && let Ok(v) = HeaderValue::from_str(&t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
    {
        h.insert(header::LAST_MODIFIED, v);
    }
    r
}

fn csv_type() -> &'static str {
    "text/csv; charset=utf-8"
}

fn json_type() -> &'static str {
    "application/json; charset=utf-8"
}

/// The JSON envelope: what it is, when it last changed, how many, the items (API.md's item shapes).
fn envelope(title: &str, updated: Option<NaiveDate>, items: Vec<Value>) -> Vec<u8> {
    let body = json!({
        "title": title,
        "last_updated": updated.map(|d| d.to_string()),
        "count": items.len(),
        "items": items,
    });
    serde_json::to_vec_pretty(&body).unwrap_or_default()
}

async fn registrations_data(
    state: &AppState,
) -> AppResult<(Vec<Listed>, Option<DateTime<Utc>>, Option<NaiveDate>)> {
    let rows = all_registrations(state, None).await?;
    Ok((rows, last_changed(state).await?, last_updated(state).await?))
}

async fn accreditations_data(
    state: &AppState,
) -> AppResult<(Vec<PublicAccreditation>, Option<DateTime<Utc>>, Option<NaiveDate>)> {
    let rows = all_accreditations(state, None).await?;
    Ok((rows, last_changed(state).await?, last_updated(state).await?))
}

pub async fn registrations_csv(State(state): State<AppState>) -> Response {
    let (rows, changed, _) = match registrations_data(&state).await {
        Ok(d) => d,
        Err(e) => return WebError::from(e).into_response(),
    };
    let mut w = CsvWriter::new(&[
        "登録番号",
        "機関名",
        "相談室名",
        "都道府県コード",
        "都道府県",
        "所在地",
        "登録日",
        "有効期限",
        "料金体系",
        "相談時間",
        "相談方法",
        "相談員",
        "精神科医",
        "その他のサービス",
        "実績",
    ]);
    for r in &rows {
        let d = &r.registration.disclosure;
        let pref = Prefecture::from_code(&r.prefecture)
            .map(|p| p.name_ja().to_owned())
            .unwrap_or_default();
        let counselors: Vec<String> = d
            .counselors
            .iter()
            // REG-5: the same REG-3 1(3)イ items as the directory: each counselor's career, each psychiatrist's
            // career and institution address.
            .map(|c| format!("{}（{}）{}", c.name, c.qualification, c.career))
            .collect();
        let psychiatrists: Vec<String> = d
            .psychiatrists
            .iter()
            .map(|p| {
                format!(
                    "{} {}（{}・{}）",
                    p.name, p.career, p.institution_name, p.institution_address
                )
            })
            .collect();
        let methods: Vec<&str> = d.methods.iter().map(|m| m.label_ja()).collect();
        w.row(&[
            Field::from(&r.registration.number),
            Field::from(&r.organization_name),
            Field::from(&r.site_name),
            Field::from(&r.prefecture),
            Field::from(pref),
            Field::from(&r.address),
            Field::from(r.registration.registered_on.to_string()),
            Field::from(r.registration.expires_on.to_string()),
            Field::from(&d.fee_structure),
            Field::from(&d.hours),
            Field::from(methods.join("・")),
            Field::from(counselors.join("、")),
            Field::from(psychiatrists.join("、")),
            Field::from(&d.other_services),
            Field::from(&d.track_record),
        ]);
    }
    download(w.finish(), csv_type(), "registrations.csv", changed)
}

pub async fn registrations_json(State(state): State<AppState>) -> Response {
    let (rows, changed, updated) = match registrations_data(&state).await {
        Ok(d) => d,
        Err(e) => return WebError::from(e).into_response(),
    };
    let items = rows.iter().map(registration_json).collect();
    let body = envelope("登録相談機関名簿", updated, items);
    download(body, json_type(), "registrations.json", changed)
}

pub async fn accreditations_csv(State(state): State<AppState>) -> Response {
    let (rows, changed, _) = match accreditations_data(&state).await {
        Ok(d) => d,
        Err(e) => return WebError::from(e).into_response(),
    };
    let mut w = CsvWriter::new(&["認定番号", "機関名", "認定サービス", "認定日", "有効期限"]);
    for a in &rows {
        w.row(&[
            Field::from(&a.number),
            Field::from(&a.organization_name),
            Field::from(services_label(Lang::Ja, &a.services).join(" / ")),
            Field::from(a.accredited_on.to_string()),
            Field::from(a.expires_on.to_string()),
        ]);
    }
    download(w.finish(), csv_type(), "accreditations.csv", changed)
}

pub async fn accreditations_json(State(state): State<AppState>) -> Response {
    let (rows, changed, updated) = match accreditations_data(&state).await {
        Ok(d) => d,
        Err(e) => return WebError::from(e).into_response(),
    };
    let today = state.clock.today();
    let items = rows.iter().map(|a| accreditation_json(a, today)).collect();
    let body = envelope("認定機関名簿", updated, items);
    download(body, json_type(), "accreditations.json", changed)
}
