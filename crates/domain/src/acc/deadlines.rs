//! The deadlines a case shows after a committee decision (API `deadlines: [{kind, due_on}]`, ACC-11, ACC-12,
//! ACC-21).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::case::{Decision, Outcome};
use super::dates::{appeal_due, hold_documents_due, result_notice_due, review_report_due};
use crate::calendar::OfficeCalendar;

/// What a deadline is for; the API strings are serde's.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// ACC-5/6: the self-study material, on the date the review plan sets.
    SelfStudy,
    /// ACC-12: the office's result notice, 4 weeks after the decision.
    ResultNotice,
    /// ACC-12: the office's review report, 2 months after an accreditation or denial.
    ReviewReport,
    /// ACC-11 hold: the organization's additional documents, 3 months from the office's request.
    DocumentsDue,
    /// ACC-11 defer: the end of the grace period the committee set.
    GracePeriod,
    /// ACC-21: the organization's appeal, 1 month from the day after it learned of the decision.
    Appeal,
    /// ACC-21: the committee's review of an appeal, 2 months from receipt.
    AppealReview,
    /// ACC-14: the annual maintenance report.
    AnnualReport,
    /// ACC-15: a self-report.
    SelfReport,
    /// ACC-19: the office's renewal notice, 12 months before the expiry.
    RenewalNotice,
}

impl DeadlineKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::SelfStudy => "self_study",
            DeadlineKind::ResultNotice => "result_notice",
            DeadlineKind::ReviewReport => "review_report",
            DeadlineKind::DocumentsDue => "documents_due",
            DeadlineKind::GracePeriod => "grace_period",
            DeadlineKind::Appeal => "appeal",
            DeadlineKind::AppealReview => "appeal_review",
            DeadlineKind::AnnualReport => "annual_report",
            DeadlineKind::SelfReport => "self_report",
            DeadlineKind::RenewalNotice => "renewal_notice",
        }
    }

    /// Who must act by the date (the one deadline model of both schemes).
    pub const fn owner(self) -> crate::deadline::Owner {
        use crate::deadline::Owner;
        match self {
            DeadlineKind::ResultNotice
            | DeadlineKind::ReviewReport
            | DeadlineKind::AppealReview
            | DeadlineKind::RenewalNotice => Owner::Office,
            DeadlineKind::SelfStudy
            | DeadlineKind::DocumentsDue
            | DeadlineKind::GracePeriod
            | DeadlineKind::Appeal
            | DeadlineKind::AnnualReport
            | DeadlineKind::SelfReport => Owner::Organization,
        }
    }

    /// The deadline's name in Japanese, as lists and reminders show it.
    pub const fn title_ja(self) -> &'static str {
        match self {
            DeadlineKind::SelfStudy => "セルフスタディの提出",
            DeadlineKind::ResultNotice => "認定審査結果通知書の送付",
            DeadlineKind::ReviewReport => "審査報告書の送付",
            DeadlineKind::DocumentsDue => "保留に係る追加資料の提出",
            DeadlineKind::GracePeriod => "延期の猶予期間の終了",
            DeadlineKind::Appeal => "不服申立ての期限",
            DeadlineKind::AppealReview => "不服申立ての審査",
            DeadlineKind::AnnualReport => "認定維持報告書の提出",
            DeadlineKind::SelfReport => "自己申告の提出",
            DeadlineKind::RenewalNotice => "更新の案内",
        }
    }
}

/// One entry of the API's `deadlines`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
}

/// What the office has recorded about the written result notice of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeDates {
    /// The day the notice (for a hold: the request for documents) was sent.
    pub sent_on: Option<NaiveDate>,
    /// The day the organization received it.
    pub received_on: Option<NaiveDate>,
}

