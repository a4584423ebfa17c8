//! What a registration application carries (API.md "Registration cases"): REG-1 eligibility questions,
//! counselors (REG-3 1(2)), psychiatrists (REG-3 1(4)) and the REG-3 1(3)イ disclosure, with the input checks
//! that make an application malformed (API 400) rather than merely short of the criteria (a finding).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::criteria::criterion;

/// A counselor's qualification (API `qualification`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Qualification {
    CertifiedPublicPsychologist,
    ClinicalPsychologist,
    IndustrialCounselor,
    ThpPsychologicalCounselor,
    PsychiatricSocialWorker,
    Other,
}

impl Qualification {
    pub const ALL: [Qualification; 6] = [
        Qualification::CertifiedPublicPsychologist,
        Qualification::ClinicalPsychologist,
        Qualification::IndustrialCounselor,
        Qualification::ThpPsychologicalCounselor,
        Qualification::PsychiatricSocialWorker,
        Qualification::Other,
    ];

    /// The API spelling (same as serde's).
    pub const fn as_str(self) -> &'static str {
        match self {
            Qualification::CertifiedPublicPsychologist => "certified_public_psychologist",
            Qualification::ClinicalPsychologist => "clinical_psychologist",
            Qualification::IndustrialCounselor => "industrial_counselor",
            Qualification::ThpPsychologicalCounselor => "thp_psychological_counselor",
            Qualification::PsychiatricSocialWorker => "psychiatric_social_worker",
            Qualification::Other => "other",
        }
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            Qualification::CertifiedPublicPsychologist => "公認心理師",
            Qualification::ClinicalPsychologist => "臨床心理士",
            Qualification::IndustrialCounselor => "産業カウンセラー",
            Qualification::ThpPsychologicalCounselor => "THP心理相談担当者",
            Qualification::PsychiatricSocialWorker => "精神保健福祉士",
            Qualification::Other => "その他",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.as_str() == s)
    }

    /// REG-3 1(2)ア: a 心理職 or a 精神保健福祉士. 公認心理師 is a 心理職 although the 2008 seed predates it (the
    /// act took effect in 2017). `Other` is not accepted: the office cannot tell from the application that it is a
    /// 心理職, so it stays a finding until the applicant names a listed qualification.
    pub const fn is_accepted(self) -> bool {
        !matches!(self, Qualification::Other)
    }
}

impl fmt::Display for Qualification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_ja())
    }
}

/// A psychiatrist's occupational-health qualification, REG-3 1(4)イ(イ) (API `oh_qualification`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OhQualification {
    /// ａ: meets Industrial Safety and Health Act art. 13(2) (産業医の要件).
    #[serde(rename = "ishl_13_2")]
    Ishl13_2,
    /// ｂ（ａ）
    TrainingZaidan,
    /// ｂ（ｂ）
    TrainingJsomh,
    /// ｂ（ｃ）
    TrainingEquivalent,
    None,
}

impl OhQualification {
    pub const ALL: [OhQualification; 5] = [
        OhQualification::Ishl13_2,
        OhQualification::TrainingZaidan,
        OhQualification::TrainingJsomh,
        OhQualification::TrainingEquivalent,
        OhQualification::None,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            OhQualification::Ishl13_2 => "ishl_13_2",
            OhQualification::TrainingZaidan => "training_zaidan",
            OhQualification::TrainingJsomh => "training_jsomh",
            OhQualification::TrainingEquivalent => "training_equivalent",
            OhQualification::None => "none",
        }
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            OhQualification::Ishl13_2 => "労働安全衛生法第13条第2項の要件",
            OhQualification::TrainingZaidan => "産業医学振興財団「精神科医等のための産業保健研修会」",
            OhQualification::TrainingJsomh => "日本産業精神保健学会「精神科医のための産業保健講習会」",
            OhQualification::TrainingEquivalent => "同等以上の産業保健に関する研修",
            OhQualification::None => "なし",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.as_str() == s)
    }

    /// REG-3 1(4)イ(イ): any one of ａ, ｂ（ａ）–（ｃ） suffices.
    pub const fn is_sufficient(self) -> bool {
        !matches!(self, OhQualification::None)
    }
}

