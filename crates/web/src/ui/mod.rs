//! Server-rendered screens: Japanese by default with an English switch, navigation per role, accessible forms.

mod acc;
mod account;
pub(crate) mod confirm;
mod dashboard;
pub mod dates;
mod deadlines;
mod directory;
mod fee_estimate;
pub mod form;
pub mod history;
mod lang;
pub(crate) mod list;
mod login;
mod lookup;
mod mail;
mod onboarding;
mod org;
mod recovery;
mod reg;
pub mod settings;
mod users;

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use nintei_domain::authz::{self, GlobalAction};
use nintei_domain::role::Role;

use crate::auth::{AnySession, lang_of};
use crate::error::{AppError, FieldError, PageError, WebError};
use crate::i18n::{self, Lang};
use crate::routing::{Routes, get, post};
use nintei_app::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/", get(dashboard::home))
        .route("/dashboard", get(dashboard::dashboard))
        .route("/deadlines", get(deadlines::page))
        .route("/fee-estimate", get(fee_estimate::page))
        .route("/directory", get(directory::directory))
        .route("/directory/registrations/{number}", get(directory::registration))
        .route("/verify", get(directory::verify_form))
        .route("/verify/{number}", get(directory::verify))
        .route("/login", get(login::form).post(login::submit))
        .route(
            "/password-reset",
            get(recovery::request_form).post(recovery::request_submit),
        )
        .route(
            "/password-reset/{token}",
            get(recovery::reset_form).post(recovery::reset_submit),
        )
        .route("/login/totp", get(login::totp_form).post(login::totp_submit))
        .route("/logout", post(login::logout))
        .route("/lang/{code}", get(lang::switch))
        .route(
            "/account/password",
            get(account::password_form).post(account::password_submit),
        )
        .route(
            "/account/totp",
            get(account::totp_form).post(account::totp_submit),
        )
        .route("/organizations", get(org::list).post(org::create))
        .route("/organizations/new", get(org::new_form))
        .route("/organizations/{id}", get(org::show))
        .route("/organizations/{id}/sites", post(org::add_site))
        .route("/organizations/{id}/changes", post(org::notify_change))
        .route("/admin/users", get(users::list).post(users::create))
        .route("/admin/users/{id}", get(users::show).post(users::change))
        .route("/admin/users/{id}/password-reset", post(users::password_reset))
        .route("/admin/settings", get(settings::show).post(settings::save))
        .route("/mail", get(mail::list))
        .route("/search", get(lookup::page))
        .route("/mail/{id}", get(mail::show))
        // 不服申立て (ACC-21)
        .route("/accreditation/appeals", get(acc::appeal::list))
        .route("/accreditation/appeals/{id}", get(acc::appeal::show))
        .route("/accreditation/appeals/{id}/{action}", post(acc::appeal::step))
        .route("/accreditation/standards", get(acc::ratings::standards))
        .route(
            "/accreditation/cases",
            get(acc::cases::list).post(acc::apply::apply_submit),
        )
        .route("/accreditation/cases/new", get(acc::apply::apply_form))
        .route("/accreditation/cases/{id}", get(acc::case::show))
        .route(
            "/accreditation/cases/{id}/ratings",
            get(acc::ratings::ratings).post(acc::ratings::rate),
        )
        .route("/accreditation/cases/{id}/{step}", post(acc::case::step))
        .merge(registration_routes())
        .merge(accreditation_routes())
        .merge(deadlines::feed_routes())
        .merge(acc_study_routes())
        .merge(acc_impartiality_routes())
}

/// The office's surveyor screens: engagements and cooling-off warnings (ACC-8). The case page's
/// impartiality forms post to the case's step route.
fn acc_impartiality_routes() -> Routes {
    use acc::impartiality as i;
    Routes::new().route("/surveyors", get(i::list)).route(
        "/surveyors/{user_id}/engagements",
        get(i::engagements).post(i::add_engagement),
    )
}

