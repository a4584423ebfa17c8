//! The self-study binder (ACC-6): the confirmation first, continuous page numbers, each section's index, narrative
//! and evidence together; and the material kept until the renewal date, then destroyed (narratives and evidence
//! files, audited; the binder says so).

use chrono::{NaiveDate, TimeZone, Utc};
use nintei_domain::role::Role;
use serde_json::json;

use crate::acc_fixture::{Acc, application};
use crate::acc_selfstudy::{PDF, docx, planned, sha256, study, upload};
use crate::documents::pdf_text;
use crate::support::{Browser, PASSWORD, TestApp};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn acc_6_the_self_study_material_is_destroyed_at_the_renewal_date_and_the_binder_says_so() {
    let app = TestApp::new().await;
    // The whole story is told on 2029-07-01 (every date entered has happened).
    app.clock
        .set(Utc.with_ymd_and_hms(2029, 7, 1, 1, 0, 0).single().unwrap());
    let mut acc = Acc::new(&app, "2025-09-01", None).await;
    acc.accept("2025-09-10").await;
    acc.plan("2025-10-31", "2025-11-10").await;
    let study = app.get(&acc.path("self-study"), Some(&acc.org_user)).await.json();
    let section = study["progress"]["sections"][0]["section_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let standard = study["evidence_table"][0]["standard"]
        .as_str()
        .unwrap()
        .to_owned();
    acc.post(
        "self-study/narratives",
        &acc.org_user,
        json!({"section": section, "body": "倫理綱領を定め、年1回の研修で確認している。"}),
    )
    .await
    .assert_status(200);
    let r = upload(
        &app,
        &acc.case_id,
        &acc.org_user,
        &[("purpose", "evidence"), ("standard", &standard)],
        "倫理規程.pdf",
        "application/pdf",
        PDF,
    )
    .await;
    r.assert_status(201);
    let sha = r.json()["sha256"].as_str().unwrap().to_owned();
    let stored = nintei_app::acc::files::path_of(&app.state.config.files_dir, &sha);
    assert!(stored.exists());
    acc.submit_self_study("2025-10-20").await;
    acc.assign_surveyors().await;
    acc.rate_all(&[]).await;
    acc.report("2025-11-20").await;
    let r = acc
        .decide(json!({"outcome": "accredit", "decided_on": "2025-12-10"}))
        .await;
    r.assert_status(200);
    let number = r.json()["accreditation"]["number"].as_str().unwrap().to_owned();
    let first = acc.case_id.clone();
    // Renewed within the validity (2025-12-10 … 2028-12-09): the next validity starts 2028-12-10, the renewal date.
    let r = app
        .post_json(
            &format!("/api/v1/accreditations/{number}/renewal"),
            Some(&acc.org_user),
            &application(&acc.org_id, "2028-06-01"),
        )
        .await;
    r.assert_status(201);
    acc.case_id = r.json()["id"].as_str().unwrap().to_owned();
    acc.accept("2028-06-10").await;
    acc.plan("2028-07-31", "2028-08-20").await;
    acc.submit_self_study("2028-07-20").await;
    acc.assign_surveyors().await;
    acc.rate_all(&[]).await;
    acc.report("2028-08-30").await;
    acc.decide(json!({"outcome": "accredit", "decided_on": "2028-10-01"}))
        .await
        .assert_status(200);
    // Kept until the renewal date, destroyed on it, once.
    let destroy = |day: &str| nintei_app::acc::retention::destroy_due(&app.state, d(day));
    assert_eq!(destroy("2028-12-09").await.unwrap(), 0);
    let study = app
        .get(
            &format!("/api/v1/accreditation/cases/{first}/self-study"),
            Some(&acc.office),
        )
        .await
        .json();
    assert_eq!(study["narratives"].as_array().unwrap().len(), 1);
    assert_eq!(destroy("2028-12-10").await.unwrap(), 1);
    assert_eq!(destroy("2028-12-11").await.unwrap(), 0);
    let study = app
        .get(
            &format!("/api/v1/accreditation/cases/{first}/self-study"),
            Some(&acc.office),
        )
        .await
        .json();
    assert!(study["narratives"].as_array().unwrap().is_empty(), "{study}");
    let evidence = study["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["purpose"] == "evidence")
        .count();
    assert_eq!(evidence, 0);
    assert!(!stored.exists(), "the stored bytes are removed");
    let audited = app
        .state
        .db
        .scalar_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'acc_self_study.destroy'")
        .await
        .unwrap();
    assert_eq!(audited, 1);
    // The renewal's own material is kept until its own renewal date.
    let own = app.get(&acc.path("self-study"), Some(&acc.office)).await.json();
    assert!(own["format_status"].is_string());
    // The first review's binder now says its material was destroyed.
    let (_, email) = app.user(Role::Office, None).await;
    let mut office = Browser::new(&app);
    office.sign_in(&email, PASSWORD).await.assert_status(303);
    let text = pdf_text(
        &office
            .get(&format!("/accreditation/cases/{first}/self-study/binder.pdf"))
            .await,
    );
    assert!(text.contains("廃棄しました"), "{text}");
    assert!(!text.contains("倫理綱領を定め"), "{text}");
}

/// The text of each page of a PDF (`pdftotext -f N -l N`), without white space.
fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("nintei-it-binder-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("binder.pdf");
    std::fs::write(&path, pdf).unwrap();
    let info = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let pages: usize = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .expect("a page count");
    let texts = (1..=pages)
        .map(|p| {
            let out = std::process::Command::new("pdftotext")
                .args(["-f", &p.to_string(), "-l", &p.to_string()])
                .arg(&path)
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8(out.stdout)
                .unwrap()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    texts
}

#[tokio::test]
async fn acc_6_the_binder_puts_the_confirmation_first_numbers_pages_and_embeds_the_evidence() {
    let app = TestApp::new().await;
    let acc = planned(&app).await;
    let id = acc.case_id.clone();
    let s = study(&app, &acc, &acc.org_user).await;
    let section = s["progress"]["sections"][0]["section_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let standard = s["evidence_table"][0]["standard"].as_str().unwrap().to_owned();
    acc.post(
        "self-study/narratives",
        &acc.org_user,
        json!({"section": section, "body": "倫理綱領を定め、毎年の研修で周知している。"}),
    )
    .await
    .assert_status(200);
    // Evidence: a real two-page PDF (made by the document engine) and a Word file (named only).
    let evidence_pdf = nintei_docs::self_study_binder(
        &nintei_docs::Binder {
            organization_name: "証拠資料見本".into(),
            unit_name: None,
            representative: "見本".into(),
            confirmed_on: chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
            applied_on: chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
            sections: Vec::new(),
            evidence: Vec::new(),
            destroyed_on: None,
        },
        &nintei_docs::DocOptions::default(),
    )
    .unwrap();
    let embedded = pdf_pages(&evidence_pdf).len();
    assert!(embedded >= 2);
    for (name, ctype, bytes) in [
        ("倫理規程.pdf", "application/pdf", evidence_pdf.clone()),
        (
            "研修記録.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            docx(),
        ),
    ] {
        let bytes: Vec<u8> = bytes;
        upload(
            &app,
            &id,
            &acc.org_user,
            &[("purpose", "evidence"), ("standard", &standard)],
            name,
            ctype,
            &bytes,
        )
        .await
        .assert_status(201);
    }
    let (_, email) = app.user(Role::Organization, Some(&acc.org_id)).await;
    let mut org = Browser::new(&app);
    org.sign_in(&email, PASSWORD).await.assert_status(303);
    let binder = format!("/accreditation/cases/{id}/self-study/binder.pdf");
    // ACC-6: no binder before the representative's confirmation (its first page).
    org.get(&binder).await.assert_status(409);

    acc.confirm("2025-10-19").await;
    let audit = app.count("audit_events").await;
    let r = org.get(&binder).await;
    r.assert_status(200);
    assert_eq!(r.header("content-type"), "application/pdf");
    assert_eq!(
        app.count("audit_events").await,
        audit + 1,
        "handing out the binder is audited"
    );
    // NINTEI_KEEP_BINDER=DIR keeps the binder to look at (pdftoppm).
    if let Ok(dir) = std::env::var("NINTEI_KEEP_BINDER") {
        std::fs::write(std::path::Path::new(&dir).join("binder.pdf"), &r.body).unwrap();
    }
    let pages = pdf_pages(&r.body);
    // The confirmation first, unnumbered; then the group index (page 1), the section index, the contents.
    assert!(pages[0].contains("セルフスタディ確認書"), "{}", pages[0]);
    assert!(pages[0].contains("代表取締役山田太郎"), "{}", pages[0]);
    assert!(
        pages[1].contains("基準群一覧") && pages[1].ends_with('1'),
        "{}",
        pages[1]
    );
    assert!(pages[2].contains("セクション一覧"), "{}", pages[2]);
    let contents = pages.iter().position(|p| p.contains("目次")).expect("contents");
    let compact = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert!(
        pages[contents].contains(&section) && pages[contents].contains(&compact(&standard)),
        "the contents list the sections and the standards with evidence: {}",
        pages[contents]
    );
    // Each section together (seed ACC-6): its own index of standards, then its narrative, then its evidence.
    let own_index = pages
        .iter()
        .position(|p| p.contains(&compact(&standard)) && p.contains("根拠資料") && p.contains("項目"))
        .expect("the section's own index");
    assert!(own_index > contents);
    let narrative = pages
        .iter()
        .position(|p| p.contains("倫理綱領を定め、毎年の研修で周知している。"))
        .unwrap();
    assert!(narrative >= own_index);
    // The evidence after the section's narrative: the PDF's pages one by one, then the Word file with its hash.
    let first_embedded = pages
        .iter()
        .position(|p| p.contains(&format!("倫理規程.pdf（1／{embedded}ページ）")))
        .expect("the evidence PDF's first page");
    assert!(first_embedded > narrative);
    for k in 2..=embedded {
        assert!(
            pages[first_embedded + k - 1].contains(&format!("倫理規程.pdf（{k}／{embedded}ページ）")),
            "page {k} of the evidence on the binder's next page: {}",
            pages[first_embedded + k - 1]
        );
    }
    let word = pages.iter().position(|p| p.contains("研修記録.docx")).unwrap();
    assert!(pages[word].contains(&sha256(&docx())));
    // Continuous numbers: the last page is numbered one less than its position (the confirmation has none).
    let last = pages.len() - 1;
    assert!(pages[last].ends_with(&last.to_string()), "{}", pages[last]);

    // Whoever may not see the case: 404 (another organization).
    let other_org = app.organization("別法人").await;
    let (_, email) = app.user(Role::Organization, Some(&other_org)).await;
    let mut other = Browser::new(&app);
    other.sign_in(&email, PASSWORD).await.assert_status(303);
    other.get(&binder).await.assert_status(404);
}
