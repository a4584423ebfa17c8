//! Storage basics on the backend under test: migrations, health, backup.

use std::time::{Duration, Instant};

use nintei_domain::role::Role;

use crate::support::{Browser, PASSWORD, TestApp, backend, org_body};

#[tokio::test]
async fn migrations_are_idempotent_and_an_edited_one_stops_start_up() {
    let app = TestApp::new().await;
    assert!(
        app.state.db.migrate().await.unwrap().is_empty(),
        "second run applies nothing"
    );
    app.state
        .db
        .execute_raw("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        .await
        .unwrap();
    let err = app.state.db.migrate().await.unwrap_err().to_string();
    assert!(err.contains("edited"), "{err}");
}

#[test]
fn every_migration_file_is_listed_for_both_backends() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/migrations");
    for backend in ["sqlite", "postgres"] {
        let mut files: Vec<String> = std::fs::read_dir(dir.join(backend))
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .trim_end_matches(".sql")
                    .to_owned()
            })
            .collect();
        files.sort();
        let listed: Vec<String> = nintei_store::MIGRATIONS
            .iter()
            .map(|(_, name, ..)| (*name).to_owned())
            .collect();
        assert_eq!(files, listed, "{backend}");
    }
}

#[tokio::test]
async fn livez_and_healthz() {
    let app = TestApp::new().await;
    let r = app.get("/livez", None).await;
    r.assert_status(200);
    assert_eq!(r.text(), "ok");
    app.get("/healthz", None).await.assert_status(200);
    app.state.db.close().await;
    app.get("/healthz", None).await.assert_status(503);
    app.get("/livez", None).await.assert_status(200);
}

/// A database that does not answer (a locked SQLite file, a stopped PostgreSQL) is told at once, as 503 with
/// Retry-After — problem+json for the API, a page for the screens — and `/healthz` sees it; nothing is written.
#[tokio::test]
async fn an_unavailable_database_answers_503_within_seconds_and_healthz_sees_it() {
    let app = TestApp::new().await;
    let (_, office) = app.login(Role::Office, None).await;
    let (_, email) = app.user(Role::Office, None).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&email, PASSWORD).await.assert_status(303);
    let csrf = browser.csrf("/organizations/new").await;
    let organizations = app.count("organizations").await;
    // SQLite: another process holds the write lock. PostgreSQL: the pool is closed, which is how a stopped
    // server looks to a request (the server itself cannot be stopped from a test).
    let blocker = if backend() == "postgres" {
        app.state.db.close().await;
        None
    } else {
        let other = nintei_store::Db::connect(&app.db.url).await.unwrap();
        let lock = other.begin_write().await.unwrap();
        Some((other, lock))
    };
    let started = Instant::now();
    let r = app
        .post_json(
            "/api/v1/organizations",
            Some(&office),
            &org_body("株式会社ロック"),
        )
        .await;
    r.assert_status(503);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert_eq!(r.header("retry-after"), "5");
    // Reads go on (SQLite's WAL); the form that writes is told.
    let fields = crate::browser::org_fields(&csrf);
    let page = browser
        .post_form("/organizations", &crate::browser::as_refs(&fields))
        .await;
    page.assert_status(503);
    assert!(
        page.text().contains("データベースに接続できない"),
        "{}",
        page.text()
    );
    assert_eq!(page.header("retry-after"), "5");
    app.get("/healthz", None).await.assert_status(503);
    // Three requests, each told within the wait limit rather than after 10–30 s.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    if let Some((other, lock)) = blocker {
        lock.rollback().await.unwrap();
        other.close().await;
        assert_eq!(
            app.count("organizations").await,
            organizations,
            "nothing was written"
        );
        app.get("/healthz", None).await.assert_status(200);
        app.post_json(
            "/api/v1/organizations",
            Some(&office),
            &org_body("株式会社ロック"),
        )
        .await
        .assert_status(201);
    }
}

#[tokio::test]
async fn demo_data_loads_once() {
    let app = TestApp::new().await;
    assert!(nintei_app::demo::load(&app.state).await.unwrap());
    let users = app.count("users").await;
    assert_eq!(users as usize, nintei_app::demo::DEMO_USERS.len());
    assert!(app.count("organizations").await >= 3);
    // REG demo: registered rooms and one application with a finding under review.
    assert_eq!(app.count("registrations").await, 3);
    assert_eq!(app.count("reg_cases").await, 4);
    // ACC demo: an accredited case (every standard rated, fees paid), one in its self-study, one new application.
    assert_eq!(app.count("acc_cases").await, 3);
    assert_eq!(app.count("accreditations").await, 1);
    let r = app.get("/api/v1/public/accreditations", None).await;
    assert_eq!(
        r.json()["items"].as_array().unwrap().len(),
        1,
        "the demo accreditation is listed"
    );
    assert!(!nintei_app::demo::load(&app.state).await.unwrap());
    assert_eq!(app.count("users").await, users);
    // Every demo account can sign in (the admin needs its code).
    let r = app
        .post_json(
            "/api/v1/auth/token",
            None,
            &serde_json::json!({"email": "office@nintei.example", "password": nintei_app::demo::DEMO_PASSWORD}),
        )
        .await;
    r.assert_status(200);
}

#[tokio::test]
async fn backup_writes_a_database_that_opens_and_verifies() {
    let app = TestApp::new().await;
    app.organization("株式会社バックアップ").await;
    if app.state.db.backend() != nintei_store::Backend::Sqlite {
        let out = std::env::temp_dir().join(format!("nintei-backup-{}.db", uuid::Uuid::new_v4()));
        assert!(
            app.state
                .db
                .backup_sqlite(&out)
                .await
                .unwrap_err()
                .to_string()
                .contains("pg_dump")
        );
        return;
    }
    let out = std::env::temp_dir().join(format!("nintei-backup-{}.db", uuid::Uuid::new_v4()));
    app.state.db.backup_sqlite(&out).await.unwrap();
    let copy = nintei_store::Db::open(&format!("sqlite://{}", out.display()))
        .await
        .unwrap();
    assert_eq!(copy.count_rows("organizations").await.unwrap(), 1);
    assert!(matches!(
        nintei_store::audit::verify(&copy).await.unwrap(),
        nintei_store::ChainReport::Intact { .. }
    ));
    copy.close().await;
    let _ = std::fs::remove_file(out);
}
