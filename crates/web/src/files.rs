//! Uploaded files over HTTP: reading an upload form (`multipart/form-data`) within the limits, and answering a
//! download so that no browser runs or sniffs it.

use std::collections::BTreeMap;

use nintei_app::acc::study::{self, Upload};
use nintei_app::error::{AppError, AppResult};
use nintei_app::state::AppState;
use nintei_store::acc_study::FileRow;

/// Reads an upload form (`multipart/form-data`: `file`, `purpose`, `standard`, and for the screens `csrf`):
/// the file at most `limit` bytes (413 with the limit in the message), other fields at most 10 KiB each.
pub async fn read_multipart(
    state: &AppState,
    mut mp: axum::extract::Multipart,
) -> AppResult<(Upload, BTreeMap<String, String>)> {
    fn refused(e: axum::extract::multipart::MultipartError) -> AppError {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest(format!("not a readable upload form: {}", e.body_text()))
        }
    }
    let limit = state.config.upload_limit;
    let mut up = Upload::default();
    let mut fields = BTreeMap::new();
    while let Some(mut field) = mp.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            if up.has_file {
                return Err(AppError::field(
                    "file",
                    "ファイルは1件ずつ送ってください (one file per upload)",
                ));
            }
            up.has_file = true;
            up.file_name = field.file_name().unwrap_or("").to_owned();
            up.declared_type = field.content_type().map(str::to_owned);
            while let Some(chunk) = field.chunk().await.map_err(|e| match refused(e) {
                AppError::TooLarge => study::too_large(state),
                other => other,
            })? {
                if up.bytes.len() + chunk.len() > limit {
                    return Err(study::too_large(state));
                }
                up.bytes.extend_from_slice(&chunk);
            }
        } else {
            let text = field.text().await.map_err(refused)?;
            if text.len() > 10 * 1024 || fields.len() > 20 {
                return Err(AppError::BadRequest("form field too long".into()));
            }
            fields.insert(name, text);
        }
    }
    up.purpose = fields.get("purpose").cloned().unwrap_or_default();
    up.standard = fields.get("standard").cloned();
    Ok((up, fields))
}

/// A download response: `Content-Disposition: attachment` (RFC 6266 with a UTF-8 name), `nosniff`, the media
/// type that was checked at upload, and no caching by shared caches.
pub fn attachment(file: &FileRow, bytes: Vec<u8>) -> axum::response::Response {
    let ascii: String = file
        .original_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = crate::ui::percent_encode(&file.original_name, b".-_");
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut resp = axum::response::IntoResponse::into_response((axum::http::StatusCode::OK, bytes));
    let h = resp.headers_mut();
    if let Ok(v) = axum::http::HeaderValue::from_str(&file.media_type) {
        h.insert(axum::http::header::CONTENT_TYPE, v);
    }
    if let Ok(v) = axum::http::HeaderValue::from_str(&disposition) {
        h.insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    resp
}
