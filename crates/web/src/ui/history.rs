//! A record's history as people read it: Japan time, the actor's name and role, and each changed field as
//! "before → after" (the audit trail stores UTC, ids and JSON). Shared by every page that shows a history.

use std::collections::HashMap;

use chrono::DateTime;
use nintei_store::audit::{self, StoredEvent};
use nintei_store::{StoreError, users};
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

/// The history of `entity`/`id`, newest first, ready for a page in `lang`.
pub async fn rows(
    state: &AppState,
    lang: Lang,
    entity: &str,
    id: &str,
) -> Result<Vec<HistoryRow>, StoreError> {
    let events = audit::history(&state.db, entity, id).await?;
    let mut names: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let who = who(state, lang, &e, &mut names).await?;
        out.push(HistoryRow {
            at: local_time(&e.at),
            who,
            changes: changes(&e.changes),
            action: e.action,
        });
    }
    Ok(out)
}

fn local_time(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&jst()).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|_| at.to_owned())
}

async fn who(
    state: &AppState,
    lang: Lang,
    e: &StoredEvent,
    names: &mut HashMap<String, String>,
) -> Result<String, StoreError> {
    let Some(id) = &e.actor_id else {
        // Events without a user come from the command line or the system itself.
        return Ok(e.actor_role.clone().unwrap_or_default());
    };
    if let Some(n) = names.get(id) {
        return Ok(n.clone());
    }
    let label = match users::by_id(state.db.pool(), id).await? {
        Some(u) => format!("{}（{}）", u.name, i18n::t(lang, role_key(u.role))),
        None => id.clone(),
    };
    names.insert(id.clone(), label.clone());
    Ok(label)
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
