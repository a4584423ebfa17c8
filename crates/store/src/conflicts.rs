//! Declared conflicts of interest (利益相反, ACC-8) between a user and an organization.

use serde::Serialize;
use sqlx::{Any, Executor, Row};

use crate::{Result, Tx, new_id};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Conflict {
    pub id: String,
    pub user_id: String,
    pub organization_id: String,
    pub reason: String,
    pub declared_by: String,
}

pub async fn insert(
    tx: &mut Tx,
    user_id: &str,
    organization_id: &str,
    reason: &str,
    declared_by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO conflicts (id, user_id, organization_id, reason, declared_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.clone())
    .bind(user_id.to_owned())
    .bind(organization_id.to_owned())
    .bind(reason.to_owned())
    .bind(declared_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// True when `user_id` has declared (or been recorded with) a conflict with `organization_id`.
pub async fn exists<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    user_id: &str,
    organization_id: &str,
) -> Result<bool> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM conflicts WHERE user_id = $1 AND organization_id = $2")
        .bind(user_id.to_owned())
        .bind(organization_id.to_owned())
        .fetch_one(ex)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

pub async fn for_organization<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: &str,
) -> Result<Vec<Conflict>> {
    let rows = sqlx::query(
        "SELECT id, user_id, organization_id, reason, declared_by FROM conflicts WHERE organization_id = $1 \
         ORDER BY created_at",
    )
    .bind(organization_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Conflict {
                id: r.try_get("id")?,
                user_id: r.try_get("user_id")?,
                organization_id: r.try_get("organization_id")?,
                reason: r.try_get("reason")?,
                declared_by: r.try_get("declared_by")?,
            })
        })
        .collect()
}
