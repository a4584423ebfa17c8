//! The self-study (セルフスタディ, ACC-6) and the application's attachments (ACC-3): what may be uploaded when,
//! the evidence table (エビデンス表, seed 003 第4章2(1)), progress per section, the format check and the
//! staff and client-company questionnaires.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::case::CaseStatus;
use super::standards::{Kind, Standard};

/// The five attachments of the application (ACC-3), in the order of the seed's form.
pub const ATTACHMENTS: [&str; 5] = [
    "pamphlets",
    "philosophy",
    "audit_report",
    "pre_check_sheet",
    "organization_chart",
];

/// The purpose of an uploaded file: an ACC-3 attachment or ACC-6 evidence for one standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    Attachment(&'static str),
    Evidence,
}

impl Purpose {
    pub fn parse(s: &str) -> Option<Purpose> {
        if s == "evidence" {
            return Some(Purpose::Evidence);
        }
        ATTACHMENTS
            .iter()
            .find(|a| **a == s)
            .map(|a| Purpose::Attachment(a))
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Purpose::Attachment(a) => a,
            Purpose::Evidence => "evidence",
        }
    }
}

/// Where the office's format check stands (ACC-6: "the office checks the format; after fixes, three copies").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormatStatus {
    /// Being written; not submitted yet.
    Draft,
    /// Submitted, waiting for the office's check.
    Submitted,
    /// The office asked for fixes: back with the organization, which may edit and resubmit.
    FixesRequested,
    /// Fixed and sent again, waiting for the office's check.
    Resubmitted,
    /// The format is in order.
    Accepted,
}

impl FormatStatus {
    pub fn parse(s: &str) -> Option<FormatStatus> {
        Some(match s {
            "draft" => FormatStatus::Draft,
            "submitted" => FormatStatus::Submitted,
            "fixes_requested" => FormatStatus::FixesRequested,
            "resubmitted" => FormatStatus::Resubmitted,
            "accepted" => FormatStatus::Accepted,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FormatStatus::Draft => "draft",
            FormatStatus::Submitted => "submitted",
            FormatStatus::FixesRequested => "fixes_requested",
            FormatStatus::Resubmitted => "resubmitted",
            FormatStatus::Accepted => "accepted",
        }
    }

    /// Waiting for the office's check.
    pub fn awaits_check(self) -> bool {
        matches!(self, FormatStatus::Submitted | FormatStatus::Resubmitted)
    }

    /// ACC-6, ACC-10: the office asked for fixes and has not yet accepted the fixed binder; the surveyors' report
    /// rests on the self-study, so it waits.
    pub fn holds_the_report(self) -> bool {
        matches!(self, FormatStatus::FixesRequested | FormatStatus::Resubmitted)
    }
}

/// May the organization change its self-study (narratives, evidence) now? While the case is in the self-study,
/// and again while the office's request for fixes is open (the case itself stays in `site_visit`).
pub fn study_editable(status: CaseStatus, format: FormatStatus) -> bool {
    match status {
        CaseStatus::SelfStudy => true,
        CaseStatus::SiteVisit => format == FormatStatus::FixesRequested,
        _ => false,
    }
}

/// May the application's attachments (ACC-3) be uploaded now? From the application until the self-study is
/// submitted (a missing pamphlet is often sent after the form).
pub fn attachments_open(status: CaseStatus) -> bool {
    matches!(
        status,
        CaseStatus::Submitted | CaseStatus::Accepted | CaseStatus::SelfStudy
    )
}

/// The three columns of the evidence table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceColumn {
    /// セルフスタディ資料: collected and submitted with the self-study.
    SelfStudy,
    /// 実地調査資料: not submitted, kept ready for the site visit.
    SiteVisit,
    /// 現場の取組: whom the surveyors interview and what they check on site.
    OnSite,
}

/// One row of the evidence table: what a standard needs in each column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EvidenceRow {
    pub standard: String,
    pub self_study: Vec<String>,
    pub site_visit: Vec<String>,
    pub on_site: Vec<String>,
}

impl EvidenceRow {
    /// Whether the self-study must carry evidence for this standard.
    pub fn needs_self_study_evidence(&self) -> bool {
        !self.self_study.is_empty()
    }
}

