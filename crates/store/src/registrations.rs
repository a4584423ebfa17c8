//! Registrations (登録): one per registered counseling room (REG-2) under a stable number `REG-YYYY-NNNN`
//! (REG-4), with its validity, its REG-5 … REG-7 status and what the directory publishes.

use chrono::{Datelike, NaiveDate};
use nintei_domain::reg::application::{Counselor, Disclosure, Psychiatrist};
use nintei_domain::reg::dates::RegistrationNumber;
use nintei_domain::reg::publication::PublicDisclosure;
use nintei_domain::reg::status::Status;
use nintei_domain::reg::validity::{self, PublicStatus, Term};
use nintei_domain::search::method_facet;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::cols::{date, iso, json, opt_date, to_json};
use crate::listing::{Filter, contains, fetch_page};
use crate::{Result, StoreError, Tx, new_id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
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
    /// REG-4: a renewal decided before the current term ended, waiting for its first day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<NextTerm>,
}

/// The next validity term (REG-4) and the renewal case that gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct NextTerm {
    pub case_id: String,
    pub registered_on: NaiveDate,
    pub expires_on: NaiveDate,
}

impl Registration {
    /// The stored current term.
    pub fn current_term(&self) -> Term {
        Term {
            registered_on: self.registered_on,
            expires_on: self.expires_on,
        }
    }

    /// The term in force on `today` (REG-4): the next one from its first day, even before the daily job rolls it.
    pub fn term_on(&self, today: NaiveDate) -> Term {
        let next = self.next.as_ref().map(|n| Term {
            registered_on: n.registered_on,
            expires_on: n.expires_on,
        });
        validity::term_on(self.current_term(), next, today)
    }

    /// The last day of the latest term, current or next (a renewal is judged against it).
    pub fn last_expires_on(&self) -> NaiveDate {
        self.next.as_ref().map_or(self.expires_on, |n| n.expires_on)
    }

    /// What the public verification says on `today` (REG-4, REG-5), judged by the dates.
    pub fn public_status_on(&self, today: NaiveDate) -> PublicStatus {
        validity::public_status(self.status, self.term_on(today), self.ended_on, today)
    }
}

/// A registration with the names the lists show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
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
    r.ended_on, r.end_reason, r.version, r.next_case_id, r.next_registered_on, r.next_expires_on";

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
        next: match (
            row.try_get::<Option<String>, _>("next_case_id")?,
            opt_date(row, "next_registered_on")?,
            opt_date(row, "next_expires_on")?,
        ) {
            (Some(case_id), Some(registered_on), Some(expires_on)) => Some(NextTerm {
                case_id,
                registered_on,
                expires_on,
            }),
            _ => None,
        },
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
    insert_term(tx, &id, &r.case_id, r.current_term(), now).await?;
    Ok(id)
}

/// Keeps a validity term in the registration's history (REG-4).
pub async fn insert_term(tx: &mut Tx, registration_id: &str, case_id: &str, t: Term, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO reg_terms (id, registration_id, case_id, registered_on, expires_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(registration_id.to_owned())
    .bind(case_id.to_owned())
    .bind(iso(t.registered_on))
    .bind(iso(t.expires_on))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every term of a registration, oldest first (REG-4 history).
pub async fn terms<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    registration_id: &str,
) -> Result<Vec<(String, Term)>> {
    let rows = sqlx::query(
        "SELECT case_id, registered_on, expires_on FROM reg_terms WHERE registration_id = $1 ORDER BY registered_on",
    )
    .bind(registration_id.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("case_id")?,
                Term {
                    registered_on: date(r, "registered_on")?,
                    expires_on: date(r, "expires_on")?,
                },
            ))
        })
        .collect()
}

