//! ACC-11 hold: what is recorded while a case is on hold (table `acc_holds`, one row per case).

use chrono::NaiveDate;
use sqlx::{Any, Executor, Row};

use crate::acc::{date, iso};
use crate::{Result, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldRow {
    pub held_on: NaiveDate,
    pub about_ratings: bool,
    pub documents_received_on: Option<NaiveDate>,
    pub head_reported_on: Option<NaiveDate>,
    pub head_report: Option<String>,
}

pub async fn get<'c, E: Executor<'c, Database = Any>>(ex: E, case_id: &str) -> Result<Option<HoldRow>> {
    let row = sqlx::query(
        "SELECT held_on, about_ratings, documents_received_on, head_reported_on, head_report FROM acc_holds \
         WHERE case_id = $1",
    )
    .bind(case_id.to_owned())
    .fetch_optional(ex)
    .await?;
    row.map(|r| {
        Ok(HoldRow {
            held_on: date(&r, "held_on")?.unwrap_or_default(),
            about_ratings: r.try_get::<i64, _>("about_ratings")? != 0,
            documents_received_on: date(&r, "documents_received_on")?,
            head_reported_on: date(&r, "head_reported_on")?,
            head_report: r.try_get("head_report")?,
        })
    })
    .transpose()
}

/// A new hold: replaces what an earlier hold of the case recorded.
pub async fn start(
    tx: &mut Tx,
    case_id: &str,
    held_on: NaiveDate,
    about_ratings: bool,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO acc_holds (case_id, held_on, about_ratings, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (case_id) DO UPDATE SET held_on = excluded.held_on, about_ratings = excluded.about_ratings, \
         documents_received_on = NULL, head_reported_on = NULL, head_report = NULL, updated_at = excluded.updated_at",
    )
    .bind(case_id.to_owned())
    .bind(iso(held_on))
    .bind(i64::from(about_ratings))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_documents_received(tx: &mut Tx, case_id: &str, on: NaiveDate, now: i64) -> Result<()> {
    sqlx::query("UPDATE acc_holds SET documents_received_on = $1, updated_at = $2 WHERE case_id = $3")
        .bind(iso(on))
        .bind(now)
        .bind(case_id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_head_report(
    tx: &mut Tx,
    case_id: &str,
    on: NaiveDate,
    report: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE acc_holds SET head_reported_on = $1, head_report = $2, updated_at = $3 WHERE case_id = $4",
    )
    .bind(iso(on))
    .bind(report.map(str::to_owned))
    .bind(now)
    .bind(case_id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
