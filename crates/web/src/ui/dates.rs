//! Dates on the screens as the office writes them: the one setting (和暦 / 和暦（西暦） / 西暦) that documents
//! and mail follow too. English pages write the western date. Form fields keep ISO dates (`<input type=date>`);
//! what a person reads is wrapped in `<time datetime=…>` so the machine-readable date stays on the page.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use nintei_app::state::AppState;
use nintei_docs::DateStyle;

use crate::i18n::Lang;

tokio::task_local! {
    static STYLE: DateStyle;
}

/// Reads the office's date style once per request (cached in the state) for the pages the request renders.
pub async fn with_office_style(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    // No page of the API, the assets or the probes writes a date for people.
    if ["/api/", "/assets/", "/livez", "/readyz"]
        .iter()
        .any(|p| path.starts_with(p))
    {
        return next.run(req).await;
    }
    let style = nintei_app::settings::date_style(&state).await;
    STYLE.scope(style, next.run(req)).await
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The office's date style this request's pages write dates in: part of a cached page's key, so a change of the
/// setting is seen on the next page.
pub fn style() -> DateStyle {
    STYLE.try_with(|s| *s).unwrap_or_default()
}

/// `d` for a reader of `lang` in `style`.
pub fn written(lang: Lang, style: DateStyle, d: NaiveDate) -> String {
    match lang {
        Lang::Ja => nintei_docs::format::date(d, style),
        Lang::En => {
            let month = MONTHS.get(d.month0() as usize).copied().unwrap_or_default();
            format!("{} {month} {}", d.day(), d.year())
        }
    }
}

/// The HTML of a date or date-and-time text (`2026-12-03`, `2026-12-03 10:15`) for a reader of `lang`: anything
/// else (an empty field, a dash) is returned escaped as it is.
pub fn html(lang: Lang, text: &str) -> String {
    let style = style();
    let text = text.trim();
    let (day, rest) = text.split_at(text.len().min(10));
    let Ok(d) = day.parse::<NaiveDate>() else {
        return escape(text);
    };
    let time = rest.trim_start_matches(['T', ' ']);
    let time = time.get(..5).filter(|t| t.as_bytes().get(2) == Some(&b':'));
    let shown = match time {
        Some(t) => format!("{} {t}", written(lang, style, d)),
        None => written(lang, style, d),
    };
    format!(r#"<time datetime="{}">{}</time>"#, escape(text), escape(&shown))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_style_and_keep_the_iso_date_for_machines() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(written(Lang::Ja, DateStyle::Wareki, d), "令和8年12月3日");
        assert_eq!(written(Lang::Ja, DateStyle::Western, d), "2026年12月3日");
        assert_eq!(written(Lang::En, DateStyle::Wareki, d), "3 Dec 2026");
        assert_eq!(
            html(Lang::Ja, "2026-12-03"),
            r#"<time datetime="2026-12-03">令和8年12月3日</time>"#
        );
        assert_eq!(
            html(Lang::Ja, "2026-12-03 10:15"),
            r#"<time datetime="2026-12-03 10:15">令和8年12月3日 10:15</time>"#
        );
        assert_eq!(html(Lang::Ja, ""), "");
        assert_eq!(html(Lang::En, "<b>"), "&lt;b&gt;");
    }
}
