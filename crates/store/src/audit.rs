//! The append-only, hash-chained audit trail.
//!
//! Every state change appends one event in its own transaction. The chain head is one row that each writer
//! updates first, which serializes appends (so the chain is a single line) on both backends.
//! hash = SHA-256(prev_hash || "\n" || canonical JSON of the event).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use crate::{Db, Result, StoreError, Tx, sha256_hex};

/// One event, before it is sealed into the chain.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    /// What happened, e.g. `organization.create`, `session.login`.
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// `{field: {before, after}}` of the changed fields.
    pub changes: Value,
    pub request_id: String,
}

/// A stored event, as shown on a record's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoredEvent {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub changes: Value,
    pub request_id: String,
    pub hash: String,
}

/// Builds `{field: {before, after}}` from pairs, leaving out fields that did not change.
pub fn diff(fields: &[(&str, Value, Value)]) -> Value {
    let mut map = serde_json::Map::new();
    for (name, before, after) in fields {
        if before != after {
            map.insert(
                (*name).to_owned(),
                serde_json::json!({"before": before, "after": after}),
            );
        }
    }
    Value::Object(map)
}

/// Fields of a newly created record: every `after`, no `before`.
pub fn created(fields: &[(&str, Value)]) -> Value {
    let pairs: Vec<(&str, Value, Value)> = fields.iter().map(|(n, v)| (*n, Value::Null, v.clone())).collect();
    diff(&pairs)
}

/// Appends `event` to the chain inside `tx`; returns its sequence number.
pub async fn append(tx: &mut Tx, event: &AuditEvent) -> Result<i64> {
    // Taking the head row first both locks the chain (PostgreSQL row lock; SQLite already holds the write lock)
    // and yields the next sequence number.
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let at = event.at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let changes = canonical_json(&event.changes);
    let body = canonical_event(
        seq,
        &at,
        event.actor_id.as_deref(),
        event.actor_role.as_deref(),
        &event.action,
        &event.entity,
        &event.entity_id,
        &changes,
        &event.request_id,
    );
    let hash = chain_hash(&prev_hash, &body);
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor_id, actor_role, action, entity, entity_id, changes, \
         request_id, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(seq)
    .bind(at)
    .bind(event.actor_id.clone())
    .bind(event.actor_role.clone())
    .bind(event.action.clone())
    .bind(event.entity.clone())
    .bind(event.entity_id.clone())
    .bind(changes)
    .bind(event.request_id.clone())
    .bind(prev_hash)
    .bind(hash.clone())
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(hash)
        .execute(&mut **tx)
        .await?;
    Ok(seq)
}

fn chain_hash(prev_hash: &str, body: &str) -> String {
    sha256_hex(format!("{prev_hash}\n{body}").as_bytes())
}

#[allow(clippy::too_many_arguments)]
fn canonical_event(
    seq: i64,
    at: &str,
    actor_id: Option<&str>,
    actor_role: Option<&str>,
    action: &str,
    entity: &str,
    entity_id: &str,
    changes: &str,
    request_id: &str,
) -> String {
    let s = |v: &str| Value::String(v.to_owned()).to_string();
    let o = |v: Option<&str>| {
        v.map(|x| Value::String(x.to_owned()).to_string())
            .unwrap_or("null".into())
    };
    format!(
        "{{\"action\":{},\"actor_id\":{},\"actor_role\":{},\"at\":{},\"changes\":{},\"entity\":{},\
         \"entity_id\":{},\"request_id\":{},\"seq\":{}}}",
        s(action),
        o(actor_id),
        o(actor_role),
        s(at),
        changes,
        s(entity),
        s(entity_id),
        s(request_id),
        seq
    )
}

/// JSON with object keys sorted at every level and no insignificant whitespace.
pub fn canonical_json(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    let val = map.get(k).map(canonical_json).unwrap_or_else(|| "null".into());
                    format!("{}:{}", Value::String(k.clone()), val)
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical_json).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// What `nintei audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainReport {
    /// Every event links to the one before and its hash matches; `events` were checked.
    Intact { events: i64 },
    /// The first event (by sequence) whose hash or link does not verify.
    Broken { seq: i64, reason: String },
}

