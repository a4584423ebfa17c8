//! Password policy for user accounts: length 12..=128 characters, no composition rules, and refusal of
//! passwords that attackers try first — common ones, trivial patterns, and the user's own e-mail or name.
//!
//! Follows NIST SP 800-63B §5.1.1.2: length over complexity, a block list instead of "one digit, one symbol".

use std::collections::HashSet;
use std::sync::LazyLock;

/// Fewest characters (Unicode scalar values, so `パスワード` counts 5).
pub const MIN_CHARS: usize = 12;
/// Most characters: generous for passphrases, small enough to bound hashing work per request.
pub const MAX_CHARS: usize = 128;

/// `data/common-passwords.txt`: lower-case, one per line, `#` comments.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Keyboard walks (JIS and US layouts share these rows): a password that is a stretch of one, either way, is
/// refused. Rows, then columns.
const KEYBOARD_WALKS: [&str; 3] = [
    "1234567890qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
    "qazwsxedcrfvtgbyhnujmik,ol.p;/",
];

/// Why a password is refused. `Display` is Japanese (the UI language); [`PasswordError::message_en`] gives English
/// and [`PasswordError::code`] a stable key for clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("パスワードは{min}文字以上にしてください（{found}文字でした）")]
    TooShort { min: usize, found: usize },
    #[error("パスワードは{max}文字以内にしてください（{found}文字でした）")]
    TooLong { max: usize, found: usize },
    #[error("よく使われるパスワード（またはそれに数字や記号を付けただけのもの）は使えません")]
    Common,
    #[error("同じ文字や短い並びを繰り返しただけのパスワードは使えません")]
    Repetitive,
    #[error("「123456789012」「abcdefghijkl」「qwertyuiop…」のような連続した並びは使えません")]
    Sequential,
    #[error("メールアドレスと同じパスワードは使えません")]
    SameAsEmail,
    #[error("氏名と同じパスワードは使えません")]
    SameAsName,
}

impl PasswordError {
    /// Stable machine-readable key, e.g. for the API's validation `errors`.
    pub const fn code(&self) -> &'static str {
        match self {
            PasswordError::TooShort { .. } => "password_too_short",
            PasswordError::TooLong { .. } => "password_too_long",
            PasswordError::Common => "password_common",
            PasswordError::Repetitive => "password_repetitive",
            PasswordError::Sequential => "password_sequential",
            PasswordError::SameAsEmail => "password_same_as_email",
            PasswordError::SameAsName => "password_same_as_name",
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            PasswordError::TooShort { min, found } => {
                format!("Use at least {min} characters (this one has {found}).")
            }
            PasswordError::TooLong { max, found } => {
                format!("Use at most {max} characters (this one has {found}).")
            }
            PasswordError::Common => {
                "This password is too common (or a common one with digits or symbols added).".to_owned()
            }
            PasswordError::Repetitive => "Do not just repeat one character or a short group.".to_owned(),
            PasswordError::Sequential => {
                "Do not use a straight run such as 123456789012, abcdefghijkl or a keyboard row.".to_owned()
            }
            PasswordError::SameAsEmail => "The password must not be your e-mail address.".to_owned(),
            PasswordError::SameAsName => "The password must not be your name.".to_owned(),
        }
    }
}

/// Checks a new password against the policy. `email` and `name` are the account's own, so that a password equal
/// to them is refused; pass them as entered (empty ones are skipped).
///
/// Comparisons ignore letter case. Nothing is trimmed from the password: spaces are legitimate characters of a
/// passphrase, and silently changing what the user typed would make the next login fail.
pub fn check_password(password: &str, email: &str, name: &str) -> Result<(), PasswordError> {
    let found = password.chars().count();
    if found < MIN_CHARS {
        return Err(PasswordError::TooShort {
            min: MIN_CHARS,
            found,
        });
    }
    if found > MAX_CHARS {
        return Err(PasswordError::TooLong {
            max: MAX_CHARS,
            found,
        });
    }
    let lower = password.to_lowercase();
    if is_same_as_email(&lower, email) {
        return Err(PasswordError::SameAsEmail);
    }
    if is_same_as_name(&lower, name) {
        return Err(PasswordError::SameAsName);
    }
    if is_repetitive(&lower) {
        return Err(PasswordError::Repetitive);
    }
    if is_sequential(&lower) {
        return Err(PasswordError::Sequential);
    }
    if is_common(&lower) {
        return Err(PasswordError::Common);
    }
    weak_patterns(&lower)
}

