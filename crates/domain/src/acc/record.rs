//! The accreditation record after the committee's decision (seed 003 第7章): its status and
//! the changes allowed between statuses (ACC-14 suspension, ACC-17 lapse, ACC-18 revocation), the grounds of a
//! lapse and of a revocation, the self-report events with what each must say (ACC-15), the contents of the
//! annual maintenance report (ACC-14) and the compliance review (ACC-16).
//!
//! Pure: no clock; `today` and dates come in as parameters.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::{SelfReportEvent, annual_report_dues, self_report_due};
use crate::calendar::OfficeCalendar;

/// The status of an accreditation (API `status`; ACC-23 publishes it on verification).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccreditationStatus {
    Active,
    /// 停止 (ACC-14): after a late annual report; lifted back to active.
    Suspended,
    /// 失効 (ACC-17).
    Lapsed,
    /// 取消し (ACC-18).
    Revoked,
}

impl AccreditationStatus {
    pub const ALL: [AccreditationStatus; 4] = [
        AccreditationStatus::Active,
        AccreditationStatus::Suspended,
        AccreditationStatus::Lapsed,
        AccreditationStatus::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccreditationStatus::Active => "active",
            AccreditationStatus::Suspended => "suspended",
            AccreditationStatus::Lapsed => "lapsed",
            AccreditationStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<AccreditationStatus> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            AccreditationStatus::Active => "有効",
            AccreditationStatus::Suspended => "停止中",
            AccreditationStatus::Lapsed => "失効",
            AccreditationStatus::Revoked => "取消し",
        }
    }

    /// Lapsed and revoked accreditations are over; nothing changes them any more (a new accreditation is a
    /// new review, ACC-19).
    pub fn is_final(self) -> bool {
        matches!(self, AccreditationStatus::Lapsed | AccreditationStatus::Revoked)
    }
}

/// A change of status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusChange {
    /// ACC-14: the office suspends after a late annual report.
    Suspend,
    /// ACC-14: the office lifts the suspension.
    LiftSuspension,
    /// ACC-17.
    Lapse(LapseReason),
    /// ACC-18.
    Revoke,
}

impl StatusChange {
    /// The history entry's `kind` (accreditation_events).
    pub fn event_kind(self) -> &'static str {
        match self {
            StatusChange::Suspend => "suspended",
            StatusChange::LiftSuspension => "suspension_lifted",
            StatusChange::Lapse(_) => "lapsed",
            StatusChange::Revoke => "revoked",
        }
    }
}

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("認定の状態が「{}」のため、この操作はできません (not allowed while {})", .0.label_ja(), .0.as_str())]
    WrongStatus(AccreditationStatus),
    #[error("提出期限を過ぎた認定維持報告書がないため、停止できません (no annual report is late, ACC-14)")]
    NoLateAnnualReport,
    #[error("有効期間がまだ満了していません (the validity has not ended, ACC-17)")]
    NotExpired,
}

/// The status after `change` from `from` (ACC-14, ACC-17, ACC-18):
///
/// - suspend: only an active accreditation, and only when an annual report is late (`annual_report_late`);
/// - lift: only a suspended one;
/// - lapse: an active or suspended one (a suspended accreditation still lapses at its expiry or on closure);
///   for `Expiry` only once the validity has ended (`expired`);
/// - revoke: an active or suspended one.
pub fn change_status(
    from: AccreditationStatus,
    change: StatusChange,
    annual_report_late: bool,
    expired: bool,
) -> Result<AccreditationStatus, RecordError> {
    use AccreditationStatus::*;
    match (change, from) {
        (StatusChange::Suspend, Active) if annual_report_late => Ok(Suspended),
        (StatusChange::Suspend, Active) => Err(RecordError::NoLateAnnualReport),
        (StatusChange::LiftSuspension, Suspended) => Ok(Active),
        (StatusChange::Lapse(LapseReason::Expiry), Active | Suspended) if !expired => {
            Err(RecordError::NotExpired)
        }
        (StatusChange::Lapse(_), Active | Suspended) => Ok(Lapsed),
        (StatusChange::Revoke, Active | Suspended) => Ok(Revoked),
        (_, from) => Err(RecordError::WrongStatus(from)),
    }
}

/// Whether the validity ended before `today` (expires_on is the last valid day).
pub fn is_expired(expires_on: NaiveDate, today: NaiveDate) -> bool {
    today > expires_on
}

