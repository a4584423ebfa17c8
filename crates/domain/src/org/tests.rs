//! The organization value types: accepted and refused inputs.

use super::*;
use proptest::prelude::*;
use serde::de::IntoDeserializer;
use serde::de::value::{Error as DeError, StrDeserializer};

fn de<'a, T: Deserialize<'a>>(s: &'a str) -> Result<T, DeError> {
    let d: StrDeserializer<'a, DeError> = s.into_deserializer();
    T::deserialize(d)
}

// --- 法人番号 ---

#[test]
fn real_corporate_numbers_pass_the_check_digit() {
    // 国税庁, 東京都, トヨタ自動車 — published in the 国税庁法人番号公表サイト.
    for n in ["7000012050002", "8000020130001", "1180301018771", "5010401089998"] {
        assert_eq!(
            CorporateNumber::parse(n).map(String::from),
            Ok(n.to_owned()),
            "{n}"
        );
    }
}

#[test]
fn check_digit_worked_example_matches_the_documented_formula() {
    // 国税庁: base 000012050002 → Σ = 11 → 9 − 2 = 7.
    assert_eq!(
        CorporateNumber::check_digit(&[0, 0, 0, 0, 1, 2, 0, 5, 0, 0, 0, 2]),
        7
    );
    // Σ ≡ 0 (mod 9) gives 9, never 0: base of all zeros.
    assert_eq!(CorporateNumber::check_digit(&[0; 12]), 9);
    assert!(CorporateNumber::parse("9000000000000").is_ok());
    assert!(matches!(
        CorporateNumber::parse("0000000000000"),
        Err(OrgError::CorporateNumberCheckDigit {
            expected: 9,
            found: 0
        })
    ));
}

#[test]
fn wrong_check_digit_is_refused_with_both_digits() {
    assert_eq!(
        CorporateNumber::parse("6000012050002"),
        Err(OrgError::CorporateNumberCheckDigit {
            expected: 7,
            found: 6
        })
    );
    // A transposition in the base is caught.
    assert!(CorporateNumber::parse("7000012050020").is_err());
}

#[test]
fn full_width_digits_spaces_and_hyphens_are_normalized() {
    let want = Ok("7000012050002".to_owned());
    for input in [
        "７０００ー０１２０５ー０００２",
        "7-0000-1205-0002",
        " 7 000012 050002 ",
        "7０００012050002",
    ] {
        assert_eq!(CorporateNumber::parse(input).map(String::from), want, "{input}");
    }
}

#[test]
fn corporate_number_length_and_characters() {
    assert_eq!(
        CorporateNumber::parse(""),
        Err(OrgError::CorporateNumberLength { found: 0 })
    );
    assert_eq!(
        CorporateNumber::parse("700001205000"),
        Err(OrgError::CorporateNumberLength { found: 12 })
    );
    assert_eq!(
        CorporateNumber::parse("70000120500021"),
        Err(OrgError::CorporateNumberLength { found: 14 })
    );
    assert_eq!(
        CorporateNumber::parse("700001205000a"),
        Err(OrgError::CorporateNumberCharacter { ch: 'a' })
    );
    // Non-ASCII digits other than full-width are not digits of a 法人番号.
    assert!(CorporateNumber::parse("٧000012050002").is_err());
    assert!(de::<CorporateNumber>("7000012050003").is_err());
    assert_eq!(
        de::<CorporateNumber>("7000012050002").map(|n| n.as_str().to_owned()),
        Ok("7000012050002".to_owned())
    );
}

proptest! {
    #[test]
    fn any_base_with_its_check_digit_parses_and_any_other_digit_fails(base in proptest::collection::vec(0u8..10, 12), wrong in 0u8..10) {
        let check = CorporateNumber::check_digit(&base);
        prop_assert!((1..=9).contains(&check));
        let tail: String = base.iter().map(|d| char::from(b'0' + d)).collect();
        let good = format!("{check}{tail}");
        let bad = format!("{wrong}{tail}");
        prop_assert!(CorporateNumber::parse(&good).is_ok());
        if wrong != check {
            prop_assert!(CorporateNumber::parse(&bad).is_err());
        }
    }
}

// --- 都道府県 (REG-8) ---

