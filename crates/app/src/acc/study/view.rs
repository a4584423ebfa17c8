//! The self-study as the API and the study page read it (ACC-3, ACC-6): progress, narratives, confirmation,
//! files, format checks, and the questionnaires' counts and answers.

use nintei_domain::acc::study::{self as rules, QuestionnaireKind, SectionProgress, study_editable};
use nintei_domain::authz::acc_study::StudyAction;
use nintei_store::acc_study::{self as store, FileRow, FormatCheck, Narrative};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{format_of, load_for, may, sections_of};
use crate::acc::Loaded;
use crate::caller::Caller;
use crate::error::AppResult;
use crate::state::AppState;

/// A file of the case (an ACC-3 attachment or ACC-6 evidence) and where to download it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileView {
    pub id: String,
    /// One of the ACC-3 attachments, or `evidence` (with `standard`).
    pub purpose: String,
    pub standard: Option<String>,
    /// The file's name as uploaded.
    pub name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub media_type: String,
    pub uploaded_by: String,
    /// RFC 3339.
    pub uploaded_at: Option<String>,
    pub download: String,
}

impl FileView {
    pub fn of(f: &FileRow, case_id: &str) -> Self {
        FileView {
            id: f.id.clone(),
            purpose: f.purpose.clone(),
            standard: f.standard.clone(),
            name: f.original_name.clone(),
            size_bytes: f.size_bytes,
            sha256: f.sha256.clone(),
            media_type: f.media_type.clone(),
            uploaded_by: f.uploaded_by.clone(),
            uploaded_at: chrono::DateTime::from_timestamp(f.uploaded_at, 0).map(|t| t.to_rfc3339()),
            download: format!("/api/v1/accreditation/cases/{case_id}/files/{}", f.id),
        }
    }
}

/// The representative's confirmation (ACC-6), the binder's first page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Confirmation {
    pub representative: Option<String>,
    pub confirmed_on: String,
    pub confirmed_by: Option<String>,
}

/// Evidence progress over the standards in scope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Progress {
    pub standards: usize,
    pub with_evidence: usize,
    pub sections: Vec<SectionProgress>,
}

/// How many files each ACC-3 attachment has.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentCount {
    pub kind: &'static str,
    pub files: usize,
}

/// The self-study of a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SelfStudyView {
    pub case_id: String,
    pub case_status: &'static str,
    /// `draft`, `submitted`, `fixes_requested`, `resubmitted` or `accepted`.
    pub format_status: &'static str,
    pub format_note: Option<String>,
    /// The self-study may still be written.
    pub editable: bool,
    /// The caller may write it.
    pub may_write: bool,
    pub confirmation: Option<Confirmation>,
    pub progress: Progress,
    pub narratives: Vec<Narrative>,
    pub attachments: Vec<AttachmentCount>,
    pub files: Vec<FileView>,
    pub format_checks: Vec<FormatCheck>,
    /// What each standard in scope needs (ACC-6); on `GET …/self-study` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence_table: Option<Vec<rules::EvidenceRow>>,
}

/// The self-study of a case as the API shows it (without the evidence table).
pub async fn view(state: &AppState, caller: &Caller, loaded: &Loaded) -> AppResult<SelfStudyView> {
    let pool = state.db.pool();
    let id = &loaded.case.id;
    let row = store::self_study(pool, id).await?;
    let format = format_of(&row);
    let files = store::files(pool, id).await?;
    let narratives = store::narratives(pool, id).await?;
    let format_checks = store::format_checks(pool, id).await?;
    let catalog = crate::acc::catalog(state, &loaded.case.catalog_version).await?;
    let sections = sections_of(&catalog, loaded, &files, &narratives);
    Ok(SelfStudyView {
        case_id: id.clone(),
        case_status: loaded.case.status.as_str(),
        format_status: format.as_str(),
        format_note: row.format_note,
        editable: study_editable(loaded.case.status, format),
        may_write: may(loaded, caller, StudyAction::Write),
        confirmation: row.confirmed_on.map(|on| Confirmation {
            representative: row.confirmed_by_name,
            confirmed_on: on,
            confirmed_by: row.confirmed_by,
        }),
        progress: Progress {
            standards: sections.iter().map(|s| s.standards).sum(),
            with_evidence: sections.iter().map(|s| s.with_evidence).sum(),
            sections,
        },
        narratives,
        attachments: rules::ATTACHMENTS
            .iter()
            .map(|a| AttachmentCount {
                kind: a,
                files: files.iter().filter(|f| f.purpose == *a).count(),
            })
            .collect(),
        files: files.iter().map(|f| FileView::of(f, id)).collect(),
        format_checks,
        evidence_table: None,
    })
}

