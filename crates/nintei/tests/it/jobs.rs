//! The job table: idempotent enqueue, one claim per job across workers, lease expiry, retries with backoff,
//! and two `nintei serve` processes on one database running the hourly job once.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use nintei_app::jobs::BackgroundJob;
use nintei_store::Db;
use nintei_store::jobs::{self, NewJob};

use crate::support::TestApp;

fn job<'a>(kind: &'a str, key: Option<&'a str>, run_at: i64) -> NewJob<'a> {
    NewJob {
        kind,
        payload: "{}",
        dedupe_key: key,
        run_at,
        max_attempts: 3,
    }
}

#[tokio::test]
async fn enqueue_is_idempotent_by_key() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    assert!(jobs::enqueue(db, &job("k", Some("same"), 0), 0).await.unwrap());
    assert!(!jobs::enqueue(db, &job("k", Some("same"), 0), 0).await.unwrap());
    assert!(jobs::enqueue(db, &job("k", None, 0), 0).await.unwrap());
    assert!(jobs::enqueue(db, &job("k", None, 0), 0).await.unwrap());
    assert_eq!(app.count("jobs").await, 3);
}

#[tokio::test]
async fn two_workers_on_two_pools_never_run_a_job_twice() {
    let app = TestApp::new().await;
    for i in 0..40 {
        jobs::enqueue(&app.state.db, &job("work", Some(&format!("w{i}")), 0), 0)
            .await
            .unwrap();
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut workers = Vec::new();
    for w in 0..2 {
        // A second connection pool stands for a second process on the same database.
        let db = Db::connect(&app.db.url).await.unwrap();
        let seen = seen.clone();
        workers.push(tokio::spawn(async move {
            let name = format!("worker-{w}");
            while let Some(j) = jobs::claim(&db, &name, 10, 60).await.unwrap() {
                seen.lock().unwrap().push(j.id.clone());
                tokio::task::yield_now().await;
                assert!(jobs::complete(&db, &j, &name, 10).await.unwrap());
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let seen = seen.lock().unwrap().clone();
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(seen.len(), 40, "every job ran");
    assert_eq!(unique.len(), 40, "no job ran twice");
    assert_eq!(
        jobs::count_by_status(&app.state.db, "work", "done")
            .await
            .unwrap(),
        40
    );
}

#[tokio::test]
async fn a_crashed_workers_lease_expires_and_another_takes_the_job() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    jobs::enqueue(db, &job("work", None, 100), 100).await.unwrap();
    let first = jobs::claim(db, "crashing", 100, 60).await.unwrap().unwrap();
    assert_eq!(first.attempts, 1);
    assert!(
        jobs::claim(db, "other", 150, 60).await.unwrap().is_none(),
        "leased"
    );
    let again = jobs::claim(db, "other", 161, 60).await.unwrap().unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(again.attempts, 2);
    assert!(
        !jobs::complete(db, &first, "crashing", 170).await.unwrap(),
        "the old lease is void"
    );
    assert!(jobs::complete(db, &again, "other", 170).await.unwrap());
}

#[tokio::test]
async fn failures_retry_with_backoff_then_give_up() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    jobs::enqueue(db, &job("flaky", None, 0), 0).await.unwrap();
    let j = jobs::claim(db, "w", 0, 60).await.unwrap().unwrap();
    jobs::fail(db, &j, "w", 0, "boom").await.unwrap();
    assert!(
        jobs::claim(db, "w", 29, 60).await.unwrap().is_none(),
        "backoff 30 s"
    );
    let j = jobs::claim(db, "w", 30, 60).await.unwrap().unwrap();
    jobs::fail(db, &j, "w", 30, "boom").await.unwrap();
    assert!(
        jobs::claim(db, "w", 89, 60).await.unwrap().is_none(),
        "backoff 60 s"
    );
    let j = jobs::claim(db, "w", 90, 60).await.unwrap().unwrap();
    assert_eq!(j.attempts, 3);
    jobs::fail(db, &j, "w", 90, "boom").await.unwrap();
    assert!(
        jobs::claim(db, "w", 100_000, 60).await.unwrap().is_none(),
        "given up after max_attempts"
    );
    assert_eq!(jobs::count_by_status(db, "flaky", "failed").await.unwrap(), 1);
}

#[tokio::test]
async fn session_cleanup_job_removes_expired_sessions() {
    let app = TestApp::new().await;
    let (_, email) = app.user(nintei_domain::role::Role::Office, None).await;
    let mut b = crate::support::Browser::new(&app);
    b.sign_in(&email, crate::support::PASSWORD).await;
    assert_eq!(app.count("sessions").await, 1);
    app.clock.advance(chrono::Duration::hours(13));
    nintei_app::jobs::schedule_recurring(&app.state).await.unwrap();
    nintei_app::jobs::schedule_recurring(&app.state).await.unwrap();
    nintei_app::jobs::run_due(&app.state, "test").await.unwrap();
    let cleanups = jobs::count_by_status(
        &app.state.db,
        <nintei_app::jobs::SessionCleanup as BackgroundJob>::KIND,
        "done",
    )
    .await
    .unwrap();
    assert_eq!(cleanups, 1, "scheduled once per hour");
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn two_serve_processes_on_one_database_run_the_hourly_job_once() {
    let app = TestApp::new().await;
    let ports = [free_port(), free_port()];
    let mut children: Vec<std::process::Child> = ports
        .iter()
        .map(|p| {
            std::process::Command::new(env!("CARGO_BIN_EXE_nintei"))
                .args([
                    "serve",
                    "--listen",
                    &format!("127.0.0.1:{p}"),
                    "--database",
                    &app.db.url,
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    // Wait until both answer, then give their workers a pass.
    for p in ports {
        wait_for(p).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    for c in &mut children {
        let _ = c.kill();
        let _ = c.wait();
    }
    let db = &app.state.db;
    // Both processes schedule the hourly clean-up, the daily reminder pass and the daily registration expiry
    // (REG-4); the dedupe keys leave one job of each (two if a run straddles the hour), each claimed once.
    for kind in [
        <nintei_app::jobs::SessionCleanup as BackgroundJob>::KIND,
        <nintei_app::jobs::DeadlineReminders as BackgroundJob>::KIND,
        <nintei_app::jobs::RegExpiry as BackgroundJob>::KIND,
    ] {
        let done = jobs::count_by_status(db, kind, "done").await.unwrap();
        assert!((1..=2).contains(&done), "{kind}: {done} jobs done");
    }
    let rows = db.count_rows("jobs").await.unwrap();
    let done = db
        .scalar_i64("SELECT COUNT(*) AS n FROM jobs WHERE status = 'done'")
        .await
        .unwrap();
    assert_eq!(rows, done, "every scheduled job finished");
    assert!(rows <= 6, "both processes scheduled the same job: {rows} rows");
    let multi = sum_attempts(db).await;
    assert_eq!(multi, rows, "a job was claimed more than once");
}

async fn sum_attempts(db: &Db) -> i64 {
    db.scalar_i64("SELECT CAST(COALESCE(SUM(attempts), 0) AS BIGINT) AS n FROM jobs")
        .await
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_for(port: u16) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("nintei serve did not start on port {port}");
}
