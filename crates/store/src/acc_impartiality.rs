//! Impartiality of an accreditation review and the site-visit timetable (ACC-2, ACC-7, ACC-8): the head's unit
//! decision, objections to a surveyor, cooling-offs after decisions, surveyors' engagements, the timetable.

use serde::Serialize;
use sqlx::{Any, Executor, Row};

use crate::{Result, StoreError, Tx, flag, new_id};

fn conflict_on_duplicate(e: sqlx::Error, message: &str) -> StoreError {
    let e = StoreError::from(e);
    if e.is_unique_violation() {
        StoreError::Conflict(message.to_owned())
    } else {
        e
    }
}

// ---- ACC-2: the head's decision on a department unit ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UnitDecision {
    pub qualifies: bool,
    pub decided_on: String,
    pub reason: Option<String>,
    pub decided_by: String,
}

pub async fn unit_decision<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
) -> Result<Option<UnitDecision>> {
    let row = sqlx::query(
        "SELECT qualifies, decided_on, reason, decided_by FROM acc_unit_decisions WHERE case_id = $1",
    )
    .bind(case_id.to_owned())
    .fetch_optional(ex)
    .await?;
    row.map(|r| {
        Ok(UnitDecision {
            qualifies: r.try_get::<i64, _>("qualifies")? != 0,
            decided_on: r.try_get("decided_on")?,
            reason: r.try_get("reason")?,
            decided_by: r.try_get("decided_by")?,
        })
    })
    .transpose()
}

pub async fn insert_unit_decision(tx: &mut Tx, case_id: &str, d: &UnitDecision, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO acc_unit_decisions (case_id, qualifies, decided_on, reason, decided_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id.to_owned())
    .bind(flag(d.qualifies))
    .bind(d.decided_on.clone())
    .bind(d.reason.clone())
    .bind(d.decided_by.clone())
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|e| conflict_on_duplicate(e, "ACC-2: 機構長の判断はすでに記録されています (already decided)"))?;
    Ok(())
}

// ---- ACC-8: objections to a surveyor ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Objection {
    pub id: String,
    pub case_id: String,
    pub surveyor_id: String,
    pub surveyor_name: String,
    pub reason: String,
    pub raised_on: String,
    /// `None` while the office has not decided.
    pub upheld: Option<bool>,
    pub decided_on: Option<String>,
}

const OBJECTION_COLS: &str =
    "o.id, o.case_id, o.surveyor_id, u.name, o.reason, o.raised_on, o.upheld, o.decided_on";

fn objection(r: &sqlx::any::AnyRow) -> Result<Objection> {
    Ok(Objection {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        surveyor_id: r.try_get("surveyor_id")?,
        surveyor_name: r.try_get("name")?,
        reason: r.try_get("reason")?,
        raised_on: r.try_get("raised_on")?,
        upheld: r.try_get::<Option<i64>, _>("upheld")?.map(|u| u != 0),
        decided_on: r.try_get("decided_on")?,
    })
}

/// The objections of a case, oldest first.
pub async fn objections<'c, E: Executor<'c, Database = Any>>(ex: E, case_id: &str) -> Result<Vec<Objection>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {OBJECTION_COLS} FROM acc_surveyor_objections o JOIN users u ON u.id = o.surveyor_id \
         WHERE o.case_id = $1 ORDER BY o.created_at, o.id"
    )))
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter().map(objection).collect()
}

/// The open (undecided) objection to `surveyor_id` on the case.
pub async fn open_objection<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
    surveyor_id: &str,
) -> Result<Option<Objection>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {OBJECTION_COLS} FROM acc_surveyor_objections o JOIN users u ON u.id = o.surveyor_id \
         WHERE o.case_id = $1 AND o.surveyor_id = $2 AND o.upheld IS NULL"
    )))
    .bind(case_id.to_owned())
    .bind(surveyor_id.to_owned())
    .fetch_optional(ex)
    .await?;
    row.as_ref().map(objection).transpose()
}

/// Whether an objection to `surveyor_id` on the case was upheld (the surveyor is not assigned to it again).
pub async fn upheld_against<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
    surveyor_id: &str,
) -> Result<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM acc_surveyor_objections WHERE case_id = $1 AND surveyor_id = $2 AND upheld = 1",
    )
    .bind(case_id.to_owned())
    .bind(surveyor_id.to_owned())
    .fetch_one(ex)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

