//! Registrations (登録): one per registered counseling room (REG-2) under a stable number `REG-YYYY-NNNN`
//! (REG-4), with its validity, its REG-5 … REG-7 status and what the directory publishes.

use chrono::{Datelike, NaiveDate};
use nintei_domain::reg::application::{Counselor, Disclosure, Psychiatrist};
use nintei_domain::reg::dates::RegistrationNumber;
use nintei_domain::reg::publication::PublicDisclosure;
use nintei_domain::reg::status::Status;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::cols::{date, iso, json, opt_date, to_json};
use crate::{Result, StoreError, Tx, new_id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registration {
    pub id: String,
    pub number: String,
    pub organization_id: String,
    pub site_id: String,
    pub case_id: String,
    pub first_registered_on: NaiveDate,
    /// First day of the current validity (the registration day, or the day after the previous expiry).
    pub registered_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub status: Status,
    pub disclosure: PublicDisclosure,
    pub counselors: Vec<Counselor>,
    pub psychiatrists: Vec<Psychiatrist>,
    pub disclosure_answers: Disclosure,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub version: i64,
}

/// A registration with the names the lists show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub registration: Registration,
    pub organization_name: String,
    pub site_name: String,
    pub prefecture: String,
    pub address: String,
}

const COLUMNS: &str = "r.id, r.number, r.organization_id, r.site_id, r.case_id, r.first_registered_on, \
    r.registered_on, r.expires_on, r.status, r.disclosure, r.counselors, r.psychiatrists, r.disclosure_answers, \
    r.ended_on, r.end_reason, r.version";

fn from_row(row: &AnyRow) -> Result<Registration> {
    let status: String = row.try_get("status")?;
    Ok(Registration {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        organization_id: row.try_get("organization_id")?,
        site_id: row.try_get("site_id")?,
        case_id: row.try_get("case_id")?,
        first_registered_on: date(row, "first_registered_on")?,
        registered_on: date(row, "registered_on")?,
        expires_on: date(row, "expires_on")?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("registration status {status}")))?,
        disclosure: json(row, "disclosure")?,
        counselors: json(row, "counselors")?,
        psychiatrists: json(row, "psychiatrists")?,
        disclosure_answers: json(row, "disclosure_answers")?,
        ended_on: opt_date(row, "ended_on")?,
        end_reason: row.try_get("end_reason")?,
        version: row.try_get("version")?,
    })
}

fn listed_from_row(row: &AnyRow) -> Result<Listed> {
    Ok(Listed {
        registration: from_row(row)?,
        organization_name: row.try_get("organization_name")?,
        site_name: row.try_get("site_name")?,
        prefecture: row.try_get("prefecture")?,
        address: row.try_get("address")?,
    })
}

/// Takes the next number of `registered_on`'s year (REG-4). The counter row is written first, which locks it
/// (PostgreSQL row lock; SQLite holds the write lock), so two registrations never get one number.
pub async fn next_number(tx: &mut Tx, registered_on: NaiveDate) -> Result<RegistrationNumber> {
    let year = i64::from(registered_on.year());
    sqlx::query("INSERT INTO reg_number_counters (year, last) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING")
        .bind(year)
        .execute(&mut **tx)
        .await?;
    let row = sqlx::query("UPDATE reg_number_counters SET last = last WHERE year = $1 RETURNING last")
        .bind(year)
        .fetch_one(&mut **tx)
        .await?;
    let last: i64 = row.try_get("last")?;
    let last = u32::try_from(last).ok().filter(|l| *l > 0);
    let number =
        RegistrationNumber::next(registered_on, last).map_err(|e| StoreError::Conflict(e.to_string()))?;
    sqlx::query("UPDATE reg_number_counters SET last = $1 WHERE year = $2")
        .bind(i64::from(number.sequence()))
        .bind(year)
        .execute(&mut **tx)
        .await?;
    Ok(number)
}

/// Inserts a new registration (its `id` and `version` are ignored); returns the id.
pub async fn insert(tx: &mut Tx, r: &Registration, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO registrations (id, number, organization_id, site_id, case_id, first_registered_on, \
         registered_on, expires_on, status, disclosure, counselors, psychiatrists, disclosure_answers, version, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14)",
    )
    .bind(id.clone())
    .bind(r.number.clone())
    .bind(r.organization_id.clone())
    .bind(r.site_id.clone())
    .bind(r.case_id.clone())
    .bind(iso(r.first_registered_on))
    .bind(iso(r.registered_on))
    .bind(iso(r.expires_on))
    .bind(r.status.as_str())
    .bind(to_json(&r.disclosure)?)
    .bind(to_json(&r.counselors)?)
    .bind(to_json(&r.psychiatrists)?)
    .bind(to_json(&r.disclosure_answers)?)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|e| match StoreError::from(e) {
        e if e.is_unique_violation() => {
            StoreError::Conflict("この相談室は登録済みです (the room is registered already)".into())
        }
        e => e,
    })?;
    Ok(id)
}

