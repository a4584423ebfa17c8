//! Renewal (ACC-19) and scope changes (ACC-20) of an accreditation: when the renewal notice is sent, what an
//! extension of validity may ask, the dates a successful renewal gives, and the track record an added service
//! needs.
//!
//! Pure: `today` and every date are parameters.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::{accreditation_expires_on, renewal_accredited_on, renewal_notice_due};
use super::eligibility::Eligibility;
use super::eligibility::earliest_application_on;
use super::service::{ServiceCode, ServiceEntry};
use super::standards::{Catalog, Standard};
use crate::fees::{FeeBreakdown, Yen, added_services_fee};

/// The kind of an accreditation case: a first application, a renewal of an accreditation (ACC-19), or services
/// added to one (ACC-20). Renewal and scope cases go through the same review flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    Initial,
    Renewal,
    ScopeAddition,
}

impl CaseKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            CaseKind::Initial => "initial",
            CaseKind::Renewal => "renewal",
            CaseKind::ScopeAddition => "scope_addition",
        }
    }

    pub fn parse(s: &str) -> Option<CaseKind> {
        match s {
            "initial" => Some(CaseKind::Initial),
            "renewal" => Some(CaseKind::Renewal),
            "scope_addition" => Some(CaseKind::ScopeAddition),
            _ => None,
        }
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            CaseKind::Initial => "初回認定",
            CaseKind::Renewal => "認定の更新",
            CaseKind::ScopeAddition => "認定サービスの追加",
        }
    }
}

/// ACC-19: does the daily job send the renewal notice for an accreditation expiring on `expires_on` today? From
/// twelve months before the expiry (the day [`renewal_notice_due`] names is the last day that still leaves twelve
/// months; the job sends on that day, or at once for an accreditation already nearer its expiry) until the expiry.
pub fn renewal_notice_is_due(expires_on: NaiveDate, today: NaiveDate) -> bool {
    renewal_notice_due(expires_on).is_some_and(|due| today >= due) && today <= expires_on
}

/// Why an extension request or decision is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionError {
    /// The validity asked for does not go beyond the current expiry.
    NotBeyondExpiry { expires_on: NaiveDate },
    /// Asked after the validity ended: there is nothing left to extend.
    AfterExpiry { expires_on: NaiveDate },
}

impl std::fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExtensionError::NotBeyondExpiry { expires_on } => write!(
                f,
                "ACC-19: 延長後の認定期限は現在の認定期限（{expires_on}）より後の日にしてください (must be after the expiry)"
            ),
            ExtensionError::AfterExpiry { expires_on } => write!(
                f,
                "ACC-19: 認定期限（{expires_on}）を過ぎており、延長できません (the validity has ended)"
            ),
        }
    }
}

/// ACC-19: an extension of validity asked during the renewal review, on `asked_on`, to `until`.
pub fn check_extension(
    expires_on: NaiveDate,
    asked_on: NaiveDate,
    until: NaiveDate,
) -> Result<(), ExtensionError> {
    if asked_on > expires_on {
        return Err(ExtensionError::AfterExpiry { expires_on });
    }
    if until <= expires_on {
        return Err(ExtensionError::NotBeyondExpiry { expires_on });
    }
    Ok(())
}

/// ACC-19: the validity a successful renewal gives: from the day after the previous (pre-extension, when an
/// extension was granted) expiry, three years counted from that day. Expires 2029-03-31, renewed 2029-02-10 →
/// 2029-04-01 … 2032-03-31; extended to 2029-06-30 and renewed 2029-06-15 → still 2029-04-01 … 2032-03-31.
pub fn renewed_validity(
    decided_on: NaiveDate,
    pre_extension_expires_on: NaiveDate,
    extended: bool,
) -> Option<(NaiveDate, NaiveDate)> {
    let from = renewal_accredited_on(decided_on, pre_extension_expires_on, extended)?;
    Some((from, accreditation_expires_on(from)?))
}

/// ACC-20: the added services that lack six months of track record as of `applied_on` (the same count as
/// ACC-1(2)).
pub fn short_track_record(services: &[ServiceEntry], applied_on: NaiveDate) -> Vec<ServiceEntry> {
    services
        .iter()
        .filter(|s| earliest_application_on(s.started_on).is_none_or(|first| applied_on < first))
        .copied()
        .collect()
}

/// ACC-20: the eligibility of a scope addition — the accreditation covers ACC-1 already; each added service
/// needs six months of track record as of the application.
pub fn scope_addition_eligibility(services: &[ServiceEntry], applied_on: NaiveDate) -> Eligibility {
    let reasons: Vec<String> = short_track_record(services, applied_on)
        .iter()
        .map(|s| {
            format!(
                "ACC-20: サービス{}の提供実績が申請日時点で6ヶ月に満たない（提供開始 {}） (less than six months of track record)",
                s.code.as_str(),
                s.started_on.format("%Y-%m-%d")
            )
        })
        .collect();
    Eligibility {
        eligible: reasons.is_empty() && !services.is_empty(),
        reasons,
        notes: Vec::new(),
    }
}

/// ACC-20: the fee of a scope addition, ¥60,000 per added service (extra visits are invoiced on top).
pub fn scope_addition_fee(added: usize) -> FeeBreakdown {
    let fee = added_services_fee(u32::try_from(added).unwrap_or(u32::MAX));
    FeeBreakdown {
        base_yen: Yen::ZERO,
        services_addon_yen: fee,
        revenue_addon_yen: Yen::ZERO,
        total_yen: fee,
    }
}