/// ACC-17: why an accreditation lapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LapseReason {
    /// (1) 認定機関が閉鎖されたとき.
    Closure,
    /// (2) 認定サービスのすべてが廃止されたとき.
    ServicesEnded,
    /// (3) 認定機関から認定を辞退する旨の申出があったとき.
    Withdrawal,
    /// (4) 認定期間が認定の更新を受けることなく満了したとき — applied by the daily job.
    Expiry,
}

impl LapseReason {
    pub const ALL: [LapseReason; 4] = [
        LapseReason::Closure,
        LapseReason::ServicesEnded,
        LapseReason::Withdrawal,
        LapseReason::Expiry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LapseReason::Closure => "closure",
            LapseReason::ServicesEnded => "services_ended",
            LapseReason::Withdrawal => "withdrawal",
            LapseReason::Expiry => "expiry",
        }
    }

    pub fn parse(s: &str) -> Option<LapseReason> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            LapseReason::Closure => "機関の閉鎖",
            LapseReason::ServicesEnded => "認定サービスのすべての廃止",
            LapseReason::Withdrawal => "認定の辞退",
            LapseReason::Expiry => "更新を受けることなく認定期間が満了",
        }
    }

    /// The office records closure, end of services and withdrawal; expiry is the job's.
    pub fn recorded_by_office(self) -> bool {
        self != LapseReason::Expiry
    }
}

/// ACC-18 (seed 003 第7章6): the grounds of a revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevocationGround {
    /// The compliance review (ACC-16) concluded so.
    ComplianceReview,
    /// (1) 認定受審資格を失ったとき.
    EligibilityLost,
    /// (2) 実地調査に際して故意に虚偽の説明をしたとき.
    FalseExplanation,
    /// (3) 認定維持報告書および自己申告を怠ったときまたは虚偽の報告をしたとき.
    ReportsNeglectedOrFalse,
    /// (4) 適合状況調査を正当な理由なく拒否したときまたは調査に際して虚偽の説明をしたとき.
    ReviewRefusedOrFalse,
}

impl RevocationGround {
    pub const ALL: [RevocationGround; 5] = [
        RevocationGround::ComplianceReview,
        RevocationGround::EligibilityLost,
        RevocationGround::FalseExplanation,
        RevocationGround::ReportsNeglectedOrFalse,
        RevocationGround::ReviewRefusedOrFalse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RevocationGround::ComplianceReview => "compliance_review",
            RevocationGround::EligibilityLost => "eligibility_lost",
            RevocationGround::FalseExplanation => "false_explanation",
            RevocationGround::ReportsNeglectedOrFalse => "reports_neglected_or_false",
            RevocationGround::ReviewRefusedOrFalse => "review_refused_or_false",
        }
    }

    pub fn parse(s: &str) -> Option<RevocationGround> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            RevocationGround::ComplianceReview => "適合状況の調査の結果",
            RevocationGround::EligibilityLost => "認定受審資格を失ったこと",
            RevocationGround::FalseExplanation => "実地調査に際して故意に虚偽の説明をしたこと",
            RevocationGround::ReportsNeglectedOrFalse => {
                "認定維持報告書または自己申告を怠ったこと、または虚偽の報告をしたこと"
            }
            RevocationGround::ReviewRefusedOrFalse => {
                "適合状況調査を正当な理由なく拒否したこと、または調査に際して虚偽の説明をしたこと"
            }
        }
    }
}

/// How the committee decides a revocation (ACC-16): in a meeting, or by the head asking each member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionMethod {
    Meeting,
    Poll,
}

impl DecisionMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionMethod::Meeting => "meeting",
            DecisionMethod::Poll => "poll",
        }
    }

    pub fn parse(s: &str) -> Option<DecisionMethod> {
        match s {
            "meeting" => Some(DecisionMethod::Meeting),
            "poll" => Some(DecisionMethod::Poll),
            _ => None,
        }
    }
}

/// The result of a poll: revocation is decided when more than half of the members who answered (members with a
/// conflict never answer, ACC-8) are for it, and at least one answered.
pub fn poll_revokes(for_revocation: usize, against: usize) -> bool {
    for_revocation > against
}

// ---------------------------------------------------------------------------------------------------------
// ACC-15 self-reports

