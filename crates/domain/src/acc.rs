//! Accreditation (ACC) rules of seed 003: see docs/rules.md ACC-1 … ACC-23.
//!
//! Pure: every date comes in as a parameter. Modules: the services ([`service`]), eligibility and the unit
//! (ACC-1, ACC-2, [`eligibility`]), the standards catalog and its import ([`standards`]), ratings and the
//! assessment (ACC-9, ACC-10, [`assessment`]), the case state machine ([`case`]), periods ([`dates`]) and the
//! deadlines a case shows ([`deadlines`]).

pub mod appeal;
pub mod assessment;
pub mod case;
pub mod committee;
mod csv;
pub mod dates;
pub mod deadlines;
pub mod eligibility;
pub mod hold;
pub mod impartiality;
pub mod record;
pub mod renewal;
pub mod replan;
pub mod service;
pub mod site_visit;
pub mod standards;
pub mod study;

pub use assessment::{Assessment, Rating, RatingError, assess, status_after_report};
pub use case::{Action, CaseStatus, Decision, Outcome, TransitionError};
pub use deadlines::{Deadline, DeadlineKind, NoticeDates, deadlines_after_decision};
pub use eligibility::{Eligibility, UnitConditions, assess_eligibility};
pub use service::{ServiceCode, ServiceEntry};
pub use standards::{Catalog, CatalogError, Fundamental, Kind, Standard, parse_catalog_csv, sample_catalog};
