//! The staff lists' shared controls: a search box, one filter, a sort and pages of 50 (`?q=&only=&sort=&page=`),
//! the query kept in the page links.

use serde::Deserialize;

use crate::ui::percent_encode;
use nintei_store::listing::Filter;

/// Rows per page on a staff list.
pub const PER_PAGE: i64 = 50;

/// The list's query as sent; every part optional.
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub only: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    /// The search text, trimmed and cut to 100 characters.
    pub fn text(&self) -> String {
        self.q.trim().chars().take(100).collect()
    }

    /// The page asked for (1 when absent or not a number).
    pub fn page(&self) -> i64 {
        self.page
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1 && *p <= 1_000_000)
            .unwrap_or(1)
    }

    /// The store's filter for this query; `only` and `sort` are matched by the store against fixed sets.
    pub fn filter<'a>(&'a self, text: &'a str) -> Filter<'a> {
        Filter {
            q: text,
            only: self.only.trim(),
            sort: self.sort.trim(),
            limit: PER_PAGE,
            offset: (self.page() - 1) * PER_PAGE,
        }
    }
}

/// What the page shows of its position: the count, the rows shown and the links to the neighbouring pages.
pub struct Pager {
    pub total: i64,
    pub first: i64,
    pub last: i64,
    pub prev: String,
    pub next: String,
}

impl Pager {
    /// The pager of `query` on `path` when the list has `total` rows and this page shows `shown`.
    pub fn new(path: &str, query: &ListQuery, total: i64, shown: usize) -> Pager {
        let page = query.page();
        let first = (page - 1) * PER_PAGE + 1;
        let last = first - 1 + i64::try_from(shown).unwrap_or(0);
        let link = |to: i64| {
            let mut parts = Vec::new();
            for (k, v) in [
                ("q", query.text()),
                ("only", query.only.trim().to_owned()),
                ("sort", query.sort.trim().to_owned()),
            ] {
                if !v.is_empty() {
                    parts.push(format!("{k}={}", percent_encode(&v, b"-_.~")));
                }
            }
            if to > 1 {
                parts.push(format!("page={to}"));
            }
            if parts.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{}", parts.join("&"))
            }
        };
        Pager {
            total,
            first: if shown == 0 { 0 } else { first },
            last: last.max(0),
            prev: if page > 1 { link(page - 1) } else { String::new() },
            next: if last < total {
                link(page + 1)
            } else {
                String::new()
            },
        }
    }
}

/// One choice of a list's filter or sort.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The search form above a list: the text, the filter with its choices and the sort with its choices.
pub struct Controls {
    pub path: &'static str,
    pub q: String,
    pub only_label: String,
    pub onlys: Vec<Choice>,
    pub sorts: Vec<Choice>,
}

impl Controls {
    /// `onlys` and `sorts` as `(value, label)`; the filter's first choice is "all" (empty value) and the sort's
    /// first is the default order.
    pub fn new(
        path: &'static str,
        query: &ListQuery,
        only_label: String,
        onlys: Vec<(String, String)>,
        sorts: Vec<(String, String)>,
    ) -> Controls {
        let pick = |list: Vec<(String, String)>, chosen: &str| {
            list.into_iter()
                .map(|(value, label)| Choice {
                    selected: value == chosen,
                    value,
                    label,
                })
                .collect()
        };
        Controls {
            path,
            q: query.text(),
            only_label,
            onlys: pick(onlys, query.only.trim()),
            sorts: pick(sorts, query.sort.trim()),
        }
    }
}