impl SelfReportEvent {
    pub const ALL: [SelfReportEvent; 6] = [
        SelfReportEvent::Closure,
        SelfReportEvent::OtherLocation,
        SelfReportEvent::Merger,
        SelfReportEvent::ChangeOfHead,
        SelfReportEvent::JudgmentOrSanction,
        SelfReportEvent::ClientHarm,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SelfReportEvent::Closure => "closure",
            SelfReportEvent::OtherLocation => "other_location",
            SelfReportEvent::Merger => "merger",
            SelfReportEvent::ChangeOfHead => "change_of_head",
            SelfReportEvent::JudgmentOrSanction => "judgment_or_sanction",
            SelfReportEvent::ClientHarm => "client_harm",
        }
    }

    pub fn parse(s: &str) -> Option<SelfReportEvent> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The seed's 発生事項.
    pub fn label_ja(self) -> &'static str {
        match self {
            SelfReportEvent::Closure => "機関の閉鎖または認定サービスの全廃または一部の中止",
            SelfReportEvent::OtherLocation => "認定サービスを別の場所で提供すること",
            SelfReportEvent::Merger => "合併または買収",
            SelfReportEvent::ChangeOfHead => "代表者、サービス提供責任者等の変更",
            SelfReportEvent::JudgmentOrSanction => "判決または行政処分",
            SelfReportEvent::ClientHarm => "クライアントの健康被害",
        }
    }

    /// What the event date means (the seed's 申告日 column).
    pub fn event_on_label_ja(self) -> &'static str {
        match self {
            SelfReportEvent::Closure => "閉鎖または中止を決定した日",
            SelfReportEvent::OtherLocation => "別の場所での提供を決定した日",
            SelfReportEvent::Merger => "合併または買収を決定した日",
            SelfReportEvent::ChangeOfHead => "変更の日",
            SelfReportEvent::JudgmentOrSanction => "判決または行政処分を受けた日",
            SelfReportEvent::ClientHarm => "健康被害の発生を知った日",
        }
    }

    /// The seed's 申告内容: `(field, label)`; every field is required.
    pub fn content_fields(self) -> &'static [(&'static str, &'static str)] {
        match self {
            SelfReportEvent::Closure => &[
                ("description", "閉鎖すること、または中止する認定サービス"),
                ("effective_on", "閉鎖日、または中止するサービス名と中止日"),
                ("client_measures", "利用者に対する対応"),
            ],
            SelfReportEvent::OtherLocation => &[
                ("address", "提供場所の住所"),
                ("manager", "提供場所を管理する責任者と連絡先"),
                ("starts_on", "サービス提供の開始日"),
                ("services", "提供するサービス"),
            ],
            SelfReportEvent::Merger => &[
                ("description", "合併または買収する（される）機関または法人"),
                ("effective_on", "合併または買収の期日"),
            ],
            SelfReportEvent::ChangeOfHead => &[
                ("position", "変更になった役職（代表者、サービスの責任者）"),
                ("new_name", "新しい代表者、責任者等の氏名"),
                ("changed_on", "変更日"),
            ],
            SelfReportEvent::JudgmentOrSanction => &[
                (
                    "description",
                    "業務に関連した訴訟の判決または行政処分を受けたこと",
                ),
                ("content", "判決または行政処分の内容"),
                ("response", "判決または行政処分への対応"),
            ],
            SelfReportEvent::ClientHarm => &[
                ("situation", "健康被害状況の説明"),
                ("prevention", "再発防止のための措置"),
            ],
        }
    }
}

/// A self-report's due date and whether it came late (ACC-15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SelfReportTiming {
    pub due_on: NaiveDate,
    pub late: bool,
}

pub fn self_report_timing(
    event: SelfReportEvent,
    event_on: NaiveDate,
    submitted_on: NaiveDate,
    office: &OfficeCalendar,
) -> Option<SelfReportTiming> {
    let due_on = self_report_due(event, event_on, office)?;
    Some(SelfReportTiming {
        due_on,
        late: submitted_on > due_on,
    })
}

// ---------------------------------------------------------------------------------------------------------
// ACC-14 annual maintenance report

