//! The site-visit timetable (ACC-7): generated from the standard schedule of seed 003 (第5章, 資料 実地調査の
//! 標準日程: about 1.5 days, the first day's afternoon and the whole second day) and edited by the office or the
//! lead surveyor, within the visit's two days.
//!
//! Pure: the first visit day comes in as a parameter.

use chrono::{Days, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// Longest title or note of one item, in characters.
pub const TITLE_MAX: usize = 200;
pub const NOTE_MAX: usize = 1000;
/// Most items in one timetable.
pub const ITEMS_MAX: usize = 40;

/// One item of the timetable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScheduleItem {
    pub date: NaiveDate,
    #[serde(with = "hhmm")]
    pub start: NaiveTime,
    #[serde(with = "hhmm")]
    pub end: NaiveTime,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_time(&s).ok_or_else(|| serde::de::Error::custom(format!("not a time HH:MM: {s:?}")))
    }
}

/// `H:MM` or `HH:MM`, 00:00 to 23:59.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// The visit's days: the planned site-visit day and the next (ACC-7, about 1.5 days).
pub fn visit_days(site_visit_on: NaiveDate) -> Vec<NaiveDate> {
    std::iter::once(site_visit_on)
        .chain(site_visit_on.checked_add_days(Days::new(1)))
        .collect()
}

/// ACC-10: the visit's last day; the site-visit report is written after the visit, so it is dated no earlier.
pub fn last_visit_day(site_visit_on: NaiveDate) -> NaiveDate {
    visit_days(site_visit_on).last().copied().unwrap_or(site_visit_on)
}

/// Seed 003 資料 実地調査の標準日程: (day 0 or 1, start, end, title).
/// (day 0 or 1, start (h, m), end (h, m), title).
type Slot = (u64, (u32, u32), (u32, u32), &'static str);

const STANDARD: [Slot; 11] = [
    (0, (13, 0), (13, 20), "キックオフ会議"),
    (0, (13, 20), (14, 20), "実地調査資料確認"),
    (0, (14, 20), (14, 50), "インタビュー 代表者"),
    (
        0,
        (14, 50),
        (16, 20),
        "「運営と管理」 資料確認 責任者へのインタビュー",
    ),
    (
        0,
        (16, 20),
        (17, 30),
        "「サービス提供管理」 資料確認 責任者へのインタビュー",
    ),
    (1, (9, 0), (10, 30), "事例記録の確認、文書類等の監査"),
    (
        1,
        (10, 30),
        (12, 0),
        "サービス部門 資料確認 責任者へのインタビュー",
    ),
    (1, (12, 0), (13, 0), "昼食"),
    (1, (13, 0), (14, 30), "施設の観察 職員へのインタビュー (2名程度)"),
    (1, (14, 30), (16, 30), "まとめ・報告書作成 追加収集"),
    (1, (16, 30), (17, 0), "クロージング"),
];

/// ACC-7: the standard timetable starting on `site_visit_on` (seed 003 第5章). Empty only when the second day
/// leaves chrono's range.
pub fn standard_schedule(site_visit_on: NaiveDate) -> Vec<ScheduleItem> {
    STANDARD
        .iter()
        .filter_map(|(day, (sh, sm), (eh, em), title)| {
            Some(ScheduleItem {
                date: site_visit_on.checked_add_days(Days::new(*day))?,
                start: NaiveTime::from_hms_opt(*sh, *sm, 0)?,
                end: NaiveTime::from_hms_opt(*eh, *em, 0)?,
                title: (*title).to_owned(),
                note: None,
            })
        })
        .collect()
}

/// A problem with one item (`index` from 0) or the whole list (`index` `None`): the field and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    pub index: Option<usize>,
    pub field: &'static str,
    pub message: String,
}

