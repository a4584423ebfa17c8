//! iCalendar (RFC 5545) for deadline feeds: one VCALENDAR of all-day VEVENTs, each with a stable UID, a DTSTAMP,
//! a SUMMARY and optionally a DESCRIPTION and URL. Text is escaped (§3.3.11) and content lines are folded at
//! 75 octets without splitting a UTF-8 character (§3.1); lines end with CRLF.
//!
//! A pure function: the caller passes the time stamp (`now`), so the same data gives the same bytes.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Globally unique and stable across feeds, e.g. `deadline-42@nintei.example.jp`: a calendar app updates the
    /// event with this UID instead of adding a copy.
    pub uid: String,
    pub date: NaiveDate,
    pub summary: String,
    pub description: String,
    pub url: String,
}

/// A calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Shown by calendar apps as the calendar's name (X-WR-CALNAME).
    pub name: String,
    pub events: Vec<Event>,
}

const PRODID: &str = "-//nintei//deadlines//JA";

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks (§3.3.11).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            // Other control characters are not allowed in TEXT.
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line: at most 75 octets per physical line (CRLF not counted), continuation lines start with
/// one space, and a multi-byte character is never cut.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The calendar as an `.ics` body (`text/calendar; charset=utf-8`).
pub fn write(cal: &Calendar, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut line = |s: String| out.push_str(&fold(&s));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line(format!("PRODID:{PRODID}"));
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape_text(&cal.name)));
    let stamp = utc_stamp(now);
    for e in &cal.events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape_text(&e.uid)));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", day(e.date)));
        // DTEND of an all-day event is the next day (exclusive).
        let end = e.date.checked_add_signed(Duration::days(1)).unwrap_or(e.date);
        line(format!("DTEND;VALUE=DATE:{}", day(end)));
        line(format!("SUMMARY:{}", escape_text(&e.summary)));
        if !e.description.is_empty() {
            line(format!("DESCRIPTION:{}", escape_text(&e.description)));
        }
        if !e.url.is_empty() && !e.url.contains(['\r', '\n', '"']) {
            line(format!("URL:{}", e.url));
        }
        line("TRANSP:TRANSPARENT".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0).unwrap()
    }

    fn event(summary: &str) -> Event {
        Event {
            uid: "deadline-1@nintei.example.jp".into(),
            date: NaiveDate::from_ymd_opt(2026, 2, 15).unwrap(),
            summary: summary.into(),
            description: String::new(),
            url: String::new(),
        }
    }

    #[test]
    fn an_all_day_event_has_the_required_properties() {
        let cal = Calendar {
            name: "nintei 期限".into(),
            events: vec![event("不服申立て期限")],
        };
        let ics = write(&cal, now());
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//nintei//deadlines//JA\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for needle in [
            "\r\nBEGIN:VEVENT\r\n",
            "\r\nUID:deadline-1@nintei.example.jp\r\n",
            "\r\nDTSTAMP:20261120T010000Z\r\n",
            "\r\nDTSTART;VALUE=DATE:20260215\r\n",
            "\r\nDTEND;VALUE=DATE:20260216\r\n",
            "\r\nSUMMARY:不服申立て期限\r\n",
            "\r\nEND:VEVENT\r\n",
        ] {
            assert!(ics.contains(needle), "{needle:?} in {ics}");
        }
        assert!(!ics.replace("\r\n", "").contains('\n'), "only CRLF line ends");
        assert_eq!(write(&cal, now()), ics, "pure: same input, same bytes");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
        let ics = write(
            &Calendar {
                name: "x".into(),
                events: vec![event("期限; 提出, 確認\nSUMMARY:evil")],
            },
            now(),
        );
        assert!(ics.contains("SUMMARY:期限\\; 提出\\, 確認\\nSUMMARY:evil\r\n"));
        assert_eq!(ics.matches("\r\nSUMMARY:").count(), 1, "no injected property");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_cutting_characters() {
        let summary = "認定維持報告書の提出期限".repeat(6);
        let ics = write(
            &Calendar {
                name: "x".into(),
                events: vec![event(&summary)],
            },
            now(),
        );
        for physical in ics.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets: {physical}", physical.len());
        }
        // Unfolding (§3.1: remove CRLF followed by one space) gives the line back.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{summary}\r\n")));
        assert_eq!(fold("short"), "short\r\n");
        let exact = "a".repeat(75);
        assert_eq!(fold(&exact), format!("{exact}\r\n"));
        let over = "a".repeat(76);
        assert_eq!(fold(&over), format!("{}\r\n a\r\n", "a".repeat(75)));
    }

    #[test]
    fn optional_properties() {
        let mut e = event("s");
        e.description = "詳細".into();
        e.url = "https://nintei.example.jp/deadlines/1".into();
        let ics = write(
            &Calendar {
                name: "x".into(),
                events: vec![e],
            },
            now(),
        );
        assert!(ics.contains("\r\nDESCRIPTION:詳細\r\n"));
        assert!(ics.contains("\r\nURL:https://nintei.example.jp/deadlines/1\r\n"));
        let empty = write(
            &Calendar {
                name: "x".into(),
                events: vec![],
            },
            now(),
        );
        assert!(!empty.contains("VEVENT"));
    }
}
