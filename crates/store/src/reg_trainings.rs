//! Training sessions the office runs for counselors of registered institutions, with attendance (REG-9).

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::cols::{date, iso};
use crate::{Result, Tx, flag, new_id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Training {
    pub id: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Attendance {
    pub training_id: String,
    pub registration_id: String,
    pub registration_number: String,
    pub organization_id: String,
    pub counselor_name: String,
    pub attended: bool,
}

fn training_from_row(row: &AnyRow) -> Result<Training> {
    Ok(Training {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        held_on: date(row, "held_on")?,
        place: row.try_get("place")?,
        description: row.try_get("description")?,
    })
}

pub async fn insert(tx: &mut Tx, t: &Training, created_by: &str, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO reg_trainings (id, title, held_on, place, description, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.clone())
    .bind(t.title.clone())
    .bind(iso(t.held_on))
    .bind(t.place.clone())
    .bind(t.description.clone())
    .bind(created_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<Training>> {
    let row = sqlx::query("SELECT id, title, held_on, place, description FROM reg_trainings WHERE id = $1")
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(training_from_row).transpose()
}

/// Sessions, latest first.
pub async fn list<'c, E: Executor<'c, Database = Any>>(ex: E, limit: i64) -> Result<Vec<Training>> {
    let rows = sqlx::query(
        "SELECT id, title, held_on, place, description FROM reg_trainings ORDER BY held_on DESC, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.iter().map(training_from_row).collect()
}

/// Records a counselor's attendance (or absence); a second record for the same counselor replaces the first.
pub async fn record_attendance(
    tx: &mut Tx,
    training_id: &str,
    registration_id: &str,
    counselor_name: &str,
    attended: bool,
    recorded_by: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO reg_training_attendance (id, training_id, registration_id, counselor_name, attended, \
         recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (training_id, registration_id, counselor_name) \
         DO UPDATE SET attended = excluded.attended, recorded_by = excluded.recorded_by",
    )
    .bind(new_id())
    .bind(training_id.to_owned())
    .bind(registration_id.to_owned())
    .bind(counselor_name.to_owned())
    .bind(flag(attended))
    .bind(recorded_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const ATTENDANCE: &str = "SELECT a.training_id, a.registration_id, r.number AS registration_number, \
    r.organization_id, a.counselor_name, a.attended FROM reg_training_attendance a \
    JOIN registrations r ON r.id = a.registration_id";

fn attendance_from_row(row: &AnyRow) -> Result<Attendance> {
    let attended: i64 = row.try_get("attended")?;
    Ok(Attendance {
        training_id: row.try_get("training_id")?,
        registration_id: row.try_get("registration_id")?,
        registration_number: row.try_get("registration_number")?,
        organization_id: row.try_get("organization_id")?,
        counselor_name: row.try_get("counselor_name")?,
        attended: attended != 0,
    })
}

/// Attendance of one session, by registration number and counselor.
pub async fn attendance<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    training_id: &str,
) -> Result<Vec<Attendance>> {
    let sql = format!("{ATTENDANCE} WHERE a.training_id = $1 ORDER BY r.number, a.counselor_name");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(training_id.to_owned())
        .fetch_all(ex)
        .await?;
    rows.iter().map(attendance_from_row).collect()
}

/// Attendance of one registration's counselors over all sessions.
pub async fn attendance_of_registration<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    registration_id: &str,
) -> Result<Vec<Attendance>> {
    let sql = format!("{ATTENDANCE} WHERE a.registration_id = $1 ORDER BY a.training_id, a.counselor_name");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(registration_id.to_owned())
        .fetch_all(ex)
        .await?;
    rows.iter().map(attendance_from_row).collect()
}

/// A counselor an institution enrolled in a session (REG-9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    pub training_id: String,
    pub registration_number: String,
    pub organization_id: String,
    pub counselor_name: String,
    pub enrolled_at: i64,
}

/// Enrols a counselor of a registration in a session; false when already enrolled.
pub async fn enrol(
    tx: &mut Tx,
    training_id: &str,
    registration_id: &str,
    counselor_name: &str,
    by: &str,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO reg_training_enrolments (id, training_id, registration_id, counselor_name, enrolled_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (training_id, registration_id, counselor_name) DO NOTHING",
    )
    .bind(new_id())
    .bind(training_id.to_owned())
    .bind(registration_id.to_owned())
    .bind(counselor_name.to_owned())
    .bind(by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The enrolments of a session, by registration number and counselor.
pub async fn enrolments<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    training_id: &str,
) -> Result<Vec<Enrolment>> {
    let rows = sqlx::query(
        "SELECT e.training_id, r.number AS registration_number, r.organization_id, e.counselor_name, \
         e.created_at FROM reg_training_enrolments e JOIN registrations r ON r.id = e.registration_id \
         WHERE e.training_id = $1 ORDER BY r.number, e.counselor_name",
    )
    .bind(training_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Enrolment {
                training_id: r.try_get("training_id")?,
                registration_number: r.try_get("registration_number")?,
                organization_id: r.try_get("organization_id")?,
                counselor_name: r.try_get("counselor_name")?,
                enrolled_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// The e-mail address of the office user who created the session (told of enrolments).
pub async fn creator_email<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    training_id: &str,
) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT u.email FROM reg_trainings t JOIN users u ON u.id = t.created_by WHERE t.id = $1",
    )
    .bind(training_id.to_owned())
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| r.try_get("email")).transpose()?)
}
