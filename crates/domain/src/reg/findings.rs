//! Findings on a registration application (REG-3, REG-5): the office registers only an application whose
//! self-confirmation is complete and whose own data shows no unmet criterion (API: `register` with findings → 409).
//!
//! A finding is a Japanese sentence naming the REG-3 item (code and title) and what is wrong. They come in the
//! checklist's order; within one item, the unconfirmed answer first, then what the data shows, counselors and
//! psychiatrists in the order given. The same application therefore always yields the same list.

use std::collections::BTreeMap;

use super::application::{
    Counselor, Disclosure, Documents, Eligibility, InvalidApplication, Method, Psychiatrist, validate,
};
use super::criteria::{Criterion, criteria};

/// Every finding on the application, `[]` when there is none; `Err` when the application is malformed (an
/// unknown criteria code, a nameless counselor or psychiatrist — see [`validate`]), which is not a finding.
pub fn findings(
    criteria_answers: &BTreeMap<String, bool>,
    counselors: &[Counselor],
    psychiatrists: &[Psychiatrist],
    disclosure: &Disclosure,
) -> Result<Vec<String>, InvalidApplication> {
    validate(criteria_answers, counselors, psychiatrists)?;
    let mut out = Vec::new();
    if !disclosure.methods.contains(&Method::FaceToFace) {
        // REG-1 ア: only institutions counseling face to face may register, so the methods they publish must say so.
        out.push(
            "【登録対象】面接によるメンタルヘルスに関する相談を行う相談機関であること：対応可能な方法に「面接」が\
             含まれていません"
                .to_owned(),
        );
    }
    for item in criteria() {
        match criteria_answers.get(item.code) {
            Some(true) => {}
            Some(false) => out.push(finding(item, "申請者が「適合していない」と回答しています")),
            None => out.push(finding(item, "自己適合確認の回答がありません")),
        }
        for detail in shortfalls(item.code, counselors, psychiatrists, disclosure) {
            out.push(finding(item, &detail));
        }
    }
    Ok(out)
}

/// Findings beyond the checklist, from what an application may also carry: the REG-1 eligibility answers and the
/// enclosed documents. Either may be absent (API.md's minimal body has neither); then the office checks them on
/// paper and nothing is found here. Eligibility comes first (who may register at all), documents last.
pub fn supplementary_findings(
    eligibility: Option<&Eligibility>,
    documents: Option<&Documents>,
) -> (Vec<String>, Vec<String>) {
    let before = eligibility
        .map(|e| {
            e.reasons()
                .into_iter()
                .map(|r| format!("【登録対象】事業者と契約を結び有料で面接による相談及び医療機関等への紹介を行う、医療法上の医療提供施設以外の相談機関であること：{r}"))
                .collect()
        })
        .unwrap_or_default();
    let after = documents
        .map(|d| {
            d.items()
                .into_iter()
                .filter(|(_, _, _, enclosed)| !enclosed)
                .map(|(_, label, codes, _)| document_finding(label, codes))
                .collect()
        })
        .unwrap_or_default();
    (before, after)
}

/// The finding of a document not enclosed (REG-3, seed 000 別紙2); it goes when the document is uploaded.
pub fn document_finding(label: &str, codes: &str) -> String {
    format!("【書類】{label}（{codes}）：添付されていません")
}

/// [`findings`] with the supplementary ones around it: eligibility, then the checklist, then the documents.
pub fn all_findings(
    criteria_answers: &BTreeMap<String, bool>,
    counselors: &[Counselor],
    psychiatrists: &[Psychiatrist],
    disclosure: &Disclosure,
    eligibility: Option<&Eligibility>,
    documents: Option<&Documents>,
) -> Result<Vec<String>, InvalidApplication> {
    let core = findings(criteria_answers, counselors, psychiatrists, disclosure)?;
    let (mut out, after) = supplementary_findings(eligibility, documents);
    out.extend(core);
    out.extend(after);
    Ok(out)
}

fn finding(item: &Criterion, detail: &str) -> String {
    format!("【{}】{}：{}", item.code, item.title, detail)
}

