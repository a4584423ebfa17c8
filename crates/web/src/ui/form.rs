//! A screen's form as sent, read into its use case's typed input. [`read`] is the one way a screen turns form
//! fields into the input struct the JSON API also takes: every field the struct declares is read, a field the
//! form did not send reads as "" (an unticked checkbox is not sent), fields the struct does not know (the CSRF
//! token, confirmation flags) are ignored, and a value that cannot be read is a field error beside its field.

use std::collections::HashMap;
use std::fmt;

use axum::http::StatusCode;
use nintei_app::{AppError, FieldError};
use serde::Deserialize;
use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};

use crate::error::PageError;
use crate::i18n::Lang;
use crate::ui::{Errors, in_lang};

/// Every field a step form sends.
#[derive(Deserialize, Default, Clone)]
pub struct StepForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(flatten)]
    pub fields: HashMap<String, String>,
}

impl StepForm {
    /// The field as sent ("" when absent).
    pub fn get(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// The field trimmed, `None` when absent or blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        self.fields
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// Whether a checkbox was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.fields.get(name).is_some_and(|v| !v.is_empty())
    }

    /// The form read into a use case's input (see [`read`]).
    pub fn read<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        read(&self.fields)
    }
}

/// Form fields read into a use case's input struct:
/// - a `String` is the value as sent (the use case trims and checks it), "" when absent;
/// - an `Option` is `None` when absent or blank, else the trimmed value;
/// - a `bool` is true for `on`/`true`/`1`/`yes`, false for blank/`false`/`0`/`no`/`off` (so `Option<bool>` reads a
///   yes/no choice, blank being no answer);
/// - a number is read without its thousands separators (`,` `，`);
/// - a nested struct reads its fields as `outer.inner`.
///
/// A value that is none of these is a field error naming the field. A struct with serde aliases cannot be read
/// (each name would be visited), nor can repeated fields (the map keeps one value per name).
pub fn read<T: DeserializeOwned>(fields: &HashMap<String, String>) -> Result<T, AppError> {
    T::deserialize(Fields { fields, prefix: "" }).map_err(|e| {
        if e.field.is_empty() {
            AppError::BadRequest(e.message)
        } else {
            AppError::Validation(vec![FieldError::new(e.field, e.message)])
        }
    })
}

/// A refused form, for showing it again: what was typed wrong as field errors beside their fields (400), or the
/// record's state forbidding the step (409) as one message above the form. Every screen re-renders its form from
/// this; anything else a step answers (not found, forbidden…) is an error page.
pub struct Refused {
    pub status: StatusCode,
    pub errors: Errors,
    pub message: String,
}

impl Refused {
    /// The conflict's message beside `field` instead of above the form (pages with no place for it).
    pub fn beside(mut self, field: &str) -> Refused {
        if !self.message.is_empty() {
            let message = std::mem::take(&mut self.message);
            self.errors.0.push(FieldError::new(field, message));
        }
        self
    }
}

/// Sorts a step's error into a form shown again ([`Refused`]) or an error page in the visitor's language.
pub fn refused(e: AppError, lang: Lang) -> Result<Refused, PageError> {
    match e {
        AppError::Validation(errors) => Ok(Refused {
            status: StatusCode::BAD_REQUEST,
            errors: Errors(errors),
            message: String::new(),
        }),
        AppError::Conflict(message) => Ok(Refused {
            status: StatusCode::CONFLICT,
            errors: Errors::default(),
            message,
        }),
        other => Err(in_lang(lang)(other)),
    }
}

/// Why a form could not be read: the field and a message for beside it.
#[derive(Debug)]
struct ReadError {
    field: String,
    message: String,
}

impl ReadError {
    fn at(field: &str, message: impl Into<String>) -> ReadError {
        ReadError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ReadError {}

impl de::Error for ReadError {
    fn custom<M: fmt::Display>(msg: M) -> ReadError {
        ReadError {
            field: String::new(),
            message: msg.to_string(),
        }
    }
}

const NUMBER: &str = "数字で入力してください (a number is required)";
const YES_NO: &str = "はい・いいえで答えてください (yes or no is required)";

/// The form (or, under `prefix`, one nested struct of it).
struct Fields<'a> {
    fields: &'a HashMap<String, String>,
    prefix: &'a str,
}

impl<'de> de::Deserializer<'de> for Fields<'_> {
    type Error = ReadError;

    /// Every declared field is visited, absent ones as "": serde would otherwise call an absent `bool` missing.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        names: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        let keys = names.iter().map(|n| format!("{}{n}", self.prefix)).collect();
        visitor.visit_map(Declared {
            fields: self.fields,
            names,
            keys,
            next: 0,
        })
    }

    /// A struct with `#[serde(flatten)]` asks for a map: every field under the prefix, as sent.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let mut pairs: Vec<(String, &str)> = self
            .fields
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(self.prefix).map(|k| (k.to_owned(), v.as_str())))
            .collect();
        pairs.sort();
        visitor.visit_map(Pairs {
            fields: self.fields,
            prefix: self.prefix.to_owned(),
            pairs: pairs.into_iter(),
            value: None,
        })
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        self.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct enum identifier ignored_any
    }
}

