//! Pure calendar rules (docs/rules.md "Periods and deadlines"): Japanese national holidays, the office's
//! business days, Civil Code periods (民法 arts. 140–143) and 和暦 / 西暦 date formatting.
//!
//! Everything takes dates as parameters; nothing here reads the clock.

mod holidays;
mod office;
mod period;
mod wareki;

pub use holidays::{
    FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR, holiday_name, holidays_in_year, is_national_holiday,
};
pub use office::{AnnualRange, MonthDay, OfficeCalendar};
pub use period::{Start, Unit, filing_deadline, period_end, period_start};
pub use wareki::{Era, era_of, from_wareki, wareki, western_date};

use chrono::NaiveDate;

/// A date from literal parts, usable in `const` items. Only ever called with valid literals (the unit
/// tests of each constant prove it), so the `MIN` fallback is unreachable; it exists because the
/// lints forbid panicking.
const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => NaiveDate::MIN,
    }
}
