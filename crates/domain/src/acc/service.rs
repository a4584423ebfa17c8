//! The five services that ACC accredits (ACC-1; seed 003 第1章3(1)①), and a service as applied for.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A service that can be accredited. The API spells it `"a"`..`"e"`, as the seed's application form does.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ServiceCode {
    A,
    B,
    C,
    D,
    E,
}

impl ServiceCode {
    pub const ALL: [ServiceCode; 5] = [
        ServiceCode::A,
        ServiceCode::B,
        ServiceCode::C,
        ServiceCode::D,
        ServiceCode::E,
    ];

    /// The API spelling (same as serde's).
    pub const fn as_str(self) -> &'static str {
        match self {
            ServiceCode::A => "a",
            ServiceCode::B => "b",
            ServiceCode::C => "c",
            ServiceCode::D => "d",
            ServiceCode::E => "e",
        }
    }

    pub fn parse(s: &str) -> Option<ServiceCode> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// docs/rules.md's Japanese name (the seed appends サービス to each).
    pub const fn name_ja(self) -> &'static str {
        match self {
            ServiceCode::A => "相談窓口・ショートカウンセリング",
            ServiceCode::B => "教育・研修",
            ServiceCode::C => "マネジメントコンサルテーション",
            ServiceCode::D => "ケースマネジメント・職場復帰支援",
            ServiceCode::E => "メンタルヘルス調査",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            ServiceCode::A => "helpline and short-term counseling",
            ServiceCode::B => "education and training",
            ServiceCode::C => "management consultation",
            ServiceCode::D => "case management and return-to-work support",
            ServiceCode::E => "mental-health surveys",
        }
    }

    /// ACC-1(1): an application must include at least one of a, c, d (「a. c. d.のいずれかは必須」).
    pub const fn is_core(self) -> bool {
        matches!(self, ServiceCode::A | ServiceCode::C | ServiceCode::D)
    }
}

impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A service named in an application, with the day the organization started providing it under contract
/// (ACC-1(2) measures the six months of track record from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ServiceEntry {
    pub code: ServiceCode,
    pub started_on: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acc_1_codes_round_trip_and_serialize_lowercase() {
        for code in ServiceCode::ALL {
            assert_eq!(ServiceCode::parse(code.as_str()), Some(code));
            assert_eq!(code.to_string(), code.as_str());
        }
        assert_eq!(ServiceCode::parse("A"), None);
        assert_eq!(ServiceCode::parse("f"), None);
    }

    #[test]
    fn serde_names_are_the_api_strings() {
        use serde::de::IntoDeserializer;
        for code in ServiceCode::ALL {
            let de = code.as_str().into_deserializer();
            let parsed: Result<ServiceCode, serde::de::value::Error> = ServiceCode::deserialize(de);
            assert_eq!(parsed, Ok(code));
        }
    }

    #[test]
    fn acc_1_core_services_are_a_c_d() {
        let core: Vec<_> = ServiceCode::ALL.into_iter().filter(|c| c.is_core()).collect();
        assert_eq!(core, [ServiceCode::A, ServiceCode::C, ServiceCode::D]);
    }

    #[test]
    fn names_follow_domain_md() {
        assert_eq!(ServiceCode::D.name_ja(), "ケースマネジメント・職場復帰支援");
        assert_eq!(ServiceCode::E.name_en(), "mental-health surveys");
    }
}
