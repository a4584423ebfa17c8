//! Authorization of accreditation (ACC) cases: who may see and act on a case (ACC-5, ACC-7, ACC-8).
//!
//! Seeing comes first: a caller who may not see the case gets `NotFound` for every action on it (API.md: 404 on
//! the case and everything under it). Who sees a case: the office, the head and administrators; the coordinator
//! assigned to it (ACC-5); its surveyors (ACC-7); committee members without a declared conflict with the
//! organization (ACC-8, recused otherwise); and the organization's own users. Then each action has its doers;
//! a caller who sees the case but may not act gets `Forbidden`.

use super::{Actor, Decision};
use crate::role::Role;

/// What authorization needs to know about one case and the caller's relation to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts<'a> {
    pub organization_id: &'a str,
    pub coordinator_id: Option<&'a str>,
    /// `(user_id, lead)` of the assigned surveyors.
    pub surveyors: &'a [(String, bool)],
    /// The caller has a declared conflict of interest with the case's organization (ACC-8).
    pub caller_conflicted: bool,
    /// The site-visit report has gone to the organization (ACC-10).
    pub report_issued: bool,
}

impl CaseFacts<'_> {
    fn is_surveyor(&self, user_id: &str) -> bool {
        self.surveyors.iter().any(|(id, _)| id == user_id)
    }

    fn is_lead(&self, user_id: &str) -> bool {
        self.surveyors.iter().any(|(id, lead)| *lead && id == user_id)
    }
}

/// Actions on an accreditation case (API.md "Accreditation cases").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    View,
    /// The ACC-9 assessment and the ratings behind it.
    ViewAssessment,
    /// ACC-4: the office's eligibility decision.
    DecideEligibility,
    /// ACC-5: coordinator, visit and dates.
    Plan,
    /// ACC-6: the organization submits its self-study.
    SubmitSelfStudy,
    /// ACC-7, ACC-8: the office assigns surveyors.
    AssignSurveyor,
    /// ACC-9: an assigned surveyor rates a standard.
    Rate,
    /// ACC-10: the lead surveyor or the office issues the site-visit report.
    IssueReport,
    /// ACC-10: the organization's opinion and action plan.
    Respond,
    /// ACC-8, ACC-11: a committee member's vote.
    Vote,
    /// ACC-11: the office or the head records the committee's (or, after a hold, the head's) decision.
    Decide,
    /// ACC-12: the office records when the result notice was sent and received.
    RecordNotice,
    /// ACC-3: the organization withdraws.
    Withdraw,
    /// ACC-22: invoices and payments are the office's.
    ManageInvoices,
}

/// May `actor` see the case at all?
pub fn may_see_case(actor: &Actor, facts: &CaseFacts<'_>) -> bool {
    match actor.role {
        Role::Office | Role::Head | Role::Admin => true,
        // ACC-8 for every assigned role: a conflict declared after the assignment takes the case away at once.
        Role::Coordinator => facts.coordinator_id == Some(actor.user_id.as_str()) && !facts.caller_conflicted,
        Role::Surveyor => facts.is_surveyor(&actor.user_id) && !facts.caller_conflicted,
        // ACC-8: a member with a conflict takes no part, and does not even see the case.
        Role::Committee => !facts.caller_conflicted,
        Role::Organization => actor.organization_id.as_deref() == Some(facts.organization_id),
    }
}