#[test]
fn prefectures_are_47_in_code_order_with_names() {
    assert_eq!(Prefecture::ALL.len(), 47);
    for (i, p) in Prefecture::ALL.into_iter().enumerate() {
        assert_eq!(usize::from(p.number()), i + 1);
        assert_eq!(p.code(), format!("{:02}", i + 1));
        assert_eq!(Prefecture::from_code(p.code()), Ok(p));
        assert_eq!(Prefecture::from_number(p.number()), Some(p));
        assert_eq!(Prefecture::from_name_ja(p.name_ja()), Some(p));
        assert!(matches!(
            p.name_ja().chars().last(),
            Some('都' | '道' | '府' | '県')
        ));
        assert!(!p.name_en().is_empty());
    }
    assert_eq!(Prefecture::Hokkaido.name_ja(), "北海道");
    assert_eq!(Prefecture::Tokyo.code(), "13");
    assert_eq!(Prefecture::Tokyo.name_ja(), "東京都");
    assert_eq!(Prefecture::Kyoto.name_ja(), "京都府");
    assert_eq!(Prefecture::Osaka.name_en(), "Osaka");
    assert_eq!(Prefecture::Okinawa.code(), "47");
    assert_eq!(Prefecture::Okinawa.name_ja(), "沖縄県");
}

