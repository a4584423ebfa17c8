//! 請求書 as a qualified invoice (適格請求書, インボイス制度): the issuer's name and registration number (T + 13
//! digits), the transaction date, the items with their tax rate, the consideration totalled per rate with the rate,
//! the consumption tax per rate, and the recipient's name.
//!
//! Tax is computed once per rate on that rate's total and rounded down (one rounding per rate per invoice, as the
//! qualified-invoice rules require; the per-item amounts carry no tax of their own).

use chrono::NaiveDate;
use serde_json::json;

use crate::documents::{DocOptions, Issuer, Recipient, issuer_json, recipient_json};
use crate::format::{date, en, yen};
use crate::{DocError, engine};

const TEMPLATE: &str = include_str!("templates/invoice.typ");

/// A consumption-tax rate of an invoice line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaxRate {
    /// 10% (標準税率).
    Standard10,
    /// 8% (軽減税率); marked ※ on the invoice. Never used by the accreditation fees, kept for completeness.
    Reduced8,
}

impl TaxRate {
    pub fn percent(self) -> u64 {
        match self {
            TaxRate::Standard10 => 10,
            TaxRate::Reduced8 => 8,
        }
    }

    fn label(self) -> &'static str {
        match self {
            TaxRate::Standard10 => "10%対象",
            TaxRate::Reduced8 => "8%対象（軽減税率）",
        }
    }

    fn column(self) -> &'static str {
        match self {
            TaxRate::Standard10 => "10%",
            TaxRate::Reduced8 => "8%※",
        }
    }
}

/// One line of an invoice; amounts are before tax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceItem {
    /// 取引年月日 of this line.
    pub date: NaiveDate,
    pub description: String,
    pub quantity: u32,
    pub unit_price: u64,
    pub rate: TaxRate,
}

/// A qualified invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub invoice_number: String,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub recipient: Recipient,
    pub issuer: Issuer,
    /// 適格請求書発行事業者登録番号: "T" and 13 digits.
    pub registration_number: String,
    pub items: Vec<InvoiceItem>,
    /// 振込先 (bank, branch, account), shown when not empty.
    pub bank: String,
    /// A closing remark, shown when not empty.
    pub note: String,
}

/// The consideration and tax of one rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateTotal {
    pub rate: TaxRate,
    /// Sum of the lines at this rate, before tax.
    pub net: u64,
    /// Tax on `net`, rounded down.
    pub tax: u64,
}

/// Totals of an invoice, per rate and overall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceTotals {
    /// One entry per rate that occurs, 10% first.
    pub by_rate: Vec<RateTotal>,
    pub net: u64,
    pub tax: u64,
    /// What is due: `net + tax`.
    pub total: u64,
}

fn line_amount(item: &InvoiceItem) -> Result<u64, DocError> {
    item.unit_price
        .checked_mul(u64::from(item.quantity))
        .ok_or_else(|| DocError::invalid("items", "amount too large"))
}

/// Totals per rate (tax rounded down once per rate) and overall; money never wraps.
pub fn invoice_totals(items: &[InvoiceItem]) -> Result<InvoiceTotals, DocError> {
    let overflow = || DocError::invalid("items", "amount too large");
    let mut by_rate: Vec<RateTotal> = Vec::new();
    for rate in [TaxRate::Standard10, TaxRate::Reduced8] {
        let mut net: u64 = 0;
        let mut any = false;
        for item in items.iter().filter(|i| i.rate == rate) {
            net = net.checked_add(line_amount(item)?).ok_or_else(overflow)?;
            any = true;
        }
        if any {
            // net × rate / 100 without overflow: split into hundreds and the rest.
            let tax = (net / 100)
                .checked_mul(rate.percent())
                .and_then(|t| t.checked_add(net % 100 * rate.percent() / 100))
                .ok_or_else(overflow)?;
            by_rate.push(RateTotal { rate, net, tax });
        }
    }
    let net = by_rate
        .iter()
        .try_fold(0_u64, |acc, r| acc.checked_add(r.net))
        .ok_or_else(overflow)?;
    let tax = by_rate
        .iter()
        .try_fold(0_u64, |acc, r| acc.checked_add(r.tax))
        .ok_or_else(overflow)?;
    let total = net.checked_add(tax).ok_or_else(overflow)?;
    Ok(InvoiceTotals {
        by_rate,
        net,
        tax,
        total,
    })
}

