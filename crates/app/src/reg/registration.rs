//! One registration as its page reads it (REG-4 … REG-8): the record with its names, the change notices (REG-6),
//! whether a renewal is pending (REG-4), the deregistration cases the caller may know of (REG-7: the registrar
//! and the organization, not the committee from here), the training attendance of its counselors (REG-8) and what
//! the caller may do.

use std::collections::HashMap;

use nintei_domain::authz::reg::{self as authz, RegistrationAction};
use nintei_domain::role::Role;
use nintei_store::reg_changes::{self, ChangeNotice};
use nintei_store::reg_investigations::{self as inv, Investigation};
use nintei_store::registrations::{self, Listed, Registration};
use nintei_store::{reg_cases, reg_trainings};

use super::visible_registration;
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A counselor's attendance at a training session: the session (date and title), the counselor, attended.
pub type AttendanceLine = (String, String, bool);

/// The registration page's data.
#[derive(Debug)]
pub struct RegistrationView {
    pub registration: Registration,
    /// The registration with its organization's and room's names and the room's address.
    pub listed: Listed,
    pub notices: Vec<ChangeNotice>,
    pub renewal_pending: bool,
    pub investigations: Vec<Investigation>,
    pub attendance: Vec<AttendanceLine>,
    pub may_notify: bool,
    pub may_acknowledge: bool,
}

/// The registration `number` for `caller` (404 when they may not see it).
pub async fn view(state: &AppState, caller: &Caller, number: &str) -> AppResult<RegistrationView> {
    let reg = visible_registration(state, caller, number).await?;
    let pool = state.db.pool();
    let actor = caller.actor();
    let listed = registrations::listed_by_number(pool, &reg.number)
        .await?
        .ok_or(AppError::NotFound)?;
    let notices = reg_changes::for_registration(pool, &reg.id).await?;
    let renewal_pending = reg_cases::pending_renewal(pool, &reg.id).await?.is_some();
    let investigations = if actor.role != Role::Committee
        && (authz::sees_deregistration_internals(&actor) || actor.role == Role::Organization)
    {
        inv::list(pool, Some(&reg.id), None, 50).await?
    } else {
        Vec::new()
    };
    let mut titles: HashMap<String, String> = HashMap::new();
    let mut attendance = Vec::new();
    for a in reg_trainings::attendance_of_registration(pool, &reg.id).await? {
        if !titles.contains_key(&a.training_id)
            && let Some(t) = reg_trainings::by_id(pool, &a.training_id).await?
        {
            titles.insert(a.training_id.clone(), format!("{} {}", t.held_on, t.title));
        }
        let title = titles.get(&a.training_id).cloned().unwrap_or_default();
        attendance.push((title, a.counselor_name, a.attended));
    }
    Ok(RegistrationView {
        may_notify: reg.status.is_in_force()
            && authz::registration(&actor, RegistrationAction::Notify, &reg.organization_id).is_allowed(),
        may_acknowledge: authz::registration(&actor, RegistrationAction::Acknowledge, &reg.organization_id)
            .is_allowed(),
        registration: reg,
        listed,
        notices,
        renewal_pending,
        investigations,
        attendance,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// The registration as the API reads it (REG-4 … REG-9)

/// A registration with its organization's and room's names: one line of the list.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationSummary {
    #[schema(pattern = "^REG-[0-9]{4}-[0-9]{4}$")]
    pub number: String,
    pub organization_id: String,
    pub organization_name: String,
    pub site_id: String,
    pub site_name: String,
    /// JIS prefecture code 01–47.
    #[schema(pattern = "^(0[1-9]|[1-3][0-9]|4[0-7])$")]
    pub prefecture: String,
    pub address: String,
    pub first_registered_on: chrono::NaiveDate,
    pub registered_on: chrono::NaiveDate,
    pub expires_on: chrono::NaiveDate,
    /// `registered`, `expired`, `abolished` or `deregistered`.
    #[schema(pattern = "^(registered|expired|abolished|deregistered)$")]
    pub status: &'static str,
    pub ended_on: Option<chrono::NaiveDate>,
}

impl RegistrationSummary {
    pub fn of(l: &Listed) -> Self {
        let r = &l.registration;
        RegistrationSummary {
            number: r.number.clone(),
            organization_id: r.organization_id.clone(),
            organization_name: l.organization_name.clone(),
            site_id: r.site_id.clone(),
            site_name: l.site_name.clone(),
            prefecture: l.prefecture.clone(),
            address: l.address.clone(),
            first_registered_on: r.first_registered_on,
            registered_on: r.registered_on,
            expires_on: r.expires_on,
            status: r.status.as_str(),
            ended_on: r.ended_on,
        }
    }
}

/// One registration with its published data, terms, cases, change notices, training attendance and the
/// deregistration cases the caller may know of.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationDetail {
    #[serde(flatten)]
    pub summary: RegistrationSummary,
    pub version: i64,
    pub end_reason: Option<String>,
    /// The REG-3 1(3)イ items published.
    pub disclosure: nintei_domain::reg::publication::PublicDisclosure,
    pub counselors: Vec<nintei_domain::reg::application::Counselor>,
    pub psychiatrists: Vec<nintei_domain::reg::application::Psychiatrist>,
    /// A renewal application is under review (REG-4).
    pub renewal_pending: bool,
    /// REG-4: a renewal decided early waits as the next term.
    pub next_term: Option<registrations::NextTerm>,
    /// Every term, the current one included.
    pub terms: Vec<nintei_domain::reg::validity::Term>,
    pub cases: Vec<RegistrationCase>,
    pub change_notices: Vec<super::ChangeNoticeView>,
    /// REG-9.
    pub training_attendance: Vec<TrainingAttendance>,
    /// REG-7: for the registrar, the committee and the organization itself.
    pub investigations: Vec<InvestigationLine>,
}

/// A case of the registration (the first application and each renewal).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationCase {
    pub id: String,
    pub status: &'static str,
    pub applied_on: chrono::NaiveDate,
    pub renewal: bool,
}

