//! Test support: a fresh database per test (SQLite file or a new PostgreSQL database), the app behind an
//! in-process router, a fixed clock, builders for users and organizations, and a cookie-keeping browser.
//!
//! `NINTEI_TEST_BACKEND=postgres` runs the same tests on PostgreSQL (`NINTEI_TEST_PG_URL`, default
//! `postgres://postgres@127.0.0.1:5432`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use nintei_app::account::{NewAccount, create_account};
use nintei_app::clock::FixedClock;
use nintei_domain::role::Role;
use nintei_store::Db;
use nintei_web::{AppState, Config};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const PASSWORD: &str = "Tsubaki-Hinoki-7741";

pub fn backend() -> String {
    std::env::var("NINTEI_TEST_BACKEND").unwrap_or_else(|_| "sqlite".into())
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub url: String,
    /// The uploaded files of this test (`Config::files_dir`).
    pub files: std::path::PathBuf,
    pg_name: Option<String>,
    dir: Option<std::path::PathBuf>,
}

fn pg_base() -> String {
    std::env::var("NINTEI_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

impl TestDb {
    pub async fn new() -> TestDb {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        if backend() == "postgres" {
            let name = format!("nintei_t_{tag}");
            let admin = Db::connect(&format!("{}/postgres", pg_base()))
                .await
                .expect("connect to PostgreSQL");
            let template = pg_template_name();
            let create = format!("CREATE DATABASE {name} TEMPLATE {template}");
            if admin.execute_raw(&create).await.is_err() {
                build_pg_template(&admin, &template).await;
                sqlx_exec(&admin, &create).await;
            }
            admin.close().await;
            TestDb {
                files: std::env::temp_dir().join(format!("nintei-files-{tag}")),
                url: format!("{}/{name}", pg_base()),
                pg_name: Some(name),
                dir: None,
            }
        } else {
            let dir = std::env::temp_dir().join(format!("nintei-test-{tag}"));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let url = format!("sqlite://{}/nintei.db", dir.display());
            TestDb {
                files: dir.join("files"),
                url,
                pg_name: None,
                dir: Some(dir),
            }
        }
    }
}

/// The migrated database each test's database is copied from: a copy takes a tenth of a second where applying
/// the migrations one by one takes most of a second. Named by the migrations' checksum, so changed migrations get
/// a template of their own.
fn pg_template_name() -> String {
    let all: String = nintei_store::MIGRATIONS
        .iter()
        .map(|(version, name, _, postgres)| format!("{version} {name}\n{postgres}\n"))
        .collect();
    format!("nintei_tpl_{}", &nintei_store::sha256_hex(all.as_bytes())[..16])
}

/// Builds `template` under a name of its own and renames it, so that a test never copies a half-built one; when
/// two tests build at once, one rename wins and the other copy is dropped.
async fn build_pg_template(admin: &Db, template: &str) {
    let building = format!("{template}_b{}", uuid::Uuid::new_v4().simple());
    sqlx_exec(
        admin,
        &format!("CREATE DATABASE {building} ENCODING 'UTF8' TEMPLATE template0"),
    )
    .await;
    let db = Db::open(&format!("{}/{building}", pg_base()))
        .await
        .expect("migrate the template database");
    db.close().await;
    for _ in 0..50 {
        match admin
            .execute_raw(&format!("ALTER DATABASE {building} RENAME TO {template}"))
            .await
        {
            Ok(()) => return,
            Err(e) if e.to_string().contains("already exists") => break,
            // The closed connections' server processes may not have ended yet.
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    let _ = admin
        .execute_raw(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
        .await;
}

pub async fn sqlx_exec(db: &Db, sql: &str) {
    nintei_store_exec(db, sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn nintei_store_exec(db: &Db, sql: &str) -> Result<(), String> {
    db.execute_raw(sql).await.map_err(|e| e.to_string())
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let base = pg_base();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    if let Ok(admin) = Db::connect(&format!("{base}/postgres")).await {
                        let _ = admin
                            .execute_raw(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
        let _ = std::fs::remove_dir_all(&self.files);
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<FixedClock>,
    pub router: Router,
    pub db: TestDb,
}

pub fn t0() -> DateTime<Utc> {
    // 2026-11-20 10:00 JST, a Friday.
    Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0)
        .single()
        .expect("valid time")
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }

    pub fn location(&self) -> String {
        self.header("location")
    }

    #[track_caller]
    pub fn assert_status(&self, expected: u16) -> &Self {
        assert_eq!(self.status.as_u16(), expected, "body: {}", self.text());
        self
    }

    /// The `{field}` names of a problem+json validation error.
    pub fn error_fields(&self) -> Vec<String> {
        assert_eq!(
            self.header("content-type"),
            "application/problem+json",
            "{}",
            self.text()
        );
        self.json()["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_config(Config::default()).await
    }

    pub async fn with_config(mut config: Config) -> TestApp {
        nintei_app::security::use_test_cost();
        let db = TestDb::new().await;
        // Uploaded files go to a folder of this test's own, removed with its database.
        if config.files_dir == Config::default().files_dir {
            config.files_dir = db.files.clone();
        }
        let database = Db::open(&db.url).await.expect("open test database");
        let clock = Arc::new(FixedClock::new(t0()));
        let state = AppState::new(database, clock.clone(), config);
        nintei_app::acc::ensure_catalog(&state)
            .await
            .expect("load the sample standards catalog");
        let router = nintei_web::router(state.clone());
        TestApp {
            state,
            clock,
            router,
            db,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> TestResponse {
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router never fails");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> TestResponse {
        let mut req = Request::get(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> TestResponse {
        let mut req = Request::delete(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> TestResponse {
        self.post_raw(path, token, &body.to_string(), &[]).await
    }

    /// POSTs bytes with a content type (uploads).
    pub async fn post_raw_bytes(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> TestResponse {
        let mut req = Request::post(path);
        if let Some(c) = content_type {
            req = req.header(header::CONTENT_TYPE, c);
        }
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::from(body)).expect("request")).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        body: &str,
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body.to_owned())).expect("request"))
            .await
    }

    /// Creates a user directly (no HTTP) and returns its id and e-mail.
    pub async fn user(&self, role: Role, organization_id: Option<&str>) -> (String, String) {
        let email = format!(
            "{}-{}@test.example",
            role,
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let account = NewAccount {
            email: &email,
            name: "試験 利用者",
            role: role.as_str(),
            organization_id,
            password: PASSWORD,
        };
        let id = create_account(&self.state, None, &account)
            .await
            .expect("create user");
        (id, email)
    }

    pub async fn token_for(&self, email: &str) -> String {
        let r = self
            .post_json(
                "/api/v1/auth/token",
                None,
                &json!({"email": email, "password": PASSWORD}),
            )
            .await;
        r.assert_status(200);
        r.json()["token"].as_str().expect("token").to_owned()
    }

    /// A user of `role` and a token for it; an administrator gets the harness's second factor enrolled first
    /// (administrators' tokens need one).
    pub async fn login(&self, role: Role, organization_id: Option<&str>) -> (String, String) {
        let (id, email) = self.user(role, organization_id).await;
        if role != Role::Admin {
            return (id, self.token_for(&email).await);
        }
        let secret = crate::harness::TOTP_SECRET;
        let mut tx = self.state.db.begin_write().await.expect("tx");
        nintei_store::users::set_totp(&mut tx, &id, Some(secret), true, 0)
            .await
            .expect("totp");
        tx.commit().await.expect("commit");
        let now = nintei_app::clock::Clock::unix(self.clock.as_ref());
        let code = nintei_app::security::totp_code(secret, now / 30).expect("code");
        let r = self
            .post_json(
                "/api/v1/auth/token",
                None,
                &json!({"email": email, "password": PASSWORD, "totp": code}),
            )
            .await;
        r.assert_status(200);
        (id, r.json()["token"].as_str().expect("token").to_owned())
    }

    /// Creates an organization through the API as an office user; returns its id.
    pub async fn organization(&self, name: &str) -> String {
        let (_, office) = self.login(Role::Office, None).await;
        let r = self
            .post_json("/api/v1/organizations", Some(&office), &org_body(name))
            .await;
        r.assert_status(201);
        r.json()["id"].as_str().expect("id").to_owned()
    }

    pub async fn count(&self, table: &str) -> i64 {
        self.state.db.count_rows(table).await.expect("count")
    }
}

/// A valid organization body (API.md "Organizations").
pub fn org_body(name: &str) -> Value {
    json!({
        "name": name,
        "legal_form": "kabushiki_kaisha",
        "corporate_number": null,
        "prefecture": "40",
        "address": "福岡県北九州市小倉北区浅野1-2-3",
        "representative": "代表取締役 山田 太郎",
        "contact": {"name": "担当 花子", "email": "contact@example.jp", "phone": "093-555-0101"}
    })
}

/// A browser: keeps cookies, reads form tokens, sends same-origin form posts.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: HashMap<String, String>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, r: &TestResponse) {
        for v in r.headers.get_all(header::SET_COOKIE) {
            let Ok(v) = v.to_str() else { continue };
            let first = v.split(';').next().unwrap_or("");
            if let Some((k, val)) = first.split_once('=') {
                if val.is_empty() || v.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), val.to_owned());
                }
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("req");
        let r = self.app.send(req).await;
        self.keep_cookies(&r);
        r
    }

    /// Posts a form with the given extra headers (e.g. a foreign Origin).
    pub async fn post_form_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, self.cookie_header())
            .header(header::HOST, "nintei.test");
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let r = self.app.send(req.body(Body::from(body)).expect("req")).await;
        self.keep_cookies(&r);
        r
    }

    /// A same-origin form post, as a browser sends it.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        self.post_form_with(
            path,
            fields,
            &[
                ("origin", "http://nintei.test"),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await
    }

    /// Signs in through the login form; returns the response to the form post.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> TestResponse {
        let page = self.get("/login").await;
        let csrf = hidden(&page.text(), "csrf");
        self.post_form(
            "/login",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
    }

    /// The CSRF token of the signed-in session, read from a page's form.
    pub async fn csrf(&mut self, path: &str) -> String {
        let page = self.get(path).await;
        hidden(&page.text(), "csrf")
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.cookies.get("nintei_session").cloned()
    }
}

/// The value of the first hidden input named `name` in an HTML page.
pub fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    html.find(&needle)
        .map(|i| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_owned()
        })
        .unwrap_or_default()
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