pub async fn insert_objection(
    tx: &mut Tx,
    case_id: &str,
    surveyor_id: &str,
    reason: &str,
    raised_on: &str,
    raised_by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO acc_surveyor_objections (id, case_id, surveyor_id, reason, raised_on, raised_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.clone())
    .bind(case_id.to_owned())
    .bind(surveyor_id.to_owned())
    .bind(reason.to_owned())
    .bind(raised_on.to_owned())
    .bind(raised_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        conflict_on_duplicate(e, "ACC-8: この認定調査員への申し出はすでに判断待ちです (an objection is open already)")
    })?;
    Ok(id)
}

/// Decides an open objection; `false` when it was not open any more (a concurrent decision).
pub async fn decide_objection(
    tx: &mut Tx,
    id: &str,
    upheld: bool,
    decided_on: &str,
    decided_by: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE acc_surveyor_objections SET upheld = $1, decided_on = $2, decided_by = $3 \
         WHERE id = $4 AND upheld IS NULL",
    )
    .bind(flag(upheld))
    .bind(decided_on.to_owned())
    .bind(decided_by.to_owned())
    .bind(id.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Removes a surveyor's assignment to a case (an upheld objection); `false` when there was none.
pub async fn remove_surveyor(tx: &mut Tx, case_id: &str, surveyor_id: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM acc_case_surveyors WHERE case_id = $1 AND user_id = $2")
        .bind(case_id.to_owned())
        .bind(surveyor_id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() > 0)
}

// ---- ACC-8: cooling-offs ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CoolingOffRow {
    pub case_id: String,
    pub surveyor_id: String,
    pub surveyor_name: String,
    pub organization_id: String,
    pub organization_name: String,
    pub decided_on: String,
    pub ends_on: String,
}

/// Records a cooling-off; the same decision recorded twice keeps one row.
#[allow(clippy::too_many_arguments)]
pub async fn insert_cooling_off(
    tx: &mut Tx,
    case_id: &str,
    surveyor_id: &str,
    organization_id: &str,
    decided_on: &str,
    ends_on: &str,
    now: i64,
) -> Result<()> {
    let exists = sqlx::query(
        "SELECT COUNT(*) AS n FROM acc_cooling_offs WHERE case_id = $1 AND surveyor_id = $2 AND decided_on = $3",
    )
    .bind(case_id.to_owned())
    .bind(surveyor_id.to_owned())
    .bind(decided_on.to_owned())
    .fetch_one(&mut **tx)
    .await?
    .try_get::<i64, _>("n")?
        > 0;
    if exists {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO acc_cooling_offs (id, case_id, surveyor_id, organization_id, decided_on, ends_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(case_id.to_owned())
    .bind(surveyor_id.to_owned())
    .bind(organization_id.to_owned())
    .bind(decided_on.to_owned())
    .bind(ends_on.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const COOLING_SELECT: &str = "SELECT c.case_id, c.surveyor_id, u.name AS surveyor_name, c.organization_id, \
     g.name AS organization_name, c.decided_on, c.ends_on FROM acc_cooling_offs c \
     JOIN users u ON u.id = c.surveyor_id JOIN organizations g ON g.id = c.organization_id";

fn cooling(r: &sqlx::any::AnyRow) -> Result<CoolingOffRow> {
    Ok(CoolingOffRow {
        case_id: r.try_get("case_id")?,
        surveyor_id: r.try_get("surveyor_id")?,
        surveyor_name: r.try_get("surveyor_name")?,
        organization_id: r.try_get("organization_id")?,
        organization_name: r.try_get("organization_name")?,
        decided_on: r.try_get("decided_on")?,
        ends_on: r.try_get("ends_on")?,
    })
}

/// A surveyor's cooling-offs, latest decision first.
pub async fn cooling_offs_of<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    surveyor_id: &str,
) -> Result<Vec<CoolingOffRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{COOLING_SELECT} WHERE c.surveyor_id = $1 ORDER BY c.decided_on DESC, c.case_id"
    )))
    .bind(surveyor_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter().map(cooling).collect()
}

/// The cooling-offs a case's decisions started, in decision order.
pub async fn cooling_offs_of_case<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
) -> Result<Vec<CoolingOffRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{COOLING_SELECT} WHERE c.case_id = $1 ORDER BY c.decided_on, u.name"
    )))
    .bind(case_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter().map(cooling).collect()
}

