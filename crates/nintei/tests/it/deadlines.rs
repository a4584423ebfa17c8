//! The one deadline model: setting, moving and meeting deadlines, and the lists by person and by
//! organization (2026-11-20 is "today" in every test).

use chrono::NaiveDate;
use nintei_domain::deadline::Owner;
use nintei_domain::role::Role;
use nintei_store::deadlines::{self, NewDeadline};

use crate::support::{Browser, PASSWORD, TestApp};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn set(
    app: &TestApp,
    kind: &str,
    subject_id: &str,
    org: &str,
    assignee: Option<&str>,
    title: &str,
    due: &str,
) {
    let mut tx = app.state.db.begin_write().await.unwrap();
    let nd = NewDeadline {
        kind,
        subject: "acc_case",
        subject_id,
        organization_id: Some(org),
        owner: Owner::Organization,
        assignee_id: assignee,
        title,
        due_on: d(due),
    };
    deadlines::set(&mut tx, &nd, 0).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn deadlines_are_listed_overdue_this_week_and_later_by_person_and_organization() {
    let app = TestApp::new().await;
    let a = app.organization("A 株式会社").await;
    let b = app.organization("B 株式会社").await;
    // The office sees every record's deadlines (these name no real case, which only the office side may see).
    let (coord_id, coord_email) = app.user(Role::Office, None).await;
    set(
        &app,
        "self_study",
        "case-a",
        &a,
        Some(&coord_id),
        "セルフスタディ提出（A）",
        "2026-11-18",
    )
    .await;
    set(
        &app,
        "result_notice",
        "case-a",
        &a,
        None,
        "結果通知（A）",
        "2026-11-25",
    )
    .await;
    set(
        &app,
        "annual_report",
        "case-b",
        &b,
        None,
        "認定維持報告（B）",
        "2026-12-15",
    )
    .await;
    set(
        &app,
        "renewal_notice",
        "case-b",
        &b,
        None,
        "更新案内（B）",
        "2027-06-01",
    )
    .await;
    let mut staff = Browser::new(&app);
    staff.sign_in(&coord_email, PASSWORD).await;
    let html = staff.get("/deadlines").await.text();
    let overdue = html.find("期限切れ（1）").expect("one overdue");
    let week = html.find("7日以内（1）").expect("one this week");
    let later = html.find("30日以内（1）").expect("one later within 30 days");
    assert!(overdue < week && week < later);
    assert!(html.contains("セルフスタディ提出（A）") && html.contains("2日超過"));
    assert!(!html.contains("更新案内（B）"), "beyond 30 days");
    let mine = staff.get("/deadlines?mine=1").await.text();
    assert!(mine.contains("セルフスタディ提出（A）") && !mine.contains("結果通知（A）"));
    // An organization's user sees only its own organization's deadlines.
    let (_, org_email) = app.user(Role::Organization, Some(&b)).await;
    let mut org = Browser::new(&app);
    org.sign_in(&org_email, PASSWORD).await;
    let own = org.get("/deadlines").await.text();
    assert!(own.contains("認定維持報告（B）") && !own.contains("（A）"));
}

#[tokio::test]
async fn the_deadline_list_pages_searches_and_filters_at_real_size() {
    let app = TestApp::new().await;
    let a = app.organization("あおい株式会社").await;
    let b = app.organization("かえで株式会社").await;
    let (_, email) = app.user(Role::Office, None).await;
    // 57 deadlines of one organization over the coming month, 3 overdue, and one of another.
    for i in 0..57u32 {
        let due = d("2026-11-17") + chrono::Days::new(u64::from(i / 2));
        let title = format!("資料提出{i:02}");
        set(
            &app,
            "documents_due",
            &format!("case-{i}"),
            &a,
            None,
            &title,
            &due.to_string(),
        )
        .await;
    }
    set(
        &app,
        "documents_due",
        "case-b",
        &b,
        None,
        "結果通知（かえで）",
        "2026-11-30",
    )
    .await;
    let mut staff = Browser::new(&app);
    staff.sign_in(&email, PASSWORD).await;
    let html = staff.get("/deadlines").await.text();
    assert!(html.contains("該当 58（1–50）"), "{html}");
    assert_eq!(
        html.matches("<tr>").count() - html.matches("<thead><tr>").count(),
        50
    );
    assert!(html.contains("href=\"/deadlines?page=2\""), "{html}");
    let html = staff.get("/deadlines?page=2").await.text();
    assert!(html.contains("該当 58（51–58）") && html.contains("rel=\"prev\""));
    // Search by the organization's name; only the overdue ones; the latest first.
    let html = staff.get("/deadlines?q=%E3%81%8B%E3%81%88%E3%81%A7").await.text();
    assert!(
        html.contains("該当 1") && html.contains("結果通知（かえで）"),
        "{html}"
    );
    let html = staff.get("/deadlines?only=overdue").await.text();
    assert!(html.contains("該当 6") && !html.contains("7日以内（"), "{html}");
    let html = staff.get("/deadlines?sort=due_desc").await.text();
    assert!(
        html.contains("資料提出56") && !html.contains("資料提出00"),
        "the latest first: {html}"
    );
    // Nonsense is no error.
    staff
        .get("/deadlines?only=zz&sort=x&page=-1&q=%25")
        .await
        .assert_status(200);
}

#[tokio::test]
async fn setting_again_moves_the_date_and_meeting_closes_it() {
    let app = TestApp::new().await;
    let a = app.organization("A 株式会社").await;
    set(
        &app,
        "documents_due",
        "case-a",
        &a,
        None,
        "資料提出",
        "2026-12-01",
    )
    .await;
    set(
        &app,
        "documents_due",
        "case-a",
        &a,
        None,
        "資料提出",
        "2027-01-10",
    )
    .await;
    let list = deadlines::for_subject(app.state.db.pool(), "acc_case", "case-a")
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].due_on, "2027-01-10");
    let mut tx = app.state.db.begin_write().await.unwrap();
    assert!(
        deadlines::meet(&mut tx, "acc_case", "case-a", "documents_due", d("2026-12-20"), 0)
            .await
            .unwrap()
    );
    assert!(
        !deadlines::meet(&mut tx, "acc_case", "case-a", "documents_due", d("2026-12-21"), 0)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert!(
        deadlines::open_until(app.state.db.pool(), d("2027-12-31"), None)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn accreditation_steps_keep_the_one_deadline_model_current() {
    // ACC-5/6: planning sets the self-study deadline for the organization; submitting it meets that deadline.
    let app = TestApp::new().await;
    let acc = crate::acc_fixture::Acc::new(&app, "2026-10-01", None).await;
    acc.accept("2026-10-05").await;
    acc.plan("2026-12-15", "2027-01-20").await;
    let rows = deadlines::for_subject(app.state.db.pool(), "acc_case", &acc.case_id)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (
            rows[0].kind.as_str(),
            rows[0].due_on.as_str(),
            rows[0].owner.as_str()
        ),
        ("self_study", "2026-12-15", "organization")
    );
    assert_eq!(rows[0].organization_id.as_deref(), Some(acc.org_id.as_str()));
    assert_eq!(rows[0].assignee_id.as_deref(), Some(acc.coordinator_id.as_str()));
    acc.submit_self_study("2026-11-20").await;
    let rows = deadlines::for_subject(app.state.db.pool(), "acc_case", &acc.case_id)
        .await
        .unwrap();
    assert_eq!(
        rows[0].met_on.as_deref(),
        Some("2026-11-20"),
        "met by the submission"
    );
    assert!(
        deadlines::open_until(app.state.db.pool(), d("2027-12-31"), None)
            .await
            .unwrap()
            .is_empty()
    );
}
