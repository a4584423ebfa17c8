//! Values that identify and reach an `Organization` (ACC-1, ACC-3, REG-8): 法人番号, 都道府県, 法人の種類, and
//! small validated text, e-mail and phone newtypes. Each constructor is the only way in ("parse, don't validate").

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why an organization value was refused. Messages are Japanese, for the office's forms and the API's
/// `errors[].message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgError {
    #[error("法人番号は13桁の数字で入力してください（{found}桁でした）")]
    CorporateNumberLength { found: usize },
    #[error("法人番号に数字以外の文字「{ch}」が含まれています")]
    CorporateNumberCharacter { ch: char },
    #[error(
        "法人番号の検査用数字（先頭の1桁）が合いません（入力は{found}、正しくは{expected}）。番号を確認してください"
    )]
    CorporateNumberCheckDigit { expected: u8, found: u8 },

    #[error("都道府県コード「{input}」は01〜47の2桁ではありません")]
    UnknownPrefecture { input: String },
    #[error("法人の種類「{input}」は使えません（kabushiki_kaisha, godo_kaisha, … , llp, other のいずれか）")]
    UnknownLegalForm { input: String },

    #[error("入力が空です")]
    EmptyText,
    #[error("{max}文字以内で入力してください（{found}文字でした）")]
    TextTooLong { max: usize, found: usize },
    #[error("使えない制御文字（U+{code:04X}）が含まれています")]
    TextControlCharacter { code: u32 },

    #[error("メールアドレスが空です")]
    EmailEmpty,
    #[error("メールアドレスは254文字以内にしてください（{found}文字でした）")]
    EmailTooLong { found: usize },
    #[error(
        "メールアドレスに全角文字など半角英数字以外の文字「{ch}」が含まれています。半角で入力してください"
    )]
    EmailNonAscii { ch: char },
    #[error("メールアドレスに空白が含まれています")]
    EmailWhitespace,
    #[error("メールアドレスに「@」がありません")]
    EmailMissingAt,
    #[error("メールアドレスに「@」が2つ以上あります")]
    EmailMultipleAt,
    #[error("メールアドレスの「@」より前（ローカル部）は1〜64文字にしてください（{found}文字でした）")]
    EmailLocalLength { found: usize },
    #[error("メールアドレスの「@」より前に使えない文字「{ch}」があります")]
    EmailLocalCharacter { ch: char },
    #[error("メールアドレスの「@」より前で「.」が先頭・末尾にあるか、連続しています")]
    EmailLocalDots,
    #[error("メールアドレスの「@」より後ろ（ドメイン「{domain}」）が正しくありません")]
    EmailDomain { domain: String },

    #[error("電話番号に使えない文字「{ch}」があります（使えるのは数字、ハイフン、空白、括弧、先頭の+）")]
    PhoneCharacter { ch: char },
    #[error("電話番号の「+」は先頭にだけ書けます")]
    PhonePlusPosition,
    #[error("日本の電話番号（+81）だけを登録できます")]
    PhoneNotJapanese,
    #[error("電話番号は市外局番の0から入力してください")]
    PhoneMissingLeadingZero,
    #[error("電話番号は市外局番から10桁または11桁で入力してください（{found}桁でした）")]
    PhoneDigitCount { found: usize },
}

/// Maps full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space to their half-width twins, since
/// Japanese input methods produce them in number fields.
fn to_half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Dash-like characters people type for a hyphen in Japanese forms (ー, －, ‐, −, ―, …).
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2015}'
            | '\u{2212}'
            | '\u{30FC}'
            | '\u{FF0D}'
            | '\u{FF70}'
    )
}

// ---------------------------------------------------------------------------------------------------------------
// 法人番号
// ---------------------------------------------------------------------------------------------------------------

