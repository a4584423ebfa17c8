//! Public pages, no account: the directory of registered counseling rooms (REG-5, REG-8) and
//! accredited organizations (ACC-23) with one search, and certificate verification (`/verify`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::org::Prefecture;
use nintei_domain::reg::application::Method;
use nintei_domain::reg::hours::Day;
use nintei_store::acc::{self as acc_store, PublicAccreditation};
use nintei_store::registrations::{self, Listed};

use crate::auth::lang_of;
use crate::error::{AppError, WebError};
use crate::extract::DirectoryQuery;
use crate::i18n::Lang;
use crate::ui::{Errors, Page, render_status};
use nintei_app::directory;
use nintei_app::state::AppState;

/// A select option: value, label, selected.
pub struct Choice {
    value: String,
    label: String,
    selected: bool,
}

pub struct RegRow {
    number: String,
    organization_name: String,
    site_name: String,
    prefecture: String,
    address: String,
    methods: String,
}

pub struct AccRow {
    number: String,
    organization_name: String,
    services: String,
    expires_on: String,
}

#[derive(Template)]
#[template(path = "public_directory.html")]
struct DirectoryPage {
    p: Page,
    q: String,
    prefectures: Vec<Choice>,
    services: Vec<Choice>,
    methods: Vec<Choice>,
    errors: Errors,
    registrations: Vec<RegRow>,
    accreditations: Vec<AccRow>,
    /// How many each list finds on every page together, and the links to the pages before and after this one
    /// (empty when there is none).
    reg_total: i64,
    acc_total: i64,
    prev_href: String,
    next_href: String,
    /// the days/hours filters (disclosed counseling hours) and the open data's last update.
    days: Vec<Choice>,
    evening: bool,
    last_updated: String,
    /// The filters beyond the keyword fold away (results first on a phone) unless one of them is in use.
    filters_open: bool,
}

fn prefecture_label(lang: Lang, code: &str) -> String {
    match (Prefecture::from_code(code), lang) {
        (Ok(p), Lang::Ja) => p.name_ja().to_owned(),
        (Ok(p), Lang::En) => p.name_en().to_owned(),
        (Err(_), _) => code.to_owned(),
    }
}

fn service_label(lang: Lang, c: ServiceCode) -> String {
    match lang {
        Lang::Ja => format!("{}. {}", c.as_str(), c.name_ja()),
        Lang::En => format!("{}. {}", c.as_str(), c.name_en()),
    }
}

/// The prefecture written before an address: none in Japanese when the address names it already
/// (「東京都 東京都千代田区…」 says it twice).
fn prefecture_before(lang: Lang, code: &str, address: &str) -> String {
    match Prefecture::from_code(code) {
        Ok(p) if lang == Lang::Ja && address.starts_with(p.name_ja()) => String::new(),
        _ => prefecture_label(lang, code),
    }
}

fn reg_row(lang: Lang, r: &Listed) -> RegRow {
    RegRow {
        number: r.registration.number.clone(),
        organization_name: r.organization_name.clone(),
        site_name: r.site_name.clone(),
        prefecture: prefecture_before(lang, &r.prefecture, &r.address),
        address: r.address.clone(),
        methods: r
            .registration
            .disclosure
            .methods
            .iter()
            .map(|m| m.label_ja())
            .collect::<Vec<_>>()
            .join("・"),
    }
}

fn acc_row(lang: Lang, a: &PublicAccreditation) -> AccRow {
    AccRow {
        number: a.number.clone(),
        organization_name: a.organization_name.clone(),
        services: a
            .services
            .iter()
            .map(|c| service_label(lang, *c))
            .collect::<Vec<_>>()
            .join(" / "),
        expires_on: a.expires_on.to_string(),
    }
}

