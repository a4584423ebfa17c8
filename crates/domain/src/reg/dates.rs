//! Validity and renewal of a registration (REG-4) and its public number `REG-YYYY-NNNN`.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{Start, Unit, period_end};

/// REG-4 (別紙2 2【登録の有効期間】): ３年.
pub const VALIDITY_YEARS: u32 = 3;

/// The last day of validity: 3 years counted from the registration day itself (REG-4, 民法 art. 143), so
/// 2026-09-20 → 2029-09-19. `None` only beyond chrono's date range.
pub fn expires_on(registered_on: NaiveDate) -> Option<NaiveDate> {
    period_end(registered_on, VALIDITY_YEARS, Unit::Years, Start::SameDay)
}

/// REG-4: "有効期間内に有効期間の更新申請があった場合に、更新手続きを行う" — a renewal application counts when
/// made on or before the last day of validity. The seed sets no earliest day, so any day within validity counts.
pub fn may_apply_for_renewal(expires_on: NaiveDate, applied_on: NaiveDate) -> bool {
    applied_on <= expires_on
}

/// The first day of a renewed registration: the day after the previous expiry, whenever the renewal is decided,
/// so that validity neither overlaps nor has a gap (as ACC-19 does for accreditation).
pub fn renewal_starts_on(previous_expires_on: NaiveDate) -> Option<NaiveDate> {
    previous_expires_on.succ_opt()
}

/// A registration as the API and the directory show it (`registration: {number, registered_on, expires_on}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Registration {
    pub number: RegistrationNumber,
    pub registered_on: NaiveDate,
    pub expires_on: NaiveDate,
}

impl Registration {
    /// A new registration from its registration day (REG-4).
    pub fn new(number: RegistrationNumber, registered_on: NaiveDate) -> Option<Self> {
        Some(Self {
            number,
            registered_on,
            expires_on: expires_on(registered_on)?,
        })
    }

    /// The renewed registration: same number (public numbers are stable), next 3 years without a gap.
    pub fn renewed(&self) -> Option<Self> {
        Self::new(self.number, renewal_starts_on(self.expires_on)?)
    }

    /// Whether `date` falls within the validity (both ends inclusive).
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.registered_on <= date && date <= self.expires_on
    }
}

/// Why a registration number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("登録番号「{input}」は REG-YYYY-NNNN の形ではありません")]
    Format { input: String },
    #[error("登録番号の年 {year} は4桁の西暦ではありません")]
    Year { year: i32 },
    #[error("登録番号の連番は0001〜9999です（{sequence}でした）")]
    Sequence { sequence: u32 },
    #[error("{year}年の登録番号（9999番まで）を使い切りました")]
    Exhausted { year: u16 },
}

/// 登録番号 `REG-YYYY-NNNN`: the calendar year of the first registration and a sequence 1..=9999 restarting each
/// year. Serialized as the string.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct RegistrationNumber {
    year: u16,
    sequence: u16,
}

impl RegistrationNumber {
    pub fn new(year: i32, sequence: u32) -> Result<Self, NumberError> {
        let year = u16::try_from(year)
            .ok()
            .filter(|y| (1000..=9999).contains(y))
            .ok_or(NumberError::Year { year })?;
        let sequence = u16::try_from(sequence)
            .ok()
            .filter(|s| (1..=9999).contains(s))
            .ok_or(NumberError::Sequence { sequence })?;
        Ok(Self { year, sequence })
    }

    /// The number a registration made on `registered_on` gets, after the highest sequence already used that year.
    pub fn next(registered_on: NaiveDate, last_used: Option<u32>) -> Result<Self, NumberError> {
        let sequence = last_used.map_or(1, |last| last.saturating_add(1));
        match Self::new(registered_on.year(), sequence) {
            Err(NumberError::Sequence { .. }) if sequence > 9999 => Err(NumberError::Exhausted {
                year: u16::try_from(registered_on.year()).unwrap_or(u16::MAX),
            }),
            other => other,
        }
    }

    /// Accepts the canonical form, surrounding whitespace and a lower-case `reg` (numbers get typed in by hand
    /// on the public verification page).
    pub fn parse(input: &str) -> Result<Self, NumberError> {
        let format = || NumberError::Format {
            input: input.to_owned(),
        };
        let s = input.trim();
        let (prefix, rest) = s.split_at_checked(4).ok_or_else(format)?;
        if !prefix.eq_ignore_ascii_case("REG-") {
            return Err(format());
        }
        let (year, sequence) = rest.split_once('-').ok_or_else(format)?;
        let four_digits = |p: &str| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit());
        if !four_digits(year) || !four_digits(sequence) {
            return Err(format());
        }
        let year: i32 = year.parse().map_err(|_| format())?;
        let sequence: u32 = sequence.parse().map_err(|_| format())?;
        Self::new(year, sequence)
    }

    pub const fn year(self) -> u16 {
        self.year
    }

    pub const fn sequence(self) -> u16 {
        self.sequence
    }
}

impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "REG-{:04}-{:04}", self.year, self.sequence)
    }
}

