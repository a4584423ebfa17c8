//! `GET /fee-estimate`: the public fee estimate of seed 003 第11章 (概算), answered with the ACC-22 breakdown.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use nintei_domain::fees::{Yen, consumption_tax_rate_percent, fee_estimate};
use serde::Deserialize;

use crate::auth::lang_of;
use crate::error::FieldError;
use crate::ui::{Errors, Page, render_status};
use nintei_app::state::AppState;

#[derive(Deserialize, Default)]
pub struct EstimateQuery {
    revenue_yen: Option<String>,
    services: Option<String>,
}

pub struct EstimateRow {
    label_key: &'static str,
    amount: String,
}

#[derive(Template)]
#[template(path = "fee_estimate.html")]
struct EstimatePage {
    p: Page,
    revenue: String,
    services: String,
    errors: Errors,
    rows: Vec<EstimateRow>,
    tax_percent: u32,
}

/// Accepts 12,000,000 / 12000000 / full-width digits; yen as a whole number.
fn parse_yen(raw: &str) -> Option<u64> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '円' | '¥'))
        .collect();
    let digits: String = digits
        .chars()
        .map(|c| {
            if ('０'..='９').contains(&c) {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 15 {
        return None;
    }
    digits.parse().ok()
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<EstimateQuery>,
) -> Response {
    let lang = lang_of(&headers);
    let p = Page::public(lang, "fee.title", "/fee-estimate");
    let revenue = q.revenue_yen.clone().unwrap_or_default();
    let services = q.services.clone().unwrap_or_default();
    let today = state.clock.today();
    let mut page = EstimatePage {
        p,
        revenue: revenue.clone(),
        services: services.clone(),
        errors: Errors::default(),
        rows: Vec::new(),
        tax_percent: consumption_tax_rate_percent(today),
    };
    if q.revenue_yen.is_none() && q.services.is_none() {
        return render_status(StatusCode::OK, &page);
    }
    let mut errors = Vec::new();
    let revenue_yen = parse_yen(&revenue);
    if revenue_yen.is_none() {
        errors.push(FieldError::new(
            "revenue_yen",
            crate::i18n::t(lang, "fee.revenue_error"),
        ));
    }
    let count = services
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=5).contains(n));
    if count.is_none() {
        errors.push(FieldError::new(
            "services",
            crate::i18n::t(lang, "fee.services_error"),
        ));
    }
    let (Some(revenue_yen), Some(count)) = (revenue_yen, count) else {
        page.errors = Errors(errors);
        return render_status(StatusCode::BAD_REQUEST, &page);
    };
    let e = fee_estimate(Yen::new(revenue_yen), count, today);
    page.rows = vec![
        EstimateRow {
            label_key: "fee.base",
            amount: e.fees.base_yen.to_string(),
        },
        EstimateRow {
            label_key: "fee.services_addon",
            amount: e.fees.services_addon_yen.to_string(),
        },
        EstimateRow {
            label_key: "fee.revenue_addon",
            amount: e.fees.revenue_addon_yen.to_string(),
        },
        EstimateRow {
            label_key: "fee.total",
            amount: e.fees.total_yen.to_string(),
        },
        EstimateRow {
            label_key: "fee.tax",
            amount: e.tax_yen.to_string(),
        },
        EstimateRow {
            label_key: "fee.total_with_tax",
            amount: e.total_with_tax_yen.to_string(),
        },
    ];
    render_status(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::parse_yen;

    #[test]
    fn yen_input_forms() {
        assert_eq!(parse_yen("87,000,000"), Some(87_000_000));
        assert_eq!(parse_yen("８７００００００円"), Some(87_000_000));
        assert_eq!(parse_yen("¥ 1000"), Some(1000));
        assert_eq!(parse_yen("-5"), None);
        assert_eq!(parse_yen(""), None);
        assert_eq!(parse_yen("1e9"), None);
    }
}
