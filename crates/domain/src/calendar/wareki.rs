//! Date formatting in 和暦 ("令和8年11月22日", first year 元年) and 西暦 ("2026年11月22日").

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::ymd;

/// The eras from 明治, in order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    pub const ALL: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    pub fn name(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The western year of the era's first year (元年).
    pub fn first_year(self) -> i32 {
        match self {
            Era::Meiji => 1868,
            Era::Taisho => 1912,
            Era::Showa => 1926,
            Era::Heisei => 1989,
            Era::Reiwa => 2019,
        }
    }

    /// The first day this module writes in the era: the day the era began, except 明治, which starts
    /// at 1873-01-01 (明治6年), when Japan adopted the Gregorian calendar; earlier Gregorian dates have
    /// no faithful 和暦 month and day (the months were lunisolar).
    pub fn start(self) -> NaiveDate {
        match self {
            Era::Meiji => ymd(1873, 1, 1),
            Era::Taisho => ymd(1912, 7, 30),
            Era::Showa => ymd(1926, 12, 25),
            Era::Heisei => ymd(1989, 1, 8),
            Era::Reiwa => ymd(2019, 5, 1),
        }
    }

    fn next(self) -> Option<Era> {
        match self {
            Era::Meiji => Some(Era::Taisho),
            Era::Taisho => Some(Era::Showa),
            Era::Showa => Some(Era::Heisei),
            Era::Heisei => Some(Era::Reiwa),
            Era::Reiwa => None,
        }
    }

    fn contains(self, date: NaiveDate) -> bool {
        date >= self.start() && self.next().is_none_or(|next| date < next.start())
    }
}

/// The era of `date` and the year within it (1 = 元年); `None` before 1873-01-01.
pub fn era_of(date: NaiveDate) -> Option<(Era, u32)> {
    let era = Era::ALL.into_iter().rev().find(|era| era.contains(date))?;
    let year = u32::try_from(date.year() - era.first_year() + 1).ok()?;
    Some((era, year))
}

/// The date of 和暦 `era` `year` (1 = 元年), `month`, `day`; `None` if no such day or it is not in
/// that era (平成31年5月1日 is 令和元年5月1日, so it is rejected).
pub fn from_wareki(era: Era, year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    let western = era
        .first_year()
        .checked_add(i32::try_from(year).ok()?)?
        .checked_sub(1)?;
    let date = NaiveDate::from_ymd_opt(western, month, day)?;
    era.contains(date).then_some(date)
}

/// `date` in 和暦, e.g. "令和8年11月22日", "令和元年5月1日"; `None` before 1873-01-01.
pub fn wareki(date: NaiveDate) -> Option<String> {
    let (era, year) = era_of(date)?;
    let year = if year == 1 {
        "元".to_owned()
    } else {
        year.to_string()
    };
    Some(format!(
        "{}{}年{}月{}日",
        era.name(),
        year,
        date.month(),
        date.day()
    ))
}

/// `date` in 西暦 with Japanese separators, e.g. "2026年11月22日" (no zero padding, like 和暦).
pub fn western_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn formats_reiwa_and_gannen() {
        assert_eq!(wareki(d(2026, 11, 22)).as_deref(), Some("令和8年11月22日"));
        assert_eq!(wareki(d(2019, 5, 1)).as_deref(), Some("令和元年5月1日"));
        assert_eq!(wareki(d(2019, 4, 30)).as_deref(), Some("平成31年4月30日"));
        assert_eq!(western_date(d(2026, 11, 22)), "2026年11月22日");
        assert_eq!(western_date(d(2026, 1, 5)), "2026年1月5日");
    }

    #[test]
    fn era_boundaries() {
        let cases = [
            (d(1873, 1, 1), "明治6年1月1日"),
            (d(1912, 7, 29), "明治45年7月29日"),
            (d(1912, 7, 30), "大正元年7月30日"),
            (d(1926, 12, 24), "大正15年12月24日"),
            (d(1926, 12, 25), "昭和元年12月25日"),
            (d(1989, 1, 7), "昭和64年1月7日"),
            (d(1989, 1, 8), "平成元年1月8日"),
            (d(2019, 4, 30), "平成31年4月30日"),
            (d(2019, 5, 1), "令和元年5月1日"),
            (d(2020, 1, 1), "令和2年1月1日"),
        ];
        for (date, text) in cases {
            assert_eq!(wareki(date).as_deref(), Some(text), "{date}");
        }
    }

    #[test]
    fn era_starts_are_the_stated_dates() {
        let starts: Vec<NaiveDate> = Era::ALL.into_iter().map(Era::start).collect();
        assert_eq!(
            starts,
            [
                d(1873, 1, 1),
                d(1912, 7, 30),
                d(1926, 12, 25),
                d(1989, 1, 8),
                d(2019, 5, 1)
            ]
        );
        for era in Era::ALL {
            assert_eq!(era_of(era.start()).map(|(e, _)| e), Some(era));
        }
    }

    #[test]
    fn before_the_gregorian_calendar_is_none() {
        assert_eq!(wareki(d(1872, 12, 31)), None);
        assert_eq!(era_of(d(1868, 10, 23)), None);
        assert_eq!(from_wareki(Era::Meiji, 5, 12, 1), None);
    }

    #[test]
    fn from_wareki_rejects_days_outside_the_era() {
        assert_eq!(from_wareki(Era::Heisei, 31, 4, 30), Some(d(2019, 4, 30)));
        assert_eq!(from_wareki(Era::Heisei, 31, 5, 1), None);
        assert_eq!(from_wareki(Era::Reiwa, 1, 4, 30), None);
        assert_eq!(from_wareki(Era::Showa, 64, 1, 8), None);
        assert_eq!(from_wareki(Era::Reiwa, 0, 5, 1), None);
        assert_eq!(from_wareki(Era::Reiwa, 8, 2, 30), None);
    }

    proptest! {
        #[test]
        fn wareki_round_trips(offset in 0u64..120_000) {
            let date = d(1873, 1, 1) + chrono::Days::new(offset);
            let (era, year) = era_of(date).unwrap();
            prop_assert_eq!(from_wareki(era, year, date.month(), date.day()), Some(date));
            let text = wareki(date).unwrap();
            prop_assert!(text.starts_with(era.name()));
            prop_assert_eq!(text.contains("元年"), year == 1);
        }

        #[test]
        fn wareki_round_trips_near_era_boundaries(era_index in 1usize..5, delta in -40i64..40) {
            let era = Era::ALL[era_index];
            let date = era.start() + chrono::Duration::days(delta);
            let (found, year) = era_of(date).unwrap();
            prop_assert_eq!(found, if delta < 0 { Era::ALL[era_index - 1] } else { era });
            prop_assert_eq!(from_wareki(found, year, date.month(), date.day()), Some(date));
        }
    }
}
