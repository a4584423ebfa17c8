//! Registration (REG) rules of seed 000: see docs/rules.md REG-1 … REG-9.
//!
//! - [`criteria`]: the REG-3 checklist the applicant confirms (自己適合確認).
//! - [`application`]: what an application carries (REG-1 eligibility, counselors, psychiatrists, disclosure).
//! - [`hours`]: the directory's days/hours filters over the disclosed counseling hours.
//! - [`findings`]: what the office reads from an application before registering (REG-3, REG-5).
//! - [`dates`]: validity, renewal and registration numbers (REG-4).
//! - [`deadlines`]: REG due dates in the one deadline model (REG-4 renewal, REG-7 document requests).
//! - [`status`]: the life of a registration case (REG-5 … REG-7).
//! - [`changes`]: notified changes of registered matters (REG-6).
//! - [`committee`]: the registration review committee's vote on deregistration (REG-7).
//! - [`publication`]: what the directory publishes (REG-3 1(3)イ, REG-5).
//! - [`validity`]: validity judged by the dates, terms with history, the public status (REG-4, REG-5).
//! - [`address`]: one room, one registration: normalized addresses and their prefecture (REG-2, REG-8).

pub mod address;
pub mod application;
pub mod changes;
pub mod committee;
pub mod criteria;
pub mod dates;
pub mod deadlines;
pub mod findings;
pub mod hours;
pub mod publication;
pub mod status;
pub mod validity;