/// The accreditation after the decision.
fn accreditation_routes() -> Routes {
    use acc::record as a;
    Routes::new()
        .route("/accreditations", get(a::list))
        .route("/accreditations/{number}", get(a::show))
        .route("/accreditations/{number}/logo.svg", get(a::logo_file))
        .route("/accreditations/{number}/{action}", post(a::step))
        .route("/accreditation/logo", get(a::logo_terms))
}

/// The self-study screen, uploads and downloads, and the anonymous questionnaire (ACC-3, ACC-6).
fn acc_study_routes() -> Routes {
    use acc::study as s;
    Routes::new()
        .route("/accreditation/cases/{id}/study", get(s::show))
        .route("/accreditation/cases/{id}/study/{action}", post(s::action))
        .route("/accreditation/cases/{id}/files", post(s::upload))
        .route("/accreditation/cases/{id}/files/{file_id}", get(s::download))
        .route(
            "/q/{token}",
            get(s::questionnaire_form).post(s::questionnaire_submit),
        )
}

/// REG screens; the public report form needs no account.
fn registration_routes() -> Routes {
    use reg as r;
    Routes::new()
        .route("/registration", get(r::hub))
        .route("/registration/apply", get(r::apply_form))
        .route("/registration/cases", post(r::apply_submit))
        .route("/registration/cases/{id}", get(r::show_case))
        .route("/registration/cases/{id}/review", post(r::review))
        .route("/registration/cases/{id}/files", post(r::files::upload))
        .route(
            "/registration/cases/{id}/files/{file_id}",
            get(r::files::download),
        )
        .route("/registration/registrations/{number}", get(r::show_registration))
        .route(
            "/registration/registrations/{number}/changes",
            post(r::notify_change),
        )
        .route("/registration/registrations/{number}/abolition", post(r::abolish))
        .route(
            "/registration/registrations/{number}/certificate",
            get(r::certificate),
        )
        .route("/registration/changes/{id}/acknowledge", post(r::acknowledge))
        .route("/registration/changes/{id}/refuse", post(r::refuse))
        .route("/registration/reports", get(r::reports))
        .route("/registration/reports/{id}/file", post(r::file_report))
        .route("/registration/investigations", post(r::open_investigation))
        .route("/registration/investigations/{id}", get(r::show_investigation))
        .route(
            "/registration/investigations/{id}/{step}",
            post(r::investigation_action),
        )
        .route(
            "/registration/investigations/{id}/document-requests/{rid}/files",
            post(r::hearing::answer),
        )
        .route(
            "/registration/investigations/{id}/files/{file_id}",
            get(r::hearing::download),
        )
        .route(
            "/registration/trainings",
            get(r::trainings).post(r::create_training),
        )
        .route("/registration/trainings/{id}", get(r::show_training))
        .route("/registration/trainings/{id}/enrolments", post(r::enrol))
        .route(
            "/registration/trainings/{id}/attendance",
            post(r::record_attendance),
        )
        .route("/report", get(r::report_form).post(r::report_submit))
        .route("/signup", get(onboarding::form).post(onboarding::submit))
        .route(
            "/signup/verify/{token}",
            get(onboarding::verify_form).post(onboarding::verify),
        )
        .route("/admin/account-requests", get(onboarding::list))
        .route("/admin/account-requests/{id}/approve", post(onboarding::approve))
        .route("/admin/account-requests/{id}/refuse", post(onboarding::refuse))
}

