//! The office calendar (docs/rules.md "Periods and deadlines"): business days (営業日) and the Civil Code
//! art. 142 roll-forward of filing deadlines, with the office's closure days as a setting.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::holidays::is_national_holiday;

/// How far the business-day searches look before concluding the closures leave no business day at
/// all (a misconfiguration); ten years covers any real calendar, including a lone open 02-29.
const SEARCH_LIMIT_DAYS: u32 = 366 * 10;

/// A day of the year, independent of the year.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    pub const fn new(month: u32, day: u32) -> Self {
        Self { month, day }
    }

    pub fn of(date: NaiveDate) -> Self {
        Self::new(date.month(), date.day())
    }
}

/// An inclusive range of days repeating every year. When `first` is after `last` the range wraps
/// over the new year (12-29..=01-03); a single day has `first == last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AnnualRange {
    pub first: MonthDay,
    pub last: MonthDay,
}

impl AnnualRange {
    pub const fn new(first: MonthDay, last: MonthDay) -> Self {
        Self { first, last }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        let day = MonthDay::of(date);
        if self.first <= self.last {
            self.first <= day && day <= self.last
        } else {
            day >= self.first || day <= self.last
        }
    }
}

/// The office's working calendar. Business days are neither Saturday, Sunday, a national holiday
/// (振替休日 and 国民の休日 included) nor a closure day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OfficeCalendar {
    /// Annual closure days (年末年始休業 by default).
    pub closures: Vec<AnnualRange>,
    /// Whether filing deadlines falling on a non-business day move forward (Civil Code art. 142).
    pub roll_forward: bool,
}

impl Default for OfficeCalendar {
    /// Closed 12-29..=01-03, art. 142 roll-forward on (docs/rules.md: on by default for deadlines the
    /// organization must meet).
    fn default() -> Self {
        Self {
            closures: vec![AnnualRange::new(MonthDay::new(12, 29), MonthDay::new(1, 3))],
            roll_forward: true,
        }
    }
}

impl OfficeCalendar {
    /// Whether `date` falls in one of the office's closures.
    pub fn is_closure_day(&self, date: NaiveDate) -> bool {
        self.closures.iter().any(|range| range.contains(date))
    }

