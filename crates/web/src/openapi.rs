//! `GET /api/v1/openapi.json` (OpenAPI 3.1 of the whole API) and `GET /api/docs` (Swagger UI, vendored).
//!
//! The document is built from one table of operations; a test checks that every `/api` route of the router is
//! documented and every documented path is routed.

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value, json};

/// One documented operation: method, path, tag, summary, request body schema (if any), success status and schema.
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub auth: bool,
    pub body: Option<fn() -> Value>,
    pub ok: u16,
    pub response: fn() -> Value,
    pub errors: &'static [u16],
}

fn s(t: &str) -> Value {
    json!({"type": t})
}
fn obj(props: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": props, "required": required})
}
fn id() -> Value {
    obj(json!({"id": s("string")}), &["id"])
}
fn any() -> Value {
    json!({"type": "object"})
}
fn text() -> Value {
    s("string")
}

fn account_change_body() -> Value {
    obj(
        json!({"name": text(), "role": text(), "organization_id": text(), "active": s("boolean")}),
        &[],
    )
}
fn account_response() -> Value {
    obj(
        json!({"id": text(), "email": text(), "name": text(), "role": text(), "organization_id": text(),
               "active": s("boolean"), "totp_enabled": s("boolean")}),
        &["id", "email", "name", "role", "active"],
    )
}
fn organization_body() -> Value {
    obj(
        json!({
            "name": s("string"),
            "legal_form": {"type": "string", "enum": ["kabushiki_kaisha", "godo_kaisha", "iryo_hojin", "ippan_zaidan",
                "ippan_shadan", "koeki_zaidan", "koeki_shadan", "npo_hojin", "gakko_hojin", "shakai_fukushi_hojin", "llp", "other"]},
            "corporate_number": {"type": ["string", "null"], "pattern": "^[0-9]{13}$", "description": "法人番号 (check digit verified)"},
            "prefecture": {"type": "string", "pattern": "^(0[1-9]|[1-3][0-9]|4[0-7])$", "description": "JIS code 01–47"},
            "address": s("string"),
            "representative": s("string"),
            "contact": obj(json!({"name": s("string"), "email": s("string"), "phone": s("string")}), &["name", "email", "phone"]),
        }),
        &[
            "name",
            "legal_form",
            "prefecture",
            "address",
            "representative",
            "contact",
        ],
    )
}

fn token_body() -> Value {
    obj(
        json!({"email": s("string"), "password": s("string"), "totp": {"type": "string", "description": "required when the account has TOTP enrolled"}}),
        &["email", "password"],
    )
}
fn token_response() -> Value {
    obj(
        json!({"token": s("string"), "expires_at": {"type": "string", "format": "date-time"}}),
        &["token", "expires_at"],
    )
}
fn me_response() -> Value {
    obj(
        json!({"id": s("string"), "email": s("string"), "name": s("string"), "role": s("string"), "organization_id": {"type": ["string", "null"]}}),
        &["id", "email", "name", "role", "organization_id"],
    )
}
fn tasks_response() -> Value {
    let item = obj(
        json!({"kind": s("string"), "title": s("string"), "record_type": s("string"), "record_id": s("string"),
               "due_on": {"type": ["string", "null"], "format": "date"}, "overdue": s("boolean"), "link": s("string")}),
        &[
            "kind",
            "title",
            "record_type",
            "record_id",
            "due_on",
            "overdue",
            "link",
        ],
    );
    obj(
        json!({"items": {"type": "array", "items": item}, "counts": {"type": "object", "additionalProperties": s("integer")}}),
        &["items", "counts"],
    )
}
fn reset_request_body() -> Value {
    obj(json!({"email": s("string")}), &["email"])
}
fn new_password_body() -> Value {
    obj(
        json!({"password": {"type": "string", "minLength": 12, "maxLength": 128}}),
        &["password"],
    )
}
/// Marks an answer without a body (202, 204).
fn no_content() -> Value {
    Value::Null
}
fn user_body() -> Value {
    obj(
        json!({"email": s("string"), "name": s("string"), "role": {"type": "string", "enum": ["admin", "office", "head", "coordinator", "surveyor", "committee", "organization"]},
               "organization_id": {"type": ["string", "null"]}, "password": {"type": "string", "minLength": 12, "maxLength": 128}}),
        &["email", "name", "role"],
    )
}
fn site_body() -> Value {
    obj(
        json!({"name": s("string"), "prefecture": s("string"), "address": s("string")}),
        &["name", "prefecture", "address"],
    )
}
fn token_list_response() -> Value {
    let item = obj(
        json!({"id": s("string"), "created_at": s("string"), "expires_at": s("string"), "current": s("boolean")}),
        &["id", "created_at", "expires_at", "current"],
    );
    obj(json!({"items": {"type": "array", "items": item}}), &["items"])
}
fn conflict_body() -> Value {
    obj(
        json!({"user_id": s("string"), "organization_id": s("string"), "reason": s("string")}),
        &["user_id", "organization_id", "reason"],
    )
}

