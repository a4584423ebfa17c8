//! Renewal (ACC-19) and scope changes (ACC-20), additions to API.md. The logic is in [`nintei_app::acc::renewal`],
//! shared with the screens and the daily job.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use nintei_store::acc_renewal::Extension;

use crate::api::answers::CreatedLinkedCase;
use crate::api::{ApiJson, created};
use crate::auth::ApiCaller;
use crate::error::WebResult;
use nintei_app::acc::case::ApplicationInput;
use nintei_app::acc::renewal as ops;
use nintei_app::state::AppState;

/// `POST /api/v1/accreditations/{number}/renewal` → 201 `{id, status: "submitted", kind: "renewal"}`.
pub async fn renewal(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> WebResult<impl IntoResponse> {
    let id = ops::apply_renewal(&state, &caller, &number, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedLinkedCase {
            id,
            status: "submitted",
            kind: "renewal",
        }),
    ))
}

/// `POST /api/v1/accreditation/cases/{id}/extension` (the organization) → 201 `{id}`.
pub async fn extension(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ops::ExtensionInput>,
) -> WebResult<impl IntoResponse> {
    let ext = ops::request_extension(&state, &caller, &id, &input).await?;
    Ok(created(&ext))
}

/// `POST /api/v1/accreditation/cases/{id}/extension/decision` (the office) → 200 the extension.
pub async fn extension_decision(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ops::ExtensionDecisionInput>,
) -> WebResult<Json<Option<Extension>>> {
    Ok(Json(ops::decide_extension(&state, &caller, &id, &input).await?))
}

/// `POST /api/v1/accreditations/{number}/services` → 201 `{id, status: "submitted", kind: "scope_addition"}`.
pub async fn add_services(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<ops::ScopeAdditionInput>,
) -> WebResult<impl IntoResponse> {
    let id = ops::apply_scope_addition(&state, &caller, &number, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedLinkedCase {
            id,
            status: "submitted",
            kind: "scope_addition",
        }),
    ))
}

/// `POST /api/v1/accreditations/{number}/service-endings` → 200 the accreditation with its history.
pub async fn end_service(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<ops::ServiceEndingInput>,
) -> WebResult<Json<ops::AccreditationHistory>> {
    ops::end_service(&state, &caller, &number, &input).await?;
    Ok(Json(ops::accreditation_history(&state, &caller, &number).await?))
}
