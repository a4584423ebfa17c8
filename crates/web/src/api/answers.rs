//! The answers of the API as Rust types: each serializes to the JSON shape of API.md, and its schema goes into the
//! OpenAPI document (`crate::openapi`).

use serde::Serialize;
use utoipa::ToSchema;

/// A created resource: `{id}` (201).
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// A list: `{items: [...]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Items<T: ToSchema> {
    pub items: Vec<T>,
}

/// `GET /api/v1/me`: the caller's account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub email: String,
    pub name: String,
    /// admin, office, head, coordinator, surveyor, committee or organization.
    pub role: &'static str,
    pub organization_id: Option<String>,
    pub totp_enabled: bool,
}

/// `PATCH /api/v1/users/{id}`: the account after the change.
#[derive(Debug, Serialize, ToSchema)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: &'static str,
    pub organization_id: Option<String>,
    pub active: bool,
    pub totp_enabled: bool,
}

/// `POST /api/v1/auth/token`: a bearer token, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedToken {
    pub token: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// One item of the caller's work queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskItem {
    pub kind: String,
    pub title: String,
    pub record_type: String,
    pub record_id: String,
    #[schema(format = Date)]
    pub due_on: Option<String>,
    pub overdue: bool,
    pub link: String,
}

/// `GET /api/v1/me/tasks`: the items, overdue first, and the count per kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskList {
    pub items: Vec<TaskItem>,
    pub counts: std::collections::BTreeMap<String, usize>,
}

/// `GET /api/v1/organizations/{id}`: the organization with its sites.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationWithSites {
    #[serde(flatten)]
    pub organization: nintei_store::organizations::Organization,
    pub sites: Vec<nintei_store::organizations::Site>,
}
