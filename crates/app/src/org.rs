//! Organizations and sites: validation (every error names its field) and creation, shared by API and screens.

use nintei_domain::org::{CorporateNumber, Email, LegalForm, PhoneNumber, Prefecture};
use nintei_store::audit;
use nintei_store::organizations::{self, Contact, Organization, Site};
use serde::Deserialize;
use serde_json::json;

use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ContactInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// The body of `POST /api/v1/organizations` (and of the staff form).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct OrganizationInput {
    #[serde(default)]
    pub name: String,
    /// The legal form, one of the API spellings.
    #[serde(default)]
    #[schema(
        pattern = "^(kabushiki_kaisha|godo_kaisha|iryo_hojin|ippan_zaidan|ippan_shadan|koeki_zaidan|koeki_shadan|npo_hojin|gakko_hojin|shakai_fukushi_hojin|llp|other)$"
    )]
    pub legal_form: String,
    /// 法人番号: 13 digits whose first is the check digit over the other twelve (full-width digits, spaces and
    /// hyphens are accepted and dropped).
    pub corporate_number: Option<String>,
    /// JIS prefecture code `01`–`47`.
    #[serde(default)]
    #[schema(pattern = "^(0[1-9]|[1-3][0-9]|4[0-7])$")]
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
    prefecture_agrees(&mut errors, &prefecture, &address);
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

/// REG-8: the prefecture must agree with the address when the address names one (a room at 東京都港区 is not
/// listed under 沖縄県).
fn prefecture_agrees(errors: &mut Vec<FieldError>, code: &str, address: &str) {
    let Ok(p) = Prefecture::from_code(code) else {
        return;
    };
    if let Err(named) = nintei_domain::reg::address::check_prefecture(p, address) {
        errors.push(FieldError::new(
            "prefecture",
            format!(
                "所在地は{}ですが、都道府県に{}が選ばれています (the address is in {}, not {})",
                named.name_ja(),
                p.name_ja(),
                named.name_en(),
                p.name_en()
            ),
        ));
    }
}

pub async fn create(state: &AppState, caller: &Caller, input: &OrganizationInput) -> AppResult<String> {
    let org = validate(input).map_err(AppError::Validation)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let id = insert_audited(&mut tx, caller, &org, now, &[]).await?;
    tx.commit().await.map_err(nintei_store::StoreError::from)?;
    Ok(id)
}

