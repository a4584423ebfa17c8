//! Japanese national holidays computed by rule (国民の祝日に関する法律 of 1948 as amended, plus the
//! one-off laws for imperial ceremonies and the 2020/2021 Olympic moves), for 1948-07-20..=2099.
//!
//! Outside that range nothing is a holiday: the law took effect on 1948-07-20, and the equinox
//! approximation used for 春分の日 / 秋分の日 is only valid up to 2099.

use chrono::{Datelike, NaiveDate, Weekday};

use super::ymd;

/// First year with any national holiday (the law took effect on 1948-07-20).
pub const FIRST_HOLIDAY_YEAR: i32 = 1948;
/// Last year the equinox formula, hence the holiday list, is valid for.
pub const LAST_HOLIDAY_YEAR: i32 = 2099;

/// 国民の祝日に関する法律 took effect on this day; earlier dates of 1948 are not holidays.
const LAW_IN_FORCE: NaiveDate = ymd(1948, 7, 20);
/// 振替休日 exists for Sunday holidays from the 1973 amendment (in force 1973-04-12).
const SUBSTITUTE_FROM: NaiveDate = ymd(1973, 4, 12);
/// 国民の休日 (a day between two holidays) exists from the 1985 amendment (in force 1985-12-27).
const CITIZENS_HOLIDAY_FROM: NaiveDate = ymd(1985, 12, 27);
/// The 2005 amendment (in force 2007-01-01) lets 振替休日 skip over further holidays and drops the
/// Sunday exclusion of 国民の休日.
const RULES_OF_2007: NaiveDate = ymd(2007, 1, 1);

const SUBSTITUTE: &str = "振替休日";
const CITIZENS_HOLIDAY: &str = "国民の休日";

/// Days made holidays by their own laws. They count as 祝日 for the 国民の休日 rule, as the 2019 law
/// says expressly for 即位の日 (which is what makes 2019-04-30 and 05-02 holidays).
const SPECIAL_DAYS: [(NaiveDate, &str); 6] = [
    (ymd(1959, 4, 10), "皇太子明仁親王の結婚の儀"),
    (ymd(1989, 2, 24), "昭和天皇の大喪の礼"),
    (ymd(1990, 11, 12), "即位礼正殿の儀"),
    (ymd(1993, 6, 9), "皇太子徳仁親王の結婚の儀"),
    (ymd(2019, 5, 1), "即位の日"),
    (ymd(2019, 10, 22), "即位礼正殿の儀"),
];

/// Day of March of 春分の日: the standard approximation of the vernal equinox, valid 1900–2099.
/// The inner division truncates toward zero, as the published formula's `int()` does.
fn vernal_equinox_day(year: i32) -> u32 {
    equinox_day(year, 20.8357, 20.8431)
}

/// Day of September of 秋分の日, same approximation.
fn autumnal_equinox_day(year: i32) -> u32 {
    equinox_day(year, 23.2588, 23.2488)
}

fn equinox_day(year: i32, base_before_1980: f64, base_from_1980: f64) -> u32 {
    let (base, leap_days) = if year < 1980 {
        (base_before_1980, (year - 1983) / 4)
    } else {
        (base_from_1980, (year - 1980) / 4)
    };
    let day = base + 0.242194 * f64::from(year - 1980) - f64::from(leap_days);
    // Always in 19..=24 for 1900..=2099, so the cast cannot truncate meaningfully.
    day.floor() as u32
}