/// The operations of the foundation; the scheme modules add theirs through [`more_ops`].
pub const FOUNDATION: &[Op] = &[
    Op {
        method: "post",
        path: "/api/v1/auth/token",
        tag: "auth",
        summary: "E-mail and password (and TOTP) for a bearer token",
        auth: false,
        body: Some(token_body),
        ok: 200,
        response: token_response,
        errors: &[400, 401, 429],
    },
    Op {
        method: "get",
        path: "/api/v1/auth/tokens",
        tag: "auth",
        summary: "The caller's own live tokens (id, created_at, expires_at, current), never their secrets",
        auth: true,
        body: None,
        ok: 200,
        response: token_list_response,
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
        ok: 204,
        response: no_content,
        errors: &[401, 404],
    },
    Op {
        method: "get",
        path: "/api/v1/me",
        tag: "auth",
        summary: "The caller's account",
        auth: true,
        body: None,
        ok: 200,
        response: me_response,
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
        ok: 200,
        response: tasks_response,
        errors: &[401],
    },
    Op {
        method: "post",
        path: "/api/v1/users",
        tag: "auth",
        summary: "Create a user (admin)",
        auth: true,
        body: Some(user_body),
        ok: 201,
        response: id,
        errors: &[400, 401, 403, 409],
    },
    Op {
        method: "patch",
        path: "/api/v1/users/{id}",
        tag: "auth",
        summary: "Change a user's name, role, organization or whether it may sign in (admin); disabling it or \
                  changing its role ends its sessions and API tokens; the last active administrator stays one (409)",
        auth: true,
        body: Some(account_change_body),
        ok: 200,
        response: account_response,
        errors: &[400, 401, 403, 404, 409],
    },
    Op {
        method: "post",
        path: "/api/v1/users/{id}/password-reset",
        tag: "auth",
        summary: "Mail a user a password-reset link (admin): 202; 409 for a disabled account",
        auth: true,
        body: None,
        ok: 202,
        response: no_content,
        errors: &[401, 403, 404, 409, 429],
    },
    Op {
        method: "post",
        path: "/api/v1/organizations",
        tag: "organizations",
        summary: "Create an organization (office, admin)",
        auth: true,
        body: Some(organization_body),
        ok: 201,
        response: id,
        errors: &[400, 401, 403, 409],
    },
    Op {
        method: "get",
        path: "/api/v1/organizations/{id}",
        tag: "organizations",
        summary: "An organization with its sites",
        auth: true,
        body: None,
        ok: 200,
        response: any,
        errors: &[401, 404],
    },
    Op {
        method: "post",
        path: "/api/v1/organizations/{id}/sites",
        tag: "organizations",
        summary: "Add a counseling room (REG-2)",
        auth: true,
        body: Some(site_body),
        ok: 201,
        response: id,
        errors: &[400, 401, 403, 404],
    },
    Op {
        method: "post",
        path: "/api/v1/conflicts",
        tag: "organizations",
        summary: "Declare a conflict of interest (ACC-8)",
        auth: true,
        body: Some(conflict_body),
        ok: 201,
        response: id,
        errors: &[400, 401, 404],
    },
    Op {
        method: "post",
        path: "/api/v1/public/password-resets",
        tag: "auth",
        summary: "Ask for a password reset link by mail: 202 for known and unknown addresses alike (3 per address \
                  and 20 per client address an hour, then 429)",
        auth: false,
        body: Some(reset_request_body),
        ok: 202,
        response: no_content,
        errors: &[400, 429],
    },
    Op {
        method: "post",
        path: "/api/v1/public/password-resets/{token}",
        tag: "auth",
        summary: "Set a new password through a mailed link (valid 1 hour, once): 204 and every session and token of \
                  the account ended; 404 for a used or expired link; 400 for a weak password",
        auth: false,
        body: Some(new_password_body),
        ok: 204,
        response: no_content,
        errors: &[400, 404],
    },
    Op {
        method: "get",
        path: "/api/v1/openapi.json",
        tag: "meta",
        summary: "This document",
        auth: false,
        body: None,
        ok: 200,
        response: any,
        errors: &[],
    },
];

/// Operations documented by other modules (accreditation, registration, public), appended as they land.
pub fn more_ops() -> Vec<&'static Op> {
    vec![&PUBLIC_REGISTRATION]
}

