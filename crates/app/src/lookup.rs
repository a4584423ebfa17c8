//! The staff search box: one text finds organizations, ACC cases, accreditations, REG registrations and
//! applications by name, number or 法人番号 — each part only what the caller's lists would show them.

use nintei_domain::authz::{self, GlobalAction};
use nintei_domain::role::Role;
use nintei_store::acc::Case;
use nintei_store::acc_records::Record;
use nintei_store::listing::Filter;
use nintei_store::lookup::Found;
use nintei_store::organizations::Organization;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Rows per part of the answer.
const EACH: i64 = 20;

/// What one search found, part by part (a part the caller may not list stays empty).
#[derive(Debug, Default)]
pub struct Results {
    pub organizations: Vec<Organization>,
    pub cases: Vec<(Case, String)>,
    pub accreditations: Vec<Record>,
    pub registrations: Vec<Found>,
    pub applications: Vec<Found>,
}

impl Results {
    pub fn is_empty(&self) -> bool {
        self.organizations.is_empty()
            && self.cases.is_empty()
            && self.accreditations.is_empty()
            && self.registrations.is_empty()
            && self.applications.is_empty()
    }
}

/// Searches for staff; an organization's user has its own lists and gets 404 here.
pub async fn staff(state: &AppState, caller: &Caller, q: &str) -> AppResult<Results> {
    if caller.user.role == Role::Organization {
        return Err(AppError::NotFound);
    }
    let q = q.trim();
    if q.is_empty() {
        return Ok(Results::default());
    }
    let pool = state.db.pool();
    let actor = caller.actor();
    let filter = Filter {
        q,
        only: "",
        sort: "",
        limit: EACH,
        offset: 0,
    };
    let mut out = Results {
        cases: nintei_store::acc_list::page(pool, crate::acc::scope_of(caller), &filter)
            .await?
            .0,
        ..Results::default()
    };
    if authz::global(&actor, GlobalAction::ListOrganizations).is_allowed() {
        out.organizations = nintei_store::organizations::page(pool, &filter).await?.0;
    }
    if authz::accreditation::list(&actor).is_allowed() {
        out.accreditations = crate::acc::record::page(state, caller, &filter).await?.0;
    }
    if authz::reg::global(&actor, authz::reg::RegGlobalAction::ListAll).is_allowed() {
        out.registrations = nintei_store::lookup::registrations(pool, q).await?;
        out.applications = nintei_store::lookup::applications(pool, q).await?;
    }
    Ok(out)
}