/// The contents of the annual maintenance report (認定維持報告書). The seed says only that it confirms that
/// conformity with the standards is maintained; these are the fields a careful office asks for (see
/// docs/decisions.md): every field is required.
pub const ANNUAL_REPORT_FIELDS: &[(&str, &str)] = &[
    ("services_provided", "この1年間に提供した認定サービスとその実績"),
    (
        "organization_changes",
        "組織・体制の変更（代表者、責任者、所在地、職員数など）",
    ),
    ("conformity", "認定基準への適合を維持していることの確認"),
    (
        "improvements",
        "審査報告書で改善を求められた分野とレーティング3・4の基準への対応状況",
    ),
    ("incidents", "苦情・事故およびその対応"),
];

/// One annual report of a validity: `year` 1 or 2 and its due date (ACC-14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AnnualReportDue {
    pub year: u32,
    pub due_on: NaiveDate,
}

/// The annual reports an accreditation owes, numbered from 1 (see [`annual_report_dues`]).
pub fn annual_reports_owed(accredited_on: NaiveDate, office: &OfficeCalendar) -> Vec<AnnualReportDue> {
    annual_report_dues(accredited_on, office)
        .into_iter()
        .zip(1u32..)
        .map(|(due_on, year)| AnnualReportDue { year, due_on })
        .collect()
}

/// ACC-14, ACC-19: reports are numbered on across validities (a renewal adds the next two), so the year of a
/// report within its own validity — what its opening date counts from — is 1 or 2 again after each renewal.
pub fn annual_report_year_in_validity(year: u32) -> u32 {
    let per_validity = 2;
    year.saturating_sub(1) % per_validity + 1
}

/// ACC-19 with ACC-17: a renewal is accredited only while the accreditation it renews is still in force (active
/// or suspended, not past its expiry as extended): a lapsed, revoked or expired accreditation is never revived
/// with new dates — the organization applies anew and receives a new number.
pub fn renewal_may_be_accredited(
    status: AccreditationStatus,
    expires_on: NaiveDate,
    decided_on: NaiveDate,
) -> bool {
    matches!(
        status,
        AccreditationStatus::Active | AccreditationStatus::Suspended
    ) && decided_on <= expires_on
}

/// Whether an annual report due `due_on`, submitted on `submitted_on` (if at all), is late on `today`.
pub fn annual_report_late(due_on: NaiveDate, submitted_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    match submitted_on {
        Some(s) => s > due_on,
        None => today > due_on,
    }
}

/// The annual report may be submitted from the first day of the month *before* the accreditation month of its
/// year (so that a report prepared in time can arrive within the month; not earlier, since it reports on the
/// year) — a report submitted after the due date is accepted and flagged late.
pub fn annual_report_opens_on(due: &AnnualReportDue, accredited_on: NaiveDate) -> Option<NaiveDate> {
    use chrono::{Datelike, Months};
    accredited_on
        .with_day(1)?
        .checked_add_months(Months::new(12 * due.year - 1))
}

// ---------------------------------------------------------------------------------------------------------
// ACC-16 compliance review

/// The three triggers of a compliance review (seed 003 第7章4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewTrigger {
    /// (1) 認定維持報告書の検討結果から、認定基準に適合していない疑いがあるとき.
    AnnualReport,
    /// (2) 実地調査に際して認定調査員に行った説明に誤りがあったことが判明したとき.
    SiteVisitExplanation,
    /// (3) 自己申告があった場合で、認定業務本部が必要と認めるとき.
    SelfReport,
}

impl ReviewTrigger {
    pub const ALL: [ReviewTrigger; 3] = [
        ReviewTrigger::AnnualReport,
        ReviewTrigger::SiteVisitExplanation,
        ReviewTrigger::SelfReport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewTrigger::AnnualReport => "annual_report",
            ReviewTrigger::SiteVisitExplanation => "site_visit_explanation",
            ReviewTrigger::SelfReport => "self_report",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewTrigger> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ReviewTrigger::AnnualReport => "認定維持報告書から基準に適合していない疑い",
            ReviewTrigger::SiteVisitExplanation => "実地調査での説明の誤りの判明",
            ReviewTrigger::SelfReport => "自己申告",
        }
    }

    /// Triggers (1) and (3) name the report they come from.
    pub fn needs_reference(self) -> bool {
        self != ReviewTrigger::SiteVisitExplanation
    }
}