/// A counselor's attendance at a training session (REG-9).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TrainingAttendance {
    pub training_id: String,
    pub counselor_name: String,
    pub attended: bool,
}

/// A deregistration case of the registration (REG-7).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InvestigationLine {
    pub id: String,
    /// `open`, `referred`, `closed` or `decided`.
    pub status: String,
    pub opened_on: chrono::NaiveDate,
}

/// The registration `number` for `caller` (404 when they may not see it).
pub async fn detail(state: &AppState, caller: &Caller, number: &str) -> AppResult<RegistrationDetail> {
    let reg = visible_registration(state, caller, number).await?;
    detail_of(state, caller, &reg).await
}

/// The detail of a registration the caller is known to see.
pub async fn detail_of(
    state: &AppState,
    caller: &Caller,
    reg: &Registration,
) -> AppResult<RegistrationDetail> {
    let pool = state.db.pool();
    let actor = caller.actor();
    let listed = registrations::listed_by_number(pool, &reg.number)
        .await?
        .ok_or(AppError::NotFound)?;
    let cases = reg_cases::for_registration(pool, &reg.id).await?;
    let notices = reg_changes::for_registration(pool, &reg.id).await?;
    let pending = reg_cases::pending_renewal(pool, &reg.id).await?;
    let attendance = reg_trainings::attendance_of_registration(pool, &reg.id).await?;
    let investigations = if authz::sees_deregistration_internals(&actor)
        || actor.organization_id.as_deref() == Some(reg.organization_id.as_str())
    {
        inv::list(pool, Some(&reg.id), None, 50).await?
    } else {
        Vec::new()
    };
    let terms = registrations::terms(pool, &reg.id).await?;
    Ok(RegistrationDetail {
        summary: RegistrationSummary::of(&listed),
        version: reg.version,
        end_reason: reg.end_reason.clone(),
        disclosure: reg.disclosure.clone(),
        counselors: reg.counselors.clone(),
        psychiatrists: reg.psychiatrists.clone(),
        renewal_pending: pending.is_some(),
        next_term: reg.next.clone(),
        terms: terms.into_iter().map(|(_, t)| t).collect(),
        cases: cases
            .iter()
            .map(|c| RegistrationCase {
                id: c.id.clone(),
                status: c.status.as_str(),
                applied_on: c.applied_on,
                renewal: c.renewal_of.is_some(),
            })
            .collect(),
        change_notices: notices
            .iter()
            .map(|n| super::ChangeNoticeView::of(n, &reg.number))
            .collect(),
        training_attendance: attendance
            .into_iter()
            .map(|a| TrainingAttendance {
                training_id: a.training_id,
                counselor_name: a.counselor_name,
                attended: a.attended,
            })
            .collect(),
        investigations: investigations
            .into_iter()
            .map(|i| InvestigationLine {
                id: i.id,
                status: i.status,
                opened_on: i.opened_on,
            })
            .collect(),
    })
}

/// The registrations the caller may list: the registrar all, an organization its own.
pub async fn summaries(state: &AppState, caller: &Caller) -> AppResult<Vec<RegistrationSummary>> {
    let org = super::case::own_scope(&caller.actor())?;
    let regs = registrations::list(state.db.pool(), org.as_deref(), super::case::LIST_LIMIT).await?;
    Ok(regs.iter().map(RegistrationSummary::of).collect())
}
