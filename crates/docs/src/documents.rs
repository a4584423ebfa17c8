//! The documents of both schemes as PDF: accreditation certificate (with a QR code to the public verification
//! page), acceptance notice (ACC-4), result notices for each outcome (ACC-11, ACC-12), review report (ACC-12) and
//! registration certificate (REG-5). The invoice is in `invoice.rs`.
//!
//! Wording is written here, in Rust, and handed to the templates as data; the templates only lay it out.

use chrono::NaiveDate;
use qrcode::QrCode;
use qrcode::render::svg;
use serde_json::{Value, json};

use crate::format::{DateStyle, date};
use crate::{DocError, engine};

const NOTICE: &str = include_str!("templates/notice.typ");
const CERTIFICATE: &str = include_str!("templates/certificate.typ");

/// Settings that apply to every document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocOptions {
    pub date_style: DateStyle,
}

/// Who issues a document: e.g. 産業医科大学 MH認定業務本部, 本部長, a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub organization: String,
    /// The signatory's title, e.g. 認定業務本部長.
    pub title: String,
    pub person: String,
    /// Shown small under the name when not empty.
    pub address: String,
    pub phone: String,
}

/// To whom: the organization and its representative (e.g. 代表取締役 山田 太郎); with no person the letter is
/// addressed to the organization (御中).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub person: String,
}

pub(crate) fn issuer_json(i: &Issuer) -> Value {
    json!({
        "organization": i.organization,
        "title": i.title,
        "person": i.person,
        "address": i.address,
        "phone": i.phone,
    })
}

pub(crate) fn recipient_json(r: &Recipient) -> Value {
    json!({"name": r.name, "person": r.person})
}

fn required(field: &'static str, value: &str) -> Result<(), DocError> {
    if value.trim().is_empty() {
        Err(DocError::invalid(field, "empty"))
    } else {
        Ok(())
    }
}

fn order(field: &'static str, from: NaiveDate, to: NaiveDate) -> Result<(), DocError> {
    if to < from {
        Err(DocError::invalid(field, format!("{to} is before {from}")))
    } else {
        Ok(())
    }
}

/// A letter's frame: number, date, addressee, issuer, title; sections are `(heading, paragraphs, items)`.
struct Letter<'a> {
    title: &'a str,
    subject: String,
    doc_number: &'a str,
    issued_on: NaiveDate,
    recipient: &'a Recipient,
    issuer: &'a Issuer,
    paragraphs: Vec<String>,
    ki: Vec<(String, String)>,
    sections: Vec<Value>,
    closing: String,
}

fn section(heading: &str, paragraphs: &[String], items: &[String]) -> Value {
    json!({"heading": heading, "paragraphs": paragraphs, "items": items, "table": null})
}

fn render_letter(l: &Letter<'_>, o: &DocOptions) -> Result<Vec<u8>, DocError> {
    required("recipient.name", &l.recipient.name)?;
    required("issuer.organization", &l.issuer.organization)?;
    let footer = if l.doc_number.is_empty() {
        format!("{}　{}", l.issuer.organization, l.title)
    } else {
        format!("{}　{}", l.title, l.doc_number)
    };
    let data = json!({
        "title": l.title,
        "subject": l.subject,
        "footer": footer,
        "doc_number": l.doc_number,
        "issued_on": date(l.issued_on, o.date_style),
        "recipient": recipient_json(l.recipient),
        "issuer": issuer_json(l.issuer),
        "paragraphs": l.paragraphs,
        "ki": l.ki.iter().map(|(a, b)| json!([a, b])).collect::<Vec<_>>(),
        "sections": l.sections,
        "closing": l.closing,
    });
    engine::render(NOTICE, &data, Vec::new())
}

// ---------------------------------------------------------------------------------------------------------------
// Accreditation certificate (認定証)

/// 認定証 (ACC-11, ACC-12 ③: issued once every fee is paid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccreditationCertificate {
    /// MH-YYYY-NNNN.
    pub number: String,
    pub organization_name: String,
    /// The accredited services, e.g. "a. 相談・カウンセリングサービス".
    pub services: Vec<String>,
    pub accredited_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub issued_on: NaiveDate,
    pub issuer: Issuer,
    /// The public site's base URL, e.g. `https://nintei.example.jp`; the QR code points to `{base}/verify/{number}`.
    pub base_url: String,
}

