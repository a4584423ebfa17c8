//! REG operations (REG-1 … REG-9): request bodies from the use-case input structs.

use nintei_app::reg;

use nintei_app::reg::{case as reg_case, registration};

use crate::api::answers::{
    Created, CriterionLine, Enrolled, IdStatus, Items, Recorded, RegReviewed, RegSubmitted,
};
use crate::openapi::schema::{Answer, Io, io, typed};

const CREATED: Answer = Answer::Json(201, typed::<Created>);
/// A deregistration case after the step (REG-7).
const INVESTIGATION: Answer = Answer::Json(200, typed::<reg::deregistration::detail::InvestigationDetail>);
/// A change notice (REG-6).
const CHANGE: Answer = Answer::Json(200, typed::<reg::ChangeNoticeView>);
const CHANGE_NEW: Answer = Answer::Json(201, typed::<reg::ChangeNoticeView>);

pub const ALL: &[Io] = &[
    io(
        "get",
        "/api/v1/registration/cases",
        None,
        Answer::Json(200, typed::<Items<reg_case::RegCaseSummary>>),
    )
    .with_query(typed::<reg_case::CaseQuery>),
    io(
        "get",
        "/api/v1/registration/cases/{id}",
        None,
        Answer::Json(200, typed::<reg_case::RegCaseView>),
    ),
    io(
        "get",
        "/api/v1/registrations",
        None,
        Answer::Json(200, typed::<Items<registration::RegistrationSummary>>),
    ),
    io(
        "get",
        "/api/v1/registrations/{number}",
        None,
        Answer::Json(200, typed::<registration::RegistrationDetail>),
    ),
    io(
        "get",
        "/api/v1/registration/changes",
        None,
        Answer::Json(200, typed::<Items<reg::ChangeNoticeView>>),
    ),
    io("get", "/api/v1/registration/changes/{id}", None, CHANGE),
    io(
        "get",
        "/api/v1/registration/investigations",
        None,
        Answer::Json(
            200,
            typed::<Items<reg::deregistration::view::InvestigationSummary>>,
        ),
    ),
    io(
        "get",
        "/api/v1/registration/investigations/{id}",
        None,
        INVESTIGATION,
    ),
    io(
        "get",
        "/api/v1/registration/investigations/{id}/document-requests",
        None,
        Answer::Json(200, typed::<Items<reg::hearing::RequestView>>),
    ),
    // The answer is multipart/form-data (file, note?, answered_on?), not JSON.
    io(
        "post",
        "/api/v1/registration/investigations/{id}/document-requests/{rid}/files",
        None,
        Answer::Json(201, typed::<reg::hearing::AnswerView>),
    ),
    io(
        "get",
        "/api/v1/registration/reports",
        None,
        Answer::Json(200, typed::<Items<reg::deregistration::detail::ReportView>>),
    )
    .with_query(typed::<crate::api::reg::ReportQuery>),
    io(
        "get",
        "/api/v1/registration/cases/{id}/files",
        None,
        Answer::Json(200, typed::<Items<reg::files::DocumentFile>>),
    ),
    // The upload is multipart/form-data (file, purpose), not JSON.
    io(
        "post",
        "/api/v1/registration/cases/{id}/files",
        None,
        Answer::Json(201, typed::<reg::files::DocumentFile>),
    ),
    io(
        "get",
        "/api/v1/registration/criteria",
        None,
        Answer::Json(200, typed::<Items<CriterionLine>>),
    ),
    io(
        "post",
        "/api/v1/registration/reports/{id}/filing",
        None,
        Answer::Json(200, typed::<IdStatus>),
    ),
    io(
        "get",
        "/api/v1/registration/trainings",
        None,
        Answer::Json(200, typed::<Items<reg::TrainingView>>),
    ),
    io(
        "get",
        "/api/v1/registration/trainings/{id}",
        None,
        Answer::Json(200, typed::<reg::TrainingDetail>),
    ),
    io(
        "post",
        "/api/v1/registration/cases",
        Some(typed::<reg::ApplicationInput>),
        Answer::Json(201, typed::<RegSubmitted>),
    ),
    io(
        "post",
        "/api/v1/registration/cases/{id}/review",
        Some(typed::<reg::ReviewInput>),
        Answer::Json(200, typed::<RegReviewed>),
    ),
    io(
        "get",
        "/api/v1/registration/cases/{id}/files/{file_id}",
        None,
        Answer::File,
    ),
    io(
        "post",
        "/api/v1/registrations/{number}/renewal",
        Some(typed::<reg::ApplicationInput>),
        Answer::Json(201, typed::<RegSubmitted>),
    ),
    io(
        "post",
        "/api/v1/registrations/{number}/changes",
        Some(typed::<reg::ChangeInput>),
        CHANGE_NEW,
    ),
    io(
        "post",
        "/api/v1/registrations/{number}/abolition",
        Some(typed::<reg::AbolitionInput>),
        Answer::Json(200, typed::<registration::RegistrationDetail>),
    ),
    io(
        "post",
        "/api/v1/registration/changes/{id}/acknowledgement",
        Some(typed::<reg::AcknowledgeInput>),
        CHANGE,
    ),
    io(
        "post",
        "/api/v1/registration/changes/{id}/refusal",
        Some(typed::<reg::RefusalInput>),
        CHANGE,
    ),
    io(
        "post",
        "/api/v1/public/reports",
        Some(typed::<reg::ReportInput>),
        Answer::Json(202, typed::<Recorded>),
    ),
    io(
        "post",
        "/api/v1/registration/investigations",
        Some(typed::<reg::OpenInvestigationInput>),
        Answer::Json(201, typed::<IdStatus>),
    ),
    io(
        "post",
        "/api/v1/registration/investigations/{id}/document-requests",
        Some(typed::<reg::DocumentRequestInput>),
        CREATED,
    ),
    io(
        "post",
        "/api/v1/registration/investigations/{id}/document-requests/{rid}/receipt",
        Some(typed::<reg::ReceiptInput>),
        INVESTIGATION,
    ),
    io(
        "get",
        "/api/v1/registration/investigations/{id}/files/{file_id}",
        None,
        Answer::File,
    ),
    io(
        "post",
        "/api/v1/registration/investigations/{id}/hearing-notice",
        Some(typed::<reg::HearingNoticeInput>),
        CREATED,
    ),
    io(
        "post",
        "/api/v1/registration/investigations/{id}/records",
        Some(typed::<reg::RecordInput>),
        CREATED,
    ),
    io(
        "post",
        "/api/v1/registration/investigations/{id}/referral",
        Some(typed::<reg::StepInput>),
        INVESTIGATION,
    ),
    io(
        "post",
        "/api/v1/registration/investigations/{id}/closure",
        Some(typed::<reg::StepInput>),
        INVESTIGATION,
    ),
    io(
        "post",
        "/api/v1/registration/investigations/{id}/decision",
        Some(typed::<reg::StepInput>),
        INVESTIGATION,
    ),
    io(
        "post",
        "/api/v1/registration/investigations/{id}/votes",
        Some(typed::<reg::VoteInput>),
        Answer::Json(201, typed::<Recorded>),
    ),
    io(
        "post",
        "/api/v1/registration/trainings",
        Some(typed::<reg::TrainingInput>),
        CREATED,
    ),
    io(
        "post",
        "/api/v1/registration/trainings/{id}/enrolments",
        Some(typed::<reg::EnrolmentInput>),
        Answer::Json(201, typed::<Enrolled>),
    ),
    io(
        "post",
        "/api/v1/registration/trainings/{id}/attendance",
        Some(typed::<reg::AttendanceInput>),
        Answer::Json(201, typed::<Recorded>),
    ),
];
