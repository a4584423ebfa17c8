//! REG-3 1(2)イ on the API and the screens: a counselor's practice in years and months, and the conditions (main
//! duty, at least 3 days a week) stated per counselor, the findings computed from them.

use serde_json::json;

use crate::reg_common::{application, setup};
use crate::reg_screens::{application_form, refs, signed_in};
use crate::support::TestApp;

fn codes(findings: &serde_json::Value) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let f = f.as_str().unwrap();
            f.trim_start_matches('【').split('】').next().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn reg_3_practice_in_years_and_months_and_conditions_per_counselor_on_the_api() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let file = |body: serde_json::Value| {
        let app = &app;
        let token = reg.office.clone();
        async move {
            app.post_json("/api/v1/registration/cases", Some(&token), &body)
                .await
        }
    };
    // API.md's original four fields alone are still accepted: the checklist answer speaks for the conditions.
    let mut body = application(&reg.org_id, &reg.site_id, "2026-04-01");
    for c in body["counselors"].as_array_mut().unwrap() {
        let c = c.as_object_mut().unwrap();
        c.retain(|k, _| ["name", "qualification", "full_time", "years_of_practice"].contains(&k.as_str()));
    }
    let r = file(body.clone()).await;
    r.assert_status(201);
    assert_eq!(r.json()["findings"], json!([]), "{}", r.text());
    let case = r.json()["id"].as_str().unwrap().to_owned();
    app.post_json(
        &format!("/api/v1/registration/cases/{case}/review"),
        Some(&reg.office),
        &json!({"decision": "return", "decided_on": "2026-04-02", "reason": "確認"}),
    )
    .await
    .assert_status(200);

    // 4 years 11 months is short of five years (counted to the month).
    let mut body = application(&reg.org_id, &reg.site_id, "2026-04-01");
    body["counselors"][0] = json!({"name": "山田 花子", "qualification": "clinical_psychologist",
        "full_time": true, "years_of_practice": 4, "months_of_practice": 11,
        "main_duty": true, "three_days_a_week": true});
    let r = file(body.clone()).await;
    r.assert_status(201);
    assert_eq!(codes(&r.json()["findings"]), ["1-2-b"], "{}", r.text());
    let case = r.json()["id"].as_str().unwrap().to_owned();
    let v = app
        .get(&format!("/api/v1/registration/cases/{case}"), Some(&reg.office))
        .await
        .json();
    assert_eq!(v["counselors"][0]["months_of_practice"], 11, "{v}");
    assert_eq!(v["counselors"][0]["main_duty"], true);
    // Withdraw that one from the office's sight by returning it, so the room can apply again.
    app.post_json(
        &format!("/api/v1/registration/cases/{case}/review"),
        Some(&reg.office),
        &json!({"decision": "return", "decided_on": "2026-04-02", "reason": "実務経験"}),
    )
    .await
    .assert_status(200);

    // Months are 0–11: anything else names the field.
    body["counselors"][0]["months_of_practice"] = json!(12);
    let r = file(body.clone()).await;
    r.assert_status(400);
    assert!(
        r.text().contains("counselors[0].months_of_practice"),
        "{}",
        r.text()
    );

    // Five full years, but not as main duty and not 3 days a week: each a finding naming the counselor.
    body["counselors"][0]["years_of_practice"] = json!(5);
    body["counselors"][0]["months_of_practice"] = json!(0);
    body["counselors"][0]["main_duty"] = json!(false);
    body["counselors"][0]["three_days_a_week"] = json!(false);
    let r = file(body.clone()).await;
    r.assert_status(201);
    let found = r.json()["findings"].clone();
    assert_eq!(codes(&found), ["1-2-b", "1-2-b"], "{found}");
    assert!(found[0].as_str().unwrap().contains("山田 花子"));
    assert!(found[0].as_str().unwrap().contains("主たる業務"));
    assert!(found[1].as_str().unwrap().contains("３日以上"));
    let case = r.json()["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            &format!("/api/v1/registration/cases/{case}/review"),
            Some(&reg.office),
            &json!({"decision": "register", "decided_on": "2026-04-02"}),
        )
        .await;
    r.assert_status(409);
}

#[tokio::test]
async fn reg_3_screens_take_years_and_months_and_the_conditions_per_counselor() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    crate::reg_common::set_day(&app, "2026-11-20");
    let mut org = signed_in(&app, &reg.org_email).await;
    let html = org
        .get(&format!("/registration/apply?site={}", reg.site_id))
        .await
        .text();
    assert!(html.contains("counselors[0].months_of_practice"), "months asked");
    assert!(html.contains("counselors[0].main_duty") && html.contains("counselors[0].three_days_a_week"));
    assert!(html.contains("主たる業務") && html.contains("週3日以上"));
    let csrf = crate::support::hidden(&html, "csrf");
    let mut fields = application_form(&csrf, &reg.site_id, &[]);
    // 4 years 6 months and no longer on 3 days a week: the only full-time counselor does not qualify.
    for (k, v) in &mut fields {
        if k == "counselors[0].years_of_practice" {
            *v = "4".into();
        }
    }
    fields.push(("counselors[0].months_of_practice".into(), "6".into()));
    fields.retain(|(k, _)| k != "counselors[0].three_days_a_week");
    let r = org.post_form("/registration/cases", &refs(&fields)).await;
    r.assert_status(303);
    let case = r
        .location()
        .split('?')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let v = app
        .get(&format!("/api/v1/registration/cases/{case}"), Some(&reg.org))
        .await
        .json();
    assert_eq!(v["counselors"][0]["years_of_practice"], 4, "{v}");
    assert_eq!(v["counselors"][0]["months_of_practice"], 6);
    assert_eq!(v["counselors"][0]["main_duty"], true);
    assert_eq!(v["counselors"][0]["three_days_a_week"], false);
    assert_eq!(codes(&v["findings"]), ["1-2-b"], "{v}");
    let page = org.get(&format!("/registration/cases/{case}")).await.text();
    assert!(page.contains("4年6か月"), "practice shown in years and months");
    assert!(page.contains("実務経験５年以上の常勤の相談対応者がいません"));

    // Years and months beyond the range name the row's field on the form again.
    let mut bad = application_form(&csrf, &reg.site_id, &[]);
    bad.push(("counselors[0].months_of_practice".into(), "14".into()));
    let r = org.post_form("/registration/cases", &refs(&bad)).await;
    r.assert_status(400);
    assert!(r.text().contains("0〜11"));
}
