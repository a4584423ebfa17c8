//! ACC operations: the case (ACC-1 … ACC-12, ACC-22), appeals (ACC-21), renewal and scope (ACC-19, ACC-20),
//! impartiality (ACC-2, ACC-7, ACC-8) and the self-study (ACC-6), each with the type its handler answers.

use nintei_app::acc::{appeal, case, impartiality as imp, renewal, study};

use crate::api::answers::{Created, CreatedCase, CreatedLinkedCase, Items, Received, StandardsCatalog};
use crate::openapi::schema::{Answer, Io, io, typed};

const CREATED: Answer = Answer::Json(201, typed::<Created>);

/// The appeal (ACC-21) with its information requests, the members' answers and its deadline.
const APPEAL: Answer = Answer::Json(200, typed::<appeal::AppealView>);
const NEW_APPEAL: Answer = Answer::Json(201, typed::<appeal::AppealView>);

/// The renewal's or scope addition's new case (ACC-19, ACC-20).
const LINKED_CASE: Answer = Answer::Json(201, typed::<CreatedLinkedCase>);

/// The site-visit timetable (ACC-7).
const SCHEDULE: Answer = Answer::Json(200, typed::<imp::SiteVisitSchedule>);

/// The self-study after the step (ACC-6).
const SELF_STUDY: Answer = Answer::Json(200, typed::<study::SelfStudyView>);

/// The case after the step (ACC-1 … ACC-12).
const CASE_VIEW: Answer = Answer::Json(200, typed::<case::CaseView>);