/// The declared fields of a struct, in order, each read whether sent or not.
struct Declared<'a> {
    fields: &'a HashMap<String, String>,
    names: &'static [&'static str],
    keys: Vec<String>,
    next: usize,
}

impl<'de> MapAccess<'de> for Declared<'_> {
    type Error = ReadError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, ReadError> {
        let Some(name) = self.names.get(self.next) else {
            return Ok(None);
        };
        let key: StrDeserializer<'_, ReadError> = name.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ReadError> {
        let path = self.keys.get(self.next).map_or("", String::as_str);
        self.next += 1;
        seed.deserialize(Value::new(self.fields, path))
            .map_err(|e| named(e, path))
    }
}

/// The fields under a prefix, for a flattened struct.
struct Pairs<'a> {
    fields: &'a HashMap<String, String>,
    prefix: String,
    pairs: std::vec::IntoIter<(String, &'a str)>,
    value: Option<String>,
}

impl<'de> MapAccess<'de> for Pairs<'_> {
    type Error = ReadError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, ReadError> {
        let Some((key, _)) = self.pairs.next() else {
            return Ok(None);
        };
        let out = seed.deserialize(key.as_str().into_deserializer()).map(Some);
        self.value = Some(format!("{}{key}", self.prefix));
        out
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ReadError> {
        let path = self.value.take().unwrap_or_default();
        seed.deserialize(Value::new(self.fields, &path))
            .map_err(|e| named(e, &path))
    }
}

/// An error from inside a field names that field; serde's own messages (a wrong choice, a number out of range)
/// get the bilingual lead the rest of the app uses.
fn named(e: ReadError, path: &str) -> ReadError {
    if e.field.is_empty() {
        ReadError::at(
            path,
            format!("この値は受け付けられません (not accepted: {})", e.message),
        )
    } else {
        e
    }
}

/// One field's value ("" when the form did not send it), at its full name.
struct Value<'a> {
    fields: &'a HashMap<String, String>,
    path: &'a str,
    raw: &'a str,
}

impl<'a> Value<'a> {
    fn new(fields: &'a HashMap<String, String>, path: &'a str) -> Value<'a> {
        let raw = fields.get(path).map_or("", String::as_str);
        Value { fields, path, raw }
    }

    /// Whether the form sent fields of a struct nested under this one (`path.inner`).
    fn has_nested(&self) -> bool {
        let prefix = format!("{}.", self.path);
        self.fields.keys().any(|k| k.starts_with(&prefix))
    }

    fn number<N: std::str::FromStr>(&self) -> Result<N, ReadError> {
        let digits: String = self
            .raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ',' | '，'))
            .collect();
        digits.parse().map_err(|_| ReadError::at(self.path, NUMBER))
    }
}

