//! Organizations (相談機関 / メンタルヘルスサービス機関) and their sites (相談室, REG-2).

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::{Result, StoreError, Tx, new_id};

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// An organization as stored; fields were validated by the domain newtypes before they got here.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub legal_form: String,
    pub corporate_number: Option<String>,
    pub prefecture: String,
    pub address: String,
    pub representative: String,
    pub contact: Contact,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Site {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub prefecture: String,
    pub address: String,
}

const COLUMNS: &str = "id, name, legal_form, corporate_number, prefecture, address, representative, \
                       contact_name, contact_email, contact_phone, version";

fn from_row(row: &AnyRow) -> Result<Organization> {
    from_row_prefixed(row, "")
}

/// The organization from columns named `{prefix}id`, `{prefix}name` … (a join beside another table's columns).
pub(crate) fn from_row_prefixed(row: &AnyRow, prefix: &str) -> Result<Organization> {
    let col = |c: &str| format!("{prefix}{c}");
    Ok(Organization {
        id: row.try_get(col("id").as_str())?,
        name: row.try_get(col("name").as_str())?,
        legal_form: row.try_get(col("legal_form").as_str())?,
        corporate_number: row.try_get(col("corporate_number").as_str())?,
        prefecture: row.try_get(col("prefecture").as_str())?,
        address: row.try_get(col("address").as_str())?,
        representative: row.try_get(col("representative").as_str())?,
        contact: Contact {
            name: row.try_get(col("contact_name").as_str())?,
            email: row.try_get(col("contact_email").as_str())?,
            phone: row.try_get(col("contact_phone").as_str())?,
        },
        version: row.try_get(col("version").as_str())?,
    })
}

