//! The staff search box's REG part: registrations and applications found by number, organization name, room name
//! or 法人番号 (the organizations, ACC cases and accreditations come from their own lists' queries).

use sqlx::{Any, Executor, Row};

use crate::Result;
use crate::listing::contains;

/// A REG record found: its id (the number for a registration), the organization and room, its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: String,
    pub organization: String,
    pub site: String,
    pub status: String,
}

async fn found<'c, E: Executor<'c, Database = Any>>(ex: E, sql: &'static str, q: &str) -> Result<Vec<Found>> {
    let rows = sqlx::query(sql).bind(contains(q)).fetch_all(ex).await?;
    rows.iter()
        .map(|r| {
            Ok(Found {
                id: r.try_get("id")?,
                organization: r.try_get("organization")?,
                site: r.try_get("site")?,
                status: r.try_get("status")?,
            })
        })
        .collect()
}

/// Registrations (REG-4) whose number, organization, room or 法人番号 contains `q`; at most 20, by number.
pub async fn registrations<'c, E: Executor<'c, Database = Any>>(ex: E, q: &str) -> Result<Vec<Found>> {
    found(
        ex,
        "SELECT g.number AS id, o.name AS organization, s.name AS site, g.status FROM registrations g \
         JOIN organizations o ON o.id = g.organization_id JOIN sites s ON s.id = g.site_id \
         WHERE LOWER(g.number) LIKE $1 ESCAPE '\\' OR LOWER(o.name) LIKE $1 ESCAPE '\\' \
         OR LOWER(s.name) LIKE $1 ESCAPE '\\' OR COALESCE(o.corporate_number, '') LIKE $1 ESCAPE '\\' \
         ORDER BY g.number LIMIT 20",
        q,
    )
    .await
}

/// Applications (REG-1 … REG-5) whose organization, room or 法人番号 contains `q`; at most 20, newest first.
pub async fn applications<'c, E: Executor<'c, Database = Any>>(ex: E, q: &str) -> Result<Vec<Found>> {
    found(
        ex,
        "SELECT c.id, o.name AS organization, s.name AS site, c.status FROM reg_cases c \
         JOIN organizations o ON o.id = c.organization_id JOIN sites s ON s.id = c.site_id \
         WHERE LOWER(o.name) LIKE $1 ESCAPE '\\' OR LOWER(s.name) LIKE $1 ESCAPE '\\' \
         OR COALESCE(o.corporate_number, '') LIKE $1 ESCAPE '\\' \
         ORDER BY c.applied_on DESC, c.id LIMIT 20",
        q,
    )
    .await
}
