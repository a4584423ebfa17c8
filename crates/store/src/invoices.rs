//! Invoices, their lines and payments (ACC-22): base and add-on fees on acceptance, extra fees later.

use chrono::NaiveDate;
use serde::Serialize;
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
/// lines and payments, in one statement whatever the number of invoices: the three kinds of row share its columns
/// (`src` tells them apart; `t*` text, `n*` numbers, `k*` the order within each kind). Invoices are ordered by the
/// case's creation, then issue date and number; lines by position; payments by day paid, then as recorded.
async fn select(conn: &mut AnyConnection, filter: &str, binds: &[&str]) -> Result<Vec<Invoice>> {
    const NULL_TEXT: &str = "CAST(NULL AS TEXT)";
    const NULL_INT: &str = "CAST(NULL AS BIGINT)";
    const ZERO: &str = "CAST(0 AS BIGINT)";
    let from = format!("FROM invoices i JOIN acc_cases c ON c.id = i.case_id WHERE {filter}");
    let selected = format!("SELECT i.id {from}");
    let sql = format!(
        "SELECT 'i' AS src, i.id AS invoice_id, i.number AS t1, i.case_id AS t2, i.organization_id AS t3, \
                i.issued_on AS t4, i.due_on AS t5, i.registration_number AS t6, \
                i.tax_rate_percent AS n1, i.subtotal_yen AS n2, i.tax_yen AS n3, i.total_yen AS n4, \
                c.created_at AS k1, c.id AS k2, i.issued_on AS k3, i.number AS k4, {ZERO} AS k5 {from} \
         UNION ALL \
         SELECT 'l', l.invoice_id, l.kind, l.description, {NULL_TEXT}, {NULL_TEXT}, {NULL_TEXT}, {NULL_TEXT}, \
                l.quantity, l.unit_yen, l.amount_yen, {NULL_INT}, \
                l.position, {NULL_TEXT}, {NULL_TEXT}, {NULL_TEXT}, {ZERO} \
         FROM invoice_lines l JOIN ({selected}) sel ON sel.id = l.invoice_id \
         UNION ALL \
         SELECT 'p', p.invoice_id, p.paid_on, {NULL_TEXT}, {NULL_TEXT}, {NULL_TEXT}, {NULL_TEXT}, {NULL_TEXT}, \
                p.amount_yen, {NULL_INT}, {NULL_INT}, {NULL_INT}, \
                {ZERO}, p.paid_on, {NULL_TEXT}, {NULL_TEXT}, p.created_at \
         FROM payments p JOIN ({selected}) sel ON sel.id = p.invoice_id \
         ORDER BY 1, 13, 14, 15, 16, 17"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind((*b).to_owned());
    }
    let rows = q.fetch_all(conn).await?;
    let mut invoices = Vec::new();
    let mut lines: std::collections::HashMap<String, Vec<InvoiceLine>> = std::collections::HashMap::new();
    let mut payments: std::collections::HashMap<String, Vec<Payment>> = std::collections::HashMap::new();
    for r in &rows {
        let src: String = r.try_get("src")?;
        let invoice_id: String = r.try_get("invoice_id")?;
        let day = |column: &str| date(r, column)?.ok_or_else(|| StoreError::Corrupt(column.into()));
        match src.as_str() {
            "i" => invoices.push(Invoice {
                id: invoice_id,
                number: r.try_get("t1")?,
                case_id: r.try_get("t2")?,
                organization_id: r.try_get("t3")?,
                issued_on: day("t4")?,
                due_on: day("t5")?,
                registration_number: r.try_get("t6")?,
                tax_rate_percent: r.try_get("n1")?,
                subtotal_yen: r.try_get("n2")?,
                tax_yen: r.try_get("n3")?,
                total_yen: r.try_get("n4")?,
                lines: Vec::new(),
                payments: Vec::new(),
            }),
            "l" => lines.entry(invoice_id).or_default().push(InvoiceLine {
                kind: r.try_get("t1")?,
                description: r.try_get("t2")?,
                quantity: r.try_get("n1")?,
                unit_yen: r.try_get("n2")?,
                amount_yen: r.try_get("n3")?,
            }),
            _ => payments.entry(invoice_id).or_default().push(Payment {
                paid_on: day("t1")?,
                amount_yen: r.try_get("n1")?,
            }),
        }
    }
    for invoice in &mut invoices {
        invoice.lines = lines.remove(&invoice.id).unwrap_or_default();
        invoice.payments = payments.remove(&invoice.id).unwrap_or_default();
    }
    Ok(invoices)
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
