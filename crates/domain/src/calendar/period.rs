//! Periods under the Civil Code (民法 arts. 140–143, docs/rules.md "Periods and deadlines"): when a
//! period of days, weeks, months or years starts, when it ends, and the filing deadline after art. 142.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::office::OfficeCalendar;

/// The unit a period is expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

/// Which day a period is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// 初日不算入 (art. 140): the event day is not counted; counting starts the next day
    /// ("知った日の翌日から起算して1ヶ月", or a period stated without 起算).
    NextDay,
    /// The text says 起算 from the event day itself ("認定日から起算して3年").
    SameDay,
}

/// The first day counted (起算日) for a period triggered by `event`.
pub fn period_start(event: NaiveDate, start: Start) -> Option<NaiveDate> {
    match start {
        Start::NextDay => event.succ_opt(),
        Start::SameDay => Some(event),
    }
}

/// The last day (inclusive) of a period of `n` units triggered by `event`.
///
/// Days: the `n`-th day counted. Weeks, months, years follow the calendar (art. 143): the period ends
/// on the day before the day corresponding to the 起算日 in the last week, month or year; if the last
/// month has no corresponding day, on that month's last day. `n == 0` gives the day before the
/// 起算日 (an empty period). `None` only when the result leaves chrono's date range.
pub fn period_end(event: NaiveDate, n: u32, unit: Unit, start: Start) -> Option<NaiveDate> {
    let first = period_start(event, start)?;
    match unit {
        Unit::Days => first
            .checked_add_days(chrono::Days::new(u64::from(n)))?
            .pred_opt(),
        Unit::Weeks => first
            .checked_add_days(chrono::Days::new(u64::from(n) * 7))?
            .pred_opt(),
        Unit::Months => months_end(first, u64::from(n)),
        Unit::Years => months_end(first, u64::from(n) * 12),
    }
}

/// Art. 143 for a period of `months` months counted from `first`.
fn months_end(first: NaiveDate, months: u64) -> Option<NaiveDate> {
    let index = i64::from(first.year()) * 12 + i64::from(first.month0()) + i64::try_from(months).ok()?;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = u32::try_from(index.rem_euclid(12)).ok()? + 1;
    match NaiveDate::from_ymd_opt(year, month, first.day()) {
        Some(corresponding) => corresponding.pred_opt(),
        None => last_day_of_month(year, month),
    }
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let next_month_first = if month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next_month_first?.pred_opt()
}