#[cfg(test)]
/// Template sources that call `t("…")`, for the test that every key exists in both languages.
pub const SOURCES_USING_KEYS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("dashboard.html", include_str!("../../templates/dashboard.html")),
    ("search.html", include_str!("../../templates/search.html")),
    (
        "reg_apply_confirm.html",
        include_str!("../../templates/reg_apply_confirm.html"),
    ),
    ("signup.html", include_str!("../../templates/signup.html")),
    (
        "signup_verify.html",
        include_str!("../../templates/signup_verify.html"),
    ),
    (
        "account_requests.html",
        include_str!("../../templates/account_requests.html"),
    ),
    (
        "_org_fields.html",
        include_str!("../../templates/_org_fields.html"),
    ),
    ("confirm.html", include_str!("../../templates/confirm.html")),
    ("_list_form.html", include_str!("../../templates/_list_form.html")),
    ("_pager.html", include_str!("../../templates/_pager.html")),
    ("login.html", include_str!("../../templates/login.html")),
    ("totp_login.html", include_str!("../../templates/totp_login.html")),
    (
        "totp_enroll.html",
        include_str!("../../templates/totp_enroll.html"),
    ),
    ("password.html", include_str!("../../templates/password.html")),
    ("error.html", include_str!("../../templates/error.html")),
    (
        "organizations.html",
        include_str!("../../templates/organizations.html"),
    ),
    (
        "organization_new.html",
        include_str!("../../templates/organization_new.html"),
    ),
    (
        "organization.html",
        include_str!("../../templates/organization.html"),
    ),
    ("users.html", include_str!("../../templates/users.html")),
    ("user.html", include_str!("../../templates/user.html")),
    (
        "fee_estimate.html",
        include_str!("../../templates/fee_estimate.html"),
    ),
    ("ui/fee_estimate.rs", include_str!("fee_estimate.rs")),
    ("ui/directory.rs", include_str!("directory.rs")),
    (
        "public_directory.html",
        include_str!("../../templates/public_directory.html"),
    ),
    (
        "public_registration.html",
        include_str!("../../templates/public_registration.html"),
    ),
    (
        "public_verify.html",
        include_str!("../../templates/public_verify.html"),
    ),
    ("deadlines.html", include_str!("../../templates/deadlines.html")),
    (
        "acc_appeals.html",
        include_str!("../../templates/acc_appeals.html"),
    ),
    ("acc_appeal.html", include_str!("../../templates/acc_appeal.html")),
    (
        "acc_appeal_form.html",
        include_str!("../../templates/acc_appeal_form.html"),
    ),
    (
        "accreditation.html",
        include_str!("../../templates/accreditation.html"),
    ),
    ("ui/acc/record.rs", include_str!("acc/record.rs")),
    ("ui/acc/appeal.rs", include_str!("acc/appeal.rs")),
    ("ui/deadlines.rs", include_str!("deadlines.rs")),
    ("mail_list.html", include_str!("../../templates/mail_list.html")),
    (
        "mail_message.html",
        include_str!("../../templates/mail_message.html"),
    ),
    ("ui/mail.rs", include_str!("mail.rs")),
    ("acc_cases.html", include_str!("../../templates/acc_cases.html")),
    ("acc_apply.html", include_str!("../../templates/acc_apply.html")),
    ("acc_case.html", include_str!("../../templates/acc_case.html")),
    (
        "acc_ratings.html",
        include_str!("../../templates/acc_ratings.html"),
    ),
    (
        "acc_standards.html",
        include_str!("../../templates/acc_standards.html"),
    ),
    ("ui/acc/case.rs", include_str!("acc/case.rs")),
    ("ui/acc/apply.rs", include_str!("acc/apply.rs")),
    ("ui/acc/ratings.rs", include_str!("acc/ratings.rs")),
    ("acc_study.html", include_str!("../../templates/acc_study.html")),
    (
        "questionnaire.html",
        include_str!("../../templates/questionnaire.html"),
    ),
    ("ui/acc/study.rs", include_str!("acc/study.rs")),
    (
        "acc_impartiality.html",
        include_str!("../../templates/acc_impartiality.html"),
    ),
    ("surveyors.html", include_str!("../../templates/surveyors.html")),
    (
        "surveyor_engagements.html",
        include_str!("../../templates/surveyor_engagements.html"),
    ),
    ("ui/acc/impartiality.rs", include_str!("acc/impartiality.rs")),
    ("ui/mod.rs", include_str!("mod.rs")),
    ("ui/login.rs", include_str!("login.rs")),
    ("ui/recovery.rs", include_str!("recovery.rs")),
    (
        "password_reset_request.html",
        include_str!("../../templates/password_reset_request.html"),
    ),
    (
        "password_reset.html",
        include_str!("../../templates/password_reset.html"),
    ),
    ("ui/org.rs", include_str!("org.rs")),
    ("ui/users.rs", include_str!("users.rs")),
    ("ui/account.rs", include_str!("account.rs")),
    ("ui/reg/mod.rs", include_str!("reg/mod.rs")),
    ("reg_home.html", include_str!("../../templates/reg_home.html")),
    ("reg_apply.html", include_str!("../../templates/reg_apply.html")),
    ("reg_people.html", include_str!("../../templates/reg_people.html")),
    (
        "reg_disclosure.html",
        include_str!("../../templates/reg_disclosure.html"),
    ),
    ("reg_case.html", include_str!("../../templates/reg_case.html")),
    (
        "reg_registration.html",
        include_str!("../../templates/reg_registration.html"),
    ),
    (
        "reg_certificate.html",
        include_str!("../../templates/reg_certificate.html"),
    ),
    (
        "reg_reports.html",
        include_str!("../../templates/reg_reports.html"),
    ),
    (
        "reg_investigation.html",
        include_str!("../../templates/reg_investigation.html"),
    ),
    (
        "reg_trainings.html",
        include_str!("../../templates/reg_trainings.html"),
    ),
    (
        "reg_training.html",
        include_str!("../../templates/reg_training.html"),
    ),
    (
        "report_form.html",
        include_str!("../../templates/report_form.html"),
    ),
    // Documents, calendar feed, exports, public pages
    ("exports.html", include_str!("../../templates/exports.html")),
    ("exports.rs", include_str!("../exports.rs")),
    ("documents.rs", include_str!("../documents.rs")),
    ("open_data.rs", include_str!("../open_data.rs")),
    (
        "public_accreditation.html",
        include_str!("../../templates/public_accreditation.html"),
    ),
    (
        "public_prefectures.html",
        include_str!("../../templates/public_prefectures.html"),
    ),
    (
        "public_prefecture.html",
        include_str!("../../templates/public_prefecture.html"),
    ),
];

pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
    pub current: bool,
}

pub struct NavUser {
    pub name: String,
    pub role_key: &'static str,
}

/// What every page's layout needs.
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub user: Option<NavUser>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub lang_href: String,
    pub demo: bool,
}

impl Page {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        i18n::t(self.lang, key)
    }

    /// A use case's message (field error, refusal) in this page's language only.
    pub fn say(&self, message: &str) -> String {
        i18n::say(self.lang, message)
    }

    /// A date (or date and time) as the office writes dates, for this page's reader (HTML: use `|safe`).
    pub fn date(&self, text: impl std::fmt::Display) -> String {
        dates::html(self.lang, &text.to_string())
    }

    /// A page for an anonymous visitor.
    pub fn public(lang: Lang, title_key: &str, path: &str) -> Page {
        Page {
            lang,
            title: i18n::t(lang, title_key).to_owned(),
            user: None,
            csrf: String::new(),
            nav: public_nav(path),
            lang_href: lang_href(lang, path),
            demo: false,
        }
    }

    /// A page for a signed-in user: navigation by what the authorization module allows.
    pub fn for_session(s: &AnySession, title_key: &str, path: &str) -> Page {
        let actor = s.caller.actor();
        let mut nav = vec![
            NavItem {
                href: "/dashboard",
                key: "nav.dashboard",
                current: false,
            },
            NavItem {
                href: "/deadlines",
                key: "nav.deadlines",
                current: false,
            },
        ];
        // One search box for staff (organizations have their own lists).
        if actor.role != Role::Organization {
            nav.push(NavItem {
                href: "/search",
                key: "nav.search",
                current: false,
            });
        }
        if authz::global(&actor, GlobalAction::ListOrganizations).is_allowed() {
            nav.push(NavItem {
                href: "/organizations",
                key: "nav.organizations",
                current: false,
            });
        }
        nav.push(NavItem {
            href: "/accreditation/cases",
            key: "nav.acc_cases",
            current: false,
        });
        // The accreditations after the decision: the office, the head, admin and organizations.
        if authz::accreditation::list(&actor).is_allowed() {
            nav.push(NavItem {
                href: "/accreditations",
                key: "nav.accreditations",
                current: false,
            });
        }
        // REG: the registrar, organizations (their rooms) and the committee (referred cases).
        if authz::reg::global(&actor, authz::reg::RegGlobalAction::ListAll).is_allowed()
            || matches!(actor.role, Role::Organization | Role::Committee)
        {
            nav.push(NavItem {
                href: "/registration",
                key: "nav.registration",
                current: false,
            });
        }
        if authz::global(&actor, GlobalAction::ListUsers).is_allowed() {
            nav.push(NavItem {
                href: "/admin/users",
                key: "nav.users",
                current: false,
            });
        }
        if authz::global(&actor, GlobalAction::ViewMail).is_allowed() {
            nav.push(NavItem {
                href: "/mail",
                key: "nav.mail",
                current: false,
            });
        }
        if authz::global(&actor, GlobalAction::OfficeSettings).is_allowed() {
            nav.push(NavItem {
                href: "/admin/settings",
                key: "nav.settings",
                current: false,
            });
        }
        // The office's exports.
        if authz::export_data(&actor).is_allowed() {
            nav.push(NavItem {
                href: "/exports",
                key: "nav.exports",
                current: false,
            });
        }
        nav.push(NavItem {
            href: "/account/password",
            key: "nav.account",
            current: false,
        });
        for item in &mut nav {
            item.current = path == item.href || (item.href != "/dashboard" && path.starts_with(item.href));
        }
        Page {
            lang: s.lang,
            title: i18n::t(s.lang, title_key).to_owned(),
            user: Some(NavUser {
                name: s.caller.user.name.clone(),
                role_key: role_key(s.caller.user.role),
            }),
            csrf: s.session.csrf_token.clone(),
            nav,
            lang_href: lang_href(s.lang, path),
            demo: false,
        }
    }
}

