//! Looking at the whole database from outside the aggregates: table names, row counts and the audit head,
//! for tests and operations that must show "nothing changed" (rejected input, refused CSRF, crash checks).

use std::collections::BTreeMap;

use sqlx::Row;

use crate::{Backend, Db, Result};

/// Row counts of every table and the audit chain head: if a request changed anything, one of them moved
/// (every state change appends an audit event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub counts: BTreeMap<String, i64>,
    pub audit_seq: i64,
    pub audit_hash: String,
}

impl Snapshot {
    /// The differences from `later`, one line each (empty when equal).
    pub fn diff(&self, later: &Snapshot) -> Vec<String> {
        let mut out = Vec::new();
        for (table, n) in &self.counts {
            let m = later.counts.get(table).copied().unwrap_or(-1);
            if *n != m {
                out.push(format!("{table}: {n} rows → {m}"));
            }
        }
        for table in later.counts.keys().filter(|t| !self.counts.contains_key(*t)) {
            out.push(format!("{table}: new table"));
        }
        if self.audit_seq != later.audit_seq || self.audit_hash != later.audit_hash {
            out.push(format!(
                "audit head: seq {} → {}",
                self.audit_seq, later.audit_seq
            ));
        }
        out
    }
}

impl Db {
    /// The names of the application's tables (migration bookkeeping included), sorted.
    pub async fn table_names(&self) -> Result<Vec<String>> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
            }
        };
        let rows = sqlx::query(sql).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("name").map_err(Into::into))
            .collect()
    }

    /// Counts every table except those in `skip` (e.g. `auth_events`, which records failed sign-ins on
    /// purpose), and reads the audit head.
    pub async fn snapshot(&self, skip: &[&str]) -> Result<Snapshot> {
        let tables: Vec<String> = self
            .table_names()
            .await?
            .into_iter()
            .filter(|t| !skip.contains(&t.as_str()))
            .collect();
        // One round trip for every count; names come from the catalog and are checked to be plain identifiers.
        let mut counts = BTreeMap::new();
        if !tables.is_empty() {
            if let Some(bad) = tables.iter().find(|t| {
                !t.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            }) {
                return Err(crate::StoreError::Conflict(format!("not a table name: {bad}")));
            }
            let sql = tables
                .iter()
                .map(|t| format!("SELECT '{t}' AS name, CAST(COUNT(*) AS BIGINT) AS n FROM {t}"))
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            for row in sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(self.pool())
                .await?
            {
                counts.insert(row.try_get::<String, _>("name")?, row.try_get::<i64, _>("n")?);
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        Ok(Snapshot {
            counts,
            audit_seq: head.try_get("seq")?,
            audit_hash: head.try_get("hash")?,
        })
    }
}
