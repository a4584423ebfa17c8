//! `nintei standards import FILE`: a bad file prints line-numbered errors and changes nothing; a good
//! file becomes the catalog in force while open cases keep their version.

use std::process::Command;

use nintei_domain::role::Role;
use serde_json::json;

use crate::acc_fixture::{Acc, BASE, application};
use crate::support::TestApp;

const GOOD: &str = "code,group,section,kind,fundamental,service,title
ETH 1,運営と管理,倫理実践,core_concept,,,倫理の基本概念（試験用）
ETH 1.01,運営と管理,倫理実践,practice,life_safety,,安全に関する実践（試験用）
CSL 1,サービス,相談窓口・ショートカウンセリング,core_concept,,a,相談の基本概念（試験用）
EDU 1,サービス,教育・研修,core_concept,,b,研修の基本概念（試験用）
";

/// Line 3: practice kind on a core-concept code; line 4: unknown fundamental; line 5: a service on a
/// non-service group.
const BAD: &str = "code,group,section,kind,fundamental,service,title
ETH 1,運営と管理,倫理実践,core_concept,,,よい行
ETH 2,運営と管理,倫理実践,practice,,,形と種類が違う
ETH 1.01,運営と管理,倫理実践,practice,fire,,未知の根幹カテゴリ
FIN 1,運営と管理,財務管理,core_concept,,a,サービスは書けない
";

fn import(app: &TestApp, file: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "standards",
        "import",
        file.to_str().unwrap(),
        "--database",
        &app.db.url,
    ];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_nintei"))
        .args(&args)
        .output()
        .expect("run nintei")
}

#[tokio::test]
async fn standards_import_bad_file_changes_nothing_good_file_becomes_the_catalog_in_force() {
    let app = TestApp::new().await;
    let dir = std::env::temp_dir().join(format!("nintei-std-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    // A case under the sample catalog.
    let acc = Acc::new(&app, "2026-01-10", None).await;
    let sample_version = acc.case().await["catalog_version"].as_str().unwrap().to_owned();
    assert_eq!(sample_version, "sample-1");
    let catalogs = app.count("acc_catalogs").await;
    let events = app.count("audit_events").await;

    let bad = dir.join("bad.csv");
    std::fs::write(&bad, BAD).unwrap();
    let out = import(&app, &bad, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in ["bad.csv:3:", "bad.csv:4:", "bad.csv:5:"] {
        assert!(stderr.contains(line), "{line} missing from {stderr}");
    }
    assert!(!stderr.contains("bad.csv:2:"), "{stderr}");
    assert_eq!(app.count("acc_catalogs").await, catalogs);
    assert_eq!(app.count("audit_events").await, events);
    // Not UTF-8 (Shift_JIS bytes on line 2): refused with its line.
    let sjis = dir.join("sjis.csv");
    let mut bytes = b"code,group,section,kind,fundamental,service,title\nETH 1,".to_vec();
    bytes.extend_from_slice(&[0x89, 0x5e, 0x89, 0x63]);
    std::fs::write(&sjis, bytes).unwrap();
    let out = import(&app, &sjis, &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sjis.csv:2:"));

    let good = dir.join("coa-2027.csv");
    std::fs::write(&good, GOOD).unwrap();
    let out = import(&app, &good, &["--label", "coa-2027"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("coa-2027"));
    assert_eq!(app.count("acc_catalogs").await, catalogs + 1);
    // The same label twice is refused.
    assert!(!import(&app, &good, &["--label", "coa-2027"]).status.success());

    // The catalog in force changed; it is not a sample.
    let (_, office) = app.login(Role::Office, None).await;
    let standards = app
        .get("/api/v1/accreditation/standards", Some(&office))
        .await
        .assert_status(200)
        .json();
    assert_eq!(standards["version"], "coa-2027");
    assert_eq!(standards["sample"], false);
    assert_eq!(standards["items"].as_array().unwrap().len(), 4);
    // The open case keeps its version; a new one uses the new catalog.
    assert_eq!(acc.case().await["catalog_version"], "sample-1");
    let org = app.organization("株式会社あたらしい").await;
    let r = app
        .post_json(BASE, Some(&office), &application(&org, "2026-02-01"))
        .await;
    let id = r.assert_status(201).json()["id"].as_str().unwrap().to_owned();
    let case = app
        .get(&format!("{BASE}/{id}"), Some(&office))
        .await
        .assert_status(200)
        .json();
    assert_eq!(case["catalog_version"], "coa-2027");
    assert_eq!(case["catalog_sample"], false);
    // The old case moves on under its own version.
    acc.post(
        "eligibility",
        &acc.office,
        json!({"eligible": true, "decided_on": "2026-01-20"}),
    )
    .await
    .assert_status(200);
    // A default label is today's date and the catalog number.
    let again = dir.join("again.csv");
    std::fs::write(&again, GOOD).unwrap();
    let out = import(&app, &again, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("-v3;"), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}
