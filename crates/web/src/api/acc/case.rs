//! API.md "Accreditation cases (ACC)": the standards catalog, cases and every step of a case, and the public
//! fee estimate. The logic is in [`nintei_app::acc`], shared with the screens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use nintei_domain::authz::acc::CaseAction;
use nintei_domain::fees::{Yen, fee_estimate as estimate};
use nintei_store::acc as store;

use crate::api::answers::{Items, StandardLine, StandardsCatalog};
use crate::api::{ApiJson, created};
use crate::auth::ApiCaller;
use crate::error::{AppError, AppResult, FieldError, WebResult};
use crate::extract::PublicQuery;
use nintei_app::acc::{self, case};
use nintei_app::state::AppState;

/// `If-Match: "3"` (also `W/"3"` or a bare `3`); an unreadable value is a 400.
fn if_match(headers: &HeaderMap) -> AppResult<Option<i64>> {
    let Some(raw) = headers.get(axum::http::header::IF_MATCH) else {
        return Ok(None);
    };
    let text = raw.to_str().unwrap_or("").trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    text.parse::<i64>()
        .map(Some)
        .map_err(|_| AppError::field("If-Match", "the case version in quotes, e.g. \"3\""))
}

/// `GET /api/v1/accreditation/standards`: the catalog in force (any signed-in user).
pub async fn standards(
    State(state): State<AppState>,
    ApiCaller(_caller): ApiCaller,
) -> WebResult<Json<StandardsCatalog>> {
    let catalog = acc::catalog_in_force(&state).await?;
    let items = catalog
        .standards
        .iter()
        .map(|s| StandardLine {
            code: s.code.clone(),
            group: s.group.clone(),
            section: s.section.clone(),
            kind: s.kind.as_str(),
            fundamental: s.fundamental.map(|f| f.as_str()),
            title: s.title.clone(),
            service: s.service.map(|c| c.as_str()),
        })
        .collect();
    Ok(Json(StandardsCatalog {
        version: catalog.version.clone(),
        sample: catalog.sample,
        items,
    }))
}

/// `POST /api/v1/accreditation/cases` → 201 `{id, status: "submitted"}`.
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<case::ApplicationInput>,
) -> WebResult<impl IntoResponse> {
    let id = case::apply(&state, &caller, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::api::answers::CreatedCase {
            id,
            status: "submitted",
        }),
    ))
}

/// `GET /api/v1/accreditation/cases` (an addition): the cases the caller may see.
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<Items<case::CaseLine>>> {
    let items = case::case_lines(&state, &caller).await?;
    Ok(Json(Items { items }))
}

async fn case_json(
    state: &AppState,
    caller: &nintei_app::caller::Caller,
    id: &str,
) -> WebResult<Json<case::CaseView>> {
    let loaded = acc::load_for(state, caller, id, CaseAction::View).await?;
    Ok(Json(acc::view(state, caller, &loaded).await?))
}

/// `GET /api/v1/accreditation/cases/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<case::CaseView>> {
    case_json(&state, &caller, &id).await
}

macro_rules! step {
    ($name:ident, $input:ty, $op:path) => {
        pub async fn $name(
            State(state): State<AppState>,
            ApiCaller(caller): ApiCaller,
            Path(id): Path<String>,
            headers: HeaderMap,
            ApiJson(input): ApiJson<$input>,
        ) -> WebResult<Json<case::CaseView>> {
            let version = if_match(&headers)?;
            $op(&state, &caller, &id, &input, version).await?;
            case_json(&state, &caller, &id).await
        }
    };
}

step!(eligibility, case::EligibilityInput, case::decide_eligibility);
step!(plan, case::PlanInput, case::plan);
step!(plan_dates, case::ReplanInput, case::replan);
step!(self_study, case::SelfStudyInput, case::submit_self_study);
step!(report, case::ReportInput, case::issue_report);
step!(response, case::ResponseInput, case::respond);
step!(decision, case::DecisionInput, case::decide);
step!(notice, case::NoticeInput, case::record_notice);
step!(
    hold_documents,
    case::HoldDocumentsInput,
    case::record_hold_documents
);
step!(hold_report, case::HeadReportInput, case::record_head_report);
step!(withdrawal, case::WithdrawalInput, case::withdraw);
step!(stop, case::StopInput, case::stop);

