//! Authorization of registration (REG) cases: who may see and act on a registration case, a registration, a
//! REG-7 deregistration case, the public reports and the REG-9 training sessions.
//!
//! Visibility first: the office, the head and the administrator see everything; an organization's own users see
//! their own cases and registrations; anyone else gets `NotFound` (404), never `Forbidden`, so that another
//! organization's records are not revealed. Committee members see a deregistration case only once it is referred
//! to the registration review committee, and never when they declared a conflict with the organization (recusal
//! as in ACC-8).

use super::{Actor, Decision};
use crate::role::Role;

/// Actions without a particular record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegGlobalAction {
    /// The office's case list, registration list and deregistration list.
    ListAll,
    /// The public reports inbox (REG-7); reporters' contacts are confidential to the registrar.
    ReadReports,
    /// Open a REG-7 investigation.
    OpenInvestigation,
    /// Create training sessions and record attendance (REG-9).
    ManageTraining,
    /// See the training sessions (organizations see them to send their counselors).
    ViewTraining,
}

/// Actions on one registration case (an application, REG-1 … REG-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    View,
    /// File an application (or a renewal) for a counseling room of this organization.
    Apply,
    /// The office's review: register or return (REG-5).
    Review,
}

/// Actions on one registration (a registered counseling room).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationAction {
    View,
    /// Notify a change or the abolition (REG-6); the office may enter a notice received on paper.
    Notify,
    /// Acknowledge a notified change, which updates the published data (REG-6).
    Acknowledge,
}

/// Actions on one REG-7 deregistration case (investigation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeregistrationAction {
    View,
    /// Document requests, investigation and hearing records, referral, closing without referral: the office.
    Manage,
    /// A committee member's vote.
    Vote,
    /// Recording the committee's decision: office or head.
    Decide,
    /// Answering a document request with files in the system: the institution's own users (the office records
    /// the receipt instead).
    Answer,
}

/// What the deregistration rules need to know about the case and the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeregistrationContext<'a> {
    pub organization_id: &'a str,
    /// Referred to the registration review committee (or decided by it).
    pub referred: bool,
    /// The caller declared (or was recorded with) a conflict of interest with the organization.
    pub caller_has_conflict: bool,
}

