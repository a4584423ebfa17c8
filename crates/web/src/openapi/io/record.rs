//! The accreditation record's steps (ACC-13 … ACC-18, ACC-22): one typed input each; steps on the record answer
//! with the record's view, filings with what was filed, the rest with the new id.

use nintei_app::acc::record;

use crate::api::answers::Created;
use crate::openapi::schema::{Answer, Io, io, typed};

const CREATED: Answer = Answer::Json(201, typed::<Created>);
/// The accreditation record's view after the step.
const VIEW: Answer = Answer::Json(200, typed::<record::RecordView>);

/// `(path, input, answer)` of every record step, all `POST`.
macro_rules! steps {
    ($(($path:literal, $input:ty, $answer:expr)),* $(,)?) => {
        pub const ALL: &[Io] = &[
            io("get", "/api/v1/accreditations", None, Answer::Json(200, typed::<record::RecordList>)),
            io("get", "/api/v1/accreditations/{number}", None, VIEW),
            $(io("post", $path, Some(typed::<$input>), $answer)),*
        ];
    };
}

steps![
    (
        "/api/v1/accreditations/{number}/annual-reports",
        record::AnnualReportInput,
        Answer::Json(201, typed::<record::AnnualReportFiled>)
    ),
    (
        "/api/v1/accreditations/{number}/self-reports",
        record::SelfReportInput,
        Answer::Json(201, typed::<record::SelfReportFiled>)
    ),
    (
        "/api/v1/accreditations/{number}/questions",
        record::QuestionInput,
        CREATED
    ),
    (
        "/api/v1/accreditations/{number}/questions/{question_id}/answer",
        record::AnswerInput,
        VIEW
    ),
    (
        "/api/v1/accreditations/{number}/suspension",
        record::SuspensionInput,
        VIEW
    ),
    (
        "/api/v1/accreditations/{number}/suspension/lift",
        record::LiftInput,
        VIEW
    ),
    ("/api/v1/accreditations/{number}/lapse", record::LapseInput, VIEW),
    (
        "/api/v1/accreditations/{number}/revocation",
        record::RevocationInput,
        VIEW
    ),
    (
        "/api/v1/accreditations/{number}/reviews",
        record::ReviewInput,
        CREATED
    ),
    (
        "/api/v1/accreditations/{number}/reviews/{review_id}/requests",
        record::ReviewItemInput,
        CREATED
    ),
    (
        "/api/v1/accreditations/{number}/reviews/{review_id}/requests/{item_id}/fulfilment",
        record::FulfilmentInput,
        VIEW
    ),
    (
        "/api/v1/accreditations/{number}/reviews/{review_id}/site-visit",
        record::ReviewVisitInput,
        VIEW
    ),
    (
        "/api/v1/accreditations/{number}/reviews/{review_id}/revocation-request",
        record::RevocationRequestInput,
        VIEW
    ),
    (
        "/api/v1/accreditations/{number}/reviews/{review_id}/answers",
        record::MemberAnswerInput,
        CREATED
    ),
    (
        "/api/v1/accreditations/{number}/reviews/{review_id}/closure",
        record::ClosureInput,
        VIEW
    ),
    (
        "/api/v1/accreditations/{number}/certificates",
        record::CertificateInput,
        CREATED
    ),
    (
        "/api/v1/accreditations/{number}/certificates/reissue-invoice",
        record::ReissueInput,
        CREATED
    ),
];
