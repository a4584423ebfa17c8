//! The office's exports: ACC cases, deadlines and invoices as CSV (UTF-8 with BOM, CRLF, Excel-safe: a cell
//! starting with = + - @ is defused, `nintei_docs::csv`) and as JSON, for the office and the administrator
//! (`authz::export_data`).

use std::collections::HashMap;

use nintei_docs::csv::{CsvWriter, Field};
use nintei_domain::authz;
use nintei_domain::deadline::status_on;
use nintei_store::acc::{Case, CaseScope};
use nintei_store::{acc as acc_store, deadlines, invoices, organizations, users};
use serde_json::{Value, json};

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// What can be exported, each as `.csv` and `.json`.
pub const DATASETS: [&str; 3] = ["acc-cases", "deadlines", "invoices"];

/// How an export is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    Csv,
    Json,
}

/// Whether the caller may export (the office and the administrator); 403 otherwise.
pub fn may_export(caller: &Caller) -> AppResult<()> {
    AppError::check(authz::export_data(&caller.actor()))
}

/// The dataset (one of [`DATASETS`]; anything else is a 404) in `format`, stamped `generated_at` (JSON).
pub async fn export(
    state: &AppState,
    caller: &Caller,
    dataset: &str,
    format: Format,
    generated_at: &str,
) -> AppResult<Vec<u8>> {
    may_export(caller)?;
    let table = match dataset {
        "acc-cases" => acc_cases_table(state).await?,
        "deadlines" => deadlines_table(state).await?,
        "invoices" => invoices_table(state).await?,
        _ => return Err(AppError::NotFound),
    };
    Ok(match format {
        Format::Csv => table.csv(),
        Format::Json => table.json(generated_at),
    })
}

/// One table of an export: columns (CSV header, JSON key) and rows of values.
struct Table {
    columns: Vec<(&'static str, &'static str)>,
    rows: Vec<Vec<Value>>,
}

impl Table {
    fn csv(&self) -> Vec<u8> {
        let header: Vec<&str> = self.columns.iter().map(|(h, _)| *h).collect();
        let mut w = CsvWriter::new(&header);
        for row in &self.rows {
            let fields: Vec<Field> = row
                .iter()
                .map(|v| match v {
                    Value::Null => Field::Text(String::new()),
                    Value::String(s) => Field::Text(s.clone()),
                    Value::Number(n) => n.as_i64().map_or_else(|| Field::Text(n.to_string()), Field::Int),
                    Value::Bool(b) => Field::Text(if *b { "true" } else { "false" }.to_owned()),
                    other => Field::Text(other.to_string()),
                })
                .collect();
            w.row(&fields);
        }
        w.finish()
    }

    fn json(&self, generated_at: &str) -> Vec<u8> {
        let items: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                let map: serde_json::Map<String, Value> = self
                    .columns
                    .iter()
                    .zip(row)
                    .map(|((_, key), v)| ((*key).to_owned(), v.clone()))
                    .collect();
                Value::Object(map)
            })
            .collect();
        let body = json!({"generated_at": generated_at, "count": items.len(), "items": items});
        serde_json::to_vec_pretty(&body).unwrap_or_default()
    }
}

fn opt_date(d: Option<chrono::NaiveDate>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.to_string()))
}

fn opt_str(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.to_owned()))
}

