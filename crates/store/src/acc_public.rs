//! The public accreditation directory (API.md "Public", ACC-23): the listings in force, their count, one
//! accreditation for certificate verification, and when the list last changed.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::acc::{date, from_json, iso};
use crate::{Result, StoreError};
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::search::service_facet;

/// An accreditation as ACC-23 publishes it, with the organization's name and prefecture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PublicAccreditation {
    pub number: String,
    pub organization_name: String,
    /// The organization's JIS prefecture code (the directory's `?prefecture=` filter).
    pub prefecture: String,
    pub services: Vec<ServiceCode>,
    pub accredited_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// As stored (`active`, `suspended`, `revoked`, `lapsed`); callers derive `lapsed` from the dates.
    pub status: String,
}

/// The public directory's accreditation query (API.md "Public", ACC-23).
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    pub q: String,
    pub prefecture: Option<String>,
    pub service: Option<ServiceCode>,
    pub limit: i64,
    pub offset: i64,
}

const PUBLIC_COLUMNS: &str = "a.number, o.name AS organization_name, o.prefecture AS prefecture, a.services, \
    a.accredited_on, a.expires_on, a.status";

fn public_from_row(r: &AnyRow) -> Result<PublicAccreditation> {
    let services: String = r.try_get("services")?;
    Ok(PublicAccreditation {
        number: r.try_get("number")?,
        organization_name: r.try_get("organization_name")?,
        prefecture: r.try_get("prefecture")?,
        services: from_json(&services)?,
        accredited_on: date(r, "accredited_on")?
            .ok_or_else(|| StoreError::Corrupt("accredited_on".into()))?,
        expires_on: date(r, "expires_on")?.ok_or_else(|| StoreError::Corrupt("expires_on".into()))?,
        status: r.try_get("status")?,
    })
}

/// Active accreditations not past their expiry on `today` matching `f`, by number (ACC-23).
pub async fn public_accreditations<'c, E: Executor<'c, Database = Any> + Copy>(
    ex: E,
    f: &PublicFilter,
    today: NaiveDate,
) -> Result<Vec<PublicAccreditation>> {
    let text = crate::search::plan(ex, "accreditation", &f.q).await?;
    let (from, binds) = public_accreditations_where(f, today, text.as_ref());
    let sql = format!(
        "SELECT {PUBLIC_COLUMNS} {from} ORDER BY a.number LIMIT {} OFFSET {}",
        f.limit.max(0),
        f.offset.max(0)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(ex).await?;
    rows.iter().map(public_from_row).collect()
}

/// How many accreditations the directory lists for `f` on `today`, on every page together: counted from the
/// search index alone (the prefecture and service filters are facets there).
pub async fn public_accreditations_count<'c, E: Executor<'c, Database = Any> + Copy>(
    ex: E,
    f: &PublicFilter,
    today: NaiveDate,
) -> Result<i64> {
    crate::search::count_listed(
        ex,
        "accreditation",
        &f.q,
        f.prefecture.as_deref(),
        index_facets(f),
        Some(today),
    )
    .await
}

/// The facets `f` filters by in the index besides the prefecture: the service.
fn index_facets(f: &PublicFilter) -> Vec<String> {
    f.service.map(|c| service_facet(c.as_str())).into_iter().collect()
}

/// How many accreditations the directory lists on `today`, by the JIS code of their organization's prefecture
/// (REG-8's prefecture view shows them beside the rooms), counted in the database.
pub async fn public_accreditations_count_by_prefecture<'c, E: Executor<'c, Database = Any> + Copy>(
    ex: E,
    today: NaiveDate,
) -> Result<Vec<(String, i64)>> {
    let (from, binds) = public_accreditations_where(&PublicFilter::default(), today, None);
    let sql = format!("SELECT o.prefecture AS p, CAST(COUNT(*) AS BIGINT) AS n {from} GROUP BY o.prefecture");
    crate::registrations::prefecture_counts(ex, sql, binds).await
}

/// The `FROM … WHERE …` of the accreditation directory's pages and its binds (no caller text reaches the SQL).
fn public_accreditations_where(
    f: &PublicFilter,
    today: NaiveDate,
    text_filter: Option<&crate::search::TextFilter>,
) -> (String, Vec<String>) {
    let mut binds: Vec<String> = vec![iso(today), f.prefecture.clone().unwrap_or_default()];
    let mut text = String::new();
    if let Some(t) = text_filter {
        let (cond, more) = t.condition("a.number", binds.len() + 1);
        text = format!(" AND {cond}");
        binds.extend(more);
    }
    // Services: facets kept in the search index.
    if let Some((cond, more)) =
        crate::search::having_facets("accreditation", &index_facets(f), "a.number", binds.len() + 1)
    {
        text.push_str(&format!(" AND {cond}"));
        binds.extend(more);
    }
    (
        format!(
            "FROM accreditations a JOIN organizations o ON o.id = a.organization_id WHERE a.status = 'active' \
             AND a.expires_on >= $1 AND ($2 = '' OR o.prefecture = $2){text}"
        ),
        binds,
    )
}

/// One accreditation as published, whatever its status (certificate verification).
pub async fn public_accreditation<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    number: &str,
) -> Result<Option<PublicAccreditation>> {
    let sql = format!(
        "SELECT {PUBLIC_COLUMNS} FROM accreditations a JOIN organizations o ON o.id = a.organization_id \
         WHERE a.number = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(number.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(public_from_row).transpose()
}

/// When an accreditation was last added (Unix seconds), for the open data's last-updated date.
pub async fn accreditations_last_changed<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT CAST(MAX(created_at) AS BIGINT) AS t FROM accreditations")
        .fetch_one(ex)
        .await?;
    Ok(row.try_get("t")?)
}
