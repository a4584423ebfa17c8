//! Dates of the accreditation (ACC-8, ACC-11, ACC-12, ACC-14, ACC-15, ACC-19, ACC-21) under the Civil Code
//! period rules (民法 arts. 140–143, [`crate::calendar`]).
//!
//! Each period says whether it counts its first day: only where the seed says 起算 from the event day itself
//! (the validity) does the event day count; every other period starts the next day (初日不算入, art. 140).
//! Deadlines the organization must meet take the office's art. 142 roll-forward ([`filing_deadline`]);
//! the office's own deadlines (notices, reports) do not move, so the office meets them before a closure.
//! `None` only when a date leaves chrono's range.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{OfficeCalendar, Start, Unit, filing_deadline, period_end};

/// ACC-11: validity of an accreditation, "認定日から起算して3年" — the accreditation day counts:
/// accredited 2026-04-01 → valid through 2029-03-31.
pub fn accreditation_expires_on(accredited_on: NaiveDate) -> Option<NaiveDate> {
    period_end(accredited_on, 3, Unit::Years, Start::SameDay)
}

/// ACC-12: the result notice, "認定後4週間以内" / "保留を決定した日から4週間以内" — no 起算 wording, so the
/// decision day does not count: decided Wednesday 2026-04-01 → by Wednesday 2026-04-29. The office's deadline.
pub fn result_notice_due(decided_on: NaiveDate) -> Option<NaiveDate> {
    period_end(decided_on, 4, Unit::Weeks, Start::NextDay)
}

/// ACC-12: the review report after an accreditation or a denial, "認定後2ヶ月以内": decided 2026-04-01 → by
/// 2026-06-01. The office's deadline.
pub fn review_report_due(decided_on: NaiveDate) -> Option<NaiveDate> {
    period_end(decided_on, 2, Unit::Months, Start::NextDay)
}

/// ACC-11 hold: the organization's additional documents, "送付日から3ヶ月以内" of the office's request — the
/// sending day does not count; the organization's deadline, so art. 142 applies: sent 2026-04-01 → by
/// 2026-07-01; sent 2026-05-02 → 2026-08-02 is a Sunday → by 2026-08-03.
pub fn hold_documents_due(notice_sent_on: NaiveDate, office: &OfficeCalendar) -> Option<NaiveDate> {
    filing_deadline(office, notice_sent_on, 3, Unit::Months, Start::NextDay)
}

/// ACC-11 defer: the latest grace date, "猶予期間は、最長1年" counted from the *first* deferral (extensions
/// included), the deferral day not counted: first deferred 2026-04-01 → grace until 2027-04-01 at the latest.
/// A limit on the committee, not a filing deadline, so it does not move.
pub fn max_grace_until(first_deferred_on: NaiveDate) -> Option<NaiveDate> {
    period_end(first_deferred_on, 1, Unit::Years, Start::NextDay)
}

/// ACC-21: an appeal, "処分があったことを知った日の翌日から起算して1ヶ月以内", with art. 142: known 2026-01-15 →
/// 2026-02-15, a Sunday → 2026-02-16 (2026-02-15 with the office's roll-forward off); known 2026-01-30 →
/// 2026-02-28, a Saturday → 2026-03-02. For a denial the day known is the day the result notice is received
/// (seed 003 第6章6: "認定審査結果通知書を受け取ってから1ヶ月以内").
pub fn appeal_due(known_on: NaiveDate, office: &OfficeCalendar) -> Option<NaiveDate> {
    filing_deadline(office, known_on, 1, Unit::Months, Start::NextDay)
}

/// ACC-21: the committee reviews an appeal "受理してから、2ヶ月以内" (extendable when it asks for more
/// information): received 2026-02-16 → by 2026-04-16. The office's deadline.
pub fn appeal_review_due(received_on: NaiveDate) -> Option<NaiveDate> {
    period_end(received_on, 2, Unit::Months, Start::NextDay)
}

