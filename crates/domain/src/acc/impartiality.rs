//! Impartiality of the review (ACC-2 unit decision, ACC-8 surveyor objections and cooling-off).
//!
//! Pure: every date comes in as a parameter.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::surveyor_restriction_ends_on;

/// Why the office may not accept a department's application yet (ACC-2: "the head decides").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitRefusal {
    /// The head has not decided whether the department qualifies as a unit.
    Undecided,
    /// The head decided the department does not qualify: the case can only be found ineligible.
    DoesNotQualify,
}

impl UnitRefusal {
    pub fn message(self) -> &'static str {
        match self {
            UnitRefusal::Undecided => {
                "ACC-2: 部門での申請は、機構長が認定の単位に該当するか判断するまで受理できません \
                 (the head has not decided on the department unit)"
            }
            UnitRefusal::DoesNotQualify => {
                "ACC-2: 機構長は、この部門は認定の単位に該当しないと判断しました \
                 (the head decided the department does not qualify)"
            }
        }
    }
}

/// ACC-2: may the office accept (find eligible) a case applied for `unit_name` given the head's decision?
/// An application for the legal entity itself needs no decision.
pub fn unit_acceptance(
    unit_name: Option<&str>,
    head_decided_qualifies: Option<bool>,
) -> Result<(), UnitRefusal> {
    match (
        unit_name.map(str::trim).filter(|u| !u.is_empty()),
        head_decided_qualifies,
    ) {
        (None, _) | (Some(_), Some(true)) => Ok(()),
        (Some(_), None) => Err(UnitRefusal::Undecided),
        (Some(_), Some(false)) => Err(UnitRefusal::DoesNotQualify),
    }
}

/// ACC-8: what a surveyor may not do for, or take from, the organization during the cooling-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EngagementKind {
    Consulting,
    Service,
    ResearchFunds,
}

impl EngagementKind {
    pub const ALL: [EngagementKind; 3] = [
        EngagementKind::Consulting,
        EngagementKind::Service,
        EngagementKind::ResearchFunds,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EngagementKind::Consulting => "consulting",
            EngagementKind::Service => "service",
            EngagementKind::ResearchFunds => "research_funds",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            EngagementKind::Consulting => "コンサルティング",
            EngagementKind::Service => "サービスの提供",
            EngagementKind::ResearchFunds => "研究資金の受領",
        }
    }
}

/// ACC-8: a surveyor's cooling-off with an organization after a decision on its case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CoolingOff {
    pub case_id: String,
    pub decided_on: NaiveDate,
    /// The last restricted day (6 months after the decision, the decision day not counted).
    pub ends_on: NaiveDate,
}

/// ACC-8: the cooling-off a decision on `decided_on` starts: from the decision day through
/// [`surveyor_restriction_ends_on`]. `None` only when the date leaves chrono's range.
pub fn cooling_off_after(case_id: &str, decided_on: NaiveDate) -> Option<CoolingOff> {
    Some(CoolingOff {
        case_id: case_id.to_owned(),
        decided_on,
        ends_on: surveyor_restriction_ends_on(decided_on)?,
    })
}

/// ACC-8: the cooling-offs (of one surveyor with one organization) an engagement starting on `started_on`
/// falls within: the decision day itself through the last restricted day, both included.
pub fn cooling_offs_hit(started_on: NaiveDate, cooling_offs: &[CoolingOff]) -> Vec<&CoolingOff> {
    cooling_offs
        .iter()
        .filter(|c| c.decided_on <= started_on && started_on <= c.ends_on)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn acc_2_a_department_needs_the_heads_decision_before_acceptance() {
        assert_eq!(unit_acceptance(None, None), Ok(()));
        assert_eq!(unit_acceptance(Some("  "), None), Ok(()));
        assert_eq!(unit_acceptance(Some("EAP部"), None), Err(UnitRefusal::Undecided));
        assert_eq!(
            unit_acceptance(Some("EAP部"), Some(false)),
            Err(UnitRefusal::DoesNotQualify)
        );
        assert_eq!(unit_acceptance(Some("EAP部"), Some(true)), Ok(()));
        assert!(UnitRefusal::Undecided.message().starts_with("ACC-2"));
    }

    #[test]
    fn acc_8_engagement_kinds_round_trip() {
        for k in EngagementKind::ALL {
            assert_eq!(EngagementKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EngagementKind::parse("lunch"), None);
    }

    #[test]
    fn acc_8_cooling_off_is_six_months_after_the_decision() {
        let c = cooling_off_after("c1", d(2026, 4, 1)).unwrap();
        assert_eq!(c.ends_on, d(2026, 10, 1));
        // Month ends follow art. 143: decided 08-31 → counted from 09-01 → ends 2027-02-28.
        let c = cooling_off_after("c1", d(2026, 8, 31)).unwrap();
        assert_eq!(c.ends_on, d(2027, 2, 28));
    }

    #[test]
    fn acc_8_an_engagement_inside_the_cooling_off_is_named_at_both_ends() {
        let c = cooling_off_after("c1", d(2026, 4, 1)).unwrap();
        let list = vec![c.clone()];
        assert!(cooling_offs_hit(d(2026, 3, 31), &list).is_empty());
        assert_eq!(cooling_offs_hit(d(2026, 4, 1), &list), vec![&c]);
        assert_eq!(cooling_offs_hit(d(2026, 10, 1), &list), vec![&c]);
        assert!(cooling_offs_hit(d(2026, 10, 2), &list).is_empty());
        // Two decisions (a hold, then the head's): both restrict, the later one longer.
        let later = cooling_off_after("c1", d(2026, 8, 1)).unwrap();
        let both = vec![c.clone(), later.clone()];
        assert_eq!(cooling_offs_hit(d(2026, 12, 1), &both), vec![&later]);
        assert_eq!(cooling_offs_hit(d(2026, 9, 1), &both).len(), 2);
    }
}
