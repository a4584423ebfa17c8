//! How documents write dates and amounts: 和暦 by default (令和8年4月1日), the western year as a setting;
//! yen with thousands separators (¥800,000 in tables, 800,000円 in sentences).

use chrono::NaiveDate;
use nintei_domain::calendar::{wareki, western_date};

/// How dates are written on documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateStyle {
    /// 令和8年4月1日 (official documents' default).
    #[default]
    Wareki,
    /// 令和8年（2026年）4月1日.
    WarekiWithWestern,
    /// 2026年4月1日.
    Western,
}

impl DateStyle {
    pub fn parse(s: &str) -> Option<DateStyle> {
        match s {
            "wareki" => Some(DateStyle::Wareki),
            "wareki_western" => Some(DateStyle::WarekiWithWestern),
            "western" => Some(DateStyle::Western),
            _ => None,
        }
    }
}

/// `date` in `style`; dates before 和暦 can be written (1873) fall back to the western form.
pub fn date(d: NaiveDate, style: DateStyle) -> String {
    match style {
        DateStyle::Western => western_date(d),
        DateStyle::Wareki => wareki(d).unwrap_or_else(|| western_date(d)),
        DateStyle::WarekiWithWestern => match wareki(d) {
            Some(w) => {
                // "令和8年4月1日" → "令和8年（2026年）4月1日": the western year right after the era year.
                let cut = w.find('年').map_or(w.len(), |i| i + '年'.len_utf8());
                format!("{}（{}年）{}", &w[..cut], chrono::Datelike::year(&d), &w[cut..])
            }
            None => western_date(d),
        },
    }
}

/// 800000 → "800,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 800000 → "¥800,000".
pub fn yen(n: u64) -> String {
    format!("¥{}", thousands(n))
}

/// 800000 → "800,000円".
pub fn en(n: u64) -> String {
    format!("{}円", thousands(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_each_style() {
        assert_eq!(date(d(2026, 4, 1), DateStyle::Wareki), "令和8年4月1日");
        assert_eq!(
            date(d(2026, 4, 1), DateStyle::WarekiWithWestern),
            "令和8年（2026年）4月1日"
        );
        assert_eq!(
            date(d(2019, 5, 1), DateStyle::WarekiWithWestern),
            "令和元年（2019年）5月1日"
        );
        assert_eq!(date(d(2026, 4, 1), DateStyle::Western), "2026年4月1日");
        assert_eq!(date(d(1800, 1, 2), DateStyle::Wareki), "1800年1月2日");
        assert_eq!(DateStyle::parse("western"), Some(DateStyle::Western));
        assert_eq!(DateStyle::parse("x"), None);
    }

    #[test]
    fn amounts() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(800_000), "800,000");
        assert_eq!(thousands(1_234_567_890), "1,234,567,890");
        assert_eq!(yen(880_000), "¥880,000");
        assert_eq!(en(800_000), "800,000円");
    }
}
