//! The public directory's search operations (API.md "Public", REG-5, ACC-23): their query parameters and answers.
//! The answers are sent from the directory's cache as JSON text, serialized from the types named here.

use nintei_app::directory::{AccreditationItem, PublicPage, RegistrationItem};

use crate::openapi::schema::{Answer, Io, io, typed};

/// The paging parameters of both searches.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Paging {
    /// The page, from 1 (API.md).
    #[schema(minimum = 1)]
    page: Option<u32>,
    /// Listings per page, 1–200, default 50 (API.md).
    #[schema(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The older form of paging, still accepted: listings per page, 1–200.
    #[schema(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    /// The older form of paging, still accepted: listings skipped.
    #[schema(minimum = 0)]
    offset: Option<u32>,
}

/// `GET /api/v1/public/registrations`: every parameter optional; a bad one is a 400 naming it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct RegistrationQuery {
    /// Words in the name, room, address or disclosed items (normalized as the index is: width, kana, case).
    q: Option<String>,
    /// The room's prefecture, JIS code `01`–`47`.
    #[schema(pattern = "^(0[1-9]|[1-3][0-9]|4[0-7])$")]
    prefecture: Option<String>,
    /// A counseling method offered.
    #[schema(pattern = "^(face_to_face|phone|email|online)$")]
    method: Option<String>,
    /// Open on this kind of day (an extension of API.md).
    #[schema(pattern = "^(weekday|saturday|holiday)$")]
    day: Option<String>,
    /// Open after 18:00 on some day (`1` or `true`; an extension of API.md).
    evening: Option<bool>,
    #[serde(flatten)]
    #[schema(inline)]
    paging: Paging,
}

/// `GET /api/v1/public/accreditations`: every parameter optional; a bad one is a 400 naming it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AccreditationQuery {
    /// Words in the organization's name or its accredited services.
    q: Option<String>,
    /// The organization's prefecture, JIS code `01`–`47`.
    #[schema(pattern = "^(0[1-9]|[1-3][0-9]|4[0-7])$")]
    prefecture: Option<String>,
    /// An accredited service (ACC-23), `a`–`e`.
    #[schema(pattern = "^[a-e]$")]
    service: Option<String>,
    #[serde(flatten)]
    #[schema(inline)]
    paging: Paging,
}

pub const ALL: &[Io] = &[
    io(
        "get",
        "/api/v1/public/registrations",
        None,
        Answer::Json(200, typed::<PublicPage<RegistrationItem>>),
    )
    .with_query(typed::<RegistrationQuery>),
    io(
        "get",
        "/api/v1/public/accreditations",
        None,
        Answer::Json(200, typed::<PublicPage<AccreditationItem>>),
    )
    .with_query(typed::<AccreditationQuery>),
    io(
        "get",
        "/api/v1/public/accreditations/{number}",
        None,
        Answer::Json(200, typed::<AccreditationItem>),
    ),
];