macro_rules! numbers {
    ($($method:ident $ty:ty => $visit:ident;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
                visitor.$visit(self.number::<$ty>()?)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Value<'_> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        visitor.visit_str(self.raw)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let trimmed = self.raw.trim();
        if !trimmed.is_empty() {
            visitor.visit_some(Value { raw: trimmed, ..self })
        } else if self.has_nested() {
            visitor.visit_some(self)
        } else {
            visitor.visit_none()
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self.raw.trim() {
            "on" | "true" | "1" | "yes" => visitor.visit_bool(true),
            "" | "false" | "0" | "no" | "off" => visitor.visit_bool(false),
            _ => Err(ReadError::at(self.path, YES_NO)),
        }
    }

    numbers! {
        deserialize_i8 i8 => visit_i8;
        deserialize_i16 i16 => visit_i16;
        deserialize_i32 i32 => visit_i32;
        deserialize_i64 i64 => visit_i64;
        deserialize_i128 i128 => visit_i128;
        deserialize_u8 u8 => visit_u8;
        deserialize_u16 u16 => visit_u16;
        deserialize_u32 u32 => visit_u32;
        deserialize_u64 u64 => visit_u64;
        deserialize_u128 u128 => visit_u128;
        deserialize_f32 f32 => visit_f32;
        deserialize_f64 f64 => visit_f64;
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        names: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        let prefix = format!("{}.", self.path);
        Fields {
            fields: self.fields,
            prefix: &prefix,
        }
        .deserialize_struct(name, names, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let prefix = format!("{}.", self.path);
        Fields {
            fields: self.fields,
            prefix: &prefix,
        }
        .deserialize_map(visitor)
    }

    /// A choice (a unit enum variant) by its serde name.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        visitor.visit_enum(self.raw.trim().into_deserializer())
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        visitor.visit_newtype_struct(self)
    }

    /// A list the form sends as one field: empty when blank, else the one value.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let one = (!self.raw.trim().is_empty()).then_some(self.raw);
        visitor.visit_seq(de::value::SeqDeserializer::new(one.into_iter()))
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct tuple tuple_struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Step {
        on: String,
        reason: Option<String>,
        lead: bool,
        granted: Option<bool>,
        amount_yen: Option<i64>,
        count: i64,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Outer {
        name: String,
        contact: Inner,
        change: Option<Inner>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Inner {
        email: String,
    }

    fn field_error(e: AppError) -> (String, String) {
        match e {
            AppError::Validation(mut v) if v.len() == 1 => {
                let e = v.remove(0);
                (e.field, e.message)
            }
            other => panic!("expected one field error, got {other:?}"),
        }
    }

    #[test]
    fn absent_fields_read_as_blank_and_unknown_fields_are_ignored() {
        let s: Step = read(&form(&[("csrf", "t"), ("confirmed", "1"), ("count", "0")])).unwrap();
        assert_eq!(
            s,
            Step {
                on: String::new(),
                reason: None,
                lead: false,
                granted: None,
                amount_yen: None,
                count: 0,
            }
        );
    }

    #[test]
    fn text_is_kept_as_sent_and_options_are_trimmed_or_none_when_blank() {
        let s: Step = read(&form(&[
            ("on", " 2026-04-01 "),
            ("reason", "  理由 \n"),
            ("count", "1"),
        ]))
        .unwrap();
        assert_eq!(s.on, " 2026-04-01 ");
        assert_eq!(s.reason.as_deref(), Some("理由"));
        let s: Step = read(&form(&[("reason", " \t "), ("count", "1")])).unwrap();
        assert_eq!(s.reason, None);
    }

    #[test]
    fn a_checkbox_and_a_yes_no_choice() {
        for on in ["on", "true", "1", "yes"] {
            let s: Step = read(&form(&[("lead", on), ("count", "1")])).unwrap();
            assert!(s.lead, "{on}");
        }
        for off in ["", "false", "0", "no", "off"] {
            let s: Step = read(&form(&[("lead", off), ("count", "1")])).unwrap();
            assert!(!s.lead, "{off:?}");
        }
        let (field, message) =
            field_error(read::<Step>(&form(&[("lead", "maybe"), ("count", "1")])).unwrap_err());
        assert_eq!(field, "lead");
        assert!(message.contains("yes or no"), "{message}");
        let granted = |v: &str| {
            read::<Step>(&form(&[("granted", v), ("count", "1")]))
                .unwrap()
                .granted
        };
        assert_eq!(granted("yes"), Some(true));
        assert_eq!(granted("no"), Some(false));
        assert_eq!(granted(""), None);
    }

    #[test]
    fn numbers_drop_thousands_separators_and_a_bad_one_names_its_field() {
        let s: Step = read(&form(&[("amount_yen", " 1,234，567 "), ("count", "12")])).unwrap();
        assert_eq!(s.amount_yen, Some(1_234_567));
        assert_eq!(s.count, 12);
        let (field, message) =
            field_error(read::<Step>(&form(&[("amount_yen", "12円"), ("count", "1")])).unwrap_err());
        assert_eq!(field, "amount_yen");
        assert_eq!(message, "数字で入力してください (a number is required)");
        // A required number left blank is a field error too, not a zero.
        let (field, _) = field_error(read::<Step>(&form(&[])).unwrap_err());
        assert_eq!(field, "count");
    }

    #[test]
    fn nested_structs_read_dotted_names() {
        let o: Outer = read(&form(&[("name", "n"), ("contact.email", "a@b.example")])).unwrap();
        assert_eq!(o.contact.email, "a@b.example");
        assert_eq!(o.change, None);
        let o: Outer = read(&form(&[("change.email", "c@d.example")])).unwrap();
        assert_eq!(o.contact.email, "");
        assert_eq!(o.change.map(|c| c.email).as_deref(), Some("c@d.example"));
    }

    #[test]
    fn serde_defaults_flags_and_texts_of_the_use_cases_read_from_a_form() {
        #[derive(Deserialize)]
        struct Mixed {
            #[serde(default, deserialize_with = "nintei_app::input::flag")]
            reissue: bool,
            note: nintei_app::input::Text,
            #[serde(default)]
            items: Vec<String>,
        }
        let m: Mixed = read(&form(&[("reissue", "on"), ("note", " x ")])).unwrap();
        assert!(m.reissue);
        assert_eq!(&*m.note, " x ");
        assert!(m.items.is_empty());
        let m: Mixed = read(&form(&[])).unwrap();
        assert!(!m.reissue);
        assert_eq!(&*m.note, "");
    }

    #[test]
    fn a_refused_step_shows_the_form_again_with_its_errors_or_the_conflict() {
        let r = refused(AppError::field("paid_on", "x"), Lang::Ja).ok().unwrap();
        assert_eq!(
            (r.status, r.errors.get("paid_on"), r.message.as_str()),
            (StatusCode::BAD_REQUEST, Some("x"), "")
        );
        let r = refused(AppError::Conflict("closed".into()), Lang::Ja)
            .ok()
            .unwrap();
        assert_eq!((r.status, r.message.as_str()), (StatusCode::CONFLICT, "closed"));
        let r = r.beside("file");
        assert_eq!((r.errors.get("file"), r.message.as_str()), (Some("closed"), ""));
        assert!(refused(AppError::NotFound, Lang::Ja).is_err());
    }
}
