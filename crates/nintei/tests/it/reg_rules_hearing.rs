//! REG-7 (seed 000 別紙2 2【登録の抹消】): the hearing is a step the institution takes part in. The office asks
//! the institution for documents; the institution sees the requests addressed to it and answers them with files
//! in the system (one file per upload, with a note), dated in order; the office sees the answers on the case and
//! downloads the files (audited), then records receipt as before. Whoever may not see the case gets 404.

use axum::body::Body;
use axum::http::{Request, header};
use nintei_domain::role::Role;
use serde_json::json;

use crate::harness::{BOUNDARY, multipart};
use crate::reg_common::{register, setup};
use crate::reg_screens::signed_in;
use crate::support::{TestApp, TestResponse, hidden};

const PDF: &[u8] = b"%PDF-1.4\n% consultation records\n";
const PDF2: &[u8] = b"%PDF-1.4\n% duty roster\n";

async fn answer(
    app: &TestApp,
    token: &str,
    case: &str,
    rid: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> TestResponse {
    let fields: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let file = file.map(|(name, bytes)| ("file".to_owned(), name.to_owned(), String::new(), bytes.to_vec()));
    app.post_raw_bytes(
        &format!("/api/v1/registration/investigations/{case}/document-requests/{rid}/files"),
        Some(token),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        multipart(&fields, file.as_ref()),
    )
    .await
}

#[tokio::test]
async fn reg_7_the_institution_answers_a_document_request_with_files_and_the_office_downloads_them() {
    let app = TestApp::new().await;
    let reg = setup(&app).await;
    let (_, number) = register(&app, &reg, "2026-09-01", "2026-09-20").await;
    let r = app
        .post_json(
            "/api/v1/registration/investigations",
            Some(&reg.office),
            &json!({"registration_number": number, "opened_on": "2026-11-10", "reason": "通報：勤務実態の疑い"}),
        )
        .await;
    r.assert_status(201);
    let case = r.json()["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/registration/investigations/{case}");
    let r = app
        .post_json(
            &format!("{base}/document-requests"),
            Some(&reg.office),
            &json!({"requested_on": "2026-11-12", "due_on": "2026-12-12", "items": "相談記録と勤務表"}),
        )
        .await;
    r.assert_status(201);
    let rid = r.json()["id"].as_str().unwrap().to_owned();

    // The institution sees the request addressed to it, not yet answered.
    let r = app
        .get(&format!("{base}/document-requests"), Some(&reg.org))
        .await;
    r.assert_status(200);
    let items = r.json()["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 1, "{items}");
    assert_eq!(items[0]["id"], json!(rid));
    assert_eq!(items[0]["items"], "相談記録と勤務表");
    assert_eq!(items[0]["answers"], json!([]));

    // Dates in order (not before the request, not in the future), a file at all, content as named: 400 naming
    // the field, nothing stored.
    let r = answer(
        &app,
        &reg.org,
        &case,
        &rid,
        &[("answered_on", "2026-11-11")],
        Some(("記録.pdf", PDF)),
    )
    .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["answered_on"]);
    let r = answer(
        &app,
        &reg.org,
        &case,
        &rid,
        &[("answered_on", "2026-11-21")],
        Some(("記録.pdf", PDF)),
    )
    .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["answered_on"]);
    let r = answer(&app, &reg.org, &case, &rid, &[("note", "記録です")], None).await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["file"]);
    let r = answer(
        &app,
        &reg.org,
        &case,
        &rid,
        &[],
        Some(("記録.pdf", b"MZ\x90\x00 not a pdf")),
    )
    .await;
    r.assert_status(400);
    assert_eq!(r.error_fields(), vec!["file"]);
    assert_eq!(app.count("reg_files").await, 0);

    // Only the institution answers: the office 403; another institution and a committee member of a case not
    // referred 404 (for the request and the list alike); an unknown request 404.
    answer(&app, &reg.office, &case, &rid, &[], Some(("記録.pdf", PDF)))
        .await
        .assert_status(403);
    let stranger_org = app.organization("株式会社よそ").await;
    let (_, stranger) = app.user(Role::Organization, Some(&stranger_org)).await;
    let stranger = app.token_for(&stranger).await;
    let (_, member) = app.login(Role::Committee, None).await;
    for who in [&stranger, &member] {
        answer(&app, who, &case, &rid, &[], Some(("記録.pdf", PDF)))
            .await
            .assert_status(404);
        app.get(&format!("{base}/document-requests"), Some(who))
            .await
            .assert_status(404);
    }
    answer(
        &app,
        &reg.org,
        &case,
        "no-such-request",
        &[],
        Some(("記録.pdf", PDF)),
    )
    .await
    .assert_status(404);

    // The answer: a note and a file, dated today by default; the same upload sent twice is stored once.
    let audits = app.count("audit_events").await;
    let r = answer(
        &app,
        &reg.org,
        &case,
        &rid,
        &[("note", "11月分の相談記録です")],
        Some(("相談記録.pdf", PDF)),
    )
    .await;
    r.assert_status(201);
    let first = r.json();
    assert_eq!(first["answered_on"], "2026-11-20", "{first}");
    assert_eq!(first["note"], "11月分の相談記録です");
    assert_eq!(first["file"]["name"], "相談記録.pdf");
    assert_eq!(first["file"]["media_type"], "application/pdf");
    assert_eq!(app.count("audit_events").await, audits + 1);
    let again = answer(
        &app,
        &reg.org,
        &case,
        &rid,
        &[("note", "11月分の相談記録です")],
        Some(("相談記録.pdf", PDF)),
    )
    .await;
    again.assert_status(201);
    assert_eq!(again.json()["id"], first["id"]);
    assert_eq!(app.count("reg_files").await, 1);
    assert_eq!(app.count("audit_events").await, audits + 1);
    answer(
        &app,
        &reg.org,
        &case,
        &rid,
        &[("answered_on", "2026-11-19")],
        Some(("勤務表.pdf", PDF2)),
    )
    .await
    .assert_status(201);

    // The office sees both answers with their files and downloads them (an attachment, audited).
    let r = app
        .get(&format!("{base}/document-requests"), Some(&reg.office))
        .await;
    r.assert_status(200);
    let answers = r.json()["items"][0]["answers"].clone();
    assert_eq!(answers.as_array().unwrap().len(), 2, "{answers}");
    // By the date answered: the duty roster (dated 2026-11-19) first.
    assert_eq!(answers[0]["answered_on"], "2026-11-19");
    assert_eq!(answers[0]["file"]["name"], "勤務表.pdf");
    assert_eq!(answers[1]["note"], "11月分の相談記録です");
    let file_id = answers[1]["file"]["id"].as_str().unwrap().to_owned();
    let download = format!("{base}/files/{file_id}");
    assert_eq!(answers[1]["file"]["download"], json!(download));
    // The case itself carries them too.
    let v = app.get(&base, Some(&reg.office)).await.json();
    assert_eq!(
        v["document_requests"][0]["answers"].as_array().unwrap().len(),
        2,
        "{v}"
    );
    let audits = app.count("audit_events").await;
    let r = app.get(&download, Some(&reg.office)).await;
    r.assert_status(200);
    assert_eq!(r.body, PDF);
    assert!(r.header("content-disposition").starts_with("attachment"));
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(app.count("audit_events").await, audits + 1);
    let kind = app
        .state
        .db
        .scalar_i64(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'reg_file.download' AND entity = 'reg_investigation'",
        )
        .await
        .unwrap();
    assert_eq!(kind, 1);
    app.get(&download, Some(&reg.org)).await.assert_status(200);
    app.get(&download, Some(&stranger)).await.assert_status(404);
    app.get(&download, Some(&member)).await.assert_status(404);
    app.get(&format!("{base}/files/no-such-file"), Some(&reg.office))
        .await
        .assert_status(404);

    // Screens: the institution's page of its case shows the request, its answers and the upload form, and takes
    // an upload; the office's page lists the answers with download links.
    let mut org = signed_in(&app, &reg.org_email).await;
    let page = org
        .get(&format!("/registration/investigations/{case}"))
        .await
        .text();
    assert!(
        page.contains("相談記録と勤務表") && page.contains("11月分の相談記録です"),
        "{page}"
    );
    let action = format!("/registration/investigations/{case}/document-requests/{rid}/files");
    assert!(
        page.contains(&action) && page.contains("enctype=\"multipart/form-data\""),
        "{page}"
    );
    assert!(
        !page.contains("通報：勤務実態の疑い"),
        "the case's internal reason stays internal"
    );
    let csrf = hidden(&page, "csrf");
    let cookie = org
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let fields = vec![
        ("csrf".to_owned(), csrf),
        ("note".to_owned(), "資格証の写し".to_owned()),
        ("answered_on".to_owned(), "2026-11-20".to_owned()),
    ];
    let file = (
        "file".to_owned(),
        "資格証.pdf".to_owned(),
        "application/pdf".to_owned(),
        b"%PDF-1.4\n% licence\n".to_vec(),
    );
    let req = Request::post(&action)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, cookie)
        .header(header::HOST, "nintei.test")
        .header("origin", "http://nintei.test")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(multipart(&fields, Some(&file))))
        .unwrap();
    let r = app.send(req).await;
    r.assert_status(303);
    assert_eq!(
        r.location(),
        format!("/registration/investigations/{case}?answered=1")
    );
    let mut office = signed_in(&app, &reg.office_email).await;
    let page = office
        .get(&format!("/registration/investigations/{case}"))
        .await
        .text();
    assert!(
        page.contains("資格証の写し") && page.contains("資格証.pdf"),
        "{page}"
    );
    let href = format!("/registration/investigations/{case}/files/{file_id}");
    assert!(page.contains(&href), "{page}");
    assert!(!page.contains(&action), "the office does not answer");
    let r = office.get(&href).await;
    r.assert_status(200);
    assert_eq!(r.body, PDF);

    // The office records receipt as before; the request then takes no more answers (409), and the files stay.
    app.post_json(
        &format!("{base}/document-requests/{rid}/receipt"),
        Some(&reg.office),
        &json!({"received_on": "2026-11-20"}),
    )
    .await
    .assert_status(200);
    answer(
        &app,
        &reg.org,
        &case,
        &rid,
        &[],
        Some(("追加.pdf", b"%PDF-1.4\n% late\n")),
    )
    .await
    .assert_status(409);
    app.get(&download, Some(&reg.org)).await.assert_status(200);
}
