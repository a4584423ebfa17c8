//! API.md "Registration cases (REG)" and its extensions in the same conventions: criteria, cases and review
//! (REG-1 … REG-5), registrations with renewal, change notices and abolition (REG-4, REG-6), public reports and
//! deregistration cases (REG-7), training (REG-9). The rules live in `nintei_app::reg`, shared with the screens.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use nintei_domain::reg::criteria::criteria;
use serde::Deserialize;

use crate::api::answers::{
    CriterionLine, Enrolled, IdStatus, Items, Recorded, RegGranted, RegReviewed, RegSubmitted,
};
use crate::api::{ApiJson, created};
use crate::auth::{ApiCaller, ClientAddr};
use crate::error::{AppError, AppResult, WebResult};
use nintei_app::Caller;
use nintei_app::reg::deregistration::detail;
use nintei_app::reg::{self, ApplicationInput};
use nintei_app::state::AppState;

pub mod files;
pub mod hearing;

// ---------------------------------------------------------------------------------------------------------------
// Criteria and cases

/// `GET /api/v1/registration/criteria` (any signed-in user): every REG-3 item.
pub async fn criteria_list(ApiCaller(_caller): ApiCaller) -> Json<Items<CriterionLine>> {
    let items = criteria()
        .iter()
        .map(|c| CriterionLine {
            code: c.code,
            title: c.title,
            section: c.section,
        })
        .collect();
    Json(Items { items })
}