/// The public menu: what anyone may use without an account.
fn public_nav(path: &str) -> Vec<NavItem> {
    [
        ("/directory", "nav.directory"),
        ("/verify", "nav.verify"),
        ("/fee-estimate", "nav.fee"),
        ("/report", "nav.report"),
    ]
    .into_iter()
    .map(|(href, key)| NavItem {
        href,
        key,
        current: path.starts_with(href),
    })
    .collect()
}

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Admin => "role.admin",
        Role::Office => "role.office",
        Role::Head => "role.head",
        Role::Coordinator => "role.coordinator",
        Role::Surveyor => "role.surveyor",
        Role::Committee => "role.committee",
        Role::Organization => "role.organization",
    }
}

fn lang_href(lang: Lang, path: &str) -> String {
    let other = match lang {
        Lang::Ja => "en",
        Lang::En => "ja",
    };
    format!("/lang/{other}?next={}", percent_encode(path, b"/-_."))
}

/// Percent-encodes every byte of `s` but ASCII letters, digits and those in `keep`.
pub(crate) fn percent_encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A path on this site: not `//host` (another site) and no backslash (which browsers read as a slash).
pub(crate) fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

/// Renders a template into a response; a template error is logged and becomes a plain 500 page.
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

pub fn render_status(status: StatusCode, t: &impl Template) -> Response {
    let mut r = render(t);
    if r.status().is_success() {
        *r.status_mut() = status;
    }
    r
}

/// Field errors by field name, for showing each message next to its field.
#[derive(Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    p: Page,
    status: u16,
    message_key: &'a str,
    detail: String,
}

pub fn error_page(e: &AppError, lang: Lang) -> Response {
    let message_key = match e {
        AppError::NotFound => "error.not_found",
        AppError::Forbidden => "error.forbidden",
        AppError::Conflict(_) => "error.conflict",
        AppError::TooManyRequests { .. } => "error.too_many",
        AppError::BadRequest(_)
        | AppError::Validation(_)
        | AppError::TooLarge
        | AppError::TooLargeWith(_) => "error.bad_request",
        AppError::Unauthorized => "error.unauthorized",
        AppError::Unavailable => "error.unavailable",
        AppError::Internal(_) => "error.internal",
    };
    let detail = match e {
        AppError::Conflict(_)
        | AppError::BadRequest(_)
        | AppError::Validation(_)
        | AppError::TooLargeWith(_) => e.detail(),
        _ => String::new(),
    };
    let info = ErrorInfo {
        status: crate::error::status(e),
        message_key,
        detail,
    };
    let mut resp = info.render(Page::public(lang, "error.title", "/"));
    if let Some(v) = crate::error::retry_after(e) {
        resp.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
    resp
}

/// What an error page says, kept on its response: the page is rendered where the error happens, which does
/// not know who is signed in, so `error_pages_for_the_visitor` renders it again with the visitor's navigation.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    status: StatusCode,
    message_key: &'static str,
    detail: String,
}

