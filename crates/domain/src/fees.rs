//! MH認定 fees (ACC-20, ACC-22; seed 003 第11章) and Japanese consumption tax, in whole yen.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// An amount of money in whole yen.
///
/// Unsigned (`u64`): every amount here — revenue, fees, tax — is non-negative, and the seed has no refunds
/// (ACC-3: paid fees are not refunded), so a negative amount can only be a bug. `u64` holds ~1.8 × 10¹⁹ yen, far
/// beyond any revenue. Serialized as a bare integer, as the API's `*_yen` fields are.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct Yen(u64);

impl Yen {
    pub const ZERO: Yen = Yen(0);

    pub const fn new(yen: u64) -> Self {
        Yen(yen)
    }

    pub const fn get(self) -> u64 {
        self.0
    }

    /// `None` on overflow; money never wraps or saturates silently.
    pub const fn checked_add(self, other: Yen) -> Option<Yen> {
        match self.0.checked_add(other.0) {
            Some(v) => Some(Yen(v)),
            None => None,
        }
    }

    pub const fn checked_mul(self, times: u64) -> Option<Yen> {
        match self.0.checked_mul(times) {
            Some(v) => Some(Yen(v)),
            None => None,
        }
    }
}

impl From<u64> for Yen {
    fn from(v: u64) -> Self {
        Yen(v)
    }
}

/// `¥1,234,567`.
impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let len = digits.len();
        let mut out = String::with_capacity(len + len / 3 + 1);
        out.push('¥');
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (len - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        f.write_str(&out)
    }
}

// ACC-22 amounts (seed 003 第11章 1.(1)(2)), before consumption tax.
/// 基本料金: up to [`SERVICES_IN_BASE`] services and revenue up to [`REVENUE_IN_BASE`].
pub const BASE_FEE: Yen = Yen(500_000);
pub const SERVICES_IN_BASE: u32 = 2;
/// Per service beyond [`SERVICES_IN_BASE`] (ACC-22), and per service added to an accreditation (ACC-20).
pub const PER_SERVICE_FEE: Yen = Yen(60_000);
pub const REVENUE_IN_BASE: Yen = Yen(50_000_000);
const TIER1_TOP: u64 = 100_000_000;
const TIER1_STEP: u64 = 10_000_000;
const TIER1_FEE: u64 = 30_000;
const TIER2_TOP: u64 = 200_000_000;
const TIER2_STEP: u64 = 50_000_000;
const TIER2_FEE: u64 = 120_000;
const TIER3_FEE: u64 = 120_000;
/// 認定証の追加発行, per copy (seed 003 第11章 4.).
pub const CERTIFICATE_REISSUE_FEE: Yen = Yen(3_000);

/// Base and add-on fees of an application (ACC-22), as invoiced on acceptance (ACC-4). Field names are those of
/// the API's `fees` object. Produce it with [`acc_fee`], which keeps `total_yen` the sum of the parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeeBreakdown {
    pub base_yen: Yen,
    pub services_addon_yen: Yen,
    pub revenue_addon_yen: Yen,
    pub total_yen: Yen,
}

/// 基本料金 + 加算料金 (ACC-22) for the latest annual revenue from mental-health services and the number of
/// services in scope:
///
/// - base ¥500,000;
/// - +¥60,000 per service beyond 2 (0, 1 and 2 services cost the same);
/// - revenue above ¥50M up to ¥100M: +¥30,000 per *started* ¥10M (¥50,000,001 already adds one step);
/// - above ¥100M up to ¥200M: +¥120,000 per started ¥50M;
/// - above ¥200M: +¥120,000 once, whatever the amount.
///
/// So the revenue add-on is at most ¥150,000 + ¥240,000 + ¥120,000 = ¥510,000, and nothing here can overflow
/// (`u32::MAX` services × ¥60,000 < 2.6 × 10¹⁴).
pub fn acc_fee(annual_revenue_yen: Yen, service_count: u32) -> FeeBreakdown {
    let base_yen = BASE_FEE;
    let services_addon_yen =
        Yen(u64::from(service_count.saturating_sub(SERVICES_IN_BASE)) * PER_SERVICE_FEE.0);
    let revenue_addon_yen = revenue_addon(annual_revenue_yen);
    FeeBreakdown {
        base_yen,
        services_addon_yen,
        revenue_addon_yen,
        total_yen: Yen(base_yen.0 + services_addon_yen.0 + revenue_addon_yen.0),
    }
}

