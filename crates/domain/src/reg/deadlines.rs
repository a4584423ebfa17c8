//! REG due dates in the one deadline model: the renewal application of REG-4 and the documents the
//! office requests in a deregistration case (REG-7). The dates follow the rules of `dates` and the request itself;
//! this module names the kinds and says which date is due.

use chrono::NaiveDate;

/// REG-4: the organization must apply for renewal within the validity (on or before the last day).
pub const RENEWAL: &str = "reg_renewal";
/// REG-7: the documents the office requested, due on the date the request set.
pub const DOCUMENTS: &str = "reg_documents";

/// REG-4: the renewal application is due on the last day of validity (`dates::may_apply_for_renewal`).
pub fn renewal_due(expires_on: NaiveDate) -> NaiveDate {
    expires_on
}

/// The title shown on the deadline lists, the calendar feed and the reminder mail.
pub fn renewal_title(number: &str) -> String {
    format!("登録{number}の更新申請")
}

/// REG-7: of the open document requests `(due_on, received)`, the earliest not yet received is what is due
/// now; none when everything arrived.
pub fn documents_due(requests: &[(NaiveDate, bool)]) -> Option<NaiveDate> {
    requests
        .iter()
        .filter(|(_, received)| !received)
        .map(|(due, _)| *due)
        .min()
}

pub fn documents_title(number: &str) -> String {
    format!("登録{number}に関する資料の提出")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reg_4_renewal_is_due_on_the_last_day_of_validity() {
        // docs/rules.md: registered 2026-09-20 → valid through 2029-09-19.
        let expires = crate::reg::dates::expires_on(d("2026-09-20")).unwrap();
        assert_eq!(renewal_due(expires), d("2029-09-19"));
        assert!(crate::reg::dates::may_apply_for_renewal(
            expires,
            renewal_due(expires)
        ));
        assert_eq!(renewal_title("REG-2026-0001"), "登録REG-2026-0001の更新申請");
    }

    #[test]
    fn reg_7_the_earliest_outstanding_request_is_due() {
        assert_eq!(documents_due(&[]), None);
        assert_eq!(
            documents_due(&[(d("2026-12-19"), false), (d("2026-12-10"), false)]),
            Some(d("2026-12-10"))
        );
        assert_eq!(
            documents_due(&[(d("2026-12-19"), false), (d("2026-12-10"), true)]),
            Some(d("2026-12-19"))
        );
        assert_eq!(documents_due(&[(d("2026-12-10"), true)]), None);
    }
}
