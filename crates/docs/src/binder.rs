//! The self-study binder (ACC-6): one PDF in the order the seed sets — the representative's confirmation at the
//! very front, then the standard-group index, the section index and the contents with continuous page numbers, and
//! then section by section its own index of standards, its narrative and its evidence in evidence-table order.
//! Once the material has been destroyed (ACC-6: at the renewal date) the binder says so instead.

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::documents::DocOptions;
use crate::format::date;
use crate::{DocError, engine};

const TEMPLATE: &str = include_str!("templates/binder.typ");

/// One section of the standards in scope, with its narrative (empty when none was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinderSection {
    /// `ETH`.
    pub code: String,
    /// `倫理実践`.
    pub name: String,
    /// `運営と管理`.
    pub group: String,
    /// Standards of the section in scope.
    pub standards: usize,
    pub narrative: String,
    /// The section's standards in scope, `(code, title)`, in catalog order: the section's own index.
    pub items: Vec<(String, String)>,
}

/// An uploaded evidence file as submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinderFile {
    pub name: String,
    pub media_type: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// The evidence of one standard, in upload order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinderEvidence {
    pub standard: String,
    pub title: String,
    pub files: Vec<BinderFile>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binder {
    pub organization_name: String,
    pub unit_name: Option<String>,
    /// The representative who confirmed the self-study, and when (ACC-6).
    pub representative: String,
    pub confirmed_on: NaiveDate,
    pub applied_on: NaiveDate,
    /// Sections in catalog order.
    pub sections: Vec<BinderSection>,
    /// Standards with evidence, in evidence-table (catalog) order.
    pub evidence: Vec<BinderEvidence>,
    /// ACC-6: the day the office destroyed the self-study material (narratives and files); the binder then holds
    /// only its confirmation, the indexes and that statement.
    pub destroyed_on: Option<NaiveDate>,
}

/// How a file goes into the binder: PDF pages, an image, or named only.
fn placement(f: &BinderFile, index: usize) -> (Value, Option<(String, Vec<u8>)>) {
    let base = |kind: &str, note: &str| {
        json!({"kind": kind, "name": f.name, "media_type": f.media_type, "sha256": f.sha256, "note": note,
               "pages": 0, "path": ""})
    };
    match f.media_type.as_str() {
        "application/pdf" => match pdf_pages(&f.bytes) {
            Some(pages) => {
                let path = format!("/evidence/{index}.pdf");
                let mut v = base("pdf", "");
                v["pages"] = json!(pages);
                v["path"] = json!(path);
                (v, Some((path, f.bytes.clone())))
            }
            None => (
                base(
                    "other",
                    "PDFとして読み取れないため、ファイル名と SHA-256 のみ収録しています (not readable as PDF)",
                ),
                None,
            ),
        },
        "image/png" | "image/jpeg" => {
            let ext = if f.media_type == "image/png" { "png" } else { "jpg" };
            let path = format!("/evidence/{index}.{ext}");
            let mut v = base("image", "");
            v["path"] = json!(path);
            (v, Some((path, f.bytes.clone())))
        }
        _ => (
            base(
                "other",
                "電子ファイルで提出されています（バインダーには本文を収録しません）",
            ),
            None,
        ),
    }
}

/// The page count of a PDF, None when it cannot be read (encrypted, damaged) or has no pages.
fn pdf_pages(bytes: &[u8]) -> Option<usize> {
    let pdf = hayro_syntax::Pdf::new(bytes.to_vec()).ok()?;
    let n = pdf.pages().len();
    (n > 0).then_some(n)
}

pub fn self_study_binder(b: &Binder, o: &DocOptions) -> Result<Vec<u8>, DocError> {
    if b.organization_name.trim().is_empty() {
        return Err(DocError::invalid("organization_name", "empty"));
    }
    if b.representative.trim().is_empty() {
        return Err(DocError::invalid(
            "representative",
            "the self-study has no representative's confirmation (ACC-6)",
        ));
    }
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for s in &b.sections {
        match groups.iter_mut().find(|(g, _)| *g == s.group) {
            Some((_, names)) => names.push(s.name.clone()),
            None => groups.push((s.group.clone(), vec![s.name.clone()])),
        }
    }
    let mut files = Vec::new();
    let mut index = 0;
    let mut sections = Vec::new();
    for s in &b.sections {
        // The evidence of the section's standards, in the catalog order of its index.
        let mut evidence = Vec::new();
        for (code, _) in &s.items {
            for e in b.evidence.iter().filter(|e| e.standard == *code) {
                let mut placed = Vec::new();
                for f in &e.files {
                    index += 1;
                    let (v, file) = placement(f, index);
                    placed.push(v);
                    files.extend(file);
                }
                evidence.push(json!({"standard": e.standard, "title": e.title, "files": placed}));
            }
        }
        let items: Vec<Value> = s
            .items
            .iter()
            .map(|(code, title)| {
                let n = b
                    .evidence
                    .iter()
                    .filter(|e| e.standard == *code)
                    .map(|e| e.files.len())
                    .sum::<usize>();
                json!([code, title, n.to_string()])
            })
            .collect();
        sections.push(
            json!({"code": s.code, "name": s.name, "group": s.group, "standards": s.standards,
            "narrative": s.narrative, "items": items, "evidence": evidence}),
        );
    }
    let holder = match &b.unit_name {
        Some(u) if !u.trim().is_empty() => format!("{}　{}", b.organization_name, u),
        _ => b.organization_name.clone(),
    };
    let data = json!({
        "title": "セルフスタディ",
        "organization": holder,
        "footer": format!("セルフスタディ　{holder}"),
        "confirmation_title": "セルフスタディ確認書",
        "confirmation_statement": "本セルフスタディの内容が事実に基づき正確であることを確認し、提出します。",
        "confirmation_rows": [
            ["機関名", holder],
            ["代表者", b.representative],
            ["確認日", date(b.confirmed_on, o.date_style)],
            ["申請日", date(b.applied_on, o.date_style)],
        ],
        "groups": groups.iter().map(|(g, s)| json!({"name": g, "sections": s})).collect::<Vec<_>>(),
        "sections": sections,
        "destroyed": b.destroyed_on.map(|on| format!(
            "本セルフスタディの記述と根拠資料は、認定の更新日（{}）をもって事務局が廃棄しました。",
            date(on, o.date_style)
        )).unwrap_or_default(),
    });
    engine::render(TEMPLATE, &data, files)
}