pub const CASE: &[Io] = &[
    io(
        "get",
        "/api/v1/accreditation/cases",
        None,
        Answer::Json(200, typed::<Items<case::CaseLine>>),
    ),
    io("get", "/api/v1/accreditation/cases/{id}", None, CASE_VIEW),
    io(
        "get",
        "/api/v1/accreditation/standards",
        None,
        Answer::Json(200, typed::<StandardsCatalog>),
    ),
    io(
        "get",
        "/api/v1/accreditation/cases/{id}/assessment",
        None,
        Answer::Json(200, typed::<nintei_domain::acc::Assessment>),
    ),
    io(
        "get",
        "/api/v1/accreditation/cases/{id}/ratings",
        None,
        Answer::Json(200, typed::<case::Ratings>),
    ),
    io(
        "get",
        "/api/v1/accreditation/cases/{id}/votes",
        None,
        Answer::Json(200, typed::<Items<nintei_store::acc::Vote>>),
    ),
    io(
        "get",
        "/api/v1/public/fee-estimate",
        None,
        Answer::Json(200, typed::<nintei_domain::fees::FeeEstimate>),
    )
    .with_query(typed::<crate::api::acc::case::FeeEstimateQuery>),
    io(
        "post",
        "/api/v1/accreditation/cases",
        Some(typed::<case::ApplicationInput>),
        Answer::Json(201, typed::<CreatedCase>),
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/eligibility",
        Some(typed::<case::EligibilityInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/plan",
        Some(typed::<case::PlanInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/plan/dates",
        Some(typed::<case::ReplanInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/self-study/submission",
        Some(typed::<case::SelfStudyInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/report",
        Some(typed::<case::ReportInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/response",
        Some(typed::<case::ResponseInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/decision",
        Some(typed::<case::DecisionInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/notice",
        Some(typed::<case::NoticeInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/hold/documents",
        Some(typed::<case::HoldDocumentsInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/hold/report",
        Some(typed::<case::HeadReportInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/withdrawal",
        Some(typed::<case::WithdrawalInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/stop",
        Some(typed::<case::StopInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/surveyors",
        Some(typed::<case::SurveyorInput>),
        CREATED,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/ratings",
        Some(typed::<case::RatingInput>),
        CREATED,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/votes",
        Some(typed::<case::VoteInput>),
        CREATED,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/invoices",
        Some(typed::<case::ExtraInvoiceInput>),
        CREATED,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/invoices/{invoice_id}/payments",
        Some(typed::<case::PaymentInput>),
        CREATED,
    ),
    // Appeals (ACC-21).
    io(
        "get",
        "/api/v1/accreditation/appeals",
        None,
        Answer::Json(200, typed::<Items<nintei_store::acc_appeals::Appeal>>),
    ),
    io("get", "/api/v1/accreditation/appeals/{id}", None, APPEAL),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/appeals",
        Some(typed::<appeal::AppealInput>),
        NEW_APPEAL,
    ),
    io(
        "post",
        "/api/v1/accreditations/{number}/appeals",
        Some(typed::<appeal::AppealInput>),
        NEW_APPEAL,
    ),
    io(
        "post",
        "/api/v1/accreditation/appeals/{id}/information-requests",
        Some(typed::<appeal::InfoRequestInput>),
        CREATED,
    ),
    io(
        "post",
        "/api/v1/accreditation/appeals/{id}/votes",
        Some(typed::<appeal::AppealVoteInput>),
        CREATED,
    ),
    io(
        "post",
        "/api/v1/accreditation/appeals/{id}/decision",
        Some(typed::<appeal::AppealDecisionInput>),
        APPEAL,
    ),
    // Renewal and scope (ACC-19, ACC-20).
    io(
        "post",
        "/api/v1/accreditations/{number}/renewal",
        Some(typed::<case::ApplicationInput>),
        LINKED_CASE,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/extension",
        Some(typed::<renewal::ExtensionInput>),
        CREATED,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/extension/decision",
        Some(typed::<renewal::ExtensionDecisionInput>),
        Answer::Json(200, typed::<Option<nintei_store::acc_renewal::Extension>>),
    ),
    io(
        "post",
        "/api/v1/accreditations/{number}/services",
        Some(typed::<renewal::ScopeAdditionInput>),
        LINKED_CASE,
    ),
    io(
        "post",
        "/api/v1/accreditations/{number}/service-endings",
        Some(typed::<renewal::ServiceEndingInput>),
        Answer::Json(200, typed::<renewal::AccreditationHistory>),
    ),
    // Impartiality and the timetable (ACC-2, ACC-7, ACC-8).
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/unit-decision",
        Some(typed::<imp::UnitDecisionInput>),
        CASE_VIEW,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection",
        Some(typed::<imp::ObjectionInput>),
        Answer::Json(201, typed::<case::ObjectionView>),
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection/decision",
        Some(typed::<imp::ObjectionDecisionInput>),
        Answer::Json(200, typed::<case::ObjectionView>),
    ),
    io(
        "put",
        "/api/v1/accreditation/cases/{id}/site-visit/schedule",
        Some(typed::<imp::ScheduleInput>),
        SCHEDULE,
    ),
    io(
        "get",
        "/api/v1/accreditation/cases/{id}/site-visit/schedule",
        None,
        SCHEDULE,
    ),
    io(
        "post",
        "/api/v1/surveyors/{user_id}/engagements",
        Some(typed::<imp::EngagementInput>),
        Answer::Json(201, typed::<imp::Engagement>),
    ),
    io(
        "get",
        "/api/v1/surveyors/{user_id}/engagements",
        None,
        Answer::Json(200, typed::<imp::Engagements>),
    ),
    // The self-study and the questionnaires (ACC-6).
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/self-study/narratives",
        Some(typed::<study::NarrativeInput>),
        SELF_STUDY,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/self-study/confirmation",
        Some(typed::<study::ConfirmationInput>),
        SELF_STUDY,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/self-study/format-check",
        Some(typed::<study::FormatCheckInput>),
        SELF_STUDY,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/self-study/resubmission",
        Some(typed::<study::ResubmissionInput>),
        SELF_STUDY,
    ),
    io(
        "get",
        "/api/v1/accreditation/cases/{id}/files/{file_id}",
        None,
        Answer::File,
    ),
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/questionnaires/links",
        Some(typed::<study::LinksInput>),
        Answer::Json(201, typed::<study::IssuedLinks>),
    ),
    io(
        "post",
        "/api/v1/public/questionnaires/{token}",
        Some(typed::<study::AnswerInput>),
        Answer::Json(201, typed::<Received>),
    ),
    io(
        "get",
        "/api/v1/public/questionnaires/{token}",
        None,
        Answer::Json(200, typed::<study::PublicQuestionnaire>),
    ),
    io(
        "get",
        "/api/v1/accreditation/cases/{id}/self-study",
        None,
        SELF_STUDY,
    ),
    io(
        "get",
        "/api/v1/accreditation/cases/{id}/files",
        None,
        Answer::Json(200, typed::<Items<study::FileView>>),
    ),
    // The upload is multipart/form-data (file, purpose, standard), not JSON.
    io(
        "post",
        "/api/v1/accreditation/cases/{id}/files",
        None,
        Answer::Json(201, typed::<study::FileView>),
    ),
    io(
        "get",
        "/api/v1/accreditation/cases/{id}/questionnaires",
        None,
        Answer::Json(200, typed::<study::QuestionnaireSummary>),
    ),
];
