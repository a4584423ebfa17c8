//! The self-study and its files (ACC-3, ACC-6): upload limits, content sniffing, zip bombs, the SHA-256
//! name, audited downloads invisible to others, progress per section, the representative's confirmation before
//! submission, the office's format check with requests for fixes, and one-time anonymous questionnaires.

use std::io::Write;

use axum::body::Body;
use axum::http::{Request, header};
use nintei_domain::role::Role;
use serde_json::{Value, json};

use crate::acc_fixture::{Acc, BASE};
use crate::harness::{BOUNDARY, multipart};
use crate::support::{Browser, PASSWORD, TestApp, TestResponse, hidden};

pub(crate) const PDF: &[u8] = b"%PDF-1.4\n% nintei test\n1 0 obj << >> endobj\n%%EOF\n";
const DOCX_TYPES: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

/// A zip archive of `(name, content, deflate?)` entries, written the way Office writes them.
fn zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cd = Vec::new();
    for (name, content, deflate) in entries {
        let data = if *deflate {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(content).unwrap();
            e.finish().unwrap()
        } else {
            content.to_vec()
        };
        let offset = out.len() as u32;
        let method: u16 = if *deflate { 8 } else { 0 };
        let head = |sig: [u8; 4], central: bool| {
            let mut h = sig.to_vec();
            if central {
                h.extend_from_slice(&[20, 0]);
            }
            h.extend_from_slice(&[20, 0, 0, 0]);
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&[0; 8]);
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(content.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&[0, 0]);
            if central {
                h.extend_from_slice(&[0; 10]);
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        let local = head([0x50, 0x4b, 0x03, 0x04], false);
        let central = head([0x50, 0x4b, 0x01, 0x02], true);
        out.extend_from_slice(&local);
        out.extend_from_slice(&data);
        cd.extend_from_slice(&central);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&cd);
    out.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0]);
    let n = entries.len() as u16;
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

pub(crate) fn docx() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", DOCX_TYPES, true),
        ("word/document.xml", b"<w:document/>", true),
    ])
}

pub(crate) fn sha256(b: &[u8]) -> String {
    nintei_store::sha256_hex(b)
}

