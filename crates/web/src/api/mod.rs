//! The JSON API of API.md, under `/api/v1`.

pub(crate) mod acc;
pub mod answers;
pub(crate) mod auth_token;
mod conflicts;
pub(crate) mod directory;
mod me;
mod org;
pub(crate) mod recovery;
pub(crate) mod reg;
pub(crate) mod users;

use axum::extract::FromRequest;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{AppError, WebError};
use crate::routing::{Routes, delete, get, patch, post};

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/auth/token", post(auth_token::issue))
        .route("/api/v1/auth/tokens", get(auth_token::list))
        .route("/api/v1/auth/tokens/{id}", delete(auth_token::revoke))
        .route("/api/v1/me", get(me::show))
        .route("/api/v1/me/tasks", get(me::tasks))
        .route("/api/v1/users", post(users::create))
        .route("/api/v1/users/{id}", patch(users::change))
        .route("/api/v1/users/{id}/password-reset", post(users::password_reset))
        .route("/api/v1/organizations", post(org::create))
        .route("/api/v1/organizations/{id}", get(org::show))
        .route("/api/v1/organizations/{id}/sites", post(org::add_site))
        .route("/api/v1/organizations/{id}/changes", post(org::notify_change))
        .route("/api/v1/conflicts", post(conflicts::create))
        .route("/api/v1/openapi.json", get(crate::openapi::openapi_json))
        .route("/api/v1/accreditation/standards", get(acc::case::standards))
        .route(
            "/api/v1/accreditation/cases",
            post(acc::case::create).get(acc::case::list),
        )
        .route("/api/v1/accreditation/cases/{id}", get(acc::case::show))
        .route(
            "/api/v1/accreditation/cases/{id}/eligibility",
            post(acc::case::eligibility),
        )
        .route("/api/v1/accreditation/cases/{id}/plan", post(acc::case::plan))
        .route(
            "/api/v1/accreditation/cases/{id}/self-study/submission",
            post(acc::case::self_study),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/surveyors",
            post(acc::case::surveyors),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/ratings",
            post(acc::case::rate).get(acc::case::ratings),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/assessment",
            get(acc::case::assessment),
        )
        .route("/api/v1/accreditation/cases/{id}/report", post(acc::case::report))
        .route(
            "/api/v1/accreditation/cases/{id}/response",
            post(acc::case::response),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/votes",
            post(acc::case::vote).get(acc::case::votes),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/decision",
            post(acc::case::decision),
        )
        .route("/api/v1/accreditation/cases/{id}/notice", post(acc::case::notice))
        .route(
            "/api/v1/accreditation/cases/{id}/plan/dates",
            post(acc::case::plan_dates),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/hold/documents",
            post(acc::case::hold_documents),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/hold/report",
            post(acc::case::hold_report),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/withdrawal",
            post(acc::case::withdrawal),
        )
        .route("/api/v1/accreditation/cases/{id}/stop", post(acc::case::stop))
        .route(
            "/api/v1/accreditation/cases/{id}/invoices",
            post(acc::case::extra_invoice),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/invoices/{invoice_id}/payments",
            post(acc::case::payment),
        )
        .route("/api/v1/public/fee-estimate", get(acc::case::fee_estimate))
        .route("/api/v1/public/accreditations", get(directory::accreditations))
        .route(
            "/api/v1/public/accreditations/{number}",
            get(directory::accreditation),
        )
        .route("/api/v1/public/registrations", get(directory::registrations))
        .route(
            "/api/v1/public/registrations/{number}",
            get(directory::registration),
        )
        .merge(registration_routes())
        .merge(acc_after_routes())
        .merge(accreditation_routes())
        .merge(acc_study_routes())
        .merge(acc_impartiality_routes())
}

