//! Invoices, their lines and payments (ACC-22): base and add-on fees on acceptance, extra fees later.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor, Row};

use crate::acc::{date, iso};
use crate::{Result, StoreError, Tx, new_id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InvoiceLine {
    /// `base`, `services_addon`, `revenue_addon`, `extra_visit_half_day`, `extra_visit_full_day`, `travel`,
    /// `certificate_reissue`.
    pub kind: String,
    pub description: String,
    pub quantity: i64,
    pub unit_yen: i64,
    pub amount_yen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Payment {
    pub paid_on: NaiveDate,
    pub amount_yen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Invoice {
    pub id: String,
    pub number: String,
    pub case_id: String,
    pub organization_id: String,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    /// The office's qualified-invoice registration number (適格請求書発行事業者登録番号) at issue time.
    pub registration_number: String,
    pub tax_rate_percent: i64,
    pub subtotal_yen: i64,
    pub tax_yen: i64,
    pub total_yen: i64,
    pub lines: Vec<InvoiceLine>,
    pub payments: Vec<Payment>,
}

impl Invoice {
    pub fn paid_yen(&self) -> i64 {
        self.payments.iter().map(|p| p.amount_yen).sum()
    }

    pub fn is_paid(&self) -> bool {
        self.paid_yen() >= self.total_yen
    }
}

/// Stores `invoice` with its lines (its `id`, `payments` are ignored); returns the id.
pub async fn insert(tx: &mut Tx, invoice: &Invoice, created_by: Option<&str>, now: i64) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO invoices (id, number, case_id, organization_id, issued_on, due_on, registration_number, \
         tax_rate_percent, subtotal_yen, tax_yen, total_yen, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id.clone())
    .bind(invoice.number.clone())
    .bind(invoice.case_id.clone())
    .bind(invoice.organization_id.clone())
    .bind(iso(invoice.issued_on))
    .bind(iso(invoice.due_on))
    .bind(invoice.registration_number.clone())
    .bind(invoice.tax_rate_percent)
    .bind(invoice.subtotal_yen)
    .bind(invoice.tax_yen)
    .bind(invoice.total_yen)
    .bind(created_by.map(str::to_owned))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    for (position, line) in invoice.lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO invoice_lines (id, invoice_id, position, kind, description, quantity, unit_yen, amount_yen) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(id.clone())
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(line.kind.clone())
        .bind(line.description.clone())
        .bind(line.quantity)
        .bind(line.unit_yen)
        .bind(line.amount_yen)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

pub async fn add_payment(
    tx: &mut Tx,
    invoice_id: &str,
    paid_on: NaiveDate,
    amount_yen: i64,
    recorded_by: &str,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO payments (id, invoice_id, paid_on, amount_yen, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.clone())
    .bind(invoice_id.to_owned())
    .bind(iso(paid_on))
    .bind(amount_yen)
    .bind(recorded_by.to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The sum of the payments recorded on an invoice.
pub async fn paid_yen<'c, E: Executor<'c, Database = Any>>(ex: E, invoice_id: &str) -> Result<i64> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount_yen), 0) AS BIGINT) AS n FROM payments WHERE invoice_id = $1",
    )
    .bind(invoice_id.to_owned())
    .fetch_one(ex)
    .await?;
    Ok(row.try_get("n")?)
}

/// The invoices of a case with lines and payments, oldest first.
pub async fn for_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<Invoice>> {
    select(conn, "i.case_id = $1", &[case_id]).await
}

/// The invoices of every case of an accreditation: the case that granted it and each renewal or scope-change
/// case naming it (ACC-19, ACC-20, ACC-22), oldest case first.
pub async fn for_accreditation(
    conn: &mut AnyConnection,
    accreditation_id: &str,
    case_id: &str,
) -> Result<Vec<Invoice>> {
    select(
        conn,
        "(c.id = $1 OR c.accreditation_id = $2)",
        &[case_id, accreditation_id],
    )
    .await
}

/// Every invoice, by case (oldest case first) and within a case oldest first: the office's export.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<Invoice>> {
    select(conn, "1 = 1", &[]).await
}