/// Inserts a checked organization inside `tx` and audits it (with `extra` changes, e.g. the request it came from).
pub(crate) async fn insert_audited(
    tx: &mut nintei_store::Tx,
    caller: &Caller,
    org: &Organization,
    now: chrono::DateTime<chrono::Utc>,
    extra: &[(&str, serde_json::Value)],
) -> AppResult<String> {
    let id = organizations::insert(tx, org, now.timestamp()).await?;
    let mut fields = vec![
        ("name", json!(org.name)),
        ("legal_form", json!(org.legal_form)),
        ("corporate_number", json!(org.corporate_number)),
        ("prefecture", json!(org.prefecture)),
        ("address", json!(org.address)),
        ("representative", json!(org.representative)),
        ("contact", json!(org.contact)),
    ];
    fields.extend(extra.iter().cloned());
    let changes = audit::created(&fields);
    audit::append(
        tx,
        &caller.audit(now, "organization.create", "organization", &id, changes),
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SiteInput {
    #[serde(default)]
    pub name: String,
    /// JIS prefecture code `01`–`47`.
    #[serde(default)]
    #[schema(pattern = "^(0[1-9]|[1-3][0-9]|4[0-7])$")]
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
    prefecture_agrees(&mut errors, &prefecture, &address);
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

/// `POST /api/v1/organizations/{id}/changes` (office; the organization's own users): the institution notifies a
/// change of its name, representative or contact (REG-6: changes of registered matters are notified). Absent
/// fields are unchanged.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct IdentityChangeInput {
    #[serde(default)]
    pub notified_on: String,
    pub name: Option<String>,
    pub representative: Option<String>,
    pub contact: Option<ContactChangeInput>,
    /// Corrections of the record (ACC-1(3), ACC-21: an overturned ineligibility decision is followed by the
    /// corrected legal form or address, from which eligibility is computed again).
    pub legal_form: Option<String>,
    pub prefecture: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ContactChangeInput {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// REG-6: applies a notified change of the organization's name, representative, contact, legal form or address at once (one audited
/// transaction; the directory, which shows the name, is reindexed). A notice that changes nothing is refused.
pub async fn notify_identity_change(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &IdentityChangeInput,
) -> AppResult<Organization> {
    let today = state.clock.today();
    let mut errors = Vec::new();
    let notified_on = match chrono::NaiveDate::parse_from_str(input.notified_on.trim(), "%Y-%m-%d") {
        Ok(d) if d > today => {
            errors.push(FieldError::new(
                "notified_on",
                "未来の日付は入力できません (must not be in the future)",
            ));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(
                "notified_on",
                "日付は YYYY-MM-DD の形で入力してください (a date YYYY-MM-DD)",
            ));
            None
        }
    };
    let org = organizations::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut next = org.clone();
    if let Some(v) = &input.name {
        next.name = text(&mut errors, "name", v, 200);
    }
    if let Some(v) = &input.representative {
        next.representative = text(&mut errors, "representative", v, 100);
    }
    if let Some(v) = &input.legal_form {
        match LegalForm::parse(v.trim()) {
            Ok(f) => next.legal_form = f.as_str().to_owned(),
            Err(e) => errors.push(FieldError::new("legal_form", e.to_string())),
        }
    }
    if let Some(v) = &input.prefecture {
        next.prefecture = prefecture(&mut errors, "prefecture", v);
    }
    if let Some(v) = &input.address {
        next.address = text(&mut errors, "address", v, 300);
    }
    if input.prefecture.is_some() || input.address.is_some() {
        prefecture_agrees(&mut errors, &next.prefecture, &next.address);
    }
    if let Some(c) = &input.contact {
        if let Some(v) = &c.name {
            next.contact.name = text(&mut errors, "contact.name", v, 100);
        }
        if let Some(v) = &c.email {
            match Email::parse(v) {
                Ok(e) => next.contact.email = e.as_str().to_owned(),
                Err(e) => errors.push(FieldError::new("contact.email", e.to_string())),
            }
        }
        if let Some(v) = &c.phone {
            match PhoneNumber::parse(v) {
                Ok(p) => next.contact.phone = p.as_str().to_owned(),
                Err(e) => errors.push(FieldError::new("contact.phone", e.to_string())),
            }
        }
    }
    if errors.is_empty() && next == org {
        errors.push(FieldError::new(
            "changes",
            "変更する事項がありません（登録内容と同じです） (nothing differs from the record)",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !organizations::update_identity(&mut tx, &next, org.version, now.timestamp()).await? {
        return Err(AppError::Conflict(
            "機関が同時に変更されました。もう一度お試しください".into(),
        ));
    }
    // The directory shows and searches the organization's name (and an accreditation's address).
    for number in organizations::registration_numbers(&mut *tx, id).await? {
        crate::directory::reindex_registration(&mut tx, &number).await?;
    }
    for number in organizations::accreditation_numbers(&mut *tx, id).await? {
        crate::directory::reindex_accreditation(&mut tx, &number).await?;
    }
    let changes = nintei_store::audit::diff(&[
        ("name", json!(org.name), json!(next.name)),
        (
            "representative",
            json!(org.representative),
            json!(next.representative),
        ),
        ("contact", json!(org.contact), json!(next.contact)),
        ("legal_form", json!(org.legal_form), json!(next.legal_form)),
        ("prefecture", json!(org.prefecture), json!(next.prefecture)),
        ("address", json!(org.address), json!(next.address)),
        ("notified_on", serde_json::Value::Null, json!(notified_on)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "organization.change", "organization", id, changes),
    )
    .await?;
    tx.commit().await.map_err(nintei_store::StoreError::from)?;
    organizations::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A page of the staff's organization list (searched, filtered by prefecture, sorted) with the number of matches.
pub async fn page(
    state: &AppState,
    caller: &Caller,
    filter: &nintei_store::listing::Filter<'_>,
) -> AppResult<(Vec<nintei_store::organizations::Organization>, i64)> {
    AppError::check(nintei_domain::authz::global(
        &caller.actor(),
        nintei_domain::authz::GlobalAction::ListOrganizations,
    ))?;
    Ok(organizations::page(state.db.pool(), filter).await?)
}

/// The most organizations a staff screen's picker lists (by name); more are reached by the organization list's
/// search.
pub const PICKER_MAX: i64 = 1000;

/// Organizations as `(id, name)` for the staff screens' pickers (users, applications on paper, engagements);
/// 403 for a caller who may not list organizations.
pub async fn picker(state: &AppState, caller: &Caller) -> AppResult<Vec<(String, String)>> {
    AppError::check(nintei_domain::authz::global(
        &caller.actor(),
        nintei_domain::authz::GlobalAction::ListOrganizations,
    ))?;
    Ok(organizations::list(state.db.pool(), PICKER_MAX)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// The organization `id` with its counseling rooms, for a caller who may view it; 404 otherwise.
pub async fn view(state: &AppState, caller: &Caller, id: &str) -> AppResult<(Organization, Vec<Site>)> {
    AppError::check(nintei_domain::authz::organization(
        &caller.actor(),
        nintei_domain::authz::OrganizationAction::View,
        id,
    ))?;
    let org = organizations::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sites = organizations::sites(state.db.pool(), id).await?;
    Ok((org, sites))
}

#[cfg(test)]
mod tests {
    use nintei_domain::org::{LegalForm, Prefecture};
    use utoipa::PartialSchema;

    use super::OrganizationInput;

    /// The alternatives of a `^(a|b|…)$` pattern.
    fn alternatives(pattern: &str) -> Vec<String> {
        pattern
            .trim_start_matches("^(")
            .trim_end_matches(")$")
            .split('|')
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_documented_legal_forms_and_prefectures_are_the_domains() {
        let schema = serde_json::to_value(OrganizationInput::schema()).unwrap();
        let forms = schema["properties"]["legal_form"]["pattern"].as_str().unwrap();
        let spelled: Vec<String> = LegalForm::ALL.iter().map(|f| f.as_str().to_owned()).collect();
        assert_eq!(alternatives(forms), spelled);
        let prefecture = schema["properties"]["prefecture"]["pattern"].as_str().unwrap();
        let codes: Vec<&str> = Prefecture::ALL.iter().map(|p| p.code()).collect();
        // `0[1-9]|[1-3][0-9]|4[0-7]`: exactly the 47 JIS codes.
        let matches = |c: &str| {
            let b = c.as_bytes();
            b.len() == 2
                && match b[0] {
                    b'0' => (b'1'..=b'9').contains(&b[1]),
                    b'1'..=b'3' => b[1].is_ascii_digit(),
                    b'4' => (b'0'..=b'7').contains(&b[1]),
                    _ => false,
                }
        };
        assert_eq!(prefecture, "^(0[1-9]|[1-3][0-9]|4[0-7])$");
        assert!(codes.iter().all(|c| matches(c)));
        assert_eq!(
            codes.len(),
            (0..100).map(|n| format!("{n:02}")).filter(|c| matches(c)).count()
        );
    }
}
