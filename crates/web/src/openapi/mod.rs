//! `GET /api/v1/openapi.json` (OpenAPI 3.1 of the whole API) and `GET /api/docs` (Swagger UI, vendored).
//!
//! The document is built from one table of operations; a test checks that every `/api` route of the router is
//! documented and every documented path is routed.

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value, json};

mod io;
pub mod schema;

use schema::{Answer, Components, Io, SchemaFn, typed};

use crate::api::answers::{Account, Created, IssuedToken, Items, Me, OrganizationWithSites, TaskList};

/// One documented operation: method, path, tag, summary, request body schema (if any), success answer.
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub auth: bool,
    pub body: Option<SchemaFn>,
    pub answer: Answer,
    pub errors: &'static [u16],
}

const CREATED: Answer = Answer::Json(201, typed::<Created>);

/// The operations of the foundation; the scheme modules add theirs through [`more_ops`].
pub const FOUNDATION: &[Op] = &[
    Op {
        method: "post",
        path: "/api/v1/auth/token",
        tag: "auth",
        summary: "E-mail and password (and TOTP) for a bearer token",
        auth: false,
        body: Some(typed::<crate::api::auth_token::TokenRequest>),
        answer: Answer::Json(200, typed::<IssuedToken>),
        errors: &[400, 401, 429],
    },
    Op {
        method: "get",
        path: "/api/v1/auth/tokens",
        tag: "auth",
        summary: "The caller's own live tokens (id, created_at, expires_at, current), never their secrets",
        auth: true,
        body: None,
        answer: Answer::Json(200, typed::<Items<nintei_app::tokens::TokenInfo>>),
        errors: &[401],
    },
    Op {
        method: "delete",
        path: "/api/v1/auth/tokens/{id}",
        tag: "auth",
        summary: "Revoke one of the caller's own tokens (the current one included): 204; another user's or an \
                  ended token is 404",
        auth: true,
        body: None,
        answer: Answer::Empty(204),
        errors: &[401, 404],
    },
    Op {
        method: "get",
        path: "/api/v1/me",
        tag: "auth",
        summary: "The caller's account",
        auth: true,
        body: None,
        answer: Answer::Json(200, typed::<Me>),
        errors: &[401],
    },
    Op {
        method: "get",
        path: "/api/v1/me/tasks",
        tag: "auth",
        summary: "The caller's work queue: every item whose next step is the caller's (applications to check, \
                  votes to cast, ratings to make, deadlines to meet …), overdue first, with the count per kind; each \
                  item only if the caller may see its record",
        auth: true,
        body: None,
        answer: Answer::Json(200, typed::<TaskList>),
        errors: &[401],
    },
    Op {
        method: "post",
        path: "/api/v1/users",
        tag: "auth",
        summary: "Create a user (admin)",
        auth: true,
        body: Some(typed::<crate::api::users::CreateUser>),
        answer: CREATED,
        errors: &[400, 401, 403, 409],
    },
    Op {
        method: "patch",
        path: "/api/v1/users/{id}",
        tag: "auth",
        summary: "Change a user's name, role, organization or whether it may sign in (admin); disabling it or \
                  changing its role ends its sessions and API tokens; the last active administrator stays one (409)",
        auth: true,
        body: Some(typed::<nintei_app::account::AccountChange>),
        answer: Answer::Json(200, typed::<Account>),
        errors: &[400, 401, 403, 404, 409],
    },
    Op {
        method: "post",
        path: "/api/v1/users/{id}/password-reset",
        tag: "auth",
        summary: "Mail a user a password-reset link (admin): 202; 409 for a disabled account",
        auth: true,
        body: None,
        answer: Answer::Empty(202),
        errors: &[401, 403, 404, 409, 429],
    },
    Op {
        method: "post",
        path: "/api/v1/organizations",
        tag: "organizations",
        summary: "Create an organization (office, admin)",
        auth: true,
        body: Some(typed::<nintei_app::org::OrganizationInput>),
        answer: CREATED,
        errors: &[400, 401, 403, 409],
    },
    Op {
        method: "get",
        path: "/api/v1/organizations/{id}",
        tag: "organizations",
        summary: "An organization with its sites",
        auth: true,
        body: None,
        answer: Answer::Json(200, typed::<OrganizationWithSites>),
        errors: &[401, 404],
    },
    Op {
        method: "post",
        path: "/api/v1/organizations/{id}/sites",
        tag: "organizations",
        summary: "Add a counseling room (REG-2)",
        auth: true,
        body: Some(typed::<nintei_app::org::SiteInput>),
        answer: CREATED,
        errors: &[400, 401, 403, 404],
    },
    Op {
        method: "post",
        path: "/api/v1/organizations/{id}/changes",
        tag: "organizations",
        summary: "Notify a change of the organization's name, representative or contact (REG-6): the record after \
                  the change",
        auth: true,
        body: Some(typed::<nintei_app::org::IdentityChangeInput>),
        answer: Answer::Json(200, typed::<nintei_store::organizations::Organization>),
        errors: &[400, 401, 403, 404],
    },
    Op {
        method: "post",
        path: "/api/v1/conflicts",
        tag: "organizations",
        summary: "Declare a conflict of interest (ACC-8)",
        auth: true,
        body: Some(typed::<nintei_app::conflicts::ConflictInput>),
        answer: CREATED,
        errors: &[400, 401, 404],
    },
    Op {
        method: "post",
        path: "/api/v1/public/password-resets",
        tag: "auth",
        summary: "Ask for a password reset link by mail: 202 for known and unknown addresses alike (3 per address \
                  and 20 per client address an hour, then 429)",
        auth: false,
        body: Some(typed::<crate::api::recovery::ResetRequest>),
        answer: Answer::Empty(202),
        errors: &[400, 429],
    },
    Op {
        method: "post",
        path: "/api/v1/public/password-resets/{token}",
        tag: "auth",
        summary: "Set a new password through a mailed link (valid 1 hour, once): 204 and every session and token of \
                  the account ended; 404 for a used or expired link; 400 for a weak password",
        auth: false,
        body: Some(typed::<crate::api::recovery::NewPassword>),
        answer: Answer::Empty(204),
        errors: &[400, 404],
    },
    Op {
        method: "get",
        path: "/api/v1/openapi.json",
        tag: "meta",
        summary: "This document",
        auth: false,
        body: None,
        answer: Answer::Json(200, openapi_schema),
        errors: &[],
    },
];

