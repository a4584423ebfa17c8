//! The REG-3 registration criteria (seed 000, 別紙1 Ⅱ 相談機関の登録基準) as a coded checklist that the applicant
//! confirms item by item (自己適合確認, 別紙2 2).
//!
//! # Code scheme
//!
//! A code follows the seed's numbering, joined with `-`:
//!
//! - the criterion group `１`..`４` → `1`..`4`;
//! - its sub-group `（１）`… → `1`…;
//! - a katakana item ア, イ, ウ, エ, オ, カ, キ → `a`, `b`, `c`, `d`, `e`, `f`, `g`;
//! - a sub-item （ア）, （イ), … under a katakana item → `1`, `2`, … (digits, because letters are taken by the
//!   level above).
//!
//! Each code names the smallest unit the seed states as a requirement: `1-1-a` (1（1）ア), `1-3-b-7`
//! (1（3）イ（キ）), `2-1`, … `4-2`. Where a lead sentence is a requirement of its own besides its list, it gets the
//! code of its level: `1-2` (at least one full-time counselor, supervision of the inexperienced) and `1-4-a` (the
//! contract with a psychiatrist and the signed record of their work). Lead sentences that only introduce a list
//! ("以下の基本方針を…", "以下の事項を公開していること") are folded into the titles of their items. 1（4）イ（イ）'s
//! alternatives ａ / ｂ（ａ）–（ｃ） are one item, `1-4-b-2`: meeting any one of them meets it.
//!
//! Titles quote the seed (full-width digits and all), shortened only where a long parenthetical would hide the
//! point; a list item's title carries its lead so that it reads alone in a flat checklist.

use serde::Serialize;

/// One REG-3 item the applicant confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
pub struct Criterion {
    /// `1-1-a` … `4-2` (see the module docs for the scheme).
    pub code: &'static str,
    /// The requirement, quoted from seed 000 別紙1 Ⅱ.
    pub title: &'static str,
    /// The seed's headings above the item: the criterion group and, where the seed names one, its sub-group.
    pub section: &'static str,
}

const S1_1: &str = "1 相談体制に係る基準／(1) 基本方針";
const S1_2: &str = "1 相談体制に係る基準／(2) 相談対応者";
const S1_3: &str = "1 相談体制に係る基準／(3) 提供するサービスの内容等";
const S1_4: &str = "1 相談体制に係る基準／(4) 精神科医の関与";
const S2_1: &str = "2 相談対応者の能力向上のための体制に係る基準／(1) 研修教育";
const S2_2: &str = "2 相談対応者の能力向上のための体制に係る基準／(2) ケースに関するグループ討議";
const S3_1: &str = "3 個人情報保護に関する措置に係る基準／(1) 個人情報の保護に関する規程の整備";
const S3_2: &str = "3 個人情報保護に関する措置に係る基準／(2) 個人情報保護に関する誓約書";
const S3_3: &str = "3 個人情報保護に関する措置に係る基準／(3) 個人情報保護のための相談室の整備";
const S3_4: &str = "3 個人情報保護に関する措置に係る基準／(4) 執務室への関係者以外立ち入り禁止措置";
const S4_1: &str = "4 その他の基準／(1) 書類の保存";
// 4（2）has no heading of its own in the seed.
const S4_2: &str = "4 その他の基準";

const fn c(code: &'static str, title: &'static str, section: &'static str) -> Criterion {
    Criterion { code, title, section }
}

