//! PDF documents wired to the cases: the letters of an ACC case (acceptance notice ACC-4, invoices
//! ACC-22, the result notice of each outcome ACC-11/12, the review report ACC-12) and the REG registration
//! certificate (REG-5), rendered by `nintei-docs` from the stored data, dates in wareki (the office setting
//! `documents.date_style` adds or uses the western year). The letters go to the organization, the office and
//! the head only (`authz::acc::case_documents`); anyone else gets 404.

use std::collections::HashMap;

use chrono::NaiveDate;
use nintei_docs::{
    AcceptanceNotice, AccreditationCertificate, DocError, Invoice as DocInvoice, InvoiceItem, Issuer,
    Outcome as DocOutcome, RatingLine, Recipient, RegistrationCertificate, ResultNotice, ReviewReport,
    RevocationNotice, SiteVisitReport, TaxRate,
};
use nintei_domain::acc::case::Outcome;
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::authz::acc as acc_authz;
use nintei_domain::org::Prefecture;
use nintei_store::acc::Case;
use nintei_store::{acc as acc_store, deadlines, invoices, registrations};

use crate::Caller;
use crate::acc::{Loaded, catalog, fees_for, load};
use crate::error::{AppError, AppResult};
use crate::settings::doc_options;
use crate::state::AppState;

/// A rendered PDF and the file name it is offered under.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub filename: String,
}

impl Pdf {
    fn new(bytes: Vec<u8>, filename: &str) -> Pdf {
        Pdf {
            bytes,
            filename: filename.to_owned(),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// ACC-6 self-study binder

/// The self-study binder in the ACC-6 order, for whoever sees the case (404 otherwise).
pub async fn self_study_binder_pdf(state: &AppState, caller: &Caller, id: &str) -> AppResult<Pdf> {
    let binder = crate::acc::study::binder(state, caller, id).await?;
    let o = doc_options(state).await?;
    let pdf = render(move || nintei_docs::self_study_binder(&binder, &o)).await?;
    Ok(Pdf::new(pdf, "self-study-binder.pdf"))
}

/// The issuer of ACC documents: the accreditation office (seed 003), as the office settings name it.
pub async fn acc_issuer(state: &AppState) -> AppResult<Issuer> {
    crate::settings::issuer(state, &crate::settings::ACC_ISSUER).await
}

/// The issuer of REG documents: the registering body (seed 000), as the office settings name it.
pub async fn reg_issuer(state: &AppState) -> AppResult<Issuer> {
    crate::settings::issuer(state, &crate::settings::REG_ISSUER).await
}

/// Renders off the async threads (typst is CPU work) and maps a document error to a 500.
async fn render<F>(f: F) -> AppResult<Vec<u8>>
where
    F: FnOnce() -> Result<Vec<u8>, DocError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("document task: {e}")))?
        .map_err(|e| AppError::Internal(format!("document: {e}")))
}

/// The case if the caller may read its letters (404 otherwise, also when the case is invisible).
async fn case_for_documents(state: &AppState, caller: &Caller, id: &str) -> AppResult<Loaded> {
    let loaded = load(state, caller, id).await?.ok_or(AppError::NotFound)?;
    AppError::check(acc_authz::case_documents(
        &caller.actor(),
        &loaded.case.organization_id,
    ))?;
    Ok(loaded)
}

fn recipient(l: &Loaded) -> Recipient {
    let name = match &l.case.unit_name {
        Some(u) if !u.trim().is_empty() => format!("{} {}", l.organization.name, u.trim()),
        _ => l.organization.name.clone(),
    };
    Recipient {
        name,
        person: l.organization.representative.clone(),
    }
}

fn service_label(code: ServiceCode) -> String {
    format!("{}. {}", code.as_str(), code.name_ja())
}

fn services_of(case: &Case) -> Vec<String> {
    case.service_codes().into_iter().map(service_label).collect()
}

/// Which letters the case has now, as (i18n key, link): for the links on the case screen.
pub fn available(caller: &Caller, l: &Loaded) -> Vec<(&'static str, String)> {
    let c = &l.case;
    if !acc_authz::case_documents(&caller.actor(), &c.organization_id).is_allowed() {
        return Vec::new();
    }
    let base = format!("/accreditation/cases/{}/documents", c.id);
    let mut out = Vec::new();
    if c.eligibility_decision == Some(true) {
        out.push(("doc.acceptance_notice", format!("{base}/acceptance-notice.pdf")));
    }
    if c.report_issued_on.is_some() && c.site_visit_on.is_some() {
        out.push(("doc.site_visit_report", format!("{base}/site-visit-report.pdf")));
    }
    if c.outcome.is_some() && c.decided_on.is_some() {
        out.push(("doc.result_notice", format!("{base}/result-notice.pdf")));
    }
    if matches!(c.outcome, Some(Outcome::Accredit | Outcome::Deny)) {
        out.push(("doc.review_report", format!("{base}/review-report.pdf")));
    }
    out
}

