//! One room, one registration (REG-2) and rooms listed under the right prefecture (REG-8): addresses compared as
//! a registrar reads them, not byte for byte.
//!
//! `福岡県北九州市小倉北区浅野一丁目２番３号` and `北九州市小倉北区浅野1-2-3` are one place. The comparison key is
//! the address after NFKC (full-width digits and hyphens become ASCII), without spaces and without the leading
//! prefecture name, with kanji numerals as digits and 丁目/番地/番/号 and every dash-like character as one `-`.

use unicode_normalization::UnicodeNormalization;

use crate::org::Prefecture;

/// Characters that stand for a hyphen in addresses (after NFKC): hyphen, non-breaking hyphen, figure dash, en/em
/// dash, horizontal bar, minus sign, half-width prolonged sound mark.
const DASHES: &[char] = &[
    '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}', '\u{ff70}',
];

fn nfkc_compact(address: &str) -> String {
    address.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// The prefecture an address names at its start, if any (`東京都港区…` → 東京都).
pub fn named_prefecture(address: &str) -> Option<Prefecture> {
    let a = nfkc_compact(address);
    Prefecture::ALL.into_iter().find(|p| a.starts_with(p.name_ja()))
}

/// REG-8: a room's prefecture must agree with its address when the address names one. `Err` carries the
/// prefecture the address names.
pub fn check_prefecture(prefecture: Prefecture, address: &str) -> Result<(), Prefecture> {
    match named_prefecture(address) {
        Some(named) if named != prefecture => Err(named),
        _ => Ok(()),
    }
}

fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A run of kanji numerals as a number: positional (`一〇三` = 103) or with 十/百 (`二十三` = 23, `百五` = 105).
fn kanji_number(run: &[char]) -> u32 {
    if !run.iter().any(|c| matches!(c, '十' | '百')) {
        return run
            .iter()
            .filter_map(|c| kanji_digit(*c))
            .fold(0u32, |n, d| n.saturating_mul(10).saturating_add(d));
    }
    let (mut total, mut digit) = (0u32, None::<u32>);
    for c in run {
        match c {
            '百' => {
                total = total.saturating_add(digit.unwrap_or(1).saturating_mul(100));
                digit = None;
            }
            '十' => {
                total = total.saturating_add(digit.unwrap_or(1).saturating_mul(10));
                digit = None;
            }
            c => digit = kanji_digit(*c),
        }
    }
    total.saturating_add(digit.unwrap_or(0))
}

/// The comparison key of an address (see the module documentation). Two rooms with equal keys are at one place.
pub fn key(address: &str) -> String {
    let mut a = nfkc_compact(address);
    if let Some(rest) = named_prefecture(&a).and_then(|p| a.strip_prefix(p.name_ja())) {
        a = rest.to_owned();
    }
    // Kanji numerals as digits where they number a block (一丁目, 二十三番, 五号, 三-): place names such as 北九州
    // keep theirs.
    let chars: Vec<char> = a.chars().collect();
    let mut s = String::with_capacity(a.len());
    let mut i = 0;
    while i < chars.len() {
        let is_num = |c: char| kanji_digit(c).is_some() || matches!(c, '十' | '百');
        let start = i;
        let mut end = i;
        while end < chars.len() && is_num(chars[end]) {
            end += 1;
        }
        let numbers_a_block = end > start
            && chars
                .get(end)
                .is_some_and(|c| matches!(c, '丁' | '番' | '号' | '-') || DASHES.contains(c));
        if numbers_a_block {
            s.push_str(&kanji_number(&chars[start..end]).to_string());
            i = end;
        } else {
            s.push(chars[i]);
            i += 1;
        }
    }
    for unit in ["丁目", "番地", "番", "号"] {
        s = s.replace(unit, "-");
    }
    // A katakana prolonged sound mark stands for a dash only after a digit (`1ー2`), not in `センター`.
    let mut dashed: Vec<char> = Vec::with_capacity(s.len());
    for c in s.chars() {
        let after_digit = dashed.last().is_some_and(char::is_ascii_digit);
        dashed.push(if DASHES.contains(&c) || (c == 'ー' && after_digit) {
            '-'
        } else {
            c
        });
    }
    // A dash counts only between two numbers (`1-2-3`): `3号室` and `3-室`, `浅野-1` and `浅野1` are alike.
    let mut out = String::with_capacity(s.len());
    for (i, c) in dashed.iter().enumerate() {
        if *c == '-' {
            let prev_digit = out.chars().last().is_some_and(|p: char| p.is_ascii_digit());
            let next_digit = dashed[i + 1..]
                .iter()
                .find(|n| **n != '-')
                .is_some_and(char::is_ascii_digit);
            if !(prev_digit && next_digit) {
                continue;
            }
        }
        out.push(*c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reg2_one_room_one_address_key() {
        let a = key("福岡県北九州市小倉北区浅野1-2-3");
        assert_eq!(a, "北九州市小倉北区浅野1-2-3");
        assert_eq!(key("北九州市小倉北区浅野一丁目２番３号"), a);
        assert_eq!(key("福岡県 北九州市小倉北区浅野１－２－３"), a);
        assert_eq!(key("福岡県北九州市小倉北区浅野1丁目2番地3"), a);
        assert_eq!(key("福岡県北九州市小倉北区浅野1ー2ー3"), a);
        assert_eq!(key("福岡県北九州市小倉北区浅野1−2−3"), a);
        assert_ne!(key("福岡県北九州市小倉北区浅野1-2-4"), a);
        assert_ne!(key("福岡県北九州市小倉北区浅野1-2-3 5階"), a);
        assert_eq!(
            key("北九州市小倉北区浅野一丁目２番３号　小倉相談室"),
            key("福岡県北九州市小倉北区浅野1-2-3 小倉相談室")
        );
        assert_eq!(key("浅野1-2-3号室"), "浅野1-2-3室");
        assert_eq!(key("東京都港区芝二十三番"), "港区芝23");
        assert_eq!(key("センター"), "センター");
    }

    #[test]
    fn reg8_prefecture_named_by_the_address() {
        let okinawa = Prefecture::from_code("47").unwrap();
        let tokyo = Prefecture::from_code("13").unwrap();
        assert_eq!(check_prefecture(okinawa, "東京都港区芝1-1-1"), Err(tokyo));
        assert_eq!(check_prefecture(tokyo, "東京都港区芝1-1-1"), Ok(()));
        assert_eq!(check_prefecture(okinawa, "港区芝1-1-1"), Ok(()));
        assert_eq!(check_prefecture(tokyo, "　東京都港区"), Ok(()));
        let kyoto = Prefecture::from_code("26").unwrap();
        assert_eq!(check_prefecture(kyoto, "京都府京都市"), Ok(()));
        assert_eq!(check_prefecture(tokyo, "京都府京都市"), Err(kyoto));
    }
}
