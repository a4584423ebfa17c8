//! Authorization of the self-study and its files (ACC-3, ACC-6): built on who may see the case
//! ([`super::acc::may_see_case`]: 404 for everyone else), then each action has its doers (403 otherwise).

use super::acc::{CaseFacts, may_see_case};
use super::{Actor, Decision};
use crate::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudyAction {
    /// The self-study, its progress and its files (download included): whoever sees the case.
    View,
    /// Upload an attachment or evidence: the organization, or the office entering a paper submission.
    Upload,
    /// Narratives, the representative's confirmation, resubmission after fixes: the organization.
    Write,
    /// The office's format check.
    CheckFormat,
    /// One-time questionnaire links: the organization hands them out (as it handed out the sealed envelopes),
    /// or the office.
    IssueLinks,
    /// The answers themselves: the office and the head, and the staff who review the case (coordinator,
    /// surveyors). Not the organization (its own staff answered) and not the committee.
    ViewAnswers,
}

pub fn study(actor: &Actor, action: StudyAction, facts: &CaseFacts<'_>) -> Decision {
    if !may_see_case(actor, facts) {
        return Decision::NotFound;
    }
    let allowed = match action {
        StudyAction::View => true,
        StudyAction::Upload | StudyAction::IssueLinks => {
            matches!(actor.role, Role::Organization | Role::Office)
        }
        StudyAction::Write => actor.role == Role::Organization,
        StudyAction::CheckFormat => actor.role == Role::Office,
        StudyAction::ViewAnswers => matches!(
            actor.role,
            Role::Office | Role::Head | Role::Admin | Role::Coordinator | Role::Surveyor
        ),
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(id: &str, role: Role, org: Option<&str>) -> Actor {
        Actor {
            user_id: id.into(),
            role,
            organization_id: org.map(str::to_owned),
        }
    }

    #[test]
    fn acc_6_the_organization_writes_the_office_checks_others_404() {
        let s = vec![("surv".to_owned(), true)];
        let f = CaseFacts {
            organization_id: "org-a",
            coordinator_id: Some("coord"),
            surveyors: &s,
            caller_conflicted: false,
            report_issued: false,
        };
        let org = actor("u", Role::Organization, Some("org-a"));
        let other = actor("u2", Role::Organization, Some("org-b"));
        let office = actor("o", Role::Office, None);
        assert_eq!(study(&org, StudyAction::Write, &f), Decision::Allow);
        assert_eq!(study(&org, StudyAction::Upload, &f), Decision::Allow);
        assert_eq!(study(&org, StudyAction::ViewAnswers, &f), Decision::Forbidden);
        assert_eq!(study(&other, StudyAction::View, &f), Decision::NotFound);
        assert_eq!(study(&office, StudyAction::CheckFormat, &f), Decision::Allow);
        assert_eq!(study(&office, StudyAction::Write, &f), Decision::Forbidden);
        assert_eq!(
            study(&actor("c2", Role::Coordinator, None), StudyAction::View, &f),
            Decision::NotFound
        );
        assert_eq!(
            study(&actor("surv", Role::Surveyor, None), StudyAction::ViewAnswers, &f),
            Decision::Allow
        );
        let conflicted = CaseFacts {
            caller_conflicted: true,
            ..f.clone()
        };
        assert_eq!(
            study(&actor("m", Role::Committee, None), StudyAction::View, &conflicted),
            Decision::NotFound
        );
    }
}
