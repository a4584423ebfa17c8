//! The accreditation record as read: its summary (the lists) and its whole view with history and maintenance
//! (the API's `GET /api/v1/accreditations/{number}` and the record page alike).

use chrono::NaiveDate;
use nintei_domain::acc::record as rules;
use nintei_domain::authz::accreditation::{self as authz, RecordAction};
use nintei_store::acc_records::{self as store, Record};
use nintei_store::accreditations;
use serde::Serialize;
use serde_json::Value;

use super::shown_status;
use crate::caller::Caller;
use crate::error::AppResult;
use crate::state::AppState;

/// An accreditation as listed, with its status as shown (see [`shown_status`]).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordSummary {
    pub number: String,
    pub organization_id: String,
    pub organization_name: String,
    pub unit_name: Option<String>,
    pub services: Vec<String>,
    pub accredited_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// `active`, `suspended`, `lapsed`, `revoked`, …
    pub status: String,
}

impl RecordSummary {
    pub fn of(record: &Record, today: NaiveDate) -> Self {
        RecordSummary {
            number: record.number.clone(),
            organization_id: record.organization_id.clone(),
            organization_name: record.organization_name.clone(),
            unit_name: record.unit_name.clone(),
            services: record.services.clone(),
            accredited_on: record.accredited_on,
            expires_on: record.expires_on,
            status: shown_status(record, today).to_owned(),
        }
    }
}

/// The accreditations the caller may see, as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordList {
    pub items: Vec<RecordSummary>,
}

/// One event of the record's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub kind: String,
    pub occurred_on: NaiveDate,
    pub detail: Value,
}

/// An annual report (ACC-14) and whether it is late today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AnnualReportView {
    #[serde(flatten)]
    pub report: store::AnnualReport,
    pub late: bool,
}

/// A compliance review (ACC-16) with its requests and the committee members' answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewView {
    #[serde(flatten)]
    pub review: store::Review,
    pub items: Vec<store::ReviewItem>,
    pub answers: Vec<store::Answer>,
}

/// What the caller may do on the record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordMay {
    pub submit_annual_report: bool,
    pub manage: bool,
}

/// The accreditation with its history and maintenance: annual reports and questions (ACC-14), self-reports
/// (ACC-15), compliance reviews (ACC-16) and certificates (ACC-22).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordView {
    #[serde(flatten)]
    pub summary: RecordSummary,
    pub case_id: String,
    pub history: Vec<HistoryEntry>,
    pub annual_reports: Vec<AnnualReportView>,
    pub questions: Vec<store::Question>,
    pub self_reports: Vec<store::SelfReport>,
    pub reviews: Vec<ReviewView>,
    pub certificates: Vec<store::Certificate>,
    pub may: RecordMay,
}

/// The record's whole view for a caller who may see it (load it with [`super::load`]).
pub async fn view(state: &AppState, caller: &Caller, record: &Record) -> AppResult<RecordView> {
    let pool = state.db.pool();
    let today = state.clock.today();
    let history = accreditations::events(pool, &record.id)
        .await?
        .into_iter()
        .map(|e| HistoryEntry {
            kind: e.kind,
            occurred_on: e.occurred_on,
            detail: e.detail,
        })
        .collect();
    let annual_reports = store::annual_reports(pool, &record.id)
        .await?
        .into_iter()
        .map(|r| AnnualReportView {
            late: rules::annual_report_late(r.due_on, r.submitted_on, today),
            report: r,
        })
        .collect();
    let mut reviews = Vec::new();
    for review in store::reviews(pool, &record.id).await? {
        let items = store::review_items(pool, &review.id).await?;
        let answers = store::answers(pool, &review.id).await?;
        reviews.push(ReviewView {
            review,
            items,
            answers,
        });
    }
    let actor = caller.actor();
    let may = |a: RecordAction| authz::record(&actor, a, &record.organization_id).is_allowed();
    Ok(RecordView {
        summary: RecordSummary::of(record, today),
        case_id: record.case_id.clone(),
        history,
        annual_reports,
        questions: store::questions(pool, &record.id).await?,
        self_reports: store::self_reports(pool, &record.id).await?,
        reviews,
        certificates: store::certificates(pool, &record.id).await?,
        may: RecordMay {
            submit_annual_report: may(RecordAction::SubmitAnnualReport),
            manage: may(RecordAction::Suspend),
        },
    })
}

/// The committee members who may answer a revocation request by poll (ACC-18), as `(id, name)`; empty for a
/// caller who may not record their answers.
pub async fn poll_members(
    state: &AppState,
    caller: &Caller,
    record: &Record,
) -> AppResult<Vec<(String, String)>> {
    if !authz::record(
        &caller.actor(),
        RecordAction::RecordAnswers,
        &record.organization_id,
    )
    .is_allowed()
    {
        return Ok(Vec::new());
    }
    Ok(nintei_store::users::staff(state.db.pool())
        .await?
        .into_iter()
        .filter(|u| u.role == nintei_domain::role::Role::Committee)
        .map(|u| (u.id, u.name))
        .collect())
}
