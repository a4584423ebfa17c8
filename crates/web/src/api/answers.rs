//! The answers of the API as Rust types: each serializes to the JSON shape of API.md, and its schema goes into the
//! OpenAPI document (`crate::openapi`).

use serde::Serialize;
use utoipa::ToSchema;

/// A created resource: `{id}` (201).
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// `POST /api/v1/accreditation/cases` (201): the new case, `submitted`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedCase {
    pub id: String,
    /// Always `submitted`.
    pub status: &'static str,
}

/// `POST /api/v1/accreditations/{number}/renewal` and `…/services` (201): the new case of the accreditation,
/// `submitted` (ACC-19, ACC-20).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedLinkedCase {
    pub id: String,
    /// Always `submitted`.
    pub status: &'static str,
    /// `renewal` or `scope_addition`.
    pub kind: &'static str,
}

/// `{status: "received"}` (201): an anonymous answer was taken (ACC-6).
#[derive(Debug, Serialize, ToSchema)]
pub struct Received {
    /// Always `received`.
    pub status: &'static str,
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

/// A step recorded or received with no record to show: `{status}` (`recorded`, `received`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Recorded {
    pub status: &'static str,
}

/// A record created in a first status: `{id, status}` (a deregistration case `open`, a report `filed`).
#[derive(Debug, Serialize, ToSchema)]
pub struct IdStatus {
    pub id: String,
    pub status: String,
}

/// `POST /api/v1/registration/cases` and `…/renewal` (201): the case filed and the REG-3 items it does not meet.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegSubmitted {
    pub id: String,
    /// Always `submitted`.
    pub status: &'static str,
    pub findings: Vec<String>,
}

/// `POST /api/v1/registration/cases/{id}/review` (REG-5): the case's status and the registration it gave.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegReviewed {
    pub status: &'static str,
    /// Only when registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration: Option<RegGranted>,
}

/// The registration a review gave.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegGranted {
    #[schema(pattern = "^REG-[0-9]{4}-[0-9]{4}$")]
    pub number: String,
    pub registered_on: chrono::NaiveDate,
    pub expires_on: chrono::NaiveDate,
}

/// `POST …/trainings/{id}/enrolments` (201, REG-9): the counselor enrolled.
#[derive(Debug, Serialize, ToSchema)]
pub struct Enrolled {
    pub training_id: String,
    pub registration_number: String,
    pub counselor_name: String,
}

/// `GET /api/v1/accreditation/standards` (ACC-9): the catalog in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandardsCatalog {
    pub version: String,
    /// The built-in sample catalog, not the office's published one.
    pub sample: bool,
    pub items: Vec<StandardLine>,
}

/// One standard of the catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandardLine {
    pub code: String,
    pub group: String,
    pub section: String,
    pub kind: &'static str,
    pub fundamental: Option<&'static str>,
    pub title: String,
    /// The service the standard is in scope for, on the service sections.
    pub service: Option<&'static str>,
}

/// `GET /api/v1/registration/criteria`: one REG-3 item.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionLine {
    pub code: &'static str,
    pub title: &'static str,
    pub section: &'static str,
}