    /// Whether the office works on `date`: not Saturday, Sunday, national holiday or closure day.
    /// Holidays are only known for 1948-07-20..=2099; outside that only weekends and closures count.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            && !self.is_closure_day(date)
            && !is_national_holiday(date)
    }

    /// `date` itself if it is a business day, else the next one. `None` if the date range ends or the
    /// closures leave no business day within ten years.
    pub fn next_business_day_on_or_after(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut day = date;
        for _ in 0..SEARCH_LIMIT_DAYS {
            if self.is_business_day(day) {
                return Some(day);
            }
            day = day.succ_opt()?;
        }
        None
    }

    /// The `n`-th business day after `date`; `date` itself is never counted (art. 140), so the result
    /// is strictly later for `n >= 1`. `n == 0` returns `date` unchanged.
    pub fn add_business_days(&self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut day = date;
        for _ in 0..n {
            day = self.next_business_day_on_or_after(day.succ_opt()?)?;
        }
        Some(day)
    }

    /// Civil Code art. 142 for a filing deadline: a last day on which the office does not work
    /// (Sunday, national holiday, closure day — and Saturday, since the office is closed then too)
    /// moves to the next business day. Unchanged when the `roll_forward` setting is off.
    pub fn roll_forward(&self, date: NaiveDate) -> Option<NaiveDate> {
        if self.roll_forward {
            self.next_business_day_on_or_after(date)
        } else {
            Some(date)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn default_closes_the_new_year_and_rolls_forward() {
        let office = OfficeCalendar::default();
        assert!(office.roll_forward);
        assert!(office.is_business_day(d(2026, 12, 28)));
        for day in [d(2026, 12, 29), d(2026, 12, 31), d(2027, 1, 1), d(2027, 1, 3)] {
            assert!(office.is_closure_day(day), "{day}");
            assert!(!office.is_business_day(day), "{day}");
        }
        assert!(office.is_business_day(d(2027, 1, 4)));
    }

    #[test]
    fn weekends_and_holidays_are_not_business_days() {
        let office = OfficeCalendar::default();
        assert!(!office.is_business_day(d(2026, 11, 21))); // Saturday
        assert!(!office.is_business_day(d(2026, 11, 22))); // Sunday
        assert!(!office.is_business_day(d(2026, 11, 23))); // 勤労感謝の日
        assert!(!office.is_business_day(d(2026, 9, 22))); // 国民の休日
        assert!(!office.is_business_day(d(2026, 5, 6))); // 振替休日
        assert!(office.is_business_day(d(2026, 11, 24)));
    }

    #[test]
    fn non_wrapping_and_single_day_ranges() {
        let office = OfficeCalendar {
            closures: vec![
                AnnualRange::new(MonthDay::new(8, 13), MonthDay::new(8, 16)),
                AnnualRange::new(MonthDay::new(6, 1), MonthDay::new(6, 1)),
            ],
            roll_forward: true,
        };
        assert!(office.is_closure_day(d(2026, 8, 13)));
        assert!(office.is_closure_day(d(2026, 8, 14)));
        assert!(!office.is_closure_day(d(2026, 8, 17)));
        assert!(office.is_closure_day(d(2026, 6, 1)));
        assert!(!office.is_closure_day(d(2026, 6, 2)));
        // Without the default closure, 12-29 is an ordinary Tuesday.
        assert!(office.is_business_day(d(2026, 12, 29)));
    }

    #[test]
    fn add_business_days_skips_closures_and_holidays() {
        let office = OfficeCalendar::default();
        // Monday 2026-12-28 + 1 → past the closure to Monday 2027-01-04.
        assert_eq!(office.add_business_days(d(2026, 12, 28), 1), Some(d(2027, 1, 4)));
        // Thursday 2026-04-30 + 1 → Golden Week ends with the 振替休日 on 05-06 → Thursday 05-07.
        assert_eq!(office.add_business_days(d(2026, 4, 30), 1), Some(d(2026, 5, 1)));
        assert_eq!(office.add_business_days(d(2026, 5, 1), 1), Some(d(2026, 5, 7)));
        // Counting from a non-business day: Saturday + 1 is Monday.
        assert_eq!(
            office.add_business_days(d(2026, 11, 14), 1),
            Some(d(2026, 11, 16))
        );
        assert_eq!(
            office.add_business_days(d(2026, 11, 16), 5),
            Some(d(2026, 11, 24))
        );
        assert_eq!(
            office.add_business_days(d(2026, 11, 22), 0),
            Some(d(2026, 11, 22))
        );
    }

    #[test]
    fn roll_forward_follows_the_setting() {
        let mut office = OfficeCalendar::default();
        assert_eq!(office.roll_forward(d(2026, 2, 15)), Some(d(2026, 2, 16))); // Sunday
        assert_eq!(office.roll_forward(d(2026, 2, 28)), Some(d(2026, 3, 2))); // Saturday
        assert_eq!(office.roll_forward(d(2026, 12, 30)), Some(d(2027, 1, 4))); // closure
        assert_eq!(office.roll_forward(d(2026, 3, 2)), Some(d(2026, 3, 2))); // business day
        office.roll_forward = false;
        assert_eq!(office.roll_forward(d(2026, 2, 15)), Some(d(2026, 2, 15)));
    }

    #[test]
    fn closed_all_year_finds_no_business_day() {
        let office = OfficeCalendar {
            closures: vec![AnnualRange::new(MonthDay::new(1, 1), MonthDay::new(12, 31))],
            roll_forward: true,
        };
        assert_eq!(office.next_business_day_on_or_after(d(2026, 1, 1)), None);
        assert_eq!(office.add_business_days(d(2026, 1, 1), 1), None);
        assert_eq!(office.roll_forward(d(2026, 1, 1)), None);
    }

    #[test]
    fn no_business_day_after_the_last_date() {
        let office = OfficeCalendar::default();
        assert_eq!(office.add_business_days(NaiveDate::MAX, 1), None);
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        // 1940..2110 straddles both ends of the holiday table.
        (0u64..62_000).prop_map(|offset| d(1940, 1, 1) + chrono::Days::new(offset))
    }

    proptest! {
        #[test]
        fn adding_business_days_lands_on_a_later_business_day(date in any_date(), n in 1u32..60) {
            let office = OfficeCalendar::default();
            let result = office.add_business_days(date, n).unwrap();
            prop_assert!(result > date);
            prop_assert!(office.is_business_day(result));
            // Exactly n business days lie in (date, result].
            let mut count = 0;
            let mut day = date;
            while day < result {
                day = day.succ_opt().unwrap();
                if office.is_business_day(day) {
                    count += 1;
                }
            }
            prop_assert_eq!(count, n);
        }

        #[test]
        fn roll_forward_gives_the_first_business_day_on_or_after(date in any_date()) {
            let office = OfficeCalendar::default();
            let rolled = office.roll_forward(date).unwrap();
            prop_assert!(rolled >= date);
            prop_assert!(office.is_business_day(rolled));
            let mut day = date;
            while day < rolled {
                prop_assert!(!office.is_business_day(day));
                day = day.succ_opt().unwrap();
            }
        }
    }
}