/// The evidence table for a standard. COA's table is not public, like its standard texts: this is the sample
/// that goes with the sample catalog, built from the seed's column definitions and the standard's kind — a core
/// concept is evidenced by the documents that state it, a practice standard by its procedure and the records
/// that show it is followed; fundamental practices are also checked on site.
pub fn evidence_row(s: &Standard) -> EvidenceRow {
    let (self_study, site_visit, mut on_site) = match s.kind {
        Kind::CoreConcept => (
            vec!["方針・理念を定めた文書（該当箇所）".to_owned()],
            vec!["方針の周知を示す記録（会議録・研修記録等）".to_owned()],
            vec!["責任者へのインタビュー".to_owned()],
        ),
        Kind::Practice => (
            vec!["規程・手順書（該当箇所）".to_owned()],
            vec!["実施記録（直近1年分）".to_owned()],
            vec!["担当職員へのインタビュー".to_owned()],
        ),
    };
    if s.fundamental.is_some() {
        on_site.push("現場の確認（施設・記録の観察）".to_owned());
    }
    EvidenceRow {
        standard: s.code.clone(),
        self_study,
        site_visit,
        on_site,
    }
}

/// Evidence progress of one section (ACC-6 progress view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SectionProgress {
    pub section_code: String,
    pub section: String,
    pub group: String,
    /// Standards of the section that need self-study evidence.
    pub standards: usize,
    /// Of those, the ones with at least one evidence file.
    pub with_evidence: usize,
    /// Codes still without evidence, in catalog order.
    pub missing: Vec<String>,
    pub has_narrative: bool,
}

/// Progress per section over the standards in scope, in catalog order of the sections.
pub fn progress<'a>(
    in_scope: impl Iterator<Item = &'a Standard>,
    with_evidence: &HashSet<String>,
    narratives: &HashSet<String>,
) -> Vec<SectionProgress> {
    let mut order: Vec<String> = Vec::new();
    let mut by_section: BTreeMap<String, SectionProgress> = BTreeMap::new();
    for s in in_scope {
        let code = s.section_code().to_owned();
        let entry = by_section.entry(code.clone()).or_insert_with(|| {
            order.push(code.clone());
            SectionProgress {
                section_code: code.clone(),
                section: s.section.clone(),
                group: s.group.clone(),
                standards: 0,
                with_evidence: 0,
                missing: Vec::new(),
                has_narrative: narratives.contains(&code),
            }
        });
        if evidence_row(s).needs_self_study_evidence() {
            entry.standards += 1;
            if with_evidence.contains(&s.code) {
                entry.with_evidence += 1;
            } else {
                entry.missing.push(s.code.clone());
            }
        }
    }
    order.into_iter().filter_map(|c| by_section.remove(&c)).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Questionnaires (職員用質問票・顧客企業用質問票, seed 003 第4章2(3), 4)

/// Who a questionnaire asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionnaireKind {
    Staff,
    Client,
}

impl QuestionnaireKind {
    pub const ALL: [QuestionnaireKind; 2] = [QuestionnaireKind::Staff, QuestionnaireKind::Client];

    pub fn parse(s: &str) -> Option<QuestionnaireKind> {
        match s {
            "staff" => Some(QuestionnaireKind::Staff),
            "client" => Some(QuestionnaireKind::Client),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionnaireKind::Staff => "staff",
            QuestionnaireKind::Client => "client",
        }
    }

    /// The questions, each answered 1 (そう思わない) … 5 (そう思う); one free comment closes the form.
    pub fn questions(self) -> &'static [(&'static str, &'static str)] {
        match self {
            QuestionnaireKind::Staff => &[
                ("q1", "機関の理念と方針は職員に周知されている"),
                ("q2", "業務の手順は文書化され、必要なときに参照できる"),
                ("q3", "クライアントの個人情報は適切に管理されている"),
                ("q4", "研修やスーパービジョンを受ける機会が十分にある"),
                ("q5", "安全や倫理上の問題を相談・報告できる体制がある"),
            ],
            QuestionnaireKind::Client => &[
                ("q1", "サービスの内容と費用について十分な説明を受けた"),
                ("q2", "相談の申込みから対応までの時間は適切だった"),
                ("q3", "従業員の個人情報は適切に扱われていると感じる"),
                ("q4", "提供されたサービスは職場のメンタルヘルスに役立った"),
                ("q5", "苦情や要望を伝える方法が明示されている"),
            ],
        }
    }
}

/// Longest free comment of a questionnaire answer, in characters.
pub const COMMENT_MAX: usize = 2000;

/// A validated questionnaire answer: a score 1–5 for every question (unanswered allowed as `None`) and an
/// optional comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct QuestionnaireAnswer {
    pub scores: BTreeMap<String, Option<u8>>,
    pub comment: Option<String>,
}

