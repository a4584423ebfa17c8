//! The accreditation (ACC) screens, one module per concept as in the domain and the use cases.

pub(crate) mod appeal;
pub(crate) mod apply;
pub(crate) mod case;
pub(crate) mod cases;
pub(crate) mod impartiality;
pub(crate) mod progress;
pub(crate) mod ratings;
pub(crate) mod record;
pub(crate) mod study;