fn registration_verification() -> Value {
    let date = || json!({"type": "string", "format": "date"});
    obj(
        json!({
            "number": {"type": "string", "pattern": "^REG-[0-9]{4}-[0-9]{4}$"},
            "organization_name": s("string"),
            "site_name": s("string"),
            "prefecture": {"type": "string", "description": "JIS code 01–47"},
            "address": s("string"),
            "registered_on": date(),
            "expires_on": date(),
            "status": {"type": "string", "enum": ["registered", "expired", "abolished", "deregistered"]},
            "ended_on": {"type": ["string", "null"], "format": "date", "description": "an extension: the day an ended registration ended"},
            "disclosure": {"type": "object", "description": "the REG-3 1(3)イ items, only while registered"},
        }),
        &[
            "number",
            "organization_name",
            "site_name",
            "prefecture",
            "address",
            "registered_on",
            "expires_on",
            "status",
        ],
    )
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
    ok: 200,
    response: registration_verification,
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

/// Adds an operation for every `/api` route of the router that the detailed table does not describe, so the
/// document lists the whole API (a test checks it against the route table).
fn add_routed(paths: &mut Map<String, Value>) {
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
        let (tag, summary) = summary_for(route.path);
        let public = route.path.starts_with("/api/v1/public/");
        let mut op = json!({
            "tags": [tag],
            "summary": summary,
            "responses": {
                "200": {"description": "success", "content": {"application/json": {"schema": any()}}},
                "201": {"description": "created", "content": {"application/json": {"schema": any()}}},
                "400": {"description": "problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                "404": {"description": "problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                "409": {"description": "problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            }
        });
        if let Some(o) = op.as_object_mut() {
            if !public {
                o.insert("security".into(), json!([{"bearer": []}]));
            }
            if method == "post" && route.path.ends_with("/files") {
                // Uploads: multipart, and 413 over the limit.
                o.insert(
                    "requestBody".into(),
                    json!({"required": true, "content": {"multipart/form-data": {"schema": {
                        "type": "object", "required": ["file", "purpose"],
                        "properties": {"file": {"type": "string", "format": "binary"},
                                       "purpose": {"type": "string"}, "standard": {"type": "string"}}}}}}),
                );
                if let Some(r) = o.get_mut("responses").and_then(Value::as_object_mut) {
                    r.insert("413".into(), json!({"description": "problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}));
                }
            } else if method == "post" || method == "put" {
                o.insert(
                    "requestBody".into(),
                    json!({"required": true, "content": {"application/json": {"schema": any()}}}),
                );
            }
            let params: Vec<Value> = route
                .params()
                .into_iter()
                .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
                .collect();
            if !params.is_empty() {
                o.insert("parameters".into(), Value::Array(params));
            }
        }
        e.insert(method, op);
    }
}

pub fn document() -> Value {
    let mut paths = Map::new();
    for op in all_ops() {
        let mut responses = Map::new();
        let schema = (op.response)();
        let success = if schema.is_null() {
            json!({"description": "success, no body"})
        } else {
            json!({"description": "success", "content": {"application/json": {"schema": schema}}})
        };
        responses.insert(op.ok.to_string(), success);
        for e in op.errors {
            responses.insert(
                e.to_string(),
                json!({"description": "problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}),
            );
        }
        let mut operation = json!({"tags": [op.tag], "summary": op.summary, "responses": responses});
        if let Some(body) = op.body
            && let Some(o) = operation.as_object_mut()
        {
            o.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": body()}}}),
            );
        }
        if let Some(o) = operation.as_object_mut() {
            if op.auth {
                o.insert("security".into(), json!([{"bearer": []}]));
            }
            if op.path.contains('{') {
                let params: Vec<Value> = op
                    .path
                    .split('/')
                    .filter_map(|seg| seg.strip_prefix('{').and_then(|x| x.strip_suffix('}')))
                    .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
                    .collect();
                o.insert("parameters".into(), Value::Array(params));
            }
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        if let Some(e) = entry.as_object_mut() {
            e.insert(op.method.to_owned(), operation);
        }
    }
    add_routed(&mut paths);
    json!({
        "openapi": "3.1.0",
        "info": {"title": "nintei API", "version": "1", "description": "Registration (REG) and accreditation (ACC) of mental-health service providers. Rule IDs refer to docs/rules.md. Errors are RFC 9457 problem+json; `Idempotency-Key` is honored on state-changing requests."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Problem": {"type": "object", "properties": {
                "type": text(), "title": text(), "status": s("integer"), "detail": text(),
                "errors": {"type": "array", "items": {"type": "object", "properties": {"field": text(), "message": text()}}}
            }, "required": ["type", "title", "status", "detail"]}}
        }
    })
}

pub async fn openapi_json() -> Json<Value> {
    Json(document())
}

const SWAGGER_JS: &str = include_str!("../assets/swagger/swagger-ui-bundle.js");
const SWAGGER_CSS: &str = include_str!("../assets/swagger/swagger-ui.css");
const SWAGGER_INIT: &str = include_str!("../assets/swagger/init.js");

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
