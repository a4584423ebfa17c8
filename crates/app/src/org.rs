//! Organizations and sites: validation (every error names its field) and creation, shared by API and screens.

use nintei_domain::org::{CorporateNumber, Email, LegalForm, PhoneNumber, Prefecture};
use nintei_store::audit;
use nintei_store::organizations::{self, Contact, Organization, Site};
use serde::Deserialize;
use serde_json::json;

use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ContactInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// The body of `POST /api/v1/organizations` (and of the staff form).
#[derive(Debug, Default, Deserialize)]
pub struct OrganizationInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub legal_form: String,
    pub corporate_number: Option<String>,
    #[serde(default)]
    pub prefecture: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub representative: String,
    #[serde(default)]
    pub contact: ContactInput,
}

use crate::input::required_text as text;

/// Parses the input into a storable organization, or every field error at once.
pub fn validate(input: &OrganizationInput) -> Result<Organization, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = text(&mut errors, "name", &input.name, 200);
    let legal_form = match LegalForm::parse(input.legal_form.trim()) {
        Ok(f) => f.as_str().to_owned(),
        Err(e) => {
            errors.push(FieldError::new("legal_form", e.to_string()));
            String::new()
        }
    };
    let corporate_number = match input
        .corporate_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => match CorporateNumber::parse(raw) {
            Ok(n) => Some(n.as_str().to_owned()),
            Err(e) => {
                errors.push(FieldError::new("corporate_number", e.to_string()));
                None
            }
        },
    };
    let prefecture = prefecture(&mut errors, "prefecture", &input.prefecture);
    let address = text(&mut errors, "address", &input.address, 300);
    let representative = text(&mut errors, "representative", &input.representative, 100);
    let contact_name = text(&mut errors, "contact.name", &input.contact.name, 100);
    let contact_email = match Email::parse(&input.contact.email) {
        Ok(e) => e.as_str().to_owned(),
        Err(e) => {
            errors.push(FieldError::new("contact.email", e.to_string()));
            String::new()
        }
    };
    let contact_phone = match PhoneNumber::parse(&input.contact.phone) {
        Ok(p) => p.as_str().to_owned(),
        Err(e) => {
            errors.push(FieldError::new("contact.phone", e.to_string()));
            String::new()
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Organization {
        id: String::new(),
        name,
        legal_form,
        corporate_number,
        prefecture,
        address,
        representative,
        contact: Contact {
            name: contact_name,
            email: contact_email,
            phone: contact_phone,
        },
        version: 1,
    })
}

fn prefecture(errors: &mut Vec<FieldError>, field: &str, value: &str) -> String {
    match Prefecture::from_code(value.trim()) {
        Ok(p) => p.code().to_owned(),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            String::new()
        }
    }
}

pub async fn create(state: &AppState, caller: &Caller, input: &OrganizationInput) -> AppResult<String> {
    let org = validate(input).map_err(AppError::Validation)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let id = organizations::insert(&mut tx, &org, now.timestamp()).await?;
    let changes = audit::created(&[
        ("name", json!(org.name)),
        ("legal_form", json!(org.legal_form)),
        ("corporate_number", json!(org.corporate_number)),
        ("prefecture", json!(org.prefecture)),
        ("address", json!(org.address)),
        ("representative", json!(org.representative)),
        ("contact", json!(org.contact)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "organization.create", "organization", &id, changes),
    )
    .await?;
    tx.commit().await.map_err(nintei_store::StoreError::from)?;
    Ok(id)
}

#[derive(Debug, Default, Deserialize)]
pub struct SiteInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub prefecture: String,
    #[serde(default)]
    pub address: String,
}

/// Adds a counseling room (REG-2) to an existing organization; the caller was authorized for it.
pub async fn add_site(
    state: &AppState,
    caller: &Caller,
    organization_id: &str,
    input: &SiteInput,
) -> AppResult<String> {
    let mut errors = Vec::new();
    let name = text(&mut errors, "name", &input.name, 200);
    let prefecture = prefecture(&mut errors, "prefecture", &input.prefecture);
    let address = text(&mut errors, "address", &input.address, 300);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if organizations::by_id(&mut *tx, organization_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let site = Site {
        id: String::new(),
        organization_id: organization_id.to_owned(),
        name,
        prefecture,
        address,
    };
    let id = organizations::insert_site(&mut tx, &site, now.timestamp()).await?;
    let changes = audit::created(&[
        ("site_id", json!(id)),
        ("name", json!(site.name)),
        ("prefecture", json!(site.prefecture)),
        ("address", json!(site.address)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "site.create", "organization", organization_id, changes),
    )
    .await?;
    tx.commit().await.map_err(nintei_store::StoreError::from)?;
    Ok(id)
}