async fn org_names(state: &AppState) -> AppResult<HashMap<String, String>> {
    Ok(organizations::list(state.db.pool(), i64::from(i32::MAX))
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

async fn all_cases(state: &AppState) -> AppResult<Vec<Case>> {
    let mut cases = acc_store::list(state.db.pool(), CaseScope::All, i64::from(i32::MAX)).await?;
    cases.reverse();
    Ok(cases)
}

async fn acc_cases_table(state: &AppState) -> AppResult<Table> {
    let orgs = org_names(state).await?;
    let mut rows = Vec::new();
    for c in all_cases(state).await? {
        let services: Vec<&str> = c.service_codes().iter().map(|s| s.as_str()).collect();
        rows.push(vec![
            json!(c.id),
            json!(c.organization_id),
            json!(orgs.get(&c.organization_id).cloned().unwrap_or_default()),
            opt_str(c.unit_name.as_deref()),
            json!(c.status.as_str()),
            json!(c.applied_on.to_string()),
            json!(services.join(" ")),
            json!(c.annual_revenue_yen),
            c.eligibility_decision.map_or(Value::Null, Value::Bool),
            opt_date(c.eligibility_decided_on),
            opt_date(c.self_study_due_on),
            opt_date(c.self_study_submitted_on),
            opt_date(c.site_visit_on),
            opt_date(c.report_issued_on),
            opt_str(c.outcome.map(|o| o.as_str())),
            opt_date(c.decided_on),
            opt_date(c.grace_until),
            opt_str(c.accreditation_number.as_deref()),
            opt_date(c.accredited_on),
            opt_date(c.expires_on),
        ]);
    }
    Ok(Table {
        columns: vec![
            ("案件ID", "id"),
            ("機関ID", "organization_id"),
            ("機関名", "organization_name"),
            ("部門", "unit_name"),
            ("状態", "status"),
            ("申請日", "applied_on"),
            ("サービス", "services"),
            ("年間収入（円）", "annual_revenue_yen"),
            ("受審資格", "eligible"),
            ("受審資格の決定日", "eligibility_decided_on"),
            ("セルフスタディ提出期限", "self_study_due_on"),
            ("セルフスタディ提出日", "self_study_submitted_on"),
            ("実地調査日", "site_visit_on"),
            ("報告書発行日", "report_issued_on"),
            ("審査結果", "outcome"),
            ("決定日", "decided_on"),
            ("猶予期限", "grace_until"),
            ("認定番号", "accreditation_number"),
            ("認定日", "accredited_on"),
            ("有効期限", "expires_on"),
        ],
        rows,
    })
}

async fn deadlines_table(state: &AppState) -> AppResult<Table> {
    let orgs = org_names(state).await?;
    let people: HashMap<String, String> = users::list(state.db.pool())
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let today = state.clock.today();
    let mut rows = Vec::new();
    for d in deadlines::all(state.db.pool()).await? {
        let Ok(due) = d.due_on.parse::<chrono::NaiveDate>() else {
            continue;
        };
        let met = d
            .met_on
            .as_deref()
            .and_then(|m| m.parse::<chrono::NaiveDate>().ok());
        let status = status_on(due, met, d.waived, today);
        let org_name = d
            .organization_id
            .as_ref()
            .and_then(|id| orgs.get(id))
            .cloned()
            .unwrap_or_default();
        let assignee = d
            .assignee_id
            .as_ref()
            .and_then(|id| people.get(id))
            .cloned()
            .unwrap_or_default();
        rows.push(vec![
            json!(d.id),
            json!(d.kind),
            json!(d.title),
            json!(d.subject),
            json!(d.subject_id),
            opt_str(d.organization_id.as_deref()),
            json!(org_name),
            json!(d.owner),
            json!(assignee),
            json!(d.due_on),
            opt_str(d.met_on.as_deref()),
            json!(status.as_str()),
            opt_str(d.waived_reason.as_deref()),
        ]);
    }
    Ok(Table {
        columns: vec![
            ("期限ID", "id"),
            ("種類", "kind"),
            ("内容", "title"),
            ("対象", "subject"),
            ("対象ID", "subject_id"),
            ("機関ID", "organization_id"),
            ("機関名", "organization_name"),
            ("対応者", "owner"),
            ("担当者", "assignee"),
            ("期限日", "due_on"),
            ("対応日", "met_on"),
            ("状況", "status"),
            ("免除の理由", "waived_reason"),
        ],
        rows,
    })
}

async fn invoices_table(state: &AppState) -> AppResult<Table> {
    let orgs = org_names(state).await?;
    let mut rows = Vec::new();
    // Every invoice with its lines and payments in one statement, then by case in the cases' order.
    let mut by_case: HashMap<String, Vec<invoices::Invoice>> = HashMap::new();
    for i in invoices::all(&mut *state.db.acquire().await?).await? {
        by_case.entry(i.case_id.clone()).or_default().push(i);
    }
    for c in all_cases(state).await? {
        for i in by_case.remove(&c.id).unwrap_or_default() {
            let lines: Vec<String> = i
                .lines
                .iter()
                .map(|l| format!("{} × {}", l.description, l.quantity))
                .collect();
            let last_paid = i.payments.iter().map(|p| p.paid_on).max();
            rows.push(vec![
                json!(i.number),
                json!(i.id),
                json!(i.case_id),
                json!(i.organization_id),
                json!(orgs.get(&i.organization_id).cloned().unwrap_or_default()),
                json!(i.issued_on.to_string()),
                json!(i.due_on.to_string()),
                json!(i.registration_number),
                json!(lines.join(" / ")),
                json!(i.subtotal_yen),
                json!(i.tax_rate_percent),
                json!(i.tax_yen),
                json!(i.total_yen),
                json!(i.paid_yen()),
                json!(i.is_paid()),
                opt_date(last_paid),
            ]);
        }
    }
    Ok(Table {
        columns: vec![
            ("請求書番号", "number"),
            ("請求書ID", "id"),
            ("案件ID", "case_id"),
            ("機関ID", "organization_id"),
            ("機関名", "organization_name"),
            ("発行日", "issued_on"),
            ("支払期限", "due_on"),
            ("登録番号", "registration_number"),
            ("明細", "lines"),
            ("税抜金額（円）", "subtotal_yen"),
            ("税率（%）", "tax_rate_percent"),
            ("消費税額（円）", "tax_yen"),
            ("合計（円）", "total_yen"),
            ("入金額（円）", "paid_yen"),
            ("入金済み", "paid"),
            ("最終入金日", "last_paid_on"),
        ],
        rows,
    })
}