/// The public verification URL of an accreditation number.
pub fn verify_url(base_url: &str, number: &str) -> String {
    let number: String = number
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("{}/verify/{number}", base_url.trim_end_matches('/'))
}

/// A QR code of `text` as SVG (error correction M, a quiet zone, black on white).
pub fn qr_svg(text: &str) -> Result<String, DocError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| DocError::invalid("base_url", format!("no QR code possible: {e}")))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}

pub fn accreditation_certificate(c: &AccreditationCertificate, o: &DocOptions) -> Result<Vec<u8>, DocError> {
    required("number", &c.number)?;
    required("organization_name", &c.organization_name)?;
    required("base_url", &c.base_url)?;
    order("expires_on", c.accredited_on, c.expires_on)?;
    if c.services.is_empty() {
        return Err(DocError::invalid("services", "no accredited service"));
    }
    let url = verify_url(&c.base_url, &c.number);
    let qr = qr_svg(&url)?;
    let data = json!({
        "title": "認定証",
        "footer": "",
        "number_label": "認定番号",
        "number": c.number,
        "holder": c.organization_name,
        "holder_detail": "",
        "statement": "貴機関は、メンタルヘルスサービス機関機能認定の認定基準に適合していることを認め、\
                      ここに認定します。",
        "terms": [
            ["認定サービス", c.services.join("\n")],
            ["認定日", date(c.accredited_on, o.date_style)],
            ["有効期間", format!("{}から{}まで", date(c.accredited_on, o.date_style), date(c.expires_on, o.date_style))],
        ],
        "issued_on": date(c.issued_on, o.date_style),
        "issuer": issuer_json(&c.issuer),
        "verify_note": "認定の状況は、次のアドレスで確認できます。",
        "verify_url": url,
    });
    engine::render(CERTIFICATE, &data, vec![("/qr.svg".to_owned(), qr.into_bytes())])
}

// ---------------------------------------------------------------------------------------------------------------
// Registration certificate (登録証)

/// 登録証 of one counseling room (REG-2, REG-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationCertificate {
    /// REG-YYYY-NNNN.
    pub number: String,
    pub organization_name: String,
    /// The counseling room (相談室) registered.
    pub site_name: String,
    pub site_address: String,
    pub registered_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub issued_on: NaiveDate,
    pub issuer: Issuer,
    /// The site's address: the QR code and the printed address lead to `/verify/{number}` (REG-5).
    pub base_url: String,
}

pub fn registration_certificate(c: &RegistrationCertificate, o: &DocOptions) -> Result<Vec<u8>, DocError> {
    required("number", &c.number)?;
    required("organization_name", &c.organization_name)?;
    required("site_name", &c.site_name)?;
    order("expires_on", c.registered_on, c.expires_on)?;
    required("base_url", &c.base_url)?;
    let url = verify_url(&c.base_url, &c.number);
    let qr = qr_svg(&url)?;
    let data = json!({
        "title": "登録証",
        "footer": "",
        "number_label": "登録番号",
        "number": c.number,
        "holder": c.organization_name,
        "holder_detail": c.site_name,
        "statement": "上記の相談機関は、メンタルヘルス対策における事業場外資源としての相談機関の登録基準に\
                      適合するものとして登録されたことを証します。",
        "terms": [
            ["相談室", c.site_name],
            ["所在地", c.site_address],
            ["登録日", date(c.registered_on, o.date_style)],
            ["有効期間", format!("{}から{}まで", date(c.registered_on, o.date_style), date(c.expires_on, o.date_style))],
        ],
        "issued_on": date(c.issued_on, o.date_style),
        "issuer": issuer_json(&c.issuer),
        "verify_note": "登録の状況は、次のアドレスで確認できます。",
        "verify_url": url,
    });
    engine::render(CERTIFICATE, &data, vec![("/qr.svg".to_owned(), qr.into_bytes())])
}

// ---------------------------------------------------------------------------------------------------------------
// Acceptance notice (申請受諾通知書)

/// 申請受諾通知書 (ACC-4): the application is accepted and the review begins; the invoice comes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptanceNotice {
    pub doc_number: String,
    pub issued_on: NaiveDate,
    pub recipient: Recipient,
    pub issuer: Issuer,
    pub applied_on: NaiveDate,
    pub accepted_on: NaiveDate,
    pub services: Vec<String>,
    /// Base + add-on fees before tax (ACC-22).
    pub fee: u64,
    /// The enclosed invoice's number and due date, when one is enclosed.
    pub invoice: Option<(String, NaiveDate)>,
    /// The office's contact line (担当, 電話, メール).
    pub contact: String,
}