/// The case's files, for who may see its self-study.
pub async fn files(state: &AppState, caller: &Caller, id: &str) -> AppResult<Vec<FileView>> {
    load_for(state, caller, id, StudyAction::View).await?;
    Ok(store::files(state.db.pool(), id)
        .await?
        .iter()
        .map(|f| FileView::of(f, id))
        .collect())
}

/// One question's answers: how many answered and the average score (never who answered).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionSummary {
    pub id: &'static str,
    pub text: &'static str,
    pub answered: usize,
    /// Rounded to two decimals; `null` without answers.
    pub average: Option<f64>,
}

/// One questionnaire kind: links issued and used, answers, and (for who may see them) the answers themselves.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KindSummary {
    /// `staff` or `client`.
    pub kind: &'static str,
    pub links_issued: i64,
    pub links_used: i64,
    pub answers: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub questions: Option<Vec<QuestionSummary>>,
    /// The answers as given: `{scores: {q1: 1..5, …}, comment?}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub items: Option<Vec<Value>>,
}

/// `GET …/questionnaires`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionnaireSummary {
    pub case_id: String,
    pub kinds: Vec<KindSummary>,
    /// The caller sees the answers themselves.
    pub answers_visible: bool,
}

/// `GET …/questionnaires`: links issued and used and answers received per kind; the answers themselves and the
/// average score per question for those who may see them (never who answered).
pub async fn summary(state: &AppState, caller: &Caller, id: &str) -> AppResult<QuestionnaireSummary> {
    let loaded = load_for(state, caller, id, StudyAction::View).await?;
    let pool = state.db.pool();
    let counts = store::link_counts(pool, id).await?;
    let answers = store::answers(pool, id).await?;
    let with_answers = may(&loaded, caller, StudyAction::ViewAnswers);
    let mut kinds = Vec::new();
    for kind in QuestionnaireKind::ALL {
        let c = counts.iter().find(|c| c.kind == kind.as_str());
        let mine: Vec<Value> = answers
            .iter()
            .filter(|a| a.kind == kind.as_str())
            .filter_map(|a| serde_json::from_str::<Value>(&a.answers).ok())
            .collect();
        let questions = with_answers.then(|| {
            kind.questions()
                .iter()
                .map(|&(q, text)| {
                    let scores: Vec<f64> = mine.iter().filter_map(|a| a["scores"][q].as_f64()).collect();
                    QuestionSummary {
                        id: q,
                        text,
                        answered: scores.len(),
                        average: (!scores.is_empty()).then(|| {
                            (scores.iter().sum::<f64>() / scores.len() as f64 * 100.0).round() / 100.0
                        }),
                    }
                })
                .collect()
        });
        kinds.push(KindSummary {
            kind: kind.as_str(),
            links_issued: c.map_or(0, |c| c.issued),
            links_used: c.map_or(0, |c| c.used),
            answers: mine.len(),
            questions,
            items: with_answers.then_some(mine),
        });
    }
    Ok(QuestionnaireSummary {
        case_id: id.to_owned(),
        kinds,
        answers_visible: with_answers,
    })
}

/// The links just issued, shown this once (ACC-6).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedLinks {
    /// `staff` or `client`.
    pub kind: String,
    pub links: Vec<String>,
}

/// A question of the anonymous questionnaire, scored 1–5.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicQuestion {
    pub id: &'static str,
    pub text: &'static str,
    /// Always `[1, 5]`.
    pub scale: [u8; 2],
}

/// `GET /api/v1/public/questionnaires/{token}`: the questions of a one-time link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicQuestionnaire {
    /// `staff` or `client`.
    pub kind: &'static str,
    pub questions: Vec<PublicQuestion>,
}

/// The questions behind the one-time link `token`, or None for an unknown or used one.
pub async fn public_questionnaire(state: &AppState, token: &str) -> AppResult<Option<PublicQuestionnaire>> {
    Ok(super::questionnaire(state, token)
        .await?
        .map(|kind| PublicQuestionnaire {
            kind: kind.as_str(),
            questions: kind
                .questions()
                .iter()
                .map(|&(id, text)| PublicQuestion {
                    id,
                    text,
                    scale: [1, 5],
                })
                .collect(),
        }))
}

/// Whether the representative has confirmed the self-study of case `id` (ACC-6), for who may see it.
pub async fn is_confirmed(state: &AppState, caller: &Caller, id: &str) -> AppResult<bool> {
    load_for(state, caller, id, StudyAction::View).await?;
    Ok(store::self_study(state.db.pool(), id)
        .await?
        .confirmed_on
        .is_some())
}
