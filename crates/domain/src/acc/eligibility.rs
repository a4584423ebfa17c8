//! 受審資格 (ACC-1) computed from an application, and the unit of accreditation (ACC-2).

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::service::{ServiceCode, ServiceEntry};
use crate::calendar::{Start, Unit, period_end, western_date};
use crate::org::LegalForm;

/// Months of track record every service needs at application (ACC-1(2), ACC-20).
pub const TRACK_RECORD_MONTHS: u32 = 6;

/// The computed eligibility of an application (API `eligibility`).
///
/// `reasons` lists every unmet ACC-1 condition in Japanese, citing the rule; it is empty exactly when `eligible`.
/// `notes` never affect `eligible`: they are points the office must still check by hand (ACC-1(3) leaves the
/// judgement of the organization's readiness to the office).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Eligibility {
    pub eligible: bool,
    pub reasons: Vec<String>,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// The first day an application may be made for a service started on `started_on` (ACC-1(2), ACC-20).
///
/// The six months count the start day itself (the service was provided that whole day: 民法 art. 140 proviso)
/// and follow the calendar (art. 143): started 2025-10-01 → the six months end 2026-03-31. "申請時に少なくとも
/// 6ヶ月以上の提供実績" asks for six *completed* months at the time of application, and the application day is not
/// over when the application is made, so it does not count: the first possible day is 2026-04-01. `None` only at
/// the end of chrono's date range.
pub fn earliest_application_on(started_on: NaiveDate) -> Option<NaiveDate> {
    period_end(started_on, TRACK_RECORD_MONTHS, Unit::Months, Start::SameDay)?.succ_opt()
}

/// ACC-1 as of `applied_on`: (1) at least one service, including one of a, c, d; no service twice; (2) every
/// service provided for six months (see [`earliest_application_on`]); (3) a legal entity (an LLP is not).
///
/// ACC-1(2)'s "every service with six months must be in scope" cannot be seen from the application itself; the
/// office checks it from the pamphlets and pre-check sheet (ACC-3).
pub fn assess_eligibility(
    legal_form: LegalForm,
    services: &[ServiceEntry],
    applied_on: NaiveDate,
) -> Eligibility {
    let mut reasons = Vec::new();

    if services.is_empty() {
        reasons.push(
            "ACC-1(1): 認定対象サービス（a〜e）が1つも申請されていません（a・c・dのいずれかが必須です）"
                .to_owned(),
        );
    } else if !services.iter().any(|s| s.code.is_core()) {
        reasons.push(format!(
            "ACC-1(1): a（{}）、c（{}）、d（{}）のいずれかの提供が必須です",
            ServiceCode::A.name_ja(),
            ServiceCode::C.name_ja(),
            ServiceCode::D.name_ja()
        ));
    }

    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for entry in services {
        if !seen.insert(entry.code) && reported.insert(entry.code) {
            reasons.push(format!(
                "ACC-1(1): サービス{}（{}）が重複しています。1つにまとめてください",
                entry.code,
                entry.code.name_ja()
            ));
        }
    }

    for entry in services {
        if let Some(reason) = track_record_shortfall(entry, applied_on) {
            reasons.push(reason);
        }
    }

    if !legal_form.is_legal_entity_for_acc() {
        reasons.push(format!(
            "ACC-1(3): 法人格が必要です（{}は法人格がないため対象になりません）",
            legal_form.label_ja()
        ));
    }

    let mut notes = Vec::new();
    if legal_form.needs_manual_review() {
        notes.push("ACC-1(3): 法人の種類が「その他」です。登記で法人格を確認してください".to_owned());
    }

    Eligibility {
        eligible: reasons.is_empty(),
        reasons,
        notes,
    }
}

fn track_record_shortfall(entry: &ServiceEntry, applied_on: NaiveDate) -> Option<String> {
    let name = entry.code.name_ja();
    let started = western_date(entry.started_on);
    match earliest_application_on(entry.started_on) {
        Some(first_day) if first_day <= applied_on => None,
        Some(first_day) => Some(format!(
            "ACC-1(2): サービス{}（{name}）は申請日{}の時点で提供実績が6ヶ月に達していません（提供開始{started}、\
             申請できるのは{}以降）",
            entry.code,
            western_date(applied_on),
            western_date(first_day)
        )),
        None => Some(format!(
            "ACC-1(2): サービス{}（{name}）の提供開始日{started}が正しくありません",
            entry.code
        )),
    }
}

