//! The request and answer types of the routed operations beyond the foundation's table, by area.

use super::schema::Io;

mod acc;
mod record;
mod reg;

/// Every area's table.
pub const ALL: &[&[Io]] = &[acc::CASE, record::ALL, reg::ALL];
