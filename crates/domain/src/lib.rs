//! The pure domain of nintei: no web, no SQL, no clock reads (dates come in as parameters).
//!
//! Names follow the glossary of `shared/docs/rules.md`; rule IDs (ACC-n, REG-n) are cited where a rule lives.

pub mod acc;
pub mod authz;
pub mod calendar;
pub mod deadline;
pub mod fees;
pub mod org;
pub mod password;
pub mod reg;
pub mod role;
pub mod search;