/// `GET /directory?q=&prefecture=&service=&method=`: one search over both schemes. A `service` filter keeps to
/// accredited organizations and a `method` filter to registered rooms, since only those carry that attribute.
pub async fn directory(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<DirectoryQuery, WebError>,
) -> Response {
    let lang = lang_of(&headers);
    let params = match query {
        Ok(DirectoryQuery(p)) => p,
        Err(_) => Default::default(),
    };
    let mut reg_params = params.clone();
    reg_params.remove("service");
    let mut acc_params = params.clone();
    acc_params.remove("method");
    acc_params.remove("day");
    acc_params.remove("evening");
    let filters = directory::registration_filter(&reg_params)
        .and_then(|r| directory::accreditation_filter(&acc_params).map(|a| (r, a)));
    let (reg_filter, acc_filter) = match filters {
        Ok(f) => f,
        Err(AppError::Validation(errs)) => {
            let mut page = new_page(lang, &params);
            page.errors = Errors(errs);
            return render_status(StatusCode::BAD_REQUEST, &page);
        }
        Err(e) => return WebError::from(e).into_response(),
    };
    // The page depends on nothing but its language, the day and its filters: rendered once per generation of the
    // directory (a change anywhere renders it again), so a hit reads no listing and renders nothing.
    let today = state.clock.today();
    let mut filters: Vec<(&String, &String)> = params.iter().collect();
    filters.sort();
    let key = format!(
        "/directory {} {today} {:?} {filters:?}",
        lang.code(),
        super::dates::style()
    );
    // The form's choices are built only when the page is rendered, not on a hit.
    let render = async {
        let mut page = new_page(lang, &params);
        fill(&state, &mut page, &params, (&reg_filter, &acc_filter), today).await?;
        page.render()
            .map_err(|e| AppError::Internal(format!("the directory page: {e}")))
    };
    match directory::cached_page(&state, key, render).await {
        Ok(body) => crate::api::directory::cached_body(body, "text/html; charset=utf-8"),
        Err(e) => WebError::from(e).into_response(),
    }
}

/// The directory page for `params` before its listings are filled in (the form's choices, the filters as typed).
fn new_page(lang: Lang, params: &directory::Params) -> DirectoryPage {
    let get = |k: &str| params.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    DirectoryPage {
        p: Page::public(lang, "pub.directory_title", "/directory"),
        q: get("q"),
        prefectures: Prefecture::ALL
            .iter()
            .map(|p| Choice {
                value: p.code().to_owned(),
                label: prefecture_label(lang, p.code()),
                selected: get("prefecture") == p.code(),
            })
            .collect(),
        services: ServiceCode::ALL
            .iter()
            .map(|c| Choice {
                value: c.as_str().to_owned(),
                label: service_label(lang, *c),
                selected: get("service") == c.as_str(),
            })
            .collect(),
        methods: Method::ALL
            .iter()
            .map(|m| Choice {
                value: m.as_str().to_owned(),
                label: m.label_ja().to_owned(),
                selected: get("method") == m.as_str(),
            })
            .collect(),
        errors: Errors::default(),
        registrations: Vec::new(),
        accreditations: Vec::new(),
        reg_total: 0,
        acc_total: 0,
        prev_href: String::new(),
        next_href: String::new(),
        days: Day::ALL
            .iter()
            .map(|d| Choice {
                value: d.as_str().to_owned(),
                label: match lang {
                    Lang::Ja => d.label_ja(),
                    Lang::En => d.label_en(),
                }
                .to_owned(),
                selected: get("day") == d.as_str(),
            })
            .collect(),
        evening: !get("evening").is_empty(),
        last_updated: String::new(),
        filters_open: ["prefecture", "service", "method", "day", "evening"]
            .iter()
            .any(|k| !get(k).is_empty()),
    }
}

