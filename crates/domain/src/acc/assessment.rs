//! Ratings and what they mean for a decision (ACC-9), and the status after the site-visit report (ACC-10).

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::case::{CaseStatus, TransitionError};
use super::standards::{Kind, Standard};

/// A surveyor's rating of one standard (seed 003 第5章5(1)): 1 full, 2 substantial, 3 partial, 4 insufficient.
/// Only [`Rating::new`] makes one, so a `Rating` is always 1..=4.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "i64", into = "u8")]
pub struct Rating(u8);

/// A rating outside 1..=4 (API: 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("ACC-9: レーティングは1〜4で入力してください（{0}でした）")]
pub struct RatingError(pub i64);

impl Rating {
    /// Takes any integer, as a JSON number arrives, and refuses all but 1..=4.
    pub fn new(value: i64) -> Result<Rating, RatingError> {
        match u8::try_from(value) {
            Ok(v @ 1..=4) => Ok(Rating(v)),
            _ => Err(RatingError(value)),
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }

    /// ACC-9's threshold: 1 or 2. A 3 or 4 is "below threshold".
    pub const fn meets_threshold(self) -> bool {
        self.0 <= 2
    }

    pub const fn label_ja(self) -> &'static str {
        match self.0 {
            1 => "完全な実践",
            2 => "実質的な実践",
            3 => "部分的な実践",
            _ => "不十分な実践",
        }
    }
}

impl TryFrom<i64> for Rating {
    type Error = RatingError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Rating::new(value)
    }
}

impl From<Rating> for u8 {
    fn from(rating: Rating) -> u8 {
        rating.0
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The API's `assessment` of a case (ACC-9), over the standards in scope.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Assessment {
    /// Every standard in scope is rated.
    pub complete: bool,
    /// Every core-concept standard in scope is rated 1 or 2 (an unrated one is not).
    pub core_concept_ok: bool,
    /// Every fundamental practice standard in scope is rated 1 or 2 (an unrated one is not).
    pub fundamental_ok: bool,
    /// Some other practice standard is rated 3 or 4: accreditation then needs the committee's judgement that
    /// conformity as a whole has no major problem and can be improved.
    pub needs_committee_judgement: bool,
    /// Codes of the standards in scope rated 3 or 4, in catalog order.
    pub below_threshold: Vec<String>,
    /// Codes of the standards in scope not rated yet, in catalog order (an addition to the API's fields).
    pub unrated: Vec<String>,
}

/// ACC-9 over `in_scope` (normally [`super::standards::Catalog::in_scope`]) with the latest rating per standard
/// code. Ratings of codes outside the scope (a service no longer in the case, an older catalog) are ignored.
pub fn assess<'a>(
    in_scope: impl IntoIterator<Item = &'a Standard>,
    ratings: &HashMap<String, Rating>,
) -> Assessment {
    let mut result = Assessment {
        complete: true,
        core_concept_ok: true,
        fundamental_ok: true,
        ..Assessment::default()
    };
    for standard in in_scope {
        let rating = ratings.get(&standard.code).copied();
        let ok = rating.is_some_and(Rating::meets_threshold);
        match rating {
            None => {
                result.complete = false;
                result.unrated.push(standard.code.clone());
            }
            Some(r) if !r.meets_threshold() => result.below_threshold.push(standard.code.clone()),
            Some(_) => {}
        }
        match (standard.kind, standard.fundamental) {
            (Kind::CoreConcept, _) => result.core_concept_ok &= ok,
            (Kind::Practice, Some(_)) => result.fundamental_ok &= ok,
            (Kind::Practice, None) => result.needs_committee_judgement |= rating.is_some() && !ok,
        }
    }
    result
}

