//! ACC-11 hold (保留, seed 003 第6章3): the committee leaves the confirmation and the decision to the head of the
//! accreditation office (認定業務本部長に一任). The office sends the request for documents (the hold's notice,
//! ACC-12); the organization has 3 months from its sending day; when nothing arrives in time the head reports
//! back to the committee, which then decides defer or deny.

use chrono::NaiveDate;

use super::Outcome;
use crate::calendar::western_date;

/// What is recorded about one hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hold {
    /// The request for documents was sent (the case's `notice_sent_on`).
    pub requested_on: Option<NaiveDate>,
    /// 3 months from the request (art. 142), when it was sent.
    pub documents_due: Option<NaiveDate>,
    pub documents_received_on: Option<NaiveDate>,
    /// The head's report to the committee that the documents did not arrive in time.
    pub head_reported_on: Option<NaiveDate>,
    /// The hold was about ratings (the thresholds of ACC-9 were not met when it was decided): the ratings may
    /// then be confirmed while on hold.
    pub about_ratings: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoldError {
    #[error("ACC-11: 保留中の認定の判定は認定業務本部長に一任されています（本部長が判定します）")]
    HeadDecides,
    #[error(
        "ACC-11: 保留中の延期・否認は、追加資料の提出期限を過ぎ、認定業務本部長が認定委員会に報告した後に限ります"
    )]
    NoHeadReport,
    #[error("ACC-11: 追加資料の提出依頼の送付日が記録されていません")]
    NotRequested,
    #[error("ACC-11: 追加資料の受領は記録済みです")]
    AlreadyReceived,
    #[error("ACC-11: 認定業務本部長の報告は記録済みです")]
    AlreadyReported,
    #[error("ACC-11: 追加資料を受領しているため、未提出の報告はできません")]
    DocumentsArrived,
    #[error("ACC-11: 追加資料の提出期限（{}）を過ぎるまで報告はできません", western_date(*due))]
    NotDueYet { due: NaiveDate },
    #[error("ACC-11: 保留の理由がレーティングではないため、保留中にレーティングは変更できません")]
    NotAboutRatings,
}

/// Whether `outcome` may be recorded for a case on hold, by the head (`by_head`) or the office.
pub fn check_decision(hold: &Hold, outcome: Outcome, by_head: bool) -> Result<(), HoldError> {
    match outcome {
        // The head's own decision once the additional confirmation is done.
        Outcome::Accredit if !by_head => Err(HoldError::HeadDecides),
        // The committee's, on the head's report that nothing arrived in time.
        Outcome::Defer | Outcome::Deny if hold.head_reported_on.is_none() => Err(HoldError::NoHeadReport),
        _ => Ok(()),
    }
}

/// The office records that the requested documents arrived (on or after the request was sent).
pub fn check_documents_received(hold: &Hold) -> Result<(), HoldError> {
    if hold.requested_on.is_none() {
        return Err(HoldError::NotRequested);
    }
    if hold.documents_received_on.is_some() {
        return Err(HoldError::AlreadyReceived);
    }
    if hold.head_reported_on.is_some() {
        return Err(HoldError::AlreadyReported);
    }
    Ok(())
}

/// The head reports to the committee that the documents did not arrive: only after their due date passed.
pub fn check_head_report(hold: &Hold, reported_on: NaiveDate) -> Result<(), HoldError> {
    let due = hold.documents_due.ok_or(HoldError::NotRequested)?;
    if hold.documents_received_on.is_some() {
        return Err(HoldError::DocumentsArrived);
    }
    if hold.head_reported_on.is_some() {
        return Err(HoldError::AlreadyReported);
    }
    if reported_on <= due {
        return Err(HoldError::NotDueYet { due });
    }
    Ok(())
}

/// Ratings while on hold only when the hold was about them (ACC-9, ACC-11).
pub fn check_rating(hold: &Hold) -> Result<(), HoldError> {
    if hold.about_ratings {
        Ok(())
    } else {
        Err(HoldError::NotAboutRatings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn acc_11_hold_the_head_decides_and_deny_needs_the_heads_report_after_the_due_date() {
        let mut hold = Hold::default();
        assert_eq!(
            check_decision(&hold, Outcome::Accredit, false),
            Err(HoldError::HeadDecides)
        );
        assert_eq!(check_decision(&hold, Outcome::Accredit, true), Ok(()));
        assert_eq!(
            check_decision(&hold, Outcome::Deny, true),
            Err(HoldError::NoHeadReport)
        );
        assert_eq!(
            check_head_report(&hold, d(2026, 8, 1)),
            Err(HoldError::NotRequested)
        );
        hold.requested_on = Some(d(2026, 4, 1));
        hold.documents_due = Some(d(2026, 7, 1));
        assert_eq!(
            check_head_report(&hold, d(2026, 7, 1)),
            Err(HoldError::NotDueYet { due: d(2026, 7, 1) })
        );
        assert_eq!(check_head_report(&hold, d(2026, 7, 2)), Ok(()));
        hold.head_reported_on = Some(d(2026, 7, 2));
        assert_eq!(check_decision(&hold, Outcome::Deny, false), Ok(()));
        assert_eq!(check_documents_received(&hold), Err(HoldError::AlreadyReported));
        assert_eq!(check_rating(&hold), Err(HoldError::NotAboutRatings));
    }
}