/// The directory page's listings, totals, paging links and last update for valid filters.
async fn fill(
    state: &AppState,
    page: &mut DirectoryPage,
    params: &directory::Params,
    (reg_filter, acc_filter): (&registrations::PublicFilter, &acc_store::PublicFilter),
    today: chrono::NaiveDate,
) -> Result<(), AppError> {
    let lang = page.p.lang;
    let get = |k: &str| params.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    page.last_updated = nintei_app::open_data::last_updated(state)
        .await?
        .map(|d| d.to_string())
        .unwrap_or_default();
    // Days/hours are facets of the disclosed hours in the search index: part of the registration filter.
    let by_hours = !get("day").is_empty() || page.evening;
    if get("service").is_empty() {
        let rows = directory::cached_registrations(state, reg_filter).await?;
        page.registrations = rows.iter().map(|r| reg_row(lang, r)).collect();
        page.reg_total = directory::registration_total(state, reg_filter).await?;
    }
    // Hours are disclosed by registered rooms only: an hours filter keeps to them, as `method` does.
    if get("method").is_empty() && !by_hours {
        let rows = directory::cached_accreditations(state, acc_filter, today).await?;
        page.accreditations = rows.iter().map(|a| acc_row(lang, a)).collect();
        page.acc_total = directory::accreditation_total(state, acc_filter, today).await?;
    }
    // One page number for both lists: the next page exists while either list has more.
    let (size, offset) = (reg_filter.limit.max(1), reg_filter.offset);
    let current = offset / size + 1;
    if offset > 0 {
        page.prev_href = page_href(params, current - 1, size);
    }
    if offset + size < page.reg_total.max(page.acc_total) {
        page.next_href = page_href(params, current + 1, size);
    }
    Ok(())
}

