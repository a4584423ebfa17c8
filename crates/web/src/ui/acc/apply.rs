//! The application form (ACC-3, seed 003 見本): the organization (or the office) applies on screen, through the
//! same step as the API ([`nintei_app::acc::case::apply`]).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::role::Role;
use serde::Deserialize;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, FieldError, PageError};
use crate::i18n;
use crate::ui::{Errors, Page, UiForm, in_lang, render_status};
use nintei_app::acc::case;
use nintei_app::state::AppState;

use super::case::{service_label, tr};

// ---------------------------------------------------------------------------------------------------------
// Application form (seed 003 見本)

/// The flat form of the application (HTML forms have no nesting); field names follow the API where they can.
#[derive(Deserialize, Default, Clone)]
pub struct ApplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    applied_on: String,
    #[serde(default)]
    unit_name: String,
    #[serde(default)]
    service_a: String,
    #[serde(default)]
    started_a: String,
    #[serde(default)]
    service_b: String,
    #[serde(default)]
    started_b: String,
    #[serde(default)]
    service_c: String,
    #[serde(default)]
    started_c: String,
    #[serde(default)]
    service_d: String,
    #[serde(default)]
    started_d: String,
    #[serde(default)]
    service_e: String,
    #[serde(default)]
    started_e: String,
    #[serde(default)]
    other_services: String,
    #[serde(default)]
    annual_revenue_yen: String,
    #[serde(default)]
    contact_department: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    contact_fax: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    att_pamphlets: String,
    #[serde(default)]
    att_philosophy: String,
    #[serde(default)]
    att_audit_report: String,
    #[serde(default)]
    att_pre_check_sheet: String,
    #[serde(default)]
    att_organization_chart: String,
    #[serde(default)]
    board_decided: String,
    #[serde(default)]
    unit_c1: String,
    #[serde(default)]
    unit_c2: String,
    #[serde(default)]
    unit_c3: String,
}

impl ApplyForm {
    fn service(&self, code: ServiceCode) -> (bool, &str) {
        let (checked, started) = match code {
            ServiceCode::A => (&self.service_a, &self.started_a),
            ServiceCode::B => (&self.service_b, &self.started_b),
            ServiceCode::C => (&self.service_c, &self.started_c),
            ServiceCode::D => (&self.service_d, &self.started_d),
            ServiceCode::E => (&self.service_e, &self.started_e),
        };
        (!checked.is_empty(), started.as_str())
    }

    fn attachment(&self, name: &str) -> bool {
        let v = match name {
            "pamphlets" => &self.att_pamphlets,
            "philosophy" => &self.att_philosophy,
            "audit_report" => &self.att_audit_report,
            "pre_check_sheet" => &self.att_pre_check_sheet,
            _ => &self.att_organization_chart,
        };
        !v.is_empty()
    }
}

pub struct ServiceRow {
    code: &'static str,
    label: String,
    checked: bool,
    started_on: String,
    error: String,
}

#[derive(Template)]
#[template(path = "acc_apply.html")]
struct ApplyPage {
    p: Page,
    f: ApplyForm,
    errors: Errors,
    services: Vec<ServiceRow>,
    attachments: Vec<(&'static str, String, bool)>,
    organizations: Vec<(String, String)>,
    own_organization: Option<(String, String, String)>,
    /// (name, label key, value, input type, error)
    contact_fields: Vec<(&'static str, &'static str, String, &'static str, String)>,
}

async fn apply_page(
    state: &AppState,
    s: &AnySession,
    f: ApplyForm,
    errors: Errors,
) -> Result<ApplyPage, PageError> {
    let err = in_lang(s.lang);
    let (organizations, own_organization) = match (&s.caller.user.role, &s.caller.user.organization_id) {
        (Role::Organization, Some(org_id)) => {
            let (org, _) = nintei_app::org::view(state, &s.caller, org_id)
                .await
                .map_err(&err)?;
            (Vec::new(), Some((org.id, org.name, org.address)))
        }
        (Role::Office, _) => (
            nintei_app::org::picker(state, &s.caller).await.map_err(&err)?,
            None,
        ),
        _ => return Err(err(AppError::Forbidden)),
    };
    let services = ServiceCode::ALL
        .iter()
        .map(|c| {
            let (checked, started) = f.service(*c);
            ServiceRow {
                code: c.as_str(),
                label: service_label(s.lang, *c),
                checked,
                started_on: started.to_owned(),
                error: errors
                    .get(&format!("started_{}", c.as_str()))
                    .unwrap_or_default()
                    .to_owned(),
            }
        })
        .collect();
    let attachments = case::ATTACHMENTS
        .iter()
        .map(|a| (*a, tr(s.lang, &format!("acc.attachment.{a}")), f.attachment(a)))
        .collect();
    let field_error = |name: &str| errors.get(name).unwrap_or_default().to_owned();
    let contact_fields = vec![
        (
            "contact_department",
            "acc.contact_department",
            f.contact_department.clone(),
            "text",
            field_error("contact_department"),
        ),
        (
            "contact_name",
            "acc.contact_name",
            f.contact_name.clone(),
            "text",
            field_error("contact_name"),
        ),
        (
            "contact_phone",
            "acc.contact_phone",
            f.contact_phone.clone(),
            "tel",
            field_error("contact_phone"),
        ),
        (
            "contact_fax",
            "acc.contact_fax",
            f.contact_fax.clone(),
            "tel",
            field_error("contact_fax"),
        ),
        (
            "contact_email",
            "acc.contact_email",
            f.contact_email.clone(),
            "email",
            field_error("contact_email"),
        ),
    ];
    Ok(ApplyPage {
        p: Page::for_session(s, "acc.apply_title", "/accreditation/cases/new"),
        f,
        errors,
        services,
        attachments,
        organizations,
        own_organization,
        contact_fields,
    })
}

pub async fn apply_form(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let f = ApplyForm {
        applied_on: state.clock.today().to_string(),
        ..ApplyForm::default()
    };
    let page = apply_page(&state, &s, f, Errors::default()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

/// `services[i].x` of the API input → the form's `started_{code}` / `services`, so errors land by their field.
fn rename_service_errors(errors: Vec<FieldError>, codes: &[ServiceCode]) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let renamed = e
                .field
                .strip_prefix("services[")
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(i, _)| i.parse::<usize>().ok())
                .and_then(|i| codes.get(i))
                .map(|c| format!("started_{}", c.as_str()));
            match renamed {
                Some(field) => FieldError::new(field, e.message),
                None if e.field.starts_with("other_services") => FieldError::new("other_services", e.message),
                None => FieldError::new(e.field.replace("contact.", "contact_"), e.message),
            }
        })
        .collect()
}