/// Words of this product and its users' context: a password made of them (with digits or symbols) is as easy
/// to guess as a listed one (`nintei-password`, `admin@nintei`).
const CONTEXT_WORDS: [&str; 16] = [
    "nintei",
    "にんてい",
    "ニンテイ",
    "認定",
    "password",
    "passwd",
    "pass",
    "パスワード",
    "ぱすわーど",
    "admin",
    "administrator",
    "office",
    "login",
    "user",
    "mhlw",
    "uoeh",
];

/// Patterns the rules above miss: a weak unit repeated (`パスワードパスワードパスワード`, `abcdeabcdeabcde`), a
/// password that is almost all one character or one run of digits (`000000000001`, `0123456789ab`), and one made
/// of the product's name and context words only.
fn weak_patterns(lower: &str) -> Result<(), PasswordError> {
    let chars: Vec<char> = lower.chars().collect();
    let n = chars.len();
    // A unit repeated (the password has a period of at most half its length) that is itself weak.
    for period in 5..=n / 2 {
        if chars.iter().zip(chars.iter().skip(period)).all(|(a, b)| a == b) {
            let unit: String = chars[..period].iter().collect();
            if is_sequential(&unit) || is_common(&unit) || context_only(&unit) || distinct(&unit) <= 2 {
                return Err(PasswordError::Repetitive);
            }
        }
    }
    if distinct(lower) <= 2 || longest_repeat(&chars) * 4 >= n * 3 {
        return Err(PasswordError::Repetitive);
    }
    if longest_straight_run(&chars) * 4 >= n * 3 {
        // Mostly one run of digits (`0123456789ab`).
        return Err(PasswordError::Sequential);
    }
    if context_only(lower) {
        return Err(PasswordError::Common);
    }
    Ok(())
}

fn distinct(s: &str) -> usize {
    s.chars().collect::<HashSet<char>>().len()
}

/// The longest stretch of one character.
fn longest_repeat(chars: &[char]) -> usize {
    let mut best = 0;
    let mut run = 0;
    for (i, c) in chars.iter().enumerate() {
        run = if i > 0 && chars[i - 1] == *c { run + 1 } else { 1 };
        best = best.max(run);
    }
    best
}

/// The longest straight run of digits, up or down by one (`0123456789`).
fn longest_straight_run(chars: &[char]) -> usize {
    let step = |a: char, b: char| -> i32 {
        if !(a.is_ascii_digit() && b.is_ascii_digit()) {
            return 0;
        }
        let d = i64::from(u32::from(b)) - i64::from(u32::from(a));
        match d {
            1 => 1,
            -1 => -1,
            _ => 0,
        }
    };
    let mut best = usize::from(!chars.is_empty());
    let mut run = 1;
    let mut dir = 0;
    for w in chars.windows(2) {
        let s = step(w[0], w[1]);
        if s != 0 && (s == dir || run == 1) {
            run += 1;
            dir = s;
        } else if s != 0 {
            run = 2;
            dir = s;
        } else {
            run = 1;
            dir = 0;
        }
        best = best.max(run);
    }
    best
}

/// Nothing but context words, digits, symbols and spaces.
fn context_only(lower: &str) -> bool {
    let mut rest = lower.to_owned();
    let mut found = false;
    for w in CONTEXT_WORDS {
        if rest.contains(w) {
            found = true;
            rest = rest.replace(w, "");
        }
    }
    found
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace())
}

/// The whole address or its local part (`tanaka.taro@…` → `tanaka.taro`), since the latter is as guessable.
fn is_same_as_email(lower: &str, email: &str) -> bool {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return false;
    }
    let local = email.rsplit_once('@').map_or(email.as_str(), |(l, _)| l);
    lower == email || (!local.is_empty() && lower == local)
}

/// The name as entered, or with its spaces (also full-width) removed: `Tanaka Taro` → `tanakataro`.
fn is_same_as_name(lower: &str, name: &str) -> bool {
    let name = name.trim().to_lowercase();
    if name.is_empty() {
        return false;
    }
    let squeezed: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    lower == name || lower == squeezed
}

/// One character repeated, or a group of up to 4 repeated (`abababababab`, `123123123123`, `abcdabcdabcd`):
/// the password has period ≤ 4.
fn is_repetitive(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    (1..=4).any(|period| chars.iter().zip(chars.iter().skip(period)).all(|(a, b)| a == b))
}