/// ACC-2: a department (部門) may be the unit of accreditation instead of the legal entity only when all three
/// hold (seed 003 第2章2 ①–③). The head decides; this only says whether the conditions are declared met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitConditions {
    /// ① The entity has several departments, each providing different services.
    pub has_departments_with_different_services: bool,
    /// ② The department is run independently, has its own policy and budget, and reports its results to the
    /// entity.
    pub independent_policy_and_budget: bool,
    /// ③ It is recognized outside the entity as independent.
    pub recognized_as_independent: bool,
}

impl UnitConditions {
    pub const fn qualifies(&self) -> bool {
        self.has_departments_with_different_services
            && self.independent_policy_and_budget
            && self.recognized_as_independent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn entry(code: ServiceCode, started_on: NaiveDate) -> ServiceEntry {
        ServiceEntry { code, started_on }
    }

    const KK: LegalForm = LegalForm::KabushikiKaisha;

    #[test]
    fn acc_1_2_six_months_count_the_start_day_and_not_the_application_day() {
        assert_eq!(earliest_application_on(d(2025, 10, 1)), Some(d(2026, 4, 1)));
        assert_eq!(earliest_application_on(d(2025, 10, 15)), Some(d(2026, 4, 15)));
        // 2025-08-31 + 6 months has no 02-31: the period ends 02-28 (art. 143), so 03-01 is the first day.
        assert_eq!(earliest_application_on(d(2025, 8, 31)), Some(d(2026, 3, 1)));
        assert_eq!(earliest_application_on(d(2027, 8, 31)), Some(d(2028, 3, 1)));
        let services = [entry(ServiceCode::A, d(2025, 10, 1))];
        assert!(!assess_eligibility(KK, &services, d(2026, 3, 31)).eligible);
        assert!(assess_eligibility(KK, &services, d(2026, 4, 1)).eligible);
    }

    #[test]
    fn acc_1_eligible_application_has_no_reasons() {
        let services = [
            entry(ServiceCode::A, d(2024, 4, 1)),
            entry(ServiceCode::B, d(2025, 1, 10)),
            entry(ServiceCode::E, d(2025, 7, 10)),
        ];
        let result = assess_eligibility(LegalForm::IryoHojin, &services, d(2026, 1, 10));
        assert_eq!(
            result,
            Eligibility {
                eligible: true,
                reasons: vec![],
                notes: vec![]
            }
        );
    }

    #[test]
    fn acc_1_1_needs_at_least_one_service() {
        let result = assess_eligibility(KK, &[], d(2026, 4, 1));
        assert!(!result.eligible);
        assert_eq!(result.reasons.len(), 1);
        assert!(result.reasons[0].starts_with("ACC-1(1)"), "{:?}", result.reasons);
    }

    #[test]
    fn acc_1_1_needs_one_of_a_c_d() {
        let services = [
            entry(ServiceCode::B, d(2020, 1, 1)),
            entry(ServiceCode::E, d(2020, 1, 1)),
        ];
        let result = assess_eligibility(KK, &services, d(2026, 4, 1));
        assert!(!result.eligible);
        assert_eq!(result.reasons.len(), 1);
        assert!(result.reasons[0].contains("いずれかの提供が必須"));
        for core in [ServiceCode::A, ServiceCode::C, ServiceCode::D] {
            let with_core = [entry(ServiceCode::B, d(2020, 1, 1)), entry(core, d(2020, 1, 1))];
            assert!(
                assess_eligibility(KK, &with_core, d(2026, 4, 1)).eligible,
                "{core}"
            );
        }
    }

    #[test]
    fn acc_1_1_duplicate_codes_are_reported_once_each() {
        let services = [
            entry(ServiceCode::A, d(2020, 1, 1)),
            entry(ServiceCode::A, d(2021, 1, 1)),
            entry(ServiceCode::A, d(2022, 1, 1)),
            entry(ServiceCode::B, d(2020, 1, 1)),
            entry(ServiceCode::B, d(2020, 1, 1)),
        ];
        let result = assess_eligibility(KK, &services, d(2026, 4, 1));
        assert_eq!(result.reasons.len(), 2, "{:?}", result.reasons);
        assert!(result.reasons[0].contains("サービスa"));
        assert!(result.reasons[1].contains("サービスb"));
    }

    #[test]
    fn acc_1_2_each_short_service_is_named_with_its_first_possible_day() {
        let services = [
            entry(ServiceCode::A, d(2020, 1, 1)),
            entry(ServiceCode::C, d(2025, 11, 1)),
            entry(ServiceCode::D, d(2026, 5, 1)), // starts after the application
        ];
        let result = assess_eligibility(KK, &services, d(2026, 4, 1));
        assert_eq!(result.reasons.len(), 2, "{:?}", result.reasons);
        assert!(result.reasons[0].contains("サービスc"));
        assert!(result.reasons[0].contains("2026年5月1日以降"));
        assert!(result.reasons[1].contains("サービスd"));
    }

    #[test]
    fn acc_1_3_an_llp_is_not_a_legal_entity() {
        let services = [entry(ServiceCode::A, d(2020, 1, 1))];
        let result = assess_eligibility(LegalForm::Llp, &services, d(2026, 4, 1));
        assert!(!result.eligible);
        assert_eq!(result.reasons.len(), 1);
        assert!(result.reasons[0].contains("有限責任事業組合"));
        for form in LegalForm::ALL.into_iter().filter(|f| *f != LegalForm::Llp) {
            assert!(
                assess_eligibility(form, &services, d(2026, 4, 1)).eligible,
                "{form}"
            );
        }
    }

    #[test]
    fn acc_1_3_other_legal_form_is_eligible_with_a_note() {
        let services = [entry(ServiceCode::A, d(2020, 1, 1))];
        let result = assess_eligibility(LegalForm::Other, &services, d(2026, 4, 1));
        assert!(result.eligible);
        assert!(result.reasons.is_empty());
        assert_eq!(result.notes.len(), 1);
    }

    #[test]
    fn acc_1_every_failure_is_listed() {
        let services = [
            entry(ServiceCode::B, d(2026, 1, 1)),
            entry(ServiceCode::B, d(2026, 1, 1)),
        ];
        let result = assess_eligibility(LegalForm::Llp, &services, d(2026, 4, 1));
        // no a/c/d, duplicate b, two short b entries, LLP
        assert_eq!(result.reasons.len(), 5, "{:?}", result.reasons);
    }

    #[test]
    fn acc_2_unit_needs_all_three_conditions() {
        let all = UnitConditions {
            has_departments_with_different_services: true,
            independent_policy_and_budget: true,
            recognized_as_independent: true,
        };
        assert!(all.qualifies());
        assert!(
            !UnitConditions {
                has_departments_with_different_services: false,
                ..all
            }
            .qualifies()
        );
        assert!(
            !UnitConditions {
                independent_policy_and_budget: false,
                ..all
            }
            .qualifies()
        );
        assert!(
            !UnitConditions {
                recognized_as_independent: false,
                ..all
            }
            .qualifies()
        );
        assert!(!UnitConditions::default().qualifies());
    }

    proptest! {
        // ACC-1: eligible exactly when no reason is given; and a later application never loses eligibility.
        #[test]
        fn acc_1_eligible_iff_no_reasons_and_monotonic_in_applied_on(
            starts in proptest::collection::vec((0usize..5, 0u64..3_000), 0..6),
            applied in 0u64..3_000,
            later in 0u64..400,
            llp in any::<bool>(),
        ) {
            let base = d(2020, 1, 1);
            let services: Vec<_> = starts
                .iter()
                .map(|(i, off)| entry(ServiceCode::ALL[*i], base + chrono::Days::new(*off)))
                .collect();
            let form = if llp { LegalForm::Llp } else { KK };
            let applied_on = base + chrono::Days::new(applied);
            let now = assess_eligibility(form, &services, applied_on);
            prop_assert_eq!(now.eligible, now.reasons.is_empty());
            let then = assess_eligibility(form, &services, applied_on + chrono::Days::new(later));
            prop_assert!(!now.eligible || then.eligible);
        }
    }
}