/// ACC-8: the last day a surveyor may not serve or take funds from the organization, "判断が行われた日から
/// 6ヶ月間", the decision day not counted: decided 2026-04-01 → restricted through 2026-10-01.
pub fn surveyor_restriction_ends_on(decided_on: NaiveDate) -> Option<NaiveDate> {
    period_end(decided_on, 6, Unit::Months, Start::NextDay)
}

/// ACC-19: the office's renewal notice, "認定期間が満了する日の12ヶ月前までに": the last day on which sending
/// still leaves twelve full months of validity after the sending day (初日不算入). Expires 2029-03-31 → by
/// 2028-03-31; expires 2029-02-28 → by 2028-02-29 (2028-03-01..=2029-02-28 is twelve months). The office's
/// deadline: not moved forward (that would shorten the twelve months).
pub fn renewal_notice_due(expires_on: NaiveDate) -> Option<NaiveDate> {
    let leaves_a_year = |day: NaiveDate| {
        period_end(day, 12, Unit::Months, Start::NextDay).is_some_and(|end| end <= expires_on)
    };
    // Start near the answer and step; month ends make it differ from "a year earlier" by a few days at most.
    let mut day = expires_on.checked_sub_months(Months::new(12))?;
    for _ in 0..8 {
        if leaves_a_year(day) {
            break;
        }
        day = day.pred_opt()?;
    }
    for _ in 0..8 {
        match day.succ_opt() {
            Some(next) if leaves_a_year(next) => day = next,
            _ => break,
        }
    }
    leaves_a_year(day).then_some(day)
}

/// ACC-19: the accreditation day of a renewal.
///
/// - Validity extended during the renewal review: the day after the *pre-extension* expiry (seed 003 第8章3).
/// - Renewal decided within the validity: also the day after the expiry — the seed is silent; continuing the
///   cycle without overlap or gap is what the extension rule does too, and no paid-for time is lost.
/// - Decided after an expiry without extension: the accreditation has lapsed (ACC-17), so this is a new
///   accreditation dated the decision day.
pub fn renewal_accredited_on(
    decided_on: NaiveDate,
    previous_expires_on: NaiveDate,
    extended: bool,
) -> Option<NaiveDate> {
    if decided_on <= previous_expires_on || extended {
        previous_expires_on.succ_opt()
    } else {
        Some(decided_on)
    }
}

/// ACC-14: the annual maintenance reports of one validity, "毎年、認定を受けた月に": by the last day of the
/// accreditation month one and two years on (the third anniversary falls after the expiry, in the renewal).
/// The organization's deadline, so art. 142 applies. Accredited 2026-04-01 → 2027-04-30 (a Friday) and
/// 2028-05-01 (2028-04-30 is a Sunday).
pub fn annual_report_dues(accredited_on: NaiveDate, office: &OfficeCalendar) -> Vec<NaiveDate> {
    (1..=2)
        .filter_map(|year| {
            let month = accredited_on
                .with_day(1)?
                .checked_add_months(Months::new(12 * year))?;
            let last = month.checked_add_months(Months::new(1))?.pred_opt()?;
            office.roll_forward(last)
        })
        .collect()
}

/// The events that need a self-report (ACC-15, seed 003 第7章3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SelfReportEvent {
    /// Closing the organization, or ending all or part of the accredited services (from the decision).
    Closure,
    /// Providing accredited services at another location (from the decision).
    OtherLocation,
    /// Merger or acquisition (from the decision).
    Merger,
    /// Change of representative or service heads (from the change).
    ChangeOfHead,
    /// Court judgment or administrative sanction related to the business (from receiving it).
    JudgmentOrSanction,
    /// Serious harm to a client's health possibly linked to the service (from learning of it).
    ClientHarm,
}

