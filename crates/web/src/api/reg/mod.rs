//! API.md "Registration cases (REG)" and its extensions in the same conventions: criteria, cases and review
//! (REG-1 … REG-5), registrations with renewal, change notices and abolition (REG-4, REG-6), public reports and
//! deregistration cases (REG-7), training (REG-9). The rules live in `nintei_app::reg`, shared with the screens.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use nintei_domain::authz::Actor;
use nintei_domain::authz::reg::{self as authz, DeregistrationAction, RegGlobalAction};
use nintei_domain::reg::criteria::criteria;
use nintei_domain::reg::status::Status;
use nintei_store::reg_cases::{self, RegCase};
use nintei_store::reg_changes::{self, ChangeNotice};
use nintei_store::reg_investigations::{self as inv, Investigation};
use nintei_store::registrations::{self, Registration};
use nintei_store::{reg_reports, reg_trainings};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{ApiJson, created};
use crate::auth::{ApiCaller, ClientAddr};
use crate::error::{AppError, AppResult, WebResult};
use nintei_app::Caller;
use nintei_app::clock::jst;
use nintei_app::reg::{self, ApplicationInput};
use nintei_app::state::AppState;

pub mod files;
pub mod hearing;

const LIST_LIMIT: i64 = 500;

fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.with_timezone(&jst()).to_rfc3339())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------------------------
// Views

pub fn case_json(case: &RegCase, reg: Option<&Registration>, renewal_of: Option<&str>) -> Value {
    json!({
        "id": case.id,
        "organization_id": case.organization_id,
        "site_id": case.site_id,
        "status": case.status.as_str(),
        "version": case.version,
        "applied_on": case.applied_on,
        "renewal_of": renewal_of,
        "eligibility": case.eligibility,
        "criteria": case.criteria,
        "counselors": case.counselors,
        "psychiatrists": case.psychiatrists,
        "disclosure": case.disclosure,
        "documents": case.documents,
        "findings": case.findings,
        "decision": case.decision.map(|d| json!({
            "decision": d,
            "decided_on": case.decided_on,
            "reason": case.decision_reason,
        })),
        "registration": reg.map(|r| json!({
            "number": r.number,
            "registered_on": r.registered_on,
            "expires_on": r.expires_on,
            "status": r.status.as_str(),
        })),
    })
}

pub fn notice_json(n: &ChangeNotice, number: &str) -> Value {
    json!({
        "id": n.id,
        "registration_number": number,
        "status": n.status,
        "notified_on": n.notified_on,
        "changed_on": n.changed_on,
        "kinds": n.kinds,
        "changes": n.changes,
        "note": n.note,
        "findings": n.findings,
        "acknowledged_on": n.acknowledged_on,
        "closed_on": n.closed_on,
        "close_reason": n.close_reason,
    })
}

fn registration_summary(l: &registrations::Listed) -> Value {
    let r = &l.registration;
    json!({
        "number": r.number,
        "organization_id": r.organization_id,
        "organization_name": l.organization_name,
        "site_id": r.site_id,
        "site_name": l.site_name,
        "prefecture": l.prefecture,
        "address": l.address,
        "first_registered_on": r.first_registered_on,
        "registered_on": r.registered_on,
        "expires_on": r.expires_on,
        "status": r.status.as_str(),
        "ended_on": r.ended_on,
    })
}

async fn renewal_number(state: &AppState, case: &RegCase) -> WebResult<Option<String>> {
    Ok(match &case.renewal_of {
        Some(id) => registrations::by_id(state.db.pool(), id).await?.map(|r| r.number),
        None => None,
    })
}

