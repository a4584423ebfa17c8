//! The public face: the directory's queries and their validation, the shapes API.md "Public" and the
//! open data publish (REG-5, REG-8, ACC-23), and the search index that listing changes keep up to date.

use std::collections::HashMap;

use chrono::NaiveDate;
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::org::Prefecture;
use nintei_domain::reg::application::Method;
use nintei_domain::reg::hours;
use nintei_domain::search::{method_facet, prefecture_facet, service_facet};
use nintei_store::acc::{self as acc_store, PublicAccreditation};
use nintei_store::registrations::{self, Listed};
use nintei_store::{StoreError, Tx, search};
use serde_json::Value;

use crate::error::{AppError, AppResult, FieldError};
use crate::public_cache::{LAST_CHANGED, through};

/// Search-index kinds; documents are keyed by the public number.
pub const REGISTRATION: &str = "registration";
pub const ACCREDITATION: &str = "accreditation";

/// Page size when `limit` is absent, and the most one request may ask for.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;
/// Longer queries are refused rather than expanded into hundreds of n-gram terms.
pub const MAX_QUERY_CHARS: usize = 100;

/// The raw parameters of the directory (API and pages share them); empty values mean "no filter".
pub type Params = HashMap<String, String>;

fn param(p: &Params, name: &str) -> Option<String> {
    p.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn text_query(p: &Params, errors: &mut Vec<FieldError>) -> String {
    let q = param(p, "q").unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        errors.push(FieldError::new(
            "q",
            format!("検索語は{MAX_QUERY_CHARS}文字以内です (at most {MAX_QUERY_CHARS} characters)"),
        ));
    }
    q
}

fn prefecture(p: &Params, errors: &mut Vec<FieldError>) -> Option<String> {
    let code = param(p, "prefecture")?;
    match Prefecture::from_code(&code) {
        Ok(pref) => Some(pref.code().to_owned()),
        Err(_) => {
            errors.push(FieldError::new(
                "prefecture",
                "都道府県コード（01〜47の2桁）です (a two-digit JIS code 01–47)",
            ));
            None
        }
    }
}

fn paging(p: &Params, errors: &mut Vec<FieldError>) -> (i64, i64) {
    let mut number = |name: &str, default: i64, min: i64, max: i64| match param(p, name) {
        None => default,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) && v.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => {
                errors.push(FieldError::new(
                    name,
                    format!("{min}〜{max}の整数です (a whole number from {min} to {max})"),
                ));
                default
            }
        },
    };
    // API.md: `page` (from 1) and `per_page`; `limit`/`offset` (our earlier extension) still work.
    if param(p, "page").is_some() || param(p, "per_page").is_some() {
        let per_page = number("per_page", DEFAULT_LIMIT, 1, MAX_LIMIT);
        let page = number("page", 1, 1, 1_000_000);
        return (per_page, (page - 1) * per_page);
    }
    let limit = number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    let offset = number("offset", 0, 0, 1_000_000);
    (limit, offset)
}

/// `?day=` and `?evening=` (an extension of API.md): the facets of the disclosed hours a listing must
/// carry. `day` is weekday, saturday or holiday; `evening` is `1`/`true` (open after 18:00 on some day).
fn hours_facets(p: &Params, errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut facets = Vec::new();
    if let Some(d) = param(p, "day") {
        match hours::Day::parse(&d) {
            Some(d) => facets.push(hours::facet(d).to_owned()),
            None => errors.push(FieldError::new(
                "day",
                "weekday, saturday, holiday のいずれかです (one of weekday, saturday, holiday)",
            )),
        }
    }
    match param(p, "evening").as_deref() {
        None | Some("0" | "false") => {}
        Some("1" | "true" | "on") => facets.push(hours::FACET_EVENING.to_owned()),
        Some(_) => errors.push(FieldError::new("evening", "1 または true です (1 or true)")),
    }
    facets
}

