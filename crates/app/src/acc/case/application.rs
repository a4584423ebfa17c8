//! The application (ACC-3): the form, its checks, and the case it opens.

use crate::acc::{ensure_catalog, past_day};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use chrono::NaiveDate;
use nintei_domain::acc::renewal::CaseKind;
use nintei_domain::acc::service::{ServiceCode, ServiceEntry};
use nintei_domain::acc::{CaseStatus, UnitConditions};
use nintei_domain::authz::acc::{self as acc_authz};
use nintei_domain::org::{Email, PhoneNumber};
use nintei_store::acc::{self as store, NewCase};
use nintei_store::{audit, organizations};
use serde::Deserialize;
use serde_json::{Value, json};

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ServiceInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub started_on: String,
}

/// The contact part of the application form (seed 003 見本: 担当部課, 担当者氏名, Tel, Fax, E-mail).
#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ApplicationContact {
    pub department: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
}

/// The five attachments of ACC-3.
pub const ATTACHMENTS: [&str; 5] = [
    "pamphlets",
    "philosophy",
    "audit_report",
    "pre_check_sheet",
    "organization_chart",
];

/// The body of `POST /api/v1/accreditation/cases` (and of the organization's form).
#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct ApplicationInput {
    #[serde(default)]
    pub organization_id: String,
    pub unit_name: Option<String>,
    #[serde(default)]
    pub services: Vec<ServiceInput>,
    pub other_services: Option<Vec<String>>,
    pub annual_revenue_yen: Option<i64>,
    #[serde(default)]
    pub applied_on: String,
    /// Optional additions to API.md: the form's contact block, the attachments enclosed, the board's decision
    /// to apply, and, for a department, the three ACC-2 conditions.
    pub contact: Option<ApplicationContact>,
    pub attachments: Option<Vec<String>>,
    pub board_decided: Option<bool>,
    pub unit_conditions: Option<UnitConditions>,
}

/// An application that passed validation.
pub(crate) struct ValidApplication {
    services: Vec<ServiceEntry>,
    other_services: Vec<String>,
    revenue: i64,
    applied_on: NaiveDate,
    unit_name: Option<String>,
    application: Value,
}

/// Validates an application; every error names its field (`services[1].started_on`).
pub(crate) fn validate_application(
    input: &ApplicationInput,
    today: NaiveDate,
) -> Result<ValidApplication, Vec<FieldError>> {
    let mut errors = Vec::new();
    if input.organization_id.trim().is_empty() {
        errors.push(FieldError::new(
            "organization_id",
            "機関を指定してください (required)",
        ));
    }
    let unit_name = optional_text(&mut errors, "unit_name", input.unit_name.as_deref(), 200);
    if input.services.is_empty() {
        errors.push(FieldError::new(
            "services",
            "ACC-1(1): 認定対象サービス（a〜e）を1つ以上選んでください (at least one service)",
        ));
    }
    if input.services.len() > 10 {
        errors.push(FieldError::new("services", "サービスが多すぎます (too many)"));
    }
    let mut services = Vec::new();
    for (i, s) in input.services.iter().enumerate() {
        let code = ServiceCode::parse(s.code.trim());
        if code.is_none() {
            errors.push(FieldError::new(
                format!("services[{i}].code"),
                "サービスはaからeのいずれかです (one of a..e)",
            ));
        }
        let started_on = past_day(
            &mut errors,
            &format!("services[{i}].started_on"),
            &s.started_on,
            today,
        );
        if let (Some(code), Some(started_on)) = (code, started_on) {
            services.push(ServiceEntry { code, started_on });
        }
    }
    let mut other_services = Vec::new();
    let others = input.other_services.clone().unwrap_or_default();
    if others.len() > 20 {
        errors.push(FieldError::new("other_services", "20件までです (at most 20)"));
    }
    for (i, o) in others.iter().enumerate() {
        if o.trim().is_empty() {
            continue;
        }
        other_services.push(required_text(
            &mut errors,
            &format!("other_services[{i}]"),
            o,
            100,
        ));
    }
    let revenue = match input.annual_revenue_yen {
        None => {
            errors.push(FieldError::new(
                "annual_revenue_yen",
                "メンタルヘルスサービスの直近年間売上高（円）を入力してください (required)",
            ));
            0
        }
        Some(r) if r < 0 => {
            errors.push(FieldError::new(
                "annual_revenue_yen",
                "0以上の金額です (must not be negative)",
            ));
            0
        }
        Some(r) => r,
    };
    let applied_on = past_day(&mut errors, "applied_on", &input.applied_on, today);
    let mut application = serde_json::Map::new();
    if let Some(c) = &input.contact {
        let department = optional_text(&mut errors, "contact.department", c.department.as_deref(), 100);
        let name = optional_text(&mut errors, "contact.name", c.name.as_deref(), 100);
        let tel = phone(&mut errors, "contact.phone", c.phone.as_deref());
        let fax = phone(&mut errors, "contact.fax", c.fax.as_deref());
        let email = match c.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            None => None,
            Some(e) => match Email::parse(e) {
                Ok(e) => Some(e.as_str().to_owned()),
                Err(err) => {
                    errors.push(FieldError::new("contact.email", err.to_string()));
                    None
                }
            },
        };
        application.insert(
            "contact".into(),
            json!({"department": department, "name": name, "phone": tel, "fax": fax, "email": email}),
        );
    }
    if let Some(list) = &input.attachments {
        for (i, a) in list.iter().enumerate() {
            if !ATTACHMENTS.contains(&a.as_str()) {
                errors.push(FieldError::new(
                    format!("attachments[{i}]"),
                    format!("添付書類は {} のいずれかです", ATTACHMENTS.join(", ")),
                ));
            }
        }
        let mut list = list.clone();
        list.sort();
        list.dedup();
        application.insert("attachments".into(), json!(list));
    }
    if let Some(b) = input.board_decided {
        application.insert("board_decided".into(), json!(b));
    }
    if let Some(u) = input.unit_conditions {
        // ACC-2: the head decides; the answers and what they imply are kept for that decision.
        application.insert("unit_conditions".into(), json!(u));
        application.insert("unit_conditions_met".into(), json!(u.qualifies()));
    }
    match (errors.is_empty(), applied_on) {
        (true, Some(applied_on)) => Ok(ValidApplication {
            services,
            other_services,
            revenue,
            applied_on,
            unit_name,
            application: Value::Object(application),
        }),
        _ => Err(errors),
    }
}