impl fmt::Display for OhQualification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_ja())
    }
}

/// A way of consulting, REG-3 1(3)イ(エ) (API `methods`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    FaceToFace,
    Phone,
    Email,
    Online,
}

impl Method {
    pub const ALL: [Method; 4] = [Method::FaceToFace, Method::Phone, Method::Email, Method::Online];

    pub const fn as_str(self) -> &'static str {
        match self {
            Method::FaceToFace => "face_to_face",
            Method::Phone => "phone",
            Method::Email => "email",
            Method::Online => "online",
        }
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            Method::FaceToFace => "面接",
            Method::Phone => "電話",
            Method::Email => "メール",
            Method::Online => "オンライン",
        }
    }

    /// For the directory's `?method=` filter (REG-8).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_ja())
    }
}

/// 相談対応者 (REG-3 1(2)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Counselor {
    pub name: String,
    pub qualification: Qualification,
    /// 常勤.
    pub full_time: bool,
    /// Years of face-to-face mental-health counseling of workers as main duty (REG-3 1(2)イ).
    pub years_of_practice: u32,
    /// Months beyond the whole years, 0–11 (REG-3 1(2)イ's five years are counted to the month). Absent in data
    /// recorded before months were asked for: whole years only.
    #[serde(default)]
    pub months_of_practice: u32,
    /// REG-3 1(2)イ: the counseling is the counselor's main duty (主たる業務). `None`: not stated per counselor
    /// (an API client that sends only API.md's original fields); the applicant's checklist answer then stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_duty: Option<bool>,
    /// REG-3 1(2)イ: normally on 3 or more days a week (１週間に３日以上従事). `None` as for `main_duty`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub three_days_a_week: Option<bool>,
}

/// REG-3 1(2)イ and 1(4)イ(ア): five years, counted in months.
pub const FIVE_YEARS_IN_MONTHS: u32 = 60;

impl Counselor {
    /// The practice in months (years × 12 + months).
    pub const fn practice_months(&self) -> u32 {
        self.years_of_practice
            .saturating_mul(12)
            .saturating_add(self.months_of_practice)
    }

    /// Full time with five years or more of practice: the counselor REG-3 1(2)イ's conditions are asked of.
    pub const fn is_full_time_with_five_years(&self) -> bool {
        self.full_time && self.practice_months() >= FIVE_YEARS_IN_MONTHS
    }

    /// The 1(2)イ conditions this counselor is stated not to meet (main duty, 3 days a week), in Japanese;
    /// a condition not stated (`None`) is not one of them.
    pub fn unmet_conditions_ja(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.main_duty == Some(false) {
            out.push("相談対応を主たる業務としていません");
        }
        if self.three_days_a_week == Some(false) {
            out.push("１週間に３日以上従事していません");
        }
        out
    }

    /// REG-3 1(2)イ: the experienced full-time counselor the criteria require at least one of — full time, five
    /// years or more, as main duty, normally on 3 or more days a week.
    pub fn is_experienced_full_time(&self) -> bool {
        self.is_full_time_with_five_years() && self.unmet_conditions_ja().is_empty()
    }

    /// The practice as the screens and the directory show it: `5年`, `4年11か月`.
    pub fn practice_ja(&self) -> String {
        if self.months_of_practice == 0 {
            format!("{}年", self.years_of_practice)
        } else {
            format!("{}年{}か月", self.years_of_practice, self.months_of_practice)
        }
    }

    /// The career line the directory discloses (REG-3 1(3)イ(イ), REG-5).
    pub fn career_ja(&self) -> String {
        let employment = if self.full_time { "常勤" } else { "非常勤" };
        format!(
            "{employment}・面接によるメンタルヘルス相談の実務経験{}",
            self.practice_ja()
        )
    }
}

