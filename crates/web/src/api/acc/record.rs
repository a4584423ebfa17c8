//! `/api/v1/accreditations/...`: the accreditation record after the decision and its
//! maintenance — annual reports and questions (ACC-14), suspension, self-reports (ACC-15), compliance reviews
//! (ACC-16), lapse (ACC-17), revocation (ACC-18) and certificates. The logic is in [`nintei_app::acc::record`], shared with
//! the screens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use nintei_domain::authz::accreditation::RecordAction;

use crate::api::{ApiJson, created};
use crate::auth::ApiCaller;
use crate::error::WebResult;
use nintei_app::Caller;
use nintei_app::acc::record;
use nintei_app::state::AppState;

async fn record_json(state: &AppState, caller: &Caller, number: &str) -> WebResult<Json<record::RecordView>> {
    let record = record::load(state, caller, number, RecordAction::View).await?;
    Ok(Json(record::view(state, caller, &record).await?))
}

/// `GET /api/v1/accreditations`: every accreditation for the office, the head and administrators; an
/// organization's own for its users.
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<record::RecordList>> {
    let today = state.clock.today();
    let items = record::list(&state, &caller)
        .await?
        .iter()
        .map(|r| record::RecordSummary::of(r, today))
        .collect();
    Ok(Json(record::RecordList { items }))
}

/// `GET /api/v1/accreditations/{number}`.
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
) -> WebResult<Json<record::RecordView>> {
    record_json(&state, &caller, &number).await
}

/// Steps answering 200 with the record.
macro_rules! step {
    ($name:ident, $input:ty, $op:path) => {
        pub async fn $name(
            State(state): State<AppState>,
            ApiCaller(caller): ApiCaller,
            Path(number): Path<String>,
            ApiJson(input): ApiJson<$input>,
        ) -> WebResult<Json<record::RecordView>> {
            $op(&state, &caller, &number, &input).await?;
            record_json(&state, &caller, &number).await
        }
    };
}

step!(suspend, record::SuspensionInput, record::suspend);
step!(lift_suspension, record::LiftInput, record::lift_suspension);
step!(lapse, record::LapseInput, record::lapse);
step!(revoke, record::RevocationInput, record::revoke);

/// Review steps answering 200 with the record.
macro_rules! review_step {
    ($name:ident, $input:ty, $op:path) => {
        pub async fn $name(
            State(state): State<AppState>,
            ApiCaller(caller): ApiCaller,
            Path((number, review_id)): Path<(String, String)>,
            ApiJson(input): ApiJson<$input>,
        ) -> WebResult<Json<record::RecordView>> {
            $op(&state, &caller, &number, &review_id, &input).await?;
            record_json(&state, &caller, &number).await
        }
    };
}

review_step!(
    review_site_visit,
    record::ReviewVisitInput,
    record::review_site_visit
);
review_step!(
    request_revocation,
    record::RevocationRequestInput,
    record::request_revocation
);
review_step!(close_review, record::ClosureInput, record::close_review);

/// `POST …/annual-reports` → 201 `{id, year, due_on, late}`.
pub async fn annual_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<record::AnnualReportInput>,
) -> WebResult<impl IntoResponse> {
    let out = record::submit_annual_report(&state, &caller, &number, &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// `POST …/self-reports` → 201 `{id, kind, due_on, late}`.
pub async fn self_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<record::SelfReportInput>,
) -> WebResult<impl IntoResponse> {
    let out = record::self_report(&state, &caller, &number, &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// `POST …/questions` → 201 `{id}`.
pub async fn ask_question(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<record::QuestionInput>,
) -> WebResult<impl IntoResponse> {
    let id = record::ask_question(&state, &caller, &number, &input).await?;
    Ok(created(&id))
}

/// `POST …/questions/{question_id}/answer` → 200 record.
pub async fn answer_question(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((number, question_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<record::AnswerInput>,
) -> WebResult<Json<record::RecordView>> {
    record::answer_question(&state, &caller, &number, &question_id, &input).await?;
    record_json(&state, &caller, &number).await
}

/// `POST …/reviews` → 201 `{id}`.
pub async fn open_review(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<record::ReviewInput>,
) -> WebResult<impl IntoResponse> {
    let id = record::open_review(&state, &caller, &number, &input).await?;
    Ok(created(&id))
}

/// `POST …/reviews/{review_id}/requests` → 201 `{id}`.
pub async fn review_request(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((number, review_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<record::ReviewItemInput>,
) -> WebResult<impl IntoResponse> {
    let id = record::add_review_item(&state, &caller, &number, &review_id, &input).await?;
    Ok(created(&id))
}

/// `POST …/reviews/{review_id}/requests/{item_id}/fulfilment` → 200 record.
pub async fn review_fulfilment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((number, review_id, item_id)): Path<(String, String, String)>,
    ApiJson(input): ApiJson<record::FulfilmentInput>,
) -> WebResult<Json<record::RecordView>> {
    record::fulfil_review_item(&state, &caller, &number, &review_id, &item_id, &input).await?;
    record_json(&state, &caller, &number).await
}

/// `POST …/reviews/{review_id}/answers` → 201 `{id}` (the member whose answer was recorded).
pub async fn review_answer(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((number, review_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<record::MemberAnswerInput>,
) -> WebResult<impl IntoResponse> {
    let id = record::record_answer(&state, &caller, &number, &review_id, &input).await?;
    Ok(created(&id))
}

/// `POST …/certificates` → 201 `{id}`.
pub async fn certificate(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<record::CertificateInput>,
) -> WebResult<impl IntoResponse> {
    let id = record::issue_certificate(&state, &caller, &number, &input).await?;
    Ok(created(&id))
}

/// `POST …/certificates/reissue-invoice` → 201 `{id}` (the ¥3,000 invoice of an additional copy, ACC-22).
pub async fn certificate_reissue_invoice(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<record::ReissueInput>,
) -> WebResult<impl IntoResponse> {
    let id = record::request_certificate_reissue(&state, &caller, &number, &input).await?;
    Ok(created(&id))
}
