//! Checking what people type, one way for every use case: trimmed text that is not empty (when required), has no
//! control characters but tabs and line breaks, and fits its limit (the domain's `NonEmptyText`); dates written
//! `YYYY-MM-DD`; dates of things that happened not in the future; dates in order with the record's earlier ones.
//! Every check adds a [`FieldError`] naming the field and goes on, so one answer lists every mistake.

use chrono::NaiveDate;
use nintei_domain::org::NonEmptyText;

use crate::error::{AppError, AppResult, FieldError};

/// Reasons, summaries, comments, disclosure items.
pub const TEXT_MAX: usize = 4000;
/// Narratives and report bodies.
pub const LONG_TEXT_MAX: usize = 20_000;
/// Names and other one-line texts.
pub const SHORT_TEXT_MAX: usize = 200;

/// A date as stored and shown in the API: `YYYY-MM-DD`.
pub fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `Ok` when no field was wrong, else every field error at once (400).
pub fn invalid(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Required text: a field error when empty, too long or carrying control characters.
pub fn required_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) -> String {
    match NonEmptyText::with_max_chars(value, max) {
        Ok(t) => t.as_str().to_owned(),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            String::new()
        }
    }
}

/// Optional text: `None` when absent or blank, else checked as [`required_text`].
pub fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match NonEmptyText::with_max_chars(v, max) {
        Ok(t) => Some(t.as_str().to_owned()),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            None
        }
    }
}

/// A strict `YYYY-MM-DD` date; `None` (with a field error) otherwise.
pub fn parse_day(errors: &mut Vec<FieldError>, field: &str, value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        errors.push(FieldError::new(
            field,
            "日付を入力してください（YYYY-MM-DD） (a date is required)",
        ));
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) if value.len() == 10 => Some(d),
        _ => {
            errors.push(FieldError::new(
                field,
                format!("日付はYYYY-MM-DDの形で入力してください（{value}） (not a date)"),
            ));
            None
        }
    }
}

/// A date of something that has happened: not after today.
pub fn past_day(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let d = parse_day(errors, field, value)?;
    if d > today {
        errors.push(FieldError::new(
            field,
            format!(
                "未来の日付は入力できません（今日は{}） (must not be in the future)",
                iso(today)
            ),
        ));
        return None;
    }
    Some(d)
}

/// `date` must not precede `earlier` (the record's previous step), else a field error naming both.
pub fn not_before(
    errors: &mut Vec<FieldError>,
    field: &str,
    date: NaiveDate,
    earlier: Option<(NaiveDate, &str)>,
) {
    if let Some((earlier, what)) = earlier
        && date < earlier
    {
        errors.push(FieldError::new(
            field,
            format!(
                "{what}（{}）より前の日付は入力できません (before {what})",
                iso(earlier)
            ),
        ));
    }
}

/// A field read as text, for inputs that take both an API body and a screen's form: strings as given, numbers and
/// booleans as written, null or absent as "" (the checks above then say what is missing). Trimmed when checked.
#[derive(Debug, Default, Clone, PartialEq, Eq, utoipa::ToSchema)]
#[schema(value_type = String)]
pub struct Text(pub String);

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(s.to_owned())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(s)
    }
}

impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde_json::Value;
        Ok(Text(match Value::deserialize(d)? {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            Value::Array(_) | Value::Object(_) => {
                return Err(serde::de::Error::custom("expected text, a number or a boolean"));
            }
        }))
    }
}

/// A yes/no field: `true`, or a form's `on`, `true`, `1`, `yes`; anything else (or absent) is no.
pub fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    use serde::Deserialize;
    use serde_json::Value;
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::String(s) => matches!(s.as_str(), "true" | "on" | "1" | "yes"),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_limited_and_free_of_control_characters() {
        let mut e = Vec::new();
        assert_eq!(required_text(&mut e, "a", "  x ", 3), "x");
        assert!(e.is_empty());
        required_text(&mut e, "b", "", 3);
        required_text(&mut e, "c", "abcd", 3);
        required_text(&mut e, "d", "a\u{7}b", 3);
        assert_eq!(optional_text(&mut e, "e", Some("  "), 3), None);
        assert_eq!(
            optional_text(&mut e, "f", Some("a\nb"), 3).as_deref(),
            Some("a\nb")
        );
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["b", "c", "d"]);
    }

    #[test]
    fn dates_are_strict_past_and_in_order() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default();
        let mut e = Vec::new();
        assert_eq!(past_day(&mut e, "a", "2026-12-03", today), Some(today));
        assert_eq!(past_day(&mut e, "b", "2026-12-04", today), None);
        assert_eq!(parse_day(&mut e, "c", "2026-1-4"), None);
        not_before(
            &mut e,
            "d",
            today,
            Some((today.succ_opt().unwrap_or(today), "受付日")),
        );
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["b", "c", "d"]);
        assert!(invalid(e).is_err());
        assert!(invalid(Vec::new()).is_ok());
    }
}
