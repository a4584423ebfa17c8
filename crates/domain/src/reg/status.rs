//! The life of a registration case (REG-4 … REG-7), as a state machine over [`Status`].
//!
//! ```text
//! submitted ──review: return──▶ returned
//!     │
//!     └──review: register (no findings)──▶ registered ◀──close investigation / committee keeps──┐
//!                                           │   ▲                                            │
//!                     open investigation ───┘   └─ under_investigation ──refer──▶ deregistration_review
//!                                                                                              │
//!                                                              committee deregisters ──▶ deregistered
//! registered | under_investigation | deregistration_review ──abolish (REG-6)──▶ abolished
//!                                                          ──expire (REG-4)──▶ expired
//! ```
//!
//! A renewal (REG-4) is a new case for the same registration number; the old case stays in force until its
//! expiry, or past it while the renewal is still being reviewed, and then expires.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a registration case stands (API `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Received; the office checks the self-confirmation (REG-5).
    Submitted,
    /// Sent back without registration (返戻). Final: the applicant files a new application.
    Returned,
    /// Registered and published (REG-5).
    Registered,
    /// REG-7: after a report (通報) or other sign of non-conformity, the office requests documents and, as
    /// needed, investigates on site and holds a hearing (聴聞). Still registered meanwhile.
    UnderInvestigation,
    /// REG-7: the registration review committee (登録審査委員会) reviews deregistration. Still registered meanwhile.
    DeregistrationReview,
    /// The validity ended (REG-4).
    Expired,
    /// The institution notified abolition (登録廃止の届出, REG-6).
    Abolished,
    /// Deregistered by the committee (登録の抹消, REG-7).
    Deregistered,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Submitted,
        Status::Returned,
        Status::Registered,
        Status::UnderInvestigation,
        Status::DeregistrationReview,
        Status::Expired,
        Status::Abolished,
        Status::Deregistered,
    ];

    /// The API spelling (same as serde's).
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Registered => "registered",
            Status::UnderInvestigation => "under_investigation",
            Status::DeregistrationReview => "deregistration_review",
            Status::Expired => "expired",
            Status::Abolished => "abolished",
            Status::Deregistered => "deregistered",
        }
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            Status::Submitted => "申請受付",
            Status::Returned => "返戻",
            Status::Registered => "登録",
            Status::UnderInvestigation => "調査中",
            Status::DeregistrationReview => "登録抹消審査中",
            Status::Expired => "失効",
            Status::Abolished => "廃止",
            Status::Deregistered => "登録抹消",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Registered, whether or not under REG-7 investigation: the registration stands until the committee
    /// decides, so it stays in the directory (REG-8) and accepts change notifications (REG-6).
    pub const fn is_in_force(self) -> bool {
        matches!(
            self,
            Status::Registered | Status::UnderInvestigation | Status::DeregistrationReview
        )
    }

    /// No transition leaves this status.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            Status::Returned | Status::Expired | Status::Abolished | Status::Deregistered
        )
    }

    /// REG-5: the office's review of a submitted application. Registering needs an application without findings
    /// (API: 409 otherwise); returning is always possible.
    pub fn review(self, decision: ReviewDecision, findings_empty: bool) -> Result<Status, TransitionError> {
        self.require(Action::Review, &[Status::Submitted])?;
        match decision {
            ReviewDecision::Register if !findings_empty => Err(TransitionError::HasFindings),
            ReviewDecision::Register => Ok(Status::Registered),
            ReviewDecision::Return => Ok(Status::Returned),
        }
    }

    /// REG-7: a report or another sign of non-conformity leads the office to request documents.
    pub fn open_investigation(self) -> Result<Status, TransitionError> {
        self.require(Action::OpenInvestigation, &[Status::Registered])?;
        Ok(Status::UnderInvestigation)
    }

    /// REG-7: the investigation found no need for a deregistration review.
    pub fn close_investigation(self) -> Result<Status, TransitionError> {
        self.require(Action::CloseInvestigation, &[Status::UnderInvestigation])?;
        Ok(Status::Registered)
    }

    /// REG-7: the office convenes the registration review committee.
    pub fn refer_to_committee(self) -> Result<Status, TransitionError> {
        self.require(Action::ReferToCommittee, &[Status::UnderInvestigation])?;
        Ok(Status::DeregistrationReview)
    }

    /// REG-7: the committee's decision.
    pub fn committee_decision(self, outcome: CommitteeOutcome) -> Result<Status, TransitionError> {
        self.require(Action::CommitteeDecision, &[Status::DeregistrationReview])?;
        Ok(match outcome {
            CommitteeOutcome::Deregister => Status::Deregistered,
            CommitteeOutcome::Maintain => Status::Registered,
        })
    }

    /// REG-6: a notified abolition ends the registration, also during a REG-7 investigation (a room that no longer
    /// exists must leave the directory; the investigation's record stays with the case).
    pub fn abolish(self) -> Result<Status, TransitionError> {
        self.require(Action::Abolish, &IN_FORCE)?;
        Ok(Status::Abolished)
    }

    /// REG-4: the registration lapses once `on` is past `expires_on`, unless a renewal applied for within validity
    /// is still under review (the renewal procedure keeps it in force until decided).
    pub fn expire(
        self,
        expires_on: NaiveDate,
        on: NaiveDate,
        renewal_pending: bool,
    ) -> Result<Status, TransitionError> {
        self.require(Action::Expire, &IN_FORCE)?;
        if on <= expires_on {
            Err(TransitionError::NotYetExpired { expires_on })
        } else if renewal_pending {
            Err(TransitionError::RenewalPending)
        } else {
            Ok(Status::Expired)
        }
    }

    fn require(self, action: Action, allowed: &[Status]) -> Result<(), TransitionError> {
        if allowed.contains(&self) {
            Ok(())
        } else {
            Err(TransitionError::NotAllowed { action, from: self })
        }
    }
}

