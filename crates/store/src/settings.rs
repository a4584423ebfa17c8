//! Office settings as key/value text (e.g. the art. 142 roll-forward, closure days).

use sqlx::{Any, Executor, Row};

use crate::{Db, Result, Tx};

pub async fn get(db: &Db, key: &str) -> Result<Option<String>> {
    get_on(db.pool(), key).await
}

/// A setting's value read inside a transaction (so a step that writes never waits for a second connection).
pub async fn get_in(tx: &mut Tx, key: &str) -> Result<Option<String>> {
    get_on(&mut **tx, key).await
}

/// A setting's value read through `ex` (the pool, a transaction or a connection of its own).
pub async fn get_on<'c, E: Executor<'c, Database = Any>>(ex: E, key: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(key.to_owned())
        .fetch_optional(ex)
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get("value")?),
        None => None,
    })
}

pub async fn set(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key.to_owned())
    .bind(value.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