/// 法人番号 (corporate number): 13 digits whose first digit is a check digit over the other 12.
///
/// Formula (国税庁, 法人番号の指定等に関する省令 第2条): with `P_n` the n-th digit of the 12 base digits counted
/// from the *lowest* (rightmost) one, and `Q_n` = 1 for odd n and 2 for even n,
/// `check = 9 − (Σ_{n=1..12} P_n × Q_n mod 9)`. The check digit is therefore always 1..=9, never 0.
/// Example: 国税庁 `7000012050002` → base `000012050002`, Σ = 2·1+0·2+0·1+0·2+5·1+0·2+2·1+1·2+0·1+0·2+0·1+0·2 = 11,
/// 11 mod 9 = 2, 9 − 2 = 7 ✓.
///
/// Input may use full-width digits and may be grouped with spaces or hyphens (`7-0000-1205-0002`,
/// `７０００…`): people copy it from Japanese documents, and none of those characters can change which number is
/// meant. The stored form is 13 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
pub struct CorporateNumber(String);

impl CorporateNumber {
    pub fn parse(input: &str) -> Result<Self, OrgError> {
        let mut digits: Vec<u8> = Vec::with_capacity(13);
        for raw in input.trim().chars() {
            let c = to_half_width(raw);
            if c == ' ' || is_dash(c) {
                continue;
            }
            // to_digit(10) knows only ASCII digits, so other scripts' digits are refused here.
            match c.to_digit(10).and_then(|d| u8::try_from(d).ok()) {
                Some(d) => digits.push(d),
                None => return Err(OrgError::CorporateNumberCharacter { ch: raw }),
            }
        }
        let [found, base @ ..] = digits.as_slice() else {
            return Err(OrgError::CorporateNumberLength { found: 0 });
        };
        if base.len() != 12 {
            return Err(OrgError::CorporateNumberLength { found: digits.len() });
        }
        let expected = Self::check_digit(base);
        if *found != expected {
            return Err(OrgError::CorporateNumberCheckDigit {
                expected,
                found: *found,
            });
        }
        Ok(Self(digits.iter().map(|d| char::from(b'0' + d)).collect()))
    }

