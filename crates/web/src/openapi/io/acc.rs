//! ACC operations.

use crate::openapi::schema::Io;

pub const CASE: &[Io] = &[];