/// The psychiatrist the institution contracts with (REG-3 1(4)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Psychiatrist {
    pub name: String,
    /// Years of clinical psychiatry (REG-3 1(4)イ(ア)).
    pub clinical_years: u32,
    pub oh_qualification: OhQualification,
    pub institution_name: String,
    pub institution_address: String,
}

impl Psychiatrist {
    /// REG-3 1(4)イ(ア).
    pub const fn has_clinical_years(&self) -> bool {
        self.clinical_years >= 5
    }

    /// The career line the directory discloses (REG-3 1(3)イ(オ), REG-5).
    pub fn career_ja(&self) -> String {
        format!("精神科医としての臨床歴{}年", self.clinical_years)
    }
}

/// What the institution publishes, REG-3 1(3)イ; the counselors (イ) and psychiatrists (オ) come from the
/// application's lists.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Disclosure {
    /// (ア) 料金体系, incl. how psychiatrist interviews are charged.
    pub fee_structure: String,
    /// (ウ) days and hours available.
    pub hours: String,
    /// (エ)
    pub methods: Vec<Method>,
    /// (カ)
    pub other_services: String,
    /// (キ) track record of face-to-face counseling or of employer contracts.
    pub track_record: String,
}

/// The REG-1 questions (seed 000 別紙1 Ⅰ): who may register at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Eligibility {
    /// Provides its services under contract with employers and for a fee (事業者と契約を結び有料で).
    pub contracts_with_employers_for_fee: bool,
    /// ア: face-to-face mental-health counseling of individual workers.
    pub face_to_face_counseling: bool,
    /// イ: referral to suitable medical institutions based on that counseling.
    pub referral_to_medical_institutions: bool,
    /// A 医療提供施設 under the Medical Care Act (hospital, clinic, …); such facilities are excluded.
    pub is_medical_care_facility: bool,
}

impl Eligibility {
    /// Why the institution cannot register (REG-1), in Japanese; empty when it can.
    pub fn reasons(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        if !self.contracts_with_employers_for_fee {
            reasons.push("事業者と契約を結び有料でサービスを提供する機関ではありません".to_owned());
        }
        if !self.face_to_face_counseling {
            reasons.push("面接によるメンタルヘルスに関する相談を提供していません".to_owned());
        }
        if !self.referral_to_medical_institutions {
            reasons.push(
                "面接によるメンタルヘルスに関する相談の結果に基づく適切な医療機関等への紹介を提供していません"
                    .to_owned(),
            );
        }
        if self.is_medical_care_facility {
            reasons.push("医療法上の医療提供施設は登録の対象外です".to_owned());
        }
        reasons
    }

    pub fn is_eligible(&self) -> bool {
        self.contracts_with_employers_for_fee
            && self.face_to_face_counseling
            && self.referral_to_medical_institutions
            && !self.is_medical_care_facility
    }
}

/// The documents the criteria call for (seed 000 別紙2 2 登録申請関係書類), as the applicant declares them enclosed.
/// The office checks the enclosures themselves (REG-5); a document declared missing is a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Documents {
    /// REG-3 1(1): the written basic policies ア–カ.
    pub basic_policies: bool,
    /// REG-3 3(1): the personal-information protection regulation with ア–エ.
    pub privacy_regulation: bool,
    /// REG-3 3(2): confidentiality pledges of officers, staff and partners.
    pub confidentiality_pledges: bool,
    /// REG-3 3(3): the floor plan of the counseling rooms (privacy, evacuation route).
    pub floor_plan: bool,
    /// REG-3 1(4)ア: the contract with the psychiatrist or their medical institution.
    pub psychiatrist_contract: bool,
    /// REG-3 1(4)ア: the records of the psychiatrist's work bearing their name and seal.
    pub psychiatrist_records: bool,
}