const IN_FORCE: [Status; 3] = [
    Status::Registered,
    Status::UnderInvestigation,
    Status::DeregistrationReview,
];

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_ja())
    }
}

/// The office's review decision (API `decision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Register,
    Return,
}

/// The registration review committee's decision on deregistration (REG-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommitteeOutcome {
    Deregister,
    Maintain,
}

/// A transition, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Review,
    OpenInvestigation,
    CloseInvestigation,
    ReferToCommittee,
    CommitteeDecision,
    Abolish,
    Expire,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Review,
        Action::OpenInvestigation,
        Action::CloseInvestigation,
        Action::ReferToCommittee,
        Action::CommitteeDecision,
        Action::Abolish,
        Action::Expire,
    ];

    pub const fn label_ja(self) -> &'static str {
        match self {
            Action::Review => "申請の審査",
            Action::OpenInvestigation => "調査の開始",
            Action::CloseInvestigation => "調査の終了",
            Action::ReferToCommittee => "登録審査委員会への付議",
            Action::CommitteeDecision => "登録審査委員会の決定",
            Action::Abolish => "登録の廃止",
            Action::Expire => "登録の失効",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_ja())
    }
}

/// Why a transition is refused; every variant is a conflict with the case's state (API 409).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("「{from}」の状態では{action}はできません")]
    NotAllowed { action: Action, from: Status },
    #[error("指摘事項が残っているため登録できません（返戻するか、指摘事項のない申請で登録してください）")]
    HasFindings,
    #[error("有効期間（{expires_on}まで）が終わっていないため失効にできません")]
    NotYetExpired { expires_on: NaiveDate },
    #[error("有効期間内に更新申請があり審査中のため、失効にできません")]
    RenewalPending,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};
    use std::collections::BTreeSet;

    fn de<'a, T: Deserialize<'a>>(s: &'a str) -> Result<T, DeError> {
        let d: StrDeserializer<'a, DeError> = s.into_deserializer();
        T::deserialize(d)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Applies `action` with arguments that let it succeed wherever its source status allows it.
    fn apply(status: Status, action: Action) -> Result<Status, TransitionError> {
        match action {
            Action::Review => status.review(ReviewDecision::Register, true),
            Action::OpenInvestigation => status.open_investigation(),
            Action::CloseInvestigation => status.close_investigation(),
            Action::ReferToCommittee => status.refer_to_committee(),
            Action::CommitteeDecision => status.committee_decision(CommitteeOutcome::Deregister),
            Action::Abolish => status.abolish(),
            Action::Expire => status.expire(d(2029, 9, 19), d(2029, 9, 20), false),
        }
    }

    // The whole table: every status × every action.
    #[test]
    fn transition_table() {
        use Status::*;
        let allowed = |action| match action {
            Action::Review => vec![(Submitted, Registered)],
            Action::OpenInvestigation => vec![(Registered, UnderInvestigation)],
            Action::CloseInvestigation => vec![(UnderInvestigation, Registered)],
            Action::ReferToCommittee => vec![(UnderInvestigation, DeregistrationReview)],
            Action::CommitteeDecision => vec![(DeregistrationReview, Deregistered)],
            Action::Abolish => IN_FORCE.iter().map(|s| (*s, Abolished)).collect(),
            Action::Expire => IN_FORCE.iter().map(|s| (*s, Expired)).collect(),
        };
        for action in Action::ALL {
            let allowed = allowed(action);
            for from in Status::ALL {
                let expected = match allowed.iter().find(|(f, _)| *f == from) {
                    Some((_, to)) => Ok(*to),
                    None => Err(TransitionError::NotAllowed { action, from }),
                };
                assert_eq!(apply(from, action), expected, "{action:?} from {from:?}");
            }
        }
    }

    #[test]
    fn final_statuses_allow_nothing_and_others_allow_something() {
        for from in Status::ALL {
            let any = Action::ALL.into_iter().any(|a| apply(from, a).is_ok());
            assert_eq!(any, !from.is_final(), "{from:?}");
        }
    }

    // REG-5 / API: register with findings → 409; return is always possible.
    #[test]
    fn review_register_needs_no_findings() {
        let s = Status::Submitted;
        assert_eq!(s.review(ReviewDecision::Register, true), Ok(Status::Registered));
        assert_eq!(
            s.review(ReviewDecision::Register, false),
            Err(TransitionError::HasFindings)
        );
        assert_eq!(s.review(ReviewDecision::Return, false), Ok(Status::Returned));
        assert_eq!(s.review(ReviewDecision::Return, true), Ok(Status::Returned));
        // A state error wins over findings: reviewing twice is the conflict to report.
        assert_eq!(
            Status::Registered.review(ReviewDecision::Register, false),
            Err(TransitionError::NotAllowed {
                action: Action::Review,
                from: Status::Registered
            })
        );
    }

    // REG-7: report → investigation → committee → deregistered or kept.
    #[test]
    fn deregistration_path() {
        let s = Status::Registered.open_investigation().unwrap();
        assert_eq!(s, Status::UnderInvestigation);
        assert!(s.is_in_force());
        assert_eq!(s.close_investigation(), Ok(Status::Registered));
        let s = s.refer_to_committee().unwrap();
        assert!(s.is_in_force());
        assert_eq!(
            s.committee_decision(CommitteeOutcome::Maintain),
            Ok(Status::Registered)
        );
        let s = s.committee_decision(CommitteeOutcome::Deregister).unwrap();
        assert_eq!(s, Status::Deregistered);
        assert!(!s.is_in_force() && s.is_final());
    }

    // REG-4: expiry only after the last day, and not while a timely renewal is under review.
    #[test]
    fn expiry_waits_for_the_end_and_for_a_pending_renewal() {
        let expiry = d(2029, 9, 19);
        let s = Status::Registered;
        assert_eq!(
            s.expire(expiry, expiry, false),
            Err(TransitionError::NotYetExpired { expires_on: expiry })
        );
        assert_eq!(
            s.expire(expiry, d(2029, 9, 20), true),
            Err(TransitionError::RenewalPending)
        );
        assert_eq!(s.expire(expiry, d(2029, 9, 20), false), Ok(Status::Expired));
        assert_eq!(
            Status::UnderInvestigation.expire(expiry, d(2030, 1, 1), false),
            Ok(Status::Expired)
        );
    }

    #[test]
    fn in_force_statuses() {
        let in_force: BTreeSet<&str> = Status::ALL
            .into_iter()
            .filter(|s| s.is_in_force())
            .map(Status::as_str)
            .collect();
        assert_eq!(
            in_force,
            BTreeSet::from(["registered", "under_investigation", "deregistration_review"])
        );
    }

    #[test]
    fn api_spellings_and_messages() {
        for s in Status::ALL {
            assert_eq!(de::<Status>(s.as_str()), Ok(s));
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(de::<ReviewDecision>("register"), Ok(ReviewDecision::Register));
        assert_eq!(de::<ReviewDecision>("return"), Ok(ReviewDecision::Return));
        assert_eq!(
            de::<CommitteeOutcome>("deregister"),
            Ok(CommitteeOutcome::Deregister)
        );
        assert!(de::<ReviewDecision>("approve").is_err());
        assert_eq!(Status::parse("active"), None);
        assert_eq!(
            Status::Returned.abolish().unwrap_err().to_string(),
            "「返戻」の状態では登録の廃止はできません"
        );
        assert_eq!(
            Status::Registered
                .expire(d(2029, 9, 19), d(2029, 9, 1), false)
                .unwrap_err()
                .to_string(),
            "有効期間（2029-09-19まで）が終わっていないため失効にできません"
        );
    }
}