/// The checklist, in the seed's order.
const CRITERIA: [Criterion; 38] = [
    // 1（1）: "事業者及びその労働者へのサービスの提供に関する以下の基本方針を文書によって明確化していること".
    c(
        "1-1-a",
        "「相談体制の質の確保」に関する基本方針を文書によって明確化していること",
        S1_1,
    ),
    c(
        "1-1-b",
        "「個人情報の保護」に関する基本方針を文書によって明確化していること",
        S1_1,
    ),
    c(
        "1-1-c",
        "「事業者との連携」に関する基本方針を文書によって明確化していること",
        S1_1,
    ),
    c(
        "1-1-d",
        "「医療提供施設との連携」に関する基本方針を文書によって明確化していること",
        S1_1,
    ),
    c(
        "1-1-e",
        "「サービスの提供に関する情報の公開」に関する基本方針を文書によって明確化していること",
        S1_1,
    ),
    c(
        "1-1-f",
        "「その他サービスの提供に関し重要な事項」に関する基本方針を文書によって明確化していること",
        S1_1,
    ),
    // 1（2）
    c(
        "1-2",
        "相談機関は常勤の相談対応者を有するとともに、実務経験の少ない相談対応者については、ケースごとに十分な\
         経験を有する相談対応者が指導する体制が確立されていること",
        S1_2,
    ),
    c(
        "1-2-a",
        "相談対応者は、心理職（ＴＨＰの心理相談担当者、臨床心理士、産業カウンセラー等をいう。）又は精神保健福祉士\
         であること",
        S1_2,
    ),
    c(
        "1-2-b",
        "常勤の相談対応者のうち、１名以上の者については、事業場内において、又は事業場外の相談機関（事業場との契約\
         により相談を行うものに限る。）において、労働者を対象とする面接によるメンタルヘルスに関する相談の実務に\
         ５年以上従事（これらの相談業務を主な業務として行い、かつ当該機関において通常、１週間に３日以上従事した\
         実績を有すること。）した経験を有すること",
        S1_2,
    ),
    // 1（3）ア: "相談機関は、メンタルヘルスに関する相談等に関し以下のサービスを事業者に対して提供できること".
    c(
        "1-3-a-1",
        "事業者に対して提供できるサービス：労働者の心の健康問題について、相談対応者が労働者本人へのメンタルヘルス\
         に関する相談等に対応するほか、人事労務管理担当者、上司、同僚及び家族に対して、その労働者の心のケアのため\
         の相談・助言を行うこと",
        S1_3,
    ),
    c(
        "1-3-a-2",
        "事業者に対して提供できるサービス：メンタルヘルスに関する相談等の結果について、その件数、その特徴、事業場\
         に存在すると考えられる問題点等を、契約事業場ごとに取りまとめ、事業場側の担当者との協議の場において報告・\
         説明すること",
        S1_3,
    ),
    // 1（3）イ: "相談機関は、メンタルヘルスに関する相談等に関して、以下の事項を公開していること".
    c(
        "1-3-b-1",
        "料金体系（精神科医による面接に係る費用の取扱いを含む。）を公開していること",
        S1_3,
    ),
    c(
        "1-3-b-2",
        "全ての相談対応者の氏名、有する資格及び経歴を公開していること",
        S1_3,
    ),
    c(
        "1-3-b-3",
        "メンタルヘルスに関する相談等への対応等が可能な曜日及び時間を公開していること",
        S1_3,
    ),
    c(
        "1-3-b-4",
        "メンタルヘルスに関する相談等に関し、対応可能な方法を公開していること",
        S1_3,
    ),
    c(
        "1-3-b-5",
        "関与する精神科医の氏名及び精神科医としての経歴並びに精神科医が所属する医療機関の名称・所在地を公開して\
         いること",
        S1_3,
    ),
    c(
        "1-3-b-6",
        "その他対応可能なサービスの内容を公開していること",
        S1_3,
    ),
    c(
        "1-3-b-7",
        "面接によるメンタルヘルスに関する相談の実績又は事業者との契約の実績を公開していること",
        S1_3,
    ),
    // 1（4）ア
    c(
        "1-4-a",
        "相談機関は、精神科医又は精神科医が所属する医療機関と契約し、精神科医によって1-4-a-1〜1-4-a-6の業務を\
         行うとともに、当該業務の記録（担当精神科医の氏名及び確認印を含む。）を作成すること",
        S1_4,
    ),
    c(
        "1-4-a-1",
        "精神科医が、相談機関の業務のあり方及び業務内容に対して、医学的な観点から助言を行うこと",
        S1_4,
    ),
    c(
        "1-4-a-2",
        "精神科医が、面接によるメンタルヘルスに関する相談を希望するすべての労働者に対して、相談対応者による面接に\
         先立ち面接を行い、その結果を相談機関に報告すること",
        S1_4,
    ),
    c(
        "1-4-a-3",
        "精神科医が、電話、メール等によるメンタルヘルスに関する相談等を行ったすべての労働者について、その内容に\
         ついて相談対応者から報告を受け、その内容について医学的な観点から審査すること",
        S1_4,
    ),
    c(
        "1-4-a-4",
        "精神科医が、相談対応者が面接によるメンタルヘルスに関する相談を行った労働者について、相談対応者から、\
         医学的な観点の相談を受けること",
        S1_4,
    ),
    c(
        "1-4-a-5",
        "精神科医が、面接によるメンタルヘルスに関する相談の結果、医療上の措置を必要とすると判断される労働者に\
         対して、速やかに適切な対応を図ること",
        S1_4,
    ),
    c(
        "1-4-a-6",
        "精神科医が、相談対応者に対して、随時、教育・指導等を行うこと",
        S1_4,
    ),
    // 1（4）イ: "アに掲げる業務を行う精神科医は、以下のすべての要件を満たす者であること".
    c(
        "1-4-b-1",
        "業務を行う精神科医は、精神科医としての臨床歴を５年以上有すること",
        S1_4,
    ),
    c(
        "1-4-b-2",
        "業務を行う精神科医は、産業保健に関する要件として、労働安全衛生法第１３条第２項の要件を満たすこと、又は\
         財団法人産業医学振興財団が行う「精神科医等のための産業保健研修会」、日本産業精神保健学会が行う「精神科医\
         のための産業保健講習会」若しくは上記研修と同等以上の産業保健に関する研修を受講していること",
        S1_4,
    ),
    // 2
    c(
        "2-1",
        "相談対応者の能力向上のため、定期的に講習会を実施し、又は外部の機関・学会等が開催する研修会・学会等に\
         定期的に参加させる体制が確立されていること",
        S2_1,
    ),
    c(
        "2-2",
        "相談対応者の能力向上のため、個々の相談対応者の相談したケースについて、相談機関の常勤及び非常勤の相談\
         対応者を集め、精神科医の指導を受けつつグループ討議を定期的に行っていること",
        S2_2,
    ),
    // 3（1）: "次のアからエまでに掲げるすべての定めを含む個人情報保護のための規程が整備されていること".
    c(
        "3-1-a",
        "個人情報保護のための規程の定め：メンタルヘルスに関する相談等を行った労働者の個人情報について、相談機関が\
         定める規程及び法令等に規定する場合を除き、その所属する事業者その他第三者に漏洩してはならないこと（個人\
         情報の保護は、緊急に医療上の措置を必要とすると判断される労働者（希死念慮を有する場合等）への対応を妨げる\
         ものであってはならない。）",
        S3_1,
    ),
    c(
        "3-1-b",
        "個人情報保護のための規程の定め：メンタルヘルスに関する相談等の結果、労働者の心の健康に影響を与えていると\
         考えられる事業場の問題が認められる場合、事業者との連携をとることの必要性を労働者に説明し、労働者の承諾が\
         得られた場合には、事業者に対して当該問題について必要な報告を行うこと",
        S3_1,
    ),
    c(
        "3-1-c",
        "個人情報保護のための規程の定め：メンタルヘルスに関する相談等の結果、自傷他害のおそれが認められるなど、\
         事業者として緊急に対応をとることが必要であると考えられる労働者について、事業者に必要な情報を通知すること\
         （この場合であっても、可能な限り労働者の同意をとること。）",
        S3_1,
    ),
    c(
        "3-1-d",
        "個人情報保護のための規程の定め：個人情報に関する取扱いについては、契約前に事業者と調整し、上記アからウ\
         まで（3-1-a〜3-1-c）を含む取決めをすること。この際、メンタルヘルスに関する相談等を受けた労働者の不利益と\
         なる取決めは行わないこと",
        S3_1,
    ),
    c(
        "3-2",
        "相談機関においては、役員、相談対応者等の職員及び提携機関から個人情報保護に関する誓約書を提出させている\
         こと",
        S3_2,
    ),
    c(
        "3-3",
        "相談機関内の面接によるメンタルヘルスに関する相談を行うための相談室は、プライバシーが確保される構造（相談の\
         音声が外部に漏れず、外部から容易に覗ける構造となっていないこと。）のものが必要数確保されていること。\
         ただし、火災等の緊急時に、緊急に避難の連絡が可能であり、かつ避難経路が確保されているものでなければなら\
         ない",
        S3_3,
    ),
    c(
        "3-4",
        "電話、メール等によるメンタルヘルスに関する相談等、個人情報を取り扱う情報端末の操作、個人情報が記された\
         書類等の取扱い等は、職務の性質上やむを得ない場合を除き、関係者以外の者の立ち入りが禁止された執務室に\
         おいて行うこと",
        S3_4,
    ),
    // 4
    c(
        "4-1",
        "相談機関においては、メンタルヘルスに関する相談等を行った労働者個人の記録を作成し、５年以上保存すること",
        S4_1,
    ),
    c(
        "4-2",
        "相談機関のウェブサイト、パンフレット等において、社会通念上、労働者のメンタルヘルス対策を進める上で\
         ふさわしくない記述を行っていないこと",
        S4_2,
    ),
];

