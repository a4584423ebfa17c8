//! Renewal (ACC-19) and scope changes (ACC-20) of an accreditation: the renewal notices the daily job sends,
//! extensions of validity, and the changes a renewal or a scope change makes to the accreditation row.

use chrono::NaiveDate;
use nintei_domain::acc::service::ServiceCode;
use serde::Serialize;
use sqlx::{Any, Executor, Row};

use crate::acc::{date, iso};
use crate::{Result, StoreError, Tx, new_id};

/// An accreditation with its id (what the renewal job and the scope steps work on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AccreditationRow {
    pub id: String,
    pub number: String,
    pub organization_id: String,
    pub case_id: String,
    pub unit_name: Option<String>,
    pub services: Vec<ServiceCode>,
    pub accredited_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub status: String,
}

const COLUMNS: &str =
    "id, number, organization_id, case_id, unit_name, services, accredited_on, expires_on, status";

fn from_row(r: &sqlx::any::AnyRow) -> Result<AccreditationRow> {
    let services: String = r.try_get("services")?;
    Ok(AccreditationRow {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        organization_id: r.try_get("organization_id")?,
        case_id: r.try_get("case_id")?,
        unit_name: r.try_get("unit_name")?,
        services: serde_json::from_str(&services).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        accredited_on: date(r, "accredited_on")?
            .ok_or_else(|| StoreError::Corrupt("accredited_on".into()))?,
        expires_on: date(r, "expires_on")?.ok_or_else(|| StoreError::Corrupt("expires_on".into()))?,
        status: r.try_get("status")?,
    })
}

pub async fn by_number<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    number: &str,
) -> Result<Option<AccreditationRow>> {
    let sql = format!("SELECT {COLUMNS} FROM accreditations WHERE number = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(number.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<AccreditationRow>> {
    let sql = format!("SELECT {COLUMNS} FROM accreditations WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Active accreditations expiring on or before `until` whose current validity has had no renewal notice yet.
pub async fn needing_notice<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    until: NaiveDate,
    limit: i64,
) -> Result<Vec<AccreditationRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM accreditations a WHERE status = 'active' AND expires_on <= $1 AND NOT EXISTS \
         (SELECT 1 FROM acc_renewal_notices n WHERE n.accreditation_id = a.id AND n.expires_on = a.expires_on) \
         ORDER BY expires_on, number LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(iso(until))
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Claims the renewal notice of one validity; false when another worker (or an earlier run) sent it.
pub async fn claim_notice(
    tx: &mut Tx,
    accreditation_id: &str,
    expires_on: NaiveDate,
    sent_on: NaiveDate,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO acc_renewal_notices (accreditation_id, expires_on, sent_on, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (accreditation_id, expires_on) DO NOTHING",
    )
    .bind(accreditation_id.to_owned())
    .bind(iso(expires_on))
    .bind(iso(sent_on))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_notice_mail(
    tx: &mut Tx,
    accreditation_id: &str,
    expires_on: NaiveDate,
    mail_id: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE acc_renewal_notices SET mail_id = $1 WHERE accreditation_id = $2 AND expires_on = $3",
    )
    .bind(mail_id.to_owned())
    .bind(accreditation_id.to_owned())
    .bind(iso(expires_on))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The renewal notices sent for an accreditation: `(expires_on, sent_on)`.
pub async fn notices<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    accreditation_id: &str,
) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT expires_on, sent_on FROM acc_renewal_notices WHERE accreditation_id = $1 ORDER BY expires_on",
    )
    .bind(accreditation_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("expires_on")?, r.try_get("sent_on")?)))
        .collect()
}