impl ErrorInfo {
    fn render(&self, p: Page) -> Response {
        let page = ErrorPage {
            p,
            status: self.status.as_u16(),
            message_key: self.message_key,
            detail: self.detail.clone(),
        };
        let mut resp = render_status(self.status, &page);
        resp.extensions_mut().insert(self.clone());
        resp
    }
}

/// Re-renders error pages (403, 404, CSRF, …) for the visitor: a signed-in user keeps the navigation and their
/// name instead of a "sign in" link, and the language switch returns to the same address.
pub async fn error_pages_for_the_visitor(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let secret = crate::auth::cookie(req.headers(), crate::auth::SESSION_COOKIE).map(str::to_owned);
    let lang = lang_of(req.headers());
    let path = req.uri().path().to_owned();
    let get = req.method() == axum::http::Method::GET;
    let resp = next.run(req).await;
    // A form's address opened again (a reload or a bookmark after a form error) leads back to the record the form
    // belongs to, not to a blank "405".
    if get && resp.status() == StatusCode::METHOD_NOT_ALLOWED {
        let parent = path.rsplit_once('/').map_or("/", |(p, _)| p);
        let parent = if is_local_path(parent) { parent } else { "/" };
        return Redirect::to(parent).into_response();
    }
    let Some(info) = resp.extensions().get::<ErrorInfo>().cloned() else {
        return resp;
    };
    // The database did not answer: asking it again for the visitor's session would only make them wait twice.
    if info.status == StatusCode::SERVICE_UNAVAILABLE {
        return resp;
    }
    let p = match signed_in(&state, secret.as_deref(), lang).await {
        Some(s) => Page::for_session(&s, "error.title", &path),
        None => Page::public(lang, "error.title", &path),
    };
    let mut page = info.render(p);
    for (name, value) in resp.headers() {
        if !page.headers().contains_key(name) {
            page.headers_mut().append(name.clone(), value.clone());
        }
    }
    page
}

/// The live, fully signed-in session behind `secret`, if any (errors count as none: this is decoration).
async fn signed_in(state: &AppState, secret: Option<&str>, lang: Lang) -> Option<AnySession> {
    let (session, user) = nintei_app::session::by_secret(state, secret?).await.ok()??;
    if session.mfa_pending {
        return None;
    }
    user.active.then(|| AnySession {
        caller: nintei_app::caller::Caller {
            user,
            request_id: String::new(),
        },
        session,
        lang,
    })
}

/// The answer to a form without a valid CSRF token or from another origin: 403, nothing changed.
pub fn csrf_refused() -> Response {
    let info = ErrorInfo {
        status: StatusCode::FORBIDDEN,
        message_key: "error.csrf",
        detail: String::new(),
    };
    info.render(Page::public(Lang::Ja, "error.title", "/"))
}

pub async fn not_found(headers: HeaderMap, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return WebError(AppError::NotFound).into_response();
    }
    PageError::App(AppError::NotFound, lang_of(&headers)).into_response()
}

/// `Form<T>` whose rejection is a friendly 400 page instead of plain text.
pub struct UiForm<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for UiForm<T> {
    type Rejection = PageError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.headers());
        let req = crate::utf8::buffer_checked_form(req, state)
            .await
            .map_err(|e| PageError::App(e, lang))?;
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(UiForm(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(PageError::App(AppError::TooLarge, lang))
            }
            Err(e) => Err(PageError::App(AppError::BadRequest(e.body_text()), lang)),
        }
    }
}

/// Maps an application error to a page in the visitor's language.
pub fn in_lang(lang: Lang) -> impl Fn(AppError) -> PageError {
    move |e| match e {
        AppError::Unauthorized => PageError::Login,
        other => PageError::App(other, lang),
    }
}
