//! What waits for the signed-in user — the work queues on the dashboard and `GET /api/v1/me/tasks`: for each role
//! the records whose next step is theirs, across ACC and REG, overdue first, then by due date, then oldest. Each
//! item passes the same visibility as its record: assigned staff and committee members see only their cases without
//! a declared conflict (ACC-8), an organization only its own records, and deadlines go through `DeadlineAccess`.

use std::collections::HashMap;

use chrono::NaiveDate;
use nintei_domain::role::Role;
use nintei_store::tasks::{self as store, Waiting};

use crate::caller::Caller;
use crate::deadline::{DeadlineAccess, record_link, subject_link};
use crate::error::AppResult;
use crate::state::AppState;

/// One item of a work queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// What is to be done: a queue kind (`acc_eligibility`, `reg_change`, …) or a deadline's kind.
    pub kind: String,
    /// In Japanese, with the organization or number concerned.
    pub title: String,
    /// The organization or number concerned (queue items; empty for deadlines, whose title says it).
    pub about: String,
    pub record_type: String,
    pub record_id: String,
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
    /// Where the screens show the record.
    pub link: String,
    /// When the item arrived (applied, submitted, notified), for the order of items without a due date.
    pub since: Option<NaiveDate>,
}

/// The queue and its count per kind, in the queue's order.
#[derive(Debug, Clone, Default)]
pub struct Tasks {
    pub items: Vec<Task>,
    pub counts: Vec<(String, usize)>,
}

/// The queue kinds (the rest are deadlines).
pub const KINDS: [&str; 15] = [
    "acc_eligibility",
    "acc_format_check",
    "invoice_unpaid",
    "acc_hold",
    "acc_unit_decision",
    "acc_objection",
    "acc_vote",
    "acc_visit",
    "acc_rate",
    "acc_report",
    "acc_response",
    "reg_review",
    "reg_change",
    "reg_report",
    "account_request",
];

/// The Japanese name of a queue kind.
pub fn kind_title_ja(kind: &str) -> &'static str {
    match kind {
        "acc_eligibility" => "受審資格と料金の確認",
        "acc_format_check" => "セルフスタディの形式の確認",
        "invoice_unpaid" => "支払期限を過ぎた請求書",
        "acc_hold" => "保留中の審査の判断",
        "acc_unit_decision" => "部門単位での受審の判断",
        "acc_objection" => "調査員への異議の判断",
        "acc_vote" => "認定委員会での投票",
        "acc_visit" => "実地調査の準備",
        "acc_rate" => "基準の評定",
        "acc_report" => "実地調査報告書の発行",
        "acc_response" => "報告書への意見と改善計画の提出",
        "reg_review" => "登録申請の審査",
        "reg_change" => "変更の届出の確認",
        "reg_report" => "寄せられた情報の確認",
        "account_request" => "アカウントの申請",
        _ => "期限",
    }
}

fn date(s: Option<&str>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok())
}

fn from_waiting(w: Waiting, today: NaiveDate) -> Task {
    let due_on = date(w.due_on.as_deref());
    let mut title = format!("{}：{}", kind_title_ja(w.kind), w.about);
    let about = w.about.clone();
    if w.kind == "acc_rate"
        && let Some(n) = w.count
    {
        title.push_str(&format!("（評定済み {n} 件）"));
    }
    // A surveyor's item opens the rating sheet itself.
    let mut link = record_link(w.record_type, &w.record_id);
    if w.kind == "acc_rate" {
        link.push_str("/ratings");
    }
    Task {
        kind: w.kind.to_owned(),
        link,
        record_type: w.record_type.to_owned(),
        record_id: w.record_id,
        overdue: due_on.is_some_and(|d| d < today),
        due_on,
        since: date(w.since.as_deref()),
        title,
        about,
    }
}