/// Moves the accreditation's validity (a renewal, or an extension) when it is still at `from_expires_on`.
pub async fn set_validity(
    tx: &mut Tx,
    accreditation_id: &str,
    from_expires_on: NaiveDate,
    accredited_on: NaiveDate,
    expires_on: NaiveDate,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE accreditations SET accredited_on = $1, expires_on = $2 WHERE id = $3 AND expires_on = $4",
    )
    .bind(iso(accredited_on))
    .bind(iso(expires_on))
    .bind(accreditation_id.to_owned())
    .bind(iso(from_expires_on))
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Replaces the accredited services (ACC-20).
pub async fn set_services(tx: &mut Tx, accreditation_id: &str, services: &[ServiceCode]) -> Result<()> {
    let text = serde_json::to_string(services).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query("UPDATE accreditations SET services = $1 WHERE id = $2")
        .bind(text)
        .bind(accreditation_id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An extension of validity asked during a renewal review (ACC-19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Extension {
    pub id: String,
    pub case_id: String,
    pub accreditation_id: String,
    pub requested_on: String,
    pub requested_until: String,
    pub reasons: String,
    /// `requested`, `granted` or `refused`.
    pub status: String,
    pub decided_on: Option<String>,
    pub extended_until: Option<String>,
    pub decision_reason: Option<String>,
    pub original_expires_on: String,
}

const EXT_COLUMNS: &str = "id, case_id, accreditation_id, requested_on, requested_until, reasons, status, decided_on, \
    extended_until, decision_reason, original_expires_on";

fn ext_from_row(r: &sqlx::any::AnyRow) -> Result<Extension> {
    Ok(Extension {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        accreditation_id: r.try_get("accreditation_id")?,
        requested_on: r.try_get("requested_on")?,
        requested_until: r.try_get("requested_until")?,
        reasons: r.try_get("reasons")?,
        status: r.try_get("status")?,
        decided_on: r.try_get("decided_on")?,
        extended_until: r.try_get("extended_until")?,
        decision_reason: r.try_get("decision_reason")?,
        original_expires_on: r.try_get("original_expires_on")?,
    })
}

pub async fn extension_for_case<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
) -> Result<Option<Extension>> {
    let sql = format!("SELECT {EXT_COLUMNS} FROM acc_extensions WHERE case_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(case_id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(ext_from_row).transpose()
}

/// Records the request; a second request for the same renewal case is a `Conflict`.
#[allow(clippy::too_many_arguments)]
pub async fn insert_extension(
    tx: &mut Tx,
    case_id: &str,
    accreditation_id: &str,
    requested_on: NaiveDate,
    requested_until: NaiveDate,
    reasons: &str,
    original_expires_on: NaiveDate,
    requested_by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    let r = sqlx::query(
        "INSERT INTO acc_extensions (id, case_id, accreditation_id, requested_on, requested_until, reasons, status, \
         original_expires_on, requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $8, $9)",
    )
    .bind(id.clone())
    .bind(case_id.to_owned())
    .bind(accreditation_id.to_owned())
    .bind(iso(requested_on))
    .bind(iso(requested_until))
    .bind(reasons.to_owned())
    .bind(iso(original_expires_on))
    .bind(requested_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await;
    match r {
        Ok(_) => Ok(id),
        Err(e) => {
            let e = StoreError::from(e);
            if e.is_unique_violation() {
                Err(StoreError::Conflict(
                    "この更新審査ではすでに認定期間の延長を申請しています (an extension was requested already)".into(),
                ))
            } else {
                Err(e)
            }
        }
    }
}

/// Records the office's decision on a pending request; false when it was decided already.
pub async fn decide_extension(
    tx: &mut Tx,
    id: &str,
    granted: bool,
    decided_on: NaiveDate,
    extended_until: Option<NaiveDate>,
    reason: Option<&str>,
    decided_by: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE acc_extensions SET status = $1, decided_on = $2, extended_until = $3, decision_reason = $4, \
         decided_by = $5 WHERE id = $6 AND status = 'requested'",
    )
    .bind(if granted { "granted" } else { "refused" })
    .bind(iso(decided_on))
    .bind(extended_until.map(iso))
    .bind(reason.map(str::to_owned))
    .bind(decided_by.to_owned())
    .bind(id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}
