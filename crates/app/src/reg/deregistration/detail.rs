//! A deregistration case and the reports inbox as the API answers them (REG-7): the organization reads the case,
//! the document requests with its answers, the hearing notices and the decision; the registrar and the committee
//! also the reasons, records, reports and the members' votes; only the registrar a reporter's contact address.

use chrono::NaiveDate;
use nintei_store::reg_investigations::{self as inv, Record};
use nintei_store::reg_reports::Report;
use serde::Serialize;
use utoipa::ToSchema;

use super::view;
use crate::caller::Caller;
use crate::clock::jst;
use crate::error::AppResult;
use crate::reg::hearing::{RequestView, requests_with_answers};
use crate::state::AppState;

/// A Unix time in Japan's time zone, RFC 3339 (empty when out of range).
fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.with_timezone(&jst()).to_rfc3339())
        .unwrap_or_default()
}

/// A public report (通報, REG-7) as the registrar reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportView {
    pub id: String,
    #[schema(pattern = "^REG-[0-9]{4}-[0-9]{4}$")]
    pub registration_number: String,
    pub message: String,
    /// The reporter's address, for the registrar only (`null` for others).
    pub contact_email: Option<String>,
    /// RFC 3339, Japan time.
    pub received_at: String,
    /// `new`, `investigating` or `filed`.
    pub status: String,
    pub investigation_id: Option<String>,
}

impl ReportView {
    fn of(r: Report) -> Self {
        ReportView {
            received_at: rfc3339(r.received_at),
            id: r.id,
            registration_number: r.registration_number,
            message: r.message,
            contact_email: r.contact_email,
            status: r.status,
            investigation_id: r.investigation_id,
        }
    }
}

/// The reports inbox, newest first; only those of `status` when given.
pub async fn report_list(
    state: &AppState,
    caller: &Caller,
    status: Option<&str>,
) -> AppResult<Vec<ReportView>> {
    Ok(view::reports(state, caller, status)
        .await?
        .into_iter()
        .map(ReportView::of)
        .collect())
}

/// A hearing the institution was notified of (聴聞の通知).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HearingView {
    pub hearing_on: NaiveDate,
    pub place: String,
}

/// The committee's decision (REG-7).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeregistrationDecision {
    /// `deregister` or `maintain`.
    pub outcome: &'static str,
    pub decided_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// A committee member's vote.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberVote {
    pub member_id: String,
    pub outcome: &'static str,
    pub comment: String,
    /// RFC 3339, Japan time.
    pub voted_at: String,
}

/// What the registrar and the committee read beyond the organization.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Internals {
    pub reason: String,
    pub referred_on: Option<NaiveDate>,
    pub referral_reason: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub close_reason: Option<String>,
    pub records: Vec<Record>,
    pub reports: Vec<ReportView>,
    pub votes: Vec<MemberVote>,
}

/// A deregistration case (REG-7).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvestigationDetail {
    pub id: String,
    #[schema(pattern = "^REG-[0-9]{4}-[0-9]{4}$")]
    pub registration_number: String,
    pub registration_status: &'static str,
    pub organization_id: String,
    /// `open`, `referred`, `closed` or `decided`.
    pub status: String,
    /// The optimistic-lock version.
    pub version: i64,
    pub opened_on: NaiveDate,
    /// Each request with the institution's answers (files uploaded in the system).
    pub document_requests: Vec<RequestView>,
    pub hearings: Vec<HearingView>,
    pub decision: Option<DeregistrationDecision>,
    /// The registrar's and the committee's only: left out for the organization.
    #[serde(flatten)]
    pub internals: Option<Internals>,
}

/// The deregistration case `id` for `caller` (404 when they may not see it).
pub async fn detail(state: &AppState, caller: &Caller, id: &str) -> AppResult<InvestigationDetail> {
    let v = view::read(state, caller, id).await?;
    let case = v.case;
    let document_requests = requests_with_answers(state, &case.id)
        .await?
        .iter()
        .map(|r| RequestView::of(r, &case.id))
        .collect();
    let internals = v.internals.then(|| Internals {
        reason: case.reason.clone(),
        referred_on: case.referred_on,
        referral_reason: case.referral_reason.clone(),
        closed_on: case.closed_on,
        close_reason: case.close_reason.clone(),
        records: v.records,
        reports: v.reports.into_iter().map(ReportView::of).collect(),
        votes: v
            .votes
            .into_iter()
            .map(|x| MemberVote {
                member_id: x.member_id,
                outcome: inv::outcome_str(x.outcome),
                comment: x.comment,
                voted_at: rfc3339(x.voted_at),
            })
            .collect(),
    });
    Ok(InvestigationDetail {
        registration_number: v.registration.number,
        registration_status: v.registration.status.as_str(),
        organization_id: case.organization_id,
        status: case.status,
        version: case.version,
        opened_on: case.opened_on,
        document_requests,
        hearings: v
            .hearings
            .into_iter()
            .map(|r| HearingView {
                hearing_on: r.held_on,
                place: r.summary,
            })
            .collect(),
        decision: case.outcome.map(|o| DeregistrationDecision {
            outcome: inv::outcome_str(o),
            decided_on: case.decided_on,
            reason: case.decision_reason,
        }),
        internals,
        id: case.id,
    })
}