/// `?q=&prefecture=&method=&day=&evening=&limit=&offset=` of the registration directory, checked (400 names each
/// bad field).
pub fn registration_filter(p: &Params) -> AppResult<registrations::PublicFilter> {
    let mut errors = Vec::new();
    let q = text_query(p, &mut errors);
    let prefecture = prefecture(p, &mut errors);
    let method = param(p, "method").and_then(|m| match Method::parse(&m) {
        Some(m) => Some(m.as_str().to_owned()),
        None => {
            errors.push(FieldError::new(
                "method",
                "face_to_face, phone, email, online のいずれかです (one of face_to_face, phone, email, online)",
            ));
            None
        }
    });
    let facets = hours_facets(p, &mut errors);
    let (limit, offset) = paging(p, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(registrations::PublicFilter {
        q,
        prefecture,
        method,
        facets,
        limit,
        offset,
        today: None,
    })
}

/// `?q=&prefecture=&service=&limit=&offset=` of the accreditation directory, checked.
pub fn accreditation_filter(p: &Params) -> AppResult<acc_store::PublicFilter> {
    let mut errors = Vec::new();
    let q = text_query(p, &mut errors);
    let prefecture = prefecture(p, &mut errors);
    let service = param(p, "service").and_then(|s| match ServiceCode::parse(&s) {
        Some(c) => Some(c),
        None => {
            errors.push(FieldError::new(
                "service",
                "サービスは a〜e のいずれかです (one of a, b, c, d, e)",
            ));
            None
        }
    });
    let (limit, offset) = paging(p, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(acc_store::PublicFilter {
        q,
        prefecture,
        service,
        limit,
        offset,
    })
}

/// API.md's registration item: exactly these fields (REG-5; no contact, no revenue).
/// API.md's registration item: exactly the REG-5 published items (no contact, no revenue).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationItem {
    #[schema(pattern = "^REG-[0-9]{4}-[0-9]{4}$")]
    pub number: String,
    pub organization_name: String,
    pub site_name: String,
    /// JIS prefecture code `01`–`47`.
    #[schema(pattern = "^(0[1-9]|[1-3][0-9]|4[0-7])$")]
    pub prefecture: String,
    pub address: String,
    pub registered_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// The REG-3 1(3)イ items.
    pub disclosure: nintei_domain::reg::publication::PublicDisclosure,
}

impl RegistrationItem {
    pub fn of(r: &Listed) -> Self {
        RegistrationItem {
            number: r.registration.number.clone(),
            organization_name: r.organization_name.clone(),
            site_name: r.site_name.clone(),
            prefecture: r.prefecture.clone(),
            address: r.address.clone(),
            registered_on: r.registration.registered_on,
            expires_on: r.registration.expires_on,
            disclosure: r.registration.disclosure.clone(),
        }
    }
}

/// API.md's registration item as JSON (the open-data file's items).
pub fn registration_json(r: &Listed) -> Value {
    serde_json::to_value(RegistrationItem::of(r)).unwrap_or(Value::Null)
}

/// A page of a public list (API.md "Public"): the items, the total on every page together, the page (from 1)
/// and its size. The fields in this order, as the cached bodies always had them.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PublicPage<T: utoipa::ToSchema> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl<T: utoipa::ToSchema> PublicPage<T> {
    fn of(items: Vec<T>, total: i64, limit: i64, offset: i64) -> Self {
        let per_page = limit.max(1);
        PublicPage {
            items,
            page: offset / per_page + 1,
            per_page,
            total,
        }
    }
}

/// `GET /api/v1/public/registrations/{number}` (REG-4, REG-5): the registration as the dates of `today` show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationVerification {
    #[schema(pattern = "^REG-[0-9]{4}-[0-9]{4}$")]
    pub number: String,
    pub organization_name: String,
    pub site_name: String,
    pub prefecture: String,
    pub address: String,
    /// The start of the term in force (never a future date).
    pub registered_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// `registered`, `expired`, `abolished` or `deregistered`.
    #[schema(pattern = "^(registered|expired|abolished|deregistered)$")]
    pub status: &'static str,
    /// The REG-3 1(3)イ items, only while `registered`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<nintei_domain::reg::publication::PublicDisclosure>,
    /// The day it ended, when it is not `registered` (`null` when not known).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<NaiveDate>)]
    pub ended_on: Option<Option<NaiveDate>>,
}

