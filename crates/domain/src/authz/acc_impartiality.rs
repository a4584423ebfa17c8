//! Authorization of the impartiality steps and the site-visit timetable (ACC-2, ACC-7, ACC-8): built on who
//! may see the case ([`super::acc::may_see_case`]: 404 for everyone else), then each action has its doers (403
//! otherwise).

use super::acc::{CaseFacts, may_see_case};
use super::{Actor, Decision};
use crate::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImpartialityAction {
    /// ACC-2: the head decides whether a department qualifies as the unit.
    DecideUnit,
    /// ACC-8: the organization asks for another surveyor.
    Object,
    /// ACC-8: the office decides an objection.
    DecideObjection,
    /// ACC-8: objections and their reasons: the office, the head, administrators and the organization (not the
    /// surveyors objected to, nor the committee).
    ViewObjections,
    /// ACC-7: the timetable: whoever sees the case.
    ViewSchedule,
    /// ACC-7: the office or the lead surveyor edits the timetable.
    EditSchedule,
}

pub fn impartiality(actor: &Actor, action: ImpartialityAction, facts: &CaseFacts<'_>) -> Decision {
    use ImpartialityAction::*;
    if !may_see_case(actor, facts) {
        return Decision::NotFound;
    }
    let me = actor.user_id.as_str();
    let allowed = match action {
        DecideUnit => actor.role == Role::Head,
        Object => actor.role == Role::Organization,
        DecideObjection => actor.role == Role::Office,
        ViewObjections => matches!(
            actor.role,
            Role::Office | Role::Head | Role::Admin | Role::Organization
        ),
        ViewSchedule => true,
        EditSchedule => {
            actor.role == Role::Office
                || (actor.role == Role::Surveyor
                    && facts.surveyors.iter().any(|(id, lead)| *lead && id == me))
        }
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

/// ACC-8: a surveyor's engagements with organizations and cooling-offs are the office's records.
pub fn engagements(actor: &Actor) -> Decision {
    if actor.role == Role::Office {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

#[cfg(test)]
mod tests {
    use super::ImpartialityAction::*;
    use super::*;

    fn actor(id: &str, role: Role, org: Option<&str>) -> Actor {
        Actor {
            user_id: id.into(),
            role,
            organization_id: org.map(str::to_owned),
        }
    }

    #[test]
    fn acc_2_7_8_doers() {
        let s = vec![("lead".to_owned(), true), ("second".to_owned(), false)];
        let f = CaseFacts {
            organization_id: "org-a",
            coordinator_id: Some("coord"),
            surveyors: &s,
            caller_conflicted: false,
            report_issued: false,
        };
        let head = actor("h", Role::Head, None);
        let office = actor("o", Role::Office, None);
        let org = actor("u", Role::Organization, Some("org-a"));
        let other_org = actor("u2", Role::Organization, Some("org-b"));
        let lead = actor("lead", Role::Surveyor, None);
        let second = actor("second", Role::Surveyor, None);
        let stranger = actor("x", Role::Surveyor, None);
        assert_eq!(impartiality(&head, DecideUnit, &f), Decision::Allow);
        assert_eq!(impartiality(&office, DecideUnit, &f), Decision::Forbidden);
        assert_eq!(impartiality(&org, Object, &f), Decision::Allow);
        assert_eq!(impartiality(&other_org, Object, &f), Decision::NotFound);
        assert_eq!(impartiality(&office, DecideObjection, &f), Decision::Allow);
        assert_eq!(impartiality(&org, DecideObjection, &f), Decision::Forbidden);
        assert_eq!(impartiality(&lead, ViewObjections, &f), Decision::Forbidden);
        assert_eq!(impartiality(&org, ViewObjections, &f), Decision::Allow);
        assert_eq!(impartiality(&lead, EditSchedule, &f), Decision::Allow);
        assert_eq!(impartiality(&second, EditSchedule, &f), Decision::Forbidden);
        assert_eq!(impartiality(&second, ViewSchedule, &f), Decision::Allow);
        assert_eq!(impartiality(&org, ViewSchedule, &f), Decision::Allow);
        assert_eq!(impartiality(&org, EditSchedule, &f), Decision::Forbidden);
        assert_eq!(impartiality(&stranger, ViewSchedule, &f), Decision::NotFound);
        assert_eq!(engagements(&office), Decision::Allow);
        assert_eq!(engagements(&head), Decision::Forbidden);
    }
}
