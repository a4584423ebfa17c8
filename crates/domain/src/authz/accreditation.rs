//! Authorization of the accreditation record after the decision: who sees an accreditation
//! and its maintenance (ACC-13 … ACC-18), and who does what with it.
//!
//! Seeing: the office, the head and administrators, and the organization's own users; anyone else gets
//! `NotFound` on the record and everything under it (API.md: never reveal another organization's record).
//! Coordinators, surveyors and committee members work on cases, not on accreditations: the head asks the
//! committee members and records their answers (ACC-16).

use super::{Actor, Decision};
use crate::role::Role;

/// Actions on one accreditation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordAction {
    View,
    /// ACC-13: the logo file.
    DownloadLogo,
    /// ACC-14: the organization submits its annual maintenance report.
    SubmitAnnualReport,
    /// ACC-14, ACC-15: the office raises a written question.
    AskQuestion,
    /// ACC-14, ACC-15: the organization answers in writing.
    AnswerQuestion,
    /// ACC-15: the organization's self-report.
    SelfReport,
    /// ACC-14: suspend and lift the suspension.
    Suspend,
    /// ACC-17: the office records a closure, the end of all services or a withdrawal.
    Lapse,
    /// ACC-16: the office opens and runs a compliance review and asks the committee to revoke.
    Review,
    /// ACC-16: the head records each member's answer when polling.
    RecordAnswers,
    /// ACC-18: the office or the head records the committee's revocation.
    Revoke,
    /// Certificates (ACC-22: after every fee is paid; reissue).
    IssueCertificate,
}

/// May `actor` see the accreditation of `organization_id`?
pub fn may_see(actor: &Actor, organization_id: &str) -> bool {
    match actor.role {
        Role::Office | Role::Head | Role::Admin => true,
        Role::Organization => actor.organization_id.as_deref() == Some(organization_id),
        Role::Coordinator | Role::Surveyor | Role::Committee => false,
    }
}

pub fn record(actor: &Actor, action: RecordAction, organization_id: &str) -> Decision {
    use RecordAction::*;
    if !may_see(actor, organization_id) {
        return Decision::NotFound;
    }
    let allowed = match action {
        View | DownloadLogo => true,
        SubmitAnnualReport | AnswerQuestion | SelfReport => actor.role == Role::Organization,
        AskQuestion | Suspend | Lapse | Review | IssueCertificate => actor.role == Role::Office,
        RecordAnswers => actor.role == Role::Head,
        Revoke => matches!(actor.role, Role::Office | Role::Head),
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

/// The list of accreditations: every one for the office, the head and administrators; its own for an
/// organization's user; staff outside the office have none to see.
pub fn list(actor: &Actor) -> Decision {
    match actor.role {
        Role::Office | Role::Head | Role::Admin | Role::Organization => Decision::Allow,
        Role::Coordinator | Role::Surveyor | Role::Committee => Decision::Forbidden,
    }
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
    fn another_organizations_accreditation_is_not_found_and_staff_outside_the_office_see_none() {
        let own = actor(Role::Organization, Some("org-a"));
        assert_eq!(record(&own, RecordAction::View, "org-a"), Decision::Allow);
        assert_eq!(record(&own, RecordAction::View, "org-b"), Decision::NotFound);
        assert_eq!(record(&own, RecordAction::Suspend, "org-a"), Decision::Forbidden);
        for role in [Role::Coordinator, Role::Surveyor, Role::Committee] {
            assert_eq!(
                record(&actor(role, None), RecordAction::View, "org-a"),
                Decision::NotFound
            );
            assert_eq!(list(&actor(role, None)), Decision::Forbidden);
        }
    }

    #[test]
    fn the_office_runs_maintenance_the_head_polls_and_the_organization_reports() {
        let office = actor(Role::Office, None);
        let head = actor(Role::Head, None);
        let admin = actor(Role::Admin, None);
        let org = actor(Role::Organization, Some("org-a"));
        for a in [
            RecordAction::AskQuestion,
            RecordAction::Suspend,
            RecordAction::Lapse,
            RecordAction::Review,
            RecordAction::IssueCertificate,
        ] {
            assert_eq!(record(&office, a, "org-a"), Decision::Allow);
            assert_eq!(record(&head, a, "org-a"), Decision::Forbidden);
            assert_eq!(record(&org, a, "org-a"), Decision::Forbidden);
        }
        assert_eq!(
            record(&head, RecordAction::RecordAnswers, "org-a"),
            Decision::Allow
        );
        assert_eq!(
            record(&office, RecordAction::RecordAnswers, "org-a"),
            Decision::Forbidden
        );
        assert_eq!(record(&head, RecordAction::Revoke, "org-a"), Decision::Allow);
        assert_eq!(record(&office, RecordAction::Revoke, "org-a"), Decision::Allow);
        assert_eq!(record(&admin, RecordAction::Revoke, "org-a"), Decision::Forbidden);
        for a in [
            RecordAction::SubmitAnnualReport,
            RecordAction::AnswerQuestion,
            RecordAction::SelfReport,
        ] {
            assert_eq!(record(&org, a, "org-a"), Decision::Allow);
            assert_eq!(record(&office, a, "org-a"), Decision::Forbidden);
        }
        assert_eq!(record(&admin, RecordAction::View, "org-a"), Decision::Allow);
    }
}