/// A straight run of digits or letters, up or down, wrapping around (`…7890123`, `…xyzabc`), or a stretch of a
/// keyboard walk.
fn is_sequential(lower: &str) -> bool {
    /// Position in a cyclic alphabet, with the alphabet's size; digits and letters are separate alphabets.
    fn pos(c: char) -> Option<(u32, u32)> {
        match c {
            '0'..='9' => c.to_digit(10).map(|d| (d, 10)),
            'a'..='z' => Some((u32::from(c) - u32::from('a'), 26)),
            _ => None,
        }
    }
    let steps: Option<Vec<i8>> = lower
        .chars()
        .zip(lower.chars().skip(1))
        .map(|(a, b)| match (pos(a), pos(b)) {
            (Some((pa, m)), Some((pb, n))) if m == n => {
                if (pa + 1) % m == pb {
                    Some(1)
                } else if (pb + 1) % m == pa {
                    Some(-1)
                } else {
                    None
                }
            }
            _ => None,
        })
        .collect();
    let straight = steps.is_some_and(|s| s.iter().all(|d| *d == 1) || s.iter().all(|d| *d == -1));
    straight
        || KEYBOARD_WALKS.iter().any(|walk| {
            let reversed: String = walk.chars().rev().collect();
            walk.contains(lower) || reversed.contains(lower)
        })
}

