//! Input that is not UTF-8: a path whose percent-escapes decode to invalid UTF-8 is refused with 400 before any
//! handler (problem+json for the API, a page for the screens, as for every other bad request), and a form body
//! whose fields decode to invalid UTF-8 is refused like the API refuses such JSON, instead of being silently
//! changed to U+FFFD.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, PageError};

/// Whether the percent-escapes (and `+`) of `bytes` decode to valid UTF-8.
pub fn decodes_to_utf8(bytes: &[u8]) -> bool {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&out).is_ok()
}

/// Refuses a path or query whose escapes are not UTF-8, with 400.
pub async fn reject_invalid_utf8(req: Request, next: Next) -> Response {
    let uri = req.uri();
    let bad = !decodes_to_utf8(uri.path().as_bytes())
        || uri.query().is_some_and(|q| !decodes_to_utf8(q.as_bytes()));
    if bad {
        let e = AppError::BadRequest("the address is not valid UTF-8".into());
        if uri.path().starts_with("/api/") {
            return crate::error::WebError(e).into_response();
        }
        return PageError::App(e, crate::auth::lang_of(req.headers())).into_response();
    }
    next.run(req).await
}

/// A form body (`application/x-www-form-urlencoded`) whose fields are not UTF-8 is malformed.
pub fn check_form_body(bytes: &[u8]) -> Result<(), AppError> {
    if std::str::from_utf8(bytes).is_ok() && decodes_to_utf8(bytes) {
        Ok(())
    } else {
        Err(AppError::BadRequest(
            "the form is not valid UTF-8 (send it as UTF-8)".into(),
        ))
    }
}

/// Buffers a form request's body, refusing NUL characters and fields that are not UTF-8.
pub async fn buffer_checked_form<S: Send + Sync>(req: Request, state: &S) -> Result<Request, AppError> {
    let req = crate::middleware::buffer_without_nul(req, state).await?;
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    check_form_body(&bytes)?;
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_must_decode_to_utf8() {
        assert!(decodes_to_utf8(b"/organizations/%E8%AA%8D%E5%AE%9A"));
        assert!(decodes_to_utf8(b"a=1&b=%zz&c=100%"));
        assert!(!decodes_to_utf8(b"/api/v1/organizations/%FF"));
        assert!(!decodes_to_utf8(b"name=%E8%AA"));
        assert!(check_form_body(b"name=%E8%AA%8D").is_ok());
        assert!(check_form_body(b"name=\xff").is_err());
    }
}