/// `/directory?…` with the same filters on page `n` (`limit`/`offset` become `page`/`per_page`).
fn page_href(params: &directory::Params, n: i64, per_page: i64) -> String {
    let enc = |s: &str| crate::ui::percent_encode(s, b"-_.~");
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(k, v)| {
            !matches!(k.as_str(), "page" | "per_page" | "limit" | "offset") && !v.trim().is_empty()
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    pairs.sort();
    pairs.push(("page".into(), n.to_string()));
    if per_page != directory::DEFAULT_LIMIT {
        pairs.push(("per_page".into(), per_page.to_string()));
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    format!("/directory?{}", query.join("&"))
}

#[derive(Template)]
#[template(path = "public_registration.html")]
struct RegistrationPage {
    p: Page,
    r: RegRow,
    registered_on: String,
    expires_on: String,
    d: nintei_domain::reg::publication::PublicDisclosure,
}

/// `GET /directory/registrations/{number}`: exactly what REG-5 publishes, for rooms in force; 404 otherwise.
pub async fn registration(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    let lang = lang_of(&headers);
    let path = format!("/directory/registrations/{number}");
    let today = state.clock.today();
    match nintei_app::open_data::public_registration(&state, &number).await {
        Ok(r) => {
            let term = r.registration.term_on(today);
            let page = RegistrationPage {
                p: Page::public(lang, "pub.registration_title", &path),
                registered_on: term.registered_on.to_string(),
                expires_on: term.expires_on.to_string(),
                d: r.registration.disclosure.clone(),
                r: reg_row(lang, &r),
            };
            render_status(StatusCode::OK, &page)
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "public_verify.html")]
struct VerifyPage {
    p: Page,
    number: String,
    found: Option<AccRow>,
    status: String,
    accredited_on: String,
    not_found: bool,
    /// REG-4, REG-5: a registration number's verification.
    reg: Option<RegVerify>,
    reg_number: bool,
}

/// What `/verify/{number}` shows of a registration: its status judged by the dates and the term in force.
pub struct RegVerify {
    number: String,
    organization_name: String,
    site_name: String,
    prefecture: String,
    address: String,
    registered_on: String,
    expires_on: String,
    ended_on: String,
    in_force: bool,
}

/// `GET /verify?number=`: the form; a number given goes to its page.
pub async fn verify_form(headers: HeaderMap, query: Result<DirectoryQuery, WebError>) -> Response {
    let lang = lang_of(&headers);
    let number = query
        .ok()
        .and_then(|DirectoryQuery(p)| p.get("number").map(|n| n.trim().to_owned()))
        .unwrap_or_default();
    let well_formed = !number.is_empty() && number.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if well_formed {
        return Redirect::to(&format!("/verify/{number}")).into_response();
    }
    let page = VerifyPage {
        p: Page::public(lang, "pub.verify_title", "/verify"),
        number,
        found: None,
        status: String::new(),
        accredited_on: String::new(),
        not_found: false,
        reg: None,
        reg_number: false,
    };
    render_status(StatusCode::OK, &page)
}

/// `GET /verify/{number}`: the QR code on certificates points here (ACC-23). Counted like the API's check; an
/// unknown number says so plainly, with 404. The page depends on nothing but its language, the day and the
/// number: rendered once per generation of the directory, like the directory page.
pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    let lang = lang_of(&headers);
    let today = state.clock.today();
    let key = format!(
        "/verify {} {today} {:?} {number}",
        lang.code(),
        super::dates::style()
    );
    let make = verify_page(&state, lang, today, &number);
    match directory::verification(&state, key, make).await {
        Ok(answer) => {
            let status = match answer.found {
                Some(_) => StatusCode::OK,
                None => StatusCode::NOT_FOUND,
            };
            let mut r = crate::api::directory::cached_body(answer.body, "text/html; charset=utf-8");
            *r.status_mut() = status;
            r
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

/// `/verify/{number}` rendered, with the number it found.
async fn verify_page(
    state: &AppState,
    lang: Lang,
    today: chrono::NaiveDate,
    number: &str,
) -> Result<directory::Verified, AppError> {
    let mut page = VerifyPage {
        p: Page::public(lang, "pub.verify_title", "/verify"),
        number: number.to_owned(),
        found: None,
        status: String::new(),
        accredited_on: String::new(),
        not_found: false,
        reg: None,
        reg_number: false,
    };
    let found = if number.trim().to_ascii_uppercase().starts_with("REG-") {
        verify_registration(state, lang, today, &mut page).await?
    } else {
        match directory::find_accreditation(state, number).await? {
            Some(a) => {
                page.status = match directory::verified_status(&a, today) {
                    "active" => "pub.status_active",
                    "suspended" => "pub.status_suspended",
                    "lapsed" => "pub.status_lapsed",
                    _ => "pub.status_revoked",
                }
                .to_owned();
                page.accredited_on = a.accredited_on.to_string();
                page.found = Some(acc_row(lang, &a));
                Some(a.number)
            }
            None => {
                page.not_found = true;
                None
            }
        }
    };
    let body = page
        .render()
        .map_err(|e| AppError::Internal(format!("the verification page: {e}")))?;
    Ok(directory::Verified {
        found: found.map(Into::into),
        body: body.into(),
    })
}

/// Fills `/verify/{number}` for a registration number (REG-4, REG-5): the same answer as the API's verification.
/// The number found, if any.
async fn verify_registration(
    state: &AppState,
    lang: Lang,
    today: chrono::NaiveDate,
    page: &mut VerifyPage,
) -> Result<Option<String>, AppError> {
    let Some(r) = directory::find_registration(state, &page.number).await? else {
        page.not_found = true;
        page.reg_number = true;
        return Ok(None);
    };
    let found = r.registration.number.clone();
    let v = directory::registration_verification(&r, today);
    page.status = format!("pub.reg_{}", v.status);
    page.reg = Some(RegVerify {
        prefecture: prefecture_before(lang, &r.prefecture, &r.address),
        registered_on: v.registered_on.to_string(),
        expires_on: v.expires_on.to_string(),
        ended_on: v.ended_on.flatten().map(|d| d.to_string()).unwrap_or_default(),
        in_force: v.disclosure.is_some(),
        number: v.number,
        organization_name: v.organization_name,
        site_name: v.site_name,
        address: v.address,
    });
    Ok(Some(found))
}