/// The last day to file for a period that the organization must meet: the period end (art. 143),
/// moved to the office's next business day when it is not one and the office's art. 142 setting is on.
pub fn filing_deadline(
    office: &OfficeCalendar,
    event: NaiveDate,
    n: u32,
    unit: Unit,
    start: Start,
) -> Option<NaiveDate> {
    office.roll_forward(period_end(event, n, unit, start)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    // The examples of docs/rules.md "Periods and deadlines".
    #[test]
    fn accreditation_valid_three_years_from_the_day_itself() {
        assert_eq!(
            period_end(d(2026, 4, 1), 3, Unit::Years, Start::SameDay),
            Some(d(2029, 3, 31))
        );
    }

    #[test]
    fn registration_valid_three_years_from_the_day_itself() {
        assert_eq!(
            period_end(d(2026, 9, 20), 3, Unit::Years, Start::SameDay),
            Some(d(2029, 9, 19))
        );
    }

    #[test]
    fn appeal_one_month_from_the_next_day() {
        assert_eq!(
            period_end(d(2026, 1, 15), 1, Unit::Months, Start::NextDay),
            Some(d(2026, 2, 15))
        );
    }

    #[test]
    fn appeal_month_without_corresponding_day_ends_on_its_last_day() {
        assert_eq!(
            period_end(d(2026, 1, 30), 1, Unit::Months, Start::NextDay),
            Some(d(2026, 2, 28))
        );
        assert_eq!(
            period_end(d(2028, 1, 30), 1, Unit::Months, Start::NextDay),
            Some(d(2028, 2, 29))
        );
    }

    #[test]
    fn days_and_weeks() {
        // Art. 140: 10 days from an event on 04-01 are 04-02..=04-11.
        assert_eq!(
            period_end(d(2026, 4, 1), 10, Unit::Days, Start::NextDay),
            Some(d(2026, 4, 11))
        );
        assert_eq!(
            period_end(d(2026, 4, 1), 10, Unit::Days, Start::SameDay),
            Some(d(2026, 4, 10))
        );
        // 4 weeks from Wednesday 2026-04-01: counting from Thursday, ends Wednesday 04-29.
        assert_eq!(
            period_end(d(2026, 4, 1), 4, Unit::Weeks, Start::NextDay),
            Some(d(2026, 4, 29))
        );
        assert_eq!(
            period_end(d(2026, 4, 1), 0, Unit::Days, Start::NextDay),
            Some(d(2026, 4, 1))
        );
    }

    #[test]
    fn months_and_years_edge_cases() {
        // Counting from the 1st ends on the previous month's last day.
        assert_eq!(
            period_end(d(2026, 1, 31), 1, Unit::Months, Start::NextDay),
            Some(d(2026, 2, 28))
        );
        assert_eq!(
            period_end(d(2026, 11, 30), 2, Unit::Months, Start::NextDay),
            Some(d(2027, 1, 31))
        );
        // A year from 02-29 ends 02-28 (the corresponding 02-29 is missing, so the month's last day).
        assert_eq!(
            period_end(d(2024, 2, 29), 1, Unit::Years, Start::SameDay),
            Some(d(2025, 2, 28))
        );
        assert_eq!(
            period_end(d(2024, 2, 29), 4, Unit::Years, Start::SameDay),
            Some(d(2028, 2, 28))
        );
        assert_eq!(
            period_end(d(2026, 12, 31), 12, Unit::Months, Start::SameDay),
            Some(d(2027, 12, 30))
        );
    }

    #[test]
    fn filing_deadline_rolls_forward_per_office_setting() {
        let mut office = OfficeCalendar::default();
        // Appeal deadline 2026-02-15 is a Sunday → Monday 02-16.
        let deadline = filing_deadline(&office, d(2026, 1, 15), 1, Unit::Months, Start::NextDay);
        assert_eq!(deadline, Some(d(2026, 2, 16)));
        // 2026-02-28 is a Saturday → Monday 03-02.
        let deadline = filing_deadline(&office, d(2026, 1, 30), 1, Unit::Months, Start::NextDay);
        assert_eq!(deadline, Some(d(2026, 3, 2)));
        office.roll_forward = false;
        let deadline = filing_deadline(&office, d(2026, 1, 15), 1, Unit::Months, Start::NextDay);
        assert_eq!(deadline, Some(d(2026, 2, 15)));
    }

    #[test]
    fn out_of_range_is_none() {
        assert_eq!(period_end(NaiveDate::MAX, 1, Unit::Days, Start::NextDay), None);
        assert_eq!(
            period_end(d(2026, 1, 1), u32::MAX, Unit::Years, Start::NextDay),
            None
        );
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0u64..100_000).prop_map(|offset| d(1900, 1, 1) + chrono::Days::new(offset))
    }

    fn any_unit() -> impl Strategy<Value = Unit> {
        prop_oneof![
            Just(Unit::Days),
            Just(Unit::Weeks),
            Just(Unit::Months),
            Just(Unit::Years)
        ]
    }

    fn any_start() -> impl Strategy<Value = Start> {
        prop_oneof![Just(Start::NextDay), Just(Start::SameDay)]
    }

    proptest! {
        #[test]
        fn end_is_strictly_monotonic_in_n(
            event in any_date(), n in 0u32..500, unit in any_unit(), start in any_start()
        ) {
            let shorter = period_end(event, n, unit, start).unwrap();
            let longer = period_end(event, n + 1, unit, start).unwrap();
            prop_assert!(shorter < longer);
        }

        #[test]
        fn a_nonempty_period_ends_on_or_after_its_start(
            event in any_date(), n in 1u32..500, unit in any_unit(), start in any_start()
        ) {
            let end = period_end(event, n, unit, start).unwrap();
            prop_assert!(end >= period_start(event, start).unwrap());
        }

        #[test]
        fn month_periods_stay_in_the_target_month(event in any_date(), n in 0u32..2_000) {
            let first = period_start(event, Start::NextDay).unwrap();
            let end = period_end(event, n, Unit::Months, Start::NextDay).unwrap();
            let target = first.year() * 12 + first.month0() as i32 + n as i32;
            let end_month = end.year() * 12 + end.month0() as i32;
            // The day before the corresponding day is in the target month, or the month before when
            // counting starts on the 1st.
            if first.day() == 1 {
                prop_assert_eq!(end_month, target - 1);
            } else {
                prop_assert_eq!(end_month, target);
            }
        }

        #[test]
        fn month_periods_never_overflow(event in any_date(), n in any::<u32>()) {
            // Any u32 count either fits chrono's range or is None; it never panics.
            let _ = period_end(event, n, Unit::Months, Start::NextDay);
            let _ = period_end(event, n, Unit::Years, Start::SameDay);
            let _ = period_end(event, n, Unit::Weeks, Start::NextDay);
        }
    }
}
