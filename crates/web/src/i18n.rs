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
pub fn t<'a>(lang: Lang, key: &'a str) -> &'a str {
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

    /// Finds `t("key")` calls in a template or source text.
    fn keys_used(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find("t(\"") {
            rest = &rest[i + 3..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_owned());
                rest = &rest[end..];
            }
        }
        out
    }
}