impl FromStr for RegistrationNumber {
    type Err = NumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for RegistrationNumber {
    type Error = NumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RegistrationNumber> for String {
    fn from(n: RegistrationNumber) -> Self {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn n(s: &str) -> RegistrationNumber {
        RegistrationNumber::parse(s).unwrap()
    }

    // REG-4: the example of docs/rules.md.
    #[test]
    fn valid_three_years_counting_the_registration_day() {
        assert_eq!(expires_on(d(2026, 9, 20)), Some(d(2029, 9, 19)));
        assert_eq!(expires_on(d(2026, 4, 1)), Some(d(2029, 3, 31)));
        assert_eq!(expires_on(d(2026, 1, 1)), Some(d(2028, 12, 31)));
        // 02-29 has no corresponding day three years on: the period ends on that month's last day (art. 143).
        assert_eq!(expires_on(d(2028, 2, 29)), Some(d(2031, 2, 28)));
        assert_eq!(expires_on(d(2027, 3, 1)), Some(d(2030, 2, 28)));
        assert_eq!(expires_on(NaiveDate::MAX), None);
    }

    // REG-4: renewal applications count within validity, the last day included.
    #[test]
    fn renewal_window_is_the_validity() {
        let expiry = d(2029, 9, 19);
        assert!(may_apply_for_renewal(expiry, d(2027, 1, 1)));
        assert!(may_apply_for_renewal(expiry, d(2029, 9, 19)));
        assert!(!may_apply_for_renewal(expiry, d(2029, 9, 20)));
    }

    #[test]
    fn renewal_continues_without_gap_and_keeps_the_number() {
        let first = Registration::new(n("REG-2026-0012"), d(2026, 9, 20)).unwrap();
        assert_eq!(first.expires_on, d(2029, 9, 19));
        let second = first.renewed().unwrap();
        assert_eq!(second.number, first.number);
        assert_eq!(second.registered_on, d(2029, 9, 20));
        assert_eq!(second.expires_on, d(2032, 9, 19));
        assert!(first.is_valid_on(d(2029, 9, 19)) && !second.is_valid_on(d(2029, 9, 19)));
        assert!(!first.is_valid_on(d(2029, 9, 20)) && second.is_valid_on(d(2029, 9, 20)));
        assert!(!first.is_valid_on(d(2026, 9, 19)));
    }

    #[test]
    fn number_formats_and_parses() {
        let num = RegistrationNumber::new(2026, 7).unwrap();
        assert_eq!(num.to_string(), "REG-2026-0007");
        assert_eq!(n("REG-2026-0007"), num);
        assert_eq!(n("  reg-2026-0007\n"), num);
        assert_eq!((num.year(), num.sequence()), (2026, 7));
        assert_eq!(n("REG-2026-9999").sequence(), 9999);
        assert_eq!(
            "REG-2030-0001".parse::<RegistrationNumber>().map(|n| n.year()),
            Ok(2030)
        );
        assert_eq!(String::from(num), "REG-2026-0007");
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in [
            "",
            "REG",
            "REG-",
            "REG-2026",
            "REG-2026-",
            "REG-2026-7",
            "REG-2026-00007",
            "REG-26-0007",
            "MH-2026-0007",
            "REG_2026_0007",
            "REG-2026-00a7",
            "REG-+026-0007",
            "REG-2026-+007",
            "REG-２０２６-0007",
            "REG-2026-0007-1",
            "ＲＥＧ-2026-0007",
        ] {
            assert!(
                matches!(RegistrationNumber::parse(bad), Err(NumberError::Format { .. })),
                "{bad:?}"
            );
        }
        assert_eq!(
            RegistrationNumber::parse("REG-2026-0000"),
            Err(NumberError::Sequence { sequence: 0 })
        );
        assert_eq!(
            RegistrationNumber::parse("REG-0999-0001"),
            Err(NumberError::Year { year: 999 })
        );
        assert_eq!(
            RegistrationNumber::new(10_000, 1),
            Err(NumberError::Year { year: 10_000 })
        );
        assert_eq!(
            RegistrationNumber::new(-2026, 1),
            Err(NumberError::Year { year: -2026 })
        );
        assert_eq!(
            RegistrationNumber::new(2026, 10_000),
            Err(NumberError::Sequence { sequence: 10_000 })
        );
    }

    #[test]
    fn next_number_in_the_registration_year() {
        assert_eq!(
            RegistrationNumber::next(d(2026, 9, 20), None),
            Ok(n("REG-2026-0001"))
        );
        assert_eq!(
            RegistrationNumber::next(d(2026, 9, 20), Some(41)),
            Ok(n("REG-2026-0042"))
        );
        assert_eq!(
            RegistrationNumber::next(d(2026, 9, 20), Some(9999)),
            Err(NumberError::Exhausted { year: 2026 })
        );
        assert_eq!(
            RegistrationNumber::next(d(2026, 9, 20), Some(u32::MAX)),
            Err(NumberError::Exhausted { year: 2026 })
        );
    }

    #[test]
    fn numbers_order_by_year_then_sequence() {
        assert!(n("REG-2026-0002") < n("REG-2026-0010"));
        assert!(n("REG-2026-9999") < n("REG-2027-0001"));
    }

    proptest! {
        #[test]
        fn number_round_trips(year in 1000i32..=9999, sequence in 1u32..=9999) {
            let num = RegistrationNumber::new(year, sequence).unwrap();
            prop_assert_eq!(RegistrationNumber::parse(&num.to_string()), Ok(num));
            prop_assert_eq!(num.to_string().len(), 13);
        }

        // REG-4: validity is the registration day plus 3 years minus one day, except from 02-29.
        #[test]
        fn expiry_is_the_day_before_the_anniversary(days in 0i64..40_000) {
            let registered = d(2000, 1, 1) + chrono::Duration::days(days);
            let expiry = expires_on(registered).unwrap();
            match registered.with_year(registered.year() + 3) {
                Some(anniversary) => prop_assert_eq!(expiry.succ_opt(), Some(anniversary)),
                None => prop_assert_eq!(expiry, d(registered.year() + 3, 2, 28)),
            }
            prop_assert!(may_apply_for_renewal(expiry, registered));
            let renewed = Registration::new(RegistrationNumber::new(2026, 1).unwrap(), registered)
                .and_then(|r| r.renewed())
                .unwrap();
            prop_assert_eq!(renewed.registered_on.pred_opt(), Some(expiry));
        }
    }
}
