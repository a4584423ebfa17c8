//! The PDF documents, read back the way a person or a program would: `pdftotext` (Debian `poppler-utils`) for the
//! Japanese text and numbers, `pdfinfo` for the page count, and `pdftoppm` + a QR decoder for the certificate's
//! verification code. Missing tools or fonts fail these tests with the package to install; they never skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

use chrono::NaiveDate;
use nintei_docs::{
    AcceptanceNotice, AccreditationCertificate, DateStyle, DocOptions, Invoice, InvoiceItem, Issuer, Outcome,
    RatingLine, Recipient, RegistrationCertificate, ResultNotice, ReviewReport, SiteVisitReport, TaxRate,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn acc_issuer() -> Issuer {
    Issuer {
        organization: "産業医科大学 MH認定業務本部".into(),
        title: "認定業務本部長".into(),
        person: "若松 一郎".into(),
        address: "福岡県北九州市八幡西区医生ケ丘1-1".into(),
        phone: "093-555-0100".into(),
    }
}

fn recipient() -> Recipient {
    Recipient {
        name: "株式会社こころケア".into(),
        person: "代表取締役 山田 太郎".into(),
    }
}

fn wareki() -> DocOptions {
    DocOptions::default()
}

/// A scratch folder removed at the end of the test.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("nintei-docs-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, pdf: &[u8]) -> PathBuf {
        assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
        let p = self.0.join(name);
        std::fs::write(&p, pdf).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tool(name: &str, args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} is needed to check the PDFs: install the Debian package poppler-utils ({e})")
    });
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// With `NINTEI_DOCS_DUMP=DIR`, every PDF checked is also written there (to look at with pdftoppm).
fn dump(pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("NINTEI_DOCS_DUMP") {
        let name = std::thread::current().name().unwrap_or("doc").replace("::", "-");
        let mut path = PathBuf::from(dir).join(format!("{name}.pdf"));
        let mut n = 1;
        while path.exists() {
            n += 1;
            path = path.with_file_name(format!("{name}-{n}.pdf"));
        }
        std::fs::write(path, pdf).unwrap();
    }
}

/// The text of a PDF as `pdftotext` extracts it.
fn text_of(pdf: &[u8]) -> String {
    dump(pdf);
    let s = Scratch::new();
    let p = s.write("doc.pdf", pdf);
    let out = tool("pdftotext", &[p.as_os_str(), "-".as_ref()]);
    String::from_utf8(out).expect("pdftotext writes UTF-8")
}

/// The text without white space, so that a phrase wrapped across lines is still found.
fn squeezed(pdf: &[u8]) -> String {
    text_of(pdf).chars().filter(|c| !c.is_whitespace()).collect()
}

#[track_caller]
fn assert_has(text: &str, needles: &[&str]) {
    for n in needles {
        let n: String = n.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&n), "{n:?} not in the extracted text:\n{text}");
    }
}

fn pages(pdf: &[u8]) -> u32 {
    let s = Scratch::new();
    let p = s.write("doc.pdf", pdf);
    let info = String::from_utf8(tool("pdfinfo", &[p.as_os_str()])).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap()
}

fn certificate() -> AccreditationCertificate {
    AccreditationCertificate {
        number: "MH-2026-0001".into(),
        organization_name: "株式会社こころケア".into(),
        services: vec![
            "a. 相談・カウンセリングサービス".into(),
            "c. 職場復帰支援サービス".into(),
        ],
        accredited_on: d(2026, 4, 1),
        expires_on: d(2029, 3, 31),
        issued_on: d(2026, 4, 20),
        issuer: acc_issuer(),
        base_url: "https://nintei.example.jp/".into(),
    }
}

