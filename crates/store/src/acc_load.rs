//! A case with what every case page and step needs beside it, in one statement: its organization and whether
//! the caller declared a conflict of interest with that organization (ACC-2). The case pages spent their time in
//! round trips, so these three reads are one.

use sqlx::{Any, Executor, Row};

use crate::Result;
use crate::acc::{COLUMNS, Case, from_row};
use crate::organizations::{Organization, from_row_prefixed, prefixed_columns};

/// The case `id`, its organization, and whether `user_id` has a conflict recorded with that organization.
/// None when the case does not exist (a case always has its organization: a foreign key).
pub async fn case_with_organization<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    id: &str,
    user_id: &str,
) -> Result<Option<(Case, Organization, bool)>> {
    let case_columns: Vec<String> = COLUMNS.split(',').map(|c| format!("c.{}", c.trim())).collect();
    let sql = format!(
        "SELECT {}, {}, CAST(CASE WHEN EXISTS (SELECT 1 FROM conflicts x WHERE x.user_id = $2 \
         AND x.organization_id = c.organization_id) THEN 1 ELSE 0 END AS BIGINT) AS caller_conflicted \
         FROM acc_cases c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1",
        case_columns.join(", "),
        prefixed_columns("o", "org_"),
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .bind(user_id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.map(|r| {
        Ok((
            from_row(&r)?,
            from_row_prefixed(&r, "org_")?,
            r.try_get::<i64, _>("caller_conflicted")? != 0,
        ))
    })
    .transpose()
}
