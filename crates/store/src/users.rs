//! User accounts (API.md "Authentication and accounts").

use nintei_domain::role::Role;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::{Result, StoreError, Tx, flag, new_id};

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub organization_id: Option<String>,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: i64,
    pub active: bool,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub organization_id: Option<&'a str>,
    pub password_hash: &'a str,
}

pub(crate) const COLUMNS: &str = "id, email, name, role, organization_id, password_hash, totp_secret, totp_enabled, \
                       totp_last_step, active, version";

pub(crate) fn from_row(row: &AnyRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("unknown role {role}")))?,
        organization_id: row.try_get("organization_id")?,
        password_hash: row.try_get("password_hash")?,
        totp_secret: row.try_get("totp_secret")?,
        totp_enabled: row.try_get::<i64, _>("totp_enabled")? != 0,
        totp_last_step: row.try_get("totp_last_step")?,
        active: row.try_get::<i64, _>("active")? != 0,
        version: row.try_get("version")?,
    })
}

/// E-mail addresses are compared case-insensitively: they are stored lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub async fn insert(tx: &mut Tx, user: &NewUser<'_>, now: i64) -> Result<String> {
    let id = new_id();
    let r = sqlx::query(
        "INSERT INTO users (id, email, name, role, organization_id, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(id.clone())
    .bind(normalize_email(user.email))
    .bind(user.name.to_owned())
    .bind(user.role.as_str())
    .bind(user.organization_id.map(str::to_owned))
    .bind(user.password_hash.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await;
    match r {
        Ok(_) => Ok(id),
        Err(e) => {
            let e = StoreError::from(e);
            if e.is_unique_violation() {
                Err(StoreError::Conflict(
                    "a user with this e-mail exists already".into(),
                ))
            } else {
                Err(e)
            }
        }
    }
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_email<'c, E: Executor<'c, Database = Any>>(ex: E, email: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(normalize_email(email))
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Vec<User>> {
    list_where(ex, "TRUE").await
}

/// Every user but the organizations' own (who can be many: one or more per organization): the staff a picker
/// or a name on a staff page comes from.
pub async fn staff<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Vec<User>> {
    list_where(ex, "role <> 'organization'").await
}

/// Users meeting `cond` (a code constant, never input), by role and e-mail.
async fn list_where<'c, E: Executor<'c, Database = Any>>(ex: E, cond: &str) -> Result<Vec<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE {cond} ORDER BY role, email");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(ex).await?;
    rows.iter().map(from_row).collect()
}

pub async fn count<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(ex)
        .await?;
    Ok(row.try_get("n")?)
}

/// An administrator's change of an account's name, role, organization and whether it is active, if still at
/// `expected_version`; false otherwise.
#[allow(clippy::too_many_arguments)]
pub async fn update_account(
    tx: &mut Tx,
    id: &str,
    name: &str,
    role: Role,
    organization_id: Option<&str>,
    active: bool,
    expected_version: i64,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE users SET name = $1, role = $2, organization_id = $3, active = $4, updated_at = $5, \
         version = version + 1 WHERE id = $6 AND version = $7",
    )
    .bind(name.to_owned())
    .bind(role.as_str())
    .bind(organization_id.map(str::to_owned))
    .bind(flag(active))
    .bind(now)
    .bind(id.to_owned())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// How many active administrators there are (the last one is not disabled or demoted).
pub async fn active_admins<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<i64> {
    let row =
        sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM users WHERE role = 'admin' AND active = 1")
            .fetch_one(ex)
            .await?;
    Ok(row.try_get("n")?)
}

pub async fn set_password(tx: &mut Tx, id: &str, password_hash: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(password_hash.to_owned())
        .bind(now)
        .bind(id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stores a TOTP secret (`enabled` false while enrolment awaits its first code).
pub async fn set_totp(tx: &mut Tx, id: &str, secret: Option<&str>, enabled: bool, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE users SET totp_secret = $1, totp_enabled = $2, totp_last_step = 0, updated_at = $3, \
         version = version + 1 WHERE id = $4",
    )
    .bind(secret.map(str::to_owned))
    .bind(flag(enabled))
    .bind(now)
    .bind(id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records the last accepted TOTP time step so that a code cannot be replayed; false if it was used already.
pub async fn advance_totp_step(tx: &mut Tx, id: &str, step: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1")
        .bind(step)
        .bind(id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// A page of users for the administrator's list: `q` in the name or e-mail, `only` a role; sorted by role
/// (default), name or e-mail; with the number of matches.
pub async fn page<'c, E>(ex: E, f: &crate::listing::Filter<'_>) -> Result<(Vec<User>, i64)>
where
    E: Executor<'c, Database = Any> + Copy,
{
    let order = match f.sort {
        "name" => "name, email",
        "email" => "email",
        _ => "role, email",
    };
    let cond = "($1 = '' OR LOWER(name) LIKE $2 ESCAPE '\\' OR LOWER(email) LIKE $2 ESCAPE '\\') \
                AND ($3 = '' OR role = $3)";
    let args = [f.q.to_owned(), crate::listing::contains(f.q), f.only.to_owned()];
    crate::listing::fetch_page(ex, COLUMNS, "users", cond, order, &args, f, from_row).await
}