pub fn acceptance_notice(n: &AcceptanceNotice, o: &DocOptions) -> Result<Vec<u8>, DocError> {
    order("accepted_on", n.applied_on, n.accepted_on)?;
    let d = |x| date(x, o.date_style);
    let mut ki = vec![
        ("申請日".to_owned(), d(n.applied_on)),
        ("受理日".to_owned(), d(n.accepted_on)),
        ("審査対象サービス".to_owned(), n.services.join("\n")),
        (
            "認定料金".to_owned(),
            format!("{}（消費税別）", crate::format::en(n.fee)),
        ),
    ];
    if let Some((number, due)) = &n.invoice {
        ki.push((
            "お支払い".to_owned(),
            format!(
                "同封の請求書（{number}）により、{}までにお振り込みください。",
                d(*due)
            ),
        ));
    }
    if !n.contact.is_empty() {
        ki.push(("担当".to_owned(), n.contact.clone()));
    }
    let letter = Letter {
        title: "申請受諾通知書",
        subject: String::new(),
        doc_number: &n.doc_number,
        issued_on: n.issued_on,
        recipient: &n.recipient,
        issuer: &n.issuer,
        paragraphs: vec![format!(
            "{}付けでお申込みのありましたメンタルヘルスサービス機関機能認定について、受審資格を確認のうえ申請を\
             受理し、認定審査を開始することとしましたので、通知します。",
            d(n.applied_on)
        )],
        ki,
        sections: vec![section(
            "今後の手続き",
            &[],
            &[
                "認定支援員を選任し、認定支援員の訪問日、セルフスタディ資料の提出期限及び実地調査の日程を調整します。"
                    .to_owned(),
                "セルフスタディ資料は、定められた順序で綴じ、提出期限までにご提出ください。".to_owned(),
                "審査はいつでも辞退できますが、支払済みの認定料金は返金されません。".to_owned(),
            ],
        )],
        closing: String::new(),
    };
    render_letter(&letter, o)
}

// ---------------------------------------------------------------------------------------------------------------
// Result notices (認定審査結果通知書), one per outcome

/// What the committee decided (ACC-11), with what each notice must say (ACC-12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 認定: the number and validity; extra fees are invoiced with the notice when `invoice_enclosed`.
    Accredit {
        number: String,
        accredited_on: NaiveDate,
        expires_on: NaiveDate,
        services: Vec<String>,
        invoice_enclosed: bool,
    },
    /// 保留: why, the documents needed and by when (3 months from sending).
    Hold {
        reasons: Vec<String>,
        documents_needed: Vec<String>,
        due_on: NaiveDate,
    },
    /// 延期: the improvements needed and the grace period.
    Defer {
        improvements: Vec<String>,
        grace_until: NaiveDate,
        additional_visit: bool,
    },
    /// 否認: why; appeal within 1 month of receiving the notice (ACC-21).
    Deny {
        reasons: Vec<String>,
        invoice_enclosed: bool,
    },
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Accredit { .. } => "認定",
            Outcome::Hold { .. } => "保留",
            Outcome::Defer { .. } => "延期",
            Outcome::Deny { .. } => "否認",
        }
    }
}

/// 認定審査結果通知書.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultNotice {
    pub doc_number: String,
    pub issued_on: NaiveDate,
    pub recipient: Recipient,
    pub issuer: Issuer,
    /// The committee's decision day.
    pub decided_on: NaiveDate,
    pub outcome: Outcome,
}