/// ACC-15: the self-report deadline from the day the event was decided, happened, received or learned of
/// (`event_on`, never counted). "1ヶ月以内" follows art. 143 with art. 142; "10営業日" counts ten business days of
/// the office after that day.
pub fn self_report_due(
    event: SelfReportEvent,
    event_on: NaiveDate,
    office: &OfficeCalendar,
) -> Option<NaiveDate> {
    match event {
        SelfReportEvent::ClientHarm => office.add_business_days(event_on, 10),
        _ => filing_deadline(office, event_on, 1, Unit::Months, Start::NextDay),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn acc_11_validity_counts_the_accreditation_day() {
        assert_eq!(accreditation_expires_on(d(2026, 4, 1)), Some(d(2029, 3, 31)));
        assert_eq!(accreditation_expires_on(d(2026, 9, 20)), Some(d(2029, 9, 19)));
        // No 2027-02-29: the period ends on that month's last day (art. 143).
        assert_eq!(accreditation_expires_on(d(2024, 2, 29)), Some(d(2027, 2, 28)));
        assert_eq!(accreditation_expires_on(d(2026, 1, 1)), Some(d(2028, 12, 31)));
    }

    #[test]
    fn acc_12_result_notice_four_weeks_review_report_two_months() {
        assert_eq!(result_notice_due(d(2026, 4, 1)), Some(d(2026, 4, 29)));
        assert_eq!(review_report_due(d(2026, 4, 1)), Some(d(2026, 6, 1)));
        // Office deadlines do not move: 2026-06-28 is a Sunday.
        assert_eq!(result_notice_due(d(2026, 5, 31)), Some(d(2026, 6, 28)));
        assert_eq!(review_report_due(d(2025, 12, 31)), Some(d(2026, 2, 28)));
    }

    #[test]
    fn acc_11_hold_documents_three_months_rolled() {
        let office = OfficeCalendar::default();
        assert_eq!(hold_documents_due(d(2026, 4, 1), &office), Some(d(2026, 7, 1)));
        assert_eq!(hold_documents_due(d(2026, 5, 2), &office), Some(d(2026, 8, 3)));
        // Into the new-year closure: 2026-12-29 → 2027-01-04.
        assert_eq!(hold_documents_due(d(2026, 9, 29), &office), Some(d(2027, 1, 4)));
        let no_roll = OfficeCalendar {
            roll_forward: false,
            ..OfficeCalendar::default()
        };
        assert_eq!(hold_documents_due(d(2026, 5, 2), &no_roll), Some(d(2026, 8, 2)));
    }

    #[test]
    fn acc_11_grace_at_most_one_year_after_the_first_deferral() {
        assert_eq!(max_grace_until(d(2026, 4, 1)), Some(d(2027, 4, 1)));
        assert_eq!(max_grace_until(d(2027, 2, 28)), Some(d(2028, 2, 29)));
        assert_eq!(max_grace_until(d(2028, 2, 28)), Some(d(2029, 2, 28)));
    }

    #[test]
    fn acc_21_appeal_one_month_from_the_next_day_with_art_142() {
        let office = OfficeCalendar::default();
        assert_eq!(appeal_due(d(2026, 1, 15), &office), Some(d(2026, 2, 16)));
        assert_eq!(appeal_due(d(2026, 1, 30), &office), Some(d(2026, 3, 2)));
        let no_roll = OfficeCalendar {
            roll_forward: false,
            ..OfficeCalendar::default()
        };
        assert_eq!(appeal_due(d(2026, 1, 15), &no_roll), Some(d(2026, 2, 15)));
        assert_eq!(appeal_due(d(2026, 1, 30), &no_roll), Some(d(2026, 2, 28)));
        assert_eq!(appeal_review_due(d(2026, 2, 16)), Some(d(2026, 4, 16)));
    }

    #[test]
    fn acc_8_surveyor_restriction_six_months() {
        assert_eq!(surveyor_restriction_ends_on(d(2026, 4, 1)), Some(d(2026, 10, 1)));
        assert_eq!(surveyor_restriction_ends_on(d(2026, 8, 30)), Some(d(2027, 2, 28)));
    }

    #[test]
    fn acc_19_renewal_notice_leaves_twelve_full_months() {
        assert_eq!(renewal_notice_due(d(2029, 3, 31)), Some(d(2028, 3, 31)));
        assert_eq!(renewal_notice_due(d(2029, 2, 28)), Some(d(2028, 2, 29)));
        assert_eq!(renewal_notice_due(d(2029, 9, 19)), Some(d(2028, 9, 19)));
        assert_eq!(renewal_notice_due(d(2028, 2, 29)), Some(d(2027, 2, 28)));
        assert_eq!(renewal_notice_due(d(2029, 4, 30)), Some(d(2028, 4, 30)));
    }

    #[test]
    fn acc_19_renewal_dates() {
        let expiry = d(2029, 3, 31);
        // Extended, renewed 2029-06-10: dated the day after the pre-extension expiry.
        assert_eq!(
            renewal_accredited_on(d(2029, 6, 10), expiry, true),
            Some(d(2029, 4, 1))
        );
        assert_eq!(accreditation_expires_on(d(2029, 4, 1)), Some(d(2032, 3, 31)));
        // Renewed within the validity: the cycle continues.
        assert_eq!(
            renewal_accredited_on(d(2029, 2, 10), expiry, false),
            Some(d(2029, 4, 1))
        );
        assert_eq!(renewal_accredited_on(expiry, expiry, false), Some(d(2029, 4, 1)));
        // Lapsed, then accredited again: a new accreditation.
        assert_eq!(
            renewal_accredited_on(d(2029, 6, 10), expiry, false),
            Some(d(2029, 6, 10))
        );
    }

    #[test]
    fn acc_14_annual_reports_in_the_accreditation_month() {
        let office = OfficeCalendar::default();
        assert_eq!(
            annual_report_dues(d(2026, 4, 1), &office),
            [d(2027, 4, 30), d(2028, 5, 1)]
        );
        assert_eq!(
            annual_report_dues(d(2026, 12, 15), &office),
            [d(2028, 1, 4), d(2029, 1, 4)]
        );
    }

    #[test]
    fn acc_15_self_report_deadlines() {
        let office = OfficeCalendar::default();
        assert_eq!(
            self_report_due(SelfReportEvent::Merger, d(2026, 1, 15), &office),
            Some(d(2026, 2, 16))
        );
        assert_eq!(
            self_report_due(SelfReportEvent::ChangeOfHead, d(2026, 3, 10), &office),
            Some(d(2026, 4, 10))
        );
        // Ten business days from learning on Thursday 2026-04-30, over Golden Week: 5/1, 5/7, 5/8, 5/11..=15,
        // 5/18, 5/19.
        assert_eq!(
            self_report_due(SelfReportEvent::ClientHarm, d(2026, 4, 30), &office),
            Some(d(2026, 5, 19))
        );
    }

    proptest! {
        // ACC-11/ACC-19: the validity is three years; the renewal notice leaves twelve months and is the last
        // day that does; a renewal after an extension starts right after the old validity.
        #[test]
        fn acc_11_19_validity_and_renewal(offset in 0u64..40_000) {
            let accredited = d(2000, 1, 1) + chrono::Days::new(offset);
            let expires = accreditation_expires_on(accredited).unwrap();
            prop_assert!(expires > accredited);
            prop_assert!(expires.signed_duration_since(accredited).num_days() >= 3 * 365 - 1);
            prop_assert!(expires.signed_duration_since(accredited).num_days() < 3 * 366);
            let notice = renewal_notice_due(expires).unwrap();
            prop_assert!(period_end(notice, 12, Unit::Months, Start::NextDay).unwrap() <= expires);
            let next = notice.succ_opt().unwrap();
            prop_assert!(period_end(next, 12, Unit::Months, Start::NextDay).unwrap() > expires);
            let renewed = renewal_accredited_on(expires + chrono::Days::new(30), expires, true).unwrap();
            prop_assert_eq!(renewed, expires.succ_opt().unwrap());
        }

        // Filing deadlines never come before the unrolled period end and land on a business day.
        #[test]
        fn acc_21_appeal_due_is_a_business_day_on_or_after_the_period_end(offset in 0u64..20_000) {
            let office = OfficeCalendar::default();
            let known = d(2000, 1, 1) + chrono::Days::new(offset);
            let due = appeal_due(known, &office).unwrap();
            prop_assert!(office.is_business_day(due));
            prop_assert!(due >= period_end(known, 1, Unit::Months, Start::NextDay).unwrap());
        }
    }
}