/// On the list, or a listed entry with only digits, symbols or spaces added before or after
/// (`password1234!`, `2024sakura`), which is how attackers extend the list.
fn is_common(lower: &str) -> bool {
    let core =
        lower.trim_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace());
    COMMON_PASSWORDS.contains(lower) || (!core.is_empty() && COMMON_PASSWORDS.contains(core))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMAIL: &str = "tanaka.taro@example.co.jp";
    const NAME: &str = "田中 太郎";

    fn check(pw: &str) -> Result<(), PasswordError> {
        check_password(pw, EMAIL, NAME)
    }

    #[test]
    fn good_passphrases_pass() {
        for pw in [
            "violet-harbor-tangent-47",
            "塩むすびと味噌汁の朝ごはん",
            "Kx9#mQ2$vL7!",
            "my cat eats umeboshi",
            "horse staple battery correct",
        ] {
            assert_eq!(check(pw), Ok(()), "{pw}");
        }
    }

    #[test]
    fn length_counts_unicode_scalar_values() {
        assert_eq!(
            check("パスワードは長くないと"),
            Err(PasswordError::TooShort { min: 12, found: 11 })
        );
        assert_eq!(check("パスワードは長くないとね"), Ok(()));
        assert_eq!(check(""), Err(PasswordError::TooShort { min: 12, found: 0 }));
        let max = "あいうえおかきくけこ".repeat(13); // 130
        assert_eq!(check(&max), Err(PasswordError::TooLong { max: 128, found: 130 }));
        let exactly: String = max.chars().take(128).collect();
        assert_eq!(check(&exactly), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_case_insensitively() {
        for pw in [
            "password1234",
            "PASSWORD1234",
            "123456789012",
            "qwertyuiopasdfgh",
            "iloveyou1234",
            "P@ssw0rd1234",
        ] {
            assert!(check(pw).is_err(), "{pw}");
        }
        assert_eq!(check("iloveyou1234"), Err(PasswordError::Common));
        assert_eq!(check("Password1234"), Err(PasswordError::Common));
        assert_eq!(check("ILoveYou1234"), Err(PasswordError::Common));
        assert_eq!(check("correct horse battery staple"), Err(PasswordError::Common));
    }

    #[test]
    fn listed_words_with_only_digits_or_symbols_added_are_refused() {
        for pw in [
            "sunshine2024!!",
            "2024!sunshine",
            "michael19870523",
            "doraemon-0000-1111",
            "Nintei20260401",
        ] {
            assert_eq!(check(pw), Err(PasswordError::Common), "{pw}");
        }
    }

    #[test]
    fn repeated_characters_and_short_groups_are_refused() {
        for pw in [
            "aaaaaaaaaaaa",
            "ああああああああああああ",
            "111111111111",
            "abababababab",
            "123123123123",
            "abcdabcdabcda",
        ] {
            assert_eq!(check(pw), Err(PasswordError::Repetitive), "{pw}");
        }
        // A period of 5 is not caught by this rule.
        assert_eq!(check("k3v9qk3v9qk3v9q"), Ok(()));
    }

    #[test]
    fn straight_runs_and_keyboard_walks_are_refused() {
        for pw in [
            "123456789012",
            "abcdefghijkl",
            "ABCDEFGHIJKLMNOP",
            "lkjihgfedcba",
            "210987654321",
            "uvwxyzabcdef",
            "qwertyuiopas",
            "poiuytrewq09",
            "1qaz2wsx3edc",
            "mnbvcxzlkjhgf",
        ] {
            assert_eq!(check(pw), Err(PasswordError::Sequential), "{pw}");
        }
        // A run with a break is not a straight run.
        assert_ne!(check("abcdefghijkm"), Err(PasswordError::Sequential));
    }

    #[test]
    fn own_email_or_name_is_refused() {
        assert_eq!(
            check_password("Taro@Example.jp", "taro@example.jp", "x"),
            Err(PasswordError::SameAsEmail)
        );
        assert_eq!(
            check_password("tanaka.taro.k", "tanaka.taro.k@example.jp", ""),
            Err(PasswordError::SameAsEmail)
        );
        assert_eq!(
            check_password("Yamada Hanako", "h@example.jp", "yamada hanako"),
            Err(PasswordError::SameAsName)
        );
        assert_eq!(
            check_password("yamadahanako", "h@example.jp", " Yamada　Hanako "),
            Err(PasswordError::SameAsName)
        );
        assert_eq!(
            check_password(
                "山田花子山田花子山田花子",
                "h@example.jp",
                "山田花子山田花子山田花子"
            ),
            Err(PasswordError::SameAsName)
        );
        // Empty e-mail and name never match.
        assert_eq!(check_password("violet-harbor-tangent-47", "", ""), Ok(()));
    }

    #[test]
    fn the_shipped_list_is_large_lower_case_and_every_long_entry_is_refused() {
        let list = &*COMMON_PASSWORDS;
        assert!(list.len() >= 2000, "only {} entries", list.len());
        for pw in list.iter() {
            assert_eq!(*pw, pw.to_lowercase(), "not lower-case: {pw}");
            let n = pw.chars().count();
            if (MIN_CHARS..=MAX_CHARS).contains(&n) {
                assert!(check_password(pw, "", "").is_err(), "list entry accepted: {pw}");
            }
        }
        for must in [
            "password1234",
            "123456789012",
            "qwertyuiopasdfgh",
            "iloveyou1234",
            "passwordpassword",
        ] {
            assert!(list.contains(must), "{must}");
        }
    }

    #[test]
    fn repeated_words_digit_runs_and_the_products_name_are_refused() {
        for pw in [
            "パスワードパスワードパスワード",
            "abcdeabcdeabcde",
            "xyzabxyzabxyzab",
        ] {
            assert_eq!(check(pw), Err(PasswordError::Repetitive), "{pw}");
        }
        assert_eq!(check("000000000001"), Err(PasswordError::Repetitive));
        assert_eq!(check("0123456789ab"), Err(PasswordError::Sequential));
        for pw in [
            "nintei-password",
            "admin@nintei",
            "Nintei_Admin_2026",
            "認定パスワード12345678",
        ] {
            assert_eq!(check(pw), Err(PasswordError::Common), "{pw}");
        }
        // Still fine: passphrases that merely contain such a word or a short run.
        for pw in [
            "nintei-violet-harbor",
            "k3v9qk3v9qk3v9q",
            "my 0123 cat eats umeboshi",
        ] {
            assert_eq!(check(pw), Ok(()), "{pw}");
        }
    }

    #[test]
    fn errors_speak_japanese_and_english_with_stable_codes() {
        let all = [
            PasswordError::TooShort { min: 12, found: 3 },
            PasswordError::TooLong { max: 128, found: 200 },
            PasswordError::Common,
            PasswordError::Repetitive,
            PasswordError::Sequential,
            PasswordError::SameAsEmail,
            PasswordError::SameAsName,
        ];
        let mut codes = HashSet::new();
        for e in all {
            assert!(
                e.to_string().contains("パスワード") || e.to_string().contains("使えません"),
                "{e}"
            );
            assert!(e.message_en().is_ascii() && !e.message_en().is_empty());
            assert!(codes.insert(e.code()));
        }
    }
}
