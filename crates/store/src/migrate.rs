//! Schema migrations, one list per backend, embedded in the binary and checked by checksum.
//!
//! An applied migration is never edited: its checksum is stored, and a changed file stops start-up.

use sqlx::{AssertSqlSafe, Row};

use crate::{Backend, Db, Result, StoreError, sha256_hex};

/// `(version, name, sqlite SQL, postgres SQL)`; a test checks this list matches the files on disk.
/// One migration: both backends' files, by name (one line each, so that lists from parallel work merge cleanly).
macro_rules! migration {
    ($version:expr, $name:literal) => {
        (
            $version,
            $name,
            include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        )
    };
}

pub const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    migration!(1, "0001_foundation"),
    migration!(2, "0002_accreditation"),
    migration!(3, "0003_registration"),
    migration!(4, "0004_mail"),
    migration!(5, "0005_search"),
    migration!(6, "0006_deadlines"),
    migration!(7, "0007_reminders"),
    migration!(8, "0008_accreditation_history"),
    migration!(9, "0009_accreditation_maintenance"),
    migration!(10, "0010_renewal_scope_appeals"),
    migration!(11, "0011_acc_self_study"),
    migration!(12, "0012_acc_impartiality"),
    migration!(13, "0013_password_resets"),
    migration!(14, "0014_reg_registrar"),
    migration!(15, "0015_acc_hold"),
    migration!(19, "0019_search_compact"),
    migration!(20, "0020_acc_case_records"),
    migration!(21, "0021_reg_files"),
    migration!(22, "0022_reg_document_answers"),
    migration!(23, "0023_plain_deadline_titles"),
    migration!(24, "0024_account_requests"),
    migration!(25, "0025_reg_drafts"),
    migration!(26, "0026_search_listed_until"),
];

/// Advisory lock key so that two `nintei serve` starting together on one PostgreSQL migrate one at a time.
const PG_MIGRATION_LOCK: i64 = 0x6e69_6e74_6569;

pub(crate) async fn run(db: &Db) -> Result<Vec<String>> {
    let mut conn = db.pool().acquire().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(PG_MIGRATION_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    let result = apply_all(db, &mut conn).await;
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(PG_MIGRATION_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    result
}

async fn apply_all(db: &Db, conn: &mut sqlx::AnyConnection) -> Result<Vec<String>> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
         checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let rows = sqlx::query("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
        .fetch_all(&mut *conn)
        .await?;
    let mut applied = Vec::new();
    for row in rows {
        let version: i64 = row.try_get("version")?;
        let checksum: String = row.try_get("checksum")?;
        applied.push((version, checksum));
    }
    let mut done = Vec::new();
    for (version, name, sqlite, postgres) in MIGRATIONS {
        let sql = match db.backend() {
            Backend::Sqlite => *sqlite,
            Backend::Postgres => *postgres,
        };
        let checksum = sha256_hex(sql.as_bytes());
        if let Some((_, stored)) = applied.iter().find(|(v, _)| v == version) {
            if *stored != checksum {
                return Err(StoreError::Migration(format!(
                    "migration {name} was edited after it was applied (checksum differs); add a new migration instead"
                )));
            }
            continue;
        }
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(*version)
        .bind(*name)
        .bind(checksum)
        .bind(applied_at_label())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        done.push((*name).to_owned());
    }
    if let Some((max, _)) = applied.iter().max_by_key(|(v, _)| *v)
        && !MIGRATIONS.iter().any(|(v, ..)| v == max)
    {
        return Err(StoreError::Migration(format!(
            "the database has migration {max}, which this binary does not know: is it older than the data?"
        )));
    }
    Ok(done)
}

/// The migration table records the binary's version rather than a wall-clock time (no clock reads here).
fn applied_at_label() -> String {
    format!("nintei {}", env!("CARGO_PKG_VERSION"))
}