fn allow_if(allowed: bool) -> Decision {
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

fn is_registrar(role: Role) -> bool {
    matches!(role, Role::Office | Role::Head | Role::Admin)
}

fn own_organization(actor: &Actor, organization_id: &str) -> bool {
    actor.role == Role::Organization && actor.organization_id.as_deref() == Some(organization_id)
}

/// May `actor` see the cases and registrations of `organization_id`?
pub fn may_see(actor: &Actor, organization_id: &str) -> bool {
    is_registrar(actor.role) || own_organization(actor, organization_id)
}

pub fn global(actor: &Actor, action: RegGlobalAction) -> Decision {
    use RegGlobalAction::*;
    allow_if(match action {
        ListAll | ReadReports => is_registrar(actor.role),
        OpenInvestigation | ManageTraining => actor.role == Role::Office,
        ViewTraining => is_registrar(actor.role) || actor.role == Role::Organization,
    })
}

pub fn case(actor: &Actor, action: CaseAction, organization_id: &str) -> Decision {
    if !may_see(actor, organization_id) {
        return Decision::NotFound;
    }
    allow_if(match action {
        CaseAction::View => true,
        CaseAction::Apply => matches!(actor.role, Role::Office | Role::Organization),
        CaseAction::Review => actor.role == Role::Office,
    })
}

pub fn registration(actor: &Actor, action: RegistrationAction, organization_id: &str) -> Decision {
    if !may_see(actor, organization_id) {
        return Decision::NotFound;
    }
    allow_if(match action {
        RegistrationAction::View => true,
        RegistrationAction::Notify => matches!(actor.role, Role::Office | Role::Organization),
        RegistrationAction::Acknowledge => actor.role == Role::Office,
    })
}

/// A REG-7 case. The organization's own users see it (they must answer the document request and learn the
/// decision); the handler shows them neither the reports nor the committee's votes.
pub fn deregistration(
    actor: &Actor,
    action: DeregistrationAction,
    ctx: DeregistrationContext<'_>,
) -> Decision {
    let visible = match actor.role {
        Role::Office | Role::Head | Role::Admin => true,
        Role::Organization => own_organization(actor, ctx.organization_id),
        // ACC-8 applied to the registration review committee: a member with a conflict is recused and does not
        // even learn that the case exists; others see only what was referred to them.
        Role::Committee => ctx.referred && !ctx.caller_has_conflict,
        Role::Coordinator | Role::Surveyor => false,
    };
    if !visible {
        return Decision::NotFound;
    }
    allow_if(match action {
        DeregistrationAction::View => true,
        DeregistrationAction::Manage => actor.role == Role::Office,
        DeregistrationAction::Vote => actor.role == Role::Committee,
        DeregistrationAction::Decide => matches!(actor.role, Role::Office | Role::Head),
        DeregistrationAction::Answer => actor.role == Role::Organization,
    })
}

/// Whether the caller sees the reports and the committee's votes of a deregistration case (not the
/// organization under investigation: reporters are protected).
pub fn sees_deregistration_internals(actor: &Actor) -> bool {
    matches!(
        actor.role,
        Role::Office | Role::Head | Role::Admin | Role::Committee
    )
}

/// Whether the caller sees a reporter's contact e-mail: the registrar only, never the committee or the
/// organization, and never the public.
pub fn sees_reporter_contact(actor: &Actor) -> bool {
    is_registrar(actor.role)
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

    fn ctx(referred: bool, conflict: bool) -> DeregistrationContext<'static> {
        DeregistrationContext {
            organization_id: "org-a",
            referred,
            caller_has_conflict: conflict,
        }
    }

    #[test]
    fn registrar_sees_every_case_others_get_not_found() {
        for role in Role::ALL {
            let a = actor(role, None);
            let expected = match role {
                Role::Office | Role::Head | Role::Admin => Decision::Allow,
                _ => Decision::NotFound,
            };
            assert_eq!(case(&a, CaseAction::View, "org-a"), expected, "{role}");
            assert_eq!(
                registration(&a, RegistrationAction::View, "org-a"),
                expected,
                "{role}"
            );
        }
    }

    #[test]
    fn organization_users_see_their_own_cases_only() {
        let own = actor(Role::Organization, Some("org-a"));
        let other = actor(Role::Organization, Some("org-b"));
        assert_eq!(case(&own, CaseAction::View, "org-a"), Decision::Allow);
        assert_eq!(case(&own, CaseAction::Apply, "org-a"), Decision::Allow);
        assert_eq!(case(&own, CaseAction::Review, "org-a"), Decision::Forbidden);
        for action in [CaseAction::View, CaseAction::Apply, CaseAction::Review] {
            assert_eq!(case(&other, action, "org-a"), Decision::NotFound);
        }
        assert_eq!(
            registration(&own, RegistrationAction::Notify, "org-a"),
            Decision::Allow
        );
        assert_eq!(
            registration(&own, RegistrationAction::Acknowledge, "org-a"),
            Decision::Forbidden
        );
        assert_eq!(
            registration(&other, RegistrationAction::Notify, "org-a"),
            Decision::NotFound
        );
        // An organization user without an organization sees nothing.
        assert_eq!(
            case(&actor(Role::Organization, None), CaseAction::View, "org-a"),
            Decision::NotFound
        );
    }

    // REG-5: only the office reviews; head and admin see but may not.
    #[test]
    fn only_the_office_reviews_and_applies_among_staff() {
        for role in [Role::Office, Role::Head, Role::Admin] {
            let a = actor(role, None);
            let review = case(&a, CaseAction::Review, "x");
            let apply = case(&a, CaseAction::Apply, "x");
            let office = role == Role::Office;
            assert_eq!(review.is_allowed(), office, "{role}");
            assert_eq!(apply.is_allowed(), office, "{role}");
            if !office {
                assert_eq!(review, Decision::Forbidden);
            }
        }
    }

    // REG-7 with ACC-8 recusal.
    #[test]
    fn committee_sees_referred_cases_unless_conflicted() {
        let member = actor(Role::Committee, None);
        let view = DeregistrationAction::View;
        assert_eq!(
            deregistration(&member, view, ctx(false, false)),
            Decision::NotFound
        );
        assert_eq!(deregistration(&member, view, ctx(true, false)), Decision::Allow);
        assert_eq!(
            deregistration(&member, DeregistrationAction::Vote, ctx(true, false)),
            Decision::Allow
        );
        for action in [view, DeregistrationAction::Vote, DeregistrationAction::Decide] {
            assert_eq!(
                deregistration(&member, action, ctx(true, true)),
                Decision::NotFound,
                "{action:?}"
            );
        }
        assert_eq!(
            deregistration(&member, DeregistrationAction::Manage, ctx(true, false)),
            Decision::Forbidden
        );
    }

    #[test]
    fn deregistration_roles() {
        let office = actor(Role::Office, None);
        let head = actor(Role::Head, None);
        let own = actor(Role::Organization, Some("org-a"));
        let other = actor(Role::Organization, Some("org-b"));
        let surveyor = actor(Role::Surveyor, None);
        let c = ctx(true, false);
        assert!(deregistration(&office, DeregistrationAction::Manage, c).is_allowed());
        assert!(deregistration(&office, DeregistrationAction::Decide, c).is_allowed());
        assert_eq!(
            deregistration(&office, DeregistrationAction::Vote, c),
            Decision::Forbidden
        );
        assert!(deregistration(&head, DeregistrationAction::Decide, c).is_allowed());
        assert_eq!(
            deregistration(&head, DeregistrationAction::Manage, c),
            Decision::Forbidden
        );
        assert!(deregistration(&own, DeregistrationAction::View, c).is_allowed());
        assert_eq!(
            deregistration(&own, DeregistrationAction::Decide, c),
            Decision::Forbidden
        );
        // REG-7: the institution answers its document requests; the registrar records receipt instead.
        assert!(deregistration(&own, DeregistrationAction::Answer, c).is_allowed());
        assert_eq!(
            deregistration(&office, DeregistrationAction::Answer, c),
            Decision::Forbidden
        );
        assert_eq!(
            deregistration(&other, DeregistrationAction::Answer, c),
            Decision::NotFound
        );
        assert_eq!(
            deregistration(&other, DeregistrationAction::View, c),
            Decision::NotFound
        );
        assert_eq!(
            deregistration(&surveyor, DeregistrationAction::View, c),
            Decision::NotFound
        );
        assert!(!sees_deregistration_internals(&own));
        assert!(sees_deregistration_internals(&actor(Role::Committee, None)));
        assert!(!sees_reporter_contact(&actor(Role::Committee, None)));
        assert!(sees_reporter_contact(&office));
    }

    #[test]
    fn global_actions() {
        for role in Role::ALL {
            let a = actor(role, Some("org-a"));
            let registrar = matches!(role, Role::Office | Role::Head | Role::Admin);
            assert_eq!(global(&a, RegGlobalAction::ListAll).is_allowed(), registrar);
            assert_eq!(global(&a, RegGlobalAction::ReadReports).is_allowed(), registrar);
            assert_eq!(
                global(&a, RegGlobalAction::OpenInvestigation).is_allowed(),
                role == Role::Office
            );
            assert_eq!(
                global(&a, RegGlobalAction::ManageTraining).is_allowed(),
                role == Role::Office
            );
            assert_eq!(
                global(&a, RegGlobalAction::ViewTraining).is_allowed(),
                registrar || role == Role::Organization
            );
        }
    }
}
