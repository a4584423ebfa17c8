//! REG operations.

use crate::openapi::schema::Io;

pub const ALL: &[Io] = &[];
