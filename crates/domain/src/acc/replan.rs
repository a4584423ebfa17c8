//! ACC-5, ACC-7, ACC-11: moving the planned dates after the plan — the coordinator's visit, the self-study due
//! date, the site visit — and the additional site visit the committee may order during a deferral (seed 003
//! 第6章4(3)).

use chrono::NaiveDate;

use super::CaseStatus;
use crate::calendar::western_date;

/// Which dates a change moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Replan {
    pub coordinator_visit_on: Option<NaiveDate>,
    pub self_study_due_on: Option<NaiveDate>,
    pub site_visit_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplanError {
    #[error("ACC-5: 状態「{}」では日程を変更できません（セルフスタディ・実地調査・延期のときにできます）", .0.label_ja())]
    WrongState(CaseStatus),
    #[error("ACC-6: セルフスタディ資料の提出後は提出期限を変更できません")]
    SelfStudyIn,
    #[error("ACC-11: 延期中に計画できるのは追加の実地調査の日だけです")]
    OnlyAdditionalVisit,
    #[error("ACC-11: 追加の実地調査は延期の判定日（{}）の後、猶予期限（{}）までの日にしてください", western_date(*decided_on), western_date(*grace_until))]
    OutsideGrace {
        decided_on: NaiveDate,
        grace_until: NaiveDate,
    },
}

/// Whether `change` may be made to a case in `from`. In a deferral only the additional visit, after the
/// deferral and within the grace period (the result must come in time for the decision, ACC-11).
pub fn check_replan(
    from: CaseStatus,
    change: &Replan,
    decided_on: Option<NaiveDate>,
    grace_until: Option<NaiveDate>,
) -> Result<(), ReplanError> {
    match from {
        CaseStatus::SelfStudy => Ok(()),
        CaseStatus::SiteVisit if change.self_study_due_on.is_some() => Err(ReplanError::SelfStudyIn),
        CaseStatus::SiteVisit => Ok(()),
        CaseStatus::Deferred => {
            if change.coordinator_visit_on.is_some() || change.self_study_due_on.is_some() {
                return Err(ReplanError::OnlyAdditionalVisit);
            }
            match (change.site_visit_on, decided_on, grace_until) {
                (Some(day), Some(decided_on), Some(grace_until))
                    if day <= decided_on || day > grace_until =>
                {
                    Err(ReplanError::OutsideGrace {
                        decided_on,
                        grace_until,
                    })
                }
                _ => Ok(()),
            }
        }
        other => Err(ReplanError::WrongState(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn acc_11_additional_visit_only_within_the_grace_period() {
        let visit = |day| Replan {
            site_visit_on: Some(day),
            ..Replan::default()
        };
        let (decided, grace) = (Some(d(2026, 4, 1)), Some(d(2026, 7, 1)));
        assert_eq!(
            check_replan(CaseStatus::Deferred, &visit(d(2026, 5, 10)), decided, grace),
            Ok(())
        );
        assert!(check_replan(CaseStatus::Deferred, &visit(d(2026, 7, 2)), decided, grace).is_err());
        assert!(check_replan(CaseStatus::Deferred, &visit(d(2026, 4, 1)), decided, grace).is_err());
        let due = Replan {
            self_study_due_on: Some(d(2026, 5, 1)),
            ..Replan::default()
        };
        assert_eq!(
            check_replan(CaseStatus::Deferred, &due, decided, grace),
            Err(ReplanError::OnlyAdditionalVisit)
        );
        assert_eq!(
            check_replan(CaseStatus::SiteVisit, &due, None, None),
            Err(ReplanError::SelfStudyIn)
        );
        assert_eq!(check_replan(CaseStatus::SelfStudy, &due, None, None), Ok(()));
        assert!(check_replan(CaseStatus::Committee, &due, None, None).is_err());
    }
}
