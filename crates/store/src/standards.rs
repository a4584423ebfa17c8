//! Standards catalogs (認定基準, ACC-9): versions and their standards. The catalog in force is the latest
//! imported; a case keeps the version it started with.

use nintei_domain::acc::service::ServiceCode;
use nintei_domain::acc::standards::{Catalog, Fundamental, Kind, Standard};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::{Result, StoreError, Tx, flag};

/// A catalog version as listed (without its standards).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogInfo {
    pub version: String,
    pub seq: i64,
    pub sample: bool,
    pub source: String,
}

fn standard_from_row(row: &AnyRow) -> Result<Standard> {
    let kind: String = row.try_get("kind")?;
    let fundamental: Option<String> = row.try_get("fundamental")?;
    let service: Option<String> = row.try_get("service")?;
    Ok(Standard {
        code: row.try_get("code")?,
        group: row.try_get("group_name")?,
        section: row.try_get("section")?,
        kind: Kind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("standard kind {kind}")))?,
        fundamental: match fundamental {
            Some(f) => {
                Some(Fundamental::parse(&f).ok_or_else(|| StoreError::Corrupt(format!("fundamental {f}")))?)
            }
            None => None,
        },
        title: row.try_get("title")?,
        service: match service {
            Some(s) => {
                Some(ServiceCode::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("service {s}")))?)
            }
            None => None,
        },
    })
}

fn info_from_row(row: &AnyRow) -> Result<CatalogInfo> {
    Ok(CatalogInfo {
        version: row.try_get("version")?,
        seq: row.try_get("seq")?,
        sample: row.try_get::<i64, _>("sample")? != 0,
        source: row.try_get("source")?,
    })
}

/// The catalog in force (highest `seq`), without standards; `None` before the first load.
pub async fn in_force_info<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Option<CatalogInfo>> {
    let row = sqlx::query("SELECT version, seq, sample, source FROM acc_catalogs ORDER BY seq DESC LIMIT 1")
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(info_from_row).transpose()
}

pub async fn info<'c, E: Executor<'c, Database = Any>>(ex: E, version: &str) -> Result<Option<CatalogInfo>> {
    let row = sqlx::query("SELECT version, seq, sample, source FROM acc_catalogs WHERE version = $1")
        .bind(version.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(info_from_row).transpose()
}

/// Every catalog version, newest first.
pub async fn list<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Vec<CatalogInfo>> {
    let rows = sqlx::query("SELECT version, seq, sample, source FROM acc_catalogs ORDER BY seq DESC")
        .fetch_all(ex)
        .await?;
    rows.iter().map(info_from_row).collect()
}

/// One catalog version with its standards in catalog order.
pub async fn load(conn: &mut sqlx::AnyConnection, version: &str) -> Result<Option<Catalog>> {
    let Some(info) = info(&mut *conn, version).await? else {
        return Ok(None);
    };
    let rows = sqlx::query(
        "SELECT code, group_name, section, kind, fundamental, service, title FROM acc_standards \
         WHERE catalog_version = $1 ORDER BY position",
    )
    .bind(version.to_owned())
    .fetch_all(conn)
    .await?;
    Ok(Some(Catalog {
        version: info.version,
        sample: info.sample,
        standards: rows.iter().map(standard_from_row).collect::<Result<_>>()?,
    }))
}

/// Stores `catalog` as the newest version (it becomes the catalog in force). A version label used before is a
/// conflict.
pub async fn insert(
    tx: &mut Tx,
    catalog: &Catalog,
    source: &str,
    imported_by: Option<&str>,
    now: i64,
) -> Result<i64> {
    let row = sqlx::query("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS n FROM acc_catalogs")
        .fetch_one(&mut **tx)
        .await?;
    let seq = row.try_get::<i64, _>("n")? + 1;
    let r = sqlx::query(
        "INSERT INTO acc_catalogs (version, seq, sample, source, imported_at, imported_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(catalog.version.clone())
    .bind(seq)
    .bind(flag(catalog.sample))
    .bind(source.to_owned())
    .bind(now)
    .bind(imported_by.map(str::to_owned))
    .execute(&mut **tx)
    .await;
    if let Err(e) = r {
        let e = StoreError::from(e);
        return Err(if e.is_unique_violation() {
            StoreError::Conflict(format!("catalog version {} exists already", catalog.version))
        } else {
            e
        });
    }
    for (position, s) in catalog.standards.iter().enumerate() {
        sqlx::query(
            "INSERT INTO acc_standards (catalog_version, position, code, group_name, section, kind, fundamental, \
             service, title) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(catalog.version.clone())
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(s.code.clone())
        .bind(s.group.clone())
        .bind(s.section.clone())
        .bind(s.kind.as_str())
        .bind(s.fundamental.map(|f| f.as_str()))
        .bind(s.service.map(|c| c.as_str()))
        .bind(s.title.clone())
        .execute(&mut **tx)
        .await?;
    }
    Ok(seq)
}