/// A verification's answer as sent: the body, and the number it found (none: unknown, answered 404).
#[derive(Debug, Clone)]
pub struct Verified {
    pub found: Option<std::sync::Arc<str>>,
    pub body: std::sync::Arc<str>,
}

/// The verification answer under `key` (which must name what it answers: the number, the day, the API or the page
/// in its language), made by `make` once per generation; each answer that found its number counts it as verified
/// today (ACC-23, REG-5, see [`VerificationCounts`]).
pub async fn verification<F>(state: &crate::state::AppState, key: String, make: F) -> AppResult<Verified>
where
    F: std::future::Future<Output = AppResult<Verified>>,
{
    let answer = through(state, |c| &mut c.verified, key, make).await?;
    if let Some(number) = &answer.found {
        state.verifications.add(number, state.clock.today());
    }
    Ok(answer)
}

/// The registration `number` (typed in by hand: any case and surrounding spaces) with its names, if it exists.
/// Not cached and not counted: [`verification`] does both around it.
pub async fn find_registration(state: &crate::state::AppState, number: &str) -> AppResult<Option<Listed>> {
    let Ok(n) = nintei_domain::reg::dates::RegistrationNumber::parse(number) else {
        return Ok(None);
    };
    Ok(registrations::listed_by_number(state.db.pool(), &n.to_string()).await?)
}

/// The accreditation `number` as a certificate check sees it, if it exists. Not cached and not counted:
/// [`verification`] does both around it.
pub async fn find_accreditation(
    state: &crate::state::AppState,
    number: &str,
) -> AppResult<Option<PublicAccreditation>> {
    Ok(acc_store::public_accreditation(state.db.pool(), number).await?)
}

/// An API answer serialized once, to be cached and sent as it is.
fn json_body(value: &impl serde::Serialize) -> AppResult<std::sync::Arc<str>> {
    Ok(serde_json::to_string(value)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .into())
}

/// An API verification's answer: the JSON of what was found, with the number it counts; no body for an unknown
/// number (answered 404).
fn api_verification(found: Option<(&str, impl serde::Serialize)>) -> AppResult<Verified> {
    Ok(match found {
        Some((number, item)) => Verified {
            found: Some(number.into()),
            body: json_body(&item)?,
        },
        None => Verified {
            found: None,
            body: "".into(),
        },
    })
}

/// The API's verification of a registration number (REG-4, REG-5) on `today`, as sent.
pub async fn registration_verification_body(
    state: &crate::state::AppState,
    number: &str,
    today: NaiveDate,
) -> AppResult<Verified> {
    let make = async {
        let r = find_registration(state, number).await?;
        api_verification(r.as_ref().map(|r| {
            (
                r.registration.number.as_str(),
                registration_verification(r, today),
            )
        }))
    };
    verification(state, format!("api r {today} {number}"), make).await
}

/// The API's verification of an accreditation number (ACC-23) on `today`, as sent.
pub async fn accreditation_verification_body(
    state: &crate::state::AppState,
    number: &str,
    today: NaiveDate,
) -> AppResult<Verified> {
    let make = async {
        let a = find_accreditation(state, number).await?;
        api_verification(
            a.as_ref()
                .map(|a| (a.number.as_str(), AccreditationItem::of(a, today))),
        )
    };
    verification(state, format!("api a {today} {number}"), make).await
}

