//! Japanese text search terms for the public directory: normalization and n-gram terms.
//!
//! Text is normalized with NFKC (full-width ASCII and half-width katakana fold to their usual forms), lower-cased,
//! katakana folded to hiragana, and stripped of spaces and punctuation. A document is indexed by its character
//! unigrams and bigrams, so 2-character words (精神, 北九州's 九州) match, and a 1-character query still works.

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;

/// The normalized form used for both indexing and querying.
pub fn normalize(text: &str) -> String {
    text.nfkc()
        .flat_map(char::to_lowercase)
        .map(katakana_to_hiragana)
        .filter(|c| c.is_alphanumeric() || is_kana_mark(*c))
        // Dropping a character can leave combining marks out of canonical order (found by the fuzzer: Hebrew
        // points around a removed mark); recomposing keeps the result a fixed point, so index and query agree.
        .nfc()
        .collect()
}

/// The long-vowel mark and iteration marks carry meaning in names (ケーキ, 佐々木); keep them.
fn is_kana_mark(c: char) -> bool {
    matches!(c, 'ー' | '々' | 'ゝ' | 'ゞ')
}

fn katakana_to_hiragana(c: char) -> char {
    // ァ (U+30A1) … ヶ (U+30F6) map 96 code points down to ぁ … ゖ.
    if ('\u{30A1}'..='\u{30F6}').contains(&c) {
        char::from_u32(c as u32 - 0x60).unwrap_or(c)
    } else {
        c
    }
}

/// Index terms of a document: every unigram and bigram of its normalized text.
pub fn document_terms(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = normalize(text).chars().collect();
    let mut terms: BTreeSet<String> = chars.iter().map(|c| c.to_string()).collect();
    terms.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
    terms
}

/// Terms a query must all match: its bigrams (or its single character). Empty when the query is empty.
pub fn query_terms(query: &str) -> Vec<String> {
    let chars: Vec<char> = normalize(query).chars().collect();
    let terms: BTreeSet<String> = if chars.len() == 1 {
        chars.iter().map(|c| c.to_string()).collect()
    } else {
        chars.windows(2).map(|w| w.iter().collect::<String>()).collect()
    };
    terms.into_iter().collect()
}

/// True when `text` contains the normalized query as a substring: the final check after the n-gram filter
/// (bigrams alone would also match 北九 + 九州 spread apart).
pub fn matches(text: &str, query: &str) -> bool {
    normalize(text).contains(&normalize(query))
}

/// The facet of a listing in the prefecture with JIS code `code` (the directory's `?prefecture=` filter). Facets
/// start with `#`, which never survives query normalization, so no text query can match one.
pub fn prefecture_facet(code: &str) -> String {
    format!("#pref:{code}")
}

/// The facet of a registration offering consultations by `method` (REG-5; the directory's `?method=` filter).
pub fn method_facet(method: &str) -> String {
    format!("#method:{method}")
}

/// The facet of an accreditation covering the service `code` (ACC-23; the directory's `?service=` filter).
pub fn service_facet(code: &str) -> String {
    format!("#service:{code}")
}

#[cfg(test)]
mod tests {

    #[test]
    fn normalization_is_idempotent_after_dropping_marks() {
        // fuzz/search_terms found this: a removed mark between Hebrew points left them out of canonical order.
        let found = "\u{5b8}\u{fffd}\u{5b5}\u{5b8}\u{5b8}";
        let n = normalize(found);
        assert_eq!(normalize(&n), n);
        for t in ["\u{5b8}\u{300}\u{5b5}", "a\u{301}\u{20dd}\u{300}", "ｶﾞｯｺｳ　精神"] {
            let n = normalize(t);
            assert_eq!(normalize(&n), n, "{t:?}");
        }
    }

    use super::*;

    #[test]
    fn normalization_folds_width_case_and_kana() {
        assert_eq!(normalize("ＡＢＣ　ｄｅｆ"), "abcdef");
        assert_eq!(normalize("ｶｳﾝｾﾘﾝｸﾞ"), "かうんせりんぐ");
        assert_eq!(normalize("カウンセリング"), normalize("かうんせりんぐ"));
        assert_eq!(normalize("メンタル・ヘルス"), "めんたるへるす");
        assert_eq!(normalize("ケーキ 佐々木"), "けーき佐々木");
    }

    #[test]
    fn two_character_words_are_found() {
        let doc = document_terms("株式会社こころケア北九州 精神保健");
        for q in ["精神", "北九州", "九州", "ココロ", "ｹｱ", "州"] {
            assert!(query_terms(q).iter().all(|t| doc.contains(t)), "{q}");
            assert!(matches("株式会社こころケア北九州 精神保健", q), "{q}");
        }
        assert!(!query_terms("東京").iter().all(|t| doc.contains(t)));
    }

    #[test]
    fn empty_queries_have_no_terms() {
        assert!(query_terms("").is_empty());
        assert!(query_terms("　・ ").is_empty());
    }
}
