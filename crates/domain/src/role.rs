//! Roles of API.md ("Authentication and accounts").

use serde::{Deserialize, Serialize};

/// The role of a user account. An `Organization` user is bound to one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Office,
    Head,
    Coordinator,
    Surveyor,
    Committee,
    Organization,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Office,
        Role::Head,
        Role::Coordinator,
        Role::Surveyor,
        Role::Committee,
        Role::Organization,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Office => "office",
            Role::Head => "head",
            Role::Coordinator => "coordinator",
            Role::Surveyor => "surveyor",
            Role::Committee => "committee",
            Role::Organization => "organization",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Staff of the office or its bodies, as opposed to an organization's user.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Organization)
    }

    /// A second factor is required for administrators and optional for other staff.
    pub fn requires_totp(self) -> bool {
        matches!(self, Role::Admin)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_every_role() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