/// The document itself: an OpenAPI 3.1 object.
fn openapi_schema(_: &mut Components) -> Value {
    json!({"type": "object", "required": ["openapi", "info", "paths"], "properties": {
        "openapi": {"type": "string"}, "info": {"type": "object"}, "paths": {"type": "object"},
        "components": {"type": "object"}}})
}

/// Operations documented by other modules (accreditation, registration, public), appended as they land.
pub fn more_ops() -> Vec<&'static Op> {
    vec![&PUBLIC_REGISTRATION]
}

/// REG-4, REG-5: the public verification of a registration number.
pub static PUBLIC_REGISTRATION: Op = Op {
    method: "get",
    path: "/api/v1/public/registrations/{number}",
    tag: "public",
    summary: "Verify a registration number (REG-4, REG-5): its status judged by the dates at the moment of the \
              request, the term in force, and the published items while registered; 404 for an unknown number",
    auth: false,
    body: None,
    answer: Answer::Json(200, typed::<nintei_app::directory::RegistrationVerification>),
    errors: &[404],
};

pub fn all_ops() -> Vec<&'static Op> {
    FOUNDATION.iter().chain(more_ops()).collect()
}

/// Tag and summary of the scheme endpoints beyond the foundation's detailed table (API.md "Accreditation cases",
/// "Registration cases", "Public" and their extensions), by path prefix; the most specific prefix wins.
const SUMMARIES: &[(&str, &str, &str)] = &[
    (
        "/api/v1/accreditation/standards",
        "accreditation",
        "The standards catalog in force (ACC-9)",
    ),
    (
        "/api/v1/accreditation/cases",
        "accreditation",
        "Accreditation cases (ACC-1 … ACC-12, ACC-22)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/eligibility",
        "accreditation",
        "Eligibility decision (ACC-1, ACC-4)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/plan",
        "accreditation",
        "Review plan (ACC-5)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/self-study",
        "accreditation",
        "Self-study submission (ACC-6)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/surveyors",
        "accreditation",
        "Assign a surveyor (ACC-7, ACC-8)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/ratings",
        "accreditation",
        "Ratings 1..4 per standard (ACC-9)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/assessment",
        "accreditation",
        "Assessment against ACC-9",
    ),
    (
        "/api/v1/accreditation/cases/{id}/report",
        "accreditation",
        "Site-visit report (ACC-10)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/response",
        "accreditation",
        "The organization's response (ACC-10)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/votes",
        "accreditation",
        "Committee votes (ACC-8, ACC-11)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/decision",
        "accreditation",
        "Committee decision (ACC-11)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/notice",
        "accreditation",
        "Result notice sent / received (ACC-12)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/withdrawal",
        "accreditation",
        "Withdrawal (ACC-3)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/stop",
        "accreditation",
        "Stop a review (ACC-1)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/invoices",
        "accreditation",
        "Invoices and payments (ACC-22)",
    ),
    (
        "/api/v1/registration",
        "registration",
        "Registration of counseling institutions (REG-1 … REG-9)",
    ),
    (
        "/api/v1/registration/criteria",
        "registration",
        "The REG-3 criteria the applicant confirms",
    ),
    (
        "/api/v1/registration/cases",
        "registration",
        "Registration cases and review (REG-1 … REG-5)",
    ),
    (
        "/api/v1/registration/cases/{id}/files",
        "registration",
        "Registration documents uploaded with the application (multipart: file, purpose = basic_policies, \
         privacy_regulation, confidentiality_pledges, floor_plan, psychiatrist_contract, psychiatrist_records; \
         PDF/DOCX/XLSX/JPEG/PNG; REG-3) or their list; a document uploaded counts as enclosed",
    ),
    (
        "/api/v1/registration/cases/{id}/files/{file_id}",
        "registration",
        "Download a registration document (attachment, nosniff; audited)",
    ),
    (
        "/api/v1/registration/changes",
        "registration",
        "Change notices (REG-6)",
    ),
    (
        "/api/v1/registration/reports",
        "registration",
        "Public reports received (REG-7)",
    ),
    (
        "/api/v1/registration/investigations/{id}/document-requests",
        "registration",
        "A deregistration case's document requests with the institution's answers (GET, whoever sees the case), \
         or a new request (POST, office; REG-7)",
    ),
    (
        "/api/v1/registration/investigations/{id}/document-requests/{rid}/files",
        "registration",
        "The institution answers a document request with one file (multipart: file, note?, answered_on? not \
         before the request nor in the future; PDF/DOCX/XLSX/JPEG/PNG; REG-7)",
    ),
    (
        "/api/v1/registration/investigations/{id}/files/{file_id}",
        "registration",
        "Download a file answering a document request (attachment, nosniff; audited)",
    ),
    (
        "/api/v1/registration/investigations",
        "registration",
        "Deregistration cases (REG-7)",
    ),
    (
        "/api/v1/registration/trainings",
        "registration",
        "Training sessions and attendance (REG-9)",
    ),
    (
        "/api/v1/registrations",
        "registration",
        "Registrations: renewal (REG-4), changes and abolition (REG-6)",
    ),
    (
        "/api/v1/public",
        "public",
        "Public information (ACC-22, ACC-23, REG-5, REG-7, REG-8)",
    ),
    ("/api/v1/public/fee-estimate", "public", "Fee estimate (ACC-22)"),
    (
        "/api/v1/public/registrations",
        "public",
        "Registered counseling rooms (REG-5): ?q=&prefecture=&method=, and (an extension) ?day=weekday|saturday|holiday \
         &evening=1 over the disclosed hours",
    ),
    (
        "/api/v1/public/reports",
        "public",
        "A public report about a registered institution (REG-7)",
    ),
    // appeals (ACC-21), renewal (ACC-19), scope changes (ACC-20).
    (
        "/api/v1/accreditation/cases/{id}/appeals",
        "accreditation",
        "Appeal against an ineligibility decision or a denial (ACC-21): the four required items and the supporting \
         material, within 1 month from the day after the decision became known (art. 142 per the office setting); \
         late → 409",
    ),
    (
        "/api/v1/accreditations/{number}/appeals",
        "accreditation",
        "Appeal against a revocation (ACC-21); 409 unless the accreditation is revoked or when late",
    ),
    (
        "/api/v1/accreditation/appeals",
        "accreditation",
        "Appeals (ACC-21): review due 2 months from receipt, extended by information requests; members' answers \
         to the head's poll; decision upheld/overturned in a meeting or by polling, only by members not involved \
         in the decision appealed and without conflict (ACC-8); a cost charge for an appeal without justifiable \
         reason",
    ),
    (
        "/api/v1/accreditations/{number}/renewal",
        "accreditation",
        "Renewal application (ACC-19): a case of kind renewal through the same review flow and fees",
    ),
    (
        "/api/v1/accreditation/cases/{id}/extension",
        "accreditation",
        "Extension of validity during a renewal review (ACC-19): the organization asks with reasons; the office \
         grants or refuses",
    ),
    (
        "/api/v1/accreditations/{number}/services",
        "accreditation",
        "Adding services (ACC-20): ≥6 months of track record, reviewed on the added services' standards, \
         ¥60,000 per service; validity unchanged",
    ),
    (
        "/api/v1/accreditations/{number}/service-endings",
        "accreditation",
        "Ending an accredited service (ACC-20): services updated, certificate return and reissue recorded",
    ),
    // The accreditation after the decision
    (
        "/api/v1/accreditations",
        "accreditation",
        "Accreditations: the record with status, services, dates and history (ACC-13 … ACC-18, ACC-23)",
    ),
    (
        "/api/v1/accreditations/{number}/annual-reports",
        "accreditation",
        "Annual maintenance report, due in the accreditation month; late ones flagged (ACC-14)",
    ),
    (
        "/api/v1/accreditations/{number}/questions",
        "accreditation",
        "The office's written questions on a report and the organization's answers (ACC-14, ACC-15)",
    ),
    (
        "/api/v1/accreditations/{number}/suspension",
        "accreditation",
        "Suspension after a late annual report, and lifting it (ACC-14)",
    ),
    (
        "/api/v1/accreditations/{number}/self-reports",
        "accreditation",
        "Self-reports of the six events with their deadlines (ACC-15)",
    ),
    (
        "/api/v1/accreditations/{number}/lapse",
        "accreditation",
        "Lapse on closure, end of all services or withdrawal (ACC-17; expiry by the daily job)",
    ),
    (
        "/api/v1/accreditations/{number}/revocation",
        "accreditation",
        "Revocation on its grounds, decided in a meeting or by poll, with the written notice (ACC-18)",
    ),
    (
        "/api/v1/accreditations/{number}/reviews",
        "accreditation",
        "Compliance reviews: requests, findings, site visit, revocation request and members' answers (ACC-16)",
    ),
    (
        "/api/v1/accreditations/{number}/certificates",
        "accreditation",
        "Certificates: issued once every fee is paid; reissue invoices ¥3,000 (ACC-22)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/self-study/narratives",
        "accreditation",
        "Save one section's self-study narrative (ACC-6)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/self-study/confirmation",
        "accreditation",
        "The representative's confirmation, required before submission (ACC-6)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/self-study/format-check",
        "accreditation",
        "The office's format check: accepted or fixes requested (ACC-6)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/self-study/resubmission",
        "accreditation",
        "Resubmit the self-study after the requested fixes (ACC-6)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/files",
        "accreditation",
        "Upload (multipart: file, purpose, standard; PDF/DOCX/XLSX/JPEG/PNG, 20 MiB) or list the case's files (ACC-3, ACC-6)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/files/{file_id}",
        "accreditation",
        "Download a file (attachment, nosniff; audited)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/questionnaires",
        "accreditation",
        "Questionnaire counts and (for staff) anonymous answers (ACC-6)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/questionnaires/links",
        "accreditation",
        "Issue one-time anonymous questionnaire links (ACC-6)",
    ),
    (
        "/api/v1/public/questionnaires",
        "public",
        "An anonymous questionnaire through a one-time link (ACC-6)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/unit-decision",
        "accreditation",
        "The head's decision whether a department qualifies as the unit {qualifies, decided_on, reason?}; the office accepts a department only after qualifies=true (ACC-2)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection",
        "accreditation",
        "The organization asks for another surveyor {reason} → 201 (ACC-8)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection/decision",
        "accreditation",
        "The office decides an objection {upheld, decided_on}; upheld removes the assignment (ACC-8)",
    ),
    (
        "/api/v1/accreditation/cases/{id}/site-visit/schedule",
        "accreditation",
        "The site-visit timetable, generated from the standard 1.5-day schedule; PUT {items: [{date, start, end, title, note?}]} by the office or the lead surveyor (ACC-7)",
    ),
    (
        "/api/v1/surveyors/{user_id}/engagements",
        "accreditation",
        "A surveyor's engagements with organizations and cooling-offs; POST {organization_id, kind, started_on, note?} → 201 with warnings within the 6-month cooling-off (ACC-8)",
    ),
];