fn revenue_addon(revenue: Yen) -> Yen {
    let r = revenue.0;
    // Each tier looks only at the part of the revenue inside it ("…までの部分"), counting started steps.
    let tier1 = r
        .min(TIER1_TOP)
        .saturating_sub(REVENUE_IN_BASE.0)
        .div_ceil(TIER1_STEP)
        * TIER1_FEE;
    let tier2 = r.min(TIER2_TOP).saturating_sub(TIER1_TOP).div_ceil(TIER2_STEP) * TIER2_FEE;
    let tier3 = if r > TIER2_TOP { TIER3_FEE } else { 0 };
    Yen(tier1 + tier2 + tier3)
}

/// The answer of `GET /api/v1/public/fee-estimate`: [`acc_fee`] plus consumption tax at the rate in force on
/// `on` (the caller passes today; this module never reads the clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeeEstimate {
    #[serde(flatten)]
    pub fees: FeeBreakdown,
    pub tax_yen: Yen,
    pub total_with_tax_yen: Yen,
}

/// ACC-22 fees with tax added once on the total, as an invoice does (rounding per invoice, not per line).
pub fn fee_estimate(annual_revenue_yen: Yen, service_count: u32, on: NaiveDate) -> FeeEstimate {
    let fees = acc_fee(annual_revenue_yen, service_count);
    let tax_yen = consumption_tax(fees.total_yen, on);
    FeeEstimate {
        fees,
        tax_yen,
        total_with_tax_yen: Yen(fees.total_yen.0 + tax_yen.0),
    }
}

/// Standard consumption-tax rate (national + local) in percent in force on a date: 0 before 1989-04-01, then 3%,
/// 5% from 1997-04-01, 8% from 2014-04-01, 10% from 2019-10-01. The reduced 8% rate (food, newspapers) never
/// applies to these fees. ACC-22: the invoice date decides.
pub fn consumption_tax_rate_percent(on: NaiveDate) -> u32 {
    // Newest first: the first start date not after `on` wins.
    const RATES: [((i32, u32, u32), u32); 4] = [
        ((2019, 10, 1), 10),
        ((2014, 4, 1), 8),
        ((1997, 4, 1), 5),
        ((1989, 4, 1), 3),
    ];
    let day = (on.year(), on.month(), on.day());
    RATES
        .iter()
        .find(|(start, _)| day >= *start)
        .map_or(0, |(_, rate)| *rate)
}

/// Consumption tax on an amount at the rate in force on `on`, rounded down to the yen (切り捨て).
pub fn consumption_tax(amount: Yen, on: NaiveDate) -> Yen {
    let rate = u64::from(consumption_tax_rate_percent(on));
    // floor(a × r / 100) computed as (a div 100) × r + floor((a mod 100) × r / 100): exact, and no overflow
    // for any u64 amount, unlike a × r.
    Yen(amount.0 / 100 * rate + amount.0 % 100 * rate / 100)
}

/// Length of an extra coordinator visit or extra site visit (seed 003 第11章 1.(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitLength {
    /// 半日
    HalfDay,
    /// 1日
    FullDay,
}

impl VisitLength {
    /// Fee for the visit itself; travel and lodging are invoiced on top at actual cost (交通宿泊費実費相当額),
    /// which is an input, not something this module can compute.
    pub const fn fee(self) -> Yen {
        match self {
            VisitLength::HalfDay => Yen(150_000),
            VisitLength::FullDay => Yen(250_000),
        }
    }
}

/// Fee for services added to an existing accreditation (ACC-20): ¥60,000 per added service, whatever the number
/// already accredited (the seed prices "追加認定1サービスあたり"); extra-visit fees come on top.
pub fn added_services_fee(added: u32) -> Yen {
    Yen(u64::from(added) * PER_SERVICE_FEE.0)
}