/// ACC-20: the standards a case is reviewed against. A scope addition is reviewed on the added services'
/// standards only (the accreditation already covers the rest); other cases on [`Catalog::in_scope`].
pub fn review_scope<'a>(
    catalog: &'a Catalog,
    kind: CaseKind,
    services: &'a [ServiceCode],
) -> impl Iterator<Item = &'a Standard> + 'a {
    catalog.in_scope(services).filter(move |s| {
        kind != CaseKind::ScopeAddition || s.service.is_some_and(|service| services.contains(&service))
    })
}

/// ACC-1(1), ACC-18(1): the services left after ending some no longer make the organization eligible when none of
/// them is a, c or d (a core service). Ending every service is a lapse (ACC-17), refused as a scope change.
pub fn remaining_services_keep_eligibility(remaining: &[ServiceCode]) -> bool {
    remaining.iter().any(|s| s.is_core())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acc_1_1_acc_18_services_left_without_a_c_or_d_lose_eligibility() {
        use ServiceCode::{A, B, C, D, E};
        assert!(remaining_services_keep_eligibility(&[A]));
        assert!(remaining_services_keep_eligibility(&[B, C]));
        assert!(remaining_services_keep_eligibility(&[E, D]));
        assert!(!remaining_services_keep_eligibility(&[B, E]));
        assert!(!remaining_services_keep_eligibility(&[B]));
        assert!(!remaining_services_keep_eligibility(&[]));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn acc_19_notice_twelve_months_before_expiry() {
        // Accredited 2026-04-01 → expires 2029-03-31 → the notice is due by 2028-03-31.
        assert!(!renewal_notice_is_due(d(2029, 3, 31), d(2028, 3, 30)));
        assert!(renewal_notice_is_due(d(2029, 3, 31), d(2028, 3, 31)));
        assert!(renewal_notice_is_due(d(2029, 3, 31), d(2029, 3, 31)));
        assert!(!renewal_notice_is_due(d(2029, 3, 31), d(2029, 4, 1)));
    }

    #[test]
    fn acc_19_renewal_dates_from_the_day_after_the_pre_extension_expiry() {
        // docs/rules.md: accredited 2026-04-01 → valid through 2029-03-31.
        assert_eq!(
            renewed_validity(d(2029, 2, 10), d(2029, 3, 31), false),
            Some((d(2029, 4, 1), d(2032, 3, 31)))
        );
        // Extended to 2029-06-30, renewed 2029-06-15: the new accreditation date is still 2029-04-01.
        assert_eq!(
            renewed_validity(d(2029, 6, 15), d(2029, 3, 31), true),
            Some((d(2029, 4, 1), d(2032, 3, 31)))
        );
    }

    #[test]
    fn acc_19_extension_must_go_beyond_the_expiry_and_be_asked_in_time() {
        assert_eq!(
            check_extension(d(2029, 3, 31), d(2029, 3, 1), d(2029, 6, 30)),
            Ok(())
        );
        assert_eq!(
            check_extension(d(2029, 3, 31), d(2029, 3, 1), d(2029, 3, 31)),
            Err(ExtensionError::NotBeyondExpiry {
                expires_on: d(2029, 3, 31)
            })
        );
        assert_eq!(
            check_extension(d(2029, 3, 31), d(2029, 4, 1), d(2029, 6, 30)),
            Err(ExtensionError::AfterExpiry {
                expires_on: d(2029, 3, 31)
            })
        );
    }

    #[test]
    fn acc_20_added_service_needs_six_months_of_track_record() {
        let c = ServiceEntry {
            code: ServiceCode::C,
            started_on: d(2025, 10, 1),
        };
        // Started 2025-10-01 → six months end 2026-03-31 → the first day to apply is 2026-04-01.
        assert_eq!(short_track_record(&[c], d(2026, 3, 31)), vec![c]);
        assert!(short_track_record(&[c], d(2026, 4, 1)).is_empty());
        assert!(!scope_addition_eligibility(&[c], d(2026, 3, 31)).eligible);
        assert!(scope_addition_eligibility(&[c], d(2026, 4, 1)).eligible);
    }

    #[test]
    fn acc_20_sixty_thousand_yen_per_added_service() {
        assert_eq!(scope_addition_fee(1).total_yen, Yen::new(60_000));
        assert_eq!(scope_addition_fee(2).services_addon_yen, Yen::new(120_000));
        assert_eq!(scope_addition_fee(2).base_yen, Yen::ZERO);
    }

    #[test]
    fn acc_20_scope_addition_is_reviewed_on_the_added_services_standards_only() {
        let catalog = crate::acc::standards::sample_catalog();
        let c = [ServiceCode::C];
        let scope: Vec<_> = review_scope(&catalog, CaseKind::ScopeAddition, &c).collect();
        assert!(!scope.is_empty());
        assert!(scope.iter().all(|s| s.service == Some(ServiceCode::C)));
        let full = review_scope(&catalog, CaseKind::Renewal, &c).count();
        assert!(full > scope.len());
    }

    #[test]
    fn case_kinds_round_trip() {
        for k in [CaseKind::Initial, CaseKind::Renewal, CaseKind::ScopeAddition] {
            assert_eq!(CaseKind::parse(k.as_str()), Some(k));
        }
    }
}