impl Documents {
    /// Every document: `(field name, Japanese label, the REG-3 items it evidences, enclosed?)`.
    pub fn items(&self) -> [(&'static str, &'static str, &'static str, bool); 6] {
        [
            (
                "basic_policies",
                "基本方針を明確化した文書",
                "1-1-a〜1-1-f",
                self.basic_policies,
            ),
            (
                "privacy_regulation",
                "個人情報保護のための規程",
                "3-1-a〜3-1-d",
                self.privacy_regulation,
            ),
            (
                "confidentiality_pledges",
                "個人情報保護に関する誓約書",
                "3-2",
                self.confidentiality_pledges,
            ),
            (
                "floor_plan",
                "相談室の平面図（避難経路を含む）",
                "3-3",
                self.floor_plan,
            ),
            (
                "psychiatrist_contract",
                "精神科医又は医療機関との契約書",
                "1-4-a",
                self.psychiatrist_contract,
            ),
            (
                "psychiatrist_records",
                "精神科医の業務の記録（氏名及び確認印）",
                "1-4-a",
                self.psychiatrist_records,
            ),
        ]
    }

    /// `(Japanese label, REG-3 items)` of the document named `name` (API `purpose`), or `None`.
    pub fn describe(name: &str) -> Option<(&'static str, &'static str)> {
        Self::default()
            .items()
            .into_iter()
            .find(|(n, ..)| *n == name)
            .map(|(_, label, codes, _)| (label, codes))
    }

    /// The same declaration with the document `name` enclosed (REG-3: uploaded with the application).
    pub fn with_enclosed(mut self, name: &str) -> Self {
        let flag = match name {
            "basic_policies" => &mut self.basic_policies,
            "privacy_regulation" => &mut self.privacy_regulation,
            "confidentiality_pledges" => &mut self.confidentiality_pledges,
            "floor_plan" => &mut self.floor_plan,
            "psychiatrist_contract" => &mut self.psychiatrist_contract,
            "psychiatrist_records" => &mut self.psychiatrist_records,
            _ => return self,
        };
        *flag = true;
        self
    }

    /// All six enclosed.
    pub fn all() -> Self {
        Self {
            basic_policies: true,
            privacy_regulation: true,
            confidentiality_pledges: true,
            floor_plan: true,
            psychiatrist_contract: true,
            psychiatrist_records: true,
        }
    }
}

/// Why an application is malformed (API 400, `errors[]`), as opposed to a finding about the institution.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicationError {
    #[error("基準項目コード「{code}」はありません")]
    UnknownCriterion { code: String },
    /// A counselor must be named: findings name them and the directory publishes them (REG-3 1(3)イ(イ)).
    #[error("{}人目の相談対応者の氏名が空です", .index + 1)]
    BlankCounselorName { index: usize },
    #[error("{}人目の精神科医の氏名が空です", .index + 1)]
    BlankPsychiatristName { index: usize },
}

impl ApplicationError {
    /// The request field at fault, for the API's `errors[].field`.
    pub fn field(&self) -> String {
        match self {
            ApplicationError::UnknownCriterion { code } => format!("criteria.{code}"),
            ApplicationError::BlankCounselorName { index } => format!("counselors[{index}].name"),
            ApplicationError::BlankPsychiatristName { index } => format!("psychiatrists[{index}].name"),
        }
    }
}

/// Every reason an application is malformed, in request order (criteria, counselors, psychiatrists).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("申請内容に誤りがあります（{}件）", .errors.len())]
pub struct InvalidApplication {
    pub errors: Vec<ApplicationError>,
}

