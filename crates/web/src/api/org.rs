//! `POST /api/v1/organizations`, `GET /api/v1/organizations/{id}`, `POST /api/v1/organizations/{id}/sites`.

use axum::Json;
use axum::extract::{Path, State};
use nintei_domain::authz::{self, GlobalAction, OrganizationAction};
use nintei_store::organizations;

use crate::api::answers::OrganizationWithSites;
use crate::api::{ApiJson, created};
use crate::auth::ApiCaller;
use crate::error::{AppError, WebResult};
use nintei_app::org::{self, IdentityChangeInput, OrganizationInput, SiteInput};
use nintei_app::state::AppState;

pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<OrganizationInput>,
) -> WebResult<impl axum::response::IntoResponse> {
    AppError::check(authz::global(&caller.actor(), GlobalAction::CreateOrganization))?;
    let id = org::create(&state, &caller, &input).await?;
    Ok(created(&id))
}

pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<OrganizationWithSites>> {
    let (org, sites) = org::view(&state, &caller, &id).await?;
    Ok(Json(OrganizationWithSites {
        organization: org,
        sites,
    }))
}

pub async fn add_site(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SiteInput>,
) -> WebResult<impl axum::response::IntoResponse> {
    AppError::check(authz::organization(
        &caller.actor(),
        OrganizationAction::AddSite,
        &id,
    ))?;
    let site_id = org::add_site(&state, &caller, &id, &input).await?;
    Ok(created(&site_id))
}

/// `POST /api/v1/organizations/{id}/changes` (office; the organization's own users) `{notified_on, name?,
/// representative?, contact?: {name?, email?, phone?}}` → 200 the record (REG-6).
pub async fn notify_change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<IdentityChangeInput>,
) -> WebResult<Json<organizations::Organization>> {
    AppError::check(authz::organization(
        &caller.actor(),
        OrganizationAction::NotifyChange,
        &id,
    ))?;
    let org = org::notify_identity_change(&state, &caller, &id, &input).await?;
    Ok(Json(org))
}