fn summary_for(path: &str) -> (&'static str, &'static str) {
    SUMMARIES
        .iter()
        .filter(|(prefix, ..)| path.starts_with(prefix))
        .max_by_key(|(prefix, ..)| prefix.len())
        .map(|(_, tag, summary)| (*tag, *summary))
        .unwrap_or(("other", "See API.md"))
}

fn problem() -> Value {
    json!({"description": "problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|x| x.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect()
}

fn json_body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

/// Adds an operation for every `/api` route of the router that the detailed table does not describe, with its
/// request and answer from [`io::ALL`], so the document lists the whole API (a test checks it against the route
/// table).
fn add_routed(paths: &mut Map<String, Value>, c: &mut Components) {
    let ios: Vec<&Io> = io::ALL.iter().flat_map(|t| t.iter()).collect();
    for route in crate::route_table() {
        if !route.path.starts_with("/api/") {
            continue;
        }
        let method = route.method.as_str().to_lowercase();
        let entry = paths.entry(route.path.to_owned()).or_insert_with(|| json!({}));
        let Some(e) = entry.as_object_mut() else { continue };
        if e.contains_key(&method) {
            continue;
        }
        let io = ios.iter().find(|io| io.method == method && io.path == route.path);
        let (tag, summary) = summary_for(route.path);
        let public = route.path.starts_with("/api/v1/public/");
        let answer = io.map_or(Answer::Untyped(if method == "post" { 201 } else { 200 }), |io| {
            io.answer
        });
        let mut responses = Map::new();
        responses.insert(answer.status().to_string(), answer.response(c));
        for status in ["400", "404", "409"] {
            responses.insert(status.into(), problem());
        }
        let mut o = Map::new();
        o.insert("tags".into(), json!([tag]));
        o.insert("summary".into(), json!(summary));
        if !public {
            o.insert("security".into(), json!([{"bearer": []}]));
        }
        if (method == "post" || method == "put") && route.path.ends_with("/files") {
            // Uploads: multipart, and 413 over the limit.
            o.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file", "purpose"],
                    "properties": {"file": {"type": "string", "format": "binary"},
                                   "purpose": {"type": "string"}, "standard": {"type": "string"}}}}}}),
            );
            responses.insert("413".into(), problem());
        } else if let Some(body) = io.and_then(|io| io.body) {
            o.insert("requestBody".into(), json_body(body(c)));
        } else if io.is_none() && (method == "post" || method == "put") {
            o.insert("requestBody".into(), json_body(json!({"type": "object"})));
        }
        let mut params = path_parameters(route.path);
        if let Some(query) = io.and_then(|io| io.query) {
            params.extend(schema::query_parameters(&query(c)));
        }
        if !params.is_empty() {
            o.insert("parameters".into(), Value::Array(params));
        }
        o.insert("responses".into(), Value::Object(responses));
        e.insert(method, Value::Object(o));
    }
}

