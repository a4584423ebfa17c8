//! `nintei demo --scale N` (the benchmark's data generator): organizations, published registrations with their search
//! index, accreditation cases and active accreditations, the counters moved past the numbers it used, and a
//! second run adds nothing.

use std::process::Command;

use nintei_domain::role::Role;
use nintei_store::bulk;

use crate::support::{Browser, PASSWORD, TestApp};

fn demo(app: &TestApp, n: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nintei"))
        .args(["demo", "--scale", n, "--database", &app.db.url])
        .output()
        .expect("run nintei")
}

#[tokio::test]
async fn demo_scale_generates_searchable_listings_and_cases_once() {
    let app = TestApp::new().await;
    let out = demo(&app, "150");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("generated 150 organizations"), "{stdout}");
    assert!(stderr.contains("150/150"), "the progress bar: {stderr}");

    // The demo set (4 organizations, 3 registered rooms, 3 cases, 1 accreditation) plus the generated ones.
    assert_eq!(app.count("organizations").await, 154);
    assert_eq!(app.count("registrations").await, 153);
    assert_eq!(app.count("acc_cases").await, 153);
    let accreditations = app.count("accreditations").await;
    assert!(
        (30..=100).contains(&accreditations),
        "about three in ten cases accredited: {accreditations}"
    );
    assert_eq!(app.count("search_docs").await, 153 + accreditations);

    // Every generated registration is listed; search finds them by prefecture name and by a 2-character word.
    let all = app.get("/api/v1/public/registrations?limit=200", None).await;
    all.assert_status(200);
    assert_eq!(all.json()["items"].as_array().unwrap().len(), 153);
    let tokyo = app
        .get("/api/v1/public/registrations?q=東京都&limit=200", None)
        .await;
    tokyo.assert_status(200);
    let items = tokyo.json()["items"].as_array().unwrap().clone();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|i| i["address"].as_str().unwrap().contains("東京都"))
    );
    let filtered = app
        .get("/api/v1/public/registrations?prefecture=13&limit=200", None)
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert!(filtered >= items.len() - 1, "{filtered} vs {}", items.len());
    let counsel = app
        .get("/api/v1/public/registrations?q=相談&limit=200", None)
        .await;
    assert!(counsel.json()["items"].as_array().unwrap().len() >= 150);

    // The totals, counted from the search index alone, agree with the generated listings under every filter.
    for path in [
        "/api/v1/public/registrations?limit=200",
        "/api/v1/public/registrations?prefecture=13&limit=200",
        "/api/v1/public/registrations?q=相談&method=phone&limit=200",
        "/api/v1/public/registrations?q=東京都&method=online&limit=200",
        "/api/v1/public/accreditations?limit=200",
        "/api/v1/public/accreditations?service=b&limit=200",
        "/api/v1/public/accreditations?q=相談&prefecture=13&limit=200",
    ] {
        let v = app.get(path, None).await.json();
        let items = v["items"].as_array().unwrap().len();
        assert_eq!(v["total"].as_u64(), u64::try_from(items).ok(), "{path}");
    }

    // Accreditations are listed, searchable and verifiable.
    let accs = app
        .get("/api/v1/public/accreditations?limit=200", None)
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(i64::try_from(accs.len()).unwrap(), accreditations);
    let number = accs[0]["number"].as_str().unwrap().to_owned();
    let name = accs[0]["organization_name"].as_str().unwrap().to_owned();
    let one = app
        .get(&format!("/api/v1/public/accreditations/{number}"), None)
        .await;
    one.assert_status(200);
    assert_eq!(one.json()["status"], "active");
    let found = app
        .get(
            &format!(
                "/api/v1/public/accreditations?q={}&limit=200",
                crate::support::enc(&name)
            ),
            None,
        )
        .await
        .json();
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["number"] == number.as_str()),
        "{name} finds {number}"
    );
    app.get(&format!("/verify/{number}"), None)
        .await
        .assert_status(200);
    app.get("/directory?q=相談室", None).await.assert_status(200);

    // The staff case page of a generated case opens for the office.
    let (_, email) = app.user(Role::Office, None).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&email, PASSWORD).await;
    let case_id: String = {
        let cases = app
            .get(
                "/api/v1/accreditation/cases?limit=5",
                Some(&app.token_for(&email).await),
            )
            .await;
        cases.assert_status(200);
        cases.json()["items"][0]["id"].as_str().unwrap().to_owned()
    };
    browser
        .get(&format!("/accreditation/cases/{case_id}"))
        .await
        .assert_status(200);

    // The counters are past every generated number: the next registration and accreditation numbers are new.
    let mut tx = app.state.db.begin_write().await.unwrap();
    let reg = bulk::reg_counters(&mut tx).await.unwrap();
    let acc = bulk::acc_counters(&mut tx).await.unwrap();
    tx.rollback().await.unwrap();
    let reg_used: u32 = reg.values().sum();
    assert_eq!(reg_used, 153, "three demo registrations and 150 generated");
    let acc_used: u32 = acc.values().sum();
    assert_eq!(i64::from(acc_used), accreditations);

    // A second run adds nothing.
    let again = demo(&app, "150");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("there already"));
    assert_eq!(app.count("organizations").await, 154);
    assert_eq!(app.count("search_docs").await, 153 + accreditations);
}
