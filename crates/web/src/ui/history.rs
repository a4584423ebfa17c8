//! A record's history as people read it: Japan time, the actor's name and role, and each changed field as
//! "before → after" (the audit trail stores UTC, ids and JSON). Shared by every page that shows a history.

use chrono::DateTime;
use nintei_app::{AppResult, Caller};
use serde_json::Value;

use crate::i18n::{self, Lang};
use crate::ui::role_key;
use nintei_app::clock::jst;
use nintei_app::state::AppState;

pub struct HistoryRow {
    /// `YYYY-MM-DD HH:MM:SS`, Japan time.
    pub at: String,
    pub who: String,
    pub action: String,
    /// (field, "before → after" or the value).
    pub changes: Vec<(String, String)>,
}

/// The history of `entity`/`id`, newest first, ready for a page in `lang` (403 for a caller who may not read
/// the audit).
pub async fn rows(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    entity: &str,
    id: &str,
) -> AppResult<Vec<HistoryRow>> {
    Ok(nintei_app::history::of(state, caller, entity, id)
        .await?
        .into_iter()
        .map(|e| HistoryRow {
            at: local_time(&e.event.at),
            who: match (&e.actor, &e.event.actor_id) {
                (Some((name, role)), _) => format!("{name}（{}）", i18n::t(lang, role_key(*role))),
                (None, Some(uid)) => uid.clone(),
                // Events without a user come from the command line or the system itself.
                (None, None) => e.event.actor_role.clone().unwrap_or_default(),
            },
            changes: changes(&e.event.changes),
            action: e.event.action,
        })
        .collect())
}

fn local_time(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&jst()).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|_| at.to_owned())
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `{field: {before, after}}` as one line per field; anything else as `key: value`.
fn changes(v: &Value) -> Vec<(String, String)> {
    match v {
        Value::Object(map) => map
            .iter()
            .map(|(k, c)| {
                let text = match c.as_object() {
                    Some(o) if o.len() == 2 && o.contains_key("before") && o.contains_key("after") => {
                        format!("{} → {}", show(&o["before"]), show(&o["after"]))
                    }
                    _ => show(c),
                };
                (k.clone(), text)
            })
            .collect(),
        Value::Null => Vec::new(),
        other => vec![(String::new(), show(other))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_japan_time_and_changes_read_as_before_and_after() {
        assert_eq!(local_time("2026-11-20T01:00:00.123456Z"), "2026-11-20 10:00:00");
        let c = changes(&serde_json::json!({
            "name": {"before": null, "after": "株式会社こころ"},
            "status": {"before": "submitted", "after": "accepted"},
            "token_id": "t-1",
        }));
        assert_eq!(
            c,
            vec![
                ("name".to_owned(), "— → 株式会社こころ".to_owned()),
                ("status".to_owned(), "submitted → accepted".to_owned()),
                ("token_id".to_owned(), "t-1".to_owned()),
            ]
        );
    }
}