/// "T" followed by 13 ASCII digits.
pub fn valid_registration_number(s: &str) -> bool {
    s.len() == 14 && s.starts_with('T') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// The invoice as PDF.
pub fn invoice(inv: &Invoice, o: &DocOptions) -> Result<Vec<u8>, DocError> {
    if !valid_registration_number(&inv.registration_number) {
        return Err(DocError::invalid(
            "registration_number",
            format!("{:?} is not T followed by 13 digits", inv.registration_number),
        ));
    }
    if inv.items.is_empty() {
        return Err(DocError::invalid("items", "an invoice needs at least one item"));
    }
    if inv.invoice_number.trim().is_empty() {
        return Err(DocError::invalid("invoice_number", "empty"));
    }
    let totals = invoice_totals(&inv.items)?;
    let mut items = Vec::new();
    for i in &inv.items {
        items.push(json!({
            "date": date(i.date, o.date_style),
            "description": i.description,
            "quantity": i.quantity.to_string(),
            "unit_price": yen(i.unit_price),
            "rate": i.rate.column(),
            "amount": yen(line_amount(i)?),
        }));
    }
    let by_rate: Vec<_> = totals
        .by_rate
        .iter()
        .map(|r| json!({"label": r.rate.label(), "net": yen(r.net), "tax": yen(r.tax)}))
        .collect();
    let reduced = totals.by_rate.iter().any(|r| r.rate == TaxRate::Reduced8);
    let data = json!({
        "title": "請求書",
        "footer": format!("{}　請求書番号 {}", inv.issuer.organization, inv.invoice_number),
        "invoice_number": inv.invoice_number,
        "issued_on": date(inv.issued_on, o.date_style),
        "due_on": date(inv.due_on, o.date_style),
        "recipient": recipient_json(&inv.recipient),
        "issuer": issuer_json(&inv.issuer),
        "registration_number": inv.registration_number,
        "items": items,
        "by_rate": by_rate,
        "net_total": yen(totals.net),
        "tax_total": yen(totals.tax),
        "total_yen": yen(totals.total),
        "total_en": en(totals.total),
        "reduced_note": if reduced { "※は軽減税率（8%）対象です。" } else { "" },
        "bank": inv.bank,
        "note": inv.note,
    });
    engine::render(TEMPLATE, &data, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(price: u64, qty: u32, rate: TaxRate) -> InvoiceItem {
        InvoiceItem {
            date: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            description: "x".into(),
            quantity: qty,
            unit_price: price,
            rate,
        }
    }

    #[test]
    fn tax_is_rounded_down_once_per_rate() {
        // ACC-22 example: ¥800,000 → tax ¥80,000, total ¥880,000.
        let t = invoice_totals(&[item(800_000, 1, TaxRate::Standard10)]).unwrap();
        assert_eq!((t.net, t.tax, t.total), (800_000, 80_000, 880_000));
        // Three lines of ¥333 at 10%: per-line rounding would give 3 × 33 = 99; per rate, 999 → 99 (not 100).
        let t = invoice_totals(&[
            item(333, 1, TaxRate::Standard10),
            item(333, 1, TaxRate::Standard10),
            item(333, 1, TaxRate::Standard10),
            item(1_001, 1, TaxRate::Reduced8),
        ])
        .unwrap();
        assert_eq!(t.by_rate.len(), 2);
        assert_eq!((t.by_rate[0].net, t.by_rate[0].tax), (999, 99));
        assert_eq!((t.by_rate[1].net, t.by_rate[1].tax), (1_001, 80));
        assert_eq!(t.total, 999 + 99 + 1_001 + 80);
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        assert!(invoice_totals(&[item(u64::MAX, 2, TaxRate::Standard10)]).is_err());
        assert!(invoice_totals(&[item(u64::MAX, 1, TaxRate::Standard10)]).is_err());
    }

    #[test]
    fn registration_numbers() {
        assert!(valid_registration_number("T1234567890123"));
        assert!(!valid_registration_number("1234567890123"));
        assert!(!valid_registration_number("T123456789012"));
        assert!(!valid_registration_number("T12345678901２3"));
    }
}
