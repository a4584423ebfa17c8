//! Static assets embedded in the binary (no CDN): the stylesheet and vendored htmx (0BSD, see htmx.LICENSE).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::routing::{Routes, get};

pub const APP_CSS: &str = include_str!("../assets/app.css");
pub const HTMX_JS: &str = include_str!("../assets/htmx.min.js");

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/assets/app.css",
            get(|| async { asset(APP_CSS, "text/css; charset=utf-8") }),
        )
        .route(
            "/assets/htmx.min.js",
            get(|| async { asset(HTMX_JS, "text/javascript; charset=utf-8") }),
        )
        .route("/api/docs", get(crate::openapi::docs_page))
        .route(
            "/assets/swagger/swagger-ui-bundle.js",
            get(crate::openapi::swagger_js),
        )
        .route("/assets/swagger/swagger-ui.css", get(crate::openapi::swagger_css))
        .route("/assets/swagger/init.js", get(crate::openapi::swagger_init))
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    resp
}