/// `GET /api/v1/registration/cases`: the registrar sees all, an organization its own.
pub async fn list_cases(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<reg::case::CaseQuery>,
) -> WebResult<Json<Items<reg::case::RegCaseSummary>>> {
    let items = reg::case::case_list(&state, &caller, q.status.as_deref()).await?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/registration/cases` → 201 `{id, status: "submitted", findings}`.
pub async fn create_case(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> WebResult<Response> {
    let applied = reg::apply(&state, &caller, &input).await?;
    Ok(submitted(&applied))
}

fn submitted(applied: &reg::Applied) -> Response {
    (
        StatusCode::CREATED,
        Json(RegSubmitted {
            id: applied.id.clone(),
            status: "submitted",
            findings: applied.findings.clone(),
        }),
    )
        .into_response()
}

/// `GET /api/v1/registration/cases/{id}` with `ETag: "<version>"`.
pub async fn show_case(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let case = reg::case::case_view(&state, &caller, &id).await?;
    let version = case.version;
    let mut resp = Json(case).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    Ok(resp)
}

/// `If-Match: "<version>"` (API.md conventions), when sent.
fn if_match(headers: &HeaderMap) -> AppResult<Option<i64>> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|s| s.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(|| {
            AppError::field(
                "If-Match",
                "版は \"3\" のように指定してください (a quoted version)",
            )
        })
}

/// `POST /api/v1/registration/cases/{id}/review` (office) → 200 `{status, registration?}`.
pub async fn review(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<reg::ReviewInput>,
) -> WebResult<Json<RegReviewed>> {
    let expected = if_match(&headers)?;
    let r = reg::review(&state, &caller, &id, &input, expected).await?;
    Ok(Json(RegReviewed {
        status: r.status.as_str(),
        registration: r.registration.map(|reg| RegGranted {
            number: reg.number,
            registered_on: reg.registered_on,
            expires_on: reg.expires_on,
        }),
    }))
}

// ---------------------------------------------------------------------------------------------------------------
// Registrations (REG-4, REG-6)

/// `GET /api/v1/registrations`: the registrar sees all, an organization its own.
pub async fn list_registrations(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<Items<reg::registration::RegistrationSummary>>> {
    let items = reg::registration::summaries(&state, &caller).await?;
    Ok(Json(Items { items }))
}

/// `GET /api/v1/registrations/{number}`: the registration with its published data, cases and notices.
pub async fn show_registration(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
) -> WebResult<Json<reg::registration::RegistrationDetail>> {
    Ok(Json(reg::registration::detail(&state, &caller, &number).await?))
}

/// `POST /api/v1/registrations/{number}/renewal` (REG-4): an application like a first one, within validity.
pub async fn renewal(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(mut input): ApiJson<ApplicationInput>,
) -> WebResult<Response> {
    let reg = reg::visible_registration(&state, &caller, &number).await?;
    input.renewal_of = Some(reg.number);
    let applied = reg::apply(&state, &caller, &input).await?;
    Ok(submitted(&applied))
}

/// `POST /api/v1/registrations/{number}/changes` (REG-6) → 201 `{id, status: "notified", kinds, findings}`.
pub async fn notify_change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<reg::ChangeInput>,
) -> WebResult<Response> {
    let n = reg::notify_change(&state, &caller, &number, &input).await?;
    let reg_number = reg::visible_registration(&state, &caller, &number).await?.number;
    Ok((
        StatusCode::CREATED,
        Json(reg::ChangeNoticeView::of(&n, &reg_number)),
    )
        .into_response())
}

/// `GET /api/v1/registration/changes`: notices waiting for the office's acknowledgement.
pub async fn pending_changes(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<Items<reg::ChangeNoticeView>>> {
    let items = reg::pending_change_views(&state, &caller).await?;
    Ok(Json(Items { items }))
}

/// `GET /api/v1/registration/changes/{id}`.
pub async fn show_change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<reg::ChangeNoticeView>> {
    Ok(Json(reg::change_view(&state, &caller, &id).await?))
}

/// `POST /api/v1/registration/changes/{id}/acknowledgement` (office) → 200 notice; the listing follows.
pub async fn acknowledge_change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::AcknowledgeInput>,
) -> WebResult<Json<reg::ChangeNoticeView>> {
    let n = reg::acknowledge_change(&state, &caller, &id, &input).await?;
    Ok(Json(reg::change_view(&state, &caller, &n.id).await?))
}

/// `POST /api/v1/registration/changes/{id}/refusal` (office) `{refused_on, reason}` → 200 notice, status
/// `refused` (REG-6; a notice that breaks REG-3 is refused, not published).
pub async fn refuse_change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::RefusalInput>,
) -> WebResult<Json<reg::ChangeNoticeView>> {
    let n = reg::refuse_change(&state, &caller, &id, &input).await?;
    Ok(Json(reg::change_view(&state, &caller, &n.id).await?))
}

/// `POST /api/v1/registrations/{number}/abolition` (REG-6) → 200 registration, status `abolished`.
pub async fn abolish(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<reg::AbolitionInput>,
) -> WebResult<Json<reg::registration::RegistrationDetail>> {
    let r = reg::abolish(&state, &caller, &number, &input).await?;
    Ok(Json(reg::registration::detail_of(&state, &caller, &r).await?))
}

// ---------------------------------------------------------------------------------------------------------------
// Public reports (REG-7)

/// `POST /api/v1/public/reports` (no authentication) → 202; throttled; the honeypot `website` must stay empty.
pub async fn public_report(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(input): ApiJson<reg::ReportInput>,
) -> WebResult<Response> {
    reg::receive_report(&state, &address, &input).await?;
    // The same answer whether stored or dropped: a bot learns nothing from it.
    Ok((StatusCode::ACCEPTED, Json(Recorded { status: "received" })).into_response())
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ReportQuery {
    /// Only the reports in this state.
    #[schema(pattern = "^(new|investigating|filed)$")]
    status: Option<String>,
}

/// `GET /api/v1/registration/reports` (office, head, admin): the inbox, newest first.
pub async fn list_reports(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<ReportQuery>,
) -> WebResult<Json<Items<detail::ReportView>>> {
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    let items = detail::report_list(&state, &caller, status).await?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/registration/reports/{id}/filing` (office): a report that needs no investigation.
pub async fn file_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<IdStatus>> {
    reg::file_report(&state, &caller, &id).await?;
    Ok(Json(IdStatus {
        id,
        status: "filed".into(),
    }))
}

// ---------------------------------------------------------------------------------------------------------------
// Deregistration cases (REG-7)

/// `POST /api/v1/registration/investigations` (office) → 201 `{id, status: "open"}`.
pub async fn open_investigation(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<reg::OpenInvestigationInput>,
) -> WebResult<Response> {
    let case = reg::open_investigation(&state, &caller, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(IdStatus {
            id: case.id,
            status: case.status,
        }),
    )
        .into_response())
}

/// `GET /api/v1/registration/investigations`: the registrar sees all; committee members the referred cases
/// they are not recused from.
pub async fn list_investigations(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<Items<reg::deregistration::view::InvestigationSummary>>> {
    let items = reg::deregistration::view::investigation_list(&state, &caller).await?;
    Ok(Json(Items { items }))
}

/// `GET /api/v1/registration/investigations/{id}`.
pub async fn show_investigation(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<detail::InvestigationDetail>> {
    Ok(Json(detail::detail(&state, &caller, &id).await?))
}

/// `POST …/investigations/{id}/document-requests` (office) `{requested_on, due_on, items}` → 201.
pub async fn request_documents(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::DocumentRequestInput>,
) -> WebResult<impl IntoResponse> {
    let rid = reg::request_documents(&state, &caller, &id, &input).await?;
    Ok(created(&rid))
}

/// `POST …/investigations/{id}/document-requests/{rid}/receipt` (office) `{received_on}` → 200 case.
pub async fn receive_documents(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, rid)): Path<(String, String)>,
    ApiJson(input): ApiJson<reg::ReceiptInput>,
) -> WebResult<Json<detail::InvestigationDetail>> {
    reg::receive_documents(&state, &caller, &id, &rid, &input).await?;
    show_after(&state, &caller, &id).await
}

