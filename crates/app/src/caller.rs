//! Who is asking: the signed-in user behind a request (bearer token or browser session), as every use case
//! receives it, with the request id its audit events carry.

use nintei_domain::authz::Actor;
use nintei_store::AuditEvent;
use nintei_store::users::User;

/// An authenticated caller, from either a bearer token or a browser session (the web layer finds out which).
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub request_id: String,
}

impl Caller {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user.id.clone(),
            role: self.user.role,
            organization_id: self.user.organization_id.clone(),
        }
    }

    /// An audit event by this caller at `now`.
    pub fn audit(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        action: &str,
        entity: &str,
        entity_id: &str,
        changes: serde_json::Value,
    ) -> AuditEvent {
        AuditEvent {
            at: now,
            actor_id: Some(self.user.id.clone()),
            actor_role: Some(self.user.role.as_str().to_owned()),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: entity_id.to_owned(),
            changes,
            request_id: self.request_id.clone(),
        }
    }
}
