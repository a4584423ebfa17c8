//! REG-3 (seed 000 別紙2 登録申請関係書類): the registration documents are uploaded with the application, with the
//! ACC files' limits and content sniffing; a document uploaded counts as enclosed; the office sees and downloads
//! them on the case page; only those who may see the case download them (others 404), and every download is
//! audited.

use axum::body::Body;
use axum::http::{Request, header};
use nintei_domain::role::Role;
use serde_json::json;

use crate::harness::{BOUNDARY, multipart};
use crate::reg_common::{application, setup};
use crate::reg_screens::signed_in;
use crate::support::{TestApp, TestResponse, hidden};

const PDF: &[u8] = b"%PDF-1.4\n% floor plan\n";

async fn upload(
    app: &TestApp,
    token: &str,
    case: &str,
    purpose: &str,
    name: &str,
    bytes: &[u8],
) -> TestResponse {
    let fields = vec![("purpose".to_owned(), purpose.to_owned())];
    let file = ("file".to_owned(), name.to_owned(), String::new(), bytes.to_vec());
    app.post_raw_bytes(
        &format!("/api/v1/registration/cases/{case}/files"),
        Some(token),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        multipart(&fields, Some(&file)),
    )
    .await
}

fn document_findings(v: &serde_json::Value) -> usize {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.as_str().unwrap().starts_with("【書類】"))
        .count()
}

#[tokio::test]
async fn reg_3_registration_documents_are_uploaded_with_the_application_and_downloaded_by_who_sees_the_case()
{
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    crate::reg_common::set_day(&app, "2026-11-20");
    // Filed online by the institution, every document still to come.
    let mut body = application(&reg.org_id, &reg.site_id, "2026-11-20");
    body["documents"] = json!({});
    let r = app
        .post_json("/api/v1/registration/cases", Some(&reg.org), &body)
        .await;
    r.assert_status(201);
    assert_eq!(document_findings(&r.json()), 6, "{}", r.text());
    let case = r.json()["id"].as_str().unwrap().to_owned();

    // Not a document of 別紙2, not an accepted file, content that lies about its name: 400 naming the field.
    let r = upload(&app, &reg.org, &case, "pamphlets", "plan.pdf", PDF).await;
    r.assert_status(400);
    assert!(r.text().contains("purpose"), "{}", r.text());
    let r = upload(
        &app,
        &reg.org,
        &case,
        "floor_plan",
        "plan.pdf",
        b"MZ\x90\x00 not a pdf",
    )
    .await;
    r.assert_status(400);
    assert!(r.text().contains("\"file\""), "{}", r.text());
    let r = upload(&app, &reg.org, &case, "floor_plan", "plan.png", PDF).await;
    r.assert_status(400);
    assert_eq!(app.count("reg_files").await, 0);

    // The floor plan, uploaded: enclosed, its finding gone; sent twice, stored once.
    let r = upload(&app, &reg.org, &case, "floor_plan", "平面図.pdf", PDF).await;
    r.assert_status(201);
    let file_id = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(r.json()["media_type"], "application/pdf");
    upload(&app, &reg.org, &case, "floor_plan", "平面図.pdf", PDF)
        .await
        .assert_status(201);
    assert_eq!(app.count("reg_files").await, 1);
    let v = app
        .get(&format!("/api/v1/registration/cases/{case}"), Some(&reg.office))
        .await
        .json();
    assert_eq!(v["documents"]["floor_plan"], true, "{v}");
    assert_eq!(document_findings(&v), 5);
    let list = app
        .get(
            &format!("/api/v1/registration/cases/{case}/files"),
            Some(&reg.office),
        )
        .await;
    list.assert_status(200);
    assert_eq!(list.json()["items"][0]["purpose"], "floor_plan");

    // The office downloads it (an attachment, never sniffed), audited; another institution gets 404.
    let path = format!("/api/v1/registration/cases/{case}/files/{file_id}");
    let audits = app.count("audit_events").await;
    let r = app.get(&path, Some(&reg.office)).await;
    r.assert_status(200);
    assert_eq!(r.body, PDF);
    assert!(r.header("content-disposition").starts_with("attachment"));
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(app.count("audit_events").await, audits + 1);
    app.get(&path, Some(&reg.org)).await.assert_status(200);
    let stranger_org = app.organization("株式会社よそ").await;
    let (_, stranger) = app.user(Role::Organization, Some(&stranger_org)).await;
    let stranger = app.token_for(&stranger).await;
    app.get(&path, Some(&stranger)).await.assert_status(404);
    app.get(
        &format!("/api/v1/registration/cases/{case}/files"),
        Some(&stranger),
    )
    .await
    .assert_status(404);
    upload(&app, &stranger, &case, "floor_plan", "plan.pdf", PDF)
        .await
        .assert_status(404);

    // On the case page the office sees the file and downloads it from there.
    let mut office = signed_in(&app, &reg.office_email).await;
    let page = office.get(&format!("/registration/cases/{case}")).await.text();
    assert!(page.contains("平面図.pdf"), "the file is listed");
    let href = format!("/registration/cases/{case}/files/{file_id}");
    assert!(page.contains(&href));
    let r = office.get(&href).await;
    r.assert_status(200);
    assert_eq!(r.body, PDF);

    // The institution uploads the others from the case page (multipart with the form token).
    let mut org = signed_in(&app, &reg.org_email).await;
    let page = org.get(&format!("/registration/cases/{case}")).await.text();
    assert!(page.contains("書類を提出する") && page.contains("enctype=\"multipart/form-data\""));
    let csrf = hidden(&page, "csrf");
    let cookie = org
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    for purpose in [
        "basic_policies",
        "privacy_regulation",
        "confidentiality_pledges",
        "psychiatrist_contract",
        "psychiatrist_records",
    ] {
        let fields = vec![
            ("csrf".to_owned(), csrf.clone()),
            ("purpose".to_owned(), purpose.to_owned()),
        ];
        let file = (
            "file".to_owned(),
            format!("{purpose}.pdf"),
            "application/pdf".to_owned(),
            format!("%PDF-1.4\n% {purpose}\n").into_bytes(),
        );
        let req = Request::post(format!("/registration/cases/{case}/files"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::COOKIE, cookie.clone())
            .header(header::HOST, "nintei.test")
            .header("origin", "http://nintei.test")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(multipart(&fields, Some(&file))))
            .unwrap();
        let r = app.send(req).await;
        r.assert_status(303);
        assert_eq!(r.location(), format!("/registration/cases/{case}?uploaded=1"));
    }
    let v = app
        .get(&format!("/api/v1/registration/cases/{case}"), Some(&reg.office))
        .await
        .json();
    assert_eq!(v["findings"], json!([]), "{v}");

    // Registered: the documents are closed (409), and stay downloadable.
    app.post_json(
        &format!("/api/v1/registration/cases/{case}/review"),
        Some(&reg.office),
        &json!({"decision": "register", "decided_on": "2026-11-20"}),
    )
    .await
    .assert_status(200);
    upload(
        &app,
        &reg.org,
        &case,
        "floor_plan",
        "plan2.pdf",
        b"%PDF-1.4\n% v2\n",
    )
    .await
    .assert_status(409);
    app.get(&path, Some(&reg.org)).await.assert_status(200);
}