async fn case_registration(state: &AppState, case: &RegCase) -> WebResult<Option<Registration>> {
    Ok(match &case.registration_id {
        Some(id) => registrations::by_id(state.db.pool(), id).await?,
        None => None,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Criteria and cases

/// `GET /api/v1/registration/criteria` (any signed-in user): every REG-3 item.
pub async fn criteria_list(ApiCaller(_caller): ApiCaller) -> Json<Value> {
    let items: Vec<Value> = criteria()
        .iter()
        .map(|c| json!({"code": c.code, "title": c.title, "section": c.section}))
        .collect();
    Json(json!({ "items": items }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CaseQuery {
    status: Option<String>,
}

/// `GET /api/v1/registration/cases`: the registrar sees all, an organization its own.
pub async fn list_cases(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<CaseQuery>,
) -> WebResult<Json<Value>> {
    let actor = caller.actor();
    let org = own_scope(&actor)?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(Status::parse(s).ok_or_else(|| AppError::field("status", "unknown status"))?),
        None => None,
    };
    let cases = reg_cases::list(state.db.pool(), org.as_deref(), status, LIST_LIMIT).await?;
    let items: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "organization_id": c.organization_id,
                "site_id": c.site_id,
                "status": c.status.as_str(),
                "applied_on": c.applied_on,
                "renewal": c.renewal_of.is_some(),
                "findings": c.findings.len(),
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// The organization a list is limited to: none for the registrar, the caller's own for an organization user,
/// 403 for other roles (lists name no particular record).
fn own_scope(actor: &Actor) -> AppResult<Option<String>> {
    if authz::global(actor, RegGlobalAction::ListAll).is_allowed() {
        return Ok(None);
    }
    match (&actor.organization_id, actor.role) {
        (Some(org), nintei_domain::role::Role::Organization) => Ok(Some(org.clone())),
        _ => Err(AppError::Forbidden),
    }
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
        Json(json!({"id": applied.id, "status": "submitted", "findings": applied.findings})),
    )
        .into_response()
}

/// `GET /api/v1/registration/cases/{id}` with `ETag: "<version>"`.
pub async fn show_case(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let case = reg::visible_case(&state, &caller, &id).await?;
    let reg = case_registration(&state, &case).await?;
    let renewal = renewal_number(&state, &case).await?;
    let mut resp = Json(case_json(&case, reg.as_ref(), renewal.as_deref())).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", case.version)) {
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
) -> WebResult<Json<Value>> {
    let expected = if_match(&headers)?;
    let r = reg::review(&state, &caller, &id, &input, expected).await?;
    let mut body = json!({"status": r.status.as_str()});
    if let (Some(reg), Some(obj)) = (&r.registration, body.as_object_mut()) {
        obj.insert(
            "registration".into(),
            json!({"number": reg.number, "registered_on": reg.registered_on, "expires_on": reg.expires_on}),
        );
    }
    Ok(Json(body))
}

// ---------------------------------------------------------------------------------------------------------------
// Registrations (REG-4, REG-6)

/// `GET /api/v1/registrations`: the registrar sees all, an organization its own.
pub async fn list_registrations(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<Value>> {
    let org = own_scope(&caller.actor())?;
    let regs = registrations::list(state.db.pool(), org.as_deref(), LIST_LIMIT).await?;
    let items: Vec<Value> = regs.iter().map(registration_summary).collect();
    Ok(Json(json!({ "items": items })))
}

/// `GET /api/v1/registrations/{number}`: the registration with its published data, cases and notices.
pub async fn show_registration(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
) -> WebResult<Json<Value>> {
    let reg = reg::visible_registration(&state, &caller, &number).await?;
    Ok(Json(registration_json(&state, &caller, &reg).await?))
}

pub async fn registration_json(state: &AppState, caller: &Caller, reg: &Registration) -> WebResult<Value> {
    let listed = registrations::listed_by_number(state.db.pool(), &reg.number)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut v = registration_summary(&listed);
    let cases = reg_cases::for_registration(state.db.pool(), &reg.id).await?;
    let notices = reg_changes::for_registration(state.db.pool(), &reg.id).await?;
    let pending = reg_cases::pending_renewal(state.db.pool(), &reg.id).await?;
    let attendance = reg_trainings::attendance_of_registration(state.db.pool(), &reg.id).await?;
    let investigations = if authz::sees_deregistration_internals(&caller.actor())
        || caller.actor().organization_id.as_deref() == Some(reg.organization_id.as_str())
    {
        inv::list(state.db.pool(), Some(&reg.id), None, 50).await?
    } else {
        Vec::new()
    };
    if let Some(obj) = v.as_object_mut() {
        obj.insert("version".into(), json!(reg.version));
        obj.insert("end_reason".into(), json!(reg.end_reason));
        obj.insert("disclosure".into(), json!(reg.disclosure));
        obj.insert("counselors".into(), json!(reg.counselors));
        obj.insert("psychiatrists".into(), json!(reg.psychiatrists));
        obj.insert("renewal_pending".into(), json!(pending.is_some()));
        // REG-4 terms with history: a renewal decided early waits as `next_term`; every term is kept.
        obj.insert("next_term".into(), json!(reg.next));
        let terms = registrations::terms(state.db.pool(), &reg.id).await?;
        obj.insert(
            "terms".into(),
            json!(
                terms
                    .iter()
                    .map(|(_, t)| json!({"registered_on": t.registered_on, "expires_on": t.expires_on}))
                    .collect::<Vec<_>>()
            ),
        );
        obj.insert(
            "cases".into(),
            json!(
                cases
                    .iter()
                    .map(
                        |c| json!({"id": c.id, "status": c.status.as_str(), "applied_on": c.applied_on,
                                "renewal": c.renewal_of.is_some()})
                    )
                    .collect::<Vec<_>>()
            ),
        );
        obj.insert(
            "change_notices".into(),
            json!(
                notices
                    .iter()
                    .map(|n| notice_json(n, &reg.number))
                    .collect::<Vec<_>>()
            ),
        );
        obj.insert(
            "training_attendance".into(),
            json!(
                attendance
                    .iter()
                    .map(
                        |a| json!({"training_id": a.training_id, "counselor_name": a.counselor_name,
                                "attended": a.attended})
                    )
                    .collect::<Vec<_>>()
            ),
        );
        obj.insert(
            "investigations".into(),
            json!(
                investigations
                    .iter()
                    .map(|i| json!({"id": i.id, "status": i.status, "opened_on": i.opened_on}))
                    .collect::<Vec<_>>()
            ),
        );
    }
    Ok(v)
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
    Ok((StatusCode::CREATED, Json(notice_json(&n, &reg_number))).into_response())
}

/// `GET /api/v1/registration/changes`: notices waiting for the office's acknowledgement.
pub async fn pending_changes(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<Value>> {
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::ListAll))?;
    let notices = reg_changes::unacknowledged(state.db.pool(), LIST_LIMIT).await?;
    let mut items = Vec::new();
    for n in &notices {
        let number = registrations::by_id(state.db.pool(), &n.registration_id)
            .await?
            .map(|r| r.number)
            .unwrap_or_default();
        items.push(notice_json(n, &number));
    }
    Ok(Json(json!({ "items": items })))
}

/// `GET /api/v1/registration/changes/{id}`.
pub async fn show_change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<Value>> {
    let (n, reg) = reg::visible_change(&state, &caller, &id).await?;
    Ok(Json(notice_json(&n, &reg.number)))
}

/// `POST /api/v1/registration/changes/{id}/acknowledgement` (office) → 200 notice; the listing follows.
pub async fn acknowledge_change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::AcknowledgeInput>,
) -> WebResult<Json<Value>> {
    let n = reg::acknowledge_change(&state, &caller, &id, &input).await?;
    let (_, r) = reg::visible_change(&state, &caller, &n.id).await?;
    Ok(Json(notice_json(&n, &r.number)))
}

/// `POST /api/v1/registration/changes/{id}/refusal` (office) `{refused_on, reason}` → 200 notice, status
/// `refused` (REG-6; a notice that breaks REG-3 is refused, not published).
pub async fn refuse_change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::RefusalInput>,
) -> WebResult<Json<Value>> {
    let n = reg::refuse_change(&state, &caller, &id, &input).await?;
    let (_, r) = reg::visible_change(&state, &caller, &n.id).await?;
    Ok(Json(notice_json(&n, &r.number)))
}

/// `POST /api/v1/registrations/{number}/abolition` (REG-6) → 200 registration, status `abolished`.
pub async fn abolish(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(number): Path<String>,
    ApiJson(input): ApiJson<reg::AbolitionInput>,
) -> WebResult<Json<Value>> {
    let r = reg::abolish(&state, &caller, &number, &input).await?;
    Ok(Json(registration_json(&state, &caller, &r).await?))
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
    Ok((StatusCode::ACCEPTED, Json(json!({"status": "received"}))).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportQuery {
    status: Option<String>,
}

pub fn report_json(r: &reg_reports::Report, with_contact: bool) -> Value {
    json!({
        "id": r.id,
        "registration_number": r.registration_number,
        "message": r.message,
        "contact_email": if with_contact { json!(r.contact_email) } else { Value::Null },
        "received_at": rfc3339(r.received_at),
        "status": r.status,
        "investigation_id": r.investigation_id,
    })
}

/// `GET /api/v1/registration/reports` (office, head, admin): the inbox, newest first.
pub async fn list_reports(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<ReportQuery>,
) -> WebResult<Json<Value>> {
    let actor = caller.actor();
    AppError::check(authz::global(&actor, RegGlobalAction::ReadReports))?;
    let reports = reg_reports::list(
        state.db.pool(),
        q.status.as_deref().filter(|s| !s.is_empty()),
        LIST_LIMIT,
    )
    .await?;
    let with_contact = authz::sees_reporter_contact(&actor);
    let items: Vec<Value> = reports.iter().map(|r| report_json(r, with_contact)).collect();
    Ok(Json(json!({ "items": items })))
}

/// `POST /api/v1/registration/reports/{id}/filing` (office): a report that needs no investigation.
pub async fn file_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<Value>> {
    reg::file_report(&state, &caller, &id).await?;
    Ok(Json(json!({"id": id, "status": "filed"})))
}

// ---------------------------------------------------------------------------------------------------------------
// Deregistration cases (REG-7)

pub async fn investigation_json(state: &AppState, caller: &Caller, case: &Investigation) -> WebResult<Value> {
    let actor = caller.actor();
    let reg = registrations::by_id(state.db.pool(), &case.registration_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // REG-7: each request with the institution's answers (files uploaded in the system).
    let requests: Vec<Value> = reg::hearing::requests_with_answers(state, &case.id)
        .await?
        .iter()
        .map(|r| hearing::request_json(r, &case.id))
        .collect();
    // REG-7: the hearings the institution was notified of (date and place) are its to see.
    let hearings: Vec<Value> = inv::records(state.db.pool(), &case.id)
        .await?
        .into_iter()
        .filter(|r| r.kind == reg::HEARING_NOTICE)
        .map(|r| json!({"hearing_on": r.held_on, "place": r.summary}))
        .collect();
    let mut v = json!({
        "id": case.id,
        "registration_number": reg.number,
        "registration_status": reg.status.as_str(),
        "organization_id": case.organization_id,
        "status": case.status,
        "version": case.version,
        "opened_on": case.opened_on,
        "document_requests": requests,
        "hearings": hearings,
        "decision": case.outcome.map(|o| json!({
            "outcome": inv::outcome_str(o),
            "decided_on": case.decided_on,
            "reason": case.decision_reason,
        })),
    });
    // The organization sees what it must answer and the decision; reporters, records and votes stay internal.
    if authz::sees_deregistration_internals(&actor)
        && let Some(obj) = v.as_object_mut()
    {
        let reports = reg_reports::for_investigation(state.db.pool(), &case.id).await?;
        let with_contact = authz::sees_reporter_contact(&actor);
        let votes = inv::votes(state.db.pool(), &case.id).await?;
        obj.insert("reason".into(), json!(case.reason));
        obj.insert("referred_on".into(), json!(case.referred_on));
        obj.insert("referral_reason".into(), json!(case.referral_reason));
        obj.insert("closed_on".into(), json!(case.closed_on));
        obj.insert("close_reason".into(), json!(case.close_reason));
        obj.insert(
            "records".into(),
            json!(inv::records(state.db.pool(), &case.id).await?),
        );
        obj.insert(
            "reports".into(),
            json!(
                reports
                    .iter()
                    .map(|r| report_json(r, with_contact))
                    .collect::<Vec<_>>()
            ),
        );
        obj.insert(
            "votes".into(),
            json!(
                votes
                    .iter()
                    .map(
                        |x| json!({"member_id": x.member_id, "outcome": inv::outcome_str(x.outcome),
                                "comment": x.comment, "voted_at": rfc3339(x.voted_at)})
                    )
                    .collect::<Vec<_>>()
            ),
        );
    }
    Ok(v)
}

/// `POST /api/v1/registration/investigations` (office) → 201 `{id, status: "open"}`.
pub async fn open_investigation(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(input): ApiJson<reg::OpenInvestigationInput>,
) -> WebResult<Response> {
    let case = reg::open_investigation(&state, &caller, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": case.id, "status": case.status})),
    )
        .into_response())
}

/// `GET /api/v1/registration/investigations`: the registrar sees all; committee members the referred cases
/// they are not recused from.
pub async fn list_investigations(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<Value>> {
    let actor = caller.actor();
    let all = inv::list(state.db.pool(), None, None, LIST_LIMIT).await?;
    let mut items = Vec::new();
    for case in &all {
        let has_conflict =
            nintei_store::conflicts::exists(state.db.pool(), &caller.user.id, &case.organization_id).await?;
        let ctx = nintei_domain::authz::reg::DeregistrationContext {
            organization_id: &case.organization_id,
            referred: matches!(case.status.as_str(), "referred" | "decided"),
            caller_has_conflict: has_conflict,
        };
        if authz::deregistration(&actor, DeregistrationAction::View, ctx).is_allowed() {
            let number = registrations::by_id(state.db.pool(), &case.registration_id)
                .await?
                .map(|r| r.number)
                .unwrap_or_default();
            items.push(
                json!({"id": case.id, "registration_number": number, "status": case.status,
                              "opened_on": case.opened_on}),
            );
        }
    }
    Ok(Json(json!({ "items": items })))
}

/// `GET /api/v1/registration/investigations/{id}`.
pub async fn show_investigation(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<Value>> {
    let case = reg::authorized_investigation(&state, &caller, &id, DeregistrationAction::View).await?;
    Ok(Json(investigation_json(&state, &caller, &case).await?))
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
) -> WebResult<Json<Value>> {
    reg::receive_documents(&state, &caller, &id, &rid, &input).await?;
    show_after(&state, &caller, &id).await
}

async fn show_after(state: &AppState, caller: &Caller, id: &str) -> WebResult<Json<Value>> {
    let case = reg::authorized_investigation(state, caller, id, DeregistrationAction::View).await?;
    Ok(Json(investigation_json(state, caller, &case).await?))
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
) -> WebResult<Json<Value>> {
    let case = reg::case_step(state, caller, id, s, input).await?;
    Ok(Json(investigation_json(state, caller, &case).await?))
}

/// `POST …/investigations/{id}/referral` (office) `{referred_on, reason}` → 200 case.
pub async fn refer(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::StepInput>,
) -> WebResult<Json<Value>> {
    step(&state, &caller, &id, reg::CaseStep::Refer, &input).await
}

/// `POST …/investigations/{id}/closure` (office) `{closed_on, reason}` → 200 case; the registration stays.
pub async fn close(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::StepInput>,
) -> WebResult<Json<Value>> {
    step(&state, &caller, &id, reg::CaseStep::Close, &input).await
}

/// `POST …/investigations/{id}/decision` (office or head) `{outcome, decided_on, reason}` → 200 case.
pub async fn decide(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<reg::StepInput>,
) -> WebResult<Json<Value>> {
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
    Ok((StatusCode::CREATED, Json(json!({"status": "recorded"}))).into_response())
}

// ---------------------------------------------------------------------------------------------------------------
// Training (REG-9)

fn training_json(t: &reg_trainings::Training) -> Value {
    json!({"id": t.id, "title": t.title, "held_on": t.held_on, "place": t.place, "description": t.description})
}

/// `GET /api/v1/registration/trainings`.
pub async fn list_trainings(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<Value>> {
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::ViewTraining))?;
    let items: Vec<Value> = reg_trainings::list(state.db.pool(), LIST_LIMIT)
        .await?
        .iter()
        .map(training_json)
        .collect();
    Ok(Json(json!({ "items": items })))
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
        Json(
            json!({"training_id": id, "registration_number": input.registration_number.trim(),
                    "counselor_name": input.counselor_name.trim()}),
        ),
    )
        .into_response())
}

/// `GET /api/v1/registration/trainings/{id}` with attendance (an organization sees its own counselors only).
pub async fn show_training(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> WebResult<Json<Value>> {
    let actor = caller.actor();
    AppError::check(authz::global(&actor, RegGlobalAction::ViewTraining))?;
    let t = reg_trainings::by_id(state.db.pool(), &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let attendance: Vec<Value> = reg_trainings::attendance(state.db.pool(), &id)
        .await?
        .into_iter()
        .filter(|a| authz::may_see(&actor, &a.organization_id))
        .map(|a| {
            json!({"registration_number": a.registration_number, "counselor_name": a.counselor_name,
                   "attended": a.attended})
        })
        .collect();
    // REG-9: the counselors institutions enrolled (an organization sees its own).
    let enrolments: Vec<Value> = reg_trainings::enrolments(state.db.pool(), &id)
        .await?
        .into_iter()
        .filter(|e| authz::may_see(&actor, &e.organization_id))
        .map(|e| json!({"registration_number": e.registration_number, "counselor_name": e.counselor_name}))
        .collect();
    let mut v = training_json(&t);
    if let Some(obj) = v.as_object_mut() {
        obj.insert("attendance".into(), json!(attendance));
        obj.insert("enrolments".into(), json!(enrolments));
    }
    Ok(Json(v))
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
    Ok((StatusCode::CREATED, Json(json!({"status": "recorded"}))).into_response())
}
