//! The directory's days/hours filters over the counseling hours a registered institution discloses
//! (REG-3 1(3)イ, free text such as 「平日 9:00〜19:00、土曜 10:00〜17:00（日祝休み）」).
//!
//! The text is the institution's own words, so the reading is deliberately simple and errs towards showing a
//! listing: the text is cut into parts at punctuation; a part that says 休/除く/定休 names days that are closed
//! and is ignored; 24時間・年中無休・毎日 mean every day and every hour.

use unicode_normalization::UnicodeNormalization;

/// A day the visitor wants counseling on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    /// 平日 (Monday to Friday).
    Weekday,
    /// 土曜.
    Saturday,
    /// 日曜・祝日.
    Holiday,
}

impl Day {
    pub const ALL: [Day; 3] = [Day::Weekday, Day::Saturday, Day::Holiday];

    pub const fn as_str(self) -> &'static str {
        match self {
            Day::Weekday => "weekday",
            Day::Saturday => "saturday",
            Day::Holiday => "holiday",
        }
    }

    pub fn parse(s: &str) -> Option<Day> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            Day::Weekday => "平日",
            Day::Saturday => "土曜",
            Day::Holiday => "日曜・祝日",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Day::Weekday => "weekdays",
            Day::Saturday => "Saturdays",
            Day::Holiday => "Sundays and holidays",
        }
    }
}

/// "Evening": open at some time after 18:00.
pub const EVENING_FROM_MINUTES: u32 = 18 * 60;

/// NFKC (full-width digits and colons), with every dash and wave folded to `-`.
fn fold(text: &str) -> String {
    text.nfkc()
        .map(|c| match c {
            '〜' | '～' | '~' | 'ー' | '－' | '‐' | '−' | '–' | '—' => '-',
            c => c,
        })
        .collect()
}

fn always_open(t: &str) -> bool {
    ["24時間", "年中無休", "毎日", "終日", "365日"]
        .iter()
        .any(|k| t.contains(k))
}

/// The parts of the text that say when it is open (closed-day parts removed).
fn open_parts(t: &str) -> Vec<&str> {
    t.split(['、', ',', '。', ';', '；', '(', ')', '/', '\n', '・', ' '])
        .filter(|p| !p.is_empty())
        .filter(|p| !["休", "除", "不可", "なし"].iter().any(|k| p.contains(k)))
        .collect()
}

/// Whether the disclosed hours include `day`.
pub fn open_on(hours: &str, day: Day) -> bool {
    let t = fold(hours);
    if always_open(&t) {
        return true;
    }
    // 「土日祝」「日祝」「土・日・祝」: the middle dot splits parts, so a lone 日 or 祝 part counts too.
    let parts = open_parts(&t);
    let has = |keys: &[&str]| parts.iter().any(|p| keys.iter().any(|k| p.contains(k)));
    match day {
        Day::Weekday => {
            has(&[
                "平日",
                "月曜",
                "火曜",
                "水曜",
                "木曜",
                "金曜",
                "月-金",
                "月から金",
                "月-土",
            ]) || parts
                .iter()
                .any(|p| ['月', '火', '水', '木', '金'].iter().any(|c| p.starts_with(*c)))
        }
        Day::Saturday => has(&["土"]),
        Day::Holiday => has(&["日曜", "日祝", "祝", "土日"]) || parts.iter().any(|p| p.starts_with('日')),
    }
}

/// Minutes of the day of a time written `19:00`, `19時`, `19時30分`.
fn time_at(s: &str) -> Option<u32> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let h: u32 = digits.parse().ok()?;
    let rest = &s[digits.len()..];
    let m = if let Some(r) = rest.strip_prefix(':').or_else(|| rest.strip_prefix("時")) {
        let md: String = r.chars().take_while(char::is_ascii_digit).collect();
        md.parse().unwrap_or(0)
    } else {
        return None;
    };
    (h <= 24 && m < 60).then_some(h * 60 + m)
}

/// The latest closing time of the open parts, in minutes (`9:00-19:00` → 1140).
fn latest_close(t: &str) -> Option<u32> {
    let mut latest = None;
    for part in open_parts(t) {
        for (i, _) in part.match_indices('-') {
            if let Some(end) = time_at(&part[i + 1..]) {
                latest = Some(latest.map_or(end, |l: u32| l.max(end)));
            }
        }
    }
    latest
}

/// Whether counseling is available in the evening (after 18:00) on some day.
pub fn open_in_evening(hours: &str) -> bool {
    let t = fold(hours);
    always_open(&t) || t.contains("夜間") || latest_close(&t).is_some_and(|m| m > EVENING_FROM_MINUTES)
}

/// The search-index facet of `day`: stored beside a listing's n-gram terms so that the days/hours filters
/// are an indexed lookup, not a read of every listing. `#` never survives query normalization, so a facet cannot
/// be matched by a text search.
pub const fn facet(day: Day) -> &'static str {
    match day {
        Day::Weekday => "#open:weekday",
        Day::Saturday => "#open:saturday",
        Day::Holiday => "#open:holiday",
    }
}

/// The facet of [`open_in_evening`].
pub const FACET_EVENING: &str = "#open:evening";

/// Every facet the disclosed `hours` carry.
pub fn facets(hours: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Day::ALL
        .into_iter()
        .filter(|d| open_on(hours, *d))
        .map(facet)
        .collect();
    if open_in_evening(hours) {
        out.push(FACET_EVENING);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_saturdays_and_holidays() {
        let h = "平日 9:00〜19:00、土曜 10:00〜17:00（日祝休み）";
        assert!(open_on(h, Day::Weekday));
        assert!(open_on(h, Day::Saturday));
        assert!(!open_on(h, Day::Holiday), "日祝休み says closed");
        let h = "平日 9:00〜18:00（土日祝休み）";
        assert!(open_on(h, Day::Weekday));
        assert!(!open_on(h, Day::Saturday));
        assert!(!open_on(h, Day::Holiday));
        let h = "月曜〜金曜 10:00-20:00 / 土日祝 10:00-16:00";
        assert!(open_on(h, Day::Weekday) && open_on(h, Day::Saturday) && open_on(h, Day::Holiday));
        let h = "２４時間受付（電話相談）";
        assert!(Day::ALL.iter().all(|d| open_on(h, *d)));
        assert!(open_in_evening(h));
    }

    #[test]
    fn evenings() {
        assert!(open_in_evening("平日 9:00〜19:00"));
        assert!(!open_in_evening("平日 9:00〜18:00（土日祝休み）"));
        assert!(open_in_evening("平日 ９：００～２１：００"), "full-width digits");
        assert!(open_in_evening("平日 10時〜20時30分"));
        assert!(open_in_evening("夜間の相談も可"));
        assert!(!open_in_evening("平日 9:00〜17:00"));
    }

    #[test]
    fn filter_values() {
        assert_eq!(Day::parse("saturday"), Some(Day::Saturday));
        assert_eq!(Day::parse("sunday"), None);
        assert_eq!(Day::Holiday.label_ja(), "日曜・祝日");
    }

    #[test]
    fn facets_follow_the_day_and_evening_readings() {
        assert_eq!(
            facets("平日 9:00〜19:00、土曜 10:00〜17:00（日祝休み）"),
            vec!["#open:weekday", "#open:saturday", "#open:evening"]
        );
        assert_eq!(facets("月〜金 10:00-17:00"), vec!["#open:weekday"]);
        assert_eq!(facets("24時間 年中無休").len(), 4);
        assert!(
            crate::search::query_terms("#open:weekday")
                .iter()
                .all(|t| !t.starts_with('#'))
        );
    }
}
