//! The PDF documents' routes: the letters of an ACC case (acceptance notice ACC-4, invoices ACC-22, the result
//! notice ACC-11/12, the review report ACC-12, the site-visit report ACC-10), the certificates and the revocation
//! notice (ACC-11/12, ACC-18), the self-study binder (ACC-6) and the REG registration certificate (REG-5). The
//! documents are made by the use cases (`nintei_app::documents`); this module only answers with them.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use nintei_app::documents::{self, Pdf};
use nintei_app::state::AppState;

use crate::auth::WebUser;
use crate::error::PageError;
use crate::routing::{Routes, get};
use crate::ui::in_lang;

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/accreditation/cases/{id}/documents/acceptance-notice.pdf",
            get(acceptance_notice),
        )
        .route(
            "/accreditation/cases/{id}/documents/result-notice.pdf",
            get(result_notice),
        )
        .route(
            "/accreditation/cases/{id}/documents/review-report.pdf",
            get(review_report),
        )
        .route(
            "/accreditation/cases/{id}/documents/site-visit-report.pdf",
            get(site_visit_report),
        )
        .route(
            "/accreditation/cases/{id}/invoices/{invoice_id}/invoice.pdf",
            get(invoice),
        )
        .route(
            "/registration/registrations/{number}/certificate.pdf",
            get(registration_certificate),
        )
        .route(
            "/accreditations/{number}/certificates/{certificate_id}/certificate.pdf",
            get(accreditation_certificate),
        )
        .route(
            "/accreditations/{number}/revocation-notice.pdf",
            get(revocation_notice),
        )
        .route(
            "/accreditation/cases/{id}/self-study/binder.pdf",
            get(self_study_binder),
        )
}

/// `GET …/self-study/binder.pdf`: the self-study in the ACC-6 order, for whoever sees the case (404 otherwise).
pub async fn self_study_binder(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    documents::self_study_binder_pdf(&state, &s.caller, &id)
        .await
        .map(pdf_response)
        .map_err(in_lang(s.lang))
}

/// `application/pdf`, shown in the browser, with an ASCII file name (and the same name for saving).
fn pdf_response(pdf: Pdf) -> Response {
    let safe: String = pdf
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut r = pdf.bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

pub async fn acceptance_notice(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    documents::acceptance_notice_pdf(&state, &s.caller, &id)
        .await
        .map(pdf_response)
        .map_err(in_lang(s.lang))
}

pub async fn invoice(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((id, invoice_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    documents::invoice_pdf(&state, &s.caller, &id, &invoice_id)
        .await
        .map(pdf_response)
        .map_err(in_lang(s.lang))
}

pub async fn result_notice(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    documents::result_notice_pdf(&state, &s.caller, &id)
        .await
        .map(pdf_response)
        .map_err(in_lang(s.lang))
}

pub async fn review_report(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    documents::review_report_pdf(&state, &s.caller, &id)
        .await
        .map(pdf_response)
        .map_err(in_lang(s.lang))
}

pub async fn site_visit_report(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    documents::site_visit_report_pdf(&state, &s.caller, &id)
        .await
        .map(pdf_response)
        .map_err(in_lang(s.lang))
}

pub async fn registration_certificate(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    documents::registration_certificate_pdf(&state, &s.caller, &number)
        .await
        .map(pdf_response)
        .map_err(in_lang(s.lang))
}

/// `GET /accreditations/{number}/certificates/{certificate_id}/certificate.pdf`: one issued certificate, with the
/// services it lists and the day it was issued. Only a certificate in use of an active accreditation is
/// printed (409 otherwise: a returned certificate, or a suspended, lapsed or revoked accreditation — ACC-13,
/// ACC-20, ACC-23).
pub async fn accreditation_certificate(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((number, certificate_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    documents::certificate_pdf(&state, &s.caller, &number, &certificate_id)
        .await
        .map(pdf_response)
        .map_err(in_lang(s.lang))
}

/// `GET /accreditations/{number}/revocation-notice.pdf`: 認定取消通知書 (ACC-18) of a revoked accreditation, from
/// the recorded revocation (its day, ground, reasons and the committee's way of deciding); 404 when the
/// accreditation is not revoked.
pub async fn revocation_notice(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    documents::revocation_notice_pdf(&state, &s.caller, &number)
        .await
        .map(pdf_response)
        .map_err(in_lang(s.lang))
}
