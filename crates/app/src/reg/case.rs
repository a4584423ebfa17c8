//! A registration case (申請) as the API reads it (REG-1 … REG-5): the application as filed, the findings against
//! REG-3, the office's decision and the registration it gave; and the list of cases a caller may see.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use nintei_domain::authz::Actor;
use nintei_domain::authz::reg::{self as authz, RegGlobalAction};
use nintei_domain::reg::application::{Counselor, Disclosure, Documents, Eligibility, Psychiatrist};
use nintei_domain::reg::status::{ReviewDecision, Status};
use nintei_store::organizations;
use nintei_store::reg_cases::{self, RegCase};
use nintei_store::registrations::{self, Registration};
use serde::Serialize;
use utoipa::ToSchema;

use super::visible_case;
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The most items a staff list answers.
pub const LIST_LIMIT: i64 = 500;

/// One registration case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegCaseView {
    pub id: String,
    pub organization_id: String,
    pub site_id: String,
    /// `submitted`, `registered`, `returned`, … (REG-1).
    pub status: &'static str,
    /// The optimistic-lock version (`ETag`, `If-Match`).
    pub version: i64,
    pub applied_on: NaiveDate,
    /// The registration number a renewal renews (REG-4).
    pub renewal_of: Option<String>,
    /// REG-1 as declared.
    pub eligibility: Option<Eligibility>,
    /// The REG-3 items as confirmed, by code.
    pub criteria: BTreeMap<String, bool>,
    pub counselors: Vec<Counselor>,
    pub psychiatrists: Vec<Psychiatrist>,
    pub disclosure: Disclosure,
    pub documents: Option<Documents>,
    /// The REG-3 items the application does not meet.
    pub findings: Vec<String>,
    pub decision: Option<RegCaseDecision>,
    /// The registration the case gave, once registered.
    pub registration: Option<RegistrationTerm>,
}

/// The office's decision on a registration case (REG-4).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegCaseDecision {
    pub decision: ReviewDecision,
    pub decided_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// A registration's number, term and status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegistrationTerm {
    #[schema(pattern = "^REG-[0-9]{4}-[0-9]{4}$")]
    pub number: String,
    pub registered_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// `registered`, `expired`, `abolished` or `deregistered`.
    pub status: &'static str,
}

impl RegCaseView {
    pub fn of(case: &RegCase, reg: Option<&Registration>, renewal_of: Option<&str>) -> Self {
        RegCaseView {
            id: case.id.clone(),
            organization_id: case.organization_id.clone(),
            site_id: case.site_id.clone(),
            status: case.status.as_str(),
            version: case.version,
            applied_on: case.applied_on,
            renewal_of: renewal_of.map(str::to_owned),
            eligibility: case.eligibility,
            criteria: case.criteria.clone(),
            counselors: case.counselors.clone(),
            psychiatrists: case.psychiatrists.clone(),
            disclosure: case.disclosure.clone(),
            documents: case.documents,
            findings: case.findings.clone(),
            decision: case.decision.map(|d| RegCaseDecision {
                decision: d,
                decided_on: case.decided_on,
                reason: case.decision_reason.clone(),
            }),
            registration: reg.map(|r| RegistrationTerm {
                number: r.number.clone(),
                registered_on: r.registered_on,
                expires_on: r.expires_on,
                status: r.status.as_str(),
            }),
        }
    }
}

/// The registration a case gave and the number of the one it renews (REG-4).
async fn terms(state: &AppState, case: &RegCase) -> AppResult<(Option<Registration>, Option<String>)> {
    let pool = state.db.pool();
    let reg = match &case.registration_id {
        Some(id) => registrations::by_id(pool, id).await?,
        None => None,
    };
    let renewal = match &case.renewal_of {
        Some(id) => registrations::by_id(pool, id).await?.map(|r| r.number),
        None => None,
    };
    Ok((reg, renewal))
}

/// The case `id` for `caller` (404 when they may not see it), with its registration and what it renews.
pub async fn case_view(state: &AppState, caller: &Caller, id: &str) -> AppResult<RegCaseView> {
    let case = visible_case(state, caller, id).await?;
    let (reg, renewal) = terms(state, &case).await?;
    Ok(RegCaseView::of(&case, reg.as_ref(), renewal.as_deref()))
}

/// The case page's data: the case with its registration, what it renews, and the names of its organization and
/// room.
#[derive(Debug)]
pub struct CaseDetail {
    pub case: RegCase,
    pub registration: Option<Registration>,
    /// The number of the registration the case renews (REG-4).
    pub renewal_of: Option<String>,
    pub organization_name: String,
    pub site_name: String,
}

/// The case `id` as its page shows it, for `caller` (404 when they may not see it).
pub async fn detail(state: &AppState, caller: &Caller, id: &str) -> AppResult<CaseDetail> {
    let case = visible_case(state, caller, id).await?;
    let (registration, renewal_of) = terms(state, &case).await?;
    let pool = state.db.pool();
    let organization_name = organizations::by_id(pool, &case.organization_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let site_name = organizations::site_by_id(pool, &case.site_id)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    Ok(CaseDetail {
        case,
        registration,
        renewal_of,
        organization_name,
        site_name,
    })
}

/// The query string of the case list.
#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
#[serde(default)]
pub struct CaseQuery {
    /// Only the cases in this status (`submitted`, `registered`, `returned`, …).
    pub status: Option<String>,
}

/// One line of the case list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegCaseSummary {
    pub id: String,
    pub organization_id: String,
    pub site_id: String,
    pub status: &'static str,
    pub applied_on: NaiveDate,
    /// A renewal (REG-4).
    pub renewal: bool,
    /// How many REG-3 items the application does not meet.
    pub findings: usize,
}

/// The organization a staff list is limited to: none for the registrar, the caller's own for an organization
/// user, 403 for other roles (lists name no particular record).
pub fn own_scope(actor: &Actor) -> AppResult<Option<String>> {
    if authz::global(actor, RegGlobalAction::ListAll).is_allowed() {
        return Ok(None);
    }
    match (&actor.organization_id, actor.role) {
        (Some(org), nintei_domain::role::Role::Organization) => Ok(Some(org.clone())),
        _ => Err(AppError::Forbidden),
    }
}

/// The cases the caller may list (the registrar all, an organization its own), in `status` when given.
pub async fn case_list(
    state: &AppState,
    caller: &Caller,
    status: Option<&str>,
) -> AppResult<Vec<RegCaseSummary>> {
    let org = own_scope(&caller.actor())?;
    let status = match status.filter(|s| !s.is_empty()) {
        Some(s) => Some(Status::parse(s).ok_or_else(|| AppError::field("status", "unknown status"))?),
        None => None,
    };
    let cases = reg_cases::list(state.db.pool(), org.as_deref(), status, LIST_LIMIT).await?;
    Ok(cases
        .iter()
        .map(|c| RegCaseSummary {
            id: c.id.clone(),
            organization_id: c.organization_id.clone(),
            site_id: c.site_id.clone(),
            status: c.status.as_str(),
            applied_on: c.applied_on,
            renewal: c.renewal_of.is_some(),
            findings: c.findings.len(),
        })
        .collect())
}