    /// The check digit for 12 base digits given most significant first (see the type's docs for the formula).
    fn check_digit(base: &[u8]) -> u8 {
        let sum: u32 = base
            .iter()
            .rev()
            .enumerate()
            // enumerate() is 0-based: index 0 is n = 1 (odd, weight 1).
            .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 1 } else { 2 })
            .sum();
        // sum % 9 is 0..=8, so the result is 1..=9 and fits a u8.
        u8::try_from(9 - sum % 9).unwrap_or(0)
    }

    /// The 13 ASCII digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CorporateNumber {
    type Err = OrgError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CorporateNumber {
    type Error = OrgError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CorporateNumber> for String {
    fn from(n: CorporateNumber) -> String {
        n.0
    }
}

impl fmt::Display for CorporateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// 都道府県
// ---------------------------------------------------------------------------------------------------------------

/// A prefecture (都道府県), identified by its JIS X 0401 code `01`..`47`; the public directory is searched by it
/// (REG-8). Serialized as the two-digit code string.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "&'static str")]
#[repr(u8)]
pub enum Prefecture {
    Hokkaido = 1,
    Aomori,
    Iwate,
    Miyagi,
    Akita,
    Yamagata,
    Fukushima,
    Ibaraki,
    Tochigi,
    Gunma,
    Saitama,
    Chiba,
    Tokyo,
    Kanagawa,
    Niigata,
    Toyama,
    Ishikawa,
    Fukui,
    Yamanashi,
    Nagano,
    Gifu,
    Shizuoka,
    Aichi,
    Mie,
    Shiga,
    Kyoto,
    Osaka,
    Hyogo,
    Nara,
    Wakayama,
    Tottori,
    Shimane,
    Okayama,
    Hiroshima,
    Yamaguchi,
    Tokushima,
    Kagawa,
    Ehime,
    Kochi,
    Fukuoka,
    Saga,
    Nagasaki,
    Kumamoto,
    Oita,
    Miyazaki,
    Kagoshima,
    Okinawa,
}

impl Prefecture {
    /// All 47, in JIS code order.
    pub const ALL: [Prefecture; 47] = {
        use Prefecture::*;
        [
            Hokkaido, Aomori, Iwate, Miyagi, Akita, Yamagata, Fukushima, Ibaraki, Tochigi, Gunma, Saitama,
            Chiba, Tokyo, Kanagawa, Niigata, Toyama, Ishikawa, Fukui, Yamanashi, Nagano, Gifu, Shizuoka,
            Aichi, Mie, Shiga, Kyoto, Osaka, Hyogo, Nara, Wakayama, Tottori, Shimane, Okayama, Hiroshima,
            Yamaguchi, Tokushima, Kagawa, Ehime, Kochi, Fukuoka, Saga, Nagasaki, Kumamoto, Oita, Miyazaki,
            Kagoshima, Okinawa,
        ]
    };

    /// (JIS code, Japanese name, English name) in one match so the three can never drift apart.
    const fn info(self) -> (&'static str, &'static str, &'static str) {
        use Prefecture::*;
        match self {
            Hokkaido => ("01", "北海道", "Hokkaido"),
            Aomori => ("02", "青森県", "Aomori"),
            Iwate => ("03", "岩手県", "Iwate"),
            Miyagi => ("04", "宮城県", "Miyagi"),
            Akita => ("05", "秋田県", "Akita"),
            Yamagata => ("06", "山形県", "Yamagata"),
            Fukushima => ("07", "福島県", "Fukushima"),
            Ibaraki => ("08", "茨城県", "Ibaraki"),
            Tochigi => ("09", "栃木県", "Tochigi"),
            Gunma => ("10", "群馬県", "Gunma"),
            Saitama => ("11", "埼玉県", "Saitama"),
            Chiba => ("12", "千葉県", "Chiba"),
            Tokyo => ("13", "東京都", "Tokyo"),
            Kanagawa => ("14", "神奈川県", "Kanagawa"),
            Niigata => ("15", "新潟県", "Niigata"),
            Toyama => ("16", "富山県", "Toyama"),
            Ishikawa => ("17", "石川県", "Ishikawa"),
            Fukui => ("18", "福井県", "Fukui"),
            Yamanashi => ("19", "山梨県", "Yamanashi"),
            Nagano => ("20", "長野県", "Nagano"),
            Gifu => ("21", "岐阜県", "Gifu"),
            Shizuoka => ("22", "静岡県", "Shizuoka"),
            Aichi => ("23", "愛知県", "Aichi"),
            Mie => ("24", "三重県", "Mie"),
            Shiga => ("25", "滋賀県", "Shiga"),
            Kyoto => ("26", "京都府", "Kyoto"),
            Osaka => ("27", "大阪府", "Osaka"),
            Hyogo => ("28", "兵庫県", "Hyogo"),
            Nara => ("29", "奈良県", "Nara"),
            Wakayama => ("30", "和歌山県", "Wakayama"),
            Tottori => ("31", "鳥取県", "Tottori"),
            Shimane => ("32", "島根県", "Shimane"),
            Okayama => ("33", "岡山県", "Okayama"),
            Hiroshima => ("34", "広島県", "Hiroshima"),
            Yamaguchi => ("35", "山口県", "Yamaguchi"),
            Tokushima => ("36", "徳島県", "Tokushima"),
            Kagawa => ("37", "香川県", "Kagawa"),
            Ehime => ("38", "愛媛県", "Ehime"),
            Kochi => ("39", "高知県", "Kochi"),
            Fukuoka => ("40", "福岡県", "Fukuoka"),
            Saga => ("41", "佐賀県", "Saga"),
            Nagasaki => ("42", "長崎県", "Nagasaki"),
            Kumamoto => ("43", "熊本県", "Kumamoto"),
            Oita => ("44", "大分県", "Oita"),
            Miyazaki => ("45", "宮崎県", "Miyazaki"),
            Kagoshima => ("46", "鹿児島県", "Kagoshima"),
            Okinawa => ("47", "沖縄県", "Okinawa"),
        }
    }

    /// JIS X 0401 code, two digits: `"13"` for 東京都.
    pub const fn code(self) -> &'static str {
        self.info().0
    }

    /// The code as a number 1..=47.
    pub const fn number(self) -> u8 {
        self as u8
    }

    /// Official Japanese name with its suffix: 北海道, 東京都, 大阪府, 沖縄県.
    pub const fn name_ja(self) -> &'static str {
        self.info().1
    }

    /// The full Japanese address: the prefecture first unless `address` names it already (「東京都 東京都千代田区…」
    /// says it twice).
    pub fn full_address(self, address: &str) -> String {
        let address = address.trim();
        if address.starts_with(self.name_ja()) {
            address.to_owned()
        } else {
            format!("{}{address}", self.name_ja())
        }
    }

    /// Romanized name without suffix or macrons: `Tokyo`, `Hyogo`.
    pub const fn name_en(self) -> &'static str {
        self.info().2
    }

    /// Parses the two-digit JIS code exactly (`"01"`..`"47"`); `"1"` or `" 13"` are refused so that stored codes and
    /// query parameters have one spelling.
    pub fn from_code(code: &str) -> Result<Self, OrgError> {
        Self::ALL
            .into_iter()
            .find(|p| p.code() == code)
            .ok_or_else(|| OrgError::UnknownPrefecture {
                input: code.to_owned(),
            })
    }

    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.number() == n)
    }

    /// Exact official Japanese name (東京都, not 東京).
    pub fn from_name_ja(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name_ja() == name)
    }
}