/// ACC-10: once every standard in scope is rated, the report goes out; if any standard is rated 3 or 4 the
/// organization must answer it (`report_issued`), otherwise the case goes straight to the committee.
pub fn status_after_report(assessment: &Assessment) -> Result<CaseStatus, TransitionError> {
    if !assessment.complete {
        return Err(TransitionError::Unrated {
            codes: assessment.unrated.clone(),
        });
    }
    Ok(if assessment.below_threshold.is_empty() {
        CaseStatus::Committee
    } else {
        CaseStatus::ReportIssued
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acc::service::ServiceCode;
    use crate::acc::standards::{Fundamental, sample_catalog};
    use proptest::prelude::*;

    fn standard(code: &str, kind: Kind, fundamental: Option<Fundamental>) -> Standard {
        Standard {
            code: code.to_owned(),
            group: "運営と管理".to_owned(),
            section: "倫理実践".to_owned(),
            kind,
            fundamental,
            title: "t".to_owned(),
            service: None,
        }
    }

    /// ETH 1 (core), ETH 1.01 (fundamental), ETH 1.02 (other practice).
    fn three() -> Vec<Standard> {
        vec![
            standard("ETH 1", Kind::CoreConcept, None),
            standard("ETH 1.01", Kind::Practice, Some(Fundamental::LifeSafety)),
            standard("ETH 1.02", Kind::Practice, None),
        ]
    }

    fn ratings(values: &[(&str, i64)]) -> HashMap<String, Rating> {
        values
            .iter()
            .map(|(c, r)| ((*c).to_owned(), Rating::new(*r).unwrap()))
            .collect()
    }

    #[test]
    fn acc_9_rating_is_1_to_4() {
        for v in 1..=4 {
            assert_eq!(Rating::new(v).map(Rating::get), Ok(v as u8));
        }
        for v in [0, 5, -1, 256, 257, i64::MAX, i64::MIN] {
            assert_eq!(Rating::new(v), Err(RatingError(v)));
        }
        assert!(Rating::new(2).unwrap().meets_threshold());
        assert!(!Rating::new(3).unwrap().meets_threshold());
        assert_eq!(Rating::new(4).unwrap().label_ja(), "不十分な実践");
        assert!(RatingError(7).to_string().contains("7"));
    }

    #[test]
    fn acc_9_rating_deserializes_only_1_to_4() {
        use serde::de::IntoDeserializer;
        let de = |v: i64| -> Result<Rating, serde::de::value::Error> {
            Rating::deserialize(v.into_deserializer())
        };
        assert_eq!(de(3), Ok(Rating(3)));
        assert!(de(0).is_err());
        assert!(de(5).is_err());
    }

    #[test]
    fn acc_9_all_rated_1_or_2_is_clean() {
        let a = assess(
            &three(),
            &ratings(&[("ETH 1", 1), ("ETH 1.01", 2), ("ETH 1.02", 2)]),
        );
        assert_eq!(
            a,
            Assessment {
                complete: true,
                core_concept_ok: true,
                fundamental_ok: true,
                needs_committee_judgement: false,
                below_threshold: vec![],
                unrated: vec![],
            }
        );
        assert_eq!(status_after_report(&a), Ok(CaseStatus::Committee));
    }

    #[test]
    fn acc_9_core_concept_below_threshold() {
        let a = assess(
            &three(),
            &ratings(&[("ETH 1", 3), ("ETH 1.01", 1), ("ETH 1.02", 1)]),
        );
        assert!(a.complete && !a.core_concept_ok && a.fundamental_ok && !a.needs_committee_judgement);
        assert_eq!(a.below_threshold, ["ETH 1"]);
        assert_eq!(status_after_report(&a), Ok(CaseStatus::ReportIssued));
    }

    #[test]
    fn acc_9_fundamental_below_threshold() {
        let a = assess(
            &three(),
            &ratings(&[("ETH 1", 1), ("ETH 1.01", 4), ("ETH 1.02", 1)]),
        );
        assert!(a.core_concept_ok && !a.fundamental_ok && !a.needs_committee_judgement);
        assert_eq!(a.below_threshold, ["ETH 1.01"]);
    }

    #[test]
    fn acc_9_other_practice_below_threshold_needs_the_committee() {
        let a = assess(
            &three(),
            &ratings(&[("ETH 1", 2), ("ETH 1.01", 2), ("ETH 1.02", 3)]),
        );
        assert!(a.complete && a.core_concept_ok && a.fundamental_ok && a.needs_committee_judgement);
        assert_eq!(a.below_threshold, ["ETH 1.02"]);
        assert_eq!(status_after_report(&a), Ok(CaseStatus::ReportIssued));
    }

    #[test]
    fn acc_9_unrated_is_incomplete_and_not_ok() {
        let a = assess(&three(), &ratings(&[("ETH 1.02", 1), ("XYZ 1", 4)]));
        assert!(!a.complete && !a.core_concept_ok && !a.fundamental_ok && !a.needs_committee_judgement);
        assert_eq!(a.unrated, ["ETH 1", "ETH 1.01"]);
        assert!(
            a.below_threshold.is_empty(),
            "ratings outside the scope are ignored"
        );
        let err = status_after_report(&a).unwrap_err();
        assert_eq!(
            err,
            TransitionError::Unrated {
                codes: vec!["ETH 1".into(), "ETH 1.01".into()]
            }
        );
    }

    #[test]
    fn acc_9_empty_scope_is_trivially_complete() {
        let a = assess(std::iter::empty(), &HashMap::new());
        assert!(a.complete && a.core_concept_ok && a.fundamental_ok);
    }

    #[test]
    fn acc_10_on_the_sample_catalog_scope() {
        let catalog = sample_catalog();
        let services = [ServiceCode::A, ServiceCode::C];
        let mut r: HashMap<String, Rating> = catalog
            .in_scope(&services)
            .map(|s| (s.code.clone(), Rating::new(2).unwrap()))
            .collect();
        assert_eq!(
            status_after_report(&assess(catalog.in_scope(&services), &r)),
            Ok(CaseStatus::Committee)
        );
        r.insert("CSL 1.02".to_owned(), Rating::new(3).unwrap());
        let a = assess(catalog.in_scope(&services), &r);
        assert!(a.needs_committee_judgement && a.core_concept_ok && a.fundamental_ok);
        assert_eq!(status_after_report(&a), Ok(CaseStatus::ReportIssued));
        // Adding service d brings its unrated section into scope.
        let a = assess(
            catalog.in_scope(&[ServiceCode::A, ServiceCode::C, ServiceCode::D]),
            &r,
        );
        assert!(!a.complete);
        assert!(a.unrated.iter().all(|c| c.starts_with("CMR")));
    }

    proptest! {
        // ACC-9: the flags agree with a direct reading of the rule.
        #[test]
        fn acc_9_flags_match_the_rule(
            rows in proptest::collection::vec((0u8..3, proptest::option::of(1i64..=4)), 0..20)
        ) {
            let mut standards = Vec::new();
            let mut r = HashMap::new();
            for (i, (kind, rating)) in rows.iter().enumerate() {
                let code = format!("ETH {}", i + 1);
                let (k, f) = match kind {
                    0 => (Kind::CoreConcept, None),
                    1 => (Kind::Practice, Some(Fundamental::ClientRights)),
                    _ => (Kind::Practice, None),
                };
                standards.push(standard(&code, k, f));
                if let Some(v) = rating {
                    r.insert(code, Rating::new(*v).unwrap());
                }
            }
            let a = assess(&standards, &r);
            let good = |kind: u8| rows.iter().filter(|(k, _)| *k == kind).all(|(_, v)| matches!(v, Some(1 | 2)));
            prop_assert_eq!(a.complete, rows.iter().all(|(_, v)| v.is_some()));
            prop_assert_eq!(a.core_concept_ok, good(0));
            prop_assert_eq!(a.fundamental_ok, good(1));
            prop_assert_eq!(a.needs_committee_judgement, rows.iter().any(|(k, v)| *k == 2 && matches!(v, Some(3 | 4))));
            prop_assert_eq!(a.below_threshold.len(), rows.iter().filter(|(_, v)| matches!(v, Some(3 | 4))).count());
            prop_assert_eq!(a.complete, a.unrated.is_empty());
        }
    }
}