/// The link of an invoice's PDF.
pub fn invoice_href(case_id: &str, invoice_id: &str) -> String {
    format!("/accreditation/cases/{case_id}/invoices/{invoice_id}/invoice.pdf")
}

// ---------------------------------------------------------------------------------------------------------------
// ACC-4 acceptance notice

pub async fn acceptance_notice_pdf(state: &AppState, caller: &Caller, id: &str) -> AppResult<Pdf> {
    let l = case_for_documents(state, caller, id).await?;
    let c = &l.case;
    let (Some(true), Some(accepted_on)) = (c.eligibility_decision, c.eligibility_decided_on) else {
        return Err(AppError::NotFound);
    };
    let first = invoices::for_case(&mut *state.db.acquire().await?, id)
        .await?
        .into_iter()
        .min_by_key(|i| (i.issued_on, i.number.clone()));
    let notice = AcceptanceNotice {
        doc_number: String::new(),
        issued_on: accepted_on,
        recipient: recipient(&l),
        issuer: acc_issuer(state).await?,
        applied_on: c.applied_on,
        accepted_on,
        services: services_of(c),
        fee: fees_for(c).total_yen.get(),
        invoice: first.map(|i| (i.number, i.due_on)),
        contact: String::new(),
    };
    let o = doc_options(state).await?;
    let pdf = render(move || nintei_docs::acceptance_notice(&notice, &o)).await?;
    Ok(Pdf::new(pdf, "acceptance-notice.pdf"))
}

// ---------------------------------------------------------------------------------------------------------------
// ACC-22 invoices

pub async fn invoice_pdf(state: &AppState, caller: &Caller, id: &str, invoice_id: &str) -> AppResult<Pdf> {
    let l = case_for_documents(state, caller, id).await?;
    let inv = invoices::for_case(&mut *state.db.acquire().await?, id)
        .await?
        .into_iter()
        .find(|i| i.id == invoice_id)
        .ok_or(AppError::NotFound)?;
    let rate = if inv.tax_rate_percent == 8 {
        TaxRate::Reduced8
    } else {
        TaxRate::Standard10
    };
    let items = inv
        .lines
        .iter()
        .map(|line| InvoiceItem {
            date: inv.issued_on,
            description: line.description.clone(),
            quantity: u32::try_from(line.quantity).unwrap_or(0),
            unit_price: u64::try_from(line.unit_yen).unwrap_or(0),
            rate,
        })
        .collect();
    let doc = DocInvoice {
        invoice_number: inv.number.clone(),
        issued_on: inv.issued_on,
        due_on: inv.due_on,
        recipient: recipient(&l),
        issuer: acc_issuer(state).await?,
        registration_number: inv.registration_number.clone(),
        items,
        bank: String::new(),
        note: "メンタルヘルスサービス機関機能認定に係る料金".into(),
    };
    let o = doc_options(state).await?;
    let pdf = render(move || nintei_docs::invoice(&doc, &o)).await?;
    Ok(Pdf::new(pdf, &format!("invoice-{}.pdf", inv.number)))
}

// ---------------------------------------------------------------------------------------------------------------
// ACC-11/12 result notice, for each outcome

/// The standards rated 3 or 4 (ACC-9), in catalog order, with their titles and the surveyors' comments.
async fn weak_standards(state: &AppState, c: &Case) -> AppResult<Vec<RatingLine>> {
    Ok(rating_lines(state, c)
        .await?
        .into_iter()
        .filter(|r| r.rating >= 3)
        .collect())
}

/// Every current rating of the case in catalog order.
async fn rating_lines(state: &AppState, c: &Case) -> AppResult<Vec<RatingLine>> {
    let catalog = catalog(state, &c.catalog_version).await?;
    let rows = acc_store::ratings(state.db.pool(), &c.id, true).await?;
    let by_code: HashMap<String, (u8, String)> = rows
        .into_iter()
        .map(|r| (r.standard, (r.rating, r.comment)))
        .collect();
    let codes = c.service_codes();
    Ok(catalog
        .in_scope(&codes)
        .filter_map(|s| {
            by_code.get(&s.code).map(|(rating, comment)| RatingLine {
                code: s.code.clone(),
                title: s.title.clone(),
                rating: *rating,
                comment: comment.clone(),
            })
        })
        .collect())
}

