//! The accreditation case as the API shows it (`GET /api/v1/accreditation/cases/{id}` and the answer of every
//! step): API.md's fields plus each step's details. A key that only some callers or some cases have is left out
//! (not `null`) when it does not apply, as the JSON always did.

use chrono::NaiveDate;
use nintei_domain::acc::service::{ServiceCode, ServiceEntry};
use nintei_domain::acc::{Eligibility, UnitConditions};
use nintei_domain::fees::FeeBreakdown;
use nintei_store::acc_impartiality::Objection;
use nintei_store::acc_renewal::Extension;
use nintei_store::invoices::{Invoice, InvoiceLine, Payment};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The case (ACC-1 … ACC-12, ACC-19, ACC-22).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    pub id: String,
    pub organization_id: String,
    pub organization_name: String,
    pub unit_name: Option<String>,
    /// The case state (`submitted`, `eligible`, … `accredited`, `denied`, `withdrawn`).
    pub status: &'static str,
    /// The optimistic-lock version: send it back as `If-Match` with the next step.
    pub version: i64,
    pub services: Vec<ServiceEntry>,
    pub other_services: Vec<String>,
    pub annual_revenue_yen: i64,
    pub applied_on: NaiveDate,
    /// The rest of the application form as submitted (department, contact, attachments, board decision, unit
    /// conditions).
    pub application: Value,
    pub catalog_version: String,
    /// The catalog in use is the built-in sample, not the office's published one.
    pub catalog_sample: bool,
    /// ACC-1 as computed from the application; inline, as `Eligibility` names the REG-1 declaration in the
    /// document's components.
    #[schema(inline)]
    pub eligibility: Eligibility,
    /// The office's decision on eligibility (ACC-4), once made.
    pub eligibility_decision: Option<EligibilityDecision>,
    /// ACC-22 for the case's revenue and number of services.
    pub fees: FeeBreakdown,
    /// The open deadlines of the case.
    pub deadlines: Vec<CaseDeadline>,
    /// The review plan (ACC-5), once a coordinator is named.
    pub plan: Option<Plan>,
    pub surveyors: Vec<CaseSurveyor>,
    pub self_study_submitted_on: Option<NaiveDate>,
    pub report_issued_on: Option<NaiveDate>,
    /// The organization's response to the report (ACC-10).
    pub response: Option<CaseResponse>,
    /// The committee's decision (ACC-11).
    pub decision: Option<CaseDecision>,
    pub first_deferred_on: Option<NaiveDate>,
    /// ACC-12.
    pub notice: Notice,
    pub withdrawn_on: Option<NaiveDate>,
    /// `initial`, `renewal` or `scope_addition` (ACC-19, ACC-20).
    pub kind: &'static str,
    /// The accreditation a renewal or scope addition is for.
    pub accreditation_id: Option<String>,
    /// ACC-19: the accreditation the case renews; only on a case for an accreditation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renews: Option<Renews>,
    /// ACC-19: the extension asked during the review (`null` when none); only on a case for an accreditation.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Extension>)]
    pub extension: Option<Option<Extension>>,
    /// The accreditation the decision granted; only once accredited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accreditation: Option<Granted>,
    /// ACC-22: only for the office, the head, administrators and the organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoices: Option<Vec<CaseInvoice>>,
    /// Every invoice is paid; with `invoices`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoices_paid: Option<bool>,
    /// ACC-2: the department applied for as the unit, `null` for the whole legal entity.
    pub unit: Option<Unit>,
    /// ACC-8: objections to surveyors, for those who may see them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objections: Option<Vec<ObjectionView>>,
    /// ACC-8: cooling-offs of the case's surveyors, for the office, the head and administrators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cooling_offs: Option<Vec<CoolingOff>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EligibilityDecision {
    pub eligible: bool,
    pub decided_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// An open deadline of a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseDeadline {
    pub kind: String,
    pub due_on: NaiveDate,
}

