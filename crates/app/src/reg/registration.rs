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
