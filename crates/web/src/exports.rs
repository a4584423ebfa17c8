//! The office's exports as downloads: the page listing them and one route per dataset and format; the tables
//! and who may read them are the use case's ([`nintei_app::exports`]). A download is a read (GET): like viewing
//! a screen it writes nothing.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::auth::{AnySession, WebUser};
use crate::error::{AppResult, PageError};
use crate::routing::{Routes, get};
use crate::ui::{Page, in_lang, render_status};
use nintei_app::exports::{self, Format};
use nintei_app::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/exports", get(index))
        .route("/exports/acc-cases.csv", get(acc_cases_csv))
        .route("/exports/acc-cases.json", get(acc_cases_json))
        .route("/exports/deadlines.csv", get(deadlines_csv))
        .route("/exports/deadlines.json", get(deadlines_json))
        .route("/exports/invoices.csv", get(invoices_csv))
        .route("/exports/invoices.json", get(invoices_json))
}

#[derive(Template)]
#[template(path = "exports.html")]
struct ExportsPage {
    p: Page,
    datasets: Vec<(&'static str, String)>,
}

pub async fn index(WebUser(s): WebUser) -> Result<Response, PageError> {
    exports::may_export(&s.caller).map_err(in_lang(s.lang))?;
    let page = ExportsPage {
        p: Page::for_session(&s, "export.title", "/exports"),
        datasets: exports::DATASETS
            .iter()
            .map(|d| (*d, format!("export.{d}")))
            .collect(),
    };
    Ok(render_status(StatusCode::OK, &page))
}

async fn export(
    state: &AppState,
    s: &AnySession,
    dataset: &'static str,
    format: Format,
) -> AppResult<Response> {
    let now = state.clock.now();
    let stamp = now.with_timezone(&nintei_app::clock::jst());
    let body = exports::export(state, &s.caller, dataset, format, &stamp.to_rfc3339()).await?;
    let (content_type, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Json => ("application/json; charset=utf-8", "json"),
    };
    let filename = format!("nintei-{dataset}-{}.{ext}", stamp.format("%Y%m%d"));
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}

macro_rules! export_handler {
    ($name:ident, $dataset:literal, $format:expr) => {
        pub async fn $name(
            State(state): State<AppState>,
            WebUser(s): WebUser,
        ) -> Result<Response, PageError> {
            export(&state, &s, $dataset, $format)
                .await
                .map_err(in_lang(s.lang))
        }
    };
}

export_handler!(acc_cases_csv, "acc-cases", Format::Csv);
export_handler!(acc_cases_json, "acc-cases", Format::Json);
export_handler!(deadlines_csv, "deadlines", Format::Csv);
export_handler!(deadlines_json, "deadlines", Format::Json);
export_handler!(invoices_csv, "invoices", Format::Csv);
export_handler!(invoices_json, "invoices", Format::Json);