/// ACC after the decision, part 2: appeals (ACC-21), renewal (ACC-19) and scope changes (ACC-20).
fn acc_after_routes() -> Routes {
    use acc::appeal as ap;
    Routes::new()
        .route("/api/v1/accreditation/cases/{id}/appeals", post(ap::file_case))
        .route(
            "/api/v1/accreditations/{number}/appeals",
            post(ap::file_revocation),
        )
        .route("/api/v1/accreditation/appeals", get(ap::list))
        .route("/api/v1/accreditation/appeals/{id}", get(ap::show))
        .route(
            "/api/v1/accreditation/appeals/{id}/information-requests",
            post(ap::information_request),
        )
        .route("/api/v1/accreditation/appeals/{id}/votes", post(ap::vote))
        .route("/api/v1/accreditation/appeals/{id}/decision", post(ap::decision))
        .route(
            "/api/v1/accreditations/{number}/renewal",
            post(acc::renewal::renewal),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/extension",
            post(acc::renewal::extension),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/extension/decision",
            post(acc::renewal::extension_decision),
        )
        .route(
            "/api/v1/accreditations/{number}/services",
            post(acc::renewal::add_services),
        )
        .route(
            "/api/v1/accreditations/{number}/service-endings",
            post(acc::renewal::end_service),
        )
}

/// The accreditation after the decision (ACC-13 … ACC-18).
fn accreditation_routes() -> Routes {
    use acc::record as a;
    Routes::new()
        .route("/api/v1/accreditations", get(a::list))
        .route("/api/v1/accreditations/{number}", get(a::show))
        .route(
            "/api/v1/accreditations/{number}/annual-reports",
            post(a::annual_report),
        )
        .route("/api/v1/accreditations/{number}/questions", post(a::ask_question))
        .route(
            "/api/v1/accreditations/{number}/questions/{question_id}/answer",
            post(a::answer_question),
        )
        .route("/api/v1/accreditations/{number}/suspension", post(a::suspend))
        .route(
            "/api/v1/accreditations/{number}/suspension/lift",
            post(a::lift_suspension),
        )
        .route(
            "/api/v1/accreditations/{number}/self-reports",
            post(a::self_report),
        )
        .route("/api/v1/accreditations/{number}/lapse", post(a::lapse))
        .route("/api/v1/accreditations/{number}/revocation", post(a::revoke))
        .route("/api/v1/accreditations/{number}/reviews", post(a::open_review))
        .route(
            "/api/v1/accreditations/{number}/reviews/{review_id}/requests",
            post(a::review_request),
        )
        .route(
            "/api/v1/accreditations/{number}/reviews/{review_id}/requests/{item_id}/fulfilment",
            post(a::review_fulfilment),
        )
        .route(
            "/api/v1/accreditations/{number}/reviews/{review_id}/site-visit",
            post(a::review_site_visit),
        )
        .route(
            "/api/v1/accreditations/{number}/reviews/{review_id}/revocation-request",
            post(a::request_revocation),
        )
        .route(
            "/api/v1/accreditations/{number}/reviews/{review_id}/answers",
            post(a::review_answer),
        )
        .route(
            "/api/v1/accreditations/{number}/reviews/{review_id}/closure",
            post(a::close_review),
        )
        .route(
            "/api/v1/accreditations/{number}/certificates",
            post(a::certificate),
        )
        .route(
            "/api/v1/accreditations/{number}/certificates/reissue-invoice",
            post(a::certificate_reissue_invoice),
        )
}

/// The self-study and its files, and the anonymous questionnaires (ACC-3, ACC-6).
fn acc_study_routes() -> Routes {
    use acc::study as s;
    Routes::new()
        .route("/api/v1/accreditation/cases/{id}/self-study", get(s::show))
        .route(
            "/api/v1/accreditation/cases/{id}/self-study/narratives",
            post(s::narrative),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/self-study/confirmation",
            post(s::confirmation),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/self-study/format-check",
            post(s::format_check),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/self-study/resubmission",
            post(s::resubmission),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/files",
            get(s::files).post(s::upload),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/files/{file_id}",
            get(s::download),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/questionnaires",
            get(s::questionnaires),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/questionnaires/links",
            post(s::links),
        )
        .route(
            "/api/v1/public/questionnaires/{token}",
            get(s::public_form).post(s::public_answer),
        )
}

/// Impartiality and the site-visit timetable (ACC-2, ACC-7, ACC-8).
fn acc_impartiality_routes() -> Routes {
    use acc::impartiality as i;
    Routes::new()
        .route(
            "/api/v1/accreditation/cases/{id}/unit-decision",
            post(i::unit_decision),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection",
            post(i::objection),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection/decision",
            post(i::objection_decision),
        )
        .route(
            "/api/v1/accreditation/cases/{id}/site-visit/schedule",
            get(i::schedule).put(i::put_schedule),
        )
        .route(
            "/api/v1/surveyors/{user_id}/engagements",
            get(i::engagements).post(i::add_engagement),
        )
}