/// What the application's own data shows unmet for one REG-3 item.
fn shortfalls(
    code: &str,
    counselors: &[Counselor],
    psychiatrists: &[Psychiatrist],
    disclosure: &Disclosure,
) -> Vec<String> {
    let blank = |s: &str| s.trim().is_empty();
    let mut out = Vec::new();
    match code {
        // REG-3 1(2): at least one full-time counselor.
        "1-2" => {
            if counselors.is_empty() {
                out.push("相談対応者が1人も記載されていません".to_owned());
            } else if !counselors.iter().any(|c| c.full_time) {
                out.push("常勤の相談対応者がいません".to_owned());
            }
        }
        // REG-3 1(2)ア
        "1-2-a" => {
            for c in counselors.iter().filter(|c| !c.qualification.is_accepted()) {
                out.push(format!(
                    "相談対応者「{}」の資格（{}）は、心理職又は精神保健福祉士の資格として認められません",
                    c.name.trim(),
                    c.qualification.label_ja()
                ));
            }
        }
        // REG-3 1(2)イ
        // REG-3 1(2)イ: five years counted to the month; main duty and 3 days a week as stated per counselor.
        "1-2-b" if !counselors.iter().any(Counselor::is_experienced_full_time) => {
            let experienced: Vec<&Counselor> = counselors
                .iter()
                .filter(|c| c.is_full_time_with_five_years())
                .collect();
            if experienced.is_empty() {
                out.push("実務経験５年以上の常勤の相談対応者がいません".to_owned());
            }
            for c in experienced {
                for unmet in c.unmet_conditions_ja() {
                    out.push(format!(
                        "常勤の相談対応者「{}」（実務経験{}）は{unmet}",
                        c.name.trim(),
                        c.practice_ja()
                    ));
                }
            }
        }
        // REG-3 1(3)イ (ア)–(キ): what the directory publishes must be there.
        "1-3-b-1" if blank(&disclosure.fee_structure) => out.push("料金体系が記載されていません".to_owned()),
        "1-3-b-2" if counselors.is_empty() => out.push("公開する相談対応者が記載されていません".to_owned()),
        "1-3-b-3" if blank(&disclosure.hours) => {
            out.push("対応可能な曜日及び時間が記載されていません".to_owned());
        }
        "1-3-b-4" if disclosure.methods.is_empty() => {
            out.push("対応可能な方法が1つも選ばれていません".to_owned());
        }
        "1-3-b-5" => {
            if psychiatrists.is_empty() {
                out.push("公開する精神科医が記載されていません".to_owned());
            }
            for p in psychiatrists {
                if blank(&p.institution_name) {
                    out.push(format!(
                        "精神科医「{}」が所属する医療機関の名称が記載されていません",
                        p.name.trim()
                    ));
                }
                if blank(&p.institution_address) {
                    out.push(format!(
                        "精神科医「{}」が所属する医療機関の所在地が記載されていません",
                        p.name.trim()
                    ));
                }
            }
        }
        "1-3-b-6" if blank(&disclosure.other_services) => {
            out.push(
                "その他対応可能なサービスの内容が記載されていません（ない場合は「なし」と記載）".to_owned(),
            );
        }
        "1-3-b-7" if blank(&disclosure.track_record) => {
            out.push("相談の実績又は事業者との契約の実績が記載されていません".to_owned());
        }
        // REG-3 1(4)ア: a contracted psychiatrist.
        "1-4-a" if psychiatrists.is_empty() => {
            out.push("契約する精神科医が記載されていません".to_owned());
        }
        // REG-3 1(4)イ(ア)
        "1-4-b-1" => {
            for p in psychiatrists.iter().filter(|p| !p.has_clinical_years()) {
                out.push(format!(
                    "精神科医「{}」の臨床歴は{}年で、５年に満たしていません",
                    p.name.trim(),
                    p.clinical_years
                ));
            }
        }
        // REG-3 1(4)イ(イ)
        "1-4-b-2" => {
            for p in psychiatrists
                .iter()
                .filter(|p| !p.oh_qualification.is_sufficient())
            {
                out.push(format!(
                    "精神科医「{}」は産業保健に関する要件（労働安全衛生法第13条第2項の要件又は研修の受講）を満たして\
                     いません",
                    p.name.trim()
                ));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reg::application::{ApplicationError, OhQualification, Qualification};
    use crate::reg::criteria::criterion;

    fn all_confirmed() -> BTreeMap<String, bool> {
        criteria().iter().map(|c| (c.code.to_owned(), true)).collect()
    }

    fn counselor(name: &str, qualification: Qualification, full_time: bool, years: u32) -> Counselor {
        Counselor {
            name: name.to_owned(),
            qualification,
            full_time,
            years_of_practice: years,
            months_of_practice: 0,
            main_duty: Some(true),
            three_days_a_week: Some(true),
        }
    }

    fn psychiatrist(name: &str, clinical_years: u32, oh: OhQualification) -> Psychiatrist {
        Psychiatrist {
            name: name.to_owned(),
            clinical_years,
            oh_qualification: oh,
            institution_name: "さくらメンタルクリニック".to_owned(),
            institution_address: "東京都千代田区丸の内1-1-1".to_owned(),
        }
    }

    fn disclosure() -> Disclosure {
        Disclosure {
            fee_structure: "年間契約 1人あたり月額300円。精神科医面接は契約に含む".to_owned(),
            hours: "平日 9:00〜18:00".to_owned(),
            methods: vec![Method::FaceToFace, Method::Phone],
            other_services: "管理監督者研修".to_owned(),
            track_record: "契約事業場 25社（2025年度）".to_owned(),
        }
    }

    struct App {
        answers: BTreeMap<String, bool>,
        counselors: Vec<Counselor>,
        psychiatrists: Vec<Psychiatrist>,
        disclosure: Disclosure,
    }

    fn good() -> App {
        App {
            answers: all_confirmed(),
            counselors: vec![
                counselor("山田花子", Qualification::ClinicalPsychologist, true, 8),
                counselor("佐藤一郎", Qualification::IndustrialCounselor, false, 1),
            ],
            psychiatrists: vec![psychiatrist("鈴木次郎", 12, OhQualification::TrainingZaidan)],
            disclosure: disclosure(),
        }
    }

    fn run(app: &App) -> Vec<String> {
        match findings(&app.answers, &app.counselors, &app.psychiatrists, &app.disclosure) {
            Ok(f) => f,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }

    /// The item codes the findings name, in order.
    fn codes(found: &[String]) -> Vec<String> {
        found
            .iter()
            .map(|f| {
                f.trim_start_matches('【')
                    .split('】')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn a_complete_application_has_no_findings() {
        assert_eq!(run(&good()), Vec::<String>::new());
    }

    // REG-3: every item must be confirmed; missing and "no" are both findings, told apart.
    #[test]
    fn every_unconfirmed_item_is_a_finding_in_checklist_order() {
        let mut app = good();
        app.answers = BTreeMap::new();
        let found = run(&app);
        let expected: Vec<&str> = criteria().iter().map(|c| c.code).collect();
        assert_eq!(codes(&found), expected);
        for (f, c) in found.iter().zip(criteria()) {
            assert_eq!(
                *f,
                format!("【{}】{}：自己適合確認の回答がありません", c.code, c.title)
            );
        }

        app.answers = all_confirmed();
        app.answers.insert("3-3".to_owned(), false);
        app.answers.remove("1-1-e");
        let found = run(&app);
        assert_eq!(codes(&found), ["1-1-e", "3-3"]);
        assert!(found[0].ends_with("：自己適合確認の回答がありません"));
        assert!(found[1].ends_with("：申請者が「適合していない」と回答しています"));
        assert!(found[1].contains("プライバシーが確保される構造"));
    }

    #[test]
    fn an_unknown_code_is_a_validation_error_not_a_finding() {
        let mut app = good();
        app.answers.insert("1-5".to_owned(), true);
        let result = findings(&app.answers, &app.counselors, &app.psychiatrists, &app.disclosure);
        assert_eq!(
            result,
            Err(InvalidApplication {
                errors: vec![ApplicationError::UnknownCriterion {
                    code: "1-5".to_owned()
                }]
            })
        );
    }

    #[test]
    fn a_nameless_counselor_is_a_validation_error() {
        let mut app = good();
        app.counselors[1].name = "  ".to_owned();
        let result = findings(&app.answers, &app.counselors, &app.psychiatrists, &app.disclosure);
        assert!(matches!(
            result,
            Err(InvalidApplication { ref errors }) if errors == &[ApplicationError::BlankCounselorName { index: 1 }]
        ));
    }

    // REG-3 1(2), 1(2)イ, 1(3)イ(イ): no counselor at all.
    #[test]
    fn no_counselor() {
        let mut app = good();
        app.counselors.clear();
        let found = run(&app);
        assert_eq!(codes(&found), ["1-2", "1-2-b", "1-3-b-2"]);
        assert!(found[0].ends_with("：相談対応者が1人も記載されていません"));
        assert!(found[1].ends_with("：実務経験５年以上の常勤の相談対応者がいません"));
        assert!(found[2].ends_with("：公開する相談対応者が記載されていません"));
    }

    // REG-3 1(2): counselors, but none full-time.
    #[test]
    fn no_full_time_counselor() {
        let mut app = good();
        app.counselors[0].full_time = false;
        let found = run(&app);
        assert_eq!(codes(&found), ["1-2", "1-2-b"]);
        assert!(found[0].ends_with("：常勤の相談対応者がいません"));
    }

    // REG-3 1(2)イ: full-time with 4 years is not enough, part-time with 20 is not either.
    #[test]
    fn no_experienced_full_time_counselor() {
        let mut app = good();
        app.counselors = vec![
            counselor("山田花子", Qualification::ClinicalPsychologist, true, 4),
            counselor("佐藤一郎", Qualification::ClinicalPsychologist, false, 20),
        ];
        assert_eq!(codes(&run(&app)), ["1-2-b"]);
        app.counselors[0].years_of_practice = 5;
        assert_eq!(run(&app), Vec::<String>::new());
    }

    // REG-3 1(2)イ: five years counted to the month, and the conditions stated per counselor.
    #[test]
    fn reg_3_experience_in_months_and_per_counselor_conditions() {
        let mut app = good();
        app.counselors = vec![counselor(
            "山田花子",
            Qualification::ClinicalPsychologist,
            true,
            4,
        )];
        app.counselors[0].months_of_practice = 11;
        assert_eq!(codes(&run(&app)), ["1-2-b"]);
        app.counselors[0].years_of_practice = 5;
        app.counselors[0].months_of_practice = 0;
        assert_eq!(run(&app), Vec::<String>::new());
        app.counselors[0].main_duty = Some(false);
        app.counselors[0].three_days_a_week = Some(false);
        let found = run(&app);
        assert_eq!(codes(&found), ["1-2-b", "1-2-b"]);
        assert!(
            found[0].ends_with(
                "：常勤の相談対応者「山田花子」（実務経験5年）は相談対応を主たる業務としていません"
            )
        );
        assert!(found[1].ends_with("は１週間に３日以上従事していません"));
        // Another full-time counselor who meets both is enough.
        app.counselors.push(counselor(
            "佐藤一郎",
            Qualification::ClinicalPsychologist,
            true,
            6,
        ));
        assert_eq!(run(&app), Vec::<String>::new());
    }

    // REG-3 1(2)ア: each counselor without an accepted qualification, by name.
    #[test]
    fn counselors_without_accepted_qualification_are_named() {
        let mut app = good();
        app.counselors
            .push(counselor("高橋三郎", Qualification::Other, false, 3));
        app.counselors
            .push(counselor("田中四郎", Qualification::Other, true, 9));
        let found = run(&app);
        assert_eq!(codes(&found), ["1-2-a", "1-2-a"]);
        assert!(found[0].starts_with("【1-2-a】相談対応者は、心理職"));
        assert!(found[0].ends_with(
            "：相談対応者「高橋三郎」の資格（その他）は、心理職又は精神保健福祉士の資格として認められません"
        ));
        assert!(found[1].contains("「田中四郎」"));
    }

    // REG-3 1(4)ア, 1(3)イ(オ): no psychiatrist.
    #[test]
    fn no_psychiatrist() {
        let mut app = good();
        app.psychiatrists.clear();
        let found = run(&app);
        assert_eq!(codes(&found), ["1-3-b-5", "1-4-a"]);
        assert!(found[0].ends_with("：公開する精神科医が記載されていません"));
        assert!(found[1].ends_with("：契約する精神科医が記載されていません"));
    }

    // REG-3 1(4)イ(ア)(イ): each psychiatrist short of a requirement, by name.
    #[test]
    fn psychiatrists_short_of_requirements_are_named() {
        let mut app = good();
        app.psychiatrists = vec![
            psychiatrist("鈴木次郎", 4, OhQualification::None),
            psychiatrist("伊藤五郎", 5, OhQualification::TrainingEquivalent),
            psychiatrist("渡辺六郎", 30, OhQualification::None),
        ];
        let found = run(&app);
        assert_eq!(codes(&found), ["1-4-b-1", "1-4-b-2", "1-4-b-2"]);
        assert!(found[0].ends_with("：精神科医「鈴木次郎」の臨床歴は4年で、５年に満たしていません"));
        assert!(found[1].contains("精神科医「鈴木次郎」は産業保健に関する要件"));
        assert!(found[2].contains("精神科医「渡辺六郎」は産業保健に関する要件"));
    }

    // REG-3 1(3)イ: every disclosure item left empty (whitespace counts as empty).
    #[test]
    fn empty_disclosure_items() {
        let mut app = good();
        app.disclosure = Disclosure {
            fee_structure: String::new(),
            hours: " ".to_owned(),
            methods: vec![],
            other_services: "\u{3000}".to_owned(),
            track_record: String::new(),
        };
        app.psychiatrists[0].institution_name = String::new();
        app.psychiatrists[0].institution_address = " ".to_owned();
        let found = run(&app);
        assert_eq!(
            codes(&found),
            [
                "登録対象",
                "1-3-b-1",
                "1-3-b-3",
                "1-3-b-4",
                "1-3-b-5",
                "1-3-b-5",
                "1-3-b-6",
                "1-3-b-7"
            ]
        );
        assert!(found[4].ends_with("：精神科医「鈴木次郎」が所属する医療機関の名称が記載されていません"));
        assert!(found[5].ends_with("：精神科医「鈴木次郎」が所属する医療機関の所在地が記載されていません"));
    }

    // REG-1 ア: the published methods must include face-to-face counseling.
    #[test]
    fn methods_without_face_to_face() {
        let mut app = good();
        app.disclosure.methods = vec![Method::Phone, Method::Email, Method::Online];
        let found = run(&app);
        assert_eq!(codes(&found), ["登録対象"]);
        assert!(found[0].ends_with("：対応可能な方法に「面接」が含まれていません"));
    }

    #[test]
    fn an_unconfirmed_item_and_its_data_shortfall_both_show_unconfirmed_first() {
        let mut app = good();
        app.answers.insert("1-4-b-1".to_owned(), false);
        app.psychiatrists[0].clinical_years = 2;
        let found = run(&app);
        assert_eq!(codes(&found), ["1-4-b-1", "1-4-b-1"]);
        assert!(found[0].ends_with("「適合していない」と回答しています"));
        assert!(found[1].contains("臨床歴は2年"));
    }

    // REG-1 and the enclosed documents: absent means nothing found, answered means every gap is named.
    #[test]
    fn eligibility_and_documents_are_findings_only_when_given() {
        let app = good();
        let run_all = |e: Option<&Eligibility>, d: Option<&Documents>| {
            all_findings(
                &app.answers,
                &app.counselors,
                &app.psychiatrists,
                &app.disclosure,
                e,
                d,
            )
            .unwrap_or_else(|e| panic!("{e:?}"))
        };
        assert!(run_all(None, None).is_empty());
        let eligible = Eligibility {
            contracts_with_employers_for_fee: true,
            face_to_face_counseling: true,
            referral_to_medical_institutions: true,
            is_medical_care_facility: false,
        };
        assert!(run_all(Some(&eligible), Some(&Documents::all())).is_empty());
        let clinic = Eligibility {
            is_medical_care_facility: true,
            ..eligible
        };
        let docs = Documents {
            floor_plan: false,
            ..Documents::all()
        };
        let found = run_all(Some(&clinic), Some(&docs));
        assert_eq!(found.len(), 2);
        assert!(found[0].starts_with("【登録対象】"));
        assert!(found[0].ends_with("医療法上の医療提供施設は登録の対象外です"));
        assert_eq!(
            found[1],
            "【書類】相談室の平面図（避難経路を含む）（3-3）：添付されていません"
        );
        assert_eq!(run_all(None, Some(&Documents::default())).len(), 6);
    }

    #[test]
    fn every_finding_names_a_real_item_with_its_title_and_is_deterministic() {
        let app = App {
            answers: BTreeMap::from([("2-1".to_owned(), false)]),
            counselors: vec![counselor("高橋三郎", Qualification::Other, false, 0)],
            psychiatrists: vec![psychiatrist("鈴木次郎", 0, OhQualification::None)],
            disclosure: Disclosure::default(),
        };
        let found = run(&app);
        assert_eq!(found, run(&app));
        for f in &found {
            let code = codes(std::slice::from_ref(f)).concat();
            if code == "登録対象" {
                continue;
            }
            let item = criterion(&code);
            assert!(item.is_some(), "{f}");
            if let Some(item) = item {
                assert!(
                    f.starts_with(&format!("【{}】{}：", item.code, item.title)),
                    "{f}"
                );
            }
        }
        // 38 unconfirmed + 1-2 (no full-time) + 1-2-a + 1-2-b + five empty disclosure texts/lists + 1-4-b-1
        // + 1-4-b-2 + face-to-face missing.
        assert_eq!(found.len(), 38 + 3 + 5 + 2 + 1);
    }
}