/// The invoices of the cases `c` whose invoices `i` match `filter` (placeholders `$1`… for `binds`), with their
/// lines and payments: three statements whatever the number of invoices. Ordered by the case's creation, then
/// issue date and number. All three on one connection (a pool's, a transaction's or the caller's).
async fn select(conn: &mut AnyConnection, filter: &str, binds: &[&str]) -> Result<Vec<Invoice>> {
    let from = format!("FROM invoices i JOIN acc_cases c ON c.id = i.case_id WHERE {filter}");
    async fn fetch(conn: &mut AnyConnection, binds: &[&str], sql: String) -> Result<Vec<AnyRow>> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = q.bind((*b).to_owned());
        }
        Ok(q.fetch_all(conn).await?)
    }
    let rows = fetch(&mut *conn, binds, format!(
        "SELECT i.id, i.number, i.case_id, i.organization_id, i.issued_on, i.due_on, i.registration_number, \
         i.tax_rate_percent, i.subtotal_yen, i.tax_yen, i.total_yen {from} \
         ORDER BY c.created_at, c.id, i.issued_on, i.number"
    ))
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut lines: std::collections::HashMap<String, Vec<InvoiceLine>> = std::collections::HashMap::new();
    for l in fetch(
        &mut *conn,
        binds,
        format!(
            "SELECT l.invoice_id, l.kind, l.description, l.quantity, l.unit_yen, l.amount_yen \
         FROM invoice_lines l JOIN ({}) sel ON sel.id = l.invoice_id ORDER BY l.invoice_id, l.position",
            format_args!("SELECT i.id {from}")
        ),
    )
    .await?
    {
        lines
            .entry(l.try_get("invoice_id")?)
            .or_default()
            .push(InvoiceLine {
                kind: l.try_get("kind")?,
                description: l.try_get("description")?,
                quantity: l.try_get("quantity")?,
                unit_yen: l.try_get("unit_yen")?,
                amount_yen: l.try_get("amount_yen")?,
            });
    }
    let mut payments: std::collections::HashMap<String, Vec<Payment>> = std::collections::HashMap::new();
    for p in fetch(&mut *conn, binds, format!(
        "SELECT p.invoice_id, p.paid_on, p.amount_yen FROM payments p JOIN ({}) sel ON sel.id = p.invoice_id \
         ORDER BY p.invoice_id, p.paid_on, p.created_at",
        format_args!("SELECT i.id {from}")
    ))
    .await?
    {
        payments
            .entry(p.try_get("invoice_id")?)
            .or_default()
            .push(Payment {
                paid_on: date(&p, "paid_on")?.ok_or_else(|| StoreError::Corrupt("paid_on".into()))?,
                amount_yen: p.try_get("amount_yen")?,
            });
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get("id")?;
        let lines = lines.remove(&id).unwrap_or_default();
        let payments = payments.remove(&id).unwrap_or_default();
        out.push(Invoice {
            id,
            number: r.try_get("number")?,
            case_id: r.try_get("case_id")?,
            organization_id: r.try_get("organization_id")?,
            issued_on: date(r, "issued_on")?.ok_or_else(|| StoreError::Corrupt("issued_on".into()))?,
            due_on: date(r, "due_on")?.ok_or_else(|| StoreError::Corrupt("due_on".into()))?,
            registration_number: r.try_get("registration_number")?,
            tax_rate_percent: r.try_get("tax_rate_percent")?,
            subtotal_yen: r.try_get("subtotal_yen")?,
            tax_yen: r.try_get("tax_yen")?,
            total_yen: r.try_get("total_yen")?,
            lines,
            payments,
        });
    }
    Ok(out)
}

/// `(id, number)` of the invoices of a case having a line of `kind`, oldest first.
pub async fn with_line_kind<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    case_id: &str,
    kind: &str,
) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT DISTINCT i.id, i.number, i.issued_on FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id \
         WHERE i.case_id = $1 AND l.kind = $2 ORDER BY i.issued_on, i.number",
    )
    .bind(case_id.to_owned())
    .bind(kind.to_owned())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("number")?)))
        .collect()
}