#[test]
fn accreditation_certificate_shows_number_holder_and_wareki_validity_acc_11() {
    let started = std::time::Instant::now();
    let pdf = nintei_docs::accreditation_certificate(&certificate(), &wareki()).unwrap();
    eprintln!(
        "certificate rendered in {:?} (fonts loaded on first use)",
        started.elapsed()
    );
    let t = squeezed(&pdf);
    assert_has(
        &t,
        &[
            "認定証",
            "認定番号",
            "MH-2026-0001",
            "株式会社こころケア",
            "a. 相談・カウンセリングサービス",
            "認定日令和8年4月1日",
            "令和8年4月1日から令和11年3月31日まで",
            "令和8年4月20日",
            "産業医科大学 MH認定業務本部",
            "認定業務本部長",
            "https://nintei.example.jp/verify/MH-2026-0001",
        ],
    );
    assert!(!t.contains("2026年"), "wareki only by default");
    assert_eq!(pages(&pdf), 1, "a certificate is one page");
}

#[test]
fn the_western_year_is_a_setting() {
    let o = DocOptions {
        date_style: DateStyle::Western,
    };
    let t = squeezed(&nintei_docs::accreditation_certificate(&certificate(), &o).unwrap());
    assert_has(&t, &["2026年4月1日から2029年3月31日まで"]);
    assert!(!t.contains("令和"));
    let o = DocOptions {
        date_style: DateStyle::WarekiWithWestern,
    };
    let t = squeezed(&nintei_docs::accreditation_certificate(&certificate(), &o).unwrap());
    assert_has(&t, &["令和8年（2026年）4月1日"]);
}

#[test]
fn the_certificates_qr_code_decodes_to_the_verification_url() {
    let pdf = nintei_docs::accreditation_certificate(&certificate(), &wareki()).unwrap();
    assert_eq!(qr_of(&pdf), "https://nintei.example.jp/verify/MH-2026-0001");
}

