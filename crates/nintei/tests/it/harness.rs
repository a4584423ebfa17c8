//! Shared machinery of the route-walking harnesses (authorization matrix, CSRF sweep, property tests,
//! concurrency): a fixture with two organizations, fresh signed-in subjects of any role made without password
//! hashing, and one way to send a route's request as a browser or an API client.

use std::sync::OnceLock;

use axum::body::Body as HttpBody;
use axum::http::{Method, Request, header};
use nintei_app::security::random_token;
use nintei_domain::role::Role;
use nintei_store::{Snapshot, sessions, tokens, users};
use nintei_web::RouteInfo;
use serde_json::Value;

use crate::requests::{Ctx, valid_body};
use crate::support::{PASSWORD, TestApp, TestResponse, enc};

/// The host the in-process browser pretends to talk to.
pub const HOST: &str = "nintei.test";
pub const ORIGIN: &str = "http://nintei.test";
/// A valid base32 TOTP secret (20 bytes): the fixture administrators' second factor.
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// argon2 is slow on purpose; the harnesses need hundreds of users, so they share one hash of `PASSWORD`.
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| nintei_app::security::hash_password(PASSWORD).expect("hash"))
}

/// Every role, in the matrix's column order (anonymous first, as `None`).
pub const WHO: [Option<Role>; 8] = [
    None,
    Some(Role::Admin),
    Some(Role::Office),
    Some(Role::Head),
    Some(Role::Coordinator),
    Some(Role::Surveyor),
    Some(Role::Committee),
    Some(Role::Organization),
];

pub fn who_name(who: Option<Role>) -> &'static str {
    who.map_or("anonymous", Role::as_str)
}

/// Which record a request names. Later schemes add `Assigned` and `Conflicted` here, and a fixture for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// The route names no record.
    None,
    /// The organization of the `organization` role's user.
    Own,
    /// Another organization, which that user must not even learn exists.
    Other,
}

impl Record {
    pub fn parse(s: &str) -> Option<Record> {
        match s {
            "-" => Some(Record::None),
            "own" => Some(Record::Own),
            "other" => Some(Record::Other),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Record::None => "-",
            Record::Own => "own",
            Record::Other => "other",
        }
    }
}

/// A signed-in (or anonymous) caller made for one request: a fresh user, session and token.
#[derive(Debug, Clone)]
pub struct Subject {
    pub user_id: String,
    pub email: String,
    /// The session cookie's value (empty for anonymous).
    pub session: String,
    /// The session's form token; for anonymous, a double-submit value also set as the pre-login cookie.
    pub csrf: String,
    /// An API bearer token (empty for anonymous).
    pub token: String,
}

/// The world the harnesses run in: an app on a fresh database and two organizations.
pub struct Fixture {
    pub app: TestApp,
    pub own_org: (String, String),
    pub other_org: (String, String),
    counter: std::sync::atomic::AtomicU64,
}

impl Fixture {
    pub async fn new() -> Fixture {
        Fixture::on(TestApp::new().await).await
    }