fn files_on_disk(app: &TestApp) -> usize {
    fn walk(p: &std::path::Path) -> usize {
        std::fs::read_dir(p)
            .map(|rd| {
                rd.flatten()
                    .map(|e| {
                        let p = e.path();
                        if p.is_dir() { walk(&p) } else { 1 }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&app.state.config.files_dir)
}

pub(crate) async fn upload(
    app: &TestApp,
    case_id: &str,
    token: &str,
    fields: &[(&str, &str)],
    name: &str,
    ctype: &str,
    bytes: &[u8],
) -> TestResponse {
    let fields: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let file = (
        "file".to_owned(),
        name.to_owned(),
        ctype.to_owned(),
        bytes.to_vec(),
    );
    app.post_raw_bytes(
        &format!("{BASE}/{case_id}/files"),
        Some(token),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        multipart(&fields, Some(&file)),
    )
    .await
}

/// A case accepted (2025-09-10) and planned: self-study due 2025-10-31, site visit 2025-11-10.
pub(crate) async fn planned(app: &TestApp) -> Acc<'_> {
    let acc = Acc::new(app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    acc.plan("2025-10-31", "2025-11-10").await;
    acc
}

#[tokio::test]
async fn acc_3_uploads_are_sniffed_limited_named_by_sha256_and_refusals_store_nothing() {
    let app = TestApp::new().await;
    let acc = Acc::new(&app, "2025-09-01", None).await;
    let id = acc.case_id.clone();
    // A PDF pamphlet (ACC-3 attachment): 201, the SHA-256 of the bytes, the file under that name on disk.
    let r = upload(
        &app,
        &id,
        &acc.org_user,
        &[("purpose", "pamphlets")],
        "pamphlet.pdf",
        "application/pdf",
        PDF,
    )
    .await;
    r.assert_status(201);
    let file = r.json();
    assert_eq!(file["sha256"], sha256(PDF));
    assert_eq!(file["size_bytes"], PDF.len());
    assert_eq!(file["media_type"], "application/pdf");
    let on_disk = app
        .state
        .config
        .files_dir
        .join(&sha256(PDF)[..2])
        .join(sha256(PDF));
    assert_eq!(std::fs::read(&on_disk).unwrap(), PDF);
    // A Word document is recognized by its [Content_Types].xml.
    let r = upload(
        &app,
        &id,
        &acc.org_user,
        &[("purpose", "philosophy")],
        "理念.docx",
        "",
        &docx(),
    )
    .await;
    r.assert_status(201);
    assert_eq!(
        r.json()["media_type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert_eq!(app.count("acc_files").await, 2);
    let disk = files_on_disk(&app);
    let audit = app.count("audit_events").await;

    // Refusals, each 400 (field `file` or `purpose`) or 413, and none stores anything.
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec();
    let zeros = vec![0u8; 60 * 1024 * 1024];
    let bomb = zip(&[
        ("[Content_Types].xml", DOCX_TYPES, true),
        ("word/document.xml", &zeros, true),
    ]);
    drop(zeros);
    assert!(bomb.len() < 1024 * 1024, "the bomb is small: {}", bomb.len());
    let plain_zip = zip(&[("readme.txt", b"hello", false)]);
    let cases: Vec<(&str, &str, &str, Vec<u8>, &str)> = vec![
        (
            "pamphlets",
            "virus.exe",
            "application/octet-stream",
            exe.clone(),
            "file",
        ),
        ("pamphlets", "virus.pdf", "application/pdf", exe, "file"),
        ("pamphlets", "photo.png", "image/png", PDF.to_vec(), "file"),
        ("pamphlets", "pamphlet.pdf", "image/png", PDF.to_vec(), "file"),
        ("pamphlets", "bomb.docx", "", bomb, "file"),
        ("pamphlets", "archive.docx", "", plain_zip, "file"),
        ("pamphlets", "empty.pdf", "application/pdf", Vec::new(), "file"),
        (
            "brochure",
            "pamphlet.pdf",
            "application/pdf",
            PDF.to_vec(),
            "purpose",
        ),
        (
            "evidence",
            "pamphlet.pdf",
            "application/pdf",
            PDF.to_vec(),
            "standard",
        ),
    ];
    for (purpose, name, ctype, bytes, field) in cases {
        let r = upload(
            &app,
            &id,
            &acc.org_user,
            &[("purpose", purpose)],
            name,
            ctype,
            &bytes,
        )
        .await;
        assert_eq!(r.status.as_u16(), 400, "{name}: {}", r.text());
        assert_eq!(r.error_fields(), vec![field], "{name}");
        if name == "bomb.docx" {
            assert!(r.text().contains("zip bomb"), "{}", r.text());
        }
    }
    // 20 MiB is the limit: one byte more is a 413 saying so.
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let r = upload(
        &app,
        &id,
        &acc.org_user,
        &[("purpose", "pamphlets")],
        "big.pdf",
        "application/pdf",
        &big,
    )
    .await;
    r.assert_status(413);
    assert!(r.text().contains("20 MiB"), "{}", r.text());
    // A declared length far over the limit is refused before the body is read.
    let req = Request::post(format!("{BASE}/{id}/files"))
        .header(header::AUTHORIZATION, format!("Bearer {}", acc.org_user))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::CONTENT_LENGTH, (64 * 1024 * 1024).to_string())
        .body(Body::from(Vec::new()))
        .unwrap();
    app.send(req).await.assert_status(413);
    // Exactly 20 MiB is accepted.
    big.truncate(20 * 1024 * 1024);
    upload(
        &app,
        &id,
        &acc.org_user,
        &[("purpose", "pamphlets")],
        "big.pdf",
        "application/pdf",
        &big,
    )
    .await
    .assert_status(201);
    assert_eq!(app.count("acc_files").await, 3);
    assert_eq!(
        files_on_disk(&app),
        disk + 1,
        "only the accepted upload is on disk"
    );
    assert_eq!(app.count("audit_events").await, audit + 1);
}

#[tokio::test]
async fn acc_3_downloads_are_audited_attachments_and_404_for_anyone_who_may_not_see_the_case() {
    let app = TestApp::new().await;
    let acc = planned(&app).await;
    let id = acc.case_id.clone();
    let r = upload(
        &app,
        &id,
        &acc.org_user,
        &[("purpose", "audit_report")],
        "監査報告書.pdf",
        "application/pdf",
        PDF,
    )
    .await;
    r.assert_status(201);
    let file_id = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(r.json()["name"], "監査報告書.pdf");
    let path = format!("{BASE}/{id}/files/{file_id}");
    let before = app.count("audit_events").await;
    for token in [
        &acc.office,
        &acc.org_user,
        &acc.coordinator,
        &acc.head,
        &acc.member,
    ] {
        let r = app.get(&path, Some(token)).await;
        r.assert_status(200);
        assert_eq!(r.body, PDF);
        assert_eq!(r.header("content-type"), "application/pdf");
        assert_eq!(r.header("x-content-type-options"), "nosniff");
        assert!(
            r.header("content-disposition").starts_with("attachment;"),
            "{}",
            r.header("content-disposition")
        );
        assert!(
            r.header("content-disposition")
                .contains("filename*=UTF-8''%E7%9B%A3")
        );
    }
    // One audit event per download, naming the file.
    assert_eq!(app.count("audit_events").await, before + 5);
    let n = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'acc_file.download'")
        .await
        .unwrap();
    assert_eq!(n, 5);
    // Another organization, an unassigned surveyor or coordinator, a conflicted committee member: 404, no event.
    let other_org = app.organization("株式会社よその").await;
    let (_, stranger) = app.login(Role::Organization, Some(&other_org)).await;
    let (_, surveyor) = app.login(Role::Surveyor, None).await;
    let (_, coordinator) = app.login(Role::Coordinator, None).await;
    let (member_id, member) = app.login(Role::Committee, None).await;
    app.post_json(
        "/api/v1/conflicts",
        Some(&acc.office),
        &json!({"user_id": member_id, "organization_id": acc.org_id, "reason": "親族が勤務"}),
    )
    .await
    .assert_status(201);
    // A file of another case is not found under this one.
    let other = Acc::new(&app, "2025-09-01", None).await;
    app.get(
        &format!("{BASE}/{}/files/{file_id}", other.case_id),
        Some(&acc.office),
    )
    .await
    .assert_status(404);
    let audit = app.count("audit_events").await;
    for token in [&stranger, &surveyor, &coordinator, &member] {
        app.get(&path, Some(token)).await.assert_status(404);
        app.get(&format!("{BASE}/{id}/files"), Some(token))
            .await
            .assert_status(404);
        upload(
            &app,
            &id,
            token,
            &[("purpose", "pamphlets")],
            "a.pdf",
            "application/pdf",
            PDF,
        )
        .await
        .assert_status(404);
    }
    app.get(&path, None).await.assert_status(401);
    assert_eq!(app.count("audit_events").await, audit);
    // The list names the file with its hash.
    let list = app
        .get(&format!("{BASE}/{id}/files"), Some(&acc.office))
        .await
        .json();
    assert_eq!(list["items"][0]["sha256"], sha256(PDF));
}

pub(crate) async fn study(app: &TestApp, acc: &Acc<'_>, token: &str) -> Value {
    let r = app
        .get(&format!("{BASE}/{}/self-study", acc.case_id), Some(token))
        .await;
    r.assert_status(200);
    r.json()
}

#[tokio::test]
async fn acc_6_narratives_evidence_progress_confirmation_submission_and_the_format_check() {
    let app = TestApp::new().await;
    let acc = planned(&app).await;
    let id = acc.case_id.clone();
    let s = study(&app, &acc, &acc.org_user).await;
    assert_eq!(s["format_status"], "draft");
    assert_eq!(s["editable"], true);
    let total = s["progress"]["standards"].as_u64().unwrap();
    assert!(total > 10, "{s}");
    assert_eq!(s["progress"]["with_evidence"], 0);
    let table = s["evidence_table"].as_array().unwrap();
    assert_eq!(table.len() as u64, total);
    assert!(!table[0]["self_study"].as_array().unwrap().is_empty());
    let first = s["progress"]["sections"][0].clone();
    let section = first["section_code"].as_str().unwrap().to_owned();
    let standard = table[0]["standard"].as_str().unwrap().to_owned();
    assert!(standard.starts_with(&section));

    // Narratives, saved section by section; only sections in scope.
    let narrative = |body: &str| json!({"section": section, "body": body});
    acc.post(
        "self-study/narratives",
        &acc.org_user,
        narrative("倫理綱領を定めている。"),
    )
    .await
    .assert_status(200);
    let r = acc
        .post(
            "self-study/narratives",
            &acc.org_user,
            json!({"section": "ZZZ", "body": "x"}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["section"]);
    acc.post("self-study/narratives", &acc.office, narrative("x"))
        .await
        .assert_status(403);
    // Evidence per standard, and progress per section.
    upload(
        &app,
        &id,
        &acc.org_user,
        &[("purpose", "evidence"), ("standard", &standard)],
        "規程.pdf",
        "application/pdf",
        PDF,
    )
    .await
    .assert_status(201);
    let r = upload(
        &app,
        &id,
        &acc.org_user,
        &[("purpose", "evidence"), ("standard", "ZZZ 9.99")],
        "x.pdf",
        "application/pdf",
        PDF,
    )
    .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["standard"]);
    let s = study(&app, &acc, &acc.office).await;
    assert_eq!(s["progress"]["with_evidence"], 1);
    assert_eq!(s["progress"]["sections"][0]["with_evidence"], 1);
    assert_eq!(s["progress"]["sections"][0]["has_narrative"], true);
    assert!(
        !s["progress"]["sections"][0]["missing"]
            .as_array()
            .unwrap()
            .contains(&json!(standard))
    );
    assert_eq!(s["progress"]["sections"][1]["has_narrative"], false);

    // ACC-6: no submission without the representative's confirmation (409, nothing changes).
    let submit = json!({"submitted_on": "2025-10-20"});
    acc.post("self-study/submission", &acc.org_user, submit.clone())
        .await
        .assert_status(409);
    assert_eq!(acc.status().await, "self_study");
    let r = acc
        .post(
            "self-study/confirmation",
            &acc.org_user,
            json!({"confirmed_on": "2099-01-01"}),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["confirmed_on"]);
    let s = acc.confirm("2025-10-19").await;
    assert_eq!(s["confirmation"]["representative"], "代表取締役 山田 太郎");
    // A later change voids the confirmation: it covered the material as it was.
    acc.post(
        "self-study/narratives",
        &acc.org_user,
        narrative("倫理綱領を定め、研修で周知している。"),
    )
    .await
    .assert_status(200);
    assert!(study(&app, &acc, &acc.org_user).await["confirmation"].is_null());
    acc.post("self-study/submission", &acc.org_user, submit.clone())
        .await
        .assert_status(409);
    let case = acc.submit_self_study("2025-10-20").await;
    assert_eq!(case["status"], "site_visit");
    let s = study(&app, &acc, &acc.office).await;
    assert_eq!(s["format_status"], "submitted");
    assert_eq!(s["editable"], false);
    // Submitted: the organization cannot change it until the office asks for fixes.
    acc.post("self-study/narratives", &acc.org_user, narrative("追記"))
        .await
        .assert_status(409);
    upload(
        &app,
        &id,
        &acc.org_user,
        &[("purpose", "evidence"), ("standard", &standard)],
        "b.pdf",
        "application/pdf",
        PDF,
    )
    .await
    .assert_status(409);

    // The office's format check: fixes need a note; the organization may not check.
    let check = |result: &str, note: Option<&str>| json!({"result": result, "checked_on": "2025-10-25", "note": note});
    acc.post("self-study/format-check", &acc.org_user, check("accepted", None))
        .await
        .assert_status(403);
    let r = acc
        .post(
            "self-study/format-check",
            &acc.office,
            check("fixes_requested", None),
        )
        .await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["note"]);
    let mail_before = app.count("mail_outbox").await;
    acc.post(
        "self-study/format-check",
        &acc.office,
        check("fixes_requested", Some("目次に通しページ番号を付けてください")),
    )
    .await
    .assert_status(200);
    assert_eq!(
        app.count("mail_outbox").await,
        mail_before + 1,
        "the organization is told what to fix"
    );
    let s = study(&app, &acc, &acc.org_user).await;
    assert_eq!(s["format_status"], "fixes_requested");
    assert_eq!(s["format_note"], "目次に通しページ番号を付けてください");
    assert_eq!(s["editable"], true);
    assert_eq!(acc.status().await, "site_visit");
    // Returned: editable again; resubmission needs a fresh confirmation.
    upload(
        &app,
        &id,
        &acc.org_user,
        &[("purpose", "evidence"), ("standard", &standard)],
        "目次.pdf",
        "application/pdf",
        PDF,
    )
    .await
    .assert_status(201);
    let resubmit = json!({"resubmitted_on": "2025-10-28"});
    acc.post("self-study/resubmission", &acc.org_user, resubmit.clone())
        .await
        .assert_status(409);
    acc.confirm("2025-10-28").await;
    acc.post("self-study/resubmission", &acc.org_user, resubmit.clone())
        .await
        .assert_status(200);
    acc.post("self-study/resubmission", &acc.org_user, resubmit)
        .await
        .assert_status(409);
    assert_eq!(
        study(&app, &acc, &acc.office).await["format_status"],
        "resubmitted"
    );
    acc.post("self-study/format-check", &acc.office, check("accepted", None))
        .await
        .assert_status(200);
    acc.post("self-study/format-check", &acc.office, check("accepted", None))
        .await
        .assert_status(409);
    let s = study(&app, &acc, &acc.coordinator).await;
    assert_eq!(s["format_status"], "accepted");
    assert_eq!(s["format_checks"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn acc_6_questionnaire_links_work_once_keep_only_hashes_and_never_say_who_answered() {
    let app = TestApp::new().await;
    let acc = planned(&app).await;
    let id = acc.case_id.clone();
    let r = acc
        .post(
            "questionnaires/links",
            &acc.org_user,
            json!({"kind": "staff", "count": 3}),
        )
        .await;
    r.assert_status(201);
    let links: Vec<String> = r.json()["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), 3);
    acc.post(
        "questionnaires/links",
        &acc.office,
        json!({"kind": "client", "count": 1}),
    )
    .await
    .assert_status(201);
    acc.post(
        "questionnaires/links",
        &acc.org_user,
        json!({"kind": "neighbours", "count": 1}),
    )
    .await
    .assert_status(400);
    let token = links[0].rsplit('/').next().unwrap().to_owned();
    // Only a hash of the token is stored.
    let stored = app
        .state
        .db
        .scalar_i64(&format!(
            "SELECT COUNT(*) AS n FROM acc_questionnaire_links WHERE token_hash = '{token}'"
        ))
        .await
        .unwrap();
    assert_eq!(stored, 0);
    assert_eq!(app.count("acc_questionnaire_links").await, 4);

    // No account needed: the questions, then one answer; a bad score is refused and the link stays usable.
    let public = format!("/api/v1/public/questionnaires/{token}");
    let form = app.get(&public, None).await;
    form.assert_status(200);
    assert_eq!(form.json()["kind"], "staff");
    let r = app.post_json(&public, None, &json!({"answers": {"q1": 7}})).await;
    assert_eq!(r.assert_status(400).error_fields(), vec!["q1"]);
    app.post_json(
        &public,
        None,
        &json!({"answers": {"q1": 4, "q2": "5"}, "comment": "研修が充実している"}),
    )
    .await
    .assert_status(201);
    // A link works once; afterwards it answers exactly as an unused one (the form, "received"), so whoever
    // handed the links out cannot tell who answered, but the second answer is not kept.
    app.post_json(&public, None, &json!({"answers": {"q1": 1}}))
        .await
        .assert_status(201);
    let again = app.get(&public, None).await;
    again.assert_status(200);
    assert_eq!(again.json(), form.json());
    app.get("/api/v1/public/questionnaires/not-a-token", None)
        .await
        .assert_status(404);
    assert_eq!(app.count("acc_questionnaire_answers").await, 1);

    // The office sees counts and answers, never who answered: nothing ties an answer to its link.
    let s = app
        .get(&format!("{BASE}/{id}/questionnaires"), Some(&acc.office))
        .await
        .json();
    let staff = &s["kinds"][0];
    assert_eq!(staff["kind"], "staff");
    assert_eq!(staff["links_issued"], 3);
    assert_eq!(staff["links_used"], 1);
    assert_eq!(staff["answers"], 1);
    assert_eq!(staff["questions"][0]["average"], 4.0);
    assert_eq!(staff["items"][0]["comment"], "研修が充実している");
    let item = staff["items"][0].as_object().unwrap();
    let mut keys: Vec<&String> = item.keys().collect();
    keys.sort();
    assert_eq!(keys, vec!["comment", "scores"]);
    let event = app
        .state
        .db
        .scalar_i64(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'acc_questionnaire.answer' \
             AND actor_id IS NULL AND changes = '{\"kind\":\"staff\"}'",
        )
        .await
        .unwrap();
    assert_eq!(event, 1);
    // The organization sees the counts only (its own staff answered).
    let s = app
        .get(&format!("{BASE}/{id}/questionnaires"), Some(&acc.org_user))
        .await
        .json();
    assert_eq!(s["answers_visible"], false);
    assert_eq!(s["kinds"][0]["answers"], 1);
    assert!(s["kinds"][0]["items"].is_null());

    // The screen: an anonymous visitor answers through the form.
    let second = links[1].rsplit('/').next().unwrap().to_owned();
    let mut visitor = Browser::new(&app);
    let page = visitor.get(&format!("/q/{second}")).await;
    page.assert_status(200);
    assert!(page.text().contains("職員用質問票"));
    let csrf = hidden(&page.text(), "csrf");
    let r = visitor
        .post_form(
            &format!("/q/{second}"),
            &[("csrf", &csrf), ("q1", "3"), ("q5", "5"), ("comment", "")],
        )
        .await;
    r.assert_status(201);
    assert!(r.text().contains("ご回答ありがとうございました"));
    let used = visitor.get(&format!("/q/{second}")).await;
    used.assert_status(200);
    assert!(
        used.text().contains("職員用質問票"),
        "a used link shows the form as an unused one does"
    );
    assert_eq!(app.count("acc_questionnaire_answers").await, 2);

    // Throttled per address, like the public reports.
    let mut last = 0;
    for _ in 0..32 {
        last = app
            .post_json(
                "/api/v1/public/questionnaires/nothing",
                None,
                &json!({"answers": {"q1": 1}}),
            )
            .await
            .status
            .as_u16();
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn acc_6_the_screens_upload_write_and_download() {
    let app = TestApp::new().await;
    let acc = planned(&app).await;
    let id = acc.case_id.clone();
    let (_, email) = app.user(Role::Organization, Some(&acc.org_id)).await;
    let mut org = Browser::new(&app);
    org.sign_in(&email, PASSWORD).await;
    let page = org.get(&format!("/accreditation/cases/{id}/study")).await;
    page.assert_status(200);
    let text = page.text();
    assert!(
        text.contains("エビデンス表") && text.contains("代表者の確認書"),
        "{text}"
    );
    let csrf = hidden(&text, "csrf");
    // Upload through the form (multipart with the form token).
    let fields = vec![
        ("csrf".to_owned(), csrf.clone()),
        ("purpose".to_owned(), "organization_chart".to_owned()),
    ];
    let file = (
        "file".to_owned(),
        "chart.png".to_owned(),
        "image/png".to_owned(),
        b"\x89PNG\r\n\x1a\n0000".to_vec(),
    );
    let cookie = org
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let send = |fields: Vec<(String, String)>| {
        Request::post(format!("/accreditation/cases/{id}/files"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::COOKIE, cookie.clone())
            .header(header::HOST, "nintei.test")
            .header("origin", "http://nintei.test")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(multipart(&fields, Some(&file))))
            .unwrap()
    };
    // Without the form token: 403, nothing stored.
    app.send(send(vec![(
        "purpose".to_owned(),
        "organization_chart".to_owned(),
    )]))
    .await
    .assert_status(403);
    assert_eq!(app.count("acc_files").await, 0);
    let r = app.send(send(fields)).await;
    r.assert_status(303);
    assert_eq!(
        r.location(),
        format!("/accreditation/cases/{id}/study?done=upload")
    );
    // A narrative through its form.
    let s = study(&app, &acc, &acc.org_user).await;
    let section = s["progress"]["sections"][0]["section_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = org
        .post_form(
            &format!("/accreditation/cases/{id}/study/narrative"),
            &[
                ("csrf", &csrf),
                ("section", &section),
                ("body", "方針を掲示している。"),
            ],
        )
        .await;
    r.assert_status(303);
    let page = org
        .get(&format!("/accreditation/cases/{id}/study?done=narrative"))
        .await;
    assert!(page.text().contains("方針を掲示している。"));
    assert!(page.text().contains("chart.png"));
    // The file downloads through the screen too (audited).
    let file_id = app
        .get(&format!("{BASE}/{id}/files"), Some(&acc.office))
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = org
        .get(&format!("/accreditation/cases/{id}/files/{file_id}"))
        .await;
    r.assert_status(200);
    assert_eq!(r.header("content-type"), "image/png");
    // The submission form's checkbox records the confirmation (the case page's form).
    let case_page = org.get(&format!("/accreditation/cases/{id}")).await;
    assert!(
        case_page
            .text()
            .contains(&format!("/accreditation/cases/{id}/study"))
    );
    let r = org
        .post_form(
            &format!("/accreditation/cases/{id}/self-study"),
            &[
                ("csrf", &csrf),
                ("submitted_on", "2025-10-20"),
                ("confirmed", "1"),
            ],
        )
        .await;
    r.assert_status(303);
    assert_eq!(acc.status().await, "site_visit");
    let s = study(&app, &acc, &acc.office).await;
    assert_eq!(s["format_status"], "submitted");
    assert_eq!(s["confirmation"]["confirmed_on"], "2025-10-20");
}