/// Every REG-3 item, in the seed's order (which is also the order of findings).
pub fn criteria() -> &'static [Criterion] {
    &CRITERIA
}

/// The item with this code, if there is one.
pub fn criterion(code: &str) -> Option<&'static Criterion> {
    CRITERIA.iter().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn reg3_has_38_items_from_1_1_a_to_4_2() {
        let all = criteria();
        assert_eq!(all.len(), 38);
        assert_eq!(all.first().map(|c| c.code), Some("1-1-a"));
        assert_eq!(all.last().map(|c| c.code), Some("4-2"));
    }

    #[test]
    fn codes_are_unique_and_follow_the_scheme() {
        let mut seen = BTreeSet::new();
        for c in criteria() {
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            let parts: Vec<&str> = c.code.split('-').collect();
            assert!((2..=4).contains(&parts.len()), "{}", c.code);
            assert!(matches!(parts[0], "1" | "2" | "3" | "4"), "{}", c.code);
            assert!(matches!(parts[1], "1" | "2" | "3" | "4"), "{}", c.code);
            if let Some(letter) = parts.get(2) {
                assert!(matches!(*letter, "a" | "b" | "c" | "d" | "e" | "f"), "{}", c.code);
            }
            if let Some(digit) = parts.get(3) {
                assert!(
                    matches!(*digit, "1" | "2" | "3" | "4" | "5" | "6" | "7"),
                    "{}",
                    c.code
                );
            }
        }
    }

    #[test]
    fn expected_codes_in_seed_order() {
        let codes: Vec<&str> = criteria().iter().map(|c| c.code).collect();
        assert_eq!(
            codes,
            [
                "1-1-a", "1-1-b", "1-1-c", "1-1-d", "1-1-e", "1-1-f", "1-2", "1-2-a", "1-2-b", "1-3-a-1",
                "1-3-a-2", "1-3-b-1", "1-3-b-2", "1-3-b-3", "1-3-b-4", "1-3-b-5", "1-3-b-6", "1-3-b-7",
                "1-4-a", "1-4-a-1", "1-4-a-2", "1-4-a-3", "1-4-a-4", "1-4-a-5", "1-4-a-6", "1-4-b-1",
                "1-4-b-2", "2-1", "2-2", "3-1-a", "3-1-b", "3-1-c", "3-1-d", "3-2", "3-3", "3-4", "4-1",
                "4-2",
            ]
        );
    }

    #[test]
    fn titles_and_sections_are_filled_and_section_matches_code() {
        for c in criteria() {
            assert!(!c.title.trim().is_empty(), "{}", c.code);
            assert!(
                !c.title.contains("  "),
                "line continuation left spaces in {}",
                c.code
            );
            // The section starts with the code's first two levels, "1 …／(2) …" for 1-2-*.
            let mut levels = c.code.split('-');
            let group = levels.next().unwrap_or_default();
            assert!(c.section.starts_with(&format!("{group} ")), "{}", c.code);
            if c.code != "4-2" {
                let sub = levels.next().unwrap_or_default();
                assert!(c.section.contains(&format!("／({sub}) ")), "{}", c.code);
            }
        }
    }

    #[test]
    fn titles_quote_the_seed() {
        let quoted = [
            ("1-1-d", "医療提供施設との連携"),
            ("1-2", "ケースごとに十分な経験を有する相談対応者が指導する体制"),
            ("1-2-a", "精神保健福祉士であること"),
            ("1-2-b", "１週間に３日以上従事"),
            ("1-3-b-1", "精神科医による面接に係る費用の取扱いを含む"),
            ("1-3-b-7", "事業者との契約の実績"),
            ("1-4-a", "担当精神科医の氏名及び確認印を含む"),
            ("1-4-a-2", "相談対応者による面接に先立ち面接を行い"),
            ("1-4-b-1", "臨床歴を５年以上"),
            ("1-4-b-2", "労働安全衛生法第１３条第２項"),
            ("3-1-a", "希死念慮を有する場合等"),
            ("3-3", "避難経路が確保されている"),
            ("4-1", "５年以上保存すること"),
            ("4-2", "ふさわしくない記述を行っていないこと"),
        ];
        for (code, text) in quoted {
            let title = criterion(code).map(|c| c.title).unwrap_or_default();
            assert!(title.contains(text), "{code}: {title}");
        }
    }

    #[test]
    fn lookup_by_code() {
        assert_eq!(criterion("1-1-a").map(|c| c.section), Some(S1_1));
        assert_eq!(criterion("3-4").map(|c| c.section), Some(S3_4));
        for unknown in ["", "1", "1-1", "1-3-b", "1-3-b-8", "5-1", "1-1-A", " 1-1-a"] {
            assert_eq!(criterion(unknown), None, "{unknown:?}");
        }
    }
}