/// The columns of [`from_row_prefixed`] selected from the table aliased `alias`, each renamed `{prefix}column`.
pub(crate) fn prefixed_columns(alias: &str, prefix: &str) -> String {
    COLUMNS
        .split(',')
        .map(str::trim)
        .map(|c| format!("{alias}.{c} AS {prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts `org` (its `id` and `version` are ignored) and returns the new id.
pub async fn insert(tx: &mut Tx, org: &Organization, now: i64) -> Result<String> {
    let id = new_id();
    let r = sqlx::query(
        "INSERT INTO organizations (id, name, legal_form, corporate_number, prefecture, address, representative, \
         contact_name, contact_email, contact_phone, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)",
    )
    .bind(id.clone())
    .bind(org.name.clone())
    .bind(org.legal_form.clone())
    .bind(org.corporate_number.clone())
    .bind(org.prefecture.clone())
    .bind(org.address.clone())
    .bind(org.representative.clone())
    .bind(org.contact.name.clone())
    .bind(org.contact.email.clone())
    .bind(org.contact.phone.clone())
    .bind(now)
    .execute(&mut **tx)
    .await;
    match r {
        Ok(_) => Ok(id),
        Err(e) => {
            let e = StoreError::from(e);
            if e.is_unique_violation() {
                Err(StoreError::Conflict(
                    "an organization with this corporate number exists already".into(),
                ))
            } else {
                Err(e)
            }
        }
    }
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<Organization>> {
    let sql = format!("SELECT {COLUMNS} FROM organizations WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The organization with this 法人番号, if any.
pub async fn by_corporate_number<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    number: &str,
) -> Result<Option<Organization>> {
    let sql = format!("SELECT {COLUMNS} FROM organizations WHERE corporate_number = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(number.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list<'c, E: Executor<'c, Database = Any>>(ex: E, limit: i64) -> Result<Vec<Organization>> {
    let sql = format!("SELECT {COLUMNS} FROM organizations ORDER BY name LIMIT $1");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM organizations")
        .fetch_one(ex)
        .await?;
    Ok(row.try_get("n")?)
}

pub async fn insert_site(tx: &mut Tx, site: &Site, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO sites (id, organization_id, name, prefecture, address, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.clone())
    .bind(site.organization_id.clone())
    .bind(site.name.clone())
    .bind(site.prefecture.clone())
    .bind(site.address.clone())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn sites<'c, E: Executor<'c, Database = Any>>(ex: E, organization_id: &str) -> Result<Vec<Site>> {
    let rows = sqlx::query(
        "SELECT id, organization_id, name, prefecture, address FROM sites WHERE organization_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(organization_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter().map(site_from).collect()
}

fn site_from(r: &AnyRow) -> Result<Site> {
    Ok(Site {
        id: r.try_get("id")?,
        organization_id: r.try_get("organization_id")?,
        name: r.try_get("name")?,
        prefecture: r.try_get("prefecture")?,
        address: r.try_get("address")?,
    })
}

/// One counseling room by its id.
pub async fn site_by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<Site>> {
    let row = sqlx::query("SELECT id, organization_id, name, prefecture, address FROM sites WHERE id = $1")
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(site_from).transpose()
}

/// REG-6: a notified change of the organization's name, representative, contact, legal form or address, if still at
/// `expected_version`; false otherwise.
pub async fn update_identity(
    tx: &mut Tx,
    org: &Organization,
    expected_version: i64,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE organizations SET name = $1, representative = $2, contact_name = $3, contact_email = $4, \
         contact_phone = $5, version = version + 1, updated_at = $6, legal_form = $9, prefecture = $10, \
         address = $11 WHERE id = $7 AND version = $8",
    )
    .bind(org.name.clone())
    .bind(org.representative.clone())
    .bind(org.contact.name.clone())
    .bind(org.contact.email.clone())
    .bind(org.contact.phone.clone())
    .bind(now)
    .bind(org.id.clone())
    .bind(expected_version)
    .bind(org.legal_form.clone())
    .bind(org.prefecture.clone())
    .bind(org.address.clone())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The registration numbers of an organization (the directory reindexes them when its name changes).
pub async fn registration_numbers<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: &str,
) -> Result<Vec<String>> {
    numbers(
        ex,
        "SELECT number FROM registrations WHERE organization_id = $1 ORDER BY number",
        organization_id,
    )
    .await
}

/// The accreditation numbers of an organization (the directory reindexes them when its name or address changes).
pub async fn accreditation_numbers<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: &str,
) -> Result<Vec<String>> {
    numbers(
        ex,
        "SELECT number FROM accreditations WHERE organization_id = $1 ORDER BY number",
        organization_id,
    )
    .await
}

/// The `number` column of `sql` (a constant of this module) for the organization.
async fn numbers<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    sql: &'static str,
    organization_id: &str,
) -> Result<Vec<String>> {
    let rows = sqlx::query(sql)
        .bind(organization_id.to_owned())
        .fetch_all(ex)
        .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("number")?))
        .collect()
}

/// A page of organizations for the staff list: `q` in the name, 法人番号 or address, `only` a prefecture code;
/// sorted by name (default), prefecture or newest first; with the number of matches.
pub async fn page<'c, E>(ex: E, f: &crate::listing::Filter<'_>) -> Result<(Vec<Organization>, i64)>
where
    E: Executor<'c, Database = Any> + Copy,
{
    let order = match f.sort {
        "prefecture" => "prefecture, name, id",
        "newest" => "created_at DESC, id",
        _ => "name, id",
    };
    let cond = "($1 = '' OR LOWER(name) LIKE $2 ESCAPE '\\' OR COALESCE(corporate_number, '') LIKE $2 ESCAPE '\\' \
                OR LOWER(address) LIKE $2 ESCAPE '\\') AND ($3 = '' OR prefecture = $3)";
    let args = [f.q.to_owned(), crate::listing::contains(f.q), f.only.to_owned()];
    crate::listing::fetch_page(ex, COLUMNS, "organizations", cond, order, &args, f, from_row).await
}