/// Checks an answer against the questionnaire: every key a question, scores 1..=5; `(field, message)` errors.
pub fn validate_answer(
    kind: QuestionnaireKind,
    scores: &BTreeMap<String, String>,
    comment: Option<&str>,
) -> Result<QuestionnaireAnswer, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let questions = kind.questions();
    for key in scores.keys() {
        if !questions.iter().any(|(q, _)| q == key) {
            errors.push((key.clone(), "この質問はありません (no such question)".to_owned()));
        }
    }
    let mut out = BTreeMap::new();
    for (q, _) in questions {
        let v = scores.get(*q).map(|s| s.trim()).unwrap_or("");
        let score = if v.is_empty() {
            None
        } else {
            match v.parse::<u8>() {
                Ok(n) if (1..=5).contains(&n) => Some(n),
                _ => {
                    errors.push(((*q).to_owned(), "1〜5で答えてください (1 to 5)".to_owned()));
                    None
                }
            }
        };
        out.insert((*q).to_owned(), score);
    }
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > COMMENT_MAX) {
        errors.push((
            "comment".to_owned(),
            format!("{COMMENT_MAX}文字までです (at most {COMMENT_MAX} characters)"),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if out.values().all(Option::is_none) && comment.is_none() {
        return Err(vec![(
            "q1".to_owned(),
            "少なくとも1問に答えてください (answer at least one question)".to_owned(),
        )]);
    }
    Ok(QuestionnaireAnswer {
        scores: out,
        comment: comment.map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acc::standards::sample_catalog;

    #[test]
    fn acc_6_the_study_is_editable_in_the_self_study_and_while_fixes_are_requested() {
        assert!(study_editable(CaseStatus::SelfStudy, FormatStatus::Draft));
        assert!(!study_editable(CaseStatus::SiteVisit, FormatStatus::Submitted));
        assert!(study_editable(
            CaseStatus::SiteVisit,
            FormatStatus::FixesRequested
        ));
        assert!(!study_editable(CaseStatus::SiteVisit, FormatStatus::Resubmitted));
        assert!(!study_editable(
            CaseStatus::Committee,
            FormatStatus::FixesRequested
        ));
        assert!(!study_editable(CaseStatus::Accepted, FormatStatus::Draft));
    }

    #[test]
    fn acc_3_attachments_from_application_to_self_study() {
        assert!(attachments_open(CaseStatus::Submitted));
        assert!(attachments_open(CaseStatus::SelfStudy));
        assert!(!attachments_open(CaseStatus::SiteVisit));
        assert!(!attachments_open(CaseStatus::Withdrawn));
        assert_eq!(
            Purpose::parse("audit_report"),
            Some(Purpose::Attachment("audit_report"))
        );
        assert_eq!(Purpose::parse("evidence"), Some(Purpose::Evidence));
        assert_eq!(Purpose::parse("other"), None);
    }

    #[test]
    fn acc_6_progress_counts_standards_with_evidence_per_section() {
        let catalog = sample_catalog();
        let services = [crate::acc::ServiceCode::A];
        let first = catalog.in_scope(&services).next().unwrap().clone();
        let with: HashSet<String> = [first.code.clone()].into_iter().collect();
        let narr: HashSet<String> = [first.section_code().to_owned()].into_iter().collect();
        let p = progress(catalog.in_scope(&services), &with, &narr);
        let total: usize = p.iter().map(|s| s.standards).sum();
        assert_eq!(total, catalog.in_scope(&services).count());
        assert_eq!(p[0].section_code, first.section_code());
        assert_eq!(p[0].with_evidence, 1);
        assert!(p[0].has_narrative);
        assert!(!p[0].missing.contains(&first.code));
        assert_eq!(p.iter().map(|s| s.with_evidence).sum::<usize>(), 1);
        assert!(!p[1].has_narrative);
    }

    #[test]
    fn acc_6_questionnaire_answers_are_scores_1_to_5() {
        let mut s = BTreeMap::new();
        s.insert("q1".to_owned(), "5".to_owned());
        s.insert("q2".to_owned(), String::new());
        let a = validate_answer(QuestionnaireKind::Staff, &s, Some(" よい ")).unwrap();
        assert_eq!(a.scores["q1"], Some(5));
        assert_eq!(a.scores["q2"], None);
        assert_eq!(a.comment.as_deref(), Some("よい"));
        s.insert("q3".to_owned(), "6".to_owned());
        assert!(validate_answer(QuestionnaireKind::Staff, &s, None).is_err());
        let mut bad = BTreeMap::new();
        bad.insert("name".to_owned(), "山田".to_owned());
        assert!(validate_answer(QuestionnaireKind::Client, &bad, None).is_err());
        assert!(validate_answer(QuestionnaireKind::Client, &BTreeMap::new(), None).is_err());
    }
}