impl FromStr for Prefecture {
    type Err = OrgError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_code(s)
    }
}

impl TryFrom<String> for Prefecture {
    type Error = OrgError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::from_code(&s)
    }
}

impl From<Prefecture> for &'static str {
    fn from(p: Prefecture) -> &'static str {
        p.code()
    }
}

impl fmt::Display for Prefecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_ja())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// 法人の種類
// ---------------------------------------------------------------------------------------------------------------

/// The legal form of an organization, exactly the `legal_form` values of API.md ("Organizations").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegalForm {
    KabushikiKaisha,
    GodoKaisha,
    IryoHojin,
    IppanZaidan,
    IppanShadan,
    KoekiZaidan,
    KoekiShadan,
    NpoHojin,
    GakkoHojin,
    ShakaiFukushiHojin,
    Llp,
    Other,
}

impl LegalForm {
    pub const ALL: [LegalForm; 12] = [
        LegalForm::KabushikiKaisha,
        LegalForm::GodoKaisha,
        LegalForm::IryoHojin,
        LegalForm::IppanZaidan,
        LegalForm::IppanShadan,
        LegalForm::KoekiZaidan,
        LegalForm::KoekiShadan,
        LegalForm::NpoHojin,
        LegalForm::GakkoHojin,
        LegalForm::ShakaiFukushiHojin,
        LegalForm::Llp,
        LegalForm::Other,
    ];

