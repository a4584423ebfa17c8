//! Appeals (ACC-21), additions to API.md: filing against a case's ineligibility or denial, or an accreditation's
//! revocation; the appeal, information requests, the poll and the decision. The logic is in
//! [`nintei_app::acc::appeal`], shared with the screens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use nintei_domain::authz::appeal::AppealAction;
use nintei_store::acc_appeals::Appeal;

use crate::api::answers::Items;
use crate::api::{ApiJson, created};
use crate::auth::ApiCaller;
use crate::error::WebResult;
use nintei_app::acc::appeal as ops;
use nintei_app::state::AppState;

async fn appeal_json(
    state: &AppState,
    caller: &nintei_app::caller::Caller,
    id: &str,
) -> WebResult<Json<ops::AppealView>> {
    let appeal = ops::load_for(state, caller, id, AppealAction::View).await?;
    Ok(Json(ops::view(state, caller, &appeal).await?))
}

/// `POST /api/v1/accreditation/cases/{id}/appeals` → 201 the appeal; 409 when the case is not `ineligible` or
/// `denied`, or the filing period has ended.
pub async fn file_case(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ops::AppealInput>,
) -> WebResult<impl IntoResponse> {
    let appeal = ops::file_against_case(&state, &caller, &id, &input).await?;
    Ok((StatusCode::CREATED, appeal_json(&state, &caller, &appeal).await?))
}

/// `POST /api/v1/accreditations/{number}/appeals` → 201 the appeal; 409 unless the accreditation is revoked.
pub async fn file_revocation(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<ops::AppealInput>,
) -> WebResult<impl IntoResponse> {
    let appeal = ops::file_against_revocation(&state, &caller, &number, &input).await?;
    Ok((StatusCode::CREATED, appeal_json(&state, &caller, &appeal).await?))
}

/// `GET /api/v1/accreditation/appeals`: the appeals the caller may see.
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<Items<Appeal>>> {
    let items = ops::list(&state, &caller).await?;
    Ok(Json(Items { items }))
}

/// `GET /api/v1/accreditation/appeals/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<ops::AppealView>> {
    appeal_json(&state, &caller, &id).await
}

/// `POST …/appeals/{id}/information-requests` (office) → 201.
pub async fn information_request(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ops::InfoRequestInput>,
) -> WebResult<impl IntoResponse> {
    let request = ops::request_information(&state, &caller, &id, &input).await?;
    Ok(created(&request))
}

/// `POST …/appeals/{id}/votes` (committee member) → 201.
pub async fn vote(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ops::AppealVoteInput>,
) -> WebResult<impl IntoResponse> {
    let vote = ops::vote(&state, &caller, &id, &input).await?;
    Ok(created(&vote))
}

/// `POST …/appeals/{id}/decision` (office or head) → 200 the appeal.
pub async fn decision(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ops::AppealDecisionInput>,
) -> WebResult<Json<ops::AppealView>> {
    ops::decide(&state, &caller, &id, &input).await?;
    appeal_json(&state, &caller, &id).await
}