pub fn result_notice(n: &ResultNotice, o: &DocOptions) -> Result<Vec<u8>, DocError> {
    order("issued_on", n.decided_on, n.issued_on)?;
    let d = |x| date(x, o.date_style);
    let opening = format!(
        "貴機関から申請のありましたメンタルヘルスサービス機関機能認定について、{}の認定委員会において審査した結果、\
         下記のとおり「{}」と決定しましたので、通知します。",
        d(n.decided_on),
        n.outcome.label()
    );
    let mut ki = vec![
        ("決定日".to_owned(), d(n.decided_on)),
        ("審査結果".to_owned(), n.outcome.label().to_owned()),
    ];
    let mut sections = Vec::new();
    match &n.outcome {
        Outcome::Accredit {
            number,
            accredited_on,
            expires_on,
            services,
            invoice_enclosed,
        } => {
            order("expires_on", *accredited_on, *expires_on)?;
            ki.push(("認定番号".to_owned(), number.clone()));
            ki.push(("認定サービス".to_owned(), services.join("\n")));
            ki.push((
                "有効期間".to_owned(),
                format!("{}から{}まで", d(*accredited_on), d(*expires_on)),
            ));
            let mut items = Vec::new();
            if *invoice_enclosed {
                items.push("追加料金の請求書を同封します。期限までにお支払いください。".to_owned());
            }
            items.push("認定証は、全ての料金のお支払いを確認した後に送付します。".to_owned());
            items.push(
                "機関の長所及び改善すべき分野等を記載した審査報告書を、認定後2か月以内に送付します。"
                    .to_owned(),
            );
            items.push("認定期間中は、毎年、認定月に認定維持報告書をご提出ください。".to_owned());
            sections.push(section("今後の手続き", &[], &items));
        }
        Outcome::Hold {
            reasons,
            documents_needed,
            due_on,
        } => {
            ki.push(("資料の提出期限".to_owned(), d(*due_on)));
            sections.push(section("保留の理由", &[], reasons));
            sections.push(section("認定に必要な追加提出資料", &[], documents_needed));
            sections.push(section(
                "ご注意",
                &[format!(
                    "{}までに資料の提出がない場合は、認定業務本部長から認定委員会に報告し、認定委員会が延期又は\
                     否認を決定します。",
                    d(*due_on)
                )],
                &[],
            ));
        }
        Outcome::Defer {
            improvements,
            grace_until,
            additional_visit,
        } => {
            ki.push(("改善の猶予期間".to_owned(), format!("{}まで", d(*grace_until))));
            sections.push(section("不適合基準についての改善事項", &[], improvements));
            let mut notes = vec![format!(
                "猶予期間内に改善が確認できない場合は、否認となります。猶予期間は、延長を含め最初の延期決定から\
                 1年を超えることはありません。（{}まで）",
                d(*grace_until)
            )];
            if *additional_visit {
                notes.push("改善の確認のため、追加の実地調査を行います。日程は別途調整します。".to_owned());
            }
            sections.push(section("ご注意", &notes, &[]));
        }
        Outcome::Deny {
            reasons,
            invoice_enclosed,
        } => {
            sections.push(section("否認の理由", &[], reasons));
            let mut items = Vec::new();
            if *invoice_enclosed {
                items.push("追加料金の請求書を同封します。期限までにお支払いください。".to_owned());
            }
            items.push(
                "機関の長所及び改善すべき分野等を記載した審査報告書を、決定後2か月以内に送付します。"
                    .to_owned(),
            );
            sections.push(section("今後の手続き", &[], &items));
            sections.push(section(
                "不服申立て",
                &[
                    "この決定に不服がある場合は、この通知を受け取った日の翌日から起算して1か月以内に、書面により\
                     不服申立てをすることができます。申立書には、機関の名称、所在地、責任者の役職及び氏名、決定を\
                     知った日、申立ての趣旨及び理由並びに申立ての年月日を記載し、根拠資料を添付してください。"
                        .to_owned(),
                ],
                &[],
            ));
        }
    }
    let letter = Letter {
        title: "認定審査結果通知書",
        subject: String::new(),
        doc_number: &n.doc_number,
        issued_on: n.issued_on,
        recipient: &n.recipient,
        issuer: &n.issuer,
        paragraphs: vec![opening],
        ki,
        sections,
        closing: String::new(),
    };
    render_letter(&letter, o)
}

// ---------------------------------------------------------------------------------------------------------------
// Review report (審査報告書)

/// One standard's rating (ACC-9: 1 完全な実践 … 4 不十分な実践, seed 003) with the surveyors' comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingLine {
    pub code: String,
    pub title: String,
    pub rating: u8,
    pub comment: String,
}

