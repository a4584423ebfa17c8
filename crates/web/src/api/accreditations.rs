//! `/api/v1/accreditations/...` (issue 4, part 1): the accreditation record after the decision and its
//! maintenance — annual reports and questions (ACC-14), suspension, self-reports (ACC-15), compliance reviews
//! (ACC-16), lapse (ACC-17), revocation (ACC-18) and certificates. The logic is in [`crate::accr`], shared with
//! the screens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use nintei_domain::authz::accreditation::RecordAction;
use serde_json::{Value, json};

use crate::accr::{self, Input};
use crate::api::{ApiJson, created};
use crate::auth::{ApiCaller, Caller};
use crate::error::AppResult;
use crate::state::AppState;

async fn record_json(state: &AppState, caller: &Caller, number: &str) -> AppResult<Json<Value>> {
    let record = accr::load(state, caller, number, RecordAction::View).await?;
    Ok(Json(accr::view(state, caller, &record).await?))
}

/// `GET /api/v1/accreditations`: every accreditation for the office, the head and administrators; an
/// organization's own for its users.
pub async fn list(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> AppResult<Json<Value>> {
    let today = state.clock.today();
    let items: Vec<Value> = accr::list(&state, &caller)
        .await?
        .iter()
        .map(|r| accr::summary_json(r, today))
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// `GET /api/v1/accreditations/{number}`.
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
) -> AppResult<Json<Value>> {
    record_json(&state, &caller, &number).await
}

/// Steps answering 200 with the record.
macro_rules! step {
    ($name:ident, $op:path) => {
        pub async fn $name(
            State(state): State<AppState>,
            ApiCaller(caller): ApiCaller,
            Path(number): Path<String>,
            ApiJson(input): ApiJson<Input>,
        ) -> AppResult<Json<Value>> {
            $op(&state, &caller, &number, &input).await?;
            record_json(&state, &caller, &number).await
        }
    };
}

step!(suspend, accr::suspend);
step!(lift_suspension, accr::lift_suspension);
step!(lapse, accr::lapse);
step!(revoke, accr::revoke);

/// Review steps answering 200 with the record.
macro_rules! review_step {
    ($name:ident, $op:path) => {
        pub async fn $name(
            State(state): State<AppState>,
            ApiCaller(caller): ApiCaller,
            Path((number, review_id)): Path<(String, String)>,
            ApiJson(input): ApiJson<Input>,
        ) -> AppResult<Json<Value>> {
            $op(&state, &caller, &number, &review_id, &input).await?;
            record_json(&state, &caller, &number).await
        }
    };
}

review_step!(review_site_visit, accr::review_site_visit);
review_step!(request_revocation, accr::request_revocation);
review_step!(close_review, accr::close_review);

/// `POST …/annual-reports` → 201 `{id, year, due_on, late}`.
pub async fn annual_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<Input>,
) -> AppResult<impl IntoResponse> {
    let out = accr::submit_annual_report(&state, &caller, &number, &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// `POST …/self-reports` → 201 `{id, kind, due_on, late}`.
pub async fn self_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<Input>,
) -> AppResult<impl IntoResponse> {
    let out = accr::self_report(&state, &caller, &number, &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// `POST …/questions` → 201 `{id}`.
pub async fn ask_question(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<Input>,
) -> AppResult<impl IntoResponse> {
    let id = accr::ask_question(&state, &caller, &number, &input).await?;
    Ok(created(&id))
}

/// `POST …/questions/{question_id}/answer` → 200 record.
pub async fn answer_question(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((number, question_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<Input>,
) -> AppResult<Json<Value>> {
    accr::answer_question(&state, &caller, &number, &question_id, &input).await?;
    record_json(&state, &caller, &number).await
}

/// `POST …/reviews` → 201 `{id}`.
pub async fn open_review(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<Input>,
) -> AppResult<impl IntoResponse> {
    let id = accr::open_review(&state, &caller, &number, &input).await?;
    Ok(created(&id))
}

/// `POST …/reviews/{review_id}/requests` → 201 `{id}`.
pub async fn review_request(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((number, review_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<Input>,
) -> AppResult<impl IntoResponse> {
    let id = accr::add_review_item(&state, &caller, &number, &review_id, &input).await?;
    Ok(created(&id))
}

/// `POST …/reviews/{review_id}/requests/{item_id}/fulfilment` → 200 record.
pub async fn review_fulfilment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((number, review_id, item_id)): Path<(String, String, String)>,
    ApiJson(input): ApiJson<Input>,
) -> AppResult<Json<Value>> {
    accr::fulfil_review_item(&state, &caller, &number, &review_id, &item_id, &input).await?;
    record_json(&state, &caller, &number).await
}

/// `POST …/reviews/{review_id}/answers` → 201 `{id}` (the member whose answer was recorded).
pub async fn review_answer(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((number, review_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<Input>,
) -> AppResult<impl IntoResponse> {
    let id = accr::record_answer(&state, &caller, &number, &review_id, &input).await?;
    Ok(created(&id))
}

/// `POST …/certificates` → 201 `{id}`.
pub async fn certificate(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<Input>,
) -> AppResult<impl IntoResponse> {
    let id = accr::issue_certificate(&state, &caller, &number, &input).await?;
    Ok(created(&id))
}