/// The 国民の祝日 of `year` (fixed, Happy Monday, equinox and special days), before 振替休日 and
/// 国民の休日 are derived. Sorted by date.
fn statutory_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let y = year;
    let fixed = |month, day| NaiveDate::from_ymd_opt(y, month, day);
    let monday = |month, nth| NaiveDate::from_weekday_of_month_opt(y, month, Weekday::Mon, nth);
    let olympic = y == 2020 || y == 2021;
    // (applies this year, date, name), in calendar order; the years are those of each amendment.
    let rules = [
        (true, fixed(1, 1), "元日"),
        (y <= 1999, fixed(1, 15), "成人の日"),
        (y >= 2000, monday(1, 2), "成人の日"),
        (y >= 1967, fixed(2, 11), "建国記念の日"),
        (y >= 2020, fixed(2, 23), "天皇誕生日"),
        (true, fixed(3, vernal_equinox_day(y)), "春分の日"),
        (y <= 1988, fixed(4, 29), "天皇誕生日"),
        ((1989..=2006).contains(&y), fixed(4, 29), "みどりの日"),
        (y >= 2007, fixed(4, 29), "昭和の日"),
        (true, fixed(5, 3), "憲法記念日"),
        (y >= 2007, fixed(5, 4), "みどりの日"),
        (true, fixed(5, 5), "こどもの日"),
        ((1996..=2002).contains(&y), fixed(7, 20), "海の日"),
        (y >= 2003 && !olympic, monday(7, 3), "海の日"),
        (y == 2020, fixed(7, 23), "海の日"),
        (y == 2021, fixed(7, 22), "海の日"),
        (y == 2020, fixed(7, 24), "スポーツの日"),
        (y == 2021, fixed(7, 23), "スポーツの日"),
        (y == 2020, fixed(8, 10), "山の日"),
        (y == 2021, fixed(8, 8), "山の日"),
        (y >= 2016 && !olympic, fixed(8, 11), "山の日"),
        ((1966..=2002).contains(&y), fixed(9, 15), "敬老の日"),
        (y >= 2003, monday(9, 3), "敬老の日"),
        (true, fixed(9, autumnal_equinox_day(y)), "秋分の日"),
        ((1966..=1999).contains(&y), fixed(10, 10), "体育の日"),
        ((2000..=2019).contains(&y), monday(10, 2), "体育の日"),
        (y >= 2022, monday(10, 2), "スポーツの日"),
        (true, fixed(11, 3), "文化の日"),
        (true, fixed(11, 23), "勤労感謝の日"),
        ((1989..=2018).contains(&y), fixed(12, 23), "天皇誕生日"),
    ];
    let mut days: Vec<(NaiveDate, &'static str)> = rules
        .into_iter()
        .filter_map(|(applies, date, name)| if applies { date.map(|d| (d, name)) } else { None })
        .chain(SPECIAL_DAYS.into_iter().filter(|(d, _)| d.year() == y))
        .collect();
    days.sort_by_key(|(d, _)| *d);
    days
}

/// 振替休日 for a 祝日 falling on `sunday`: before 2007 only the Monday, and only if it is not itself a
/// 祝日; from 2007 the first following day that is not a 祝日.
fn substitute_for(sunday: NaiveDate, is_statutory: impl Fn(NaiveDate) -> bool) -> Option<NaiveDate> {
    let mut day = sunday.succ_opt()?;
    if sunday < RULES_OF_2007 {
        return (!is_statutory(day)).then_some(day);
    }
    while is_statutory(day) {
        day = day.succ_opt()?;
    }
    Some(day)
}

