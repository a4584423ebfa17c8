//! A record's history from the audit trail, for those who may read the audit (the office, the head, the
//! administrators), with each acting user looked up once.

use std::collections::HashMap;

use nintei_domain::authz::{self, GlobalAction};
use nintei_domain::role::Role;
use nintei_store::audit::{self, StoredEvent};
use nintei_store::users;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// One event and, when a user acted, that user's name and role (None for the command line or the system, or a
/// user since removed).
pub struct Entry {
    pub event: StoredEvent,
    pub actor: Option<(String, Role)>,
}

/// The history of `entity`/`id`, newest first; 403 for a caller who may not read the audit.
pub async fn of(state: &AppState, caller: &Caller, entity: &str, id: &str) -> AppResult<Vec<Entry>> {
    AppError::check(authz::global(&caller.actor(), GlobalAction::ViewAudit))?;
    let events = audit::history(&state.db, entity, id).await?;
    let mut names: HashMap<String, Option<(String, Role)>> = HashMap::new();
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        let actor = match &event.actor_id {
            None => None,
            Some(uid) => match names.get(uid) {
                Some(known) => known.clone(),
                None => {
                    let found = users::by_id(state.db.pool(), uid)
                        .await?
                        .map(|u| (u.name, u.role));
                    names.insert(uid.clone(), found.clone());
                    found
                }
            },
        };
        out.push(Entry { event, actor });
    }
    Ok(out)
}