    /// The API spelling (same as serde's).
    pub const fn as_str(self) -> &'static str {
        match self {
            LegalForm::KabushikiKaisha => "kabushiki_kaisha",
            LegalForm::GodoKaisha => "godo_kaisha",
            LegalForm::IryoHojin => "iryo_hojin",
            LegalForm::IppanZaidan => "ippan_zaidan",
            LegalForm::IppanShadan => "ippan_shadan",
            LegalForm::KoekiZaidan => "koeki_zaidan",
            LegalForm::KoekiShadan => "koeki_shadan",
            LegalForm::NpoHojin => "npo_hojin",
            LegalForm::GakkoHojin => "gakko_hojin",
            LegalForm::ShakaiFukushiHojin => "shakai_fukushi_hojin",
            LegalForm::Llp => "llp",
            LegalForm::Other => "other",
        }
    }

    /// Japanese label for screens and documents.
    pub const fn label_ja(self) -> &'static str {
        match self {
            LegalForm::KabushikiKaisha => "株式会社",
            LegalForm::GodoKaisha => "合同会社",
            LegalForm::IryoHojin => "医療法人",
            LegalForm::IppanZaidan => "一般財団法人",
            LegalForm::IppanShadan => "一般社団法人",
            LegalForm::KoekiZaidan => "公益財団法人",
            LegalForm::KoekiShadan => "公益社団法人",
            LegalForm::NpoHojin => "特定非営利活動法人",
            LegalForm::GakkoHojin => "学校法人",
            LegalForm::ShakaiFukushiHojin => "社会福祉法人",
            LegalForm::Llp => "有限責任事業組合",
            LegalForm::Other => "その他",
        }
    }

    pub fn parse(s: &str) -> Result<Self, OrgError> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| OrgError::UnknownLegalForm { input: s.to_owned() })
    }

    /// Whether the form satisfies ACC-1(3) "is a legal entity (法人)" for the *computed* eligibility.
    ///
    /// An LLP (有限責任事業組合) is a partnership without legal personality, so it is refused, as the seed says.
    /// `Other` is accepted: it covers real 法人 the list lacks (合名会社, 合資会社, 特例有限会社, 独立行政法人, …), and
    /// the office can still decide "not eligible" by hand while it cannot override a computed "no"
    /// (API.md: `eligible: true` against the computation → 409). [`LegalForm::needs_manual_review`] flags it.
    pub const fn is_legal_entity_for_acc(self) -> bool {
        !matches!(self, LegalForm::Llp)
    }

    /// `Other` says nothing about legal personality, so the office must check it from the registry (ACC-1(3)).
    pub const fn needs_manual_review(self) -> bool {
        matches!(self, LegalForm::Other)
    }
}

impl FromStr for LegalForm {
    type Err = OrgError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for LegalForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_ja())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Text, e-mail, phone
// ---------------------------------------------------------------------------------------------------------------

/// Text with something in it: surrounding whitespace (including the full-width space) trimmed, not empty, at
/// most a number of characters (Unicode scalar values, so 東京 counts 2), and no control characters other than
/// tab and line breaks (they break logs, CSV exports and PDF output).
///
/// The default limit, [`NonEmptyText::DEFAULT_MAX_CHARS`], fits names, addresses and titles; serde uses it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
pub struct NonEmptyText(String);

impl NonEmptyText {
    pub const DEFAULT_MAX_CHARS: usize = 200;

    pub fn new(input: &str) -> Result<Self, OrgError> {
        Self::with_max_chars(input, Self::DEFAULT_MAX_CHARS)
    }