/// Open cases of `organization_id` that `surveyor_id` is assigned to (ACC-8: no consulting during the review).
pub async fn open_assignments<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    surveyor_id: &str,
    organization_id: &str,
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT c.id FROM acc_case_surveyors s JOIN acc_cases c ON c.id = s.case_id \
         WHERE s.user_id = $1 AND c.organization_id = $2 \
         AND c.status NOT IN ('ineligible', 'accredited', 'denied', 'withdrawn', 'stopped') ORDER BY c.id",
    )
    .bind(surveyor_id.to_owned())
    .bind(organization_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
}

// ---- ACC-8: engagements ----

/// A surveyor's engagement with an organization (ACC-8) and the warnings recorded with it. Who recorded it and
/// when are kept for the audit and the newest-first order, not answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Engagement {
    pub id: String,
    pub surveyor_id: String,
    pub organization_id: String,
    pub organization_name: String,
    /// `consulting`, `service` or `research_funds`.
    pub kind: String,
    pub started_on: String,
    pub note: Option<String>,
    /// `[{rule, kind, case_id, message}]`: the surveyor was assigned to an open case of the organization.
    #[schema(value_type = Vec<Object>)]
    pub warnings: serde_json::Value,
    #[serde(skip)]
    #[schema(ignore)]
    pub recorded_by: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub created_at: i64,
}

pub struct NewEngagement<'a> {
    pub surveyor_id: &'a str,
    pub organization_id: &'a str,
    pub kind: &'a str,
    pub started_on: &'a str,
    pub note: Option<&'a str>,
    pub warnings: &'a serde_json::Value,
    pub recorded_by: &'a str,
}

pub async fn insert_engagement(tx: &mut Tx, e: &NewEngagement<'_>, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO surveyor_engagements (id, surveyor_id, organization_id, kind, started_on, note, warnings, \
         recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.clone())
    .bind(e.surveyor_id.to_owned())
    .bind(e.organization_id.to_owned())
    .bind(e.kind.to_owned())
    .bind(e.started_on.to_owned())
    .bind(e.note.map(str::to_owned))
    .bind(e.warnings.to_string())
    .bind(e.recorded_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|err| {
        conflict_on_duplicate(
            err,
            "この関与（認定調査員・機関・種類・開始日）はすでに記録されています (already recorded)",
        )
    })?;
    Ok(id)
}

/// A surveyor's engagements, latest start first.
pub async fn engagements<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    surveyor_id: &str,
) -> Result<Vec<Engagement>> {
    let rows = sqlx::query(
        "SELECT e.id, e.surveyor_id, e.organization_id, g.name, e.kind, e.started_on, e.note, e.warnings, \
         e.recorded_by, e.created_at FROM surveyor_engagements e JOIN organizations g ON g.id = e.organization_id \
         WHERE e.surveyor_id = $1 ORDER BY e.started_on DESC, e.created_at DESC, e.id",
    )
    .bind(surveyor_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            let warnings: String = r.try_get("warnings")?;
            Ok(Engagement {
                id: r.try_get("id")?,
                surveyor_id: r.try_get("surveyor_id")?,
                organization_id: r.try_get("organization_id")?,
                organization_name: r.try_get("name")?,
                kind: r.try_get("kind")?,
                started_on: r.try_get("started_on")?,
                note: r.try_get("note")?,
                warnings: serde_json::from_str(&warnings).unwrap_or(serde_json::Value::Array(Vec::new())),
                recorded_by: r.try_get("recorded_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

// ---- ACC-7: the timetable ----

/// The edited timetable of a case (JSON items), if edited.
pub async fn schedule<'c, E: Executor<'c, Database = Any>>(ex: E, case_id: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT items FROM acc_site_visit_schedules WHERE case_id = $1")
        .bind(case_id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.map(|r| Ok(r.try_get("items")?)).transpose()
}

pub async fn put_schedule(tx: &mut Tx, case_id: &str, items: &str, by: &str, now: i64) -> Result<()> {
    let r = sqlx::query(
        "UPDATE acc_site_visit_schedules SET items = $1, updated_by = $2, updated_at = $3 WHERE case_id = $4",
    )
    .bind(items.to_owned())
    .bind(by.to_owned())
    .bind(now)
    .bind(case_id.to_owned())
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO acc_site_visit_schedules (case_id, items, updated_by, updated_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(case_id.to_owned())
        .bind(items.to_owned())
        .bind(by.to_owned())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
