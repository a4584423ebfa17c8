//! Storage for nintei: one set of SQL over SQLite (embedded default) and PostgreSQL (production).
//!
//! Queries use `$n` placeholders, which both backends accept through sqlx's Any driver. Types are kept to what
//! both agree on: TEXT, 64-bit integers (timestamps are Unix seconds, booleans 0/1) and ISO dates as TEXT.

pub mod acc;
pub mod acc_appeals;
pub mod acc_hold;
pub mod acc_impartiality;
pub mod acc_list;
pub mod acc_load;
pub mod acc_public;
pub mod acc_records;
pub mod acc_renewal;
pub mod acc_study;
pub mod account_requests;
pub mod accreditations;
pub mod audit;
pub mod bulk;
pub mod conflicts;
pub mod deadlines;
pub mod idempotency;
mod inspect;
pub mod invoices;
pub mod jobs;
pub mod listing;
pub mod lookup;
pub mod mail;
mod migrate;
pub mod organizations;
pub mod password_resets;
pub mod reg_cases;
pub mod reg_changes;
pub mod reg_files;
pub mod reg_investigations;
pub mod reg_reports;
pub mod reg_trainings;
pub mod registrations;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod standards;
pub mod tasks;
pub mod throttle;
pub mod throttle_reserve;
pub mod tokens;
pub mod users;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, ConnectOptions, Transaction};

pub use audit::{AuditEvent, ChainReport};
pub use inspect::Snapshot;
pub use migrate::MIGRATIONS;

/// A database transaction over either backend.
pub type Tx = Transaction<'static, Any>;
/// A connection reads run on one after another (a pooled one, or a transaction's as `&mut **tx`).
pub type Conn = sqlx::AnyConnection;

/// Errors of the storage layer. Callers map `NotFound` and `Conflict` to 404 and 409.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Db(sqlx::Error),
    /// The database could not be reached, or stayed locked past the wait limit: the same request may succeed
    /// in a moment (503 with Retry-After at the edge), unlike a failed statement.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("migration error: {0}")]
    Migration(String),
    #[error("corrupt data: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        if is_unavailable(&e) {
            StoreError::Unavailable(e.to_string())
        } else {
            StoreError::Db(e)
        }
    }
}

/// Whether an error means "not now" rather than "not so": no connection within the wait limit, a lost
/// connection, a locked SQLite file (SQLITE_BUSY/SQLITE_LOCKED and their extended codes), or a PostgreSQL that is
/// shutting down, starting up or out of connections (SQLSTATE class 08, 57P01–57P03, 53300).
fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => {
            let code = d.code().map(|c| c.into_owned()).unwrap_or_default();
            let sqlite_busy = code.parse::<i64>().is_ok_and(|n| matches!(n & 0xff, 5 | 6));
            sqlite_busy
                || code.starts_with("08")
                || matches!(code.as_str(), "57P01" | "57P02" | "57P03" | "53300")
                || d.message().contains("database is locked")
        }
        _ => false,
    }
}

impl StoreError {
    /// True when the error is a unique-constraint violation (the same key twice).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle shared by the whole process.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// How the pool connects, for a connection of its own ([`Db::connect_single`]).
    options: AnyConnectOptions,
}

/// How long a request waits for a connection, or (SQLite, `busy_timeout`) for another writer's lock, before it
/// is answered 503: long enough for any normal transaction to finish, short enough that a person is told at
/// once that the system is unavailable instead of watching a page hang.
pub const WAIT_LIMIT: Duration = Duration::from_secs(5);

/// Every SQLite connection's settings, pooled or not: WAL for concurrent readers, FULL so an acknowledged write
/// survives a power cut, foreign keys on, and a busy timeout so writers queue instead of failing.
const SQLITE_SETUP: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
                            PRAGMA busy_timeout = 5000;";