/// Walks the whole chain in order and names the first broken link.
pub async fn verify(db: &Db) -> Result<ChainReport> {
    let mut tx = db.begin_read().await?;
    let rows = sqlx::query(
        "SELECT seq, at, actor_id, actor_role, action, entity, entity_id, changes, request_id, prev_hash, hash \
         FROM audit_events ORDER BY seq",
    )
    .fetch_all(&mut *tx)
    .await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    let mut expected_prev = "0".repeat(64);
    let mut count = 0_i64;
    for (expected_seq, row) in (1_i64..).zip(rows) {
        let seq: i64 = row.try_get("seq")?;
        if seq != expected_seq {
            return Ok(ChainReport::Broken {
                seq: expected_seq,
                reason: format!("event {expected_seq} is missing (next stored is {seq})"),
            });
        }
        let at: String = row.try_get("at")?;
        let actor_id: Option<String> = row.try_get("actor_id")?;
        let actor_role: Option<String> = row.try_get("actor_role")?;
        let action: String = row.try_get("action")?;
        let entity: String = row.try_get("entity")?;
        let entity_id: String = row.try_get("entity_id")?;
        let changes: String = row.try_get("changes")?;
        let request_id: String = row.try_get("request_id")?;
        let prev_hash: String = row.try_get("prev_hash")?;
        let hash: String = row.try_get("hash")?;
        if prev_hash != expected_prev {
            return Ok(ChainReport::Broken {
                seq,
                reason: "prev_hash does not match the event before".into(),
            });
        }
        let body = canonical_event(
            seq,
            &at,
            actor_id.as_deref(),
            actor_role.as_deref(),
            &action,
            &entity,
            &entity_id,
            &changes,
            &request_id,
        );
        if chain_hash(&prev_hash, &body) != hash {
            return Ok(ChainReport::Broken {
                seq,
                reason: "content does not match its hash (edited)".into(),
            });
        }
        expected_prev = hash;
        count = expected_seq;
    }
    if head_seq != count || head_hash != expected_prev {
        return Ok(ChainReport::Broken {
            seq: count + 1,
            reason: format!("chain head says {head_seq} events but {count} are stored (deleted at the end?)"),
        });
    }
    Ok(ChainReport::Intact { events: count })
}

/// The history of one record, newest first.
pub async fn history(db: &Db, entity: &str, entity_id: &str) -> Result<Vec<StoredEvent>> {
    let rows = sqlx::query(
        "SELECT seq, at, actor_id, actor_role, action, entity, entity_id, changes, request_id, hash \
         FROM audit_events WHERE entity = $1 AND entity_id = $2 ORDER BY seq DESC LIMIT 500",
    )
    .bind(entity.to_owned())
    .bind(entity_id.to_owned())
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|row| {
            let changes: String = row.try_get("changes")?;
            Ok(StoredEvent {
                seq: row.try_get("seq")?,
                at: row.try_get("at")?,
                actor_id: row.try_get("actor_id")?,
                actor_role: row.try_get("actor_role")?,
                action: row.try_get("action")?,
                entity: row.try_get("entity")?,
                entity_id: row.try_get("entity_id")?,
                changes: serde_json::from_str(&changes)
                    .map_err(|e| StoreError::Corrupt(format!("audit changes: {e}")))?,
                request_id: row.try_get("request_id")?,
                hash: row.try_get("hash")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v = serde_json::json!({"b": 1, "a": {"d": [1, {"z": null, "y": "x"}], "c": true}});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"c":true,"d":[1,{"y":"x","z":null}]},"b":1}"#
        );
    }

    #[test]
    fn diff_keeps_only_changed_fields() {
        let d = diff(&[("name", "a".into(), "b".into()), ("same", 1.into(), 1.into())]);
        assert_eq!(canonical_json(&d), r#"{"name":{"after":"b","before":"a"}}"#);
    }
}