/// API.md's registration verification (REG-4, REG-5): the term in force on `today` (never a future one), the
/// status judged by the dates, and the published items only while registered. An ended registration also says
/// the day it ended (`ended_on`, an extension).
pub fn registration_verification(r: &Listed, today: NaiveDate) -> RegistrationVerification {
    let reg = &r.registration;
    let status = reg.public_status_on(today);
    let term = reg.term_on(today);
    let (disclosure, ended_on) = if status.discloses() {
        (Some(reg.disclosure.clone()), None)
    } else {
        let ended_on = match status {
            nintei_domain::reg::validity::PublicStatus::Expired => {
                reg.ended_on.or_else(|| term.expires_on.succ_opt())
            }
            _ => reg.ended_on,
        };
        (None, Some(ended_on))
    };
    RegistrationVerification {
        number: reg.number.clone(),
        organization_name: r.organization_name.clone(),
        site_name: r.site_name.clone(),
        prefecture: r.prefecture.clone(),
        address: r.address.clone(),
        registered_on: term.registered_on,
        expires_on: term.expires_on,
        status: status.as_str(),
        disclosure,
        ended_on,
    }
}

/// The status a certificate check shows: `active` past its expiry reads `lapsed` even before any job marks it.
pub fn verified_status(a: &PublicAccreditation, today: NaiveDate) -> &str {
    if a.status == "active" && a.expires_on < today {
        "lapsed"
    } else {
        &a.status
    }
}

/// API.md's accreditation item: exactly the ACC-23 fields (never revenue, ratings or contacts).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AccreditationItem {
    pub number: String,
    pub organization_name: String,
    pub services: Vec<nintei_domain::acc::service::ServiceCode>,
    pub accredited_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// `active`, `suspended`, `lapsed` or `revoked` (an active one past its expiry reads `lapsed`).
    #[schema(pattern = "^(active|suspended|lapsed|revoked)$")]
    pub status: String,
}

impl AccreditationItem {
    pub fn of(a: &PublicAccreditation, today: NaiveDate) -> Self {
        AccreditationItem {
            number: a.number.clone(),
            organization_name: a.organization_name.clone(),
            services: a.services.clone(),
            accredited_on: a.accredited_on,
            expires_on: a.expires_on,
            status: verified_status(a, today).to_owned(),
        }
    }
}

/// API.md's accreditation item as JSON (the open-data file's items).
pub fn accreditation_json(a: &PublicAccreditation, today: NaiveDate) -> Value {
    serde_json::to_value(AccreditationItem::of(a, today)).unwrap_or(Value::Null)
}

fn prefecture_name(code: &str) -> &str {
    Prefecture::from_code(code).map(|p| p.name_ja()).unwrap_or(code)
}

/// (Re)indexes the registration `number` for the directory search if it is in force, or removes it from the
/// index otherwise. Called in the transaction that registers, renews, changes, abolishes, deregisters or expires.
pub async fn reindex_registration(tx: &mut Tx, number: &str) -> Result<(), StoreError> {
    let Some(r) = registrations::listed_by_number(&mut **tx, number).await? else {
        return search::remove(tx, REGISTRATION, number).await;
    };
    if !r.registration.status.is_in_force() {
        return search::remove(tx, REGISTRATION, number).await;
    }
    index_registration(tx, &r).await
}

/// Indexes a registration in force.
async fn index_registration(tx: &mut Tx, r: &Listed) -> Result<(), StoreError> {
    search::index(tx, REGISTRATION, &registration_doc(r)).await
}

/// What a registration in force is indexed by: its text; the facets of its disclosed hours, methods and
/// prefecture (the directory's filters); and its last listed day, the end of its latest term unless an
/// abolition notified in advance ends it sooner (REG-4, REG-6: a next term starts the day after the current one
/// ends, so the days listed run without a gap).
pub fn registration_doc(r: &Listed) -> search::Doc {
    let reg = &r.registration;
    let mut facets: Vec<String> = hours::facets(&reg.disclosure.hours)
        .into_iter()
        .map(str::to_owned)
        .collect();
    facets.extend(reg.disclosure.methods.iter().map(|m| method_facet(m.as_str())));
    facets.push(prefecture_facet(&r.prefecture));
    let last_term_day = reg.last_expires_on();
    let listed_until = match reg.ended_on.and_then(|d| d.pred_opt()) {
        Some(before_end) => before_end.min(last_term_day),
        None => last_term_day,
    };
    search::Doc {
        key: reg.number.clone(),
        text: registration_text(r),
        facets,
        listed_until: Some(listed_until),
    }
}