pub fn case(actor: &Actor, action: CaseAction, facts: &CaseFacts<'_>) -> Decision {
    use CaseAction::*;
    // API.md: "403 for any other surveyor" on ratings — a surveyor not on this case is refused rather than told
    // the case does not exist (surveyors are office staff; the organization is not revealed by a 403).
    if action == Rate && actor.role == Role::Surveyor && !facts.is_surveyor(&actor.user_id) {
        return Decision::Forbidden;
    }
    if !may_see_case(actor, facts) {
        return Decision::NotFound;
    }
    let me = actor.user_id.as_str();
    let allowed = match action {
        View => true,
        // The organization sees ratings once the report is issued to it (ACC-10), not while surveyors work.
        ViewAssessment => actor.role != Role::Organization || facts.report_issued,
        DecideEligibility | Plan | AssignSurveyor | RecordNotice | ManageInvoices => {
            actor.role == Role::Office
        }
        SubmitSelfStudy | Respond => actor.role == Role::Organization,
        // ACC-3: the organization withdraws; the office records a withdrawal notice received on paper (辞退届).
        Withdraw => matches!(actor.role, Role::Organization | Role::Office),
        Rate => actor.role == Role::Surveyor && facts.is_surveyor(me),
        IssueReport => actor.role == Role::Office || (actor.role == Role::Surveyor && facts.is_lead(me)),
        Vote => actor.role == Role::Committee,
        Decide => matches!(actor.role, Role::Office | Role::Head),
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

/// `POST /api/v1/accreditation/cases`: the organization's own users for their organization, or the office.
/// Another organization's id is not revealed (404).
pub fn create_case(actor: &Actor, organization_id: &str) -> Decision {
    match actor.role {
        Role::Office => Decision::Allow,
        Role::Organization if actor.organization_id.as_deref() == Some(organization_id) => Decision::Allow,
        Role::Organization => Decision::NotFound,
        _ => Decision::Forbidden,
    }
}

/// The office's case list and the head's: every case. Others see their own cases through their own lists.
pub fn list_all_cases(actor: &Actor) -> bool {
    matches!(actor.role, Role::Office | Role::Head | Role::Admin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseAction::*;

    fn actor(id: &str, role: Role, org: Option<&str>) -> Actor {
        Actor {
            user_id: id.into(),
            role,
            organization_id: org.map(str::to_owned),
        }
    }

    fn surveyors() -> Vec<(String, bool)> {
        vec![("s-lead".into(), true), ("s-2".into(), false)]
    }

    fn facts(surveyors: &[(String, bool)]) -> CaseFacts<'_> {
        CaseFacts {
            organization_id: "org-a",
            coordinator_id: Some("coord"),
            surveyors,
            caller_conflicted: false,
            report_issued: false,
        }
    }

    const ALL: [CaseAction; 14] = [
        View,
        ViewAssessment,
        DecideEligibility,
        Plan,
        SubmitSelfStudy,
        AssignSurveyor,
        Rate,
        IssueReport,
        Respond,
        Vote,
        Decide,
        RecordNotice,
        Withdraw,
        ManageInvoices,
    ];

    #[test]
    fn office_head_admin_see_every_case() {
        let s = surveyors();
        for role in [Role::Office, Role::Head, Role::Admin] {
            assert!(may_see_case(&actor("x", role, None), &facts(&s)), "{role}");
            assert!(list_all_cases(&actor("x", role, None)));
        }
        assert!(!list_all_cases(&actor("x", Role::Committee, None)));
    }

    #[test]
    fn acc_3_the_organization_withdraws_and_the_office_records_a_paper_withdrawal() {
        let s = surveyors();
        let f = facts(&s);
        assert_eq!(
            case(&actor("o", Role::Office, None), Withdraw, &f),
            Decision::Allow
        );
        assert_eq!(
            case(&actor("h", Role::Head, None), Withdraw, &f),
            Decision::Forbidden
        );
        assert_eq!(
            case(&actor("u", Role::Organization, Some("org-a")), Withdraw, &f),
            Decision::Allow
        );
    }

    #[test]
    fn acc_5_only_the_assigned_coordinator_sees_the_case() {
        let s = surveyors();
        let f = facts(&s);
        assert_eq!(
            case(&actor("coord", Role::Coordinator, None), View, &f),
            Decision::Allow
        );
        assert_eq!(
            case(&actor("other", Role::Coordinator, None), View, &f),
            Decision::NotFound
        );
        // A coordinator does not act on the case through the API's steps (ACC-5: no hands-on help).
        assert_eq!(
            case(&actor("coord", Role::Coordinator, None), Plan, &f),
            Decision::Forbidden
        );
    }

    #[test]
    fn acc_7_assigned_surveyors_rate_the_lead_or_office_reports() {
        let s = surveyors();
        let f = facts(&s);
        let lead = actor("s-lead", Role::Surveyor, None);
        let second = actor("s-2", Role::Surveyor, None);
        let stranger = actor("s-9", Role::Surveyor, None);
        assert_eq!(case(&lead, Rate, &f), Decision::Allow);
        assert_eq!(case(&second, Rate, &f), Decision::Allow);
        // API.md: 403 for any other surveyor on ratings, while the case stays invisible otherwise.
        assert_eq!(case(&stranger, Rate, &f), Decision::Forbidden);
        assert_eq!(case(&stranger, View, &f), Decision::NotFound);
        assert_eq!(case(&lead, IssueReport, &f), Decision::Allow);
        assert_eq!(case(&second, IssueReport, &f), Decision::Forbidden);
        assert_eq!(
            case(&actor("o", Role::Office, None), IssueReport, &f),
            Decision::Allow
        );
        assert_eq!(
            case(&actor("o", Role::Office, None), Rate, &f),
            Decision::Forbidden
        );
        assert_eq!(case(&lead, Decide, &f), Decision::Forbidden);
    }

    #[test]
    fn acc_8_a_conflicted_committee_member_gets_not_found_for_everything() {
        let s = surveyors();
        let mut f = facts(&s);
        let member = actor("m", Role::Committee, None);
        assert_eq!(case(&member, View, &f), Decision::Allow);
        assert_eq!(case(&member, Vote, &f), Decision::Allow);
        assert_eq!(case(&member, Decide, &f), Decision::Forbidden);
        f.caller_conflicted = true;
        for action in ALL {
            assert_eq!(case(&member, action, &f), Decision::NotFound, "{action:?}");
        }
    }

    #[test]
    fn the_organization_sees_its_own_case_only() {
        let s = surveyors();
        let mut f = facts(&s);
        let own = actor("u", Role::Organization, Some("org-a"));
        let other = actor("u2", Role::Organization, Some("org-b"));
        for action in ALL {
            assert_eq!(case(&other, action, &f), Decision::NotFound, "{action:?}");
        }
        for action in [SubmitSelfStudy, Respond, Withdraw, View] {
            assert_eq!(case(&own, action, &f), Decision::Allow, "{action:?}");
        }
        for action in [
            DecideEligibility,
            Plan,
            AssignSurveyor,
            Rate,
            IssueReport,
            Vote,
            Decide,
            ManageInvoices,
        ] {
            assert_eq!(case(&own, action, &f), Decision::Forbidden, "{action:?}");
        }
        // ACC-10: ratings reach the organization with the report.
        assert_eq!(case(&own, ViewAssessment, &f), Decision::Forbidden);
        f.report_issued = true;
        assert_eq!(case(&own, ViewAssessment, &f), Decision::Allow);
    }

    #[test]
    fn office_steps_are_the_offices_and_decisions_also_the_heads() {
        let s = surveyors();
        let f = facts(&s);
        let office = actor("o", Role::Office, None);
        let head = actor("h", Role::Head, None);
        let admin = actor("a", Role::Admin, None);
        for action in [
            DecideEligibility,
            Plan,
            AssignSurveyor,
            RecordNotice,
            ManageInvoices,
            Decide,
        ] {
            assert_eq!(case(&office, action, &f), Decision::Allow, "{action:?}");
            assert_eq!(case(&admin, action, &f), Decision::Forbidden, "{action:?}");
        }
        assert_eq!(case(&head, Decide, &f), Decision::Allow);
        assert_eq!(case(&head, Plan, &f), Decision::Forbidden);
        assert_eq!(case(&office, SubmitSelfStudy, &f), Decision::Forbidden);
    }

    #[test]
    fn creating_a_case() {
        assert_eq!(
            create_case(&actor("o", Role::Office, None), "org-a"),
            Decision::Allow
        );
        assert_eq!(
            create_case(&actor("u", Role::Organization, Some("org-a")), "org-a"),
            Decision::Allow
        );
        assert_eq!(
            create_case(&actor("u", Role::Organization, Some("org-a")), "org-b"),
            Decision::NotFound
        );
        for role in [
            Role::Head,
            Role::Admin,
            Role::Coordinator,
            Role::Surveyor,
            Role::Committee,
        ] {
            assert_eq!(
                create_case(&actor("x", role, None), "org-a"),
                Decision::Forbidden,
                "{role}"
            );
        }
    }
}

/// The letters of a case addressed to the organization (acceptance notice, invoices, result notice,
/// review report, ACC-4/11/12/22): the organization's own users, the office that sends them and the head who
/// signs them. Nobody else — not even staff who see the case — is shown that they exist (404, ACC-23: what an
/// organization submits and receives is confidential).
pub fn case_documents(actor: &Actor, organization_id: &str) -> Decision {
    match actor.role {
        Role::Office | Role::Head => Decision::Allow,
        Role::Organization if actor.organization_id.as_deref() == Some(organization_id) => Decision::Allow,
        _ => Decision::NotFound,
    }
}

#[cfg(test)]
mod case_documents_tests {
    use super::*;

    fn actor(role: Role, org: Option<&str>) -> Actor {
        Actor {
            user_id: "u".into(),
            role,
            organization_id: org.map(str::to_owned),
        }
    }

    #[test]
    fn acc_12_letters_go_to_the_organization_office_and_head_only() {
        assert_eq!(
            case_documents(&actor(Role::Office, None), "org-a"),
            Decision::Allow
        );
        assert_eq!(case_documents(&actor(Role::Head, None), "org-a"), Decision::Allow);
        assert_eq!(
            case_documents(&actor(Role::Organization, Some("org-a")), "org-a"),
            Decision::Allow
        );
        assert_eq!(
            case_documents(&actor(Role::Organization, Some("org-b")), "org-a"),
            Decision::NotFound
        );
        for role in [Role::Admin, Role::Coordinator, Role::Surveyor, Role::Committee] {
            assert_eq!(
                case_documents(&actor(role, None), "org-a"),
                Decision::NotFound,
                "{role}"
            );
        }
    }
}
