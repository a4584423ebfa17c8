//! Deadline reminders across a year: a fake clock moves day by day, two workers on two connection
//! pools run the daily job, and each reminder point goes out exactly once, on its day, to the right address.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use nintei_domain::deadline::Owner;
use nintei_domain::role::Role;
use nintei_store::Db;
use nintei_store::deadlines::{self, NewDeadline};
use nintei_web::AppState;

use crate::support::{TestApp, org_body};

async fn org_with_contact(app: &TestApp, name: &str, email: &str) -> String {
    let (_, office) = app.login(Role::Office, None).await;
    let mut body = org_body(name);
    body["contact"]["email"] = serde_json::json!(email);
    let r = app.post_json("/api/v1/organizations", Some(&office), &body).await;
    r.json()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_year_of_reminders_each_sent_once_on_its_day_to_the_right_organization() {
    let app = TestApp::new().await;
    let a = org_with_contact(&app, "A 株式会社", "a@org-a.example").await;
    let b = org_with_contact(&app, "B 株式会社", "b@org-b.example").await;
    let deadlines_set = [
        ("annual_report", "x1", &a, "2027-03-31"),
        ("self_report", "x2", &b, "2027-01-15"),
    ];
    let mut tx = app.state.db.begin_write().await.unwrap();
    for (kind, subject_id, org, due) in deadlines_set {
        let nd = NewDeadline {
            kind,
            subject: "acc_case",
            subject_id,
            organization_id: Some(org),
            owner: Owner::Organization,
            assignee_id: None,
            title: "認定維持報告書の提出",
            due_on: due.parse().unwrap(),
        };
        deadlines::set(&mut tx, &nd, 0).await.unwrap();
    }
    tx.commit().await.unwrap();
    // A second "instance": its own connection pool, the same clock.
    let second = AppState::new(
        Db::connect(&app.db.url).await.unwrap(),
        app.clock.clone(),
        nintei_web::Config::default(),
    );
    let start = Utc.with_ymd_and_hms(2026, 11, 20, 0, 30, 0).unwrap(); // 09:30 JST
    let mut seen_per_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    let mut last = 0;
    for day in 0..365 {
        app.clock.set(start + Duration::days(day));
        let (r1, r2) = tokio::join!(
            async {
                nintei_app::jobs::schedule_recurring(&app.state).await.unwrap();
                nintei_app::jobs::run_due(&app.state, "worker-1").await.unwrap()
            },
            async {
                nintei_app::jobs::schedule_recurring(&second).await.unwrap();
                nintei_app::jobs::run_due(&second, "worker-2").await.unwrap()
            }
        );
        let _ = (r1, r2);
        let n = app.count("mail_outbox").await;
        if n > last {
            seen_per_day.insert(nintei_app::clock::Clock::today(app.clock.as_ref()), n - last);
            last = n;
        }
    }
    let days: Vec<(String, i64)> = seen_per_day.iter().map(|(d, n)| (d.to_string(), *n)).collect();
    let expected: Vec<(String, i64)> = [
        ("2026-12-16", 1), // B: 30 days before 2027-01-15
        ("2027-01-08", 1), // B: 7 days before
        ("2027-01-14", 1), // B: 1 day before
        ("2027-01-16", 1), // B: the day after
        ("2027-03-01", 1), // A: 30 days before 2027-03-31
        ("2027-03-24", 1), // A: 7 days before
        ("2027-03-30", 1), // A: 1 day before
        ("2027-04-01", 1), // A: the day after
    ]
    .iter()
    .map(|(d, n)| ((*d).to_owned(), *n))
    .collect();
    assert_eq!(days, expected);
    // Addresses: every reminder of A went to A, every one of B to B.
    let to_a = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM reminders_sent WHERE recipient = 'a@org-a.example'")
        .await
        .unwrap();
    let to_b = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM reminders_sent WHERE recipient = 'b@org-b.example'")
        .await
        .unwrap();
    assert_eq!((to_a, to_b), (4, 4));
    let outbox_to_a = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM mail_outbox WHERE to_address = 'a@org-a.example'")
        .await;
    if let Ok(n) = outbox_to_a {
        assert_eq!(n, 4);
    }
    // The daily job itself ran once a day although two workers scheduled it.
    let passes = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'deadline_reminders'")
        .await
        .unwrap();
    assert_eq!(passes, 365);
}

#[tokio::test]
async fn a_met_deadline_gets_no_more_reminders() {
    let app = TestApp::new().await;
    let a = org_with_contact(&app, "A 株式会社", "a@org-a.example").await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    let nd = NewDeadline {
        kind: "documents_due",
        subject: "acc_case",
        subject_id: "c",
        organization_id: Some(&a),
        owner: Owner::Organization,
        assignee_id: None,
        title: "資料の提出",
        due_on: "2026-12-10".parse().unwrap(),
    };
    deadlines::set(&mut tx, &nd, 0).await.unwrap();
    deadlines::meet(
        &mut tx,
        "acc_case",
        "c",
        "documents_due",
        "2026-11-20".parse().unwrap(),
        0,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    app.clock.set(Utc.with_ymd_and_hms(2026, 12, 9, 1, 0, 0).unwrap());
    nintei_app::jobs::schedule_recurring(&app.state).await.unwrap();
    nintei_app::jobs::run_due(&app.state, "w").await.unwrap();
    assert_eq!(app.count("reminders_sent").await, 0);
}
