//! REG-3 1(2), 1(4) on the screens: any number of counselors and psychiatrists, none dropped on the way.

use crate::reg_common::setup;
use crate::reg_screens::{application_form, refs, signed_in};
use crate::support::TestApp;

#[tokio::test]
async fn reg3_screens_take_any_number_of_counselors_and_psychiatrists() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let mut org = signed_in(&app, &reg.org_email).await;
    let html = org
        .get(&format!("/registration/apply?site={}", reg.site_id))
        .await
        .text();
    let csrf = crate::support::hidden(&html, "csrf");
    let mut fields = application_form(&csrf, &reg.site_id, &[]);
    fields.retain(|(k, _)| !k.starts_with("counselors[1]"));
    for i in 1..30 {
        fields.push((format!("counselors[{i}].name"), format!("相談員 {i:02}")));
        fields.push((
            format!("counselors[{i}].qualification"),
            "industrial_counselor".into(),
        ));
        fields.push((format!("counselors[{i}].years_of_practice"), "2".into()));
    }
    for i in 1..4 {
        fields.push((format!("psychiatrists[{i}].name"), format!("医師 {i}")));
        fields.push((format!("psychiatrists[{i}].clinical_years"), "10".into()));
        fields.push((
            format!("psychiatrists[{i}].oh_qualification"),
            "training_zaidan".into(),
        ));
        fields.push((
            format!("psychiatrists[{i}].institution_name"),
            "さくらメンタルクリニック".into(),
        ));
        fields.push((
            format!("psychiatrists[{i}].institution_address"),
            "福岡県北九州市小倉北区1-1-1".into(),
        ));
    }
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
    assert_eq!(v["counselors"].as_array().unwrap().len(), 30, "{v}");
    assert_eq!(v["psychiatrists"].as_array().unwrap().len(), 4);
    // The case's form (a renewal or a change starts from it) shows every row and room for more.
    let page = org.get(&format!("/registration/cases/{case}")).await.text();
    assert!(page.contains("相談員 29"), "all counselors shown");
}
