//! Documents of nintei, kept in their own crate so that the heavy typesetting dependencies rebuild rarely:
//! PDF notices and certificates (typst as a library with Japanese fonts from Debian's `fonts-ipaexfont`), the CSV
//! writer of the office's exports and the iCalendar writer of deadline feeds.
//!
//! Every document function takes plain data (no database) and returns the PDF bytes.

pub mod binder;
pub mod csv;
pub mod documents;
mod engine;
pub mod format;
pub mod ical;
pub mod invoice;

pub use binder::{Binder, BinderEvidence, BinderFile, BinderSection, self_study_binder};
pub use documents::{
    AcceptanceNotice, AccreditationCertificate, DocOptions, Issuer, Outcome, RatingLine, Recipient,
    RegistrationCertificate, ResultNotice, ReviewReport, RevocationNotice, SiteVisitReport,
    acceptance_notice, accreditation_certificate, registration_certificate, result_notice, review_report,
    revocation_notice, site_visit_report,
};
pub use engine::check_fonts;
pub use format::DateStyle;
pub use invoice::{Invoice, InvoiceItem, InvoiceTotals, RateTotal, TaxRate, invoice, invoice_totals};

/// Why a document could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    /// The Japanese fonts are missing (install `fonts-ipaexfont`).
    #[error("font: {0}")]
    Font(String),
    /// The data cannot make a valid document (names the field).
    #[error("invalid {field}: {message}")]
    Invalid { field: &'static str, message: String },
    /// typst reported an error (a bug in a template).
    #[error("rendering failed: {0}")]
    Render(String),
}

impl DocError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> DocError {
        DocError::Invalid {
            field,
            message: message.into(),
        }
    }
}