/// A compliance review's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Open,
    /// The office asked the committee to revoke (ACC-16).
    RevocationRequested,
    Closed,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Open => "open",
            ReviewStatus::RevocationRequested => "revocation_requested",
            ReviewStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewStatus> {
        match s {
            "open" => Some(ReviewStatus::Open),
            "revocation_requested" => Some(ReviewStatus::RevocationRequested),
            "closed" => Some(ReviewStatus::Closed),
            _ => None,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ReviewStatus::Open => "調査中",
            ReviewStatus::RevocationRequested => "取消しを委員会に請求中",
            ReviewStatus::Closed => "終了",
        }
    }
}

/// How a review ends without revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// Conformity confirmed.
    Conforming,
    /// Minor findings corrected within the period set (reflected in the result, ACC-16).
    Corrected,
    /// The committee decided not to revoke.
    NotRevoked,
    /// Revoked (closed by the revocation itself).
    Revoked,
}

impl ReviewOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewOutcome::Conforming => "conforming",
            ReviewOutcome::Corrected => "corrected",
            ReviewOutcome::NotRevoked => "not_revoked",
            ReviewOutcome::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewOutcome> {
        match s {
            "conforming" => Some(ReviewOutcome::Conforming),
            "corrected" => Some(ReviewOutcome::Corrected),
            "not_revoked" => Some(ReviewOutcome::NotRevoked),
            "revoked" => Some(ReviewOutcome::Revoked),
            _ => None,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ReviewOutcome::Conforming => "適合を確認",
            ReviewOutcome::Corrected => "軽微な不適合が期間内に是正された",
            ReviewOutcome::NotRevoked => "委員会は取り消さないと判定",
            ReviewOutcome::Revoked => "認定の取消し",
        }
    }

    /// May a review in `status` close with this outcome? `findings_open` counts findings not corrected yet.
    pub fn allowed(self, status: ReviewStatus, findings_open: usize) -> bool {
        match self {
            ReviewOutcome::Conforming => status == ReviewStatus::Open && findings_open == 0,
            ReviewOutcome::Corrected => status == ReviewStatus::Open && findings_open == 0,
            ReviewOutcome::NotRevoked => status == ReviewStatus::RevocationRequested,
            ReviewOutcome::Revoked => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccreditationStatus::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn acc_14_suspension_needs_a_late_annual_report_and_is_lifted_back_to_active() {
        assert_eq!(
            change_status(Active, StatusChange::Suspend, true, false),
            Ok(Suspended)
        );
        assert_eq!(
            change_status(Active, StatusChange::Suspend, false, false),
            Err(RecordError::NoLateAnnualReport)
        );
        assert_eq!(
            change_status(Suspended, StatusChange::Suspend, true, false),
            Err(RecordError::WrongStatus(Suspended))
        );
        assert_eq!(
            change_status(Suspended, StatusChange::LiftSuspension, false, false),
            Ok(Active)
        );
        assert_eq!(
            change_status(Active, StatusChange::LiftSuspension, false, false),
            Err(RecordError::WrongStatus(Active))
        );
    }

    #[test]
    fn acc_17_lapse_from_active_or_suspended_and_expiry_only_after_the_validity() {
        for reason in [
            LapseReason::Closure,
            LapseReason::ServicesEnded,
            LapseReason::Withdrawal,
        ] {
            assert_eq!(
                change_status(Active, StatusChange::Lapse(reason), false, false),
                Ok(Lapsed)
            );
            assert_eq!(
                change_status(Suspended, StatusChange::Lapse(reason), false, false),
                Ok(Lapsed)
            );
            assert!(reason.recorded_by_office());
        }
        assert_eq!(
            change_status(Active, StatusChange::Lapse(LapseReason::Expiry), false, false),
            Err(RecordError::NotExpired)
        );
        assert_eq!(
            change_status(Active, StatusChange::Lapse(LapseReason::Expiry), false, true),
            Ok(Lapsed)
        );
        assert!(!LapseReason::Expiry.recorded_by_office());
        // docs/rules.md: accredited 2026-04-01 → valid through 2029-03-31; lapsed from 2029-04-01.
        assert!(!is_expired(d(2029, 3, 31), d(2029, 3, 31)));
        assert!(is_expired(d(2029, 3, 31), d(2029, 4, 1)));
    }

    #[test]
    fn acc_18_revocation_from_active_or_suspended_and_final_states_stay_final() {
        assert_eq!(
            change_status(Active, StatusChange::Revoke, false, false),
            Ok(Revoked)
        );
        assert_eq!(
            change_status(Suspended, StatusChange::Revoke, false, false),
            Ok(Revoked)
        );
        for from in [Lapsed, Revoked] {
            assert!(from.is_final());
            for change in [
                StatusChange::Suspend,
                StatusChange::LiftSuspension,
                StatusChange::Lapse(LapseReason::Closure),
                StatusChange::Revoke,
            ] {
                assert_eq!(
                    change_status(from, change, true, true),
                    Err(RecordError::WrongStatus(from))
                );
            }
        }
        assert_eq!(RevocationGround::ALL.len(), 5);
        for g in RevocationGround::ALL {
            assert_eq!(RevocationGround::parse(g.as_str()), Some(g));
        }
    }

    #[test]
    fn acc_15_six_events_one_month_or_ten_business_days_late_when_after() {
        let office = OfficeCalendar::default();
        assert_eq!(SelfReportEvent::ALL.len(), 6);
        for e in SelfReportEvent::ALL {
            assert_eq!(SelfReportEvent::parse(e.as_str()), Some(e));
            assert!(!e.content_fields().is_empty());
        }
        // Change of representative on 2026-01-15 → due 2026-02-16 (2026-02-15 is a Sunday, art. 142).
        let t = self_report_timing(
            SelfReportEvent::ChangeOfHead,
            d(2026, 1, 15),
            d(2026, 2, 16),
            &office,
        )
        .unwrap();
        assert_eq!(t.due_on, d(2026, 2, 16));
        assert!(!t.late);
        let t = self_report_timing(SelfReportEvent::Merger, d(2026, 1, 30), d(2026, 3, 2), &office).unwrap();
        // Decided 2026-01-30 → counting from 01-31 → 2026-02-28 (a Saturday) → Monday 2026-03-02.
        assert_eq!(t.due_on, d(2026, 3, 2));
        assert!(!t.late);
        // Client harm learned on Friday 2026-11-20: ten business days, 11-23 is a holiday → 2026-12-07.
        let t = self_report_timing(
            SelfReportEvent::ClientHarm,
            d(2026, 11, 20),
            d(2026, 12, 8),
            &office,
        )
        .unwrap();
        assert_eq!(t.due_on, d(2026, 12, 7));
        assert!(t.late);
    }

    #[test]
    fn acc_14_annual_reports_in_the_accreditation_month_late_after_the_due_date() {
        let office = OfficeCalendar::default();
        let owed = annual_reports_owed(d(2026, 4, 1), &office);
        assert_eq!(
            owed,
            vec![
                AnnualReportDue {
                    year: 1,
                    due_on: d(2027, 4, 30)
                },
                AnnualReportDue {
                    year: 2,
                    due_on: d(2028, 5, 1)
                },
            ]
        );
        assert_eq!(
            annual_report_opens_on(&owed[0], d(2026, 4, 1)),
            Some(d(2027, 3, 1))
        );
        assert_eq!(
            annual_report_opens_on(&owed[1], d(2026, 4, 1)),
            Some(d(2028, 3, 1))
        );
        assert!(!annual_report_late(d(2027, 4, 30), None, d(2027, 4, 30)));
        assert!(annual_report_late(d(2027, 4, 30), None, d(2027, 5, 1)));
        assert!(annual_report_late(
            d(2027, 4, 30),
            Some(d(2027, 5, 6)),
            d(2027, 5, 6)
        ));
        assert!(!annual_report_late(
            d(2027, 4, 30),
            Some(d(2027, 4, 20)),
            d(2028, 1, 1)
        ));
    }

    #[test]
    fn acc_16_reviews_close_only_without_open_findings_and_polls_need_a_majority() {
        assert!(ReviewOutcome::Conforming.allowed(ReviewStatus::Open, 0));
        assert!(!ReviewOutcome::Corrected.allowed(ReviewStatus::Open, 1));
        assert!(!ReviewOutcome::Conforming.allowed(ReviewStatus::RevocationRequested, 0));
        assert!(ReviewOutcome::NotRevoked.allowed(ReviewStatus::RevocationRequested, 0));
        assert!(!ReviewOutcome::NotRevoked.allowed(ReviewStatus::Open, 0));
        assert!(poll_revokes(3, 2));
        assert!(!poll_revokes(2, 2));
        assert!(!poll_revokes(0, 0));
        for t in ReviewTrigger::ALL {
            assert_eq!(ReviewTrigger::parse(t.as_str()), Some(t));
        }
    }
}
