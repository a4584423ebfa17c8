//! Multi-row inserts for generated data (`nintei demo --scale N`): one statement carries many rows, which is what
//! makes 100k listings a matter of minutes instead of hours on both backends.

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

/// Bind values per statement. SQLite looks `$n` parameters up by name, a linear search per value, so a statement
/// with thousands of them costs quadratic time: a few hundred rows per statement is the fast middle.
const MAX_BINDS: usize = 480;

/// Inserts `rows` into `table` (`columns` in order, every row as long as `columns`). `table` and `columns` are
/// code constants, never input. Rows are sent in statements of up to [`MAX_BINDS`] values.
pub async fn insert_rows(tx: &mut Tx, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) -> Result<()> {
    let width = columns.len().max(1);
    let per_statement = (MAX_BINDS / width).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(per_statement).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0usize;
        for (i, row) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for j in 0..row.len() {
                if j > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push('$');
                sql.push_str(&n.to_string());
            }
            sql.push(')');
        }
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            for v in row {
                q = match v {
                    Value::Text(s) => q.bind(s),
                    Value::OptText(s) => q.bind(s),
                    Value::Int(i) => q.bind(i),
                    Value::OptInt(i) => q.bind(i),
                };
            }
        }
        q.execute(&mut **tx).await?;
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
        sqlx::query("PRAGMA cache_size = -262144")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
