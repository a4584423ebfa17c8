//! The reports inbox and one deregistration case as each role reads them (REG-7): the registrar and the committee
//! see the reports, the records of the investigation and the members' votes; only the registrar sees a reporter's
//! contact address; the organization sees the case, the document requests and the hearing notices addressed to it.

use nintei_domain::authz::reg::{self as authz, DeregistrationAction, RegGlobalAction};
use nintei_store::reg_investigations::{self as inv, Investigation, Record, Vote};
use nintei_store::reg_reports::{self, Report};
use nintei_store::registrations::{self, Registration};
use nintei_store::{organizations, users};

use super::{HEARING_NOTICE, authorized_investigation};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A deregistration case and what the caller may read and do with it.
#[derive(Debug)]
pub struct InvestigationView {
    pub case: Investigation,
    pub registration: Registration,
    pub organization_name: String,
    /// The registrar and the committee: the reasons, reports, records and votes are theirs to read.
    pub internals: bool,
    pub reports: Vec<Report>,
    pub records: Vec<Record>,
    /// The hearing notices (聴聞の通知), which the organization reads too.
    pub hearings: Vec<Record>,
    /// Each vote with the member's name.
    pub votes: Vec<(String, Vote)>,
    pub may_manage: bool,
    pub may_answer: bool,
    pub may_vote: bool,
    pub may_decide: bool,
}

/// The reporter's contact address only for those who may see it.
fn redacted(mut r: Report, with_contact: bool) -> Report {
    if !with_contact {
        r.contact_email = None;
    }
    r
}

/// The reports inbox (the registrar), newest first; only those of `status` when given.
pub async fn reports(state: &AppState, caller: &Caller, status: Option<&str>) -> AppResult<Vec<Report>> {
    let actor = caller.actor();
    AppError::check(authz::global(&actor, RegGlobalAction::ReadReports))?;
    let with_contact = authz::sees_reporter_contact(&actor);
    Ok(
        reg_reports::list(state.db.pool(), status, crate::reg::case::LIST_LIMIT)
            .await?
            .into_iter()
            .map(|r| redacted(r, with_contact))
            .collect(),
    )
}

/// A deregistration case with what `caller` may read of it: the part the API answers and the screen shows.
#[derive(Debug)]
pub(crate) struct Read {
    pub case: Investigation,
    pub registration: Registration,
    pub internals: bool,
    pub reports: Vec<Report>,
    pub records: Vec<Record>,
    pub hearings: Vec<Record>,
    pub votes: Vec<Vote>,
}

/// The case `id` as `caller` may read it (404 when they may not see it).
pub(crate) async fn read(state: &AppState, caller: &Caller, id: &str) -> AppResult<Read> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::View).await?;
    let pool = state.db.pool();
    let actor = caller.actor();
    let registration = registrations::by_id(pool, &case.registration_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let internals = authz::sees_deregistration_internals(&actor);
    let with_contact = authz::sees_reporter_contact(&actor);
    let all_records = inv::records(pool, &case.id).await?;
    let hearings = all_records
        .iter()
        .filter(|r| r.kind == HEARING_NOTICE)
        .cloned()
        .collect();
    let (reports, records, votes) = if internals {
        let reports = reg_reports::for_investigation(pool, &case.id)
            .await?
            .into_iter()
            .map(|r| redacted(r, with_contact))
            .collect();
        (reports, all_records, inv::votes(pool, &case.id).await?)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    Ok(Read {
        case,
        registration,
        internals,
        reports,
        records,
        hearings,
        votes,
    })
}

/// One deregistration case for `caller` (404 when they may not see it), with the names the screen shows.
pub async fn view(state: &AppState, caller: &Caller, id: &str) -> AppResult<InvestigationView> {
    let r = read(state, caller, id).await?;
    let pool = state.db.pool();
    let actor = caller.actor();
    let organization_name = organizations::by_id(pool, &r.case.organization_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let mut votes = Vec::new();
    for v in r.votes {
        let name = users::by_id(pool, &v.member_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        votes.push((name, v));
    }
    let case = r.case;
    let ctx = authz::DeregistrationContext {
        organization_id: &case.organization_id,
        referred: matches!(case.status.as_str(), "referred" | "decided"),
        caller_has_conflict: false,
    };
    let open = matches!(case.status.as_str(), "open" | "referred");
    let referred = case.status == "referred";
    let may = |action| authz::deregistration(&actor, action, ctx).is_allowed();
    Ok(InvestigationView {
        may_manage: may(DeregistrationAction::Manage) && open,
        may_answer: may(DeregistrationAction::Answer) && open,
        may_vote: may(DeregistrationAction::Vote) && referred,
        may_decide: may(DeregistrationAction::Decide) && referred,
        case,
        registration: r.registration,
        organization_name,
        internals: r.internals,
        reports: r.reports,
        records: r.records,
        hearings: r.hearings,
        votes,
    })
}

/// One line of the deregistration case list (REG-7).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InvestigationSummary {
    pub id: String,
    #[schema(pattern = "^REG-[0-9]{4}-[0-9]{4}$")]
    pub registration_number: String,
    /// `open`, `referred`, `closed` or `decided`.
    pub status: String,
    pub opened_on: chrono::NaiveDate,
}

/// The deregistration cases the caller may see: the registrar all; committee members the referred cases they
/// have no conflict with (REG-7).
pub async fn investigation_list(state: &AppState, caller: &Caller) -> AppResult<Vec<InvestigationSummary>> {
    visible_investigations(state, caller, crate::reg::case::LIST_LIMIT).await
}

/// The newest `limit` deregistration cases, those the caller may see (REG-7), with their registration's number.
pub(crate) async fn visible_investigations(
    state: &AppState,
    caller: &Caller,
    limit: i64,
) -> AppResult<Vec<InvestigationSummary>> {
    let pool = state.db.pool();
    let actor = caller.actor();
    let all = inv::list(pool, None, None, limit).await?;
    let mut items = Vec::new();
    for case in &all {
        let has_conflict =
            nintei_store::conflicts::exists(pool, &caller.user.id, &case.organization_id).await?;
        let ctx = authz::DeregistrationContext {
            organization_id: &case.organization_id,
            referred: matches!(case.status.as_str(), "referred" | "decided"),
            caller_has_conflict: has_conflict,
        };
        if authz::deregistration(&actor, DeregistrationAction::View, ctx).is_allowed() {
            let number = registrations::by_id(pool, &case.registration_id)
                .await?
                .map(|r| r.number)
                .unwrap_or_default();
            items.push(InvestigationSummary {
                id: case.id.clone(),
                registration_number: number,
                status: case.status.clone(),
                opened_on: case.opened_on,
            });
        }
    }
    Ok(items)
}