/// 審査報告書 (ACC-12): strengths and areas to improve, after an accreditation or a denial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewReport {
    pub doc_number: String,
    pub issued_on: NaiveDate,
    pub recipient: Recipient,
    pub issuer: Issuer,
    pub decided_on: NaiveDate,
    /// "認定" or "否認".
    pub outcome_label: String,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    /// Standards rated 3 or 4, or all of them; shown as a table when not empty.
    pub ratings: Vec<RatingLine>,
}

fn rating_label(r: u8) -> Result<&'static str, DocError> {
    match r {
        1 => Ok("1 完全な実践"),
        2 => Ok("2 実質的な実践"),
        3 => Ok("3 部分的な実践"),
        4 => Ok("4 不十分な実践"),
        _ => Err(DocError::invalid("ratings", format!("rating {r} is not 1–4"))),
    }
}

/// A section holding the table of standards with their rating and the surveyors' comment (ratings 1–4 only).
fn ratings_table(heading: &str, ratings: &[RatingLine]) -> Result<Value, DocError> {
    let mut rows = Vec::new();
    for l in ratings {
        rows.push(json!([l.code, l.title, rating_label(l.rating)?, l.comment]));
    }
    Ok(json!({
        "heading": heading,
        "paragraphs": [],
        "items": [],
        "table": {
            "widths": ["22", "44", "30", "1fr"],
            "header": ["基準", "項目", "評価", "コメント"],
            "rows": rows,
        },
    }))
}

pub fn review_report(r: &ReviewReport, o: &DocOptions) -> Result<Vec<u8>, DocError> {
    order("issued_on", r.decided_on, r.issued_on)?;
    let d = |x| date(x, o.date_style);
    let mut sections = vec![
        section("機関の長所", &[], &r.strengths),
        section("改善すべき分野", &[], &r.improvements),
    ];
    if !r.ratings.is_empty() {
        sections.push(ratings_table("基準ごとの評価", &r.ratings)?);
    }
    let letter = Letter {
        title: "審査報告書",
        subject: String::new(),
        doc_number: &r.doc_number,
        issued_on: r.issued_on,
        recipient: &r.recipient,
        issuer: &r.issuer,
        paragraphs: vec![format!(
            "{}の認定委員会の決定（{}）に係る審査の結果について、機関の長所及び改善すべき分野等を下記のとおり\
             報告します。今後の機関運営にお役立てください。",
            d(r.decided_on),
            r.outcome_label
        )],
        ki: Vec::new(),
        sections,
        closing: String::new(),
    };
    render_letter(&letter, o)
}

// ---------------------------------------------------------------------------------------------------------------
// Site-visit report (実地調査報告書, ACC-10)

/// 実地調査報告書 (ACC-10, seed 003 第5章5(2)): the office's report of the site visit from the surveyors' ratings
/// and comments, a copy of which goes to the organization; with standards rated 3 or 4 it asks for the
/// organization's written opinion and action plan (第5章5(3)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteVisitReport {
    pub issued_on: NaiveDate,
    pub recipient: Recipient,
    pub issuer: Issuer,
    /// The visit's first and last day (ACC-7: about 1.5 days).
    pub visit_from: NaiveDate,
    pub visit_to: NaiveDate,
    /// The surveyors, lead first.
    pub surveyors: Vec<String>,
    pub services: Vec<String>,
    /// Every standard in scope with its rating and comment, in the catalog's order.
    pub ratings: Vec<RatingLine>,
}

