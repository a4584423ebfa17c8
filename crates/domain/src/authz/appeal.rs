//! Authorization of appeals (ACC-21): who sees an appeal and who acts on it.
//!
//! Seeing: the office, the head and administrators; the organization that filed it; committee members without a
//! declared conflict with the organization (ACC-8). Anyone else gets `NotFound`. Filing: the organization for
//! itself, or the office entering a paper filing. The office asks for more information; committee members
//! answer the head's poll; the office or the head records the decision.

use super::{Actor, Decision};
use crate::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealAction {
    View,
    RequestInformation,
    Vote,
    Decide,
}

/// May `actor` see an appeal of `organization_id`?
pub fn may_see(actor: &Actor, organization_id: &str, caller_conflicted: bool) -> bool {
    match actor.role {
        Role::Office | Role::Head | Role::Admin => true,
        Role::Committee => !caller_conflicted,
        Role::Organization => actor.organization_id.as_deref() == Some(organization_id),
        Role::Coordinator | Role::Surveyor => false,
    }
}

pub fn appeal(
    actor: &Actor,
    action: AppealAction,
    organization_id: &str,
    caller_conflicted: bool,
) -> Decision {
    if !may_see(actor, organization_id, caller_conflicted) {
        return Decision::NotFound;
    }
    let allowed = match action {
        AppealAction::View => true,
        AppealAction::RequestInformation => actor.role == Role::Office,
        AppealAction::Vote => actor.role == Role::Committee,
        AppealAction::Decide => matches!(actor.role, Role::Office | Role::Head),
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

/// Filing an appeal against a decision about `organization_id`, for a caller who may see that decision: the
/// organization itself or the office.
pub fn file(actor: &Actor, organization_id: &str) -> Decision {
    match actor.role {
        Role::Office => Decision::Allow,
        Role::Organization if actor.organization_id.as_deref() == Some(organization_id) => Decision::Allow,
        Role::Organization => Decision::NotFound,
        _ => Decision::Forbidden,
    }
}

/// The appeal list: everything for the office, the head, administrators and committee members (less conflicts);
/// the own organization's for its users; nothing for coordinators and surveyors.
pub fn list_all(actor: &Actor) -> bool {
    matches!(
        actor.role,
        Role::Office | Role::Head | Role::Admin | Role::Committee
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, org: Option<&str>) -> Actor {
        Actor {
            user_id: "u".into(),
            role,
            organization_id: org.map(str::to_owned),
        }
    }

    #[test]
    fn acc_21_who_sees_and_acts_on_an_appeal() {
        let org = actor(Role::Organization, Some("o1"));
        assert_eq!(appeal(&org, AppealAction::View, "o1", false), Decision::Allow);
        assert_eq!(appeal(&org, AppealAction::View, "o2", false), Decision::NotFound);
        assert_eq!(
            appeal(&org, AppealAction::Decide, "o1", false),
            Decision::Forbidden
        );
        let member = actor(Role::Committee, None);
        assert_eq!(appeal(&member, AppealAction::Vote, "o1", false), Decision::Allow);
        assert_eq!(
            appeal(&member, AppealAction::Vote, "o1", true),
            Decision::NotFound
        );
        let head = actor(Role::Head, None);
        assert_eq!(appeal(&head, AppealAction::Decide, "o1", false), Decision::Allow);
        assert_eq!(
            appeal(&head, AppealAction::RequestInformation, "o1", false),
            Decision::Forbidden
        );
        let surveyor = actor(Role::Surveyor, None);
        assert_eq!(
            appeal(&surveyor, AppealAction::View, "o1", false),
            Decision::NotFound
        );
        assert_eq!(file(&org, "o2"), Decision::NotFound);
        assert_eq!(file(&actor(Role::Office, None), "o2"), Decision::Allow);
        assert_eq!(file(&head, "o2"), Decision::Forbidden);
    }
}