pub fn document() -> Value {
    let mut c = Components::default();
    let mut paths = Map::new();
    for op in all_ops() {
        let mut responses = Map::new();
        responses.insert(op.answer.status().to_string(), op.answer.response(&mut c));
        for e in op.errors {
            responses.insert(e.to_string(), problem());
        }
        let mut o = Map::new();
        o.insert("tags".into(), json!([op.tag]));
        o.insert("summary".into(), json!(op.summary));
        if let Some(body) = op.body {
            o.insert("requestBody".into(), json_body(body(&mut c)));
        }
        if op.auth {
            o.insert("security".into(), json!([{"bearer": []}]));
        }
        let params = path_parameters(op.path);
        if !params.is_empty() {
            o.insert("parameters".into(), Value::Array(params));
        }
        o.insert("responses".into(), Value::Object(responses));
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        if let Some(e) = entry.as_object_mut() {
            e.insert(op.method.to_owned(), Value::Object(o));
        }
    }
    add_routed(&mut paths, &mut c);
    let mut schemas = c.schemas;
    schemas.insert(
        "Problem".into(),
        json!({"type": "object", "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {
                "field": {"type": "string"}, "message": {"type": "string"}}}}
        }, "required": ["type", "title", "status", "detail"]}),
    );
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "nintei API", "version": "1", "description": "Registration (REG) and accreditation (ACC) of mental-health service providers. Rule IDs refer to docs/rules.md. Errors are RFC 9457 problem+json; `Idempotency-Key` is honored on state-changing requests."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        }
    });
    if !c.clashes.is_empty()
        && let Some(o) = doc.as_object_mut()
    {
        // Two types under one schema name: the test of the document fails on this.
        o.insert("x-schema-clashes".into(), json!(c.clashes));
    }
    doc
}

pub async fn openapi_json() -> Json<Value> {
    Json(document())
}

const SWAGGER_JS: &str = include_str!("../../assets/swagger/swagger-ui-bundle.js");
const SWAGGER_CSS: &str = include_str!("../../assets/swagger/swagger-ui.css");
const SWAGGER_INIT: &str = include_str!("../../assets/swagger/init.js");

pub async fn docs_page() -> Html<&'static str> {
    Html(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>nintei API</title>\
         <link rel=\"stylesheet\" href=\"/assets/swagger/swagger-ui.css\"></head><body><div id=\"swagger-ui\"></div>\
         <script src=\"/assets/swagger/swagger-ui-bundle.js\"></script><script src=\"/assets/swagger/init.js\"></script>\
         </body></html>",
    )
}

fn asset(body: &'static str, ctype: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    r
}

pub async fn swagger_js() -> Response {
    asset(SWAGGER_JS, "text/javascript; charset=utf-8")
}
pub async fn swagger_css() -> Response {
    asset(SWAGGER_CSS, "text/css; charset=utf-8")
}
pub async fn swagger_init() -> Response {
    asset(SWAGGER_INIT, "text/javascript; charset=utf-8")
}