/// Every national holiday of `year`, 振替休日 and 国民の休日 included, sorted by date, with its
/// Japanese name. Empty outside 1948..=2099; for 1948 only days from 1948-07-20.
///
/// Names are the law's; the 1959/1989/1990/1993/2019 one-off days carry the ceremony's name, and the
/// derived days are named "振替休日" and "国民の休日" (the Cabinet Office list just says "休日").
pub fn holidays_in_year(year: i32) -> Vec<(NaiveDate, &'static str)> {
    if !(FIRST_HOLIDAY_YEAR..=LAST_HOLIDAY_YEAR).contains(&year) {
        return Vec::new();
    }
    let statutory = statutory_holidays(year);
    let is_statutory = |date: NaiveDate| statutory.iter().any(|(d, _)| *d == date);

    let mut derived: Vec<(NaiveDate, &'static str)> = statutory
        .iter()
        .filter(|(d, _)| d.weekday() == Weekday::Sun && *d >= SUBSTITUTE_FROM)
        .filter_map(|(d, _)| substitute_for(*d, is_statutory))
        .map(|d| (d, SUBSTITUTE))
        .collect();

    // 国民の休日: a non-祝日 day whose neighbours are both 祝日. Before 2007 the law excluded Sundays
    // and days already 振替休日; from 2007 only 祝日 are excluded (a 振替休日 keeps that name).
    for pair in statutory.windows(2) {
        let [(before, _), (after, _)] = pair else { continue };
        let Some(middle) = before.succ_opt() else { continue };
        let sandwiched = middle.succ_opt() == Some(*after);
        let excluded_sunday = middle < RULES_OF_2007 && middle.weekday() == Weekday::Sun;
        let already = derived.iter().any(|(d, _)| *d == middle);
        if sandwiched && middle >= CITIZENS_HOLIDAY_FROM && !excluded_sunday && !already {
            derived.push((middle, CITIZENS_HOLIDAY));
        }
    }

    let mut all: Vec<(NaiveDate, &'static str)> = statutory
        .into_iter()
        .chain(derived)
        .filter(|(d, _)| *d >= LAW_IN_FORCE)
        .collect();
    all.sort_by_key(|(d, _)| *d);
    all
}

/// The Japanese name of the national holiday on `date` (振替休日 and 国民の休日 included), or `None`
/// when it is not one or lies outside 1948-07-20..=2099.
pub fn holiday_name(date: NaiveDate) -> Option<&'static str> {
    holidays_in_year(date.year())
        .into_iter()
        .find(|(d, _)| *d == date)
        .map(|(_, name)| name)
}

/// Whether `date` is a national holiday (振替休日 and 国民の休日 included); `false` outside
/// 1948-07-20..=2099.
pub fn is_national_holiday(date: NaiveDate) -> bool {
    holiday_name(date).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Compares a whole year against the official list (内閣府「国民の祝日について」).
    fn assert_year(year: i32, expected: &[(u32, u32, &str)]) {
        let actual: Vec<(u32, u32, &str)> = holidays_in_year(year)
            .into_iter()
            .map(|(date, name)| (date.month(), date.day(), name))
            .collect();
        assert_eq!(actual, expected, "holidays of {year}");
    }

    #[test]
    fn constants_are_valid_dates() {
        assert_eq!(LAW_IN_FORCE, d(1948, 7, 20));
        assert_eq!(SUBSTITUTE_FROM, d(1973, 4, 12));
        assert_eq!(CITIZENS_HOLIDAY_FROM, d(1985, 12, 27));
        assert_eq!(RULES_OF_2007, d(2007, 1, 1));
        assert!(SPECIAL_DAYS.iter().all(|(date, _)| *date > LAW_IN_FORCE));
    }

    #[test]
    fn year_2026() {
        assert_year(
            2026,
            &[
                (1, 1, "元日"),
                (1, 12, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 20, "海の日"),
                (8, 11, "山の日"),
                (9, 21, "敬老の日"),
                (9, 22, "国民の休日"),
                (9, 23, "秋分の日"),
                (10, 12, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
            ],
        );
    }

    #[test]
    fn year_2025() {
        assert_year(
            2025,
            &[
                (1, 1, "元日"),
                (1, 13, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (2, 24, "振替休日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 21, "海の日"),
                (8, 11, "山の日"),
                (9, 15, "敬老の日"),
                (9, 23, "秋分の日"),
                (10, 13, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
                (11, 24, "振替休日"),
            ],
        );
    }

    #[test]
    fn year_2024() {
        assert_year(
            2024,
            &[
                (1, 1, "元日"),
                (1, 8, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 12, "振替休日"),
                (2, 23, "天皇誕生日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 15, "海の日"),
                (8, 11, "山の日"),
                (8, 12, "振替休日"),
                (9, 16, "敬老の日"),
                (9, 22, "秋分の日"),
                (9, 23, "振替休日"),
                (10, 14, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 4, "振替休日"),
                (11, 23, "勤労感謝の日"),
            ],
        );
    }

    #[test]
    fn year_2021_olympic_moves() {
        assert_year(
            2021,
            &[
                (1, 1, "元日"),
                (1, 11, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (7, 22, "海の日"),
                (7, 23, "スポーツの日"),
                (8, 8, "山の日"),
                (8, 9, "振替休日"),
                (9, 20, "敬老の日"),
                (9, 23, "秋分の日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
            ],
        );
    }

    #[test]
    fn year_2020_olympic_moves() {
        assert_year(
            2020,
            &[
                (1, 1, "元日"),
                (1, 13, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (2, 24, "振替休日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 23, "海の日"),
                (7, 24, "スポーツの日"),
                (8, 10, "山の日"),
                (9, 21, "敬老の日"),
                (9, 22, "秋分の日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
            ],
        );
    }

    #[test]
    fn year_2019_enthronement() {
        assert_year(
            2019,
            &[
                (1, 1, "元日"),
                (1, 14, "成人の日"),
                (2, 11, "建国記念の日"),
                (3, 21, "春分の日"),
                (4, 29, "昭和の日"),
                (4, 30, "国民の休日"),
                (5, 1, "即位の日"),
                (5, 2, "国民の休日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 15, "海の日"),
                (8, 11, "山の日"),
                (8, 12, "振替休日"),
                (9, 16, "敬老の日"),
                (9, 23, "秋分の日"),
                (10, 14, "体育の日"),
                (10, 22, "即位礼正殿の儀"),
                (11, 3, "文化の日"),
                (11, 4, "振替休日"),
                (11, 23, "勤労感謝の日"),
            ],
        );
    }

    #[test]
    fn year_2015() {
        assert_year(
            2015,
            &[
                (1, 1, "元日"),
                (1, 12, "成人の日"),
                (2, 11, "建国記念の日"),
                (3, 21, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 20, "海の日"),
                (9, 21, "敬老の日"),
                (9, 22, "国民の休日"),
                (9, 23, "秋分の日"),
                (10, 12, "体育の日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
                (12, 23, "天皇誕生日"),
            ],
        );
    }

    #[test]
    fn year_2009() {
        assert_year(
            2009,
            &[
                (1, 1, "元日"),
                (1, 12, "成人の日"),
                (2, 11, "建国記念の日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 20, "海の日"),
                (9, 21, "敬老の日"),
                (9, 22, "国民の休日"),
                (9, 23, "秋分の日"),
                (10, 12, "体育の日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
                (12, 23, "天皇誕生日"),
            ],
        );
    }

    #[test]
    fn year_2007() {
        assert_year(
            2007,
            &[
                (1, 1, "元日"),
                (1, 8, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 12, "振替休日"),
                (3, 21, "春分の日"),
                (4, 29, "昭和の日"),
                (4, 30, "振替休日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (7, 16, "海の日"),
                (9, 17, "敬老の日"),
                (9, 23, "秋分の日"),
                (9, 24, "振替休日"),
                (10, 8, "体育の日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
                (12, 23, "天皇誕生日"),
                (12, 24, "振替休日"),
            ],
        );
    }

    #[test]
    fn year_1989() {
        assert_year(
            1989,
            &[
                (1, 1, "元日"),
                (1, 2, "振替休日"),
                (1, 15, "成人の日"),
                (1, 16, "振替休日"),
                (2, 11, "建国記念の日"),
                (2, 24, "昭和天皇の大喪の礼"),
                (3, 21, "春分の日"),
                (4, 29, "みどりの日"),
                (5, 3, "憲法記念日"),
                (5, 4, "国民の休日"),
                (5, 5, "こどもの日"),
                (9, 15, "敬老の日"),
                (9, 23, "秋分の日"),
                (10, 10, "体育の日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
                (12, 23, "天皇誕生日"),
            ],
        );
    }

    #[test]
    fn law_starts_1948_07_20() {
        assert_year(
            1948,
            &[(9, 23, "秋分の日"), (11, 3, "文化の日"), (11, 23, "勤労感謝の日")],
        );
        assert_eq!(holiday_name(d(1948, 5, 5)), None);
        assert_eq!(holiday_name(d(1949, 1, 1)), Some("元日"));
        assert_eq!(holiday_name(d(1949, 4, 29)), Some("天皇誕生日"));
    }

    #[test]
    fn outside_range_is_never_a_holiday() {
        assert!(holidays_in_year(1947).is_empty());
        assert!(holidays_in_year(2100).is_empty());
        assert!(!is_national_holiday(d(2100, 1, 1)));
        assert!(!is_national_holiday(d(1900, 1, 1)));
        assert!(is_national_holiday(d(2099, 1, 1)));
    }

    #[test]
    fn amendment_years() {
        // 成人の日 / 体育の日 become Happy Monday in 2000.
        assert_eq!(holiday_name(d(1999, 1, 15)), Some("成人の日"));
        assert_eq!(holiday_name(d(2000, 1, 10)), Some("成人の日"));
        assert_eq!(holiday_name(d(2000, 1, 15)), None);
        assert_eq!(holiday_name(d(1999, 10, 10)), Some("体育の日"));
        assert_eq!(holiday_name(d(1999, 10, 11)), Some("振替休日"));
        assert_eq!(holiday_name(d(1998, 10, 10)), Some("体育の日"));
        assert_eq!(holiday_name(d(2000, 10, 9)), Some("体育の日"));
        // 敬老の日 / 体育の日 start in 1966, 建国記念の日 in 1967.
        assert_eq!(holiday_name(d(1965, 9, 15)), None);
        assert_eq!(holiday_name(d(1966, 9, 15)), Some("敬老の日"));
        assert_eq!(holiday_name(d(1966, 10, 10)), Some("体育の日"));
        assert_eq!(holiday_name(d(1966, 2, 11)), None);
        assert_eq!(holiday_name(d(1967, 2, 11)), Some("建国記念の日"));
        // 海の日: 07-20 from 1996, Happy Monday from 2003; 敬老の日 Happy Monday from 2003.
        assert_eq!(holiday_name(d(1995, 7, 20)), None);
        assert_eq!(holiday_name(d(1996, 7, 20)), Some("海の日"));
        assert_eq!(holiday_name(d(2003, 7, 21)), Some("海の日"));
        assert_eq!(holiday_name(d(2002, 9, 15)), Some("敬老の日"));
        assert_eq!(holiday_name(d(2003, 9, 15)), Some("敬老の日"));
        assert_eq!(holiday_name(d(2004, 9, 20)), Some("敬老の日"));
        // 山の日 from 2016; スポーツの日 from 2020.
        assert_eq!(holiday_name(d(2015, 8, 11)), None);
        assert_eq!(holiday_name(d(2016, 8, 11)), Some("山の日"));
        assert_eq!(holiday_name(d(2022, 10, 10)), Some("スポーツの日"));
        // 天皇誕生日 moves 04-29 → 12-23 → (none in 2019) → 02-23.
        assert_eq!(holiday_name(d(1988, 4, 29)), Some("天皇誕生日"));
        assert_eq!(holiday_name(d(2018, 12, 23)), Some("天皇誕生日"));
        assert_eq!(holiday_name(d(2019, 12, 23)), None);
        assert_eq!(holiday_name(d(2019, 2, 23)), None);
        assert_eq!(holiday_name(d(2006, 4, 29)), Some("みどりの日"));
        assert_eq!(holiday_name(d(2006, 5, 4)), Some("国民の休日"));
    }

    #[test]
    fn special_days() {
        assert_eq!(holiday_name(d(1959, 4, 10)), Some("皇太子明仁親王の結婚の儀"));
        assert_eq!(holiday_name(d(1990, 11, 12)), Some("即位礼正殿の儀"));
        assert_eq!(holiday_name(d(1993, 6, 9)), Some("皇太子徳仁親王の結婚の儀"));
    }

    #[test]
    fn substitute_holiday_rules() {
        // None before 1973-04-12; the first one is 1973-04-30.
        assert_eq!(holiday_name(d(1973, 2, 12)), None);
        assert_eq!(holiday_name(d(1973, 4, 30)), Some("振替休日"));
        // Before 2007 only the Monday: 1998-05-03 (Sunday) gives 05-04, nothing after こどもの日.
        assert_eq!(holiday_name(d(1998, 5, 4)), Some("振替休日"));
        assert_eq!(holiday_name(d(1998, 5, 6)), None);
        // From 2007 the next non-holiday: 2008-05-04 (Sunday) gives 05-06.
        assert_eq!(holiday_name(d(2008, 5, 6)), Some("振替休日"));
    }

    #[test]
    fn citizens_holiday_rules() {
        // None before 1985-12-27; 1986-05-04 is a Sunday, 1987-05-04 a 振替休日, 1988-05-04 the first.
        assert_eq!(holiday_name(d(1985, 5, 4)), None);
        assert_eq!(holiday_name(d(1986, 5, 4)), None);
        assert_eq!(holiday_name(d(1987, 5, 4)), Some("振替休日"));
        assert_eq!(holiday_name(d(1988, 5, 4)), Some("国民の休日"));
    }

    #[test]
    fn equinox_spot_checks() {
        let vernal = [
            (1949, 21),
            (1960, 20),
            (1979, 21),
            (2000, 20),
            (2011, 21),
            (2092, 19),
            (2099, 20),
        ];
        for (year, day) in vernal {
            assert_eq!(vernal_equinox_day(year), day, "春分 {year}");
            assert_eq!(holiday_name(d(year, 3, day)), Some("春分の日"));
        }
        let autumnal = [
            (1948, 23),
            (1979, 24),
            (2000, 23),
            (2012, 22),
            (2016, 22),
            (2044, 22),
            (2099, 23),
        ];
        for (year, day) in autumnal {
            assert_eq!(autumnal_equinox_day(year), day, "秋分 {year}");
            assert_eq!(holiday_name(d(year, 9, day)), Some("秋分の日"));
        }
    }

    #[test]
    fn every_year_is_sane() {
        for year in 1949..=2099 {
            let days = holidays_in_year(year);
            // 9 祝日 in 1949, growing with each amendment to 16 (+ 振替 / 国民の休日) today.
            let minimum = if year >= 1967 { 12 } else { 9 };
            assert!(
                (minimum..=24).contains(&days.len()),
                "{year}: {} holidays",
                days.len()
            );
            assert!(
                days.windows(2).all(|w| w[0].0 < w[1].0),
                "{year} sorted and unique"
            );
            assert!(days.iter().all(|(date, _)| date.year() == year));
            let equinoxes = days
                .iter()
                .filter(|(_, n)| *n == "春分の日" || *n == "秋分の日")
                .count();
            assert_eq!(equinoxes, 2, "{year}");
            // A 振替休日 always follows a run of holidays that starts on a Sunday.
            for (date, name) in &days {
                if *name == SUBSTITUTE {
                    let mut back = date.pred_opt().unwrap();
                    while back.weekday() != Weekday::Sun {
                        assert!(is_national_holiday(back), "{date}");
                        back = back.pred_opt().unwrap();
                    }
                    assert!(is_national_holiday(back), "{date}");
                }
            }
        }
    }
}