pub async fn apply_submit(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    UiForm(f): UiForm<ApplyForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let organization_id = match (&s.caller.user.role, &s.caller.user.organization_id) {
        (Role::Organization, Some(own)) => own.clone(),
        _ => f.organization_id.trim().to_owned(),
    };
    let codes: Vec<ServiceCode> = ServiceCode::ALL.into_iter().filter(|c| f.service(*c).0).collect();
    let mut ui_errors = Vec::new();
    // ACC-3: the board must have decided to apply; the screen asks for that confirmation.
    if f.board_decided.is_empty() {
        ui_errors.push(FieldError::new(
            "board_decided",
            i18n::t(s.lang, "acc.board_required").to_owned(),
        ));
    }
    let revenue = f.annual_revenue_yen.trim().replace([',', '，'], "");
    let revenue_value = if revenue.is_empty() {
        None
    } else {
        match revenue.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                ui_errors.push(FieldError::new(
                    "annual_revenue_yen",
                    i18n::t(s.lang, "acc.revenue_number").to_owned(),
                ));
                Some(0)
            }
        }
    };
    let input = case::ApplicationInput {
        organization_id,
        unit_name: Some(f.unit_name.clone()),
        services: codes
            .iter()
            .map(|c| case::ServiceInput {
                code: c.as_str().to_owned(),
                started_on: f.service(*c).1.to_owned(),
            })
            .collect(),
        other_services: Some(f.other_services.lines().map(str::to_owned).collect()),
        annual_revenue_yen: revenue_value,
        applied_on: f.applied_on.clone(),
        contact: Some(case::ApplicationContact {
            department: Some(f.contact_department.clone()),
            name: Some(f.contact_name.clone()),
            phone: Some(f.contact_phone.clone()),
            fax: Some(f.contact_fax.clone()),
            email: Some(f.contact_email.clone()),
        }),
        attachments: Some(
            case::ATTACHMENTS
                .iter()
                .filter(|a| f.attachment(a))
                .map(|a| (*a).to_owned())
                .collect(),
        ),
        board_decided: Some(!f.board_decided.is_empty()),
        unit_conditions: (!f.unit_name.trim().is_empty()).then_some(nintei_domain::acc::UnitConditions {
            has_departments_with_different_services: !f.unit_c1.is_empty(),
            independent_policy_and_budget: !f.unit_c2.is_empty(),
            recognized_as_independent: !f.unit_c3.is_empty(),
        }),
    };
    let result = if ui_errors.is_empty() {
        case::apply(&state, &s.caller, &input).await
    } else {
        Err(AppError::Validation(Vec::new()))
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/accreditation/cases/{id}?done=apply")).into_response()),
        Err(e) => {
            // A unit that may not apply (ACC-3) is said beside the unit's name.
            let r = crate::ui::form::refused(e, s.lang)?.beside("unit_name");
            ui_errors.extend(rename_service_errors(r.errors.0, &codes));
            let page = apply_page(&state, &s, f, Errors(ui_errors)).await?;
            Ok(render_status(r.status, &page))
        }
    }
}
