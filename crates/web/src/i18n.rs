//! Japanese first, English second: UI strings by key from `i18n/ja.txt` and `i18n/en.txt`.
//!
//! Both files must have the same keys (a test checks); a missing key shows the key itself, never a panic.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

pub const JA_SOURCE: &str = include_str!("../i18n/ja.txt");
pub const EN_SOURCE: &str = include_str!("../i18n/en.txt");

/// Parses `key = value` lines; `#` starts a comment line.
pub fn parse(source: &str) -> HashMap<&str, &str> {
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

static JA: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| parse(JA_SOURCE));
static EN: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| parse(EN_SOURCE));

/// The text for `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> &str {
    let table = match lang {
        Lang::Ja => &*JA,
        Lang::En => &*EN,
    };
    table.get(key).copied().unwrap_or(key)
}

/// A message from the use cases in `lang`. Their messages are written Japanese first with an English gloss in
/// ASCII parentheses — 「日付を入力してください (not a date)」 — and the API sends them whole; a screen shows only
/// its own language: the Japanese without the gloss, or the gloss alone. A message without a gloss is shown as it is.
pub fn say(lang: Lang, message: &str) -> String {
    let message = without_rule_id(message);
    let Some((ja, en, tail)) = gloss(message) else {
        return message.to_owned();
    };
    match lang {
        Lang::Ja => format!("{ja}{tail}"),
        Lang::En => {
            let mut cs = en.chars();
            let first = cs.next().map(|c| c.to_ascii_uppercase()).into_iter();
            format!("{}{}{tail}", first.collect::<String>(), cs.as_str())
        }
    }
}

/// A message opening with the rule it applies (「ACC-7: …」) reads without it: rule IDs are references for the
/// office's documents, not text for the people on the screens.
fn without_rule_id(message: &str) -> &str {
    let Some(end) = message.find(": ") else {
        return message;
    };
    let head = &message[..end];
    let is_rule_id = !head.is_empty()
        && head
            .split([',', '・', '/', ' '])
            .filter(|t| !t.is_empty())
            .all(|t| {
                let digits = t
                    .strip_prefix("ACC-")
                    .or_else(|| t.strip_prefix("REG-"))
                    .unwrap_or("");
                (1..=2).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
            });
    if is_rule_id { &message[end + 2..] } else { message }
}

/// Splits 「ja (en)tail」 at the last ASCII-only parenthesis that follows Japanese text.
fn gloss(message: &str) -> Option<(&str, &str, &str)> {
    let mut search = message.len();
    while let Some(open) = message[..search].rfind(" (") {
        let before = &message[..open];
        let rest = &message[open + 2..];
        if let Some(close) = rest.find(')') {
            let en = &rest[..close];
            let japanese_before = before.chars().last().is_some_and(|c| !c.is_ascii());
            if japanese_before
                && !en.is_empty()
                && en.is_ascii()
                && en.starts_with(|c: char| c.is_ascii_alphabetic())
            {
                return Some((before, en, &rest[close + 1..]));
            }
        }
        search = open;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_shows_its_own_part_of_a_message() {
        let m = "はい・いいえのどちらかを選んでください (please answer)";
        assert_eq!(say(Lang::Ja, m), "はい・いいえのどちらかを選んでください");
        assert_eq!(say(Lang::En, m), "Please answer");
        let m = "展開後の大きさが上限を超えています (zip bomb refused): a.zip";
        assert_eq!(say(Lang::Ja, m), "展開後の大きさが上限を超えています: a.zip");
        assert_eq!(say(Lang::En, m), "Zip bomb refused: a.zip");
        // a Japanese message quoting a name in parentheses keeps it
        let m = "日付はYYYY-MM-DDの形で入力してください（2026/1/1） (not a date)";
        assert_eq!(
            say(Lang::Ja, m),
            "日付はYYYY-MM-DDの形で入力してください（2026/1/1）"
        );
        let m = "ACC-7: 認定調査員は2名までです (the case has two surveyors already)";
        assert_eq!(say(Lang::Ja, m), "認定調査員は2名までです");
        assert_eq!(say(Lang::En, m), "The case has two surveyors already");
        for plain in ["必須です", "name (x) is required", "", "ACC-2026-1: 番号"] {
            assert_eq!(say(Lang::Ja, plain), plain);
            assert_eq!(say(Lang::En, plain), plain);
        }
    }
    use std::collections::BTreeSet;

    #[test]
    fn both_languages_have_the_same_keys() {
        let ja: BTreeSet<_> = parse(JA_SOURCE).into_keys().collect();
        let en: BTreeSet<_> = parse(EN_SOURCE).into_keys().collect();
        let only_ja: Vec<_> = ja.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ja).collect();
        assert!(
            only_ja.is_empty() && only_en.is_empty(),
            "only ja: {only_ja:?}; only en: {only_en:?}"
        );
        assert!(ja.len() > 20);
    }

    /// Rule IDs are the office's reference, not words for people: no screen text carries one, except the notes
    /// only staff read (listed here).
    #[test]
    fn no_screen_text_names_a_rule_id() {
        const STAFF_ONLY: &[&str] = &["accr.eligibility_lost"];
        for (lang, source) in [("ja", JA_SOURCE), ("en", EN_SOURCE)] {
            for (key, text) in parse(source) {
                if STAFF_ONLY.contains(&key) {
                    continue;
                }
                let named = ["ACC-", "REG-"].iter().any(|p| {
                    text.match_indices(p).any(|(i, _)| {
                        let digits: String = text[i + p.len()..]
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .collect();
                        // `REG-2026-0001` is a registration number, not a rule.
                        !digits.is_empty() && digits.len() <= 2
                    })
                });
                assert!(!named, "{lang} {key} names a rule: {text}");
            }
        }
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let ja = parse(JA_SOURCE);
        let mut missing = Vec::new();
        for (name, text) in crate::ui::SOURCES_USING_KEYS {
            for key in keys_used(text) {
                if !ja.contains_key(key.as_str()) {
                    missing.push(format!("{name}: {key}"));
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from i18n/ja.txt: {missing:?}");
    }

    /// Keys used by a source: `p.t("key")` in templates, and in Rust string literals that start with a key
    /// prefix (`"nav.dashboard"`), which catches a mistyped key wherever it is written.
    fn keys_used(text: &str) -> Vec<String> {
        const PREFIXES: &[&str] = &[
            "app.",
            "nav.",
            "lang.",
            "role.",
            "home.",
            "login.",
            "totp.",
            "password.",
            "dashboard.",
            "org.",
            "site.",
            "audit.",
            "users.",
            "form.",
            "error.",
            "footer.",
            "fee.",
            "deadline.",
            "mail.",
            "acc.",
            "reg.",
            "pub.",
        ];
        let mut out = Vec::new();
        for (i, _) in text.match_indices('"') {
            let rest = &text[i + 1..];
            let Some(end) = rest.find('"') else { continue };
            let lit = &rest[..end];
            let is_key = PREFIXES.iter().any(|p| lit.starts_with(p))
                && lit
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                && !lit.ends_with('.')
                && !lit.ends_with(".html")
                && !lit.ends_with(".rs");
            let in_template_call = text[..i].ends_with("p.t(");
            if is_key || (in_template_call && !lit.is_empty()) {
                out.push(lit.to_owned());
            }
        }
        out
    }
}