/// The deadlines after `decision`, sorted by date:
///
/// - every outcome: `result_notice` (4 weeks; ACC-12 sets it for all four);
/// - accredit and deny: `review_report` (2 months);
/// - hold: `documents_due`, 3 months from the request's sending day with art. 142 — until the office records
///   that day, the decision day stands in for it (the organization is told at once by e-mail, ACC-12);
/// - defer: `grace_period` = `grace_until`;
/// - deny: `appeal`, once the notice's receipt is recorded (1 month from the next day, art. 142).
pub fn deadlines_after_decision(
    decision: &Decision,
    notice: &NoticeDates,
    office: &OfficeCalendar,
) -> Vec<Deadline> {
    let decided_on = decision.decided_on;
    let mut out = vec![(DeadlineKind::ResultNotice, result_notice_due(decided_on))];
    match decision.outcome {
        Outcome::Accredit => out.push((DeadlineKind::ReviewReport, review_report_due(decided_on))),
        Outcome::Hold => out.push((
            DeadlineKind::DocumentsDue,
            hold_documents_due(notice.sent_on.unwrap_or(decided_on), office),
        )),
        Outcome::Defer => out.push((DeadlineKind::GracePeriod, decision.grace_until)),
        Outcome::Deny => {
            out.push((DeadlineKind::ReviewReport, review_report_due(decided_on)));
            out.push((
                DeadlineKind::Appeal,
                notice.received_on.and_then(|r| appeal_due(r, office)),
            ));
        }
    }
    let mut deadlines: Vec<Deadline> = out
        .into_iter()
        .filter_map(|(kind, due_on)| due_on.map(|due_on| Deadline { kind, due_on }))
        .collect();
    deadlines.sort_by_key(|d| (d.due_on, d.kind));
    deadlines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn kinds_and_dates(deadlines: &[Deadline]) -> Vec<(&'static str, NaiveDate)> {
        deadlines.iter().map(|d| (d.kind.as_str(), d.due_on)).collect()
    }

    fn decision(outcome: Outcome, grace_until: Option<NaiveDate>) -> Decision {
        Decision {
            outcome,
            decided_on: d(2026, 4, 1),
            grace_until,
        }
    }

    #[test]
    fn acc_12_accredit_result_notice_and_review_report() {
        let got = deadlines_after_decision(
            &decision(Outcome::Accredit, None),
            &NoticeDates::default(),
            &OfficeCalendar::default(),
        );
        assert_eq!(
            kinds_and_dates(&got),
            [
                ("result_notice", d(2026, 4, 29)),
                ("review_report", d(2026, 6, 1))
            ]
        );
    }

    #[test]
    fn acc_11_hold_documents_from_the_notice() {
        let office = OfficeCalendar::default();
        let hold = decision(Outcome::Hold, None);
        let got = deadlines_after_decision(&hold, &NoticeDates::default(), &office);
        assert_eq!(
            kinds_and_dates(&got),
            [
                ("result_notice", d(2026, 4, 29)),
                ("documents_due", d(2026, 7, 1))
            ]
        );
        let sent = NoticeDates {
            sent_on: Some(d(2026, 5, 2)),
            received_on: None,
        };
        let got = deadlines_after_decision(&hold, &sent, &office);
        assert_eq!(
            kinds_and_dates(&got),
            [
                ("result_notice", d(2026, 4, 29)),
                ("documents_due", d(2026, 8, 3))
            ]
        );
    }

    #[test]
    fn acc_11_defer_grace_period_is_grace_until() {
        let got = deadlines_after_decision(
            &decision(Outcome::Defer, Some(d(2026, 4, 20))),
            &NoticeDates::default(),
            &OfficeCalendar::default(),
        );
        // Sorted by date: the grace period here ends before the notice is due.
        assert_eq!(
            kinds_and_dates(&got),
            [
                ("grace_period", d(2026, 4, 20)),
                ("result_notice", d(2026, 4, 29))
            ]
        );
    }

    #[test]
    fn acc_21_deny_appeal_once_the_notice_is_received() {
        let office = OfficeCalendar::default();
        let deny = Decision {
            outcome: Outcome::Deny,
            decided_on: d(2026, 1, 5),
            grace_until: None,
        };
        let got = deadlines_after_decision(&deny, &NoticeDates::default(), &office);
        assert_eq!(
            kinds_and_dates(&got),
            [("result_notice", d(2026, 2, 2)), ("review_report", d(2026, 3, 5))]
        );
        let received = NoticeDates {
            sent_on: Some(d(2026, 1, 14)),
            received_on: Some(d(2026, 1, 15)),
        };
        let got = deadlines_after_decision(&deny, &received, &office);
        assert_eq!(
            kinds_and_dates(&got),
            [
                ("result_notice", d(2026, 2, 2)),
                ("appeal", d(2026, 2, 16)),
                ("review_report", d(2026, 3, 5))
            ]
        );
    }

    #[test]
    fn deadline_kinds_use_the_api_strings() {
        use serde::de::IntoDeserializer;
        let all = [
            DeadlineKind::SelfStudy,
            DeadlineKind::ResultNotice,
            DeadlineKind::ReviewReport,
            DeadlineKind::DocumentsDue,
            DeadlineKind::GracePeriod,
            DeadlineKind::Appeal,
            DeadlineKind::AppealReview,
            DeadlineKind::AnnualReport,
            DeadlineKind::SelfReport,
            DeadlineKind::RenewalNotice,
        ];
        for kind in all {
            let parsed: Result<DeadlineKind, serde::de::value::Error> =
                DeadlineKind::deserialize(kind.as_str().into_deserializer());
            assert_eq!(parsed, Ok(kind));
        }
    }
}
