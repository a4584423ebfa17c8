//! What the directory publishes about a registered counseling room (REG-5, REG-8): every REG-3 1(3)イ item in
//! the shape of API.md's `disclosure`, and nothing else about the organization.

use serde::{Deserialize, Serialize};

use super::application::{Counselor, Disclosure, Method, Psychiatrist};

/// A counselor as published: name, qualification and career (REG-3 1(3)イ(イ)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicCounselor {
    pub name: String,
    /// The Japanese name of the qualification.
    pub qualification: String,
    pub career: String,
}

/// A psychiatrist as published (REG-3 1(3)イ(オ)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicPsychiatrist {
    pub name: String,
    pub career: String,
    pub institution_name: String,
    pub institution_address: String,
}

/// API.md `disclosure` of `GET /api/v1/public/registrations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicDisclosure {
    pub fee_structure: String,
    pub counselors: Vec<PublicCounselor>,
    pub hours: String,
    pub methods: Vec<Method>,
    pub psychiatrists: Vec<PublicPsychiatrist>,
    pub other_services: String,
    pub track_record: String,
}

impl PublicDisclosure {
    pub fn new(disclosure: &Disclosure, counselors: &[Counselor], psychiatrists: &[Psychiatrist]) -> Self {
        Self {
            fee_structure: disclosure.fee_structure.trim().to_owned(),
            counselors: counselors
                .iter()
                .map(|c| PublicCounselor {
                    name: c.name.trim().to_owned(),
                    qualification: c.qualification.label_ja().to_owned(),
                    career: c.career_ja(),
                })
                .collect(),
            hours: disclosure.hours.trim().to_owned(),
            methods: disclosure.methods.clone(),
            psychiatrists: psychiatrists
                .iter()
                .map(|p| PublicPsychiatrist {
                    name: p.name.trim().to_owned(),
                    career: p.career_ja(),
                    institution_name: p.institution_name.trim().to_owned(),
                    institution_address: p.institution_address.trim().to_owned(),
                })
                .collect(),
            other_services: disclosure.other_services.trim().to_owned(),
            track_record: disclosure.track_record.trim().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reg::application::{OhQualification, Qualification};

    #[test]
    fn publishes_every_reg3_1_3_b_item_and_only_those() {
        let d = Disclosure {
            fee_structure: " 月額300円 ".into(),
            hours: "平日9-18時".into(),
            methods: vec![Method::FaceToFace],
            other_services: "なし".into(),
            track_record: "25社".into(),
        };
        let c = [Counselor {
            name: "山田花子".into(),
            qualification: Qualification::ClinicalPsychologist,
            full_time: true,
            years_of_practice: 8,
            months_of_practice: 0,
            main_duty: Some(true),
            three_days_a_week: Some(true),
        }];
        let p = [Psychiatrist {
            name: "鈴木次郎".into(),
            clinical_years: 12,
            oh_qualification: OhQualification::Ishl13_2,
            institution_name: "さくらクリニック".into(),
            institution_address: "東京都".into(),
        }];
        let v = serde_json::to_value(PublicDisclosure::new(&d, &c, &p)).unwrap_or_default();
        let mut keys: Vec<&str> = v
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "counselors",
                "fee_structure",
                "hours",
                "methods",
                "other_services",
                "psychiatrists",
                "track_record"
            ]
        );
        assert_eq!(v["fee_structure"], "月額300円");
        assert_eq!(v["counselors"][0]["qualification"], "臨床心理士");
        assert_eq!(
            v["counselors"][0]["career"],
            "常勤・面接によるメンタルヘルス相談の実務経験8年"
        );
        assert_eq!(v["methods"][0], "face_to_face");
        assert_eq!(v["psychiatrists"][0]["career"], "精神科医としての臨床歴12年");
        // Years of clinical practice and the occupational-health qualification are not published as such.
        assert!(v["psychiatrists"][0].get("oh_qualification").is_none());
    }
}
