//! The registration hub (`/registration`) as each role reads it: an organization's rooms with what each can do next,
//! the applications (the registrar's: those waiting for a decision; an organization's: all of its own), a page of
//! the registrations, those due for renewal, the change notices and reports waiting for the office, and the
//! deregistration cases the caller may see (REG-7: the committee only once referred, never with a conflict).

use std::collections::HashMap;

use chrono::NaiveDate;
use nintei_domain::authz::reg::{self as authz, RegGlobalAction};
use nintei_domain::role::Role;
use nintei_store::listing::Filter;
use nintei_store::organizations::{self, Site};
use nintei_store::reg_cases::{self, RegCase};
use nintei_store::registrations::{self, Listed};
use nintei_store::{reg_changes, reg_reports};

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use nintei_domain::reg::status::Status;

/// Days before expiry from which a registration is listed as due for renewal (REG-4 reminders).
pub const RENEWAL_REMINDER_DAYS: i64 = 180;

/// What an organization can do next for one of its rooms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomAction {
    /// File the first application.
    Apply { site_id: String },
    /// Apply to renew this registration (REG-4).
    Renew { number: String },
    /// A first application is under review: nothing to do.
    UnderReview,
}

/// One of the organization's rooms.
#[derive(Debug, Clone)]
pub struct Room {
    pub site: Site,
    /// The registration in force for the room, if any.
    pub registration: Option<(String, Status)>,
    pub action: RoomAction,
}

/// One application with its names.
#[derive(Debug, Clone)]
pub struct Application {
    pub case: RegCase,
    pub organization_name: String,
    pub site_name: String,
}

/// A change notice waiting for the office's acknowledgement.
#[derive(Debug, Clone)]
pub struct PendingNotice {
    pub id: String,
    pub number: String,
    pub notified_on: NaiveDate,
    pub kinds: Vec<String>,
    pub findings: usize,
}

/// A deregistration case the caller may see.
#[derive(Debug, Clone)]
pub struct Investigation {
    pub id: String,
    pub number: String,
    pub status: String,
    pub opened_on: NaiveDate,
}

/// The hub for one caller.
#[derive(Debug, Default)]
pub struct Hub {
    /// The registrar (office, head, admin) sees every registration and what waits for the office.
    pub registrar: bool,
    pub rooms: Vec<Room>,
    pub applications: Vec<Application>,
    /// One page of the registrations, and how many the search matches.
    pub registrations: Vec<Listed>,
    pub total: i64,
    pub expiring: Vec<Listed>,
    pub notices: Vec<PendingNotice>,
    pub new_reports: usize,
    pub investigations: Vec<Investigation>,
    /// Whether the caller sees the training sessions (REG-8).
    pub trainings: bool,
}

/// The hub for `caller` on `today`; `filter` pages the registrations. Other roles than the registrar, an
/// organization's users and committee members are refused.
pub async fn hub(state: &AppState, caller: &Caller, today: NaiveDate, filter: &Filter<'_>) -> AppResult<Hub> {
    let actor = caller.actor();
    let registrar = authz::global(&actor, RegGlobalAction::ListAll).is_allowed();
    let own = match (actor.role, &actor.organization_id) {
        (Role::Organization, Some(o)) => Some(o.clone()),
        _ => None,
    };
    if !registrar && own.is_none() && actor.role != Role::Committee {
        return Err(AppError::Forbidden);
    }
    let pool = state.db.pool();
    let mut hub = Hub {
        registrar,
        trainings: authz::global(&actor, RegGlobalAction::ViewTraining).is_allowed(),
        ..Hub::default()
    };
    if registrar || own.is_some() {
        // The registrar's table holds the applications waiting for a decision (decided ones are on their
        // registration, or found by the staff search); an organization sees all of its own.
        let waiting = if own.is_some() {
            None
        } else {
            Some(Status::Submitted)
        };
        let mut cases = reg_cases::list(pool, own.as_deref(), waiting, 300).await?;
        // Submitted cases first: they wait for the office.
        cases.sort_by_key(|c| c.status != Status::Submitted);
        let mut org_names: HashMap<String, String> = HashMap::new();
        let mut site_names: HashMap<String, String> = HashMap::new();
        for c in &cases {
            if !org_names.contains_key(&c.organization_id) {
                let name = organizations::by_id(pool, &c.organization_id)
                    .await?
                    .map(|o| o.name)
                    .unwrap_or_default();
                org_names.insert(c.organization_id.clone(), name);
                for s in organizations::sites(pool, &c.organization_id).await? {
                    site_names.insert(s.id, s.name);
                }
            }
        }
        let (page, total) = registrations::page(pool, own.as_deref(), filter).await?;
        hub.registrations = page;
        hub.total = total;
        let until = today + chrono::Duration::days(RENEWAL_REMINDER_DAYS);
        hub.expiring = registrations::expiring_between(pool, own.as_deref(), today, until).await?;
        if let Some(org) = &own {
            let listed = registrations::list(pool, Some(org), 500).await?;
            for site in organizations::sites(pool, org).await? {
                let current = listed
                    .iter()
                    .find(|l| l.registration.site_id == site.id && l.registration.status.is_in_force());
                let pending = cases
                    .iter()
                    .any(|c| c.site_id == site.id && c.status == Status::Submitted && c.renewal_of.is_none());
                let action = match current {
                    Some(l) => RoomAction::Renew {
                        number: l.registration.number.clone(),
                    },
                    None if pending => RoomAction::UnderReview,
                    None => RoomAction::Apply {
                        site_id: site.id.clone(),
                    },
                };
                hub.rooms.push(Room {
                    registration: current.map(|l| (l.registration.number.clone(), l.registration.status)),
                    action,
                    site,
                });
            }
        }
        hub.applications = cases
            .into_iter()
            .map(|case| Application {
                organization_name: org_names.get(&case.organization_id).cloned().unwrap_or_default(),
                site_name: site_names.get(&case.site_id).cloned().unwrap_or_default(),
                case,
            })
            .collect();
    }
    if registrar {
        for n in reg_changes::unacknowledged(pool, 200).await? {
            let number = registrations::by_id(pool, &n.registration_id)
                .await?
                .map(|r| r.number)
                .unwrap_or_default();
            hub.notices.push(PendingNotice {
                id: n.id,
                number,
                notified_on: n.notified_on,
                kinds: n.kinds.clone(),
                findings: n.findings.len(),
            });
        }
        hub.new_reports = reg_reports::list(pool, Some("new"), 500).await?.len();
    }
    hub.investigations = crate::reg::deregistration::view::visible_investigations(state, caller, 300)
        .await?
        .into_iter()
        .map(|s| Investigation {
            id: s.id,
            number: s.registration_number,
            status: s.status,
            opened_on: s.opened_on,
        })
        .collect();
    Ok(hub)
}
