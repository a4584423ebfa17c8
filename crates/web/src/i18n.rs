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

#[cfg(test)]
mod tests {
    use super::*;
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
