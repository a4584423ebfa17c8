//! The one authorization module: "may this user do this action on this record".
//!
//! Every handler asks here, and the UI asks the same question to show only what is allowed. A record the caller
//! may not see answers `NotFound` (HTTP 404), never `Forbidden`, so that its existence is not revealed.

pub mod acc;
pub mod acc_impartiality;
pub mod acc_study;
pub mod accreditation;
pub mod appeal;
pub mod reg;

use crate::role::Role;

/// The caller, as far as authorization needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    pub role: Role,
    /// Set for `Role::Organization` users only.
    pub organization_id: Option<String>,
}

/// The answer for one action on one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The caller may see the record (or no record is involved) but may not do this: HTTP 403.
    Forbidden,
    /// The caller may not know the record exists: HTTP 404.
    NotFound,
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// Actions that involve no particular record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalAction {
    CreateOrganization,
    ListOrganizations,
    CreateUser,
    ListUsers,
    /// Reading the audit trail of records and verifying the chain.
    ViewAudit,
    /// Staff screens (dashboard, settings).
    UseStaffScreens,
    /// The outbox of outgoing mail (送信メール): it holds notices to every organization, so office and admin only.
    ViewMail,
    /// The office settings (letter issuers, date style, invoice registration number, art. 142 roll-forward).
    OfficeSettings,
}

/// Actions on one organization (or on records that belong to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganizationAction {
    View,
    AddSite,
    /// Notify a change of the name, representative or contact (REG-6): the office or the organization's users.
    NotifyChange,
    /// Declare a conflict of interest between `user_id` and this organization.
    DeclareConflict {
        for_self: bool,
    },
}

pub fn global(actor: &Actor, action: GlobalAction) -> Decision {
    use GlobalAction::*;
    use Role::*;
    let allowed = match action {
        CreateOrganization => matches!(actor.role, Office | Admin),
        ListOrganizations => matches!(actor.role, Office | Head | Admin),
        CreateUser | ListUsers => matches!(actor.role, Admin),
        ViewAudit => matches!(actor.role, Office | Head | Admin),
        UseStaffScreens => actor.role.is_staff(),
        ViewMail => matches!(actor.role, Office | Admin),
        OfficeSettings => matches!(actor.role, Office | Admin),
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

/// May `actor` see the organization `organization_id` at all?
pub fn may_see_organization(actor: &Actor, organization_id: &str) -> bool {
    match actor.role {
        Role::Office | Role::Head | Role::Admin => true,
        Role::Organization => actor.organization_id.as_deref() == Some(organization_id),
        // Coordinators, surveyors and committee members see organizations only through cases they are
        // assigned to (ACC-5, ACC-7, ACC-8); the organization record itself stays with the office.
        Role::Coordinator | Role::Surveyor | Role::Committee => false,
    }
}

pub fn organization(actor: &Actor, action: OrganizationAction, organization_id: &str) -> Decision {
    use OrganizationAction::*;
    if let DeclareConflict { for_self: true } = action
        && matches!(
            actor.role,
            Role::Office | Role::Head | Role::Coordinator | Role::Surveyor | Role::Committee
        )
    {
        // Staff declare their own conflicts (ACC-8) without being able to read the organization record.
        return Decision::Allow;
    }
    if !may_see_organization(actor, organization_id) {
        return Decision::NotFound;
    }
    let allowed = match action {
        View => true,
        AddSite | NotifyChange => matches!(actor.role, Role::Office | Role::Organization),
        DeclareConflict { .. } => actor.role == Role::Office,
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

    fn actor(role: Role, org: Option<&str>) -> Actor {
        Actor {
            user_id: "u".into(),
            role,
            organization_id: org.map(str::to_owned),
        }
    }

    #[test]
    fn another_organizations_record_is_not_found_not_forbidden() {
        let a = actor(Role::Organization, Some("org-a"));
        assert_eq!(
            organization(&a, OrganizationAction::View, "org-a"),
            Decision::Allow
        );
        assert_eq!(
            organization(&a, OrganizationAction::View, "org-b"),
            Decision::NotFound
        );
        assert_eq!(
            organization(&a, OrganizationAction::AddSite, "org-b"),
            Decision::NotFound
        );
    }

    #[test]
    fn admin_sees_but_does_not_add_sites() {
        let a = actor(Role::Admin, None);
        assert_eq!(organization(&a, OrganizationAction::View, "x"), Decision::Allow);
        assert_eq!(
            organization(&a, OrganizationAction::AddSite, "x"),
            Decision::Forbidden
        );
    }

    #[test]
    fn surveyor_declares_own_conflict_but_cannot_read_the_record() {
        let a = actor(Role::Surveyor, None);
        assert_eq!(
            organization(&a, OrganizationAction::DeclareConflict { for_self: true }, "x"),
            Decision::Allow
        );
        assert_eq!(
            organization(&a, OrganizationAction::DeclareConflict { for_self: false }, "x"),
            Decision::NotFound
        );
        assert_eq!(
            organization(&a, OrganizationAction::View, "x"),
            Decision::NotFound
        );
    }

    #[test]
    fn only_admin_creates_users() {
        for r in Role::ALL {
            let d = global(&actor(r, None), GlobalAction::CreateUser);
            assert_eq!(d.is_allowed(), r == Role::Admin, "{r}");
        }
    }
}

/// The office's exports of cases, deadlines and invoices: every organization's data, so the office
/// and the administrator only.
pub fn export_data(actor: &Actor) -> Decision {
    if matches!(actor.role, Role::Office | Role::Admin) {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

#[cfg(test)]
mod export_tests {
    use super::*;

    #[test]
    fn exports_are_for_the_office_and_the_administrator() {
        for role in Role::ALL {
            let actor = Actor {
                user_id: "u".into(),
                role,
                organization_id: None,
            };
            let expected = matches!(role, Role::Office | Role::Admin);
            assert_eq!(export_data(&actor).is_allowed(), expected, "{role}");
        }
    }
}