#[test]
fn prefecture_codes_outside_01_to_47_are_refused() {
    for bad in ["00", "48", "1", "013", " 13", "", "東京都", "tokyo"] {
        assert_eq!(
            Prefecture::from_code(bad),
            Err(OrgError::UnknownPrefecture {
                input: bad.to_owned()
            })
        );
    }
    assert_eq!(Prefecture::from_number(0), None);
    assert_eq!(Prefecture::from_number(48), None);
    assert_eq!(de::<Prefecture>("27"), Ok(Prefecture::Osaka));
    assert!(de::<Prefecture>("99").is_err());
    assert_eq!(<&'static str>::from(Prefecture::Fukuoka), "40");
}

// --- 法人の種類 (ACC-1(3)) ---

#[test]
fn legal_forms_match_api_spelling_and_serde() {
    let api = [
        "kabushiki_kaisha",
        "godo_kaisha",
        "iryo_hojin",
        "ippan_zaidan",
        "ippan_shadan",
        "koeki_zaidan",
        "koeki_shadan",
        "npo_hojin",
        "gakko_hojin",
        "shakai_fukushi_hojin",
        "llp",
        "other",
    ];
    assert_eq!(LegalForm::ALL.map(LegalForm::as_str), api);
    for f in LegalForm::ALL {
        assert_eq!(de::<LegalForm>(f.as_str()), Ok(f));
        assert_eq!(LegalForm::parse(f.as_str()), Ok(f));
    }
    assert!(LegalForm::parse("yugen_kaisha").is_err());
    assert_eq!(LegalForm::KabushikiKaisha.label_ja(), "株式会社");
    assert_eq!(LegalForm::Llp.label_ja(), "有限責任事業組合");
    assert_eq!(LegalForm::Other.label_ja(), "その他");
}

#[test]
fn acc_1_3_llp_is_not_a_legal_entity_other_is_left_to_the_office() {
    for f in LegalForm::ALL {
        assert_eq!(f.is_legal_entity_for_acc(), f != LegalForm::Llp, "{f:?}");
        assert_eq!(f.needs_manual_review(), f == LegalForm::Other, "{f:?}");
    }
}

// --- Text ---

#[test]
fn non_empty_text_trims_and_limits_in_characters() {
    assert_eq!(
        NonEmptyText::new("  株式会社テスト\u{3000}").map(String::from),
        Ok("株式会社テスト".to_owned())
    );
    assert_eq!(NonEmptyText::new(" \u{3000}\n"), Err(OrgError::EmptyText));
    let two_hundred = "あ".repeat(200);
    assert!(NonEmptyText::new(&two_hundred).is_ok());
    assert_eq!(
        NonEmptyText::new(&format!("{two_hundred}い")),
        Err(OrgError::TextTooLong { max: 200, found: 201 })
    );
    assert_eq!(
        NonEmptyText::with_max_chars("abcd", 3),
        Err(OrgError::TextTooLong { max: 3, found: 4 })
    );
    assert_eq!(
        NonEmptyText::new("a\u{0}b"),
        Err(OrgError::TextControlCharacter { code: 0 })
    );
    assert!(NonEmptyText::new("1行目\n2行目").is_ok());
    assert!(de::<NonEmptyText>("").is_err());
}

// --- E-mail ---

#[test]
fn email_accepts_ordinary_addresses_lowercased() {
    assert_eq!(
        Email::parse(" Taro.Yamada+mh@Example.CO.JP ").map(String::from),
        Ok("taro.yamada+mh@example.co.jp".to_owned())
    );
    let e = Email::parse("info@uoeh-u.ac.jp");
    assert_eq!(e.as_ref().map(Email::local_part), Ok("info"));
}

#[test]
fn email_errors_name_the_problem() {
    assert_eq!(Email::parse(""), Err(OrgError::EmailEmpty));
    assert_eq!(
        Email::parse("taro＠example.jp"),
        Err(OrgError::EmailNonAscii { ch: '＠' })
    );
    assert_eq!(Email::parse("taro @example.jp"), Err(OrgError::EmailWhitespace));
    assert_eq!(Email::parse("taro.example.jp"), Err(OrgError::EmailMissingAt));
    assert_eq!(Email::parse("a@b@example.jp"), Err(OrgError::EmailMultipleAt));
    assert_eq!(
        Email::parse("@example.jp"),
        Err(OrgError::EmailLocalLength { found: 0 })
    );
    assert_eq!(
        Email::parse(&format!("{}@example.jp", "a".repeat(65))),
        Err(OrgError::EmailLocalLength { found: 65 })
    );
    assert_eq!(
        Email::parse("ta(ro)@example.jp"),
        Err(OrgError::EmailLocalCharacter { ch: '(' })
    );
    assert_eq!(Email::parse(".taro@example.jp"), Err(OrgError::EmailLocalDots));
    assert_eq!(Email::parse("ta..ro@example.jp"), Err(OrgError::EmailLocalDots));
    for domain in [
        "localhost",
        "example..jp",
        "-ex.jp",
        "ex-.jp",
        "ex_ample.jp",
        "1.2.3.4",
        "example.jp.",
    ] {
        assert_eq!(
            Email::parse(&format!("taro@{domain}")),
            Err(OrgError::EmailDomain {
                domain: domain.to_owned()
            }),
            "{domain}"
        );
    }
    let label = "b".repeat(60);
    let long = format!("a@{label}.{label}.{label}.{label}.{label}.jp");
    assert!(matches!(Email::parse(&long), Err(OrgError::EmailTooLong { .. })));
}

// --- Phone ---

#[test]
fn phone_numbers_normalize_to_domestic_digits() {
    let cases = [
        ("03-1234-5678", "0312345678"),
        ("０３－１２３４－５６７８", "0312345678"),
        ("03ー1234ー5678", "0312345678"),
        ("(03) 1234-5678", "0312345678"),
        ("090-1234-5678", "09012345678"),
        ("0120-123-456", "0120123456"),
        ("0800-123-4567", "08001234567"),
        ("+81 3-1234-5678", "0312345678"),
        ("+81 (0)3-1234-5678", "0312345678"),
        ("+81-90-1234-5678", "09012345678"),
    ];
    for (input, digits) in cases {
        let p = PhoneNumber::parse(input);
        assert_eq!(p.as_ref().map(PhoneNumber::digits), Ok(digits), "{input}");
    }
    assert_eq!(
        PhoneNumber::parse("０３－１２３４－５６７８").map(String::from),
        Ok("03-1234-5678".to_owned())
    );
}

#[test]
fn phone_errors_name_the_problem() {
    assert_eq!(
        PhoneNumber::parse("03-1234-567"),
        Err(OrgError::PhoneDigitCount { found: 9 })
    );
    assert_eq!(
        PhoneNumber::parse("090-1234-56789"),
        Err(OrgError::PhoneDigitCount { found: 12 })
    );
    assert_eq!(PhoneNumber::parse(""), Err(OrgError::PhoneMissingLeadingZero));
    assert_eq!(
        PhoneNumber::parse("3-1234-5678"),
        Err(OrgError::PhoneMissingLeadingZero)
    );
    assert_eq!(
        PhoneNumber::parse("03-1234-5678 内線12"),
        Err(OrgError::PhoneCharacter { ch: '内' })
    );
    assert_eq!(
        PhoneNumber::parse("03+1234-5678"),
        Err(OrgError::PhonePlusPosition)
    );
    assert_eq!(
        PhoneNumber::parse("+1 212-555-0100"),
        Err(OrgError::PhoneNotJapanese)
    );
    assert!(de::<PhoneNumber>("abc").is_err());
}

#[test]
fn every_error_has_a_japanese_message() {
    let errors = [
        OrgError::CorporateNumberLength { found: 12 },
        OrgError::UnknownPrefecture { input: "48".into() },
        OrgError::EmailMissingAt,
        OrgError::PhoneDigitCount { found: 9 },
    ];
    for e in errors {
        let msg = e.to_string();
        assert!(
            msg.chars().any(|c| ('\u{3040}'..='\u{30FF}').contains(&c)),
            "{msg}"
        );
    }
}

#[test]
fn the_full_address_names_its_prefecture_once() {
    let tokyo = Prefecture::from_code("13").unwrap();
    assert_eq!(
        tokyo.full_address("東京都千代田区丸の内1-1"),
        "東京都千代田区丸の内1-1"
    );
    assert_eq!(
        tokyo.full_address(" 千代田区丸の内1-1"),
        "東京都千代田区丸の内1-1"
    );
}
