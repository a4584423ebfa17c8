//! Impartiality and the site-visit timetable (ACC-2, ACC-7, ACC-8; additions to API.md): the head's unit
//! decision, objections to a surveyor and the office's decision, surveyors' engagements with their cooling-off
//! warnings, and the timetable. The logic is in [`nintei_app::acc::impartiality`], shared with the screens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::api::ApiJson;
use crate::auth::ApiCaller;
use crate::error::WebResult;
use nintei_app::acc::impartiality as imp;
use nintei_app::acc::{self, load_for};
use nintei_app::state::AppState;

/// `POST …/unit-decision` `{qualifies, decided_on, reason?}` (head) → 200 the case.
pub async fn unit_decision(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<imp::UnitDecisionInput>,
) -> WebResult<Json<acc::case::CaseView>> {
    imp::decide_unit(&state, &caller, &id, &input).await?;
    let loaded = load_for(&state, &caller, &id, nintei_domain::authz::acc::CaseAction::View).await?;
    Ok(Json(acc::view(&state, &caller, &loaded).await?))
}

/// `POST …/surveyors/{user_id}/objection` `{reason}` (the organization) → 201 the objection.
pub async fn objection(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, user_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<imp::ObjectionInput>,
) -> WebResult<Response> {
    let o = imp::object(&state, &caller, &id, &user_id, &input).await?;
    Ok((StatusCode::CREATED, Json(imp::objection_view(&o))).into_response())
}

/// `POST …/surveyors/{user_id}/objection/decision` `{upheld, decided_on}` (office) → 200 the objection.
pub async fn objection_decision(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, user_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<imp::ObjectionDecisionInput>,
) -> WebResult<Json<acc::case::ObjectionView>> {
    let o = imp::decide_objection(&state, &caller, &id, &user_id, &input).await?;
    Ok(Json(imp::objection_view(&o)))
}

/// `GET /api/v1/surveyors/{user_id}/engagements` (office) → engagements and cooling-offs.
pub async fn engagements(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(user_id): Path<String>,
) -> WebResult<Json<imp::Engagements>> {
    Ok(Json(imp::engagements(&state, &caller, &user_id).await?))
}

/// `POST /api/v1/surveyors/{user_id}/engagements` `{organization_id, kind, started_on, note?}` (office) → 201
/// with `warnings` (ACC-8 cooling-off).
pub async fn add_engagement(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(user_id): Path<String>,
    ApiJson(input): ApiJson<imp::EngagementInput>,
) -> WebResult<Response> {
    let v = imp::add_engagement(&state, &caller, &user_id, &input).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// `GET …/site-visit/schedule` → the timetable (generated from the standard schedule until edited).
pub async fn schedule(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<imp::SiteVisitSchedule>> {
    Ok(Json(imp::schedule(&state, &caller, &id).await?))
}

/// `PUT …/site-visit/schedule` `{items: [{date, start, end, title, note?}]}` (office, lead surveyor) → 200.
pub async fn put_schedule(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<imp::ScheduleInput>,
) -> WebResult<Json<imp::SiteVisitSchedule>> {
    Ok(Json(imp::put_schedule(&state, &caller, &id, &input).await?))
}