/// ACC-7: a timetable is valid when it has 1 to [`ITEMS_MAX`] items, every title is non-empty (and short),
/// every item ends after it starts, lies on one of the visit's days, and the items run in order without
/// overlapping. Titles and notes are trimmed in place.
pub fn validate_schedule(
    items: &mut [ScheduleItem],
    site_visit_on: NaiveDate,
) -> Result<(), Vec<ScheduleError>> {
    let mut errors = Vec::new();
    let err = |index: Option<usize>, field: &'static str, message: String| ScheduleError {
        index,
        field,
        message,
    };
    if items.is_empty() {
        errors.push(err(
            None,
            "items",
            "ACC-7: 日程の項目がありません (the timetable is empty)".into(),
        ));
    }
    if items.len() > ITEMS_MAX {
        errors.push(err(
            None,
            "items",
            format!("ACC-7: 項目は{ITEMS_MAX}件までです (at most {ITEMS_MAX} items)"),
        ));
    }
    let days = visit_days(site_visit_on);
    let mut previous: Option<(NaiveDate, NaiveTime)> = None;
    for (i, item) in items.iter_mut().enumerate() {
        item.title = item.title.trim().to_owned();
        item.note = item
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if item.title.is_empty() {
            errors.push(err(
                Some(i),
                "title",
                "項目名を入力してください (a title is required)".into(),
            ));
        } else if item.title.chars().count() > TITLE_MAX {
            errors.push(err(
                Some(i),
                "title",
                format!("{TITLE_MAX}文字までです (too long)"),
            ));
        }
        if item.note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
            errors.push(err(Some(i), "note", format!("{NOTE_MAX}文字までです (too long)")));
        }
        if !days.contains(&item.date) {
            errors.push(err(
                Some(i),
                "date",
                format!(
                    "ACC-7: 実地調査の日（{}）以外の日付です (not a day of the visit)",
                    days.iter()
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            ));
        }
        if item.end <= item.start {
            errors.push(err(
                Some(i),
                "end",
                "終了は開始より後にしてください (end must be after start)".into(),
            ));
        }
        if let Some((date, end)) = previous
            && (item.date, item.start) < (date, end)
        {
            errors.push(err(
                Some(i),
                "start",
                "前の項目の終了より前に始まります（時刻順に並べてください） (items must be in order without overlap)"
                    .into(),
            ));
        }
        previous = Some((item.date, item.end));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn acc_10_the_report_comes_after_the_visits_last_day() {
        assert_eq!(last_visit_day(d(2027, 5, 20)), d(2027, 5, 21));
        assert_eq!(last_visit_day(d(2027, 5, 31)), d(2027, 6, 1));
    }

    #[test]
    fn acc_7_the_standard_timetable_follows_seed_003() {
        let s = standard_schedule(d(2026, 11, 10));
        assert_eq!(s.len(), 11);
        assert_eq!(
            (s[0].date, s[0].start, s[0].title.as_str()),
            (d(2026, 11, 10), t(13, 0), "キックオフ会議")
        );
        // The representative's interview: about 30 minutes (seed 003 第5章3).
        let rep = s.iter().find(|i| i.title.contains("代表者")).unwrap();
        assert_eq!(rep.end - rep.start, chrono::Duration::minutes(30));
        let last = s.last().unwrap();
        assert_eq!(
            (last.date, last.start, last.end, last.title.as_str()),
            (d(2026, 11, 11), t(16, 30), t(17, 0), "クロージング")
        );
        for needed in [
            "キックオフ",
            "資料確認",
            "インタビュー",
            "事例記録",
            "施設",
            "まとめ",
            "クロージング",
        ] {
            assert!(s.iter().any(|i| i.title.contains(needed)), "{needed}");
        }
        let mut s = s;
        assert_eq!(validate_schedule(&mut s, d(2026, 11, 10)), Ok(()));
    }

    #[test]
    fn acc_7_times_in_order_within_the_visit_days_with_titles() {
        let start = d(2026, 11, 10);
        let mut s = standard_schedule(start);
        s[2].title = "  ".into();
        s[3].date = d(2026, 11, 12);
        s[4].end = s[4].start;
        s[6].start = t(8, 0);
        let errors = validate_schedule(&mut s, start).unwrap_err();
        let got: Vec<(Option<usize>, &str)> = errors.iter().map(|e| (e.index, e.field)).collect();
        assert!(got.contains(&(Some(2), "title")), "{got:?}");
        assert!(got.contains(&(Some(3), "date")), "{got:?}");
        assert!(got.contains(&(Some(4), "end")), "{got:?}");
        assert!(got.contains(&(Some(6), "start")), "{got:?}");
        assert!(validate_schedule(&mut [], start).is_err());
        // The day before the visit is not a visit day either.
        let mut one = vec![ScheduleItem {
            date: d(2026, 11, 9),
            start: t(9, 0),
            end: t(10, 0),
            title: "x".into(),
            note: None,
        }];
        assert!(validate_schedule(&mut one, start).is_err());
    }

    #[test]
    fn times_parse_strictly() {
        assert_eq!(parse_time("9:00"), Some(t(9, 0)));
        assert_eq!(parse_time("13:20"), Some(t(13, 20)));
        for bad in ["", "24:00", "9", "9:5", "ab:cd", "-1:00", "09:00:00"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        let item: ScheduleItem =
            serde_json::from_str(r#"{"date":"2026-11-10","start":"9:00","end":"10:00","title":"x"}"#)
                .unwrap();
        assert_eq!(serde_json::to_value(&item).unwrap()["start"], "09:00");
        assert!(
            serde_json::from_str::<ScheduleItem>(
                r#"{"date":"2026-11-10","start":"9","end":"10:00","title":"x"}"#
            )
            .is_err()
        );
    }
}