/// A connection that sat idle longer than this is checked before it is handed out.
pub const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// The pool's options common to both backends. sqlx checks every connection taken from the pool by default (a
/// round trip to PostgreSQL, a hand-off to the connection's thread on SQLite): that doubled the cost of a short
/// statement under load. Only a connection idle for [`PING_AFTER_IDLE`] is checked now — a dropped connection (a
/// database restart, a network's idle timeout) shows after idling — and a statement that still meets a dead one
/// fails as unavailable (503, try again), which discards the connection.
fn pool_options() -> AnyPoolOptions {
    AnyPoolOptions::new()
        .acquire_timeout(WAIT_LIMIT)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > PING_AFTER_IDLE {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

/// Where the embedded database lives when nothing else is configured.
pub const DEFAULT_SQLITE_PATH: &str = "nintei-data/nintei.db";

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://…`); creates the SQLite file and its folder if missing.
    pub async fn connect(url: &str) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::Migration(format!(
                "unsupported database URL (use sqlite://PATH or postgres://…): {url}"
            )));
        };
        let url = match backend {
            Backend::Sqlite => sqlite_url_with_create(url)?,
            Backend::Postgres => url.to_owned(),
        };
        // Every statement is reported at DEBUG under the target `sqlx::query` (no bound values, only the SQL):
        // the served process logs INFO and above, so this costs a disabled-callsite check per statement, and a
        // test can count the statements one request makes. Slow-statement warnings stay off, as before.
        let options = AnyConnectOptions::from_str(&url)?
            .log_statements(log::LevelFilter::Debug)
            .log_slow_statements(log::LevelFilter::Off, Duration::from_secs(1));
        let pool = match backend {
            Backend::Sqlite => {
                pool_options()
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            sqlx::raw_sql(SQLITE_SETUP).execute(&mut *conn).await?;
                            Ok(())
                        })
                    })
                    .connect_with(options.clone())
                    .await?
            }
            Backend::Postgres => {
                pool_options()
                    .max_connections(16)
                    .connect_with(options.clone())
                    .await?
            }
        };
        Ok(Db {
            pool,
            backend,
            options,
        })
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Db> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// One connection from the pool for a page's reads together: a page of a dozen statements through the pool
    /// hands a connection out and takes it back (with sqlx's check) a dozen times.
    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// A connection of its own, outside the pool, for one small read repeated under load: it skips the pool's
    /// hand-over (a check of the connection as it goes back) that costs as much as the read. Reads only.
    pub async fn connect_single(&self) -> Result<sqlx::AnyConnection> {
        let mut conn = self.options.connect().await?;
        if self.backend == Backend::Sqlite {
            sqlx::raw_sql(SQLITE_SETUP).execute(&mut conn).await?;
        }
        Ok(conn)
    }

    /// Applies pending migrations of this backend (`migrations/sqlite` or `migrations/postgres`).
    pub async fn migrate(&self) -> Result<Vec<String>> {
        migrate::run(self).await
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so a
    /// read-then-write transaction can never fail half-way with SQLITE_BUSY; PostgreSQL locks rows as it goes.
    pub async fn begin_write(&self) -> Result<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// Begins a read-only unit of work (a plain transaction; consistent reads on both backends).
    pub async fn begin_read(&self) -> Result<Tx> {
        Ok(self.pool.begin().await?)
    }

    /// `SELECT 1` — used by `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// `/healthz`: the database answers and, on SQLite, a write can begin within the wait limit (a file locked by
    /// another process answers reads but no writes).
    pub async fn probe(&self) -> Result<()> {
        self.ping().await?;
        if self.backend == Backend::Sqlite {
            self.begin_write().await?.rollback().await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Writes a consistent copy of an SQLite database to `out` (`VACUUM INTO`). PostgreSQL is backed up with
    /// `pg_dump`, which this refuses with an explanation.
    pub async fn backup_sqlite(&self, out: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Migration(
                "PostgreSQL is backed up with pg_dump (e.g. `pg_dump -Fc -f nintei.dump DBNAME`)".into(),
            ));
        }
        if out.exists() {
            return Err(StoreError::Conflict(format!("{} exists already", out.display())));
        }
        let target = out.to_string_lossy().replace('\'', "''");
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{target}'")))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Adds `mode=rwc` to an SQLite URL and creates the parent folder of the file.
fn sqlite_url_with_create(url: &str) -> Result<String> {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(url.to_owned());
    }
    if let Some(parent) = Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Migration(format!("cannot create {}: {e}", parent.display())))?;
    }
    if rest.contains("mode=") {
        Ok(url.to_owned())
    } else if rest.contains('?') {
        Ok(format!("sqlite://{rest}&mode=rwc"))
    } else {
        Ok(format!("sqlite://{rest}?mode=rwc"))
    }
}

/// A new opaque identifier (UUID v4 text).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// SHA-256 of `data` as lower-case hex; used for token and session hashes.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

impl Db {
    /// Runs SQL text as is (operations and tests: creating databases, tampering checks).
    pub async fn execute_raw(&self, sql: &str) -> Result<()> {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Counts the rows of a table whose name is a plain identifier.
    pub async fn count_rows(&self, table: &str) -> Result<i64> {
        if !table
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(StoreError::Conflict(format!("not a table name: {table}")));
        }
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {table}")))
            .fetch_one(&self.pool)
            .await?;
        Ok(sqlx::Row::try_get(&row, "n")?)
    }
}

impl Db {
    /// One integer from a query with no parameters whose result column is named `n` (tests, operations).
    pub async fn scalar_i64(&self, sql: &str) -> Result<i64> {
        let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(&self.pool)
            .await?;
        Ok(sqlx::Row::try_get(&row, "n")?)
    }
}

/// Column helpers for the registration tables: ISO dates and JSON kept as TEXT.
pub(crate) mod cols {
    use chrono::NaiveDate;
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use sqlx::Row;
    use sqlx::any::AnyRow;

    use crate::{Result, StoreError};

    pub fn date(row: &AnyRow, col: &str) -> Result<NaiveDate> {
        let s: String = row.try_get(col)?;
        parse_date(col, &s)
    }

    pub fn opt_date(row: &AnyRow, col: &str) -> Result<Option<NaiveDate>> {
        let s: Option<String> = row.try_get(col)?;
        s.map(|s| parse_date(col, &s)).transpose()
    }

    fn parse_date(col: &str, s: &str) -> Result<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|e| StoreError::Corrupt(format!("{col}: not a date ({s}): {e}")))
    }

    pub fn json<T: DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T> {
        let s: String = row.try_get(col)?;
        serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
    }

    pub fn opt_json<T: DeserializeOwned>(row: &AnyRow, col: &str) -> Result<Option<T>> {
        let s: Option<String> = row.try_get(col)?;
        s.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}"))))
            .transpose()
    }

    pub fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<String> {
        serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Dates are stored as `YYYY-MM-DD`, which also sorts and compares correctly as text.
    pub fn iso(d: NaiveDate) -> String {
        d.format("%Y-%m-%d").to_string()
    }
}
