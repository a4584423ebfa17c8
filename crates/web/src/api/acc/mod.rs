//! The accreditation (ACC) API, one module per concept as in the domain and the use cases.

pub(crate) mod appeal;
pub(crate) mod case;
pub(crate) mod impartiality;
pub(crate) mod record;
pub(crate) mod renewal;
pub(crate) mod study;