/// ACC-5: the coordinator and the planned dates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Plan {
    pub coordinator_id: String,
    pub coordinator_visit_on: Option<NaiveDate>,
    pub self_study_due_on: Option<NaiveDate>,
    pub site_visit_on: Option<NaiveDate>,
}

/// A surveyor assigned to the case (ACC-7).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseSurveyor {
    pub user_id: String,
    pub name: String,
    pub lead: bool,
}

/// ACC-10: the organization's response to the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseResponse {
    pub submitted_on: NaiveDate,
    pub opinion: Option<String>,
    pub action_plan: Option<String>,
}

/// ACC-11: the committee's decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseDecision {
    /// `accredit`, `defer` or `deny`.
    pub outcome: &'static str,
    pub decided_on: Option<NaiveDate>,
    pub grace_until: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// ACC-12: the result notice and the review report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notice {
    pub sent_on: Option<NaiveDate>,
    pub received_on: Option<NaiveDate>,
    pub review_report_sent_on: Option<NaiveDate>,
}

/// ACC-19: the accreditation a renewal case renews.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Renews {
    pub number: String,
    pub accredited_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub services: Vec<ServiceCode>,
    pub status: String,
}

/// The accreditation granted by the case's decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Granted {
    pub number: String,
    pub accredited_on: NaiveDate,
    pub expires_on: NaiveDate,
}

/// ACC-22: an invoice of the case with what has been paid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseInvoice {
    pub id: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub registration_number: String,
    pub tax_rate_percent: i64,
    pub subtotal_yen: i64,
    pub tax_yen: i64,
    pub total_yen: i64,
    pub paid_yen: i64,
    pub paid: bool,
    pub lines: Vec<InvoiceLine>,
    pub payments: Vec<Payment>,
}

impl From<&Invoice> for CaseInvoice {
    fn from(i: &Invoice) -> Self {
        CaseInvoice {
            id: i.id.clone(),
            number: i.number.clone(),
            issued_on: i.issued_on,
            due_on: i.due_on,
            registration_number: i.registration_number.clone(),
            tax_rate_percent: i.tax_rate_percent,
            subtotal_yen: i.subtotal_yen,
            tax_yen: i.tax_yen,
            total_yen: i.total_yen,
            paid_yen: i.paid_yen(),
            paid: i.is_paid(),
            lines: i.lines.clone(),
            payments: i.payments.clone(),
        }
    }
}

/// ACC-2: the department applied for as the unit of accreditation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Unit {
    pub name: String,
    /// The three conditions as declared in the application.
    pub conditions: Option<UnitConditions>,
    pub conditions_met: Option<bool>,
    /// The head's decision, once made.
    pub decision: Option<UnitDecisionView>,
}

/// ACC-2: the head's decision whether the department qualifies.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitDecisionView {
    pub qualifies: bool,
    pub decided_on: String,
    pub reason: Option<String>,
}

/// ACC-8: the organization's objection to a surveyor.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ObjectionView {
    pub id: String,
    pub surveyor_id: String,
    pub surveyor_name: String,
    pub reason: String,
    pub raised_on: String,
    /// `open`, `upheld` or `rejected`.
    #[schema(pattern = "^(open|upheld|rejected)$")]
    pub status: &'static str,
    pub upheld: Option<bool>,
    pub decided_on: Option<String>,
}

impl From<&Objection> for ObjectionView {
    fn from(o: &Objection) -> Self {
        ObjectionView {
            id: o.id.clone(),
            surveyor_id: o.surveyor_id.clone(),
            surveyor_name: o.surveyor_name.clone(),
            reason: o.reason.clone(),
            raised_on: o.raised_on.clone(),
            status: match o.upheld {
                None => "open",
                Some(true) => "upheld",
                Some(false) => "rejected",
            },
            upheld: o.upheld,
            decided_on: o.decided_on.clone(),
        }
    }
}

/// ACC-8: a surveyor's cooling-off with the case's organization.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoolingOff {
    pub surveyor_id: String,
    pub surveyor_name: String,
    pub decided_on: String,
    pub ends_on: String,
}
