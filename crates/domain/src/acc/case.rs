//! The accreditation case state machine of API.md ("Accreditation cases"): statuses, actions, and one
//! transition function per action, each refusing with a [`TransitionError`] that says why.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::assessment::{Assessment, status_after_report};
use super::dates::max_grace_until;
use super::eligibility::Eligibility;
use crate::calendar::western_date;

use CaseStatus as S;

/// A case's status; the API strings are serde's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Submitted,
    Ineligible,
    Accepted,
    SelfStudy,
    SiteVisit,
    ReportIssued,
    Committee,
    OnHold,
    Deferred,
    Accredited,
    Denied,
    Withdrawn,
    Stopped,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 13] = [
        CaseStatus::Submitted,
        CaseStatus::Ineligible,
        CaseStatus::Accepted,
        CaseStatus::SelfStudy,
        CaseStatus::SiteVisit,
        CaseStatus::ReportIssued,
        CaseStatus::Committee,
        CaseStatus::OnHold,
        CaseStatus::Deferred,
        CaseStatus::Accredited,
        CaseStatus::Denied,
        CaseStatus::Withdrawn,
        CaseStatus::Stopped,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Submitted => "submitted",
            CaseStatus::Ineligible => "ineligible",
            CaseStatus::Accepted => "accepted",
            CaseStatus::SelfStudy => "self_study",
            CaseStatus::SiteVisit => "site_visit",
            CaseStatus::ReportIssued => "report_issued",
            CaseStatus::Committee => "committee",
            CaseStatus::OnHold => "on_hold",
            CaseStatus::Deferred => "deferred",
            CaseStatus::Accredited => "accredited",
            CaseStatus::Denied => "denied",
            CaseStatus::Withdrawn => "withdrawn",
            CaseStatus::Stopped => "stopped",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            CaseStatus::Submitted => "申請受付",
            CaseStatus::Ineligible => "受審資格なし",
            CaseStatus::Accepted => "申請受理",
            CaseStatus::SelfStudy => "セルフスタディ",
            CaseStatus::SiteVisit => "実地調査",
            CaseStatus::ReportIssued => "実地調査報告書送付",
            CaseStatus::Committee => "認定委員会審査",
            CaseStatus::OnHold => "保留",
            CaseStatus::Deferred => "延期",
            CaseStatus::Accredited => "認定",
            CaseStatus::Denied => "否認",
            CaseStatus::Withdrawn => "辞退",
            CaseStatus::Stopped => "審査中止",
        }
    }

    /// No action moves the case on. What follows an accreditation (lapse, revocation) or a denial or
    /// ineligibility (appeal) belongs to the accreditation or the appeal, not to this case's status.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            CaseStatus::Ineligible
                | CaseStatus::Accredited
                | CaseStatus::Denied
                | CaseStatus::Withdrawn
                | CaseStatus::Stopped
        )
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A committee outcome (ACC-11); API `outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Accredit,
    Hold,
    Defer,
    Deny,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [Outcome::Accredit, Outcome::Hold, Outcome::Defer, Outcome::Deny];

    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Accredit => "accredit",
            Outcome::Hold => "hold",
            Outcome::Defer => "defer",
            Outcome::Deny => "deny",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            Outcome::Accredit => "認定",
            Outcome::Hold => "保留",
            Outcome::Defer => "延期",
            Outcome::Deny => "否認",
        }
    }

    /// The status a case takes on this outcome.
    pub const fn status(self) -> CaseStatus {
        match self {
            Outcome::Accredit => CaseStatus::Accredited,
            Outcome::Hold => CaseStatus::OnHold,
            Outcome::Defer => CaseStatus::Deferred,
            Outcome::Deny => CaseStatus::Denied,
        }
    }
}

/// A committee decision as recorded (API `POST …/decision`). `grace_until` matters only for `Defer` and is
/// ignored otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Decision {
    pub outcome: Outcome,
    pub decided_on: NaiveDate,
    pub grace_until: Option<NaiveDate>,
}

/// Something done to a case; says in which statuses it is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Eligibility,
    Plan,
    SelfStudySubmission,
    Rating,
    Report,
    Response,
    Vote,
    Decision(Outcome),
    Withdrawal,
    Stop,
}

/// Statuses of a case under review, after acceptance and before the outcome.
const IN_REVIEW: [CaseStatus; 7] = [
    S::Accepted,
    S::SelfStudy,
    S::SiteVisit,
    S::ReportIssued,
    S::Committee,
    S::OnHold,
    S::Deferred,
];
/// Statuses of an open case: under review, or submitted and waiting for the eligibility decision.
const OPEN: [CaseStatus; 8] = [
    S::Submitted,
    S::Accepted,
    S::SelfStudy,
    S::SiteVisit,
    S::ReportIssued,
    S::Committee,
    S::OnHold,
    S::Deferred,
];

impl Action {
    /// The statuses the action is allowed in (anything else is a 409).
    pub fn allowed_from(self) -> &'static [CaseStatus] {
        match self {
            Action::Eligibility => &[S::Submitted],
            Action::Plan => &[S::Accepted],
            Action::SelfStudySubmission => &[S::SelfStudy],
            // API: in `site_visit`, and in `deferred` to confirm improvements (ACC-11); in `on_hold` when the
            // hold was about ratings (checked with the hold, `hold::check_rating`).
            Action::Rating => &[S::SiteVisit, S::Deferred, S::OnHold],
            Action::Report => &[S::SiteVisit],
            Action::Response => &[S::ReportIssued],
            // Holding again while on hold would delegate to the head what is already delegated.
            Action::Decision(Outcome::Hold) => &[S::Committee, S::Deferred],
            // The committee votes wherever it decides; after a hold it decides Defer or Deny when the documents
            // do not arrive (ACC-11), so `on_hold` is included.
            Action::Vote | Action::Decision(_) => &[S::Committee, S::OnHold, S::Deferred],
            // ACC-3: withdrawal "any time" while the case is open.
            Action::Withdrawal => &OPEN,
            // ACC-1: losing eligibility *during the review* stops it; before acceptance the eligibility
            // decision itself says no.
            Action::Stop => &IN_REVIEW,
        }
    }

    pub fn is_allowed_from(self, status: CaseStatus) -> bool {
        self.allowed_from().contains(&status)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Action::Eligibility => "受審資格の決定",
            Action::Plan => "認定審査計画の登録",
            Action::SelfStudySubmission => "セルフスタディ資料の提出",
            Action::Rating => "レーティングの登録",
            Action::Report => "実地調査報告書の発行",
            Action::Response => "報告書への意見・対応計画の提出",
            Action::Vote => "認定委員会の投票",
            Action::Decision(Outcome::Accredit) => "認定の判定",
            Action::Decision(Outcome::Hold) => "保留の判定",
            Action::Decision(Outcome::Defer) => "延期の判定",
            Action::Decision(Outcome::Deny) => "否認の判定",
            Action::Withdrawal => "審査の辞退",
            Action::Stop => "審査の中止",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_ja())
    }
}

fn list(statuses: &[CaseStatus]) -> String {
    statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// Why a transition is refused. [`TransitionError::is_invalid_input`] separates bad input (API 400) from a
/// conflict with the case's state or a rule (409).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{action}は状態「{}」（{from}）ではできません（できるのは {} のときです）", from.label_ja(), list(action.allowed_from()))]
    WrongState { action: Action, from: CaseStatus },
    #[error("ACC-1: 計算上の受審資格が「なし」のため、受審資格ありとは決定できません")]
    EligibilityOverride,
    #[error("ACC-10: 評価範囲のすべての基準にレーティングが必要です（未評価{}件: {}）", codes.len(), codes.join(", "))]
    Unrated { codes: Vec<String> },
    #[error(
        "ACC-9: 認定にはすべての基本概念基準{}とすべての根幹的実践基準{}が1または2である必要があります",
        if *core_concept_ok { "" } else { "（未達）" },
        if *fundamental_ok { "" } else { "（未達）" }
    )]
    BelowThreshold {
        core_concept_ok: bool,
        fundamental_ok: bool,
    },
    #[error("ACC-11: 延期には猶予期限（grace_until）が必要です")]
    GraceMissing,
    #[error("ACC-11: 猶予期限（{}）は判定日（{}）より後の日にしてください", western_date(*grace_until), western_date(*decided_on))]
    GraceNotAfterDecision {
        grace_until: NaiveDate,
        decided_on: NaiveDate,
    },
    #[error("ACC-11: 猶予期間は最初の延期から最長1年です（猶予期限は{}まで、指定は{}）", western_date(*max), western_date(*grace_until))]
    GraceTooLong { grace_until: NaiveDate, max: NaiveDate },
    #[error("ACC-11: 猶予期限（{}）を過ぎているため認定できません（期限内に適合を確認できない場合は否認です）", western_date(*grace_until))]
    GraceExpired { grace_until: NaiveDate },
}

impl TransitionError {
    /// Bad input (API 400) rather than a conflict with the state or a rule (409).
    pub const fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            TransitionError::GraceMissing
                | TransitionError::GraceNotAfterDecision { .. }
                | TransitionError::GraceTooLong { .. }
        )
    }
}

fn require(action: Action, from: CaseStatus) -> Result<(), TransitionError> {
    if action.is_allowed_from(from) {
        Ok(())
    } else {
        Err(TransitionError::WrongState { action, from })
    }
}

/// ACC-4: the office's eligibility decision. It may say "not eligible" against a computed yes (ACC-1(3) leaves
/// the readiness judgement to the office) but never "eligible" against a computed no.
pub fn decide_eligibility(
    from: CaseStatus,
    eligible: bool,
    computed: &Eligibility,
) -> Result<CaseStatus, TransitionError> {
    require(Action::Eligibility, from)?;
    match (eligible, computed.eligible) {
        (true, true) => Ok(CaseStatus::Accepted),
        (true, false) => Err(TransitionError::EligibilityOverride),
        (false, _) => Ok(CaseStatus::Ineligible),
    }
}

/// ACC-5: the review plan (coordinator, self-study due date, site-visit dates) starts the self-study.
pub fn plan(from: CaseStatus) -> Result<CaseStatus, TransitionError> {
    require(Action::Plan, from).map(|()| CaseStatus::SelfStudy)
}

/// ACC-6: the self-study material is in; the site visit comes next.
pub fn submit_self_study(from: CaseStatus) -> Result<CaseStatus, TransitionError> {
    require(Action::SelfStudySubmission, from).map(|()| CaseStatus::SiteVisit)
}

/// ACC-9: whether a surveyor may rate now; the status does not change.
pub fn check_rating(from: CaseStatus) -> Result<(), TransitionError> {
    require(Action::Rating, from)
}

/// ACC-10: the site-visit report, once every standard in scope is rated.
pub fn issue_report(from: CaseStatus, assessment: &Assessment) -> Result<CaseStatus, TransitionError> {
    require(Action::Report, from)?;
    status_after_report(assessment)
}

/// ACC-10: the organization's opinion and action plan go to the committee with the report.
pub fn respond(from: CaseStatus) -> Result<CaseStatus, TransitionError> {
    require(Action::Response, from).map(|()| CaseStatus::Committee)
}

/// Whether committee members may vote now; the status does not change.
pub fn check_vote(from: CaseStatus) -> Result<(), TransitionError> {
    require(Action::Vote, from)
}

/// ACC-11: records the committee's decision (or the head's, after a hold).
///
/// Checks, in order: the state (409); for `Defer`, `grace_until` present, after `decided_on`, and no later than
/// one year after the *first* deferral of the case — `first_deferred_on`, or this decision when it is the first
/// (400); for `Accredit`, ACC-9's core-concept and fundamental thresholds (409).
pub fn decide(
    from: CaseStatus,
    decision: &Decision,
    assessment: &Assessment,
    first_deferred_on: Option<NaiveDate>,
) -> Result<CaseStatus, TransitionError> {
    require(Action::Decision(decision.outcome), from)?;
    match decision.outcome {
        Outcome::Accredit if !(assessment.core_concept_ok && assessment.fundamental_ok) => {
            Err(TransitionError::BelowThreshold {
                core_concept_ok: assessment.core_concept_ok,
                fundamental_ok: assessment.fundamental_ok,
            })
        }
        Outcome::Defer => {
            let grace_until = decision.grace_until.ok_or(TransitionError::GraceMissing)?;
            if grace_until <= decision.decided_on {
                return Err(TransitionError::GraceNotAfterDecision {
                    grace_until,
                    decided_on: decision.decided_on,
                });
            }
            let first = first_deferred_on.unwrap_or(decision.decided_on);
            // Out of chrono's range only; then nothing after the first deferral is accepted.
            let max = max_grace_until(first).unwrap_or(first);
            if grace_until > max {
                return Err(TransitionError::GraceTooLong { grace_until, max });
            }
            Ok(CaseStatus::Deferred)
        }
        outcome => Ok(outcome.status()),
    }
}

/// ACC-11: a deferred case is accredited only within its grace period; after `grace_until` the improvement was
/// not confirmed in time, and what remains is a denial (or an extension decided before the period ran out).
pub fn check_within_grace(
    from: CaseStatus,
    outcome: Outcome,
    decided_on: NaiveDate,
    grace_until: Option<NaiveDate>,
) -> Result<(), TransitionError> {
    match (from, outcome, grace_until) {
        (CaseStatus::Deferred, Outcome::Accredit, Some(g)) if decided_on > g => {
            Err(TransitionError::GraceExpired { grace_until: g })
        }
        _ => Ok(()),
    }
}

/// ACC-3: the applicant may withdraw at any time while the case is open.
pub fn withdraw(from: CaseStatus) -> Result<CaseStatus, TransitionError> {
    require(Action::Withdrawal, from).map(|()| CaseStatus::Withdrawn)
}

/// ACC-1: eligibility lost during the review stops it.
pub fn stop(from: CaseStatus) -> Result<CaseStatus, TransitionError> {
    require(Action::Stop, from).map(|()| CaseStatus::Stopped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn eligibility(eligible: bool) -> Eligibility {
        Eligibility {
            eligible,
            reasons: if eligible { vec![] } else { vec!["x".into()] },
            notes: vec![],
        }
    }

    fn assessment(core_concept_ok: bool, fundamental_ok: bool) -> Assessment {
        Assessment {
            complete: true,
            core_concept_ok,
            fundamental_ok,
            ..Assessment::default()
        }
    }

    fn decision(outcome: Outcome, decided_on: NaiveDate, grace_until: Option<NaiveDate>) -> Decision {
        Decision {
            outcome,
            decided_on,
            grace_until,
        }
    }

    #[test]
    fn statuses_use_the_api_strings() {
        use serde::de::IntoDeserializer;
        let names: Vec<_> = CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "submitted",
                "ineligible",
                "accepted",
                "self_study",
                "site_visit",
                "report_issued",
                "committee",
                "on_hold",
                "deferred",
                "accredited",
                "denied",
                "withdrawn",
                "stopped"
            ]
        );
        for status in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(status.as_str()), Some(status));
            let parsed: Result<CaseStatus, serde::de::value::Error> =
                CaseStatus::deserialize(status.as_str().into_deserializer());
            assert_eq!(parsed, Ok(status));
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
            let parsed: Result<Outcome, serde::de::value::Error> =
                Outcome::deserialize(outcome.as_str().into_deserializer());
            assert_eq!(parsed, Ok(outcome));
        }
    }

    #[test]
    fn the_happy_path_to_accreditation() {
        let s = decide_eligibility(CaseStatus::Submitted, true, &eligibility(true)).unwrap();
        assert_eq!(s, CaseStatus::Accepted);
        let s = plan(s).unwrap();
        assert_eq!(s, CaseStatus::SelfStudy);
        let s = submit_self_study(s).unwrap();
        assert_eq!(s, CaseStatus::SiteVisit);
        assert_eq!(check_rating(s), Ok(()));
        let with_3 = Assessment {
            below_threshold: vec!["ETH 1.02".into()],
            ..assessment(true, true)
        };
        let s = issue_report(s, &with_3).unwrap();
        assert_eq!(s, CaseStatus::ReportIssued);
        let s = respond(s).unwrap();
        assert_eq!(s, CaseStatus::Committee);
        assert_eq!(check_vote(s), Ok(()));
        let s = decide(
            s,
            &decision(Outcome::Accredit, d(2026, 4, 1), None),
            &with_3,
            None,
        )
        .unwrap();
        assert_eq!(s, CaseStatus::Accredited);
        assert!(s.is_terminal());
    }

    #[test]
    fn acc_10_report_without_3_or_4_goes_to_the_committee() {
        assert_eq!(
            issue_report(CaseStatus::SiteVisit, &assessment(true, true)),
            Ok(CaseStatus::Committee)
        );
        let incomplete = Assessment {
            complete: false,
            unrated: vec!["ETH 1".into()],
            ..assessment(true, true)
        };
        let err = issue_report(CaseStatus::SiteVisit, &incomplete).unwrap_err();
        assert!(matches!(err, TransitionError::Unrated { .. }));
        assert!(!err.is_invalid_input());
        assert!(err.to_string().contains("ETH 1"), "{err}");
        // The state is checked first.
        let err = issue_report(CaseStatus::Committee, &incomplete).unwrap_err();
        assert!(matches!(
            err,
            TransitionError::WrongState {
                action: Action::Report,
                from: CaseStatus::Committee
            }
        ));
    }

    #[test]
    fn acc_4_eligibility_decision() {
        assert_eq!(
            decide_eligibility(CaseStatus::Submitted, false, &eligibility(true)),
            Ok(CaseStatus::Ineligible)
        );
        assert_eq!(
            decide_eligibility(CaseStatus::Submitted, false, &eligibility(false)),
            Ok(CaseStatus::Ineligible)
        );
        assert_eq!(
            decide_eligibility(CaseStatus::Submitted, true, &eligibility(false)),
            Err(TransitionError::EligibilityOverride)
        );
        assert!(matches!(
            decide_eligibility(CaseStatus::Accepted, true, &eligibility(true)),
            Err(TransitionError::WrongState { .. })
        ));
    }

    #[test]
    fn wrong_state_is_a_conflict_with_a_clear_message() {
        let err = plan(CaseStatus::SiteVisit).unwrap_err();
        assert!(!err.is_invalid_input());
        let message = err.to_string();
        assert!(message.contains("認定審査計画の登録"), "{message}");
        assert!(
            message.contains("site_visit") && message.contains("accepted"),
            "{message}"
        );
        assert!(submit_self_study(CaseStatus::Accepted).is_err());
        assert!(respond(CaseStatus::Committee).is_err());
        assert!(check_rating(CaseStatus::Committee).is_err());
        assert_eq!(check_rating(CaseStatus::Deferred), Ok(()));
        assert!(check_vote(CaseStatus::SiteVisit).is_err());
    }

    #[test]
    fn acc_9_accredit_needs_core_concepts_and_fundamentals() {
        let on = d(2026, 4, 1);
        let accredit = decision(Outcome::Accredit, on, None);
        for (core, fundamental) in [(false, true), (true, false), (false, false)] {
            let err = decide(
                CaseStatus::Committee,
                &accredit,
                &assessment(core, fundamental),
                None,
            )
            .unwrap_err();
            assert_eq!(
                err,
                TransitionError::BelowThreshold {
                    core_concept_ok: core,
                    fundamental_ok: fundamental
                }
            );
            assert!(!err.is_invalid_input());
        }
        for from in [CaseStatus::Committee, CaseStatus::OnHold, CaseStatus::Deferred] {
            assert_eq!(
                decide(from, &accredit, &assessment(true, true), None),
                Ok(CaseStatus::Accredited)
            );
        }
        // Hold, defer and deny do not depend on the ratings.
        let weak = assessment(false, false);
        assert_eq!(
            decide(
                CaseStatus::Committee,
                &decision(Outcome::Hold, on, None),
                &weak,
                None
            ),
            Ok(CaseStatus::OnHold)
        );
        assert_eq!(
            decide(
                CaseStatus::Committee,
                &decision(Outcome::Deny, on, None),
                &weak,
                None
            ),
            Ok(CaseStatus::Denied)
        );
    }

    #[test]
    fn acc_11_decisions_only_in_committee_on_hold_and_deferred() {
        let on = d(2026, 4, 1);
        let ok = assessment(true, true);
        for from in CaseStatus::ALL {
            let allowed = matches!(
                from,
                CaseStatus::Committee | CaseStatus::OnHold | CaseStatus::Deferred
            );
            let deny = decide(from, &decision(Outcome::Deny, on, None), &ok, None);
            assert_eq!(deny.is_ok(), allowed, "{from}");
        }
        // The head decides after a hold; holding again is refused.
        let err = decide(CaseStatus::OnHold, &decision(Outcome::Hold, on, None), &ok, None).unwrap_err();
        assert!(matches!(
            err,
            TransitionError::WrongState {
                action: Action::Decision(Outcome::Hold),
                ..
            }
        ));
        assert_eq!(
            decide(
                CaseStatus::Deferred,
                &decision(Outcome::Hold, on, None),
                &ok,
                None
            ),
            Ok(CaseStatus::OnHold)
        );
    }

    #[test]
    fn acc_11_defer_needs_a_grace_period_of_at_most_one_year_from_the_first_deferral() {
        let on = d(2026, 4, 1);
        let weak = assessment(false, false);
        let defer = |grace: Option<NaiveDate>| decision(Outcome::Defer, on, grace);
        assert_eq!(
            decide(CaseStatus::Committee, &defer(Some(d(2027, 4, 1))), &weak, None),
            Ok(CaseStatus::Deferred)
        );
        let err = decide(CaseStatus::Committee, &defer(Some(d(2027, 4, 2))), &weak, None).unwrap_err();
        assert_eq!(
            err,
            TransitionError::GraceTooLong {
                grace_until: d(2027, 4, 2),
                max: d(2027, 4, 1)
            }
        );
        assert!(err.is_invalid_input());
        let err = decide(CaseStatus::Committee, &defer(None), &weak, None).unwrap_err();
        assert_eq!(err, TransitionError::GraceMissing);
        assert!(err.is_invalid_input());
        let err = decide(CaseStatus::Committee, &defer(Some(on)), &weak, None).unwrap_err();
        assert!(matches!(err, TransitionError::GraceNotAfterDecision { .. }));
        assert!(err.is_invalid_input());
        // Extension: the limit stays one year after the *first* deferral.
        let extend = decision(Outcome::Defer, d(2026, 10, 1), Some(d(2027, 4, 1)));
        assert_eq!(
            decide(CaseStatus::Deferred, &extend, &weak, Some(on)),
            Ok(CaseStatus::Deferred)
        );
        let too_far = decision(Outcome::Defer, d(2026, 10, 1), Some(d(2027, 9, 30)));
        let err = decide(CaseStatus::Deferred, &too_far, &weak, Some(on)).unwrap_err();
        assert!(matches!(err, TransitionError::GraceTooLong { max, .. } if max == d(2027, 4, 1)));
        assert!(err.to_string().contains("2027年4月1日"), "{err}");
        // A wrong state wins over a bad grace period (409 before 400).
        let err = decide(CaseStatus::SiteVisit, &defer(None), &weak, None).unwrap_err();
        assert!(matches!(err, TransitionError::WrongState { .. }));
    }

    #[test]
    fn acc_3_withdrawal_any_time_while_open_and_acc_1_stop_during_review() {
        for from in CaseStatus::ALL {
            assert_eq!(withdraw(from).is_ok(), !from.is_terminal(), "{from}");
            let in_review = !from.is_terminal() && from != CaseStatus::Submitted;
            assert_eq!(stop(from).is_ok(), in_review, "{from}");
        }
        assert_eq!(withdraw(CaseStatus::Submitted), Ok(CaseStatus::Withdrawn));
        assert_eq!(stop(CaseStatus::Deferred), Ok(CaseStatus::Stopped));
    }

    fn any_status() -> impl Strategy<Value = CaseStatus> {
        (0usize..CaseStatus::ALL.len()).prop_map(|i| CaseStatus::ALL[i])
    }

    proptest! {
        // No action leaves a terminal status, and every successful transition is allowed by its action's table.
        #[test]
        fn terminal_statuses_stay_terminal(
            from in any_status(),
            outcome in 0usize..4,
            grace in 1u64..400,
            core in any::<bool>(),
            fundamental in any::<bool>(),
        ) {
            let on = d(2026, 4, 1);
            let a = assessment(core, fundamental);
            let decision = decision(Outcome::ALL[outcome], on, Some(on + chrono::Days::new(grace)));
            let results = [
                (Action::Eligibility, decide_eligibility(from, true, &eligibility(true))),
                (Action::Plan, plan(from)),
                (Action::SelfStudySubmission, submit_self_study(from)),
                (Action::Report, issue_report(from, &a)),
                (Action::Response, respond(from)),
                (Action::Decision(decision.outcome), decide(from, &decision, &a, None)),
                (Action::Withdrawal, withdraw(from)),
                (Action::Stop, stop(from)),
            ];
            for (action, result) in results {
                if from.is_terminal() {
                    prop_assert!(result.is_err());
                }
                if result.is_ok() {
                    prop_assert!(action.is_allowed_from(from));
                }
            }
        }
    }
}
