//! Multi-row inserts for generated data (`nintei demo --scale N`) and the search index: one statement carries
//! thousands of rows as one JSON value, which is what makes 1M listings a matter of minutes on both backends.

use std::collections::BTreeMap;

use sqlx::{AssertSqlSafe, Row};

use crate::{Backend, Result, StoreError, Tx};

/// One column value of a generated row (the schema uses only TEXT and 64-bit integers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Self {
        Value::OptText(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Value::Text(t) | Value::OptText(Some(t)) => s.serialize_str(t),
            Value::Int(i) | Value::OptInt(Some(i)) => s.serialize_i64(*i),
            Value::OptText(None) | Value::OptInt(None) => s.serialize_none(),
        }
    }
}

impl Value {
    fn is_integer(&self) -> bool {
        matches!(self, Value::Int(_) | Value::OptInt(_))
    }
}

/// Rows per statement. Every statement carries its rows as one JSON text in a single bind value, which the
/// database unpacks itself (`json_each` on SQLite, `json_array_elements` on PostgreSQL): binding each value
/// through the driver was where a bulk load spent its time, and a bind list is capped in length on
/// both backends. 5,000 rows of the widest table are a few megabytes of JSON.
const ROWS_PER_STATEMENT: usize = 5_000;

/// Inserts `rows` into `table` (`columns` in order, every row as long as `columns`, each column of the same
/// kind, text or integer, in every row). `table` and `columns` are code constants, never input.
/// Refreshes the planner's statistics after a bulk load: PostgreSQL has none for freshly loaded tables until
/// autovacuum runs, and without them it plans the directory's search as if the tables were empty (a hash join over
/// every posting instead of an index walk). SQLite's planner needs nothing here.
pub async fn analyze(db: &crate::Db) -> Result<()> {
    if db.backend() == Backend::Postgres {
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }
    Ok(())
}

pub async fn insert_rows(tx: &mut Tx, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) -> Result<()> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let postgres = tx.backend_name() == "PostgreSQL";
    // The columns as SQL expressions over one element `e` of the JSON array (a row, itself an array).
    let cells: Vec<String> = first
        .iter()
        .enumerate()
        .map(|(i, v)| match (postgres, v.is_integer()) {
            (true, true) => format!("CAST(e ->> {i} AS BIGINT)"),
            (true, false) => format!("e ->> {i}"),
            (false, _) => format!("json_extract(e.value, '$[{i}]')"),
        })
        .collect();
    let source = if postgres {
        "json_array_elements(CAST($1 AS JSON)) AS e"
    } else {
        "json_each($1) AS e"
    };
    let sql = format!(
        "INSERT INTO {table} ({}) SELECT {} FROM {source}",
        columns.join(", "),
        cells.join(", ")
    );
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let json = serde_json::to_string(chunk).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(AssertSqlSafe(sql.clone()))
            .bind(json)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// `(year, last)` of the registration number counters (REG-4).
pub async fn reg_counters(tx: &mut Tx) -> Result<BTreeMap<i32, u32>> {
    counters(tx, "SELECT year, last FROM reg_number_counters").await
}

/// `(year, last)` of the accreditation number counters.
pub async fn acc_counters(tx: &mut Tx) -> Result<BTreeMap<i32, u32>> {
    counters(
        tx,
        "SELECT year, last FROM acc_sequences WHERE name = 'accreditation'",
    )
    .await
}

async fn counters(tx: &mut Tx, sql: &'static str) -> Result<BTreeMap<i32, u32>> {
    let rows = sqlx::query(sql).fetch_all(&mut **tx).await?;
    let mut map = BTreeMap::new();
    for r in rows {
        let year: i64 = r.try_get("year")?;
        let last: i64 = r.try_get("last")?;
        let year = i32::try_from(year).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let last = u32::try_from(last).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        map.insert(year, last);
    }
    Ok(map)
}

/// Moves the registration number counter of `year` to `last` (numbers up to it are taken).
pub async fn set_reg_counter(tx: &mut Tx, year: i32, last: u32) -> Result<()> {
    sqlx::query(
        "INSERT INTO reg_number_counters (year, last) VALUES ($1, $2) \
         ON CONFLICT (year) DO UPDATE SET last = excluded.last",
    )
    .bind(i64::from(year))
    .bind(i64::from(last))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves the accreditation number counter of `year` to `last`.
pub async fn set_acc_counter(tx: &mut Tx, year: i32, last: u32) -> Result<()> {
    sqlx::query(
        "INSERT INTO acc_sequences (name, year, last) VALUES ('accreditation', $1, $2) \
         ON CONFLICT (name, year) DO UPDATE SET last = excluded.last",
    )
    .bind(i64::from(year))
    .bind(i64::from(last))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// On SQLite, a large page cache for this transaction's connection, so index b-trees stay in memory while a
/// bulk load grows them (PostgreSQL: nothing to do).
pub async fn large_cache(tx: &mut Tx, backend: Backend) -> Result<()> {
    if backend == Backend::Sqlite {
        sqlx::query("PRAGMA cache_size = -1048576")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
