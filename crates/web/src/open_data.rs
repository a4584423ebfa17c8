//! The public face, continued: a page per accredited organization with exactly what ACC-23 makes
//! public, the prefecture view for the support centers (REG-8: `/prefectures` and `/prefectures/{code}`), and
//! the directory as open data — CSV (UTF-8 with BOM, Excel-safe) and JSON at stable URLs with a last-updated
//! date (`/open-data/registrations.csv|json`, `/open-data/accreditations.csv|json`). No account, no client
//! framework; the pages share the directory's accessible layout.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::org::Prefecture;

use crate::auth::lang_of;
use crate::error::{AppError, AppResult, WebError};
use crate::i18n::Lang;
use crate::routing::{Routes, get};
use crate::ui::{Page, render_status};
use nintei_app::open_data;
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
    match open_data::public_accreditation(&state, &number).await {
        Ok(a) => {
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
    let (regs, accs) = match open_data::counts_by_prefecture(&state).await {
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
        let regs = open_data::all_registrations(&state, Some(code)).await?;
        let accs = open_data::all_accreditations(&state, Some(code)).await?;
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
fn download(file: AppResult<open_data::Download>, content_type: &'static str, filename: &str) -> Response {
    let file = match file {
        Ok(f) => f,
        Err(e) => return WebError::from(e).into_response(),
    };
    let mut r = file.body.into_response();
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
    if let Some(t) = file.changed
        && let Ok(v) = HeaderValue::from_str(&t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
    {
        h.insert(header::LAST_MODIFIED, v);
    }
    r
}

const CSV: &str = "text/csv; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

pub async fn registrations_csv(State(state): State<AppState>) -> Response {
    download(
        open_data::registrations_csv(&state).await,
        CSV,
        "registrations.csv",
    )
}

pub async fn registrations_json(State(state): State<AppState>) -> Response {
    download(
        open_data::registrations_json(&state).await,
        JSON,
        "registrations.json",
    )
}

pub async fn accreditations_csv(State(state): State<AppState>) -> Response {
    download(
        open_data::accreditations_csv(&state).await,
        CSV,
        "accreditations.csv",
    )
}

pub async fn accreditations_json(State(state): State<AppState>) -> Response {
    download(
        open_data::accreditations_json(&state).await,
        JSON,
        "accreditations.json",
    )
}