/// Checks what makes an application malformed: an answer for a code that is not a REG-3 item, or a counselor or
/// psychiatrist without a name. Everything else is judged by [`super::findings::findings`].
pub fn validate(
    criteria_answers: &BTreeMap<String, bool>,
    counselors: &[Counselor],
    psychiatrists: &[Psychiatrist],
) -> Result<(), InvalidApplication> {
    let unknown = criteria_answers
        .keys()
        .filter(|code| criterion(code).is_none())
        .map(|code| ApplicationError::UnknownCriterion { code: code.clone() });
    let counselors = counselors
        .iter()
        .enumerate()
        .filter(|(_, c)| c.name.trim().is_empty())
        .map(|(index, _)| ApplicationError::BlankCounselorName { index });
    let psychiatrists = psychiatrists
        .iter()
        .enumerate()
        .filter(|(_, p)| p.name.trim().is_empty())
        .map(|(index, _)| ApplicationError::BlankPsychiatristName { index });
    let errors: Vec<_> = unknown.chain(counselors).chain(psychiatrists).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(InvalidApplication { errors })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn de<'a, T: Deserialize<'a>>(s: &'a str) -> Result<T, DeError> {
        let d: StrDeserializer<'a, DeError> = s.into_deserializer();
        T::deserialize(d)
    }

    fn counselor(name: &str) -> Counselor {
        Counselor {
            name: name.to_owned(),
            qualification: Qualification::ClinicalPsychologist,
            full_time: true,
            years_of_practice: 5,
            months_of_practice: 0,
            main_duty: Some(true),
            three_days_a_week: Some(true),
        }
    }

    fn psychiatrist(name: &str) -> Psychiatrist {
        Psychiatrist {
            name: name.to_owned(),
            clinical_years: 10,
            oh_qualification: OhQualification::Ishl13_2,
            institution_name: "さくらクリニック".to_owned(),
            institution_address: "東京都千代田区1-1".to_owned(),
        }
    }

    #[test]
    fn api_spellings_round_trip_through_serde_and_parse() {
        for q in Qualification::ALL {
            assert_eq!(de::<Qualification>(q.as_str()), Ok(q));
            assert_eq!(Qualification::parse(q.as_str()), Some(q));
        }
        for q in OhQualification::ALL {
            assert_eq!(de::<OhQualification>(q.as_str()), Ok(q));
            assert_eq!(OhQualification::parse(q.as_str()), Some(q));
        }
        for m in Method::ALL {
            assert_eq!(de::<Method>(m.as_str()), Ok(m));
            assert_eq!(Method::parse(m.as_str()), Some(m));
        }
        // The API's spelling has an underscore serde's snake_case would not produce ("ishl13_2").
        assert_eq!(de::<OhQualification>("ishl_13_2"), Ok(OhQualification::Ishl13_2));
        assert!(de::<OhQualification>("ishl13_2").is_err());
        assert!(de::<Qualification>("公認心理師").is_err());
        assert_eq!(Method::parse("fax"), None);
    }

    #[test]
    fn japanese_labels() {
        assert_eq!(
            Qualification::CertifiedPublicPsychologist.to_string(),
            "公認心理師"
        );
        assert_eq!(
            Qualification::ThpPsychologicalCounselor.label_ja(),
            "THP心理相談担当者"
        );
        assert_eq!(
            Qualification::PsychiatricSocialWorker.label_ja(),
            "精神保健福祉士"
        );
        assert_eq!(OhQualification::None.to_string(), "なし");
        assert_eq!(Method::FaceToFace.to_string(), "面接");
    }

    // REG-3 1(2)ア
    #[test]
    fn every_listed_qualification_is_accepted_but_other() {
        for q in Qualification::ALL {
            assert_eq!(q.is_accepted(), q != Qualification::Other, "{q:?}");
        }
    }

    // REG-3 1(4)イ(イ)
    #[test]
    fn any_oh_qualification_but_none_is_sufficient() {
        for q in OhQualification::ALL {
            assert_eq!(q.is_sufficient(), q != OhQualification::None, "{q:?}");
        }
    }

    // REG-3 1(2)イ and 1(4)イ(ア): five years is enough, four is not.
    #[test]
    fn five_year_thresholds() {
        let mut c = counselor("甲");
        assert!(c.is_experienced_full_time());
        c.years_of_practice = 4;
        assert!(!c.is_experienced_full_time());
        // Counted to the month: 4 years 11 months is short, 4 years 12 months is not a thing but 5 years is.
        c.months_of_practice = 11;
        assert!(!c.is_experienced_full_time());
        c.years_of_practice = 20;
        c.full_time = false;
        assert!(!c.is_experienced_full_time());

        // REG-3 1(2)イ: main duty and 3 days a week, each stated per counselor; not stated leaves the applicant's
        // checklist answer to speak for it.
        let mut c = counselor("丙");
        c.main_duty = Some(false);
        assert!(!c.is_experienced_full_time());
        assert_eq!(c.unmet_conditions_ja(), ["相談対応を主たる業務としていません"]);
        c.main_duty = None;
        c.three_days_a_week = Some(false);
        assert!(!c.is_experienced_full_time());
        c.three_days_a_week = None;
        assert!(c.is_experienced_full_time());

        let mut p = psychiatrist("乙");
        p.clinical_years = 5;
        assert!(p.has_clinical_years());
        p.clinical_years = 4;
        assert!(!p.has_clinical_years());
    }

    #[test]
    fn career_lines_for_the_directory() {
        let mut c = counselor("甲");
        assert_eq!(c.career_ja(), "常勤・面接によるメンタルヘルス相談の実務経験5年");
        c.months_of_practice = 3;
        assert_eq!(
            c.career_ja(),
            "常勤・面接によるメンタルヘルス相談の実務経験5年3か月"
        );
        c.full_time = false;
        assert!(c.career_ja().starts_with("非常勤"));
        assert_eq!(psychiatrist("乙").career_ja(), "精神科医としての臨床歴10年");
    }

    // REG-1
    #[test]
    fn eligibility_needs_all_three_services_and_no_medical_facility() {
        let ok = Eligibility {
            contracts_with_employers_for_fee: true,
            face_to_face_counseling: true,
            referral_to_medical_institutions: true,
            is_medical_care_facility: false,
        };
        assert!(ok.is_eligible());
        assert!(ok.reasons().is_empty());

        let clinic = Eligibility {
            is_medical_care_facility: true,
            ..ok
        };
        assert!(!clinic.is_eligible());
        assert_eq!(clinic.reasons(), ["医療法上の医療提供施設は登録の対象外です"]);

        let nothing = Eligibility {
            is_medical_care_facility: true,
            ..Eligibility::default()
        };
        assert!(!nothing.is_eligible());
        assert_eq!(nothing.reasons().len(), 4);

        // Every single missing answer makes it ineligible with exactly one reason.
        for broken in [
            Eligibility {
                contracts_with_employers_for_fee: false,
                ..ok
            },
            Eligibility {
                face_to_face_counseling: false,
                ..ok
            },
            Eligibility {
                referral_to_medical_institutions: false,
                ..ok
            },
        ] {
            assert!(!broken.is_eligible());
            assert_eq!(broken.reasons().len(), 1, "{broken:?}");
        }
    }

    #[test]
    fn validate_accepts_a_well_formed_application() {
        let answers = BTreeMap::from([("1-1-a".to_owned(), true), ("4-2".to_owned(), false)]);
        assert_eq!(
            validate(&answers, &[counselor("甲")], &[psychiatrist("乙")]),
            Ok(())
        );
        assert_eq!(validate(&BTreeMap::new(), &[], &[]), Ok(()));
    }

    #[test]
    fn validate_lists_every_problem_with_its_field() {
        let answers = BTreeMap::from([
            ("1-1-a".to_owned(), true),
            ("1-3-b".to_owned(), true),
            ("9-9".to_owned(), false),
        ]);
        let err = validate(
            &answers,
            &[counselor("甲"), counselor(" \u{3000}")],
            &[psychiatrist("")],
        );
        let Err(InvalidApplication { errors }) = err else {
            panic!("expected errors, got {err:?}");
        };
        let fields: Vec<String> = errors.iter().map(ApplicationError::field).collect();
        assert_eq!(
            fields,
            [
                "criteria.1-3-b",
                "criteria.9-9",
                "counselors[1].name",
                "psychiatrists[0].name"
            ]
        );
        assert_eq!(errors[0].to_string(), "基準項目コード「1-3-b」はありません");
        assert_eq!(errors[2].to_string(), "2人目の相談対応者の氏名が空です");
        assert_eq!(errors[3].to_string(), "1人目の精神科医の氏名が空です");
        assert_eq!(
            InvalidApplication { errors }.to_string(),
            "申請内容に誤りがあります（4件）"
        );
    }
}