/// The search index's layout version; a database indexed under an older one is reindexed once at start-up.
/// 2: registrations carry their hours facets (the days/hours filters). 3: the compact layout (integer document
/// ids, kind-tagged terms), which starts empty. 4: each document's last listed day and the prefecture, method
/// and service facets (counts from the index alone).
const SEARCH_INDEX_VERSION: &str = "4";
const SEARCH_INDEX_KEY: &str = "search.index_version";

/// Brings the directory's search index to [`SEARCH_INDEX_VERSION`]: empties it and indexes every registration in
/// force and every active accreditation again (one transaction; a no-op when current).
pub async fn ensure_search_index(state: &crate::state::AppState) -> crate::error::AppResult<()> {
    use nintei_store::settings;
    if settings::get(&state.db, SEARCH_INDEX_KEY).await?.as_deref() == Some(SEARCH_INDEX_VERSION) {
        return Ok(());
    }
    let all = registrations::PublicFilter {
        limit: i64::MAX,
        ..Default::default()
    };
    let registrations: Vec<search::Doc> = registrations::public_list(state.db.pool(), &all)
        .await?
        .iter()
        .map(registration_doc)
        .collect();
    let all = acc_store::PublicFilter {
        limit: i64::MAX,
        ..Default::default()
    };
    // Accreditations past their expiry are not public and are never again (a renewal reindexes).
    let accreditations: Vec<search::Doc> =
        acc_store::public_accreditations(state.db.pool(), &all, state.clock.today())
            .await?
            .iter()
            .map(accreditation_doc)
            .collect();
    let mut tx = state.db.begin_write().await?;
    search::clear(&mut tx).await?;
    search::index_new(&mut tx, REGISTRATION, &registrations).await?;
    search::index_new(&mut tx, ACCREDITATION, &accreditations).await?;
    settings::set(&mut tx, SEARCH_INDEX_KEY, SEARCH_INDEX_VERSION).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// The text a registration is found by: number, names, prefecture, address and the published REG-5 items.
pub fn registration_text(r: &Listed) -> String {
    let d = &r.registration.disclosure;
    let mut parts: Vec<&str> = vec![
        &r.registration.number,
        &r.organization_name,
        &r.site_name,
        prefecture_name(&r.prefecture),
        &r.address,
        &d.fee_structure,
        &d.hours,
        &d.other_services,
    ];
    parts.extend(d.methods.iter().map(|m| m.label_ja()));
    for c in &d.counselors {
        parts.push(&c.name);
        parts.push(&c.qualification);
    }
    for p in &d.psychiatrists {
        parts.push(&p.name);
        parts.push(&p.institution_name);
    }
    parts.join(" ")
}

/// (Re)indexes the accreditation `number` if it is active, removes it otherwise (ACC-23 publication).
pub async fn reindex_accreditation(tx: &mut Tx, number: &str) -> Result<(), StoreError> {
    let Some(a) = acc_store::public_accreditation(&mut **tx, number).await? else {
        return search::remove(tx, ACCREDITATION, number).await;
    };
    if a.status != "active" {
        return search::remove(tx, ACCREDITATION, number).await;
    }
    search::index(tx, ACCREDITATION, &accreditation_doc(&a)).await
}

/// What an active accreditation is indexed by: its text, the facets of its prefecture and services (the
/// directory's filters) and its last day (ACC-23: listed while active and not past its expiry).
pub fn accreditation_doc(a: &PublicAccreditation) -> search::Doc {
    let mut facets: Vec<String> = a.services.iter().map(|s| service_facet(s.as_str())).collect();
    facets.push(prefecture_facet(&a.prefecture));
    search::Doc {
        key: a.number.clone(),
        text: accreditation_text(a),
        facets,
        listed_until: Some(a.expires_on),
    }
}

/// The text an accreditation is found by: number, organization, prefecture and service names (ACC-23).
pub fn accreditation_text(a: &PublicAccreditation) -> String {
    let mut parts: Vec<&str> = vec![&a.number, &a.organization_name, prefecture_name(&a.prefecture)];
    parts.extend(a.services.iter().map(|s| s.name_ja()));
    parts.join(" ")
}

/// [`registrations::public_list`] through the cache.
pub async fn cached_registrations(
    state: &crate::state::AppState,
    f: &registrations::PublicFilter,
) -> AppResult<std::sync::Arc<Vec<Listed>>> {
    // REG-4: validity is judged by the dates on the day asked, so the day is part of the filter and the cache key.
    let f = &registrations::PublicFilter {
        today: Some(state.clock.today()),
        ..f.clone()
    };
    let read = async {
        Ok(std::sync::Arc::new(
            registrations::public_list(state.db.pool(), f).await?,
        ))
    };
    through(state, |c| &mut c.registrations, format!("{f:?}"), read).await
}

/// [`acc_store::public_accreditations`] through the cache (keyed on `today` too: expiry hides a listing).
pub async fn cached_accreditations(
    state: &crate::state::AppState,
    f: &acc_store::PublicFilter,
    today: NaiveDate,
) -> AppResult<std::sync::Arc<Vec<PublicAccreditation>>> {
    let read = async {
        Ok(std::sync::Arc::new(
            acc_store::public_accreditations(state.db.pool(), f, today).await?,
        ))
    };
    through(state, |c| &mut c.accreditations, format!("{today} {f:?}"), read).await
}

/// How many registrations `f` lists on every page together (REG-5), through the cache like the pages.
pub async fn registration_total(
    state: &crate::state::AppState,
    f: &registrations::PublicFilter,
) -> AppResult<i64> {
    let f = &registrations::PublicFilter {
        today: Some(state.clock.today()),
        limit: 0,
        offset: 0,
        ..f.clone()
    };
    let read = async { Ok(registrations::public_count(state.db.pool(), f).await?) };
    through(state, |c| &mut c.totals, format!("r {f:?}"), read).await
}

/// How many accreditations `f` lists on `today` on every page together (ACC-23), through the cache.
pub async fn accreditation_total(
    state: &crate::state::AppState,
    f: &acc_store::PublicFilter,
    today: NaiveDate,
) -> AppResult<i64> {
    let f = &acc_store::PublicFilter {
        limit: 0,
        offset: 0,
        ..f.clone()
    };
    let read = async { Ok(acc_store::public_accreditations_count(state.db.pool(), f, today).await?) };
    through(state, |c| &mut c.totals, format!("a {today} {f:?}"), read).await
}

/// When the published data last changed (Unix seconds), through the cache: `read` runs once per generation (it
/// takes the maximum over every listing, which no index serves).
pub async fn cached_last_changed<F>(state: &crate::state::AppState, read: F) -> AppResult<Option<i64>>
where
    F: std::future::Future<Output = AppResult<Option<i64>>>,
{
    through(state, |c| &mut c.last_changed, LAST_CHANGED.to_owned(), read).await
}

/// `GET /api/v1/public/registrations`' answer (`{"items": [...]}`, API.md) for `f`, serialized once per
/// generation and day.
pub async fn registrations_body(
    state: &crate::state::AppState,
    f: &registrations::PublicFilter,
) -> AppResult<std::sync::Arc<str>> {
    let key = format!("r {} {f:?}", state.clock.today());
    let read = async {
        let rows = cached_registrations(state, f).await?;
        let items = rows.iter().map(RegistrationItem::of).collect();
        let total = registration_total(state, f).await?;
        let body = PublicPage::of(items, total, f.limit, f.offset);
        json_body(&body)
    };
    through(state, |c| &mut c.bodies, key, read).await
}

/// `GET /api/v1/public/accreditations`' answer for `f` on `today`, serialized once per generation and day.
pub async fn accreditations_body(
    state: &crate::state::AppState,
    f: &acc_store::PublicFilter,
    today: NaiveDate,
) -> AppResult<std::sync::Arc<str>> {
    let key = format!("a {today} {f:?}");
    let read = async {
        let rows = cached_accreditations(state, f, today).await?;
        let items = rows.iter().map(|a| AccreditationItem::of(a, today)).collect();
        let total = accreditation_total(state, f, today).await?;
        let body = PublicPage::of(items, total, f.limit, f.offset);
        json_body(&body)
    };
    through(state, |c| &mut c.bodies, key, read).await
}

/// A public page's body under `key` (which must name the page, its language, the day and every filter), made by
/// `render` once per generation: a hit costs one generation read and no listing read, count or rendering.
pub async fn cached_page<F>(
    state: &crate::state::AppState,
    key: String,
    render: F,
) -> AppResult<std::sync::Arc<str>>
where
    F: std::future::Future<Output = AppResult<String>>,
{
    let read = async { render.await.map(std::sync::Arc::from) };
    through(state, |c| &mut c.pages, key, read).await
}

/// Verifications of certificates and registration numbers (ACC-23, REG-5), counted per number and day in memory
/// and written in batches by [`flush_verifications`]: a check writes nothing on the request path. No address and
/// no user agent are kept. A crash loses the counts since the last flush (at most [`FLUSH_EVERY`]).
#[derive(Debug, Default)]
pub struct VerificationCounts {
    pending: std::sync::Mutex<HashMap<(String, String), i64>>,
}

/// How often the server writes the counted verifications.
pub const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

impl VerificationCounts {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), i64>> {
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts one verification of `number` on `day`.
    pub fn add(&self, number: &str, day: NaiveDate) {
        *self
            .lock()
            .entry((number.to_owned(), day.format("%Y-%m-%d").to_string()))
            .or_insert(0) += 1;
    }

    /// Verifications counted and not yet written.
    pub fn pending(&self) -> i64 {
        self.lock().values().sum()
    }

    fn take(&self) -> Vec<(String, String, i64)> {
        let mut sorted: Vec<_> = self.lock().drain().map(|((n, d), c)| (n, d, c)).collect();
        // One order for every writer: two instances flushing at once never wait on each other's rows in a cycle.
        sorted.sort();
        sorted
    }

    fn put_back(&self, counts: Vec<(String, String, i64)>) {
        let mut pending = self.lock();
        for (n, d, c) in counts {
            *pending.entry((n, d)).or_insert(0) += c;
        }
    }
}

/// Writes the counted verifications in one transaction; on failure they stay counted for the next flush.
/// Returns how many were written.
pub async fn flush_verifications(state: &crate::state::AppState) -> AppResult<i64> {
    let counts = state.verifications.take();
    if counts.is_empty() {
        return Ok(0);
    }
    let written: i64 = counts.iter().map(|(_, _, n)| n).sum();
    let result = async {
        let mut tx = state.db.begin_write().await?;
        search::add_verification_counts(&mut tx, &counts).await?;
        tx.commit().await.map_err(StoreError::from)
    }
    .await;
    match result {
        Ok(()) => Ok(written),
        Err(e) => {
            state.verifications.put_back(counts);
            Err(e.into())
        }
    }
}

/// Flushes the counted verifications every [`FLUSH_EVERY`] until `shutdown`, then once more.
pub async fn flush_verifications_loop(
    state: crate::state::AppState,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(FLUSH_EVERY) => {}
            _ = shutdown.changed() => break,
        }
        if let Err(e) = flush_verifications(&state).await {
            tracing::warn!(error = %e, "writing the verification counts failed; kept for the next try");
        }
    }
    if let Err(e) = flush_verifications(&state).await {
        tracing::warn!(error = %e, "writing the verification counts at shutdown failed");
    }
}