pub fn site_visit_report(r: &SiteVisitReport, o: &DocOptions) -> Result<Vec<u8>, DocError> {
    order("visit_to", r.visit_from, r.visit_to)?;
    order("issued_on", r.visit_to, r.issued_on)?;
    let d = |x| date(x, o.date_style);
    let mut counts = [0usize; 4];
    for l in &r.ratings {
        counts[usize::from(l.rating.clamp(1, 4)) - 1] += 1;
    }
    let below = counts[2] + counts[3];
    let mut paragraphs = vec![format!(
        "{}から{}まで実施した実地調査の結果を、認定調査員のレーティングとコメントに基づき下記のとおり報告します。",
        d(r.visit_from),
        d(r.visit_to)
    )];
    paragraphs.push(if below > 0 {
        format!(
            "レーティング「3」または「4」の基準が{below}件あります。本報告書へのご意見と、これらの基準への対応計画を\
             文書でご提出ください。ご意見と対応計画は認定委員会の審議資料となります。"
        )
    } else {
        "すべての基準がレーティング「1」または「2」です。本報告書は認定委員会の審議資料となります。".to_owned()
    });
    let summary = vec![
        format!("1 完全な実践：{}件", counts[0]),
        format!("2 実質的な実践：{}件", counts[1]),
        format!("3 部分的な実践：{}件", counts[2]),
        format!("4 不十分な実践：{}件", counts[3]),
    ];
    let mut sections = vec![section("評価の内訳", &[], &summary)];
    if !r.ratings.is_empty() {
        sections.push(ratings_table("基準ごとの評価とコメント", &r.ratings)?);
    }
    let letter = Letter {
        title: "実地調査報告書",
        subject: String::new(),
        doc_number: "",
        issued_on: r.issued_on,
        recipient: &r.recipient,
        issuer: &r.issuer,
        paragraphs,
        ki: vec![
            (
                "実地調査".to_owned(),
                format!("{}〜{}", d(r.visit_from), d(r.visit_to)),
            ),
            ("認定調査員".to_owned(), r.surveyors.join("、")),
            ("審査対象のサービス".to_owned(), r.services.join("、")),
        ],
        sections,
        closing: String::new(),
    };
    render_letter(&letter, o)
}

// ---------------------------------------------------------------------------------------------------------------
// Revocation notice (認定取消通知書, ACC-18)

/// 認定取消通知書: the written notice of a revocation (ACC-18), with the way to appeal (ACC-21).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationNotice {
    pub doc_number: String,
    pub issued_on: NaiveDate,
    pub recipient: Recipient,
    pub issuer: Issuer,
    /// MH-YYYY-NNNN.
    pub number: String,
    /// The services the accreditation covered, e.g. "a. 相談・カウンセリングサービス".
    pub services: Vec<String>,
    /// The committee's decision day: the revocation takes effect that day.
    pub decided_on: NaiveDate,
    /// The ground of seed 003 第7章2, e.g. 適合状況の調査の結果.
    pub ground: String,
    /// The committee's reasons, one a line.
    pub reasons: Vec<String>,
    /// How the committee decided, e.g. 認定委員会の会議.
    pub method: String,
}

pub fn revocation_notice(n: &RevocationNotice, o: &DocOptions) -> Result<Vec<u8>, DocError> {
    required("number", &n.number)?;
    required("ground", &n.ground)?;
    order("issued_on", n.decided_on, n.issued_on)?;
    let d = |x| date(x, o.date_style);
    let opening = format!(
        "貴機関のメンタルヘルスサービス機関機能認定（認定番号 {}）について、{}の認定委員会の判定に基づき、下記のとおり\
         認定を取り消しましたので、通知します。",
        n.number,
        d(n.decided_on)
    );
    let mut ki = vec![
        ("認定番号".to_owned(), n.number.clone()),
        ("取消しの日".to_owned(), d(n.decided_on)),
        ("取消しの理由".to_owned(), n.ground.clone()),
        ("判定の方法".to_owned(), n.method.clone()),
    ];
    if !n.services.is_empty() {
        ki.insert(1, ("認定サービス".to_owned(), n.services.join("\n")));
    }
    let mut sections = Vec::new();
    if !n.reasons.is_empty() {
        sections.push(section("取消しの理由の詳細", &[], &n.reasons));
    }
    sections.push(section(
        "今後の手続き",
        &[],
        &[
            "認定証を認定業務本部へ返納してください。".to_owned(),
            "取消しの日以降、認定ロゴマークその他認定を受けている旨の表示は使用できません。".to_owned(),
            "認定の公表は、取消しの日から「取消し」として表示されます。".to_owned(),
        ],
    ));
    sections.push(section(
        "不服申立て",
        &[
            "この処分に不服がある場合は、この通知を受け取った日の翌日から起算して1か月以内に、書面により\
             不服申立てをすることができます。申立書には、機関の名称、所在地、責任者の役職及び氏名、処分を\
             知った日、申立ての趣旨及び理由並びに申立ての年月日を記載し、根拠資料を添付してください。"
                .to_owned(),
        ],
        &[],
    ));
    let letter = Letter {
        title: "認定取消通知書",
        subject: String::new(),
        doc_number: &n.doc_number,
        issued_on: n.issued_on,
        recipient: &n.recipient,
        issuer: &n.issuer,
        paragraphs: vec![opening],
        ki,
        sections,
        closing: String::new(),
    };
    render_letter(&letter, o)
}