/// The one QR code on the PDF's page, decoded.
fn qr_of(pdf: &[u8]) -> String {
    let s = Scratch::new();
    let p = s.write("cert.pdf", pdf);
    let prefix = s.0.join("page");
    // A greyscale PGM at 150 dpi: simple enough to read without an image library.
    tool(
        "pdftoppm",
        &[
            "-r".as_ref(),
            "150".as_ref(),
            "-gray".as_ref(),
            "-singlefile".as_ref(),
            p.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    let pgm = std::fs::read(s.0.join("page.pgm")).unwrap();
    let (w, h, pixels) = parse_pgm(&pgm);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    let (_, content) = grids[0].decode().unwrap();
    content
}

fn parse_pgm(data: &[u8]) -> (usize, usize, Vec<u8>) {
    // "P5\n<w> <h>\n<max>\n" then w*h bytes.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while data[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !data[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8(data[start..i].to_vec()).unwrap());
    }
    assert_eq!(fields[0], "P5");
    let w: usize = fields[1].parse().unwrap();
    let h: usize = fields[2].parse().unwrap();
    let body = data[i + 1..].to_vec();
    assert_eq!(body.len(), w * h);
    (w, h, body)
}

fn invoice() -> Invoice {
    Invoice {
        invoice_number: "INV-2026-0001".into(),
        issued_on: d(2026, 4, 1),
        due_on: d(2026, 4, 30),
        recipient: Recipient {
            name: "株式会社こころケア".into(),
            person: String::new(),
        },
        issuer: acc_issuer(),
        registration_number: "T2290805000015".into(),
        items: vec![
            InvoiceItem {
                date: d(2026, 4, 1),
                description: "MH認定 基本料金".into(),
                quantity: 1,
                unit_price: 500_000,
                rate: TaxRate::Standard10,
            },
            InvoiceItem {
                date: d(2026, 4, 1),
                description: "加算料金（サービス3件）".into(),
                quantity: 3,
                unit_price: 60_000,
                rate: TaxRate::Standard10,
            },
            InvoiceItem {
                date: d(2026, 4, 1),
                description: "加算料金（年間売上高 8,700万円）".into(),
                quantity: 1,
                unit_price: 120_000,
                rate: TaxRate::Standard10,
            },
        ],
        bank: "○○銀行 八幡支店 普通 1234567 サンギョウイカダイガク".into(),
        note: "振込手数料はご負担ください。".into(),
    }
}

#[test]
fn invoice_has_the_qualified_invoice_items_acc_22() {
    let pdf = nintei_docs::invoice(&invoice(), &wareki()).unwrap();
    let t = squeezed(&pdf);
    // ACC-22: ¥87M revenue with 5 services → ¥800,000 before tax; 10% → ¥80,000; due ¥880,000.
    assert_has(
        &t,
        &[
            "請求書",
            "INV-2026-0001",
            "株式会社こころケア",
            "御中",
            "登録番号T2290805000015",
            "産業医科大学 MH認定業務本部",
            "取引年月日",
            "令和8年4月1日",
            "MH認定 基本料金",
            "¥500,000",
            "¥180,000",
            "10%対象",
            "¥800,000",
            "¥80,000",
            "¥880,000",
            "880,000円",
            "令和8年4月30日",
            "お振込先",
        ],
    );
    assert_eq!(pages(&pdf), 1);
    // One honorific: a person named at the organization is 様, and then the organization is not also 御中.
    let mut named = invoice();
    named.recipient.person = "経理部 鈴木 花子".into();
    let t = squeezed(&nintei_docs::invoice(&named, &wareki()).unwrap());
    assert!(t.contains("経理部鈴木花子様") && !t.contains("御中"), "{t}");
}

#[test]
fn an_invoice_without_a_valid_registration_number_is_refused() {
    let mut inv = invoice();
    inv.registration_number = "1234567890123".into();
    let e = nintei_docs::invoice(&inv, &wareki()).unwrap_err();
    assert!(e.to_string().contains("registration_number"), "{e}");
    inv.registration_number = "T2290805000015".into();
    inv.items.clear();
    assert!(nintei_docs::invoice(&inv, &wareki()).is_err());
}

#[test]
fn acceptance_notice_acc_4() {
    let n = AcceptanceNotice {
        doc_number: "産医大MH第2026-15号".into(),
        issued_on: d(2026, 3, 16),
        recipient: recipient(),
        issuer: acc_issuer(),
        applied_on: d(2026, 3, 2),
        accepted_on: d(2026, 3, 16),
        services: vec!["a. 相談・カウンセリングサービス".into()],
        fee: 800_000,
        invoice: Some(("INV-2026-0001".into(), d(2026, 4, 30))),
        contact: "認定業務本部 事務局 電話 093-555-0100".into(),
    };
    let pdf = nintei_docs::acceptance_notice(&n, &wareki()).unwrap();
    let t = squeezed(&pdf);
    assert_has(
        &t,
        &[
            "申請受諾通知書",
            "産医大MH第2026-15号",
            "株式会社こころケア",
            "代表取締役 山田 太郎 殿",
            "令和8年3月2日付けでお申込み",
            "認定審査を開始",
            "800,000円（消費税別）",
            "INV-2026-0001",
            "令和8年4月30日までにお振り込みください",
            "記",
            "以上",
        ],
    );
}

fn notice(outcome: Outcome) -> ResultNotice {
    ResultNotice {
        doc_number: "産医大MH第2026-40号".into(),
        issued_on: d(2026, 4, 10),
        recipient: recipient(),
        issuer: acc_issuer(),
        decided_on: d(2026, 4, 1),
        outcome,
    }
}

#[test]
fn result_notice_accredit_acc_12() {
    let pdf = nintei_docs::result_notice(
        &notice(Outcome::Accredit {
            number: "MH-2026-0001".into(),
            accredited_on: d(2026, 4, 1),
            expires_on: d(2029, 3, 31),
            services: vec!["a. 相談・カウンセリングサービス".into()],
            invoice_enclosed: true,
        }),
        &wareki(),
    )
    .unwrap();
    let t = squeezed(&pdf);
    assert_has(
        &t,
        &[
            "認定審査結果通知書",
            "「認定」と決定しました",
            "MH-2026-0001",
            "令和8年4月1日から令和11年3月31日まで",
            "追加料金の請求書を同封します",
            "認定証は、全ての料金のお支払いを確認した後に送付します",
            "審査報告書を、認定後2か月以内に送付します",
        ],
    );
}

#[test]
fn result_notice_hold_acc_11() {
    let pdf = nintei_docs::result_notice(
        &notice(Outcome::Hold {
            reasons: vec!["苦情対応の記録が確認できなかったため。".into()],
            documents_needed: vec!["令和7年度の苦情対応記録".into(), "改善計画書".into()],
            due_on: d(2026, 7, 10),
        }),
        &wareki(),
    )
    .unwrap();
    let t = squeezed(&pdf);
    assert_has(
        &t,
        &[
            "「保留」と決定しました",
            "保留の理由",
            "苦情対応の記録が確認できなかったため。",
            "認定に必要な追加提出資料",
            "(1)令和7年度の苦情対応記録",
            "(2)改善計画書",
            "資料の提出期限令和8年7月10日",
        ],
    );
}

#[test]
fn result_notice_defer_acc_11() {
    let pdf = nintei_docs::result_notice(
        &notice(Outcome::Defer {
            improvements: vec!["基本実践基準 CSL 2.03 の手順書を整備すること。".into()],
            grace_until: d(2027, 3, 31),
            additional_visit: true,
        }),
        &wareki(),
    )
    .unwrap();
    let t = squeezed(&pdf);
    assert_has(
        &t,
        &[
            "「延期」と決定しました",
            "不適合基準についての改善事項",
            "CSL 2.03",
            "改善の猶予期間令和9年3月31日まで",
            "追加の実地調査を行います",
        ],
    );
}

#[test]
fn result_notice_deny_names_the_appeal_period_acc_21() {
    let pdf = nintei_docs::result_notice(
        &notice(Outcome::Deny {
            reasons: vec!["中核概念基準の評価が認定の要件を満たさなかったため。".into()],
            invoice_enclosed: false,
        }),
        &wareki(),
    )
    .unwrap();
    let t = squeezed(&pdf);
    assert_has(
        &t,
        &[
            "「否認」と決定しました",
            "否認の理由",
            "不服申立て",
            "この通知を受け取った日の翌日から起算して1か月以内",
            "決定後2か月以内に送付します",
        ],
    );
    assert!(!t.contains("追加料金の請求書"));
}

#[test]
fn review_report_acc_12() {
    let r = ReviewReport {
        doc_number: "産医大MH第2026-52号".into(),
        issued_on: d(2026, 5, 20),
        recipient: recipient(),
        issuer: acc_issuer(),
        decided_on: d(2026, 4, 1),
        outcome_label: "認定".into(),
        strengths: vec!["相談記録の管理が徹底されている。".into()],
        improvements: vec!["職場復帰支援の評価指標を定めること。".into()],
        ratings: vec![RatingLine {
            code: "CMR 3.02".into(),
            title: "職場復帰支援計画".into(),
            rating: 3,
            comment: "評価指標が未整備。".into(),
        }],
    };
    let pdf = nintei_docs::review_report(&r, &wareki()).unwrap();
    let t = squeezed(&pdf);
    assert_has(
        &t,
        &[
            "審査報告書",
            "機関の長所",
            "相談記録の管理が徹底されている。",
            "改善すべき分野",
            "基準ごとの評価",
            "CMR 3.02",
            "3 部分的な実践",
            "評価指標が未整備。",
        ],
    );
    let mut bad = r.clone();
    bad.ratings[0].rating = 5;
    assert!(nintei_docs::review_report(&bad, &wareki()).is_err());
}

#[test]
fn site_visit_report_acc_10() {
    let line = |code: &str, rating: u8, comment: &str| RatingLine {
        code: code.into(),
        title: format!("{code}の項目"),
        rating,
        comment: comment.into(),
    };
    let r = SiteVisitReport {
        issued_on: d(2026, 5, 25),
        recipient: recipient(),
        issuer: acc_issuer(),
        visit_from: d(2026, 5, 20),
        visit_to: d(2026, 5, 21),
        surveyors: vec!["主任 調査一郎".into(), "調査花子".into()],
        services: vec!["a. 相談窓口・ショートカウンセリング".into()],
        ratings: vec![
            line("ETH 1.01", 1, "倫理規程が周知されている。"),
            line("CMR 3.02", 3, "評価指標が未整備。"),
            line("CMR 3.03", 4, "記録がない。"),
        ],
    };
    let pdf = nintei_docs::site_visit_report(&r, &wareki()).unwrap();
    let t = squeezed(&pdf);
    assert_has(
        &t,
        &[
            "実地調査報告書",
            "令和8年5月20日〜令和8年5月21日",
            "主任 調査一郎、調査花子",
            "1 完全な実践：1件",
            "3 部分的な実践：1件",
            "4 不十分な実践：1件",
            "レーティング「3」または「4」の基準が2件",
            "対応計画",
            "ETH 1.01",
            "倫理規程が周知されている。",
            "評価指標が未整備。",
        ],
    );
    // Not dated before the visit's last day, and ratings stay 1–4.
    let mut early = r.clone();
    early.issued_on = d(2026, 5, 20);
    assert!(nintei_docs::site_visit_report(&early, &wareki()).is_err());
    let mut bad = r.clone();
    bad.ratings[0].rating = 0;
    assert!(nintei_docs::site_visit_report(&bad, &wareki()).is_err());
}

#[test]
fn registration_certificate_reg_5() {
    let c = RegistrationCertificate {
        number: "REG-2026-0001".into(),
        organization_name: "医療法人社団 みどり会".into(),
        site_name: "みどり相談室 小倉".into(),
        site_address: "福岡県北九州市小倉北区浅野1-2-3".into(),
        registered_on: d(2026, 9, 20),
        expires_on: d(2029, 9, 19),
        issued_on: d(2026, 9, 25),
        issuer: Issuer {
            organization: "独立行政法人 労働者健康安全機構".into(),
            title: "理事長".into(),
            person: "登録 花子".into(),
            address: String::new(),
            phone: String::new(),
        },
        base_url: "https://nintei.example.jp".into(),
    };
    let pdf = nintei_docs::registration_certificate(&c, &wareki()).unwrap();
    // REG-5: the QR code and the printed address lead to the public verification of the number.
    assert_eq!(qr_of(&pdf), "https://nintei.example.jp/verify/REG-2026-0001");
    let t = squeezed(&pdf);
    assert_has(
        &t,
        &[
            "登録証",
            "登録番号",
            "REG-2026-0001",
            "医療法人社団 みどり会",
            "みどり相談室 小倉",
            "令和8年9月20日から令和11年9月19日まで",
        ],
    );
    assert_eq!(pages(&pdf), 1);
}

#[test]
fn data_is_text_never_markup() {
    let mut c = certificate();
    c.organization_name = "#set page(fill: red) *太字* ] $x$ // 株式会社".into();
    let pdf = nintei_docs::accreditation_certificate(&c, &wareki()).unwrap();
    assert_has(&squeezed(&pdf), &["#setpage(fill:red)*太字*]$x$//株式会社"]);
}

#[test]
fn bad_data_is_named() {
    let mut c = certificate();
    c.expires_on = d(2026, 3, 31);
    let e = nintei_docs::accreditation_certificate(&c, &wareki()).unwrap_err();
    assert!(e.to_string().contains("expires_on"), "{e}");
    let mut c = certificate();
    c.services.clear();
    assert!(nintei_docs::accreditation_certificate(&c, &wareki()).is_err());
}

#[test]
fn the_japanese_fonts_are_installed() {
    nintei_docs::check_fonts()
        .unwrap_or_else(|e| panic!("{e} — the setup installs the Debian package fonts-ipaexfont"));
}
