//! Cross-cutting layers: request ids with structured logs, security headers, the Origin check for browser
//! forms, and `Idempotency-Key` replay for the API.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use nintei_app::idempotency as idem;
use nintei_store::sha256_hex;
use tracing::Instrument;

use crate::error::{AppError, WebError};
use nintei_app::state::AppState;

/// The request id of this request (also sent back as `x-request-id` and written to the audit trail).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().clone();
    // Secret-bearing paths (calendar feeds, questionnaire links) are logged without their secret.
    let path = crate::redact::path_for_log(req.uri().path());
    let span = tracing::info_span!("request", request_id = %id, %method, %path);
    // Entered at each poll, on whichever thread polls: a guard held across `.await` would leave the span on the
    // first thread's stack and log the line below without it when the request resumes elsewhere.
    let mut resp = async move {
        let resp = next.run(req).await;
        tracing::info!(status = resp.status().as_u16(), "handled");
        resp
    }
    .instrument(span)
    .await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// True when `bytes` (a request body) carries a NUL character: raw, percent-encoded (`%00`, forms) or as the
/// JSON escape `\u0000`. PostgreSQL cannot store NUL in text and no field needs one, so such input is refused
/// as malformed (400) on both backends alike instead of failing in the database.
pub fn contains_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0) || bytes.windows(3).any(|w| w == b"%00") || bytes.windows(6).any(|w| w == b"\\u0000")
}

/// Refuses a path or query that carries a NUL character (`%00`) with 400, before any handler sees it.
pub async fn reject_nul(req: Request, next: Next) -> Response {
    let uri = req.uri();
    if contains_nul(uri.path().as_bytes()) || uri.query().is_some_and(|q| contains_nul(q.as_bytes())) {
        let e = AppError::BadRequest("the address contains a NUL character (%00)".into());
        if uri.path().starts_with("/api/") {
            return WebError::from(e).into_response();
        }
        return crate::error::PageError::App(e, crate::auth::lang_of(req.headers())).into_response();
    }
    next.run(req).await
}

/// True when the request comes from a page of another site (CSRF): `Sec-Fetch-Site` says cross-site or
/// same-site, or `Origin` names another host than `Host`.
pub fn is_cross_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        return origin == "null" || origin_host != host;
    }
    false
}

/// Refuses state-changing browser requests from other origins. The API (bearer tokens, no cookies) is exempt:
/// a foreign page cannot attach a bearer token.
pub async fn origin_check(req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !req.uri().path().starts_with("/api/") && is_cross_origin(req.headers()) {
        return crate::ui::csrf_refused();
    }
    next.run(req).await
}

/// `Idempotency-Key` (API.md Conventions): the first answer to a key is stored and replayed for retries.
/// A placeholder row is inserted first, so that two concurrent requests with one key cannot both run.
pub async fn idempotency(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_post = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let (Some(key), true) = (key, is_post) else {
        return next.run(req).await;
    };
    if key.is_empty() || key.len() > 100 {
        return WebError(AppError::field(
            "Idempotency-Key",
            "must be 1 to 100 characters (a UUID)",
        ))
        .into_response();
    }
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    // Keys are per caller; an unauthenticated request has no stable owner and is not replayed.
    let owner = match bearer {
        Some(b) => match idem::owner(&state, &b).await {
            Ok(Some(user_id)) => user_id,
            _ => return next.run(req).await,
        },
        None => return next.run(req).await,
    };
    let (parts, body) = req.into_parts();
    let limit = body_limit_for(&state.config, &parts.method, parts.uri.path());
    let bytes = match to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response(),
    };
    let fingerprint = format!("{} {} {}", parts.method, parts.uri.path(), sha256_hex(&bytes));
    match idem::claim(&state, &owner, &key, &fingerprint).await {
        Ok(idem::Claim::Fresh) => {}
        Ok(idem::Claim::Replay(stored)) => return replay(&stored),
        Ok(idem::Claim::InProgress) => {
            return WebError(AppError::Conflict(
                "a request with this Idempotency-Key is still in progress".into(),
            ))
            .into_response();
        }
        Ok(idem::Claim::OtherRequest) => {
            return WebError(AppError::Conflict(
                "this Idempotency-Key was used for another request".into(),
            ))
            .into_response();
        }
        Err(e) => return WebError::from(e).into_response(),
    }
    let resp = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let (rparts, rbody) = resp.into_parts();
    let rbytes = to_bytes(rbody, 16 * 1024 * 1024).await.unwrap_or_default();
    let body_text = String::from_utf8_lossy(&rbytes);
    if let Err(e) = idem::settle(&state, &owner, &key, rparts.status.as_u16(), &body_text).await {
        tracing::error!(error = %e, "storing the idempotent answer failed");
    }
    Response::from_parts(rparts, Body::from(rbytes))
}

fn replay(stored: &idem::Stored) -> Response {
    let status = u16::try_from(stored.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut resp = (status, stored.body.clone()).into_response();
    let ctype = if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    resp.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    resp
}

/// Reads the body of `req` (within the body limit) and refuses it when it carries a NUL character; returns the
/// request with the body in memory, for the JSON and form extractors to parse.
pub async fn buffer_without_nul<S: Send + Sync>(req: Request, state: &S) -> Result<Request, AppError> {
    use axum::extract::FromRequest;
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::Bytes::from_request(Request::new(body), state).await {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(AppError::TooLarge),
        Err(e) => return Err(AppError::BadRequest(e.body_text())),
    };
    if contains_nul(&bytes) {
        return Err(AppError::BadRequest(
            "the request contains a NUL character, which no field accepts".into(),
        ));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Room for the form fields and part headers around an uploaded file.
pub const UPLOAD_OVERHEAD: usize = 256 * 1024;

/// The largest body a request may carry: uploads (`POST …/files`) get the upload limit and
/// room for the form around the file; everything else the general limit.
pub fn body_limit_for(config: &nintei_app::state::Config, method: &Method, path: &str) -> usize {
    if *method == Method::POST && path.ends_with("/files") {
        config.upload_limit.saturating_add(UPLOAD_OVERHEAD)
    } else {
        config.body_limit
    }
}

/// Caps request bodies (the per-route limit of [`body_limit_for`]): a declared length over the limit is
/// refused at once with 413 (problem+json for the API, a page for the browser); a body that turns out longer
/// while it is read fails its extractor with 413.
pub async fn body_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = body_limit_for(&state.config, req.method(), req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        if req.uri().path().starts_with("/api/") {
            return WebError(AppError::TooLarge).into_response();
        }
        return crate::error::PageError::App(AppError::TooLarge, crate::auth::lang_of(req.headers()))
            .into_response();
    }
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}