/// REG-4: a renewal decided before the current term ends waits as the next term (the current one stays in force
/// and published until its last day); the renewal's data, the latest the institution declared, apply at once.
pub async fn schedule_renewal(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    rn: &Renewal<'_>,
    now: i64,
) -> Result<bool> {
    let d = &rn.data;
    let r = sqlx::query(
        "UPDATE registrations SET next_case_id = $1, next_registered_on = $2, next_expires_on = $3, counselors = $4, \
         psychiatrists = $5, disclosure_answers = $6, disclosure = $7, version = version + 1, updated_at = $8 \
         WHERE id = $9 AND version = $10 AND next_case_id IS NULL \
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
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    let t = Term {
        registered_on: rn.registered_on,
        expires_on: rn.expires_on,
    };
    insert_term(tx, id, rn.case_id, t, now).await?;
    Ok(true)
}

/// Registrations whose next term (REG-4) has begun by `today`, for the daily job to make it the current one.
pub async fn next_term_begun<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<Registration>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM registrations r WHERE r.next_case_id IS NOT NULL AND r.next_registered_on <= $1 \
         ORDER BY r.number LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(iso(today))
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

/// REG-4: makes the next term the current one if still at `expected_version` (the daily job's tidying; public
/// answers already judge by the dates).
pub async fn roll_over_term(tx: &mut Tx, id: &str, expected_version: i64, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE registrations SET case_id = next_case_id, registered_on = next_registered_on, \
         expires_on = next_expires_on, next_case_id = NULL, next_registered_on = NULL, next_expires_on = NULL, \
         version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 AND next_case_id IS NOT NULL",
    )
    .bind(now)
    .bind(id.to_owned())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
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

/// A page of the registrations (of one organization, or all when `organization_id` is `None`) with their names:
/// `q` in the number, the organization's or the room's name, `only` a status; by number (default), by expiry, by
/// organization or newest registration first; with the number of matches.
pub async fn page<'c, E>(ex: E, organization_id: Option<&str>, f: &Filter<'_>) -> Result<(Vec<Listed>, i64)>
where
    E: Executor<'c, Database = Any> + Copy,
{
    let order = match f.sort {
        "expires" => "r.expires_on, r.number",
        "organization" => "o.name, r.number",
        "newest" => "r.registered_on DESC, r.number",
        _ => "r.number",
    };
    let from =
        "registrations r JOIN organizations o ON o.id = r.organization_id JOIN sites s ON s.id = r.site_id";
    let cond = "($1 = '' OR r.organization_id = $1) AND ($2 = '' OR LOWER(r.number) LIKE $3 ESCAPE '\\' \
                OR LOWER(o.name) LIKE $3 ESCAPE '\\' OR LOWER(s.name) LIKE $3 ESCAPE '\\') \
                AND ($4 = '' OR r.status = $4)";
    let args = [
        organization_id.unwrap_or_default().to_owned(),
        f.q.to_owned(),
        contains(f.q),
        f.only.to_owned(),
    ];
    let select = format!(
        "{COLUMNS}, o.name AS organization_name, s.name AS site_name, s.prefecture AS prefecture, \
         s.address AS address"
    );
    fetch_page(ex, &select, from, cond, order, &args, f, listed_from_row).await
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
         'deregistration_review') AND r.expires_on < $1 \
         AND (r.next_expires_on IS NULL OR r.next_expires_on < $1) AND NOT EXISTS (SELECT 1 FROM reg_cases c \
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
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    let t = Term {
        registered_on: rn.registered_on,
        expires_on: rn.expires_on,
    };
    insert_term(tx, id, rn.case_id, t, now).await?;
    Ok(true)
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
    /// Facets every listing must carry (`#open:saturday`, `#open:evening`: the days/hours filters).
    pub facets: Vec<String>,
    pub limit: i64,
    pub offset: i64,
    /// REG-4: the day validity is judged on. `Some` keeps to registrations valid that day (past the last day of
    /// the term in force, or abolished from that day, they are not listed even before the daily job) and shows the
    /// term in force that day.
    pub today: Option<NaiveDate>,
}

/// Registrations in force (registered, under investigation, deregistration review: REG-7 keeps them registered
/// until decided) matching `f`, by number.
pub async fn public_list<'c, E: Executor<'c, Database = Any> + Copy>(
    ex: E,
    f: &PublicFilter,
) -> Result<Vec<Listed>> {
    let text = crate::search::plan(ex, "registration", &f.q).await?;
    let (from, binds) = public_where(f, text.as_ref());
    let sql = format!(
        "SELECT {COLUMNS}, o.name AS organization_name, s.name AS site_name, s.prefecture AS prefecture, \
         s.address AS address {from} ORDER BY r.number LIMIT {} OFFSET {}",
        f.limit.max(0),
        f.offset.max(0)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(ex).await?;
    let mut listed = rows.iter().map(listed_from_row).collect::<Result<Vec<_>>>()?;
    if let Some(today) = f.today {
        for l in &mut listed {
            as_of(&mut l.registration, today);
        }
    }
    Ok(listed)
}

/// How many registrations the directory lists for `f`, on every page together: counted from the search index
/// alone (the prefecture and method filters are facets there), so a common word costs its postings, not a read
/// of every listing's row.
pub async fn public_count<'c, E: Executor<'c, Database = Any> + Copy>(
    ex: E,
    f: &PublicFilter,
) -> Result<i64> {
    crate::search::count_listed(
        ex,
        "registration",
        &f.q,
        f.prefecture.as_deref(),
        index_facets(f),
        f.today,
    )
    .await
}

/// The facets `f` filters by in the index: the days/hours and the method.
fn index_facets(f: &PublicFilter) -> Vec<String> {
    let mut facets = f.facets.clone();
    facets.extend(f.method.as_deref().map(method_facet));
    facets
}

/// How many registrations the directory lists on `today`, by the JIS code of their room's prefecture (REG-8's
/// prefecture view), counted in the database rather than by reading every listing.
pub async fn public_count_by_prefecture<'c, E: Executor<'c, Database = Any> + Copy>(
    ex: E,
    today: NaiveDate,
) -> Result<Vec<(String, i64)>> {
    let f = PublicFilter {
        today: Some(today),
        ..PublicFilter::default()
    };
    let (from, binds) = public_where(&f, None);
    let sql = format!("SELECT s.prefecture AS p, CAST(COUNT(*) AS BIGINT) AS n {from} GROUP BY s.prefecture");
    prefecture_counts(ex, sql, binds).await
}

/// Runs a `SELECT … AS p, … AS n … GROUP BY` of the directory's prefecture counts with its binds.
pub(crate) async fn prefecture_counts<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    sql: String,
    binds: Vec<String>,
) -> Result<Vec<(String, i64)>> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    q.fetch_all(ex)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("p")?, r.try_get("n")?)))
        .collect()
}