async fn show_after(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> WebResult<Json<detail::InvestigationDetail>> {
    Ok(Json(detail::detail(state, caller, id).await?))
}

/// `POST …/investigations/{id}/hearing-notice` (office) `{notified_on, hearing_on, place}` → 201 (REG-7).
pub async fn notify_hearing(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::HearingNoticeInput>,
) -> WebResult<impl IntoResponse> {
    let rid = reg::notify_hearing(&state, &caller, &id, &input).await?;
    Ok(created(&rid))
}

/// `POST …/investigations/{id}/records` (office) `{kind, held_on, summary}` → 201.
pub async fn add_record(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::RecordInput>,
) -> WebResult<impl IntoResponse> {
    let rid = reg::add_record(&state, &caller, &id, &input).await?;
    Ok(created(&rid))
}

async fn step(
    state: &AppState,
    caller: &Caller,
    id: &str,
    s: reg::CaseStep,
    input: &reg::StepInput,
) -> WebResult<Json<detail::InvestigationDetail>> {
    let case = reg::case_step(state, caller, id, s, input).await?;
    Ok(Json(detail::detail(state, caller, &case.id).await?))
}

/// `POST …/investigations/{id}/referral` (office) `{referred_on, reason}` → 200 case.
pub async fn refer(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::StepInput>,
) -> WebResult<Json<detail::InvestigationDetail>> {
    step(&state, &caller, &id, reg::CaseStep::Refer, &input).await
}

/// `POST …/investigations/{id}/closure` (office) `{closed_on, reason}` → 200 case; the registration stays.
pub async fn close(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::StepInput>,
) -> WebResult<Json<detail::InvestigationDetail>> {
    step(&state, &caller, &id, reg::CaseStep::Close, &input).await
}

/// `POST …/investigations/{id}/decision` (office or head) `{outcome, decided_on, reason}` → 200 case.
pub async fn decide(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::StepInput>,
) -> WebResult<Json<detail::InvestigationDetail>> {
    step(&state, &caller, &id, reg::CaseStep::Decide, &input).await
}

/// `POST …/investigations/{id}/votes` (committee member without conflict) `{outcome, comment?}` → 201.
pub async fn vote(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::VoteInput>,
) -> WebResult<Response> {
    reg::vote(&state, &caller, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(Recorded { status: "recorded" })).into_response())
}

// ---------------------------------------------------------------------------------------------------------------
// Training (REG-9)

/// `GET /api/v1/registration/trainings`.
pub async fn list_trainings(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<Items<reg::TrainingView>>> {
    let items = reg::training_list(&state, &caller).await?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/registration/trainings` (office) `{title, held_on, place, description?}` → 201.
pub async fn create_training(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<reg::TrainingInput>,
) -> WebResult<impl IntoResponse> {
    let id = reg::create_training(&state, &caller, &input).await?;
    Ok(created(&id))
}

/// `POST /api/v1/registration/trainings/{id}/enrolments` (the organization's users, office)
/// `{registration_number, counselor_name}` → 201 (REG-9).
pub async fn enrol(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::EnrolmentInput>,
) -> WebResult<Response> {
    reg::enrol(&state, &caller, &id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Enrolled {
            training_id: id,
            registration_number: input.registration_number.trim().to_owned(),
            counselor_name: input.counselor_name.trim().to_owned(),
        }),
    )
        .into_response())
}

/// `GET /api/v1/registration/trainings/{id}` with attendance (an organization sees its own counselors only).
pub async fn show_training(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<reg::TrainingDetail>> {
    Ok(Json(reg::training_detail(&state, &caller, &id).await?))
}

/// `POST /api/v1/registration/trainings/{id}/attendance` (office) `{registration_number, counselor_name,
/// attended}` → 201.
pub async fn record_attendance(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::AttendanceInput>,
) -> WebResult<Response> {
    reg::record_attendance(&state, &caller, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(Recorded { status: "recorded" })).into_response())
}