/// `POST …/surveyors` → 201.
pub async fn surveyors(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<case::SurveyorInput>,
) -> WebResult<impl IntoResponse> {
    let assignment = case::add_surveyor(&state, &caller, &id, &input).await?;
    Ok(created(&assignment))
}

/// `POST …/ratings` → 201.
pub async fn rate(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<case::RatingInput>,
) -> WebResult<impl IntoResponse> {
    let rating = case::rate(&state, &caller, &id, &input).await?;
    Ok(created(&rating))
}

/// `GET …/ratings` (an addition): current ratings and their history.
pub async fn ratings(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<case::Ratings>> {
    Ok(Json(case::ratings(&state, &caller, &id).await?))
}

/// `GET …/assessment` (ACC-9).
pub async fn assessment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<nintei_domain::acc::Assessment>> {
    let loaded = acc::load_for(&state, &caller, &id, CaseAction::ViewAssessment).await?;
    Ok(Json(acc::assessment(&state, &loaded.case).await?))
}

/// `POST …/votes` → 201.
pub async fn vote(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<case::VoteInput>,
) -> WebResult<impl IntoResponse> {
    let vote = case::vote(&state, &caller, &id, &input).await?;
    Ok(created(&vote))
}

/// `GET …/votes` (an addition): the votes, for the office, the head and the committee.
pub async fn votes(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<Items<store::Vote>>> {
    let items = case::votes(&state, &caller, &id).await?;
    Ok(Json(Items { items }))
}

/// `POST …/invoices` (an addition) → 201: extra fees.
pub async fn extra_invoice(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<case::ExtraInvoiceInput>,
) -> WebResult<impl IntoResponse> {
    let invoice = case::extra_invoice(&state, &caller, &id, &input).await?;
    Ok(created(&invoice))
}

/// `POST …/invoices/{invoice_id}/payments` (an addition) → 201.
pub async fn payment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, invoice_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<case::PaymentInput>,
) -> WebResult<impl IntoResponse> {
    let payment = case::record_payment(&state, &caller, &id, &invoice_id, &input).await?;
    Ok(created(&payment))
}

/// The query string of `GET /api/v1/public/fee-estimate` (ACC-22). Read as text, so that each field's mistake is
/// answered by name (a 400 listing both); a parameter given twice is a 400 problem too (`PublicQuery`).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FeeEstimateQuery {
    /// The annual revenue in whole yen.
    #[schema(value_type = u64, minimum = 0)]
    revenue_yen: Option<String>,
    /// The number of services applied for.
    #[schema(value_type = u32, minimum = 1, maximum = 5)]
    services: Option<String>,
}

/// `GET /api/v1/public/fee-estimate?revenue_yen=N&services=K` (ACC-22, no authentication): fees with tax at
/// today's rate. `revenue_yen` a whole number of yen ≥ 0, `services` 1–5; anything else is a 400.
pub async fn fee_estimate(
    State(state): State<AppState>,
    PublicQuery(query): PublicQuery<FeeEstimateQuery>,
) -> WebResult<Json<nintei_domain::fees::FeeEstimate>> {
    let mut errors = Vec::new();
    let revenue = match query.revenue_yen.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => match v.parse::<u64>() {
            Ok(n) if n <= 1_000_000_000_000_000 => Some(n),
            _ => None,
        },
        _ => None,
    };
    if revenue.is_none() {
        errors.push(FieldError::new(
            "revenue_yen",
            "年間売上高は0以上の整数（円）です (a whole number of yen, 0 or more)",
        ));
    }
    let services = match query.services.as_deref().map(str::trim) {
        Some(v) if v.len() == 1 => v.parse::<u32>().ok().filter(|n| (1..=5).contains(n)),
        _ => None,
    };
    if services.is_none() {
        errors.push(FieldError::new("services", "サービス数は1〜5です (1 to 5)"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors).into());
    }
    let (Some(revenue), Some(services)) = (revenue, services) else {
        return Err(AppError::BadRequest("revenue_yen and services".into()).into());
    };
    Ok(Json(estimate(Yen::new(revenue), services, state.clock.today())))
}