    /// For fields with their own limit (e.g. a long free-text reason).
    pub fn with_max_chars(input: &str, max: usize) -> Result<Self, OrgError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(OrgError::EmptyText);
        }
        if let Some(c) = s
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            return Err(OrgError::TextControlCharacter { code: u32::from(c) });
        }
        let found = s.chars().count();
        if found > max {
            return Err(OrgError::TextTooLong { max, found });
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NonEmptyText {
    type Error = OrgError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<NonEmptyText> for String {
    fn from(t: NonEmptyText) -> String {
        t.0
    }
}

impl fmt::Display for NonEmptyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address of plausible shape: `local@domain`, ASCII only, ≤ 254 characters, local part ≤ 64 of RFC 5322
/// "atext" and non-adjacent dots, domain of ≥ 2 LDH labels of ≤ 63 characters with a non-numeric top label.
///
/// Stored lower-cased, because it is also the login name and two accounts differing only in case would be a trap;
/// no real mailbox provider treats case as significant. Only delivery proves an address exists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(input: &str) -> Result<Self, OrgError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(OrgError::EmailEmpty);
        }
        // Checked before length so that a full-width ＠ gets the helpful message.
        if let Some(ch) = s.chars().find(|c| !c.is_ascii()) {
            return Err(OrgError::EmailNonAscii { ch });
        }
        if s.chars().any(|c| c.is_ascii_whitespace() || c.is_ascii_control()) {
            return Err(OrgError::EmailWhitespace);
        }
        if s.len() > Self::MAX_CHARS {
            return Err(OrgError::EmailTooLong { found: s.len() });
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(OrgError::EmailMissingAt);
        };
        if local.contains('@') {
            return Err(OrgError::EmailMultipleAt);
        }
        if local.is_empty() || local.len() > 64 {
            return Err(OrgError::EmailLocalLength { found: local.len() });
        }
        if let Some(ch) = local
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(*c)))
        {
            return Err(OrgError::EmailLocalCharacter { ch });
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(OrgError::EmailLocalDots);
        }
        if !Self::domain_ok(domain) {
            return Err(OrgError::EmailDomain {
                domain: domain.to_owned(),
            });
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    fn domain_ok(domain: &str) -> bool {
        let labels: Vec<&str> = domain.split('.').collect();
        let shape_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            });
        // An all-digit top label means an IP address or a typo, not a mail domain.
        shape_ok
            && labels
                .last()
                .is_some_and(|tld| tld.chars().any(|c| c.is_ascii_alphabetic()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `@`.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or(self.0.as_str(), |(l, _)| l)
    }
}

impl FromStr for Email {
    type Err = OrgError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Email {
    type Error = OrgError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Japanese phone or fax number (ACC-3 asks for both).
///
/// Accepted characters: digits, hyphens (and the dash look-alikes of Japanese input, ー, －, …), spaces,
/// parentheses, and a leading `+`; full-width forms are read as half-width. After dropping separators the number
/// must be domestic: `+81` is rewritten to the trunk prefix `0` (`+81 3-1234-5678` and `+81 (0)3-…` both give
/// `0312345678`), and the result must start with `0` and have 10 digits (landline, 0120, 0570, 050) or 11
/// (mobile 070/080/090, 0800). Extensions (内線) are not part of the number; put them in a note.
///
/// Keeps the text as entered (half-width, trimmed) for display, because hyphen placement depends on the area
/// code and is best left to the person who knows it, plus the bare digits for comparison and `tel:` links.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber {
    display: String,
    digits: String,
}

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, OrgError> {
        let display: String = input
            .trim()
            .chars()
            .map(to_half_width)
            .map(|c| if is_dash(c) { '-' } else { c })
            .collect();
        let mut digits = String::with_capacity(display.len());
        let mut international = false;
        for (i, c) in display.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '-' | ' ' | '(' | ')' => {}
                '+' if i == 0 => international = true,
                '+' => return Err(OrgError::PhonePlusPosition),
                ch => return Err(OrgError::PhoneCharacter { ch }),
            }
        }
        if international {
            let Some(national) = digits.strip_prefix("81") else {
                return Err(OrgError::PhoneNotJapanese);
            };
            digits = if national.starts_with('0') {
                national.to_owned()
            } else {
                format!("0{national}")
            };
        }
        if !digits.starts_with('0') {
            return Err(OrgError::PhoneMissingLeadingZero);
        }
        if !(10..=11).contains(&digits.len()) {
            return Err(OrgError::PhoneDigitCount { found: digits.len() });
        }
        Ok(Self { display, digits })
    }

    /// As entered, normalized to half-width: `03-1234-5678`.
    pub fn as_str(&self) -> &str {
        &self.display
    }

    /// Domestic digits only: `0312345678`.
    pub fn digits(&self) -> &str {
        &self.digits
    }
}

impl FromStr for PhoneNumber {
    type Err = OrgError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = OrgError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.display
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

#[cfg(test)]
mod tests;