pub(crate) fn phone(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match PhoneNumber::parse(v) {
        Ok(p) => Some(p.as_str().to_owned()),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            None
        }
    }
}

/// `POST /api/v1/accreditation/cases`: a new case in `submitted`, against the catalog in force.
pub async fn apply(state: &AppState, caller: &Caller, input: &ApplicationInput) -> AppResult<String> {
    apply_linked(state, caller, input, None).await
}

/// An application; a renewal (ACC-19) or scope addition (ACC-20) names the accreditation it changes, and the
/// link is stored in the same transaction as the case.
pub(crate) async fn apply_linked(
    state: &AppState,
    caller: &Caller,
    input: &ApplicationInput,
    link: Option<(CaseKind, &str)>,
) -> AppResult<String> {
    let organization_id = input.organization_id.trim();
    AppError::check(acc_authz::create_case(&caller.actor(), organization_id))?;
    let today = state.clock.today();
    let ValidApplication {
        services,
        other_services,
        revenue,
        applied_on,
        unit_name,
        application,
    } = validate_application(input, today).map_err(AppError::Validation)?;
    if organizations::by_id(state.db.pool(), organization_id)
        .await?
        .is_none()
    {
        return Err(AppError::field(
            "organization_id",
            "該当する機関がありません (no such organization)",
        ));
    }
    let catalog_version = ensure_catalog(state).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    // One open case per organization and unit: a second application would duplicate the review and its fees.
    if store::has_open_case(&mut *tx, organization_id, unit_name.as_deref()).await? {
        return Err(AppError::Conflict(
            "この機関（部門）には審査中の申請があります (an open case exists for this organization and unit)"
                .into(),
        ));
    }
    // ACC-19, ACC-20: an organization (unit) that holds an accreditation in force renews it or adds services to
    // it; a second first application would give it two accreditations, both published.
    if link.is_none()
        && let Some((number, held)) =
            store::in_force_for_unit(&mut *tx, organization_id, unit_name.as_deref(), today)
                .await?
                .into_iter()
                .next()
    {
        let held: Vec<&str> = held.iter().map(|c| c.as_str()).collect();
        return Err(AppError::Conflict(format!(
            "この機関（部門）は認定（認定番号 {number}、サービス {}）を受けています。有効期間内の更新は更新申請で、サービスの追加は認定範囲の追加申請で行ってください (already accredited: apply for renewal or for added services instead)",
            held.join("・")
        )));
    }
    let new = NewCase {
        organization_id,
        unit_name: unit_name.as_deref(),
        services: &services,
        other_services: &other_services,
        annual_revenue_yen: revenue,
        applied_on,
        application: &application,
        catalog_version: &catalog_version,
        created_by: &caller.user.id,
    };
    let id = store::insert(&mut tx, &new, now.timestamp()).await?;
    if let Some((kind, accreditation_id)) = link {
        store::set_kind(&mut tx, &id, kind, accreditation_id).await?;
    }
    let changes = audit::created(&[
        ("kind", json!(link.map_or("initial", |(k, _)| k.as_str()))),
        ("accreditation_id", json!(link.map(|(_, a)| a))),
        ("organization_id", json!(organization_id)),
        ("unit_name", json!(unit_name)),
        ("services", json!(services)),
        ("other_services", json!(other_services)),
        ("annual_revenue_yen", json!(revenue)),
        ("applied_on", json!(iso(applied_on))),
        ("catalog_version", json!(catalog_version)),
        ("application", application),
        ("status", json!(CaseStatus::Submitted.as_str())),
    ]);
    if let Some(case) = store::by_id(&mut *tx, &id).await? {
        super::notices::application_received(&mut tx, state, &case).await?;
    }
    finish(tx, state, caller, "acc_case.apply", &id, changes).await?;
    Ok(id)
}