/// The `FROM … WHERE …` of the registration directory's pages and its binds (no caller text reaches the SQL).
fn public_where(f: &PublicFilter, text_filter: Option<&crate::search::TextFilter>) -> (String, Vec<String>) {
    let mut binds: Vec<String> = vec![f.prefecture.clone().unwrap_or_default()];
    let mut text = String::new();
    if let Some(t) = text_filter {
        let (cond, more) = t.condition("r.number", binds.len() + 1);
        text = format!(" AND {cond}");
        binds.extend(more);
    }
    // Days/hours and methods: facets of the disclosure, kept in the search index.
    if let Some((cond, more)) =
        crate::search::having_facets("registration", &index_facets(f), "r.number", binds.len() + 1)
    {
        text.push_str(&format!(" AND {cond}"));
        binds.extend(more);
    }
    if let Some(today) = f.today {
        let n = binds.len() + 1;
        text.push_str(&format!(
            " AND (CASE WHEN r.next_registered_on IS NOT NULL AND r.next_registered_on <= ${n} \
             THEN r.next_expires_on ELSE r.expires_on END) >= ${n} AND (r.ended_on IS NULL OR r.ended_on > ${n})"
        ));
        binds.push(iso(today));
    }
    (
        format!(
            "FROM registrations r JOIN organizations o ON o.id = r.organization_id JOIN sites s ON s.id = r.site_id \
             WHERE (r.status || '') IN ('registered', 'under_investigation', 'deregistration_review') \
             AND ($1 = '' OR s.prefecture = $1){text}"
        ),
        binds,
    )
}

/// Shows `r` with the term in force on `today` as its current term (REG-4: a scheduled next term once begun).
pub fn as_of(r: &mut Registration, today: NaiveDate) {
    let t = r.term_on(today);
    if t != r.current_term() {
        if let Some(n) = r.next.take() {
            r.case_id = n.case_id;
        }
        r.registered_on = t.registered_on;
        r.expires_on = t.expires_on;
    }
}

/// When the published registrations last changed (Unix seconds), for the open data's last-updated date.
pub async fn last_changed<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT CAST(MAX(updated_at) AS BIGINT) AS t FROM registrations")
        .fetch_one(ex)
        .await?;
    Ok(row.try_get("t")?)
}

/// REG-2: registrations in force of the other rooms in `prefecture` (the candidates for "a registration at this
/// address already"; the caller compares normalized addresses).
pub async fn in_force_in_prefecture<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    prefecture: &str,
    except_site_id: &str,
) -> Result<Vec<Listed>> {
    let sql = format!(
        "SELECT {COLUMNS}, o.name AS organization_name, s.name AS site_name, s.prefecture AS prefecture, \
         s.address AS address FROM registrations r JOIN organizations o ON o.id = r.organization_id \
         JOIN sites s ON s.id = r.site_id WHERE s.prefecture = $1 AND s.id <> $2 \
         AND r.status IN ('registered', 'under_investigation', 'deregistration_review') ORDER BY r.number"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(prefecture.to_owned())
        .bind(except_site_id.to_owned())
        .fetch_all(ex)
        .await?;
    rows.iter().map(listed_from_row).collect()
}

/// REG-6: an abolition notified in advance: the registration stays in force until `on` (public answers judge by
/// the date; the daily job then marks it abolished). Only in force, at `expected_version`, not already scheduled.
pub async fn schedule_end(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    on: NaiveDate,
    reason: &str,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE registrations SET ended_on = $1, end_reason = $2, version = version + 1, updated_at = $3 \
         WHERE id = $4 AND version = $5 AND ended_on IS NULL \
         AND status IN ('registered', 'under_investigation', 'deregistration_review')",
    )
    .bind(iso(on))
    .bind(reason.to_owned())
    .bind(now)
    .bind(id.to_owned())
    .bind(expected_version)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Registrations in force whose abolition notified in advance (REG-6) takes effect by `today`.
pub async fn end_due<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<Registration>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM registrations r WHERE r.status IN ('registered', 'under_investigation', \
         'deregistration_review') AND r.ended_on IS NOT NULL AND r.ended_on <= $1 ORDER BY r.number LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(iso(today))
        .bind(limit)
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}