pub async fn by_id<'c, E: Executor<'c, Database = Any>>(ex: E, id: &str) -> Result<Option<Registration>> {
    let sql = format!("SELECT {COLUMNS} FROM registrations r WHERE r.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_number<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    number: &str,
) -> Result<Option<Registration>> {
    let sql = format!("SELECT {COLUMNS} FROM registrations r WHERE r.number = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(number.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The registration of a counseling room that is in force (registered, or under REG-7 review), if any.
pub async fn in_force_for_site<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    site_id: &str,
) -> Result<Option<Registration>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM registrations r WHERE r.site_id = $1 \
         AND r.status IN ('registered', 'under_investigation', 'deregistration_review') LIMIT 1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site_id.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Registrations with organization and room names, by number: of one organization, or all.
pub async fn list<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: Option<&str>,
    limit: i64,
) -> Result<Vec<Listed>> {
    // `(r.status || '')` keeps the planner off the status index: nearly every row is in force, so walking the
    // number index and stopping after `limit` rows beats sorting them all (29 ms → 0.4 ms at 10k listings).
    let sql = format!(
        "SELECT {COLUMNS}, o.name AS organization_name, s.name AS site_name, s.prefecture AS prefecture, \
         s.address AS address FROM registrations r JOIN organizations o ON o.id = r.organization_id \
         JOIN sites s ON s.id = r.site_id WHERE ($1 = '' OR r.organization_id = $1) ORDER BY r.number LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(organization_id.unwrap_or_default().to_owned())
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(listed_from_row).collect()
}

/// One registration with its names.
pub async fn listed_by_number<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    number: &str,
) -> Result<Option<Listed>> {
    let sql = format!(
        "SELECT {COLUMNS}, o.name AS organization_name, s.name AS site_name, s.prefecture AS prefecture, \
         s.address AS address FROM registrations r JOIN organizations o ON o.id = r.organization_id \
         JOIN sites s ON s.id = r.site_id WHERE r.number = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(number.to_owned())
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(listed_from_row).transpose()
}

/// Registrations in force whose validity ended before `today` and that no renewal applied for within validity
/// keeps in force (candidates for the daily expiry job, REG-4).
pub async fn past_expiry<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<Registration>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM registrations r WHERE r.status IN ('registered', 'under_investigation', \
         'deregistration_review') AND r.expires_on < $1 AND NOT EXISTS (SELECT 1 FROM reg_cases c \
         WHERE c.renewal_of = r.id AND c.status = 'submitted' AND c.applied_on <= r.expires_on) \
         ORDER BY r.expires_on, r.number LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(iso(today))
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Registrations in force expiring within `[from, to]` (renewal reminders on the dashboards).
pub async fn expiring_between<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Listed>> {
    let sql = format!(
        "SELECT {COLUMNS}, o.name AS organization_name, s.name AS site_name, s.prefecture AS prefecture, \
         s.address AS address FROM registrations r JOIN organizations o ON o.id = r.organization_id \
         JOIN sites s ON s.id = r.site_id WHERE ($1 = '' OR r.organization_id = $1) \
         AND r.status IN ('registered', 'under_investigation', 'deregistration_review') \
         AND r.expires_on >= $2 AND r.expires_on <= $3 ORDER BY r.expires_on, r.number"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(organization_id.unwrap_or_default().to_owned())
        .bind(iso(from))
        .bind(iso(to))
        .fetch_all(ex)
        .await?;
    rows.iter().map(listed_from_row).collect()
}

/// Moves the registration from `from` to `to` if it is still at `expected_version`; false otherwise.
/// `ended` records the end day and reason when the registration ends (expired, abolished, deregistered).
pub async fn set_status(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    from: Status,
    to: Status,
    ended: Option<(NaiveDate, &str)>,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE registrations SET status = $1, ended_on = COALESCE($2, ended_on), \
         end_reason = COALESCE($3, end_reason), version = version + 1, updated_at = $4 \
         WHERE id = $5 AND status = $6 AND version = $7",
    )
    .bind(to.as_str())
    .bind(ended.map(|(d, _)| iso(d)))
    .bind(ended.map(|(_, r)| r.to_owned()))
    .bind(now)
    .bind(id.to_owned())
    .bind(from.as_str())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The registered data, as a renewal or an acknowledged change leaves it.
pub struct Data<'a> {
    pub counselors: &'a [Counselor],
    pub psychiatrists: &'a [Psychiatrist],
    pub disclosure_answers: &'a Disclosure,
    pub disclosure: &'a PublicDisclosure,
}

/// Replaces the registered data (REG-6 change acknowledged) if still at `expected_version`.
pub async fn update_data(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    d: &Data<'_>,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE registrations SET counselors = $1, psychiatrists = $2, disclosure_answers = $3, disclosure = $4, \
         version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7",
    )
    .bind(to_json(d.counselors)?)
    .bind(to_json(d.psychiatrists)?)
    .bind(to_json(d.disclosure_answers)?)
    .bind(to_json(d.disclosure)?)
    .bind(now)
    .bind(id.to_owned())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A renewal (REG-4): the next validity and the renewal case's data, under the same number.
pub struct Renewal<'a> {
    pub case_id: &'a str,
    pub registered_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub data: Data<'a>,
}

/// Applies a renewal if the registration is still at `expected_version` and in force.
pub async fn renew(tx: &mut Tx, id: &str, expected_version: i64, rn: &Renewal<'_>, now: i64) -> Result<bool> {
    let d = &rn.data;
    let r = sqlx::query(
        "UPDATE registrations SET case_id = $1, registered_on = $2, expires_on = $3, counselors = $4, \
         psychiatrists = $5, disclosure_answers = $6, disclosure = $7, version = version + 1, updated_at = $8 \
         WHERE id = $9 AND version = $10 \
         AND status IN ('registered', 'under_investigation', 'deregistration_review')",
    )
    .bind(rn.case_id.to_owned())
    .bind(iso(rn.registered_on))
    .bind(iso(rn.expires_on))
    .bind(to_json(d.counselors)?)
    .bind(to_json(d.psychiatrists)?)
    .bind(to_json(d.disclosure_answers)?)
    .bind(to_json(d.disclosure)?)
    .bind(now)
    .bind(id.to_owned())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// What the public directory asks for (API.md "Public", REG-5, REG-8).
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    /// Free text, searched through the n-gram index (`registration` documents keyed by number).
    pub q: String,
    /// JIS prefecture code, `01`..`47`.
    pub prefecture: Option<String>,
    /// A `Method` spelling (`face_to_face`, …).
    pub method: Option<String>,
    /// Facets every listing must carry (`#open:saturday`, `#open:evening`: the days/hours filters of issue 7).
    pub facets: Vec<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Registrations in force (registered, under investigation, deregistration review: REG-7 keeps them registered
/// until decided) matching `f`, by number.
pub async fn public_list<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    f: &PublicFilter,
) -> Result<Vec<Listed>> {
    let mut binds: Vec<String> = vec![
        f.prefecture.clone().unwrap_or_default(),
        // Methods are stored as JSON strings; the quotes keep `phone` from matching inside other text.
        f.method
            .as_ref()
            .map(|m| format!("%\"{m}\"%"))
            .unwrap_or_else(|| "%".into()),
    ];
    let mut text = String::new();
    if let Some((cond, more)) = crate::search::matching("registration", &f.q, "r.number", binds.len() + 1) {
        text = format!(" AND {cond}");
        binds.extend(more);
    }
    // Days/hours (issue 7): facets of the disclosed hours, kept in the search index.
    if let Some((cond, more)) =
        crate::search::having_facets("registration", &f.facets, "r.number", binds.len() + 1)
    {
        text.push_str(&format!(" AND {cond}"));
        binds.extend(more);
    }
    let sql = format!(
        "SELECT {COLUMNS}, o.name AS organization_name, s.name AS site_name, s.prefecture AS prefecture, \
         s.address AS address FROM registrations r JOIN organizations o ON o.id = r.organization_id \
         JOIN sites s ON s.id = r.site_id WHERE (r.status || '') IN ('registered', 'under_investigation', \
         'deregistration_review') AND ($1 = '' OR s.prefecture = $1) AND r.disclosure LIKE $2{text} \
         ORDER BY r.number LIMIT {} OFFSET {}",
        f.limit.max(0),
        f.offset.max(0)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(ex).await?;
    rows.iter().map(listed_from_row).collect()
}

/// When the published registrations last changed (Unix seconds), for the open data's last-updated date.
pub async fn last_changed<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT CAST(MAX(updated_at) AS BIGINT) AS t FROM registrations")
        .fetch_one(ex)
        .await?;
    Ok(row.try_get("t")?)
}