/// REG (API.md "Registration cases" and its extensions).
fn registration_routes() -> Routes {
    use reg as r;
    Routes::new()
        .route("/api/v1/registration/criteria", get(r::criteria_list))
        .route(
            "/api/v1/registration/cases",
            get(r::list_cases).post(r::create_case),
        )
        .route("/api/v1/registration/cases/{id}", get(r::show_case))
        .route("/api/v1/registration/cases/{id}/review", post(r::review))
        .route(
            "/api/v1/registration/cases/{id}/files",
            get(r::files::list).post(r::files::upload),
        )
        .route(
            "/api/v1/registration/cases/{id}/files/{file_id}",
            get(r::files::download),
        )
        .route("/api/v1/registrations", get(r::list_registrations))
        .route("/api/v1/registrations/{number}", get(r::show_registration))
        .route("/api/v1/registrations/{number}/renewal", post(r::renewal))
        .route("/api/v1/registrations/{number}/changes", post(r::notify_change))
        .route("/api/v1/registrations/{number}/abolition", post(r::abolish))
        .route("/api/v1/registration/changes", get(r::pending_changes))
        .route("/api/v1/registration/changes/{id}", get(r::show_change))
        .route(
            "/api/v1/registration/changes/{id}/acknowledgement",
            post(r::acknowledge_change),
        )
        .route(
            "/api/v1/registration/changes/{id}/refusal",
            post(r::refuse_change),
        )
        .route("/api/v1/registration/reports", get(r::list_reports))
        .route("/api/v1/registration/reports/{id}/filing", post(r::file_report))
        .route(
            "/api/v1/registration/investigations",
            get(r::list_investigations).post(r::open_investigation),
        )
        .route(
            "/api/v1/registration/investigations/{id}",
            get(r::show_investigation),
        )
        .route(
            "/api/v1/registration/investigations/{id}/document-requests",
            get(r::hearing::list).post(r::request_documents),
        )
        .route(
            "/api/v1/registration/investigations/{id}/document-requests/{rid}/files",
            post(r::hearing::answer),
        )
        .route(
            "/api/v1/registration/investigations/{id}/files/{file_id}",
            get(r::hearing::download),
        )
        .route(
            "/api/v1/registration/investigations/{id}/document-requests/{rid}/receipt",
            post(r::receive_documents),
        )
        .route(
            "/api/v1/registration/investigations/{id}/records",
            post(r::add_record),
        )
        .route(
            "/api/v1/registration/investigations/{id}/hearing-notice",
            post(r::notify_hearing),
        )
        .route(
            "/api/v1/registration/investigations/{id}/referral",
            post(r::refer),
        )
        .route("/api/v1/registration/investigations/{id}/closure", post(r::close))
        .route("/api/v1/registration/investigations/{id}/votes", post(r::vote))
        .route(
            "/api/v1/registration/investigations/{id}/decision",
            post(r::decide),
        )
        .route(
            "/api/v1/registration/trainings",
            get(r::list_trainings).post(r::create_training),
        )
        .route("/api/v1/registration/trainings/{id}", get(r::show_training))
        .route(
            "/api/v1/registration/trainings/{id}/attendance",
            post(r::record_attendance),
        )
        .route("/api/v1/registration/trainings/{id}/enrolments", post(r::enrol))
        .route("/api/v1/public/reports", post(r::public_report))
        .route("/api/v1/public/password-resets", post(recovery::request))
        .route("/api/v1/public/password-resets/{token}", post(recovery::reset))
}

/// `Json<T>` whose rejections are problem+json: 400 for malformed or mistyped bodies, 413 for oversized ones.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let req = crate::middleware::buffer_without_nul(req, state).await?;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::BytesRejection(r)) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::TooLarge.into())
            }
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::TooLarge.into()),
            Err(e) => Err(AppError::BadRequest(e.body_text()).into()),
        }
    }
}

/// A created resource: 201 with `{id}`.
pub fn created(id: &str) -> (StatusCode, axum::Json<answers::Created>) {
    (
        StatusCode::CREATED,
        axum::Json(answers::Created { id: id.to_owned() }),
    )
}