/// The caller's queue as of the office clock's today.
pub async fn for_caller(state: &AppState, caller: &Caller) -> AppResult<Tasks> {
    let pool = state.db.pool();
    let today = state.clock.today();
    let me = caller.user.id.as_str();
    let mut waiting: Vec<Waiting> = Vec::new();
    match caller.user.role {
        Role::Office => {
            waiting.extend(store::acc_applications(pool).await?);
            waiting.extend(store::format_checks(pool).await?);
            waiting.extend(store::unpaid_invoices(pool, &today.to_string()).await?);
            waiting.extend(store::reg_applications(pool).await?);
            waiting.extend(store::change_notices(pool).await?);
            let arrived = store::new_reports(pool)
                .await?
                .into_iter()
                .chain(store::account_requests(pool).await?);
            for (mut w, received_at) in arrived {
                w.since = chrono::DateTime::from_timestamp(received_at, 0)
                    .map(|t| t.with_timezone(&crate::clock::jst()).date_naive().to_string());
                waiting.push(w);
            }
        }
        Role::Head => waiting.extend(store::for_head(pool).await?),
        Role::Committee => waiting.extend(store::votes_due(pool, me).await?),
        Role::Coordinator => waiting.extend(store::coordinated(pool, me).await?),
        Role::Surveyor => {
            for w in store::to_rate(pool, me).await? {
                // ACC-10: the lead issues the report once the visit has taken place.
                let visited = date(w.due_on.as_deref()).is_some_and(|d| d <= today);
                if w.since.as_deref() == Some("lead") && visited {
                    waiting.push(Waiting {
                        kind: "acc_report",
                        since: w.due_on.clone(),
                        due_on: None,
                        count: None,
                        ..w.clone()
                    });
                }
                waiting.push(Waiting { since: None, ..w });
            }
        }
        Role::Organization => {
            if let Some(org) = caller.user.organization_id.as_deref() {
                waiting.extend(store::responses_due(pool, org).await?);
            }
        }
        Role::Admin => {}
    }
    let mut items: Vec<Task> = waiting.into_iter().map(|w| from_waiting(w, today)).collect();
    items.extend(deadlines(state, caller, today).await?);
    items.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| a.due_on.is_none().cmp(&b.due_on.is_none()))
            .then_with(|| a.due_on.cmp(&b.due_on))
            .then_with(|| a.since.cmp(&b.since))
            .then_with(|| a.title.cmp(&b.title))
    });
    let mut counts: Vec<(String, usize)> = Vec::new();
    for t in &items {
        match counts.iter_mut().find(|(k, _)| *k == t.kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((t.kind.clone(), 1)),
        }
    }
    Ok(Tasks { items, counts })
}

/// The open deadlines that are the caller's to meet: the office's own for the office, the organization's for its
/// users, and any deadline assigned to the caller by name.
async fn deadlines(state: &AppState, caller: &Caller, today: NaiveDate) -> AppResult<Vec<Task>> {
    let role = caller.user.role;
    let org_filter = (role == Role::Organization)
        .then(|| caller.user.organization_id.clone().unwrap_or_else(|| "-".into()));
    let horizon = today.checked_add_days(chrono::Days::new(3650)).unwrap_or(today);
    let open = nintei_store::deadlines::open_until(state.db.pool(), horizon, org_filter.as_deref()).await?;
    let mine: Vec<_> = open
        .into_iter()
        .filter(|d| {
            d.assignee_id.as_deref() == Some(caller.user.id.as_str())
                || match role {
                    Role::Office => d.owner == nintei_domain::deadline::Owner::Office.as_str(),
                    Role::Organization => d.owner == nintei_domain::deadline::Owner::Organization.as_str(),
                    _ => false,
                }
        })
        .collect();
    let visible = DeadlineAccess::new(caller.actor()).filter(state, mine).await?;
    let mut links = HashMap::new();
    let mut out = Vec::with_capacity(visible.len());
    for d in visible {
        let due_on = date(Some(&d.due_on));
        out.push(Task {
            link: subject_link(state, &mut links, &d.subject, &d.subject_id).await?,
            kind: d.kind,
            title: d.title,
            about: String::new(),
            record_type: d.subject,
            record_id: d.subject_id,
            overdue: due_on.is_some_and(|x| x < today),
            due_on,
            since: None,
        });
    }
    Ok(out)
}
