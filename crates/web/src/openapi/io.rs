//! The request and answer types of the routed operations beyond the foundation's table, by area.

use super::schema::{Answer, Io, io};

mod acc;
mod directory;
mod record;
mod reg;

/// Every area's table.
pub const ALL: &[&[Io]] = &[META, acc::CASE, record::ALL, reg::ALL, directory::ALL];

/// The Swagger UI page over the document.
const META: &[Io] = &[io("get", "/api/docs", None, Answer::Html)];