    pub async fn on(app: TestApp) -> Fixture {
        let own_name = "株式会社じぶん相談室".to_owned();
        let other_name = "合同会社よその相談室".to_owned();
        let own = app.organization(&own_name).await;
        let other = app.organization(&other_name).await;
        Fixture {
            app,
            own_org: (own, own_name),
            other_org: (other, other_name),
            counter: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// A number that grows with every call (for addresses and names).
    pub fn counter_value(&self) -> u64 {
        self.counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    pub fn nonce(&self) -> String {
        let n = self.counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("{n}-{}", &uuid::Uuid::new_v4().simple().to_string()[..6])
    }

    pub fn record_id(&self, record: Record) -> &str {
        match record {
            Record::Other => &self.other_org.0,
            Record::None | Record::Own => &self.own_org.0,
        }
    }

    /// A fresh user of `role` (organization users belong to the own organization) with the shared password,
    /// inserted directly; administrators get `TOTP_SECRET` enrolled.
    pub async fn user(&self, role: Role) -> (String, String) {
        let email = format!("{}-{}@harness.example", role.as_str(), self.nonce());
        let org = (role == Role::Organization).then_some(self.own_org.0.as_str());
        let now = self.app.state.clock.unix();
        let mut tx = self.app.state.db.begin_write().await.expect("tx");
        let new = users::NewUser {
            email: &email,
            name: "検証 利用者",
            role,
            organization_id: org,
            password_hash: password_hash(),
        };
        let id = users::insert(&mut tx, &new, now).await.expect("insert user");
        if role == Role::Admin {
            users::set_totp(&mut tx, &id, Some(TOTP_SECRET), true, now)
                .await
                .expect("totp");
        }
        tx.commit().await.expect("commit");
        (id, email)
    }

    /// A fresh subject: for a role, a new user with a live session (second factor done) and an API token;
    /// for anonymous, an office user's credentials (what a visitor types on the login page) and a pre-login
    /// form token.
    pub async fn subject(&self, who: Option<Role>) -> Subject {
        let (user_id, email) = self.user(who.unwrap_or(Role::Office)).await;
        let csrf = random_token(24);
        if who.is_none() {
            return Subject {
                user_id,
                email,
                session: String::new(),
                csrf,
                token: String::new(),
            };
        }
        let session = random_token(32);
        let token = random_token(32);
        let now = self.app.state.clock.unix();
        let mut tx = self.app.state.db.begin_write().await.expect("tx");
        let new = sessions::NewSession {
            secret: &session,
            user_id: &user_id,
            csrf_token: &csrf,
            mfa_pending: false,
            address: "local",
            user_agent: "harness",
        };
        sessions::create(&mut tx, &new, now).await.expect("session");
        tokens::create(&mut tx, &token, &user_id, now)
            .await
            .expect("token");
        tx.commit().await.expect("commit");
        Subject {
            user_id,
            email,
            session,
            csrf,
            token,
        }
    }

    /// The request context for `subject` (of role `who`) naming `record` on `route`: builds the record the
    /// route needs (`harness_records.rs`).
    pub async fn ctx(&self, route: &RouteInfo, who: Option<Role>, subject: &Subject, record: Record) -> Ctx {
        let built = self.build(route, who, subject, record).await;
        Ctx {
            user_id: subject.user_id.clone(),
            email: subject.email.clone(),
            csrf: subject.csrf.clone(),
            org: built.org.clone(),
            now: self.app.state.clock.unix(),
            nonce: self.nonce(),
            params: built.params(),
            built,
        }
    }

    /// `route`'s path with its parameters filled in from `ctx`; with `missing`, the record (`{id}` or
    /// `{number}`) is replaced by one that does not exist.
    pub fn path(&self, route: &RouteInfo, ctx: &Ctx, missing: Option<&str>) -> Result<String, String> {
        let mut path = route.path.to_owned();
        let names_record = if route.params().contains(&"id") {
            "id"
        } else {
            "number"
        };
        for p in route.params() {
            let value = match (p, missing) {
                (p, Some(m)) if p == names_record => m.to_owned(),
                ("code", _) => "en".to_owned(),
                // The screens' step routes: the first step of each (ACC-4 eligibility, REG-7 records).
                ("step", _) if route.path.starts_with("/accreditation") => "eligibility".to_owned(),
                ("step", _) => "records".to_owned(),
                (other, _) => match ctx.params.get(other) {
                    Some(v) if !v.is_empty() => v.clone(),
                    _ => return Err(format!("{route}: no value for the path parameter {{{other}}}")),
                },
            };
            path = path.replace(&format!("{{{p}}}"), &value);
        }
        if let Some(q) = crate::requests::valid_query(&route.to_string(), ctx) {
            path = format!("{path}?{q}");
        }
        Ok(path)
    }

    pub async fn snapshot(&self, skip: &[&str]) -> Snapshot {
        self.app.state.db.snapshot(skip).await.expect("snapshot")
    }
}

/// Tables a rejected request (or a GET) may legitimately write: failed sign-ins and public-report attempts are
/// recorded on purpose (throttling, REG-7), and certificate verifications are counted.
pub const MAY_CHANGE_ON_REJECTION: &[&str] = &["auth_events", "reg_report_attempts"];

/// GET routes whose success is itself audited (every download of an uploaded file is an audit event):
/// a successful answer may add to `audit_events`.
pub const AUDITED_READS: &[&str] = &[
    "/api/v1/accreditation/cases/{id}/files/{file_id}",
    "/accreditation/cases/{id}/files/{file_id}",
    "/api/v1/registration/cases/{id}/files/{file_id}",
    "/registration/cases/{id}/files/{file_id}",
    "/api/v1/registration/investigations/{id}/files/{file_id}",
    "/registration/investigations/{id}/files/{file_id}",
    "/accreditation/cases/{id}/self-study/binder.pdf",
];

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Json(Value),
    Form(Vec<(String, String)>),
    /// Bytes as given, with this content type (None: no content-type header).
    Raw(Option<String>, Vec<u8>),
    /// `multipart/form-data`: text fields, then one file `(field, file name, content type, bytes)`.
    Multipart(Vec<(String, String)>, Option<(String, String, String, Vec<u8>)>),
}

/// The boundary of the harness's multipart bodies.
pub const BOUNDARY: &str = "nintei-harness-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body (for uploads).
pub fn multipart(fields: &[(String, String)], file: Option<&(String, String, String, Vec<u8>)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in fields {
        out.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    if let Some((field, name, ctype, bytes)) = file {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: {ctype}\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

impl Body {
    pub fn form(fields: &[(&str, &str)]) -> Body {
        Body::Form(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    pub fn encode(&self) -> (Option<String>, Vec<u8>) {
        match self {
            Body::Empty => (None, Vec::new()),
            Body::Json(v) => (Some("application/json".into()), v.to_string().into_bytes()),
            Body::Form(fields) => (
                Some("application/x-www-form-urlencoded".into()),
                fields
                    .iter()
                    .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
                    .collect::<Vec<_>>()
                    .join("&")
                    .into_bytes(),
            ),
            Body::Raw(ctype, bytes) => (ctype.clone(), bytes.clone()),
            Body::Multipart(fields, file) => (
                Some(format!("multipart/form-data; boundary={BOUNDARY}")),
                multipart(fields, file.as_ref()),
            ),
        }
    }
}

/// How a request travels: as the matrix wants it, or bent for the CSRF sweep.
#[derive(Debug, Clone)]
pub struct Send {
    /// Browser routes carry the session and pre-login cookies; API routes a bearer token.
    pub credentials: bool,
    /// Browser routes: send `Origin`/`Sec-Fetch-Site` of the app itself.
    pub same_origin: bool,
    /// Extra headers (a foreign `Origin`, `Sec-Fetch-Site: cross-site`, …).
    pub headers: Vec<(String, String)>,
    /// API routes: send the session cookie instead of the bearer token.
    pub cookie_instead_of_bearer: bool,
}

impl Default for Send {
    fn default() -> Send {
        Send {
            credentials: true,
            same_origin: true,
            headers: Vec::new(),
            cookie_instead_of_bearer: false,
        }
    }
}

/// Sends `body` to `path` of `route` as `subject`.
pub async fn send(
    app: &TestApp,
    route: &RouteInfo,
    path: &str,
    subject: &Subject,
    body: &Body,
    how: &Send,
) -> TestResponse {
    let mut req = Request::builder()
        .method(route.method.clone())
        .uri(path)
        .header(header::HOST, HOST);
    let (ctype, bytes) = body.encode();
    if let Some(c) = ctype {
        req = req.header(header::CONTENT_TYPE, c);
    }
    let cookies = if subject.session.is_empty() {
        format!("nintei_csrf={}", subject.csrf)
    } else {
        format!("nintei_session={}; nintei_csrf={}", subject.session, subject.csrf)
    };
    if how.credentials {
        if route.is_api() && !how.cookie_instead_of_bearer {
            if !subject.token.is_empty() {
                req = req.header(header::AUTHORIZATION, format!("Bearer {}", subject.token));
            }
        } else {
            req = req.header(header::COOKIE, cookies);
        }
    }
    if how.same_origin && !route.is_api() && route.method != Method::GET {
        req = req
            .header(header::ORIGIN, ORIGIN)
            .header("sec-fetch-site", "same-origin");
    }
    for (k, v) in &how.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let mut req = req.body(HttpBody::from(bytes)).expect("request");
    // Every subject is a client of its own (throttles count per address, e.g. the REG-7 public reports).
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(client_address(&subject.user_id)));
    app.send(req).await
}

/// A documentation address (RFC 5737) derived from the user id.
fn client_address(user_id: &str) -> std::net::SocketAddr {
    let h = user_id
        .bytes()
        .fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
    let [_, b, c, d] = h.to_be_bytes();
    std::net::SocketAddr::from(([10, b, c, d], 40000))
}

/// Sends the route's valid request (from `requests.rs`) as `subject` naming `record`.
pub async fn send_valid(
    fx: &Fixture,
    route: &RouteInfo,
    who: Option<Role>,
    subject: &Subject,
    record: Record,
    how: &Send,
) -> Result<TestResponse, String> {
    let ctx = fx.ctx(route, who, subject, record).await;
    let body = body_for(route, &ctx)?;
    let path = fx.path(route, &ctx, None)?;
    Ok(send(&fx.app, route, &path, subject, &body, how).await)
}

/// The valid body of `route`, or an error naming the route when `requests.rs` has none.
pub fn body_for(route: &RouteInfo, ctx: &Ctx) -> Result<Body, String> {
    match valid_body(&route.to_string(), ctx) {
        Some(b) => Ok(b),
        None if route.method == Method::GET || route.method == Method::DELETE => Ok(Body::Empty),
        None => Err(format!(
            "{route}: no valid request body in tests/it/requests.rs — add one"
        )),
    }
}
