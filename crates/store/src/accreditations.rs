//! The accreditation record after the decision: current status and the history of every change.
//!
//! The `accreditations` row keeps the state the public reads (ACC-23); `accreditation_events` keeps how it got
//! there. Every change goes through [`change_status`] or [`record_event`] inside the caller's transaction, next to
//! its audit event.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use sqlx::{Any, Executor, Row};

use crate::acc::{date, iso};
use crate::{Result, StoreError, Tx, new_id};

/// One entry of an accreditation's history.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AccreditationEvent {
    pub id: String,
    /// What happened: `accredited`, `suspended`, `suspension_lifted`, `lapsed`, `revoked`, `renewed`,
    /// `extended`, `service_added`, `service_ended`, `certificate_issued`, `certificate_returned`, …
    pub kind: String,
    pub occurred_on: NaiveDate,
    pub detail: Value,
    pub actor_id: Option<String>,
    pub created_at: i64,
}

/// The id of the accreditation with this number, if any.
pub async fn id_by_number<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    number: &str,
) -> Result<Option<String>> {
    let row = sqlx::query("SELECT id FROM accreditations WHERE number = $1")
        .bind(number.to_owned())
        .fetch_optional(ex)
        .await?;
    row.map(|r| r.try_get("id").map_err(StoreError::from)).transpose()
}

/// Appends one history entry.
pub async fn record_event(
    tx: &mut Tx,
    accreditation_id: &str,
    kind: &str,
    occurred_on: NaiveDate,
    detail: &Value,
    actor_id: Option<&str>,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO accreditation_events (id, accreditation_id, kind, occurred_on, detail, actor_id, created_at, \
         seq) VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT COALESCE(MAX(seq), 0) + 1 FROM accreditation_events \
         WHERE accreditation_id = $2))",
    )
    .bind(id.clone())
    .bind(accreditation_id.to_owned())
    .bind(kind.to_owned())
    .bind(iso(occurred_on))
    .bind(detail.to_string())
    .bind(actor_id.map(str::to_owned))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Moves the accreditation from `from` to `to` and records it as a `kind` event. Returns false (and changes
/// nothing) when the accreditation is not in `from` any more — a concurrent or repeated request lost the race.
#[allow(clippy::too_many_arguments)]
pub async fn change_status(
    tx: &mut Tx,
    accreditation_id: &str,
    from: &str,
    to: &str,
    kind: &str,
    occurred_on: NaiveDate,
    detail: &Value,
    actor_id: Option<&str>,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query("UPDATE accreditations SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to.to_owned())
        .bind(accreditation_id.to_owned())
        .bind(from.to_owned())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if done == 0 {
        return Ok(false);
    }
    record_event(tx, accreditation_id, kind, occurred_on, detail, actor_id, now).await?;
    Ok(true)
}

/// The history of one accreditation, oldest first.
pub async fn events<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    accreditation_id: &str,
) -> Result<Vec<AccreditationEvent>> {
    let rows = sqlx::query(
        "SELECT id, kind, occurred_on, detail, actor_id, created_at FROM accreditation_events \
         WHERE accreditation_id = $1 ORDER BY created_at, COALESCE(seq, 0), id",
    )
    .bind(accreditation_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            let detail: String = r.try_get("detail")?;
            Ok(AccreditationEvent {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                occurred_on: date(r, "occurred_on")?
                    .ok_or_else(|| StoreError::Corrupt("occurred_on".into()))?,
                detail: serde_json::from_str(&detail).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                actor_id: r.try_get("actor_id")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}
