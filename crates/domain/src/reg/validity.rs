//! Validity judged by the dates (REG-4) and what the public record says of a registration (REG-5).
//!
//! A registration is valid on a day when it is in force (not abolished, deregistered or expired) and the day
//! falls within the term in force. The daily job that marks expiry only tidies the stored status: every public
//! answer judges by the dates at the moment it is asked, so a registration past its last day is never shown as
//! registered, whether or not the job has run.
//!
//! Terms have history: a renewal decided before the current term ends gives a next term that starts the day after
//! the current one ends; until then the current term stays the one in force (and published).

use chrono::NaiveDate;
use serde::Serialize;

use super::status::Status;

/// One validity term: first and last day, both inclusive (REG-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
pub struct Term {
    pub registered_on: NaiveDate,
    pub expires_on: NaiveDate,
}

impl Term {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.registered_on <= day && day <= self.expires_on
    }
}

/// The term in force on `today`: the next term once its first day has come, the current one otherwise.
pub fn term_on(current: Term, next: Option<Term>, today: NaiveDate) -> Term {
    match next {
        Some(n) if n.registered_on <= today => n,
        _ => current,
    }
}

/// A registration's status as the public verification answers it (API.md `GET /api/v1/public/registrations/
/// {number}`): `registered`, `expired`, `abolished`, `deregistered`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicStatus {
    Registered,
    Expired,
    Abolished,
    Deregistered,
}

impl PublicStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            PublicStatus::Registered => "registered",
            PublicStatus::Expired => "expired",
            PublicStatus::Abolished => "abolished",
            PublicStatus::Deregistered => "deregistered",
        }
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            PublicStatus::Registered => "登録",
            PublicStatus::Expired => "失効（有効期間の満了）",
            PublicStatus::Abolished => "廃止",
            PublicStatus::Deregistered => "登録抹消",
        }
    }

    /// Only a registration in force publishes its REG-3 1(3)イ items (REG-5).
    pub const fn discloses(self) -> bool {
        matches!(self, PublicStatus::Registered)
    }
}

/// The public status on `today` of a registration with stored `status`, whose term in force is `term` and whose
/// end (abolition notified in advance, REG-6) is `ended_on`.
///
/// - In force and within the term: `registered`. REG-7 investigations and committee reviews leave it registered
///   until decided.
/// - In force but past the term's last day: `expired`, even before the daily job marks it.
/// - In force with an abolition dated in the future: `registered` until that day, `abolished` from it.
pub fn public_status(
    status: Status,
    term: Term,
    ended_on: Option<NaiveDate>,
    today: NaiveDate,
) -> PublicStatus {
    match status {
        Status::Abolished => PublicStatus::Abolished,
        Status::Deregistered => PublicStatus::Deregistered,
        Status::Expired | Status::Submitted | Status::Returned => PublicStatus::Expired,
        Status::Registered | Status::UnderInvestigation | Status::DeregistrationReview => {
            if ended_on.is_some_and(|d| d <= today) {
                PublicStatus::Abolished
            } else if today > term.expires_on {
                PublicStatus::Expired
            } else {
                PublicStatus::Registered
            }
        }
    }
}

/// Who enters an application's date (REG-4, REG-5): an institution filing online files on the day it files; only
/// the office, entering a paper application it received earlier, may give a day in the past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filer {
    Institution,
    Office,
}

/// Why an application date is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilingDateError {
    #[error("オンラインの申請日は本日（{today}）です。過去の日付は事務局が紙の申請を入力するときに限ります")]
    NotToday { today: NaiveDate },
    #[error("申請日に将来の日付は指定できません")]
    Future,
}

/// REG-4: checks the application date for who files it. Back-dating by an institution could revive a lapsed
/// registration as a "renewal within validity"; the office's back-dated entries are audited by the caller.
pub fn check_filing_date(
    filer: Filer,
    applied_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), FilingDateError> {
    if applied_on > today {
        Err(FilingDateError::Future)
    } else if filer == Filer::Institution && applied_on != today {
        Err(FilingDateError::NotToday { today })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn term(a: &str, b: &str) -> Term {
        Term {
            registered_on: d(a),
            expires_on: d(b),
        }
    }

    #[test]
    fn reg4_validity_by_the_dates() {
        let t = term("2023-01-10", "2026-01-09");
        let st = Status::Registered;
        assert_eq!(
            public_status(st, t, None, d("2026-01-09")),
            PublicStatus::Registered
        );
        assert_eq!(public_status(st, t, None, d("2026-01-10")), PublicStatus::Expired);
        assert_eq!(
            public_status(Status::UnderInvestigation, t, None, d("2025-01-10")),
            PublicStatus::Registered
        );
        assert_eq!(
            public_status(st, t, Some(d("2025-04-01")), d("2025-04-01")),
            PublicStatus::Abolished
        );
        assert_eq!(
            public_status(st, t, Some(d("2025-04-01")), d("2025-03-31")),
            PublicStatus::Registered
        );
        assert_eq!(
            public_status(Status::Deregistered, t, None, d("2025-01-10")),
            PublicStatus::Deregistered
        );
    }

    #[test]
    fn reg4_terms_with_history() {
        let cur = term("2024-03-01", "2027-02-28");
        let next = term("2027-03-01", "2030-02-28");
        assert_eq!(term_on(cur, Some(next), d("2026-11-20")), cur);
        assert_eq!(term_on(cur, Some(next), d("2027-02-28")), cur);
        assert_eq!(term_on(cur, Some(next), d("2027-03-01")), next);
        assert_eq!(term_on(cur, None, d("2027-03-01")), cur);
    }

    #[test]
    fn reg4_no_back_dating_online() {
        let today = d("2026-11-20");
        assert!(check_filing_date(Filer::Institution, today, today).is_ok());
        assert!(check_filing_date(Filer::Institution, d("2026-11-19"), today).is_err());
        assert!(check_filing_date(Filer::Office, d("2026-11-19"), today).is_ok());
        assert_eq!(
            check_filing_date(Filer::Office, d("2026-11-21"), today),
            Err(FilingDateError::Future)
        );
    }
}