/// Fee for extra certificate copies (seed 003 第11章 4., ¥3,000 each).
pub fn certificate_reissue_fee(copies: u32) -> Yen {
    Yen(u64::from(copies) * CERTIFICATE_REISSUE_FEE.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MAN: u64 = 10_000; // 万円

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Seed 003 第11章 ★事前にお支払いいただく料金, in 万円: (row's upper revenue bound or None for 2億円超,
    /// [2サービスまで, 3, 4, 5]).
    const SEED_TABLE: [(Option<u64>, [u64; 4]); 9] = [
        (Some(50_000_000), [50, 56, 62, 68]),
        (Some(60_000_000), [53, 59, 65, 71]),
        (Some(70_000_000), [56, 62, 68, 74]),
        (Some(80_000_000), [59, 65, 71, 77]),
        (Some(90_000_000), [62, 68, 74, 80]),
        (Some(100_000_000), [65, 71, 77, 83]),
        (Some(150_000_000), [77, 83, 89, 95]),
        (Some(200_000_000), [89, 95, 101, 107]),
        (None, [101, 107, 113, 119]),
    ];

    #[test]
    fn acc_22_reproduces_every_cell_of_the_seed_table() {
        let mut lower = 0u64; // the previous row's bound: a row covers (lower, upper]
        for (upper, cells) in SEED_TABLE {
            // Probe both ends of the row and its middle; the 2億円超 row has no top, so probe far out.
            let top = upper.unwrap_or(10_000_000_000_000);
            let probes = [
                if lower == 0 { 0 } else { lower + 1 },
                lower + (top - lower) / 2,
                top,
            ];
            for revenue in probes {
                for (services, want_man) in [2u32, 3, 4, 5].into_iter().zip(cells) {
                    let fee = acc_fee(Yen(revenue), services);
                    assert_eq!(
                        fee.total_yen,
                        Yen(want_man * MAN),
                        "revenue {revenue}, {services} services"
                    );
                }
            }
            lower = top;
        }
    }

    #[test]
    fn acc_22_two_services_or_fewer_cost_the_base() {
        for services in 0..=2 {
            assert_eq!(acc_fee(Yen(10_000_000), services).total_yen, Yen(500_000));
        }
    }

    #[test]
    fn acc_22_domain_example_87m_and_5_services_is_800k() {
        let fee = acc_fee(Yen(87_000_000), 5);
        assert_eq!(
            fee,
            FeeBreakdown {
                base_yen: Yen(500_000),
                services_addon_yen: Yen(180_000),
                revenue_addon_yen: Yen(120_000),
                total_yen: Yen(800_000),
            }
        );
    }

    #[test]
    fn acc_22_revenue_boundaries() {
        let addon = |r: u64| acc_fee(Yen(r), 2).revenue_addon_yen.get();
        assert_eq!(addon(50_000_000), 0);
        assert_eq!(addon(50_000_001), 30_000); // one started ¥10M step
        assert_eq!(addon(60_000_000), 30_000);
        assert_eq!(addon(60_000_001), 60_000);
        assert_eq!(addon(100_000_000), 150_000);
        assert_eq!(addon(100_000_001), 270_000);
        assert_eq!(addon(150_000_000), 270_000);
        assert_eq!(addon(150_000_001), 390_000);
        assert_eq!(addon(200_000_000), 390_000);
        assert_eq!(addon(200_000_001), 510_000);
        assert_eq!(addon(u64::MAX), 510_000);
    }

    #[test]
    fn acc_20_and_extra_fees() {
        assert_eq!(VisitLength::HalfDay.fee(), Yen(150_000));
        assert_eq!(VisitLength::FullDay.fee(), Yen(250_000));
        assert_eq!(added_services_fee(1), Yen(60_000));
        assert_eq!(added_services_fee(3), Yen(180_000));
        assert_eq!(certificate_reissue_fee(2), Yen(6_000));
        assert_eq!(CERTIFICATE_REISSUE_FEE, Yen(3_000));
    }

    #[test]
    fn consumption_tax_rate_changes_on_the_first_day() {
        assert_eq!(consumption_tax_rate_percent(date(1989, 3, 31)), 0);
        assert_eq!(consumption_tax_rate_percent(date(1989, 4, 1)), 3);
        assert_eq!(consumption_tax_rate_percent(date(1997, 3, 31)), 3);
        assert_eq!(consumption_tax_rate_percent(date(1997, 4, 1)), 5);
        assert_eq!(consumption_tax_rate_percent(date(2014, 3, 31)), 5);
        assert_eq!(consumption_tax_rate_percent(date(2014, 4, 1)), 8);
        assert_eq!(consumption_tax_rate_percent(date(2019, 9, 30)), 8);
        assert_eq!(consumption_tax_rate_percent(date(2019, 10, 1)), 10);
        assert_eq!(consumption_tax_rate_percent(date(2026, 9, 20)), 10);
    }

    #[test]
    fn consumption_tax_rounds_down_to_the_yen() {
        let today = date(2026, 1, 15);
        assert_eq!(consumption_tax(Yen(800_000), today), Yen(80_000));
        assert_eq!(consumption_tax(Yen(3_009), today), Yen(300)); // 300.9 → 300
        assert_eq!(consumption_tax(Yen(3_009), date(2015, 1, 1)), Yen(240)); // 240.72 → 240
        assert_eq!(consumption_tax(Yen(99), date(1990, 1, 1)), Yen(2)); // 2.97 → 2
        assert_eq!(consumption_tax(Yen(u64::MAX), today), Yen(u64::MAX / 10));
        assert_eq!(consumption_tax(Yen(1_000), date(1988, 1, 1)), Yen::ZERO);
    }

    #[test]
    fn fee_estimate_adds_tax_once_on_the_total() {
        let e = fee_estimate(Yen(87_000_000), 5, date(2026, 1, 15));
        assert_eq!(e.fees.total_yen, Yen(800_000));
        assert_eq!(e.tax_yen, Yen(80_000));
        assert_eq!(e.total_with_tax_yen, Yen(880_000));
    }

    #[test]
    fn yen_displays_with_separators() {
        assert_eq!(Yen(0).to_string(), "¥0");
        assert_eq!(Yen(999).to_string(), "¥999");
        assert_eq!(Yen(1_000).to_string(), "¥1,000");
        assert_eq!(Yen(800_000).to_string(), "¥800,000");
        assert_eq!(Yen(1_234_567).to_string(), "¥1,234,567");
        assert_eq!(Yen(3_000).checked_add(Yen(u64::MAX)), None);
        assert_eq!(Yen(3_000).checked_mul(2), Some(Yen(6_000)));
    }

    proptest! {
        #[test]
        fn acc_22_total_is_the_sum_of_parts(r in any::<u64>(), s in any::<u32>()) {
            let f = acc_fee(Yen(r), s);
            prop_assert_eq!(f.total_yen.get(), f.base_yen.get() + f.services_addon_yen.get() + f.revenue_addon_yen.get());
            prop_assert_eq!(f.base_yen, BASE_FEE);
        }

        #[test]
        fn acc_22_monotonic_in_revenue(a in 0u64..1_000_000_000, b in 0u64..1_000_000_000, s in 0u32..10) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(acc_fee(Yen(lo), s).total_yen <= acc_fee(Yen(hi), s).total_yen);
        }

        #[test]
        fn acc_22_monotonic_in_service_count(r in any::<u64>(), a in 0u32..1000, b in 0u32..1000) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(acc_fee(Yen(r), lo).total_yen <= acc_fee(Yen(r), hi).total_yen);
        }

        #[test]
        fn consumption_tax_is_floor_of_exact_product(a in any::<u64>(), days in 0i64..20_000) {
            let on = date(1985, 1, 1) + chrono::Duration::days(days);
            let rate = u128::from(consumption_tax_rate_percent(on));
            let exact = u128::from(a) * rate / 100;
            prop_assert_eq!(u128::from(consumption_tax(Yen(a), on).get()), exact);
        }
    }
}