fn lines_of(text: Option<&str>) -> Vec<String> {
    text.unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn result_notice_pdf(state: &AppState, caller: &Caller, id: &str) -> AppResult<Pdf> {
    let l = case_for_documents(state, caller, id).await?;
    let c = &l.case;
    let (Some(outcome), Some(decided_on)) = (c.outcome, c.decided_on) else {
        return Err(AppError::NotFound);
    };
    let today = state.clock.today();
    // The notice is dated when it was sent; before that, today (never before the decision).
    let issued_on = c.notice_sent_on.unwrap_or(today).max(decided_on);
    let reasons = lines_of(c.decision_reason.as_deref());
    let weak = weak_standards(state, c).await?;
    let weak_lines: Vec<String> = weak
        .iter()
        .map(|r| {
            if r.comment.trim().is_empty() {
                format!("{} {}", r.code, r.title)
            } else {
                format!("{} {}：{}", r.code, r.title, r.comment.trim())
            }
        })
        .collect();
    let extra_invoice = invoices::for_case(&mut *state.db.acquire().await?, id)
        .await?
        .iter()
        .any(|i| i.issued_on >= decided_on);
    let or_default = |v: Vec<String>, default: &str| {
        if v.is_empty() { vec![default.to_owned()] } else { v }
    };
    let doc_outcome = match outcome {
        Outcome::Accredit => DocOutcome::Accredit {
            number: c.accreditation_number.clone().unwrap_or_default(),
            accredited_on: c.accredited_on.unwrap_or(decided_on),
            expires_on: c.expires_on.unwrap_or(decided_on),
            services: services_of(c),
            invoice_enclosed: extra_invoice,
        },
        Outcome::Hold => {
            // ACC-11: 3 months from sending the request (the deadline the notice step set), else from the decision.
            let due_on = deadlines::for_subject(state.db.pool(), "acc_case", id)
                .await?
                .into_iter()
                .filter(|d| d.kind == "documents_due")
                .filter_map(|d| d.due_on.parse::<NaiveDate>().ok())
                .max()
                .or_else(|| issued_on.checked_add_months(chrono::Months::new(3)))
                .unwrap_or(issued_on);
            DocOutcome::Hold {
                reasons: or_default(
                    reasons,
                    "認定委員会において、判断に必要な資料が不足していると認められたため。",
                ),
                documents_needed: or_default(
                    weak_lines,
                    "保留の理由に係る事項について、改善の状況を確認できる資料",
                ),
                due_on,
            }
        }
        Outcome::Defer => DocOutcome::Defer {
            improvements: or_default(
                if weak_lines.is_empty() {
                    reasons
                } else {
                    weak_lines
                },
                "認定委員会が指摘した事項",
            ),
            grace_until: c.grace_until.unwrap_or(decided_on),
            additional_visit: false,
        },
        Outcome::Deny => DocOutcome::Deny {
            reasons: or_default(
                if reasons.is_empty() { weak_lines } else { reasons },
                "認定基準に適合していると認められなかったため。",
            ),
            invoice_enclosed: extra_invoice,
        },
    };
    let notice = ResultNotice {
        doc_number: String::new(),
        issued_on,
        recipient: recipient(&l),
        issuer: acc_issuer(state).await?,
        decided_on,
        outcome: doc_outcome,
    };
    let o = doc_options(state).await?;
    let pdf = render(move || nintei_docs::result_notice(&notice, &o)).await?;
    Ok(Pdf::new(pdf, "result-notice.pdf"))
}

// ---------------------------------------------------------------------------------------------------------------
// ACC-12 review report (after an accreditation or a denial)

pub async fn review_report_pdf(state: &AppState, caller: &Caller, id: &str) -> AppResult<Pdf> {
    let l = case_for_documents(state, caller, id).await?;
    let c = &l.case;
    let (Some(outcome @ (Outcome::Accredit | Outcome::Deny)), Some(decided_on)) = (c.outcome, c.decided_on)
    else {
        return Err(AppError::NotFound);
    };
    let lines = rating_lines(state, c).await?;
    let strengths: Vec<String> = lines
        .iter()
        .filter(|r| r.rating == 1)
        .map(|r| format!("{} {}（完全な実践）", r.code, r.title))
        .collect();
    let mut improvements: Vec<String> = lines
        .iter()
        .filter(|r| r.rating >= 3)
        .map(|r| format!("{} {}", r.code, r.title))
        .collect();
    if let Some(plan) = c.response_action_plan.as_deref().filter(|p| !p.trim().is_empty()) {
        improvements.push(format!("貴機関の改善計画：{}", plan.trim()));
    }
    let none = |v: Vec<String>| {
        if v.is_empty() {
            vec!["特記事項はありません。".to_owned()]
        } else {
            v
        }
    };
    let report = ReviewReport {
        doc_number: String::new(),
        issued_on: state.clock.today().max(decided_on),
        recipient: recipient(&l),
        issuer: acc_issuer(state).await?,
        decided_on,
        outcome_label: if outcome == Outcome::Accredit {
            "認定"
        } else {
            "否認"
        }
        .into(),
        strengths: none(strengths),
        improvements: none(improvements),
        ratings: lines.into_iter().filter(|r| r.rating >= 3).collect(),
    };
    let o = doc_options(state).await?;
    let pdf = render(move || nintei_docs::review_report(&report, &o)).await?;
    Ok(Pdf::new(pdf, "review-report.pdf"))
}

// ---------------------------------------------------------------------------------------------------------------
// ACC-10 site-visit report (実地調査報告書), once the report is issued

pub async fn site_visit_report_pdf(state: &AppState, caller: &Caller, id: &str) -> AppResult<Pdf> {
    let l = case_for_documents(state, caller, id).await?;
    let c = &l.case;
    let (Some(issued_on), Some(visit_from)) = (c.report_issued_on, c.site_visit_on) else {
        return Err(AppError::NotFound);
    };
    let mut surveyors = l.surveyors.clone();
    surveyors.sort_by_key(|s| !s.lead);
    let report = SiteVisitReport {
        issued_on,
        recipient: recipient(&l),
        issuer: acc_issuer(state).await?,
        visit_from,
        visit_to: nintei_domain::acc::site_visit::last_visit_day(visit_from),
        surveyors: surveyors.into_iter().map(|s| s.name).collect(),
        services: services_of(c),
        ratings: rating_lines(state, c).await?,
    };
    let o = doc_options(state).await?;
    let pdf = render(move || nintei_docs::site_visit_report(&report, &o)).await?;
    Ok(Pdf::new(pdf, "site-visit-report.pdf"))
}

// ---------------------------------------------------------------------------------------------------------------
// Certificates

/// The accreditation certificate (ACC-11/12 ③) of an accreditation, its QR code pointing to
/// `{base_url}/verify/{number}` (the public verification page, ACC-23), dated the day it was issued.
pub async fn accreditation_certificate_pdf(
    state: &AppState,
    number: &str,
    organization_name: &str,
    services: &[ServiceCode],
    (accredited_on, expires_on): (NaiveDate, NaiveDate),
    issued_on: NaiveDate,
) -> AppResult<Vec<u8>> {
    let cert = AccreditationCertificate {
        number: number.to_owned(),
        organization_name: organization_name.to_owned(),
        services: services.iter().map(|s| service_label(*s)).collect(),
        accredited_on,
        expires_on,
        issued_on,
        issuer: acc_issuer(state).await?,
        base_url: state.config.base_url.clone(),
    };
    let o = doc_options(state).await?;
    render(move || nintei_docs::accreditation_certificate(&cert, &o)).await
}

/// 登録証 (REG-5) of a registration in force; the organization's users and the registrar.
pub async fn registration_certificate_pdf(state: &AppState, caller: &Caller, number: &str) -> AppResult<Pdf> {
    let reg = crate::reg::visible_registration(state, caller, number).await?;
    if !reg.status.is_in_force() {
        return Err(AppError::Conflict(format!(
            "登録{}は「{}」のため登録証は発行できません",
            reg.number,
            reg.status.label_ja()
        )));
    }
    let listed = registrations::listed_by_number(state.db.pool(), &reg.number)
        .await?
        .ok_or(AppError::NotFound)?;
    let cert = RegistrationCertificate {
        number: reg.number.clone(),
        organization_name: listed.organization_name,
        site_name: listed.site_name,
        site_address: match Prefecture::from_code(&listed.prefecture) {
            Ok(p) => p.full_address(&listed.address),
            Err(_) => listed.address.clone(),
        },
        registered_on: reg.registered_on,
        expires_on: reg.expires_on,
        issued_on: state.clock.today(),
        issuer: reg_issuer(state).await?,
        base_url: state.config.base_url.clone(),
    };
    let o = doc_options(state).await?;
    let pdf = render(move || nintei_docs::registration_certificate(&cert, &o)).await?;
    Ok(Pdf::new(pdf, &format!("certificate-{}.pdf", reg.number)))
}

// ---------------------------------------------------------------------------------------------------------------
// the accreditation's certificate (認定証) and the revocation notice (認定取消通知書, ACC-18)

/// The link of a certificate's PDF on the accreditation page.
pub fn accreditation_certificate_href(number: &str, certificate_id: &str) -> String {
    format!("/accreditations/{number}/certificates/{certificate_id}/certificate.pdf")
}

/// The link of the revocation notice's PDF on the accreditation page.
pub fn revocation_notice_href(number: &str) -> String {
    format!("/accreditations/{number}/revocation-notice.pdf")
}

/// The accreditation if the caller may read its letters: the organization's own users, the office and the head
/// (as for a case's letters); anyone else is not shown that it exists (404).
async fn accreditation_for_documents(
    state: &AppState,
    caller: &Caller,
    number: &str,
) -> AppResult<nintei_store::acc_records::Record> {
    let record = nintei_store::acc_records::by_number(state.db.pool(), number)
        .await?
        .ok_or(AppError::NotFound)?;
    AppError::check(acc_authz::case_documents(
        &caller.actor(),
        &record.organization_id,
    ))?;
    Ok(record)
}

fn holder_name(record: &nintei_store::acc_records::Record) -> String {
    match &record.unit_name {
        Some(u) if !u.trim().is_empty() => format!("{} {}", record.organization_name, u.trim()),
        _ => record.organization_name.clone(),
    }
}

pub async fn certificate_pdf(
    state: &AppState,
    caller: &Caller,
    number: &str,
    certificate_id: &str,
) -> AppResult<Pdf> {
    let record = accreditation_for_documents(state, caller, number).await?;
    let cert = nintei_store::acc_records::certificates(state.db.pool(), &record.id)
        .await?
        .into_iter()
        .find(|c| c.id == certificate_id)
        .ok_or(AppError::NotFound)?;
    if let Some(on) = cert.returned_on {
        return Err(AppError::Conflict(format!(
            "認定証 {} は {on} に返納されています (returned)",
            cert.serial
        )));
    }
    if crate::acc::record::shown_status(&record, state.clock.today()) != "active" {
        return Err(AppError::Conflict(
            "有効な認定の認定証だけを出力できます (only an active accreditation, ACC-13, ACC-23)".into(),
        ));
    }
    let services: Vec<ServiceCode> = cert
        .services
        .iter()
        .filter_map(|c| ServiceCode::parse(c))
        .collect();
    let pdf = accreditation_certificate_pdf(
        state,
        &record.number,
        &holder_name(&record),
        &services,
        (record.accredited_on, record.expires_on),
        cert.issued_on,
    )
    .await?;
    Ok(Pdf::new(pdf, &format!("certificate-{}.pdf", cert.serial)))
}

pub async fn revocation_notice_pdf(state: &AppState, caller: &Caller, number: &str) -> AppResult<Pdf> {
    let record = accreditation_for_documents(state, caller, number).await?;
    if record.status != "revoked" {
        return Err(AppError::NotFound);
    }
    let pool = state.db.pool();
    let event = nintei_store::accreditations::events(pool, &record.id)
        .await?
        .into_iter()
        .rev()
        .find(|e| e.kind == "revoked")
        .ok_or(AppError::NotFound)?;
    let text = |k: &str| {
        event
            .detail
            .get(k)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let method = match text("method").as_str() {
        "poll" => "認定業務本部長による各委員への賛否の確認",
        _ => "認定委員会の会議",
    };
    let person = nintei_store::organizations::by_id(pool, &record.organization_id)
        .await?
        .map(|o| o.representative)
        .unwrap_or_default();
    let notice = RevocationNotice {
        doc_number: String::new(),
        issued_on: event.occurred_on,
        recipient: Recipient {
            name: holder_name(&record),
            person,
        },
        issuer: acc_issuer(state).await?,
        number: record.number.clone(),
        services: record
            .services
            .iter()
            .filter_map(|c| ServiceCode::parse(c))
            .map(service_label)
            .collect(),
        decided_on: event.occurred_on,
        ground: text("ground_ja"),
        reasons: lines_of(Some(text("reason").as_str())),
        method: method.to_owned(),
    };
    let o = doc_options(state).await?;
    let pdf = render(move || nintei_docs::revocation_notice(&notice, &o)).await?;
    Ok(Pdf::new(pdf, &format!("revocation-notice-{}.pdf", record.number)))
}
