//! What a signed-in user's dashboard counts: for the staff, how many organizations and users there are; for an
//! organization's user, its own organization; for everyone, the open deadlines of the coming week that the caller
//! may see (the same list as the deadline list, counted) and how many of them are overdue.

use nintei_domain::authz::{self, GlobalAction};
use nintei_store::{deadlines, organizations, users};

use crate::caller::Caller;
use crate::deadline::DeadlineAccess;
use crate::error::AppResult;
use crate::state::AppState;

/// The dashboard's figures for one caller.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Whether the caller sees the office's figures (organizations and users).
    pub staff: bool,
    pub organization_count: i64,
    pub user_count: i64,
    /// The caller's own organization, `(id, name)`.
    pub own_organization: Option<(String, String)>,
    /// Open deadlines due by a week from today, overdue ones included.
    pub open_this_week: usize,
    pub overdue: usize,
}

pub async fn summary(state: &AppState, caller: &Caller) -> AppResult<Summary> {
    let pool = state.db.pool();
    let actor = caller.actor();
    let staff = authz::global(&actor, GlobalAction::ListOrganizations).is_allowed();
    let (organization_count, user_count) = if staff {
        (organizations::count(pool).await?, users::count(pool).await?)
    } else {
        (0, 0)
    };
    let own_organization = match &actor.organization_id {
        Some(id) => organizations::by_id(pool, id).await?.map(|o| (o.id, o.name)),
        None => None,
    };
    let today = state.clock.today();
    let week = today.checked_add_days(chrono::Days::new(7)).unwrap_or(today);
    let org_filter = if actor.role.is_staff() {
        None
    } else {
        Some(actor.organization_id.clone().unwrap_or_else(|| "-".into()))
    };
    let open = deadlines::open_until(pool, week, org_filter.as_deref()).await?;
    let open = DeadlineAccess::new(actor).filter(state, open).await?;
    let overdue = open.iter().filter(|d| d.due_on < today.to_string()).count();
    Ok(Summary {
        staff,
        organization_count,
        user_count,
        own_organization,
        open_this_week: open.len(),
        overdue,
    })
}
